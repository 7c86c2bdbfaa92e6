/*
 * test_address.c - every address form and every error message.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "transport/address.h"
#include "sockrpc.h"
#include "transport/transport.h"

static struct srpc__address addr;
static char err[256];

static int parse(const char *text)
{
    err[0] = '\0';
    return srpc__address_parse(text, &addr, err, sizeof err);
}

START_TEST(unix_path)
{
    ck_assert_int_eq(parse("unix:/tmp/calc.sock"), SRPC_OK);
    ck_assert_ptr_eq(addr.ops, &srpc__transport_unix);
    ck_assert_str_eq(addr.path, "/tmp/calc.sock");
    ck_assert(!addr.abstract);
    ck_assert_int_eq(parse("unix:relative.sock"), SRPC_OK);
    ck_assert_str_eq(addr.path, "relative.sock");
}
END_TEST

START_TEST(unix_abstract)
{
#ifdef __linux__
    ck_assert_int_eq(parse("unix:@calc"), SRPC_OK);
    ck_assert(addr.abstract);
    ck_assert_str_eq(addr.path, "calc");
#else
    ck_assert_int_eq(parse("unix:@calc"), SRPC_EADDRESS);
#endif
}
END_TEST

START_TEST(unix_lengths)
{
    char text[200] = "unix:/";

    memset(text + 6, 'a', 106); /* path of 107 bytes: the most that fits */
    ck_assert_int_eq(parse(text), SRPC_OK);
    ck_assert_uint_eq(strlen(addr.path), 107);
    text[6 + 106] = 'a';        /* 108 */
    ck_assert_int_eq(parse(text), SRPC_EADDRESS);
    ck_assert_str_eq(err, "unix socket path too long (max 107 bytes)");
#ifdef __linux__
    memcpy(text, "unix:@", 6);  /* abstract name of 107 bytes: fits */
    ck_assert_int_eq(parse(text), SRPC_OK);
    text[6 + 107] = 'a';        /* 108 */
    ck_assert_int_eq(parse(text), SRPC_EADDRESS);
    ck_assert_str_eq(err, "unix abstract socket name too long (max 107 bytes)");
#endif
    ck_assert_int_eq(parse("unix:"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "empty unix socket path in 'unix:'");
}
END_TEST

START_TEST(tcp_forms)
{
    ck_assert_int_eq(parse("tcp:localhost:15001"), SRPC_OK);
    ck_assert_ptr_eq(addr.ops, &srpc__transport_tcp);
    ck_assert_str_eq(addr.host, "localhost");
    ck_assert_str_eq(addr.port, "15001");
    ck_assert_int_eq(parse("tcp:127.0.0.1:0"), SRPC_OK);
    ck_assert_str_eq(addr.host, "127.0.0.1");
    ck_assert_str_eq(addr.port, "0");
    ck_assert_int_eq(parse("tcp:[::1]:65535"), SRPC_OK);
    ck_assert_str_eq(addr.host, "::1");
    ck_assert_str_eq(addr.port, "65535");
    ck_assert_int_eq(parse("tcp:[fe80::1%lo]:80"), SRPC_OK);
    ck_assert_str_eq(addr.host, "fe80::1%lo");
}
END_TEST

START_TEST(tcp_errors)
{
    ck_assert_int_eq(parse("tcp:localhost"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "missing port in 'tcp:localhost'");
    ck_assert_int_eq(parse("tcp:localhost:"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "missing port in 'tcp:localhost:'");
    ck_assert_int_eq(parse("tcp::80"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "missing host in 'tcp::80'");
    ck_assert_int_eq(parse("tcp:[]:80"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "missing host in 'tcp:[]:80'");
    ck_assert_int_eq(parse("tcp:h:65536"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "invalid port in 'tcp:h:65536' (expected 0 to 65535)");
    ck_assert_int_eq(parse("tcp:h:-1"), SRPC_EADDRESS);
    ck_assert_int_eq(parse("tcp:h:http"), SRPC_EADDRESS);
    ck_assert_int_eq(parse("tcp:h:8o"), SRPC_EADDRESS);
    ck_assert_int_eq(parse("tcp:h: 80"), SRPC_EADDRESS);
    ck_assert_int_eq(parse("tcp:h:000080"), SRPC_EADDRESS);
    ck_assert_int_eq(parse("tcp:[::1:80"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "missing ']' in 'tcp:[::1:80'");
    ck_assert_int_eq(parse("tcp:[::1]80"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "expected ':' after ']' in 'tcp:[::1]80'");
    ck_assert_int_eq(parse("tcp:[::1]"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "missing port in 'tcp:[::1]'");
    ck_assert_int_eq(parse("tcp:::1:80"), SRPC_EADDRESS);
    ck_assert_str_eq(err,
        "IPv6 address must be in brackets, as in tcp:[::1]:port: 'tcp:::1:80'");
}
END_TEST

START_TEST(tcp_host_too_long)
{
    char text[400] = "tcp:";

    memset(text + 4, 'h', 256);
    strcpy(text + 260, ":80");
    ck_assert_int_eq(parse(text), SRPC_EADDRESS);
    ck_assert(strncmp(err, "host name too long in ", 22) == 0);
}
END_TEST

START_TEST(scheme_errors)
{
    ck_assert_int_eq(parse("udp:localhost:53"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "unknown scheme 'udp' (expected unix: or tcp:)");
    ck_assert_int_eq(parse("/tmp/calc.sock"), SRPC_EADDRESS);
    ck_assert_str_eq(err, "missing scheme in '/tmp/calc.sock' (expected unix: or tcp:)");
    ck_assert_int_eq(parse("TCP:h:1"), SRPC_EADDRESS); /* schemes are lowercase */
    ck_assert_int_eq(parse(""), SRPC_EADDRESS);
    ck_assert_str_eq(err, "empty address (expected unix:PATH or tcp:HOST:PORT)");
    ck_assert_int_eq(parse(NULL), SRPC_EADDRESS);
    /* A NULL error buffer is allowed. */
    ck_assert_int_eq(srpc__address_parse("x", &addr, NULL, 0), SRPC_EADDRESS);
}
END_TEST

/* The messages reach users through the public API too. */
START_TEST(public_api_messages)
{
    srpc_client *c = (srpc_client *)1;
    srpc_server *s;

    ck_assert_int_eq(srpc_client_connect(&c, "tcp:localhost", NULL, err, sizeof err),
                     SRPC_EADDRESS);
    ck_assert_ptr_null(c);
    ck_assert_str_eq(err, "missing port in 'tcp:localhost'");
    ck_assert_int_eq(srpc_server_create(&s, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(s, "udp:x:1"), SRPC_EADDRESS);
    ck_assert_str_eq(srpc_server_errmsg(s), "unknown scheme 'udp' (expected unix: or tcp:)");
    ck_assert_ptr_null(srpc_server_address(s, 0));
    srpc_server_destroy(s);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("address");
    TCase *tc = tcase_create("address");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, unix_path);
    tcase_add_test(tc, unix_abstract);
    tcase_add_test(tc, unix_lengths);
    tcase_add_test(tc, tcp_forms);
    tcase_add_test(tc, tcp_errors);
    tcase_add_test(tc, tcp_host_too_long);
    tcase_add_test(tc, scheme_errors);
    tcase_add_test(tc, public_api_messages);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
