/*
 * io.c - the client's reading side: handing replies to their slots
 * by msgid, notifications to the application, and failing every call in
 * flight when the connection breaks.  Sending is in send.c.
 *
 * Input: rbuf[rpos, rlen) holds bytes received and not yet handled.
 * Messages are found by the same bounded scanner as on the server and
 * decoded into the reader's zone; a response's bytes are then copied into
 * its slot and decoded there, where they live until the slot's owner is
 * done with the result.  A response nobody waits for (the late reply of a
 * call that timed out or was cancelled) is dropped; so are requests from
 * the server, which a client does not serve.
 *
 * After a timeout the connection stays usable.  After EOF, a protocol
 * error, or a request only partly sent, it is broken: every call in
 * flight fails at once with the connection's status and message.  The
 * socket is shut down at once, so that the server frees its side, and
 * closed later by whoever holds both locks (reconnect, close): another
 * thread may still be inside poll() or send() on it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "base/log.h"
#include "client/client.h"
#include "transport/sockutil.h"
#include "transport/transport.h"
#include "wire/protocol.h"

enum {
    READ_CHUNK = 64 * 1024,   /* read at least this much at once */
    LAST_READS = 64           /* bounds reading a closed connection out */
};

#define CLOSING_METHOD "sockrpc.closing"

/* ---- the msgid map ------------------------------------------------- */

static size_t bucket(const srpc_client *c, uint32_t msgid)
{
    return msgid & (c->map_size - 1);
}

/* Doubles the map when calls in flight outnumber its buckets; failing to
 * grow only makes chains longer. */
static void map_grow(srpc_client *c)
{
    size_t n = c->map_size * 2;
    srpc_pending **m = calloc(n, sizeof *m);

    if (!m)
        return;
    for (size_t i = 0; i < c->map_size; i++) {
        srpc_pending *s = c->map[i], *next;

        for (; s; s = next) {
            next = s->next;
            s->next = m[s->msgid & (n - 1)];
            m[s->msgid & (n - 1)] = s;
        }
    }
    free(c->map);
    c->map = m;
    c->map_size = n;
}

void srpc__map_insert(srpc_client *c, srpc_pending *s)
{
    size_t b;

    if (c->nsent >= c->map_size)
        map_grow(c);
    b = bucket(c, s->msgid);
    s->next = c->map[b];
    c->map[b] = s;
    c->nsent++;
    s->state = SLOT_SENT;
}

static srpc_pending *map_find(srpc_client *c, uint32_t msgid, bool remove)
{
    srpc_pending **pp = &c->map[bucket(c, msgid)];

    for (; *pp; pp = &(*pp)->next) {
        srpc_pending *s = *pp;

        if (s->msgid == msgid) {
            if (remove) {
                *pp = s->next;
                s->next = NULL;
                c->nsent--;
            }
            return s;
        }
    }
    return NULL;
}

void srpc__map_remove(srpc_client *c, srpc_pending *s)
{
    if (s->state == SLOT_SENT && map_find(c, s->msgid, false) == s)
        map_find(c, s->msgid, true);
}

/* ---- completing slots ------------------------------------------------ */

void srpc__client_complete(srpc_client *c, srpc_pending *s)
{
    s->state = SLOT_DONE;
    if (s->kind == SLOT_CALLBACK) {
        s->next = NULL;
        *c->done_cbs_tail = s;
        c->done_cbs_tail = &s->next;
    }
}

/* Takes S out of the queue of callbacks to run. */
void srpc__client_dequeue_callback(srpc_client *c, srpc_pending *s)
{
    srpc_pending **pp;

    for (pp = &c->done_cbs; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            break;
        }
    }
    for (c->done_cbs_tail = &c->done_cbs; *c->done_cbs_tail;
         c->done_cbs_tail = &(*c->done_cbs_tail)->next)
        ;
    s->next = NULL;
}

/*
 * Fails S, whose request went (or began to go) out, with the
 * connection's STATUS and MSG, named: with many calls in flight, the
 * caller must tell which one failed.  With reconnect the caller also
 * learns why it was not sent again: the server may have run it.
 */
