/*
 * test_push.c - notifications from server to client: a handler sends them
 * with srpc_call_notify_begin(), the client receives them through
 * srpc_client_on_notification(), before the reply of the call that caused
 * them.  A handler that packs a notification wrong must not break the
 * stream.
 *
 * The "push" interface is written by hand, the way idlc writes dispatch
 * functions.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "sockrpc/codec.h"
#include "testutil.h"

static char dir[256];
static char unix_addr[300];
static struct tu_server ts;

/* push.count(n): sends n notifications push.tick(i), then returns n. */
static int dispatch_count(srpc_call *call, const void *impl,
                          const msgpack_object *args, msgpack_packer *reply)
{
    uint32_t n;
    int rc = srpc_get_uint32(&args[0], &n);

    (void)impl;
    if (rc != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 0, "n", "uint32");
    for (uint32_t i = 0; i < n; i++)
        msgpack_pack_uint32(srpc_call_notify_begin(call, "push.tick", 1), i);
    msgpack_pack_uint32(reply, n);
    return SRPC_OK;
}

/* push.sloppy(): declares two arguments for its notification, packs one. */
static int dispatch_sloppy(srpc_call *call, const void *impl,
                           const msgpack_object *args, msgpack_packer *reply)
{
    (void)impl;
    (void)args;
    msgpack_pack_uint32(srpc_call_notify_begin(call, "push.tick", 2), 1);
    msgpack_pack_true(reply);
    return SRPC_OK;
}

/* push.fail(): notifies, then fails: the notice still goes out. */
static int dispatch_fail(srpc_call *call, const void *impl,
                         const msgpack_object *args, msgpack_packer *reply)
{
    (void)impl;
    (void)args;
    (void)reply;
    msgpack_pack_uint32(srpc_call_notify_begin(call, "push.tick", 1), 7);
    return srpc_call_fail(call, 3, "failed after notifying");
}

static const struct srpc_method push_methods[] = {
    { "push.count", 1, dispatch_count },
    { "push.sloppy", 0, dispatch_sloppy },
    { "push.fail", 0, dispatch_fail },
};

static const struct srpc_interface push_interface = {
    "push", push_methods, sizeof push_methods / sizeof push_methods[0]
};

/* What the client's callback saw. */
struct ticks {
    int count;
    uint64_t last;
    int other;       /* notifications with another method */
};

static void on_note(srpc_client *client, const char *method,
                    const struct msgpack_object *params, void *user_data)
{
    struct ticks *t = user_data;

    (void)client;
    if (strcmp(method, "push.tick") != 0 || params->via.array.size != 1) {
        t->other++;
        return;
    }
    t->count++;
    t->last = params->via.array.ptr[0].via.u64;
}

static void setup(void)
{
    tu_mkdtemp(dir, sizeof dir);
    snprintf(unix_addr, sizeof unix_addr, "unix:%s/push.sock", dir);
    memset(&ts, 0, sizeof ts);
    ck_assert_int_eq(srpc_server_create(&ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_register(ts.srv, &push_interface, NULL, NULL),
                     SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, unix_addr), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, "tcp:127.0.0.1:0"), SRPC_OK);
    tu_server_start(&ts);
}

static void teardown(void)
{
    tu_server_stop(&ts);
    srpc_server_destroy(ts.srv);
    tu_rmdir(dir);
}

static srpc_client *connect_with(struct ticks *t, int transport)
{
    srpc_client *c;
    char err[256];
    const char *addr = transport == 0 ? unix_addr : srpc_server_address(ts.srv, 1);

    ck_assert_msg(srpc_client_connect(&c, addr, NULL, err, sizeof err) == SRPC_OK,
                  "%s", err);
    srpc_client_on_notification(c, on_note, t);
    return c;
}

static int call_count(srpc_client *c, uint32_t n, uint32_t *got)
{
    const msgpack_object *res;
    int rc;

    msgpack_pack_uint32(srpc_client_begin(c, "push.count", 1), n);
    rc = srpc_client_call(c, &res);
    if (rc == SRPC_OK)
        rc = srpc_get_uint32(res, got);
    return rc;
}

START_TEST(notifications_arrive_before_the_reply)
{
    struct ticks t = { 0 };
    srpc_client *c = connect_with(&t, _i);
    uint32_t got = 0;

    ck_assert_int_eq(call_count(c, 3, &got), SRPC_OK);
    ck_assert_uint_eq(got, 3);
    ck_assert_int_eq(t.count, 3);          /* all three before the reply */
    ck_assert_uint_eq(t.last, 2);
    ck_assert_int_eq(call_count(c, 1000, &got), SRPC_OK);
    ck_assert_int_eq(t.count, 1003);
    ck_assert_uint_eq(t.last, 999);
    ck_assert_int_eq(call_count(c, 0, &got), SRPC_OK);
    ck_assert_int_eq(t.count, 1003);
    ck_assert_int_eq(t.other, 0);
    srpc_client_close(c);
}
END_TEST

START_TEST(a_notification_can_answer_a_notification)
{
    struct ticks t = { 0 };
    srpc_client *c = connect_with(&t, _i);

    msgpack_pack_uint32(srpc_client_begin_notify(c, "push.count", 1), 2);
    ck_assert_int_eq(srpc_client_notify(c), SRPC_OK);
    for (int i = 0; i < 100 && t.count < 2; i++)
        ck_assert_int_eq(srpc_client_poll(c, 50), SRPC_OK);
    ck_assert_int_eq(t.count, 2);
    srpc_client_close(c);
}
END_TEST

START_TEST(sloppy_notification_is_dropped_not_sent)
{
    struct ticks t = { 0 };
    srpc_client *c = connect_with(&t, _i);
    const msgpack_object *res;
    uint32_t got;

    srpc_client_begin(c, "push.sloppy", 0);
    ck_assert_int_eq(srpc_client_call(c, &res), SRPC_OK);
    ck_assert_int_eq(res->type, MSGPACK_OBJECT_BOOLEAN);
    ck_assert_int_eq(t.count + t.other, 0);
    /* The stream is intact: the next call works. */
    ck_assert_int_eq(call_count(c, 2, &got), SRPC_OK);
    ck_assert_int_eq(t.count, 2);
    srpc_client_close(c);
}
END_TEST

START_TEST(notification_survives_a_failed_call)
{
    struct ticks t = { 0 };
    srpc_client *c = connect_with(&t, _i);
    const msgpack_object *res;

    srpc_client_begin(c, "push.fail", 0);
    ck_assert_int_eq(srpc_client_call(c, &res), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(c), 3);
    ck_assert_int_eq(t.count, 1);
    ck_assert_uint_eq(t.last, 7);
    srpc_client_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("push");
    TCase *tc = tcase_create("push");
    SRunner *sr;
    int failed;

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_loop_test(tc, notifications_arrive_before_the_reply, 0, 2);
    tcase_add_loop_test(tc, a_notification_can_answer_a_notification, 0, 2);
    tcase_add_loop_test(tc, sloppy_notification_is_dropped_not_sent, 0, 2);
    tcase_add_loop_test(tc, notification_survives_a_failed_call, 0, 2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
