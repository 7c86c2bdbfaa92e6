/*
 * test_server.c - the server, in process: srpc_server_run() in a thread,
 * the hand-written calc interface (testcalc.c), real clients for the happy
 * paths and raw sockets for hostile input.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "transport/sockutil.h"
#include "wire/wbuf.h"
#include "calcfixture.h"
#include "testcalc.h"
#include "testutil.h"

/* Waits up to 3 s for the process's descriptor count to return to WANT:
 * the server closes a dropped connection on its next loop iteration. */
static int wait_fds(int want)
{
    int n = tu_count_fds();

    for (int i = 0; i < 300 && n != want; i++) {
        poll(NULL, 0, 10);
        n = tu_count_fds();
    }
    return n;
}

/* ---- happy paths ---------------------------------------------------- */

static void exercise(srpc_client *c)
{
    int32_t sum = 0;
    const char *s = NULL;

    ck_assert_int_eq(calc_add(c, 2, 3, &sum), SRPC_OK);
    ck_assert_int_eq(sum, 5);
    ck_assert_int_eq(calc_add(c, INT32_MAX, 1, &sum), SRPC_OK);
    ck_assert_int_eq(sum, INT32_MIN);
    ck_assert_int_eq(calc_div(c, 7, 2, &sum), SRPC_OK);
    ck_assert_int_eq(sum, 3);
    ck_assert_int_eq(calc_echo(c, "hello, world", &s), SRPC_OK);
    ck_assert_str_eq(s, "hello, world");
    ck_assert_int_eq(calc_echo(c, "", &s), SRPC_OK);
    ck_assert_str_eq(s, "");
    ck_assert_int_eq(calc_sleep(c, 0), SRPC_OK);
}

START_TEST(calls_over_unix)
{
    srpc_client *c;

    fx_start(NULL);
    c = fx_connect(fx.unix_addr);
    exercise(c);
    srpc_client_close(c);
}
END_TEST

START_TEST(calls_over_tcp)
{
    const char *addr;
    srpc_client *c;

    fx_start(NULL);
    addr = srpc_server_address(fx.ts.srv, 1);
    ck_assert_ptr_nonnull(addr);
    ck_assert(strncmp(addr, "tcp:127.0.0.1:", 14) == 0);
    ck_assert_str_ne(addr, "tcp:127.0.0.1:0"); /* the real port */
    ck_assert_str_eq(srpc_server_address(fx.ts.srv, 0), fx.unix_addr);
    ck_assert_ptr_null(srpc_server_address(fx.ts.srv, 2));
    c = fx_connect(addr);
    exercise(c);
    srpc_client_close(c);
}
END_TEST

START_TEST(calls_over_tcp_ipv6)
{
    srpc_client *c;
    int rc;

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state), SRPC_OK);
    rc = srpc_server_listen(fx.ts.srv, "tcp:[::1]:0");
    if (rc != SRPC_OK) {
        fprintf(stderr, "skipped: no IPv6 loopback (%s)\n",
                srpc_server_errmsg(fx.ts.srv));
        return;
    }
    ck_assert(strncmp(srpc_server_address(fx.ts.srv, 0), "tcp:[::1]:", 10) == 0);
    tu_server_start(&fx.ts);
    c = fx_connect(srpc_server_address(fx.ts.srv, 0));
    exercise(c);
    srpc_client_close(c);
}
END_TEST

START_TEST(calls_over_abstract_unix)
{
#ifdef __linux__
    char addr[64];
    srpc_client *c;

    snprintf(addr, sizeof addr, "unix:@sockrpc-test-%d", (int)getpid());
    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, addr), SRPC_OK);
    tu_server_start(&fx.ts);
    c = fx_connect(addr);
    exercise(c);
    srpc_client_close(c);
#endif
}
END_TEST

/* 200 clients connected at once, half over each transport, their calls
 * interleaved: one thread serves them all. */
START_TEST(many_clients_interleaved)
{
    enum { N = 200 };
    srpc_client *c[N];
    int32_t r;

    fx_start(NULL);
    for (int i = 0; i < N; i++)
        c[i] = fx_connect(i % 2 ? fx.unix_addr : srpc_server_address(fx.ts.srv, 1));
    for (int round = 0; round < 5; round++) {
        for (int i = 0; i < N; i++) {
            ck_assert_int_eq(calc_add(c[i], i, round, &r), SRPC_OK);
            ck_assert_int_eq(r, i + round);
        }
    }
    for (int i = 0; i < N; i++)
        srpc_client_close(c[i]);
}
END_TEST

