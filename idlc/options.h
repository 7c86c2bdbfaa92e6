/*
 * options.h - idlc's command line, parsed into one struct.
 *
 * options_parse() checks everything that can be checked without reading
 * the input: unknown options, missing arguments, combinations that make
 * no sense (-MT without -MD or -MF), so that every bad usage exits 2 with
 * one line on stderr before any file is touched.
 */
#ifndef IDLC_OPTIONS_H
#define IDLC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* The generated files, as bits of options.outputs. */
enum {
    OUT_HEADER = 1u << 0,   /* BASE.h */
    OUT_CLIENT = 1u << 1,   /* BASE_client.c */
    OUT_SERVER = 1u << 2,   /* BASE_server.c */
    OUT_ALL = OUT_HEADER | OUT_CLIENT | OUT_SERVER
};

struct options {
    const char *input;       /* FILE.idl (OLD.idl with --check-compat) */
    const char *compat_new;  /* --check-compat: NEW.idl; NULL without */
    const char *outdir;      /* -o DIR, default "." */
    unsigned outputs;        /* OUT_* bits; all unless --header... given */
    bool depend;             /* -MD or -MF: write a dependency file */
    const char *depfile;     /* -MF FILE; NULL: OUTDIR/BASE.d */
    const char **targets;    /* -MT TARGET..., in order (malloc'd array) */
    size_t ntargets;
    bool phony;              /* -MP */
    const char *skeleton;    /* --skeleton FILE.c, or NULL */
    const char **include_dirs; /* -I DIR..., in order (malloc'd array) */
    size_t ninclude_dirs;
    struct diag_config diag; /* -W..., -fmax-errors=N */
};

#define OPTIONS_EXIT_USAGE 2

/* Parses ARGV into *O.  Returns -1 to go on, or the exit status to end
 * with (0 after --help or --version, 2 after bad usage, reported). */
int options_parse(int argc, char **argv, struct options *o);

/* Frees what options_parse() allocated (harmless after any return). */
void options_free(struct options *o);

/* "idlc: WHAT 'ARG'; try 'idlc --help'" on stderr (ARG may be NULL);
 * returns OPTIONS_EXIT_USAGE. */
int options_bad_usage(const char *what, const char *arg);

#endif /* IDLC_OPTIONS_H */
