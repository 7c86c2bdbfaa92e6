/*
 * derr.h - what the decode-error path (derr.c) lends the encoders and the
 * reporters beside the public srpc_derr_*() functions.
 */
#ifndef SRPC_DERR_H
#define SRPC_DERR_H

#include <stddef.h>

#include "base/log.h"
#include "sockrpc/codec.h"

/* Sets ERR to the complaint FMT with an empty path; returns RC. */
int srpc__derr_what(srpc_derr *err, int rc, const char *fmt, ...)
    SRPC__PRINTF(3, 4);

/* " field 'a.b'", " item [2].x" or "": where ERR happened, to put before
 * the complaint in a message. */
void srpc__derr_where(const srpc_derr *err, char *buf, size_t size);

#endif
