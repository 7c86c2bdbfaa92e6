/*
 * output.h - writes the generated files safely.
 *
 * All or nothing: every target is checked before any is written, each is
 * written to a temporary file in the same directory and renamed into
 * place, and a file whose content would not change is left alone (so its
 * mtime stays and make does not rebuild).  A target that exists but was
 * not written by idlc (its first line lacks the generator's marker) is
 * never overwritten: it may be a student's hand-written calc_server.c.
 */
#ifndef IDLC_OUTPUT_H
#define IDLC_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

struct output_file {
    const char *name;   /* file name inside the directory: "calc.h" */
    const char *text;
    size_t len;
};

/* Writes the N FILES into DIR, creating DIR (and its parents) if missing.
 * Reports problems as "idlc: ..." on stderr; returns true on success. */
bool output_write(const char *dir, const struct output_file *files,
                  size_t n);

#endif /* IDLC_OUTPUT_H */