/* 500 requests in one write: all answered, in order, matched by msgid. */
START_TEST(pipelining)
{
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    int fd;

    fx_start(NULL);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert_int_ge(fd, 0);
    msgpack_sbuffer_init(&sb);
    for (int i = 0; i < 500; i++) {
        int64_t args[2] = { i, 1000 };
        tu_pack_request(&sb, (uint32_t)(i * 7 + 3), "calc.add", 2, args);
    }
    ck_assert(tu_write_all(fd, sb.data, sb.size));
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    for (int i = 0; i < 500; i++) {
        msgpack_object *e;

        ck_assert(tu_read_message(fd, &unp, &u));
        ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_ARRAY);
        ck_assert_uint_eq(u.data.via.array.size, 4);
        e = u.data.via.array.ptr;
        ck_assert_uint_eq(e[0].via.u64, 1);
        ck_assert_uint_eq(e[1].via.u64, (uint64_t)(i * 7 + 3));
        ck_assert_int_eq(e[2].type, MSGPACK_OBJECT_NIL);
        ck_assert_uint_eq(e[3].via.u64, (uint64_t)(i + 1000));
    }
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

/* ---- error replies ---------------------------------------------------- */

START_TEST(unknown_method)
{
    srpc_client *c;
    int32_t r;

    fx_start(NULL);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_nosuch(c), SRPC_ENOMETHOD);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.nosuch: no method 'calc.nosuch'");
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_NO_METHOD);
    ck_assert_int_eq(calc_add(c, 1, 1, &r), SRPC_OK); /* still connected */
    ck_assert_int_eq(srpc_client_remote_code(c), 0);
    srpc_client_close(c);
}
END_TEST

START_TEST(wrong_arity)
{
    srpc_client *c;
    int32_t r = 42;

    fx_start(NULL);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add3(c, 1, 2, 3, &r), SRPC_EARGS);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.add takes 2 arguments, got 3");
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_INVALID_ARGS);
    ck_assert_int_eq(r, 42);
    srpc_client_close(c);
}
END_TEST

START_TEST(wrong_type)
{
    srpc_client *c;
    int32_t r;

    fx_start(NULL);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add_str_arg(c, "1", 2, &r), SRPC_EARGS);
    ck_assert_str_eq(srpc_client_errmsg(c),
                     "calc.add: argument 1 (a) must be int32, got string");
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_INVALID_ARGS);
    srpc_client_close(c);
}
END_TEST

START_TEST(application_error)
{
    srpc_client *c;
    int32_t r;

    fx_start(NULL);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_div(c, 1, 0, &r), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.div: division by zero");
    ck_assert_int_eq(srpc_client_remote_code(c), CALC_EDIVZERO);
    /* A handler returning a status without a message. */
    ck_assert_int_eq(calc_broken(c), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c),
                     "calc.broken failed: I/O error");
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_INTERNAL);
    ck_assert_int_eq(calc_div(c, 9, 3, &r), SRPC_OK);
    ck_assert_int_eq(r, 3);
    srpc_client_close(c);
}
END_TEST

START_TEST(null_handler)
{
    srpc_client *c;

    fx_start(NULL);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_missing(c), SRPC_ENOMETHOD);
    ck_assert_str_eq(srpc_client_errmsg(c), "calc.missing is not implemented");
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_NO_METHOD);
    srpc_client_close(c);
}
END_TEST

/* Sends BYTES on a raw connection and returns the first message back. */
static bool raw_exchange(int fd, const void *bytes, size_t len,
                         msgpack_unpacker *unp, msgpack_unpacked *u)
{
    return tu_write_all(fd, bytes, len) && tu_read_message(fd, unp, u);
}

START_TEST(invalid_request_with_good_msgid)
{
    /* [0, 5, 7, []]: method is not a string; [0, 6, "calc.add", {}] */
    static const unsigned char bad_method[] = { 0x94, 0x00, 0x05, 0x07, 0x90 };
    static const unsigned char bad_params[] = { 0x94, 0x00, 0x06, 0xa8, 'c', 'a',
                                                'l', 'c', '.', 'a', 'd', 'd',
                                                0x80 };
    msgpack_unpacker unp;
    msgpack_unpacked u;
    msgpack_object *e;
    int fd;

    fx_start(NULL);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert(raw_exchange(fd, bad_method, sizeof bad_method, &unp, &u));
    e = u.data.via.array.ptr;
    ck_assert_uint_eq(e[1].via.u64, 5);
    ck_assert_int_eq(e[2].via.array.ptr[0].via.i64, SRPC_WIRE_INVALID_REQUEST);
    ck_assert_int_eq(e[2].via.array.ptr[1].type, MSGPACK_OBJECT_STR);
    ck_assert(raw_exchange(fd, bad_params, sizeof bad_params, &unp, &u));
    e = u.data.via.array.ptr;
    ck_assert_uint_eq(e[1].via.u64, 6);
    ck_assert_int_eq(e[2].via.array.ptr[0].via.i64, SRPC_WIRE_INVALID_REQUEST);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    close(fd);
}
END_TEST

