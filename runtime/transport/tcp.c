/*
 * tcp.c - TCP over IPv4 and IPv6: "tcp:host:port",
 * "tcp:[v6]:port".  Names are resolved with getaddrinfo; listen binds the
 * first result that works, connect tries every result in turn until the
 * deadline (a host with an unreachable IPv6 address still connects over
 * IPv4).
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <unistd.h>

#include "sockrpc.h"
#include "transport/sockutil.h"
#include "transport/transport.h"

static int resolve(const struct srpc__address *addr, int flags,
                   struct addrinfo **res, char *err, size_t errsize)
{
    struct addrinfo hints;
    int e;

    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = flags | AI_NUMERICSERV;
    e = getaddrinfo(addr->host, addr->port, &hints, res);
    if (e == 0)
        return SRPC_OK;
    /* The host may well exist: the resolver had no memory to look. */
    if (e == EAI_MEMORY || (e == EAI_SYSTEM && errno == ENOMEM)) {
        srpc__errf(err, errsize, "cannot resolve '%s': out of memory",
                   addr->host);
        return SRPC_ENOMEM;
    }
    srpc__errf(err, errsize, "cannot resolve '%s': %s", addr->host,
               e == EAI_SYSTEM ? strerror(errno) : gai_strerror(e));
    return SRPC_ERESOLVE;
}

/* "tcp:ADDR:PORT" of a bound socket, IPv6 in brackets, numeric. */
static void format_bound(int fd, struct srpc__bound *b)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    char host[NI_MAXHOST], port[NI_MAXSERV];

    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 ||
        getnameinfo((struct sockaddr *)&ss, len, host, sizeof host, port,
                    sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        srpc__errf(b->text, sizeof b->text, "tcp:?:?");
        return;
    }
    srpc__errf(b->text, sizeof b->text,
               ss.ss_family == AF_INET6 ? "tcp:[%s]:%s" : "tcp:%s:%s", host,
               port);
}

/* Binds and listens on one resolved address; 0 or an errno value. */
static int listen_one(const struct addrinfo *ai, int *out)
{
    int fd = srpc__socket(ai->ai_family), one = 1, e;

    if (fd < 0)
        return errno;
    /* Restarting a server must not wait for TIME_WAIT connections. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
        listen(fd, SOMAXCONN) < 0) {
        e = errno;
        srpc__close(fd);
        return e;
    }
    *out = fd;
    return 0;
}

static int tcp_listen(const struct srpc__address *addr, unsigned mode,
                      int *out,
                      struct srpc__bound *bound, char *err, size_t errsize)
{
    struct addrinfo *res, *ai;
    int rc, e = EADDRNOTAVAIL;

    (void)mode; /* no file: nothing to protect */
    memset(bound, 0, sizeof *bound);
    rc = resolve(addr, AI_PASSIVE, &res, err, errsize);
    if (rc != SRPC_OK)
        return rc;
    for (ai = res; ai; ai = ai->ai_next) {
        e = listen_one(ai, out);
        if (e == 0)
            break;
    }
    freeaddrinfo(res);
    if (e != 0) {
        srpc__errf(err, errsize, "cannot listen on tcp:%s:%s: %s", addr->host,
                   addr->port, strerror(e));
        return e == EADDRINUSE ? SRPC_EADDRINUSE : SRPC_ELISTEN;
    }
    format_bound(*out, bound);
    return SRPC_OK;
}

/* Small request, small reply: Nagle would add 40 ms per call. */
static int no_delay(int fd)
{
    int one = 1;

    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int tcp_setup(struct srpc__sock *sock)
{
    return no_delay(sock->fd);
}

static int tcp_connect(const struct srpc__address *addr, int64_t deadline,
                       struct srpc__sock *out, char *err, size_t errsize)
{
    struct addrinfo *res, *ai;
    int rc, e = EADDRNOTAVAIL, fd = -1;

    rc = resolve(addr, 0, &res, err, errsize);
    if (rc != SRPC_OK)
        return rc;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = srpc__socket(ai->ai_family);
        if (fd < 0) {
            e = errno;
            continue;
        }
        e = srpc__connect(fd, ai->ai_addr, ai->ai_addrlen, deadline);
        if (e == 0)
            break;
        srpc__close(fd);
        fd = -1;
        if (e == ETIMEDOUT)
            break; /* the deadline is shared: nothing left for the rest */
    }
    freeaddrinfo(res);
    if (fd < 0) {
        srpc__errf(err, errsize, "cannot connect to tcp:%s:%s: %s", addr->host,
                   addr->port, strerror(e));
        return e == ETIMEDOUT ? SRPC_ETIMEDOUT : SRPC_ECONNECT;
    }
    /* TCP_NODELAY failing costs latency, not correctness. */
    (void)no_delay(fd);
    out->fd = fd;
    out->ops = &srpc__transport_tcp;
    out->wait_ms = 0;
    return SRPC_OK;
}

static int tcp_accept(int listen_fd, struct srpc__sock *out)
{
    out->ops = &srpc__transport_tcp;
    return srpc__stream_accept(listen_fd, out);
}

static int tcp_peer_cred(const struct srpc__sock *sock, struct srpc_peer *out)
{
    (void)sock; /* TCP carries no credentials */
    out->uid = out->gid = out->pid = -1;
    return -1;
}

static void tcp_cleanup(const struct srpc__bound *bound)
{
    (void)bound; /* closing the socket released everything */
}

const struct srpc_transport_ops srpc__transport_tcp = {
    .scheme = "tcp",
    .listen = tcp_listen,
    .connect = tcp_connect,
    .accept = tcp_accept,
    .setup = tcp_setup,
    .peer_cred = tcp_peer_cred,
    .recv = srpc__stream_recv,
    .recv_wait = srpc__stream_recv_wait,
    .writev = srpc__stream_writev,
    .shutdown = srpc__stream_shutdown,
    .close = srpc__stream_close,
    .cleanup = tcp_cleanup,
};
