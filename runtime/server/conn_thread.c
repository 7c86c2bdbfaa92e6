/*
 * conn_thread.c - see conn_thread.h.
 *
 * Each thread loops: wait (poll) for input or for the stop pipe until the
 * next deadline, read, serve every complete message, send every reply.
 * The socket stays nonblocking and every wait is a poll() with a
 * deadline, so the idle and message timeouts hold exactly as in the
 * event loop.  The stop pipe is written once at shutdown and never read
 * until every thread is joined: it stays readable and wakes them all.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "server/conn.h"
#include "server/conn_thread.h"
#include "transport/sockutil.h"
#include "wire/frame.h"

struct srpc__tconn {
    struct srpc_server *srv;
    const struct srpc__listener *listener;
    struct srpc__sock sock;      /* fd -1 once closed; under srv->lock */
    struct srpc_peer peer;
    pthread_t thread;
    bool done;                   /* under srv->lock: about to exit */
    struct srpc__tconn *next;    /* srv->tconns, under srv->lock */
};

/* One thread's working state. */
struct tstate {
    struct srpc__tconn *t;
    struct srpc_server *srv;
    struct srpc__sock sock;      /* a copy of t->sock, to use unlocked */
    struct srpc__workspace ws;
    struct srpc_server_stats st; /* not yet added to the server's */
    struct srpc__frame frame;
    struct srpc_wbuf out;
    char *rbuf;
    size_t rlen, rcap;
    int64_t last_active;
    int64_t msg_start;           /* 0: no incomplete message */
    bool stopping;               /* the stop pipe fired */
    enum srpc__close_reason reason;
    int64_t code;                /* closing notice; 0: none */
    const char *why;
};

enum { WAIT_STOP = -2, WAIT_ERR = -1, WAIT_TIMEOUT = 0, WAIT_READY = 1 };

_Static_assert(sizeof(struct srpc_server_stats) % sizeof(uint64_t) == 0,
               "merge_stats adds the counters as an array of uint64_t");

/* Adds the thread's counters to the server's. */
static void merge_stats(struct tstate *ts)
{
    uint64_t *dst = (uint64_t *)&ts->srv->stats;
    uint64_t *src = (uint64_t *)&ts->st;

    /* Every field is a uint64_t (sockrpc.h): add them as an array. */
    pthread_mutex_lock(&ts->srv->lock);
    for (size_t i = 0; i < sizeof ts->st / sizeof *src; i++)
        dst[i] += src[i];
    pthread_mutex_unlock(&ts->srv->lock);
    memset(&ts->st, 0, sizeof ts->st);
}

static int64_t earliest(int64_t a, int64_t b)
{
    return a < b ? a : b;
}

/* The deadline for the next wait: idle, message, or the drain. */
static int64_t deadline(const struct tstate *ts)
{
    const struct srpc_server_options *o = &ts->srv->opt;
    int64_t d = INT64_MAX;

    if (o->idle_timeout_ms > 0)
        d = ts->last_active + o->idle_timeout_ms;
    if (o->message_timeout_ms > 0 && ts->msg_start > 0)
        d = earliest(d, ts->msg_start + o->message_timeout_ms);
    if (ts->stopping)
        d = earliest(d, ts->srv->drain_deadline);
    return d;
}

/* Waits for EVENTS on the socket, or the stop pipe, until DEADLINE. */
static int wait_for(struct tstate *ts, short events, int64_t until)
{
    struct pollfd p[2] = { { .fd = ts->sock.fd, .events = events },
                           { .fd = ts->stopping ? -1 : ts->srv->tstop[0],
                             .events = POLLIN } };

    for (;;) {
        int ms = until == INT64_MAX ? -1 : srpc__ms_until(until);
        int n = poll(p, 2, ms);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return WAIT_ERR;
        if (n == 0)
            return WAIT_TIMEOUT;
        if (p[0].revents)
            return WAIT_READY;
        ts->stopping = true;
        return WAIT_STOP;
    }
}

