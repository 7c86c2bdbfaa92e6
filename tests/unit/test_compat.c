#include "config.h"

/*
 * test_compat.c - idlc --check-compat (compat.c), as golden tests: each
 * pair tests/golden/compat/NAME.old.idl and NAME.new.idl is compared by
 * the built idlc, run inside that directory, and its stderr followed by
 * a line "[exit N]" must be NAME.expected byte for byte.
 *
 * The name's prefix says what the pair must give whatever its .expected
 * file says, so that regenerating cannot bless a wrong verdict:
 *   break_  exit 1 with at least one error;
 *   ok_     exit 0 and no output at all;
 *   warn_   exit 0 with warnings only;
 *   bad_    exit 1: an input has errors.
 * After a deliberate change of the messages, regenerate and review:
 *
 *     IDLC_UPDATE_GOLDEN=1 make check TESTS=tests/unit/test_compat
 *     git diff tests/golden/compat
 */

#include <check.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_idlc_run.h"

#define GOLDEN_DIR "tests/golden/compat"
#define MAX_PAIRS 128

/* The pairs' names, sorted; found by main() before the suite runs. */
static char *pairs[MAX_PAIRS];
static size_t npairs;

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);

    return n > m && strcmp(s + n - m, suffix) == 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fills pairs[] with the NAME of every NAME.old.idl. */
static void find_pairs(void)
{
    char *srcdir = src_path(GOLDEN_DIR);
    DIR *dir = opendir(srcdir);
    struct dirent *e;

    if (dir == NULL) {
        fprintf(stderr, "test_compat: cannot open %s\n", srcdir);
        exit(EXIT_FAILURE);
    }
    while ((e = readdir(dir)) != NULL && npairs < MAX_PAIRS) {
        if (has_suffix(e->d_name, ".old.idl"))
            pairs[npairs++] = strndup(e->d_name,
                                      strlen(e->d_name) - strlen(".old.idl"));
    }
    closedir(dir);
    free(srcdir);
    qsort(pairs, npairs, sizeof *pairs, by_name);
}

/* What one run of idlc said. */
struct result {
    int status;
    char *out;
    char *err;
};

static void result_free(struct result *r)
{
    free(r->out);
    free(r->err);
}

/* Runs idlc ARGS inside tests/golden/compat. */
static struct result idlc(const char *const args[])
{
    char *dir = make_tmpdir();
    char *outpath = join(dir, "stdout");
    char *errpath = join(dir, "stderr");
    char *srcdir = src_path(GOLDEN_DIR);
    struct result r;

    r.status = run_idlc(srcdir, args, outpath, errpath);
    r.out = read_file(outpath, NULL);
    r.err = read_file(errpath, NULL);
    ck_assert_ptr_nonnull(r.out);
    ck_assert_ptr_nonnull(r.err);
    remove_tree(dir);
    free(srcdir);
    free(errpath);
    free(outpath);
    free(dir);
    return r;
}

/* idlc [OPTION] --check-compat NAME.old.idl NAME.new.idl (OPTION may be
 * NULL); SAME compares NAME.old.idl with itself. */
static struct result compare(const char *name, const char *option,
                             bool same)
{
    char old[256], new[256];
    const char *args[5];
    size_t n = 0;

    snprintf(old, sizeof old, "%s.old.idl", name);
    snprintf(new, sizeof new, "%s.%s.idl", name, same ? "old" : "new");
    if (option != NULL)
        args[n++] = option;
    args[n++] = "--check-compat";
    args[n++] = old;
    args[n++] = new;
    args[n] = NULL;
    return idlc(args);
}

