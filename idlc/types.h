/*
 * types.h - the IDL's built-in types and how each maps to C and msgpack.
 *
 * One table row per type keeps everything the checker and the three
 * generators need to know about a type in one place; adding a type means
 * adding a row (and, if it packs specially, a case in gen_common.c).
 */
#ifndef IDLC_TYPES_H
#define IDLC_TYPES_H

#include <stdbool.h>

enum idl_kind {
    IDL_VOID,
    IDL_BOOL,
    IDL_INT32,
    IDL_INT64,
    IDL_UINT32,
    IDL_UINT64,
    IDL_DOUBLE,
    IDL_STRING,
    IDL_INT8,
    IDL_INT16,
    IDL_UINT8,
    IDL_UINT16,
    IDL_FLOAT,
    IDL_BYTES,
    IDL_STRUCT,    /* a struct declared in the .idl (idl_type_ref.decl) */
    IDL_ENUM,      /* an enum declared in the .idl (idl_type_ref.edecl) */
    IDL_SEQUENCE,  /* sequence<T> and sequence<T, MAX> (idl_type_ref.args) */
    IDL_MAP,       /* map<K, V> */
    IDL_ANY,       /* any msgpack value, deep-copied into the arena */
    IDL_ARRAY      /* T[N] (idl_type_ref.args[0], .bound) */
};

struct idl_type_info {
    const char *name;    /* as written in the .idl: "int32" */
    enum idl_kind kind;
    const char *c_type;  /* C type of a parameter or result variable:
                            "int32_t", "const char *" (NULL for void) */
    const char *getter;  /* decoder in codec.h: "srpc_get_int32" */
    const char *packer;  /* msgpack-c packer, NULL when packing needs more
                            than one call (bool) or a helper (string) */
    const char *zero;    /* initial value of a result variable */
    bool bounded;        /* takes a bound: string<64> */
};

/* The type named NAME, or NULL if there is none. */
const struct idl_type_info *idl_type_lookup(const char *name);

/* The rows every struct and every enum type resolve to. */
extern const struct idl_type_info idl_struct_type;
extern const struct idl_type_info idl_enum_type;
extern const struct idl_type_info idl_sequence_type;
extern const struct idl_type_info idl_map_type;
extern const struct idl_type_info idl_array_type;

struct idl_type_ref;

/* The type as the .idl spells it, normalised and malloc'd:
 * "sequence<string<8>, 10>"; NULL when memory runs out. */
char *idl_type_spelling(const struct idl_type_ref *ref);

/* The part of a C name that stands for a resolved type, malloc'd:
 * "int32", "point", "seq_string", "map_string_int32" (bounds left out:
 * they do not change the C type). */
char *idl_type_mangle(const struct idl_type_ref *ref);

/* The built-in type whose name is closest to NAME (edit distance at most
 * 2), or NULL. */
const char *idl_type_suggest(const char *name);

/* The edit distance between A and B, counting up to LIMIT + 1. */
unsigned idl_edit_distance(const char *a, const char *b, unsigned limit);

#endif /* IDLC_TYPES_H */
