#include "config.h"

/*
 * test_types.c - every type of the IDL through stubs that idlc generated
 * from tests/integration/alltypes.idl: a real server (srpc_server in a
 * thread, on a Unix socket in a fresh directory) and a real client.
 *
 * Boundary values travel both ways; values over their bound are refused
 * by the client stub before anything is sent, and by the server when a
 * hand-packed request carries them; structs are checked field by field,
 * with unknown keys skipped and missing or repeated ones refused.
 */

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "sockrpc/codec.h"
#include "testutil.h"
#include "alltypes.h"
#include "alltypes_impl.h"

/* ---- fixture: a server thread and a connected client -------------- */

static char dir[256];
static struct tu_server ts;
static srpc_client *client;

static void setup(void)
{
    char addr[300];
    char errbuf[256];

    tu_mkdtemp(dir, sizeof dir);
    snprintf(addr, sizeof addr, "unix:%s/types.sock", dir);
    ck_assert_int_eq(srpc_server_create(&ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(types_serve(ts.srv, &alltypes_ops, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, addr), SRPC_OK);
    tu_server_start(&ts);
    ck_assert_msg(srpc_client_connect(&client, addr, NULL, errbuf,
                                      sizeof errbuf) == SRPC_OK,
                  "%s", errbuf);
}

static void teardown(void)
{
    srpc_client_close(client);
    client = NULL;
    tu_server_stop(&ts);
    tu_rmdir(dir);
}

/* The client's last error message contains WANT. */
#define ck_errmsg(want)                                                    \
    ck_assert_msg(strstr(srpc_client_errmsg(client), (want)) != NULL,      \
                  "errmsg \"%s\" lacks \"%s\"",                            \
                  srpc_client_errmsg(client), (want))

/* ---- scalars ------------------------------------------------------ */

START_TEST(small_integers_at_their_limits)
{
    int8_t i8;
    int16_t i16;
    uint8_t u8;
    uint16_t u16;

    ck_assert_int_eq(types_echo_i8(client, INT8_MIN, &i8), SRPC_OK);
    ck_assert_int_eq(i8, INT8_MIN);
    ck_assert_int_eq(types_echo_i8(client, INT8_MAX, &i8), SRPC_OK);
    ck_assert_int_eq(i8, INT8_MAX);
    ck_assert_int_eq(types_echo_i16(client, INT16_MIN, &i16), SRPC_OK);
    ck_assert_int_eq(i16, INT16_MIN);
    ck_assert_int_eq(types_echo_i16(client, INT16_MAX, &i16), SRPC_OK);
    ck_assert_int_eq(i16, INT16_MAX);
    ck_assert_int_eq(types_echo_u8(client, UINT8_MAX, &u8), SRPC_OK);
    ck_assert_uint_eq(u8, UINT8_MAX);
    ck_assert_int_eq(types_echo_u8(client, 0, &u8), SRPC_OK);
    ck_assert_uint_eq(u8, 0);
    ck_assert_int_eq(types_echo_u16(client, UINT16_MAX, &u16), SRPC_OK);
    ck_assert_uint_eq(u16, UINT16_MAX);
}
END_TEST

START_TEST(wide_integers_at_their_limits)
{
    int64_t i64;
    uint64_t u64;

    /* Constants of the .idl are macros of the header. */
    ck_assert(TYPES_LOWEST == INT64_MIN);
    ck_assert_uint_eq(TYPES_SHORT, 8);
    ck_assert_str_eq(TYPES_HELLO, "hi \"there\"\n");
    ck_assert_int_eq(types_echo_i64(client, TYPES_LOWEST, &i64), SRPC_OK);
    ck_assert(i64 == INT64_MIN);

    ck_assert_int_eq(types_echo_i64(client, INT64_MIN, &i64), SRPC_OK);
    ck_assert(i64 == INT64_MIN);
    ck_assert_int_eq(types_echo_i64(client, INT64_MAX, &i64), SRPC_OK);
    ck_assert(i64 == INT64_MAX);
    ck_assert_int_eq(types_echo_u64(client, UINT64_MAX, &u64), SRPC_OK);
    ck_assert(u64 == UINT64_MAX);
}
END_TEST

/* A value out of an argument's range, hand-packed: the server refuses. */
START_TEST(small_integer_out_of_range_is_refused)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.echo_i8", 1);

    msgpack_pack_int64(pk, 128);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INVALID_ARGS);
    ck_errmsg("argument 1 (v)");

    pk = srpc_client_begin(client, "types.echo_u16", 1);
    msgpack_pack_int64(pk, -1);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
}
END_TEST

START_TEST(floats_special_values)
{
    float f;
    double d;

    ck_assert_int_eq(types_echo_f(client, NAN, &f), SRPC_OK);
    ck_assert(isnan(f));
    ck_assert_int_eq(types_echo_f(client, INFINITY, &f), SRPC_OK);
    ck_assert(isinf(f) && f > 0);
    ck_assert_int_eq(types_echo_f(client, -INFINITY, &f), SRPC_OK);
    ck_assert(isinf(f) && f < 0);
    ck_assert_int_eq(types_echo_f(client, FLT_MAX, &f), SRPC_OK);
    ck_assert(f == FLT_MAX);
    ck_assert_int_eq(types_echo_f(client, -0.0f, &f), SRPC_OK);
    ck_assert(f == 0.0f && signbit(f));
    ck_assert_int_eq(types_echo_d(client, NAN, &d), SRPC_OK);
    ck_assert(isnan(d));
    ck_assert_int_eq(types_echo_d(client, -INFINITY, &d), SRPC_OK);
    ck_assert(isinf(d) && d < 0);
    ck_assert_int_eq(types_echo_d(client, DBL_MAX, &d), SRPC_OK);
    ck_assert(d == DBL_MAX);
}
END_TEST

/* A float accepts float64 and integers; a finite double beyond FLT_MAX
 * would change value, so it is refused. */
START_TEST(float_accepts_float64_and_integers)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.echo_f", 1);
    float f;

    msgpack_pack_double(pk, 0.5);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(srpc_get_float(reply, &f), SRPC_OK);
    ck_assert(f == 0.5f);

    pk = srpc_client_begin(client, "types.echo_f", 1);
    msgpack_pack_int64(pk, -3);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(srpc_get_float(reply, &f), SRPC_OK);
    ck_assert(f == -3.0f);

    pk = srpc_client_begin(client, "types.echo_f", 1);
    msgpack_pack_double(pk, 1e300);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (v) must be float");
}
END_TEST

/* ---- bytes and bounds --------------------------------------------- */

START_TEST(bytes_round_trip)
{
    uint8_t data[256];
    srpc_bytes in = { data, sizeof data }, out;

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (uint8_t)i;  /* zeros included */
    ck_assert_int_eq(types_reverse(client, in, &out), SRPC_OK);
    ck_assert_uint_eq(out.len, sizeof data);
    for (size_t i = 0; i < sizeof data; i++)
        ck_assert_uint_eq(out.data[i], 255 - i);

    in.data = NULL;
    in.len = 0;
    ck_assert_int_eq(types_reverse(client, in, &out), SRPC_OK);
    ck_assert_uint_eq(out.len, 0);
    srpc_client_free_results(client);
}
END_TEST

/* bytes is msgpack bin, but old msgpack peers have only str: a str is
 * taken as its bytes.  Anything else is refused. */
