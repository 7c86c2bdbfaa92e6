/*
 * log.h - minimal internal logging to stderr.
 *
 * Errors are printed by default; SOCKRPC_LOG=debug in the environment also
 * traces every message sent and received; SOCKRPC_LOG=none silences the
 * library.  The level is read once.  A public hook API may replace this.
 */
#ifndef SRPC_LOG_H
#define SRPC_LOG_H

#include <stdbool.h>

#include <msgpack.h>

#if defined(__GNUC__)
#define SRPC__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SRPC__PRINTF(a, b)
#endif

/* True when SOCKRPC_LOG=debug: callers skip building trace text otherwise. */
bool srpc__log_debug_enabled(void);

void srpc__log_error(const char *fmt, ...) SRPC__PRINTF(1, 2);
void srpc__log_debug(const char *fmt, ...) SRPC__PRINTF(1, 2);

/* Traces a decoded message as "sockrpc: WHAT: <object>" when debugging. */
void srpc__log_object(const char *what, const msgpack_object *o);

#endif
