/*
 * test_calc.c - the calculator example end to end: the real calc_server
 * program, called through idlc's generated stubs, the calc_client program
 * and raw sockets, over a Unix socket and over TCP.
 *
 * Each test starts its own server (Check forks a process per test) in a
 * temporary directory and stops it in the teardown.  Loop tests run once per
 * transport: _i == 0 is the Unix socket, _i == 1 is TCP.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <msgpack.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sockrpc.h>
#include <sockrpc/codec.h>

#include "calc.h"
#include "server_proc.h"

static struct server_proc server;

static void start_server(void)
{
    static const char *const addrs[] = { "unix:@DIR/calc.sock", "tcp:127.0.0.1:0" };

    signal(SIGPIPE, SIG_IGN);   /* raw-socket writes to a closed server */
    ck_assert_msg(server_proc_start(&server,
                                    build_path("examples/calc/calc_server"),
                                    addrs, 2) == 0,
                  "calc_server did not start; it printed: %s", server.output);
    ck_assert_uint_eq(server.naddrs, 2);
    ck_assert_msg(strncmp(server.addrs[0], "unix:", 5) == 0, "%s", server.addrs[0]);
    ck_assert_msg(strncmp(server.addrs[1], "tcp:127.0.0.1:", 14) == 0, "%s", server.addrs[1]);
}

static void stop_server(void)
{
    server_proc_cleanup(&server);
}

static srpc_client *connect_client(int transport)
{
    srpc_client *c = NULL;
    char err[256] = "";
    int rc = srpc_client_connect(&c, server.addrs[transport], NULL, err, sizeof err);

    ck_assert_msg(rc == SRPC_OK, "connect %s: %s", server.addrs[transport], err);
    return c;
}

/* ---- raw sockets, for what the stubs would never send ------------ */

static int raw_connect(int transport)
{
    const char *addr = server.addrs[transport];
    int fd;

    if (transport == 0) {
        struct sockaddr_un sun = { .sun_family = AF_UNIX };
        const char *path = addr + strlen("unix:");
        ck_assert_uint_lt(strlen(path), sizeof sun.sun_path);
        memcpy(sun.sun_path, path, strlen(path) + 1);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(connect(fd, (struct sockaddr *)&sun, sizeof sun), 0);
    } else {
        struct sockaddr_in sin = { .sin_family = AF_INET };
        sin.sin_port = htons((uint16_t)atoi(strrchr(addr, ':') + 1));
        inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
        fd = socket(AF_INET, SOCK_STREAM, 0);
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(connect(fd, (struct sockaddr *)&sin, sizeof sin), 0);
    }
    return fd;
}

static void raw_write(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        ck_assert_msg(n > 0, "write: %s", strerror(errno));
        p += n;
        len -= (size_t)n;
    }
}

/* Reads until the server closes the connection; fails after 3 seconds. */
static void expect_closed(int fd)
{
    char buf[4096];

    for (;;) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        ck_assert_msg(poll(&pfd, 1, scaled_ms(3000)) == 1, "server kept the connection open");
        n = read(fd, buf, sizeof buf);
        if (n == 0 || (n < 0 && errno == ECONNRESET))
            return;
        ck_assert_msg(n > 0, "read: %s", strerror(errno));
    }
}

/* After an attack: a well-formed call on a new connection still works. */
static void expect_server_answers(int transport)
{
    srpc_client *c = connect_client(transport);
    int32_t sum = 0;

    ck_assert_int_eq(calc_add(c, 40, 2, &sum), SRPC_OK);
    ck_assert_int_eq(sum, 42);
    srpc_client_close(c);
}

static void pack_add_request(msgpack_packer *pk, uint32_t msgid, int32_t a, int32_t b)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, 0);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_str(pk, 8);
    msgpack_pack_str_body(pk, "calc.add", 8);
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, a);
    msgpack_pack_int32(pk, b);
}

/* ---- calls through the generated stubs --------------------------- */

