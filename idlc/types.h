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
    IDL_STRING
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
};

/* The type named NAME, or NULL if there is none. */
const struct idl_type_info *idl_type_lookup(const char *name);

#endif /* IDLC_TYPES_H */
