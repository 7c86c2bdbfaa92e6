/*
 * test_limits.c - the server's limits, counters, logging hook, graceful
 * shutdown and embedding: max_connections, idle and message timeouts,
 * accepts_per_turn, max_depth, the "sockrpc.closing" notice, srpc_server_
 * stats, srpc_set_log, srpc_server_stop with requests in flight, and
 * srpc_server_fds/step driven from the test's own poll() loop.
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

/* One add over raw FD: proves the server accepted and serves it. */
static void raw_add(int fd, uint32_t msgid)
{
    int64_t args[2] = { 40, 2 };
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;

    msgpack_sbuffer_init(&sb);
    tu_pack_request(&sb, msgid, "calc.add", 2, args);
    ck_assert(tu_write_all(fd, sb.data, sb.size));
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert(tu_read_message(fd, &unp, &u));
    ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, msgid);
    ck_assert_uint_eq(u.data.via.array.ptr[3].via.u64, 42);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
}

static struct srpc_server_stats stats(void)
{
    struct srpc_server_stats st;

    ck_assert_int_eq(srpc_server_stats(fx.ts.srv, &st), SRPC_OK);
    return st;
}

/* ---- limits ----------------------------------------------------------- */

START_TEST(max_connections_refuses_extra)
{
    struct srpc_server_options o = { .max_connections = 2 };
    int a, b, c, d;
    int64_t code = 0;

    fx_start(&o);
    a = tu_connect_raw(fx.unix_addr, 5000);
    b = tu_connect_raw(srpc_server_address(fx.ts.srv, 1), 5000);
    raw_add(a, 1);
    raw_add(b, 2);
    c = tu_connect_raw(fx.unix_addr, 5000); /* the kernel accepts it ... */
    ck_assert_int_ge(c, 0);
    ck_assert(tu_read_closing(c, &code)); /* ... the server refuses it */
    ck_assert_int_eq(code, SRPC_WIRE_LIMIT_CONNS);
    ck_assert(tu_wait_closed(c));
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(connections_refused), 1,
                                   3000), 1);
    ck_assert_uint_eq(stats().connections_open, 2);
    raw_add(a, 3); /* the others are still served */
    close(a);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(closed_by_peer), 1, 3000),
                      1);
    d = tu_connect_raw(fx.unix_addr, 5000); /* room again */
    raw_add(d, 4);
    ck_assert_uint_eq(stats().connections_accepted, 3);
    close(b);
    close(c);
    close(d);
}
END_TEST

START_TEST(idle_connection_closed)
{
    struct srpc_server_options o = { .idle_timeout_ms = 200 };
    int64_t t0, dt, code = 0;
    int fd;

    fx_start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    raw_add(fd, 1); /* activity resets the clock */
    t0 = srpc__now_ms();
    ck_assert(tu_read_closing(fd, &code));
    dt = srpc__now_ms() - t0;
    ck_assert_int_eq(code, SRPC_WIRE_LIMIT_IDLE);
    ck_assert(tu_wait_closed(fd));
    ck_assert_msg(dt >= 150 && dt < 3000, "closed after %lld ms",
                  (long long)dt);
    fprintf(stderr, "idle connection closed after %lld ms (limit 200)\n",
            (long long)dt);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(closed_idle), 1, 3000), 1);
    close(fd);
}
END_TEST

/* A client that keeps one connection busy with calls is never idle. */
START_TEST(busy_connection_not_idle)
{
    struct srpc_server_options o = { .idle_timeout_ms = 300 };
    srpc_client *c;
    int32_t r;

    fx_start(&o);
    c = fx_connect(fx.unix_addr);
    for (int i = 0; i < 10; i++) { /* 1 s in all, 100 ms apart */
        ck_assert_int_eq(calc_add(c, i, 1, &r), SRPC_OK);
        poll(NULL, 0, 100);
    }
    ck_assert_uint_eq(stats().closed_idle, 0);
    srpc_client_close(c);
}
END_TEST

/* Slowloris: one byte of a request every 40 ms -- never idle, but the
 * message is not finished within message_timeout_ms. */
