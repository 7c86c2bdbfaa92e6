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

#include <check.h>

#include "calcfixture.h"
#include "clientfake.h"
#include "testcalc.h"
#include "testutil.h"

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
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
