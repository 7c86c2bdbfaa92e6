/*
 * send.c - the client's writing side.
 *
 * Calls sent without waiting are corked: their bytes are copied into the
 * output queue (c->queue, under lock), which leaves in one write when a
 * thread waits, polls or flushes, or when it fills.  A blocking call, a
 * notification or a large request is written at once from its own
 * buffer (a batch's "direct" entry, which may refer to the caller's
 * bytes), after what was queued.  The writer holds send_lock, swaps the
 * queue with the empty c->sending under lock, puts the batch's calls into
 * the msgid map and writes without lock, so that others queue meanwhile.
 * A connection found broken is replaced first when the reconnect option
 * allows it.
 *
 * Reconnecting never sends a call twice.  Calls in flight when the
 * connection broke have failed already (io.c); only a batch of which not
 * a byte reached the old connection is sent on the new one, since the
 * server cannot have run any of it.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "base/log.h"
#include "client/client.h"
#include "transport/sockutil.h"
#include "transport/transport.h"
#include "wire/frame.h"

/* poll() says the peer closed its side, where the system can tell. */
#ifdef POLLRDHUP
#define PEER_CLOSED POLLRDHUP
#else
#define PEER_CLOSED 0
#endif

enum {
    BACKOFF_FIRST_MS = 10,   /* the first pause between connect attempts */
    CORK_BYTES = 64 * 1024,  /* a queue this full is sent at once */
    DIRECT_BYTES = 8 * 1024, /* a request this large is not copied */
    KEEP_QUEUE = 256 * 1024, /* a larger queue buffer is freed after use */
    QUEUE_INITIAL = 64       /* entries; the queue grows as needed */
};

/*
 * Waits until FD takes more bytes or DEADLINE passes; returns as poll_one.
 * Meanwhile it reads when nobody else does: a server that cannot write
 * its replies to us stops reading our requests (backpressure), so a
 * client that only wrote while it waited for room could wait forever.
 * Holds send_lock, not lock.
 */
static int wait_writable(srpc_client *c, const struct srpc__sock *sock,
                         int64_t deadline)
{
    for (;;) {
        bool can_read;
        int r;

        pthread_mutex_lock(&c->lock);
        can_read = !c->reading && !c->broken;
        pthread_mutex_unlock(&c->lock);
        r = srpc__poll_one(sock->fd, can_read ? POLLOUT | POLLIN : POLLOUT,
                           deadline);
        if (r <= 0 || (r & (POLLOUT | POLLERR | POLLHUP | POLLNVAL)))
            return r;
        pthread_mutex_lock(&c->lock);
        if (!c->reading && !c->broken)
            srpc__client_read_step(c, srpc__now_ms());
        pthread_mutex_unlock(&c->lock);
    }
}

/* Sends the IOVCNT buffers of IOV (which it advances) on SOCK by
 * DEADLINE; *sent tells how many bytes went.  Returns SRPC_OK, ETIMEDOUT,
 * or a failure with *why.  Holds send_lock. */
static int send_all(srpc_client *c, struct srpc__sock *sock,
                    struct iovec *iov, int iovcnt, int64_t deadline,
                    size_t *sent, const char **why)
{
    *sent = 0;
    while (iovcnt > 0) {
        ssize_t n = sock->ops->writev(sock, iov, iovcnt);
        int r;

        if (n >= 0) {
            size_t left = (size_t)n;

            *sent += left;
            while (iovcnt > 0 && left >= iov->iov_len) {
                left -= iov->iov_len;
                iov++;
                iovcnt--;
            }
            if (iovcnt > 0) {
                iov->iov_base = (char *)iov->iov_base + left;
                iov->iov_len -= left;
            }
            continue;
        }
        if (errno == EPIPE || errno == ECONNRESET) {
            *why = "connection closed by server";
            return SRPC_ECLOSED;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            *why = strerror(errno);
            return SRPC_EIO;
        }
        r = wait_writable(c, sock, deadline);
        if (r < 0) {
            *why = strerror(errno);
            return SRPC_EIO;
        }
        if (r == 0)
            return SRPC_ETIMEDOUT;
    }
    return SRPC_OK;
}

