/*
 * log.c - see log.h.  One line per call, written with a single fprintf so
 * that lines from several threads do not interleave mid-line.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

enum log_level { LOG_NONE, LOG_ERROR, LOG_DEBUG };

static pthread_once_t level_once = PTHREAD_ONCE_INIT;
static enum log_level level = LOG_ERROR;

static void read_level(void)
{
    const char *env = getenv("SOCKRPC_LOG");

    if (!env)
        return;
    if (strcmp(env, "debug") == 0)
        level = LOG_DEBUG;
    else if (strcmp(env, "none") == 0)
        level = LOG_NONE;
}

static enum log_level current_level(void)
{
    pthread_once(&level_once, read_level);
    return level;
}

bool srpc__log_debug_enabled(void)
{
    return current_level() >= LOG_DEBUG;
}

static void vlog(enum log_level min, const char *kind, const char *fmt,
                 va_list ap) SRPC__PRINTF(3, 0);
static void vlog(enum log_level min, const char *kind, const char *fmt,
                 va_list ap)
{
    char line[1024];

    if (current_level() < min)
        return;
    vsnprintf(line, sizeof line, fmt, ap);
    fprintf(stderr, "sockrpc: %s%s\n", kind, line);
}

void srpc__log_error(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_ERROR, "error: ", fmt, ap);
    va_end(ap);
}

void srpc__log_debug(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_DEBUG, "", fmt, ap);
    va_end(ap);
}

void srpc__log_object(const char *what, const msgpack_object *o)
{
    char text[512];

    if (!srpc__log_debug_enabled())
        return;
    /* Long messages are cut: the trace is for reading, not for replay. */
    if (msgpack_object_print_buffer(text, sizeof text, *o) < 0)
        snprintf(text, sizeof text, "(unprintable)");
    srpc__log_debug("%s: %s", what, text);
}
