/*
 * conn.c - see conn.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "conn.h"
#include "log.h"
#include "loop.h"
#include "sockutil.h"

int srpc__conn_open(struct srpc_server *srv, int fd,
                    const struct srpc__listener *listener)
{
    struct srpc__conn *c = calloc(1, sizeof *c);

    if (!c) {
        srpc__close(fd);
        return SRPC_ENOMEM;
    }
    c->kind = SRPC__H_CONN;
    c->fd = fd;
    c->server = srv;
    c->listener = listener;
    srpc__frame_init(&c->frame, srv->opt.max_message_size);
    srpc__wbuf_init(&c->out);
    c->events = SRPC__EV_READ;
    if (srpc__loop_set(srv->loop, fd, c->events, c) < 0) {
        srpc__close(fd);
        free(c);
        return SRPC_ENOMEM;
    }
    c->next = srv->conns;
    if (srv->conns)
        srv->conns->prev = c;
    srv->conns = c;
    srv->nconns++;
    return SRPC_OK;
}

void srpc__conn_free(struct srpc__conn *c)
{
    struct srpc_server *srv = c->server;

    srpc__loop_del(srv->loop, c->fd);
    srpc__close(c->fd);
    if (c->prev)
        c->prev->next = c->next;
    else
        srv->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    srv->nconns--;
    free(c->rbuf);
    srpc__wbuf_fini(&c->out);
    free(c);
}

/* "tcp 127.0.0.1:4242" or "unix:/path" (Unix clients have no name): for
 * log lines only, so it is computed only when one is written. */
static void peer_name(const struct srpc__conn *c, char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getpeername(c->fd, (struct sockaddr *)&ss, &len) == 0 &&
        (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port,
                    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        srpc__errf(buf, size, "client %s port %s", host, port);
        return;
    }
    srpc__errf(buf, size, "client of %s (fd %d)", c->listener->bound.text,
               c->fd);
}

static void reject(struct srpc__conn *c, const char *why)
{
    char peer[128];

    peer_name(c, peer, sizeof peer);
    srpc__log_error("%s: %s; closing the connection", peer, why);
    c->closing = true;
}

static bool queue_full(const struct srpc__conn *c)
{
    return srpc__wbuf_size(&c->out) >= c->server->opt.max_write_queue;
}

/* Serves the complete messages at the start of DATA[0, LEN) while the
 * reply queue has room.  Returns the bytes consumed; what remains starts
 * with the message the scanner stopped in (its state is in c->frame). */
static size_t serve(struct srpc__conn *c, const char *data, size_t len)
{
    size_t done = 0;

    while (!c->closing && done < len && !queue_full(c)) {
        const char *why = NULL;
        size_t n;

        switch (srpc__frame_scan(&c->frame, data + done, len - done, &n)) {
        case SRPC__FRAME_MORE:
            return done;
        case SRPC__FRAME_BAD:
            reject(c, c->frame.why);
            return len;
        case SRPC__FRAME_DONE:
            if (srpc__serve_message(c->server, &c->out, data + done, n,
                                    &why) != SRPC_OK)
                reject(c, why);
            done += n;
            break;
        }
    }
    return c->closing ? len : done;
}

/* Keeps DATA[0, LEN), not yet served, in rbuf (DATA may be rbuf). */
static int keep(struct srpc__conn *c, const char *data, size_t len)
{
    if (len == 0) {
        free(c->rbuf); /* idle connections hold no input buffer */
        c->rbuf = NULL;
        c->rlen = c->rcap = 0;
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
    if (c->rlen == 0)
        return c->server->scratch;
    if (c->rcap - c->rlen < SRPC__READ_CHUNK) {
        /* Doubling: a large message read in chunks is copied O(1) times
         * per byte.  The scanner bounds rlen by the max message size. */
        size_t cap = c->rlen + SRPC__READ_CHUNK;
        char *p;

        if (cap < 2 * c->rcap)
            cap = 2 * c->rcap;
        p = realloc(c->rbuf, cap);
        if (!p)
            return NULL;
        c->rbuf = p;
        c->rcap = cap;
    }
    return c->rbuf + c->rlen;
}

/* One read, then serve.  SRPC_OK, or a status when C must be freed now. */
static int on_readable(struct srpc__conn *c)
{
    char *buf = read_target(c);
    ssize_t n;

    if (!buf)
        return SRPC_ENOMEM;
    n = srpc__recv(c->fd, buf, SRPC__READ_CHUNK);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? SRPC_OK : SRPC_EIO;
    if (n == 0) {
        c->eof = true;
        if (c->rlen > 0)
            srpc__log_debug("fd %d: peer closed mid-message", c->fd);
        return SRPC_OK;
    }
    if (buf == c->server->scratch) {
        size_t used = serve(c, buf, (size_t)n);

        return keep(c, buf + used, (size_t)n - used);
    }
    c->rlen += (size_t)n;
    (void)serve_kept(c);
    return SRPC_OK;
}

/* Sends what the queue holds until the socket's buffer is full.  SRPC_OK,
 * or SRPC_EIO / SRPC_ECLOSED when the peer is gone. */
static int flush(struct srpc__conn *c)
{
    while (srpc__wbuf_size(&c->out) > 0) {
        ssize_t n = srpc__send(c->fd, srpc__wbuf_bytes(&c->out),
                               srpc__wbuf_size(&c->out));

        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return SRPC_OK;
            return errno == EPIPE || errno == ECONNRESET ? SRPC_ECLOSED
                                                         : SRPC_EIO;
        }
        srpc__wbuf_consume(&c->out, (size_t)n);
    }
    /* Drained: do not keep a large buffer for an idle connection. */
    srpc__wbuf_clear(&c->out, SRPC__READ_CHUNK);
    return SRPC_OK;
}

/* Flushes, serves what backpressure held back, and sets the interest.
 * Returns false when C must be freed. */
static bool settle(struct srpc__conn *c)
{
    unsigned want = 0;

    do {
        if (flush(c) != SRPC_OK)
            return false;
    } while (serve_kept(c));
    if (!c->eof && !c->closing && !queue_full(c))
        want |= SRPC__EV_READ;
    if (srpc__wbuf_size(&c->out) > 0)
        want |= SRPC__EV_WRITE;
    if (want == 0 && (c->eof || c->closing))
        return false; /* nothing to send, nothing more to read: done */
    if (want != c->events) {
        if (srpc__loop_set(c->server->loop, c->fd, want, c) < 0)
            return false;
        c->events = want;
    }
    return true;
}

void srpc__conn_on_event(struct srpc__conn *c, unsigned events)
{
    /* A hang-up is reported as readable even when reading is off; the
     * flush in settle() then finds the peer gone. */
    if ((events & SRPC__EV_READ) && (c->events & SRPC__EV_READ)) {
        if (on_readable(c) != SRPC_OK) {
            srpc__conn_free(c);
            return;
        }
    }
    if (!settle(c))
        srpc__conn_free(c);
}
