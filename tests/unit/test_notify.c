/*
 * test_notify.c - notifications from the server: delivered between
 * replies on the reading thread, ignored without a callback, received by
 * srpc_client_poll(), the "sockrpc.closing" notice's reason in the failed
 * call's message, and no waiting inside a notification callback.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "clientfake.h"
#include "testcalc.h"
#include "testutil.h"

static char dir[256];
static char fake_path[300];
static char fake_addr[320];

static void setup(void)
{
    tu_mkdtemp(dir, sizeof dir);
    snprintf(fake_path, sizeof fake_path, "%s/fake.sock", dir);
    snprintf(fake_addr, sizeof fake_addr, "unix:%s", fake_path);
}

static void teardown(void)
{
    tu_rmdir(dir);
}

static srpc_client *connect_fake(void)
{
    srpc_client *c = NULL;
    char err[256] = "";

    ck_assert_msg(srpc_client_connect(&c, fake_addr, NULL, err, sizeof err) ==
                      SRPC_OK, "connect: %s", err);
    return c;
}

/* What the callback saw. */
struct seen {
    int n;
    char methods[4][32];
    int64_t args[4];
    bool on_caller_thread;
    pthread_t caller;
    srpc_client *client;
    int nested_rc;    /* of a call made inside the callback */
};

static void record(srpc_client *c, const char *method,
                   const struct msgpack_object *params, void *user_data)
{
    struct seen *s = user_data;

    s->on_caller_thread = pthread_equal(pthread_self(), s->caller);
    s->client = c;
    if (s->n < 4) {
        snprintf(s->methods[s->n], sizeof s->methods[0], "%s", method);
        s->args[s->n] = params->type == MSGPACK_OBJECT_ARRAY &&
                                params->via.array.size > 0
                            ? params->via.array.ptr[0].via.i64
                            : -1;
    }
    s->n++;
}

/* [2, "event", [1]] before the first reply; two more before the second. */
static void events_between_replies(struct fake *f, int fd)
{
    int64_t id = fake_read_request(f, fd, NULL);

    ck_assert_int_ge(id, 0);
    fake_notify(fd, "event", 1, NULL);
    fake_reply_int(fd, id, 10);
    id = fake_read_request(f, fd, NULL);
    ck_assert_int_ge(id, 0);
    fake_notify(fd, "event", 2, NULL);
    fake_notify(fd, "other", 3, "text");
    fake_reply_int(fd, id, 20);
}

START_TEST(delivered_between_replies)
{
    struct seen s = { .caller = pthread_self() };
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, fake_path, events_between_replies, NULL);
    c = connect_fake();
    srpc_client_on_notification(c, record, &s);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 10);
    ck_assert_int_eq(s.n, 1);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 20);
    ck_assert_int_eq(s.n, 3);
    ck_assert_str_eq(s.methods[0], "event");
    ck_assert_int_eq(s.args[0], 1);
    ck_assert_str_eq(s.methods[1], "event");
    ck_assert_int_eq(s.args[1], 2);
    ck_assert_str_eq(s.methods[2], "other");
    ck_assert_int_eq(s.args[2], 3);
    ck_assert(s.on_caller_thread);
    ck_assert_ptr_eq(s.client, c);
    fake_stop(&f);
    srpc_client_close(c);
}
END_TEST

START_TEST(ignored_by_default)
{
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, fake_path, events_between_replies, NULL);
    c = connect_fake();
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 10);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 20);
    fake_stop(&f);
    srpc_client_close(c);
}
END_TEST

/* Notifies at once, then waits for the client to go. */
static void notify_unasked(struct fake *f, int fd)
{
    fake_notify(fd, "tick", 7, NULL);
    ck_assert_int_lt(fake_read_request(f, fd, NULL), 0);
}

