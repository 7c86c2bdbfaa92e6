/*
 * async.c - calls that do not wait: handles (srpc_client_send /
 * srpc_client_wait / srpc_client_cancel), callbacks (srpc_client_send_cb,
 * run by srpc_client_poll and by any thread waiting on the client), and
 * the server's notifications.
 *
 * A handle is the call's slot itself: no allocation once the client has
 * enough slots for the calls in flight.
 */
#include "config.h"

#include "base/log.h"
#include "client/client.h"
#include "transport/sockutil.h"

/* Sends this thread's begun request as a call of KIND.  Returns the slot
 * in flight, or NULL with *rc and the thread's message set. */
static srpc_pending *send_begun(srpc_client *c, enum srpc__slot_kind kind,
                                srpc_reply_fn fn, void *user_data, int *rc)
{
    struct srpc__thread *t;
    srpc_pending *s = NULL;

    pthread_mutex_lock(&c->lock);
    t = srpc__client_thread(c);
    if (!t) {
        *rc = SRPC_ENOMEM;
    } else if (!t->building && t->begin_failed) {
        t->begin_failed = false;
        *rc = srpc__thread_error(t, SRPC_ENOMEM, "out of memory for a call");
    } else if (!t->building || t->building->kind != SLOT_SYNC) {
        *rc = srpc__thread_error(t, SRPC_EINVAL, "no request was begun");
    } else {
        s = t->building;
        t->building = NULL;
        t->errmsg[0] = '\0';
        t->remote_code = 0;
        t->status = SRPC_OK;
        t->has_code = false;
        s->kind = kind;
        s->cb = fn;
        s->cb_data = user_data;
    }
    pthread_mutex_unlock(&c->lock);
    if (!s)
        return NULL;
    srpc__log_debug("client queues request %u: %s (%zu bytes)",
                    (unsigned)s->msgid, s->method, srpc__wbuf_total(&s->out));
    *rc = srpc__client_queue(c, s);
    if (*rc == SRPC_OK)
        return s;
    pthread_mutex_lock(&c->lock);
    srpc__thread_error(t, *rc, "%s", s->errmsg);
    srpc__slot_free(c, s);
    pthread_mutex_unlock(&c->lock);
    return NULL;
}

int srpc_client_send(srpc_client *client, srpc_pending **call)
{
    int rc;

    if (!call)
        return SRPC_EINVAL;
    *call = NULL;
    if (!client)
        return SRPC_EINVAL;
    *call = send_begun(client, SLOT_HANDLE, NULL, NULL, &rc);
    return rc;
}

int srpc_client_send_cb(srpc_client *client, srpc_reply_fn fn,
                        void *user_data)
{
    int rc;

    if (!client || !fn)
        return SRPC_EINVAL;
    send_begun(client, SLOT_CALLBACK, fn, user_data, &rc);
    return rc;
}

/* True when S is a handle of C that is not finished yet. */
static bool live_handle(const srpc_client *c, const srpc_pending *s)
{
    return s && s->client == c && s->kind == SLOT_HANDLE &&
           (s->state == SLOT_QUEUED || s->state == SLOT_SENT ||
            s->state == SLOT_DONE);
}

int srpc_client_wait(srpc_client *client, srpc_pending *call,
                     const msgpack_object **result)
{
    struct srpc__thread *t;
    int rc;

    if (!client)
        return SRPC_EINVAL;
    pthread_mutex_lock(&client->lock);
    t = srpc__client_thread(client);
    if (!t) {
        rc = SRPC_ENOMEM;
    } else if (!live_handle(client, call)) {
        rc = srpc__thread_error(t, SRPC_EINVAL,
                                "not a call in flight on this client");
    } else if (client->reading &&
               pthread_equal(client->reader, pthread_self())) {
        /* Inside a notification callback: this thread is the reader
         * and would wait for itself. */
        rc = srpc__thread_error(t, SRPC_EINVAL, "%s: cannot wait for a "
                                "reply inside a notification callback",
                                call->method);
    } else {
        srpc__client_flush_before_wait(client, call);
        srpc__client_wait_slot(client, call);
        rc = srpc__slot_collect(client, t, call, result);
    }
    pthread_mutex_unlock(&client->lock);
    return rc;
}

void srpc_client_cancel(srpc_client *client, srpc_pending *call)
{
    if (!client || !call)
        return;
    pthread_mutex_lock(&client->lock);
    if (live_handle(client, call)) {
        srpc__map_remove(client, call);
        srpc__slot_free(client, call);
    }
    pthread_mutex_unlock(&client->lock);
}

/* Fails callback calls whose deadline passed: nobody waits for them, so
 * the poller looks.  O(calls in flight), once per poll. */
static void expire_callbacks(srpc_client *c)
{
    int64_t now = srpc__now_ms();

    for (size_t i = 0; i < c->map_size; i++) {
        srpc_pending **pp = &c->map[i];

        while (*pp) {
            srpc_pending *s = *pp;

            if (s->kind != SLOT_CALLBACK || s->deadline > now) {
                pp = &s->next;
                continue;
            }
            srpc__map_remove(c, s);
            srpc__slot_error(s, SRPC_ETIMEDOUT, "%s: no reply within %d ms",
                             s->method, s->timeout_ms);
            s->state = SLOT_DONE;
            s->next = NULL;
            *c->done_cbs_tail = s;
            c->done_cbs_tail = &s->next;
        }
    }
}

int srpc_client_poll(srpc_client *client, int timeout_ms)
{
    int64_t deadline;
    int rc = SRPC_OK;

    if (!client || timeout_ms < 0)
        return SRPC_EINVAL;
    deadline = srpc__now_ms() + timeout_ms;
    pthread_mutex_lock(&client->lock);
    if (client->reading && pthread_equal(client->reader, pthread_self())) {
        pthread_mutex_unlock(&client->lock);
        return SRPC_EINVAL;  /* inside a notification callback */
    }
    /* The replies polled for come to requests that have left. */
    if (client->queue.n > 0) {
        pthread_mutex_unlock(&client->lock);
        srpc__client_flush(client);
        pthread_mutex_lock(&client->lock);
    }
    /* Another thread reading does the work: wait for it once. */
    if (client->reading)
        srpc__client_cond_wait(client, deadline);
    else
        rc = srpc__client_read_step(client, deadline);
    expire_callbacks(client);
    srpc__client_run_callbacks(client);
    if (rc == SRPC_ETIMEDOUT)
        rc = SRPC_OK;
    if (rc == SRPC_OK && client->broken)
        rc = client->broken;
    pthread_mutex_unlock(&client->lock);
    return rc;
}

void srpc_client_on_notification(srpc_client *client, srpc_notification_fn fn,
                                 void *user_data)
{
    if (!client)
        return;
    pthread_mutex_lock(&client->lock);
    client->on_notification = fn;
    client->notification_data = user_data;
    pthread_mutex_unlock(&client->lock);
}

int srpc_client_flush(srpc_client *client)
{
    int rc;

    if (!client)
        return SRPC_EINVAL;
    srpc__client_flush(client);
    pthread_mutex_lock(&client->lock);
    rc = client->broken;
    pthread_mutex_unlock(&client->lock);
    return rc;
}
