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

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <msgpack.h>

#include "base/log.h"
#include "server/registry.h"
#include "sockrpc.h"
#include "transport/transport.h"
#include "wire/arena.h"
#include "wire/frame.h"
#include "wire/wbuf.h"

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
struct srpc__tconn;

enum { SRPC__READ_CHUNK = 64 * 1024 };

/* What serving one message needs besides the server itself: the memory its
 * decoded objects and its call live in, and where it is counted.  The
 * event loop has one; each connection thread has its own. */
struct srpc__workspace {
    msgpack_zone zone;                 /* decoded objects of one message */
    bool zone_ok;                      /* zone was initialised */
    srpc_arena arena;                  /* memory of one call */
    struct srpc_server_stats *stats;   /* calls, notifications, errors */
    struct srpc_wbuf notes;            /* notifications the handler sends */
    msgpack_packer notes_pk;           /* writes into notes */
};

/* SRPC_OK or SRPC_ENOMEM; fini is safe after a failed init. */
int srpc__workspace_init(struct srpc__workspace *ws,
                         struct srpc_server_stats *stats);
void srpc__workspace_fini(struct srpc__workspace *ws);

/* An intrusive doubly linked list of connections, ordered by a time that
 * only grows when an element is appended: the head is always the first to
 * expire, so finding the next deadline and expiring are O(1) per
 * connection closed, not O(connections) per turn. */
struct srpc__clist {
    struct srpc__conn *head, *tail;
};

struct srpc_server {
    struct srpc_server_options opt;
    struct srpc__loop *loop;
    struct srpc__registry registry;
    struct srpc__listener **listeners; /* pointers: the loop holds them */
    size_t nlisteners;
    struct srpc__clist active;         /* every connection, least recently
                                          active first (idle timeout) */
    struct srpc__clist partial;        /* those in the middle of a message,
                                          oldest first (message timeout) */
    size_t nconns;
    struct srpc_server_stats stats;    /* connections_open is nconns */
    bool draining;                     /* stop requested: finishing up */
    int64_t drain_deadline;
    bool in_step;                      /* step() is on the stack */
    uint32_t *uids;                    /* copy of opt.allowed_uids */
    bool restrict_uids;                /* allowed_uids was given */
    struct srpc__log_rate refusal_rate; /* log lines about refused peers */
    struct srpc__log_rate drop_rate;   /* ... and dropped connections */
    struct srpc__log_rate handler_rate; /* ... handlers that broke their
                                           contract (call.c, report.c) */
    struct srpc__log_rate notify_rate; /* ... and notifications that failed */
    /* threads_per_connection mode (conn_thread.c): */
    pthread_mutex_t lock;              /* tconns, nthreads, stats */
    bool lock_ok;
    struct srpc__tconn *tconns;        /* every thread not yet joined */
    size_t nthreads;                   /* threads still serving */
    int tstop[2];                      /* readable: threads must stop */
    enum srpc__handle_kind wake_kind;  /* SRPC__H_WAKE: udata of wake[0] */
    int wake[2];                       /* self-pipe written by stop() */
    atomic_int stop_requested;         /* lock-free: safe in a signal
                                          handler and across threads */
    bool running;
    struct srpc__workspace ws;         /* the loop's: one call at a time */
    char *scratch;                     /* SRPC__READ_CHUNK bytes */
    /* The largest input buffer a connection gave back after a message of
     * over 256 KiB, kept warm for the next large one (wbuf.h): at most
     * max_message_size and a read more. */
    struct srpc__wspare in_spare;
    /* The same for the connections' replies, which take and leave it
     * themselves: at most twice the larger of max_message_size and
     * max_write_queue (a buffer grows by doubling). */
    struct srpc__wspare out_spare;
    char errmsg[256];
};

struct srpc_call {
    struct srpc_server *server;
    struct srpc__workspace *ws;        /* its arena holds the call's memory */
    const struct srpc_peer *peer;      /* the caller's credentials */
    const struct srpc__entry *entry;   /* method, impl, user_data */
    const msgpack_object *args;        /* the params array's elements */
    uint32_t nargs;
    bool failed;                       /* srpc_call_fail() was called */
    int64_t code;
    const char *message;               /* in the arena */
};

/* Where a message came from: for srpc_call_peer() and log lines. */
struct srpc__origin {
    const struct srpc_peer *peer;
    int fd;
    const char *listener;              /* the listener's address text */
};

/*
 * Handles the complete, checked message DATA[0, LEN) received from FROM,
 * whose replies go to OUT.  Returns SRPC_OK (a reply, possibly an error
 * reply, was queued, or nothing for a notification) or a status with *why
 * when the connection must be closed (SRPC_EPROTO, SRPC_ENOMEM).
 */
int srpc__serve_message(struct srpc_server *srv, struct srpc__workspace *ws,
                        struct srpc_wbuf *out, const struct srpc__origin *from,
                        const char *data, size_t len, const char **why);

/* Queues the notification [2, "sockrpc.closing", [CODE, WHY]] on OUT:
 * the last word to a peer the server is about to drop. */
void srpc__queue_closing(struct srpc_wbuf *out, int64_t code,
                         const char *why);

/* The same notification in BUF (no allocation); its size, 0 if it does
 * not fit. */
size_t srpc__closing_bytes(char *buf, size_t size, int64_t code,
                           const char *why);

#endif
