/*
 * idl_front.h - idlc's front end in memory, for the idlc and compat fuzz
 * targets: what idlc does to one file (parse, check, lint) without the
 * loader, which reads files from disk.  A file that imports others is
 * parsed only: its imports cannot be read here.
 */
#ifndef SRPC_FUZZ_IDL_FRONT_H
#define SRPC_FUZZ_IDL_FRONT_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "diag.h"

struct idl_front {
    char *text;             /* the input, NUL-terminated */
    struct diag diag;
    struct idl_file *file;  /* NULL when it did not parse */
    bool ok;                /* parsed, checked and linted without errors */
};

/* Opens the sink the diagnostics go to, unread: call it once first. */
void idl_front_init(void);

/* Runs the front end over SRC[0, LEN).  SORTED as idlc sets it for
 * compiling (true) or for --check-compat (false). */
void idl_front_run(struct idl_front *fr, const char *src, size_t len,
                   bool sorted);

void idl_front_free(struct idl_front *fr);

#endif
