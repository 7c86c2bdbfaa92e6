/*
 * test_client_fail.c - what a caller learns when the connection fails
 * under its calls: a request too large for the server, a server killed
 * with calls in flight (with and without reconnect), and, the other way
 * round, a client killed in the middle of a request, which the server
 * must shrug off.
 *
 * Servers that get killed run in a forked child; every child is killed
 * and reaped by the test that started it, within Check's timeout.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <check.h>

#include "calcfixture.h"
#include "client/client.h"
#include "clientfake.h"
#include "testcalc.h"
#include "testutil.h"

enum {
    CHILD_SECONDS = 30,  /* a child left behind ends itself (alarm) */
    WAIT_MS = 5000       /* for a child to get ready */
};

/* ---- helpers ---------------------------------------------------------- */

/* A child process of this test, and the pipe on which it reports. */
struct child {
    pid_t pid;
    int fd;      /* read end: the child writes to it */
};

/* Forks a child that dies with the test (which Check may end with
 * exit() when an assertion fails, skipping the teardown) and at the
 * latest after CHILD_SECONDS.  Returns 0 in the child, with the pipe's
 * write end in *wfd. */
static pid_t child_fork(struct child *ch, int *wfd)
{
    int p[2];

    ck_assert_int_eq(pipe(p), 0);
    ch->pid = fork();
    ck_assert_int_ge(ch->pid, 0);
    if (ch->pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        alarm(CHILD_SECONDS);
        close(p[0]);
        *wfd = p[1];
        return 0;
    }
    close(p[1]);
    ch->fd = p[0];
    return ch->pid;
}

/* Reads up to SIZE bytes the child wrote, within TIMEOUT_MS; returns how
 * many (0 at EOF or timeout). */
static size_t child_read(struct child *ch, char *buf, size_t size,
                         int timeout_ms)
{
    struct pollfd p = { .fd = ch->fd, .events = POLLIN };
    ssize_t n;

    if (poll(&p, 1, timeout_ms) != 1)
        return 0;
    n = read(ch->fd, buf, size);
    return n > 0 ? (size_t)n : 0;
}

/* Waits for the child to report one byte; false after TIMEOUT_MS. */
static bool child_wait_byte(struct child *ch, int timeout_ms)
{
    char b;

    return child_read(ch, &b, 1, timeout_ms) == 1;
}

/* SIGKILLs the child and reaps it.  Safe on a child never started or
 * already killed. */
static void child_kill(struct child *ch)
{
    if (ch->pid > 0) {
        kill(ch->pid, SIGKILL);
        ck_assert_int_eq(waitpid(ch->pid, NULL, 0), ch->pid);
        close(ch->fd);
    }
    ch->pid = 0;
}

/* True when the message MSG is "METHOD: " followed by text containing
 * NEEDLE. */
static bool names(const char *msg, const char *method, const char *needle)
{
    size_t n = strlen(method);

    return strncmp(msg, method, n) == 0 && msg[n] == ':' &&
           strstr(msg + n, needle) != NULL;
}

/* Calls in flight on C, read under its lock. */
static size_t in_flight(srpc_client *c)
{
    size_t n;

    pthread_mutex_lock(&c->lock);
    n = c->nsent;
    pthread_mutex_unlock(&c->lock);
    return n;
}

/* Waits up to WAIT_MS until C has N calls in flight. */
static void wait_in_flight(srpc_client *c, size_t n)
{
    for (int i = 0; i < WAIT_MS / 10 && in_flight(c) < n; i++)
        poll(NULL, 0, 10);
    ck_assert_uint_eq(in_flight(c), n);
}

/* ---- a server in a child process, to be killed ---------------------- */

static struct child server;
static char tmpdir[256];
static char unix_listen[300];

static void child_setup(void)
{
    memset(&server, 0, sizeof server);
    tu_mkdtemp(tmpdir, sizeof tmpdir);
    snprintf(unix_listen, sizeof unix_listen, "unix:%s/calc.sock", tmpdir);
}

static void child_teardown(void)
{
    child_kill(&server);
    tu_rmdir(tmpdir);
}

static int report_fd = -1; /* in the server child: the pipe to the test */

/* calc.sleep in a server about to be killed: tells the test that it
 * runs, then never returns, so that every later call stays in flight. */
static int h_block(srpc_call *call, int32_t ms)
{
    (void)call;
    (void)ms;
    if (write(report_fd, "s", 1) != 1)
        _exit(1);
    for (;;)
        pause();
}

/* The child's side: serves calc on LISTEN and reports the address it
 * listens on (with the port TCP chose), NUL included. */
static void serve_in_child(const char *listen, int fd)
{
    struct calc_ops ops = calc_default_ops;
    srpc_server *srv;
    const char *a;

    ops.sleep = h_block;
    report_fd = fd;
    if (srpc_server_create(&srv, NULL) != SRPC_OK ||
        calc_serve(srv, &ops, NULL) != SRPC_OK ||
        srpc_server_listen(srv, listen) != SRPC_OK)
        _exit(1);
    a = srpc_server_address(srv, 0);
    if (write(fd, a, strlen(a) + 1) != (ssize_t)(strlen(a) + 1))
        _exit(1);
    _exit(srpc_server_run(srv) == SRPC_OK ? 0 : 1);
}

