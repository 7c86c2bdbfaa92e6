#include "config.h"

/*
 * test_gen.c - what idlc writes: the generated files of
 * tests/golden/gen/NAME.idl match NAME.h, NAME_client.c and NAME_server.c
 * byte for byte; they compile warning-free with the build's compiler and
 * with clang (when configure found it); a second run leaves them
 * untouched; a hand-written file is never overwritten.
 *
 * After a deliberate change of the generated code, regenerate the golden
 * files and review the diff:
 *
 *     IDLC_UPDATE_GOLDEN=1 make check TESTS=tests/unit/test_gen
 *     git diff tests/golden/gen
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_idlc_run.h"

/* shapes.idl imports geo.idl. */
static const char *const golden[] = {
    "calc", "errors", "geo", "multi", "shapes", "types",
};
#define NGOLDEN (int)(sizeof golden / sizeof golden[0])
static const char *const suffixes[] = { ".h", "_client.c", "_server.c" };

/* A scratch directory with idlc's output for tests/golden/gen/NAME.idl
 * in DIR/out; returns idlc's exit status. */
static int generate(const char *dir, const char *name)
{
    char rel[256];
    char *out = join(dir, "out");
    char *err = join(dir, "stderr");
    int rc;

    snprintf(rel, sizeof rel, "tests/golden/gen/%s.idl", name);
    char *idl = src_path(rel);
    const char *args[] = { "-o", out, idl, NULL };
    rc = run_idlc(NULL, args, NULL, err);
    free(idl);
    free(err);
    free(out);
    return rc;
}

START_TEST(matches_golden)
{
    const char *name = golden[_i];
    char *dir = make_tmpdir();

    ck_assert_int_eq(generate(dir, name), 0);
    for (size_t i = 0; i < 3; i++) {
        char file[256], rel[300];
        snprintf(file, sizeof file, "out/%s%s", name, suffixes[i]);
        snprintf(rel, sizeof rel, "tests/golden/gen/%s%s", name,
                 suffixes[i]);
        char *got_path = join(dir, file);
        char *want_path = src_path(rel);
        char *got = read_file(got_path, NULL);
        ck_assert_msg(got != NULL, "%s was not written", file);
        if (getenv("IDLC_UPDATE_GOLDEN") != NULL)
            ck_assert_int_eq(write_file(want_path, got), 0);
        char *want = read_file(want_path, NULL);
        ck_assert_msg(want != NULL, "cannot read %s", want_path);
        ck_assert_msg(strcmp(got, want) == 0, "%s differs from %s", file,
                      want_path);
        free(want);
        free(got);
        free(want_path);
        free(got_path);
    }
    remove_tree(dir);
    free(dir);
}
END_TEST

/*
 * Compiles FILE into OBJ with COMPILER (a command: "cc", "gcc -m32") and
 * the strictest flags the generated code promises.  Anything it says on
 * stderr fails, even what -Werror lets through (a note, a remark): the
 * text is in *REPORT, malloc'd, or NULL when it said nothing.  Returns
 * the exit status, or -1 when it exited 0 but said something.
 */
static int compile(const char *compiler, const char *file, const char *obj,
                   const char *errfile, char **report)
{
    char *inc = src_path("runtime/include");
    char *argv[] = {
        "/bin/sh", "-c",
        "$1 -std=c11 -Wall -Wextra -Wpedantic -Werror "
        "-I\"$2\" -c \"$3\" -o \"$4\"",
        "sh", (char *)compiler, inc, (char *)file, (char *)obj, NULL
    };
    size_t len = 0;
    int rc = run_program(NULL, argv, NULL, errfile);

    *report = read_file(errfile, &len);
    if (*report != NULL && len == 0) {
        free(*report);
        *report = NULL;
    }
    free(inc);
    return rc == 0 && *report != NULL ? -1 : rc;
}

/* Generates tests/golden/gen/NAME.idl and compiles its two .c files
 * (each includes the header) with COMPILER. */
static void check_compiles(const char *compiler, const char *name)
{
    char *dir = make_tmpdir();

    /* Every golden file beside this one, for the headers it includes. */
    for (int k = 0; k < NGOLDEN; k++)
        ck_assert_int_eq(generate(dir, golden[k]), 0);
    for (size_t i = 1; i < 3; i++) {
        char file[256];
        char *report;
        snprintf(file, sizeof file, "out/%s%s", name, suffixes[i]);
        char *src = join(dir, file);
        char *obj = join(dir, "x.o");
        char *errfile = join(dir, "x.err");
        int rc = compile(compiler, src, obj, errfile, &report);
        ck_assert_msg(rc == 0, "%s: %s %s:\n%s", compiler, file,
                      rc == -1 ? "compiles with diagnostics"
                               : "does not compile",
                      report != NULL ? report : "(no output)");
        free(report);
        free(errfile);
        free(obj);
        free(src);
    }
    remove_tree(dir);
    free(dir);
}

