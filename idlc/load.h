/*
 * load.h - reading an .idl file and every file it imports.
 *
 * A loader owns every file it read: the text, the diagnostics state and
 * the checked tree of each, so that the trees of imported files, which
 * the importer's tree points into, live as long as the importer's.  Each
 * file is loaded once however often it is imported (files are told apart
 * by device and inode), and imported files are checked before the files
 * that import them.
 */
#ifndef IDLC_LOAD_H
#define IDLC_LOAD_H

#include <stdbool.h>
#include <stdio.h>

#include "ast.h"
#include "diag.h"

/* One file read. */
struct idl_unit {
    char *path;              /* as found: "include/common.idl" */
    char *stem;              /* "common" */
    char *text;              /* NUL-terminated */
    size_t len;
    struct diag diag;        /* its messages, with its name */
    struct idl_file *file;   /* NULL when it could not be parsed */
    bool loading;            /* its imports are being loaded: a cycle */
    bool ok;                 /* read, parsed and checked without errors */
    unsigned long long dev, ino;
};

struct loader {
    const char *const *dirs; /* -I directories, searched in order */
    size_t ndirs;
    struct diag_config config;
    FILE *out;               /* where messages go: stderr */
    struct idl_unit **units; /* every file read, in order of loading */
    size_t nunits;
};

void loader_init(struct loader *l, const char *const *dirs, size_t ndirs,
                 const struct diag_config *config, FILE *out);

/*
 * Reads, parses and checks PATH and, first, the files it imports.  Returns
 * its unit, whose OK says whether it and every file it imports are free
 * of errors (the errors are printed); NULL when PATH cannot be read at
 * all or memory runs out (printed too).
 */
struct idl_unit *loader_load(struct loader *l, const char *path);

void loader_free(struct loader *l);

#endif /* IDLC_LOAD_H */