START_TEST(test_arithmetic)
{
    srpc_client *c = connect_client(_i);
    int32_t r = 0;

    ck_assert_int_eq(calc_add(c, 2, 3, &r), SRPC_OK);
    ck_assert_int_eq(r, 5);
    ck_assert_int_eq(calc_sub(c, 10, 4, &r), SRPC_OK);
    ck_assert_int_eq(r, 6);
    ck_assert_int_eq(calc_mul(c, -6, 7, &r), SRPC_OK);
    ck_assert_int_eq(r, -42);
    ck_assert_int_eq(calc_div(c, 7, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 3);
    ck_assert_int_eq(calc_add(c, INT32_MIN, INT32_MAX, &r), SRPC_OK);
    ck_assert_int_eq(r, -1);
    srpc_client_close(c);
}
END_TEST

START_TEST(test_division_by_zero)
{
    srpc_client *c = connect_client(_i);
    int32_t r = 99;
    enum calc_error code = CALC_ERROR_OVERFLOW;

    ck_assert_int_eq(calc_div(c, 7, 0, &r), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(c), 1);
    ck_assert(calc_div_error(c, &code));
    ck_assert_int_eq(code, CALC_ERROR_DIVISION_BY_ZERO);
    ck_assert_msg(strstr(srpc_client_errmsg(c), "division by zero") != NULL,
                  "errmsg: %s", srpc_client_errmsg(c));
    ck_assert_int_eq(r, 99);
    /* The error is a reply like any other: the connection goes on. */
    ck_assert_int_eq(calc_div(c, 8, 2, &r), SRPC_OK);
    ck_assert_int_eq(r, 4);
    ck_assert(!calc_div_error(c, &code));
    srpc_client_close(c);
}
END_TEST

START_TEST(test_overflow_is_an_error)
{
    srpc_client *c = connect_client(_i);
    int32_t r;
    enum calc_error code = CALC_ERROR_DIVISION_BY_ZERO;

    ck_assert_int_eq(calc_add(c, INT32_MAX, 1, &r), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(c), 2);
    ck_assert(calc_add_error(c, &code));
    ck_assert_int_eq(code, CALC_ERROR_OVERFLOW);
    ck_assert_int_eq(calc_div(c, INT32_MIN, -1, &r), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(c), 2);
    srpc_client_close(c);
}
END_TEST

START_TEST(test_oneway_note)
{
    srpc_client *c = connect_client(_i);
    char expected[64];
    int32_t r;

    snprintf(expected, sizeof expected, "note: hello %d\n", _i);
    ck_assert_int_eq(calc_note(c, expected + strlen("note: ")), SRPC_OK);
    /* No reply comes for a notification, but the next call's reply proves
     * the server read past it. */
    ck_assert_int_eq(calc_mul(c, 3, 3, &r), SRPC_OK);
    ck_assert_int_eq(r, 9);
    ck_assert_msg(server_proc_wait_output(&server, "note: hello", scaled_ms(3000)),
                  "server printed: %s", server.output);
    srpc_client_close(c);
}
END_TEST

/* ---- calls the stubs cannot make: built by hand ------------------ */

START_TEST(test_unknown_method)
{
    srpc_client *c = connect_client(_i);
    const msgpack_object *result;
    msgpack_packer *pk = srpc_client_begin(c, "calc.pow", 2);

    msgpack_pack_int32(pk, 2);
    msgpack_pack_int32(pk, 10);
    ck_assert_int_eq(srpc_client_call(c, &result), SRPC_ENOMETHOD);
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_NO_METHOD);
    ck_assert_msg(strstr(srpc_client_errmsg(c), "calc.pow") != NULL,
                  "errmsg: %s", srpc_client_errmsg(c));
    expect_server_answers(_i);
    srpc_client_close(c);
}
END_TEST

START_TEST(test_wrong_argument_count)
{
    srpc_client *c = connect_client(_i);
    const msgpack_object *result;
    msgpack_packer *pk = srpc_client_begin(c, "calc.add", 3);

    msgpack_pack_int32(pk, 1);
    msgpack_pack_int32(pk, 2);
    msgpack_pack_int32(pk, 3);
    ck_assert_int_eq(srpc_client_call(c, &result), SRPC_EARGS);
    ck_assert_int_eq(srpc_client_remote_code(c), SRPC_WIRE_INVALID_ARGS);

    pk = srpc_client_begin(c, "calc.add", 0);
    ck_assert_int_eq(srpc_client_call(c, &result), SRPC_EARGS);
    srpc_client_close(c);
}
END_TEST