START_TEST(deep_args_get_error_reply)
{
    /* [0, 1, "calc.echo", [[[...30 deep...]]]]: within the depth limit, so
     * framed and answered with a type error, not a closed connection. */
    unsigned char msg[64] = { 0x94, 0x00, 0x01, 0xa9, 'c', 'a', 'l', 'c', '.',
                              'e', 'c', 'h', 'o', 0x91 };
    size_t len = 14;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    msgpack_object *e;
    int fd;

    for (int i = 0; i < 29; i++)
        msg[len++] = 0x91;
    msg[len++] = 0x90;
    fx_start(NULL);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert(raw_exchange(fd, msg, len, &unp, &u));
    e = u.data.via.array.ptr;
    ck_assert_int_eq(e[2].via.array.ptr[0].via.i64, SRPC_WIRE_INVALID_ARGS);
    ck_assert_int_eq(strncmp(e[2].via.array.ptr[1].via.str.ptr,
                             "calc.echo: argument 1 (s) must be string, got array",
                             e[2].via.array.ptr[1].via.str.size), 0);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    close(fd);
}
END_TEST

/* A notification runs its handler and sends nothing back: the first reply
 * on the connection is the one to the request sent after it. */
START_TEST(notification_runs_without_reply)
{
    static const unsigned char note[] = { 0x93, 0x02, 0xa9, 'c', 'a', 'l', 'c',
                                          '.', 'n', 'o', 't', 'e', 0x91, 0x05 };
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    int64_t args[2] = { 1, 2 };
    srpc_client *c;
    int fd;

    fx_start(NULL);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_write(&sb, (const char *)note, sizeof note);
    msgpack_sbuffer_write(&sb, (const char *)note, sizeof note);
    tu_pack_request(&sb, 77, "calc.add", 2, args);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert(raw_exchange(fd, sb.data, sb.size, &unp, &u));
    ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, 77);
    ck_assert_int_eq(calc_state_wait_notes(&fx.state, 2, 2000), 2);
    /* Through the client API as well. */
    c = fx_connect(srpc_server_address(fx.ts.srv, 1));
    ck_assert_int_eq(calc_note(c, 10), SRPC_OK);
    ck_assert_int_eq(calc_note(c, 20), SRPC_OK);
    ck_assert_int_eq(calc_state_wait_notes(&fx.state, 4, 2000), 4);
    ck_assert_int_eq(fx.state.sum, 40);
    srpc_client_close(c);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

/* ---- a faulty interface: what generated code cannot do, the runtime
 * must still survive ------------------------------------------------------ */

/* Packs half a result, then the buffer "runs out of memory". */
static int fault_oom(srpc_call *call, const void *impl,
                     const msgpack_object *args, msgpack_packer *reply)
{
    (void)call; (void)impl; (void)args;
    msgpack_pack_array(reply, 3);
    msgpack_pack_int(reply, 1);
    srpc__wbuf_fail(reply->data, SRPC_ENOMEM);
    msgpack_pack_int(reply, 2);
    return SRPC_OK;
}

/* Packs nothing at all and succeeds. */
static int fault_silent(srpc_call *call, const void *impl,
                        const msgpack_object *args, msgpack_packer *reply)
{
    (void)call; (void)impl; (void)args; (void)reply;
    return SRPC_OK;
}

/* Packs a result, then fails with a message: the result is discarded. */
static int fault_late(srpc_call *call, const void *impl,
                      const msgpack_object *args, msgpack_packer *reply)
{
    (void)impl; (void)args;
    msgpack_pack_int(reply, 99);
    return srpc_call_fail(call, 12, "failed after packing %d", 99);
}

/* A result nested 40 levels deep: more than a client reads. */
static int fault_deep(srpc_call *call, const void *impl,
                      const msgpack_object *args, msgpack_packer *reply)
{
    (void)call; (void)impl; (void)args;
    for (int i = 0; i < 40; i++)
        msgpack_pack_array(reply, 1);
    msgpack_pack_int(reply, 7);
    return SRPC_OK;
}

