/*
 * sockutil.c - see sockutil.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/time.h>
#include <unistd.h>

#include "transport/sockutil.h"

int srpc__set_nonblock_cloexec(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
        return -1;
    return 0;
}

int srpc__socket(int family)
{
#if defined(SOCK_NONBLOCK) && defined(SOCK_CLOEXEC)
    return socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
#else
    int fd = socket(family, SOCK_STREAM, 0);

    if (fd >= 0 && srpc__set_nonblock_cloexec(fd) < 0) {
        srpc__close(fd);
        return -1;
    }
    return fd;
#endif
}

void srpc__close(int fd)
{
    int saved = errno;

    if (fd >= 0)
        close(fd);
    errno = saved;
}

int srpc__poll_one(int fd, short events, int64_t deadline)
{
    for (;;) {
        struct pollfd p = { .fd = fd, .events = events };
        int n = poll(&p, 1, srpc__ms_until(deadline));

        if (n > 0)
            return p.revents;
        if (n == 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

/* A Unix socket whose backlog is full fails a nonblocking connect with
 * EAGAIN instead of going in progress: retry it a few times a second. */
static int retry_full_backlog(int fd, const struct sockaddr *sa,
                              socklen_t len, int64_t deadline)
{
    while (srpc__ms_until(deadline) > 0) {
        poll(NULL, 0, 10);
        if (connect(fd, sa, len) == 0)
            return 0;
        if (errno != EAGAIN && errno != EINTR)
            return errno;
    }
    return ETIMEDOUT;
}

int srpc__connect(int fd, const struct sockaddr *sa, socklen_t len,
                  int64_t deadline)
{
    int err = 0, r;
    socklen_t elen = sizeof err;

    if (connect(fd, sa, len) == 0)
        return 0;
    if (errno == EAGAIN && sa->sa_family == AF_UNIX)
        return retry_full_backlog(fd, sa, len, deadline);
    /* After EINTR the connection goes on asynchronously, as after
     * EINPROGRESS: wait for it the same way. */
    if (errno != EINPROGRESS && errno != EINTR)
        return errno;
    r = srpc__poll_one(fd, POLLOUT, deadline);
    if (r < 0)
        return errno;
    if (r == 0)
        return ETIMEDOUT;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
        return errno;
    return err;
}

/* ---- the members every plain stream socket's table shares ---- */

int srpc__stream_accept(int listen_fd, struct srpc__sock *out)
{
    for (;;) {
#ifdef HAVE_ACCEPT4
        int c = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
#else
        int c = accept(listen_fd, NULL, NULL);

        if (c >= 0 && srpc__set_nonblock_cloexec(c) < 0) {
            srpc__close(c);
            return -1;
        }
#endif
        if (c >= 0) {
            out->fd = c;
            out->wait_ms = 0;
            return 0;
        }
        if (errno != EINTR)
            return -1;
    }
}

ssize_t srpc__stream_recv(struct srpc__sock *sock, void *buf, size_t len)
{
    /* MSG_DONTWAIT: recv_wait() may have made the socket blocking. */
    for (;;) {
        ssize_t n = recv(sock->fd, buf, len, MSG_DONTWAIT);

        if (n >= 0 || errno != EINTR)
            return n;
    }
}

/* The socket blocks, for recv() without MSG_DONTWAIT; every other call on
 * it passes MSG_DONTWAIT or polls first. */
static int set_blocking(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
}

ssize_t srpc__stream_recv_wait(struct srpc__sock *sock, void *buf,
                               size_t len, int timeout_ms)
{
    ssize_t n;

    /* SO_RCVTIMEO is set again only when the wait asked for is off by
     * more than the slack: a client whose calls all have one timeout sets
     * it once, and its blocking calls cost a recv() and nothing else. */
    if (sock->wait_ms == 0 ||
        timeout_ms - sock->wait_ms > SRPC__WAIT_SLACK_MS ||
        sock->wait_ms - timeout_ms > SRPC__WAIT_SLACK_MS) {
        struct timeval tv = { .tv_sec = timeout_ms / 1000,
                              .tv_usec = (timeout_ms % 1000) * 1000 };

        if (sock->wait_ms == 0 && set_blocking(sock->fd) < 0)
            return -1;
        if (setsockopt(sock->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0)
            return -1;
        sock->wait_ms = timeout_ms;
    }
    n = recv(sock->fd, buf, len, 0);
    if (n < 0 && errno == EWOULDBLOCK)
        errno = EAGAIN;
    return n;
}

ssize_t srpc__stream_writev(struct srpc__sock *sock, const struct iovec *iov,
                            int iovcnt)
{
    struct msghdr msg = { .msg_iov = (struct iovec *)iov,
                          .msg_iovlen = (size_t)iovcnt };

    /* sendmsg, not writev(2): only it takes MSG_NOSIGNAL.  One buffer, the
     * common case of a request or a batch of replies, goes through send(),
     * which spares the kernel copying the msghdr and the iovec in. */
    for (;;) {
        ssize_t n = iovcnt == 1
                        ? send(sock->fd, iov[0].iov_base, iov[0].iov_len,
                               MSG_NOSIGNAL | MSG_DONTWAIT)
                        : sendmsg(sock->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n >= 0 || errno != EINTR)
            return n;
    }
}

void srpc__stream_shutdown(struct srpc__sock *sock)
{
    int saved = errno;

    if (sock->fd >= 0)
        (void)shutdown(sock->fd, SHUT_RDWR);
    errno = saved;
}

void srpc__stream_close(struct srpc__sock *sock)
{
    srpc__close(sock->fd);
    sock->fd = -1;
}

void srpc__describe_peer(int fd, const struct srpc_peer *peer,
                         const char *listener_text, char *buf, size_t size)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0 &&
        (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) &&
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port,
                    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
        srpc__errf(buf, size, "client %s port %s", host, port);
        return;
    }
    if (peer && peer->uid >= 0) {
        srpc__errf(buf, size, "client of %s (uid %lld pid %lld)",
                   listener_text, (long long)peer->uid,
                   (long long)peer->pid);
        return;
    }
    srpc__errf(buf, size, "client of %s (fd %d)", listener_text, fd);
}

/* "client 127.0.0.1 port 4242" or "client of unix:/path (uid 0 pid 42)":
 * for log lines only, so it is computed only when one is written. */
