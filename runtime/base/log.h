/*
 * log.h - the library's internal logging, behind the public hook
 * srpc_set_log() (sockrpc.h).
 *
 * Levels are SRPC_LOG_ERROR (the server itself failed: accept, memory),
 * WARN (a peer broke a limit or the protocol and was disconnected), INFO
 * (ordinary closes such as an idle timeout), DEBUG (every message sent and
 * received).  By default errors and warnings go to stderr; SOCKRPC_LOG=
 * none|error|warn|info|debug in the environment overrides the level, even
 * one set by srpc_set_log(), so an operator can turn tracing on without a
 * rebuild.  Callers test srpc__log_enabled() before building costly text.
 */
#ifndef SRPC_LOG_H
#define SRPC_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "sockrpc.h"

#if defined(__GNUC__)
#define SRPC__PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define SRPC__PRINTF(a, b)
#endif

/* snprintf into ERR if it is not NULL: how every layer fills the error
 * buffer its caller passed. */
void srpc__errf(char *err, size_t size, const char *fmt, ...) SRPC__PRINTF(3, 4);

/* True when messages of LEVEL are delivered. */
bool srpc__log_enabled(int level);

/* Shorthand for srpc__log_enabled(SRPC_LOG_DEBUG). */
bool srpc__log_debug_enabled(void);

void srpc__log(int level, const char *fmt, ...) SRPC__PRINTF(2, 3);
void srpc__log_error(const char *fmt, ...) SRPC__PRINTF(1, 2);
void srpc__log_debug(const char *fmt, ...) SRPC__PRINTF(1, 2);

/*
 * One line a second for one kind of event, so that a flood of bad clients
 * cannot flood the log (or fill the disk it is redirected to).  Lines held
 * back are counted and the count is added to the next line that is
 * written.  While debugging, nothing is held back.  Zero-initialise it.
 */
struct srpc__log_rate {
    int64_t last_ms;   /* when a line of this kind was last written */
    uint64_t held;     /* lines held back since */
};

/* Logs like srpc__log(), within RATE's budget.  Thread-safe. */
void srpc__log_rated(struct srpc__log_rate *rate, int level,
                     const char *fmt, ...) SRPC__PRINTF(3, 4);

/* Traces a decoded message as "WHAT: <object>" when debugging. */
void srpc__log_object(const char *what, const msgpack_object *o);

/* O as text in BUF (SIZE bytes), cut to fit and always NUL-terminated;
 * "(unprintable)" when msgpack-c cannot print it. */
void srpc__object_text(char *buf, size_t size, const msgpack_object *o);

#endif
