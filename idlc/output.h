/*
 * output.h - writes the generated files safely.
 *
 * All or nothing: every target is checked before any is written, each is
 * written to a temporary file in the same directory and renamed into
 * place, and a file whose content would not change is left alone (so its
 * mtime stays and make does not rebuild).  A target that exists but was
 * not written by idlc (its first line lacks the generator's marker) is
 * never overwritten: it may be a student's hand-written calc_server.c.
 * A file may ask to be always replaced (a make dependency file, which has
 * no marker) or never (a skeleton for the user to fill in: it is linked
 * into place, so even a file created meanwhile is not clobbered).
 */
#ifndef IDLC_OUTPUT_H
#define IDLC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/* What may happen to a file that exists already. */
enum output_mode {
    OUTPUT_GENERATED,   /* replaced only if idlc wrote it (the marker) */
    OUTPUT_REPLACE,     /* always replaced (a dependency file) */
    OUTPUT_CREATE       /* never replaced: an error (a skeleton) */
};

struct output_file {
    const char *name;   /* file name inside the directory: "calc.h" */
    const char *text;
    size_t len;
    enum output_mode mode;
    const char *dir;    /* its directory; NULL: output_write()'s DIR */
};

/* Writes the N FILES into DIR (or each into its own dir), creating the
 * directories (and their parents) if missing.  Reports problems as
 * "idlc: ..." on stderr; returns true on success. */
bool output_write(const char *dir, const struct output_file *files,
                  size_t n);

#endif /* IDLC_OUTPUT_H */