START_TEST(bytes_takes_a_string)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.reverse", 1);

    srpc_pack_str(pk, "abc");
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(reply->type, MSGPACK_OBJECT_BIN);
    ck_assert_uint_eq(reply->via.bin.size, 3);
    ck_assert_int_eq(memcmp(reply->via.bin.ptr, "cba", 3), 0);
    srpc_client_free_results(client);
    pk = srpc_client_begin(client, "types.reverse", 1);
    msgpack_pack_int(pk, 3);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (b): expected bytes, got integer");
}
END_TEST

START_TEST(string_bound)
{
    const char *s;

    ck_assert_int_eq(types_echo_s8(client, "", &s), SRPC_OK);
    ck_assert_str_eq(s, "");
    ck_assert_int_eq(types_echo_s8(client, "12345678", &s), SRPC_OK);
    ck_assert_str_eq(s, "12345678");
    /* Counted in bytes: "é" is two. */
    ck_assert_int_eq(types_echo_s8(client, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9",
                                   &s), SRPC_OK);
    ck_assert_int_eq(types_echo_s8(client, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9!",
                                   &s), SRPC_EINVAL);
    ck_errmsg("types.echo_s8: argument 1 (s): expected string<8>, got 9 bytes");

    /* Refused before sending: the connection still works. */
    ck_assert_int_eq(types_echo_s8(client, "123456789", &s), SRPC_EINVAL);
    ck_assert_int_eq(types_echo_s8(client, NULL, &s), SRPC_EINVAL);
    ck_errmsg("expected string<8>, got NULL");
    ck_assert_int_eq(types_echo_s8(client, "ok", &s), SRPC_OK);
    ck_assert_str_eq(s, "ok");
    srpc_client_free_results(client);
}
END_TEST

/* A peer that does not check: the server refuses bound + 1. */
START_TEST(string_bound_checked_by_server)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.echo_s8", 1);

    srpc_pack_str(pk, "123456789");
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INVALID_ARGS);
    ck_errmsg("types.echo_s8: argument 1 (s): expected string<8>, got 9 "
              "bytes");
}
END_TEST

START_TEST(bytes_bound)
{
    static const uint8_t five[5] = { 1, 2, 3, 4, 5 };
    srpc_bytes in = { five, 4 }, out;
    const msgpack_object *reply;
    msgpack_packer *pk;

    ck_assert_int_eq(types_echo_b4(client, in, &out), SRPC_OK);
    ck_assert_uint_eq(out.len, 4);
    ck_assert_int_eq(memcmp(out.data, five, 4), 0);
    in.len = 5;
    ck_assert_int_eq(types_echo_b4(client, in, &out), SRPC_EINVAL);
    ck_errmsg("argument 1 (b): expected bytes<4>, got 5 bytes");

    pk = srpc_client_begin(client, "types.echo_b4", 1);
    msgpack_pack_bin(pk, 5);
    msgpack_pack_bin_body(pk, five, 5);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (b): expected bytes<4>, got 5 bytes");
    srpc_client_free_results(client);
}
END_TEST

/* A handler that breaks its result's bound: the caller gets an internal
 * error, not a string the .idl promised could not be that long. */
START_TEST(result_bound_checked_by_server)
{
    const char *s = "unchanged";

    ck_assert_int_eq(types_too_long(client, &s), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INTERNAL);
    ck_errmsg("expected string<8>, got 9 bytes");
    ck_assert_str_eq(s, "unchanged");
}
END_TEST

/* The client checks a result's bound too (a server built from another
 * .idl): echo_s8's reply read as the reply of a string<4>. */
START_TEST(result_bound_checked_by_client)
{
    const msgpack_object *reply;
    const char *s;
    msgpack_packer *pk = srpc_client_begin(client, "types.echo_s8", 1);

    srpc_pack_str(pk, "12345");
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(srpc_get_str_max(reply, srpc_client_arena(client), 4,
                                      &s), SRPC_ETOOBIG);
    srpc_client_free_results(client);
}
END_TEST

/* ---- structs ------------------------------------------------------ */

START_TEST(struct_optionals_absent)
{
    struct types_point p = { .x = 1, .y = -2 }, r;

    ck_assert_int_eq(types_flip(client, &p, &r), SRPC_OK);
    ck_assert_int_eq(r.x, -2);
    ck_assert_int_eq(r.y, 1);
    ck_assert_ptr_null(r.label);
    ck_assert(!r.has_z);
}
END_TEST

START_TEST(struct_optionals_present)
{
    struct types_point p = { .x = INT32_MIN, .y = INT32_MAX,
                             .label = "sixteen bytes!!!", .has_z = true,
                             .z = NAN }, r;

    ck_assert_int_eq(types_flip(client, &p, &r), SRPC_OK);
    ck_assert_int_eq(r.x, INT32_MAX);
    ck_assert_int_eq(r.y, INT32_MIN);
    ck_assert_str_eq(r.label, "sixteen bytes!!!");
    ck_assert(r.has_z && isnan(r.z));
    srpc_client_free_results(client);
}
END_TEST

/* Nested structs, optional structs and bytes, recursion through an
 * optional field. */
/*
 * Recursion up to the documented limit: a message nests at most 32
 * msgpack containers (doc/idl.md, Structs).  depth() takes [0, id,
 * "types.depth", [s]]: two arrays, then a map per shape, and the last
 * shape's origin is one more map, so 29 shapes reach 32 levels.  One
 * more is refused by the client before anything is sent, and the
 * connection stays usable.
 */
START_TEST(recursion_to_the_depth_limit)
{
    enum { LIMIT = 29 };
    struct types_shape chain[LIMIT + 1];
    int32_t n = -1;

    memset(chain, 0, sizeof chain);
    for (int i = 0; i <= LIMIT; i++) {
        chain[i].name = "link";
        chain[i].next = i < LIMIT ? &chain[i + 1] : NULL;
    }
    /* chain[1 .. LIMIT]: LIMIT shapes, the deepest message accepted. */
    ck_assert_int_eq(types_depth(client, &chain[1], &n), SRPC_OK);
    ck_assert_int_eq(n, LIMIT - 1);

    n = -1;
    ck_assert_int_eq(types_depth(client, &chain[0], &n), SRPC_EINVAL);
    ck_errmsg("types.depth: cannot send the request: message nests too "
              "deeply (at most 32 levels)");
    ck_assert_int_eq(n, -1);
    ck_assert_int_eq(srpc_client_remote_code(client), 0);

    ck_assert_int_eq(types_depth(client, &chain[2], &n), SRPC_OK);
    ck_assert_int_eq(n, LIMIT - 2);
}
END_TEST

