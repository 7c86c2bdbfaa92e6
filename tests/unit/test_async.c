/*
 * test_async.c - calls that overlap: replies out of order, a thousand
 * calls in flight, a connection that drops under pending calls, the
 * callback form, cancelling, deadlines, misuse, and a warm client that
 * no longer allocates.
 */
#include "config.h"

#include <malloc.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "clientfake.h"
#include "transport/sockutil.h"
#include "calcfixture.h"
#include "testcalc.h"
#include "testutil.h"

static char fake_path[300];
static char fake_addr[320];

/* The calc fixture, plus the path where a scripted fake server listens. */
static void setup(void)
{
    fx_setup();
    snprintf(fake_path, sizeof fake_path, "%s/fake.sock", fx.dir);
    snprintf(fake_addr, sizeof fake_addr, "unix:%s", fake_path);
}

static void start_server(void)
{
    fx_start(NULL);
}

static srpc_client *connect_opts(const char *address,
                                 const struct srpc_client_options *o)
{
    srpc_client *c = NULL;
    char err[256] = "";
    int rc = srpc_client_connect(&c, address, o, err, sizeof err);

    ck_assert_msg(rc == SRPC_OK, "connect %s: %s", address, err);
    return c;
}

/* ---- out of order ------------------------------------------------------ */

/* Reads two requests and answers the second first: arg * 10. */
static void answer_backwards(struct fake *f, int fd)
{
    int64_t a0 = 0, b0 = 0;
    int64_t a = fake_read_request(f, fd, &a0);
    int64_t b = fake_read_request(f, fd, &b0);

    ck_assert(a >= 0 && b >= 0);
    fake_reply_int(fd, b, b0 * 10);
    fake_reply_int(fd, a, a0 * 10);
}

START_TEST(replies_out_of_order)
{
    srpc_pending *slow, *fast;
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, fake_path, answer_backwards, NULL);
    c = connect_opts(fake_addr, NULL);
    ck_assert_int_eq(calc_add_async(c, 1, 0, &slow), SRPC_OK);
    ck_assert_int_eq(calc_add_async(c, 2, 0, &fast), SRPC_OK);
    ck_assert_ptr_nonnull(slow);
    ck_assert_ptr_ne(slow, fast);
    /* The first call's reply comes second: the other one is kept. */
    ck_assert_int_eq(calc_add_finish(c, slow, &r), SRPC_OK);
    ck_assert_int_eq(r, 10);
    ck_assert_int_eq(calc_add_finish(c, fast, &r), SRPC_OK);
    ck_assert_int_eq(r, 20);
    fake_stop(&f);
    srpc_client_close(c);
}
END_TEST

/* msgpack-rpc peers may encode a msgid as any integer: uint64 here. */
static void answer_with_uint64_ids(struct fake *f, int fd)
{
    int64_t a = fake_read_request(f, fd, NULL);
    unsigned char reply[] = { 0x94, 0x01, 0xcf, 0, 0, 0, 0, 0, 0, 0, 0,
                              0xc0, 0x2a };

    ck_assert(a >= 0 && a < 256);
    reply[10] = (unsigned char)a;
    ck_assert(tu_write_all(fd, reply, sizeof reply));
}

START_TEST(msgid_in_any_encoding)
{
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, fake_path, answer_with_uint64_ids, NULL);
    c = connect_opts(fake_addr, NULL);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 42);
    fake_stop(&f);
    srpc_client_close(c);
}
END_TEST

/* The real server: a slow call and a fast one; blocking calls in between
 * keep working while the async one is in flight. */
START_TEST(blocking_call_while_async_in_flight)
{
    srpc_pending *slow;
    srpc_client *c;
    const msgpack_object *res;
    int32_t r;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(calc_sleep_async(c, 100, &slow), SRPC_OK);
    ck_assert_int_eq(calc_add(c, 2, 3, &r), SRPC_OK);
    ck_assert_int_eq(r, 5);
    ck_assert_int_eq(srpc_client_wait(c, slow, &res), SRPC_OK);
    ck_assert_int_eq(res->type, MSGPACK_OBJECT_NIL);
    srpc_client_close(c);
}
END_TEST

