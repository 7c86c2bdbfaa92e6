/*
 * conn.c - see conn.h.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "base/log.h"
#include "server/conn.h"
#include "server/loop.h"
#include "transport/sockutil.h"

/* ---- the deadline lists ------------------------------------------ */

static struct srpc__clink *link_at(struct srpc__conn *c, size_t off)
{
    return (struct srpc__clink *)((char *)c + off);
}

static void clist_append(struct srpc__clist *l, struct srpc__conn *c,
                         size_t off)
{
    struct srpc__clink *k = link_at(c, off);

    k->prev = l->tail;
    k->next = NULL;
    if (l->tail)
        link_at(l->tail, off)->next = c;
    else
        l->head = c;
    l->tail = c;
}

static void clist_remove(struct srpc__clist *l, struct srpc__conn *c,
                         size_t off)
{
    struct srpc__clink *k = link_at(c, off);

    if (k->prev)
        link_at(k->prev, off)->next = k->next;
    else
        l->head = k->next;
    if (k->next)
        link_at(k->next, off)->prev = k->prev;
    else
        l->tail = k->prev;
    k->prev = k->next = NULL;
}

#define ALINK offsetof(struct srpc__conn, alink)
#define PLINK offsetof(struct srpc__conn, plink)

static void release_rbuf(struct srpc__conn *c);

/* Bytes moved: the connection goes to the end of the idle queue. */
static void touch(struct srpc__conn *c)
{
    c->last_active = srpc__now_ms();
    if (c->server->active.tail != c) {
        clist_remove(&c->server->active, c, ALINK);
        clist_append(&c->server->active, c, ALINK);
    }
}

/* Starts, restarts or stops the message deadline after input was served. */
static void track_message(struct srpc__conn *c)
{
    struct srpc_server *s = c->server;
    bool want = c->mid_message && !c->eof && !c->closing;

    if (c->in_partial && (!want || c->completed)) {
        clist_remove(&s->partial, c, PLINK);
        c->in_partial = false;
    }
    if (want && !c->in_partial) {
        /* Approximates the first byte's arrival by this read's time. */
        c->msg_start = srpc__now_ms();
        clist_append(&s->partial, c, PLINK);
        c->in_partial = true;
    }
    c->completed = false;
}

/* ---- open and close --------------------------------------------- */

int srpc__conn_open(struct srpc_server *srv, struct srpc__sock *sock,
                    const struct srpc__listener *listener,
                    const struct srpc_peer *peer)
{
    struct srpc__conn *c = calloc(1, sizeof *c);

    if (!c) {
        sock->ops->close(sock);
        return SRPC_ENOMEM;
    }
    c->kind = SRPC__H_CONN;
    c->sock = *sock;
    c->server = srv;
    c->listener = listener;
    c->peer = *peer;
    srpc__frame_init(&c->frame, srv->opt.max_message_size);
    srpc__wbuf_init(&c->out);
    c->out.spare = &srv->out_spare;
    c->events = SRPC__EV_READ;
    if (srpc__loop_set(srv->loop, c->sock.fd, c->events, c) < 0) {
        c->sock.ops->close(&c->sock);
        free(c);
        return SRPC_ENOMEM;
    }
    c->last_active = srpc__now_ms();
    clist_append(&srv->active, c, ALINK);
    srv->nconns++;
    srv->stats.connections_accepted++;
    return SRPC_OK;
}

void srpc__conn_free(struct srpc__conn *c)
{
    struct srpc_server *srv = c->server;

    srpc__loop_del(srv->loop, c->sock.fd);
    c->sock.ops->close(&c->sock);
    clist_remove(&srv->active, c, ALINK);
    if (c->in_partial)
        clist_remove(&srv->partial, c, PLINK);
    srv->nconns--;
    release_rbuf(c);
    srpc__wbuf_fini(&c->out);
    free(c);
}

void srpc__count_close(struct srpc_server_stats *st,
                       enum srpc__close_reason reason)
{
    switch (reason) {
    case SRPC__CLOSE_ERROR: break;
    case SRPC__CLOSE_PEER: st->closed_by_peer++; break;
    case SRPC__CLOSE_IDLE: st->closed_idle++; break;
    case SRPC__CLOSE_MESSAGE_TIMEOUT: st->closed_message_timeout++; break;
    case SRPC__CLOSE_TOO_BIG: st->closed_too_big++; break;
    case SRPC__CLOSE_PROTOCOL: st->closed_protocol++; break;
    case SRPC__CLOSE_SHUTDOWN: st->closed_shutdown++; break;
    }
}