START_TEST(nested_structs)
{
    struct types_point corner = { .x = 5, .y = 6, .label = "" };
    uint8_t blob[3] = { 0, 1, 0 };
    srpc_bytes blob_b = { blob, 3 };
    struct types_shape inner = {
        .name = "inner", .origin = { .x = 3 }, .data = { NULL, 0 },
        .sides = 10,
    };
    struct types_shape mid = {
        .name = "mid", .origin = { .y = 4 }, .corner = &corner,
        .data = { blob, 3 }, .next = &inner, .sides = 20,
    };
    struct types_shape top = {
        .name = "12345678", .origin = { .x = 1, .y = 2, .label = "o" },
        .data = { (const uint8_t *)"0123456789abcdef", 16 }, .blob = &blob_b,
        .next = &mid, .sides = 3,
    };
    struct types_shape r;
    int32_t n;

    ck_assert_int_eq(types_grow(client, &top, 2, &r), SRPC_OK);
    ck_assert_str_eq(r.name, "12345678");
    ck_assert_int_eq(r.origin.x, 1);
    ck_assert_int_eq(r.origin.y, 2);
    ck_assert_str_eq(r.origin.label, "o");
    ck_assert_ptr_null(r.corner);
    ck_assert_uint_eq(r.data.len, 16);
    ck_assert_int_eq(memcmp(r.data.data, "0123456789abcdef", 16), 0);
    ck_assert_ptr_nonnull(r.blob);
    ck_assert_uint_eq(r.blob->len, 3);
    ck_assert_int_eq(memcmp(r.blob->data, blob, 3), 0);
    ck_assert_uint_eq(r.sides, 5);
    ck_assert_ptr_nonnull(r.next);
    ck_assert_str_eq(r.next->name, "mid");
    ck_assert_ptr_nonnull(r.next->corner);
    ck_assert_int_eq(r.next->corner->x, 5);
    ck_assert_str_eq(r.next->corner->label, "");
    ck_assert_ptr_null(r.next->blob);
    ck_assert_uint_eq(r.next->sides, 22);
    ck_assert_ptr_nonnull(r.next->next);
    ck_assert_uint_eq(r.next->next->sides, 12);
    ck_assert_uint_eq(r.next->next->data.len, 0);
    ck_assert_ptr_null(r.next->next->next);

    ck_assert_int_eq(types_depth(client, &top, &n), SRPC_OK);
    ck_assert_int_eq(n, 2);
    srpc_client_free_results(client);
}
END_TEST

/* A bound deep inside an argument: the stub names the path. */
START_TEST(nested_bound_checked_by_client)
{
    struct types_shape inner = { .name = "inner", .origin = {
        .label = "seventeen bytes!!" } };
    struct types_shape top = { .name = "top", .next = &inner };
    struct types_shape r;

    ck_assert_int_eq(types_grow(client, &top, 1, &r), SRPC_EINVAL);
    ck_errmsg("types.grow: argument 1 (s) field 'next.origin.label': "
              "expected string<16>, got 17 bytes");
    top.name = NULL;
    ck_assert_int_eq(types_grow(client, &top, 1, &r), SRPC_EINVAL);
    ck_errmsg("argument 1 (s) field 'name': expected string<8>, got NULL");
    ck_assert_int_eq(types_grow(client, NULL, 1, &r), SRPC_EINVAL);
    ck_errmsg("argument 1 (s): expected struct shape, got NULL");
}
END_TEST

/* Packs a point by hand: a map with the given keys. */
static void pack_key(msgpack_packer *pk, const char *key)
{
    srpc_pack_str(pk, key);
}

/* A newer peer's struct with a field this side does not know. */
START_TEST(struct_unknown_key_is_skipped)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.flip", 1);

    msgpack_pack_map(pk, 4);
    pack_key(pk, "color");
    srpc_pack_str(pk, "red");
    pack_key(pk, "y");
    msgpack_pack_int32(pk, 7);
    pack_key(pk, "x");
    msgpack_pack_int32(pk, 8);
    msgpack_pack_int32(pk, 99);  /* a non-string key: skipped too */
    msgpack_pack_array(pk, 0);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(reply->type, MSGPACK_OBJECT_MAP);
    ck_assert_uint_eq(reply->via.map.size, 2); /* absent optionals omitted */
}
END_TEST

START_TEST(struct_missing_field_is_refused)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.flip", 1);

    msgpack_pack_map(pk, 1);
    pack_key(pk, "x");
    msgpack_pack_int32(pk, 1);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INVALID_ARGS);
    ck_errmsg("types.flip: argument 1 (p): required field 'y' is missing");
}
END_TEST

START_TEST(struct_duplicate_field_is_refused)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.flip", 1);

    msgpack_pack_map(pk, 3);
    pack_key(pk, "x");
    msgpack_pack_int32(pk, 1);
    pack_key(pk, "y");
    msgpack_pack_int32(pk, 1);
    pack_key(pk, "x");
    msgpack_pack_int32(pk, 2);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (p): field 'x' appears twice");
}
END_TEST

START_TEST(struct_field_of_wrong_type_is_refused)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.flip", 1);

    msgpack_pack_map(pk, 2);
    pack_key(pk, "x");
    msgpack_pack_int32(pk, 1);
    pack_key(pk, "y");
    srpc_pack_str(pk, "two");
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("types.flip: argument 1 (p) field 'y': expected int32, got "
              "string");

    pk = srpc_client_begin(client, "types.flip", 1);
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, 1);
    msgpack_pack_int32(pk, 2);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (p): expected struct point, got array");
}
END_TEST

/* Decoding fails deep inside, after strings and bytes were already
 * decoded into the arena: nothing leaks (ASan, valgrind). */
static void pack_shape_head(msgpack_packer *pk, const char *name)
{
    msgpack_pack_map(pk, 4);
    pack_key(pk, "name");
    srpc_pack_str(pk, name);
    pack_key(pk, "data");
    msgpack_pack_bin(pk, 2);
    msgpack_pack_bin_body(pk, "xy", 2);
    pack_key(pk, "sides");
    msgpack_pack_uint8(pk, 1);
    pack_key(pk, "origin");
}

START_TEST(nested_failure_halfway)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.depth", 1);

    msgpack_pack_map(pk, 5);
    pack_key(pk, "next");
    pack_shape_head(pk, "inner");
    msgpack_pack_map(pk, 3);
    pack_key(pk, "x");
    msgpack_pack_int32(pk, 1);
    pack_key(pk, "label");
    srpc_pack_str(pk, "ok");
    pack_key(pk, "y");
    msgpack_pack_true(pk);  /* wrong */
    pack_key(pk, "name");
    srpc_pack_str(pk, "outer");
    pack_key(pk, "data");
    msgpack_pack_bin(pk, 0);
    pack_key(pk, "sides");
    msgpack_pack_uint8(pk, 1);
    pack_key(pk, "origin");
    msgpack_pack_map(pk, 2);
    pack_key(pk, "x");
    msgpack_pack_int32(pk, 1);
    pack_key(pk, "y");
    msgpack_pack_int32(pk, 1);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("types.depth: argument 1 (s) field 'next.origin.y': expected "
              "int32, got bool");

    /* A nil optional field reads as absent. */
    pk = srpc_client_begin(client, "types.depth", 1);
    pack_shape_head(pk, "solo");
    msgpack_pack_map(pk, 3);
    pack_key(pk, "x");
    msgpack_pack_int32(pk, 1);
    pack_key(pk, "y");
    msgpack_pack_int32(pk, 1);
    pack_key(pk, "label");
    msgpack_pack_nil(pk);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
}
END_TEST

/* ---- enums -------------------------------------------------------- */

START_TEST(enum_round_trip)
{
    enum types_color c = TYPES_COLOR_RED;
    enum types_level l;

    ck_assert_int_eq(types_next_color(client, c, &c), SRPC_OK);
    ck_assert_int_eq(c, TYPES_COLOR_GREEN);
    ck_assert_int_eq(types_next_color(client, c, &c), SRPC_OK);
    ck_assert_int_eq(c, TYPES_COLOR_BLUE);
    ck_assert_int_eq(TYPES_COLOR_BLUE, 6);
    ck_assert_int_eq(types_echo_level(client, TYPES_LEVEL_LOW, &l), SRPC_OK);
    ck_assert_int_eq(l, -1);
    ck_assert_int_eq(types_echo_level(client, TYPES_LEVEL_HIGH, &l), SRPC_OK);
    ck_assert_int_eq(l, 1000);
}
END_TEST