static void set_reason(struct tstate *ts, enum srpc__close_reason r,
                       int64_t code, const char *why)
{
    ts->reason = r;
    ts->code = code;
    ts->why = why;
}

/* A deadline passed: which one. */
static void timed_out(struct tstate *ts)
{
    int64_t now = srpc__now_ms();
    const struct srpc_server_options *o = &ts->srv->opt;

    if (ts->stopping && now >= ts->srv->drain_deadline)
        set_reason(ts, SRPC__CLOSE_SHUTDOWN, SRPC_WIRE_SHUTDOWN,
                   "server shutting down");
    else if (o->message_timeout_ms > 0 && ts->msg_start > 0 &&
             now >= ts->msg_start + o->message_timeout_ms)
        set_reason(ts, SRPC__CLOSE_MESSAGE_TIMEOUT, SRPC_WIRE_LIMIT_MESSAGE,
                   "message timeout");
    else
        set_reason(ts, SRPC__CLOSE_IDLE, SRPC_WIRE_LIMIT_IDLE,
                   "idle timeout");
}

/* Sends the whole reply queue.  False (with the reason set) when the
 * peer is gone or does not read in time. */
static bool send_all(struct tstate *ts)
{
    while (srpc__wbuf_size(&ts->out) > 0) {
        ssize_t n = srpc__sock_send(&ts->sock, srpc__wbuf_bytes(&ts->out),
                                    srpc__wbuf_size(&ts->out));
        int w;

        if (n >= 0) {
            ts->st.bytes_out += (uint64_t)n;
            ts->last_active = srpc__now_ms();
            srpc__wbuf_consume(&ts->out, (size_t)n);
            continue;
        }
        if (errno != EAGAIN && errno != EWOULDBLOCK) {
            set_reason(ts, SRPC__CLOSE_PEER, 0, NULL);
            return false;
        }
        w = wait_for(ts, POLLOUT, deadline(ts));
        if (w == WAIT_TIMEOUT) {
            timed_out(ts);
            return false;
        }
        if (w == WAIT_ERR) {
            set_reason(ts, SRPC__CLOSE_ERROR, 0, NULL);
            return false;
        }
    }
    srpc__wbuf_clear(&ts->out, SRPC__READ_CHUNK);
    return true;
}

/* Serves every complete message in rbuf.  False (reason set) when the
 * input breaks a rule. */
static bool serve_input(struct tstate *ts)
{
    struct srpc__origin from = { &ts->t->peer, ts->sock.fd,
                                 ts->t->listener->bound.text };
    size_t done = 0, n;
    bool completed = false, ok = true;

    while (ok && done < ts->rlen) {
        enum srpc__frame_result r =
            srpc__frame_scan(&ts->frame, ts->rbuf + done, ts->rlen - done, &n);
        const char *why = NULL;

        if (r == SRPC__FRAME_MORE)
            break;
        if (r == SRPC__FRAME_BAD) {
            bool big = ts->frame.status == SRPC_ETOOBIG;

            set_reason(ts, big ? SRPC__CLOSE_TOO_BIG : SRPC__CLOSE_PROTOCOL,
                       big ? SRPC_WIRE_LIMIT_SIZE : SRPC_WIRE_PROTOCOL,
                       ts->frame.why);
            return false;
        }
        if (srpc__serve_message(ts->srv, &ts->ws, &ts->out, &from,
                                ts->rbuf + done, n, &why) != SRPC_OK) {
            set_reason(ts, SRPC__CLOSE_PROTOCOL, SRPC_WIRE_PROTOCOL, why);
            ok = false; /* the replies before it are still sent */
        }
        done += n;
        completed = true;
    }
    memmove(ts->rbuf, ts->rbuf + done, ts->rlen - done);
    ts->rlen -= done;
    if (ts->rlen == 0)
        ts->msg_start = 0;
    else if (completed || ts->msg_start == 0)
        ts->msg_start = srpc__now_ms(); /* a new message began */
    return ok;
}

