#include "config.h"

#include "types.h"

#include <stddef.h>
#include <string.h>

static const struct idl_type_info types[] = {
    { "void", IDL_VOID, NULL, NULL, NULL, NULL },
    { "bool", IDL_BOOL, "bool", "srpc_get_bool", NULL, "false" },
    { "int32", IDL_INT32, "int32_t", "srpc_get_int32",
      "msgpack_pack_int32", "0" },
    { "int64", IDL_INT64, "int64_t", "srpc_get_int64",
      "msgpack_pack_int64", "0" },
    { "uint32", IDL_UINT32, "uint32_t", "srpc_get_uint32",
      "msgpack_pack_uint32", "0" },
    { "uint64", IDL_UINT64, "uint64_t", "srpc_get_uint64",
      "msgpack_pack_uint64", "0" },
    { "double", IDL_DOUBLE, "double", "srpc_get_double",
      "msgpack_pack_double", "0.0" },
    { "string", IDL_STRING, "const char *", "srpc_get_str", NULL, "NULL" },
};

const struct idl_type_info *idl_type_lookup(const char *name)
{
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(types[i].name, name) == 0)
            return &types[i];
    }
    return NULL;
}
