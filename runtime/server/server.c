/*
 * server.c - the public server API: create, listen, register, run, stop,
 * destroy; and accepting connections.
 *
 * The run loop waits on the event loop and routes each ready descriptor by
 * the kind of its udata: a listener accepts, a connection does its I/O
 * (conn.c), the self-pipe wakes the loop up after srpc_server_stop().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/fdlimit.h"
#include "base/log.h"
#include "server/conn.h"
#include "server/conn_thread.h"
#include "server/loop.h"
#include "server/server.h"
#include "transport/sockutil.h"

enum {
    DEFAULT_MAX_MESSAGE = 1024 * 1024,
    DEFAULT_MAX_WRITE_QUEUE = 4 * 1024 * 1024,
    DEFAULT_MAX_CONNECTIONS = 10000,
    DEFAULT_MAX_THREADS = 1024, /* max_connections in thread mode */
    FD_RESERVE = 32,          /* listeners, wake pipe, the application */
    DEFAULT_IDLE_MS = 60000,
    DEFAULT_MESSAGE_MS = 10000,
    DEFAULT_ACCEPTS = 64,     /* accepts per wakeup: others get a turn */
    DEFAULT_UNIX_MODE = 0600,
    ACCEPT_PAUSE_MS = 100,    /* after EMFILE: let descriptors free up */
    DRAIN_MS = 2000           /* shutdown: longest wait for slow readers */
};

static int make_pipe(int fds[2])
{
#ifdef HAVE_PIPE2
    return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
#else
    if (pipe(fds) < 0)
        return -1;
    if (srpc__set_nonblock_cloexec(fds[0]) < 0 ||
        srpc__set_nonblock_cloexec(fds[1]) < 0) {
        srpc__close(fds[0]);
        srpc__close(fds[1]);
        return -1;
    }
    return 0;
#endif
}

/* The connections SOFT descriptors hold, at most CAP, with FD_RESERVE
 * kept back: past the descriptor limit accept fails anyway, and a few
 * descriptors must stay for everything else. */
static size_t connections_within(rlim_t soft, size_t cap)
{
    if (soft <= FD_RESERVE)
        return 1;
    /* RLIM_INFINITY is above every finite value: then CAP. */
    return soft - FD_RESERVE >= cap ? cap : (size_t)(soft - FD_RESERVE);
}

/* A limit for a log line: its number, or "unlimited". */
static const char *limit_text(rlim_t v, char *buf, size_t size)
{
    if (v == RLIM_INFINITY)
        return "unlimited";
    snprintf(buf, size, "%llu", (unsigned long long)v);
    return buf;
}

/* The figures at debug level; a failure, rare and costly (fewer
 * connections than configured), as a warning. */
static void log_fdlimit(const struct srpc__fdlimit *fl, int err, size_t max,
                        size_t asked)
{
    char before[24], after[24], hard[24], goal[24];
    const char *given = asked ? " (as given)" : "";

    if (err != 0 && !fl->known)
        srpc__log(SRPC_LOG_WARN, "getrlimit(RLIMIT_NOFILE): %s; "
                  "max_connections %zu%s", strerror(err), max, given);
    else if (err != 0)
        srpc__log(SRPC_LOG_WARN, "cannot raise the descriptor limit from "
                  "%s to %s: %s; max_connections %zu%s",
                  limit_text(fl->before, before, sizeof before),
                  limit_text(fl->goal, goal, sizeof goal), strerror(err),
                  max, given);
    else if (srpc__log_debug_enabled())
        srpc__log_debug("descriptor limit: soft %s -> %s (hard %s); "
                        "max_connections %zu%s",
                        limit_text(fl->before, before, sizeof before),
                        limit_text(fl->after, after, sizeof after),
                        limit_text(fl->hard, hard, sizeof hard), max, given);
}

/*
 * Makes room for ASKED connections (0: the default) and returns
 * max_connections.  As Redis does: the soft RLIMIT_NOFILE is raised as
 * far as max_connections plus FD_RESERVE need, up to the hard limit and
 * no further, since every child the program starts inherits it.  The
 * default is then what the limit holds, at most 10000 connections, or
 * 1024 in thread mode: each is a thread with its own stack, counted in
 * the user's RLIMIT_NPROC, and a program that wants more says so.  An
 * explicit max_connections is kept as given, even where the limit is
 * short of it (accept then pauses on EMFILE, as it always did).
 */