START_TEST(thousand_in_flight)
{
    enum { N = 1000 };
    static srpc_pending *calls[N];
    srpc_client *c;
    int32_t r;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(calc_add_async(c, i, 1000000, &calls[i]), SRPC_OK);
    /* Backwards: nearly every reply arrives before its wait. */
    for (int i = N - 1; i >= 0; i--) {
        ck_assert_int_eq(calc_add_finish(c, calls[i], &r), SRPC_OK);
        ck_assert_int_eq(r, i + 1000000);
    }
    srpc_client_close(c);
}
END_TEST

/* Large requests and replies in flight: the server stops reading our
 * requests while its replies to us queue up unread, so the client must
 * read while it waits to write. */
START_TEST(pipelined_large_calls)
{
    enum { N = 48, SIZE = 256 * 1024 };
    static srpc_pending *calls[N];
    struct srpc_client_options o = { .timeout_ms = 3000 };
    const msgpack_object *res;
    srpc_client *c;
    char *s = malloc(SIZE + 1);

    ck_assert_ptr_nonnull(s);
    memset(s, 'q', SIZE);
    s[SIZE] = '\0';
    start_server();
    c = connect_opts(fx.unix_addr, &o);
    for (int i = 0; i < N; i++) {
        msgpack_packer *pk = srpc_client_begin(c, "calc.echo", 1);

        srpc_pack_str(pk, s);
        ck_assert_msg(srpc_client_send(c, &calls[i]) == SRPC_OK,
                      "call %d: %s", i, srpc_client_errmsg(c));
    }
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(srpc_client_wait(c, calls[i], &res), SRPC_OK);
        ck_assert_uint_eq(res->via.str.size, SIZE);
    }
    srpc_client_close(c);
    free(s);
}
END_TEST

/* Large requests and replies in flight, each with bytes of its own: the
 * server's input buffer is reused from one message to the next, a large
 * reply takes the client's read buffer with the replies behind it, and
 * its result lives in the thread's arena.  No byte may come back from
 * another call. */
START_TEST(large_replies_keep_their_bytes)
{
    enum { N = 12, SIZE = 300 * 1024 };
    static srpc_pending *calls[N];
    static char *s[N];
    const msgpack_object *res[N];
    srpc_client *c;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    for (int i = 0; i < N; i++) {
        msgpack_packer *pk = srpc_client_begin(c, "calc.echo", 1);

        s[i] = malloc(SIZE + 1);
        ck_assert_ptr_nonnull(s[i]);
        for (size_t k = 0; k < SIZE; k++)
            s[i][k] = (char)('a' + (k + (size_t)i) % 26);
        s[i][SIZE] = '\0';
        srpc_pack_str(pk, s[i]);
        ck_assert_int_eq(srpc_client_send(c, &calls[i]), SRPC_OK);
    }
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(srpc_client_wait(c, calls[i], &res[i]), SRPC_OK);
        ck_assert_uint_eq(res[i]->via.str.size, SIZE);
        ck_assert_int_eq(memcmp(res[i]->via.str.ptr, s[i], SIZE), 0);
    }
    /* A blocking call after them, and again, reuses what they left. */
    for (int i = 0; i < 2; i++) {
        const char *out;

        ck_assert_int_eq(calc_echo(c, s[i], &out), SRPC_OK);
        ck_assert_str_eq(out, s[i]);
    }
    srpc_client_free_results(c);
    srpc_client_close(c);
    for (int i = 0; i < N; i++)
        free(s[i]);
}
END_TEST

/* ---- corking ------------------------------------------------------------ */

/* Counts the requests it reads in *arg and answers each with arg0 + 1,
 * until EOF. */
static void count_and_answer(struct fake *f, int fd)
{
    atomic_int *seen = f->arg;
    int64_t id, a0;

    while ((id = fake_read_request(f, fd, &a0)) >= 0) {
        atomic_fetch_add(seen, 1);
        fake_reply_int(fd, id, a0 + 1);
    }
}

/* Waits up to a second for *SEEN to reach N. */
static int seen_reaches(atomic_int *seen, int n)
{
    for (int i = 0; i < 100 && atomic_load(seen) < n; i++)
        usleep(10000);
    return atomic_load(seen);
}