START_TEST(test_wrong_argument_type)
{
    srpc_client *c = connect_client(_i);
    const msgpack_object *result;
    msgpack_packer *pk = srpc_client_begin(c, "calc.add", 2);

    srpc_pack_str(pk, "two");
    msgpack_pack_int32(pk, 3);
    ck_assert_int_eq(srpc_client_call(c, &result), SRPC_EARGS);
    ck_assert_msg(strstr(srpc_client_errmsg(c), "int32") != NULL,
                  "errmsg: %s", srpc_client_errmsg(c));

    /* One past the int32 range is a type error too, not a wrapped value. */
    pk = srpc_client_begin(c, "calc.add", 2);
    msgpack_pack_int64(pk, (int64_t)INT32_MAX + 1);
    msgpack_pack_int32(pk, 0);
    ck_assert_int_eq(srpc_client_call(c, &result), SRPC_EARGS);
    srpc_client_close(c);
}
END_TEST

START_TEST(test_pipelined_requests)
{
    enum { N = 300 };
    int fd = raw_connect(_i);
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    msgpack_unpacker up;
    msgpack_unpacked msg;
    int seen[N] = { 0 };
    int replies = 0;

    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    for (uint32_t id = 0; id < N; id++)
        pack_add_request(&pk, id + 1000, (int32_t)id, 7);
    raw_write(fd, sbuf.data, sbuf.size);          /* all of them in one write */
    msgpack_sbuffer_destroy(&sbuf);

    ck_assert(msgpack_unpacker_init(&up, 65536));
    msgpack_unpacked_init(&msg);
    while (replies < N) {
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        ssize_t n;

        ck_assert_msg(poll(&pfd, 1, scaled_ms(3000)) == 1, "only %d replies came", replies);
        ck_assert(msgpack_unpacker_reserve_buffer(&up, 65536));
        n = read(fd, msgpack_unpacker_buffer(&up), 65536);
        ck_assert_int_gt(n, 0);
        msgpack_unpacker_buffer_consumed(&up, (size_t)n);
        while (msgpack_unpacker_next(&up, &msg) == MSGPACK_UNPACK_SUCCESS) {
            const msgpack_object *a = msg.data.via.array.ptr;
            uint64_t id;

            ck_assert_int_eq(msg.data.type, MSGPACK_OBJECT_ARRAY);
            ck_assert_uint_eq(msg.data.via.array.size, 4);
            ck_assert_uint_eq(a[0].via.u64, 1);
            id = a[1].via.u64;
            ck_assert(id >= 1000 && id < 1000 + N);
            ck_assert_int_eq(a[2].type, MSGPACK_OBJECT_NIL);
            ck_assert_int_eq(a[3].via.i64, (int64_t)(id - 1000) + 7);
            ck_assert_int_eq(seen[id - 1000]++, 0);
            replies++;
        }
    }
    msgpack_unpacked_destroy(&msg);
    msgpack_unpacker_destroy(&up);
    close(fd);
}
END_TEST

/* ---- hostile input ----------------------------------------------- */

START_TEST(test_garbage_bytes)
{
    static const char garbage[] = "GET / HTTP/1.0\r\n\r\n";
    int fd = raw_connect(_i);

    raw_write(fd, garbage, sizeof garbage - 1);
    expect_closed(fd);
    close(fd);
    expect_server_answers(_i);
}
END_TEST

