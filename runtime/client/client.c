/*
 * client.c - connecting, the per-thread records, building requests and the
 * blocking call.  See client.h for how calls, slots and locks fit together.
 *
 * A blocking call: srpc_client_begin() takes a slot (this thread's previous
 * one, whose result is now dead, or a free one) and packs the request
 * header into the slot's buffer; the stub packs the arguments;
 * srpc_client_call() sends the slot and waits for it to be done.  The slot
 * then stays "held" by the thread, so that its result is valid until the
 * thread's next call, while other threads go on calling.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "client/client.h"
#include "transport/sockutil.h"
#include "transport/transport.h"
#include "wire/protocol.h"

enum {
    DEFAULT_TIMEOUT_MS = 5000,
    DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024,
    DEFAULT_RECONNECT_MAX_MS = 1000,
    KEEP_OUT = 64 * 1024,     /* a larger request buffer is freed after use */
    MAP_INITIAL = 64          /* msgid buckets; grows with calls in flight */
};

/* Serials tell clients apart in the per-thread cache below even when a
 * new client gets the address of a closed one. */
static atomic_uint_fast64_t serials = 1;

/* ---- connecting and closing ------------------------------------------ */

static int init(srpc_client *c, const struct srpc_client_options *o)
{
    pthread_condattr_t ca;
    int ok;

    c->serial = atomic_fetch_add(&serials, 1);
    c->sock.fd = -1;
    c->sock.ops = c->addr.ops;
    c->timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
    c->reconnect = o && o->reconnect;
    c->reconnect_max_ms = o && o->reconnect_max_ms > 0
                              ? o->reconnect_max_ms : DEFAULT_RECONNECT_MAX_MS;
    srpc__frame_init(&c->frame, o && o->max_message_size
                                    ? o->max_message_size
                                    : DEFAULT_MAX_MESSAGE);
    c->rspare.min = SRPC__LARGE_REPLY;
    c->rspare.max = c->frame.max_size <= SIZE_MAX / 2 ? 2 * c->frame.max_size
                                                       : SIZE_MAX;
    c->next_msgid = 1;
    c->done_cbs_tail = &c->done_cbs;
    srpc__wbuf_init(&c->queue.bytes);
    srpc__wbuf_init(&c->sending.bytes);
    /* Deadlines are on the monotonic clock, and so are the waits. */
    if (pthread_condattr_init(&ca) != 0)
        return SRPC_ENOMEM;
    ok = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
         pthread_cond_init(&c->cond, &ca) == 0;
    pthread_condattr_destroy(&ca);
    if (!ok)
        return SRPC_ENOMEM;
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_init(&c->send_lock, NULL);
    c->map = calloc(MAP_INITIAL, sizeof *c->map);
    if (!c->map)
        return SRPC_ENOMEM;
    c->map_size = MAP_INITIAL;
    if (!msgpack_zone_init(&c->zone, MSGPACK_ZONE_CHUNK_SIZE))
        return SRPC_ENOMEM;
    c->zone_ok = true;
    return SRPC_OK;
}

static void destroy(srpc_client *c)
{
    srpc_pending *s, *snext;
    struct srpc__thread *t, *tnext;

    c->sock.ops->close(&c->sock);
    for (s = c->all_slots; s; s = snext) {
        snext = s->all;
        srpc__slot_destroy(s);
    }
    for (t = c->threads; t; t = tnext) {
        tnext = t->next;
        srpc__arena_fini(&t->arena);
        free(t);
    }
    free(c->rbuf);
    free(c->rspare.data);
    free(c->map);
    srpc__wbuf_fini(&c->queue.bytes);
    srpc__wbuf_fini(&c->sending.bytes);
    free(c->queue.items);
    free(c->sending.items);
    if (c->zone_ok)
        msgpack_zone_destroy(&c->zone);
    if (c->map_size) {   /* init got as far as the locks */
        pthread_mutex_destroy(&c->lock);
        pthread_mutex_destroy(&c->send_lock);
        pthread_cond_destroy(&c->cond);
    }
    srpc__thread_cache_forget(c);
    free(c);
}

int srpc_client_connect(srpc_client **out, const char *address,
                        const struct srpc_client_options *options,
                        char *errbuf, size_t errbuf_size)
{
    srpc_client *c;
    int rc;

    if (!out)
        return SRPC_EINVAL;
    *out = NULL;
    c = calloc(1, sizeof *c);
    if (!c) {
        srpc__errf(errbuf, errbuf_size, "out of memory");
        return SRPC_ENOMEM;
    }
    rc = srpc__address_parse(address, &c->addr, errbuf, errbuf_size);
    if (rc != SRPC_OK) {
        free(c);
        return rc;
    }
    if (init(c, options) != SRPC_OK) {
        destroy(c);
        srpc__errf(errbuf, errbuf_size, "out of memory");
        return SRPC_ENOMEM;
    }
    rc = c->addr.ops->connect(&c->addr, srpc__now_ms() + c->timeout_ms,
                              &c->sock, errbuf, errbuf_size);
    if (rc != SRPC_OK) {
        destroy(c);
        return rc;
    }
    *out = c;
    return SRPC_OK;
}

