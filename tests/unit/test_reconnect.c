/*
 * test_reconnect.c - a server that goes away and comes back: without the
 * reconnect option calls fail with ECLOSED; with it the next call connects
 * again, calls in flight at the drop still fail (never sent twice), and a
 * server that stays away fails the call at its deadline.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "clientfake.h"
#include "transport/sockutil.h"
#include "testcalc.h"
#include "testutil.h"

static char dir[256];
static char path[300];
static char addr[320];
static struct calc_state state;
static struct tu_server ts;

static void setup(void)
{
    tu_mkdtemp(dir, sizeof dir);
    snprintf(path, sizeof path, "%s/calc.sock", dir);
    snprintf(addr, sizeof addr, "unix:%s", path);
    calc_state_init(&state);
    memset(&ts, 0, sizeof ts);
}

static void stop_server(void)
{
    tu_server_stop(&ts);
    srpc_server_destroy(ts.srv);
    ts.srv = NULL;
}

static void teardown(void)
{
    stop_server();
    calc_state_fini(&state);
    tu_rmdir(dir);
}

static void start_server(void)
{
    ck_assert_int_eq(srpc_server_create(&ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(ts.srv, &calc_default_ops, &state), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, addr), SRPC_OK);
    tu_server_start(&ts);
}

static srpc_client *connect_opts(const struct srpc_client_options *o)
{
    srpc_client *c = NULL;
    char err[256] = "";

    ck_assert_msg(srpc_client_connect(&c, addr, o, err, sizeof err) == SRPC_OK,
                  "connect: %s", err);
    return c;
}

START_TEST(without_reconnect_calls_fail)
{
    srpc_client *c;
    int32_t r;
    int rc;

    start_server();
    c = connect_opts(NULL);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    stop_server();
    start_server();
    rc = calc_add(c, 1, 2, &r);
    ck_assert_msg(rc == SRPC_ECLOSED, "got %s", srpc_strerror(rc));
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ECLOSED);
    srpc_client_close(c);
}
END_TEST

START_TEST(server_restarted_on_same_path)
{
    struct srpc_client_options o = { .reconnect = true };
    srpc_client *c;
    int32_t r;

    start_server();
    c = connect_opts(&o);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    for (int round = 0; round < 3; round++) {
        stop_server();
        start_server();
        r = 0;
        ck_assert_msg(calc_add(c, round, 40, &r) == SRPC_OK, "round %d: %s",
                      round, srpc_client_errmsg(c));
        ck_assert_int_eq(r, round + 40);
    }
    srpc_client_close(c);
}
END_TEST

static void read_one_then_close(struct fake *f, int fd)
{
    int64_t *calls = f->arg;

    while (fake_read_request(f, fd, NULL) >= 0) {
        (*calls)++;
        break;
    }
}

/* A call in flight when the connection drops fails; it is not sent again
 * on the new connection (the dead server may have run it). */
START_TEST(pending_call_fails_then_reconnects)
{
    struct srpc_client_options o = { .reconnect = true };
    int64_t fake_calls = 0;
    srpc_pending *p;
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, path, read_one_then_close, &fake_calls);
    c = connect_opts(&o);
    ck_assert_int_eq(calc_add_async(c, 1, 2, &p), SRPC_OK);
    ck_assert_int_eq(srpc_client_flush(c), SRPC_OK); /* it was corked */
    fake_stop(&f);
    ck_assert_int_eq(calc_add_finish(c, p, &r), SRPC_ECLOSED);
    ck_assert_int_eq(fake_calls, 1);
    /* The fake's socket file is stale now: the server replaces it. */
    start_server();
    ck_assert_msg(calc_add(c, 3, 4, &r) == SRPC_OK, "%s",
                  srpc_client_errmsg(c));
    ck_assert_int_eq(r, 7);
    srpc_client_close(c);
}
END_TEST

START_TEST(server_stays_away)
{
    struct srpc_client_options o = { .reconnect = true, .timeout_ms = 300,
                                     .reconnect_max_ms = 50 };
    srpc_client *c;
    int64_t t0, ms;
    int32_t r;
    int rc;

    start_server();
    c = connect_opts(&o);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    stop_server();
    t0 = srpc__now_ms();
    rc = calc_add(c, 1, 2, &r);
    ms = srpc__now_ms() - t0;
    ck_assert_msg(rc == SRPC_ECONNECT, "got %s: %s", srpc_strerror(rc),
                  srpc_client_errmsg(c));
    ck_assert_msg(strstr(srpc_client_errmsg(c), "calc.add: cannot reconnect"),
                  "message: %s", srpc_client_errmsg(c));
    /* Retried until the call's deadline, not beyond. */
    ck_assert_msg(ms >= 200 && ms < 1500, "gave up after %lld ms",
                  (long long)ms);
    /* ... and works again once the server is back. */
    start_server();
    ck_assert_msg(calc_add(c, 2, 2, &r) == SRPC_OK, "%s",
                  srpc_client_errmsg(c));
    ck_assert_int_eq(r, 4);
    srpc_client_close(c);
}
END_TEST

/* Over TCP a request sent to a closed peer may be accepted by the kernel
 * and lost: the client must notice the close before it sends. */
START_TEST(tcp_server_restarted)
{
    struct srpc_client_options o = { .reconnect = true };
    char tcp[64];
    srpc_client *c = NULL;
    char err[256] = "";
    int32_t r;

    ck_assert_int_eq(srpc_server_create(&ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(ts.srv, &calc_default_ops, &state), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, "tcp:127.0.0.1:0"), SRPC_OK);
    snprintf(tcp, sizeof tcp, "%s", srpc_server_address(ts.srv, 0));
    tu_server_start(&ts);
    ck_assert_msg(srpc_client_connect(&c, tcp, &o, err, sizeof err) == SRPC_OK,
                  "connect: %s", err);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    for (int round = 0; round < 3; round++) {
        stop_server();
        ck_assert_int_eq(srpc_server_create(&ts.srv, NULL), SRPC_OK);
        ck_assert_int_eq(calc_serve(ts.srv, &calc_default_ops, &state),
                         SRPC_OK);
        ck_assert_int_eq(srpc_server_listen(ts.srv, tcp), SRPC_OK);
        tu_server_start(&ts);
        ck_assert_msg(calc_add(c, round, 40, &r) == SRPC_OK, "round %d: %s",
                      round, srpc_client_errmsg(c));
        ck_assert_int_eq(r, round + 40);
    }
    srpc_client_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reconnect");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL);
    tc = tcase_create("reconnect");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, without_reconnect_calls_fail);
    tcase_add_test(tc, server_restarted_on_same_path);
    tcase_add_test(tc, pending_call_fails_then_reconnects);
    tcase_add_test(tc, server_stays_away);
    tcase_add_test(tc, tcp_server_restarted);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
