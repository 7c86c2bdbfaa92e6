/*
 * test_arena.c - the call arena and the write buffer, and the two ways
 * large bytes avoid a copy: a request refers to them, a server's call
 * arena borrows them from the message.
 */
#include "config.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "sockrpc/codec.h"
#include "wire/arena.h"
#include "wire/frame.h"
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

/* [bin 100, bin 20 KiB, bin 30 KiB, bin 40 KiB] into B. */
static void pack_bins(struct srpc_wbuf *b, const uint8_t *data)
{
    static const size_t sizes[] = { 100, 20 * 1024, 30 * 1024, 40 * 1024 };
    msgpack_packer pk;
    srpc_derr err;

    msgpack_packer_init(&pk, b, srpc__wbuf_write);
    msgpack_pack_array(&pk, 4);
    for (size_t i = 0; i < 4; i++) {
        srpc_bytes v = { data + i, sizes[i] };

        ck_assert_int_eq(srpc_put_bin(&pk, &v, 0, &err), SRPC_OK);
    }
}

/* A buffer with room for two references takes the two first large
 * payloads by reference and copies the rest; its pieces, and the buffer
 * flattened, are the bytes a plain buffer holds. */
START_TEST(wbuf_references)
{
    enum { BIG = 64 * 1024 };
    struct srpc_wbuf plain, refd;
    struct srpc__wref room[2];
    struct iovec iov[5];
    uint8_t *data = malloc(BIG);
    char *joined;
    size_t at = 0;
    int n;

    ck_assert_ptr_nonnull(data);
    for (size_t i = 0; i < BIG; i++)
        data[i] = (uint8_t)(i * 7);
    srpc__wbuf_init(&plain);
    srpc__wbuf_init(&refd);
    srpc__wbuf_allow_refs(&refd, room, 2);
    pack_bins(&plain, data);
    pack_bins(&refd, data);
    ck_assert_uint_eq(refd.nrefs, 2);
    ck_assert_ptr_eq(refd.refs[0].p, data + 1);
    ck_assert_uint_eq(refd.refs[1].len, 30 * 1024);
    /* The small bin and the third large one were copied. */
    ck_assert_uint_lt(srpc__wbuf_size(&refd), 41 * 1024);
    ck_assert_uint_eq(srpc__wbuf_total(&refd), srpc__wbuf_size(&plain));

    /* bytes, ref, bytes, ref, bytes: five pieces, the plain bytes. */
    ck_assert_int_eq(srpc__wbuf_iov(&refd, iov, 5), 5);
    joined = malloc(srpc__wbuf_total(&refd));
    ck_assert_ptr_nonnull(joined);
    for (int i = 0; i < 5; i++) {
        memcpy(joined + at, iov[i].iov_base, iov[i].iov_len);
        at += iov[i].iov_len;
    }
    ck_assert_uint_eq(at, srpc__wbuf_size(&plain));
    ck_assert_int_eq(memcmp(joined, srpc__wbuf_bytes(&plain), at), 0);
    /* Fewer pieces than asked for: never more than MAX. */
    ck_assert_int_eq(srpc__wbuf_iov(&refd, iov, 3), 3);

    /* A buffer without room copies everything. */
    n = (int)srpc__wbuf_size(&plain);
    ck_assert_uint_eq(plain.nrefs, 0);
    ck_assert_int_eq(srpc__wbuf_iov(&plain, iov, 5), 1);
    ck_assert_uint_eq(iov[0].iov_len, (size_t)n);

    ck_assert_int_eq(srpc__wbuf_flatten(&refd), SRPC_OK);
    ck_assert_uint_eq(refd.nrefs, 0);
    ck_assert_uint_eq(srpc__wbuf_size(&refd), srpc__wbuf_size(&plain));
    ck_assert_int_eq(memcmp(srpc__wbuf_bytes(&refd), srpc__wbuf_bytes(&plain),
                            srpc__wbuf_size(&plain)), 0);

    /* Truncating before a reference drops it; clearing drops them all but
     * keeps the room. */
    srpc__wbuf_clear(&refd, 0);
    pack_bins(&refd, data);
    srpc__wbuf_truncate(&refd, refd.refs[1].at - 1);
    ck_assert_uint_eq(refd.nrefs, 1);
    srpc__wbuf_clear(&refd, 0);
    ck_assert_uint_eq(refd.nrefs, 0);
    ck_assert_ptr_eq(refd.refs, room);
    pack_bins(&refd, data);
    ck_assert_uint_eq(refd.nrefs, 2);
    srpc__wbuf_fini(&plain);
    srpc__wbuf_fini(&refd);
    free(joined);
    free(data);
}
END_TEST

