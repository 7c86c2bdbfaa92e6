/*
 * test_transport.c - a new transport is one more table, and nothing above
 * it changes.
 *
 * The tables here are the Unix one with the byte-moving members replaced:
 * recv() and recv_wait() hand over one byte at a time and writev() takes
 * at most three bytes of its first buffer.  A server listener and a client are switched
 * to them after they were opened; calls must still work, in both server
 * modes, and every byte the server and the client counted must have gone
 * through the tables -- a recv() or send() made on a descriptor behind
 * the table's back would break the counts.  A last table only counts the
 * client's writes, to show that calls sent without waiting leave
 * together.
 */
#include "config.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "calcfixture.h"
#include "client/client.h"
#include "server/server.h"
#include "testcalc.h"
#include "testutil.h"
#include "transport/transport.h"

/* What went through one table.  Atomic: the server's threads and the
 * client count at once. */
struct tally {
    atomic_ulong recv_calls, recv_bytes;
    atomic_ulong write_calls, write_bytes;
    atomic_ulong closes;
};

static struct tally server_side, client_side;

/* The server's connections use the first, the client's the second. */
static struct srpc_transport_ops server_ops, client_ops;

static struct tally *tally_of(const struct srpc__sock *sock)
{
    ck_assert(sock->ops == &server_ops || sock->ops == &client_ops);
    return sock->ops == &server_ops ? &server_side : &client_side;
}

static ssize_t trickle_recv(struct srpc__sock *sock, void *buf, size_t len)
{
    struct tally *t = tally_of(sock);
    ssize_t n = srpc__transport_unix.recv(sock, buf, len > 0 ? 1 : 0);

    atomic_fetch_add(&t->recv_calls, 1);
    if (n > 0)
        atomic_fetch_add(&t->recv_bytes, (unsigned long)n);
    return n;
}

static ssize_t trickle_recv_wait(struct srpc__sock *sock, void *buf, size_t len,
                                 int timeout_ms)
{
    struct tally *t = tally_of(sock);
    ssize_t n = srpc__transport_unix.recv_wait(sock, buf, len > 0 ? 1 : 0,
                                               timeout_ms);

    atomic_fetch_add(&t->recv_calls, 1);
    if (n > 0)
        atomic_fetch_add(&t->recv_bytes, (unsigned long)n);
    return n;
}

static ssize_t trickle_writev(struct srpc__sock *sock, const struct iovec *iov,
                              int iovcnt)
{
    struct tally *t = tally_of(sock);
    struct iovec first;
    ssize_t n;

    ck_assert_int_ge(iovcnt, 1);
    ck_assert_int_le(iovcnt, SRPC__IOV_MAX);
    first.iov_base = iov[0].iov_base;
    first.iov_len = iov[0].iov_len < 3 ? iov[0].iov_len : 3;
    n = srpc__transport_unix.writev(sock, &first, 1);
    atomic_fetch_add(&t->write_calls, 1);
    if (n > 0)
        atomic_fetch_add(&t->write_bytes, (unsigned long)n);
    return n;
}

static void counted_close(struct srpc__sock *sock)
{
    atomic_fetch_add(&tally_of(sock)->closes, 1);
    srpc__transport_unix.close(sock);
}

static int trickle_accept(int listen_fd, struct srpc__sock *out)
{
    int rc = srpc__transport_unix.accept(listen_fd, out);

    out->ops = &server_ops;
    return rc;
}

static int trickle_connect(const struct srpc__address *addr, int64_t deadline,
                           struct srpc__sock *out, char *err, size_t errsize)
{
    int rc = srpc__transport_unix.connect(addr, deadline, out, err, errsize);

    if (rc == SRPC_OK)
        out->ops = &client_ops;
    return rc;
}

static void setup(void)
{
    memset(&server_side, 0, sizeof server_side);
    memset(&client_side, 0, sizeof client_side);
    server_ops = srpc__transport_unix;
    server_ops.accept = trickle_accept;
    server_ops.recv = trickle_recv;
    server_ops.recv_wait = trickle_recv_wait;
    server_ops.writev = trickle_writev;
    server_ops.close = counted_close;
    client_ops = server_ops;
    client_ops.connect = trickle_connect;
    fx_setup();
}

/* The calc server on the fixture's Unix address, its listener switched
 * to the trickling table before it serves. */
static void start_server(bool threads)
{
    struct srpc_server_options o = { .threads_per_connection = threads };

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, &o), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state),
                     SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    ck_assert_uint_eq(fx.ts.srv->nlisteners, 1);
    fx.ts.srv->listeners[0]->ops = &server_ops;
    tu_server_start(&fx.ts);
}

/* A client whose connection (and any reconnection) uses the trickling
 * table. */
static srpc_client *connect_client(void)
{
    srpc_client *c = fx_connect(fx.unix_addr);

    c->addr.ops = &client_ops;
    c->sock.ops = &client_ops;
    return c;
}