/* Sleeps until MS from now or DEADLINE, whichever comes first. */
static void pause_until(int64_t ms, int64_t deadline)
{
    int64_t until = srpc__now_ms() + ms;

    if (until > deadline)
        until = deadline;
    while (srpc__now_ms() < until)
        poll(NULL, 0, srpc__ms_until(until));
}

/*
 * Replaces the broken connection by a new one, trying until DEADLINE with
 * pauses that double up to reconnect_max_ms.  Holds send_lock (so no
 * thread writes to the old socket) and waits for the reader to leave it,
 * since it closes it.  Called without lock; returns with it held.
 */
static int reconnect(srpc_client *c, int64_t deadline, char *err,
                     size_t errsize)
{
    int64_t pause = BACKOFF_FIRST_MS;
    struct srpc__sock sock;
    int rc;

    pthread_mutex_lock(&c->lock);
    while (c->reading && srpc__client_cond_wait(c, deadline))
        ;
    if (c->reading) {
        srpc__errf(err, errsize, "timed out waiting to reconnect");
        return SRPC_ETIMEDOUT;
    }
    c->sock.ops->close(&c->sock);
    c->rpos = c->rlen = 0;
    srpc__frame_reset(&c->frame);
    c->closing_why[0] = '\0';
    pthread_mutex_unlock(&c->lock);
    for (;;) {
        rc = c->addr.ops->connect(&c->addr, deadline, &sock, err, errsize);
        if (rc == SRPC_OK || srpc__now_ms() + pause >= deadline)
            break;
        pause_until(pause, deadline);
        pause = pause * 2 > c->reconnect_max_ms ? c->reconnect_max_ms
                                                : pause * 2;
    }
    pthread_mutex_lock(&c->lock);
    if (rc == SRPC_OK) {
        srpc__log_debug("client reconnected");
        c->sock = sock;
        c->broken = 0;
    }
    return rc;
}

/*
 * Before sending on a connection nobody is reading, handles what the
 * server sent since: its notifications and, above all, its close.
 * Reconnecting then beats sending a request into a closed connection,
 * where it would fail as a call that may have run (over TCP such a send
 * even succeeds).  Reads without waiting, a few messages at most.
 *
 * With calls in flight only a server that closed is read out (muted, see
 * srpc__client_read_last): those calls fail either way, but the new
 * request need not.  A live server's replies are left to their reader.
 * Caller holds lock.
 */
static void read_before_send(srpc_client *c)
{
    for (int i = 0; i < 8; i++) {
        struct pollfd p = { .fd = c->sock.fd, .events = POLLIN | PEER_CLOSED };

        if (c->broken || c->reading || poll(&p, 1, 0) <= 0)
            return;
        if (c->nsent > 0) {
            if (p.revents & (PEER_CLOSED | POLLHUP | POLLERR))
                srpc__client_read_last(c, srpc__now_ms());
            return;
        }
        if (srpc__client_read_step(c, srpc__now_ms()) != SRPC_OK)
            return;
    }
}


/* ---- the output queue ------------------------------------------------ */

/* The entries of batch Q: the queued ones, then its direct request. */
static size_t batch_size(const struct srpc__outq *q)
{
    return q->n + (q->direct.slot != NULL);
}

static struct srpc__queued *batch_entry(struct srpc__outq *q, size_t i)
{
    return i < q->n ? &q->items[i] : &q->direct;
}

/* True while entry E still stands for the request it was queued as, in
 * state ST: a slot cancelled (and maybe reused) since has another state
 * or another msgid. */
static bool entry_live(const struct srpc__queued *e, enum srpc__slot_state st)
{
    return e->slot->state == st && e->slot->msgid == e->msgid;
}

/* Empties Q, keeping its memory for the next batch. */
static void batch_clear(struct srpc__outq *q)
{
    if (q->n > 0)
        srpc__wbuf_clear(&q->bytes, KEEP_QUEUE);
    q->n = 0;
    q->direct.slot = NULL;
}

/* Fails the live queued entries of Q with STATUS: "METHOD: WHY".  Their
 * owners find them done; callbacks are queued to run.  Then empties Q.
 * Caller holds lock. */