static void fail_in_flight(srpc_client *c, srpc_pending *s, int status,
                           const char *msg)
{
    if (c->reconnect)
        srpc__slot_error(s, status, "%s: %s (not sent again: it may have "
                         "run)", s->method, msg);
    else
        srpc__slot_error(s, status, "%s: %s", s->method, msg);
}

void srpc__client_break(srpc_client *c, int status, const char *why)
{
    const char *msg = why;
    char text[SRPC__SLOT_ERRMSG];

    if (c->broken)
        return;
    /* The server said why before it closed: that is the better message. */
    if (status == SRPC_ECLOSED && c->closing_why[0]) {
        srpc__errf(text, sizeof text, "server closed the connection: %s",
                   c->closing_why);
        msg = text;
    }
    c->broken = status;
    srpc__errf(c->broken_why, sizeof c->broken_why, "%s", msg);
    c->sock.ops->shutdown(&c->sock);
    for (size_t i = 0; i < c->map_size; i++) {
        srpc_pending *s = c->map[i], *next;

        for (; s; s = next) {
            next = s->next;
            fail_in_flight(c, s, status, msg);
            srpc__client_complete(c, s);
        }
        c->map[i] = NULL;
    }
    c->nsent = 0;
    pthread_cond_broadcast(&c->cond);
}

void srpc__client_run_callbacks(srpc_client *c)
{
    struct srpc__thread *t = srpc__client_thread(c);
    srpc_pending *s;

    while ((s = c->done_cbs) != NULL) {
        c->done_cbs = s->next;
        if (!c->done_cbs)
            c->done_cbs_tail = &c->done_cbs;
        /* The slot becomes this thread's last call, so that errmsg and
         * bad_result tell about it inside the callback. */
        if (t)
            srpc__slot_collect(c, t, s, NULL);
        pthread_mutex_unlock(&c->lock);
        s->cb(c, s->status, s->status == SRPC_OK ? s->result : NULL,
              s->cb_data);
        pthread_mutex_lock(&c->lock);
        if (!t)
            srpc__slot_free(c, s);
    }
}

/* The value of the key KEY (a str, or a bin as old peers send) in the
 * map M, or NULL. */
static const msgpack_object *map_get(const msgpack_object *m, const char *key)
{
    size_t len = strlen(key);
    const char *p;
    size_t n;

    for (uint32_t i = 0; i < m->via.map.size; i++) {
        if (srpc__get_raw(&m->via.map.ptr[i].key, &p, &n) && n == len
            && memcmp(p, key, len) == 0)
            return &m->via.map.ptr[i].val;
    }
    return NULL;
}

/* The status and message for a response's error object ERR, of any
 * shape: [code, message] as we send it, a string (str or bin), an
 * integer, or a map {"code": code, "message": message} as JSON-RPC's
 * error object is. */
static int remote_error(srpc_pending *s, const msgpack_object *err)
{
    const msgpack_object *code = err, *msg = NULL;
    char text[SRPC__SLOT_ERRMSG];
    const char *p;
    size_t n;
    int64_t v = 0;
    size_t mlen = strlen(s->method);

    if (err->type == MSGPACK_OBJECT_ARRAY && err->via.array.size >= 1) {
        code = &err->via.array.ptr[0];
        if (err->via.array.size >= 2)
            msg = &err->via.array.ptr[1];
    } else if (err->type == MSGPACK_OBJECT_STR
               || err->type == MSGPACK_OBJECT_BIN) {
        code = NULL;
        msg = err;
    } else if (err->type == MSGPACK_OBJECT_MAP) {
        /* Without a text "message" the whole map is printed below. */
        code = map_get(err, "code");
        msg = map_get(err, "message");
    }
    if (code && srpc_get_int64(code, &v) == SRPC_OK) {
        s->remote_code = v;
        s->has_code = true;
    }
    /* A message that is not text: the whole error object is printed. */
    if (srpc__get_raw(msg, &p, &n))
        srpc__errf(text, sizeof text, "%.*s", (int)(n > 200 ? 200 : n), p);
    else
        srpc__object_text(text, sizeof text, err);
    /* "METHOD: message", unless the server already named the method
     * (the runtime's own messages do: "calc.add takes 2 arguments"). */
    if (strncmp(text, s->method, mlen) == 0)
        srpc__slot_error(s, SRPC_EREMOTE, "%s", text);
    else
        srpc__slot_error(s, SRPC_EREMOTE, "%s: %s", s->method, text);
    if (s->remote_code == SRPC_WIRE_NO_METHOD)
        s->status = SRPC_ENOMETHOD;
    else if (s->remote_code == SRPC_WIRE_INVALID_ARGS ||
             s->remote_code == SRPC_WIRE_INVALID_REQUEST)
        s->status = SRPC_EARGS;
    return s->status;
}