/* Requests queued by NAME_async() stay in the client until it waits for
 * one; then they all leave, and the replies come back to each. */
START_TEST(corked_until_a_wait)
{
    atomic_int seen = 0;
    srpc_pending *p[3];
    struct fake f;
    srpc_client *c;
    int32_t r;

    fake_start(&f, fake_path, count_and_answer, &seen);
    c = connect_opts(fake_addr, NULL);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(calc_add_async(c, 10 * i, 0, &p[i]), SRPC_OK);
    usleep(100000);
    ck_assert_int_eq(atomic_load(&seen), 0);
    ck_assert_int_eq(calc_add_finish(c, p[0], &r), SRPC_OK);
    ck_assert_int_eq(r, 1);
    ck_assert_int_eq(seen_reaches(&seen, 3), 3);
    for (int i = 1; i < 3; i++) {
        ck_assert_int_eq(calc_add_finish(c, p[i], &r), SRPC_OK);
        ck_assert_int_eq(r, 10 * i + 1);
    }
    /* An explicit flush, and a poll, send without waiting. */
    ck_assert_int_eq(calc_add_async(c, 40, 0, &p[0]), SRPC_OK);
    ck_assert_int_eq(srpc_client_flush(c), SRPC_OK);
    ck_assert_int_eq(seen_reaches(&seen, 4), 4);
    ck_assert_int_eq(calc_add_async(c, 50, 0, &p[1]), SRPC_OK);
    ck_assert_int_eq(srpc_client_poll(c, 0), SRPC_OK);
    ck_assert_int_eq(seen_reaches(&seen, 5), 5);
    ck_assert_int_eq(calc_add_finish(c, p[0], &r), SRPC_OK);
    ck_assert_int_eq(r, 41);
    ck_assert_int_eq(calc_add_finish(c, p[1], &r), SRPC_OK);
    ck_assert_int_eq(r, 51);
    /* A blocking call takes what is queued along. */
    ck_assert_int_eq(calc_add_async(c, 60, 0, &p[0]), SRPC_OK);
    ck_assert_int_eq(calc_add(c, 70, 0, &r), SRPC_OK);
    ck_assert_int_eq(r, 71);
    ck_assert_int_eq(atomic_load(&seen), 7);
    ck_assert_int_eq(calc_add_finish(c, p[0], &r), SRPC_OK);
    ck_assert_int_eq(r, 61);
    srpc_client_close(c);
    fake_stop(&f);
    ck_assert_int_eq(srpc_client_flush(NULL), SRPC_EINVAL);
}
END_TEST

/* Sends a calc.echo of LEN bytes of 'x' without waiting. */
static srpc_pending *echo_async(srpc_client *c, const char *s, uint32_t len)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.echo", 1);
    srpc_pending *p = NULL;

    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, s, len);
    ck_assert_int_eq(srpc_client_send(c, &p), SRPC_OK);
    return p;
}

/* A queue that passes 64 KiB leaves without a wait, and so does one
 * request of 8 KiB or more. */
START_TEST(full_queue_and_large_requests_leave_at_once)
{
    enum { N = 80, SMALL = 1024, LARGE = 16 * 1024 };
    static srpc_pending *calls[N];
    const msgpack_object *res;
    atomic_int seen = 0;
    char *s = malloc(LARGE);
    struct fake f;
    srpc_client *c;
    int before;

    ck_assert_ptr_nonnull(s);
    memset(s, 'x', LARGE);
    fake_start(&f, fake_path, count_and_answer, &seen);
    c = connect_opts(fake_addr, NULL);
    for (int i = 0; i < N; i++)
        calls[i] = echo_async(c, s, SMALL);
    /* 64 requests of a little over 1 KiB fill the queue: they left. */
    ck_assert_int_ge(seen_reaches(&seen, 60), 60);
    ck_assert_int_lt(atomic_load(&seen), N);
    for (int i = 0; i < N; i++)
        ck_assert_int_eq(srpc_client_wait(c, calls[i], &res), SRPC_OK);
    ck_assert_int_eq(atomic_load(&seen), N);
    before = atomic_load(&seen);
    calls[0] = echo_async(c, s, LARGE);
    ck_assert_int_eq(seen_reaches(&seen, before + 1), before + 1);
    ck_assert_int_eq(srpc_client_wait(c, calls[0], &res), SRPC_OK);
    srpc_client_close(c);
    fake_stop(&f);
    free(s);
}
END_TEST

