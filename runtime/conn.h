/*
 * conn.h - one accepted connection of the server.
 *
 * Input: bytes are read SRPC__READ_CHUNK at a time, into the server's
 * scratch buffer when nothing is pending (the common case: whole requests
 * arrive in one read), else into the connection's own rbuf.  Every complete
 * message is served at once, in order; what is left (an incomplete message,
 * or complete ones not yet served because of backpressure) is kept in rbuf,
 * which is freed as soon as it is empty.
 *
 * Output: replies are queued in `out` and sent with send(MSG_NOSIGNAL)
 * after each batch of input.  Backpressure: while more than
 * max_write_queue bytes are queued, the connection is neither read nor
 * served, so a client that never reads its replies costs bounded memory.
 *
 * Lifecycle: open -> (EOF or protocol error) -> the replies already queued
 * are flushed -> closed and freed.  A send or recv error frees it at once.
 */
#ifndef SRPC_CONN_H
#define SRPC_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include "frame.h"
#include "server.h"
#include "wbuf.h"

struct srpc__conn {
    enum srpc__handle_kind kind;     /* SRPC__H_CONN */
    int fd;
    struct srpc_server *server;
    const struct srpc__listener *listener;
    struct srpc__conn *prev, *next;  /* in server->conns */
    char *rbuf;                      /* input kept between reads */
    size_t rlen, rcap;
    struct srpc__frame frame;        /* scan state of the message at rbuf */
    struct srpc_wbuf out;            /* replies not yet sent */
    bool eof;                        /* the peer will send nothing more */
    bool closing;                    /* input rejected: flush, then close */
    unsigned events;                 /* interest registered in the loop */
};

/* Takes ownership of the accepted socket FD (closed on failure too).
 * SRPC_OK or SRPC_ENOMEM. */
int srpc__conn_open(struct srpc_server *srv, int fd,
                    const struct srpc__listener *listener);

/* Handles the SRPC__EV_* EVENTS the loop reported for CONN.  CONN may be
 * freed on return. */
void srpc__conn_on_event(struct srpc__conn *conn, unsigned events);

/* Closes the socket and frees everything CONN owns. */
void srpc__conn_free(struct srpc__conn *conn);

#endif
