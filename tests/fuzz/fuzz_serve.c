/*
 * fuzz_serve.c - a real server's connection fed arbitrary bytes.
 *
 * One srpc_server serves alltypes.idl (every IDL construct, through the
 * generated dispatch and decoders, with the handlers of test_types) on a
 * Unix socket in a temporary directory, with a small message limit, and
 * is stepped from this thread.  For each input a client connects, writes
 * the input in pieces the input chooses, reading replies as it goes, then
 * shuts its side down and reads until the server hangs up.
 *
 * What must hold: the server hangs up once its peer is done (nothing is
 * left waiting); every byte it sent is a well-formed message (responses,
 * notifications); and the replies are exactly those the protocol owes, in
 * order.  Those are worked out here from the input alone: the messages
 * before the first the server must refuse (one that breaks a frame rule,
 * does not decode, is a response, or is a request or notification too
 * broken to answer), and among them each request with a msgid owes one
 * reply with that msgid, a result or an error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <msgpack.h>

#include "alltypes.h"
#include "alltypes_impl.h"
#include "fuzz.h"
#include "sockrpc.h"
#include "wire/frame.h"
#include "wire/protocol.h"

enum {
    MAX_MESSAGE = 1 << 12,   /* the server's limit: reachable by short inputs */
    MAX_IDS = 8192,          /* replies owed, at most (inputs are short) */
    MAX_STEPS = 100000       /* server turns before a hang is a finding */
};

static srpc_server *server;
static char dir[64], path[128];

/* A growing buffer for what the server sent. */
struct bytes {
    uint8_t *data;
    size_t len, cap;
};

static void remove_dir(void)
{
    srpc_server_destroy(server);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct srpc_server_options opt;
    char addr[160];

    (void)argc;
    (void)argv;
    srpc_set_log(NULL, SRPC_LOG_NONE, NULL); /* refusals are expected */
    strcpy(dir, "/tmp/sockrpc-fuzz.XXXXXX");
    fuzz_check(mkdtemp(dir) != NULL, "a temporary directory");
    snprintf(path, sizeof path, "%s/s", dir);
    snprintf(addr, sizeof addr, "unix:%s", path);
    memset(&opt, 0, sizeof opt);
    opt.max_message_size = MAX_MESSAGE;
    opt.idle_timeout_ms = -1;     /* no input may depend on the clock */
    opt.message_timeout_ms = -1;
    fuzz_check(srpc_server_create(&server, &opt) == SRPC_OK, "a server");
    fuzz_check(types_serve(server, &alltypes_ops, NULL) == SRPC_OK,
               "alltypes served");
    fuzz_check(srpc_server_listen(server, addr) == SRPC_OK, "listening");
    atexit(remove_dir);
    return 0;
}

/* ---- what the server owes ------------------------------------------- */

/* Unpacks the whole message DATA[0, LEN) into ZONE; NULL if it does not
 * decode. */
static msgpack_object *decode(const uint8_t *data, size_t len,
                              msgpack_zone *zone, msgpack_object *obj)
{
    size_t off = 0;

    msgpack_zone_clear(zone);
    if (msgpack_unpack((const char *)data, len, &off, zone, obj)
        != MSGPACK_UNPACK_SUCCESS)
        return NULL;
    return obj;
}

/* The msgids of the replies the input is owed, in order, into IDS: the
 * first MAX_IDS of them (*ALL says whether that is all). */
static size_t owed(const uint8_t *data, size_t size, uint32_t *ids,
                   bool *all, msgpack_zone *zone)
{
    struct srpc__frame f;
    size_t off = 0, n = 0, len;

    srpc__frame_init(&f, MAX_MESSAGE);
    while (off < size && n < MAX_IDS &&
           srpc__frame_scan(&f, data + off, size - off, &len)
           == SRPC__FRAME_DONE) {
        msgpack_object obj;
        struct srpc__msg m;
        const char *why;
        int rc;

        if (decode(data + off, len, zone, &obj) == NULL)
            break;
        memset(&m, 0, sizeof m);
        rc = srpc__msg_parse(&obj, &m, &why);
        if (m.type == SRPC__MSG_REQUEST && m.has_msgid)
            ids[n++] = m.msgid;      /* a result, or an error reply */
        else if (m.type == SRPC__MSG_NOTIFY && (rc == SRPC_OK || m.method))
            ;                        /* served or ignored: no reply */
        else
            break;                   /* the server hangs up here */
        off += len;
    }
    *all = n < MAX_IDS;
    return n;
}

