#include "config.h"

/*
 * test_raises.c - procedures that raise errors, over a real socket: the
 * handlers fail with the typed NAME_fail() helpers that idlc generated
 * from tests/integration/raising.idl, and the client reads the code with
 * the typed NAME_error() accessors and the message with
 * srpc_client_errmsg().
 *
 * Every declared code comes through with its formatted message; a code
 * the closed enum does not declare (a newer server) is no enum value but
 * srpc_client_remote_code() still has it; an open enum takes any int32
 * but the runtime's reserved codes; and a success, a local failure or a
 * runtime error is never mistaken for an application error.
 */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "sockrpc.h"
#include "testutil.h"
#include "raising.h"

/* ---- the server's handlers ---------------------------------------- */

static int check_handler(srpc_call *call, int32_t code, const char *text,
                         int32_t *result)
{
    if (code == 0) {
        *result = 42;
        return SRPC_OK;
    }
    /* Undeclared codes too: a newer server may send them. */
    return vault_check_fail(call, (enum vault_error)code, "code %d: %s",
                            (int)code, text);
}

static int lookup_handler(srpc_call *call, int32_t code, const char **result)
{
    if (code == 0) {
        *result = "found";
        return SRPC_OK;
    }
    return vault_lookup_fail(call, (enum vault_error)code, "no entry %d",
                             (int)code);
}

static int poke_handler(srpc_call *call, int64_t code)
{
    if (code < INT32_MIN || code > INT32_MAX)
        return srpc_call_fail(call, code, "code %lld", (long long)code);
    return vault_poke_fail(call, (enum vault_status)code, "poked %lld",
                           (long long)code);
}

static const struct vault_ops ops = {
    .check = check_handler,
    .lookup = lookup_handler,
    .poke = poke_handler,
};

/* ---- fixture: a server thread and a connected client -------------- */

static char dir[256];
static struct tu_server ts;
static srpc_client *client;

