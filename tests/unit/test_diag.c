#include "config.h"

/*
 * test_diag.c - diagnostics: the GCC format of diag.c, then the golden
 * tests that run the built idlc on each broken input in
 * tests/golden/diag/NAME.idl and compare its stderr byte for byte with
 * NAME.expected (exit status 1, no file written).
 *
 * idlc runs inside tests/golden/diag with the bare file name, so the
 * messages read "NAME.idl:LINE:COL: ...".  After a deliberate change of
 * the messages, regenerate the expected files and review the diff:
 *
 *     IDLC_UPDATE_GOLDEN=1 make check TESTS=tests/unit/test_diag
 *     git diff tests/golden/diag
 */

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "diag.h"
#include "test_idlc_run.h"

/* ---- diag.c ------------------------------------------------------- */

/* Runs one diag call on SRC and returns what it printed (malloc'd). */
static char *format(const char *src, int line, int col, int end_col,
                    bool note)
{
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    struct diag d;
    struct idl_loc loc = { line, col, line, end_col };

    ck_assert_ptr_nonnull(out);
    diag_init(&d, "x.idl", src, strlen(src), out);
    if (note)
        diag_note(&d, &loc, "previous definition here");
    else
        diag_error(&d, &loc, "unknown type '%s'", "int16");
    fclose(out);
    return text;
}

START_TEST(caret_under_token)
{
    char *s = format("a\nb\n    int16 add(int32 a);\n", 3, 5, 10, false);

    ck_assert_str_eq(s, "x.idl:3:5: error: unknown type 'int16'\n"
                        "    3 |     int16 add(int32 a);\n"
                        "      |     ^~~~~\n");
    free(s);
}
END_TEST

START_TEST(note_format)
{
    char *s = format("int32 a", 1, 7, 8, true);

    ck_assert_str_eq(s, "x.idl:1:7: note: previous definition here\n"
                        "    1 | int32 a\n"
                        "      |       ^\n");
    free(s);
}
END_TEST

START_TEST(tabs_are_copied_into_caret_line)
{
    char *s = format("\tint16\tx", 1, 8, 9, false);

    ck_assert_str_eq(s, "x.idl:1:8: error: unknown type 'int16'\n"
                        "    1 | \tint16\tx\n"
                        "      | \t     \t^\n");
    free(s);
}
END_TEST

START_TEST(wide_line_numbers)
{
    char src[200000] = "";

    for (int i = 0; i < 123455; i++)
        strcat(src + i, "\n");
    strcat(src, "int16\n");
    char *s = format(src, 123456, 1, 6, false);
    ck_assert_ptr_nonnull(strstr(s, "\n123456 | int16\n       | ^~~~~\n"));
    free(s);
}
END_TEST

START_TEST(line_past_end_prints_no_source)
{
    char *s = format("a\n", 7, 1, 2, false);

    ck_assert_str_eq(s, "x.idl:7:1: error: unknown type 'int16'\n");
    free(s);
}
END_TEST

START_TEST(error_limit)
{
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    struct diag d;
    struct idl_loc loc = { 1, 1, 1, 2 };

    diag_init(&d, "x.idl", "a", 1, out);
    for (int i = 0; i < DIAG_MAX_ERRORS; i++)
        diag_error(&d, &loc, "e%d", i);
    ck_assert(!diag_stopped(&d));
    diag_error(&d, &loc, "one too many");
    diag_error(&d, &loc, "and another");
    fclose(out);
    ck_assert(diag_stopped(&d));
    ck_assert_int_eq(d.nerrors, DIAG_MAX_ERRORS);
    ck_assert_ptr_null(strstr(text, "one too many"));
    ck_assert_ptr_nonnull(strstr(text, "x.idl: too many errors (20), "
                                       "stopping\n"));
    free(text);
}
END_TEST

START_TEST(sorted_mode_prints_in_file_order)
{
    static const char src[] = "a\nb\nc\n";
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    struct diag d;
    struct idl_loc l1 = { 1, 1, 1, 2 }, l2 = { 2, 1, 2, 2 },
                   l3 = { 3, 1, 3, 2 };

    diag_init(&d, "x.idl", src, strlen(src), out);
    d.sorted = true;
    diag_error(&d, &l3, "third");
    diag_error(&d, &l2, "second");
    diag_note(&d, &l1, "note of second");
    diag_file_error(&d, "whole file");
    diag_error(&d, &l1, "first");
    fflush(out);
    ck_assert_uint_eq(len, 0);   /* held back */
    diag_flush(&d);
    fclose(out);
    ck_assert_str_eq(text, "x.idl: error: whole file\n"
                           "x.idl:1:1: error: first\n"
                           "    1 | a\n      | ^\n"
                           "x.idl:2:1: error: second\n"
                           "    2 | b\n      | ^\n"
                           "x.idl:1:1: note: note of second\n"
                           "    1 | a\n      | ^\n"
                           "x.idl:3:1: error: third\n"
                           "    3 | c\n      | ^\n");
    free(text);
}
END_TEST

