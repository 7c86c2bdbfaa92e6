/*
 * fuzz_client.c - a client's reply stream, with calls in flight.
 *
 * A client connects to a socket this file listens on, in a temporary
 * directory, and sends between one and eight calls of alltypes.idl through
 * the generated NAME_async() stubs; the input's first byte chooses which.
 * This side reads the requests and answers with the rest: replies in any
 * order or none, replies to msgids never sent, notifications, requests,
 * garbage.  Then it hangs up, and the client finishes every call through
 * the generated NAME_finish(), which decodes each result into its C type.
 *
 * What must hold: nothing crashes, leaks or trips a sanitizer; each
 * finish returns, with SRPC_OK or an error status that has a message; the
 * client is closed cleanly.  The client is never left waiting: once this
 * side hangs up, every call still in flight must fail.
 */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "alltypes.h"
#include "fuzz.h"
#include "sockrpc.h"

#include "base/clock.h"

enum { MAX_CALLS = 8 };

static char dir[64], address[160];
static int listener = -1;

static void remove_dir(void)
{
    close(listener);
    snprintf(address, sizeof address, "%s/c", dir);
    unlink(address);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    struct sockaddr_un sa;

    (void)argc;
    (void)argv;
    srpc_set_log(NULL, SRPC_LOG_NONE, NULL); /* bad replies are expected */
    strcpy(dir, "/tmp/sockrpc-fuzz.XXXXXX");
    fuzz_check(mkdtemp(dir) != NULL, "a temporary directory");
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s/c", dir);
    listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    fuzz_check(listener >= 0, "a socket");
    fuzz_check(bind(listener, (struct sockaddr *)&sa, sizeof sa) == 0
               && listen(listener, 4) == 0, "listening");
    snprintf(address, sizeof address, "unix:%s", sa.sun_path);
    atexit(remove_dir);
    return 0;
}

/* ---- the calls: each sends fixed arguments, and decodes its result ---- */

static const struct types_point a_point = { .x = 1, .y = 2 };
static const struct types_shape a_shape = { .name = "s", .sides = 3 };
static const struct types_expr an_expr = { .tag = TYPES_OP_LEAF, .n = 7 };
static const struct types_value a_value = { .tag = TYPES_KIND_NUM,
                                            .number = 1.5 };
static const struct types_wide a_wide = { .tag = -1 };
static const struct types_boxed a_boxed = { .name = "b" };
static const struct types_bag a_bag;
static const struct types_seq_int32 a_seq;
static const struct types_map_string_uint64 a_map;
static const struct types_map_int64_seq_bytes a_nest;
static const msgpack_object a_nil = { .type = MSGPACK_OBJECT_NIL };
static const int32_t an_i32 = 5;

/* start_NAME sends NAME with ARGS; finish_NAME decodes into RESULT. */
#define CALL(name, result_type, ...)                                        \
    static int start_##name(srpc_client *c, srpc_pending **p)              \
    {                                                                       \
        return types_##name##_async(c, __VA_ARGS__, p);                     \
    }                                                                       \
    static int finish_##name(srpc_client *c, srpc_pending *p)              \
    {                                                                       \
        result_type result;                                                 \
        return types_##name##_finish(c, p, &result);                        \
    }

CALL(echo_i8, int8_t, -3)
CALL(echo_u64, uint64_t, UINT64_MAX)
CALL(echo_d, double, 0.5)
CALL(reverse, srpc_bytes, ((srpc_bytes){ (const uint8_t *)"abc", 3 }))
CALL(echo_s8, const char *, "eight")
CALL(flip, struct types_point, &a_point)
CALL(grow, struct types_shape, &a_shape, 1)
CALL(next_color, enum types_color, TYPES_COLOR_GREEN)
CALL(echo_level, enum types_level, TYPES_LEVEL_HIGH)
CALL(squares, struct types_seq_int64, &a_seq)
CALL(bump, struct types_map_string_uint64, &a_map)
CALL(echo_nest, struct types_map_int64_seq_bytes, &a_nest)
CALL(echo_bag, struct types_bag, &a_bag)
CALL(echo_any, const msgpack_object *, &a_nil)
CALL(maybe_i32, const int32_t *, &an_i32)
CALL(maybe_point, const struct types_point *, &a_point, NULL)
CALL(twice, struct types_value, &a_value)
CALL(echo_wide, struct types_wide, &a_wide)
CALL(echo_boxed, struct types_boxed, &a_boxed)
CALL(eval, int64_t, &an_expr)
CALL(mirror, struct types_expr, &an_expr)

