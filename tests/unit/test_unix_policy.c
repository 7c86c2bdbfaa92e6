/*
 * test_unix_policy.c - who may connect to a Unix socket: the file's mode
 * (unix_mode), the uid allow-list checked at accept (allowed_uids), and the
 * peer credentials a handler sees (srpc_call_peer).  These tests run as
 * root in CI, so "another user" is simulated by allowing only a uid that
 * is not ours.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "calcfixture.h"
#include "testcalc.h"
#include "testutil.h"

static char sock_path[300];

/* The calc fixture, plus its socket file's path. */
static void setup(void)
{
    fx_setup();
    snprintf(sock_path, sizeof sock_path, "%s/calc.sock", fx.dir);
}

/* "add" answers the caller's uid, "div" its pid: -1 when unknown. */
static int peer_uid(srpc_call *call, int32_t a, int32_t b, int32_t *ret)
{
    struct srpc_peer p;
    int rc = srpc_call_peer(call, &p);

    (void)a;
    (void)b;
    ck_assert(rc == SRPC_OK || (rc == SRPC_EINVAL && p.uid == -1 &&
                                p.gid == -1 && p.pid == -1));
    *ret = (int32_t)p.uid;
    return SRPC_OK;
}

static int peer_pid(srpc_call *call, int32_t a, int32_t b, int32_t *ret)
{
    struct srpc_peer p;

    (void)a;
    (void)b;
    (void)srpc_call_peer(call, &p);
    *ret = (int32_t)p.pid;
    return SRPC_OK;
}

static void start(const struct srpc_server_options *o)
{
    static struct calc_ops ops;

    ops = calc_default_ops;
    ops.add = peer_uid;
    ops.div = peer_pid;
    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, o), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &ops, &fx.state), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, "tcp:127.0.0.1:0"), SRPC_OK);
    tu_server_start(&fx.ts);
}

static mode_t file_mode(void)
{
    struct stat st;

    ck_assert_int_eq(stat(sock_path, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    return st.st_mode & 07777;
}

START_TEST(default_mode_is_0600)
{
    start(NULL);
    ck_assert_uint_eq(file_mode(), 0600);
}
END_TEST

START_TEST(unix_mode_option)
{
    struct srpc_server_options o = { .unix_mode = 0660 };
    mode_t old = umask(077); /* the mode must not depend on the umask */

    start(&o);
    umask(old);
    ck_assert_uint_eq(file_mode(), 0660);
}
END_TEST

START_TEST(peer_credentials_over_unix)
{
    srpc_client *c;
    int32_t r = 0;

    start(NULL);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 0, 0, &r), SRPC_OK);
    ck_assert_int_eq(r, (int32_t)getuid());
    ck_assert_int_eq(calc_div(c, 0, 1, &r), SRPC_OK);
    ck_assert_int_eq(r, (int32_t)getpid()); /* the client is this process */
    srpc_client_close(c);
}
END_TEST

START_TEST(no_credentials_over_tcp)
{
    srpc_client *c;
    int32_t r = 0;

    start(NULL);
    c = fx_connect(srpc_server_address(fx.ts.srv, 1));
    ck_assert_int_eq(calc_add(c, 0, 0, &r), SRPC_OK);
    ck_assert_int_eq(r, -1);
    srpc_client_close(c);
}
END_TEST

START_TEST(allowed_uid_served)
{
    uint32_t me = (uint32_t)getuid();
    struct srpc_server_options o = { .allowed_uids = &me,
                                     .allowed_uids_count = 1 };
    struct srpc_server_stats st;
    srpc_client *c;
    int32_t r = 0;

    start(&o);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 0, 0, &r), SRPC_OK);
    ck_assert_int_eq(r, (int32_t)me);
    srpc_client_close(c);
    ck_assert_int_eq(srpc_server_stats(fx.ts.srv, &st), SRPC_OK);
    ck_assert_uint_eq(st.connections_refused, 0);
}
END_TEST

START_TEST(other_uid_refused)
{
    uint32_t other[2] = { 12345, 54321 }; /* not ours: we are refused */
    struct srpc_server_options o = { .allowed_uids = other,
                                     .allowed_uids_count = 2 };
    int64_t code = 0;
    int fd;

    ck_assert_uint_ne(getuid(), 12345);
    start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert_int_ge(fd, 0);
    ck_assert(tu_read_closing(fd, &code));
    ck_assert_int_eq(code, SRPC_WIRE_NOT_ALLOWED);
    ck_assert(tu_wait_closed(fd));
    close(fd);
    /* TCP has no credentials: with an allow-list it is refused too. */
    fd = tu_connect_raw(srpc_server_address(fx.ts.srv, 1), 5000);
    ck_assert(tu_wait_closed(fd));
    close(fd);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(connections_refused), 2,
                                   3000), 2);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(connections_accepted), 1,
                                   0), 0);
}
END_TEST

START_TEST(empty_allow_list_admits_nobody)
{
    static const uint32_t none[1] = { 0 };
    struct srpc_server_options o = { .allowed_uids = none,
                                     .allowed_uids_count = 0 };
    int fd;

    start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_wait_closed(fd));
    close(fd);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(connections_refused), 1,
                                   3000), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("unix_policy");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL);
    tc = tcase_create("policy");
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, default_mode_is_0600);
    tcase_add_test(tc, unix_mode_option);
    tcase_add_test(tc, peer_credentials_over_unix);
    tcase_add_test(tc, no_credentials_over_tcp);
    tcase_add_test(tc, allowed_uid_served);
    tcase_add_test(tc, other_uid_refused);
    tcase_add_test(tc, empty_allow_list_admits_nobody);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
