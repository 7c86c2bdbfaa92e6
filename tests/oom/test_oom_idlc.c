#include "config.h"

/*
 * test_oom_idlc.c - idlc with its Nth allocation failing, for every N
 * until a run succeeds untouched (see test_oom_rpc.c for the idea).  Each
 * run is a whole idlc command (main() under another name, see
 * idlc_main.h) that writes the header, both stubs, a dependency file and
 * a skeleton.  A failed run must exit 1 saying "out of memory", leave the
 * output directory as it was (empty) and free everything it allocated;
 * the next run must write what a run without failures writes.
 */

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "failalloc.h"
#include "idlc_main.h"
#include "unit/test_idlc_run.h"

#define MAX_N 100000

/* Every STEPth allocation is failed (SOCKRPC_OOM_STEP, default 1: every
 * one).  "make check-valgrind" sets a larger step: under valgrind each of
 * the thousands of runs of idlc costs a tenth of a second, and a sample
 * of them, with every build's full sweep, finds what valgrind adds. */
static unsigned long oom_step(void)
{
    const char *env = getenv("SOCKRPC_OOM_STEP");
    unsigned long step = env != NULL ? strtoul(env, NULL, 10) : 1;

    return step > 0 ? step : 1;
}

/* Every construct of the language, an import among them; its imports
 * are found in tests/golden/gen.  Other inputs may follow. */
static const char *const inputs[] = {
    "tests/oom/every.idl",
};
#define NINPUTS ((int)(sizeof inputs / sizeof inputs[0]))
#define IMPORTS "tests/golden/gen"

static const char *const outputs[] = { ".h", "_client.c", "_server.c",
                                       ".d", "impl.c" };
#define NOUTPUTS (sizeof outputs / sizeof outputs[0])

/* The files of one run: its output directory and the names in it. */
struct run {
    char *input;
    char *imports;
    char *out;
    char *err;       /* idlc's stderr, beside the output directory */
    char *skeleton;  /* OUT/impl.c */
    char *stem;      /* "alltypes" */
};

static void run_init(struct run *r, const char *input, const char *tmp)
{
    const char *base = strrchr(input, '/') + 1;

    r->input = src_path(input);
    r->imports = src_path(IMPORTS);
    r->out = join(tmp, "out");
    r->err = join(tmp, "stderr");
    r->skeleton = join(r->out, "impl.c");
    r->stem = strndup(base, strlen(base) - strlen(".idl"));
    ck_assert_ptr_nonnull(r->stem);
}

static void run_free(struct run *r)
{
    free(r->input);
    free(r->imports);
    free(r->out);
    free(r->err);
    free(r->skeleton);
    free(r->stem);
}

/* Runs idlc with ARGV (ARGC of them) and allocation N failing (0: none),
 * with PERSIST every one after it too, stderr into the file ERR; its
 * exit status, *FIRED whether the allocation failed. */
static int run_argv(int argc, char **argv, const char *err, unsigned long n,
                    bool persist, bool *fired)
{
    int saved = dup(STDERR_FILENO);
    int fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int status;

    ck_assert(saved >= 0 && fd >= 0);
    ck_assert_int_ge(dup2(fd, STDERR_FILENO), 0);
    close(fd);
    if (n > 0 && persist)
        fa_arm_persistent(n, NULL);
    else if (n > 0)
        fa_arm(n, NULL);
    status = idlc_main(argc, argv);
    *fired = fa_disarm();
    dup2(saved, STDERR_FILENO);
    close(saved);
    return status;
}

/* idlc on R's input, writing everything it can. */
static int run_idlc_failing(const struct run *r, unsigned long n,
                            bool persist, bool *fired)
{
    char *argv[] = { "idlc", "-I", r->imports, "-o", r->out, "-MD",
                     "--skeleton", r->skeleton, "-Wall", r->input, NULL };

    return run_argv((int)(sizeof argv / sizeof argv[0]) - 1, argv, r->err, n,
                    persist, fired);
}

/* The text of output I of R's run, malloc'd; NULL if it is not there. */
static char *read_output(const struct run *r, size_t i)
{
    char name[256];
    char *path, *text;

    if (strcmp(outputs[i], "impl.c") == 0)
        snprintf(name, sizeof name, "impl.c");
    else
        snprintf(name, sizeof name, "%s%s", r->stem, outputs[i]);
    path = join(r->out, name);
    text = read_file(path, NULL);
    free(path);
    return text;
}