/* A closed enum refuses a number it does not name; an open one keeps it
 * (a newer peer's value). */
START_TEST(enum_unknown_value)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.next_color", 1);
    enum types_level l;

    msgpack_pack_int32(pk, 1);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INVALID_ARGS);
    ck_errmsg("types.next_color: argument 1 (c): expected enum color, got 1, "
              "which is not one of its values");

    pk = srpc_client_begin(client, "types.next_color", 1);
    srpc_pack_str(pk, "RED");
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("expected enum color, got string");

    ck_assert_int_eq(types_echo_level(client, (enum types_level)42, &l),
                     SRPC_OK);
    ck_assert_int_eq(l, 42);
    ck_assert_int_eq(types_echo_level(client, (enum types_level)INT32_MIN,
                                      &l), SRPC_OK);
    ck_assert_int_eq(l, INT32_MIN);

    pk = srpc_client_begin(client, "types.echo_level", 1);
    msgpack_pack_int64(pk, (int64_t)INT32_MAX + 1);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
}
END_TEST

START_TEST(enum_in_struct)
{
    struct types_swatch s = { .c = TYPES_COLOR_BLUE }, r;
    const msgpack_object *reply;
    msgpack_packer *pk;

    ck_assert_int_eq(types_echo_swatch(client, &s, &r), SRPC_OK);
    ck_assert_int_eq(r.c, TYPES_COLOR_BLUE);
    ck_assert(!r.has_l);
    s.has_l = true;
    s.l = TYPES_LEVEL_LOW;
    ck_assert_int_eq(types_echo_swatch(client, &s, &r), SRPC_OK);
    ck_assert(r.has_l);
    ck_assert_int_eq(r.l, TYPES_LEVEL_LOW);

    pk = srpc_client_begin(client, "types.echo_swatch", 1);
    msgpack_pack_map(pk, 1);
    pack_key(pk, "c");
    msgpack_pack_int32(pk, -7);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (s) field 'c': expected enum color, got -7, which "
              "is not one of its values");
}
END_TEST

/* ---- sequences and maps ------------------------------------------- */

START_TEST(sequence_round_trip_and_bound)
{
    int32_t in[9] = { INT32_MIN, -1, 0, 1, 2, 3, 4, INT32_MAX, 5 };
    struct types_seq_int32 v = { 0, NULL };
    struct types_seq_int64 r;
    const msgpack_object *reply;
    msgpack_packer *pk;

    ck_assert_int_eq(types_squares(client, &v, &r), SRPC_OK);  /* empty */
    ck_assert_uint_eq(r.n, 0);
    v.items = in;
    v.n = 8;                                   /* at the bound */
    ck_assert_int_eq(types_squares(client, &v, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, 8);
    ck_assert(r.items[0] == (int64_t)INT32_MIN * INT32_MIN);
    ck_assert(r.items[1] == 1);
    ck_assert(r.items[7] == (int64_t)INT32_MAX * INT32_MAX);

    v.n = 9;                                   /* bound + 1 */
    ck_assert_int_eq(types_squares(client, &v, &r), SRPC_EINVAL);
    ck_errmsg("types.squares: argument 1 (v): expected sequence<int32, 8>, "
              "got 9 items");
    v.items = NULL;
    v.n = 1;
    ck_assert_int_eq(types_squares(client, &v, &r), SRPC_EINVAL);

    pk = srpc_client_begin(client, "types.squares", 1);
    msgpack_pack_array(pk, 9);
    for (int i = 0; i < 9; i++)
        msgpack_pack_int32(pk, i);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INVALID_ARGS);
    ck_errmsg("types.squares: argument 1 (v): expected sequence<int32, 8>, "
              "got 9 items");

    pk = srpc_client_begin(client, "types.squares", 1);
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, 1);
    msgpack_pack_double(pk, 1.5);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (v) item [1]: expected int32, got float");
    srpc_client_free_results(client);
}
END_TEST

