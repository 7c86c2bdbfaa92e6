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

#include "lookup.h"

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
struct idl_struct;
struct idl_enum;

/* A type as written; TYPE is NULL until sema resolves NAME.  A struct
 * type resolves to the type "struct" and DECL, its declaration. */
struct idl_type_ref {
    char *name;
    struct idl_loc loc;
    const struct idl_type_info *type;
    char *bound_text;         /* "64" of string<64>; NULL without a bound */
    struct idl_loc bound_loc;
    unsigned long long bound; /* checked by sema; 0 without a bound */
    const struct idl_struct *decl;
    const struct idl_enum *edecl;  /* set by sema for an enum type */
    /* sequence<T[, MAX]> and map<K, V>: the element types, malloc'd */
    struct idl_type_ref *args[2];
    size_t nargs;
    /* Set by sema for structs, sequences and maps: the C type is
     * "struct PREFIX_CNAME", its codecs encode_PREFIX_CODEC() and
     * decode_PREFIX_CODEC(). */
    const char *prefix;
    char *cname;
    char *codec;
    char *alias;              /* the typedef name written, NULL if none */
    bool is_array;            /* T[N]: args[0] is T, the bound is N */
    /* Set by sema on the first container of a scope with a C name: how
     * many of the scope's containers share it (scope.h). */
    unsigned nsame;
};

/* typedef TYPE NAME; */
struct idl_typedef {
    char *name;
    struct idl_loc loc;       /* of the name */
    struct idl_type_ref type;
    const char *prefix;       /* its interface's name, set by sema */
    struct idl_iface *owner;  /* where it is declared, set by sema */
    bool checked;             /* sema: TYPE resolved (or found bad) */
    bool bad;
    bool resolving;           /* sema: being expanded, to catch cycles */
};

/* A field of a struct: [optional] TYPE NAME;  or an arm of a union:
 * case LABEL: TYPE NAME;  where a "case LABEL: void;" arm carries no
 * value and has no NAME (NULL, and LOC is the label's). */
struct idl_field {
    char *name;
    struct idl_loc loc;       /* of the name */
    bool optional;
    struct idl_type_ref type;
    char *doc;                /* its doc comment's text, or NULL */
    char *label;              /* a union arm's label as written: an enum
                                 value's name, digits or a const's name */
    bool label_negative;      /* "-" before digits */
    struct idl_loc label_loc;
    long long label_value;    /* set by sema */
    bool label_ok;            /* sema: LABEL_VALUE is valid */
};

/* NAME [= [-]NUMBER] in an enum. */
struct idl_enum_value {
    char *name;
    struct idl_loc loc;       /* of the name */
    char *text;               /* the NUMBER, NULL when implicit */
    bool negative;
    struct idl_loc value_loc;
    long long value;          /* set by sema */
};

struct idl_enum {
    char *name;
    struct idl_loc loc;       /* of the name */
    bool open;                /* "open enum": unknown values are kept */
    struct idl_enum_value *values;
    size_t nvalues;
    const char *prefix;       /* its interface's name, set by sema */
    char *doc;                /* its doc comment's text, or NULL */
    /* Set by sema: the first value of each name and of each number. */
    struct lookup values_by_name;
    struct lookup values_by_number;
};

/* const TYPE NAME = VALUE; an integer or a string literal. */
struct idl_const {
    char *name;
    struct idl_loc loc;       /* of the name */
    struct idl_loc decl_loc;  /* of the whole declaration */
    struct idl_type_ref type;
    char *text;               /* digits, or the literal with its quotes */
    bool negative;
    bool is_string;
    struct idl_loc value_loc;
    const char *prefix;       /* its interface's name, set by sema */
    char *doc;                /* its doc comment's text, or NULL */
};

/* A struct, or a discriminated union: union NAME switch (DISC) { arms }.
 * A union shares the struct's namespace, its C type and its codec names
 * (a union is a struct with a tag and an anonymous union in C); its arms
 * are FIELDS, each with a label. */
struct idl_struct {
    char *name;
    struct idl_loc loc;       /* of the name */
    bool is_union;
    struct idl_type_ref disc; /* a union's discriminant: an enum or an
                                 integer type */
    struct idl_field *fields;
    size_t nfields;
    bool broken;              /* the parser skipped part of its body */
    const char *prefix;       /* its interface's name, set by sema */
    char *doc;                /* its doc comment's text, or NULL */
    /* Set by sema: the first field (or named arm) of each name, and a
     * union's first arm of each valid label value. */
    struct lookup fields_by_name;
    struct lookup arms_by_label;
};

struct idl_param {
    char *name;
    struct idl_loc loc;       /* of the name */
    bool optional;            /* may be absent: NULL in C, nil on the wire */
    struct idl_type_ref type;
};

struct idl_proc {
    char *name;
    struct idl_loc loc;       /* of the name */
    struct idl_loc decl_loc;  /* of the whole declaration (for comments) */
    bool oneway;
    bool result_optional;
    char *wire_name;          /* @name("..."): the literal with its quotes,
                                 NULL for the default IFACE.NAME */
    struct idl_loc wire_loc;  /* of the literal */
    char *doc;                /* its doc comment's text, or NULL */     /* "optional T name(...)" */
    char *raises;             /* raises (NAME): NAME as written, or NULL */
    struct idl_loc raises_loc;      /* of the keyword */
    struct idl_loc raises_name_loc; /* of NAME */
    const struct idl_enum *errors;  /* set by sema: the enum NAME names */
    struct idl_type_ref result;
    struct idl_param *params;
    size_t nparams;
};

/*
 * An interface, or a file's top level: the declarations outside every
 * interface, kept as an interface without a name or procedures (so that
 * every check and generator of types works on both).
 */
