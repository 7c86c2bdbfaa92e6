/*
 * test_client.c - the blocking client: connection errors, deadlines, a
 * server that vanishes, replies of every shape, limits, misuse.  Real
 * servers run in a thread (testutil.c); "fake" servers are raw sockets
 * driven by a script, to send what a sockrpc server never would.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <check.h>

#include "transport/sockutil.h"
#include "calcfixture.h"
#include "testcalc.h"
#include "testutil.h"

static char fake_path[300];
static char fake_addr[320];

/* The calc fixture, plus the path where a scripted fake server listens. */
static void setup(void)
{
    fx_setup();
    snprintf(fake_path, sizeof fake_path, "%s/fake.sock", fx.dir);
    snprintf(fake_addr, sizeof fake_addr, "unix:%s", fake_path);
}

static void start_server(void)
{
    fx_start(NULL);
}

static srpc_client *connect_opts(const char *address,
                                 const struct srpc_client_options *o)
{
    srpc_client *c = NULL;
    char err[256] = "";
    int rc = srpc_client_connect(&c, address, o, err, sizeof err);

    ck_assert_msg(rc == SRPC_OK, "connect %s: %s", address, err);
    return c;
}

/* ---- fake servers ------------------------------------------------------ */

struct fake {
    int lfd;
    pthread_t thread;
    void (*script)(int fd);
};

static int fake_listen(void)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    ck_assert_uint_lt(strlen(fake_path), sizeof sun.sun_path);
    memcpy(sun.sun_path, fake_path, strlen(fake_path) + 1);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
    ck_assert_int_eq(listen(fd, 8), 0);
    return fd;
}

static void *fake_main(void *arg)
{
    struct fake *f = arg;
    int fd = accept(f->lfd, NULL, NULL);

    if (fd >= 0) {
        struct timeval tv = { 5, 0 };

        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        f->script(fd);
        close(fd);
    }
    return NULL;
}

static void fake_start(struct fake *f, void (*script)(int fd))
{
    f->lfd = fake_listen();
    f->script = script;
    ck_assert_int_eq(pthread_create(&f->thread, NULL, fake_main, f), 0);
}

static void fake_stop(struct fake *f)
{
    ck_assert_int_eq(pthread_join(f->thread, NULL), 0);
    close(f->lfd);
}

/* Reads one request and returns its msgid, or -1 at EOF. */
static int64_t read_request(int fd, msgpack_unpacker *unp)
{
    msgpack_unpacked u;
    int64_t id = -1;

    msgpack_unpacked_init(&u);
    if (tu_read_message(fd, unp, &u))
        id = (int64_t)u.data.via.array.ptr[1].via.u64;
    msgpack_unpacked_destroy(&u);
    return id;
}

/* Sends [1, ID, <error packed by ERR>, RESULT-int]. */
static void reply(int fd, int64_t id, void (*err)(msgpack_packer *), int result)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, 1);
    msgpack_pack_int64(&pk, id);
    if (err)
        err(&pk);
    else
        msgpack_pack_nil(&pk);
    msgpack_pack_int(&pk, result);
    ck_assert(tu_write_all(fd, sb.data, sb.size));
    msgpack_sbuffer_destroy(&sb);
}

/* ---- connecting ------------------------------------------------------------ */

