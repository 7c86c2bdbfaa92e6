#include "config.h"

/*
 * test_codec_types.c - the codec.h helpers behind the IDL's newer types:
 * small integers, float, bounded strings, bytes, any, and the srpc_derr
 * path that names where a nested value went wrong.
 */

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wire/arena.h"
#include "sockrpc/codec.h"

static msgpack_object int_obj(int64_t v)
{
    msgpack_object o;

    if (v < 0) {
        o.type = MSGPACK_OBJECT_NEGATIVE_INTEGER;
        o.via.i64 = v;
    } else {
        o.type = MSGPACK_OBJECT_POSITIVE_INTEGER;
        o.via.u64 = (uint64_t)v;
    }
    return o;
}

static msgpack_object float_obj(double v)
{
    msgpack_object o;

    o.type = MSGPACK_OBJECT_FLOAT64;
    o.via.f64 = v;
    return o;
}

static msgpack_object raw_obj(msgpack_object_type type, const char *p,
                              uint32_t n)
{
    msgpack_object o;

    o.type = type;
    if (type == MSGPACK_OBJECT_STR) {
        o.via.str.ptr = p;
        o.via.str.size = n;
    } else {
        o.via.bin.ptr = p;
        o.via.bin.size = n;
    }
    return o;
}

START_TEST(small_integers)
{
    msgpack_object o;
    int8_t i8 = 0;
    int16_t i16 = 0;
    uint8_t u8 = 0;
    uint16_t u16 = 0;

    o = int_obj(-128);
    ck_assert_int_eq(srpc_get_int8(&o, &i8), SRPC_OK);
    ck_assert_int_eq(i8, -128);
    o = int_obj(-129);
    ck_assert_int_eq(srpc_get_int8(&o, &i8), SRPC_ETYPE);
    ck_assert_int_eq(i8, -128); /* untouched on failure */
    o = int_obj(127);
    ck_assert_int_eq(srpc_get_int8(&o, &i8), SRPC_OK);
    o = int_obj(128);
    ck_assert_int_eq(srpc_get_int8(&o, &i8), SRPC_ETYPE);
    o = int_obj(-32768);
    ck_assert_int_eq(srpc_get_int16(&o, &i16), SRPC_OK);
    ck_assert_int_eq(i16, -32768);
    o = int_obj(32768);
    ck_assert_int_eq(srpc_get_int16(&o, &i16), SRPC_ETYPE);
    o = int_obj(255);
    ck_assert_int_eq(srpc_get_uint8(&o, &u8), SRPC_OK);
    ck_assert_uint_eq(u8, 255);
    o = int_obj(256);
    ck_assert_int_eq(srpc_get_uint8(&o, &u8), SRPC_ETYPE);
    o = int_obj(-1);
    ck_assert_int_eq(srpc_get_uint8(&o, &u8), SRPC_ETYPE);
    o = int_obj(65535);
    ck_assert_int_eq(srpc_get_uint16(&o, &u16), SRPC_OK);
    ck_assert_uint_eq(u16, 65535);
    o = int_obj(65536);
    ck_assert_int_eq(srpc_get_uint16(&o, &u16), SRPC_ETYPE);
    o = float_obj(1.0);
    ck_assert_int_eq(srpc_get_int8(&o, &i8), SRPC_ETYPE);
}
END_TEST

START_TEST(floats)
{
    msgpack_object o;
    float f = 0;

    o = float_obj(NAN);
    ck_assert_int_eq(srpc_get_float(&o, &f), SRPC_OK);
    ck_assert(isnan(f));
    o = float_obj(-INFINITY);
    ck_assert_int_eq(srpc_get_float(&o, &f), SRPC_OK);
    ck_assert(isinf(f) && f < 0);
    o = float_obj(FLT_MAX);
    ck_assert_int_eq(srpc_get_float(&o, &f), SRPC_OK);
    o = float_obj(1e300);
    ck_assert_int_eq(srpc_get_float(&o, &f), SRPC_ETYPE);
    o = float_obj(-1e300);
    ck_assert_int_eq(srpc_get_float(&o, &f), SRPC_ETYPE);
    o = int_obj(INT64_MIN);
    ck_assert_int_eq(srpc_get_float(&o, &f), SRPC_OK);
    ck_assert(f == (float)INT64_MIN);
    o = raw_obj(MSGPACK_OBJECT_STR, "1", 1);
    ck_assert_int_eq(srpc_get_float(&o, &f), SRPC_ETYPE);
}
END_TEST

