/*
 * server.h - the server's internal state, shared by server.c (listeners,
 * accept, the run loop), conn.c (one connection's input and output) and
 * call.c (decoding a message, running its handler, encoding the reply).
 *
 * The server is single-threaded: one message is handled at a time, from
 * decode to reply.  So the msgpack zone that decoded objects live in, the
 * arena of the call, and the 64 KiB read buffer are the server's, not each
 * connection's: ten thousand idle connections cost no buffers at all.
 */
#ifndef SRPC_SERVER_H
#define SRPC_SERVER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <msgpack.h>

#include "arena.h"
#include "registry.h"
#include "sockrpc.h"
#include "transport.h"
#include "wbuf.h"

/* Every udata registered in the loop starts with one of these, so that an
 * event can be routed by what it belongs to. */
enum srpc__handle_kind { SRPC__H_LISTENER, SRPC__H_CONN, SRPC__H_WAKE };

struct srpc__listener {
    enum srpc__handle_kind kind; /* SRPC__H_LISTENER */
    int fd;
    const struct srpc_transport_ops *ops;
    struct srpc__bound bound;
    int64_t paused_until;        /* accept paused after EMFILE; 0: not */
    bool pause_logged;           /* said so once until accept works again */
};

struct srpc__conn;

enum { SRPC__READ_CHUNK = 64 * 1024 };

struct srpc_server {
    struct srpc_server_options opt;
    struct srpc__loop *loop;
    struct srpc__registry registry;
    struct srpc__listener **listeners; /* pointers: the loop holds them */
    size_t nlisteners;
    struct srpc__conn *conns;          /* doubly linked list */
    size_t nconns;
    enum srpc__handle_kind wake_kind;  /* SRPC__H_WAKE: udata of wake[0] */
    int wake[2];                       /* self-pipe written by stop() */
    volatile sig_atomic_t stop_requested;
    bool running;
    msgpack_zone zone;                 /* decoded objects of one message */
    bool zone_ok;                      /* zone was initialised */
    srpc_arena arena;                  /* memory of one call */
    char *scratch;                     /* SRPC__READ_CHUNK bytes */
    char errmsg[256];
};

struct srpc_call {
    struct srpc_server *server;
    const struct srpc__entry *entry;   /* method, impl, user_data */
    const msgpack_object *args;        /* the params array's elements */
    uint32_t nargs;
    bool failed;                       /* srpc_call_fail() was called */
    int64_t code;
    const char *message;               /* in the arena */
};

/*
 * Handles the complete, checked message DATA[0, LEN) received on a
 * connection whose replies go to OUT.  Returns SRPC_OK (a reply, possibly
 * an error reply, was queued, or nothing for a notification) or a status
 * with *why when the connection must be closed.
 */
int srpc__serve_message(struct srpc_server *srv, struct srpc_wbuf *out,
                        const char *data, size_t len, const char **why);

#endif