START_TEST(connection_refused)
{
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof sin;
    srpc_client *c = (srpc_client *)1;
    char err[256], addr[64];
    int fd;

    ck_assert_int_eq(srpc_client_connect(&c, fx.unix_addr, NULL, err, sizeof err),
                     SRPC_ECONNECT);
    ck_assert_ptr_null(c);
    ck_assert_msg(strstr(err, "cannot connect to unix:") && strstr(err, "calc.sock"),
                  "message: %s", err);
    /* A TCP port that is bound but not listening refuses connections. */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
    snprintf(addr, sizeof addr, "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
    ck_assert_int_eq(srpc_client_connect(&c, addr, NULL, err, sizeof err),
                     SRPC_ECONNECT);
    ck_assert_msg(strstr(err, "refused"), "message: %s", err);
    close(fd);
    /* A Unix socket file with nobody listening (a dead server's). */
    fd = fake_listen();
    close(fd);
    ck_assert_int_eq(srpc_client_connect(&c, fake_addr, NULL, NULL, 0),
                     SRPC_ECONNECT);
}
END_TEST

START_TEST(resolve_failure)
{
    srpc_client *c;
    char err[256];

    ck_assert_int_eq(srpc_client_connect(&c, "tcp:no-such-host.invalid:1", NULL,
                                         err, sizeof err),
                     SRPC_ERESOLVE);
    ck_assert_msg(strstr(err, "no-such-host.invalid"), "message: %s", err);
}
END_TEST

START_TEST(close_leaks_nothing)
{
    int base;

    start_server();
    base = tu_count_fds();
    for (int i = 0; i < 100; i++) {
        srpc_client *c = connect_opts(fx.unix_addr, NULL);
        int32_t r;

        ck_assert_int_eq(calc_add(c, i, 1, &r), SRPC_OK);
        srpc_client_close(c);
    }
    for (int i = 0; i < 300 && tu_count_fds() != base; i++)
        poll(NULL, 0, 10);
    ck_assert_int_eq(tu_count_fds(), base);
}
END_TEST

/* ---- deadlines ------------------------------------------------------------ */

START_TEST(timeout_then_usable)
{
    srpc_client *c;
    int64_t t0, ms;
    int32_t r;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(srpc_client_set_timeout(c, 100), SRPC_OK);
    t0 = srpc__now_ms();
    ck_assert_int_eq(calc_sleep(c, 500), SRPC_ETIMEDOUT);
    ms = srpc__now_ms() - t0;
    ck_assert_msg(ms >= 90 && ms < 450, "timed out after %lld ms", (long long)ms);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.sleep: no reply within 100 ms");
    /* The late reply to calc.sleep arrives first and is skipped. */
    ck_assert_int_eq(srpc_client_set_timeout(c, 5000), SRPC_OK);
    ck_assert_int_eq(calc_add(c, 20, 22, &r), SRPC_OK);
    ck_assert_int_eq(r, 42);
    srpc_client_close(c);
}
END_TEST

START_TEST(server_never_answers)
{
    struct srpc_client_options o = { .timeout_ms = 200 };
    srpc_client *c;
    int32_t r;
    int lfd;

    lfd = fake_listen(); /* listens, never accepts: the kernel does */
    c = connect_opts(fake_addr, &o);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ETIMEDOUT);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ETIMEDOUT);
    srpc_client_close(c);
    close(lfd);
}
END_TEST

/* ---- a server that goes away ------------------------------------------------ */

static void close_after_request(int fd)
{
    msgpack_unpacker unp;

    ck_assert(msgpack_unpacker_init(&unp, 4096));
    ck_assert_int_ge(read_request(fd, &unp), 0);
    msgpack_unpacker_destroy(&unp);
}

START_TEST(server_gone_mid_call)
{
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, close_after_request);
    c = connect_opts(fake_addr, NULL);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ECLOSED);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: connection closed by server");
    fake_stop(&f);
    /* Every later call fails at once, without SIGPIPE. */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ECLOSED);
    ck_assert_int_eq(calc_note(c, 1), SRPC_ECLOSED);
    srpc_client_close(c);
}
END_TEST

static void close_at_once(int fd)
{
    (void)fd; /* fake_main closes it */
}

/* Writing to a peer that is gone: EPIPE, never SIGPIPE (the test runs
 * with SIGPIPE's default action, which would kill it). */
START_TEST(send_to_closed_peer)
{
    struct fake f;
    srpc_client *c;
    const char *s;
    char *big = malloc(256 * 1024);
    int rc;

    ck_assert_ptr_nonnull(big);
    memset(big, 'z', 256 * 1024 - 1);
    big[256 * 1024 - 1] = '\0';
    fake_start(&f, close_at_once);
    c = connect_opts(fake_addr, NULL);
    fake_stop(&f); /* the server side is closed now */
    rc = calc_echo(c, big, &s);
    ck_assert_msg(rc == SRPC_ECLOSED, "got %s", srpc_strerror(rc));
    ck_assert_int_eq(calc_note(c, 1), SRPC_ECLOSED);
    srpc_client_close(c);
    free(big);
}
END_TEST