static const struct srpc_method fault_methods[] = {
    { "fault.oom", 0, fault_oom },
    { "fault.silent", 0, fault_silent },
    { "fault.late", 0, fault_late },
    { "fault.deep", 0, fault_deep },
};
static const struct srpc_interface fault_interface = { "fault", fault_methods, 4 };

static int call_raw0(srpc_client *c, const char *method,
                     const msgpack_object **res)
{
    srpc_client_begin(c, method, 0);
    return srpc_client_call(c, res);
}

START_TEST(faulty_dispatch_functions)
{
    const msgpack_object *res;
    srpc_client *c;
    int32_t r;

    fx_start(NULL);
    ck_assert_int_eq(srpc_server_register(fx.ts.srv, &fault_interface, NULL, NULL),
                     SRPC_OK);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(call_raw0(c, "fault.oom", &res), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "fault.oom failed: out of memory");
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_INTERNAL);
    ck_assert_int_eq(call_raw0(c, "fault.silent", &res), SRPC_OK);
    ck_assert_int_eq(res->type, MSGPACK_OBJECT_NIL);
    ck_assert_int_eq(call_raw0(c, "fault.late", &res), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "fault.late: failed after packing 99");
    ck_assert_int_eq(srpc_client_remote_code(c), 12);
    /* Sent, the client would have dropped the connection. */
    ck_assert_int_eq(call_raw0(c, "fault.deep", &res), SRPC_EREMOTE);
    ck_assert_str_eq(srpc_client_errmsg(c), "fault.deep: cannot send the "
                     "result: message nests too deeply (at most 32 levels)");
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_INTERNAL);
    ck_assert_int_eq(calc_add(c, 2, 2, &r), SRPC_OK); /* stream intact */
    ck_assert_int_eq(r, 4);
    srpc_client_close(c);
}
END_TEST

/* ---- hostile input ------------------------------------------------------ */

/* Sends BYTES on a fresh raw connection; the server must close it; another
 * client must still be served afterwards. */