START_TEST(sequence_of_bounded_strings)
{
    const char *in[] = { "a", "", "abcd" };
    struct types_seq_string v = { 3, in }, r;

    ck_assert_int_eq(types_backwards(client, &v, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_str_eq(r.items[0], "abcd");
    ck_assert_str_eq(r.items[1], "");
    ck_assert_str_eq(r.items[2], "a");
    in[1] = "abcde";
    ck_assert_int_eq(types_backwards(client, &v, &r), SRPC_EINVAL);
    ck_errmsg("argument 1 (v) item [1]: expected string<4>, got 5 bytes");
    srpc_client_free_results(client);
}
END_TEST

START_TEST(map_round_trip)
{
    const char *keys[] = { "zero", "max", "" };
    uint64_t values[] = { 0, UINT64_MAX - 1, 7 };
    struct types_map_string_uint64 m = { 3, keys, values }, r;

    ck_assert_int_eq(types_bump(client, &m, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, 3);
    ck_assert_str_eq(r.keys[0], "zero");
    ck_assert(r.values[0] == 1);
    ck_assert_str_eq(r.keys[1], "max");
    ck_assert(r.values[1] == UINT64_MAX);
    ck_assert_str_eq(r.keys[2], "");
    ck_assert(r.values[2] == 8);
    m.n = 0;
    ck_assert_int_eq(types_bump(client, &m, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, 0);
    srpc_client_free_results(client);
}
END_TEST

START_TEST(map_of_sequences)
{
    static const uint8_t one[1] = { 0 };
    srpc_bytes b1[2] = { { NULL, 0 }, { one, 1 } };
    struct types_seq_bytes seqs[2] = { { 2, b1 }, { 0, NULL } };
    int64_t keys[2] = { INT64_MIN, INT64_MAX };
    struct types_map_int64_seq_bytes m = { 2, keys, seqs }, r;
    const msgpack_object *reply;
    msgpack_packer *pk;

    ck_assert_int_eq(types_echo_nest(client, &m, &r), SRPC_OK);
    ck_assert_uint_eq(r.n, 2);
    ck_assert(r.keys[0] == INT64_MIN);
    ck_assert(r.keys[1] == INT64_MAX);
    ck_assert_uint_eq(r.values[0].n, 2);
    ck_assert_uint_eq(r.values[0].items[0].len, 0);
    ck_assert_uint_eq(r.values[0].items[1].len, 1);
    ck_assert_uint_eq(r.values[0].items[1].data[0], 0);
    ck_assert_uint_eq(r.values[1].n, 0);

    /* Wrong deep inside, after bytes were decoded: no leak. */
    pk = srpc_client_begin(client, "types.echo_nest", 1);
    msgpack_pack_map(pk, 2);
    msgpack_pack_int64(pk, 1);
    msgpack_pack_array(pk, 1);
    msgpack_pack_bin(pk, 3);
    msgpack_pack_bin_body(pk, "abc", 3);
    msgpack_pack_int64(pk, 2);
    msgpack_pack_array(pk, 2);
    msgpack_pack_bin(pk, 1);
    msgpack_pack_bin_body(pk, "d", 1);
    msgpack_pack_true(pk);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("types.echo_nest: argument 1 (m) item [1][1]: expected bytes, "
              "got bool");

    /* A key of the wrong type. */
    pk = srpc_client_begin(client, "types.echo_nest", 1);
    msgpack_pack_map(pk, 1);
    srpc_pack_str(pk, "k");
    msgpack_pack_array(pk, 0);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (m) item [0]: expected int64, got string");
    srpc_client_free_results(client);
}
END_TEST

START_TEST(struct_with_containers)
{
    struct types_point pts[4] = { { .x = 1 }, { .y = 2, .label = "p" } };
    const char *wk[] = { "a", "b" };
    struct types_seq_string words = { 2, wk };
    const char *sk[] = { "alice", "bob" };
    int64_t sv[] = { INT64_MIN, 3 };
    struct types_bag b = { .points = { 2, pts },
                           .scores = { 2, sk, sv } }, r;

    /* A typedef names the same C type. */
    types_few_points *alias = &b.points;
    ck_assert_ptr_eq(alias, &b.points);
    ck_assert_int_eq(types_echo_bag(client, &b, &r), SRPC_OK);
    ck_assert_uint_eq(r.points.n, 2);
    ck_assert_int_eq(r.points.items[0].x, 1);
    ck_assert_str_eq(r.points.items[1].label, "p");
    ck_assert_ptr_null(r.words);
    ck_assert_uint_eq(r.scores.n, 2);
    ck_assert_str_eq(r.scores.keys[1], "bob");
    ck_assert(r.scores.values[0] == INT64_MIN);

    b.words = &words;
    ck_assert_int_eq(types_echo_bag(client, &b, &r), SRPC_OK);
    ck_assert_ptr_nonnull(r.words);
    ck_assert_uint_eq(r.words->n, 2);
    ck_assert_str_eq(r.words->items[1], "b");

    b.points.n = 5;   /* over sequence<point, 4> */
    ck_assert_int_eq(types_echo_bag(client, &b, &r), SRPC_EINVAL);
    ck_errmsg("argument 1 (b) field 'points': expected sequence<point, 4>, "
              "got 5 items");
    b.points.n = 2;
    sk[1] = "too long!";
    ck_assert_int_eq(types_echo_bag(client, &b, &r), SRPC_EINVAL);
    ck_errmsg("argument 1 (b) field 'scores[1]': expected string<8>, got 9 "
              "bytes");
    srpc_client_free_results(client);
}
END_TEST

/* ---- any ---------------------------------------------------------- */

/* Any value goes through as it is, and what the client receives is a copy
 * that outlives the next call. */
START_TEST(any_round_trip)
{
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    msgpack_unpacked u;
    const msgpack_object *r, *nil;
    int8_t i8;

    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_map(&pk, 2);
    srpc_pack_str(&pk, "list");
    msgpack_pack_array(&pk, 4);
    msgpack_pack_nil(&pk);
    msgpack_pack_bin(&pk, 2);
    msgpack_pack_bin_body(&pk, "\0x", 2);
    msgpack_pack_ext(&pk, 1, 7);
    msgpack_pack_ext_body(&pk, "\1", 1);
    msgpack_pack_double(&pk, -0.5);
    msgpack_pack_uint64(&pk, UINT64_MAX);
    srpc_pack_str(&pk, "s");
    msgpack_unpacked_init(&u);
    ck_assert_int_eq(msgpack_unpack_next(&u, sbuf.data, sbuf.size, NULL),
                     MSGPACK_UNPACK_SUCCESS);

    ck_assert_int_eq(types_echo_any(client, &u.data, &r), SRPC_OK);
    ck_assert_int_eq(types_echo_any(client, NULL, &nil), SRPC_OK);
    ck_assert_int_eq(nil->type, MSGPACK_OBJECT_NIL);
    ck_assert_int_eq(types_echo_i8(client, 1, &i8), SRPC_OK); /* reuses
                                                                 buffers */
    ck_assert(msgpack_object_equal(*r, u.data));
    ck_assert_int_eq(r->via.map.ptr[0].val.via.array.ptr[2].type,
                     MSGPACK_OBJECT_EXT);
    msgpack_unpacked_destroy(&u);
    msgpack_sbuffer_destroy(&sbuf);
    srpc_client_free_results(client);
}
END_TEST

/* ---- optional parameters and results ------------------------------ */

START_TEST(optional_scalars)
{
    int32_t v = INT32_MAX - 1;
    const int32_t *r = &v;
    const msgpack_object *reply;
    msgpack_packer *pk;

    ck_assert_int_eq(types_maybe_i32(client, NULL, &r), SRPC_OK);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(types_maybe_i32(client, &v, &r), SRPC_OK);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(*r, INT32_MAX);

    /* Absent is nil on the wire, both ways. */
    pk = srpc_client_begin(client, "types.maybe_i32", 1);
    msgpack_pack_nil(pk);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(reply->type, MSGPACK_OBJECT_NIL);
    pk = srpc_client_begin(client, "types.maybe_i32", 1);
    msgpack_pack_true(pk);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_errmsg("argument 1 (v) must be int32, got bool");
    srpc_client_free_results(client);
}
END_TEST

START_TEST(optional_strings_and_structs)
{
    const char *s = "x";
    struct types_point p = { .x = 1, .y = 2, .label = "l" };
    const struct types_point *rp = NULL;
    static const uint8_t two[1] = { 2 };
    srpc_bytes b = { two, 1 };

    ck_assert_int_eq(types_maybe_str(client, NULL, &s), SRPC_OK);
    ck_assert_ptr_null(s);
    ck_assert_int_eq(types_maybe_str(client, "", &s), SRPC_OK);
    ck_assert_str_eq(s, "");  /* empty is not absent */
    ck_assert_int_eq(types_maybe_str(client, "123456789", &s), SRPC_EINVAL);
    ck_errmsg("argument 1 (s): expected string<8>, got 9 bytes");

    ck_assert_int_eq(types_maybe_point(client, NULL, &b, &rp), SRPC_OK);
    ck_assert_ptr_null(rp);
    ck_assert_int_eq(types_maybe_point(client, &p, NULL, &rp), SRPC_OK);
    ck_assert_ptr_nonnull(rp);
    ck_assert_int_eq(rp->x, 1);
    ck_assert_str_eq(rp->label, "l");
    ck_assert_int_eq(types_maybe_point(client, &p, &b, &rp), SRPC_OK);
    ck_assert_int_eq(rp->x, 3);
    srpc_client_free_results(client);
}
END_TEST

/* ---- fixed arrays ------------------------------------------------- */

START_TEST(fixed_arrays)
{
    struct types_arr3_int32 v = { { INT32_MIN, 0, INT32_MAX } }, r;
    struct types_arr2_string s = { { "a", "" } }, rs;
    const msgpack_object *reply;
    msgpack_packer *pk;

    ck_assert_int_eq(types_rotate(client, &v, &r), SRPC_OK);
    ck_assert_int_eq(r.items[0], 0);
    ck_assert_int_eq(r.items[1], INT32_MAX);
    ck_assert_int_eq(r.items[2], INT32_MIN);
    ck_assert_int_eq(types_swap(client, &s, &rs), SRPC_OK);
    ck_assert_str_eq(rs.items[0], "");
    ck_assert_str_eq(rs.items[1], "a");
    s.items[1] = NULL;
    ck_assert_int_eq(types_swap(client, &s, &rs), SRPC_EINVAL);
    ck_errmsg("argument 1 (v) item [1]: expected string, got NULL");

    /* Exactly 3: 2 and 4 items are refused. */
    for (int n = 2; n <= 4; n += 2) {
        pk = srpc_client_begin(client, "types.rotate", 1);
        msgpack_pack_array(pk, (size_t)n);
        for (int i = 0; i < n; i++)
            msgpack_pack_int32(pk, i);
        ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
        ck_errmsg(n == 2 ? "argument 1 (v): expected int32[3], got 2 items"
                         : "argument 1 (v): expected int32[3], got 4 items");
    }
    srpc_client_free_results(client);
}
END_TEST

/* ---- unions ------------------------------------------------------- */

/* Every arm of the enum-switched union, through the server and back. */
START_TEST(union_every_arm_round_trips)
{
    int32_t items[] = { 1, -2, INT32_MAX, INT32_MIN };
    struct types_value v = { .tag = TYPES_KIND_NONE };
    struct types_value r;

    memset(&r, 0xa5, sizeof r);
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert_int_eq(r.tag, TYPES_KIND_NONE);

    v.tag = TYPES_KIND_NUM;
    v.number = -1.25;
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert_int_eq(r.tag, TYPES_KIND_NUM);
    ck_assert(r.number == -2.5);

    v.tag = TYPES_KIND_TEXT;
    v.text = "12345678"; /* exactly string<SHORT> */
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert_int_eq(r.tag, TYPES_KIND_TEXT);
    ck_assert_str_eq(r.text, "12345678");
    v.text = "";
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert_str_eq(r.text, "");

    v.tag = TYPES_KIND_PAIR;
    v.p = (struct types_point){ .x = 3, .y = -4, .label = "here" };
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert_int_eq(r.tag, TYPES_KIND_PAIR);
    ck_assert_int_eq(r.p.x, -4);
    ck_assert_int_eq(r.p.y, 3);
    ck_assert_str_eq(r.p.label, "here");
    ck_assert(!r.p.has_z);

    v.tag = TYPES_KIND_LIST;
    v.list.n = 4;
    v.list.items = items;
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert_int_eq(r.tag, TYPES_KIND_LIST);
    ck_assert_uint_eq(r.list.n, 4);
    ck_assert_int_eq(r.list.items[0], INT32_MIN);
    ck_assert_int_eq(r.list.items[1], INT32_MAX);
    ck_assert_int_eq(r.list.items[2], -2);
    ck_assert_int_eq(r.list.items[3], 1);
    v.list.n = 0;
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert_int_eq(r.tag, TYPES_KIND_LIST);
    ck_assert_uint_eq(r.list.n, 0);
    srpc_client_free_results(client);
}
END_TEST

/* The integer discriminant at its extremes: INT64_MIN (a const label),
 * -1 (a void arm) and INT64_MAX; the wire carries them as they are. */
START_TEST(union_integer_discriminant_extremes)
{
    struct types_wide w = { .tag = TYPES_LOWEST, .low = INT32_MIN };
    struct types_wide r;
    const msgpack_object *reply;
    msgpack_packer *pk;

    ck_assert_int_eq(types_echo_wide(client, &w, &r), SRPC_OK);
    ck_assert(r.tag == INT64_MIN);
    ck_assert_int_eq(r.low, INT32_MIN);

    w.tag = -1;
    memset(&r, 0xa5, sizeof r);
    ck_assert_int_eq(types_echo_wide(client, &w, &r), SRPC_OK);
    ck_assert(r.tag == -1);

    w.tag = INT64_MAX;
    w.high = UINT64_MAX;
    ck_assert_int_eq(types_echo_wide(client, &w, &r), SRPC_OK);
    ck_assert(r.tag == INT64_MAX);
    ck_assert(r.high == UINT64_MAX);

    /* On the wire: [INT64_MIN, -5] and [-1, nil]. */
    pk = srpc_client_begin(client, "types.echo_wide", 1);
    msgpack_pack_array(pk, 2);
    msgpack_pack_int64(pk, INT64_MIN);
    msgpack_pack_int32(pk, -5);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(reply->type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(reply->via.array.size, 2);
    ck_assert(reply->via.array.ptr[0].via.i64 == INT64_MIN);
    ck_assert(reply->via.array.ptr[1].via.i64 == -5);
    pk = srpc_client_begin(client, "types.echo_wide", 1);
    msgpack_pack_array(pk, 2);
    msgpack_pack_int64(pk, -1);
    msgpack_pack_nil(pk);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(reply->type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(reply->via.array.size, 2);
    ck_assert(reply->via.array.ptr[0].via.i64 == -1);
    ck_assert_int_eq(reply->via.array.ptr[1].type, MSGPACK_OBJECT_NIL);
    srpc_client_free_results(client);
}
END_TEST

/* A tag with no arm: the client's encoder refuses it before anything is
 * sent, and the connection serves the next call. */
START_TEST(union_tag_without_arm_refused_by_client)
{
    struct types_value v = { .tag = TYPES_KIND_SPARE };
    struct types_wide w = { .tag = 0 };
    struct types_boxed b = { .name = "box", .v = { .tag = TYPES_KIND_NONE } };
    struct types_value r;
    struct types_wide rw;
    struct types_boxed rb;
    int calls = atomic_load(&alltypes_union_calls);

    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_EINVAL);
    ck_errmsg("types.twice: argument 1 (v): union value has no arm for tag ");
    ck_assert_int_eq(srpc_client_remote_code(client), 0);
    v.tag = (enum types_kind)-7;
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_EINVAL);
    ck_errmsg("union value has no arm for tag -7");
    ck_assert_int_eq(types_echo_wide(client, &w, &rw), SRPC_EINVAL);
    ck_errmsg("types.echo_wide: argument 1 (w): union wide has no arm for "
              "tag 0");
    b.extra = &v;
    ck_assert_int_eq(types_echo_boxed(client, &b, &rb), SRPC_EINVAL);
    ck_errmsg("argument 1 (b) field 'extra': union value has no arm for "
              "tag -7");
    /* A bad arm value is refused too, with the arm in the path. */
    v.tag = TYPES_KIND_TEXT;
    v.text = "123456789";
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_EINVAL);
    ck_errmsg("argument 1 (v) field 'text': expected string<8>, got 9 bytes");

    ck_assert_int_eq(atomic_load(&alltypes_union_calls), calls); /* none sent */

    v.tag = TYPES_KIND_NUM;
    v.number = 21;
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert(r.number == 42);
    ck_assert_int_eq(atomic_load(&alltypes_union_calls), calls + 1);
    srpc_client_free_results(client);
}
END_TEST

/* Sends [DISC, VALUE] as the argument of types.twice, packed by FN. */
typedef void pack_fn(msgpack_packer *pk);

static void refused(const char *proc, pack_fn *fn, const char *want)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, proc, 1);

    fn(pk);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INVALID_ARGS);
    ck_errmsg(want);
}

