/*
 * sockutil.h - thin helpers over the socket calls, for the transports (and
 * for the server's own descriptors: listeners, its wake-up pipe).  Each
 * one handles EINTR itself and reports errors as an errno value or -1 with
 * errno set, never by aborting.
 */
#ifndef SRPC_SOCKUTIL_H
#define SRPC_SOCKUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "base/clock.h"
#include "base/log.h"
#include "sockrpc.h"
#include "transport/transport.h"

/* A nonblocking, close-on-exec stream socket, or -1 with errno. */
int srpc__socket(int family);

/* Sets O_NONBLOCK and FD_CLOEXEC on FD (for platforms without accept4). */
int srpc__set_nonblock_cloexec(int fd);

/*
 * Connects the nonblocking socket FD to SA, waiting until DEADLINE
 * (srpc__now_ms() time).  Returns 0 or an errno value: ETIMEDOUT when the
 * deadline passed, the connect error otherwise.
 */
int srpc__connect(int fd, const struct sockaddr *sa, socklen_t len,
                  int64_t deadline);

/* Waits for EVENTS on FD until DEADLINE; returns revents, 0 on timeout,
 * -1 with errno. */
int srpc__poll_one(int fd, short events, int64_t deadline);

/* close(2) that keeps errno (for error paths) and ignores EINTR: on Linux
 * the descriptor is gone even then, so retrying could close another. */
void srpc__close(int fd);

/* A description of the peer of the accepted socket FD for log lines:
 * its address and port over TCP, else its credentials PEER (uid -1:
 * unknown) and the address LISTENER_TEXT it connected to. */
void srpc__describe_peer(int fd, const struct srpc_peer *peer,
                         const char *listener_text, char *buf, size_t size);

/*
 * The members of a transport table (transport.h) that move the bytes of a
 * plain stream socket: accept4(), recv(MSG_DONTWAIT), a blocking recv()
 * bounded by SO_RCVTIMEO, send() or sendmsg() with MSG_NOSIGNAL,
 * shutdown() and close(), each retried on EINTR but the waiting one.  The
 * unix and tcp tables share them, as Linux's stream families share their
 * socket calls.
 */
int srpc__stream_accept(int listen_fd, struct srpc__sock *out);
ssize_t srpc__stream_recv(struct srpc__sock *sock, void *buf, size_t len);
ssize_t srpc__stream_recv_wait(struct srpc__sock *sock, void *buf,
                               size_t len, int timeout_ms);
ssize_t srpc__stream_writev(struct srpc__sock *sock, const struct iovec *iov,
                            int iovcnt);
void srpc__stream_shutdown(struct srpc__sock *sock);
void srpc__stream_close(struct srpc__sock *sock);

#endif