/*
 * Gives the large reply at the start of rbuf, DATA[0, LEN), to S without
 * copying it: S takes rbuf, and the reader gets S's old buffer with the
 * bytes that followed the reply.  False when that does not pay (a small
 * reply, or one not at the start) or memory runs out: then it is copied.
 * Only the reader calls it, with lock held.
 */
static bool take_rbuf(srpc_client *c, srpc_pending *s, const char *data,
                      size_t len)
{
    size_t rest = c->rlen - len;
    char *old = s->bytes;
    size_t old_cap = s->cap;

    if (len < SRPC__LARGE_REPLY || data != c->rbuf || c->rpos != 0)
        return false;
    if (old_cap < rest) {
        char *p = realloc(old, rest);

        if (!p)
            return false;
        old = p;
        old_cap = rest;
    }
    if (rest > 0)
        memcpy(old, c->rbuf + len, rest);
    s->bytes = c->rbuf;
    s->cap = c->rcap;
    c->rbuf = old;
    c->rcap = old_cap;
    c->rpos = 0;
    c->rlen = rest;
    c->rbuf_moved = true;
    return true;
}

/*
 * Moves (take_rbuf) or copies the response DATA[0, LEN) into S and decodes
 * it there.  Returns SRPC_OK with S's outcome set (a result, a remote
 * error, or ENOMEM), or SRPC_EPROTO with *why when the message breaks the
 * protocol.
 */
static int store_reply(srpc_client *c, srpc_pending *s, const char *data,
                       size_t len, const char **why)
{
    msgpack_object obj;
    struct srpc__msg m;
    size_t off = 0;

    if (!take_rbuf(c, s, data, len)) {
        if (s->cap < len) {
            char *p = realloc(s->bytes, len);

            if (!p) {
                srpc__slot_error(s, SRPC_ENOMEM,
                                 "%s: out of memory for the reply", s->method);
                return SRPC_OK;
            }
            s->bytes = p;
            s->cap = len;
        }
        memcpy(s->bytes, data, len);
    }
    msgpack_zone_clear(&s->zone);
    /* The scanner checked the bytes: only memory can fail here. */
    if (msgpack_unpack(s->bytes, len, &off, &s->zone, &obj) !=
        MSGPACK_UNPACK_SUCCESS) {
        srpc__slot_error(s, SRPC_ENOMEM, "%s: out of memory for the reply",
                         s->method);
        return SRPC_OK;
    }
    srpc__log_object("client received", &obj);
    if (srpc__msg_parse(&obj, &m, why) != SRPC_OK)
        return SRPC_EPROTO;
    if (m.error->type != MSGPACK_OBJECT_NIL) {
        remote_error(s, m.error);
        return SRPC_OK;
    }
    s->status = SRPC_OK;
    s->result = m.result;
    return SRPC_OK;
}

/*
 * The msgid of a response [1, msgid, ...] read from its first bytes, so
 * that a reply is decoded once, in its slot, and not first in the
 * reader's zone.  False for anything else (notifications, msgids encoded
 * unusually), which takes the slower, general path.
 */
