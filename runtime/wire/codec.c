/*
 * codec.c - the srpc_get_*() decoders and srpc_pack_str() that generated
 * stubs call (see sockrpc/codec.h for the contract).
 *
 * A decoder accepts exactly the msgpack values that represent its C type:
 * integers of any msgpack width as long as the value fits, floats and
 * integers for double, only true/false for bool, str or bin for strings
 * and bytes alike.  *out is written only on success.
 */
#include "config.h"

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sockrpc/codec.h"
#include "wire/arena.h"
#include "wire/derr.h"
#include "wire/protocol.h"
#include "wire/wbuf.h"

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

bool srpc__get_raw(const msgpack_object *o, const char **ptr, size_t *size)
{
    if (!o)
        return false;
    if (o->type == MSGPACK_OBJECT_STR) {
        *ptr = o->via.str.ptr;
        *size = o->via.str.size;
        return true;
    }
    if (o->type == MSGPACK_OBJECT_BIN) {
        *ptr = o->via.bin.ptr;
        *size = o->via.bin.size;
        return true;
    }
    return false;
}

int srpc_get_str(const msgpack_object *o, srpc_arena *arena, const char **out)
{
    const char *p, *s;
    size_t size;

    if (!srpc__get_raw(o, &p, &size))
        return SRPC_ETYPE;
    if (size > 0 && memchr(p, '\0', size))
        return SRPC_ETYPE;
    s = srpc__arena_strndup(arena, p, size);
    if (!s)
        return SRPC_ENOMEM;
    *out = s;
    return SRPC_OK;
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

/* ---- the small integers, float, bounded strings and bytes -------- */

int srpc_get_int8(const msgpack_object *o, int8_t *out)
{
    int64_t v;

    if (get_signed(o, INT8_MIN, INT8_MAX, &v) != SRPC_OK)
        return SRPC_ETYPE;
    *out = (int8_t)v;
    return SRPC_OK;
}

int srpc_get_int16(const msgpack_object *o, int16_t *out)
{
    int64_t v;

    if (get_signed(o, INT16_MIN, INT16_MAX, &v) != SRPC_OK)
        return SRPC_ETYPE;
    *out = (int16_t)v;
    return SRPC_OK;
}

int srpc_get_uint8(const msgpack_object *o, uint8_t *out)
{
    uint64_t v;

    if (get_unsigned(o, UINT8_MAX, &v) != SRPC_OK)
        return SRPC_ETYPE;
    *out = (uint8_t)v;
    return SRPC_OK;
}

int srpc_get_uint16(const msgpack_object *o, uint16_t *out)
{
    uint64_t v;

    if (get_unsigned(o, UINT16_MAX, &v) != SRPC_OK)
        return SRPC_ETYPE;
    *out = (uint16_t)v;
    return SRPC_OK;
}

int srpc_get_float(const msgpack_object *o, float *out)
{
    double d;

    if (srpc_get_double(o, &d) != SRPC_OK)
        return SRPC_ETYPE;
    /* A finite double a float cannot hold would silently become an
     * infinity: that is a different value, not a rounding. */
    if (isfinite(d) && (d > FLT_MAX || d < -FLT_MAX)
        && (o->type == MSGPACK_OBJECT_FLOAT32
            || o->type == MSGPACK_OBJECT_FLOAT64))
        return SRPC_ETYPE;
    *out = (float)d;
    return SRPC_OK;
}

int srpc_get_str_max(const msgpack_object *o, srpc_arena *arena, size_t max,
                     const char **out)
{
    const char *p;
    size_t size;

    if (srpc__get_raw(o, &p, &size) && max > 0 && size > max)
        return SRPC_ETOOBIG;
    return srpc_get_str(o, arena, out);
}

int srpc_get_bin(const msgpack_object *o, srpc_arena *arena, size_t max,
                 srpc_bytes *out)
{
    const char *p;
    size_t size;
    uint8_t *data;

    if (!srpc__get_raw(o, &p, &size))
        return SRPC_ETYPE;
    if (max > 0 && size > max)
        return SRPC_ETOOBIG;
    if (size > 0 &&
        (arena->borrows || srpc__arena_holds(arena, p, size))) {
        out->data = (const uint8_t *)p;
        out->len = size;
        return SRPC_OK;
    }
    /* The object's bytes die with the message: copy them. */
    data = srpc__arena_alloc(arena, size);
    if (!data)
        return SRPC_ENOMEM;
    if (size > 0)
        memcpy(data, p, size);
    out->data = data;
    out->len = size;
    return SRPC_OK;
}

/* Copies the value O into *DST, its strings and elements into ARENA.
 * The depth is bounded: the runtime's scan allows at most 32 levels. */
static int copy_object(const msgpack_object *o, srpc_arena *arena,
                       msgpack_object *dst)
{
    *dst = *o;
    switch (o->type) {
    case MSGPACK_OBJECT_STR:
    case MSGPACK_OBJECT_BIN:
    case MSGPACK_OBJECT_EXT: {
        /* str, bin and ext keep size and ptr at the same offsets in
         * msgpack-c's union, but say which one each time for clarity. */
        uint32_t size = o->type == MSGPACK_OBJECT_STR ? o->via.str.size
                        : o->type == MSGPACK_OBJECT_BIN ? o->via.bin.size
                        : o->via.ext.size;
        const char *src = o->type == MSGPACK_OBJECT_STR ? o->via.str.ptr
                          : o->type == MSGPACK_OBJECT_BIN ? o->via.bin.ptr
                          : o->via.ext.ptr;
        char *p = srpc__arena_alloc(arena, size);

        if (!p)
            return SRPC_ENOMEM;
        if (size > 0)
            memcpy(p, src, size);
        if (o->type == MSGPACK_OBJECT_STR)
            dst->via.str.ptr = p;
        else if (o->type == MSGPACK_OBJECT_BIN)
            dst->via.bin.ptr = p;
        else
            dst->via.ext.ptr = p;
        return SRPC_OK;
    }
    case MSGPACK_OBJECT_ARRAY: {
        msgpack_object *items = srpc__arena_alloc(
            arena, (size_t)o->via.array.size * sizeof *items);

        if (!items)
            return SRPC_ENOMEM;
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            if (copy_object(&o->via.array.ptr[i], arena, &items[i]) != SRPC_OK)
                return SRPC_ENOMEM;
        }
        dst->via.array.ptr = items;
        return SRPC_OK;
    }
    case MSGPACK_OBJECT_MAP: {
        msgpack_object_kv *kv = srpc__arena_alloc(
            arena, (size_t)o->via.map.size * sizeof *kv);

        if (!kv)
            return SRPC_ENOMEM;
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            if (copy_object(&o->via.map.ptr[i].key, arena, &kv[i].key)
                    != SRPC_OK
                || copy_object(&o->via.map.ptr[i].val, arena, &kv[i].val)
                    != SRPC_OK)
                return SRPC_ENOMEM;
        }
        dst->via.map.ptr = kv;
        return SRPC_OK;
    }
    default:
        return SRPC_OK; /* nil, bool, integers, floats: all in *dst */
    }
}