static void close_counted(struct srpc__conn *c, enum srpc__close_reason why)
{
    struct srpc_server *srv = c->server;

    /* Counted after the close, so a counter seen to move means it is done. */
    srpc__conn_free(c);
    srpc__count_close(&srv->stats, why);
}

void srpc__conn_peer_name(const struct srpc__conn *c, char *buf, size_t size)
{
    srpc__describe_peer(c->sock.fd, &c->peer, c->listener->bound.text, buf,
                        size);
}

static int flush(struct srpc__conn *c);

void srpc__conn_close_now(struct srpc__conn *c,
                          enum srpc__close_reason reason, int64_t code,
                          const char *why)
{
    /* One nonblocking attempt: a peer being dropped gets no more time. */
    if (code != 0)
        srpc__queue_closing(&c->out, code, why);
    (void)flush(c);
    close_counted(c, reason);
}

/* Logs that the server drops C for a limit and why: never silently. */
static void log_drop(const struct srpc__conn *c, int level, const char *why)
{
    char peer[160];

    if (!srpc__log_enabled(level))
        return;
    srpc__conn_peer_name(c, peer, sizeof peer);
    srpc__log_rated(&c->server->drop_rate, level,
                    "%s: %s; closing the connection", peer, why);
}

/* The peer broke the protocol or a limit: answer nothing more, flush the
 * replies queued so far, then close with a notice. */
static void reject(struct srpc__conn *c, enum srpc__close_reason reason,
                   int64_t code, const char *why)
{
    log_drop(c, SRPC_LOG_WARN, why);
    c->closing = true;
    c->close_reason = reason;
    c->close_code = code;
    c->close_why = why;
}

static void reject_frame(struct srpc__conn *c)
{
    if (c->frame.status == SRPC_ETOOBIG)
        reject(c, SRPC__CLOSE_TOO_BIG, SRPC_WIRE_LIMIT_SIZE, c->frame.why);
    else
        reject(c, SRPC__CLOSE_PROTOCOL, SRPC_WIRE_PROTOCOL, c->frame.why);
}

/* ---- input ------------------------------------------------------ */

static bool queue_full(const struct srpc__conn *c)
{
    return srpc__wbuf_size(&c->out) >= c->server->opt.max_write_queue;
}

/* Serves the complete messages at the start of DATA[0, LEN) while the
 * reply queue has room.  Returns the bytes consumed; what remains starts
 * with the message the scanner stopped in (its state is in c->frame). */
static size_t serve(struct srpc__conn *c, const char *data, size_t len)
{
    struct srpc__origin from = { &c->peer, c->sock.fd,
                                 c->listener->bound.text };
    size_t done = 0;

    c->mid_message = false;
    while (!c->closing && done < len && !queue_full(c)) {
        const char *why = NULL;
        size_t n;
        int rc;

        switch (srpc__frame_scan(&c->frame, data + done, len - done, &n)) {
        case SRPC__FRAME_MORE:
            c->mid_message = true;
            return done;
        case SRPC__FRAME_BAD:
            reject_frame(c);
            return len;
        case SRPC__FRAME_DONE:
            rc = srpc__serve_message(c->server, &c->server->ws, &c->out,
                                     &from, data + done, n, &why);
            if (rc != SRPC_OK)
                reject(c, rc == SRPC_EPROTO ? SRPC__CLOSE_PROTOCOL
                                            : SRPC__CLOSE_ERROR,
                       SRPC_WIRE_PROTOCOL, why);
            c->completed = true;
            done += n;
            break;
        }
    }
    return c->closing ? len : done;
}

/* Lets go of C's input buffer, to the server's spare if it keeps it. */
static void release_rbuf(struct srpc__conn *c)
{
    free(srpc__spare_keep(&c->server->in_spare, c->rbuf, c->rcap));
    c->rbuf = NULL;
    c->rlen = c->rcap = 0;
}

/* Keeps DATA[0, LEN), not yet served, in rbuf (DATA may be rbuf). */
static int keep(struct srpc__conn *c, const char *data, size_t len)
{
    if (len == 0) {
        release_rbuf(c); /* idle connections hold no input buffer */
        return SRPC_OK;
    }
    if (data == c->rbuf) {
        c->rlen = len;
        return SRPC_OK;
    }
    if (c->rcap < len) {
        char *p = realloc(c->rbuf, len);

        if (!p)
            return SRPC_ENOMEM;
        c->rbuf = p;
        c->rcap = len;
    }
    memmove(c->rbuf, data, len);
    c->rlen = len;
    return SRPC_OK;
}