START_TEST(test_size_bomb)
{
    /* Five bytes that declare an array of 4,294,967,295 elements. */
    static const unsigned char bomb[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
    int fd = raw_connect(_i);

    raw_write(fd, bomb, sizeof bomb);
    expect_closed(fd);
    close(fd);
    expect_server_answers(_i);
}
END_TEST

START_TEST(test_size_bomb_inside_request)
{
    /* A request whose params claim 4 billion elements, then a byte more. */
    static const unsigned char bomb[] = {
        0x94, 0x00, 0x01, 0xa8, 'c', 'a', 'l', 'c', '.', 'a', 'd', 'd',
        0xdd, 0xff, 0xff, 0xff, 0xff, 0x01
    };
    int fd = raw_connect(_i);

    raw_write(fd, bomb, sizeof bomb);
    expect_closed(fd);
    close(fd);
    expect_server_answers(_i);
}
END_TEST

START_TEST(test_deep_nesting)
{
    unsigned char msg[64];
    size_t n = 0;
    int fd = raw_connect(_i);

    msg[n++] = 0x94;                    /* [0, 1, "calc.add", params] */
    msg[n++] = 0x00;
    msg[n++] = 0x01;
    msg[n++] = 0xa8;
    memcpy(msg + n, "calc.add", 8);
    n += 8;
    for (int depth = 0; depth < 40; depth++)
        msg[n++] = 0x91;                /* an array holding ... */
    msg[n++] = 0x00;
    raw_write(fd, msg, n);
    expect_closed(fd);
    close(fd);
    expect_server_answers(_i);
}
END_TEST

START_TEST(test_truncated_then_gone)
{
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    int fd = raw_connect(_i);

    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    pack_add_request(&pk, 1, 2, 3);
    raw_write(fd, sbuf.data, sbuf.size / 2);     /* half a message ... */
    msgpack_sbuffer_destroy(&sbuf);
    close(fd);                                   /* ... and the client vanishes */
    expect_server_answers(_i);
}
END_TEST

START_TEST(test_connect_drop_cycles_leak_no_fds)
{
    int before, after = -1;
    static const unsigned char half[] = { 0x94, 0x00, 0x05 };

    expect_server_answers(_i);          /* warm up: lazily opened fds */
    before = settled_fd_count(server.pid);
    ck_assert_int_gt(before, 0);
    for (int i = 0; i < 200; i++) {
        int fd = raw_connect(_i);
        if (i % 2)
            raw_write(fd, half, sizeof half);
        close(fd);
    }
    /* The server notices the closes in its own time: give it two seconds. */
    for (int tries = 0; tries < scaled_ms(200); tries++) {
        after = count_fds(server.pid);
        if (after == before)
            break;
        usleep(10000);
    }
    ck_assert_int_eq(after, before);
    expect_server_answers(_i);
}
END_TEST

/* ---- failures of the peer ---------------------------------------- */

START_TEST(test_server_gone)
{
    srpc_client *c = connect_client(_i);
    int32_t r;
    int rc;

    ck_assert_int_eq(calc_add(c, 1, 1, &r), SRPC_OK);
    ck_assert_int_eq(server_proc_stop(&server), 0);
    rc = calc_add(c, 1, 1, &r);
    ck_assert_msg(rc == SRPC_ECLOSED || rc == SRPC_EIO,
                  "got %s: %s", srpc_strerror(rc), srpc_client_errmsg(c));
    ck_assert_str_ne(srpc_client_errmsg(c), "");
    srpc_client_close(c);
}
END_TEST

START_TEST(test_connection_refused)
{
    srpc_client *c = (srpc_client *)&c;
    char err[256] = "";
    char addr[300];

    snprintf(addr, sizeof addr, "%s", server.addrs[_i]);
    ck_assert_int_eq(server_proc_stop(&server), 0);
    ck_assert_int_eq(srpc_client_connect(&c, addr, NULL, err, sizeof err), SRPC_ECONNECT);
    ck_assert_ptr_eq(c, NULL);
    ck_assert_msg(strstr(err, addr + (_i == 0 ? 5 : 4)) != NULL,
                  "message should name the address: %s", err);
}
END_TEST

START_TEST(test_graceful_stop_removes_socket_file)
{
    struct stat st;
    const char *path = server.addrs[0] + strlen("unix:");

    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISSOCK(st.st_mode));
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(server_proc_stop(&server), 0);
    ck_assert_int_eq(stat(path, &st), -1);
    ck_assert_int_eq(errno, ENOENT);
}
END_TEST

START_TEST(test_call_timeout)
{
    /* A listener that accepts connections (the kernel does, via the backlog)
     * but never answers: the call must give up at its deadline. */
    struct sockaddr_in sin = { .sin_family = AF_INET };
    socklen_t len = sizeof sin;
    struct srpc_client_options opts = { .timeout_ms = 200 };
    srpc_client *c;
    char addr[64], err[256] = "";
    int32_t r;
    int lfd = socket(AF_INET, SOCK_STREAM, 0);

    inet_pton(AF_INET, "127.0.0.1", &sin.sin_addr);
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sin, sizeof sin), 0);
    ck_assert_int_eq(listen(lfd, 4), 0);
    ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sin, &len), 0);
    snprintf(addr, sizeof addr, "tcp:127.0.0.1:%u", ntohs(sin.sin_port));
    ck_assert_int_eq(srpc_client_connect(&c, addr, &opts, err, sizeof err), SRPC_OK);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_ETIMEDOUT);
    srpc_client_close(c);
    close(lfd);
}
END_TEST