static size_t size_connections(size_t asked, bool threads)
{
    size_t cap = asked ? asked
                       : threads ? DEFAULT_MAX_THREADS : DEFAULT_MAX_CONNECTIONS;
    rlim_t want = (rlim_t)cap < RLIM_INFINITY - FD_RESERVE
                      ? (rlim_t)cap + FD_RESERVE
                      : RLIM_INFINITY;
    struct srpc__fdlimit fl;
    int err = 0;
    size_t max;

    if (srpc__fdlimit_raise(want, &fl) < 0)
        err = errno;
    /* fl.after is the limit in force, failure or not; when even getrlimit
     * failed it is unknown (infinite), and EMFILE at accept is the guard,
     * as it is for any descriptor the application opens later. */
    max = asked ? asked : connections_within(fl.after, cap);
    log_fdlimit(&fl, err, max, asked);
    return max;
}

/* The bounds of the buffers the server keeps warm (server.h).  An input
 * buffer is kept past 256 KiB, up to the largest message and a read; a
 * reply buffer past SRPC__READ_CHUNK (what a drained queue keeps anyway),
 * up to twice the larger of the two limits a reply is measured against,
 * as buffers double. */
static void set_spares(struct srpc_server *s)
{
    const struct srpc_server_options *opt = &s->opt;
    size_t most = opt->max_message_size > opt->max_write_queue
                      ? opt->max_message_size
                      : opt->max_write_queue;

    s->in_spare.min = 4 * SRPC__READ_CHUNK;
    s->in_spare.max = opt->max_message_size <= SIZE_MAX - SRPC__READ_CHUNK
                          ? opt->max_message_size + SRPC__READ_CHUNK
                          : SIZE_MAX;
    s->out_spare.min = SRPC__READ_CHUNK;
    s->out_spare.max = most <= SIZE_MAX / 2 ? 2 * most : SIZE_MAX;
}

/* Zero means the default; negative timeouts mean "never" (stored as 0). */
static int timeout_option(int v, int dflt)
{
    return v == 0 ? dflt : v < 0 ? 0 : v;
}

static int copy_uids(struct srpc_server *s, const struct srpc_server_options *o)
{
    size_t n = o->allowed_uids_count;

    if (!o->allowed_uids)
        return n == 0 ? SRPC_OK : SRPC_EINVAL;
    s->opt.allowed_uids_count = n;
    if (n == 0) /* an empty allow-list admits nobody: keep a non-NULL list */
        return SRPC_OK;
    s->uids = malloc(n * sizeof *s->uids);
    if (!s->uids)
        return SRPC_ENOMEM;
    memcpy(s->uids, o->allowed_uids, n * sizeof *s->uids);
    s->opt.allowed_uids = s->uids;
    return SRPC_OK;
}

static int set_options(struct srpc_server *s,
                       const struct srpc_server_options *o)
{
    static const struct srpc_server_options none;

    if (!o)
        o = &none;
    if (o->max_depth > SRPC__FRAME_MAX_DEPTH || o->unix_mode > 0777)
        return SRPC_EINVAL;
    s->opt.max_message_size = o->max_message_size ? o->max_message_size
                                                  : DEFAULT_MAX_MESSAGE;
    s->opt.max_write_queue = o->max_write_queue ? o->max_write_queue
                                                : DEFAULT_MAX_WRITE_QUEUE;
    s->opt.max_connections = o->max_connections; /* 0: sized by init() */
    s->opt.idle_timeout_ms = timeout_option(o->idle_timeout_ms,
                                            DEFAULT_IDLE_MS);
    s->opt.message_timeout_ms = timeout_option(o->message_timeout_ms,
                                               DEFAULT_MESSAGE_MS);
    s->opt.accepts_per_turn = o->accepts_per_turn ? o->accepts_per_turn
                                                  : DEFAULT_ACCEPTS;
    s->opt.max_depth = o->max_depth ? o->max_depth : SRPC__FRAME_MAX_DEPTH;
    s->opt.unix_mode = o->unix_mode ? o->unix_mode : DEFAULT_UNIX_MODE;
    s->restrict_uids = o->allowed_uids != NULL;
    s->opt.threads_per_connection = o->threads_per_connection != 0;
    set_spares(s);
    return copy_uids(s, o);
}