START_TEST(poll_receives)
{
    struct seen s = { .caller = pthread_self() };
    struct fake f;
    srpc_client *c;

    fake_start(&f, fake_path, notify_unasked, NULL);
    c = connect_fake();
    srpc_client_on_notification(c, record, &s);
    for (int i = 0; i < 100 && s.n == 0; i++)
        ck_assert_int_eq(srpc_client_poll(c, 50), SRPC_OK);
    ck_assert_int_eq(s.n, 1);
    ck_assert_str_eq(s.methods[0], "tick");
    ck_assert_int_eq(s.args[0], 7);
    srpc_client_close(c);
    fake_stop(&f);
}
END_TEST

/* Reads two requests, says why it closes, and closes. */
static void close_for_idle(struct fake *f, int fd)
{
    ck_assert_int_ge(fake_read_request(f, fd, NULL), 0);
    ck_assert_int_ge(fake_read_request(f, fd, NULL), 0);
    fake_notify(fd, "sockrpc.closing", 1, "idle timeout");
}

START_TEST(closing_reason_in_message)
{
    struct seen s = { .caller = pthread_self() };
    srpc_pending *p;
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, fake_path, close_for_idle, NULL);
    c = connect_fake();
    srpc_client_on_notification(c, record, &s);
    ck_assert_int_eq(calc_add_async(c, 1, 2, &p), SRPC_OK);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ECLOSED);
    ck_assert_str_eq(srpc_client_errmsg(c),
                     "calc.add: server closed the connection: idle timeout");
    ck_assert_int_eq(calc_add_finish(c, p, &r), SRPC_ECLOSED);
    ck_assert_str_eq(srpc_client_errmsg(c),
                     "calc.add: server closed the connection: idle timeout");
    ck_assert_int_eq(s.n, 1); /* delivered too */
    ck_assert_str_eq(s.methods[0], "sockrpc.closing");
    fake_stop(&f);
    srpc_client_close(c);
}
END_TEST

/* The shape libsockrpc's server sends: one argument, [code, reason]. */
static void close_for_limit(struct fake *f, int fd)
{
    static const char notice[] = "\x93\x02\xafsockrpc.closing"
                                 "\x91\x92\x05\xa9too large";

    ck_assert_int_ge(fake_read_request(f, fd, NULL), 0);
    ck_assert(tu_write_all(fd, notice, sizeof notice - 1));
}

START_TEST(closing_reason_nested)
{
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, fake_path, close_for_limit, NULL);
    c = connect_fake();
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ECLOSED);
    ck_assert_str_eq(srpc_client_errmsg(c),
                     "calc.add: server closed the connection: too large");
    fake_stop(&f);
    srpc_client_close(c);
}
END_TEST

static void call_inside(srpc_client *c, const char *method,
                        const struct msgpack_object *params, void *user_data)
{
    struct seen *s = user_data;
    int32_t r;

    (void)method;
    (void)params;
    s->n++;
    s->nested_rc = calc_add(c, 1, 1, &r);
}

static void event_then_reply(struct fake *f, int fd)
{
    int64_t id = fake_read_request(f, fd, NULL);

    ck_assert_int_ge(id, 0);
    fake_notify(fd, "event", 1, NULL);
    fake_reply_int(fd, id, 10);
    ck_assert_int_lt(fake_read_request(f, fd, NULL), 0);
}

START_TEST(no_waiting_inside_callback)
{
    struct seen s = { .caller = pthread_self() };
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, fake_path, event_then_reply, NULL);
    c = connect_fake();
    srpc_client_on_notification(c, call_inside, &s);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 10);
    ck_assert_int_eq(s.n, 1);
    ck_assert_int_eq(s.nested_rc, SRPC_EINVAL);
    srpc_client_close(c);
    fake_stop(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("notify");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL);
    tc = tcase_create("notify");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, delivered_between_replies);
    tcase_add_test(tc, ignored_by_default);
    tcase_add_test(tc, poll_receives);
    tcase_add_test(tc, closing_reason_in_message);
    tcase_add_test(tc, closing_reason_nested);
    tcase_add_test(tc, no_waiting_inside_callback);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