void srpc_client_close(srpc_client *client)
{
    if (!client)
        return;
    /* Requests still queued leave first, as a closed socket's buffered
     * bytes do.  Then fail what is still in flight, so that every callback
     * runs once and the application can free what it gave them. */
    srpc__client_flush_at_close(client);
    pthread_mutex_lock(&client->lock);
    srpc__client_break(client, SRPC_ECLOSED, "client closed");
    srpc__client_run_callbacks(client);
    pthread_mutex_unlock(&client->lock);
    destroy(client);
}

int srpc_client_set_timeout(srpc_client *client, int timeout_ms)
{
    if (!client || timeout_ms <= 0)
        return SRPC_EINVAL;
    pthread_mutex_lock(&client->lock);
    client->timeout_ms = timeout_ms;
    pthread_mutex_unlock(&client->lock);
    return SRPC_OK;
}

const char *srpc_client_errmsg(const srpc_client *client)
{
    struct srpc__thread *t;

    if (!client)
        return "no client";
    t = srpc__client_this_thread(client);
    return t ? t->errmsg : "out of memory";
}

int64_t srpc_client_remote_code(const srpc_client *client)
{
    struct srpc__thread *t = client ? srpc__client_this_thread(client) : NULL;

    return t ? t->remote_code : 0;
}

bool srpc_client_app_code(const srpc_client *client, int64_t *code)
{
    struct srpc__thread *t = client ? srpc__client_this_thread(client) : NULL;

    if (!t || t->status != SRPC_EREMOTE || !t->has_code
        || (t->remote_code >= SRPC_WIRE_RESERVED_MIN
            && t->remote_code <= SRPC_WIRE_RESERVED_MAX))
        return false;
    *code = t->remote_code;
    return true;
}

void srpc_client_free_results(srpc_client *client)
{
    struct srpc__thread *t = client ? srpc__client_this_thread(client) : NULL;
    size_t size = 0;
    char *p;

    if (!t)
        return;
    pthread_mutex_lock(&client->lock);
    p = srpc__arena_take_largest(&t->arena, &size);
    p = srpc__spare_keep(&client->rspare, p, size);
    pthread_mutex_unlock(&client->lock);
    free(p);
    srpc__arena_reset(&t->arena);
}

/* Strings from this thread's results.  Stubs ask right after a call, so
 * the record exists; should it not, the result fails as out of memory. */
static srpc_arena null_arena;

srpc_arena *srpc_client_arena(srpc_client *client)
{
    struct srpc__thread *t = client ? srpc__client_this_thread(client) : NULL;

    return t ? &t->arena : &null_arena;
}

/* ---- building a request ------------------------------------------ */

/* What begin returns when it cannot give a slot (no client, no memory),
 * since it never returns NULL: a packer into a sink, which is never
 * written, so threads may share it.  The call that follows fails. */
static struct srpc_wbuf null_sink = { .discard = true };
static msgpack_packer null_packer = { &null_sink, srpc__wbuf_write };

/* A slot for this thread's new message to METHOD, or NULL. */
/* The method name is kept for error messages only; a plain copy, since a
 * formatted one cost an eighth of a whole call (measured with callgrind). */
static void copy_method(srpc_pending *s, const char *method)
{
    size_t n = strnlen(method, sizeof s->method - 1);

    memcpy(s->method, method, n);
    s->method[n] = '\0';
}

