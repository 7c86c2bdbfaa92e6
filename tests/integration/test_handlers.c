#include "config.h"

/*
 * test_handlers.c - handlers that break their contract, through the code
 * idlc generates from tests/integration/handlers.idl, a real server
 * thread and a real client over a Unix socket.
 *
 * A handler that returns a value that is no status, a closed enum's value
 * that names nothing or a union's tag that names no arm gets the caller
 * an internal error that names the method and the value, and the server
 * a warning; a notification whose handler fails, which nobody answers, is
 * logged.  Each test has its own server, so each first warning of a kind
 * is written, not held back by the one-line-a-second rate.
 */

#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "sockrpc/codec.h"
#include "testutil.h"
#include "handlers.h"

/* ---- the server's handlers ---------------------------------------- */

static int deposit(srpc_call *call, int32_t status, int64_t *result)
{
    (void)call;
    *result = 100;
    return status;
}

static int withdraw(srpc_call *call, int32_t status, int64_t *result)
{
    (void)result;
    srpc_call_fail(call, 4, "insufficient funds");
    return status;
}

static int pick(srpc_call *call, int32_t n, enum bank_currency *result)
{
    (void)call;
    *result = (enum bank_currency)n;
    return SRPC_OK;
}

static int maybe_pick(srpc_call *call, int32_t n,
                      const enum bank_currency **result)
{
    enum bank_currency *c;

    if (n == 0)
        return SRPC_OK; /* absent */
    c = srpc_call_alloc(call, sizeof *c);
    if (c == NULL)
        return SRPC_ENOMEM;
    *c = (enum bank_currency)n;
    *result = c;
    return SRPC_OK;
}

static int pay(srpc_call *call, int32_t tag, struct bank_amount *result)
{
    (void)call;
    result->tag = (enum bank_currency)tag;
    result->cents = 250;
    return SRPC_OK;
}

static int audit(srpc_call *call, int32_t code)
{
    if (code > 0)
        return srpc_call_fail(call, code, "audit log full");
    return code;
}

static const struct bank_ops ops = {
    .deposit = deposit, .withdraw = withdraw, .pick = pick,
    .maybe_pick = maybe_pick, .pay = pay, .audit = audit,
};

/* ---- the log: every line the library writes, as "LEVEL TEXT\n" ----- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[8192];

/* The server thread writes, the test reads: under the lock. */
static void capture(int level, const char *message, void *user_data)
{
    size_t n;

    (void)user_data;
    pthread_mutex_lock(&log_lock);
    n = strlen(log_text);
    snprintf(log_text + n, sizeof log_text - n, "%d %s\n", level, message);
    pthread_mutex_unlock(&log_lock);
}

/* The log holds the warning TEXT as a line of its own. */
#define ck_warned(text)                                                    \
    do {                                                                   \
        char line_[512];                                                   \
        snprintf(line_, sizeof line_, "%d %s\n", SRPC_LOG_WARN, (text));   \
        pthread_mutex_lock(&log_lock);                                     \
        ck_assert_msg(strstr(log_text, line_) != NULL,                     \
                      "log \"%s\" lacks \"%s\"", log_text, line_);         \
        pthread_mutex_unlock(&log_lock);                                   \
    } while (0)

#define ck_log_empty()                                                     \
    do {                                                                   \
        pthread_mutex_lock(&log_lock);                                     \
        ck_assert_msg(log_text[0] == '\0', "log \"%s\"", log_text);        \
        pthread_mutex_unlock(&log_lock);                                   \
    } while (0)

/* ---- fixture: a server thread and a connected client -------------- */

static char dir[256];
static struct tu_server ts;
static srpc_client *client;

/* Starts the server with OPTIONS (NULL: the defaults) and connects. */
static void start(const struct srpc_server_options *options)
{
    char addr[300];
    char errbuf[256];

    log_text[0] = '\0';
    srpc_set_log(capture, SRPC_LOG_WARN, NULL);
    tu_mkdtemp(dir, sizeof dir);
    snprintf(addr, sizeof addr, "unix:%s/bank.sock", dir);
    ck_assert_int_eq(srpc_server_create(&ts.srv, options), SRPC_OK);
    ck_assert_int_eq(bank_serve(ts.srv, &ops, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, addr), SRPC_OK);
    tu_server_start(&ts);
    ck_assert_msg(srpc_client_connect(&client, addr, NULL, errbuf,
                                      sizeof errbuf) == SRPC_OK,
                  "%s", errbuf);
}