static void fail_batch(srpc_client *c, struct srpc__outq *q, int status,
                       const char *why)
{
    for (size_t i = 0; i < batch_size(q); i++) {
        srpc_pending *s = batch_entry(q, i)->slot;

        if (!entry_live(batch_entry(q, i), SLOT_QUEUED))
            continue;
        srpc__slot_error(s, status, "%s: %s", s->method, why);
        srpc__client_complete(c, s);
    }
    batch_clear(q);
    pthread_cond_broadcast(&c->cond);
}

/*
 * Makes the connection usable for a batch due by DEADLINE, reconnecting
 * if it broke and the option allows.  Returns SRPC_OK, or a status with
 * WHY written.  Holds send_lock; called with lock held, returns with it
 * held.
 */
static int ensure_connected(srpc_client *c, int64_t deadline, char *why,
                            size_t size)
{
    char err[SRPC__SLOT_ERRMSG];
    int rc;

    if (c->reconnect)
        read_before_send(c);
    if (!c->broken)
        return SRPC_OK;
    if (!c->reconnect) {
        srpc__errf(why, size, "connection unusable (%s)", c->broken_why);
        return c->broken;
    }
    pthread_mutex_unlock(&c->lock);
    rc = reconnect(c, deadline, err, sizeof err);
    if (rc != SRPC_OK)
        srpc__errf(why, size, "cannot reconnect: %s", err);
    return rc;
}

/* Puts the calls of the batch being sent into the msgid map before their
 * first byte goes: a reply may come before send() returns, to another
 * thread reading.  Notifications only change state.  Caller holds lock. */
static void enter_batch(srpc_client *c)
{
    struct srpc__outq *q = &c->sending;

    for (size_t i = 0; i < batch_size(q); i++) {
        srpc_pending *s = batch_entry(q, i)->slot;

        if (!entry_live(batch_entry(q, i), SLOT_QUEUED))
            continue;
        if (s->kind == SLOT_NOTIFY)
            s->state = SLOT_SENT;
        else
            srpc__map_insert(c, s);
    }
}

/*
 * The write of the batch being sent failed with RC after SENT bytes.
 *
 * When nothing of it reached the server, the batch is its senders' to
 * report (not a reader's, who may have failed its calls meanwhile as
 * calls in flight): it is taken back out of the map, and failed -- or,
 * when RETRY allows, kept for a new connection, since the server cannot
 * have run any of it.  Returns true to retry.
 *
 * When part of it went, the calls that did may be running: they fail as
 * calls in flight on a broken connection do, and so does the rest, since
 * half a request on the wire would make the next one read as its
 * continuation.
 *
 * A server that closed may have said why first (a request over its size
 * limit): that is read before anything fails, by DEADLINE at most, so
 * that the calls carry the reason.  Caller holds lock.
 */
static bool batch_failed(srpc_client *c, int rc, size_t sent, const char *why,
                         bool retry, int64_t deadline)
{
    struct srpc__outq *q = &c->sending;

    if (rc == SRPC_ECLOSED)
        srpc__client_read_last(c, deadline);
    if (rc == SRPC_ETIMEDOUT)
        why = "timed out sending a request; the connection is unusable";
    if (sent > 0) {
        srpc__client_break(c, rc, why);
        for (size_t i = 0; i < batch_size(q); i++) {
            struct srpc__queued *e = batch_entry(q, i);

            if (e->slot->kind == SLOT_NOTIFY && entry_live(e, SLOT_SENT)) {
                srpc__slot_error(e->slot, rc, "%s: %s", e->slot->method,
                                 c->broken_why);
                e->slot->state = SLOT_DONE;
            }
        }
        batch_clear(q);
        pthread_cond_broadcast(&c->cond);
        return false;
    }
    for (size_t i = 0; i < batch_size(q); i++) {
        struct srpc__queued *e = batch_entry(q, i);

        if (e->slot->msgid != e->msgid)
            continue;
        if (e->slot->state == SLOT_DONE)
            srpc__client_dequeue_callback(c, e->slot);
        else if (e->slot->state != SLOT_SENT)
            continue;
        srpc__map_remove(c, e->slot);
        e->slot->state = SLOT_QUEUED;
    }
    if (rc == SRPC_ETIMEDOUT) {
        /* Nothing went: the connection is as good as it was. */
        fail_batch(c, q, rc, "timed out sending");
        return false;
    }
    srpc__client_break(c, rc, why);
    if (retry && c->reconnect)
        return true;
    fail_batch(c, q, rc, c->broken_why);
    return false;
}