START_TEST(trickling_client_dropped)
{
    struct srpc_server_options o = { .idle_timeout_ms = 60000,
                                     .message_timeout_ms = 300 };
    static const unsigned char head[] = { 0x94, 0x00, 0x01, 0xda, 0x10, 0x00 };
    int64_t t0, dt = 0, code = 0;
    bool closed = false;
    int fd;

    fx_start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    t0 = srpc__now_ms();
    ck_assert(tu_write_all(fd, head, sizeof head)); /* str16 of 4096 */
    for (int i = 0; i < 200 && !closed; i++) {
        struct pollfd p = { .fd = fd, .events = POLLIN };

        poll(NULL, 0, 40);
        if (poll(&p, 1, 0) == 1) {
            closed = true;
            break;
        }
        if (!tu_write_all(fd, "x", 1))
            break;
    }
    ck_assert(tu_read_closing(fd, &code));
    dt = srpc__now_ms() - t0;
    ck_assert_int_eq(code, SRPC_WIRE_LIMIT_MESSAGE);
    ck_assert(tu_wait_closed(fd));
    ck_assert_msg(dt >= 250 && dt < 3000, "dropped after %lld ms",
                  (long long)dt);
    fprintf(stderr, "trickling client dropped after %lld ms (limit 300)\n",
            (long long)dt);
    ck_assert_uint_eq(stats().closed_message_timeout, 1);
    ck_assert_uint_eq(stats().closed_idle, 0);
    close(fd);
}
END_TEST

/* Each message finishes in time, even though the connection as a whole
 * sends in pieces for longer than the limit: nothing is dropped. */
START_TEST(slow_but_complete_messages_served)
{
    struct srpc_server_options o = { .message_timeout_ms = 400 };
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    int fd;

    fx_start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    for (uint32_t i = 0; i < 8; i++) { /* ~1.2 s in all */
        int64_t args[2] = { i, 1 };

        msgpack_sbuffer_init(&sb);
        tu_pack_request(&sb, i, "calc.add", 2, args);
        ck_assert(tu_write_all(fd, sb.data, 3));
        poll(NULL, 0, 150);
        ck_assert(tu_write_all(fd, sb.data + 3, sb.size - 3));
        ck_assert(tu_read_message(fd, &unp, &u));
        ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, i);
        msgpack_sbuffer_destroy(&sb);
    }
    ck_assert_uint_eq(stats().closed_message_timeout, 0);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    close(fd);
}
END_TEST

/* Each write ends one message and begins the next: every message takes
 * 150 ms, the stream as a whole far longer than the 400 ms limit.  The
 * deadline restarts with each message, so nothing is dropped. */
START_TEST(deadline_restarts_per_message)
{
    struct srpc_server_options o = { .message_timeout_ms = 400 };
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    size_t ends[8], from = 0;
    int fd;

    fx_start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    msgpack_sbuffer_init(&sb);
    for (uint32_t i = 0; i < 8; i++) {
        int64_t args[2] = { i, 1 };

        tu_pack_request(&sb, i, "calc.add", 2, args);
        ends[i] = sb.size;
    }
    for (int i = 0; i < 8; i++) { /* up to the middle of message i */
        size_t mid = ends[i] - 4;

        ck_assert(tu_write_all(fd, sb.data + from, mid - from));
        from = mid;
        poll(NULL, 0, 150);
    }
    ck_assert(tu_write_all(fd, sb.data + from, sb.size - from));
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    for (uint32_t i = 0; i < 8; i++) {
        ck_assert(tu_read_message(fd, &unp, &u));
        ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, i);
    }
    ck_assert_uint_eq(stats().closed_message_timeout, 0);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

/* One accept per turn still serves a burst of clients. */
START_TEST(accepts_per_turn_one)
{
    struct srpc_server_options o = { .accepts_per_turn = 1 };
    srpc_client *c[16];
    int32_t r;

    fx_start(&o);
    for (int i = 0; i < 16; i++)
        c[i] = fx_connect(fx.unix_addr);
    for (int i = 0; i < 16; i++) {
        ck_assert_int_eq(calc_add(c[i], i, 1, &r), SRPC_OK);
        ck_assert_int_eq(r, i + 1);
    }
    for (int i = 0; i < 16; i++)
        srpc_client_close(c[i]);
}
END_TEST

/* [0, 9, "calc.echo", [[[[[[]]]]]]] nests 7 deep: over max_depth 4, it
 * gets an error reply naming the limit; the connection goes on. */
