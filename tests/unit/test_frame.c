/*
 * test_frame.c - the bounded scanner against msgpack-c itself.
 *
 * Valid messages are generated at random (every msgpack type and width,
 * nested), then fed whole, byte by byte and in random pieces; mutated
 * copies check that the scanner and msgpack-c agree on where a message
 * ends.  Hand-made hostile inputs check every limit.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <msgpack.h>

#include "wire/frame.h"
#include "sockrpc.h"

static uint64_t rng_state;
static int budget; /* elements left for the message being generated */

static uint64_t rnd(void)
{
    uint64_t x = rng_state; /* xorshift64: reproducible, no libc state */

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static unsigned pick(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static void pack_any(msgpack_packer *pk, int depth);

static void pack_scalar(msgpack_packer *pk)
{
    static const char text[300] = "the quick brown fox";
    static const int64_t ints[] = { 0, 1, 127, 128, 255, 256, 65535, 65536,
                                    -1, -32, -33, -128, -129, -32768, -32769,
                                    INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX };
    size_t n;

    switch (pick(10)) {
    case 0: msgpack_pack_nil(pk); break;
    case 1: msgpack_pack_true(pk); break;
    case 2: msgpack_pack_int64(pk, ints[pick(sizeof ints / sizeof ints[0])]); break;
    case 3: msgpack_pack_uint64(pk, UINT64_MAX - pick(3)); break;
    case 4: msgpack_pack_float(pk, 1.5f); break;
    case 5: msgpack_pack_double(pk, -2.25); break;
    case 6:
        n = pick(3) ? pick(40) : pick(sizeof text);
        msgpack_pack_str(pk, n);
        msgpack_pack_str_body(pk, text, n);
        break;
    case 7:
        n = pick(300);
        msgpack_pack_bin(pk, n);
        msgpack_pack_bin_body(pk, text, n);
        break;
    case 8: {
        static const size_t ext_sizes[] = { 1, 2, 4, 8, 16, 0, 3, 17, 200 };
        n = ext_sizes[pick(9)];
        msgpack_pack_ext(pk, n, (int8_t)pick(100));
        msgpack_pack_ext_body(pk, text, n);
        break;
    }
    default: msgpack_pack_int64(pk, (int64_t)rnd()); break;
    }
}

static void pack_any(msgpack_packer *pk, int depth)
{
    unsigned n;

    if (depth >= 6 || budget <= 0 || pick(3) != 0) {
        budget--;
        pack_scalar(pk);
        return;
    }
    n = pick(4) ? pick(8) : pick(40);
    budget -= (int)n;
    if (pick(2)) {
        msgpack_pack_array(pk, n);
        for (unsigned i = 0; i < n; i++)
            pack_any(pk, depth + 1);
    } else {
        msgpack_pack_map(pk, n);
        for (unsigned i = 0; i < 2 * n; i++)
            pack_any(pk, depth + 1);
    }
}

/* A random message: always an array, as msgpack-rpc messages are. */
static void random_message(msgpack_sbuffer *sb)
{
    msgpack_packer pk;
    unsigned n = pick(6);

    budget = 200;
    msgpack_sbuffer_clear(sb);
    msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, n);
    for (unsigned i = 0; i < n; i++)
        pack_any(&pk, 1);
}

/* Where msgpack-c says the message in DATA[0, LEN) ends; 0: it does not
 * decode completely. */
static size_t msgpack_end(const char *data, size_t len)
{
    msgpack_zone zone;
    msgpack_object obj;
    size_t off = 0;
    msgpack_unpack_return r;

    ck_assert(msgpack_zone_init(&zone, 4096));
    r = msgpack_unpack(data, len, &off, &zone, &obj);
    msgpack_zone_destroy(&zone);
    return r == MSGPACK_UNPACK_SUCCESS || r == MSGPACK_UNPACK_EXTRA_BYTES ? off : 0;
}

static enum srpc__frame_result scan_all(size_t max, const void *data,
                                        size_t len, size_t *n)
{
    struct srpc__frame f;

    srpc__frame_init(&f, max);
    return srpc__frame_scan(&f, data, len, n);
}

START_TEST(valid_whole_and_resumed)
{
    msgpack_sbuffer sb;

    rng_state = 0x9e3779b97f4a7c15u;
    msgpack_sbuffer_init(&sb);
    for (int iter = 0; iter < 2000; iter++) {
        struct srpc__frame f;
        size_t n = 0;

        random_message(&sb);
        ck_assert_uint_eq(msgpack_end(sb.data, sb.size), sb.size);
        ck_assert_int_eq(scan_all(1 << 20, sb.data, sb.size, &n),
                         SRPC__FRAME_DONE);
        ck_assert_uint_eq(n, sb.size);

        /* One byte more per call, as from a trickling client. */
        srpc__frame_init(&f, 1 << 20);
        for (size_t len = 1; len <= sb.size; len++) {
            enum srpc__frame_result r = srpc__frame_scan(&f, sb.data, len, &n);

            if (len < sb.size) {
                ck_assert_int_eq(r, SRPC__FRAME_MORE);
            } else {
                ck_assert_int_eq(r, SRPC__FRAME_DONE);
                ck_assert_uint_eq(n, sb.size);
            }
        }
    }
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

/* A message of many small elements fed one byte at a time: the scanner
 * must never stay more than one header (9 bytes) behind what it was
 * given -- it resumes, it does not rescan from the start. */
START_TEST(resumes_without_rescanning)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    struct srpc__frame f;
    size_t n;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 5000);
    for (int i = 0; i < 5000; i++)
        msgpack_pack_int64(&pk, i % 3 ? i : INT64_MIN + i);
    srpc__frame_init(&f, 1 << 20);
    for (size_t len = 1; len < sb.size; len++) {
        ck_assert_int_eq(srpc__frame_scan(&f, sb.data, len, &n), SRPC__FRAME_MORE);
        ck_assert_uint_ge(f.off + 9, len);
    }
    ck_assert_int_eq(srpc__frame_scan(&f, sb.data, sb.size, &n), SRPC__FRAME_DONE);
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

START_TEST(random_pieces_and_back_to_back)
{
    msgpack_sbuffer sb, all;
    size_t ends[50], n, start = 0, got = 0;
    struct srpc__frame f;

    rng_state = 12345;
    msgpack_sbuffer_init(&sb);
    msgpack_sbuffer_init(&all);
    for (int i = 0; i < 50; i++) {
        random_message(&sb);
        msgpack_sbuffer_write(&all, sb.data, sb.size);
        ends[i] = all.size;
    }
    /* Deliver the stream in random pieces; every message is found. */
    srpc__frame_init(&f, 1 << 20);
    for (size_t avail = 0; avail < all.size;) {
        avail += 1 + pick(100);
        if (avail > all.size)
            avail = all.size;
        while (start < avail &&
               srpc__frame_scan(&f, all.data + start, avail - start, &n) ==
                   SRPC__FRAME_DONE) {
            start += n;
            ck_assert_uint_eq(start, ends[got]);
            got++;
        }
    }
    ck_assert_uint_eq(got, 50);
    msgpack_sbuffer_destroy(&sb);
    msgpack_sbuffer_destroy(&all);
}
END_TEST

/* Mutated messages: whatever the bytes, the scanner and msgpack-c agree
 * on whether a complete message is there and where it ends.  msgpack-c
 * is not fed what the scanner calls a size bomb (it would try to allocate
 * it: the very thing the scanner exists for); such input cannot hold a
 * complete message anyway, since it declares more than LEN bytes. */
START_TEST(agrees_with_msgpack_on_mutations)
{
    msgpack_sbuffer sb;
    int done = 0, bad = 0, bombs = 0;

    rng_state = 777;
    msgpack_sbuffer_init(&sb);
    for (int iter = 0; iter < 10000; iter++) {
        struct srpc__frame f;
        size_t n = 0, want;
        enum srpc__frame_result r;

        random_message(&sb);
        for (unsigned k = 1 + pick(3); k > 0 && sb.size > 1; k--)
            sb.data[1 + pick((unsigned)sb.size - 1)] = (char)rnd();
        if (pick(4) == 0 && sb.size > 2)
            sb.size -= 1 + pick((unsigned)sb.size - 1); /* truncate */
        srpc__frame_init(&f, 1 << 16);
        r = srpc__frame_scan(&f, sb.data, sb.size, &n);
        if (r == SRPC__FRAME_BAD && f.status == SRPC_ETOOBIG) {
            bombs++;
            continue;
        }
        want = msgpack_end(sb.data, sb.size);
        if (want > 0) {
            ck_assert_int_eq(r, SRPC__FRAME_DONE);
            ck_assert_uint_eq(n, want);
            done++;
        } else {
            ck_assert_int_ne(r, SRPC__FRAME_DONE);
            bad++;
        }
    }
    /* Every outcome was exercised. */
    ck_assert_int_gt(done, 1000);
    ck_assert_int_gt(bad, 1000);
    ck_assert_int_gt(bombs, 10);
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

START_TEST(truncated_needs_more)
{
    /* [0, 1, "calc.add", [1, 2]] cut at every length */
    static const unsigned char msg[] = { 0x94, 0x00, 0x01, 0xa8, 'c', 'a', 'l',
                                         'c', '.', 'a', 'd', 'd', 0x92, 0x01,
                                         0x02 };
    size_t n;

    for (size_t len = 0; len < sizeof msg; len++)
        ck_assert_int_eq(scan_all(1024, msg, len, &n), SRPC__FRAME_MORE);
    ck_assert_int_eq(scan_all(1024, msg, sizeof msg, &n), SRPC__FRAME_DONE);
    ck_assert_uint_eq(n, sizeof msg);
}
END_TEST

START_TEST(size_bomb_rejected_at_once)
{
    static const unsigned char bomb[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
    static const unsigned char map_bomb[] = { 0x91, 0xdf, 0x00, 0x08, 0x00, 0x00 };
    static const unsigned char str_bomb[] = { 0x91, 0xdb, 0x00, 0x10, 0x00, 0x01 };
    struct srpc__frame f;
    size_t n;

    srpc__frame_init(&f, 1 << 20);
    ck_assert_int_eq(srpc__frame_scan(&f, bomb, sizeof bomb, &n), SRPC__FRAME_BAD);
    ck_assert_int_eq(f.status, SRPC_ETOOBIG);
    ck_assert_ptr_nonnull(f.why);
    /* A map counts two elements per entry: 2 * 512 Ki entries > 1 MiB. */
    ck_assert_int_eq(scan_all(1 << 20, map_bomb, sizeof map_bomb, &n),
                     SRPC__FRAME_BAD);
    ck_assert_int_eq(scan_all(1 << 21, map_bomb, sizeof map_bomb, &n),
                     SRPC__FRAME_MORE);
    /* A string longer than allowed is rejected before its body arrives. */
    ck_assert_int_eq(scan_all(1 << 20, str_bomb, sizeof str_bomb, &n),
                     SRPC__FRAME_BAD);
    /* Exactly at the limit: an array of N nils in N + 5 bytes. */
    ck_assert_int_eq(scan_all(5 + 1000, (const unsigned char[]){ 0xdd, 0, 0, 3, 0xe8 },
                              5, &n), SRPC__FRAME_MORE);
    ck_assert_int_eq(scan_all(5 + 999, (const unsigned char[]){ 0xdd, 0, 0, 3, 0xe8 },
                              5, &n), SRPC__FRAME_BAD);
}
END_TEST

static size_t nested(unsigned char *buf, int depth)
{
    for (int i = 0; i < depth - 1; i++)
        buf[i] = 0x91; /* [ [ [ ... */
    buf[depth - 1] = 0x90; /* innermost: [] */
    return (size_t)depth;
}

START_TEST(depth_limit)
{
    unsigned char buf[64];
    size_t len, n;

    len = nested(buf, 32);
    ck_assert_uint_eq(msgpack_end((char *)buf, len), len); /* msgpack-c ok */
    ck_assert_int_eq(scan_all(1024, buf, len, &n), SRPC__FRAME_DONE);
    ck_assert_uint_eq(n, 32);
    len = nested(buf, 33);
    ck_assert_uint_eq(msgpack_end((char *)buf, len), 0); /* msgpack-c fails */
    ck_assert_int_eq(scan_all(1024, buf, len, &n), SRPC__FRAME_BAD);
    /* Rejected as soon as the 33rd header arrives, not at the end. */
    buf[32] = 0x91;
    ck_assert_int_eq(scan_all(1024, buf, 33, &n), SRPC__FRAME_BAD);
}
END_TEST

START_TEST(invalid_byte_c1)
{
    static const unsigned char msg[] = { 0x93, 0x01, 0xc1, 0x02 };
    static const unsigned char msg2[] = { 0x91, 0x81, 0xc1, 0x02 };
    struct srpc__frame f;
    size_t n;

    srpc__frame_init(&f, 1024);
    ck_assert_int_eq(srpc__frame_scan(&f, msg, 2, &n), SRPC__FRAME_MORE);
    ck_assert_int_eq(srpc__frame_scan(&f, msg, 3, &n), SRPC__FRAME_BAD);
    ck_assert_int_eq(f.status, SRPC_EPROTO);
    ck_assert_int_eq(scan_all(1024, msg2, sizeof msg2, &n), SRPC__FRAME_BAD);
}
END_TEST

/* Wherever 0xc1 stands, the reason is the byte: also as a message's first
 * byte, where it is not an array's header either, and as the first byte
 * of the message after a complete one. */
START_TEST(invalid_byte_c1_named_everywhere)
{
    static const unsigned char first[] = { 0xc1 };
    static const unsigned char inner[] = { 0x92, 0x01, 0xc1 };
    static const unsigned char next[] = { 0x91, 0x01, 0xc1, 0x00 };
    const char *want = "message holds the invalid byte 0xc1";
    struct srpc__frame f;
    size_t n;

    srpc__frame_init(&f, 1024);
    ck_assert_int_eq(srpc__frame_scan(&f, first, 1, &n), SRPC__FRAME_BAD);
    ck_assert_int_eq(f.status, SRPC_EPROTO);
    ck_assert_str_eq(f.why, want);
    srpc__frame_init(&f, 1024);
    ck_assert_int_eq(srpc__frame_scan(&f, inner, 3, &n), SRPC__FRAME_BAD);
    ck_assert_str_eq(f.why, want);
    srpc__frame_init(&f, 1024);
    ck_assert_int_eq(srpc__frame_scan(&f, next, 4, &n), SRPC__FRAME_DONE);
    ck_assert_uint_eq(n, 2);
    ck_assert_int_eq(srpc__frame_scan(&f, next + n, 2, &n), SRPC__FRAME_BAD);
    ck_assert_str_eq(f.why, want);
    /* Any other first byte that heads no array keeps its own reason. */
    srpc__frame_init(&f, 1024);
    ck_assert_int_eq(srpc__frame_scan(&f, "G", 1, &n), SRPC__FRAME_BAD);
    ck_assert_str_eq(f.why, "message is not an array");
}
END_TEST

START_TEST(oversize_rejected)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    static char body[2000];
    size_t n;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 1);
    msgpack_pack_bin(&pk, sizeof body);
    msgpack_pack_bin_body(&pk, body, sizeof body);
    ck_assert_int_eq(scan_all(sb.size, sb.data, sb.size, &n), SRPC__FRAME_DONE);
    ck_assert_int_eq(scan_all(sb.size - 1, sb.data, sb.size, &n), SRPC__FRAME_BAD);
    /* Known too big from the header alone. */
    ck_assert_int_eq(scan_all(sb.size - 1, sb.data, 4, &n), SRPC__FRAME_BAD);
    msgpack_sbuffer_destroy(&sb);
}
END_TEST

START_TEST(first_byte_must_be_array)
{
    static const unsigned char starts[] = { 0x00, 0x7f, 0x80, 0xa0, 0xc0, 0xc1,
                                            0xc3, 0xcc, 0xd9, 0xde, 0xdf, 0xe0,
                                            0xff, 'G' };
    size_t n;

    for (size_t i = 0; i < sizeof starts; i++)
        ck_assert_int_eq(scan_all(1024, &starts[i], 1, &n), SRPC__FRAME_BAD);
    ck_assert_int_eq(scan_all(1024, "GET / HTTP/1.1\r\n", 16, &n),
                     SRPC__FRAME_BAD);
    ck_assert_int_eq(scan_all(1024, (const unsigned char[]){ 0x90 }, 1, &n),
                     SRPC__FRAME_DONE);
    ck_assert_int_eq(scan_all(1024, (const unsigned char[]){ 0xdc }, 1, &n),
                     SRPC__FRAME_MORE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("frame");
    TCase *tc = tcase_create("frame");
    SRunner *sr;
    int failed;

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, valid_whole_and_resumed);
    tcase_add_test(tc, resumes_without_rescanning);
    tcase_add_test(tc, random_pieces_and_back_to_back);
    tcase_add_test(tc, agrees_with_msgpack_on_mutations);
    tcase_add_test(tc, truncated_needs_more);
    tcase_add_test(tc, size_bomb_rejected_at_once);
    tcase_add_test(tc, depth_limit);
    tcase_add_test(tc, invalid_byte_c1);
    tcase_add_test(tc, invalid_byte_c1_named_everywhere);
    tcase_add_test(tc, oversize_rejected);
    tcase_add_test(tc, first_byte_must_be_array);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV); /* CK_VERBOSITY=verbose lists each test */
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