static void unknown_disc(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, 4242);
    msgpack_pack_nil(pk);
}

static void spare_disc(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_KIND_SPARE);
    msgpack_pack_nil(pk);
}

static void not_array(msgpack_packer *pk)
{
    msgpack_pack_map(pk, 1);
    srpc_pack_str(pk, "number");
    msgpack_pack_double(pk, 1.0);
}

static void one_item(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 1);
    msgpack_pack_int32(pk, TYPES_KIND_NONE);
}

static void three_items(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 3);
    msgpack_pack_int32(pk, TYPES_KIND_NUM);
    msgpack_pack_double(pk, 1.0);
    msgpack_pack_nil(pk);
}

static void string_disc(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    srpc_pack_str(pk, "NUM");
    msgpack_pack_double(pk, 1.0);
}

static void void_with_value(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_KIND_NONE);
    msgpack_pack_int32(pk, 0);
}

static void arm_wrong_type(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_KIND_NUM);
    srpc_pack_str(pk, "1.5");
}

static void text_over_bound(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_KIND_TEXT);
    srpc_pack_str(pk, "123456789");
}

static void list_over_bound(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_KIND_LIST);
    msgpack_pack_array(pk, 5);
    for (int i = 0; i < 5; i++)
        msgpack_pack_int32(pk, i);
}