START_TEST(real_server_destroyed)
{
    srpc_client *c;
    int32_t r;
    int rc;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    tu_server_stop(&fx.ts);
    srpc_server_destroy(fx.ts.srv);
    fx.ts.srv = NULL;
    rc = calc_add(c, 1, 2, &r);
    ck_assert_msg(rc == SRPC_ECLOSED, "got %s", srpc_strerror(rc));
    srpc_client_close(c);
}
END_TEST

/* ---- replies of every shape --------------------------------------------------- */

static void err_string(msgpack_packer *pk) { srpc_pack_str(pk, "boom"); }
static void err_int(msgpack_packer *pk) { msgpack_pack_int(pk, 42); }
static void err_map(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    srpc_pack_str(pk, "why");
    srpc_pack_str(pk, "because");
}
static void err_args(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int(pk, SRPC_WIRE_INVALID_ARGS);
    srpc_pack_str(pk, "bad");
}
static void err_code_only(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_int(pk, -5);
}
static void err_neovim(msgpack_packer *pk) /* [type, message] */
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int(pk, 0);
    srpc_pack_str(pk, "Vim:E492: Not an editor command");
}

static void err_jsonrpc(msgpack_packer *pk) /* JSON-RPC's error object */
{
    msgpack_pack_map(pk, 3);
    srpc_pack_str(pk, "data");
    msgpack_pack_array(pk, 0);
    srpc_pack_str(pk, "message");
    srpc_pack_str(pk, "go away");
    srpc_pack_str(pk, "code");
    msgpack_pack_int(pk, 403);
}
static void err_bin_message(msgpack_packer *pk) /* a Python bytes text */
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int(pk, 2);
    msgpack_pack_bin(pk, 4);
    msgpack_pack_bin_body(pk, "oops", 4);
}
static void err_map_code_only(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    srpc_pack_str(pk, "code");
    msgpack_pack_int(pk, 7);
}

static void err_bin_keys(msgpack_packer *pk) /* keys from Python bytes */
{
    msgpack_pack_map(pk, 2);
    msgpack_pack_bin(pk, 4);
    msgpack_pack_bin_body(pk, "code", 4);
    msgpack_pack_int(pk, 5);
    msgpack_pack_bin(pk, 7);
    msgpack_pack_bin_body(pk, "message", 7);
    msgpack_pack_bin(pk, 8);
    msgpack_pack_bin_body(pk, "bin keys", 8);
}
static void err_long_bin(msgpack_packer *pk) /* printed, cut to fit */
{
    char data[400];

    memset(data, 'A', sizeof data);
    msgpack_pack_map(pk, 2);
    srpc_pack_str(pk, "code");
    msgpack_pack_int(pk, 1);
    srpc_pack_str(pk, "data");
    msgpack_pack_bin(pk, sizeof data);
    msgpack_pack_bin_body(pk, data, sizeof data);
}

static void error_shapes(int fd)
{
    static void (*const shapes[])(msgpack_packer *) = {
        err_string, err_int, err_map, err_args, err_code_only, err_neovim,
        err_jsonrpc, err_map_code_only, err_bin_message, err_bin_keys,
        err_long_bin
    };
    msgpack_unpacker unp;
    int64_t id;

    ck_assert(msgpack_unpacker_init(&unp, 4096));
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        id = read_request(fd, &unp);
        ck_assert_int_ge(id, 0);
        reply(fd, id, shapes[i], 0);
    }
    /* Then: a stale reply, a server notification, a request from the
     * server (passed over: the client serves nothing), broken ones, and
     * the real reply. */
    id = read_request(fd, &unp);
    reply(fd, id + 1000, NULL, 666);
    ck_assert(tu_write_all(fd, "\x93\x02\xa1x\x90", 5));
    ck_assert(tu_write_all(fd, "\x94\x00\x07\xa1y\x90", 6));
    /* Notifications and a request that do not parse are passed over
     * too: params not an array, a bin method name, a string msgid. */
    ck_assert(tu_write_all(fd, "\x93\x02\xa1x\xa1p", 6));
    ck_assert(tu_write_all(fd, "\x93\x02\xc4\x01x\x90", 6));
    ck_assert(tu_write_all(fd, "\x94\x00\xa1i\xa1y\x90", 7));
    reply(fd, id, NULL, 5);
    msgpack_unpacker_destroy(&unp);
}

