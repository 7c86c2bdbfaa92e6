/*
 * codec.c - the srpc_get_*() decoders and srpc_pack_str() that generated
 * stubs call (see sockrpc/codec.h for the contract).
 *
 * A decoder accepts exactly the msgpack values that represent its C type:
 * integers of any msgpack width as long as the value fits, floats and
 * integers for double, only true/false for bool.  *out is written only on
 * success.
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include "arena.h"
#include "sockrpc/codec.h"
#include "wbuf.h"

/* The value of an integer object as a sign and magnitude pair, so that
 * every range check below is one comparison. */
static int get_integer(const msgpack_object *o, bool *negative, uint64_t *mag)
{
    if (!o)
        return SRPC_ETYPE;
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
        *negative = false;
        *mag = o->via.u64;
        return SRPC_OK;
    }
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        /* msgpack-c also stores small non-negative values encoded as
         * signed ints here; treat them by their value. */
        *negative = o->via.i64 < 0;
        *mag = *negative ? -(uint64_t)o->via.i64 : (uint64_t)o->via.i64;
        return SRPC_OK;
    }
    return SRPC_ETYPE;
}

static int get_signed(const msgpack_object *o, int64_t min, int64_t max,
                      int64_t *out)
{
    bool neg;
    uint64_t mag;

    if (get_integer(o, &neg, &mag) != SRPC_OK)
        return SRPC_ETYPE;
    if (neg) {
        if (mag > -(uint64_t)min)
            return SRPC_ETYPE;
        *out = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
        return SRPC_OK;
    }
    if (mag > (uint64_t)max)
        return SRPC_ETYPE;
    *out = (int64_t)mag;
    return SRPC_OK;
}

static int get_unsigned(const msgpack_object *o, uint64_t max, uint64_t *out)
{
    bool neg;
    uint64_t mag;

    if (get_integer(o, &neg, &mag) != SRPC_OK)
        return SRPC_ETYPE;
    if ((neg && mag != 0) || mag > max)
        return SRPC_ETYPE;
    *out = mag;
    return SRPC_OK;
}

int srpc_get_int32(const msgpack_object *o, int32_t *out)
{
    int64_t v;

    if (get_signed(o, INT32_MIN, INT32_MAX, &v) != SRPC_OK)
        return SRPC_ETYPE;
    *out = (int32_t)v;
    return SRPC_OK;
}

int srpc_get_int64(const msgpack_object *o, int64_t *out)
{
    return get_signed(o, INT64_MIN, INT64_MAX, out);
}

int srpc_get_uint32(const msgpack_object *o, uint32_t *out)
{
    uint64_t v;

    if (get_unsigned(o, UINT32_MAX, &v) != SRPC_OK)
        return SRPC_ETYPE;
    *out = (uint32_t)v;
    return SRPC_OK;
}

int srpc_get_uint64(const msgpack_object *o, uint64_t *out)
{
    return get_unsigned(o, UINT64_MAX, out);
}

int srpc_get_bool(const msgpack_object *o, bool *out)
{
    if (!o || o->type != MSGPACK_OBJECT_BOOLEAN)
        return SRPC_ETYPE;
    *out = o->via.boolean;
    return SRPC_OK;
}

int srpc_get_double(const msgpack_object *o, double *out)
{
    if (!o)
        return SRPC_ETYPE;
    switch (o->type) {
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        *out = o->via.f64; /* msgpack-c widens float32 into f64 */
        return SRPC_OK;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        *out = (double)o->via.u64;
        return SRPC_OK;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        *out = (double)o->via.i64;
        return SRPC_OK;
    default:
        return SRPC_ETYPE;
    }
}

int srpc_get_str(const msgpack_object *o, srpc_arena *arena, const char **out)
{
    const char *s;

    if (!o || o->type != MSGPACK_OBJECT_STR)
        return SRPC_ETYPE;
    if (o->via.str.size > 0 && memchr(o->via.str.ptr, '\0', o->via.str.size))
        return SRPC_ETYPE;
    s = srpc__arena_strndup(arena, o->via.str.ptr, o->via.str.size);
    if (!s)
        return SRPC_ENOMEM;
    *out = s;
    return SRPC_OK;
}

const char *srpc_object_type_name(const msgpack_object *o)
{
    if (!o)
        return "nothing";
    switch (o->type) {
    case MSGPACK_OBJECT_NIL: return "nil";
    case MSGPACK_OBJECT_BOOLEAN: return "bool";
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return "integer";
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return "float";
    case MSGPACK_OBJECT_STR: return "string";
    case MSGPACK_OBJECT_BIN: return "binary";
    case MSGPACK_OBJECT_ARRAY: return "array";
    case MSGPACK_OBJECT_MAP: return "map";
    case MSGPACK_OBJECT_EXT: return "extension";
    default: return "unknown";
    }
}

void srpc_pack_str(msgpack_packer *pk, const char *s)
{
    size_t len;

    if (!s) {
        msgpack_pack_nil(pk);
        return;
    }
    len = strlen(s);
    if (len > UINT32_MAX) {
        /* msgpack-c would silently truncate the length.  Every packer the
         * runtime hands out writes into a struct srpc_wbuf. */
        if (pk->callback == srpc__wbuf_write)
            srpc__wbuf_fail(pk->data, SRPC_ETOOBIG);
        return;
    }
    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, s, len);
}