START_TEST(bounded_strings_and_bytes)
{
    srpc_arena arena;
    msgpack_object o;
    const char *s = NULL;
    srpc_bytes b = { NULL, 0 };

    srpc__arena_init(&arena);
    o = raw_obj(MSGPACK_OBJECT_STR, "abcd", 4);
    ck_assert_int_eq(srpc_get_str_max(&o, &arena, 4, &s), SRPC_OK);
    ck_assert_str_eq(s, "abcd");
    ck_assert_int_eq(srpc_get_str_max(&o, &arena, 3, &s), SRPC_ETOOBIG);
    ck_assert_int_eq(srpc_get_str_max(&o, &arena, 0, &s), SRPC_OK);
    /* A str is bytes too, as old msgpack peers send them. */
    ck_assert_int_eq(srpc_get_bin(&o, &arena, 0, &b), SRPC_OK);
    ck_assert_uint_eq(b.len, 4);
    ck_assert_int_eq(memcmp(b.data, "abcd", 4), 0);
    ck_assert_int_eq(srpc_get_bin(&o, &arena, 3, &b), SRPC_ETOOBIG);

    o = raw_obj(MSGPACK_OBJECT_BIN, "a\0b", 3);
    ck_assert_int_eq(srpc_get_bin(&o, &arena, 3, &b), SRPC_OK);
    ck_assert_uint_eq(b.len, 3);
    ck_assert_int_eq(memcmp(b.data, "a\0b", 3), 0);
    ck_assert_ptr_ne(b.data, o.via.bin.ptr); /* a copy */
    ck_assert_int_eq(srpc_get_bin(&o, &arena, 2, &b), SRPC_ETOOBIG);
    ck_assert_int_eq(srpc_get_str(&o, &arena, &s), SRPC_ETYPE); /* a NUL */
    /* A bin is a string when it holds no NUL, bounded like a str. */
    o = raw_obj(MSGPACK_OBJECT_BIN, "xyz", 3);
    ck_assert_int_eq(srpc_get_str(&o, &arena, &s), SRPC_OK);
    ck_assert_str_eq(s, "xyz");
    ck_assert_int_eq(srpc_get_str_max(&o, &arena, 3, &s), SRPC_OK);
    ck_assert_int_eq(srpc_get_str_max(&o, &arena, 2, &s), SRPC_ETOOBIG);
    o = raw_obj(MSGPACK_OBJECT_BIN, NULL, 0);
    ck_assert_int_eq(srpc_get_bin(&o, &arena, 0, &b), SRPC_OK);
    ck_assert_uint_eq(b.len, 0);
    srpc__arena_fini(&arena);
}
END_TEST

/* A deep copy: still equal once the source's bytes are gone. */
/* Struct keys: str, or bin as old or Python peers send them. */
START_TEST(field_keys)
{
    static const char *const names[] = { "x", "label" };
    msgpack_object k;

    k = raw_obj(MSGPACK_OBJECT_STR, "label", 5);
    ck_assert_int_eq(srpc_field_index(&k, names, 2), 1);
    k = raw_obj(MSGPACK_OBJECT_BIN, "x", 1);
    ck_assert_int_eq(srpc_field_index(&k, names, 2), 0);
    k = raw_obj(MSGPACK_OBJECT_BIN, "lab", 3);
    ck_assert_int_eq(srpc_field_index(&k, names, 2), -1);
    k = int_obj(1);
    ck_assert_int_eq(srpc_field_index(&k, names, 2), -1);
}
END_TEST

START_TEST(any_is_copied)
{
    srpc_arena arena;
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    msgpack_unpacked u;
    msgpack_object saved;
    const msgpack_object *copy = NULL;
    msgpack_unpacked again;

    srpc__arena_init(&arena);
    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 3);
    msgpack_pack_map(&pk, 1);
    srpc_pack_str(&pk, "k");
    msgpack_pack_bin(&pk, 2);
    msgpack_pack_bin_body(&pk, "xy", 2);
    msgpack_pack_ext(&pk, 2, 5);
    msgpack_pack_ext_body(&pk, "ab", 2);
    msgpack_pack_nil(&pk);
    msgpack_unpacked_init(&u);
    ck_assert_int_eq(msgpack_unpack_next(&u, sbuf.data, sbuf.size, NULL),
                     MSGPACK_UNPACK_SUCCESS);
    ck_assert_int_eq(srpc_get_any(&u.data, &arena, &copy), SRPC_OK);
    /* Keep a second decoding to compare with, then destroy the first. */
    msgpack_unpacked_init(&again);
    ck_assert_int_eq(msgpack_unpack_next(&again, sbuf.data, sbuf.size, NULL),
                     MSGPACK_UNPACK_SUCCESS);
    saved = again.data;
    msgpack_unpacked_destroy(&u);
    ck_assert(msgpack_object_equal(*copy, saved));
    memset(sbuf.data, 0, sbuf.size);
    ck_assert_int_eq(copy->via.array.ptr[0].via.map.ptr[0].val.via.bin.ptr[1],
                     'y');
    ck_assert_int_eq(copy->via.array.ptr[1].via.ext.type, 5);
    ck_assert_int_eq(copy->via.array.ptr[2].type, MSGPACK_OBJECT_NIL);
    msgpack_unpacked_destroy(&again);
    msgpack_sbuffer_destroy(&sbuf);
    srpc__arena_fini(&arena);
}
END_TEST