static void expect_closed_after(const void *bytes, size_t len)
{
    srpc_client *c;
    int32_t r;
    int fd;

    c = fx_connect(fx.unix_addr); /* connected before: must survive too */
    fd = tu_connect_raw(srpc_server_address(fx.ts.srv, 1), 5000);
    ck_assert_int_ge(fd, 0);
    ck_assert(tu_write_all(fd, bytes, len));
    ck_assert_msg(tu_wait_closed(fd), "server did not close the connection");
    close(fd);
    ck_assert_int_eq(calc_add(c, 40, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 42);
    srpc_client_close(c);
}

START_TEST(garbage_closes_connection)
{
    static const char http[] = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    fx_start(NULL);
    expect_closed_after(http, sizeof http - 1);
}
END_TEST

START_TEST(size_bomb_closes_connection)
{
    /* An array that claims 4 billion elements, then a request header. */
    static const unsigned char bomb[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
    static const unsigned char inner[] = { 0x94, 0x00, 0x01, 0xa1, 'x', 0xdd,
                                           0xff, 0xff, 0xff, 0xff };

    fx_start(NULL);
    expect_closed_after(bomb, sizeof bomb);
    expect_closed_after(inner, sizeof inner);
}
END_TEST

START_TEST(deep_nesting_closes_connection)
{
    unsigned char deep[40];

    memset(deep, 0x91, sizeof deep); /* 40 nested one-element arrays */
    fx_start(NULL);
    expect_closed_after(deep, 33);
    expect_closed_after(deep, sizeof deep);
}
END_TEST

START_TEST(protocol_violations_close_connection)
{
    /* invalid byte, negative msgid, response sent to a server, unknown
     * message type, a request of 3 elements */
    static const unsigned char c1[] = { 0x94, 0x00, 0x01, 0xc1 };
    static const unsigned char neg[] = { 0x94, 0x00, 0xff, 0xa1, 'x', 0x90 };
    static const unsigned char resp[] = { 0x94, 0x01, 0x01, 0xc0, 0xc0 };
    static const unsigned char type9[] = { 0x93, 0x09, 0xa1, 'x', 0x90 };
    static const unsigned char short3[] = { 0x93, 0x00, 0x01, 0xa1, 'x' };
    static const unsigned char strid[] = { 0x94, 0x00, 0xa1, '1', 0xa1, 'x', 0x90 };

    fx_start(NULL);
    expect_closed_after(c1, sizeof c1);
    expect_closed_after(neg, sizeof neg);
    expect_closed_after(resp, sizeof resp);
    expect_closed_after(type9, sizeof type9);
    expect_closed_after(short3, sizeof short3);
    expect_closed_after(strid, sizeof strid);
}
END_TEST

/* Sends BYTES on a fresh raw connection and checks that the closing
 * notice blames the byte 0xc1. */
static void expect_c1_notice(const void *bytes, size_t len)
{
    char why[128] = "";
    int64_t code = 0;
    int fd = tu_connect_raw(fx.unix_addr, 5000);

    ck_assert_int_ge(fd, 0);
    ck_assert(tu_write_all(fd, bytes, len));
    ck_assert(tu_read_closing_why(fd, &code, why, sizeof why));
    ck_assert_int_eq(code, SRPC_WIRE_PROTOCOL);
    ck_assert_str_eq(why, "message holds the invalid byte 0xc1");
    ck_assert(tu_wait_closed(fd));
    close(fd);
}

/* The notice names the byte wherever it stands: first in the stream,
 * inside a request, first after a complete request. */
START_TEST(c1_notice_names_the_byte)
{
    static const unsigned char first[] = { 0xc1 };
    static const unsigned char inner[] = { 0x94, 0x00, 0x01, 0xc1 };
    /* [0, 1, "calc.add", [1, 2]], then 0xc1 */
    static const unsigned char next[] = { 0x94, 0x00, 0x01, 0xa8, 'c', 'a',
                                          'l', 'c', '.', 'a', 'd', 'd',
                                          0x92, 0x01, 0x02, 0xc1 };

    fx_start(NULL);
    expect_c1_notice(first, sizeof first);
    expect_c1_notice(inner, sizeof inner);
    expect_c1_notice(next, sizeof next);
}
END_TEST

START_TEST(oversize_message_closes_connection)
{
    struct srpc_server_options o = { .max_message_size = 4096 };
    msgpack_sbuffer sb;
    msgpack_packer pk;
    static char body[5000];

    fx_start(&o);
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_int(&pk, 0);
    msgpack_pack_int(&pk, 1);
    srpc_pack_str(&pk, "calc.echo");
    msgpack_pack_array(&pk, 1);
    msgpack_pack_str(&pk, sizeof body);
    msgpack_pack_str_body(&pk, body, sizeof body);
    expect_closed_after(sb.data, sb.size);
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

/* Replies to requests received before the garbage are still delivered. */
START_TEST(replies_flushed_before_close)
{
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    int64_t args[2] = { 20, 22 };
    int fd;

    fx_start(NULL);
    msgpack_sbuffer_init(&sb);
    tu_pack_request(&sb, 1, "calc.add", 2, args);
    tu_pack_request(&sb, 2, "calc.add", 2, args);
    msgpack_sbuffer_write(&sb, "\xc1garbage", 8);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert(raw_exchange(fd, sb.data, sb.size, &unp, &u));
    ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, 1);
    ck_assert_uint_eq(u.data.via.array.ptr[3].via.u64, 42);
    ck_assert(tu_read_message(fd, &unp, &u));
    ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, 2);
    ck_assert(tu_wait_closed(fd));
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

/* A client that sends a request byte by byte is answered. */
START_TEST(trickling_request)
{
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    int64_t args[2] = { 3, 4 };
    int fd;

    fx_start(NULL);
    msgpack_sbuffer_init(&sb);
    tu_pack_request(&sb, 9, "calc.add", 2, args);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    for (size_t i = 0; i < sb.size; i++) {
        ck_assert(tu_write_all(fd, sb.data + i, 1));
        poll(NULL, 0, 1);
    }
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert(tu_read_message(fd, &unp, &u));
    ck_assert_uint_eq(u.data.via.array.ptr[3].via.u64, 7);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

START_TEST(truncated_then_disconnect)
{
    msgpack_sbuffer sb;
    int64_t args[2] = { 3, 4 };
    srpc_client *c;
    int32_t r;
    int base, fd;

    fx_start(NULL);
    base = tu_count_fds();
    msgpack_sbuffer_init(&sb);
    tu_pack_request(&sb, 9, "calc.add", 2, args);
    for (int i = 0; i < 20; i++) {
        fd = tu_connect_raw(i % 2 ? fx.unix_addr : srpc_server_address(fx.ts.srv, 1),
                            5000);
        ck_assert(tu_write_all(fd, sb.data, sb.size / 2 + (size_t)i % 3));
        close(fd);
    }
    ck_assert_int_eq(wait_fds(base), base);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    srpc_client_close(c);
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

/* Mutated requests in random pieces on many connections, as a fuzzer
 * would send them: the server never crashes or leaks, and still answers. */
START_TEST(random_bytes_in_random_pieces)
{
    uint64_t x = 88172645463325252u;
    msgpack_sbuffer sb;
    srpc_client *c;
    int32_t r;
    int base;

    fx_start(NULL);
    base = tu_count_fds();
    msgpack_sbuffer_init(&sb);
    for (int conn = 0; conn < 150; conn++) {
        int fd = tu_connect_raw(conn % 2 ? fx.unix_addr : srpc_server_address(fx.ts.srv, 1),
                                2000);

        ck_assert_int_ge(fd, 0);
        msgpack_sbuffer_clear(&sb);
        for (int i = 0; i < 5; i++) {
            int64_t args[3] = { i, (int64_t)x, -1 };
            static const char *const names[] = { "calc.add", "calc.echo",
                                                 "calc.note", "nope", "calc.big" };
            tu_pack_request(&sb, (uint32_t)i, names[(x >> 7) % 5],
                            (unsigned)(x % 4), args);
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        }
        for (int k = (int)(x % 4); k > 0; k--) { /* mutate a few bytes */
            sb.data[(x >> 11) % sb.size] = (char)(x >> 3);
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        }
        for (size_t off = 0; off < sb.size;) {
            size_t n = 1 + (size_t)(x % 17);

            if (n > sb.size - off)
                n = sb.size - off;
            if (send(fd, sb.data + off, n, MSG_NOSIGNAL) <= 0)
                break; /* the server closed it: fine */
            off += n;
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        }
        if (conn % 3 == 0) { /* sometimes half-close and read the rest */
            shutdown(fd, SHUT_WR);
            ck_assert(tu_wait_closed(fd));
        }
        close(fd);
    }
    ck_assert_int_eq(wait_fds(base), base);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    srpc_client_close(c);
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

START_TEST(connect_drop_cycles_leak_nothing)
{
    int base;

    fx_start(NULL);
    base = tu_count_fds();
    for (int i = 0; i < 1000; i++) {
        int fd = tu_connect_raw(i % 2 ? fx.unix_addr : srpc_server_address(fx.ts.srv, 1),
                                5000);

        ck_assert_int_ge(fd, 0);
        if (i % 3 == 0)
            ck_assert(tu_write_all(fd, "\x94\x00", 2));
        close(fd);
    }
    ck_assert_int_eq(wait_fds(base), base);
}
END_TEST

/* Clients that vanish while their replies are being written: the server
 * meets EPIPE or ECONNRESET mid-reply, frees the connection and goes on. */
START_TEST(disconnect_mid_reply)
{
    msgpack_sbuffer sb;
    int base;
    int32_t r;
    srpc_client *c;

    fx_start(NULL);
    base = tu_count_fds();
    msgpack_sbuffer_init(&sb);
    for (int i = 0; i < 20000; i++) {
        int64_t args[2] = { i, 1 };
        tu_pack_request(&sb, (uint32_t)i, "calc.add", 2, args);
    }
    for (int k = 0; k < 10; k++) {
        int fd = tu_connect_raw(k % 2 ? fx.unix_addr : srpc_server_address(fx.ts.srv, 1),
                                5000);
        char some[16];

        ck_assert_int_ge(fd, 0);
        ck_assert(tu_write_all(fd, sb.data, sb.size));
        ck_assert_int_gt(read(fd, some, sizeof some), 0); /* replies began */
        close(fd);
    }
    msgpack_sbuffer_destroy(&sb);
    ck_assert_int_eq(wait_fds(base), base);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 2, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 4);
    srpc_client_close(c);
}
END_TEST

static long rss_kib(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kib = -1;

    ck_assert_ptr_nonnull(f);
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
            break;
    fclose(f);
    return kib;
}

/* A client floods requests for 100 KB replies and never reads them.  The
 * server must stop reading from it once 256 KiB are queued: memory stays
 * bounded (without backpressure 50000 replies would take 5 GB) and other
 * clients are served meanwhile. */
START_TEST(slow_reader_is_bounded)
{
    struct srpc_server_options o = { .max_write_queue = 256 * 1024 };
    msgpack_sbuffer sb;
    msgpack_packer pk;
    long before, after;
    size_t sent = 0;
    srpc_client *c;
    int32_t r;
    int fd, rcv = 4096, base;

    fx_start(&o);
    base = tu_count_fds();
    fd = tu_connect_raw(fx.unix_addr, 200);
    ck_assert(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof rcv) == 0);
    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    for (int i = 0; i < 50000; i++) {
        msgpack_pack_array(&pk, 4);
        msgpack_pack_int(&pk, 0);
        msgpack_pack_int(&pk, i);
        srpc_pack_str(&pk, "calc.big");
        msgpack_pack_array(&pk, 1);
        msgpack_pack_uint32(&pk, 100000);
    }
    before = rss_kib();
    /* Send until the server stops reading and our send times out. */
    while (sent < sb.size) {
        ssize_t n = send(fd, sb.data + sent, sb.size - sent, MSG_NOSIGNAL);

        if (n <= 0)
            break;
        sent += (size_t)n;
    }
    ck_assert_uint_lt(sent, sb.size); /* the server stopped reading */
    c = fx_connect(srpc_server_address(fx.ts.srv, 1));
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 3);
    after = rss_kib();
    ck_assert_msg(after - before < 32 * 1024, "RSS grew by %ld KiB", after - before);
    srpc_client_close(c);
    /* It vanishes with replies queued: the server frees its side. */
    close(fd);
    ck_assert_int_eq(wait_fds(base), base);
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

/* A client that half-closes after its requests still gets its replies. */
START_TEST(half_close_gets_replies)
{
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    int64_t args[2] = { 1, 1 };
    int fd;

    fx_start(NULL);
    msgpack_sbuffer_init(&sb);
    for (int i = 0; i < 10; i++)
        tu_pack_request(&sb, (uint32_t)i, "calc.add", 2, args);
    fd = tu_connect_raw(fx.unix_addr, 5000);
    ck_assert(tu_write_all(fd, sb.data, sb.size));
    ck_assert_int_eq(shutdown(fd, SHUT_WR), 0);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    for (int i = 0; i < 10; i++) {
        ck_assert(tu_read_message(fd, &unp, &u));
        ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, (uint64_t)i);
    }
    ck_assert(tu_wait_closed(fd));
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
    close(fd);
}
END_TEST

/* ---- listening --------------------------------------------------------- */

START_TEST(unix_socket_mode_and_removal)
{
    char path[300];
    struct stat st;

    snprintf(path, sizeof path, "%s/calc.sock", fx.dir);
    fx_start(NULL);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    tu_server_stop(&fx.ts);
    srpc_server_destroy(fx.ts.srv);
    fx.ts.srv = NULL;
    ck_assert_int_eq(stat(path, &st), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

/* A socket file bound by a process that died without unlinking it. */
static void make_stale_socket(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);

    ck_assert_int_ge(fd, 0);
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof sun), 0);
    close(fd);
}

START_TEST(stale_socket_replaced)
{
    char path[300];
    srpc_client *c;
    int32_t r;

    snprintf(path, sizeof path, "%s/calc.sock", fx.dir);
    make_stale_socket(path);
    fx_start(NULL);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    srpc_client_close(c);
}
END_TEST

START_TEST(live_socket_is_in_use)
{
    srpc_server *other;
    srpc_client *c;
    int32_t r;

    fx_start(NULL);
    ck_assert_int_eq(srpc_server_create(&other, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(other, fx.unix_addr), SRPC_EADDRINUSE);
    ck_assert_msg(strstr(srpc_server_errmsg(other), "already listening"),
                  "message: %s", srpc_server_errmsg(other));
    ck_assert_int_eq(srpc_server_listen(other, srpc_server_address(fx.ts.srv, 1)),
                     SRPC_EADDRINUSE);
    srpc_server_destroy(other);
    /* The live server's file is untouched and still works. */
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    srpc_client_close(c);
}
END_TEST

START_TEST(regular_file_not_replaced)
{
    char path[300];
    struct stat st;
    FILE *f;

    snprintf(path, sizeof path, "%s/calc.sock", fx.dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_EADDRINUSE);
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISREG(st.st_mode));
}
END_TEST

/* Destroy removes only its own file: not one another server put there. */
START_TEST(destroy_keeps_foreign_file)
{
    char path[300];
    struct stat st;

    snprintf(path, sizeof path, "%s/calc.sock", fx.dir);
    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    ck_assert_int_eq(unlink(path), 0);
    make_stale_socket(path); /* someone else's socket now */
    srpc_server_destroy(fx.ts.srv);
    fx.ts.srv = NULL;
    ck_assert_int_eq(stat(path, &st), 0);
}
END_TEST

START_TEST(listen_errors)
{
    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, "unix:/nonexistent-dir/x.sock"),
                     SRPC_ELISTEN);
    ck_assert(strstr(srpc_server_errmsg(fx.ts.srv), "/nonexistent-dir/x.sock"));
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, "tcp:no-such-host.invalid:1"),
                     SRPC_ERESOLVE);
    ck_assert_int_eq(srpc_server_listen(NULL, fx.unix_addr), SRPC_EINVAL);
    ck_assert_int_eq(srpc_server_create(NULL, NULL), SRPC_EINVAL);
}
END_TEST

