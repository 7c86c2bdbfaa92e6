/*
 * conn.h - one accepted connection of the server.
 *
 * Input: bytes are read SRPC__READ_CHUNK at a time through the
 * transport's recv(), into the server's scratch buffer when nothing is
 * pending (the common case: whole requests arrive in one read), else into
 * the connection's own rbuf.  Every complete
 * message is served at once, in order; what is left (an incomplete message,
 * or complete ones not yet served because of backpressure) is kept in rbuf,
 * which is freed as soon as it is empty.
 *
 * Output: replies are queued in `out` and sent through the transport's
 * writev() after each batch of input.  Backpressure: while more than
 * max_write_queue bytes are queued, the connection is neither read nor
 * served, so a client that never reads its replies costs bounded memory.
 *
 * Deadlines: every connection is in server->active, ordered by the last
 * time bytes moved in either direction (idle timeout); one whose input
 * stops inside a message is also in server->partial, ordered by when that
 * message began (message timeout).  Both lists are appended to in time
 * order, so their heads are the next to expire.
 *
 * Lifecycle: open -> (EOF, protocol error, limit, shutdown) -> the replies
 * already queued are flushed -> a "sockrpc.closing" notification when the
 * server is the one closing -> closed and freed.  A send or recv error
 * frees it at once.
 */
#ifndef SRPC_CONN_H
#define SRPC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "server/server.h"
#include "wire/frame.h"
#include "wire/wbuf.h"

/* Why a connection closed: picks the counter in srpc_server_stats. */
enum srpc__close_reason {
    SRPC__CLOSE_ERROR,     /* I/O error, out of memory: no counter */
    SRPC__CLOSE_PEER,
    SRPC__CLOSE_IDLE,
    SRPC__CLOSE_MESSAGE_TIMEOUT,
    SRPC__CLOSE_TOO_BIG,
    SRPC__CLOSE_PROTOCOL,
    SRPC__CLOSE_SHUTDOWN
};

struct srpc__clink {
    struct srpc__conn *prev, *next;
};

struct srpc__conn {
    enum srpc__handle_kind kind;     /* SRPC__H_CONN */
    struct srpc__sock sock;
    struct srpc_server *server;
    const struct srpc__listener *listener;
    struct srpc__clink alink;        /* in server->active */
    struct srpc__clink plink;        /* in server->partial if in_partial */
    bool in_partial;
    int64_t last_active;             /* srpc__now_ms() of the last bytes */
    int64_t msg_start;               /* when the incomplete message began */
    struct srpc_peer peer;           /* credentials read at accept */
    char *rbuf;                      /* input kept between reads */
    size_t rlen, rcap;
    struct srpc__frame frame;        /* scan state of the message at rbuf */
    struct srpc_wbuf out;            /* replies not yet sent */
    bool eof;                        /* nothing more will be read */
    bool closing;                    /* input rejected: flush, then close */
    bool mid_message;                /* input ends inside a message */
    bool completed;                  /* a message completed since the last
                                        deadline update */
    enum srpc__close_reason close_reason; /* once eof or closing */
    int64_t close_code;              /* for the closing notice; 0: none */
    const char *close_why;           /* static text */
    unsigned events;                 /* interest registered in the loop */
};

/* Takes ownership of the accepted SOCK (closed on failure too), whose
 * peer has credentials PEER.  SRPC_OK or SRPC_ENOMEM. */
int srpc__conn_open(struct srpc_server *srv, struct srpc__sock *sock,
                    const struct srpc__listener *listener,
                    const struct srpc_peer *peer);

/* Handles the SRPC__EV_* EVENTS the loop reported for CONN.  CONN may be
 * freed on return. */
void srpc__conn_on_event(struct srpc__conn *conn, unsigned events);

/* Closes the connections whose deadline passed at NOW; returns the
 * milliseconds until the next deadline, -1 if there is none. */
int srpc__conns_expire(struct srpc_server *srv, int64_t now);

/* Milliseconds until the next connection deadline after NOW (0 if one
 * passed), -1 if none.  No side effects. */
int srpc__conns_next_deadline(const struct srpc_server *srv, int64_t now);

/* Graceful shutdown: serves what CONN has received so far, stops reading,
 * and lets the replies drain; CONN closes with a "sockrpc.closing" notice
 * once they are sent.  CONN may be freed on return. */
void srpc__conn_drain(struct srpc__conn *conn);

/* Closes CONN now, after a last attempt to send what is queued and the
 * closing notice for REASON (SHUTDOWN, IDLE, ...). */
void srpc__conn_close_now(struct srpc__conn *conn,
                          enum srpc__close_reason reason, int64_t code,
                          const char *why);

/* Adds one close for REASON to the counters ST. */
void srpc__count_close(struct srpc_server_stats *st,
                       enum srpc__close_reason reason);

/* Closes the socket and frees everything CONN owns (no notice, no
 * counter): for srpc_server_destroy(). */
void srpc__conn_free(struct srpc__conn *conn);

/* A description of CONN's peer for log lines. */
void srpc__conn_peer_name(const struct srpc__conn *conn, char *buf,
                          size_t size);

#endif
