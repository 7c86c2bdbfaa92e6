#include "config.h"

/*
 * test_idlc_skeleton.c - idlc --skeleton: the file compiles warning-free
 * against the generated header (cc -std=c11 -Wall -Wextra -Werror), its
 * handlers match struct NAME_ops, it runs as a server that answers "not
 * implemented yet", and idlc never overwrites one.
 */

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_idlc_run.h"

/* A scratch directory holding a copy of tests/golden/gen/NAME.idl. */
static char *dir_with(const char *name)
{
    char rel[256];
    char *dir = make_tmpdir();

    snprintf(rel, sizeof rel, "tests/golden/gen/%s.idl", name);
    char *from = src_path(rel);
    snprintf(rel, sizeof rel, "%s.idl", name);
    char *to = join(dir, rel);
    char *text = read_file(from, NULL);

    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(write_file(to, text), 0);
    free(text);
    free(to);
    free(from);
    return dir;
}

/* Runs idlc in DIR; its stderr is left in DIR/stderr. */
static int idlc_in(const char *dir, const char *const args[])
{
    char *errpath = join(dir, "stderr");
    int rc = run_idlc(dir, args, NULL, errpath);

    free(errpath);
    return rc;
}

static char *contents(const char *dir, const char *name)
{
    char *path = join(dir, name);
    char *text = read_file(path, NULL);

    free(path);
    return text;
}

/* Runs the shell command CMD in DIR; its output goes to DIR/sh.out. */
static int sh(const char *dir, const char *cmd)
{
    char *argv[] = { strdup("/bin/sh"), strdup("-c"), strdup(cmd), NULL };
    char *out = join(dir, "sh.out");
    int rc = run_program(dir, argv, out, out);

    if (rc != 0) {
        char *text = read_file(out, NULL);
        fprintf(stderr, "%s:\n%s", cmd, text != NULL ? text : "");
        free(text);
    }
    free(out);
    for (int i = 0; argv[i] != NULL; i++)
        free(argv[i]);
    return rc;
}

/* idlc NAME.idl --skeleton impl/NAME_impl.c -o gen, then cc -c. */
static void compiles(const char *name)
{
    char *dir = dir_with(name);
    char idl[128], skel[128], cmd[4096];
    char *include = src_path("runtime/include");

    snprintf(idl, sizeof idl, "%s.idl", name);
    snprintf(skel, sizeof skel, "impl/%s_impl.c", name);
    const char *args[] = { "-o", "gen", "--skeleton", skel, idl, NULL };
    ck_assert_int_eq(idlc_in(dir, args), 0);
    snprintf(cmd, sizeof cmd, "cc -std=c11 -Wall -Wextra -Werror -c "
             "-Igen -I'%s' -o impl.o %s", include, skel);
    ck_assert_int_eq(sh(dir, cmd), 0);
    free(include);
    remove_tree(dir);
    free(dir);
}

START_TEST(calc_compiles)
{
    compiles("calc");
}
END_TEST

START_TEST(several_interfaces_compile)
{
    compiles("multi");
}
END_TEST

/* A procedure that raises errors: its stub names the typed helper, with
 * a code of its enum, and the rest has none; "not implemented yet" is
 * none of the codes. */
START_TEST(raises_names_the_fail_helper)
{
    char *dir = dir_with("errors");
    const char *args[] = { "-o", "gen", "--skeleton", "impl.c", "errors.idl",
                           NULL };
    char *text;

    ck_assert_int_eq(idlc_in(dir, args), 0);
    text = contents(dir, "impl.c");
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text,
        "    /* Fail with a code of enum bank_error:\n"
        "     * return bank_balance_fail(call, BANK_ERROR_NO_SUCH_ACCOUNT, "
        "\"...\"); */\n"));
    ck_assert_ptr_nonnull(strstr(text, "return bank_owner_fail(call, "
                                       "BANK_WARNING_LOW, "));
    /* 1 and 2 are codes of enum bank_error. */
    ck_assert_ptr_nonnull(strstr(text, "enum { NOT_IMPLEMENTED_YET = 3 };"));
    ck_assert_ptr_null(strstr(text, "bank_total_fail"));
    ck_assert_ptr_null(strstr(text, "bank_audit_fail"));
    free(text);
    remove_tree(dir);
    free(dir);
    compiles("errors");
}
END_TEST

/* Builds the skeleton into a server with the generated stubs and the
 * static libsockrpc of this build, starts it, and calls calc.add from a
 * small client: the handler answers with its "not implemented yet". */
