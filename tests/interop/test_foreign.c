#include "config.h"

/*
 * test_foreign.c - calls a msgpack-rpc service that sockrpc did not write
 * through the stubs idlc generates from its description.
 *
 * tests/interop/foreign_server.py is written as other people write their
 * services (see the list at its top); tests/interop/foreign.idl describes
 * it with @prefix(""), @prefix("nvim_") and @name, structs with optional
 * fields, any, sequences, maps, optional results and raised enums.  Every
 * procedure is called, blocking and with _async/_finish, on two
 * connections: one to a modern peer (str is str, bytes is bin) and one to
 * an old one (everything is raw str).  Every value and every error (its
 * message, code and enum) is checked.
 *
 * Each test starts the server with a pipe as its stdin, so that it exits
 * when the test process does, however it ends; teardown stops it with
 * SIGTERM (checking that it exits with status 0) and removes the
 * temporary directory.  Every wait is bounded, and scaled under valgrind.
 * The test is skipped (77) when Debian's python3 (PYTHON3_SYSTEM) has no
 * msgpack module.
 */

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sockrpc.h"
#include "sockrpc/codec.h"
#include "testutil.h"
#include "foreign.h"

/* ---- the Python server -------------------------------------------- */

static const char *python(void)
{
    const char *py = getenv("PYTHON3_SYSTEM");

    return py && *py ? py : "/usr/bin/python3";
}

static int scaled_ms(int ms)
{
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    int k = m ? atoi(m) : 1;

    return k > 1 ? ms * k : ms;
}

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits at most TIMEOUT_MS for PID; true once it has been reaped. */
static bool reap(pid_t pid, int *status, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    do {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            return true;
        usleep(10000);
    } while (now_ms() < deadline);
    return false;
}

/* True when the python can import msgpack: else the test is skipped. */
static bool have_msgpack(void)
{
    pid_t pid = fork();
    int status;

    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0) {
            dup2(null, STDOUT_FILENO);
            dup2(null, STDERR_FILENO);
        }
        execl(python(), python(), "-c", "import msgpack", (char *)NULL);
        _exit(127);
    }
    return pid > 0 && reap(pid, &status, 10000) && WIFEXITED(status)
           && WEXITSTATUS(status) == 0;
}

static char dir[256];
static pid_t server_pid = -1;
static int server_stdin = -1;         /* closing it makes the server exit */
static srpc_client *clients[2];       /* [0] modern peer, [1] old peer */

static void exec_server(const char *script, const char *sock,
                        const char *legacy, int in_fd, int out_fd)
{
    dup2(in_fd, STDIN_FILENO);
    dup2(out_fd, STDOUT_FILENO);
    execl(python(), python(), script, sock, legacy, (char *)NULL);
    fprintf(stderr, "cannot run %s: %s\n", python(), strerror(errno));
    _exit(127);
}

/* Reads the server's stdout until its "ready" line, at most TIMEOUT_MS. */
static bool wait_ready(int fd, int timeout_ms)
{
    char buf[256];
    size_t len = 0;
    long long deadline = now_ms() + timeout_ms;

    while (len < sizeof buf - 1) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        long long left = deadline - now_ms();
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            return false;
        n = read(fd, buf + len, sizeof buf - 1 - len);
        if (n <= 0)
            return false;
        len += (size_t)n;
        buf[len] = '\0';
        if (strstr(buf, "ready\n"))
            return true;
    }
    return false;
}

static void start_server(const char *sock, const char *legacy)
{
    char script[1024];
    const char *top = getenv("top_srcdir");
    int in[2], out[2];
    bool ready;

    snprintf(script, sizeof script, "%s/tests/interop/foreign_server.py",
             top ? top : ".");
    ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
    ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
    server_pid = fork();
    ck_assert_int_ge(server_pid, 0);
    if (server_pid == 0)
        exec_server(script, sock, legacy, in[0], out[1]);
    close(in[0]);
    close(out[1]);
    server_stdin = in[1];
    ready = wait_ready(out[0], scaled_ms(10000));
    close(out[0]);
    ck_assert_msg(ready, "%s did not print its ready line", script);
}

/* Stops the server with SIGTERM (SIGKILL after a bound); true when it
 * exited by itself with status 0. */
static bool stop_server(void)
{
    int status = 0;
    bool clean = true;

    if (server_pid > 0) {
        kill(server_pid, SIGTERM);
        if (!reap(server_pid, &status, scaled_ms(5000))) {
            kill(server_pid, SIGKILL);
            reap(server_pid, &status, 5000);
            clean = false;
        }
        clean = clean && WIFEXITED(status) && WEXITSTATUS(status) == 0;
        server_pid = -1;
    }
    if (server_stdin >= 0) {
        close(server_stdin);
        server_stdin = -1;
    }
    return clean;
}