static int init(struct srpc_server *s, const struct srpc_server_options *o)
{
    int rc;

    s->wake[0] = s->wake[1] = -1;
    s->tstop[0] = s->tstop[1] = -1;
    s->wake_kind = SRPC__H_WAKE;
    if (pthread_mutex_init(&s->lock, NULL) != 0)
        return SRPC_ENOMEM;
    s->lock_ok = true;
    rc = set_options(s, o);
    if (rc != SRPC_OK)
        return rc;
    srpc__registry_init(&s->registry);
    if (srpc__workspace_init(&s->ws, &s->stats) != SRPC_OK)
        return SRPC_ENOMEM;
    s->scratch = malloc(SRPC__READ_CHUNK);
    s->loop = srpc__loop_create();
    if (!s->scratch || !s->loop)
        return SRPC_ENOMEM;
    if (make_pipe(s->wake) < 0 ||
        (s->opt.threads_per_connection && make_pipe(s->tstop) < 0))
        return errno == ENOMEM ? SRPC_ENOMEM : SRPC_EIO;
    if (srpc__loop_set(s->loop, s->wake[0], SRPC__EV_READ, &s->wake_kind) < 0)
        return SRPC_ENOMEM;
    /* Last: a server that could not be created changes no limit. */
    s->opt.max_connections = size_connections(s->opt.max_connections,
                                              s->opt.threads_per_connection);
    return SRPC_OK;
}

int srpc_server_create(srpc_server **out,
                       const struct srpc_server_options *options)
{
    struct srpc_server *s;
    int rc;

    if (!out)
        return SRPC_EINVAL;
    *out = NULL;
    s = calloc(1, sizeof *s);
    if (!s)
        return SRPC_ENOMEM;
    rc = init(s, options);
    if (rc != SRPC_OK) {
        srpc_server_destroy(s); /* safe on a half-initialised server */
        return rc;
    }
    *out = s;
    return SRPC_OK;
}

const char *srpc_server_errmsg(const srpc_server *server)
{
    return server ? server->errmsg : "no server";
}

int srpc_server_register(srpc_server *server,
                         const struct srpc_interface *iface, const void *impl,
                         void *user_data)
{
    if (!server)
        return SRPC_EINVAL;
    return srpc__registry_add(&server->registry, iface, impl, user_data,
                              server->errmsg, sizeof server->errmsg);
}

static int add_listener(struct srpc_server *s, struct srpc__listener *l)
{
    struct srpc__listener **v;

    v = realloc(s->listeners, (s->nlisteners + 1) * sizeof *v);
    if (!v)
        return SRPC_ENOMEM;
    s->listeners = v;
    if (srpc__loop_set(s->loop, l->fd, SRPC__EV_READ, l) < 0)
        return SRPC_ENOMEM;
    v[s->nlisteners++] = l;
    return SRPC_OK;
}

static void close_listener(struct srpc_server *s, struct srpc__listener *l)
{
    srpc__loop_del(s->loop, l->fd);
    srpc__close(l->fd);
    l->ops->cleanup(&l->bound);
    free(l);
}

int srpc_server_listen(srpc_server *server, const char *address)
{
    struct srpc__address addr;
    struct srpc__listener *l;
    int rc;

    if (!server)
        return SRPC_EINVAL;
    rc = srpc__address_parse(address, &addr, server->errmsg,
                             sizeof server->errmsg);
    if (rc != SRPC_OK)
        return rc;
    l = calloc(1, sizeof *l);
    if (!l) {
        srpc__errf(server->errmsg, sizeof server->errmsg, "out of memory");
        return SRPC_ENOMEM;
    }
    l->kind = SRPC__H_LISTENER;
    l->ops = addr.ops;
    rc = addr.ops->listen(&addr, server->opt.unix_mode, &l->fd, &l->bound,
                          server->errmsg, sizeof server->errmsg);
    if (rc != SRPC_OK) {
        free(l);
        return rc;
    }
    rc = add_listener(server, l);
    if (rc != SRPC_OK) {
        close_listener(server, l);
        srpc__errf(server->errmsg, sizeof server->errmsg, "out of memory");
        return rc;
    }
    srpc__log_debug("listening on %s", l->bound.text);
    return SRPC_OK;
}

const char *srpc_server_address(const srpc_server *server, size_t n)
{
    if (!server || n >= server->nlisteners)
        return NULL;
    return server->listeners[n]->bound.text;
}

/* Stops accepting on L for a while: without descriptors, accept fails at
 * once and a level-triggered loop would spin on the pending connection. */