/* Room for one more read of SRPC__READ_CHUNK bytes; the scanner bounds
 * rlen by the max message size. */
static bool make_room(struct tstate *ts)
{
    size_t cap;
    char *p;

    if (ts->rcap - ts->rlen >= SRPC__READ_CHUNK)
        return true;
    cap = ts->rlen + SRPC__READ_CHUNK;
    if (cap < 2 * ts->rcap)
        cap = 2 * ts->rcap;
    p = realloc(ts->rbuf, cap);
    if (!p)
        return false;
    ts->rbuf = p;
    ts->rcap = cap;
    return true;
}

/* One read.  True to go on; false with the reason set. */
static bool read_some(struct tstate *ts)
{
    ssize_t n;

    if (!make_room(ts)) {
        set_reason(ts, SRPC__CLOSE_ERROR, 0, NULL);
        return false;
    }
    n = ts->sock.ops->recv(&ts->sock, ts->rbuf + ts->rlen, SRPC__READ_CHUNK);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        if (!ts->stopping)
            return true;
        /* Stopping and nothing more received: done. */
        set_reason(ts, SRPC__CLOSE_SHUTDOWN, SRPC_WIRE_SHUTDOWN,
                   "server shutting down");
        return false;
    }
    if (n <= 0) {
        set_reason(ts, SRPC__CLOSE_PEER, 0, NULL);
        return false;
    }
    ts->st.bytes_in += (uint64_t)n;
    ts->rlen += (size_t)n;
    ts->last_active = srpc__now_ms();
    if (!serve_input(ts)) {
        (void)send_all(ts); /* the replies queued before the bad input */
        return false;
    }
    merge_stats(ts); /* calls counted before their replies are seen */
    return send_all(ts);
}

static void serve_connection(struct tstate *ts)
{
    for (;;) {
        int w = ts->stopping ? WAIT_READY
                             : wait_for(ts, POLLIN, deadline(ts));

        if (w == WAIT_TIMEOUT) {
            timed_out(ts);
            return;
        }
        if (w == WAIT_ERR) {
            set_reason(ts, SRPC__CLOSE_ERROR, 0, NULL);
            return;
        }
        /* WAIT_STOP: read what was already sent, then end. */
        if (!read_some(ts))
            return;
        merge_stats(ts);
    }
}

/* Logs why the server closes the connection, as conn.c does. */
static void log_close(const struct tstate *ts)
{
    int level = ts->reason == SRPC__CLOSE_IDLE ? SRPC_LOG_INFO
                                               : SRPC_LOG_WARN;
    char name[160];

    if (ts->code == 0 || ts->reason == SRPC__CLOSE_SHUTDOWN ||
        !srpc__log_enabled(level))
        return;
    srpc__describe_peer(ts->sock.fd, &ts->t->peer, ts->t->listener->bound.text,
                        name, sizeof name);
    srpc__log_rated(&ts->srv->drop_rate, level,
                    "%s: %s; closing the connection", name, ts->why);
}

static void finish(struct tstate *ts)
{
    struct srpc_server *srv = ts->srv;

    log_close(ts);
    if (ts->code != 0) { /* one attempt: a dropped peer gets no more time */
        ssize_t n;

        srpc__queue_closing(&ts->out, ts->code, ts->why);
        n = srpc__sock_send(&ts->sock, srpc__wbuf_bytes(&ts->out),
                            srpc__wbuf_size(&ts->out));
        if (n > 0)
            ts->st.bytes_out += (uint64_t)n;
    }
    srpc__count_close(&ts->st, ts->reason);
    srpc__workspace_fini(&ts->ws);
    srpc__wbuf_fini(&ts->out);
    free(ts->rbuf);
    pthread_mutex_lock(&srv->lock);
    /* fd -1 under the lock: abort() must not shut a reused descriptor
     * down. */
    ts->t->sock.ops->close(&ts->t->sock);
    srv->nthreads--;
    pthread_mutex_unlock(&srv->lock);
    merge_stats(ts); /* after the close: a counter seen means it is done */
    pthread_mutex_lock(&srv->lock);
    ts->t->done = true; /* from here on T may be freed by the reaper */
    pthread_mutex_unlock(&srv->lock);
    if (write(srv->wake[1], "", 1) < 0) {
        /* EAGAIN: the loop is awake anyway and will reap us */
    }
}

