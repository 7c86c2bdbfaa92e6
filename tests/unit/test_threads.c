/*
 * test_threads.c - threads_per_connection mode: a blocking handler holds
 * up only its own client, the limits still apply (max_connections caps the
 * threads, timeouts close connections), the counters add up across
 * threads, and srpc_server_stop() serves what was received and joins every
 * thread.
 */
#include "config.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "transport/sockutil.h"
#include "calcfixture.h"
#include "testcalc.h"
#include "testutil.h"

static void start(struct srpc_server_options *o)
{
    struct srpc_server_options dflt = { 0 };

    if (!o)
        o = &dflt;
    o->threads_per_connection = 1;
    fx_start(o);
}

static struct srpc_server_stats stats(void)
{
    struct srpc_server_stats st;

    ck_assert_int_eq(srpc_server_stats(fx.ts.srv, &st), SRPC_OK);
    return st;
}

static void *sleeper(void *arg)
{
    srpc_client *c = arg;

    return (void *)(intptr_t)calc_sleep(c, 600);
}

START_TEST(blocking_handler_blocks_only_its_client)
{
    srpc_client *a, *b;
    pthread_t th;
    void *rc;
    int64_t t0, dt;
    int32_t r;

    start(NULL);
    a = fx_connect(fx.unix_addr);
    b = fx_connect(srpc_server_address(fx.ts.srv, 1));
    ck_assert_int_eq(pthread_create(&th, NULL, sleeper, a), 0);
    poll(NULL, 0, 100); /* A's handler is sleeping now */
    t0 = srpc__now_ms();
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(calc_add(b, i, 1, &r), SRPC_OK);
    dt = srpc__now_ms() - t0;
    ck_assert_int_eq(pthread_join(th, &rc), 0);
    ck_assert_int_eq((int)(intptr_t)rc, SRPC_OK);
    /* Serialised behind the sleep, B would wait ~500 ms. */
    ck_assert_msg(dt < 400, "10 calls took %lld ms", (long long)dt);
    fprintf(stderr, "10 calls beside a blocked handler: %lld ms\n",
            (long long)dt);
    ck_assert_uint_eq(stats().calls, 11);
    srpc_client_close(a);
    srpc_client_close(b);
}
END_TEST

START_TEST(max_connections_caps_threads)
{
    struct srpc_server_options o = { .max_connections = 2 };
    srpc_client *a, *b;
    int64_t code = 0;
    int32_t r;
    int fd;

    start(&o);
    a = fx_connect(fx.unix_addr);
    b = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(a, 1, 1, &r), SRPC_OK);
    ck_assert_int_eq(calc_add(b, 1, 1, &r), SRPC_OK);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_read_closing(fd, &code));
    ck_assert_int_eq(code, SRPC_WIRE_LIMIT_CONNS);
    ck_assert(tu_wait_closed(fd));
    close(fd);
    ck_assert_uint_eq(stats().connections_refused, 1);
    ck_assert_uint_eq(stats().connections_open, 2);
    srpc_client_close(a);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(closed_by_peer), 1, 3000),
                      1);
    a = fx_connect(fx.unix_addr); /* a thread slot is free again */
    ck_assert_int_eq(calc_add(a, 1, 1, &r), SRPC_OK);
    srpc_client_close(a);
    srpc_client_close(b);
}
END_TEST

START_TEST(timeouts_apply_to_threads)
{
    struct srpc_server_options o = { .idle_timeout_ms = 200,
                                     .message_timeout_ms = 300 };
    static const unsigned char head[] = { 0x94, 0x00, 0x01, 0xda, 0x10, 0x00 };
    int64_t code = 0;
    int fd, i;

    start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_read_closing(fd, &code));
    ck_assert_int_eq(code, SRPC_WIRE_LIMIT_IDLE);
    close(fd);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_write_all(fd, head, sizeof head));
    for (i = 0; i < 40; i++) { /* a byte every 50 ms: never idle */
        struct pollfd p = { .fd = fd, .events = POLLIN };

        poll(NULL, 0, 50);
        if (poll(&p, 1, 0) == 1 || !tu_write_all(fd, "x", 1))
            break; /* the server spoke: the notice is there */
    }
    ck_assert_msg(i < 40, "still open while trickling after 2 s");
    ck_assert(tu_read_closing(fd, &code));
    ck_assert_int_eq(code, SRPC_WIRE_LIMIT_MESSAGE);
    close(fd);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(closed_message_timeout),
                                   1, 3000), 1);
    ck_assert_uint_eq(stats().closed_idle, 1);
}
END_TEST

