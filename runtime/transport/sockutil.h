/*
 * sockutil.h - thin helpers over the socket calls, shared by transports,
 * server and client.  Each one handles EINTR itself and reports errors as
 * an errno value or -1 with errno set, never by aborting.
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

/* accept4(SOCK_NONBLOCK|SOCK_CLOEXEC) retried on EINTR; -1 with errno. */
int srpc__accept(int fd);

/* Waits for EVENTS on FD until DEADLINE; returns revents, 0 on timeout,
 * -1 with errno. */
int srpc__poll_one(int fd, short events, int64_t deadline);

/* send(MSG_NOSIGNAL|MSG_DONTWAIT) retried on EINTR: never raises SIGPIPE. */
ssize_t srpc__send(int fd, const void *buf, size_t len);

/* recv retried on EINTR. */
ssize_t srpc__recv(int fd, void *buf, size_t len);

/* close(2) that keeps errno (for error paths) and ignores EINTR: on Linux
 * the descriptor is gone even then, so retrying could close another. */
void srpc__close(int fd);

/* A description of the peer of the accepted socket FD for log lines:
 * its address and port over TCP, else its credentials PEER (uid -1:
 * unknown) and the address LISTENER_TEXT it connected to. */
void srpc__describe_peer(int fd, const struct srpc_peer *peer,
                         const char *listener_text, char *buf, size_t size);

#endif