/* DEPTH arrays, one inside the other, around a 0. */
static void pack_nested(struct srpc_wbuf *b, int depth)
{
    msgpack_packer pk;

    msgpack_packer_init(&pk, b, srpc__wbuf_write);
    for (int i = 0; i < depth; i++)
        msgpack_pack_array(&pk, 1);
    msgpack_pack_int(&pk, 0);
}

/* Counting container bytes lets short messages pass unscanned, and only
 * them: the limit is the scanner's. */
START_TEST(few_containers_and_nesting)
{
    struct srpc_wbuf b;
    const char *why = NULL;

    srpc__wbuf_init(&b);
    pack_nested(&b, SRPC__FRAME_MAX_DEPTH);
    ck_assert(srpc__frame_few_containers(srpc__wbuf_bytes(&b),
                                         srpc__wbuf_size(&b)));
    ck_assert(srpc__frame_nesting_ok(srpc__wbuf_bytes(&b),
                                     srpc__wbuf_size(&b), &why));
    srpc__wbuf_clear(&b, 0);
    pack_nested(&b, SRPC__FRAME_MAX_DEPTH + 1);
    ck_assert(!srpc__frame_few_containers(srpc__wbuf_bytes(&b),
                                          srpc__wbuf_size(&b)));
    ck_assert(!srpc__frame_nesting_ok(srpc__wbuf_bytes(&b),
                                      srpc__wbuf_size(&b), &why));
    ck_assert_ptr_nonnull(why);
    /* Many containers side by side are many bytes, but no depth. */
    srpc__wbuf_clear(&b, 0);
    {
        msgpack_packer pk;

        msgpack_packer_init(&pk, &b, srpc__wbuf_write);
        msgpack_pack_array(&pk, 100);
        for (int i = 0; i < 100; i++)
            msgpack_pack_array(&pk, 0);
    }
    ck_assert(!srpc__frame_few_containers(srpc__wbuf_bytes(&b),
                                          srpc__wbuf_size(&b)));
    ck_assert(srpc__frame_nesting_ok(srpc__wbuf_bytes(&b),
                                     srpc__wbuf_size(&b), &why));
    srpc__wbuf_fini(&b);
}
END_TEST

/* An arena that borrows points bytes into the message; one that does not
 * copies them. */
START_TEST(get_bin_borrows_or_copies)
{
    static const char data[] = "\xc4\x05hello";
    msgpack_zone zone;
    msgpack_object obj;
    srpc_arena a;
    srpc_bytes out;
    size_t off = 0;

    ck_assert(msgpack_zone_init(&zone, 1024));
    ck_assert_int_eq(msgpack_unpack(data, sizeof data - 1, &off, &zone, &obj),
                     MSGPACK_UNPACK_SUCCESS);
    srpc__arena_init(&a);
    ck_assert_int_eq(srpc_get_bin(&obj, &a, 0, &out), SRPC_OK);
    ck_assert_uint_eq(out.len, 5);
    ck_assert_ptr_ne(out.data, (const uint8_t *)obj.via.bin.ptr);
    ck_assert_int_eq(memcmp(out.data, "hello", 5), 0);
    a.borrows = true;
    ck_assert_int_eq(srpc_get_bin(&obj, &a, 0, &out), SRPC_OK);
    ck_assert_ptr_eq(out.data, (const uint8_t *)obj.via.bin.ptr);
    ck_assert_uint_eq(out.len, 5);
    /* The bound still holds. */
    ck_assert_int_eq(srpc_get_bin(&obj, &a, 4, &out), SRPC_ETOOBIG);
    /* A reset that frees chunks keeps the arena borrowing. */
    ck_assert_ptr_nonnull(srpc__arena_alloc(&a, 1 << 20));
    srpc__arena_reset(&a);
    ck_assert(a.borrows);
    srpc__arena_fini(&a);
    msgpack_zone_destroy(&zone);
}
END_TEST

/* An adopted buffer is the arena's until a reset: srpc_get_bin() points
 * into it, and into nothing else the arena does not own. */