/* Errors are built from the inside out. */
START_TEST(derr_path)
{
    srpc_derr err;
    msgpack_object o = int_obj(7);

    ck_assert_int_eq(srpc_derr_set(&err, SRPC_ETYPE, "string", &o),
                     SRPC_ETYPE);
    srpc_derr_in(&err, "name");
    srpc_derr_index(&err, 2);
    srpc_derr_in(&err, "items");
    ck_assert_int_eq(srpc_derr_in(&err, "box"), SRPC_ETYPE);
    ck_assert_str_eq(err.path, "box.items[2].name");
    ck_assert_str_eq(err.what, "expected string, got integer");

    srpc_derr_set(&err, SRPC_ETYPE, "enum color", &o);
    ck_assert_str_eq(err.what, "expected enum color, got 7, which is not one "
                               "of its values");
    srpc_derr_missing(&err, "y");
    ck_assert_str_eq(err.what, "required field 'y' is missing");
    ck_assert_str_eq(err.path, "");
    srpc_derr_duplicate(&err, "y");
    ck_assert_str_eq(err.what, "field 'y' appears twice");

    /* A NUL byte is what a string refuses, from a str or a bin alike. */
    msgpack_object nul = { .type = MSGPACK_OBJECT_BIN };
    nul.via.bin.ptr = "a\0b";
    nul.via.bin.size = 3;
    srpc_derr_set(&err, SRPC_ETYPE, "string", &nul);
    ck_assert_str_eq(err.what, "expected string, got a binary holding a NUL "
                               "byte");
    nul.type = MSGPACK_OBJECT_STR;
    srpc_derr_set(&err, SRPC_ETYPE, "string<8>", &nul);
    ck_assert_str_eq(err.what, "expected string<8>, got a string holding a "
                               "NUL byte");
    ck_assert_int_eq(srpc_derr_no_arm(&err, "union value", -7), SRPC_EINVAL);
    ck_assert_str_eq(err.what, "union value has no arm for tag -7");

    /* A very deep path keeps its top and says it was cut. */
    srpc_derr_set(&err, SRPC_ETYPE, "int32", NULL);
    for (int i = 0; i < 100; i++)
        srpc_derr_in(&err, "field");
    ck_assert_uint_lt(strlen(err.path), sizeof err.path);
}
END_TEST

START_TEST(checked_packing)
{
    msgpack_sbuffer sbuf;
    msgpack_packer pk;
    srpc_derr err;
    srpc_bytes b = { (const uint8_t *)"abc", 3 };
    srpc_bytes bad = { NULL, 1 };

    msgpack_sbuffer_init(&sbuf);
    msgpack_packer_init(&pk, &sbuf, msgpack_sbuffer_write);
    ck_assert_int_eq(srpc_put_str(&pk, "abc", 3, &err), SRPC_OK);
    ck_assert_int_eq(srpc_put_str(&pk, "abcd", 3, &err), SRPC_EINVAL);
    ck_assert_str_eq(err.what, "expected string<3>, got 4 bytes");
    ck_assert_int_eq(srpc_put_str(&pk, NULL, 0, &err), SRPC_EINVAL);
    ck_assert_str_eq(err.what, "expected string, got NULL");
    ck_assert_int_eq(srpc_put_bin(&pk, &b, 3, &err), SRPC_OK);
    ck_assert_int_eq(srpc_put_bin(&pk, &b, 2, &err), SRPC_EINVAL);
    ck_assert_str_eq(err.what, "expected bytes<2>, got 3 bytes");
    ck_assert_int_eq(srpc_put_bin(&pk, &bad, 0, &err), SRPC_EINVAL);
    /* Only what succeeded was packed: a3 "abc" c4 03 "abc". */
    ck_assert_uint_eq(sbuf.size, 4 + 5);
    msgpack_sbuffer_destroy(&sbuf);
}
END_TEST

static Suite *codec_types_suite(void)
{
    Suite *s = suite_create("codec_types");
    TCase *tc = tcase_create("codec_types");

    tcase_add_test(tc, small_integers);
    tcase_add_test(tc, floats);
    tcase_add_test(tc, bounded_strings_and_bytes);
    tcase_add_test(tc, field_keys);
    tcase_add_test(tc, any_is_copied);
    tcase_add_test(tc, derr_path);
    tcase_add_test(tc, checked_packing);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(codec_types_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