START_TEST(remote_error_shapes)
{
    struct fake f;
    srpc_client *c;
    int32_t r = 0;

    fake_start(&f, error_shapes);
    c = connect_opts(fake_addr, NULL);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: boom");
    ck_assert_int_eq(srpc_client_remote_code(c), 0);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(c), 42);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_msg(strstr(srpc_client_errmsg(c), "because"), "message: %s",
                  srpc_client_errmsg(c));
    ck_assert_int_eq(srpc_client_remote_code(c), 0);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EARGS);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: bad");
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(c), -5);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: Vim:E492: Not an editor command");
    /* A map: its "code" and "message", wherever they stand. */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: go away");
    ck_assert_int_eq(srpc_client_remote_code(c), 403);
    /* Without a message, the map itself is the message. */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: {\"code\"=>7}");
    ck_assert_int_eq(srpc_client_remote_code(c), 7);
    /* A message sent as bin is a message all the same. */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: oops");
    ck_assert_int_eq(srpc_client_remote_code(c), 2);
    /* Keys sent as bin, as a Python service's bytes keys go. */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: bin keys");
    ck_assert_int_eq(srpc_client_remote_code(c), 5);
    /* A map without a message, printed whole but cut: msgpack-c leaves a
     * buffer filled by a long bin without its NUL (ASan saw the read). */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EREMOTE);
    ck_assert_msg(strncmp(srpc_client_errmsg(c), "calc.add: {\"code\"=>1, "
                          "\"data\"=>", 30) == 0, "message: %s",
                  srpc_client_errmsg(c));
    ck_assert_uint_lt(strlen(srpc_client_errmsg(c)), 300);
    ck_assert_int_eq(srpc_client_remote_code(c), 1);
    ck_assert_int_eq(r, 0); /* never written on failure */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 5);
    fake_stop(&f);
    srpc_client_close(c);
}
END_TEST

static void garbage_reply(int fd)
{
    msgpack_unpacker unp;

    ck_assert(msgpack_unpacker_init(&unp, 4096));
    ck_assert_int_ge(read_request(fd, &unp), 0);
    ck_assert(tu_write_all(fd, "HTTP/1.1 400 Bad Request\r\n\r\n", 28));
    msgpack_unpacker_destroy(&unp);
}

START_TEST(garbage_reply_is_protocol_error)
{
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, garbage_reply);
    c = connect_opts(fake_addr, NULL);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_EPROTO);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: message is not an array");
    fake_stop(&f);
    srpc_client_close(c);
}
END_TEST

START_TEST(bad_result_type)
{
    srpc_client *c;
    const char *s = "unchanged";

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(calc_add_as_str(c, 1, 2, &s), SRPC_ETYPE);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: result must be string, got integer");
    ck_assert_str_eq(s, "unchanged");
    srpc_client_close(c);
}
END_TEST

START_TEST(oversize_reply_rejected)
{
    struct srpc_client_options o = { .max_message_size = 1024 };
    srpc_client *c;
    const char *s;
    int32_t r;

    start_server();
    c = connect_opts(fx.unix_addr, &o);
    ck_assert_int_eq(calc_big(c, 2000, &s), SRPC_ETOOBIG);
    /* The stream cannot be resynchronised: the connection is done. */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ETOOBIG);
    srpc_client_close(c);
}
END_TEST

/* ---- results, large messages, misuse -------------------------------------------- */

