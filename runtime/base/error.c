/*
 * error.c - names of the status codes of sockrpc.h.
 *
 * The table is indexed by enum srpc_status; the static assertion below
 * catches a status added to the header without a name here.  The texts
 * are the ones doc/runtime.md lists.
 */
#include "config.h"

#include "sockrpc.h"

static const char *const status_names[] = {
    [SRPC_OK] = "success",
    [SRPC_ENOMEM] = "out of memory",
    [SRPC_EINVAL] = "invalid argument",
    [SRPC_EADDRESS] = "invalid address",
    [SRPC_ERESOLVE] = "cannot resolve host",
    [SRPC_ECONNECT] = "connection failed",
    [SRPC_EADDRINUSE] = "address in use",
    [SRPC_ELISTEN] = "cannot listen",
    [SRPC_EIO] = "I/O error",
    [SRPC_ECLOSED] = "connection closed",
    [SRPC_ETIMEDOUT] = "timed out",
    [SRPC_EPROTO] = "protocol error",
    [SRPC_ETOOBIG] = "message too large",
    [SRPC_ENOMETHOD] = "no such method",
    [SRPC_EARGS] = "invalid arguments",
    [SRPC_ETYPE] = "wrong result type",
    [SRPC_EREMOTE] = "remote error",
};

_Static_assert(sizeof status_names / sizeof status_names[0] == SRPC_STATUS_COUNT,
               "every enum srpc_status needs a name in status_names");

const char *srpc_strerror(int status)
{
    if (status < 0 || status >= SRPC_STATUS_COUNT || !status_names[status])
        return "unknown error";
    return status_names[status];
}