static void setup(void)
{
    char sock[2][300], addr[640], errbuf[256];
    struct srpc_client_options opt = { .timeout_ms = scaled_ms(5000) };

    tu_mkdtemp(dir, sizeof dir);
    snprintf(sock[0], sizeof sock[0], "%s/modern.sock", dir);
    snprintf(sock[1], sizeof sock[1], "%s/legacy.sock", dir);
    start_server(sock[0], sock[1]);
    for (int i = 0; i < 2; i++) {
        snprintf(addr, sizeof addr, "unix:%s", sock[i]);
        ck_assert_msg(srpc_client_connect(&clients[i], addr, &opt, errbuf,
                                          sizeof errbuf) == SRPC_OK,
                      "%s", errbuf);
    }
}

static void teardown(void)
{
    bool clean;

    for (int i = 0; i < 2; i++) {
        srpc_client_close(clients[i]);
        clients[i] = NULL;
    }
    clean = stop_server();
    tu_rmdir(dir);
    ck_assert_msg(clean, "the server did not exit cleanly on SIGTERM");
}

/* ---- helpers -------------------------------------------------------- */

/* The call failed with a remote error: MSG, code CODE. */
#define ck_remote(c, rc, msg, code)                                        \
    do {                                                                   \
        ck_assert_int_eq((rc), SRPC_EREMOTE);                              \
        ck_assert_str_eq(srpc_client_errmsg(c), (msg));                    \
        ck_assert_int_eq(srpc_client_remote_code(c), (code));              \
    } while (0)

static bool obj_is_str(const msgpack_object *o, const char *s)
{
    return o && o->type == MSGPACK_OBJECT_STR
           && o->via.str.size == strlen(s)
           && memcmp(o->via.str.ptr, s, o->via.str.size) == 0;
}

/* The value of key KEY of the map O, or NULL. */
static const msgpack_object *obj_get(const msgpack_object *o, const char *key)
{
    if (!o || o->type != MSGPACK_OBJECT_MAP)
        return NULL;
    for (uint32_t i = 0; i < o->via.map.size; i++)
        if (obj_is_str(&o->via.map.ptr[i].key, key))
            return &o->via.map.ptr[i].val;
    return NULL;
}

static bool obj_is_int(const msgpack_object *o, int64_t v)
{
    int64_t got;

    return o && srpc_get_int64(o, &got) == SRPC_OK && got == v;
}

/* SHA-256("abc") */
static const uint8_t sha_abc[32] = {
    0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde,
    0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
    0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
};

/* ---- the plain service -------------------------------------------- */

START_TEST(echo_sum_ping)
{
    srpc_client *c = clients[_i];
    const char *s = NULL;
    const int64_t xs[] = { 1, 2, 3, -4, INT64_C(1) << 40 };
    struct svc_seq_int64 seq = { 5, xs }, none = { 0, NULL };
    int64_t sum = 0;

    ck_assert_int_eq(svc_Echo(c, "h\xc3\xa9llo, world", &s), SRPC_OK);
    ck_assert_str_eq(s, "h\xc3\xa9llo, world");
    ck_assert_int_eq(svc_Echo(c, "", &s), SRPC_OK);
    ck_assert_str_eq(s, "");
    ck_assert_int_eq(svc_Sum(c, &seq, &sum), SRPC_OK);
    ck_assert_int_eq(sum, 2 + (INT64_C(1) << 40));
    ck_assert_int_eq(svc_Sum(c, &none, &sum), SRPC_OK);
    ck_assert_int_eq(sum, 0);
    ck_assert_int_eq(svc_ping(c, &s), SRPC_OK);
    ck_assert_str_eq(s, "pong");
    ck_assert_str_eq(srpc_client_errmsg(c), "");
    srpc_client_free_results(c);
}
END_TEST

START_TEST(int_for_double)
{
    srpc_client *c = clients[_i];
    const double three[] = { 1, 2, 3 }, two[] = { 1, 2 };
    struct svc_seq_double a = { 3, three }, b = { 2, two };
    double avg = 0;

    /* The service answers 2, an int, where the IDL says double. */
    ck_assert_int_eq(svc_Average(c, &a, &avg), SRPC_OK);
    ck_assert(avg == 2.0);
    ck_assert_int_eq(svc_Average(c, &b, &avg), SRPC_OK);
    ck_assert(avg == 1.5);
}
END_TEST

START_TEST(void_results)
{
    srpc_client *c = clients[_i];
    srpc_pending *p;

    ck_assert_int_eq(svc_Reset(c), SRPC_OK);     /* nil */
    ck_assert_int_eq(svc_Clear(c), SRPC_OK);     /* true */
    ck_assert_int_eq(svc_Clear_async(c, &p), SRPC_OK);
    ck_assert_int_eq(svc_Clear_finish(c, p), SRPC_OK);
    ck_assert_int_eq(svc_Reset_async(c, &p), SRPC_OK);
    ck_assert_int_eq(svc_Reset_finish(c, p), SRPC_OK);
}
END_TEST

/* Bytes come back as bin from the modern peer and as str from the old
 * one; a SHA-256 digest usually holds bytes that are not UTF-8. */