static bool peek_response_id(const char *data, size_t len, uint32_t *id)
{
    const unsigned char *p = (const unsigned char *)data;

    if (len < 4 || p[0] != 0x94 || p[1] != 0x01)
        return false;
    if (p[2] <= 0x7f) {
        *id = p[2];
        return true;
    }
    if (p[2] == 0xcc) {
        *id = p[3];
        return true;
    }
    if (p[2] == 0xcd && len >= 5) {
        *id = (uint32_t)p[3] << 8 | p[4];
        return true;
    }
    if (p[2] == 0xce && len >= 7) {
        *id = (uint32_t)p[3] << 24 | (uint32_t)p[4] << 16 |
              (uint32_t)p[5] << 8 | p[6];
        return true;
    }
    return false;
}

/* Gives the response DATA[0, LEN) to S, which is in the map. */
static void deliver_reply(srpc_client *c, srpc_pending *s, const char *data,
                          size_t len)
{
    const char *why = NULL;

    if (store_reply(c, s, data, len, &why) != SRPC_OK) {
        srpc__client_break(c, SRPC_EPROTO, why);
        return;
    }
    map_find(c, s->msgid, true);
    srpc__client_complete(c, s);
    pthread_cond_broadcast(&c->cond);
}

/* Remembers why the server is about to close.  PARAMS is [code, "reason"]
 * or, as one argument, [[code, "reason"]]: both are accepted. */
static void note_closing(srpc_client *c, const msgpack_object *params)
{
    const msgpack_object *r = NULL;

    if (params->via.array.size == 1 &&
        params->via.array.ptr[0].type == MSGPACK_OBJECT_ARRAY)
        params = &params->via.array.ptr[0];
    if (params->via.array.size >= 2)
        r = &params->via.array.ptr[1];
    if (r && r->type == MSGPACK_OBJECT_STR)
        srpc__errf(c->closing_why, sizeof c->closing_why, "%.*s",
                   (int)(r->via.str.size > 200 ? 200 : r->via.str.size),
                   r->via.str.ptr);
    else
        srpc__errf(c->closing_why, sizeof c->closing_why, "no reason given");
}

/* Hands a notification to the application's callback, with lock
 * released: the reader's role keeps rbuf and zone where they are. */
static void deliver_notification(srpc_client *c, const struct srpc__msg *m)
{
    char method[SRPC__METHOD_MAX];
    const msgpack_object *name = m->method;
    srpc_notification_fn fn = c->on_notification;
    void *data = c->notification_data;

    if (name->via.str.size == sizeof CLOSING_METHOD - 1 &&
        memcmp(name->via.str.ptr, CLOSING_METHOD, name->via.str.size) == 0)
        note_closing(c, m->params);
    /* A name too long for the buffer or holding a NUL cannot be any the
     * application registered interest in. */
    if (!fn || c->muted || name->via.str.size >= sizeof method ||
        memchr(name->via.str.ptr, '\0', name->via.str.size))
        return;
    memcpy(method, name->via.str.ptr, name->via.str.size);
    method[name->via.str.size] = '\0';
    pthread_mutex_unlock(&c->lock);
    fn(c, method, m->params, data);
    pthread_mutex_lock(&c->lock);
}

/*
 * True for a notification or a request from the server that OBJ is but
 * that does not parse (params not an array, a method name that is not a
 * str): the client serves neither, so it passes over it, as over a
 * notification it does not know, where a foreign server's slip would
 * otherwise fail every call in flight.  The scanner found where the
 * message ends, so the stream stays in step.  A bad response breaks the
 * connection: its call would never get an answer.
 */
static bool passes_over(const msgpack_object *obj, const char *why)
{
    static struct srpc__log_rate rate;  /* a flood of them: one line a second */
    const msgpack_object *type;

    if (obj->type != MSGPACK_OBJECT_ARRAY || obj->via.array.size == 0)
        return false;
    type = &obj->via.array.ptr[0];
    if (type->type != MSGPACK_OBJECT_POSITIVE_INTEGER
        || (type->via.u64 != SRPC__MSG_NOTIFY
            && type->via.u64 != SRPC__MSG_REQUEST))
        return false;
    srpc__log_rated(&rate, SRPC_LOG_WARN,
                    "client: ignoring a message from the server: %s", why);
    return true;
}