static const struct {
    int (*start)(srpc_client *, srpc_pending **);
    int (*finish)(srpc_client *, srpc_pending *);
} calls[] = {
#define ENTRY(name) { start_##name, finish_##name }
    ENTRY(echo_i8), ENTRY(echo_u64), ENTRY(echo_d), ENTRY(reverse),
    ENTRY(echo_s8), ENTRY(flip), ENTRY(grow), ENTRY(next_color),
    ENTRY(echo_level), ENTRY(squares), ENTRY(bump), ENTRY(echo_nest),
    ENTRY(echo_bag), ENTRY(echo_any), ENTRY(maybe_i32), ENTRY(maybe_point),
    ENTRY(twice), ENTRY(echo_wide), ENTRY(echo_boxed), ENTRY(eval),
    ENTRY(mirror),
#undef ENTRY
};
enum { NCALLS = sizeof calls / sizeof calls[0] };

/* ---- one conversation ------------------------------------------------- */

/* Reads what the client sent so far, so that hanging up with unread
 * bytes does not turn into a reset that could overtake the answer. */
static void discard_requests(int fd)
{
    char buf[4096];

    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
        ;
}

/* Writes DATA[0, SIZE) as the server's side, as far as the socket takes
 * it without blocking (the client reads only when it finishes calls). */
static void answer(int fd, const uint8_t *data, size_t size)
{
    size_t off = 0;

    while (off < size) {
        ssize_t n = send(fd, data + off, size - off,
                         MSG_DONTWAIT | MSG_NOSIGNAL);

        if (n <= 0)
            break;
        off += (size_t)n;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct srpc_client_options opt = { .timeout_ms = 2000,
                                       .max_message_size = 1 << 16 };
    srpc_pending *pending[MAX_CALLS];
    unsigned which[MAX_CALLS], n = 0, ncalls;
    struct fuzz_rng rng;
    srpc_client *client;
    char err[256];
    int fd;

    fuzz_rng_seed(&rng, data, size > 0 ? 1 : 0);
    fuzz_check(srpc_client_connect(&client, address, &opt, err, sizeof err)
               == SRPC_OK, err);
    fd = accept(listener, NULL, NULL);
    fuzz_check(fd >= 0, "the client's connection is accepted");
    ncalls = 1 + fuzz_rng_below(&rng, MAX_CALLS);
    for (unsigned i = 0; i < ncalls; i++) {
        which[n] = fuzz_rng_below(&rng, NCALLS);
        if (calls[which[n]].start(client, &pending[n]) == SRPC_OK)
            n++;
    }
    fuzz_check(srpc_client_flush(client) == SRPC_OK, "the calls go out");
    discard_requests(fd);
    if (size > 0)
        answer(fd, data + 1, size - 1);
    shutdown(fd, SHUT_WR);
    for (unsigned i = 0; i < n; i++) {
        int64_t start = srpc__now_ms();
        int rc = calls[which[i]].finish(client, pending[i]);

        fuzz_check(rc == SRPC_OK || srpc_client_errmsg(client)[0] != '\0',
                   "a failed call says why");
        /* The deadline is 2 s: a call that needed it missed the hang-up. */
        fuzz_check(srpc__now_ms() - start < 1500,
                   "a call fails at once when the server hangs up");
        srpc_client_free_results(client);
    }
    discard_requests(fd);
    close(fd);
    srpc_client_close(client);
    return 0;
}