START_TEST(bytes_both_ways)
{
    srpc_client *c = clients[_i];
    srpc_bytes in = { (const uint8_t *)"abc", 3 }, out = { NULL, 0 };
    srpc_bytes empty = { NULL, 0 };
    srpc_pending *p;

    ck_assert_msg(svc_Digest(c, in, &out) == SRPC_OK, "%s",
                  srpc_client_errmsg(c));
    ck_assert_uint_eq(out.len, 32);
    ck_assert(memcmp(out.data, sha_abc, 32) == 0);
    ck_assert_int_eq(svc_Digest(c, empty, &out), SRPC_OK);
    ck_assert_uint_eq(out.len, 32);
    ck_assert_uint_eq(out.data[0], 0xe3);           /* SHA-256("") */
    ck_assert_int_eq(svc_Digest_async(c, in, &p), SRPC_OK);
    ck_assert_int_eq(svc_Digest_finish(c, p, &out), SRPC_OK);
    ck_assert(out.len == 32 && memcmp(out.data, sha_abc, 32) == 0);
    srpc_client_free_results(c);
}
END_TEST

/* The service returns Python bytes where the IDL says string. */
START_TEST(bin_for_string)
{
    srpc_client *c = clients[_i];
    const char *s = NULL;
    srpc_pending *p;

    ck_assert_msg(svc_Banner(c, &s) == SRPC_OK, "%s", srpc_client_errmsg(c));
    ck_assert_str_eq(s, "welcome to foreign");
    ck_assert_int_eq(svc_Banner_async(c, &p), SRPC_OK);
    ck_assert_int_eq(svc_Banner_finish(c, p, &s), SRPC_OK);
    ck_assert_str_eq(s, "welcome to foreign");
    srpc_client_free_results(c);
}
END_TEST

START_TEST(string_keyed_map)
{
    srpc_client *c = clients[_i];
    struct svc_map_string_int64 m = { 0 };

    ck_assert_int_eq(svc_WordCount(c, "a b a c a b", &m), SRPC_OK);
    ck_assert_uint_eq(m.n, 3);                  /* in the order sent */
    ck_assert_str_eq(m.keys[0], "a");
    ck_assert_int_eq(m.values[0], 3);
    ck_assert_str_eq(m.keys[1], "b");
    ck_assert_int_eq(m.values[1], 2);
    ck_assert_str_eq(m.keys[2], "c");
    ck_assert_int_eq(m.values[2], 1);
    ck_assert_int_eq(svc_WordCount(c, "", &m), SRPC_OK);
    ck_assert_uint_eq(m.n, 0);
    srpc_client_free_results(c);
}
END_TEST

static void check_ada(const struct svc_user *u)
{
    ck_assert_int_eq(u->id, 1);
    ck_assert_str_eq(u->name, "ada");
    ck_assert_ptr_nonnull(u->email);
    ck_assert_str_eq(u->email, "ada@example.org");
    ck_assert_ptr_nonnull(u->tags);
    ck_assert_uint_eq(u->tags->n, 2);
    ck_assert_str_eq(u->tags->items[0], "admin");
    ck_assert_str_eq(u->tags->items[1], "ops");
    ck_assert(u->has_score);
    ck_assert(u->score == 97.0);                /* an int on the wire */
    ck_assert_str_eq(u->home.city, "London");
    ck_assert_ptr_null(u->home.zip);            /* nil */
}

/* Structs arrive as maps with keys the IDL does not know, nested too. */
START_TEST(struct_with_unknown_keys)
{
    srpc_client *c = clients[_i];
    struct svc_user u;
    srpc_pending *p;
    enum svc_error code = SVC_ERROR_DENIED;

    ck_assert_msg(svc_GetUser(c, 1, &u) == SRPC_OK, "%s",
                  srpc_client_errmsg(c));
    check_ada(&u);
    ck_assert_int_eq(svc_GetUser(c, 2, &u), SRPC_OK);
    ck_assert_int_eq(u.id, 2);
    ck_assert_str_eq(u.name, "bob");
    ck_assert_ptr_null(u.email);                /* nil: absent */
    ck_assert_ptr_null(u.tags);                 /* not sent */
    ck_assert(!u.has_score);
    ck_assert_str_eq(u.home.city, "Paris");
    ck_assert_ptr_null(u.home.zip);
    /* Keys and strings as bytes: bin, or raw str from the old peer. */
    ck_assert_msg(svc_GetUser(c, 3, &u) == SRPC_OK, "%s",
                  srpc_client_errmsg(c));
    ck_assert_int_eq(u.id, 3);
    ck_assert_str_eq(u.name, "cy");
    ck_assert_ptr_nonnull(u.tags);
    ck_assert_uint_eq(u.tags->n, 1);
    ck_assert_str_eq(u.tags->items[0], "py2");
    ck_assert_str_eq(u.home.city, "Oslo");
    ck_assert_str_eq(u.home.zip, "0150");
    ck_assert_int_eq(svc_GetUser_async(c, 1, &p), SRPC_OK);
    ck_assert_int_eq(svc_GetUser_finish(c, p, &u), SRPC_OK);
    check_ada(&u);

    ck_remote(c, svc_GetUser(c, 9, &u), "GetUser: no user 9", 404);
    ck_assert(svc_GetUser_error(c, &code));
    ck_assert_int_eq(code, SVC_ERROR_NOT_FOUND);
    srpc_client_free_results(c);
}
END_TEST