/* Closing a client writes what is still queued. */
START_TEST(close_writes_what_is_queued)
{
    atomic_int seen = 0;
    srpc_pending *p;
    struct fake f;
    srpc_client *c;

    fake_start(&f, fake_path, count_and_answer, &seen);
    c = connect_opts(fake_addr, NULL);
    ck_assert_int_eq(calc_add_async(c, 1, 2, &p), SRPC_OK);
    ck_assert_int_eq(atomic_load(&seen), 0);
    srpc_client_close(c);
    fake_stop(&f);
    ck_assert_int_eq(atomic_load(&seen), 1);
}
END_TEST

/* ---- the connection drops ----------------------------------------------- */

static void read_three_then_close(struct fake *f, int fd)
{
    for (int i = 0; i < 3; i++)
        ck_assert_int_ge(fake_read_request(f, fd, NULL), 0);
}

START_TEST(drop_fails_every_pending_call)
{
    srpc_pending *p[3];
    struct fake f;
    srpc_client *c;
    int32_t r = 77;

    fake_start(&f, fake_path, read_three_then_close, NULL);
    c = connect_opts(fake_addr, NULL);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(calc_add_async(c, i, i, &p[i]), SRPC_OK);
    /* Corked until now: the fake reads the three and closes. */
    ck_assert_int_eq(srpc_client_flush(c), SRPC_OK);
    fake_stop(&f);
    for (int i = 0; i < 3; i++) {
        int64_t t0 = srpc__now_ms();

        ck_assert_int_eq(calc_add_finish(c, p[i], &r), SRPC_ECLOSED);
        ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: connection closed by server");
        ck_assert_int_lt(srpc__now_ms() - t0, 1000); /* not the deadline */
    }
    ck_assert_int_eq(r, 77);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ECLOSED);
    ck_assert_int_eq(calc_add_async(c, 1, 2, &p[0]), SRPC_ECLOSED);
    ck_assert_ptr_null(p[0]);
    srpc_client_close(c);
}
END_TEST

/* ---- callbacks ---------------------------------------------------------- */

struct tally {
    int done, ok, closed, timedout;
    int64_t sum;
    char last_err[128];
};

static void on_reply(srpc_client *c, int status, const msgpack_object *res,
                     void *user_data)
{
    struct tally *t = user_data;
    int32_t v;

    t->done++;
    if (status == SRPC_OK) {
        ck_assert_ptr_nonnull(res);
        ck_assert_int_eq(srpc_get_int32(res, &v), SRPC_OK);
        t->ok++;
        t->sum += v;
    } else {
        ck_assert_ptr_null(res);
        t->closed += status == SRPC_ECLOSED;
        t->timedout += status == SRPC_ETIMEDOUT;
        snprintf(t->last_err, sizeof t->last_err, "%s", srpc_client_errmsg(c));
    }
}

static int add_cb(srpc_client *c, int32_t a, int32_t b, struct tally *t)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.add", 2);

    msgpack_pack_int32(pk, a);
    msgpack_pack_int32(pk, b);
    return srpc_client_send_cb(c, on_reply, t);
}

START_TEST(callbacks_run_in_poll)
{
    struct tally t = { 0 };
    srpc_client *c;
    int32_t r;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(add_cb(c, i, 1, &t), SRPC_OK);
    ck_assert_int_eq(t.done, 0); /* never inside send */
    for (int i = 0; i < 200 && t.done < 100; i++)
        ck_assert_int_eq(srpc_client_poll(c, 50), SRPC_OK);
    ck_assert_int_eq(t.ok, 100);
    ck_assert_int_eq(t.sum, 4950 + 100);
    /* A blocking call runs the callbacks whose replies it reads. */
    ck_assert_int_eq(add_cb(c, 5, 5, &t), SRPC_OK);
    ck_assert_int_eq(calc_add(c, 1, 1, &r), SRPC_OK);
    ck_assert_int_eq(srpc_client_poll(c, 0), SRPC_OK);
    ck_assert_int_eq(t.ok, 101);
    srpc_client_close(c);
}
END_TEST

