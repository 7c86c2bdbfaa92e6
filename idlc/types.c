#include "config.h"

#include "types.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "names.h"

static const struct idl_type_info types[] = {
    { "void", IDL_VOID, NULL, NULL, NULL, NULL, false },
    { "bool", IDL_BOOL, "bool", "srpc_get_bool", NULL, "false", false },
    { "int8", IDL_INT8, "int8_t", "srpc_get_int8", "msgpack_pack_int8", "0",
      false },
    { "int16", IDL_INT16, "int16_t", "srpc_get_int16", "msgpack_pack_int16",
      "0", false },
    { "int32", IDL_INT32, "int32_t", "srpc_get_int32",
      "msgpack_pack_int32", "0", false },
    { "int64", IDL_INT64, "int64_t", "srpc_get_int64",
      "msgpack_pack_int64", "0", false },
    { "uint8", IDL_UINT8, "uint8_t", "srpc_get_uint8", "msgpack_pack_uint8",
      "0", false },
    { "uint16", IDL_UINT16, "uint16_t", "srpc_get_uint16",
      "msgpack_pack_uint16", "0", false },
    { "uint32", IDL_UINT32, "uint32_t", "srpc_get_uint32",
      "msgpack_pack_uint32", "0", false },
    { "uint64", IDL_UINT64, "uint64_t", "srpc_get_uint64",
      "msgpack_pack_uint64", "0", false },
    { "float", IDL_FLOAT, "float", "srpc_get_float", "msgpack_pack_float",
      "0.0f", false },
    { "double", IDL_DOUBLE, "double", "srpc_get_double",
      "msgpack_pack_double", "0.0", false },
    { "string", IDL_STRING, "const char *", "srpc_get_str", NULL, "NULL",
      true },
    { "bytes", IDL_BYTES, "srpc_bytes", "srpc_get_bin", NULL,
      "{ NULL, 0 }", true },
    { "any", IDL_ANY, "const msgpack_object *", "srpc_get_any",
      "srpc_pack_any", "NULL", false },
};

const struct idl_type_info idl_struct_type = {
    "struct", IDL_STRUCT, NULL, NULL, NULL, NULL, false
};

const struct idl_type_info idl_enum_type = {
    "enum", IDL_ENUM, NULL, NULL, "msgpack_pack_int32", "0", false
};

const struct idl_type_info idl_sequence_type = {
    "sequence", IDL_SEQUENCE, NULL, NULL, NULL, NULL, true
};

const struct idl_type_info idl_array_type = {
    "array", IDL_ARRAY, NULL, NULL, NULL, NULL, true
};

const struct idl_type_info idl_map_type = {
    "map", IDL_MAP, NULL, NULL, NULL, NULL, false
};

char *idl_type_spelling(const struct idl_type_ref *ref)
{
    char *args = NULL, *s;

    if (ref->is_array && ref->nargs > 0) {
        char *elem = idl_type_spelling(ref->args[0]);

        if (elem == NULL)
            return NULL;
        s = ref->bound > 0 ? str_printf("%s[%llu]", elem, ref->bound)
            : str_printf("%s[%s]", elem, ref->bound_text ? ref->bound_text
                                     : ref->nargs > 1 ? ref->args[1]->name
                                                      : "?");
        free(elem);
        return s;
    }
    for (size_t i = 0; i < ref->nargs; i++) {
        char *a = idl_type_spelling(ref->args[i]);
        char *joined = a == NULL ? NULL
                       : str_printf("%s%s%s", args ? args : "",
                                    args ? ", " : "", a);
        free(a);
        free(args);
        if (joined == NULL)
            return NULL;
        args = joined;
    }
    if (args != NULL && ref->bound > 0)
        s = str_printf("%s<%s, %llu>", ref->name, args, ref->bound);
    else if (args != NULL)
        s = str_printf("%s<%s>", ref->name, args);
    else if (ref->bound > 0)
        s = str_printf("%s<%llu>", ref->name, ref->bound);
    else
        s = str_printf("%s", ref->name);
    free(args);
    return s;
}

char *idl_type_mangle(const struct idl_type_ref *ref)
{
    char *a, *b, *s;

    switch (ref->type->kind) {
    case IDL_SEQUENCE:
        a = idl_type_mangle(ref->args[0]);
        s = a ? str_printf("seq_%s", a) : NULL;
        free(a);
        return s;
    case IDL_ARRAY:
        /* The length is part of the C type: int32[3] is arr3_int32. */
        a = idl_type_mangle(ref->args[0]);
        s = a ? str_printf("arr%llu_%s", ref->bound, a) : NULL;
        free(a);
        return s;
    case IDL_MAP:
        a = idl_type_mangle(ref->args[0]);
        b = idl_type_mangle(ref->args[1]);
        s = a && b ? str_printf("map_%s_%s", a, b) : NULL;
        free(a);
        free(b);
        return s;
    default:
        return str_printf("%s", ref->name);
    }
}

const struct idl_type_info *idl_type_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    }
    return NULL;
}

unsigned idl_edit_distance(const char *a, const char *b, unsigned limit)
{
    /* Levenshtein plus transpositions of neighbours ("unit32" is one
     * slip from "uint32"), with three rows; names are short. */
    unsigned row[64], prev[64], prev2[64];
    size_t la = strlen(a), lb = strlen(b);

    if (la >= 64 || lb >= 64)
        return limit + 1;
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)j;
    for (size_t i = 1; i <= la; i++) {
        row[0] = (unsigned)i;
        for (size_t j = 1; j <= lb; j++) {
            unsigned del = prev[j] + 1, ins = row[j - 1] + 1;
            unsigned sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            unsigned m = del < ins ? del : ins;
            row[j] = m < sub ? m : sub;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2]
                && a[i - 2] == b[j - 1] && prev2[j - 2] + 1 < row[j])
                row[j] = prev2[j - 2] + 1;
        }
        memcpy(prev2, prev, (lb + 1) * sizeof row[0]);
        memcpy(prev, row, (lb + 1) * sizeof row[0]);
    }
    return prev[lb] > limit ? limit + 1 : prev[lb];
}

const char *idl_type_suggest(const char *name)
{
    const char *best = NULL;
    unsigned best_d = 3;

    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        unsigned d = idl_edit_distance(name, types[i].name, 2);
        if (d < best_d) {
            best_d = d;
            best = types[i].name;
        }
    }
    return best;
}
