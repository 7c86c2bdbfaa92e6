#include "config.h"

/* test_lookup.c - idlc's hash table (idlc/lookup.h): hits and misses,
 * the first of two equal keys, growth past many sizes, keys that are
 * not strings, case folding, and every allocation failing in turn. */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lookup.h"

/* Many distinct keys, kept alive for the tables that borrow them. */
#define NKEYS 5000
static char keys[NKEYS][16];
static int values[NKEYS];

static void make_keys(void)
{
    for (int i = 0; i < NKEYS; i++) {
        snprintf(keys[i], sizeof keys[i], "name_%d", i);
        values[i] = i;
    }
}

/* An allocator that fails once N more allocations have succeeded (and
 * from then on), or never when N is negative. */
static long allocs_left = -1;

static void *failing_calloc(size_t n, size_t size)
{
    if (allocs_left == 0)
        return NULL;
    if (allocs_left > 0)
        allocs_left--;
    return calloc(n, size);
}

static void setup(void)
{
    make_keys();
    lookup_calloc = failing_calloc;
    allocs_left = -1;
}

static void teardown(void)
{
    lookup_calloc = calloc;
}

START_TEST(empty_table_misses_and_allocates_nothing)
{
    struct lookup t;

    lookup_init(&t, false);
    allocs_left = 0;            /* a lookup must not allocate */
    ck_assert_ptr_null(lookup_get_str(&t, "anything"));
    ck_assert_ptr_null(lookup_get(&t, "", 0));
    ck_assert_ptr_null(t.slots);
    lookup_free(&t);
    lookup_free(&t);            /* freeing twice is harmless */
}
END_TEST

START_TEST(hit_and_miss)
{
    struct lookup t;
    void *first = NULL;

    lookup_init(&t, false);
    ck_assert_int_eq(lookup_add_str(&t, "point", &values[1], &first),
                     LOOKUP_ADDED);
    ck_assert_ptr_eq(first, &values[1]);
    ck_assert_int_eq(lookup_add_str(&t, "box", &values[2], NULL),
                     LOOKUP_ADDED);
    ck_assert_ptr_eq(lookup_get_str(&t, "point"), &values[1]);
    ck_assert_ptr_eq(lookup_get_str(&t, "box"), &values[2]);
    ck_assert_ptr_null(lookup_get_str(&t, "Point"));
    ck_assert_ptr_null(lookup_get_str(&t, "poin"));
    ck_assert_ptr_null(lookup_get_str(&t, "points"));
    ck_assert_ptr_null(lookup_get_str(&t, ""));
    ck_assert_uint_eq(t.count, 2);
    lookup_free(&t);
    ck_assert_ptr_null(lookup_get_str(&t, "point"));
}
END_TEST

START_TEST(first_of_equal_keys_stays)
{
    struct lookup t;
    /* Two copies of one name at different addresses, as two
     * declarations of one name are. */
    char a[] = "color", b[] = "color";
    void *first = NULL;

    lookup_init(&t, false);
    ck_assert_int_eq(lookup_add_str(&t, a, &values[1], NULL), LOOKUP_ADDED);
    ck_assert_int_eq(lookup_add_str(&t, b, &values[2], &first),
                     LOOKUP_FOUND);
    ck_assert_ptr_eq(first, &values[1]);
    ck_assert_int_eq(lookup_add_str(&t, a, &values[3], &first),
                     LOOKUP_FOUND);
    ck_assert_ptr_eq(first, &values[1]);
    ck_assert_ptr_eq(lookup_get_str(&t, b), &values[1]);
    ck_assert_uint_eq(t.count, 1);
    lookup_free(&t);
}
END_TEST

START_TEST(grows_and_keeps_every_key)
{
    struct lookup t;

    lookup_init(&t, false);
    for (int i = 0; i < NKEYS; i++) {
        ck_assert_int_eq(lookup_add_str(&t, keys[i], &values[i], NULL),
                         LOOKUP_ADDED);
        /* At most half full, whatever the size. */
        ck_assert_uint_le(t.count * 2, t.size);
        ck_assert_uint_eq(t.size & (t.size - 1), 0);
        /* Every key added so far is still found after each growth. */
        if ((i & (i + 1)) == 0) {
            for (int k = 0; k <= i; k++)
                ck_assert_ptr_eq(lookup_get_str(&t, keys[k]), &values[k]);
        }
    }
    for (int i = 0; i < NKEYS; i++)
        ck_assert_ptr_eq(lookup_get_str(&t, keys[i]), &values[i]);
    ck_assert_ptr_null(lookup_get_str(&t, "name_5000"));
    ck_assert_ptr_null(lookup_get_str(&t, "name_"));
    ck_assert_uint_eq(t.count, NKEYS);
    lookup_free(&t);
    ck_assert_uint_eq(t.size, 0);
}
END_TEST