START_TEST(callbacks_fail_on_drop_and_close)
{
    struct tally t = { 0 };
    struct fake f;
    srpc_client *c;

    fake_start(&f, fake_path, read_three_then_close, NULL);
    c = connect_opts(fake_addr, NULL);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(add_cb(c, i, i, &t), SRPC_OK);
    ck_assert_int_eq(srpc_client_flush(c), SRPC_OK);
    fake_stop(&f);
    for (int i = 0; i < 100 && t.done < 3; i++)
        srpc_client_poll(c, 50);
    ck_assert_int_eq(t.closed, 3);
    ck_assert_str_eq(t.last_err, "calc.add: connection closed by server");
    ck_assert_int_eq(srpc_client_poll(c, 0), SRPC_ECLOSED);
    /* Sending on a dead connection fails at once: no callback. */
    ck_assert_int_eq(add_cb(c, 1, 1, &t), SRPC_ECLOSED);
    ck_assert_int_eq(t.done, 3);
    srpc_client_close(c);

    /* Calls still in flight at close: their callbacks run then. */
    memset(&t, 0, sizeof t);
    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    for (int i = 0; i < 5; i++) {
        msgpack_packer *pk = srpc_client_begin(c, "calc.sleep", 1);

        msgpack_pack_int32(pk, 200);
        ck_assert_int_eq(srpc_client_send_cb(c, on_reply, &t), SRPC_OK);
    }
    srpc_client_close(c);
    ck_assert_int_eq(t.closed, 5);
    ck_assert_str_eq(t.last_err, "calc.sleep: client closed");
}
END_TEST

static void never_answer(struct fake *f, int fd)
{
    ck_assert_int_ge(fake_read_request(f, fd, NULL), 0);
    ck_assert_int_ge(fake_read_request(f, fd, NULL), 0);
    ck_assert_int_lt(fake_read_request(f, fd, NULL), 0); /* until EOF */
}

START_TEST(deadlines)
{
    struct srpc_client_options o = { .timeout_ms = 150 };
    struct tally t = { 0 };
    srpc_pending *p;
    struct fake f;
    srpc_client *c;
    int64_t t0, ms;
    int32_t r;

    fake_start(&f, fake_path, never_answer, NULL);
    c = connect_opts(fake_addr, &o);
    t0 = srpc__now_ms();
    ck_assert_int_eq(calc_add_async(c, 1, 2, &p), SRPC_OK);
    ck_assert_int_eq(calc_add_finish(c, p, &r), SRPC_ETIMEDOUT);
    ms = srpc__now_ms() - t0;
    ck_assert_msg(ms >= 140 && ms < 1000, "timed out after %lld ms",
                  (long long)ms);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add: no reply within 150 ms");
    /* A callback's deadline is noticed by poll. */
    ck_assert_int_eq(add_cb(c, 1, 2, &t), SRPC_OK);
    for (int i = 0; i < 100 && t.done < 1; i++)
        ck_assert_int_eq(srpc_client_poll(c, 20), SRPC_OK);
    ck_assert_int_eq(t.timedout, 1);
    srpc_client_close(c);
    fake_stop(&f);
}
END_TEST

START_TEST(cancel_drops_the_reply)
{
    srpc_pending *p, *q;
    srpc_client *c;
    int32_t r;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(calc_add_async(c, 1, 2, &p), SRPC_OK);
    ck_assert_int_eq(calc_add_async(c, 3, 4, &q), SRPC_OK);
    srpc_client_cancel(c, p);
    ck_assert_int_eq(calc_add_finish(c, q, &r), SRPC_OK);
    ck_assert_int_eq(r, 7);
    ck_assert_int_eq(calc_add(c, 5, 6, &r), SRPC_OK);
    ck_assert_int_eq(r, 11);
    srpc_client_cancel(c, NULL);
    srpc_client_cancel(NULL, NULL);
    srpc_client_close(c);
}
END_TEST