static const char client_c[] =
    "#include <stdio.h>\n"
    "#include \"calc.h\"\n"
    "int main(int argc, char **argv)\n"
    "{\n"
    "    srpc_client *c;\n"
    "    char err[256];\n"
    "    int32_t sum;\n"
    "    if (argc < 2 || srpc_client_connect(&c, argv[1], NULL, err,\n"
    "                                        sizeof err) != SRPC_OK)\n"
    "        return 1;\n"
    "    int rc = calc_add(c, 2, 3, &sum);\n"
    "    printf(\"%d %lld %s\\n\", rc == SRPC_EREMOTE,\n"
    "           (long long)srpc_client_remote_code(c),\n"
    "           srpc_client_errmsg(c));\n"
    "    srpc_client_close(c);\n"
    "    return 0;\n"
    "}\n";

static const char run_sh[] =
    "set -e\n"
    "libs=\"$LIBSOCKRPC $(pkg-config --libs msgpack-c 2>/dev/null"
    " || pkg-config --libs msgpack) -pthread\"\n"
    "cc=\"${CC:-cc} $BUILD_CFLAGS -std=c11 -Igen -I$INCLUDE\"\n"
    "$cc -o server impl.c gen/calc_server.c $libs $BUILD_LDFLAGS\n"
    "$cc -o client client.c gen/calc_client.c $libs $BUILD_LDFLAGS\n"
    "./server \"unix:$PWD/s.sock\" > server.out 2>&1 &\n"
    "pid=$!\n"
    "i=0\n"
    "until grep -q listening server.out; do\n"
    "    i=$((i + 1))\n"
    "    if [ $i -gt 200 ]; then kill $pid; exit 1; fi\n"
    "    sleep 0.05\n"
    "done\n"
    "status=0\n"
    "./client \"unix:$PWD/s.sock\" > client.out || status=$?\n"
    "kill -TERM $pid\n"
    "wait $pid\n"
    "exit $status\n";

START_TEST(skeleton_serves)
{
    char *lib = build_path("runtime/.libs/libsockrpc.a");
    struct stat st;

    if (stat(lib, &st) != 0) {
        /* A build with --disable-static: nothing to link with. */
        free(lib);
        return;
    }
    char *dir = dir_with("calc");
    char *include = src_path("runtime/include");
    const char *args[] = { "-o", "gen", "--skeleton", "impl.c", "calc.idl",
                           NULL };
    char *client = join(dir, "client.c");
    char *script = join(dir, "run.sh");
    char cmd[4096];

    ck_assert_int_eq(idlc_in(dir, args), 0);
    ck_assert_int_eq(write_file(client, client_c), 0);
    ck_assert_int_eq(write_file(script, run_sh), 0);
    snprintf(cmd, sizeof cmd, "LIBSOCKRPC='%s' INCLUDE='%s' sh run.sh", lib,
             include);
    ck_assert_int_eq(sh(dir, cmd), 0);
    char *out = contents(dir, "client.out");
    ck_assert_ptr_nonnull(out);
    ck_assert_msg(strncmp(out, "1 1 ", 4) == 0
                  && strstr(out, "calc.add is not implemented yet") != NULL,
                  "client said: %s", out);
    free(out);
    free(script);
    free(client);
    free(include);
    remove_tree(dir);
    free(dir);
    free(lib);
}
END_TEST