/* With the build's compiler ($CC, as the build runs it). */
START_TEST(compiles_cleanly)
{
    const char *cc = getenv("CC");

    check_compiles(cc != NULL && cc[0] != '\0' ? cc : "cc", golden[_i]);
}
END_TEST

/* And with clang when configure found it ($CLANG), whatever the build's
 * compiler is: the generated code promises both. */
START_TEST(compiles_cleanly_with_clang)
{
    const char *clang = getenv("CLANG");

    if (clang == NULL || clang[0] == '\0')
        return; /* configure found no clang: nothing to check */
    check_compiles(clang, golden[_i]);
}
END_TEST

START_TEST(unchanged_files_are_not_rewritten)
{
    char *dir = make_tmpdir();
    struct stat before[3], after[3];
    char *paths[3];

    ck_assert_int_eq(generate(dir, "calc"), 0);
    for (size_t i = 0; i < 3; i++) {
        char file[64];
        snprintf(file, sizeof file, "out/calc%s", suffixes[i]);
        paths[i] = join(dir, file);
        ck_assert_int_eq(stat(paths[i], &before[i]), 0);
    }
    ck_assert_int_eq(generate(dir, "calc"), 0);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(stat(paths[i], &after[i]), 0);
        /* A rename would give a new inode, a write a new mtime. */
        ck_assert_uint_eq(before[i].st_ino, after[i].st_ino);
        ck_assert_int_eq(before[i].st_mtim.tv_sec, after[i].st_mtim.tv_sec);
        ck_assert_int_eq(before[i].st_mtim.tv_nsec,
                         after[i].st_mtim.tv_nsec);
        free(paths[i]);
    }
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(stale_generated_file_is_replaced)
{
    char *dir = make_tmpdir();
    char *out = join(dir, "out");
    char *header = join(out, "calc.h");

    ck_assert_int_eq(mkdir(out, 0777), 0);
    ck_assert_int_eq(write_file(header, "/* Generated by idlc from calc.idl."
                                        " Do not edit. */\nold\n"), 0);
    ck_assert_int_eq(generate(dir, "calc"), 0);
    char *text = read_file(header, NULL);
    ck_assert_ptr_null(strstr(text, "\nold\n"));
    ck_assert_ptr_nonnull(strstr(text, "int calc_add("));
    free(text);
    free(header);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(hand_written_file_is_kept)
{
    static const char mine[] = "/* my own server */\nint main(void);\n";
    char *dir = make_tmpdir();
    char *out = join(dir, "out");
    char *server = join(out, "calc_server.c");
    char *header = join(out, "calc.h");
    char *errpath = join(dir, "stderr");
    struct stat st;

    ck_assert_int_eq(mkdir(out, 0777), 0);
    ck_assert_int_eq(write_file(server, mine), 0);
    ck_assert_int_eq(generate(dir, "calc"), 1);

    char *text = read_file(server, NULL);
    ck_assert_str_eq(text, mine);
    free(text);
    /* All or nothing: the other files were not written either. */
    ck_assert_int_ne(stat(header, &st), 0);
    char *err = read_file(errpath, NULL);
    ck_assert_ptr_nonnull(strstr(err, "refusing to overwrite"));
    ck_assert_ptr_nonnull(strstr(err, "calc_server.c"));
    ck_assert_ptr_nonnull(strstr(err, "-o DIR"));
    free(err);
    free(errpath);
    free(header);
    free(server);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

static Suite *gen_suite(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("gen");

    /* The compilers run in compiles_cleanly(_with_clang). */
    tcase_set_timeout(tc, 30);
    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    tcase_add_loop_test(tc, matches_golden, 0, NGOLDEN);
    tcase_add_loop_test(tc, compiles_cleanly, 0, NGOLDEN);
    tcase_add_loop_test(tc, compiles_cleanly_with_clang, 0, NGOLDEN);
    tcase_add_test(tc, unchanged_files_are_not_rewritten);
    tcase_add_test(tc, stale_generated_file_is_replaced);
    tcase_add_test(tc, hand_written_file_is_kept);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(gen_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
