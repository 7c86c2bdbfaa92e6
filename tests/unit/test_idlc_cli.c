#include "config.h"

/* test_idlc_cli.c - idlc's command line: options, exit statuses and the
 * messages of bad usage; the choice of outputs; dependency files for
 * make (depfile.c, then idlc -MD and make reading what it wrote); the
 * warning options and the error limit, as golden tests on the inputs in
 * tests/golden/cli (see its README). */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>

#include "depfile.h"
#include "diag.h"
#include "emit.h"
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
    static const char *const options[] = {
        "-o DIR", "--header", "--client", "--server", "--skeleton IMPL.c",
        "-MD", "-MF DEPFILE", "-MT TARGET", "-MP", "-WNAME", "-Wno-NAME",
        "-Wall", "  -w ", "-Werror", "-Werror=NAME", "-Wno-error=NAME",
        "-fmax-errors=N", "* c++-compat", "  case-clash", "--help",
        "--version",
        "Exit status: 0 success, 1 errors in the input, 2 bad usage.\n",
    };
    for (size_t i = 0; i < sizeof options / sizeof *options; i++)
        ck_assert_msg(strstr(out, options[i]) != NULL, "no '%s' in --help",
                      options[i]);
    /* Every line fits in 80 columns. */
    for (const char *p = out; *p != '\0';) {
        const char *nl = strchr(p, '\n');
        ck_assert_ptr_nonnull(nl);
        ck_assert_int_le(nl - p, 79);
        p = nl + 1;
    }
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