START_TEST(misuse)
{
    srpc_pending *p = (srpc_pending *)1, *q;
    const msgpack_object *res;
    srpc_client *c;
    int32_t r;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    ck_assert_int_eq(srpc_client_send(c, &p), SRPC_EINVAL); /* nothing begun */
    ck_assert_ptr_null(p);
    ck_assert_int_eq(srpc_client_send(c, NULL), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_send(NULL, &p), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_wait(c, NULL, &res), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_wait(NULL, NULL, &res), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_send_cb(c, NULL, NULL), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_poll(c, -1), SRPC_EINVAL);
    ck_assert_int_eq(srpc_client_poll(NULL, 0), SRPC_EINVAL);
    /* A notification begun cannot be sent as a request. */
    srpc_client_begin_notify(c, "calc.note", 0);
    ck_assert_int_eq(srpc_client_send(c, &p), SRPC_EINVAL);
    /* A handle of one client is not one of another. */
    ck_assert_int_eq(calc_add_async(c, 1, 1, &q), SRPC_OK);
    {
        srpc_client *d = connect_opts(fx.unix_addr, NULL);

        ck_assert_int_eq(srpc_client_wait(d, q, &res), SRPC_EINVAL);
        srpc_client_close(d);
    }
    ck_assert_int_eq(calc_add_finish(c, q, &r), SRPC_OK);
    ck_assert_int_eq(r, 2);
    srpc_client_close(c);
}
END_TEST

/* ---- a warm client does not allocate ------------------------------------- */

#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
static size_t heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();

    return mi.uordblks + mi.hblkhd;
}

START_TEST(warm_calls_do_not_grow_the_heap)
{
    srpc_pending *p;
    srpc_client *c;
    size_t before, after;
    int32_t r;

    start_server();
    c = connect_opts(fx.unix_addr, NULL);
    for (int i = 0; i < 1000; i++) {  /* warm up: slots, buffers, server */
        ck_assert_int_eq(calc_add(c, i, 1, &r), SRPC_OK);
        ck_assert_int_eq(calc_add_async(c, i, 2, &p), SRPC_OK);
        ck_assert_int_eq(calc_add_finish(c, p, &r), SRPC_OK);
    }
    before = heap_in_use();
    for (int i = 0; i < 1000; i++) {
        ck_assert_int_eq(calc_add(c, i, 1, &r), SRPC_OK);
        ck_assert_int_eq(calc_add_async(c, i, 2, &p), SRPC_OK);
        ck_assert_int_eq(calc_add_finish(c, p, &r), SRPC_OK);
    }
    after = heap_in_use();
    /* 2000 calls: a byte a call would show; allow for the server's and
     * libc's own slack. */
    ck_assert_msg(after <= before + 1024, "heap grew from %zu to %zu bytes",
                  before, after);
    srpc_client_close(c);
}
END_TEST
#endif

int main(void)
{
    Suite *s = suite_create("async");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL); /* the library must never raise it */
    tc = tcase_create("async");
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, replies_out_of_order);
    tcase_add_test(tc, msgid_in_any_encoding);
    tcase_add_test(tc, blocking_call_while_async_in_flight);
    tcase_add_test(tc, thousand_in_flight);
    tcase_add_test(tc, pipelined_large_calls);
    tcase_add_test(tc, large_replies_keep_their_bytes);
    tcase_add_test(tc, corked_until_a_wait);
    tcase_add_test(tc, full_queue_and_large_requests_leave_at_once);
    tcase_add_test(tc, close_writes_what_is_queued);
    tcase_add_test(tc, drop_fails_every_pending_call);
    tcase_add_test(tc, callbacks_run_in_poll);
    tcase_add_test(tc, callbacks_fail_on_drop_and_close);
    tcase_add_test(tc, deadlines);
    tcase_add_test(tc, cancel_drops_the_reply);
    tcase_add_test(tc, misuse);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
    tcase_add_test(tc, warm_calls_do_not_grow_the_heap);
#endif
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