/* Starts the server child on LISTEN; its address goes into ADDR. */
static void server_start(const char *listen, char *addr, size_t size)
{
    size_t n = 0;
    int wfd = -1;

    if (child_fork(&server, &wfd) == 0)
        serve_in_child(listen, wfd);
    while (n == 0 || addr[n - 1] != '\0') {
        size_t got = child_read(&server, addr + n, size - n - 1, WAIT_MS);

        ck_assert_msg(got > 0, "the server child did not start");
        n += got;
    }
}

static srpc_client *connect_to(const char *addr,
                               const struct srpc_client_options *o)
{
    srpc_client *c = NULL;
    char err[256] = "";

    ck_assert_msg(srpc_client_connect(&c, addr, o, err, sizeof err) == SRPC_OK,
                  "connect %s: %s", addr, err);
    return c;
}

/* A blocking call made by a thread of its own, while the test kills. */
struct blocking {
    srpc_client *c;
    pthread_t thread;
    int rc;
    char msg[512];
};

static void *blocking_add(void *arg)
{
    struct blocking *b = arg;
    int32_t r;

    b->rc = calc_add(b->c, 3, 4, &r);
    snprintf(b->msg, sizeof b->msg, "%s", srpc_client_errmsg(b->c));
    return NULL;
}

/* A callback call's outcome. */
struct outcome {
    int done;
    int status;
    char msg[512];
};

static void record(srpc_client *c, int status, const msgpack_object *result,
                   void *user_data)
{
    struct outcome *o = user_data;

    (void)result;
    o->done++;
    o->status = status;
    snprintf(o->msg, sizeof o->msg, "%s", srpc_client_errmsg(c));
}

static void add_cb(srpc_client *c, struct outcome *o)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.add", 2);

    msgpack_pack_int32(pk, 5);
    msgpack_pack_int32(pk, 6);
    ck_assert_int_eq(srpc_client_send_cb(c, record, o), SRPC_OK);
}

/* A server on LISTEN is SIGKILLed inside a handler with four calls in
 * flight: a handle that runs, a handle and a callback behind it, and a
 * blocking call.  Each fails at once, named. */
static void check_killed(const char *listen)
{
    char addr[320];
    struct blocking b;
    struct outcome o = { 0 };
    srpc_pending *p[2];
    srpc_client *c;
    int32_t r;
    int rc;

    server_start(listen, addr, sizeof addr);
    c = connect_to(addr, NULL);
    ck_assert_int_eq(calc_sleep_async(c, 1, &p[0]), SRPC_OK);
    ck_assert_int_eq(calc_add_async(c, 1, 2, &p[1]), SRPC_OK);
    add_cb(c, &o);
    ck_assert_int_eq(srpc_client_flush(c), SRPC_OK);
    ck_assert_msg(child_wait_byte(&server, WAIT_MS), "calc.sleep did not run");
    b.c = c;
    ck_assert_int_eq(pthread_create(&b.thread, NULL, blocking_add, &b), 0);
    wait_in_flight(c, 4);
    child_kill(&server);
    ck_assert_int_eq(pthread_join(b.thread, NULL), 0);
    ck_assert_msg(b.rc == SRPC_ECLOSED && names(b.msg, "calc.add", "by server"),
                  "%s blocking: %s: %s", listen, srpc_strerror(b.rc), b.msg);
    rc = srpc_client_wait(c, p[0], NULL);
    ck_assert_msg(rc == SRPC_ECLOSED &&
                  names(srpc_client_errmsg(c), "calc.sleep", "by server"),
                  "%s: %s: %s", listen, srpc_strerror(rc),
                  srpc_client_errmsg(c));
    rc = calc_add_finish(c, p[1], &r);
    ck_assert_msg(rc == SRPC_ECLOSED &&
                  names(srpc_client_errmsg(c), "calc.add", "by server"),
                  "%s: %s: %s", listen, srpc_strerror(rc),
                  srpc_client_errmsg(c));
    for (int i = 0; i < 100 && o.done == 0; i++)
        srpc_client_poll(c, 10);
    ck_assert_int_eq(o.done, 1);
    ck_assert_msg(o.status == SRPC_ECLOSED &&
                  names(o.msg, "calc.add", "by server"),
                  "%s callback: %s: %s", listen, srpc_strerror(o.status),
                  o.msg);
    srpc_client_close(c);
    ck_assert_int_eq(o.done, 1); /* closing does not run it twice */
}

START_TEST(server_killed_unix)
{
    check_killed(unix_listen);
}
END_TEST

START_TEST(server_killed_tcp)
{
    check_killed("tcp:127.0.0.1:0");
}
END_TEST