/* Checks that OUT is well-formed messages and that its responses carry
 * the msgids IDS[0, N), in order, and no more when ALL. */
static void check_replies(const struct bytes *out, const uint32_t *ids,
                          size_t n, bool all, msgpack_zone *zone)
{
    struct srpc__frame f;
    size_t off = 0, got = 0, len;

    srpc__frame_init(&f, SIZE_MAX);
    while (off < out->len) {
        msgpack_object obj;
        struct srpc__msg m;
        const char *why;

        fuzz_check(srpc__frame_scan(&f, out->data + off, out->len - off, &len)
                   == SRPC__FRAME_DONE, "the server sends whole messages");
        fuzz_check(decode(out->data + off, len, zone, &obj) != NULL,
                   "the server's messages decode");
        fuzz_check(srpc__msg_parse(&obj, &m, &why) == SRPC_OK,
                   "the server's messages are msgpack-rpc");
        fuzz_check(m.type != SRPC__MSG_REQUEST, "the server asks nothing");
        if (m.type == SRPC__MSG_RESPONSE && got < n) {
            fuzz_check(m.msgid == ids[got], "replies in order");
            got++;
        } else if (m.type == SRPC__MSG_RESPONSE) {
            fuzz_check(!all, "no reply that is not owed");
        }
        off += len;
    }
    fuzz_check(got == n, "every reply owed");
}

/* ---- one connection --------------------------------------------------- */

/* Reads what FD has into OUT; false once the server hung up. */
static bool drain(int fd, struct bytes *out)
{
    for (;;) {
        ssize_t r;

        if (out->cap - out->len < 65536) {
            size_t cap = out->cap * 2 + 65536;
            uint8_t *p = realloc(out->data, cap);

            fuzz_check(p != NULL, "memory for replies");
            out->data = p;
            out->cap = cap;
        }
        r = read(fd, out->data + out->len, out->cap - out->len);
        if (r > 0) {
            out->len += (size_t)r;
            continue;
        }
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            return true;
        return false; /* EOF, or ECONNRESET after the server hung up */
    }
}

static int connect_client(void)
{
    struct sockaddr_un sa;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

    fuzz_check(fd >= 0, "a client socket");
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    fuzz_check(connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0,
               "the client connects");
    return fd;
}

/* Feeds DATA to a fresh connection in up to 8 pieces, cut where RNG
 * says; what came back goes to OUT. */
static void converse(const uint8_t *data, size_t size, struct fuzz_rng *rng,
                     struct bytes *out)
{
    unsigned pieces = 1 + fuzz_rng_below(rng, 8);
    int fd = connect_client();
    size_t sent = 0;
    bool open = true;
    unsigned steps = 0;

    while (open && sent < size) {
        size_t left = size - sent;
        size_t want = --pieces == 0 || left < 2
                      ? left : 1 + fuzz_rng_below(rng, (uint32_t)left);
        ssize_t w = send(fd, data + sent, want, MSG_NOSIGNAL);

        if (pieces == 0)
            pieces = 1; /* what a full socket left over goes on alone */
        if (w > 0)
            sent += (size_t)w;
        else
            fuzz_check(w < 0 && (errno == EAGAIN || errno == EPIPE
                                 || errno == ECONNRESET), "a write");
        if (w < 0 && errno != EAGAIN)
            break; /* the server hung up: the rest is never read */
        srpc_server_step(server, 0);
        open = drain(fd, out);
        fuzz_check(++steps < MAX_STEPS, "the server keeps reading");
    }
    shutdown(fd, SHUT_WR);
    while (open) {
        srpc_server_step(server, 0);
        open = drain(fd, out);
        fuzz_check(++steps < MAX_STEPS, "the server hangs up when its "
                   "peer is done");
    }
    close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint32_t ids[MAX_IDS];
    static struct bytes out; /* kept: a fresh 64 KiB a run is page faults */
    struct srpc_server_stats st;
    struct fuzz_rng rng;
    msgpack_zone zone;
    size_t n;
    bool all;

    out.len = 0;
    msgpack_zone_init(&zone, 4096);
    fuzz_rng_seed(&rng, data, size);
    n = owed(data, size, ids, &all, &zone);
    converse(data, size, &rng, &out);
    check_replies(&out, ids, n, all, &zone);
    srpc_server_step(server, 0);
    fuzz_check(srpc_server_stats(server, &st) == SRPC_OK
               && st.connections_open == 0, "the connection is gone");
    msgpack_zone_destroy(&zone);
    return 0;
}