START_TEST(golden_pair)
{
    const char *name = pairs[_i];
    char rel[256];
    struct result r = compare(name, NULL, false);

    snprintf(rel, sizeof rel, GOLDEN_DIR "/%s.expected", name);
    char *expected_path = src_path(rel);
    size_t len = strlen(r.err);
    char *got = malloc(len + 32);
    ck_assert_ptr_nonnull(got);
    snprintf(got, len + 32, "%s[exit %d]\n", r.err, r.status);
    if (getenv("IDLC_UPDATE_GOLDEN") != NULL)
        ck_assert_int_eq(write_file(expected_path, got), 0);
    char *want = read_file(expected_path, NULL);
    ck_assert_msg(want != NULL, "cannot read %s", expected_path);
    ck_assert_msg(strcmp(got, want) == 0,
                  "%s: output differs.\n--- expected\n%s--- got\n%s", name,
                  want, got);
    ck_assert_str_eq(r.out, "");

    /* The verdict the name promises. */
    if (has_prefix(name, "break_")) {
        ck_assert_msg(r.status == 1, "%s: exit %d", name, r.status);
        ck_assert_msg(strstr(r.err, ": error: ") != NULL, "%s: no error",
                      name);
    } else if (has_prefix(name, "ok_")) {
        ck_assert_msg(r.status == 0, "%s: exit %d", name, r.status);
        ck_assert_msg(r.err[0] == '\0', "%s: said\n%s", name, r.err);
    } else if (has_prefix(name, "warn_")) {
        ck_assert_msg(r.status == 0, "%s: exit %d", name, r.status);
        ck_assert_msg(strstr(r.err, ": warning: ") != NULL
                      && strstr(r.err, ": error: ") == NULL,
                      "%s: not warnings only:\n%s", name, r.err);
    } else if (has_prefix(name, "bad_")) {
        ck_assert_msg(r.status == 1, "%s: exit %d", name, r.status);
    } else {
        ck_abort_msg("%s: the name must begin with break_, ok_, warn_ or "
                     "bad_", name);
    }
    free(want);
    free(got);
    free(expected_path);
    result_free(&r);
}
END_TEST

/* Any valid file is compatible with itself. */
START_TEST(same_file_is_compatible)
{
    const char *name = pairs[_i];
    struct result r;

    if (has_prefix(name, "bad_"))
        return;
    r = compare(name, NULL, true);
    ck_assert_msg(r.status == 0 && r.err[0] == '\0',
                  "%s.old.idl against itself: exit %d\n%s", name, r.status,
                  r.err);
    result_free(&r);
}
END_TEST

/* Every pair has its three files, and there is at least one of each
 * kind. */
START_TEST(pairs_are_complete)
{
    static const char *const kinds[] = { "break_", "ok_", "warn_", "bad_" };
    char *srcdir = src_path(GOLDEN_DIR);
    DIR *dir = opendir(srcdir);
    struct dirent *e;

    ck_assert_ptr_nonnull(dir);
    while ((e = readdir(dir)) != NULL) {
        const char *f = e->d_name;
        size_t stem;
        bool found = false;

        if (f[0] == '.')
            continue;
        if (has_suffix(f, ".old.idl") || has_suffix(f, ".new.idl"))
            stem = strlen(f) - strlen(".old.idl");
        else if (has_suffix(f, ".expected"))
            stem = strlen(f) - strlen(".expected");
        else
            ck_abort_msg("%s/%s is not part of a pair", GOLDEN_DIR, f);
        for (size_t i = 0; i < npairs && !found; i++)
            found = strlen(pairs[i]) == stem
                    && strncmp(pairs[i], f, stem) == 0;
        ck_assert_msg(found, "%s has no .old.idl", f);
    }
    closedir(dir);
    for (size_t i = 0; i < npairs; i++) {
        for (size_t k = 0; k < 2; k++) {
            char rel[256];
            snprintf(rel, sizeof rel, GOLDEN_DIR "/%s%s", pairs[i],
                     k == 0 ? ".new.idl" : ".expected");
            char *path = src_path(rel);
            char *text = read_file(path, NULL);
            ck_assert_msg(text != NULL, "%s is missing", rel);
            free(text);
            free(path);
        }
    }
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        bool any = false;
        for (size_t i = 0; i < npairs; i++)
            any |= has_prefix(pairs[i], kinds[k]);
        ck_assert_msg(any, "no pair named %s*", kinds[k]);
    }
    free(srcdir);
}
END_TEST