/* Serves what rbuf holds; true if anything was consumed. */
static bool serve_kept(struct srpc__conn *c)
{
    size_t n;

    if (c->rlen == 0 || c->closing || queue_full(c))
        return false;
    n = serve(c, c->rbuf, c->rlen);
    if (n == 0)
        return false;
    /* Moving the rest to the front keeps one message's bytes in place
     * from its first read to its last. */
    memmove(c->rbuf, c->rbuf + n, c->rlen - n);
    (void)keep(c, c->rbuf, c->rlen - n);
    return true;
}

/* Where the next read goes: the scratch buffer when nothing is kept. */
static char *read_target(struct srpc__conn *c)
{
    struct srpc_server *srv = c->server;

    if (c->rlen == 0)
        return srv->scratch;
    if (c->rcap - c->rlen < SRPC__READ_CHUNK) {
        /* A large message again: into the warm buffer of the last one. */
        size_t cap;
        char *p = srpc__spare_take(&srv->in_spare,
                                   c->rlen + SRPC__READ_CHUNK, &cap);

        if (p) {
            memcpy(p, c->rbuf, c->rlen);
            free(c->rbuf);
            c->rbuf = p;
            c->rcap = cap;
        }
    }
    if (c->rcap - c->rlen < SRPC__READ_CHUNK) {
        /* Doubling: a large message read in chunks is copied O(1) times
         * per byte.  The scanner bounds rlen by the max message size. */
        size_t cap = c->rlen + SRPC__READ_CHUNK;
        size_t most = srv->opt.max_message_size + SRPC__READ_CHUNK;
        char *p;

        if (cap < 2 * c->rcap)
            cap = 2 * c->rcap;
        /* No message is larger: neither is the buffer, nor the spare. */
        if (cap > most && most >= c->rlen + SRPC__READ_CHUNK)
            cap = most;
        p = realloc(c->rbuf, cap);
        if (!p)
            return NULL;
        c->rbuf = p;
        c->rcap = cap;
    }
    return c->rbuf + c->rlen;
}

/* One read, then serve.  SRPC_OK (*again: the socket had nothing), or a
 * status when C must be freed now. */
static int on_readable(struct srpc__conn *c, bool *again)
{
    char *buf = read_target(c);
    ssize_t n;

    *again = false;
    if (!buf)
        return SRPC_ENOMEM;
    /* Into rbuf, as much as it has room for: a large message comes in
     * fewer reads. */
    n = c->sock.ops->recv(&c->sock, buf, buf == c->server->scratch
                                             ? SRPC__READ_CHUNK
                                             : c->rcap - c->rlen);
    if (n < 0) {
        *again = errno == EAGAIN || errno == EWOULDBLOCK;
        return *again ? SRPC_OK : SRPC_ECLOSED;
    }
    if (n == 0) {
        c->eof = true;
        c->close_reason = SRPC__CLOSE_PEER;
        if (c->rlen > 0)
            srpc__log_debug("fd %d: peer closed mid-message", c->sock.fd);
        return SRPC_OK;
    }
    c->server->stats.bytes_in += (uint64_t)n;
    touch(c);
    if (buf == c->server->scratch) {
        size_t used = serve(c, buf, (size_t)n);

        return keep(c, buf + used, (size_t)n - used);
    }
    c->rlen += (size_t)n;
    (void)serve_kept(c);
    return SRPC_OK;
}

/* ---- output ----------------------------------------------------- */

/* Sends what the queue holds until the socket's buffer is full.  SRPC_OK,
 * or SRPC_EIO / SRPC_ECLOSED when the peer is gone. */
static int flush(struct srpc__conn *c)
{
    while (srpc__wbuf_size(&c->out) > 0) {
        ssize_t n = srpc__sock_send(&c->sock, srpc__wbuf_bytes(&c->out),
                                    srpc__wbuf_size(&c->out));

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return SRPC_OK;
            return errno == EPIPE || errno == ECONNRESET ? SRPC_ECLOSED
                                                         : SRPC_EIO;
        }
        c->server->stats.bytes_out += (uint64_t)n;
        touch(c);
        srpc__wbuf_consume(&c->out, (size_t)n);
    }
    /* Drained: do not keep a large buffer for an idle connection. */
    srpc__wbuf_clear(&c->out, SRPC__READ_CHUNK);
    return SRPC_OK;
}

/* Flushes, serves what backpressure held back, and sets the interest.
 * Returns false when C must be freed (it is then already freed). */