/* How many entries the output directory holds. */
static int count_outputs(const struct run *r)
{
    DIR *d = opendir(r->out);
    struct dirent *e;
    int n = 0;

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

/* Whether idlc's stderr says it ran out of memory: in its own words, or
 * in strerror's for a file that could not be opened. */
static bool names_memory(const char *err)
{
    return strstr(err, "out of memory") != NULL
           || strstr(err, strerror(ENOMEM)) != NULL;
}

/* Each input twice: allocation N failing once (_i below NINPUTS), then
 * failing from N on. */
START_TEST(idlc_fails_cleanly)
{
    const char *input = inputs[_i % NINPUTS];
    bool persist = _i >= NINPUTS;
    char *tmp = make_tmpdir();
    struct run r;
    char *want[NOUTPUTS];
    unsigned long n;
    bool fired;

    run_init(&r, input, tmp);
    /* A run with memory to spare: what every later run must write. */
    ck_assert_int_eq(run_idlc_failing(&r, 0, false, &fired), 0);
    for (size_t i = 0; i < NOUTPUTS; i++) {
        want[i] = read_output(&r, i);
        ck_assert_msg(want[i] != NULL, "no %s", outputs[i]);
    }
    for (n = 1; n < MAX_N; n += oom_step()) {
        long live;
        int status;
        char *err;

        remove_tree(r.out);
        live = fa_live();
        status = run_idlc_failing(&r, n, persist, &fired);
        ck_assert_msg(fa_live() == live, "%s, allocation %lu failed: %ld "
                      "blocks leaked", input, n, fa_live() - live);
        if (!fired) {
            ck_assert_int_eq(status, 0);
            break;
        }
        err = read_file(r.err, NULL);
        ck_assert_msg(status != 0 || count_outputs(&r) == (int)NOUTPUTS,
                      "%s, allocation %lu failed: exit 0, %d outputs",
                      input, n, count_outputs(&r));
        ck_assert_msg(status == 0 || (status == 1 && names_memory(err)
                                      && count_outputs(&r) == 0),
                      "%s, allocation %lu failed: exit %d, %d outputs, "
                      "stderr: %s", input, n, status,
                      count_outputs(&r), err);
        free(err);
    }
    ck_assert_msg(n < MAX_N, "no end of allocations");
    for (size_t i = 0; i < NOUTPUTS; i++) {
        char *got = read_output(&r, i);
        ck_assert_msg(got != NULL && strcmp(got, want[i]) == 0,
                      "%s%s differs", r.stem, outputs[i]);
        free(got);
        free(want[i]);
    }
    printf("idlc %s, %s: allocations 1 to %lu failed in turn, every %lu\n",
           input, persist ? "for good" : "once", n - 1, oom_step());
    run_free(&r);
    remove_tree(tmp);
    free(tmp);
}
END_TEST

/* --check-compat over pairs that walk every construct: every.idl
 * against itself (compatible), and two that break (each reports). */
static const char *const compat_pairs[][2] = {
    { "tests/oom/every.idl", "tests/oom/every.idl" },
    { "tests/golden/compat/break_union_arms.old.idl",
      "tests/golden/compat/break_union_arms.new.idl" },
    { "tests/golden/compat/break_field_retyped.old.idl",
      "tests/golden/compat/break_field_retyped.new.idl" },
};
#define NPAIRS ((int)(sizeof compat_pairs / sizeof compat_pairs[0]))

/* A failed check must exit 1 naming memory and free what it allocated;
 * the last run must say what a run with memory to spare says. */
START_TEST(compat_fails_cleanly)
{
    char *old = src_path(compat_pairs[_i % NPAIRS][0]);
    char *new = src_path(compat_pairs[_i % NPAIRS][1]);
    char *imports = src_path(IMPORTS);
    char *tmp = make_tmpdir();
    char *errpath = join(tmp, "stderr");
    char *argv[] = { "idlc", "--check-compat", "-I", imports, old, new, NULL };
    int argc = (int)(sizeof argv / sizeof argv[0]) - 1;
    bool persist = _i >= NPAIRS, fired;
    int want_status = run_argv(argc, argv, errpath, 0, false, &fired);
    char *want_err = read_file(errpath, NULL);
    unsigned long n;

    ck_assert_ptr_nonnull(want_err);
    for (n = 1; n < MAX_N; n += oom_step()) {
        long live = fa_live();
        int status = run_argv(argc, argv, errpath, n, persist, &fired);
        char *err;

        ck_assert_msg(fa_live() == live, "compat %s, allocation %lu failed: "
                      "%ld blocks leaked", old, n, fa_live() - live);
        err = read_file(errpath, NULL);
        if (!fired) {
            ck_assert_int_eq(status, want_status);
            ck_assert_str_eq(err, want_err);
            free(err);
            break;
        }
        ck_assert_msg((status == want_status && strcmp(err, want_err) == 0)
                      || (status == 1 && names_memory(err)),
                      "compat %s, allocation %lu failed: exit %d, stderr: %s",
                      old, n, status, err);
        free(err);
    }
    ck_assert_msg(n < MAX_N, "no end of allocations");
    printf("idlc --check-compat %s, %s: allocations 1 to %lu failed in "
           "turn, every %lu\n", compat_pairs[_i % NPAIRS][0],
           persist ? "for good" : "once", n - 1, oom_step());
    free(want_err);
    free(errpath);
    remove_tree(tmp);
    free(tmp);
    free(imports);
    free(new);
    free(old);
}
END_TEST

static char outbuf[BUFSIZ];

int main(void)
{
    Suite *s;
    TCase *tc;
    SRunner *sr;
    int failed;

    fa_require();
    s = suite_create("oom_idlc");
    tc = tcase_create("idlc");
    /* A buffer of its own, allocated by no test. */
    setvbuf(stdout, outbuf, _IOLBF, sizeof outbuf);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, idlc_fails_cleanly, 0, 2 * NINPUTS);
    tcase_add_loop_test(tc, compat_fails_cleanly, 0, 2 * NPAIRS);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
