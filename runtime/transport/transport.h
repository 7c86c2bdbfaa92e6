/*
 * transport.h - one table of operations per address family (the lecture's
 * proto_ops).  Everything above this table -- framing, dispatch, client
 * calls -- is the same code for every transport, "except connect()".
 *
 * All sockets a transport returns are stream sockets, nonblocking and
 * close-on-exec.  Functions write a message naming the address into ERR
 * (which may be NULL) when they fail.
 */
#ifndef SRPC_TRANSPORT_H
#define SRPC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sockrpc.h"
#include "transport/address.h"

/* What a listener must remember to clean up after itself. */
struct srpc__bound {
    char text[SRPC__UNIX_PATH_MAX + 16]; /* the address, real port filled in */
    bool owns_file;                      /* we created a socket file ... */
    dev_t dev;                           /* ... which is this inode */
    ino_t ino;
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
     * every address the name resolves to.  Returns SRPC_OK and a connected,
     * nonblocking socket in *fd (set up as setup() does), or SRPC_ECONNECT,
     * SRPC_ERESOLVE, SRPC_ETIMEDOUT.  Blocks until the deadline at most
     * (name resolution is not bounded by it).
     */
    int (*connect)(const struct srpc__address *addr, int64_t deadline,
                   int *fd, char *err, size_t errsize);

    /*
     * Prepares a freshly accepted or connected socket (TCP_NODELAY on TCP:
     * requests and replies are small and latency matters).  Returns 0 or
     * -1 with errno; failure is not fatal to the connection.
     */
    int (*setup)(int fd);

    /*
     * The credentials of the peer of the accepted socket FD, as the kernel
     * recorded them at connect time.  0, or -1 (and -1 in every field of
     * OUT) when the transport has none.  Never blocks, allocates nothing.
     */
    int (*peer_cred)(int fd, struct srpc_peer *out);

    /*
     * Called after the listening socket was closed: removes what listen()
     * created (the socket file, only if it is still the one we bound).
     * Never fails; safe after a failed listen().
     */
    void (*cleanup)(const struct srpc__bound *bound);
};

extern const struct srpc_transport_ops srpc__transport_unix;
extern const struct srpc_transport_ops srpc__transport_tcp;

#endif