static void pause_accepting(struct srpc_server *s, struct srpc__listener *l)
{
    /* Once per episode: the condition lasts, the log should not flood. */
    if (!l->pause_logged)
        srpc__log_error("%s: cannot accept: %s; pausing for %d ms at a time",
                        l->bound.text, strerror(errno), ACCEPT_PAUSE_MS);
    l->pause_logged = true;
    l->paused_until = srpc__now_ms() + ACCEPT_PAUSE_MS;
    if (srpc__loop_set(s->loop, l->fd, 0, l) < 0)
        l->paused_until = 0; /* cannot mute: keep accepting */
}

static bool uid_allowed(const struct srpc_server *s, int64_t uid)
{
    if (!s->restrict_uids)
        return true;
    for (size_t i = 0; i < s->opt.allowed_uids_count; i++)
        if ((int64_t)s->opt.allowed_uids[i] == uid)
            return true;
    return false; /* unknown credentials (uid -1) are not allowed either */
}

/* Logs a refusal; under a flood, one line a second with a count. */
static void log_refusal(struct srpc_server *s, int fd,
                        const struct srpc_peer *peer,
                        const struct srpc__listener *l, const char *why)
{
    char name[160];

    if (!srpc__log_enabled(SRPC_LOG_WARN))
        return;
    srpc__describe_peer(fd, peer, l->bound.text, name, sizeof name);
    srpc__log_rated(&s->refusal_rate, SRPC_LOG_WARN, "%s: refused: %s",
                    name, why);
}

/* Connection threads update the counters too: then they need the lock. */
static void stats_lock(const struct srpc_server *s)
{
    if (s->opt.threads_per_connection)
        pthread_mutex_lock((pthread_mutex_t *)&s->lock);
}

static void stats_unlock(const struct srpc_server *s)
{
    if (s->opt.threads_per_connection)
        pthread_mutex_unlock((pthread_mutex_t *)&s->lock);
}

/* Connections being served, by the loop or by threads. */
static size_t open_connections(struct srpc_server *s)
{
    return s->opt.threads_per_connection ? srpc__tconn_count(s) : s->nconns;
}

/* Closes the just-accepted SOCK with a notice; nothing was allocated for
 * it, and the notice is built on the stack. */
static void refuse(struct srpc_server *s, struct srpc__sock *sock,
                   const struct srpc_peer *peer,
                   const struct srpc__listener *l, int64_t code,
                   const char *why)
{
    char notice[128];
    size_t n = srpc__closing_bytes(notice, sizeof notice, code, why);
    ssize_t sent = 0;

    log_refusal(s, sock->fd, peer, l, why);
    /* One try: a peer that cannot take 128 bytes at once is not waited
     * for, and a partial notice is only counted as far as it went. */
    if (n > 0)
        sent = srpc__sock_send(sock, notice, n);
    /* Counted before the close, which the peer may see at once: a peer
     * told it was refused then reads the count that says so. */
    stats_lock(s);
    s->stats.bytes_out += sent > 0 ? (uint64_t)sent : 0;
    s->stats.connections_refused++;
    stats_unlock(s);
    sock->ops->close(sock);
}

static void admit(struct srpc_server *s, struct srpc__listener *l,
                  struct srpc__sock *sock)
{
    struct srpc_peer peer;

    (void)sock->ops->peer_cred(sock, &peer); /* -1s when there are none */
    if (open_connections(s) >= s->opt.max_connections) {
        refuse(s, sock, &peer, l, SRPC_WIRE_LIMIT_CONNS,
               "too many connections (max_connections)");
        return;
    }
    if (!uid_allowed(s, peer.uid)) {
        refuse(s, sock, &peer, l, SRPC_WIRE_NOT_ALLOWED,
               "uid not in allowed_uids");
        return;
    }
    (void)sock->ops->setup(sock); /* failure costs latency only */
    if (s->opt.threads_per_connection) {
        if (srpc__tconn_start(s, sock, l, &peer) != SRPC_OK)
            srpc__log_error("%s: cannot start a thread for a new "
                            "connection", l->bound.text);
    } else if (srpc__conn_open(s, sock, l, &peer) != SRPC_OK) {
        srpc__log_error("%s: out of memory for a new connection",
                        l->bound.text);
    }
}