static void setup(void)
{
    start(NULL);
}

/* Thread-per-connection mode serves calls on threads of its own: the
 * same rules, from another thread. */
static void setup_threads(void)
{
    struct srpc_server_options o = { .threads_per_connection = 1 };

    start(&o);
}

static void teardown(void)
{
    srpc_client_close(client);
    client = NULL;
    tu_server_stop(&ts);
    tu_rmdir(dir);
    srpc_set_log(NULL, SRPC_LOG_WARN, NULL);
}

/* The last call failed on the server with an internal error, MESSAGE. */
static void ck_internal(const char *message)
{
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INTERNAL);
    ck_assert_str_eq(srpc_client_errmsg(client), message);
}

/* ---- handlers that return no status -------------------------------- */

START_TEST(minus_one_is_not_a_status)
{
    int64_t r = 0;

    ck_assert_int_eq(bank_deposit(client, -1, &r), SRPC_EREMOTE);
    ck_internal("bank.deposit: the handler failed: returned -1, which is "
                "not a status");
    ck_warned("bank.deposit: the handler returned -1, which is not a status "
              "(return SRPC_OK, or what srpc_call_fail() returns)");
    ck_assert_int_eq(r, 0); /* the result it set is not sent */
    ck_assert_int_eq(bank_deposit(client, SRPC_OK, &r), SRPC_OK);
    ck_assert_int_eq(r, 100); /* the connection goes on */
}
END_TEST

START_TEST(past_the_last_status_is_not_a_status)
{
    int64_t r = 0;

    ck_assert_int_eq(SRPC_STATUS_COUNT, 17);
    ck_assert_int_eq(bank_deposit(client, SRPC_STATUS_COUNT, &r),
                     SRPC_EREMOTE);
    ck_internal("bank.deposit: the handler failed: returned 17, which is "
                "not a status");
    ck_warned("bank.deposit: the handler returned 17, which is not a status "
              "(return SRPC_OK, or what srpc_call_fail() returns)");
}
END_TEST

/* A status without a message is no broken contract: named, not logged. */
START_TEST(a_status_is_named_not_logged)
{
    int64_t r = 0;

    ck_assert_int_eq(bank_deposit(client, SRPC_EIO, &r), SRPC_EREMOTE);
    ck_internal("bank.deposit failed: I/O error");
    ck_log_empty();
}
END_TEST

/* The handler said why it failed: that is what the caller reads. */
START_TEST(failed_then_not_a_status_keeps_the_message)
{
    int64_t r = 0;

    ck_assert_int_eq(bank_withdraw(client, -1, &r), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(client), 4);
    ck_assert_str_eq(srpc_client_errmsg(client),
                     "bank.withdraw: insufficient funds");
    ck_warned("bank.withdraw: the handler returned -1, which is not a "
              "status (return SRPC_OK, or what srpc_call_fail() returns)");
}
END_TEST

/* ---- results that name nothing ------------------------------------- */

START_TEST(closed_enum_result_outside_the_enum)
{
    enum bank_currency c = BANK_CURRENCY_EUR;

    ck_assert_int_eq(bank_pick(client, 3, &c), SRPC_EREMOTE);
    ck_internal("bank.pick: the handler's result: expected enum currency, "
                "got 3, which is not one of its values");
    ck_warned("bank.pick: the handler's result: expected enum currency, got "
              "3, which is not one of its values (the caller gets an "
              "internal error)");
    ck_assert_int_eq(c, BANK_CURRENCY_EUR);
    ck_assert_int_eq(bank_pick(client, -5, &c), SRPC_EREMOTE);
    ck_internal("bank.pick: the handler's result: expected enum currency, "
                "got -5, which is not one of its values");
    ck_assert_int_eq(bank_pick(client, 7, &c), SRPC_OK);
    ck_assert_int_eq(c, BANK_CURRENCY_CHF);
}
END_TEST