static void calls_through_tables(bool threads)
{
    char big[2000];
    const char *echoed;
    srpc_client *c;
    struct srpc_server_stats st;
    int32_t r;

    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    start_server(threads);
    c = connect_client();
    ck_assert_int_eq(calc_add(c, 2, 3, &r), SRPC_OK);
    ck_assert_int_eq(r, 5);
    ck_assert_int_eq(calc_echo(c, big, &echoed), SRPC_OK);
    ck_assert_str_eq(echoed, big);
    ck_assert_int_eq(calc_div(c, 1, 0, &r), SRPC_EREMOTE);
    ck_assert_int_eq(calc_add(c, -7, 7, &r), SRPC_OK);
    ck_assert_int_eq(r, 0);
    srpc_client_close(c);
    tu_server_stop(&fx.ts);

    ck_assert_int_eq(srpc_server_stats(fx.ts.srv, &st), SRPC_OK);
    ck_assert_uint_eq(st.calls, 4);
    /* Every byte went through the tables, a byte per recv() ... */
    ck_assert_uint_gt(st.bytes_in, sizeof big);
    ck_assert_uint_eq(atomic_load(&server_side.recv_bytes), st.bytes_in);
    ck_assert_uint_eq(atomic_load(&server_side.write_bytes), st.bytes_out);
    ck_assert_uint_ge(atomic_load(&server_side.recv_calls), st.bytes_in);
    /* ... and at most three per write. */
    ck_assert_uint_ge(atomic_load(&server_side.write_calls),
                      (st.bytes_out + 2) / 3);
    /* What one side wrote, the other read. */
    ck_assert_uint_eq(atomic_load(&client_side.write_bytes), st.bytes_in);
    ck_assert_uint_eq(atomic_load(&client_side.recv_bytes), st.bytes_out);
    /* Each side closed its socket through its table. */
    ck_assert_uint_eq(atomic_load(&client_side.closes), 1);
    ck_assert_uint_eq(atomic_load(&server_side.closes), 1);
}

START_TEST(event_loop_calls_through_the_table)
{
    calls_through_tables(false);
}
END_TEST

START_TEST(thread_mode_calls_through_the_table)
{
    calls_through_tables(true);
}
END_TEST

/* A refused client is told why and closed through the table too. */
START_TEST(refusal_goes_through_the_table)
{
    struct srpc_server_options o = { .max_connections = 1 };
    struct srpc_server_stats st;
    srpc_client *c1, *c2;
    int32_t r;

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, &o), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state),
                     SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    fx.ts.srv->listeners[0]->ops = &server_ops;
    tu_server_start(&fx.ts);
    c1 = connect_client();
    ck_assert_int_eq(calc_add(c1, 1, 1, &r), SRPC_OK);
    c2 = connect_client();
    /* The notice is sent with one try, so through this table only its
     * first three bytes arrive: the call fails, the reason is cut. */
    ck_assert_int_ne(calc_add(c2, 1, 1, &r), SRPC_OK);
    srpc_client_close(c2);
    srpc_client_close(c1);
    tu_server_stop(&fx.ts);
    ck_assert_int_eq(srpc_server_stats(fx.ts.srv, &st), SRPC_OK);
    ck_assert_uint_eq(st.connections_refused, 1);
    ck_assert_uint_eq(atomic_load(&server_side.write_bytes), st.bytes_out);
    ck_assert_uint_eq(atomic_load(&server_side.recv_bytes), st.bytes_in);
    ck_assert_uint_eq(atomic_load(&server_side.closes), 2);
    ck_assert_uint_eq(atomic_load(&client_side.closes), 2);
}
END_TEST

/* Writes through as the Unix table does, counting the calls. */
static ssize_t counting_writev(struct srpc__sock *sock, const struct iovec *iov,
                               int iovcnt)
{
    ssize_t n = srpc__transport_unix.writev(sock, iov, iovcnt);

    atomic_fetch_add(&client_side.write_calls, 1);
    if (n > 0)
        atomic_fetch_add(&client_side.write_bytes, (unsigned long)n);
    return n;
}

/* 128 calls sent without waiting leave in one write, when the first of
 * them is waited for; the calls after it cost no write at all. */
START_TEST(a_batch_leaves_in_one_write)
{
    enum { N = 128 };
    srpc_pending *calls[N];
    const msgpack_object *res;
    srpc_client *c;
    int32_t r;

    client_ops.writev = counting_writev;
    client_ops.recv = srpc__transport_unix.recv;
    client_ops.recv_wait = srpc__transport_unix.recv_wait;
    fx_start(NULL);
    c = connect_client();
    for (int i = 0; i < N; i++) {
        msgpack_packer *pk = srpc_client_begin(c, "calc.add", 2);

        msgpack_pack_int32(pk, i);
        msgpack_pack_int32(pk, 1);
        ck_assert_int_eq(srpc_client_send(c, &calls[i]), SRPC_OK);
    }
    ck_assert_uint_eq(atomic_load(&client_side.write_calls), 0);
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(srpc_client_wait(c, calls[i], &res), SRPC_OK);
        ck_assert_int_eq(srpc_get_int32(res, &r), SRPC_OK);
        ck_assert_int_eq(r, i + 1);
    }
    ck_assert_uint_eq(atomic_load(&client_side.write_calls), 1);
    /* A blocking call is one write of its own. */
    ck_assert_int_eq(calc_add(c, 2, 2, &r), SRPC_OK);
    ck_assert_uint_eq(atomic_load(&client_side.write_calls), 2);
    srpc_client_close(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("transport");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL);
    tc = tcase_create("table");
    tcase_add_checked_fixture(tc, setup, fx_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, event_loop_calls_through_the_table);
    tcase_add_test(tc, thread_mode_calls_through_the_table);
    tcase_add_test(tc, refusal_goes_through_the_table);
    tcase_add_test(tc, a_batch_leaves_in_one_write);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