static void *tconn_main(void *arg)
{
    struct tstate ts;

    memset(&ts, 0, sizeof ts);
    ts.t = arg;
    ts.srv = ts.t->srv;
    ts.sock = ts.t->sock;
    ts.last_active = srpc__now_ms();
    srpc__frame_init(&ts.frame, ts.srv->opt.max_message_size);
    srpc__wbuf_init(&ts.out);
    if (srpc__workspace_init(&ts.ws, &ts.st) == SRPC_OK)
        serve_connection(&ts);
    else
        set_reason(&ts, SRPC__CLOSE_ERROR, 0, NULL);
    finish(&ts);
    return NULL;
}

int srpc__tconn_start(struct srpc_server *srv, struct srpc__sock *sock,
                      const struct srpc__listener *listener,
                      const struct srpc_peer *peer)
{
    struct srpc__tconn *t = calloc(1, sizeof *t);
    int e;

    if (!t) {
        sock->ops->close(sock);
        return SRPC_ENOMEM;
    }
    t->srv = srv;
    t->listener = listener;
    t->sock = *sock;
    t->peer = *peer;
    pthread_mutex_lock(&srv->lock);
    e = pthread_create(&t->thread, NULL, tconn_main, t);
    if (e == 0) {
        t->next = srv->tconns;
        srv->tconns = t;
        srv->nthreads++;
        srv->stats.connections_accepted++;
    }
    pthread_mutex_unlock(&srv->lock);
    if (e != 0) {
        t->sock.ops->close(&t->sock);
        free(t);
        return e == ENOMEM ? SRPC_ENOMEM : SRPC_EIO;
    }
    return SRPC_OK;
}

size_t srpc__tconn_count(struct srpc_server *srv)
{
    size_t n;

    pthread_mutex_lock(&srv->lock);
    n = srv->nthreads;
    pthread_mutex_unlock(&srv->lock);
    return n;
}

/* Unlinks the finished threads (every thread with ALL) into a list. */
static struct srpc__tconn *take(struct srpc_server *srv, bool all)
{
    struct srpc__tconn **pp = &srv->tconns, *got = NULL;

    pthread_mutex_lock(&srv->lock);
    while (*pp) {
        struct srpc__tconn *t = *pp;

        if (all || t->done) {
            *pp = t->next;
            t->next = got;
            got = t;
        } else {
            pp = &t->next;
        }
    }
    pthread_mutex_unlock(&srv->lock);
    return got;
}

void srpc__tconn_reap(struct srpc_server *srv, bool all)
{
    struct srpc__tconn *t = take(srv, all), *next;

    for (; t; t = next) {
        next = t->next;
        pthread_join(t->thread, NULL); /* cannot fail: joinable, ours */
        free(t);
    }
}

void srpc__tconn_stop(struct srpc_server *srv)
{
    if (write(srv->tstop[1], "", 1) < 0) {
        /* EAGAIN: a byte is there already, which is all it takes */
    }
}

void srpc__tconn_abort(struct srpc_server *srv)
{
    pthread_mutex_lock(&srv->lock);
    for (struct srpc__tconn *t = srv->tconns; t; t = t->next)
        if (t->sock.fd >= 0)
            t->sock.ops->shutdown(&t->sock); /* the thread's waits return */
    pthread_mutex_unlock(&srv->lock);
}

void srpc__tconn_rearm(struct srpc_server *srv)
{
    char buf[16];

    while (read(srv->tstop[0], buf, sizeof buf) > 0)
        ; /* empty again: the next stop writes a fresh byte */
}
