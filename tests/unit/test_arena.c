/*
 * test_arena.c - the call arena and the write buffer.
 */
#include "config.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "wire/arena.h"
#include "wire/wbuf.h"

START_TEST(arena_alloc_aligned_and_distinct)
{
    srpc_arena a;
    char *p[100];

    srpc__arena_init(&a);
    for (int i = 0; i < 100; i++) {
        p[i] = srpc__arena_alloc(&a, (size_t)i * 37 % 500);
        ck_assert_ptr_nonnull(p[i]);
        ck_assert_uint_eq((uintptr_t)p[i] % alignof(max_align_t), 0);
        memset(p[i], i, (size_t)i * 37 % 500);
    }
    for (int i = 0; i < 100; i++) { /* no allocation overwrote another */
        size_t n = (size_t)i * 37 % 500;
        for (size_t j = 0; j < n; j++)
            ck_assert_int_eq((unsigned char)p[i][j], i);
    }
    ck_assert_ptr_ne(srpc__arena_alloc(&a, 0), srpc__arena_alloc(&a, 0));
    srpc__arena_fini(&a);
}
END_TEST

START_TEST(arena_reset_keeps_first_chunk)
{
    srpc_arena a;
    void *first, *again;

    srpc__arena_init(&a);
    first = srpc__arena_alloc(&a, 16);
    for (int i = 0; i < 50; i++) /* force more chunks */
        ck_assert_ptr_nonnull(srpc__arena_alloc(&a, 1000));
    srpc__arena_reset(&a);
    again = srpc__arena_alloc(&a, 16);
    ck_assert_ptr_eq(first, again); /* same chunk, reused: no malloc */
    srpc__arena_fini(&a);
}
END_TEST

START_TEST(arena_large_and_overflow)
{
    srpc_arena a;
    char *big;

    srpc__arena_init(&a);
    big = srpc__arena_alloc(&a, 1 << 20);
    ck_assert_ptr_nonnull(big);
    memset(big, 1, 1 << 20);
    ck_assert_ptr_null(srpc__arena_alloc(&a, SIZE_MAX));
    ck_assert_ptr_null(srpc__arena_alloc(&a, SIZE_MAX - 8));
    srpc__arena_reset(&a); /* a huge first chunk is not kept */
    ck_assert_ptr_null(a.first);
    ck_assert_str_eq(srpc__arena_strndup(&a, "hello", 3), "hel");
    srpc__arena_fini(&a);
    srpc__arena_reset(&a); /* reset of an empty arena is fine */
}
END_TEST

START_TEST(wbuf_append_consume_truncate)
{
    struct srpc_wbuf b;
    msgpack_packer pk;
    char big[1000];

    srpc__wbuf_init(&b);
    msgpack_packer_init(&pk, &b, srpc__wbuf_write);
    memset(big, 'a', sizeof big);
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(srpc__wbuf_append(&b, big, sizeof big), SRPC_OK);
    ck_assert_uint_eq(srpc__wbuf_size(&b), 100000);
    srpc__wbuf_consume(&b, 99990);
    ck_assert_uint_eq(srpc__wbuf_size(&b), 10);
    /* A mark taken now survives the compaction the next append does. */
    size_t mark = srpc__wbuf_size(&b);
    msgpack_pack_array(&pk, 2);
    for (int i = 0; i < 200; i++)
        ck_assert_int_eq(srpc__wbuf_append(&b, big, sizeof big), SRPC_OK);
    srpc__wbuf_truncate(&b, mark);
    ck_assert_uint_eq(srpc__wbuf_size(&b), 10);
    ck_assert_int_eq(memcmp(srpc__wbuf_bytes(&b), "aaaaaaaaaa", 10), 0);
    srpc__wbuf_consume(&b, 10);
    ck_assert_uint_eq(srpc__wbuf_size(&b), 0);
    ck_assert_uint_eq(b.head, 0);
    srpc__wbuf_fini(&b);
}
END_TEST

START_TEST(wbuf_sticky_error)
{
    struct srpc_wbuf b;
    msgpack_packer pk;

    srpc__wbuf_init(&b);
    msgpack_packer_init(&pk, &b, srpc__wbuf_write);
    msgpack_pack_int(&pk, 1);
    srpc__wbuf_fail(&b, SRPC_ENOMEM);
    srpc__wbuf_fail(&b, SRPC_ETOOBIG); /* the first failure wins */
    ck_assert_int_eq(msgpack_pack_int(&pk, 2), -1);
    ck_assert_int_eq(b.error, SRPC_ENOMEM);
    ck_assert_uint_eq(srpc__wbuf_size(&b), 1); /* later writes dropped */
    srpc__wbuf_truncate(&b, 0);
    ck_assert_int_eq(b.error, 0);
    ck_assert_int_eq(msgpack_pack_int(&pk, 2), 0);
    srpc__wbuf_clear(&b, 0);
    ck_assert_ptr_null(b.data);
    srpc__wbuf_fini(&b);
}
END_TEST

START_TEST(wbuf_discard)
{
    struct srpc_wbuf b;

    srpc__wbuf_init_discard(&b);
    ck_assert_int_eq(srpc__wbuf_append(&b, "xyz", 3), SRPC_OK);
    ck_assert_uint_eq(srpc__wbuf_size(&b), 0);
    ck_assert_ptr_null(b.data);
    srpc__wbuf_fini(&b);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("arena");
    TCase *tc = tcase_create("arena");
    SRunner *sr;
    int failed;

    tcase_add_test(tc, arena_alloc_aligned_and_distinct);
    tcase_add_test(tc, arena_reset_keeps_first_chunk);
    tcase_add_test(tc, arena_large_and_overflow);
    suite_add_tcase(s, tc);
    tc = tcase_create("wbuf");
    tcase_add_test(tc, wbuf_append_consume_truncate);
    tcase_add_test(tc, wbuf_sticky_error);
    tcase_add_test(tc, wbuf_discard);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