START_TEST(max_depth_error_reply)
{
    struct srpc_server_options o = { .max_depth = 4 };
    unsigned char msg[64] = { 0x94, 0x00, 0x09, 0xa9, 'c', 'a', 'l', 'c', '.',
                              'e', 'c', 'h', 'o' };
    size_t len = 13;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    msgpack_object *e;
    int fd;

    for (int i = 0; i < 5; i++)
        msg[len++] = 0x91;
    msg[len++] = 0x90;
    fx_start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_write_all(fd, msg, len));
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert(tu_read_message(fd, &unp, &u));
    e = u.data.via.array.ptr;
    ck_assert_uint_eq(e[1].via.u64, 9);
    ck_assert_int_eq(e[2].via.array.ptr[0].via.i64, SRPC_WIRE_LIMIT_DEPTH);
    raw_add(fd, 10);
    ck_assert_uint_eq(stats().errors, 1);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    close(fd);
}
END_TEST

START_TEST(bad_options_rejected)
{
    struct srpc_server_options deep = { .max_depth = 33 };
    struct srpc_server_options mode = { .unix_mode = 01777 };
    struct srpc_server_options uids = { .allowed_uids_count = 1 };

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, &deep), SRPC_EINVAL);
    ck_assert_ptr_null(fx.ts.srv);
    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, &mode), SRPC_EINVAL);
    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, &uids), SRPC_EINVAL);
    ck_assert_int_eq(srpc_server_stats(NULL, NULL), SRPC_EINVAL);
}
END_TEST

START_TEST(too_big_and_garbage_get_notice)
{
    struct srpc_server_options o = { .max_message_size = 1024 };
    static const unsigned char big[] = { 0x94, 0x00, 0x01, 0xda, 0x10, 0x00 };
    static const unsigned char junk[] = { 0xc1, 0xc1, 0xc1 };
    int64_t code = 0;
    int fd;

    fx_start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_write_all(fd, big, sizeof big));
    ck_assert(tu_read_closing(fd, &code));
    ck_assert_int_eq(code, SRPC_WIRE_LIMIT_SIZE);
    ck_assert(tu_wait_closed(fd));
    close(fd);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_write_all(fd, junk, sizeof junk));
    ck_assert(tu_read_closing(fd, &code));
    ck_assert_int_eq(code, SRPC_WIRE_PROTOCOL);
    ck_assert(tu_wait_closed(fd));
    close(fd);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(closed_protocol), 1, 3000),
                      1);
    ck_assert_uint_eq(stats().closed_too_big, 1);
}
END_TEST

/* ---- counters --------------------------------------------------------- */

START_TEST(counters_move)
{
    srpc_client *c;
    int32_t r;
    struct srpc_server_stats st;

    fx_start(NULL);
    st = stats();
    ck_assert_uint_eq(st.calls + st.connections_accepted + st.bytes_in, 0);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(calc_div(c, 1, 0, &r), SRPC_EREMOTE);
    ck_assert_int_eq(calc_nosuch(c), SRPC_ENOMETHOD);
    ck_assert_int_eq(calc_note(c, 5), SRPC_OK);
    ck_assert_int_eq(calc_state_wait_notes(&fx.state, 1, 3000), 1);
    st = stats(); /* the handler ran, so the loop counted it */
    ck_assert_uint_eq(st.connections_accepted, 1);
    ck_assert_uint_eq(st.connections_open, 1);
    ck_assert_uint_eq(st.calls, 3);
    ck_assert_uint_eq(st.errors, 2);
    ck_assert_uint_eq(st.notifications, 1);
    ck_assert_uint_gt(st.bytes_in, 40);
    ck_assert_uint_gt(st.bytes_out, 30);
    srpc_client_close(c);
    ck_assert_uint_eq(tu_wait_stat(fx.ts.srv, TU_STAT(closed_by_peer), 1, 3000),
                      1);
    ck_assert_uint_eq(stats().connections_open, 0);
}
END_TEST

/* ---- logging ---------------------------------------------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[8192];
static int log_levels; /* bit per level seen */

static void capture(int level, const char *message, void *user_data)
{
    size_t n;

    ck_assert_ptr_eq(user_data, &log_text);
    pthread_mutex_lock(&log_lock);
    log_levels |= 1 << level;
    n = strlen(log_text);
    snprintf(log_text + n, sizeof log_text - n, "%d %s\n", level, message);
    pthread_mutex_unlock(&log_lock);
}

