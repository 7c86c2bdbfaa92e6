/*
 * report.c - a result or an argument that did not decode or encode, told
 * to the thread that made the call: the stubs' srpc_client_bad_*() (see
 * sockrpc/codec.h).  The message names the method and, for a nested
 * value, the path the decode-error path (wire/derr.c) recorded.
 */
#include "config.h"

#include "client/client.h"
#include "wire/derr.h"

int srpc_client_bad_value(srpc_client *client, const srpc_derr *err)
{
    struct srpc__thread *t;
    char where[sizeof err->path + 16];
    int rc = err->rc == SRPC_ENOMEM ? SRPC_ENOMEM : SRPC_ETYPE;

    if (!client)
        return rc;
    t = srpc__client_this_thread(client);
    srpc__derr_where(err, where, sizeof where);
    return srpc__thread_error(t, rc, "%s: result%s: %s",
                              t && t->held ? t->held->method : "?", where,
                              err->what);
}

int srpc_client_bad_arg(srpc_client *client, const srpc_derr *err,
                        uint32_t index, const char *name)
{
    struct srpc__thread *t;
    char where[sizeof err->path + 16];

    if (!client)
        return SRPC_EINVAL;
    t = srpc__client_this_thread(client);
    srpc__derr_where(err, where, sizeof where);
    return srpc__thread_error(t, SRPC_EINVAL, "%s: argument %u (%s)%s: %s",
                              t && t->building ? t->building->method : "?",
                              (unsigned)index + 1, name, where, err->what);
}


/* Another status than ETYPE or ENOMEM is the stub's mistake, but it must
 * still fail the call. */
int srpc_client_bad_result(srpc_client *client, int rc, const char *type)
{
    struct srpc__thread *t = client ? srpc__client_this_thread(client) : NULL;
    const srpc_pending *s = t ? t->held : NULL;
    const char *method = s ? s->method : "?";

    if (!t)
        return SRPC_ENOMEM;
    if (rc == SRPC_ENOMEM)
        return srpc__thread_error(t, SRPC_ENOMEM,
                                  "%s: out of memory decoding the result",
                                  method);
    return srpc__thread_error(t, SRPC_ETYPE, "%s: result must be %s, got %s",
                              method, type ? type : "?",
                              s && s->result
                                  ? srpc_object_type_name(s->result)
                                  : "nothing");
}