int srpc_get_any(const msgpack_object *o, srpc_arena *arena,
                 const msgpack_object **out)
{
    msgpack_object *copy;

    if (!o)
        return SRPC_ETYPE;
    copy = srpc__arena_alloc(arena, sizeof *copy);
    if (!copy || copy_object(o, arena, copy) != SRPC_OK)
        return SRPC_ENOMEM;
    *out = copy;
    return SRPC_OK;
}

void srpc_pack_any(msgpack_packer *pk, const msgpack_object *o)
{
    if (!o)
        msgpack_pack_nil(pk);
    else
        msgpack_pack_object(pk, *o);
}

int srpc_field_index(const msgpack_object *key, const char *const *names,
                     size_t n)
{
    const char *p;
    size_t size;

    /* A bin key too: an old peer's or a Python bytes key. */
    if (!srpc__get_raw(key, &p, &size))
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (strlen(names[i]) == size && memcmp(names[i], p, size) == 0)
            return (int)i;
    }
    return -1;
}

int srpc_put_str(msgpack_packer *pk, const char *s, size_t max,
                 srpc_derr *err)
{
    char expected[40];
    size_t len;

    if (max > 0)
        snprintf(expected, sizeof expected, "string<%zu>", max);
    else
        snprintf(expected, sizeof expected, "string");
    if (!s)
        return srpc_derr_set(err, SRPC_EINVAL, expected, NULL);
    len = strlen(s);
    if ((max > 0 && len > max) || len > UINT32_MAX)
        return srpc__derr_what(err, SRPC_EINVAL, "expected %s, got %zu bytes",
                         expected, len);
    msgpack_pack_str(pk, len);
    msgpack_pack_str_body(pk, s, len);
    return SRPC_OK;
}

int srpc_put_bin(msgpack_packer *pk, const srpc_bytes *b, size_t max,
                 srpc_derr *err)
{
    char expected[40];

    if (max > 0)
        snprintf(expected, sizeof expected, "bytes<%zu>", max);
    else
        snprintf(expected, sizeof expected, "bytes");
    if (!b || (!b->data && b->len > 0))
        return srpc_derr_set(err, SRPC_EINVAL, expected, NULL);
    if ((max > 0 && b->len > max) || b->len > UINT32_MAX)
        return srpc__derr_what(err, SRPC_EINVAL, "expected %s, got %zu bytes",
                         expected, b->len);
    msgpack_pack_bin(pk, b->len);
    /* Into one of the runtime's buffers a large payload goes by reference
     * where the buffer allows it (a client's request, written before the
     * call returns): it is written from the caller's memory. */
    if (pk->callback == srpc__wbuf_write)
        srpc__wbuf_refer(pk->data, b->data, b->len);
    else if (b->len > 0)
        msgpack_pack_bin_body(pk, b->data, b->len);
    return SRPC_OK;
}