START_TEST(optional_closed_enum_result_outside_the_enum)
{
    const enum bank_currency *c = NULL;

    ck_assert_int_eq(bank_maybe_pick(client, 4, &c), SRPC_EREMOTE);
    ck_internal("bank.maybe_pick: the handler's result: expected enum "
                "currency, got 4, which is not one of its values");
    ck_warned("bank.maybe_pick: the handler's result: expected enum "
              "currency, got 4, which is not one of its values (the caller "
              "gets an internal error)");
    ck_assert_int_eq(bank_maybe_pick(client, 0, &c), SRPC_OK);
    ck_assert_ptr_null(c);
    ck_assert_int_eq(bank_maybe_pick(client, 2, &c), SRPC_OK);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(*c, BANK_CURRENCY_USD);
}
END_TEST

START_TEST(union_tag_without_arm_is_logged)
{
    struct bank_amount a;

    ck_assert_int_eq(bank_pay(client, BANK_CURRENCY_CHF, &a), SRPC_EREMOTE);
    ck_internal("bank.pay: the handler's result: union amount has no arm "
                "for tag 7");
    ck_warned("bank.pay: the handler's result: union amount has no arm for "
              "tag 7 (the caller gets an internal error)");
    ck_assert_int_eq(bank_pay(client, BANK_CURRENCY_EUR, &a), SRPC_OK);
    ck_assert_int_eq(a.cents, 250);
}
END_TEST

/* ---- notifications, which nobody answers --------------------------- */

/* A call after the notification: replies come in order, so once it is
 * back the notification was served and its line written. */
static void sync_with_server(void)
{
    int64_t r;

    ck_assert_int_eq(bank_deposit(client, SRPC_OK, &r), SRPC_OK);
}

START_TEST(failing_notification_is_logged)
{
    ck_assert_int_eq(bank_audit(client, 0), SRPC_OK);
    sync_with_server();
    ck_log_empty();
    ck_assert_int_eq(bank_audit(client, 5), SRPC_OK);
    sync_with_server();
    ck_warned("notification bank.audit: audit log full (dropped: a "
              "notification gets no reply)");
}
END_TEST

START_TEST(notification_not_a_status_is_logged)
{
    ck_assert_int_eq(bank_audit(client, -1), SRPC_OK);
    sync_with_server();
    ck_warned("bank.audit: the handler returned -1, which is not a status "
              "(return SRPC_OK, or what srpc_call_fail() returns)");
    ck_warned("notification bank.audit: the handler failed: returned -1, "
              "which is not a status (dropped: a notification gets no "
              "reply)");
}
END_TEST

/* Bad arguments are the runtime's words, which name the method already. */
START_TEST(notification_with_bad_arguments_is_logged)
{
    msgpack_packer *pk = srpc_client_begin_notify(client, "bank.audit", 1);

    srpc_pack_str(pk, "five");
    ck_assert_int_eq(srpc_client_notify(client), SRPC_OK);
    sync_with_server();
    ck_warned("notification bank.audit: argument 1 (code) must be int32, "
              "got string (dropped: a notification gets no reply)");
}
END_TEST

START_TEST(notification_of_no_method_is_logged)
{
    srpc_client_begin_notify(client, "bank.close", 0);
    ck_assert_int_eq(srpc_client_notify(client), SRPC_OK);
    sync_with_server();
    ck_warned("notification bank.close: no method 'bank.close' (dropped: a "
              "notification gets no reply)");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("handlers");
    TCase *tc = tcase_create("handlers");
    SRunner *sr;
    int failed;

    if (getenv("SOCKRPC_LOG") != NULL) { /* it overrides the log's level */
        fprintf(stderr, "skipped: SOCKRPC_LOG is set\n");
        return 77;
    }
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, minus_one_is_not_a_status);
    tcase_add_test(tc, past_the_last_status_is_not_a_status);
    tcase_add_test(tc, a_status_is_named_not_logged);
    tcase_add_test(tc, failed_then_not_a_status_keeps_the_message);
    tcase_add_test(tc, closed_enum_result_outside_the_enum);
    tcase_add_test(tc, optional_closed_enum_result_outside_the_enum);
    tcase_add_test(tc, union_tag_without_arm_is_logged);
    tcase_add_test(tc, failing_notification_is_logged);
    tcase_add_test(tc, notification_not_a_status_is_logged);
    tcase_add_test(tc, notification_with_bad_arguments_is_logged);
    tcase_add_test(tc, notification_of_no_method_is_logged);
    suite_add_tcase(s, tc);

    tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, setup_threads, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, minus_one_is_not_a_status);
    tcase_add_test(tc, closed_enum_result_outside_the_enum);
    tcase_add_test(tc, notification_not_a_status_is_logged);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