/* With reconnect: the server is SIGKILLed with a call running, and
 * restarted (in this process) on the same address.  The running call
 * fails, saying it may have run; a call queued but never written goes out
 * on the new connection, and so does the next one.  The new server sees
 * exactly those two: nothing was sent again. */
static void check_restarted(const char *listen)
{
    struct srpc_client_options o = { .reconnect = true,
                                     .reconnect_max_ms = 50 };
    struct srpc_server_stats st;
    struct tu_server ts = { 0 };
    char addr[320];
    srpc_pending *p[2];
    srpc_client *c;
    int32_t r = 0;
    int rc;

    server_start(listen, addr, sizeof addr);
    c = connect_to(addr, &o);
    ck_assert_int_eq(calc_sleep_async(c, 1, &p[0]), SRPC_OK);
    ck_assert_int_eq(srpc_client_flush(c), SRPC_OK);
    ck_assert_msg(child_wait_byte(&server, WAIT_MS), "calc.sleep did not run");
    child_kill(&server);
    ck_assert_int_eq(calc_add_async(c, 2, 3, &p[1]), SRPC_OK); /* corked */
    ck_assert_int_eq(srpc_server_create(&ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(ts.srv, &calc_default_ops, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, addr), SRPC_OK);
    tu_server_start(&ts);
    rc = srpc_client_wait(c, p[0], NULL);
    ck_assert_msg(rc == SRPC_ECLOSED &&
                  names(srpc_client_errmsg(c), "calc.sleep", "may have run"),
                  "%s: %s: %s", listen, srpc_strerror(rc),
                  srpc_client_errmsg(c));
    rc = calc_add_finish(c, p[1], &r);
    ck_assert_msg(rc == SRPC_OK, "%s: queued call: %s: %s", listen,
                  srpc_strerror(rc), srpc_client_errmsg(c));
    ck_assert_int_eq(r, 5);
    ck_assert_msg(calc_add(c, 4, 5, &r) == SRPC_OK, "%s: %s", listen,
                  srpc_client_errmsg(c));
    ck_assert_int_eq(r, 9);
    srpc_client_close(c);
    tu_server_stop(&ts);
    ck_assert_int_eq(srpc_server_stats(ts.srv, &st), SRPC_OK);
    ck_assert_uint_eq(st.calls, 2);
    srpc_server_destroy(ts.srv);
}

START_TEST(restarted_unix)
{
    check_restarted(unix_listen);
}
END_TEST

START_TEST(restarted_tcp)
{
    check_restarted("tcp:127.0.0.1:0");
}
END_TEST

/* ---- a request over the server's limit ------------------------------ */

/* A calc.echo of SIZE bytes to a server with the default 1 MiB limit
 * fails and says which call and which limit. */
static void check_oversized(const char *address, size_t size)
{
    srpc_client *c = fx_connect(address);
    char *s = malloc(size + 1);
    const char *ret;
    int32_t r;
    int rc;

    ck_assert_ptr_nonnull(s);
    memset(s, 'x', size);
    s[size] = '\0';
    rc = calc_echo(c, s, &ret);
    ck_assert_msg(rc == SRPC_ECLOSED, "%s: got %s: %s", address,
                  srpc_strerror(rc), srpc_client_errmsg(c));
    ck_assert_msg(strstr(srpc_client_errmsg(c), "calc.echo: ") ==
                      srpc_client_errmsg(c) &&
                  strstr(srpc_client_errmsg(c), "exceeds the maximum size"),
                  "%s, %zu bytes: %s", address, size, srpc_client_errmsg(c));
    /* Every later call names itself and the same reason. */
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ECLOSED);
    ck_assert_msg(strstr(srpc_client_errmsg(c), "calc.add: ") ==
                      srpc_client_errmsg(c) &&
                  strstr(srpc_client_errmsg(c), "exceeds the maximum size"),
                  "%s: %s", address, srpc_client_errmsg(c));
    free(s);
    srpc_client_close(c);
}

START_TEST(oversized_unix)
{
    fx_start(NULL);
    check_oversized(fx.unix_addr, 2u << 20);
    check_oversized(fx.unix_addr, 64u << 20);
}
END_TEST

START_TEST(oversized_tcp)
{
    fx_start(NULL);
    check_oversized(srpc_server_address(fx.ts.srv, 1), 2u << 20);
    check_oversized(srpc_server_address(fx.ts.srv, 1), 64u << 20);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("client_fail");
    TCase *tc;
    SRunner *sr;
    int failed;

    tc = tcase_create("oversized");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, oversized_unix);
    tcase_add_test(tc, oversized_tcp);
    suite_add_tcase(s, tc);
    tc = tcase_create("server_killed");
    tcase_add_checked_fixture(tc, child_setup, child_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, server_killed_unix);
    tcase_add_test(tc, server_killed_tcp);
    tcase_add_test(tc, restarted_unix);
    tcase_add_test(tc, restarted_tcp);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
