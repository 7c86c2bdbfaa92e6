/*
 * testutil.c - see testutil.h.  Failures inside helpers abort the test
 * through Check's ck_assert, so tests stay short.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <check.h>

#include "transport/address.h"
#include "transport/sockutil.h"
#include "testutil.h"
#include "transport/transport.h"

void tu_mkdtemp(char *buf, size_t size)
{
    const char *tmp = getenv("TMPDIR");

    snprintf(buf, size, "%s/srpc-test-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_msg(mkdtemp(buf) != NULL, "mkdtemp: %s", strerror(errno));
}

void tu_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

int tu_count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    ck_assert_msg(d != NULL, "/proc/self/fd: %s", strerror(errno));
    while (readdir(d) != NULL)
        n++;
    closedir(d);
    return n - 3; /* ".", ".." and the directory's own descriptor */
}

static void *run_server(void *arg)
{
    struct tu_server *ts = arg;

    ts->rc = srpc_server_run(ts->srv);
    return NULL;
}

void tu_server_start(struct tu_server *ts)
{
    ck_assert_int_eq(pthread_create(&ts->thread, NULL, run_server, ts), 0);
    ts->running = true;
}

void tu_server_stop(struct tu_server *ts)
{
    if (!ts->running)
        return;
    srpc_server_stop(ts->srv);
    ck_assert_int_eq(pthread_join(ts->thread, NULL), 0);
    ts->running = false;
    ck_assert_int_eq(ts->rc, SRPC_OK);
}

int tu_connect_raw(const char *address, int timeout_ms)
{
    struct srpc__address addr;
    struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
    struct srpc__sock sock;
    char err[256];
    int fd, fl;

    if (srpc__address_parse(address, &addr, err, sizeof err) != SRPC_OK)
        return -1;
    if (addr.ops->connect(&addr, srpc__now_ms() + timeout_ms, &sock, err,
                          sizeof err) != SRPC_OK)
        return -1;
    fd = sock.fd;
    /* Blocking, with timeouts: a hung server fails the test, not hangs. */
    fl = fcntl(fd, F_GETFL);
    ck_assert(fl >= 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0);
    ck_assert(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    ck_assert(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) == 0);
    return fd;
}

bool tu_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool tu_wait_closed(int fd)
{
    char buf[4096];

    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);

        if (n == 0)
            return true;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == ECONNRESET;
    }
}

bool tu_read_message(int fd, msgpack_unpacker *unp, msgpack_unpacked *u)
{
    for (;;) {
        msgpack_unpack_return r = msgpack_unpacker_next(unp, u);
        ssize_t n;

        if (r == MSGPACK_UNPACK_SUCCESS)
            return true;
        if (r != MSGPACK_UNPACK_CONTINUE)
            return false;
        if (!msgpack_unpacker_reserve_buffer(unp, 65536))
            return false;
        n = recv(fd, msgpack_unpacker_buffer(unp),
                 msgpack_unpacker_buffer_capacity(unp), 0);
        if (n <= 0)
            return false;
        msgpack_unpacker_buffer_consumed(unp, (size_t)n);
    }
}

void tu_pack_request(msgpack_sbuffer *sbuf, uint32_t msgid, const char *method,
                     unsigned nargs, const int64_t *args)
{
    msgpack_packer pk;

    msgpack_packer_init(&pk, sbuf, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, 0);
    msgpack_pack_uint32(&pk, msgid);
    msgpack_pack_str(&pk, strlen(method));
    msgpack_pack_str_body(&pk, method, strlen(method));
    msgpack_pack_array(&pk, nargs);
    for (unsigned i = 0; i < nargs; i++)
        msgpack_pack_int64(&pk, args[i]);
}

bool tu_is_closing(const msgpack_object *o, int64_t *code)
{
    const msgpack_object *e = o->via.array.ptr, *p;

    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != 3 ||
        e[0].via.u64 != 2 || e[1].type != MSGPACK_OBJECT_STR ||
        e[1].via.str.size != 15 ||
        memcmp(e[1].via.str.ptr, "sockrpc.closing", 15) != 0)
        return false;
    p = &e[2]; /* the params: [code, message] */
    ck_assert_int_eq(p->type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(p->via.array.size, 2);
    ck_assert_int_eq(p->via.array.ptr[0].type, MSGPACK_OBJECT_NEGATIVE_INTEGER);
    ck_assert_int_eq(p->via.array.ptr[1].type, MSGPACK_OBJECT_STR);
    *code = p->via.array.ptr[0].via.i64;
    return true;
}

bool tu_read_closing(int fd, int64_t *code)
{
    return tu_read_closing_why(fd, code, NULL, 0);
}

bool tu_read_closing_why(int fd, int64_t *code, char *why, size_t size)
{
    msgpack_unpacker unp;
    msgpack_unpacked u;
    bool found = false;

    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    while (!found && tu_read_message(fd, &unp, &u))
        found = tu_is_closing(&u.data, code);
    if (found && why != NULL) {
        const msgpack_object_str *m =
            &u.data.via.array.ptr[2].via.array.ptr[1].via.str;

        snprintf(why, size, "%.*s", (int)m->size, m->ptr);
    }
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    return found;
}

uint64_t tu_wait_stat(srpc_server *srv, size_t field, uint64_t want,
                      int timeout_ms)
{
    struct srpc_server_stats st;
    uint64_t v = 0;

    for (int waited = 0; waited <= timeout_ms; waited += 10) {
        ck_assert_int_eq(srpc_server_stats(srv, &st), SRPC_OK);
        memcpy(&v, (const char *)&st + field, sizeof v);
        if (v >= want)
            break;
        poll(NULL, 0, 10);
    }
    return v;
}
