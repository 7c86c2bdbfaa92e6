/*
 * report.c - an argument that did not decode, or a handler's result that
 * did not encode, turned into the error reply the caller gets: the
 * dispatch functions' srpc_call_bad_*() (see sockrpc/codec.h).  The
 * message names the method, the argument and, for a nested value, the
 * path the decode-error path (wire/derr.c) recorded.
 */
#include "config.h"

#include "server/server.h"
#include "wire/derr.h"

int srpc_call_bad_arg(srpc_call *call, int rc, uint32_t index,
                      const char *name, const char *type)
{
    const char *method = srpc_call_method(call);

    if (rc == SRPC_ENOMEM) {
        srpc_call_fail(call, SRPC_WIRE_INTERNAL,
                       "%s: out of memory decoding argument %u", method,
                       (unsigned)index + 1);
        return SRPC_ENOMEM;
    }
    srpc_call_fail(call, SRPC_WIRE_INVALID_ARGS,
                   "%s: argument %u (%s) must be %s, got %s", method,
                   (unsigned)index + 1, name ? name : "?", type ? type : "?",
                   index < call->nargs
                       ? srpc_object_type_name(&call->args[index])
                       : "nothing");
    return SRPC_EARGS;
}

int srpc_call_bad_value(srpc_call *call, const srpc_derr *err,
                        uint32_t index, const char *name)
{
    char where[sizeof err->path + 16];

    if (err->rc == SRPC_ENOMEM) {
        srpc_call_fail(call, SRPC_WIRE_INTERNAL, "%s: out of memory decoding "
                       "argument %u", srpc_call_method(call),
                       (unsigned)index + 1);
        return SRPC_ENOMEM;
    }
    srpc__derr_where(err, where, sizeof where);
    srpc_call_fail(call, SRPC_WIRE_INVALID_ARGS, "%s: argument %u (%s)%s: %s",
                   srpc_call_method(call), (unsigned)index + 1, name, where,
                   err->what);
    return SRPC_EARGS;
}

int srpc_call_bad_result(srpc_call *call, const srpc_derr *err)
{
    char where[sizeof err->path + 16];

    srpc__derr_where(err, where, sizeof where);
    /* The handler broke its .idl: a bug the server's owner must hear of,
     * not only the caller. */
    srpc__log_rated(&call->server->handler_rate, SRPC_LOG_WARN,
                    "%s: the handler's result%s: %s (the caller gets an "
                    "internal error)",
                    srpc_call_method(call), where, err->what);
    srpc_call_fail(call, SRPC_WIRE_INTERNAL, "%s: the handler's result%s: %s",
                   srpc_call_method(call), where, err->what);
    return SRPC_EINVAL;
}
