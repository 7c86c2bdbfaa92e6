/*
 * log.c - see log.h.  Each line is formatted into a local buffer and
 * handed to the sink in one call, under a mutex: the sink is never called
 * by two threads at once, and stderr lines do not interleave.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"

enum { RATE_MS = 1000 };   /* a rated kind of line: at most one a second */

static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static srpc_log_fn sink;            /* NULL: stderr */
static void *sink_data;
static atomic_int level = SRPC_LOG_WARN;
static int env_level = -1;          /* from SOCKRPC_LOG; -1: not set */
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
/* Set once read_env has run: every call checks the level, and this load is
 * cheaper than pthread_once's own. */
static atomic_bool env_read;

static void read_env(void)
{
    static const char *const names[] = { "none", "error", "warn", "info",
                                         "debug" };
    const char *env = getenv("SOCKRPC_LOG");

    for (int i = 0; env && i <= SRPC_LOG_DEBUG; i++)
        if (strcmp(env, names[i]) == 0)
            env_level = i;
    if (env_level >= 0)
        atomic_store(&level, env_level);
    atomic_store_explicit(&env_read, true, memory_order_release);
}

bool srpc__log_enabled(int lvl)
{
    if (!atomic_load_explicit(&env_read, memory_order_acquire))
        pthread_once(&env_once, read_env);
    return lvl <= atomic_load_explicit(&level, memory_order_relaxed);
}

bool srpc__log_debug_enabled(void)
{
    return srpc__log_enabled(SRPC_LOG_DEBUG);
}

void srpc_set_log(srpc_log_fn fn, int lvl, void *user_data)
{
    pthread_once(&env_once, read_env);
    pthread_mutex_lock(&sink_lock);
    sink = fn;
    sink_data = user_data;
    pthread_mutex_unlock(&sink_lock);
    if (lvl < SRPC_LOG_NONE)
        lvl = SRPC_LOG_NONE;
    if (lvl > SRPC_LOG_DEBUG)
        lvl = SRPC_LOG_DEBUG;
    atomic_store(&level, env_level >= 0 ? env_level : lvl);
}

static void to_stderr(int lvl, const char *message)
{
    static const char *const kind[] = { "", "error: ", "warning: ", "", "" };

    fprintf(stderr, "sockrpc: %s%s\n", kind[lvl], message);
}

static void vlog(int lvl, const char *fmt, va_list ap) SRPC__PRINTF(2, 0);
static void vlog(int lvl, const char *fmt, va_list ap)
{
    char line[1024];

    if (!srpc__log_enabled(lvl))
        return;
    vsnprintf(line, sizeof line, fmt, ap);
    pthread_mutex_lock(&sink_lock);
    if (sink)
        sink(lvl, line, sink_data);
    else
        to_stderr(lvl, line);
    pthread_mutex_unlock(&sink_lock);
}

void srpc__log(int lvl, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(lvl, fmt, ap);
    va_end(ap);
}

void srpc__log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(SRPC_LOG_ERROR, fmt, ap);
    va_end(ap);
}

void srpc__log_debug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(SRPC_LOG_DEBUG, fmt, ap);
    va_end(ap);
}

void srpc__log_rated(struct srpc__log_rate *rate, int lvl, const char *fmt, ...)
{
    int64_t now = srpc__now_ms();
    uint64_t held;
    char line[1024];
    va_list ap;

    if (!srpc__log_enabled(lvl))
        return;
    pthread_mutex_lock(&sink_lock);
    if (now - rate->last_ms < RATE_MS && rate->last_ms != 0 &&
        !srpc__log_debug_enabled()) {
        rate->held++;
        pthread_mutex_unlock(&sink_lock);
        return;
    }
    held = rate->held;
    rate->held = 0;
    rate->last_ms = now;
    pthread_mutex_unlock(&sink_lock);
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (held > 0)
        srpc__log(lvl, "%s (and %llu more like it in the last second)", line,
                  (unsigned long long)held);
    else
        srpc__log(lvl, "%s", line);
}

void srpc__object_text(char *buf, size_t size, const msgpack_object *o)
{
    /* msgpack-c fills the whole buffer and adds no NUL when a value is
     * cut in the middle of a bin (it copies those byte by byte): keep the
     * last byte for the NUL, and start from zeros. */
    memset(buf, 0, size);
    if (size < 2 || msgpack_object_print_buffer(buf, size - 1, *o) < 0)
        snprintf(buf, size, "(unprintable)");
}

void srpc__log_object(const char *what, const msgpack_object *o)
{
    char text[512];

    if (!srpc__log_debug_enabled())
        return;
    /* Long messages are cut: the trace is for reading, not for replay. */
    srpc__object_text(text, sizeof text, o);
    srpc__log_debug("%s: %s", what, text);
}

void srpc__errf(char *err, size_t size, const char *fmt, ...)
{
    va_list ap;

    if (!err || size == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, size, fmt, ap);
    va_end(ap);
}