/*
 * Writes the batch being sent: once, and once more on a new connection if
 * the first try failed before any byte went.  DEADLINE bounds the write
 * and the reconnecting.  Holds send_lock; called with lock held, returns
 * without it.
 */
static void write_batch(srpc_client *c, int64_t deadline)
{
    struct srpc__outq *q = &c->sending;
    char why[SRPC__SLOT_ERRMSG];

    for (int attempt = 0; attempt < 2; attempt++) {
        struct iovec iov[SRPC__IOV_MAX];
        struct srpc__sock sock;
        const char *err = NULL;
        size_t sent;
        int iovcnt = 0, rc;

        rc = ensure_connected(c, deadline, why, sizeof why);
        if (rc != SRPC_OK) {
            fail_batch(c, q, rc, why);
            break;
        }
        enter_batch(c);
        if (srpc__wbuf_size(&q->bytes) > 0) {
            iov[iovcnt].iov_base = (char *)srpc__wbuf_bytes(&q->bytes);
            iov[iovcnt++].iov_len = srpc__wbuf_size(&q->bytes);
        }
        if (q->direct.slot)
            iovcnt += srpc__wbuf_iov(&q->direct.slot->out, iov + iovcnt,
                                     SRPC__IOV_MAX - iovcnt);
        sock = c->sock;
        pthread_mutex_unlock(&c->lock);
        rc = send_all(c, &sock, iov, iovcnt, deadline, &sent, &err);
        /* Sent whole: nothing changes for its slots, and `sending` is
         * send_lock's, so the common case takes no lock again.  (A
         * notification's sender finds its status untouched.) */
        if (rc == SRPC_OK) {
            batch_clear(q);
            return;
        }
        pthread_mutex_lock(&c->lock);
        if (!batch_failed(c, rc, sent, err, attempt == 0, deadline))
            break;
    }
    pthread_mutex_unlock(&c->lock);
}

/* When the batch being sent is due: when its first live request is
 * (requests are queued in the order of their deadlines, but for a
 * timeout changed meanwhile). */
static int64_t batch_deadline(srpc_client *c)
{
    struct srpc__outq *q = &c->sending;

    for (size_t i = 0; i < batch_size(q); i++) {
        struct srpc__queued *e = batch_entry(q, i);

        if (entry_live(e, SLOT_QUEUED))
            return e->slot->deadline;
    }
    return srpc__now_ms() + c->timeout_ms;
}

/*
 * Sends what is queued, then DIRECT (a request too large to copy into the
 * queue, or NULL).  The queue is swapped out under lock, so that other
 * threads queue more while this one writes.  Takes send_lock and lock.
 */
static void flush(srpc_client *c, srpc_pending *direct)
{
    struct srpc__outq q;

    pthread_mutex_lock(&c->send_lock);
    pthread_mutex_lock(&c->lock);
    if (c->queue.n > 0 || direct) {
        if (c->queue.n > 0) {
            q = c->sending;
            c->sending = c->queue;
            c->queue = q;
        }
        c->sending.direct.slot = direct;
        c->sending.direct.msgid = direct ? direct->msgid : 0;
        if (direct)
            direct->state = SLOT_QUEUED;
        write_batch(c, batch_deadline(c));
    } else {
        pthread_mutex_unlock(&c->lock);
    }
    pthread_mutex_unlock(&c->send_lock);
}

/* Checks S's request before it is queued: encoded whole, and no deeper
 * than a server reads (a long recursive list, say), which would close the
 * connection instead of answering, failing every call in flight. */
static int check_request(srpc_pending *s)
{
    const char *what = s->kind == SLOT_NOTIFY ? "notification" : "request";
    const char *why;

    if (s->out.error)
        return srpc__slot_error(s, s->out.error, "%s: cannot encode the %s: %s",
                                s->method, what, srpc_strerror(s->out.error));
    /* The bytes it refers to are binaries, which hold no containers: when
     * what is around them has few, it cannot nest too deep.  Else the
     * scan needs the message whole. */
    if (s->out.nrefs > 0 &&
        !srpc__frame_few_containers(srpc__wbuf_bytes(&s->out),
                                    srpc__wbuf_size(&s->out)) &&
        srpc__wbuf_flatten(&s->out) != SRPC_OK)
        return srpc__slot_error(s, SRPC_ENOMEM, "%s: out of memory for the "
                                "%s", s->method, what);
    if (!srpc__frame_nesting_ok(srpc__wbuf_bytes(&s->out),
                                srpc__wbuf_size(&s->out), &why))
        return srpc__slot_error(s, SRPC_EINVAL, "%s: cannot send the %s: "
                                "%s (at most %d levels)", s->method, what,
                                why, SRPC__FRAME_MAX_DEPTH);
    return SRPC_OK;
}

