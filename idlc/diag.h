/*
 * diag.h - diagnostics in GCC's format.
 *
 *     calc.idl:3:5: error: unknown type 'int16'
 *         3 |     int16 add(int32 a);
 *           |     ^~~~~
 *
 * A struct diag knows the file name to print, the whole source text (to
 * quote the offending line) and where to write; it counts errors and stops
 * reporting after DIAG_MAX_ERRORS, after which diag_stopped() is true and
 * the lexer and parser wind down.
 *
 * Warnings are named ("c++-compat") and each can be turned on or off,
 * or made an error, through a struct diag_config (idlc's -W options);
 * a warning prints as "warning: ... [-Wc++-compat]", or as an error that
 * counts like any other, "error: ... [-Werror=c++-compat]".  The error
 * limit is part of the configuration too (-fmax-errors=N).
 *
 * Sorted mode (idlc sets it): the lexer and parser report while reading
 * and sema only afterwards, so messages are held back and diag_flush()
 * prints them in the order of the file, each error with its notes, as a
 * one-pass compiler would.
 */
#ifndef IDLC_DIAG_H
#define IDLC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "ast.h"

#define DIAG_MAX_ERRORS 20

#if defined(__GNUC__)
#define DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define DIAG_PRINTF(f, a)
#endif

struct diag_entry;

/* The named warnings; diag.c's table gives each its name, what it is
 * about, and whether it is on by default. */
enum diag_warning {
    DIAG_W_CXX_COMPAT,   /* "c++-compat": a name C++ cannot compile */
    DIAG_W_CASE_CLASH,   /* "case-clash": names that differ only in case */
    DIAG_W_COMPAT_REMOVAL, /* "compat-removal" (--check-compat): an
                            optional field or open enum value removed */
    DIAG_NWARNINGS
};

struct diag_config {
    unsigned enabled;    /* bit (1u << W): warning W is reported */
    unsigned errors;     /* bit (1u << W): -Werror=NAME */
    unsigned not_errors; /* bit (1u << W): -Wno-error=NAME */
    bool all_errors;     /* -Werror: every warning not in NOT_ERRORS is
                            an error */
    int max_errors;      /* stop after this many errors; 0: no limit */
};

struct diag {
    const char *filename;  /* as the user gave it */
    const char *src;       /* the source text, not NUL-terminated */
    size_t len;
    FILE *out;             /* usually stderr */
    int nerrors;
    bool stopped;          /* too many errors, or out of memory */
    bool sorted;           /* hold messages back for diag_flush() */
    bool limit_hit;        /* config.max_errors was exceeded */
    int nwarnings;         /* warnings printed as warnings */
    bool drop_notes;       /* the last warning was off: drop its notes */
    struct diag_config config;  /* diag_config_default() until set */
    struct diag_entry *entries;  /* held-back messages (sorted mode) */
    size_t nentries;
};

void diag_init(struct diag *d, const char *filename, const char *src,
               size_t len, FILE *out);

/* An error at LOC, with the source line and a caret. */
void diag_error(struct diag *d, const struct idl_loc *loc, const char *fmt,
                ...) DIAG_PRINTF(3, 4);

/* A warning W at LOC (nothing when W is off), with "[-WNAME]" after the
 * message; an error instead when the configuration says so. */
void diag_warning(struct diag *d, enum diag_warning w,
                  const struct idl_loc *loc, const char *fmt, ...)
    DIAG_PRINTF(4, 5);

/* The defaults: each warning as diag.c's table says, no -Werror,
 * DIAG_MAX_ERRORS. */
void diag_config_default(struct diag_config *c);

/* The warning called NAME ("c++-compat"), or -1 when there is none. */
int diag_warning_find(const char *name);

/* NAME of warning W, and a one-line description for --help. */
const char *diag_warning_name(enum diag_warning w);
const char *diag_warning_about(enum diag_warning w);

/* True when warning W would be reported. */
bool diag_warning_on(const struct diag *d, enum diag_warning w);

/* A note (e.g. "previous definition here") attached to the last error. */
void diag_note(struct diag *d, const struct idl_loc *loc, const char *fmt,
               ...) DIAG_PRINTF(3, 4);

/* An error about the file as a whole: "calc.idl: error: ...". */
void diag_file_error(struct diag *d, const char *fmt, ...) DIAG_PRINTF(2, 3);

/* Finds line LINE (from 1) of the source: its start and length without the
 * newline.  Returns false when the source has no such line. */
bool diag_line(const struct diag *d, int line, const char **start,
               size_t *len);

/* Sorted mode: prints the held-back messages in source order and frees
 * them.  Harmless (and needed only) in sorted mode. */
void diag_flush(struct diag *d);

/* Reports that memory ran out and stops all further processing. */
void diag_oom(struct diag *d);

static inline bool diag_stopped(const struct diag *d)
{
    return d->stopped;
}

#endif /* IDLC_DIAG_H */