/* Handles the complete message DATA[0, LEN).  Caller holds lock and the
 * reader's role. */
static void handle_message(srpc_client *c, const char *data, size_t len)
{
    msgpack_object obj;
    struct srpc__msg m;
    srpc_pending *s;
    const char *why;
    size_t off = 0;
    uint32_t id;

    if (peek_response_id(data, len, &id) &&
        (s = map_find(c, id, false)) != NULL) {
        deliver_reply(c, s, data, len);
        return;
    }
    msgpack_zone_clear(&c->zone);
    if (msgpack_unpack(data, len, &off, &c->zone, &obj) !=
        MSGPACK_UNPACK_SUCCESS) {
        srpc__client_break(c, SRPC_EPROTO, "undecodable reply");
        return;
    }
    srpc__log_object("client received", &obj);
    if (srpc__msg_parse(&obj, &m, &why) != SRPC_OK) {
        if (passes_over(&obj, why))
            return;
        srpc__client_break(c, SRPC_EPROTO, why);
        return;
    }
    if (m.type == SRPC__MSG_NOTIFY) {
        deliver_notification(c, &m);
        return;
    }
    if (m.type != SRPC__MSG_RESPONSE)
        return;
    s = map_find(c, m.msgid, false);
    if (s)
        deliver_reply(c, s, data, len);
    /* else late: its call timed out or was cancelled */
}

/* Handles every complete message in rbuf. */
static void handle_input(srpc_client *c)
{
    while (!c->broken && c->rpos < c->rlen) {
        size_t len;
        enum srpc__frame_result fr =
            srpc__frame_scan(&c->frame, c->rbuf + c->rpos, c->rlen - c->rpos,
                             &len);

        if (fr == SRPC__FRAME_MORE)
            return;
        if (fr == SRPC__FRAME_BAD) {
            srpc__client_break(c, c->frame.status, c->frame.why);
            return;
        }
        handle_message(c, c->rbuf + c->rpos, len);
        if (c->rbuf_moved) /* the reply took rbuf: what followed it is left */
            c->rbuf_moved = false;
        else
            c->rpos += len;
    }
}

/* Makes room for READ_CHUNK more bytes, in the spare when rbuf must grow
 * large.  The reader calls it, with lock held (the spare is shared with
 * srpc_client_free_results()). */
static int make_room(srpc_client *c)
{
    /* Empty after a large reply: the memory goes to the spare, or back. */
    if (c->rpos == c->rlen && c->rcap > c->rspare.min) {
        free(srpc__spare_keep(&c->rspare, c->rbuf, c->rcap));
        c->rbuf = NULL;
        c->rcap = c->rpos = c->rlen = 0;
    }
    if (c->rpos > 0) {
        memmove(c->rbuf, c->rbuf + c->rpos, c->rlen - c->rpos);
        c->rlen -= c->rpos;
        c->rpos = 0;
    }
    if (c->rcap - c->rlen < READ_CHUNK) {
        /* A large reply again: into the warm memory of the last one. */
        size_t cap;
        char *p = srpc__spare_take(&c->rspare, c->rlen + READ_CHUNK, &cap);

        if (p) {
            if (c->rlen > 0)
                memcpy(p, c->rbuf, c->rlen);
            free(c->rbuf);
            c->rbuf = p;
            c->rcap = cap;
        }
    }
    if (c->rcap - c->rlen < READ_CHUNK) {
        size_t cap = c->rlen + READ_CHUNK;
        char *p;

        if (cap < 2 * c->rcap)
            cap = 2 * c->rcap;
        p = realloc(c->rbuf, cap);
        if (!p)
            return SRPC_ENOMEM;
        c->rbuf = p;
        c->rcap = cap;
    }
    return SRPC_OK;
}