/* Appends S to the queue: its bytes and its entry.  SRPC_OK, or
 * SRPC_ENOMEM with the queue unchanged.  Caller holds lock. */
static int enqueue(srpc_client *c, srpc_pending *s)
{
    struct srpc__outq *q = &c->queue;
    size_t at = srpc__wbuf_size(&q->bytes);

    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : QUEUE_INITIAL;
        struct srpc__queued *items = realloc(q->items, cap * sizeof *items);

        if (!items)
            return SRPC_ENOMEM;
        q->items = items;
        q->cap = cap;
    }
    if (srpc__wbuf_append(&q->bytes, srpc__wbuf_bytes(&s->out),
                          srpc__wbuf_size(&s->out)) != SRPC_OK) {
        srpc__wbuf_truncate(&q->bytes, at);
        return SRPC_ENOMEM;
    }
    q->items[q->n].slot = s;
    q->items[q->n++].msgid = s->msgid;
    s->state = SLOT_QUEUED;
    return SRPC_OK;
}

int srpc__client_queue(srpc_client *c, srpc_pending *s)
{
    bool full;
    int rc = check_request(s);

    if (rc != SRPC_OK)
        return rc;
    s->deadline = srpc__now_ms() + s->timeout_ms;
    /* A blocking call or a notification goes now anyway: it leaves from
     * its own buffer, after what is queued.  Its caller reads the outcome
     * in S, where a connection broken for good is reported too.  Its
     * owner is inside this call, so the buffer stays as it is until the
     * write is over. */
    if (s->kind == SLOT_SYNC || s->kind == SLOT_NOTIFY) {
        flush(c, s);
        return SRPC_OK;
    }
    pthread_mutex_lock(&c->lock);
    if (c->broken && !c->reconnect) {
        rc = srpc__slot_error(s, c->broken, "%s: connection unusable (%s)",
                              s->method, c->broken_why);
        pthread_mutex_unlock(&c->lock);
        return rc;
    }
    if (srpc__wbuf_total(&s->out) >= DIRECT_BYTES) {
        /* It would cost more to copy than a write of its own. */
        pthread_mutex_unlock(&c->lock);
        flush(c, s);
        return SRPC_OK;
    }
    rc = enqueue(c, s);
    full = srpc__wbuf_size(&c->queue.bytes) >= CORK_BYTES;
    pthread_mutex_unlock(&c->lock);
    if (rc != SRPC_OK)
        return srpc__slot_error(s, rc, "%s: out of memory queueing the "
                                "request", s->method);
    if (full)
        flush(c, NULL);
    return SRPC_OK;
}

void srpc__client_flush(srpc_client *c)
{
    flush(c, NULL);
}

void srpc__client_flush_before_wait(srpc_client *c, const srpc_pending *s)
{
    if (s->state != SLOT_QUEUED && (s->state != SLOT_SENT || c->queue.n == 0))
        return;
    pthread_mutex_unlock(&c->lock);
    flush(c, NULL);
    pthread_mutex_lock(&c->lock);
}

void srpc__client_flush_at_close(srpc_client *c)
{
    struct srpc__outq q;

    pthread_mutex_lock(&c->send_lock);
    pthread_mutex_lock(&c->lock);
    c->reconnect = false; /* a closing client does not wait for a server */
    q = c->sending;
    c->sending = c->queue;
    c->queue = q;
    if (c->broken)
        fail_batch(c, &c->sending, SRPC_ECLOSED, "client closed");
    if (c->sending.n > 0)
        write_batch(c, batch_deadline(c));
    else
        pthread_mutex_unlock(&c->lock);
    pthread_mutex_unlock(&c->send_lock);
}
