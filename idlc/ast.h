/*
 * ast.h - the abstract syntax tree of an .idl file.
 *
 * The tree is small and owned top-down: an idl_file holds an array of
 * interfaces, an interface an array of procedures, a procedure an array of
 * parameters.  Every name is a malloc'd copy of the source text and every
 * node keeps the location of its name, so that later passes (sema, the
 * generators) can point diagnostics and comments at the source.
 *
 * Types are written as identifiers and kept as text (idl_type_ref.name)
 * until sema resolves them against the type table (types.h): an unknown
 * type is then a diagnostic with a caret on the name, and the language can
 * later grow typedefs or structs in the same namespace.
 */
#ifndef IDLC_AST_H
#define IDLC_AST_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A span of source text.  Lines and columns count from 1; columns count
 * bytes (a tab is one column).  last_column is one past the span's last
 * byte, so a token's length on one line is last_column - first_column.
 * The field names are the ones bison's YYLLOC_DEFAULT expects.
 */
struct idl_loc {
    int first_line;
    int first_column;
    int last_line;
    int last_column;
};

struct idl_type_info; /* types.h */

/* A type as written; TYPE is NULL until sema resolves NAME. */
struct idl_type_ref {
    char *name;
    struct idl_loc loc;
    const struct idl_type_info *type;
};

struct idl_param {
    char *name;
    struct idl_loc loc;       /* of the name */
    struct idl_type_ref type;
};

struct idl_proc {
    char *name;
    struct idl_loc loc;       /* of the name */
    struct idl_loc decl_loc;  /* of the whole declaration (for comments) */
    bool oneway;
    struct idl_type_ref result;
    struct idl_param *params;
    size_t nparams;
};

struct idl_iface {
    char *name;
    struct idl_loc loc;       /* of the name */
    struct idl_proc **procs;  /* pointers: procedures are built before
                                 their interface exists */
    size_t nprocs;
    bool broken;              /* the parser skipped part of its body */
};

struct idl_file {
    struct idl_iface **ifaces;
    size_t nifaces;
};

/* Constructors return NULL when memory runs out.  The *_add functions take
 * ownership of their argument only on success (return true). */
struct idl_file *ast_file_new(void);
bool ast_file_add(struct idl_file *file, struct idl_iface *iface);
void ast_file_free(struct idl_file *file);

struct idl_iface *ast_iface_new(void);
bool ast_iface_add(struct idl_iface *iface, struct idl_proc *proc);
void ast_iface_free(struct idl_iface *iface);

struct idl_proc *ast_proc_new(void);
/* Moves *PARAM into PROC; on success PARAM's fields belong to PROC. */
bool ast_proc_add(struct idl_proc *proc, struct idl_param *param);
void ast_proc_free(struct idl_proc *proc);

/* Frees the strings a parameter owns (not the struct itself). */
void ast_param_clear(struct idl_param *param);

#endif /* IDLC_AST_H */