/* The removal warnings obey -W options like every warning. */
START_TEST(removal_warning_options)
{
    struct result r = compare("warn_removals", "-Werror", false);

    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(strstr(r.err, "error: optional field "
                                        "'point.label' was removed"));
    ck_assert_ptr_nonnull(strstr(r.err, "[-Werror=compat-removal]"));
    result_free(&r);
    r = compare("warn_removals", "-Wno-compat-removal", false);
    ck_assert_int_eq(r.status, 0);
    ck_assert_str_eq(r.err, "");
    result_free(&r);
}
END_TEST

/* -fmax-errors=1 stops the report after one error. */
START_TEST(error_limit)
{
    struct result r = compare("break_result_changed", "-fmax-errors=1",
                              false);
    const char *first = strstr(r.err, ": error: ");

    ck_assert_int_eq(r.status, 1);
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, ": error: "));
    result_free(&r);
}
END_TEST

static void expect_usage(const char *const args[], const char *want)
{
    struct result r = idlc(args);

    ck_assert_int_eq(r.status, 2);
    ck_assert_str_eq(r.out, "");
    ck_assert_str_eq(r.err, want);
    result_free(&r);
}

START_TEST(bad_usage)
{
    const char *one[] = { "--check-compat", "a.idl", NULL };
    const char *none[] = { "--check-compat", NULL };
    const char *three[] = { "--check-compat", "a.idl", "b.idl", "c.idl",
                            NULL };
    const char *output[] = { "-o", "gen", "--check-compat", "a.idl", "b.idl",
                             NULL };
    const char *depfile[] = { "--check-compat", "a.idl", "b.idl", "-MD",
                              NULL };
    const char *two[] = { "a.idl", "b.idl", NULL };

    expect_usage(one, "idlc: option '--check-compat' needs two files, "
                      "OLD.idl and NEW.idl; try 'idlc --help'\n");
    expect_usage(none, "idlc: option '--check-compat' needs two files, "
                       "OLD.idl and NEW.idl; try 'idlc --help'\n");
    expect_usage(three, "idlc: more than two input files 'c.idl'; try "
                        "'idlc --help'\n");
    expect_usage(output, "idlc: option '-o' does not go with "
                         "'--check-compat', which writes nothing; try "
                         "'idlc --help'\n");
    expect_usage(depfile, "idlc: option '-MD' does not go with "
                          "'--check-compat', which writes nothing; try "
                          "'idlc --help'\n");
    expect_usage(two, "idlc: more than one input file 'b.idl'; try 'idlc "
                      "--help'\n");
}
END_TEST

START_TEST(missing_file)
{
    const char *args[] = { "--check-compat", "ok_proc_added.old.idl",
                           "nope.idl", NULL };
    struct result r = idlc(args);

    ck_assert_int_eq(r.status, 1);
    ck_assert_str_eq(r.err, "idlc: cannot open 'nope.idl': No such file or "
                            "directory\n");
    result_free(&r);
}
END_TEST

START_TEST(help_mentions_it)
{
    const char *args[] = { "--help", NULL };
    struct result r = idlc(args);

    ck_assert_int_eq(r.status, 0);
    ck_assert_ptr_nonnull(strstr(r.out, "idlc --check-compat [OPTION]... "
                                        "OLD.idl NEW.idl\n"));
    ck_assert_ptr_nonnull(strstr(r.out, "  --check-compat   "));
    ck_assert_ptr_nonnull(strstr(r.out, "* compat-removal"));
    result_free(&r);
}
END_TEST

static Suite *compat_suite(void)
{
    Suite *s = suite_create("compat");
    TCase *tc = tcase_create("golden");

    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    tcase_add_loop_test(tc, golden_pair, 0, (int)npairs);
    tcase_add_loop_test(tc, same_file_is_compatible, 0, (int)npairs);
    tcase_add_test(tc, pairs_are_complete);
    suite_add_tcase(s, tc);

    tc = tcase_create("cli");
    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    tcase_add_test(tc, removal_warning_options);
    tcase_add_test(tc, error_limit);
    tcase_add_test(tc, bad_usage);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, help_mentions_it);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr;
    int failed;

    find_pairs();
    sr = srunner_create(compat_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    for (size_t i = 0; i < npairs; i++)
        free(pairs[i]);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
