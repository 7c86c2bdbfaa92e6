#include "config.h"

/* test_idlc_cli.c - idlc's command line: options, exit statuses and the
 * messages of bad usage. */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_idlc_run.h"

/* Runs idlc with ARGS in a scratch directory; *out and *err receive
 * its stdout and stderr (malloc'd).  Returns the exit status. */
static int idlc(const char *const args[], char **out, char **err)
{
    char *dir = make_tmpdir();
    char *outpath = join(dir, "stdout");
    char *errpath = join(dir, "stderr");
    int rc = run_idlc(dir, args, outpath, errpath);

    *out = read_file(outpath, NULL);
    *err = read_file(errpath, NULL);
    remove_tree(dir);
    free(errpath);
    free(outpath);
    free(dir);
    return rc;
}

START_TEST(help)
{
    const char *args[] = { "--help", NULL };
    char *out, *err;

    ck_assert_int_eq(idlc(args, &out, &err), 0);
    ck_assert_ptr_nonnull(strstr(out, "Usage: idlc [OPTION]... FILE.idl\n"));
    ck_assert_ptr_nonnull(strstr(out, "-o DIR"));
    ck_assert_str_eq(err, "");
    free(out);
    free(err);
}
END_TEST

START_TEST(version)
{
    const char *args[] = { "--version", NULL };
    char *out, *err;

    ck_assert_int_eq(idlc(args, &out, &err), 0);
    ck_assert_str_eq(out, "idlc (sockrpc) " PACKAGE_VERSION "\n");
    ck_assert_str_eq(err, "");
    free(out);
    free(err);
}
END_TEST

/* Bad usage: exit 2 and one line on stderr that is WANT. */
static void expect_usage_error(const char *const args[], const char *want)
{
    char *out, *err;

    ck_assert_int_eq(idlc(args, &out, &err), 2);
    ck_assert_str_eq(out, "");
    ck_assert_str_eq(err, want);
    free(out);
    free(err);
}

START_TEST(bad_usage)
{
    const char *unknown[] = { "-x", "a.idl", NULL };
    const char *none[] = { NULL };
    const char *two[] = { "a.idl", "b.idl", NULL };
    const char *no_dir[] = { "a.idl", "-o", NULL };
    const char *empty_dir[] = { "-o", "", "a.idl", NULL };
    const char *not_idl[] = { "calc.h", NULL };

    expect_usage_error(unknown, "idlc: unknown option '-x'; try 'idlc "
                                "--help'\n");
    expect_usage_error(none, "idlc: no input file; try 'idlc --help'\n");
    expect_usage_error(two, "idlc: more than one input file 'b.idl'; try "
                            "'idlc --help'\n");
    expect_usage_error(no_dir, "idlc: option '-o' needs a directory; try "
                               "'idlc --help'\n");
    expect_usage_error(empty_dir, "idlc: option '-o' needs a directory; "
                                  "try 'idlc --help'\n");
    expect_usage_error(not_idl, "idlc: the input file's name must end in "
                                "'.idl' 'calc.h'; try 'idlc --help'\n");
}
END_TEST

START_TEST(missing_file)
{
    const char *args[] = { "nope.idl", NULL };
    char *out, *err;

    ck_assert_int_eq(idlc(args, &out, &err), 1);
    ck_assert_str_eq(err, "idlc: cannot open 'nope.idl': No such file or "
                          "directory\n");
    free(out);
    free(err);
}
END_TEST

START_TEST(creates_output_directory)
{
    char *dir = make_tmpdir();
    char *outdir = join(dir, "a/b");
    char *header = join(outdir, "calc.h");
    char *idl = src_path("tests/golden/gen/calc.idl");
    const char *args[] = { "-o", outdir, idl, NULL };
    struct stat st;

    ck_assert_int_eq(run_idlc(NULL, args, NULL, NULL), 0);
    ck_assert_int_eq(stat(header, &st), 0);
    remove_tree(dir);
    free(idl);
    free(header);
    free(outdir);
    free(dir);
}
END_TEST

START_TEST(default_output_is_current_directory)
{
    char *dir = make_tmpdir();
    char *idl = src_path("tests/golden/gen/calc.idl");
    char *server = join(dir, "calc_server.c");
    const char *args[] = { idl, NULL };
    struct stat st;

    ck_assert_int_eq(run_idlc(dir, args, NULL, NULL), 0);
    ck_assert_int_eq(stat(server, &st), 0);
    remove_tree(dir);
    free(server);
    free(idl);
    free(dir);
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("idlc_cli");
    TCase *tc = tcase_create("cli");

    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    tcase_add_test(tc, help);
    tcase_add_test(tc, version);
    tcase_add_test(tc, bad_usage);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, creates_output_directory);
    tcase_add_test(tc, default_output_is_current_directory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cli_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