static bool logged(const char *needle)
{
    bool found;

    pthread_mutex_lock(&log_lock);
    found = strstr(log_text, needle) != NULL;
    pthread_mutex_unlock(&log_lock);
    return found;
}

START_TEST(log_hook_traces_and_warns)
{
    struct srpc_server_options o = { .idle_timeout_ms = 100 };
    srpc_client *c;
    int32_t r;
    int fd;

    if (getenv("SOCKRPC_LOG")) {
        fprintf(stderr, "skipped: SOCKRPC_LOG overrides the level\n");
        return;
    }
    srpc_set_log(capture, SRPC_LOG_DEBUG, &log_text);
    fx_start(&o);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    srpc_client_close(c);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_wait_closed(fd)); /* idle: an INFO line */
    close(fd);
    tu_server_stop(&fx.ts);
    srpc_set_log(NULL, SRPC_LOG_WARN, NULL);
    ck_assert_msg(logged("request 1 calc.add"), "%s", log_text);
    ck_assert_msg(logged("client of unix:"), "%s", log_text);
    ck_assert_msg(logged("idle timeout"), "%s", log_text);
    ck_assert(log_levels & (1 << SRPC_LOG_DEBUG));
    ck_assert(log_levels & (1 << SRPC_LOG_INFO));
}
END_TEST

static int count_lines(void)
{
    int n = 0;

    pthread_mutex_lock(&log_lock);
    for (const char *p = log_text; (p = strchr(p, '\n')) != NULL; p++)
        n++;
    pthread_mutex_unlock(&log_lock);
    return n;
}

/* A flood of bad clients is one log line a second, with a count, not a
 * line each: the log must not become the attacker's tool. */
START_TEST(log_flood_is_rated)
{
    int fd;

    if (getenv("SOCKRPC_LOG"))
        return;
    srpc_set_log(capture, SRPC_LOG_WARN, &log_text);
    log_text[0] = '\0';
    fx_start(NULL);
    for (int i = 0; i < 50; i++) {
        fd = tu_connect_raw(fx.unix_addr, 5000);
        ck_assert(tu_write_all(fd, "\xc1", 1));
        ck_assert(tu_wait_closed(fd));
        close(fd);
    }
    ck_assert_int_le(count_lines(), 2);     /* not 50 */
    usleep(1100 * 1000);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_write_all(fd, "\xc1", 1));
    ck_assert(tu_wait_closed(fd));
    close(fd);
    tu_server_stop(&fx.ts);
    srpc_set_log(NULL, SRPC_LOG_WARN, NULL);
    ck_assert_msg(logged("more like it in the last second"), "%s", log_text);
}
END_TEST

START_TEST(log_level_filters)
{
    struct srpc_server_options o = { .idle_timeout_ms = 100 };
    int fd;

    if (getenv("SOCKRPC_LOG"))
        return;
    srpc_set_log(capture, SRPC_LOG_WARN, &log_text);
    log_text[0] = '\0';
    log_levels = 0;
    fx_start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    raw_add(fd, 1);
    ck_assert(tu_wait_closed(fd));
    close(fd);
    tu_server_stop(&fx.ts);
    srpc_set_log(NULL, SRPC_LOG_WARN, NULL);
    ck_assert_msg(log_levels == 0, "%s", log_text); /* INFO, DEBUG filtered */
}
END_TEST

/* ---- graceful shutdown ------------------------------------------------ */

/* 200 pipelined requests, then stop: every reply arrives, then the
 * closing notice, then EOF. */
START_TEST(stop_loses_no_reply)
{
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    int64_t code = 0;
    int fd;

    fx_start(NULL);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    raw_add(fd, 99999); /* accepted: the stop cannot beat the accept */
    msgpack_sbuffer_init(&sb);
    for (int i = 0; i < 200; i++) {
        int64_t args[2] = { i, 1 };

        tu_pack_request(&sb, (uint32_t)i, "calc.add", 2, args);
    }
    ck_assert(tu_write_all(fd, sb.data, sb.size));
    srpc_server_stop(fx.ts.srv);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    for (int i = 0; i < 200; i++) {
        ck_assert_msg(tu_read_message(fd, &unp, &u), "reply %d lost", i);
        ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, (uint64_t)i);
        ck_assert_uint_eq(u.data.via.array.ptr[3].via.u64, (uint64_t)i + 1);
    }
    ck_assert(tu_read_message(fd, &unp, &u)); /* then the notice */
    ck_assert(tu_is_closing(&u.data, &code));
    ck_assert_int_eq(code, SRPC_WIRE_SHUTDOWN);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    ck_assert(tu_wait_closed(fd));
    ck_assert_int_eq(pthread_join(fx.ts.thread, NULL), 0);
    fx.ts.running = false;
    ck_assert_int_eq(fx.ts.rc, SRPC_OK);
    ck_assert_uint_eq(stats().closed_shutdown, 1);
    ck_assert_uint_eq(stats().calls, 201);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

