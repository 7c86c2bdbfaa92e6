/*
 * send.c - the client's writing side: a request goes out whole,
 * under send_lock, after its slot is in the msgid map; a connection found
 * broken is replaced first when the reconnect option allows it.
 *
 * Reconnecting never sends a call twice.  Calls in flight when the
 * connection broke have failed already (io.c); only a request of
 * which not a byte reached the old connection is sent on the new one,
 * since the server cannot have run it.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "base/log.h"
#include "client/client.h"
#include "transport/sockutil.h"
#include "transport/transport.h"
#include "wire/frame.h"

enum {
    BACKOFF_FIRST_MS = 10    /* the first pause between connect attempts */
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

/* Sends BYTES[0, LEN) on SOCK by DEADLINE; *sent tells how much went.
 * Returns SRPC_OK, ETIMEDOUT, or a failure with *why.  Holds send_lock. */
static int send_all(srpc_client *c, struct srpc__sock *sock,
                    const char *bytes, size_t len, int64_t deadline,
                    size_t *sent, const char **why)
{
    *sent = 0;
    while (*sent < len) {
        ssize_t n = srpc__sock_send(sock, bytes + *sent, len - *sent);
        int r;

        if (n >= 0) {
            *sent += (size_t)n;
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
 * Before sending on a connection with nothing in flight and nobody
 * reading, handles what the server sent since: its notifications and,
 * above all, its close.  Reconnecting then beats sending a request into
 * a closed connection and failing the call (over TCP such a send may even
 * succeed).  Reads without waiting, a few messages at most.  Caller holds
 * lock.
 */
static void read_while_idle(srpc_client *c)
{
    for (int i = 0; i < 8; i++) {
        struct pollfd p = { .fd = c->sock.fd, .events = POLLIN };

        if (c->broken || c->nsent > 0 || c->reading || poll(&p, 1, 0) <= 0)
            return;
        if (srpc__client_read_step(c, srpc__now_ms()) != SRPC_OK)
            return;
    }
}

/* Under send_lock: makes sure the connection is usable for S.  Returns
 * with lock held. */
static int ensure_connected(srpc_client *c, srpc_pending *s)
{
    char err[SRPC__SLOT_ERRMSG];
    int rc;

    pthread_mutex_lock(&c->lock);
    if (c->reconnect)
        read_while_idle(c);
    if (!c->broken)
        return SRPC_OK;
    if (!c->reconnect)
        return srpc__slot_error(s, c->broken,
                                "%s: connection unusable (%s)", s->method,
                                c->broken_why);
    pthread_mutex_unlock(&c->lock);
    rc = reconnect(c, s->deadline, err, sizeof err);
    if (rc != SRPC_OK)
        return srpc__slot_error(s, rc, "%s: cannot reconnect: %s", s->method,
                                err);
    return SRPC_OK;
}

/* Sends S once; *retry says it may be sent again on a new connection
 * (nothing of it reached the old one).  Holds send_lock. */
static int send_once(srpc_client *c, srpc_pending *s, bool *retry)
{
    const char *why = NULL;
    struct srpc__sock sock;
    size_t sent;
    int rc;

    *retry = false;
    rc = ensure_connected(c, s);
    if (rc != SRPC_OK) {
        pthread_mutex_unlock(&c->lock);
        return rc;
    }
    /* In the map before the first byte goes: the reply may come before
     * send() returns, to another thread reading. */
    if (s->kind != SLOT_NOTIFY)
        srpc__map_insert(c, s);
    sock = c->sock;
    pthread_mutex_unlock(&c->lock);
    rc = send_all(c, &sock, srpc__wbuf_bytes(&s->out),
                  srpc__wbuf_size(&s->out), s->deadline, &sent, &why);
    if (rc == SRPC_OK)
        return SRPC_OK;
    pthread_mutex_lock(&c->lock);
    /* A call that failed to send is reported by its sender, not as a
     * call in flight (a reader may have failed it meanwhile). */
    srpc__map_remove(c, s);
    if (s->state == SLOT_DONE)
        srpc__client_dequeue_callback(c, s);
    s->state = SLOT_BUILDING;
    if (rc == SRPC_ETIMEDOUT && sent == 0) {
        srpc__slot_error(s, rc, "%s: timed out sending", s->method);
    } else if (rc == SRPC_ETIMEDOUT) {
        /* Half a request is on the wire: the next one would be read as
         * its continuation. */
        srpc__client_break(c, rc, "timed out sending a request; "
                                  "the connection is unusable");
        srpc__slot_error(s, rc, "%s", c->broken_why);
    } else {
        srpc__client_break(c, rc, why);
        srpc__slot_error(s, rc, "%s", c->broken_why);
        *retry = sent == 0;
    }
    pthread_mutex_unlock(&c->lock);
    return rc;
}

int srpc__client_send_slot(srpc_client *c, srpc_pending *s)
{
    const char *why;

    bool retry;
    int rc;

    s->deadline = srpc__now_ms() + s->timeout_ms;
    if (s->out.error)
        return srpc__slot_error(s, s->out.error, "%s: cannot encode the %s: %s",
                                s->method,
                                s->kind == SLOT_NOTIFY ? "notification"
                                                       : "request",
                                srpc_strerror(s->out.error));
    /* Deeper than a server reads (a long recursive list, say), it would
     * close the connection instead of answering, failing every call in
     * flight. */
    if (!srpc__frame_nesting_ok(srpc__wbuf_bytes(&s->out),
                           srpc__wbuf_size(&s->out), &why))
        return srpc__slot_error(s, SRPC_EINVAL, "%s: cannot send the %s: "
                                "%s (at most %d levels)", s->method,
                                s->kind == SLOT_NOTIFY ? "notification"
                                                       : "request",
                                why, SRPC__FRAME_MAX_DEPTH);
    pthread_mutex_lock(&c->send_lock);
    rc = send_once(c, s, &retry);
    /* The peer was gone before any byte of S reached it: S was not run,
     * so sending it on a new connection is safe. */
    if (rc != SRPC_OK && retry && c->reconnect)
        rc = send_once(c, s, &retry);
    pthread_mutex_unlock(&c->send_lock);
    return rc;
}