static void accept_some(struct srpc_server *s, struct srpc__listener *l)
{
    for (unsigned i = 0; i < s->opt.accepts_per_turn; i++) {
        struct srpc__sock sock;

        if (l->ops->accept(l->fd, &sock) < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                errno == ENOMEM)
                pause_accepting(s, l);
            else if (errno == ECONNABORTED || errno == EPROTO ||
                     errno == EPERM)
                continue; /* that client is gone; others may wait */
            else if (errno != EAGAIN && errno != EWOULDBLOCK)
                srpc__log_error("%s: accept: %s", l->bound.text,
                                strerror(errno));
            return;
        }
        l->pause_logged = false;
        admit(s, l, &sock);
    }
}

/* Resumes paused listeners whose pause is over.  Not while draining:
 * then every listener stays muted. */
static void resume_listeners(struct srpc_server *s, int64_t now)
{
    for (size_t i = 0; i < s->nlisteners; i++) {
        struct srpc__listener *l = s->listeners[i];

        if (l->paused_until != 0 && now >= l->paused_until &&
            srpc__loop_set(s->loop, l->fd, SRPC__EV_READ, l) == 0)
            l->paused_until = 0;
    }
}

static int min_timeout(int a, int b)
{
    if (a < 0)
        return b;
    if (b < 0)
        return a;
    return a < b ? a : b;
}

static int ms_between(int64_t now, int64_t then)
{
    if (then <= now)
        return 0;
    return then - now > INT32_MAX ? INT32_MAX : (int)(then - now);
}

/* How long the loop may sleep at NOW: until the next paused listener,
 * connection deadline or the end of a drain (-1: until an event).  O(1)
 * in the number of connections. */
static int next_wake(const struct srpc_server *s, int64_t now)
{
    int t = srpc__conns_next_deadline(s, now);

    if (s->stop_requested && !s->draining)
        return 0;
    if (s->draining)
        return min_timeout(t, ms_between(now, s->drain_deadline));
    for (size_t i = 0; i < s->nlisteners; i++)
        if (s->listeners[i]->paused_until != 0)
            t = min_timeout(t, ms_between(now, s->listeners[i]->paused_until));
    return t;
}

static void drain_wake(struct srpc_server *s)
{
    char buf[64];

    while (read(s->wake[0], buf, sizeof buf) > 0)
        ; /* the flag says why we woke up; the bytes only wake us */
}

static void handle(struct srpc_server *s, int fd, unsigned events)
{
    enum srpc__handle_kind *h = srpc__loop_data(s->loop, fd);

    if (!h)
        return; /* closed by an earlier event of this round */
    switch (*h) {
    case SRPC__H_LISTENER:
        accept_some(s, (struct srpc__listener *)h);
        break;
    case SRPC__H_CONN:
        srpc__conn_on_event((struct srpc__conn *)h, events);
        break;
    case SRPC__H_WAKE:
        drain_wake(s);
        break;
    }
}

/* srpc_server_stop() was called: accept no more, serve what connections
 * have sent, and let their replies drain. */
static void begin_drain(struct srpc_server *s)
{
    struct srpc__conn *c, *next;

    s->draining = true;
    s->drain_deadline = srpc__now_ms() + DRAIN_MS;
    for (size_t i = 0; i < s->nlisteners; i++) {
        /* Muted, not closed: srpc_server_run() may be called again. */
        (void)srpc__loop_set(s->loop, s->listeners[i]->fd, 0, s->listeners[i]);
        s->listeners[i]->paused_until = 0;
    }
    /* A drained connection may be freed, or moved to the tail of the
     * list (then it is visited twice, harmlessly: it reads no more). */
    for (c = s->active.head; c; c = next) {
        next = c->alink.next;
        srpc__conn_drain(c);
    }
    if (s->opt.threads_per_connection)
        srpc__tconn_stop(s);
}

/* The drain is over (every connection closed, or time is up). */
static void end_drain(struct srpc_server *s)
{
    size_t left = open_connections(s);

    if (left > 0)
        srpc__log(SRPC_LOG_WARN, "shutdown: closing %zu connection%s not "
                  "finished within %d ms", left, left == 1 ? "" : "s",
                  DRAIN_MS);
    while (s->active.head)
        srpc__conn_close_now(s->active.head, SRPC__CLOSE_SHUTDOWN,
                             SRPC_WIRE_SHUTDOWN, "server shutting down");
    if (s->opt.threads_per_connection) {
        srpc__tconn_abort(s);
        srpc__tconn_reap(s, true); /* waits for handlers still running */
        srpc__tconn_rearm(s);
    }
    for (size_t i = 0; i < s->nlisteners; i++)
        (void)srpc__loop_set(s->loop, s->listeners[i]->fd, SRPC__EV_READ,
                             s->listeners[i]);
    s->draining = false;
    s->stop_requested = 0;
}