START_TEST(results_live_until_freed)
{
    srpc_client *c;
    const char *a, *b, *big;
    uint32_t n = 512 * 1024; /* several reads and writes */

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(calc_echo(c, "first", &a), SRPC_OK);
    ck_assert_int_eq(calc_echo(c, "second", &b), SRPC_OK);
    ck_assert_int_eq(calc_big(c, n, &big), SRPC_OK);
    ck_assert_str_eq(a, "first"); /* earlier results are still valid */
    ck_assert_str_eq(b, "second");
    ck_assert_uint_eq(strlen(big), n);
    srpc_client_free_results(c);
    ck_assert_int_eq(calc_echo(c, "third", &a), SRPC_OK);
    ck_assert_str_eq(a, "third");
    srpc_client_close(c);
}
END_TEST

START_TEST(large_request)
{
    srpc_client *c;
    const char *back;
    size_t n = 900 * 1024; /* under the server's 1 MiB limit */
    char *s = malloc(n + 1);

    ck_assert_ptr_nonnull(s);
    memset(s, 'y', n);
    s[n] = '\0';
    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(calc_echo(c, s, &back), SRPC_OK);
    ck_assert_uint_eq(strlen(back), n);
    srpc_client_close(c);
    free(s);
}
END_TEST

START_TEST(request_over_server_limit)
{
    srpc_client *c;
    const char *back;
    size_t n = 2 * 1024 * 1024;
    char *s = malloc(n + 1);
    int rc;

    ck_assert_ptr_nonnull(s);
    memset(s, 'y', n);
    s[n] = '\0';
    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    rc = calc_echo(c, s, &back);
    ck_assert_msg(rc == SRPC_ECLOSED, "got %s: %s", srpc_strerror(rc),
                  srpc_client_errmsg(c));
    srpc_client_close(c);
    free(s);
}
END_TEST

START_TEST(misuse)
{
    const msgpack_object *res;
    srpc_client *c;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(srpc_client_call(c, &res), SRPC_EINVAL); /* nothing begun */
    ck_assert_int_eq(srpc_client_notify(c), SRPC_EINVAL);
    ck_assert_ptr_nonnull(srpc_client_begin_notify(c, "calc.note", 0));
    ck_assert_int_eq(srpc_client_call(c, &res), SRPC_EINVAL); /* a notification */
    ck_assert_int_eq(srpc_client_set_timeout(c, 0), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_set_timeout(NULL, 10), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_call(NULL, &res), SRPC_EINVAL);
    /* begin never returns NULL; the call then fails. */
    ck_assert_ptr_nonnull(srpc_client_begin(NULL, "x", 0));
    srpc_pack_str(srpc_client_begin(NULL, "x", 1), "ignored");
    ck_assert_ptr_nonnull(srpc_client_begin_notify(NULL, "x", 0));
    ck_assert_int_eq(srpc_client_notify(NULL), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_connect(NULL, fx.unix_addr, NULL, NULL, 0), SRPC_EINVAL);
    ck_assert_str_eq(srpc_client_errmsg(NULL), "no client");
    srpc_client_close(NULL);
    srpc_client_free_results(NULL);
    srpc_client_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL); /* the library must never raise it */
    tc = tcase_create("client");
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, connection_refused);
    tcase_add_test(tc, resolve_failure);
    tcase_add_test(tc, close_leaks_nothing);
    tcase_add_test(tc, timeout_then_usable);
    tcase_add_test(tc, server_never_answers);
    tcase_add_test(tc, server_gone_mid_call);
    tcase_add_test(tc, send_to_closed_peer);
    tcase_add_test(tc, real_server_destroyed);
    tcase_add_test(tc, remote_error_shapes);
    tcase_add_test(tc, garbage_reply_is_protocol_error);
    tcase_add_test(tc, bad_result_type);
    tcase_add_test(tc, oversize_reply_rejected);
    tcase_add_test(tc, results_live_until_freed);
    tcase_add_test(tc, large_request);
    tcase_add_test(tc, request_over_server_limit);
    tcase_add_test(tc, misuse);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