static void pair_wrong_field(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_KIND_PAIR);
    msgpack_pack_map(pk, 2);
    srpc_pack_str(pk, "x");
    msgpack_pack_int32(pk, 1);
    srpc_pack_str(pk, "y");
    msgpack_pack_true(pk);
}

static void wide_unknown(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int64(pk, INT64_MIN + 1);
    msgpack_pack_int32(pk, 1);
}

static void wide_uint_disc(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_uint64(pk, UINT64_MAX); /* no int64 */
    msgpack_pack_uint64(pk, 1);
}

static void wide_low_too_big(msgpack_packer *pk)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int64(pk, INT64_MIN);
    msgpack_pack_int64(pk, (int64_t)INT32_MAX + 1);
}

/* Hand-packed unions the server refuses, each with its path. */
START_TEST(union_malformed_refused_by_server)
{
    struct types_value v = { .tag = TYPES_KIND_NUM, .number = 4 };
    struct types_value r;

    refused("types.twice", unknown_disc, "types.twice: argument 1 (v): "
            "expected a case of union value, got");
    refused("types.twice", spare_disc, "types.twice: argument 1 (v): "
            "expected a case of union value, got");
    refused("types.twice", not_array, "types.twice: argument 1 (v): "
            "expected union value, got map");
    refused("types.twice", one_item, "types.twice: argument 1 (v): "
            "expected union value, got 1 items");
    refused("types.twice", three_items, "types.twice: argument 1 (v): "
            "expected union value, got 3 items");
    refused("types.twice", string_disc, "types.twice: argument 1 (v): "
            "expected a case of union value, got string");
    refused("types.twice", void_with_value, "types.twice: argument 1 (v): "
            "expected nil (case NONE of union value), got int");
    refused("types.twice", arm_wrong_type, "types.twice: argument 1 (v) "
            "field 'number': expected double, got string");
    refused("types.twice", text_over_bound, "types.twice: argument 1 (v) "
            "field 'text': expected string<8>, got 9 bytes");
    refused("types.twice", list_over_bound, "types.twice: argument 1 (v) "
            "field 'list'");
    refused("types.twice", pair_wrong_field, "types.twice: argument 1 (v) "
            "field 'p.y': expected int32, got bool");
    refused("types.echo_wide", wide_unknown, "types.echo_wide: argument 1 "
            "(w): expected a case of union wide, got");
    refused("types.echo_wide", wide_uint_disc, "types.echo_wide: argument 1 "
            "(w): expected a case of union wide, got");
    refused("types.echo_wide", wide_low_too_big, "types.echo_wide: argument "
            "1 (w) field 'low': expected int32, got");

    /* The connection still serves. */
    ck_assert_int_eq(types_twice(client, &v, &r), SRPC_OK);
    ck_assert(r.number == 8);
    srpc_client_free_results(client);
}
END_TEST

/* A union as a struct field and as an optional parameter and result. */
START_TEST(union_in_struct_and_optional)
{
    struct types_value extra = { .tag = TYPES_KIND_TEXT, .text = "xtra" };
    struct types_boxed b = { .name = "box", .v = { .tag = TYPES_KIND_NUM,
                                                   .number = 0.5 } };
    struct types_wide w = { .tag = -1 };
    struct types_boxed rb;
    const struct types_value *rv;

    ck_assert_int_eq(types_echo_boxed(client, &b, &rb), SRPC_OK);
    ck_assert_str_eq(rb.name, "box");
    ck_assert_int_eq(rb.v.tag, TYPES_KIND_NUM);
    ck_assert(rb.v.number == 0.5);
    ck_assert_ptr_null(rb.extra);
    b.extra = &extra;
    ck_assert_int_eq(types_echo_boxed(client, &b, &rb), SRPC_OK);
    ck_assert_int_eq(rb.v.tag, TYPES_KIND_TEXT);
    ck_assert_str_eq(rb.v.text, "xtra");
    ck_assert_ptr_nonnull(rb.extra);
    ck_assert_int_eq(rb.extra->tag, TYPES_KIND_NUM);
    ck_assert(rb.extra->number == 0.5);
    b.v.tag = TYPES_KIND_NONE;
    ck_assert_int_eq(types_echo_boxed(client, &b, &rb), SRPC_OK);
    ck_assert_int_eq(rb.extra->tag, TYPES_KIND_NONE);

    /* Absent in, absent out (w's void arm); present in, present out. */
    rv = &extra;
    ck_assert_int_eq(types_maybe_value(client, NULL, &w, &rv), SRPC_OK);
    ck_assert_ptr_null(rv);
    w.tag = TYPES_LOWEST;
    w.low = -9;
    ck_assert_int_eq(types_maybe_value(client, NULL, &w, &rv), SRPC_OK);
    ck_assert_ptr_nonnull(rv);
    ck_assert_int_eq(rv->tag, TYPES_KIND_NUM);
    ck_assert(rv->number == -9);
    ck_assert_int_eq(types_maybe_value(client, &extra, &w, &rv), SRPC_OK);
    ck_assert_ptr_nonnull(rv);
    ck_assert_int_eq(rv->tag, TYPES_KIND_TEXT);
    ck_assert_str_eq(rv->text, "xtra");
    /* The required union is not optional. */
    ck_assert_int_eq(types_maybe_value(client, &extra, NULL, &rv),
                     SRPC_EINVAL);
    ck_errmsg("argument 2 (w): expected union wide, got NULL");
    srpc_client_free_results(client);
}
END_TEST

/* A full ADD tree of DEPTH levels over the leaves FIRST, FIRST + 1, ...,
 * its nodes taken from *NEXT. */
static struct types_expr *build_tree(struct types_expr **next, int depth,
                                     int64_t first)
{
    struct types_expr *e = (*next)++;

    if (depth == 0) {
        *e = (struct types_expr){ .tag = TYPES_OP_LEAF, .n = first };
        return e;
    }
    e->tag = TYPES_OP_ADD;
    e->p.left = build_tree(next, depth - 1, first);
    e->p.right = build_tree(next, depth - 1,
                            first + ((int64_t)1 << (depth - 1)));
    return e;
}

/* Checks that the leaves of E, left to right, are *WANT, *WANT - 1, ...;
 * returns how many there were. */
static int check_leaves_down(const struct types_expr *e, int64_t *want)
{
    int n = 0;

    ck_assert_ptr_nonnull(e);
    if (e->tag == TYPES_OP_LEAF) {
        ck_assert(e->n == *want);
        (*want)--;
        return 1;
    }
    ck_assert_int_eq(e->tag, TYPES_OP_ADD);
    n += check_leaves_down(e->p.left, want);
    n += check_leaves_down(e->p.right, want);
    return n;
}