START_TEST(handlers_match_the_header)
{
    char *dir = dir_with("calc");
    const char *args[] = { "--skeleton", "impl.c", "calc.idl", NULL };

    ck_assert_int_eq(idlc_in(dir, args), 0);
    char *skel = contents(dir, "impl.c");
    char *header = contents(dir, "calc.h");
    ck_assert_ptr_nonnull(skel);
    ck_assert_ptr_nonnull(header);
    /* Same parameter lists, as one function prints both. */
    ck_assert_ptr_nonnull(strstr(header, "int (*add)(srpc_call *call, "
                                         "int32_t a, int32_t b, "
                                         "int32_t *result);"));
    ck_assert_ptr_nonnull(strstr(skel, "static int calc_add_handler("
                                       "srpc_call *call, int32_t a, "
                                       "int32_t b,\n"
                                       "                            "
                                       "int32_t *result)\n{\n"
                                       "    (void)a;\n    (void)b;\n"
                                       "    (void)result;\n"));
    ck_assert_ptr_nonnull(strstr(skel, "    .add = calc_add_handler,\n"));
    ck_assert_ptr_nonnull(strstr(skel, "#include \"calc.h\"\n"));
    ck_assert_ptr_nonnull(strstr(skel, "calc_serve(the_server, "
                                       "&calc_handlers, NULL);"));
    /* Not marked as generated: idlc would otherwise replace it. */
    ck_assert(strncmp(skel, "/* Generated by idlc", 20) != 0);
    free(header);
    free(skel);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(never_overwrites)
{
    char *dir = dir_with("calc");
    char *mine = join(dir, "impl.c");
    const char *args[] = { "--skeleton", "impl.c", "calc.idl", NULL };
    struct stat st;

    ck_assert_int_eq(write_file(mine, "/* my server */\n"), 0);
    ck_assert_int_eq(idlc_in(dir, args), 1);
    char *err = contents(dir, "stderr");
    ck_assert_str_eq(err, "idlc: refusing to overwrite 'impl.c': a "
                          "skeleton is only written where no file "
                          "exists\n");
    char *text = contents(dir, "impl.c");
    ck_assert_str_eq(text, "/* my server */\n");
    /* All or nothing: the stubs were not written either. */
    char *header = join(dir, "calc.h");
    ck_assert_int_ne(stat(header, &st), 0);
    /* Not even a skeleton idlc wrote itself. */
    ck_assert_int_eq(remove(mine), 0);
    ck_assert_int_eq(idlc_in(dir, args), 0);
    ck_assert_int_eq(idlc_in(dir, args), 1);
    free(header);
    free(text);
    free(err);
    free(mine);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* make must never try to remake the skeleton: it is no target. */
START_TEST(not_a_dependency_target)
{
    char *dir = dir_with("calc");
    const char *args[] = { "-MD", "-o", "gen/", "--skeleton", "impl.c",
                           "calc.idl", NULL };

    ck_assert_int_eq(idlc_in(dir, args), 0);
    char *d = contents(dir, "gen/calc.d");
    ck_assert_ptr_nonnull(d);
    ck_assert_str_eq(d, "gen/calc.h gen/calc_client.c gen/calc_server.c: "
                        "calc.idl\n");
    free(d);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* Bad usage: exit 2 and the one line WANT on stderr, nothing written. */
static void usage_error(const char *const args[], const char *want)
{
    char *dir = dir_with("calc");

    ck_assert_int_eq(idlc_in(dir, args), 2);
    char *err = contents(dir, "stderr");
    ck_assert_str_eq(err, want);
    free(err);
    remove_tree(dir);
    free(dir);
}

START_TEST(bad_usage)
{
    const char *no_name[] = { "calc.idl", "--skeleton", NULL };
    const char *empty[] = { "--skeleton=", "calc.idl", NULL };
    const char *idl_taken[] = { "--skeleton", "calc.idl", NULL };
    const char *not_c[] = { "--skeleton", "impl.h", "calc.idl", NULL };
    const char *dir_only[] = { "--skeleton", "src/.c", "calc.idl", NULL };
    const char *generated[] = { "-o", "gen", "--skeleton=./gen/calc_server.c",
                                "calc.idl", NULL };
    const char *depfile[] = { "-MF", "x.c", "--skeleton", "x.c", "calc.idl",
                              NULL };

    usage_error(no_name, "idlc: option '--skeleton' needs a file name; try "
                         "'idlc --help'\n");
    usage_error(empty, "idlc: option '--skeleton' needs a file name; try "
                       "'idlc --help'\n");
    usage_error(idl_taken, "idlc: no input file (option '--skeleton' takes "
                           "a file name); try 'idlc --help'\n");
    usage_error(not_c, "idlc: the skeleton's name must end in '.c' "
                       "'impl.h'; try 'idlc --help'\n");
    usage_error(dir_only, "idlc: the skeleton's name must end in '.c' "
                          "'src/.c'; try 'idlc --help'\n");
    usage_error(generated, "idlc: the skeleton would replace a generated "
                           "file './gen/calc_server.c'; try 'idlc "
                           "--help'\n");
    usage_error(depfile, "idlc: the dependency file and the skeleton have "
                         "one name 'x.c'; try 'idlc --help'\n");
}
END_TEST

static Suite *skeleton_suite(void)
{
    Suite *s = suite_create("idlc_skeleton");
    TCase *tc = tcase_create("skeleton");

    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    /* cc runs a few times. */
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, calc_compiles);
    tcase_add_test(tc, several_interfaces_compile);
    tcase_add_test(tc, raises_names_the_fail_helper);
    tcase_add_test(tc, handlers_match_the_header);
    tcase_add_test(tc, skeleton_serves);
    tcase_add_test(tc, never_overwrites);
    tcase_add_test(tc, not_a_dependency_target);
    tcase_add_test(tc, bad_usage);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(skeleton_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