static srpc_pending *begin(srpc_client *c, const char *method, bool notify)
{
    struct srpc__thread *t;
    srpc_pending *s;

    pthread_mutex_lock(&c->lock);
    t = srpc__client_thread(c);
    if (!t) {
        pthread_mutex_unlock(&c->lock);
        return NULL;
    }
    /* The previous call's result is dead now; a message begun and never
     * sent is started again. */
    s = t->building;
    if (!s && t->held) {
        s = t->held;
        srpc__slot_recycle(s);
    }
    if (!s)
        s = srpc__slot_take(c);
    t->held = NULL;
    t->building = s;
    t->begin_failed = !s;
    if (s) {
        s->state = SLOT_BUILDING;
        s->kind = notify ? SLOT_NOTIFY : SLOT_SYNC;
        s->timeout_ms = c->timeout_ms;
        s->status = SRPC_OK;
        s->result = NULL;
        s->remote_code = 0;
        s->has_code = false;
        s->errmsg[0] = '\0';
        if (!notify) {
            s->msgid = c->next_msgid;
            c->next_msgid = srpc__next_msgid(c->next_msgid);
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (s) {
        srpc__wbuf_clear(&s->out, KEEP_OUT);
        copy_method(s, method ? method : "?");
    }
    return s;
}

msgpack_packer *srpc_client_begin(srpc_client *client, const char *method,
                                  uint32_t nargs)
{
    srpc_pending *s = client ? begin(client, method, false) : NULL;

    if (!s)
        return &null_packer;
    srpc__pack_request_head(&s->pk, s->msgid, method, nargs);
    return &s->pk;
}

msgpack_packer *srpc_client_begin_notify(srpc_client *client,
                                         const char *method, uint32_t nargs)
{
    srpc_pending *s = client ? begin(client, method, true) : NULL;

    if (!s)
        return &null_packer;
    srpc__pack_notify_head(&s->pk, method, nargs);
    return &s->pk;
}

/*
 * Takes this thread's begun message of KIND for sending.  Returns the slot
 * (no longer "building") or NULL with *rc set and the thread's message
 * written.  Caller holds lock.
 */
static srpc_pending *take_begun(srpc_client *c, struct srpc__thread *t,
                                bool notify, int *rc)
{
    srpc_pending *s = t->building;

    t->errmsg[0] = '\0';
    t->remote_code = 0;
    t->status = SRPC_OK;
    t->has_code = false;
    if (!s && t->begin_failed) {
        t->begin_failed = false;
        *rc = srpc__thread_error(t, SRPC_ENOMEM, "out of memory for a call");
        return NULL;
    }
    if (!s) {
        *rc = srpc__thread_error(t, SRPC_EINVAL, "no %s was begun",
                                 notify ? "notification" : "request");
        return NULL;
    }
    t->building = NULL;
    if ((s->kind == SLOT_NOTIFY) != notify) {
        srpc__slot_free(c, s);
        *rc = srpc__thread_error(t, SRPC_EINVAL, "no %s was begun",
                                 notify ? "notification" : "request");
        return NULL;
    }
    return s;
}

/* The common start of call, notify, send and send_cb: this thread's
 * record and begun slot, or a status. */
static int start(srpc_client *c, bool notify, struct srpc__thread **tp,
                 srpc_pending **sp)
{
    int rc = SRPC_OK;

    pthread_mutex_lock(&c->lock);
    *tp = srpc__client_thread(c);
    *sp = *tp ? take_begun(c, *tp, notify, &rc) : NULL;
    if (!*tp) {
        rc = SRPC_ENOMEM;
    } else if (*sp && !notify && c->reading &&
               pthread_equal(c->reader, pthread_self())) {
        /* Inside a notification callback this thread is the reader: it
         * would wait for itself until the deadline. */
        rc = srpc__thread_error(*tp, SRPC_EINVAL, "%s: cannot wait for a "
                                "reply inside a notification callback",
                                (*sp)->method);
        srpc__slot_free(c, *sp);
        *sp = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int srpc_client_notify(srpc_client *client)
{
    struct srpc__thread *t;
    srpc_pending *s;
    int rc;

    if (!client)
        return SRPC_EINVAL;
    rc = start(client, true, &t, &s);
    if (rc != SRPC_OK)
        return rc;
    srpc__log_debug("client sends notification: %s (%zu bytes)", s->method,
                    srpc__wbuf_total(&s->out));
    /* Written before the queue call returns, after what was queued. */
    rc = srpc__client_queue(client, s);
    pthread_mutex_lock(&client->lock);
    if (rc == SRPC_OK)
        rc = s->status;
    if (rc != SRPC_OK)
        srpc__thread_error(t, rc, "%s", s->errmsg);
    srpc__slot_free(client, s);
    pthread_mutex_unlock(&client->lock);
    return rc;
}

int srpc_client_call(srpc_client *client, const msgpack_object **result)
{
    struct srpc__thread *t;
    srpc_pending *s;
    int rc;

    if (!client)
        return SRPC_EINVAL;
    rc = start(client, false, &t, &s);
    if (rc != SRPC_OK)
        return rc;
    srpc__log_debug("client sends request %u: %s (%zu bytes)",
                    (unsigned)s->msgid, s->method, srpc__wbuf_total(&s->out));
    rc = srpc__client_queue(client, s);
    pthread_mutex_lock(&client->lock);
    if (rc == SRPC_OK) {
        srpc__client_flush_before_wait(client, s);
        srpc__client_wait_slot(client, s);
    } else {
        s->state = SLOT_DONE;
    }
    rc = srpc__slot_collect(client, t, s, result);
    pthread_mutex_unlock(&client->lock);
    return rc;
}