START_TEST(garbage_closes_thread_connection)
{
    static const unsigned char junk[] = { 0xc1 };
    int64_t code = 0;
    srpc_client *c;
    int32_t r;
    int fd;

    start(NULL);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_write_all(fd, junk, sizeof junk));
    ck_assert(tu_read_closing(fd, &code));
    ck_assert_int_eq(code, SRPC_WIRE_PROTOCOL);
    ck_assert(tu_wait_closed(fd));
    close(fd);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_div(c, 1, 0, &r), SRPC_EREMOTE);
    srpc_client_close(c);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(closed_by_peer), 1, 3000),
                      1);
    ck_assert_uint_eq(stats().closed_protocol, 1);
    ck_assert_uint_eq(stats().errors, 1);
}
END_TEST

/* 200 pipelined requests on each of 3 connections, then stop: every
 * reply, the notice, EOF; every thread joined. */
START_TEST(stop_serves_and_joins)
{
    msgpack_sbuffer sb;
    int fds[3], base;

    base = tu_count_fds();
    start(NULL);
    msgpack_sbuffer_init(&sb);
    for (int i = 0; i < 200; i++) {
        int64_t args[2] = { i, 1 };

        tu_pack_request(&sb, (uint32_t)i, "calc.add", 2, args);
    }
    for (int k = 0; k < 3; k++) {
        fds[k] = tu_connect_raw(fx.unix_addr, 5000);
        ck_assert(tu_write_all(fds[k], sb.data, sb.size));
    }
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(connections_accepted), 3,
                                   3000), 3);
    srpc_server_stop(fx.ts.srv);
    for (int k = 0; k < 3; k++) {
        msgpack_unpacker unp;
        msgpack_unpacked u;
        int64_t code = 0;

        ck_assert(msgpack_unpacker_init(&unp, 4096));
        msgpack_unpacked_init(&u);
        for (int i = 0; i < 200; i++) {
            ck_assert_msg(tu_read_message(fds[k], &unp, &u), "lost %d", i);
            ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, (uint64_t)i);
        }
        ck_assert(tu_read_message(fds[k], &unp, &u));
        ck_assert(tu_is_closing(&u.data, &code));
        ck_assert_int_eq(code, SRPC_WIRE_SHUTDOWN);
        ck_assert(tu_wait_closed(fds[k]));
        msgpack_unpacked_destroy(&u);
        msgpack_unpacker_destroy(&unp);
        close(fds[k]);
    }
    ck_assert_int_eq(pthread_join(fx.ts.thread, NULL), 0);
    fx.ts.running = false;
    ck_assert_int_eq(fx.ts.rc, SRPC_OK);
    ck_assert_uint_eq(stats().calls, 600);
    ck_assert_uint_eq(stats().closed_shutdown, 3);
    ck_assert_uint_eq(stats().connections_open, 0);
    srpc_server_destroy(fx.ts.srv);
    fx.ts.srv = NULL;
    ck_assert_int_eq(tu_count_fds(), base); /* threads' sockets closed */
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

/* A stop waits for a handler that is running, and its reply is sent. */
START_TEST(stop_waits_for_running_handler)
{
    srpc_client *a;
    pthread_t th;
    void *rc;

    start(NULL);
    a = fx_connect(fx.unix_addr);
    ck_assert_int_eq(pthread_create(&th, NULL, sleeper, a), 0);
    poll(NULL, 0, 150);
    tu_server_stop(&fx.ts);
    ck_assert_int_eq(pthread_join(th, &rc), 0);
    ck_assert_int_eq((int)(intptr_t)rc, SRPC_OK);
    srpc_client_close(a);
    tu_server_start(&fx.ts); /* and it runs again */
    a = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_sleep(a, 0), SRPC_OK);
    srpc_client_close(a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("threads");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL);
    tc = tcase_create("threads");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, blocking_handler_blocks_only_its_client);
    tcase_add_test(tc, max_connections_caps_threads);
    tcase_add_test(tc, timeouts_apply_to_threads);
    tcase_add_test(tc, garbage_closes_thread_connection);
    tcase_add_test(tc, stop_serves_and_joins);
    tcase_add_test(tc, stop_waits_for_running_handler);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