START_TEST(optional_result)
{
    srpc_client *c = clients[_i];
    const struct svc_user *u = NULL;
    srpc_pending *p;

    ck_assert_int_eq(svc_FindUser(c, "ada", &u), SRPC_OK);
    ck_assert_ptr_nonnull(u);
    check_ada(u);
    ck_assert_int_eq(svc_FindUser(c, "nobody", &u), SRPC_OK);
    ck_assert_ptr_null(u);
    ck_assert_int_eq(svc_FindUser_async(c, "bob", &p), SRPC_OK);
    ck_assert_int_eq(svc_FindUser_finish(c, p, &u), SRPC_OK);
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(u->id, 2);
    srpc_client_free_results(c);
}
END_TEST

/* [1, "two", 3.5, nil, true, [4, "four"], {"five": 5}, b"\x06\x00"] */
START_TEST(mixed_array)
{
    srpc_client *c = clients[_i];
    struct svc_seq_any m = { 0 };
    const msgpack_object *const *it;
    const msgpack_object *last;

    ck_assert_int_eq(svc_Mixed(c, &m), SRPC_OK);
    ck_assert_uint_eq(m.n, 8);
    it = m.items;
    ck_assert(obj_is_int(it[0], 1));
    ck_assert(obj_is_str(it[1], "two"));
    ck_assert_int_eq(it[2]->type, MSGPACK_OBJECT_FLOAT64);
    ck_assert(it[2]->via.f64 == 3.5);
    ck_assert_int_eq(it[3]->type, MSGPACK_OBJECT_NIL);  /* not NULL */
    ck_assert_int_eq(it[4]->type, MSGPACK_OBJECT_BOOLEAN);
    ck_assert(it[4]->via.boolean);
    ck_assert_int_eq(it[5]->type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(it[5]->via.array.size, 2);
    ck_assert(obj_is_int(&it[5]->via.array.ptr[0], 4));
    ck_assert(obj_is_str(&it[5]->via.array.ptr[1], "four"));
    ck_assert(obj_is_int(obj_get(it[6], "five"), 5));
    /* Python bytes: bin, or raw str from the old peer. */
    last = it[7];
    ck_assert_int_eq(last->type,
                     _i == 0 ? MSGPACK_OBJECT_BIN : MSGPACK_OBJECT_STR);
    ck_assert_uint_eq(last->via.bin.size, 2);
    ck_assert(memcmp(last->via.bin.ptr, "\x06\x00", 2) == 0);
    srpc_client_free_results(c);
}
END_TEST

/* An any argument goes out as it is and comes back inside a map. */
START_TEST(any_argument)
{
    srpc_client *c = clients[_i];
    msgpack_object items[3], value;
    msgpack_object_kv kv;
    msgpack_object arg;
    struct svc_map_string_any r = { 0 };
    const msgpack_object *v;

    items[0] = (msgpack_object){ .type = MSGPACK_OBJECT_POSITIVE_INTEGER,
                                 .via.u64 = 1 };
    items[1] = (msgpack_object){ .type = MSGPACK_OBJECT_NEGATIVE_INTEGER,
                                 .via.i64 = -2 };
    items[2] = (msgpack_object){ .type = MSGPACK_OBJECT_STR,
                                 .via.str = { 1, "x" } };
    value = (msgpack_object){ .type = MSGPACK_OBJECT_ARRAY,
                              .via.array = { 3, items } };
    kv = (msgpack_object_kv){ .key = { .type = MSGPACK_OBJECT_STR,
                                       .via.str = { 1, "k" } },
                              .val = value };
    arg = (msgpack_object){ .type = MSGPACK_OBJECT_MAP,
                            .via.map = { 1, &kv } };

    ck_assert_int_eq(svc_Describe(c, &arg, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, 2);
    ck_assert_str_eq(r.keys[0], "type");
    ck_assert(obj_is_str(r.values[0], "dict"));
    ck_assert_str_eq(r.keys[1], "value");
    v = obj_get(r.values[1], "k");
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(v->via.array.size, 3);
    ck_assert(obj_is_int(&v->via.array.ptr[0], 1));
    ck_assert(obj_is_int(&v->via.array.ptr[1], -2));
    ck_assert(obj_is_str(&v->via.array.ptr[2], "x"));
    /* NULL is nil. */
    ck_assert_int_eq(svc_Describe(c, NULL, &r), SRPC_OK);
    ck_assert(obj_is_str(r.values[0], "NoneType"));
    srpc_client_free_results(c);
}
END_TEST

/* Errors in every shape the service sends. */
START_TEST(error_shapes)
{
    srpc_client *c = clients[_i];
    enum svc_error code = (enum svc_error)-1;
    srpc_pending *p;

    /* A plain string: no code. */
    ck_remote(c, svc_Fail(c, "string"), "Fail: something broke", 0);
    ck_assert(!svc_Fail_error(c, &code));
    /* [code, message] */
    ck_remote(c, svc_Fail(c, "array"), "Fail: not found here", 404);
    ck_assert(svc_Fail_error(c, &code));
    ck_assert_int_eq(code, SVC_ERROR_NOT_FOUND);
    /* {"code": 403, "message": "go away"} */
    ck_remote(c, svc_Fail(c, "map"), "Fail: go away", 403);
    ck_assert(svc_Fail_error(c, &code));
    ck_assert_int_eq(code, SVC_ERROR_DENIED);
    /* [code, message] with the message as bytes (bin, or raw str). */
    ck_remote(c, svc_Fail(c, "bytes"), "Fail: denied in bytes", 403);
    ck_assert(svc_Fail_error(c, &code));
    ck_assert_int_eq(code, SVC_ERROR_DENIED);
    /* A bare integer, which no enum value matches. */
    ck_remote(c, svc_Fail(c, "int"), "Fail: 7", 7);
    ck_assert(!svc_Fail_error(c, &code));
    /* nil: success, and nothing left of the errors. */
    ck_assert_int_eq(svc_Fail(c, "no"), SRPC_OK);
    ck_assert_str_eq(srpc_client_errmsg(c), "");
    ck_assert_int_eq(srpc_client_remote_code(c), 0);
    ck_assert(!svc_Fail_error(c, &code));
    /* The same through _async/_finish. */
    ck_assert_int_eq(svc_Fail_async(c, "map", &p), SRPC_OK);
    ck_remote(c, svc_Fail_finish(c, p), "Fail: go away", 403);
    ck_assert(svc_Fail_error(c, &code));
    ck_assert_int_eq(code, SVC_ERROR_DENIED);
}
END_TEST

/* The service answers unknown methods with a string, not -32601. */
START_TEST(missing_method)
{
    srpc_client *c = clients[_i];
    const char *s;

    ck_remote(c, svc_missing(c), "Missing: method not found: Missing", 0);
    /* The connection goes on. */
    ck_assert_int_eq(svc_ping(c, &s), SRPC_OK);
    ck_assert_str_eq(s, "pong");
    srpc_client_free_results(c);
}
END_TEST

struct events {
    int n;
    char topic[16];
    int64_t last_seq;
};

static void on_event(srpc_client *client, const char *method,
                     const msgpack_object *params, void *user_data)
{
    struct events *ev = user_data;
    const msgpack_object *a = params->via.array.ptr;

    (void)client;
    if (strcmp(method, "event") != 0 || params->type != MSGPACK_OBJECT_ARRAY
        || params->via.array.size != 3 || a[0].type != MSGPACK_OBJECT_STR
        || srpc_get_int64(&a[1], &ev->last_seq) != SRPC_OK
        || !obj_is_str(obj_get(&a[2], "by"), "Subscribe"))
        return;
    snprintf(ev->topic, sizeof ev->topic, "%.*s", (int)a[0].via.str.size,
             a[0].via.str.ptr);
    ev->n++;
}

/* Two notifications, and between them a request from the server and a
 * notification whose params are not an array (the client passes over
 * both), come before the reply of the call that sent them. */
START_TEST(notification_before_reply)
{
    srpc_client *c = clients[_i];
    struct events ev = { 0 };
    int64_t r = 0;
    srpc_pending *p;

    /* Without a callback they are dropped. */
    ck_assert_int_eq(svc_Subscribe(c, "quiet", &r), SRPC_OK);
    ck_assert_int_eq(r, 2);
    srpc_client_on_notification(c, on_event, &ev);
    ck_assert_int_eq(svc_Subscribe(c, "news", &r), SRPC_OK);
    ck_assert_int_eq(r, 2);
    ck_assert_int_eq(ev.n, 2);
    ck_assert_str_eq(ev.topic, "news");
    ck_assert_int_eq(ev.last_seq, 2);
    ck_assert_int_eq(svc_Subscribe_async(c, "later", &p), SRPC_OK);
    ck_assert_int_eq(svc_Subscribe_finish(c, p, &r), SRPC_OK);
    ck_assert_int_eq(r, 2);
    ck_assert_int_eq(ev.n, 4);
    ck_assert_str_eq(ev.topic, "later");
}
END_TEST

/* Pipelined requests whose replies come back in another order. */
START_TEST(out_of_order)
{
    enum { N = 40 };
    srpc_client *c = clients[_i];
    srpc_pending *slow, *fast, *echo, *p[N];
    const char *s = NULL;
    int64_t r = 0;

    ck_assert_int_eq(svc_Delay_async(c, 300, 1, &slow), SRPC_OK);
    ck_assert_int_eq(svc_Delay_async(c, 0, 2, &fast), SRPC_OK);
    ck_assert_int_eq(svc_Echo_async(c, "meanwhile", &echo), SRPC_OK);
    ck_assert_int_eq(svc_Delay_finish(c, slow, &r), SRPC_OK);
    ck_assert_int_eq(r, 1);
    ck_assert_int_eq(svc_Delay_finish(c, fast, &r), SRPC_OK);
    ck_assert_int_eq(r, 2);
    ck_assert_int_eq(svc_Echo_finish(c, echo, &s), SRPC_OK);
    ck_assert_str_eq(s, "meanwhile");
    /* The later the request, the sooner the reply. */
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(svc_Delay_async(c, (N - i) * 5, 1000 + i, &p[i]),
                         SRPC_OK);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(svc_Delay_finish(c, p[i], &r), SRPC_OK);
        ck_assert_int_eq(r, 1000 + i);
    }
    /* A blocking call while a slow one is in flight. */
    ck_assert_int_eq(svc_Delay_async(c, 200, 7, &slow), SRPC_OK);
    ck_assert_int_eq(svc_Delay(c, 0, 8, &r), SRPC_OK);
    ck_assert_int_eq(r, 8);
    ck_assert_int_eq(svc_Delay_finish(c, slow, &r), SRPC_OK);
    ck_assert_int_eq(r, 7);
    srpc_client_free_results(c);
}
END_TEST

/* A call that outlives its deadline fails alone; its late reply, which
 * comes while the next call waits, is dropped, not taken for that one. */
START_TEST(timeout_then_late_reply)
{
    srpc_client *c = clients[_i];
    int deadline = scaled_ms(300), slow = scaled_ms(1200);
    char msg[64];
    int64_t r = 0;

    ck_assert_int_eq(srpc_client_set_timeout(c, deadline), SRPC_OK);
    ck_assert_int_eq(svc_Delay(c, slow, 1, &r), SRPC_ETIMEDOUT);
    snprintf(msg, sizeof msg, "Delay: no reply within %d ms", deadline);
    ck_assert_str_eq(srpc_client_errmsg(c), msg);
    ck_assert_int_eq(r, 0);
    ck_assert_int_eq(srpc_client_set_timeout(c, scaled_ms(5000)), SRPC_OK);
    ck_assert_int_eq(svc_Delay(c, slow, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 2);
}
END_TEST

START_TEST(large_result)
{
    enum { N = 100000 };
    srpc_client *c = clients[_i];
    struct svc_seq_int64 r = { 0 };
    srpc_pending *p;

    ck_assert_int_eq(svc_Range(c, N, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, N);
    for (size_t i = 0; i < N; i++)
        ck_assert_int_eq(r.items[i], (int64_t)i);
    srpc_client_free_results(c);
    ck_assert_int_eq(svc_Range_async(c, N, &p), SRPC_OK);
    ck_assert_int_eq(svc_Range_finish(c, p, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, N);
    ck_assert_int_eq(r.items[N - 1], N - 1);
    ck_assert_int_eq(svc_Range(c, 0, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, 0);
    srpc_client_free_results(c);
}
END_TEST

/* The _async halves not used above, all in flight at once, finished in
 * the reverse order. */
START_TEST(async_all_at_once)
{
    srpc_client *c = clients[_i];
    const int64_t xs[] = { 5, 6 };
    const double ds[] = { 1, 4 };
    struct svc_seq_int64 seq = { 2, xs };
    struct svc_seq_double dseq = { 2, ds };
    const char *lines[] = { "first" };
    struct nvim_seq_string one = { 1, lines };
    srpc_pending *p[10];
    const char *s = NULL;
    int64_t n = 0;
    double d = 0;
    struct svc_map_string_int64 wc = { 0 };
    struct svc_seq_any any = { 0 };
    struct svc_map_string_any desc = { 0 };

    ck_assert_int_eq(svc_Sum_async(c, &seq, &p[0]), SRPC_OK);
    ck_assert_int_eq(svc_ping_async(c, &p[1]), SRPC_OK);
    ck_assert_int_eq(svc_Average_async(c, &dseq, &p[2]), SRPC_OK);
    ck_assert_int_eq(svc_WordCount_async(c, "x y x", &p[3]), SRPC_OK);
    ck_assert_int_eq(svc_Mixed_async(c, &p[4]), SRPC_OK);
    ck_assert_int_eq(svc_Describe_async(c, NULL, &p[5]), SRPC_OK);
    ck_assert_int_eq(svc_missing_async(c, &p[6]), SRPC_OK);
    ck_assert_int_eq(nvim_buf_line_count_async(c, 0, &p[7]), SRPC_OK);
    ck_assert_int_eq(nvim_buf_set_lines_async(c, 0, 0, 1, true, &one, &p[8]),
                     SRPC_OK);
    ck_assert_int_eq(svc_Delay_async(c, 100, 9, &p[9]), SRPC_OK);

    ck_assert_int_eq(svc_Delay_finish(c, p[9], &n), SRPC_OK);
    ck_assert_int_eq(n, 9);
    ck_assert_int_eq(nvim_buf_set_lines_finish(c, p[8]), SRPC_OK);
    ck_assert_int_eq(nvim_buf_line_count_finish(c, p[7], &n), SRPC_OK);
    ck_assert_int_eq(n, 3);
    ck_remote(c, svc_missing_finish(c, p[6]),
              "Missing: method not found: Missing", 0);
    ck_assert_int_eq(svc_Describe_finish(c, p[5], &desc), SRPC_OK);
    ck_assert(obj_is_str(desc.values[0], "NoneType"));
    ck_assert_int_eq(svc_Mixed_finish(c, p[4], &any), SRPC_OK);
    ck_assert_uint_eq(any.n, 8);
    ck_assert_int_eq(svc_WordCount_finish(c, p[3], &wc), SRPC_OK);
    ck_assert_uint_eq(wc.n, 2);
    ck_assert_str_eq(wc.keys[0], "x");
    ck_assert_int_eq(wc.values[0], 2);
    ck_assert_int_eq(svc_Average_finish(c, p[2], &d), SRPC_OK);
    ck_assert(d == 2.5);
    ck_assert_int_eq(svc_ping_finish(c, p[1], &s), SRPC_OK);
    ck_assert_str_eq(s, "pong");
    ck_assert_int_eq(svc_Sum_finish(c, p[0], &n), SRPC_OK);
    ck_assert_int_eq(n, 11);
    srpc_client_free_results(c);
}
END_TEST

/* Threads share one client while the service answers out of order: each
 * gets its own replies.  Failures are counted, not asserted, off the
 * test's main thread. */
enum { THREADS = 4, THREAD_CALLS = 25 };

struct worker {
    srpc_client *client;
    int id;
    int failures;
};

static void *work(void *arg)
{
    struct worker *w = arg;

    for (int i = 0; i < THREAD_CALLS; i++) {
        int64_t want = w->id * 1000 + i, got = -1;

        if (svc_Delay(w->client, (w->id * 7 + i * 3) % 20, want, &got)
                != SRPC_OK || got != want)
            w->failures++;
    }
    srpc_client_free_results(w->client);
    return NULL;
}

START_TEST(threads_share_a_client)
{
    pthread_t t[THREADS];
    struct worker w[THREADS];

    for (int i = 0; i < THREADS; i++) {
        w[i] = (struct worker){ clients[_i], i, 0 };
        ck_assert_int_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        ck_assert_int_eq(w[i].failures, 0);
    }
}
END_TEST

/* ---- the shape of Neovim's API ----------------------------------------- */

START_TEST(nvim_api_info)
{
    srpc_client *c = clients[_i];
    struct nvim_seq_any info = { 0 };
    const msgpack_object *version;
    srpc_pending *p;

    ck_assert_int_eq(nvim_get_api_info(c, &info), SRPC_OK);
    ck_assert_uint_eq(info.n, 2);
    ck_assert_int_eq(info.items[0]->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
    ck_assert_uint_gt(info.items[0]->via.u64, 0);
    version = obj_get(info.items[1], "version");
    ck_assert(obj_is_int(obj_get(version, "api_level"), 11));
    ck_assert_int_eq(nvim_get_api_info_async(c, &p), SRPC_OK);
    ck_assert_int_eq(nvim_get_api_info_finish(c, p, &info), SRPC_OK);
    ck_assert_uint_eq(info.n, 2);
    srpc_client_free_results(c);
}
END_TEST

START_TEST(nvim_lines)
{
    srpc_client *c = clients[_i];
    struct nvim_seq_string lines = { 0 };
    const char *repl[] = { "one", "two" };
    struct nvim_seq_string two = { 2, repl };
    enum nvim_error code = NVIM_ERROR_VALIDATION;
    int64_t n = 0;
    srpc_pending *p;

    ck_assert_int_eq(nvim_buf_line_count(c, 0, &n), SRPC_OK);
    ck_assert_int_eq(n, 3);
    ck_assert_int_eq(nvim_get_lines(c, 0, 0, -1, true, &lines), SRPC_OK);
    ck_assert_uint_eq(lines.n, 3);
    ck_assert_str_eq(lines.items[0], "first");
    ck_assert_str_eq(lines.items[2], "third");
    ck_assert_int_eq(nvim_get_lines(c, 1, 1, 2, false, &lines), SRPC_OK);
    ck_assert_uint_eq(lines.n, 1);
    ck_assert_str_eq(lines.items[0], "second");
    /* Replaces the first line by two. */
    ck_assert_int_eq(nvim_buf_set_lines(c, 0, 0, 1, true, &two), SRPC_OK);
    ck_assert_int_eq(nvim_get_lines_async(c, 0, 0, -1, true, &p), SRPC_OK);
    ck_assert_int_eq(nvim_get_lines_finish(c, p, &lines), SRPC_OK);
    ck_assert_uint_eq(lines.n, 4);
    ck_assert_str_eq(lines.items[0], "one");
    ck_assert_str_eq(lines.items[1], "two");
    ck_assert_str_eq(lines.items[3], "third");

    /* [1, "Index out of bounds"]: a validation error. */
    ck_remote(c, nvim_get_lines(c, 0, 0, 10, true, &lines),
              "nvim_buf_get_lines: Index out of bounds", 1);
    ck_assert(nvim_get_lines_error(c, &code));
    ck_assert_int_eq(code, NVIM_ERROR_VALIDATION);
    ck_remote(c, nvim_buf_set_lines(c, 0, 9, 10, true, &two),
              "nvim_buf_set_lines: Index out of bounds", 1);
    /* [0, "Invalid buffer id: 5"]: code 0 is a code too. */
    ck_remote(c, nvim_buf_line_count(c, 5, &n),
              "nvim_buf_line_count: Invalid buffer id: 5", 0);
    ck_assert(nvim_buf_line_count_error(c, &code));
    ck_assert_int_eq(code, NVIM_ERROR_EXCEPTION);
    srpc_client_free_results(c);
}
END_TEST

START_TEST(nvim_vars)
{
    srpc_client *c = clients[_i];
    msgpack_object items[2] = {
        { .type = MSGPACK_OBJECT_BOOLEAN, .via.boolean = true },
        { .type = MSGPACK_OBJECT_FLOAT64, .via.f64 = 0.25 },
    };
    msgpack_object list = { .type = MSGPACK_OBJECT_ARRAY,
                            .via.array = { 2, items } };
    const msgpack_object *v = NULL;
    enum nvim_error code = NVIM_ERROR_VALIDATION;
    srpc_pending *p;

    /* oneway: a notification; the next call's reply shows it ran. */
    ck_assert_int_eq(nvim_set_var(c, "flags", &list), SRPC_OK);
    ck_assert_int_eq(nvim_get_var(c, "flags", &v), SRPC_OK);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(v->type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(v->via.array.size, 2);
    ck_assert(v->via.array.ptr[0].type == MSGPACK_OBJECT_BOOLEAN
              && v->via.array.ptr[0].via.boolean);
    ck_assert(v->via.array.ptr[1].via.f64 == 0.25);
    ck_assert_int_eq(nvim_set_var(c, "nothing", NULL), SRPC_OK);
    ck_assert_int_eq(nvim_get_var_async(c, "nothing", &p), SRPC_OK);
    ck_assert_int_eq(nvim_get_var_finish(c, p, &v), SRPC_OK);
    ck_assert_ptr_nonnull(v);           /* a required any: nil itself */
    ck_assert_int_eq(v->type, MSGPACK_OBJECT_NIL);

    ck_remote(c, nvim_get_var(c, "nope", &v),
              "nvim_get_var: Key not found: nope", 0);
    ck_assert(nvim_get_var_error(c, &code));
    ck_assert_int_eq(code, NVIM_ERROR_EXCEPTION);
    srpc_client_free_results(c);
}
END_TEST

/* The server goes away with the test's process, however that ends: at
 * the end of its stdin, removing its socket files. */
START_TEST(server_exits_on_eof)
{
    char sock[300];
    int status = -1;

    snprintf(sock, sizeof sock, "%s/modern.sock", dir);
    ck_assert_int_eq(access(sock, F_OK), 0);
    close(server_stdin);
    server_stdin = -1;
    ck_assert(reap(server_pid, &status, scaled_ms(5000)));
    server_pid = -1;
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ck_assert_int_ne(access(sock, F_OK), 0);
}
END_TEST

static Suite *foreign_suite(void)
{
    Suite *s = suite_create("foreign");
    TCase *tc = tcase_create("calls");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    /* _i: 0 the modern peer, 1 the old one. */
    tcase_add_loop_test(tc, echo_sum_ping, 0, 2);
    tcase_add_loop_test(tc, int_for_double, 0, 2);
    tcase_add_loop_test(tc, void_results, 0, 2);
    tcase_add_loop_test(tc, bytes_both_ways, 0, 2);
    tcase_add_loop_test(tc, bin_for_string, 0, 2);
    tcase_add_loop_test(tc, string_keyed_map, 0, 2);
    tcase_add_loop_test(tc, struct_with_unknown_keys, 0, 2);
    tcase_add_loop_test(tc, optional_result, 0, 2);
    tcase_add_loop_test(tc, mixed_array, 0, 2);
    tcase_add_loop_test(tc, any_argument, 0, 2);
    tcase_add_loop_test(tc, error_shapes, 0, 2);
    tcase_add_loop_test(tc, missing_method, 0, 2);
    tcase_add_loop_test(tc, notification_before_reply, 0, 2);
    tcase_add_loop_test(tc, out_of_order, 0, 2);
    tcase_add_loop_test(tc, timeout_then_late_reply, 0, 2);
    tcase_add_loop_test(tc, async_all_at_once, 0, 2);
    tcase_add_loop_test(tc, threads_share_a_client, 0, 2);
    tcase_add_loop_test(tc, large_result, 0, 2);
    tcase_add_loop_test(tc, nvim_api_info, 0, 2);
    tcase_add_loop_test(tc, nvim_lines, 0, 2);
    tcase_add_loop_test(tc, nvim_vars, 0, 2);
    tcase_add_test(tc, server_exits_on_eof);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    if (!have_msgpack()) {
        printf("SKIP: %s cannot import msgpack (Debian package "
               "python3-msgpack)\n", python());
        return 77;
    }
    sr = srunner_create(foreign_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