/* Reads once from SOCK into rbuf, waiting until DEADLINE; lock is not
 * held.  Returns SRPC_OK, ETIMEDOUT, or a failure with *why. */
static int read_some(srpc_client *c, struct srpc__sock *sock,
                     int64_t deadline, const char **why)
{
    for (;;) {
        /* One call that waits and reads: a reply is rarely there the
         * moment its request has left, and poll() then recv() would be two
         * system calls per call.  Past the deadline, only what is there. */
        int ms = srpc__ms_until(deadline);
        void *buf = c->rbuf + c->rlen;
        size_t room = c->rcap - c->rlen;
        ssize_t n = ms > 0 ? sock->ops->recv_wait(sock, buf, room, ms)
                           : sock->ops->recv(sock, buf, room);

        if (n > 0) {
            c->rlen += (size_t)n;
            return SRPC_OK;
        }
        if (n == 0) {
            *why = "connection closed by server";
            return SRPC_ECLOSED;
        }
        if (errno == ECONNRESET) {
            *why = "connection reset by server";
            return SRPC_ECLOSED;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            *why = strerror(errno);
            return SRPC_EIO;
        }
        if (ms == 0)
            return SRPC_ETIMEDOUT;
    }
}

int srpc__client_read_step(srpc_client *c, int64_t deadline)
{
    const char *why = NULL;
    struct srpc__sock sock = c->sock; /* reconnect() waits for us */
    int rc;

    if (c->broken)
        return c->broken;
    if (make_room(c) != SRPC_OK) {
        srpc__client_break(c, SRPC_ENOMEM, "out of memory for the input "
                                           "buffer");
        return c->broken;
    }
    c->reading = true;
    c->reader = pthread_self();
    pthread_mutex_unlock(&c->lock);
    rc = read_some(c, &sock, deadline, &why);
    pthread_mutex_lock(&c->lock);
    if (c->sock.fd == sock.fd)
        c->sock.wait_ms = sock.wait_ms; /* what recv_wait() set up */
    if (rc == SRPC_OK)
        handle_input(c);
    else if (rc != SRPC_ETIMEDOUT && !c->broken)
        srpc__client_break(c, rc, why);
    c->reading = false;
    pthread_cond_broadcast(&c->cond);
    return c->broken ? c->broken : rc;
}

void srpc__client_read_last(srpc_client *c, int64_t deadline)
{
    /* Inside a notification callback this thread is the reader, which
     * will find the close when the callback returns. */
    if (c->reading && pthread_equal(c->reader, pthread_self()))
        return;
    /* A reader inside recv() sees the close too, and reads it all. */
    while (c->reading && srpc__client_cond_wait(c, deadline))
        ;
    c->muted = true;
    for (int i = 0; i < LAST_READS && !c->broken && !c->reading; i++) {
        if (srpc__client_read_step(c, srpc__now_ms()) != SRPC_OK)
            break;
    }
    c->muted = false;
}

bool srpc__client_cond_wait(srpc_client *c, int64_t deadline)
{
    struct timespec ts;
    int64_t ms;

    if (srpc__now_ms() >= deadline)
        return false;
    /* srpc__now_ms() is CLOCK_MONOTONIC, as is cond (see init). */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ms = srpc__ms_until(deadline);
    ts.tv_sec += (time_t)(ms / 1000);
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return pthread_cond_timedwait(&c->cond, &c->lock, &ts) != ETIMEDOUT;
}

void srpc__client_wait_slot(srpc_client *c, srpc_pending *s)
{
    while (s->state == SLOT_SENT) {
        if (!c->reading) {
            if (srpc__client_read_step(c, s->deadline) == SRPC_ETIMEDOUT)
                break;
            srpc__client_run_callbacks(c);
        } else if (!srpc__client_cond_wait(c, s->deadline)) {
            break;
        }
    }
    if (s->state == SLOT_SENT) {
        srpc__map_remove(c, s);
        srpc__slot_error(s, SRPC_ETIMEDOUT, "%s: no reply within %d ms",
                         s->method, s->timeout_ms);
        s->state = SLOT_DONE;
    }
}