/* ---- the calc_client program ------------------------------------- */

/* Runs calc_client with ARGS; returns its exit status, its stdout+stderr in
 * OUT. */
static int run_client(char *out, size_t outlen, const char *addr,
                      const char *a1, const char *a2, const char *a3)
{
    int pipefd[2];
    pid_t pid;
    int status;
    size_t used = 0;
    ssize_t n;

    ck_assert_int_eq(pipe(pipefd), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        const char *prog = build_path("examples/calc/calc_client");
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        execl(prog, prog, addr, a1, a2, a3, (char *)NULL);
        _exit(127);
    }
    close(pipefd[1]);
    while (used + 1 < outlen && (n = read(pipefd[0], out + used, outlen - 1 - used)) > 0)
        used += (size_t)n;
    out[used] = '\0';
    close(pipefd[0]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

START_TEST(test_client_program)
{
    char out[512];

    ck_assert_int_eq(run_client(out, sizeof out, server.addrs[_i], "add", "2", "3"), 0);
    ck_assert_str_eq(out, "5\n");
    ck_assert_int_eq(run_client(out, sizeof out, server.addrs[_i], "div", "7", "0"), 1);
    ck_assert_msg(strstr(out, "error 1 (DIVISION_BY_ZERO): ") &&
                  strstr(out, "division by zero"), "%s", out);
    ck_assert_int_eq(run_client(out, sizeof out, server.addrs[_i], "pow", "2", "3"), 2);
    ck_assert_int_eq(run_client(out, sizeof out, server.addrs[_i], "add", "2", "x"), 2);
}
END_TEST

static Suite *calc_suite(void)
{
    Suite *s = suite_create("calc");
    TCase *calls = tcase_create("calls");
    TCase *hostile = tcase_create("hostile");
    TCase *failures = tcase_create("failures");

    tcase_add_checked_fixture(calls, start_server, stop_server);
    tcase_add_loop_test(calls, test_arithmetic, 0, 2);
    tcase_add_loop_test(calls, test_division_by_zero, 0, 2);
    tcase_add_loop_test(calls, test_overflow_is_an_error, 0, 2);
    tcase_add_loop_test(calls, test_oneway_note, 0, 2);
    tcase_add_loop_test(calls, test_unknown_method, 0, 2);
    tcase_add_loop_test(calls, test_wrong_argument_count, 0, 2);
    tcase_add_loop_test(calls, test_wrong_argument_type, 0, 2);
    tcase_add_loop_test(calls, test_pipelined_requests, 0, 2);
    tcase_add_loop_test(calls, test_client_program, 0, 2);
    suite_add_tcase(s, calls);

    tcase_add_checked_fixture(hostile, start_server, stop_server);
    tcase_set_timeout(hostile, 20);
    tcase_add_loop_test(hostile, test_garbage_bytes, 0, 2);
    tcase_add_loop_test(hostile, test_size_bomb, 0, 2);
    tcase_add_loop_test(hostile, test_size_bomb_inside_request, 0, 2);
    tcase_add_loop_test(hostile, test_deep_nesting, 0, 2);
    tcase_add_loop_test(hostile, test_truncated_then_gone, 0, 2);
    tcase_add_loop_test(hostile, test_connect_drop_cycles_leak_no_fds, 0, 2);
    suite_add_tcase(s, hostile);

    tcase_add_checked_fixture(failures, start_server, stop_server);
    tcase_set_timeout(failures, 20);
    tcase_add_loop_test(failures, test_server_gone, 0, 2);
    tcase_add_loop_test(failures, test_connection_refused, 0, 2);
    tcase_add_test(failures, test_graceful_stop_removes_socket_file);
    tcase_add_test(failures, test_call_timeout);
    suite_add_tcase(s, failures);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(calc_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