static bool drain_done(struct srpc_server *s)
{
    return s->draining && (open_connections(s) == 0 ||
                           srpc__now_ms() >= s->drain_deadline);
}

/* One turn of the loop; see srpc_server_step(). */
static int turn(struct srpc_server *s, int timeout_ms)
{
    int64_t now = srpc__now_ms();
    int n;

    if (s->stop_requested && !s->draining)
        begin_drain(s);
    if (!drain_done(s)) {
        if (!s->draining)
            resume_listeners(s, now);
        n = srpc__loop_wait(s->loop,
                            min_timeout(timeout_ms, next_wake(s, now)));
        if (n < 0) {
            srpc__errf(s->errmsg, sizeof s->errmsg,
                       "waiting for events: %s", strerror(errno));
            return SRPC_EIO;
        }
        for (int i = 0; i < n; i++) {
            int fd;
            unsigned events;

            srpc__loop_fired(s->loop, i, &fd, &events);
            handle(s, fd, events);
        }
        (void)srpc__conns_expire(s, srpc__now_ms());
        if (s->opt.threads_per_connection)
            srpc__tconn_reap(s, false);
    }
    if (!drain_done(s))
        return SRPC_OK;
    end_drain(s);
    return SRPC_ECLOSED;
}

int srpc_server_step(srpc_server *server, int timeout_ms)
{
    int rc;

    if (!server || server->in_step)
        return SRPC_EINVAL; /* e.g. called from a handler */
    server->in_step = true;
    rc = turn(server, timeout_ms);
    server->in_step = false;
    return rc;
}

int srpc_server_fds(srpc_server *server, struct pollfd *fds, size_t max,
                    size_t *n, int *timeout_ms)
{
    if (!server || !n || !timeout_ms || (max > 0 && !fds))
        return SRPC_EINVAL;
    *timeout_ms = next_wake(server, srpc__now_ms());
    return srpc__loop_pollfds(server->loop, fds, max, n) == 0 ? SRPC_OK
                                                             : SRPC_EINVAL;
}

int srpc_server_run(srpc_server *server)
{
    int rc;

    if (!server || server->running)
        return SRPC_EINVAL;
    server->running = true;
    do
        rc = srpc_server_step(server, -1);
    while (rc == SRPC_OK);
    server->running = false;
    return rc == SRPC_ECLOSED ? SRPC_OK : rc;
}

int srpc_server_stats(const srpc_server *server, struct srpc_server_stats *out)
{
    if (!server || !out)
        return SRPC_EINVAL;
    stats_lock(server);
    *out = server->stats;
    out->connections_open = server->nconns + server->nthreads;
    stats_unlock(server);
    return SRPC_OK;
}

/* stop() stores to an atomic_int from signal handlers: C11 allows that
 * only for lock-free atomics. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "atomic_int must be lock-free");

void srpc_server_stop(srpc_server *server)
{
    int saved = errno; /* we may be in a signal handler */

    if (!server)
        return;
    server->stop_requested = 1;
    /* write(2) is async-signal-safe; a full pipe already wakes the loop. */
    if (write(server->wake[1], "", 1) < 0) {
        /* EAGAIN: a wakeup is pending anyway; nothing else to do */
    }
    errno = saved;
}

void srpc_server_destroy(srpc_server *server)
{
    if (!server)
        return;
    while (server->active.head)
        srpc__conn_free(server->active.head);
    if (server->opt.threads_per_connection && server->tstop[1] >= 0) {
        server->drain_deadline = srpc__now_ms(); /* no grace any more */
        srpc__tconn_stop(server);
        srpc__tconn_abort(server);
        srpc__tconn_reap(server, true);
    }
    for (size_t i = 0; i < server->nlisteners; i++)
        close_listener(server, server->listeners[i]);
    free(server->listeners);
    srpc__close(server->wake[0]);
    srpc__close(server->wake[1]);
    srpc__close(server->tstop[0]);
    srpc__close(server->tstop[1]);
    if (server->lock_ok)
        pthread_mutex_destroy(&server->lock);
    srpc__loop_destroy(server->loop);
    srpc__workspace_fini(&server->ws);
    srpc__registry_fini(&server->registry);
    free(server->uids);
    free(server->scratch);
    free(server->in_spare.data);
    free(server->out_spare.data);
    free(server);
}