START_TEST(byte_keys)
{
    struct lookup t;
    long long numbers[] = { 0, -1, 7, 1LL << 40, 7 };
    int *ptrs[] = { &values[0], &values[1], &values[0] };
    long long probe = 7, absent = 8;
    void *first = NULL;

    lookup_init(&t, false);
    for (size_t i = 0; i < 4; i++)
        ck_assert_int_eq(lookup_add(&t, &numbers[i], sizeof numbers[i],
                                    &values[i], NULL), LOOKUP_ADDED);
    ck_assert_int_eq(lookup_add(&t, &numbers[4], sizeof numbers[4],
                                &values[4], &first), LOOKUP_FOUND);
    ck_assert_ptr_eq(first, &values[2]);
    ck_assert_ptr_eq(lookup_get(&t, &probe, sizeof probe), &values[2]);
    ck_assert_ptr_null(lookup_get(&t, &absent, sizeof absent));
    /* A key's length is part of it: a prefix of a key is another. */
    ck_assert_ptr_null(lookup_get(&t, &probe, sizeof probe - 1));
    lookup_free(&t);

    /* Pointers by identity, through the slots of an array of them. */
    lookup_init(&t, false);
    ck_assert_int_eq(lookup_add(&t, lookup_ptr_key(&ptrs[0]), &ptrs[0],
                                NULL), LOOKUP_ADDED);
    ck_assert_int_eq(lookup_add(&t, lookup_ptr_key(&ptrs[1]), &ptrs[1],
                                NULL), LOOKUP_ADDED);
    ck_assert_int_eq(lookup_add(&t, lookup_ptr_key(&ptrs[2]), &ptrs[2],
                                &first), LOOKUP_FOUND);
    ck_assert_ptr_eq(first, &ptrs[0]);
    {
        int *copy = &values[1];

        ck_assert_ptr_eq(lookup_get(&t, lookup_ptr_key(&copy)), &ptrs[1]);
        copy = &values[2];
        ck_assert_ptr_null(lookup_get(&t, lookup_ptr_key(&copy)));
    }
    lookup_free(&t);
}
END_TEST

START_TEST(fold_case)
{
    struct lookup t;
    void *first = NULL;

    lookup_init(&t, true);
    ck_assert_int_eq(lookup_add_str(&t, "getValue", &values[1], NULL),
                     LOOKUP_ADDED);
    ck_assert_int_eq(lookup_add_str(&t, "GETVALUE", &values[2], &first),
                     LOOKUP_FOUND);
    ck_assert_ptr_eq(first, &values[1]);
    ck_assert_ptr_eq(lookup_get_str(&t, "getvalue"), &values[1]);
    ck_assert_ptr_null(lookup_get_str(&t, "get_value"));
    /* Only ASCII letters fold: '@' and '`' are next to 'A' and 'a'. */
    ck_assert_int_eq(lookup_add_str(&t, "x@", &values[3], NULL),
                     LOOKUP_ADDED);
    ck_assert_ptr_null(lookup_get_str(&t, "x`"));
    lookup_free(&t);
}
END_TEST

START_TEST(reserve_makes_adds_safe)
{
    struct lookup t;

    lookup_init(&t, false);
    ck_assert(lookup_reserve(&t, 0));
    ck_assert_ptr_null(t.slots);
    ck_assert(lookup_reserve(&t, 100));
    ck_assert_uint_ge(t.size, 200);
    allocs_left = 0;            /* no allocation from here on */
    for (int i = 0; i < 100; i++)
        ck_assert_int_eq(lookup_add_str(&t, keys[i], &values[i], NULL),
                         LOOKUP_ADDED);
    /* The room left fills up, and then an add must grow the table. */
    for (int i = 100;; i++) {
        enum lookup_status st = lookup_add_str(&t, keys[i], &values[i],
                                               NULL);

        if (st == LOOKUP_NOMEM) {
            ck_assert_uint_eq(t.count, t.size / 2);
            break;
        }
        ck_assert_int_eq(st, LOOKUP_ADDED);
    }
    ck_assert(!lookup_reserve(&t, 1));
    ck_assert(!lookup_reserve(&t, SIZE_MAX));
    allocs_left = -1;
    ck_assert(lookup_reserve(&t, 1));
    lookup_free(&t);
}
END_TEST

/* Every allocation of a run of adds fails in turn: each failure leaves
 * the table as it was, every key added before is still found, and the
 * same adds succeed once memory is back. */
START_TEST(allocation_failures)
{
    const int n = 1000;

    for (long fail_at = 0;; fail_at++) {
        struct lookup t;
        int added = 0;
        void *first = &values[0];
        bool failed = false;

        lookup_init(&t, false);
        allocs_left = fail_at;
        for (; added < n; added++) {
            size_t size = t.size;
            enum lookup_status st =
                lookup_add_str(&t, keys[added], &values[added], &first);

            if (st == LOOKUP_NOMEM) {
                ck_assert_ptr_null(first);
                ck_assert_uint_eq(t.size, size);
                ck_assert_uint_eq(t.count, (size_t)added);
                failed = true;
                break;
            }
            ck_assert_int_eq(st, LOOKUP_ADDED);
        }
        for (int k = 0; k < added; k++)
            ck_assert_ptr_eq(lookup_get_str(&t, keys[k]), &values[k]);
        ck_assert_ptr_null(lookup_get_str(&t, "absent"));
        allocs_left = -1;
        for (int k = added; k < n; k++)
            ck_assert_int_eq(lookup_add_str(&t, keys[k], &values[k], NULL),
                             LOOKUP_ADDED);
        for (int k = 0; k < n; k++)
            ck_assert_ptr_eq(lookup_get_str(&t, keys[k]), &values[k]);
        lookup_free(&t);
        if (!failed)
            break;              /* every allocation has failed once */
    }
}
END_TEST

static Suite *lookup_suite(void)
{
    Suite *s = suite_create("lookup");
    TCase *tc = tcase_create("lookup");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, empty_table_misses_and_allocates_nothing);
    tcase_add_test(tc, hit_and_miss);
    tcase_add_test(tc, first_of_equal_keys_stays);
    tcase_add_test(tc, grows_and_keeps_every_key);
    tcase_add_test(tc, byte_keys);
    tcase_add_test(tc, fold_case);
    tcase_add_test(tc, reserve_makes_adds_safe);
    tcase_add_test(tc, allocation_failures);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lookup_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