/* Deterministic version, one thread driving the server by steps: the 200
 * requests are still in the socket's buffer, unread, when the stop comes. */
START_TEST(stop_serves_unread_requests)
{
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    int64_t code = 0;
    int fd, rc = SRPC_OK;

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    for (int i = 0; i < 100 && stats().connections_open == 0; i++)
        ck_assert_int_eq(srpc_server_step(fx.ts.srv, 20), SRPC_OK);
    ck_assert_uint_eq(stats().connections_open, 1);
    msgpack_sbuffer_init(&sb);
    for (int i = 0; i < 200; i++) {
        int64_t args[2] = { i, 1 };

        tu_pack_request(&sb, (uint32_t)i, "calc.add", 2, args);
    }
    ck_assert(tu_write_all(fd, sb.data, sb.size));
    srpc_server_stop(fx.ts.srv);
    for (int i = 0; i < 500 && rc == SRPC_OK; i++)
        rc = srpc_server_step(fx.ts.srv, 20);
    ck_assert_int_eq(rc, SRPC_ECLOSED);
    ck_assert_uint_eq(stats().calls, 200);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    for (int i = 0; i < 200; i++) {
        ck_assert_msg(tu_read_message(fd, &unp, &u), "reply %d lost", i);
        ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, (uint64_t)i);
    }
    ck_assert(tu_read_message(fd, &unp, &u));
    ck_assert(tu_is_closing(&u.data, &code));
    ck_assert_int_eq(code, SRPC_WIRE_SHUTDOWN);
    ck_assert(tu_wait_closed(fd));
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

/* A client that never reads cannot hold the shutdown up for long. */
START_TEST(stop_is_bounded_by_slow_reader)
{
    struct srpc_server_options o = { .max_write_queue = 64 * 1024 };
    msgpack_sbuffer sb;
    int64_t n = 60000, t0, dt;
    int fd;

    fx_start(&o);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    raw_add(fd, 1);
    msgpack_sbuffer_init(&sb);
    for (int i = 0; i < 100; i++)
        tu_pack_request(&sb, (uint32_t)i, "calc.big", 1, &n);
    ck_assert(tu_write_all(fd, sb.data, sb.size));
    poll(NULL, 0, 100); /* the server fills its queue and the socket */
    t0 = srpc__now_ms();
    tu_server_stop(&fx.ts);
    dt = srpc__now_ms() - t0;
    ck_assert_msg(dt < 5000, "stop took %lld ms", (long long)dt);
    fprintf(stderr, "stop with a non-reading client took %lld ms\n",
            (long long)dt);
    ck_assert_uint_eq(stats().connections_open, 0);
    ck_assert_uint_eq(stats().closed_shutdown, 1);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

/* After a stop the same server runs again: listeners were kept. */
START_TEST(rerun_after_graceful_stop)
{
    srpc_client *c;
    int32_t r;

    fx_start(NULL);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    tu_server_stop(&fx.ts);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ECLOSED);
    srpc_client_close(c);
    tu_server_start(&fx.ts);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 2, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 4);
    srpc_client_close(c);
}
END_TEST

/* ---- embedding -------------------------------------------------------- */

struct embed {
    srpc_server *srv;
    int own[2];       /* the application's own descriptor: a pipe */
    int own_events;   /* times the application saw its pipe readable */
    int turns;
    int rc;
};

/* The application's loop: its pipe and the server's descriptors in one
 * poll(), then srpc_server_step(server, 0). */