struct idl_iface {
    char *name;               /* NULL for a file's top level */
    struct idl_loc loc;       /* of the name */
    /* Set by sema: the prefix of the generated C names, "calc" or, in
     * "module acme;", "acme_calc"; for a top level the module's name or
     * the file's stem ("common" for common.idl). */
    char *cname;
    /* Where names not declared here are looked up, innermost first: an
     * interface's OUTER is its file's top level, and a top level's
     * VISIBLE are the top levels of the files it imports (transitively,
     * set by the loader; the array is owned, its entries are not). */
    const struct idl_iface *outer;
    const struct idl_iface **visible;
    struct idl_loc *visible_loc;  /* the import each came through */
    size_t nvisible;
    const struct idl_file *file;  /* a top level's file, else NULL */
    struct idl_proc **procs;  /* pointers: procedures are built before
                                 their interface exists */
    size_t nprocs;
    struct idl_struct **structs;
    size_t nstructs;
    struct idl_enum **enums;
    size_t nenums;
    struct idl_const **consts;
    size_t nconsts;
    struct idl_typedef **typedefs;
    size_t ntypedefs;
    /* One type reference per distinct sequence or map type (by spelling,
     * bounds included), in order of appearance; set by sema, not owned. */
    const struct idl_type_ref **containers;
    size_t ncontainers;
    size_t container_room;    /* slots allocated in the two arrays */
    char **container_text;    /* their spellings, owned */
    /* Indexes for lookups by name, set by sema and freed with the tree
     * (scope.h): the first procedure and declaration of each name, each
     * declaration's slot by identity, the containers by spelling and by
     * C name. */
    struct lookup procs_by_name;
    struct lookup structs_by_name;
    struct lookup enums_by_name;
    struct lookup consts_by_name;
    struct lookup typedefs_by_name;
    struct lookup struct_slots;
    struct lookup enum_slots;
    struct lookup containers_by_text;
    struct lookup containers_by_cname;
    bool broken;              /* the parser skipped part of its body */
    char *wire_prefix;        /* @prefix("..."): the literal with its
                                 quotes, NULL for the default "NAME." */
    struct idl_loc wire_prefix_loc;
    char *version_text;       /* @version(N): the digits, NULL without */
    struct idl_loc version_loc;
    unsigned long long version;  /* set by sema */
    char *doc;                /* its doc comment's text, or NULL */
};

/* import "common.idl"; */
struct idl_import {
    char *path;               /* the literal's text, without the quotes */
    struct idl_loc loc;       /* of the literal */
};

struct idl_file {
    struct idl_iface **ifaces;
    size_t nifaces;
    struct idl_iface *scope;  /* the declarations outside interfaces */
    char *module;             /* module NAME; or NULL */
    struct idl_loc module_loc;
    struct idl_import *imports;
    size_t nimports;
    /* Set by the loader: the file's name without directory and ".idl",
     * the default C prefix of its top level, and with ".idl" (for the
     * comments of generated code). */
    const char *stem;
    const char *idl_name;
    struct lookup ifaces_by_name;  /* set by sema: the first of each name */
};

/* Constructors return NULL when memory runs out.  The *_add functions take
 * ownership of their argument only on success (return true). */
struct idl_file *ast_file_new(void);
bool ast_file_add(struct idl_file *file, struct idl_iface *iface);
/* Takes PATH (malloc'd) on success. */
bool ast_file_add_import(struct idl_file *file, char *path,
                         const struct idl_loc *loc);
void ast_file_free(struct idl_file *file);

struct idl_iface *ast_iface_new(void);
bool ast_iface_add(struct idl_iface *iface, struct idl_proc *proc);
void ast_iface_free(struct idl_iface *iface);

bool ast_iface_add_struct(struct idl_iface *iface, struct idl_struct *st);

bool ast_iface_add_enum(struct idl_iface *iface, struct idl_enum *en);
bool ast_iface_add_const(struct idl_iface *iface, struct idl_const *c);
bool ast_iface_add_typedef(struct idl_iface *iface, struct idl_typedef *td);
void ast_typedef_free(struct idl_typedef *td);

/* Makes DST an unresolved deep copy of the type as SRC writes it (names,
 * bound, element types); false when memory runs out (DST then owns what
 * was copied). */
bool ast_type_copy(struct idl_type_ref *dst, const struct idl_type_ref *src);
void ast_const_free(struct idl_const *c);

struct idl_enum *ast_enum_new(void);
/* Moves *VALUE into EN; on success VALUE's fields belong to EN. */
bool ast_enum_add(struct idl_enum *en, struct idl_enum_value *value);
void ast_enum_free(struct idl_enum *en);
void ast_enum_value_clear(struct idl_enum_value *value);

struct idl_struct *ast_struct_new(void);
/* Moves *FIELD into ST; on success FIELD's fields belong to ST. */
bool ast_struct_add(struct idl_struct *st, struct idl_field *field);
void ast_struct_free(struct idl_struct *st);
void ast_field_clear(struct idl_field *field);

/* Frees what a type reference owns (strings, element types). */
void ast_type_clear(struct idl_type_ref *ref);

/* A malloc'd copy of *REF (which then belongs to the copy), or NULL. */
struct idl_type_ref *ast_type_box(struct idl_type_ref *ref);

struct idl_proc *ast_proc_new(void);
/* Moves *PARAM into PROC; on success PARAM's fields belong to PROC. */
bool ast_proc_add(struct idl_proc *proc, struct idl_param *param);
void ast_proc_free(struct idl_proc *proc);

/* Frees the strings a parameter owns (not the struct itself). */
void ast_param_clear(struct idl_param *param);

#endif /* IDLC_AST_H */