/* As deep as a message may nest (SRPC__FRAME_MAX_DEPTH, 32): each level
 * of the tree is two (the union's array and the pair's map). */
#define TREE_DEPTH 12
#define LEAVES ((int64_t)1 << TREE_DEPTH)

START_TEST(union_recursive_expression_tree)
{
    static struct types_expr nodes[2 * LEAVES - 1];
    struct types_expr *next = nodes;
    struct types_expr *top = build_tree(&next, TREE_DEPTH, 1);
    struct types_expr big = { .tag = TYPES_OP_LEAF, .n = INT64_MAX };
    struct types_expr half = { .tag = TYPES_OP_ADD,
                               .p = { .left = NULL, .right = &big } };
    struct types_expr *deep;
    struct types_expr r;
    int64_t sum, want;
    int calls;

    ck_assert(next == nodes + 2 * LEAVES - 1);
    ck_assert_int_eq(types_eval(client, top, &sum), SRPC_OK);
    ck_assert(sum == LEAVES * (LEAVES + 1) / 2);
    ck_assert_int_eq(types_eval(client, &half, &sum), SRPC_OK);
    ck_assert(sum == INT64_MAX);

    /* Mirrored: the leaves come back right to left. */
    ck_assert_int_eq(types_mirror(client, top, &r), SRPC_OK);
    want = LEAVES;
    ck_assert_int_eq(check_leaves_down(&r, &want), LEAVES);
    ck_assert(want == 0);
    ck_assert_int_eq(types_mirror(client, &half, &r), SRPC_OK);
    ck_assert_int_eq(r.tag, TYPES_OP_ADD);
    ck_assert_ptr_nonnull(r.p.left);
    ck_assert_ptr_null(r.p.right);
    ck_assert(r.p.left->n == INT64_MAX);

    /* A bad tag deep down is refused by the client, with its path. */
    for (deep = top; deep->p.right->tag == TYPES_OP_ADD;)
        deep = (struct types_expr *)deep->p.right;
    deep->p.left = &big;
    big.tag = (enum types_op)9;
    calls = atomic_load(&alltypes_union_calls);
    ck_assert_int_eq(types_eval(client, top, &sum), SRPC_EINVAL);
    ck_errmsg("argument 1 (e) field 'p.right.p.right.p.right.p.right");
    ck_errmsg("p.right.p.left': union expr has no arm for tag 9");
    ck_assert_int_eq(srpc_client_remote_code(client), 0);
    ck_assert_int_eq(atomic_load(&alltypes_union_calls), calls); /* not sent */
    /* Mended (the leaf it replaced held LEAVES - 1), it sums again. */
    big.tag = TYPES_OP_LEAF;
    big.n = LEAVES - 1;
    ck_assert_int_eq(types_eval(client, top, &sum), SRPC_OK);
    ck_assert(sum == LEAVES * (LEAVES + 1) / 2);
    srpc_client_free_results(client);
}
END_TEST

/* [ADD, {left: [ADD, {left: [LEAF, 1], right: [LEAF, S]}]}] */
static void pack_nested(msgpack_packer *pk, bool bad)
{
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_OP_ADD);
    msgpack_pack_map(pk, 2);
    pack_key(pk, "right");
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_OP_LEAF);
    msgpack_pack_int64(pk, 5);
    pack_key(pk, "left");
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_OP_ADD);
    msgpack_pack_map(pk, 2);
    pack_key(pk, "left");
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_OP_LEAF);
    msgpack_pack_int64(pk, 1);
    pack_key(pk, "right");
    msgpack_pack_array(pk, 2);
    msgpack_pack_int32(pk, TYPES_OP_LEAF);
    if (bad)
        srpc_pack_str(pk, "seven");
    else
        msgpack_pack_int64(pk, 7);
}

/* Decoding fails deep inside a nested union after its siblings were
 * decoded into the arena: refused with the path, nothing leaks (ASan,
 * valgrind); the same tree, well formed, sums up. */
START_TEST(union_nested_failure_halfway)
{
    const msgpack_object *reply;
    msgpack_packer *pk = srpc_client_begin(client, "types.eval", 1);

    pack_nested(pk, true);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_EARGS);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_INVALID_ARGS);
    ck_errmsg("types.eval: argument 1 (e) field 'p.left.p.right.n': "
              "expected int64, got string");

    pk = srpc_client_begin(client, "types.eval", 1);
    pack_nested(pk, false);
    ck_assert_int_eq(srpc_client_call(client, &reply), SRPC_OK);
    ck_assert_int_eq(reply->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
    ck_assert_uint_eq(reply->via.u64, 13);
}
END_TEST

static Suite *types_suite(void)
{
    Suite *s = suite_create("types");
    TCase *tc = tcase_create("types");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, small_integers_at_their_limits);
    tcase_add_test(tc, wide_integers_at_their_limits);
    tcase_add_test(tc, small_integer_out_of_range_is_refused);
    tcase_add_test(tc, floats_special_values);
    tcase_add_test(tc, float_accepts_float64_and_integers);
    tcase_add_test(tc, bytes_round_trip);
    tcase_add_test(tc, bytes_takes_a_string);
    tcase_add_test(tc, string_bound);
    tcase_add_test(tc, string_bound_checked_by_server);
    tcase_add_test(tc, bytes_bound);
    tcase_add_test(tc, result_bound_checked_by_server);
    tcase_add_test(tc, result_bound_checked_by_client);
    tcase_add_test(tc, struct_optionals_absent);
    tcase_add_test(tc, struct_optionals_present);
    tcase_add_test(tc, nested_structs);
    tcase_add_test(tc, recursion_to_the_depth_limit);
    tcase_add_test(tc, nested_bound_checked_by_client);
    tcase_add_test(tc, struct_unknown_key_is_skipped);
    tcase_add_test(tc, struct_missing_field_is_refused);
    tcase_add_test(tc, struct_duplicate_field_is_refused);
    tcase_add_test(tc, struct_field_of_wrong_type_is_refused);
    tcase_add_test(tc, nested_failure_halfway);
    tcase_add_test(tc, enum_round_trip);
    tcase_add_test(tc, enum_unknown_value);
    tcase_add_test(tc, enum_in_struct);
    tcase_add_test(tc, sequence_round_trip_and_bound);
    tcase_add_test(tc, sequence_of_bounded_strings);
    tcase_add_test(tc, map_round_trip);
    tcase_add_test(tc, map_of_sequences);
    tcase_add_test(tc, struct_with_containers);
    tcase_add_test(tc, any_round_trip);
    tcase_add_test(tc, optional_scalars);
    tcase_add_test(tc, optional_strings_and_structs);
    tcase_add_test(tc, fixed_arrays);
    tcase_add_test(tc, union_every_arm_round_trips);
    tcase_add_test(tc, union_integer_discriminant_extremes);
    tcase_add_test(tc, union_tag_without_arm_refused_by_client);
    tcase_add_test(tc, union_malformed_refused_by_server);
    tcase_add_test(tc, union_in_struct_and_optional);
    tcase_add_test(tc, union_recursive_expression_tree);
    tcase_add_test(tc, union_nested_failure_halfway);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(types_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