START_TEST(register_duplicates_rejected)
{
    static const struct srpc_method one[] = { { "calc.add", 2, NULL } };
    static const struct srpc_interface no_dispatch = { "x", one, 1 };

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state), SRPC_EINVAL);
    ck_assert_str_eq(srpc_server_errmsg(fx.ts.srv),
                     "method 'calc.add' is already registered");
    ck_assert_int_eq(srpc_server_register(fx.ts.srv, &no_dispatch, NULL, NULL),
                     SRPC_EINVAL);
    ck_assert_int_eq(srpc_server_register(fx.ts.srv, NULL, NULL, NULL), SRPC_EINVAL);
}
END_TEST

/* ---- run and stop --------------------------------------------------------- */

START_TEST(stop_from_another_thread_and_rerun)
{
    srpc_client *c;
    int32_t r;

    fx_start(NULL);
    tu_server_stop(&fx.ts);
    tu_server_start(&fx.ts); /* run again after a stop */
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    srpc_client_close(c);
    tu_server_stop(&fx.ts);
    /* Stop before run: run returns at once. */
    srpc_server_stop(fx.ts.srv);
    ck_assert_int_eq(srpc_server_run(fx.ts.srv), SRPC_OK);
}
END_TEST

static srpc_server *signal_target;

static void on_alarm(int sig)
{
    (void)sig;
    srpc_server_stop(signal_target);
}

