/*
 * test_idlc_run.h - helpers for the idlc tests: run the built idlc (or
 * another program) with its output captured in files, read files, and
 * make and remove scratch directories.
 *
 * Paths come from the environment that tests/local.mk exports:
 * top_srcdir (the golden files) and top_builddir (the idlc binary).
 */
#ifndef TEST_IDLC_RUN_H
#define TEST_IDLC_RUN_H

#include <stddef.h>

/* $top_srcdir/REL and $top_builddir/REL, malloc'd. */
char *src_path(const char *rel);
char *build_path(const char *rel);

/*
 * Runs ARGV (argv[0] is the program's path; NULL-terminated) in directory
 * CWD (NULL: the current one) with stdout to OUT and stderr to ERR (file
 * paths; NULL: /dev/null).  Returns the exit status, or -1 if the program
 * did not exit normally.
 */
int run_program(const char *cwd, char *const argv[], const char *out,
                const char *err);

/* Runs $top_builddir/idlc/idlc with ARGS (NULL-terminated, without
 * argv[0]) as run_program() does. */
int run_idlc(const char *cwd, const char *const args[], const char *out,
             const char *err);

/* The whole file, malloc'd with a NUL after it; NULL if unreadable. */
char *read_file(const char *path, size_t *len);

/* Writes TEXT to PATH; 0 on success. */
int write_file(const char *path, const char *text);

/* A new directory, malloc'd: under the scratch root while there is one,
 * else under $TMPDIR or /tmp. */
char *make_tmpdir(void);

/* Unchecked fixture functions (they run in Check's parent process): all
 * directories that make_tmpdir() creates in between live under one root
 * that scratch_end() removes, even after a test failed half-way. */
void scratch_begin(void);
void scratch_end(void);

/* rm -rf DIR. */
void remove_tree(const char *dir);

/* DIR/NAME, malloc'd. */
char *join(const char *dir, const char *name);

#endif /* TEST_IDLC_RUN_H */