START_TEST(bad_option_combinations)
{
    const char *mf_alone[] = { "a.idl", "-MF", NULL };
    const char *mf_empty[] = { "-MF", "", "a.idl", NULL };
    const char *mt_alone[] = { "a.idl", "-MT", NULL };
    const char *mt_no_md[] = { "-MT", "x", "a.idl", NULL };
    const char *mp_no_md[] = { "-MP", "a.idl", NULL };
    const char *mf_dir[] = { "-MF", "deps/", "a.idl", NULL };
    const char *mf_input[] = { "-MF", "./a.idl", "a.idl", NULL };
    const char *mf_output[] = { "-o", "gen", "-MF", "gen/a_client.c",
                                "a.idl", NULL };

    expect_usage_error(mf_alone, "idlc: option '-MF' needs a file name; "
                                 "try 'idlc --help'\n");
    expect_usage_error(mf_empty, "idlc: option '-MF' needs a file name; "
                                 "try 'idlc --help'\n");
    expect_usage_error(mt_alone, "idlc: option '-MT' needs a target; try "
                                 "'idlc --help'\n");
    expect_usage_error(mt_no_md, "idlc: option '-MT' needs -MD or -MF; try "
                                 "'idlc --help'\n");
    expect_usage_error(mp_no_md, "idlc: option '-MP' needs -MD or -MF; try "
                                 "'idlc --help'\n");
    expect_usage_error(mf_dir, "idlc: option '-MF' needs a file name, not "
                               "a directory 'deps/'; try 'idlc --help'\n");
    expect_usage_error(mf_input, "idlc: the dependency file would replace "
                                 "the input './a.idl'; try 'idlc --help'\n");
    expect_usage_error(mf_output, "idlc: the dependency file would replace "
                                  "a generated file 'gen/a_client.c'; try "
                                  "'idlc --help'\n");
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

/* ---- choosing the outputs ----------------------------------------- */

/* A scratch directory holding a copy of calc.idl. */
static char *dir_with_calc(void)
{
    char *dir = make_tmpdir();
    char *from = src_path("tests/golden/gen/calc.idl");
    char *to = join(dir, "calc.idl");
    char *text = read_file(from, NULL);

    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(write_file(to, text), 0);
    free(text);
    free(to);
    free(from);
    return dir;
}

static bool exists(const char *dir, const char *name)
{
    char *path = join(dir, name);
    struct stat st;
    bool yes = stat(path, &st) == 0;

    free(path);
    return yes;
}

/* Runs idlc in DIR with ARGS, stderr to DIR/stderr. */
static int idlc_in(const char *dir, const char *const args[])
{
    char *errpath = join(dir, "stderr");
    int rc = run_idlc(dir, args, NULL, errpath);

    free(errpath);
    return rc;
}

/* DIR/NAME's contents (malloc'd; the test fails if it is missing). */
static char *contents(const char *dir, const char *name)
{
    char *path = join(dir, name);
    char *text = read_file(path, NULL);

    ck_assert_msg(text != NULL, "%s is missing", path);
    free(path);
    return text;
}

START_TEST(header_only)
{
    char *dir = dir_with_calc();
    const char *args[] = { "--header", "calc.idl", NULL };

    ck_assert_int_eq(idlc_in(dir, args), 0);
    ck_assert(exists(dir, "calc.h"));
    ck_assert(!exists(dir, "calc_client.c"));
    ck_assert(!exists(dir, "calc_server.c"));
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(client_and_server)
{
    char *dir = dir_with_calc();
    const char *args[] = { "--server", "-o", "out", "--client", "calc.idl",
                           NULL };
    char *out = join(dir, "out");

    ck_assert_int_eq(idlc_in(dir, args), 0);
    ck_assert(!exists(out, "calc.h"));
    ck_assert(exists(out, "calc_client.c"));
    ck_assert(exists(out, "calc_server.c"));
    /* The same text as when all three are written. */
    const char *all[] = { "-o", "all", "calc.idl", NULL };
    char *alldir = join(dir, "all");
    ck_assert_int_eq(idlc_in(dir, all), 0);
    char *a = contents(out, "calc_server.c");
    char *b = contents(alldir, "calc_server.c");
    ck_assert_str_eq(a, b);
    free(a);
    free(b);
    free(alldir);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* A file idlc did not write blocks every chosen output, as before. */
START_TEST(chosen_outputs_all_or_nothing)
{
    char *dir = dir_with_calc();
    char *mine = join(dir, "calc_client.c");
    const char *args[] = { "--header", "--client", "calc.idl", NULL };

    ck_assert_int_eq(write_file(mine, "/* mine */\n"), 0);
    ck_assert_int_eq(idlc_in(dir, args), 1);
    ck_assert(!exists(dir, "calc.h"));
    char *text = contents(dir, "calc_client.c");
    ck_assert_str_eq(text, "/* mine */\n");
    /* Not chosen, so not in the way. */
    const char *header[] = { "--header", "calc.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, header), 0);
    ck_assert(exists(dir, "calc.h"));
    free(text);
    free(mine);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* Sets DIR/NAME's times to the epoch plus a day. */
static void age(const char *dir, const char *name)
{
    char *path = join(dir, name);
    struct utimbuf t = { 86400, 86400 };

    ck_assert_int_eq(utime(path, &t), 0);
    free(path);
}

static long mtime(const char *dir, const char *name)
{
    char *path = join(dir, name);
    struct stat st;

    ck_assert_int_eq(stat(path, &st), 0);
    free(path);
    return (long)st.st_mtime;
}

START_TEST(unchanged_outputs_untouched)
{
    char *dir = dir_with_calc();
    const char *args[] = { "--client", "-MD", "calc.idl", NULL };

    ck_assert_int_eq(idlc_in(dir, args), 0);
    age(dir, "calc_client.c");
    age(dir, "calc.d");
    ck_assert_int_eq(idlc_in(dir, args), 0);
    ck_assert_int_eq(mtime(dir, "calc_client.c"), 86400);
    ck_assert_int_eq(mtime(dir, "calc.d"), 86400);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- dependency files ------------------------------------------------ */

static char *rule(const char *const *targets, size_t ntargets, bool quote,
                  const char *const *deps, size_t ndeps, bool phony)
{
    struct emit e;
    char *text;

    emit_init(&e);
    depfile_rule(&e, targets, ntargets, quote, deps, ndeps, phony);
    ck_assert(!emit_failed(&e));
    text = strdup(emit_text(&e));
    emit_free(&e);
    return text;
}

START_TEST(depfile_quoting)
{
    const char *targets[] = { "a b.h", "$x#" };
    const char *deps[] = { "in dir\\ /c.idl", "tab\there" };
    char *quoted = rule(targets, 2, true, deps, 2, false);
    char *verbatim = rule(targets, 1, false, deps, 1, false);

    ck_assert_str_eq(quoted, "a\\ b.h $$x\\#: in\\ dir\\\\\\ /c.idl "
                             "tab\\\there\n");
    ck_assert_str_eq(verbatim, "a b.h: in\\ dir\\\\\\ /c.idl\n");
    free(quoted);
    free(verbatim);
}
END_TEST

START_TEST(depfile_wrapping_and_phony)
{
    const char *targets[] = {
        "a/very/long/directory/name/calc.h",
        "a/very/long/directory/name/calc_client.c",
        "a/very/long/directory/name/calc_server.c",
    };
    const char *deps[] = { "calc.idl", "types.idl", "more types.idl" };
    char *text = rule(targets, 3, true, deps, 3, true);

    ck_assert_str_eq(text,
        "a/very/long/directory/name/calc.h "
        "a/very/long/directory/name/calc_client.c \\\n"
        " a/very/long/directory/name/calc_server.c: calc.idl types.idl \\\n"
        " more\\ types.idl\n"
        "\n"
        "types.idl:\n"
        "\n"
        "more\\ types.idl:\n");
    free(text);
}
END_TEST

START_TEST(md_names_the_outputs)
{
    char *dir = dir_with_calc();
    const char *args[] = { "-MD", "-MP", "-o", "gen", "calc.idl", NULL };
    char *gen = join(dir, "gen");

    ck_assert_int_eq(idlc_in(dir, args), 0);
    char *d = contents(gen, "calc.d");
    /* One dependency today, so -MP adds no phony rule. */
    ck_assert_str_eq(d, "gen/calc.h gen/calc_client.c gen/calc_server.c: "
                        "calc.idl\n");
    free(d);

    const char *header[] = { "--header", "-MD", "calc.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, header), 0);
    d = contents(dir, "calc.d");
    ck_assert_str_eq(d, "calc.h: calc.idl\n");
    free(d);
    free(gen);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(mf_and_mt)
{
    char *dir = dir_with_calc();
    const char *args[] = { "-MF", "deps/calc.dep", "-MT", "stamp",
                           "-MTother$(X)", "calc.idl", NULL };
    char *deps = join(dir, "deps");

    ck_assert_int_eq(idlc_in(dir, args), 0);
    char *d = contents(deps, "calc.dep");
    ck_assert_str_eq(d, "stamp other$(X): calc.idl\n");
    ck_assert(!exists(dir, "calc.d"));
    ck_assert(exists(dir, "calc.h"));
    free(d);
    /* Not generated by idlc, but a dependency file is always replaced. */
    char *path = join(deps, "calc.dep");
    ck_assert_int_eq(write_file(path, "old\n"), 0);
    ck_assert_int_eq(idlc_in(dir, args), 0);
    d = contents(deps, "calc.dep");
    ck_assert_str_eq(d, "stamp other$(X): calc.idl\n");
    free(d);
    free(path);
    free(deps);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* make includes the .d file and rebuilds the outputs when calc.idl is
 * newer: the recipe prints make's $? (the newer prerequisites). */
START_TEST(make_reads_the_depfile)
{
    char *dir = dir_with_calc();
    const char *args[] = { "-MD", "-MP", "-o", "gen", "calc.idl", NULL };
    char *mk = join(dir, "Makefile");
    char *out = join(dir, "make.out");
    char *sh = strdup("/bin/sh");
    char *c = strdup("-c");
    char *cmd = strdup("unset MAKEFLAGS MFLAGS MAKELEVEL; "
                       "make -s --no-print-directory gen/calc_server.c");
    char *argv[] = { sh, c, cmd, NULL };

    ck_assert_int_eq(idlc_in(dir, args), 0);
    ck_assert_int_eq(write_file(mk, "include gen/calc.d\n"
                                    "gen/calc_server.c:\n"
                                    "\t@echo \"rebuild for $?\"\n"), 0);
    age(dir, "gen/calc_server.c");
    ck_assert_int_eq(run_program(dir, argv, out, NULL), 0);
    char *said = read_file(out, NULL);
    ck_assert_str_eq(said, "rebuild for calc.idl\n");
    free(said);
    /* Up to date once the output is newer than calc.idl. */
    age(dir, "calc.idl");
    struct utimbuf now = { 2 * 86400, 2 * 86400 };
    char *server = join(dir, "gen/calc_server.c");
    ck_assert_int_eq(utime(server, &now), 0);
    ck_assert_int_eq(run_program(dir, argv, out, NULL), 0);
    said = read_file(out, NULL);
    ck_assert_str_eq(said, "");
    free(said);
    free(server);
    free(cmd);
    free(c);
    free(sh);
    free(out);
    free(mk);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* ---- diag_warning() ------------------------------------------------- */

/* Reports warning W with config C on a one-line source; its output. */
static char *warn(const struct diag_config *c, enum diag_warning w,
                  bool note, int *nerrors)
{
    char *text;
    size_t len;
    FILE *out = open_memstream(&text, &len);
    struct diag d;
    struct idl_loc loc = { 1, 7, 1, 10 };

    ck_assert_ptr_nonnull(out);
    diag_init(&d, "x.idl", "int32 new", 9, out);
    if (c != NULL)
        d.config = *c;
    diag_warning(&d, w, &loc, "'%s' is odd", "new");
    if (note)
        diag_note(&d, &loc, "see here");
    fclose(out);
    *nerrors = d.nerrors;
    return text;
}

START_TEST(warning_format)
{
    int nerrors;
    char *s = warn(NULL, DIAG_W_CXX_COMPAT, true, &nerrors);

    ck_assert_str_eq(s, "x.idl:1:7: warning: 'new' is odd [-Wc++-compat]\n"
                        "    1 | int32 new\n"
                        "      |       ^~~\n"
                        "x.idl:1:7: note: see here\n"
                        "    1 | int32 new\n"
                        "      |       ^~~\n");
    ck_assert_int_eq(nerrors, 0);
    free(s);
}
END_TEST

START_TEST(warning_off_drops_its_notes)
{
    int nerrors;
    char *s = warn(NULL, DIAG_W_CASE_CLASH, true, &nerrors);

    ck_assert_str_eq(s, "");
    ck_assert_int_eq(nerrors, 0);
    free(s);
}
END_TEST

START_TEST(warning_as_error)
{
    struct diag_config c;
    int nerrors;

    diag_config_default(&c);
    c.all_errors = true;
    char *s = warn(&c, DIAG_W_CXX_COMPAT, false, &nerrors);
    ck_assert_ptr_nonnull(strstr(s, "x.idl:1:7: error: 'new' is odd "
                                    "[-Werror=c++-compat]\n"));
    ck_assert_int_eq(nerrors, 1);
    free(s);
    c.not_errors = 1u << DIAG_W_CXX_COMPAT;
    s = warn(&c, DIAG_W_CXX_COMPAT, false, &nerrors);
    ck_assert_ptr_nonnull(strstr(s, "warning:"));
    ck_assert_int_eq(nerrors, 0);
    free(s);
}
END_TEST

START_TEST(warning_names)
{
    for (int w = 0; w < DIAG_NWARNINGS; w++)
        ck_assert_int_eq(diag_warning_find(diag_warning_name(
                             (enum diag_warning)w)), w);
    ck_assert_int_eq(diag_warning_find("all"), -1);
    ck_assert_int_eq(diag_warning_find(""), -1);
}
END_TEST

/* ---- warnings and the error limit (golden) -------------------------- */

static const struct golden_case {
    const char *name;      /* tests/golden/cli/NAME.expected */
    const char *idl;       /* tests/golden/cli/IDL.idl */
    const char *args[4];   /* options before the file name */
    int status;            /* idlc's exit status (0: it wrote the files) */
} golden[] = {
    { "cxx_default", "cxx", { NULL }, 0 },
    { "cxx_off", "cxx", { "-Wno-c++-compat", NULL }, 0 },
    { "cxx_werror", "cxx", { "-Werror", NULL }, 1 },
    { "cxx_quiet", "cxx", { "-w", "-Werror", NULL }, 0 },
    { "case_default", "case", { NULL }, 0 },
    { "case_on", "case", { "-Wcase-clash", NULL }, 0 },
    { "case_all_no_cxx", "case", { "-Wall", "-Wno-c++-compat", NULL }, 0 },
    { "case_werror_one", "case", { "-Werror=case-clash", NULL }, 1 },
    { "case_werror_demoted", "case",
      { "-Wall", "-Werror", "-Wno-error=c++-compat", NULL }, 1 },
    { "many_default", "many", { NULL }, 1 },
    { "many_limit_3", "many", { "-fmax-errors=3", NULL }, 1 },
    { "many_no_limit", "many", { "-fmax-errors=0", NULL }, 1 },
    { "werror_counts_to_limit", "cxx", { "-Werror", "-fmax-errors=1", NULL },
      1 },
};
#define NGOLDEN (sizeof golden / sizeof golden[0])

START_TEST(golden_warnings)
{
    const struct golden_case *c = &golden[_i];
    char *dir = make_tmpdir();
    char *outdir = join(dir, "out");
    char *errpath = join(dir, "stderr");
    char *srcdir = src_path("tests/golden/cli");
    char rel[256], idl[64];
    const char *args[12];
    size_t n = 0;
    struct stat st;

    snprintf(rel, sizeof rel, "tests/golden/cli/%s.expected", c->name);
    char *expected_path = src_path(rel);
    snprintf(idl, sizeof idl, "%s.idl", c->idl);
    args[n++] = "-o";
    args[n++] = outdir;
    for (size_t i = 0; c->args[i] != NULL; i++)
        args[n++] = c->args[i];
    args[n++] = idl;
    args[n] = NULL;
    int rc = run_idlc(srcdir, args, NULL, errpath);
    char *got = read_file(errpath, NULL);
    ck_assert_ptr_nonnull(got);
    if (getenv("IDLC_UPDATE_GOLDEN") != NULL)
        ck_assert_int_eq(write_file(expected_path, got), 0);
    char *want = read_file(expected_path, NULL);
    ck_assert_msg(want != NULL, "cannot read %s", expected_path);
    ck_assert_msg(rc == c->status, "%s: exit status %d", c->name, rc);
    ck_assert_msg(strcmp(got, want) == 0,
                  "%s: stderr differs.\n--- expected\n%s--- got\n%s",
                  c->name, want, got);
    ck_assert_msg((stat(outdir, &st) == 0) == (c->status == 0),
                  "%s: files written: %s", c->name,
                  c->status == 0 ? "none" : "some");
    free(want);
    free(got);
    free(expected_path);
    free(srcdir);
    free(errpath);
    free(outdir);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(bad_warning_options)
{
    const char *unknown[] = { "-Wunused", "a.idl", NULL };
    const char *unknown_no[] = { "-Wno-unused", "a.idl", NULL };
    const char *unknown_error[] = { "-Werror=bogus", "a.idl", NULL };
    const char *limit_word[] = { "-fmax-errors=many", "a.idl", NULL };
    const char *limit_empty[] = { "-fmax-errors=", "a.idl", NULL };
    const char *limit_negative[] = { "-fmax-errors=-1", "a.idl", NULL };
    const char *limit_alone[] = { "-fmax-errors", "a.idl", NULL };

    expect_usage_error(unknown, "idlc: unknown warning option '-Wunused'; "
                                "try 'idlc --help'\n");
    expect_usage_error(unknown_no, "idlc: unknown warning option "
                                   "'-Wno-unused'; try 'idlc --help'\n");
    expect_usage_error(unknown_error, "idlc: unknown warning option "
                                      "'-Werror=bogus'; try 'idlc "
                                      "--help'\n");
    expect_usage_error(limit_word, "idlc: option '-fmax-errors=' needs a "
                                   "number '-fmax-errors=many'; try 'idlc "
                                   "--help'\n");
    expect_usage_error(limit_empty, "idlc: option '-fmax-errors=' needs a "
                                    "number '-fmax-errors='; try 'idlc "
                                    "--help'\n");
    expect_usage_error(limit_negative, "idlc: option '-fmax-errors=' needs "
                                       "a number '-fmax-errors=-1'; try "
                                       "'idlc --help'\n");
    expect_usage_error(limit_alone, "idlc: unknown option '-fmax-errors'; "
                                    "try 'idlc --help'\n");
}
END_TEST

/* Every input in tests/golden/cli has a case, so none is forgotten. */
START_TEST(every_golden_input_is_used)
{
    static const char *const inputs[] = { "case", "cxx", "many" };

    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        bool used = false;
        for (size_t j = 0; j < NGOLDEN; j++)
            used |= strcmp(golden[j].idl, inputs[i]) == 0;
        ck_assert_msg(used, "%s.idl has no case", inputs[i]);
    }
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
    tcase_add_test(tc, bad_option_combinations);
    suite_add_tcase(s, tc);

    tc = tcase_create("outputs");
    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    tcase_add_test(tc, header_only);
    tcase_add_test(tc, client_and_server);
    tcase_add_test(tc, chosen_outputs_all_or_nothing);
    tcase_add_test(tc, unchanged_outputs_untouched);
    suite_add_tcase(s, tc);

    tc = tcase_create("depfile");
    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    tcase_add_test(tc, depfile_quoting);
    tcase_add_test(tc, depfile_wrapping_and_phony);
    tcase_add_test(tc, md_names_the_outputs);
    tcase_add_test(tc, mf_and_mt);
    tcase_add_test(tc, make_reads_the_depfile);
    suite_add_tcase(s, tc);

    tc = tcase_create("warnings");
    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    tcase_add_test(tc, warning_format);
    tcase_add_test(tc, warning_off_drops_its_notes);
    tcase_add_test(tc, warning_as_error);
    tcase_add_test(tc, warning_names);
    tcase_add_loop_test(tc, golden_warnings, 0, (int)NGOLDEN);
    tcase_add_test(tc, bad_warning_options);
    tcase_add_test(tc, every_golden_input_is_used);
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
