/*
 * transport.h - one table of operations per address family (the lecture's
 * proto_ops).  Everything above this table -- framing, dispatch, client
 * calls -- is the same code for every transport, "except connect()": the
 * server and the client never call socket(), accept(), recv(), send(),
 * shutdown() or close() on a connection themselves, they call its table.
 * A new transport (TLS over TCP, a socketpair in a test) is one more
 * table, and nothing above it changes.
 *
 * A connection is a struct srpc__sock: its descriptor and its table, as
 * Linux's struct socket carries its proto_ops.  All sockets a transport
 * returns are stream sockets, nonblocking and close-on-exec; no operation
 * blocks unless it says so.  Functions that take ERR write a message
 * naming the address into it (it may be NULL) when they fail.
 */
#ifndef SRPC_TRANSPORT_H
#define SRPC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "sockrpc.h"
#include "transport/address.h"

/* What a listener must remember to clean up after itself. */
struct srpc__bound {
    char text[SRPC__UNIX_PATH_MAX + 16]; /* the address, real port filled in */
    bool owns_file;                      /* we created a socket file ... */
    dev_t dev;                           /* ... which is this inode */
    ino_t ino;
};

struct srpc_transport_ops;

/* One connected stream socket.  fd is -1 once closed. */
struct srpc__sock {
    int fd;
    const struct srpc_transport_ops *ops;
    int wait_ms;  /* recv_wait()'s, as the transport keeps it; 0: none */
};

struct srpc_transport_ops {
    const char *scheme; /* "unix", "tcp" */

    /*
     * Creates a socket bound to ADDR and listening, nonblocking, CLOEXEC.
     * MODE: permission bits of a socket file (ignored where there is none).
     * Returns SRPC_OK and the descriptor in *fd, with BOUND describing it;
     * or SRPC_EADDRINUSE (a live server owns the address), SRPC_ERESOLVE,
     * SRPC_ELISTEN.  May block only in name resolution.
     */
    int (*listen)(const struct srpc__address *addr, unsigned mode, int *fd,
                  struct srpc__bound *bound, char *err, size_t errsize);

    /*
     * Connects to ADDR, giving up at DEADLINE (srpc__now_ms() time), trying
     * every address the name resolves to.  Returns SRPC_OK and the
     * connected socket in *OUT (set up as setup() does, ops pointing to
     * this table), or SRPC_ECONNECT, SRPC_ERESOLVE, SRPC_ETIMEDOUT with
     * *OUT untouched.  Blocks until the deadline at most (name resolution
     * is not bounded by it).
     */
    int (*connect)(const struct srpc__address *addr, int64_t deadline,
                   struct srpc__sock *out, char *err, size_t errsize);

    /*
     * Takes one pending connection from the listening socket LISTEN_FD
     * (which listen() made): 0 and the new socket in *OUT, or -1 with
     * errno -- EAGAIN when none is pending, EMFILE/ENFILE/ENOBUFS/ENOMEM
     * when the process or system is out of descriptors or memory,
     * ECONNABORTED/EPROTO/EPERM when that one client is already gone.
     * Never blocks.
     */
    int (*accept)(int listen_fd, struct srpc__sock *out);

    /*
     * Prepares a freshly accepted socket (TCP_NODELAY on TCP: requests and
     * replies are small and latency matters).  Returns 0 or -1 with errno;
     * failure is not fatal to the connection.
     */
    int (*setup)(struct srpc__sock *sock);

    /*
     * The credentials of the peer of the accepted SOCK, as the kernel
     * recorded them at connect time.  0, or -1 (and -1 in every field of
     * OUT) when the transport has none.  Never blocks, allocates nothing.
     */
    int (*peer_cred)(const struct srpc__sock *sock, struct srpc_peer *out);

    /*
     * Reads at most LEN bytes into BUF: the count (> 0), 0 when the peer
     * closed its side, -1 with errno (EAGAIN: nothing to read now;
     * ECONNRESET and the like: the connection is broken).  Never blocks;
     * EINTR is retried inside.
     */
    ssize_t (*recv)(struct srpc__sock *sock, void *buf, size_t len);

    /*
     * Waits for bytes on SOCK for about TIMEOUT_MS (> 0), then reads as
     * recv() does: the count, 0 at EOF, or -1 with errno (EAGAIN: nothing
     * came in time; EINTR: a signal ended the wait).  It is one system
     * call where waiting with poll() and then reading are two: the
     * client waits for its reply so.  The wait may end up to
     * SRPC__WAIT_SLACK_MS early or late; callers check their deadline
     * again.  recv() and writev() stay nonblocking afterwards.
     */
    ssize_t (*recv_wait)(struct srpc__sock *sock, void *buf, size_t len,
                         int timeout_ms);

    /*
     * Writes the IOVCNT buffers of IOV in order, as many bytes as fit now:
     * the count written (which may be short of the total), or -1 with
     * errno (EAGAIN: nothing fits now; EPIPE, ECONNRESET: the peer is
     * gone).  Never blocks and never raises SIGPIPE; EINTR is retried
     * inside.  IOVCNT is at most SRPC__IOV_MAX.
     */
    ssize_t (*writev)(struct srpc__sock *sock, const struct iovec *iov,
                      int iovcnt);

    /*
     * Shuts both directions of SOCK down without closing it: a thread
     * blocked waiting on it wakes up, and the descriptor stays valid (and
     * not reusable) until close().  Safe to call more than once.
     */
    void (*shutdown)(struct srpc__sock *sock);

    /*
     * Closes SOCK and releases what the transport keeps for it; sets
     * sock->fd to -1.  Keeps errno (for error paths).  Safe on a socket
     * already closed.
     */
    void (*close)(struct srpc__sock *sock);

    /*
     * Called after the listening socket was closed: removes what listen()
     * created (the socket file, only if it is still the one we bound).
     * Never fails; safe after a failed listen().
     */
    void (*cleanup)(const struct srpc__bound *bound);
};

enum {
    SRPC__IOV_MAX = 16,
    SRPC__WAIT_SLACK_MS = 10
};

/* LEN bytes of BUF through SOCK's writev(). */
static inline ssize_t srpc__sock_send(struct srpc__sock *sock, const void *buf,
                                      size_t len)
{
    struct iovec iov = { (void *)buf, len };

    return sock->ops->writev(sock, &iov, 1);
}

extern const struct srpc_transport_ops srpc__transport_unix;
extern const struct srpc_transport_ops srpc__transport_tcp;

#endif