static void setup(void)
{
    char addr[300];
    char errbuf[256];

    tu_mkdtemp(dir, sizeof dir);
    snprintf(addr, sizeof addr, "unix:%s/vault.sock", dir);
    ck_assert_int_eq(srpc_server_create(&ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(vault_serve(ts.srv, &ops, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, addr), SRPC_OK);
    tu_server_start(&ts);
    ck_assert_msg(srpc_client_connect(&client, addr, NULL, errbuf,
                                      sizeof errbuf) == SRPC_OK,
                  "%s", errbuf);
}

static void teardown(void)
{
    srpc_client_close(client);
    client = NULL;
    tu_server_stop(&ts);
    tu_rmdir(dir);
}

/* ---- tests -------------------------------------------------------- */

static const enum vault_error declared[] = {
    VAULT_ERROR_NOT_FOUND, VAULT_ERROR_LOCKED, VAULT_ERROR_TOO_BIG,
};

START_TEST(each_declared_code)
{
    enum vault_error want = declared[_i], code = (enum vault_error)-1;
    char msg[64];
    int32_t r = 7;

    ck_assert_int_eq(vault_check(client, (int32_t)want, "what went wrong",
                                 &r), SRPC_EREMOTE);
    ck_assert_int_eq(r, 7);
    ck_assert(vault_check_error(client, &code));
    ck_assert_int_eq(code, want);
    ck_assert_int_eq(srpc_client_remote_code(client), want);
    snprintf(msg, sizeof msg, "vault.check: code %d: what went wrong",
             (int)want);
    ck_assert_str_eq(srpc_client_errmsg(client), msg);
    /* NULL: only whether it is one of the enum's codes. */
    ck_assert(vault_check_error(client, NULL));
}
END_TEST

START_TEST(undeclared_code)
{
    enum vault_error code = VAULT_ERROR_LOCKED;
    int32_t r;

    ck_assert_int_eq(vault_check(client, 99, "from the future", &r),
                     SRPC_EREMOTE);
    ck_assert(!vault_check_error(client, &code));
    ck_assert_int_eq(code, VAULT_ERROR_LOCKED); /* untouched */
    ck_assert_int_eq(srpc_client_remote_code(client), 99);
    ck_assert_str_eq(srpc_client_errmsg(client),
                     "vault.check: code 99: from the future");
    ck_assert_int_eq(vault_check(client, -5, "negative", &r), SRPC_EREMOTE);
    ck_assert(!vault_check_error(client, &code));
    ck_assert_int_eq(srpc_client_remote_code(client), -5);
}
END_TEST

START_TEST(success_resets)
{
    enum vault_error code;
    int32_t r = 0;

    ck_assert_int_eq(vault_check(client, VAULT_ERROR_LOCKED, "x", &r),
                     SRPC_EREMOTE);
    ck_assert(vault_check_error(client, &code));
    ck_assert_int_eq(vault_check(client, 0, "fine", &r), SRPC_OK);
    ck_assert_int_eq(r, 42);
    ck_assert(!vault_check_error(client, &code));
    ck_assert_int_eq(srpc_client_remote_code(client), 0);
    ck_assert_str_eq(srpc_client_errmsg(client), "");
}
END_TEST

/* A failure of the client's own after a remote error: the old code is
 * not this call's. */
START_TEST(local_failure_resets)
{
    enum vault_error code;
    int32_t r;

    ck_assert_int_eq(vault_check(client, VAULT_ERROR_TOO_BIG, "x", &r),
                     SRPC_EREMOTE);
    /* Over its bound: refused before anything is sent. */
    ck_assert_int_eq(vault_check(client, 1, "a text longer than thirty-two "
                                 "bytes", &r), SRPC_EINVAL);
    ck_assert(!vault_check_error(client, &code));
    ck_assert_int_eq(srpc_client_remote_code(client), 0);
}
END_TEST

START_TEST(through_a_typedef)
{
    enum vault_error code;
    const char *s = NULL;

    ck_assert_int_eq(vault_lookup(client, VAULT_ERROR_NOT_FOUND, &s),
                     SRPC_EREMOTE);
    ck_assert(vault_lookup_error(client, &code));
    ck_assert_int_eq(code, VAULT_ERROR_NOT_FOUND);
    ck_assert_str_eq(srpc_client_errmsg(client), "vault.lookup: no entry 1");
    ck_assert_ptr_null(s);
    ck_assert_int_eq(vault_lookup(client, 0, &s), SRPC_OK);
    ck_assert_str_eq(s, "found");
    ck_assert(!vault_lookup_error(client, &code));
}
END_TEST

START_TEST(open_enum_any_int32)
{
    enum vault_status code;

    ck_assert_int_eq(vault_poke(client, VAULT_STATUS_BUSY), SRPC_EREMOTE);
    ck_assert(vault_poke_error(client, &code));
    ck_assert_int_eq(code, VAULT_STATUS_BUSY);
    ck_assert_str_eq(srpc_client_errmsg(client), "vault.poke: poked -3");
    ck_assert_int_eq(vault_poke(client, 12345), SRPC_EREMOTE);
    ck_assert(vault_poke_error(client, &code));
    ck_assert_int_eq((int)code, 12345);
    ck_assert_int_eq(vault_poke(client, INT32_MIN), SRPC_EREMOTE);
    ck_assert(vault_poke_error(client, &code));
    ck_assert_int_eq((int64_t)code, INT32_MIN);
    /* Beyond int32 no enum holds it; the runtime's own codes are not the
     * application's. */
    ck_assert_int_eq(vault_poke(client, INT64_C(1) << 40), SRPC_EREMOTE);
    ck_assert(!vault_poke_error(client, &code));
    ck_assert_int_eq(srpc_client_remote_code(client), INT64_C(1) << 40);
    ck_assert_int_eq(vault_poke(client, SRPC_WIRE_INTERNAL), SRPC_EREMOTE);
    ck_assert(!vault_poke_error(client, &code));
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INTERNAL);
}
END_TEST

START_TEST(runtime_error_is_not_the_application_s)
{
    enum vault_error code;

    ck_assert_int_eq(vault_absent(client), SRPC_ENOMETHOD);
    ck_assert(!vault_absent_error(client, &code));
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_NO_METHOD);
}
END_TEST

/* The asynchronous halves leave the outcome for the accessor too. */
START_TEST(async_finish)
{
    srpc_pending *a, *b;
    enum vault_error code;
    int32_t r;

    ck_assert_int_eq(vault_check_async(client, VAULT_ERROR_LOCKED, "late",
                                       &a), SRPC_OK);
    ck_assert_int_eq(vault_check_async(client, 0, "fine", &b), SRPC_OK);
    ck_assert_int_eq(vault_check_finish(client, b, &r), SRPC_OK);
    ck_assert(!vault_check_error(client, &code));
    ck_assert_int_eq(vault_check_finish(client, a, &r), SRPC_EREMOTE);
    ck_assert(vault_check_error(client, &code));
    ck_assert_int_eq(code, VAULT_ERROR_LOCKED);
    ck_assert_str_eq(srpc_client_errmsg(client), "vault.check: code 2: late");
}
END_TEST

static Suite *raises_suite(void)
{
    Suite *s = suite_create("raises");
    TCase *tc = tcase_create("round trip");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, each_declared_code, 0,
                        (int)(sizeof declared / sizeof declared[0]));
    tcase_add_test(tc, undeclared_code);
    tcase_add_test(tc, success_resets);
    tcase_add_test(tc, local_failure_resets);
    tcase_add_test(tc, through_a_typedef);
    tcase_add_test(tc, open_enum_any_int32);
    tcase_add_test(tc, runtime_error_is_not_the_application_s);
    tcase_add_test(tc, async_finish);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(raises_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
