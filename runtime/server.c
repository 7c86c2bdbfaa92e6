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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "loop.h"
#include "server.h"
#include "sockutil.h"

enum {
    DEFAULT_MAX_MESSAGE = 1024 * 1024,
    DEFAULT_MAX_WRITE_QUEUE = 4 * 1024 * 1024,
    ACCEPT_BATCH = 64,       /* accepts per wakeup: others get a turn */
    ACCEPT_PAUSE_MS = 100    /* after EMFILE: let descriptors free up */
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

static int init(struct srpc_server *s, const struct srpc_server_options *o)
{
    s->opt.max_message_size = o && o->max_message_size ? o->max_message_size
                                                       : DEFAULT_MAX_MESSAGE;
    s->opt.max_write_queue = o && o->max_write_queue ? o->max_write_queue
                                                     : DEFAULT_MAX_WRITE_QUEUE;
    s->wake[0] = s->wake[1] = -1;
    s->wake_kind = SRPC__H_WAKE;
    srpc__registry_init(&s->registry);
    srpc__arena_init(&s->arena);
    if (!msgpack_zone_init(&s->zone, MSGPACK_ZONE_CHUNK_SIZE))
        return SRPC_ENOMEM;
    s->zone_ok = true;
    s->scratch = malloc(SRPC__READ_CHUNK);
    s->loop = srpc__loop_create();
    if (!s->scratch || !s->loop)
        return SRPC_ENOMEM;
    if (make_pipe(s->wake) < 0)
        return errno == ENOMEM ? SRPC_ENOMEM : SRPC_EIO;
    if (srpc__loop_set(s->loop, s->wake[0], SRPC__EV_READ, &s->wake_kind) < 0)
        return SRPC_ENOMEM;
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
    rc = addr.ops->listen(&addr, &l->fd, &l->bound, server->errmsg,
                          sizeof server->errmsg);
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

static void accept_some(struct srpc_server *s, struct srpc__listener *l)
{
    for (int i = 0; i < ACCEPT_BATCH; i++) {
        int fd = srpc__accept(l->fd);

        if (fd < 0) {
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
        (void)l->ops->setup(fd); /* failure costs latency only */
        if (srpc__conn_open(s, fd, l) != SRPC_OK)
            srpc__log_error("%s: out of memory for a new connection",
                            l->bound.text);
    }
}

/* Resumes paused listeners whose pause is over; returns the poll timeout
 * until the next one is due (-1: none paused). */
static int resume_listeners(struct srpc_server *s)
{
    int64_t now = srpc__now_ms();
    int timeout = -1;

    for (size_t i = 0; i < s->nlisteners; i++) {
        struct srpc__listener *l = s->listeners[i];
        int left;

        if (l->paused_until == 0)
            continue;
        if (now >= l->paused_until &&
            srpc__loop_set(s->loop, l->fd, SRPC__EV_READ, l) == 0) {
            l->paused_until = 0;
            continue;
        }
        left = l->paused_until > now ? (int)(l->paused_until - now) : 1;
        if (timeout < 0 || left < timeout)
            timeout = left;
    }
    return timeout;
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

int srpc_server_run(srpc_server *server)
{
    if (!server || server->running)
        return SRPC_EINVAL;
    server->running = true;
    while (!server->stop_requested) {
        int n = srpc__loop_wait(server->loop, resume_listeners(server));

        if (n < 0) {
            srpc__errf(server->errmsg, sizeof server->errmsg,
                       "waiting for events: %s", strerror(errno));
            server->running = false;
            return SRPC_EIO;
        }
        for (int i = 0; i < n; i++) {
            int fd;
            unsigned events;

            srpc__loop_fired(server->loop, i, &fd, &events);
            handle(server, fd, events);
        }
    }
    server->stop_requested = 0;
    server->running = false;
    return SRPC_OK;
}

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
    while (server->conns)
        srpc__conn_free(server->conns);
    for (size_t i = 0; i < server->nlisteners; i++)
        close_listener(server, server->listeners[i]);
    free(server->listeners);
    srpc__close(server->wake[0]);
    srpc__close(server->wake[1]);
    srpc__loop_destroy(server->loop);
    if (server->zone_ok) /* msgpack-c crashes on a zone never set up */
        msgpack_zone_destroy(&server->zone);
    srpc__arena_fini(&server->arena);
    srpc__registry_fini(&server->registry);
    free(server->scratch);
    free(server);
}
