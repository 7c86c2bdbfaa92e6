/*
 * test_client_fail.c - what a caller learns when the connection fails
 * under its calls: a server killed with calls in flight (with and
 * without reconnect), a request too large for the server, notification
 * callbacks that send on a connection closing under them; and, the other
 * way round, clients killed in the middle of a request or with calls in
 * flight, which the server must shrug off.
 *
 * Processes that get killed are forked children; every child is killed
 * and reaped by the test that started it, within Check's timeout.
 */
#include "config.h"

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

#include "base/clock.h"
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

/* A child process of this test, and its pipes. */
struct child {
    pid_t pid;
    int fd;      /* read end: the child reports on it */
    int go;      /* write end: the test tells the child to go on */
};               /* fds 0: no pipes (0 is stdin, never one of ours) */

/* Forks a child that dies with the test (which Check may end with
 * exit() when an assertion fails, skipping the teardown) and at the
 * latest after CHILD_SECONDS.  Returns 0 in the child, with the write
 * end of its report pipe in *wfd and the read end of its go pipe in
 * *gfd. */
static pid_t child_fork(struct child *ch, int *wfd, int *gfd)
{
    int up[2], down[2];

    ck_assert_int_eq(pipe(up), 0);
    ck_assert_int_eq(pipe(down), 0);
    ch->pid = fork();
    ck_assert_int_ge(ch->pid, 0);
    if (ch->pid == 0) {
#ifdef __linux__
        prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        alarm(CHILD_SECONDS);
        close(up[0]);
        close(down[1]);
        *wfd = up[1];
        *gfd = down[0];
        return 0;
    }
    close(up[1]);
    close(down[0]);
    ch->fd = up[0];
    ch->go = down[1];
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
 * already killed.  Its pipes stay open (child_close). */
static void child_kill(struct child *ch)
{
    if (ch->pid > 0) {
        kill(ch->pid, SIGKILL);
        ck_assert_int_eq(waitpid(ch->pid, NULL, 0), ch->pid);
    }
    ch->pid = 0;
}

/* Kills the child if it still runs and closes its pipes. */
static void child_close(struct child *ch)
{
    bool started = ch->fd > 0;

    child_kill(ch);
    if (started) {
        close(ch->fd);
        close(ch->go);
    }
    ch->fd = ch->go = 0;
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
    child_close(&server);
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
    int wfd = -1, gfd = -1;

    if (child_fork(&server, &wfd, &gfd) == 0)
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

/* The server's sockrpc.closing reason for a request over its limit. */
#define TOO_BIG "server closed the connection: message exceeds the maximum size"

/* A calc.echo of SIZE bytes to a server with the default 1 MiB limit
 * fails and says which call and which limit, blocking or not. */
static void check_oversized(const char *address, size_t size)
{
    srpc_client *c = fx_connect(address);
    char *s = malloc(size + 1);
    srpc_pending *p;
    const char *ret;
    int32_t r;
    int rc;

    ck_assert_ptr_nonnull(s);
    memset(s, 'x', size);
    s[size] = '\0';
    rc = calc_echo(c, s, &ret);
    ck_assert_msg(rc == SRPC_ECLOSED &&
                  names(srpc_client_errmsg(c), "calc.echo", TOO_BIG),
                  "%s, %zu bytes: %s: %s", address, size, srpc_strerror(rc),
                  srpc_client_errmsg(c));
    /* The same sent without waiting, on a new connection. */
    srpc_client_close(c);
    c = fx_connect(address);
    srpc_pack_str(srpc_client_begin(c, "calc.echo", 1), s);
    ck_assert_int_eq(srpc_client_send(c, &p), SRPC_OK);
    rc = srpc_client_wait(c, p, NULL);
    ck_assert_msg(rc == SRPC_ECLOSED &&
                  names(srpc_client_errmsg(c), "calc.echo", TOO_BIG),
                  "%s, %zu bytes, async: %s: %s", address, size,
                  srpc_strerror(rc), srpc_client_errmsg(c));
    /* Every later call names itself and the same reason. */
    rc = calc_add(c, 1, 2, &r);
    ck_assert_msg(rc == SRPC_ECLOSED &&
                  names(srpc_client_errmsg(c), "calc.add", TOO_BIG),
                  "%s: %s: %s", address, srpc_strerror(rc),
                  srpc_client_errmsg(c));
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

/* ---- a callback that sends on a connection closing under it --------- */

/* A notification callback that answers every notification with one of
 * its own, as the documentation allows. */
static void answer(srpc_client *c, const char *method,
                   const msgpack_object *params, void *user_data)
{
    (void)method;
    (void)params;
    (void)user_data;
    calc_note(c, 1);
}

/* Sends one notification and closes. */
static void notify_then_close(struct fake *f, int fd)
{
    (void)f;
    fake_notify(fd, "event", 1, NULL);
}

/* The call's write fails (the server is gone), and the thread that wrote
 * reads what the server sent before, the notification among it, while it
 * holds the client's send lock: that notification must not reach a
 * callback that sends, which would wait for the lock forever. */
START_TEST(write_fails_after_notification)
{
    char path[320], addr[330];
    struct fake f;
    srpc_client *c;
    int32_t r;
    int rc;

    snprintf(path, sizeof path, "%s/fake.sock", tmpdir);
    snprintf(addr, sizeof addr, "unix:%s", path);
    fake_start(&f, path, notify_then_close, NULL);
    c = connect_to(addr, NULL);
    srpc_client_on_notification(c, answer, NULL);
    fake_stop(&f); /* the notification is sent and the socket closed */
    rc = calc_add(c, 1, 2, &r);
    ck_assert_msg(rc == SRPC_ECLOSED &&
                  names(srpc_client_errmsg(c), "calc.add", "by server"),
                  "%s: %s", srpc_strerror(rc), srpc_client_errmsg(c));
    srpc_client_close(c);
}
END_TEST

/* The callback's notification fails (the server is gone) in the thread
 * that is reading: it does not wait for a reader, itself, until the
 * deadline, and the close then fails the connection as usual. */
START_TEST(callback_sends_into_close)
{
    char path[320], addr[330];
    struct fake f;
    srpc_client *c;
    int64_t t0;
    int rc = SRPC_OK;

    snprintf(path, sizeof path, "%s/fake.sock", tmpdir);
    snprintf(addr, sizeof addr, "unix:%s", path);
    fake_start(&f, path, notify_then_close, NULL);
    c = connect_to(addr, NULL);
    srpc_client_on_notification(c, answer, NULL);
    fake_stop(&f); /* the notice is sent and the socket closed */
    t0 = srpc__now_ms();
    for (int i = 0; i < 100 && rc == SRPC_OK; i++)
        rc = srpc_client_poll(c, 10);
    ck_assert_int_eq(rc, SRPC_ECLOSED);
    ck_assert_int_lt(srpc__now_ms() - t0, 1000); /* the deadline is 5 s */
    srpc_client_close(c);
}
END_TEST

/* ---- clients killed under a server in this process ------------------ */

static struct child clients[2];

static void clients_setup(void)
{
    memset(clients, 0, sizeof clients);
    fx_setup();
}

static void clients_teardown(void)
{
    for (size_t i = 0; i < sizeof clients / sizeof clients[0]; i++)
        child_close(&clients[i]);
    fx_teardown();
}

/* In a child: waits for the test's go, so that it connects only once the
 * server listens and the test has counted its descriptors. */
static void child_wait_go(int gfd)
{
    char b;

    if (read(gfd, &b, 1) != 1)
        _exit(1);
}

/* A child that connects to ADDRESS, writes the first half of a request
 * and reports, then waits to be killed. */
static void half_request_child(const char *address, int wfd, int gfd)
{
    char text[2000], err[256];
    struct srpc__address a;
    struct srpc__sock sock;
    msgpack_sbuffer sb;
    msgpack_packer pk;

    child_wait_go(gfd);
    memset(text, 'h', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, 0);
    msgpack_pack_uint32(&pk, 1);
    srpc_pack_str(&pk, "calc.echo");
    msgpack_pack_array(&pk, 1);
    srpc_pack_str(&pk, text);
    if (srpc__address_parse(address, &a, err, sizeof err) != SRPC_OK ||
        a.ops->connect(&a, srpc__now_ms() + WAIT_MS, &sock, err,
                       sizeof err) != SRPC_OK ||
        write(sock.fd, sb.data, sb.size / 2) != (ssize_t)(sb.size / 2) ||
        write(wfd, "r", 1) != 1)
        _exit(1);
    for (;;)
        pause();
}

/* A child that sends calls without reading a reply, so that the server
 * has them running, queued and answered into a full socket, reports, and
 * waits to be killed.  Its go is the server's TCP address (one write to
 * the pipe, NUL included). */
static void in_flight_child(int wfd, int gfd)
{
    char address[64], err[256];
    srpc_pending *p;
    srpc_client *c;
    ssize_t n = read(gfd, address, sizeof address);

    if (n <= 0 || address[n - 1] != '\0' ||
        srpc_client_connect(&c, address, NULL, err, sizeof err) != SRPC_OK)
        _exit(1);
    for (int i = 0; i < 3; i++) {
        if (calc_sleep_async(c, 100, &p) != SRPC_OK)
            _exit(1);
    }
    for (int i = 0; i < 8; i++) {
        msgpack_pack_uint32(srpc_client_begin(c, "calc.big", 1), 1u << 20);
        if (srpc_client_send(c, &p) != SRPC_OK)
            _exit(1);
    }
    if (srpc_client_flush(c) != SRPC_OK || write(wfd, "r", 1) != 1)
        _exit(1);
    for (;;)
        pause();
}

/* The server's open connections, once they are WANT (at most WAIT_MS). */
static uint64_t wait_open(uint64_t want)
{
    struct srpc_server_stats st;

    for (int i = 0; i < WAIT_MS / 10; i++) {
        ck_assert_int_eq(srpc_server_stats(fx.ts.srv, &st), SRPC_OK);
        if (st.connections_open == want)
            break;
        poll(NULL, 0, 10);
    }
    return st.connections_open;
}

/* This process's descriptors, once they are WANT (at most WAIT_MS): the
 * server closes its side in its own time. */
static int wait_fds(int want)
{
    int n = tu_count_fds();

    for (int i = 0; i < WAIT_MS / 10 && n != want; i++) {
        poll(NULL, 0, 10);
        n = tu_count_fds();
    }
    return n;
}

/* Two clients are SIGKILLed, one in the middle of a request (Unix), one
 * with calls running, queued and answered unread (TCP).  A third client
 * goes on being served, and the server is back to the descriptors and
 * the connections it had before. */
START_TEST(killed_clients_leave_server_healthy)
{
    char tcp[64];
    srpc_client *other;
    int fds, wfd = -1, gfd = -1;
    int32_t r;

    /* Forked before the server's thread exists; told where to connect. */
    if (child_fork(&clients[0], &wfd, &gfd) == 0)
        half_request_child(fx.unix_addr, wfd, gfd);
    if (child_fork(&clients[1], &wfd, &gfd) == 0)
        in_flight_child(wfd, gfd);
    fx_start(NULL);
    snprintf(tcp, sizeof tcp, "%s", srpc_server_address(fx.ts.srv, 1));
    other = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(other, 1, 1, &r), SRPC_OK);
    fds = tu_count_fds();
    ck_assert_int_eq(wait_open(1), 1);
    ck_assert_int_eq(write(clients[0].go, "g", 1), 1);
    ck_assert_int_eq(write(clients[1].go, tcp, strlen(tcp) + 1),
                     (ssize_t)strlen(tcp) + 1);
    ck_assert_msg(child_wait_byte(&clients[0], WAIT_MS), "half request");
    ck_assert_msg(child_wait_byte(&clients[1], WAIT_MS), "calls in flight");
    ck_assert_int_eq(wait_open(3), 3);
    tu_wait_stat(fx.ts.srv, TU_STAT(calls), 1, WAIT_MS); /* one runs */
    child_kill(&clients[0]);
    child_kill(&clients[1]);
    ck_assert_msg(calc_add(other, 2, 3, &r) == SRPC_OK, "%s",
                  srpc_client_errmsg(other));
    ck_assert_int_eq(r, 5);
    ck_assert_uint_eq(wait_open(1), 1);
    ck_assert_int_eq(wait_fds(fds), fds);
    srpc_client_close(other);
    ck_assert_uint_eq(wait_open(0), 0);
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
    tc = tcase_create("callbacks");
    tcase_add_checked_fixture(tc, child_setup, child_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, write_fails_after_notification);
    tcase_add_test(tc, callback_sends_into_close);
    suite_add_tcase(s, tc);
    tc = tcase_create("client_killed");
    tcase_add_checked_fixture(tc, clients_setup, clients_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, killed_clients_leave_server_healthy);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
