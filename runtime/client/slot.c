/*
 * slot.c - the records a client keeps: one slot per call (its request, its
 * reply and its outcome) and one record per thread that uses the client
 * (its last call's result and error).  client.h says how they fit with
 * the locks; every function here runs with the client's lock held unless
 * it says otherwise.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/log.h"
#include "client/client.h"

enum {
    KEEP_REPLY = 64 * 1024,   /* a larger reply buffer is freed after use */
    SLOT_ZONE_CHUNK = 2048    /* a small reply decodes into one chunk */
};

/* This thread's record of the client it used last: saves walking the
 * list on every call.  Only compared by serial, so it may point to a
 * client long gone without harm. */
static _Thread_local struct {
    uint64_t serial;
    struct srpc__thread *rec;
} cache;

/* The client for which this thread's record could not be allocated last.
 * A begin or call that failed so left no record to say so; the record
 * made later does: the call that follows a failed begin must fail as out
 * of memory, not as "no request was begun", and srpc_client_errmsg()
 * must tell why the last call failed. */
static _Thread_local uint64_t lost_serial;

int srpc__thread_error(struct srpc__thread *t, int status, const char *fmt,
                       ...)
{
    va_list ap;

    if (t) {
        va_start(ap, fmt);
        vsnprintf(t->errmsg, sizeof t->errmsg, fmt, ap);
        va_end(ap);
        /* A local failure: the server's code, if any, is not this
         * call's. */
        t->status = status;
        t->remote_code = 0;
        t->has_code = false;
    }
    return status;
}

int srpc__slot_error(srpc_pending *s, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(s->errmsg, sizeof s->errmsg, fmt, ap);
    va_end(ap);
    s->status = status;
    s->result = NULL;
    return status;
}

struct srpc__thread *srpc__client_thread(srpc_client *c)
{
    pthread_t self = pthread_self();
    struct srpc__thread *t;

    if (cache.serial == c->serial)
        return cache.rec;
    for (t = c->threads; t; t = t->next) {
        if (pthread_equal(t->tid, self))
            break;
    }
    if (!t) {
        t = calloc(1, sizeof *t);
        if (!t) {
            lost_serial = c->serial;
            return NULL;
        }
        t->tid = self;
        if (lost_serial == c->serial) {
            t->begin_failed = true;
            srpc__thread_error(t, SRPC_ENOMEM, "out of memory");
        }
        lost_serial = 0;
        srpc__arena_init(&t->arena);
        t->next = c->threads;
        c->threads = t;
    }
    cache.serial = c->serial;
    cache.rec = t;
    return t;
}

static srpc_pending *slot_new(srpc_client *c)
{
    srpc_pending *s = calloc(1, sizeof *s);

    if (!s)
        return NULL;
    if (!msgpack_zone_init(&s->zone, SLOT_ZONE_CHUNK)) {
        free(s);
        return NULL;
    }
    s->client = c;
    srpc__wbuf_init(&s->out);
    srpc__wbuf_allow_refs(&s->out, s->refs, SRPC__SLOT_REFS);
    msgpack_packer_init(&s->pk, &s->out, srpc__wbuf_write);
    s->all = c->all_slots;
    c->all_slots = s;
    return s;
}

srpc_pending *srpc__slot_take(srpc_client *c)
{
    srpc_pending *s = c->free_slots;

    if (s)
        c->free_slots = s->next;
    else
        s = slot_new(c);
    if (s) {
        s->next = NULL;
        s->status = SRPC_OK;
        s->result = NULL;
        s->remote_code = 0;
        s->has_code = false;
        s->errmsg[0] = '\0';
        s->cb = NULL;
        s->cb_data = NULL;
    }
    return s;
}

void srpc__slot_recycle(srpc_pending *s)
{
    s->result = NULL;
    msgpack_zone_clear(&s->zone);
    /* One huge reply should not pin its size in every slot it passed. */
    if (s->cap > KEEP_REPLY) {
        free(s->bytes);
        s->bytes = NULL;
        s->cap = 0;
    }
}

void srpc__slot_free(srpc_client *c, srpc_pending *s)
{
    s->state = SLOT_FREE;
    srpc__slot_recycle(s);
    s->next = c->free_slots;
    c->free_slots = s;
}

void srpc__slot_destroy(srpc_pending *s)
{
    srpc__wbuf_fini(&s->out);
    msgpack_zone_destroy(&s->zone);
    free(s->bytes);
    free(s);
}

int srpc__slot_collect(srpc_client *c, struct srpc__thread *t,
                       srpc_pending *s, const msgpack_object **result)
{
    if (t->held && t->held != s)
        srpc__slot_free(c, t->held);
    t->held = s;
    s->state = SLOT_HELD;
    /* A large reply's buffer goes to the thread's arena, where the results
     * decoded from it live: their bytes point into it, uncopied, until
     * srpc_client_free_results().  (It is not kept for the next call.) */
    if (s->status == SRPC_OK && s->cap >= SRPC__LARGE_REPLY &&
        srpc__arena_adopt(&t->arena, s->bytes, s->cap) == SRPC_OK) {
        s->bytes = NULL;
        s->cap = 0;
    }
    t->remote_code = s->remote_code;
    t->status = s->status;
    t->has_code = s->has_code;
    if (s->status != SRPC_OK)
        srpc__errf(t->errmsg, sizeof t->errmsg, "%s", s->errmsg);
    else
        t->errmsg[0] = '\0';
    if (result)
        *result = s->status == SRPC_OK ? s->result : NULL;
    return s->status;
}

/* This thread's record, for the const getters: the lock is part of the
 * object's machinery, not of its value. */
struct srpc__thread *srpc__client_this_thread(const srpc_client *client)
{
    srpc_client *c = (srpc_client *)client;
    struct srpc__thread *t;

    pthread_mutex_lock(&c->lock);
    t = srpc__client_thread(c);
    pthread_mutex_unlock(&c->lock);
    return t;
}

void srpc__thread_cache_forget(const srpc_client *c)
{
    if (cache.serial == c->serial)
        cache.serial = 0;
}