START_TEST(stop_from_signal_handler)
{
    struct sigaction sa;
    struct itimerval it = { .it_value = { 0, 100000 } };

    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    signal_target = fx.ts.srv;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigemptyset(&sa.sa_mask);
    ck_assert_int_eq(sigaction(SIGALRM, &sa, NULL), 0);
    ck_assert_int_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
    ck_assert_int_eq(srpc_server_run(fx.ts.srv), SRPC_OK);
    signal(SIGALRM, SIG_DFL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("server");
    TCase *tc;
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_DFL); /* the library must never raise it */

    tc = tcase_create("calls");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, calls_over_unix);
    tcase_add_test(tc, calls_over_tcp);
    tcase_add_test(tc, calls_over_tcp_ipv6);
    tcase_add_test(tc, calls_over_abstract_unix);
    tcase_add_test(tc, many_clients_interleaved);
    tcase_add_test(tc, pipelining);
    tcase_add_test(tc, unknown_method);
    tcase_add_test(tc, wrong_arity);
    tcase_add_test(tc, wrong_type);
    tcase_add_test(tc, application_error);
    tcase_add_test(tc, null_handler);
    tcase_add_test(tc, invalid_request_with_good_msgid);
    tcase_add_test(tc, deep_args_get_error_reply);
    tcase_add_test(tc, notification_runs_without_reply);
    tcase_add_test(tc, faulty_dispatch_functions);
    suite_add_tcase(s, tc);

    tc = tcase_create("hostile");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, garbage_closes_connection);
    tcase_add_test(tc, size_bomb_closes_connection);
    tcase_add_test(tc, deep_nesting_closes_connection);
    tcase_add_test(tc, protocol_violations_close_connection);
    tcase_add_test(tc, c1_notice_names_the_byte);
    tcase_add_test(tc, oversize_message_closes_connection);
    tcase_add_test(tc, replies_flushed_before_close);
    tcase_add_test(tc, trickling_request);
    tcase_add_test(tc, truncated_then_disconnect);
    tcase_add_test(tc, connect_drop_cycles_leak_nothing);
    tcase_add_test(tc, disconnect_mid_reply);
    tcase_add_test(tc, random_bytes_in_random_pieces);
    tcase_add_test(tc, slow_reader_is_bounded);
    tcase_add_test(tc, half_close_gets_replies);
    suite_add_tcase(s, tc);

    tc = tcase_create("lifecycle");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 20);
    tcase_add_test(tc, unix_socket_mode_and_removal);
    tcase_add_test(tc, stale_socket_replaced);
    tcase_add_test(tc, live_socket_is_in_use);
    tcase_add_test(tc, regular_file_not_replaced);
    tcase_add_test(tc, destroy_keeps_foreign_file);
    tcase_add_test(tc, listen_errors);
    tcase_add_test(tc, register_duplicates_rejected);
    tcase_add_test(tc, stop_from_another_thread_and_rerun);
    tcase_add_test(tc, stop_from_signal_handler);
    suite_add_tcase(s, tc);

    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