static void *embed_loop(void *arg)
{
    struct embed *e = arg;
    struct pollfd fds[64];

    for (;;) {
        size_t n;
        int timeout, rc;

        rc = srpc_server_fds(e->srv, fds + 1, 63, &n, &timeout);
        if (rc != SRPC_OK) {
            e->rc = rc;
            return NULL;
        }
        fds[0].fd = e->own[0];
        fds[0].events = POLLIN;
        if (poll(fds, n + 1, timeout) < 0)
            continue;
        if (fds[0].revents & POLLIN) {
            char b;

            if (read(e->own[0], &b, 1) == 1)
                e->own_events++;
        }
        e->turns++;
        rc = srpc_server_step(e->srv, 0);
        if (rc != SRPC_OK) {
            e->rc = rc;
            return NULL;
        }
    }
}

START_TEST(embedded_in_own_poll_loop)
{
    struct embed e = { 0 };
    struct pollfd one;
    pthread_t th;
    srpc_client *c;
    size_t n = 0;
    int timeout = 0;
    int32_t r;

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    ck_assert_int_eq(srpc_server_fds(fx.ts.srv, &one, 0, &n, &timeout),
                     SRPC_EINVAL);
    ck_assert_uint_ge(n, 1); /* tells how many it needs */
    e.srv = fx.ts.srv;
    ck_assert_int_eq(pipe(e.own), 0);
    ck_assert_int_eq(pthread_create(&th, NULL, embed_loop, &e), 0);
    c = fx_connect(fx.unix_addr);
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(calc_add(c, i, 1, &r), SRPC_OK);
        ck_assert_int_eq(r, i + 1);
    }
    ck_assert_int_eq(write(e.own[1], "x", 1), 1);
    srpc_server_stop(fx.ts.srv);
    ck_assert_int_eq(pthread_join(th, NULL), 0);
    ck_assert_int_eq(e.rc, SRPC_ECLOSED); /* the stop finished */
    ck_assert_int_eq(e.own_events, 1);
    ck_assert_int_ge(e.turns, 20);
    srpc_client_close(c);
    close(e.own[0]);
    close(e.own[1]);
}
END_TEST

/* The idle timeout bounds the wait that srpc_server_fds asks for. */
START_TEST(fds_timeout_follows_deadlines)
{
    struct srpc_server_options o = { .idle_timeout_ms = 5000 };
    struct pollfd fds[8];
    size_t n;
    int timeout = 0, fd;

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, &o), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    ck_assert_int_eq(srpc_server_fds(fx.ts.srv, fds, 8, &n, &timeout), SRPC_OK);
    ck_assert_int_eq(timeout, -1); /* nothing to expire */
    fd = tu_connect_raw(fx.unix_addr, 5000);
    for (int i = 0; i < 100 && stats().connections_open == 0; i++)
        ck_assert_int_eq(srpc_server_step(fx.ts.srv, 20), SRPC_OK);
    ck_assert_int_eq(srpc_server_fds(fx.ts.srv, fds, 8, &n, &timeout), SRPC_OK);
    ck_assert_int_gt(timeout, 0);
    ck_assert_int_le(timeout, 5000);
    close(fd);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("limits");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL); /* the library must never raise it */

    tc = tcase_create("limits");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, max_connections_refuses_extra);
    tcase_add_test(tc, idle_connection_closed);
    tcase_add_test(tc, busy_connection_not_idle);
    tcase_add_test(tc, trickling_client_dropped);
    tcase_add_test(tc, slow_but_complete_messages_served);
    tcase_add_test(tc, deadline_restarts_per_message);
    tcase_add_test(tc, accepts_per_turn_one);
    tcase_add_test(tc, max_depth_error_reply);
    tcase_add_test(tc, bad_options_rejected);
    tcase_add_test(tc, too_big_and_garbage_get_notice);
    suite_add_tcase(s, tc);

    tc = tcase_create("observability");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, counters_move);
    tcase_add_test(tc, log_hook_traces_and_warns);
    tcase_add_test(tc, log_level_filters);
    tcase_add_test(tc, log_flood_is_rated);
    suite_add_tcase(s, tc);

    tc = tcase_create("shutdown");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, stop_loses_no_reply);
    tcase_add_test(tc, stop_serves_unread_requests);
    tcase_add_test(tc, stop_is_bounded_by_slow_reader);
    tcase_add_test(tc, rerun_after_graceful_stop);
    tcase_add_test(tc, embedded_in_own_poll_loop);
    tcase_add_test(tc, fds_timeout_follows_deadlines);
    suite_add_tcase(s, tc);

    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