START_TEST(adopted_buffers_are_borrowed_until_reset)
{
    char *buf = malloc(64);
    static const char other[] = "\xc4\x03" "abc";
    msgpack_zone zone;
    msgpack_object in, out_obj;
    srpc_arena a;
    srpc_bytes out;
    size_t off = 0;

    ck_assert_ptr_nonnull(buf);
    memcpy(buf, "\xc4\x05hello", 7);
    ck_assert(msgpack_zone_init(&zone, 1024));
    ck_assert_int_eq(msgpack_unpack(buf, 7, &off, &zone, &in),
                     MSGPACK_UNPACK_SUCCESS);
    off = 0;
    ck_assert_int_eq(msgpack_unpack(other, sizeof other - 1, &off, &zone,
                                    &out_obj), MSGPACK_UNPACK_SUCCESS);
    srpc__arena_init(&a);
    ck_assert(!srpc__arena_holds(&a, buf, 1));
    ck_assert_int_eq(srpc__arena_adopt(&a, buf, 64), SRPC_OK);
    ck_assert(srpc__arena_holds(&a, buf, 64));
    ck_assert(srpc__arena_holds(&a, buf + 63, 1));
    ck_assert(!srpc__arena_holds(&a, buf + 63, 2));
    ck_assert(!srpc__arena_holds(&a, other, 1));
    ck_assert_int_eq(srpc_get_bin(&in, &a, 0, &out), SRPC_OK);
    ck_assert_ptr_eq(out.data, (const uint8_t *)buf + 2);
    ck_assert_int_eq(srpc_get_bin(&out_obj, &a, 0, &out), SRPC_OK);
    ck_assert_ptr_ne(out.data, (const uint8_t *)other + 2); /* copied */
    ck_assert_int_eq(memcmp(out.data, "abc", 3), 0);
    srpc__arena_reset(&a); /* frees buf: ASan and valgrind see a leak else */
    ck_assert(!srpc__arena_holds(&a, buf, 1));
    srpc__arena_fini(&a);
    msgpack_zone_destroy(&zone);
}
END_TEST

/* A large buffer cleared goes to the spare, if it is the largest and not
 * over its bound; a buffer that must grow large takes it, small growth
 * does not. */
START_TEST(wbuf_spare)
{
    struct srpc__wspare spare = { NULL, 0, 64 * 1024, 1 << 20 };
    struct srpc_wbuf a, b;
    static char big[300 * 1024];
    char *kept;

    memset(big, 'z', sizeof big);
    srpc__wbuf_init(&a);
    srpc__wbuf_init(&b);
    a.spare = b.spare = &spare;
    ck_assert_int_eq(srpc__wbuf_append(&a, big, sizeof big), SRPC_OK);
    kept = a.data;
    srpc__wbuf_clear(&a, 64 * 1024);
    ck_assert_ptr_eq(spare.data, kept);
    ck_assert_ptr_null(a.data);
    /* Small growth leaves it; large growth takes it, bytes and all. */
    ck_assert_int_eq(srpc__wbuf_append(&b, "head", 4), SRPC_OK);
    ck_assert_ptr_eq(spare.data, kept);
    ck_assert_int_eq(srpc__wbuf_append(&b, big, 200 * 1024), SRPC_OK);
    ck_assert_ptr_eq(b.data, kept);
    ck_assert_ptr_null(spare.data);
    ck_assert_int_eq(memcmp(srpc__wbuf_bytes(&b), "headzz", 6), 0);
    ck_assert_uint_eq(srpc__wbuf_size(&b), 4 + 200 * 1024);
    /* Over the bound, memory is freed, not kept. */
    spare.max = 1024;
    srpc__wbuf_clear(&b, 64 * 1024);
    ck_assert_ptr_null(spare.data);
    srpc__wbuf_fini(&a);
    srpc__wbuf_fini(&b);
}
END_TEST

/* The largest adopted buffer can be taken back; the rest stay adopted. */
START_TEST(arena_gives_back_the_largest)
{
    srpc_arena a;
    char *small = malloc(10), *large = malloc(1000), *p;
    size_t size = 0;

    ck_assert(small && large);
    srpc__arena_init(&a);
    ck_assert_ptr_null(srpc__arena_take_largest(&a, &size));
    ck_assert_int_eq(srpc__arena_adopt(&a, small, 10), SRPC_OK);
    ck_assert_int_eq(srpc__arena_adopt(&a, large, 1000), SRPC_OK);
    p = srpc__arena_take_largest(&a, &size);
    ck_assert_ptr_eq(p, large);
    ck_assert_uint_eq(size, 1000);
    ck_assert(!srpc__arena_holds(&a, large, 1));
    ck_assert(srpc__arena_holds(&a, small, 10));
    free(p);
    srpc__arena_fini(&a); /* frees small */
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
    tcase_add_test(tc, wbuf_references);
    tcase_add_test(tc, few_containers_and_nesting);
    tcase_add_test(tc, get_bin_borrows_or_copies);
    tcase_add_test(tc, adopted_buffers_are_borrowed_until_reset);
    tcase_add_test(tc, wbuf_spare);
    tcase_add_test(tc, arena_gives_back_the_largest);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