/* ---- golden diagnostics ------------------------------------------- */

/* Every broken input; a file in the directory missing here fails
 * every_golden_file_is_listed. */
static const char *const golden[] = {
    "bad_array", "bad_bound", "bad_character", "bad_const", "bad_container",
    "bad_enum", "bad_typedef", "bad_union", "bad_version", "c_keyword",
    "did_you_mean", "duplicate_interface", "duplicate_parameter",
    "duplicate_procedure", "duplicate_struct", "empty", "empty_interface",
    "import_missing", "import_names", "missing_brace", "missing_name",
    "missing_paren", "missing_semicolon", "mixed_order", "module_misplaced",
    "module_name", "name_clash", "no-module", "no_interface", "oneway_result",
    "optional_void", "raises_name_clash", "raises_not_enum", "raises_oneway",
    "raises_reserved", "raises_syntax", "raises_unknown", "reserved_name",
    "several_errors", "struct_recursion", "tabs", "too_many_errors",
    "top_level", "two_syntax_errors", "union_syntax", "unknown_type",
    "unterminated_comment", "version_clash", "void_parameter",
    "void_parameter_list", "wire_name_clash", "wire_name_empty",
    "wire_prefix",
};
#define NGOLDEN (sizeof golden / sizeof golden[0])

static char *golden_file(const char *name, const char *ext)
{
    char rel[256];

    snprintf(rel, sizeof rel, "tests/golden/diag/%s%s", name, ext);
    return src_path(rel);
}

START_TEST(golden_diagnostics)
{
    const char *name = golden[_i];
    char *dir = make_tmpdir();
    char *outdir = join(dir, "out");
    char *errpath = join(dir, "stderr");
    char *srcdir = src_path("tests/golden/diag");
    char *expected_path = golden_file(name, ".expected");
    char idl[256];
    struct stat st;

    snprintf(idl, sizeof idl, "%s.idl", name);
    const char *args[] = { "-o", outdir, idl, NULL };
    int rc = run_idlc(srcdir, args, NULL, errpath);
    char *got = read_file(errpath, NULL);
    ck_assert_ptr_nonnull(got);
    if (getenv("IDLC_UPDATE_GOLDEN") != NULL)
        ck_assert_int_eq(write_file(expected_path, got), 0);
    char *want = read_file(expected_path, NULL);
    ck_assert_msg(want != NULL, "cannot read %s", expected_path);

    ck_assert_int_eq(rc, 1);
    ck_assert_msg(strcmp(got, want) == 0,
                  "%s: stderr differs.\n--- expected\n%s--- got\n%s", name,
                  want, got);
    /* idlc creates the output directory only when it writes. */
    ck_assert_msg(stat(outdir, &st) != 0, "%s: idlc wrote output", name);

    free(want);
    free(got);
    remove_tree(dir);
    free(expected_path);
    free(srcdir);
    free(errpath);
    free(outdir);
    free(dir);
}
END_TEST

START_TEST(every_golden_file_is_listed)
{
    char *srcdir = src_path("tests/golden/diag");
    DIR *dir = opendir(srcdir);
    struct dirent *e;
    size_t count = 0;

    ck_assert_ptr_nonnull(dir);
    while ((e = readdir(dir)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 4 || strcmp(e->d_name + len - 4, ".idl") != 0)
            continue;
        bool listed = false;
        for (size_t i = 0; i < NGOLDEN; i++)
            listed |= strlen(golden[i]) == len - 4
                      && strncmp(golden[i], e->d_name, len - 4) == 0;
        ck_assert_msg(listed, "%s is not in the golden[] table", e->d_name);
        count++;
    }
    closedir(dir);
    free(srcdir);
    ck_assert_uint_eq(count, NGOLDEN);
}
END_TEST

static Suite *diag_suite(void)
{
    Suite *s = suite_create("diag");
    TCase *format_tc = tcase_create("format");
    TCase *golden_tc = tcase_create("golden");

    tcase_add_test(format_tc, caret_under_token);
    tcase_add_test(format_tc, note_format);
    tcase_add_test(format_tc, tabs_are_copied_into_caret_line);
    tcase_add_test(format_tc, wide_line_numbers);
    tcase_add_test(format_tc, line_past_end_prints_no_source);
    tcase_add_test(format_tc, error_limit);
    tcase_add_test(format_tc, sorted_mode_prints_in_file_order);
    suite_add_tcase(s, format_tc);

    tcase_add_unchecked_fixture(golden_tc, scratch_begin, scratch_end);
    tcase_add_loop_test(golden_tc, golden_diagnostics, 0, (int)NGOLDEN);
    tcase_add_test(golden_tc, every_golden_file_is_listed);
    suite_add_tcase(s, golden_tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(diag_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
