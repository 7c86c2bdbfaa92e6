/*
 * derr.c - the decode-error path: where and why a nested value did not
 * decode or encode (srpc_derr, see sockrpc/codec.h).  Generated codecs
 * fill one on the way back up from a bad value; the client and the server
 * each turn it into their own kind of failure (client/report.c,
 * server/report.c), which is why nothing here knows either of them.
 */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sockrpc/codec.h"
#include "wire/derr.h"

int srpc__derr_what(srpc_derr *err, int rc, const char *fmt, ...)
{
    va_list ap;

    err->rc = rc;
    err->path[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(err->what, sizeof err->what, fmt, ap);
    va_end(ap);
    return rc;
}

/* What a value is, in words, for "expected X, got Y". */
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

int srpc_derr_set(srpc_derr *err, int rc, const char *expected,
                  const msgpack_object *got)
{
    if (rc == SRPC_ENOMEM)
        return srpc__derr_what(err, rc, "out of memory");
    if (!got)
        return srpc__derr_what(err, rc, "expected %s, got NULL", expected);
    if (rc == SRPC_ETOOBIG) {
        uint32_t n = 0;
        const char *unit = "bytes";

        switch (got->type) {
        case MSGPACK_OBJECT_STR: n = got->via.str.size; break;
        case MSGPACK_OBJECT_BIN: n = got->via.bin.size; break;
        case MSGPACK_OBJECT_ARRAY: n = got->via.array.size; unit = "items";
            break;
        case MSGPACK_OBJECT_MAP: n = got->via.map.size; unit = "entries";
            break;
        default: break;
        }
        return srpc__derr_what(err, rc, "expected %s, got %" PRIu32 " %s",
                         expected, n, unit);
    }
    /* An integer that is not one of an enum's values. */
    if (strncmp(expected, "enum ", 5) == 0
        && got->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
        return srpc__derr_what(err, rc, "expected %s, got %" PRIu64 ", which is "
                         "not one of its values", expected, got->via.u64);
    if (strncmp(expected, "enum ", 5) == 0
        && got->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
        return srpc__derr_what(err, rc, "expected %s, got %" PRId64 ", which is "
                         "not one of its values", expected, got->via.i64);
    /* A string holding a NUL byte is a string, but not a C string (a bin
     * is taken for a string too, so it is the same case). */
    if ((got->type == MSGPACK_OBJECT_STR || got->type == MSGPACK_OBJECT_BIN)
        && strncmp(expected, "string", 6) == 0)
        return srpc__derr_what(err, rc, "expected %s, got a %s holding a NUL byte",
                         expected, got->type == MSGPACK_OBJECT_STR
                                   ? "string" : "binary");
    return srpc__derr_what(err, rc, "expected %s, got %s", expected,
                     srpc_object_type_name(got));
}

int srpc_derr_nomem(srpc_derr *err)
{
    return srpc__derr_what(err, SRPC_ENOMEM, "out of memory");
}

int srpc_derr_missing(srpc_derr *err, const char *field)
{
    return srpc__derr_what(err, SRPC_ETYPE, "required field '%s' is missing",
                     field);
}

int srpc_derr_no_arm(srpc_derr *err, const char *union_name, int64_t tag)
{
    return srpc__derr_what(err, SRPC_EINVAL, "%s has no arm for tag %" PRId64,
                     union_name, tag);
}

int srpc_derr_no_value(srpc_derr *err, const char *enum_name, int64_t v)
{
    /* The sentence a receiver writes for the same number (srpc_derr_set). */
    return srpc__derr_what(err, SRPC_EINVAL, "expected %s, got %" PRId64
                           ", which is not one of its values", enum_name, v);
}

int srpc_derr_duplicate(srpc_derr *err, const char *field)
{
    return srpc__derr_what(err, SRPC_ETYPE, "field '%s' appears twice", field);
}

int srpc_derr_in(srpc_derr *err, const char *field)
{
    char old[sizeof err->path];
    const char *sep = err->path[0] == '\0' || err->path[0] == '[' ? "" : ".";

    /* "[2]" then "x" reads "[2].x"; "items" then "[2]" reads "items[2]". */
    int n;

    memcpy(old, err->path, sizeof old);
    n = snprintf(err->path, sizeof err->path, "%s%s%s", field, sep, old);
    if (n < 0 || (size_t)n >= sizeof err->path) /* very deep: keep the top */
        memcpy(err->path + sizeof err->path - 4, "...", 4);
    return err->rc;
}

int srpc_derr_index(srpc_derr *err, size_t index)
{
    char field[32];

    snprintf(field, sizeof field, "[%zu]", index);
    return srpc_derr_in(err, field);
}

int srpc_derr_count(srpc_derr *err, const char *expected, size_t n)
{
    return srpc__derr_what(err, SRPC_EINVAL, "expected %s, got %zu items",
                     expected, n);
}

void srpc__derr_where(const srpc_derr *err, char *buf, size_t size)
{
    if (err->path[0] == '\0')
        buf[0] = '\0';
    else if (err->path[0] == '[')
        snprintf(buf, size, " item %s", err->path);
    else
        snprintf(buf, size, " field '%s'", err->path);
}