static bool settle(struct srpc__conn *c)
{
    unsigned want = 0;
    int rc;

    do {
        rc = flush(c);
        if (rc != SRPC_OK) {
            close_counted(c, rc == SRPC_ECLOSED ? SRPC__CLOSE_PEER
                                                : SRPC__CLOSE_ERROR);
            return false;
        }
    } while (serve_kept(c));
    track_message(c);
    if (!c->eof && !c->closing && !queue_full(c))
        want |= SRPC__EV_READ;
    if (srpc__wbuf_size(&c->out) > 0)
        want |= SRPC__EV_WRITE;
    if (want == 0 && (c->eof || c->closing)) {
        /* Nothing to send, nothing more to read: done. */
        srpc__conn_close_now(c, c->close_reason, c->close_code, c->close_why);
        return false;
    }
    if (want != c->events) {
        if (srpc__loop_set(c->server->loop, c->sock.fd, want, c) < 0) {
            close_counted(c, SRPC__CLOSE_ERROR);
            return false;
        }
        c->events = want;
    }
    return true;
}

void srpc__conn_on_event(struct srpc__conn *c, unsigned events)
{
    bool again;

    /* A hang-up is reported as readable even when reading is off; the
     * flush in settle() then finds the peer gone. */
    if ((events & SRPC__EV_READ) && (c->events & SRPC__EV_READ)) {
        int rc = on_readable(c, &again);

        if (rc == SRPC_ENOMEM) {
            /* The others may still be served: say so, and drop this one. */
            log_drop(c, SRPC_LOG_ERROR, "out of memory for its input");
            srpc__conn_close_now(c, SRPC__CLOSE_ERROR, SRPC_WIRE_INTERNAL,
                                 "the server is out of memory");
            return;
        }
        if (rc != SRPC_OK) {
            close_counted(c, rc == SRPC_ECLOSED ? SRPC__CLOSE_PEER
                                                : SRPC__CLOSE_ERROR);
            return;
        }
    }
    (void)settle(c);
}

void srpc__conn_drain(struct srpc__conn *c)
{
    bool again = false;

    /* What the peer sent before the stop is in the socket's buffer: serve
     * it (as far as the write queue allows), then read no more. */
    while (!c->eof && !c->closing && !queue_full(c) && !again) {
        int rc = on_readable(c, &again);

        if (rc == SRPC_ENOMEM) {
            /* The others may still be served: say so, and drop this one. */
            log_drop(c, SRPC_LOG_ERROR, "out of memory for its input");
            srpc__conn_close_now(c, SRPC__CLOSE_ERROR, SRPC_WIRE_INTERNAL,
                                 "the server is out of memory");
            return;
        }
        if (rc != SRPC_OK) {
            close_counted(c, rc == SRPC_ECLOSED ? SRPC__CLOSE_PEER
                                                : SRPC__CLOSE_ERROR);
            return;
        }
    }
    if (!c->closing && !c->eof) { /* a peer that closed needs no notice */
        c->close_reason = SRPC__CLOSE_SHUTDOWN;
        c->close_code = SRPC_WIRE_SHUTDOWN;
        c->close_why = "server shutting down";
    }
    c->eof = true;
    (void)settle(c);
}

/* ---- deadlines -------------------------------------------------- */

static int64_t idle_deadline(const struct srpc_server *s)
{
    if (s->opt.idle_timeout_ms <= 0 || !s->active.head)
        return -1;
    return s->active.head->last_active + s->opt.idle_timeout_ms;
}

static int64_t message_deadline(const struct srpc_server *s)
{
    if (s->opt.message_timeout_ms <= 0 || !s->partial.head)
        return -1;
    return s->partial.head->msg_start + s->opt.message_timeout_ms;
}

int srpc__conns_next_deadline(const struct srpc_server *s, int64_t now)
{
    int64_t a = idle_deadline(s), b = message_deadline(s), d;

    if (a < 0 && b < 0)
        return -1;
    d = a < 0 ? b : b < 0 ? a : (a < b ? a : b);
    if (d <= now)
        return 0;
    return d - now > INT32_MAX ? INT32_MAX : (int)(d - now);
}

int srpc__conns_expire(struct srpc_server *s, int64_t now)
{
    int64_t d;

    while ((d = idle_deadline(s)) >= 0 && d <= now) {
        struct srpc__conn *c = s->active.head;

        log_drop(c, SRPC_LOG_INFO, "idle timeout");
        srpc__conn_close_now(c, SRPC__CLOSE_IDLE, SRPC_WIRE_LIMIT_IDLE,
                             "idle timeout");
    }
    while ((d = message_deadline(s)) >= 0 && d <= now) {
        struct srpc__conn *c = s->partial.head;

        log_drop(c, SRPC_LOG_WARN, "message timeout");
        srpc__conn_close_now(c, SRPC__CLOSE_MESSAGE_TIMEOUT,
                             SRPC_WIRE_LIMIT_MESSAGE, "message timeout");
    }
    return srpc__conns_next_deadline(s, now);
}
