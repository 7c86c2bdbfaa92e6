/*
 * unix.c - Unix-domain stream sockets: "unix:/path" and, on
 * Linux, abstract names "unix:@name" (no file, gone with the socket).
 *
 * Socket files: on Linux, bind() creates the file with the mode of the
 * socket's own inode less the umask, so an fchmod() of the socket before
 * bind() makes the file appear with at most unix_mode (0600 by default):
 * it never exists with wider permissions, and no process-wide umask is
 * touched (other threads may be creating files).  A chmod() after bind()
 * then sets exactly unix_mode (widening what the umask removed, where the
 * user asked for that) and covers systems where fchmod() of a socket does
 * nothing; it happens before listen(), and nobody can connect before
 * listen().  A file left by a dead server makes
 * bind() fail with EADDRINUSE: we then try to connect to it, and only
 * ECONNREFUSED (nobody listening) proves it stale.  It is unlinked and
 * bind() retried once; a live server's address is SRPC_EADDRINUSE.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockrpc.h"
#include "transport/sockutil.h"
#include "transport/transport.h"

enum { PROBE_TIMEOUT_MS = 1000 };

static socklen_t make_sockaddr(const struct srpc__address *addr,
                               struct sockaddr_un *sun)
{
    size_t len = strlen(addr->path);

    memset(sun, 0, sizeof *sun);
    sun->sun_family = AF_UNIX;
    if (addr->abstract) {
        /* Abstract names start with a NUL and are not NUL-terminated. */
        memcpy(sun->sun_path + 1, addr->path, len);
        return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
    }
    memcpy(sun->sun_path, addr->path, len);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

static const char *prefix(const struct srpc__address *addr)
{
    return addr->abstract ? "unix:@" : "unix:";
}

/* The socket file at PATH: is anyone listening?  True only when a connect
 * is refused, i.e. the file is a socket and nobody listens on it. */
static bool is_stale(const struct srpc__address *addr)
{
    struct sockaddr_un sun;
    socklen_t len = make_sockaddr(addr, &sun);
    struct stat st;
    int fd, rc;

    if (lstat(addr->path, &st) < 0 || !S_ISSOCK(st.st_mode))
        return false; /* never unlink what is not a socket */
    fd = srpc__socket(AF_UNIX);
    if (fd < 0)
        return false;
    rc = srpc__connect(fd, (struct sockaddr *)&sun, len,
                       srpc__now_ms() + PROBE_TIMEOUT_MS);
    srpc__close(fd);
    return rc == ECONNREFUSED;
}

static int bind_once(int fd, const struct srpc__address *addr)
{
    struct sockaddr_un sun;
    socklen_t len = make_sockaddr(addr, &sun);

    return bind(fd, (struct sockaddr *)&sun, len) == 0 ? 0 : errno;
}

static int bind_replacing_stale(int fd, const struct srpc__address *addr,
                                char *err, size_t errsize)
{
    int e = bind_once(fd, addr);

    if (e == EADDRINUSE && !addr->abstract && is_stale(addr)) {
        if (unlink(addr->path) < 0 && errno != ENOENT) {
            srpc__errf(err, errsize, "cannot remove stale socket unix:%s: %s",
                       addr->path, strerror(errno));
            return SRPC_ELISTEN;
        }
        e = bind_once(fd, addr);
    }
    if (e == 0)
        return SRPC_OK;
    srpc__errf(err, errsize, "cannot bind %s%s: %s", prefix(addr), addr->path,
               e == EADDRINUSE ? "a server is already listening there"
                               : strerror(e));
    return e == EADDRINUSE ? SRPC_EADDRINUSE : SRPC_ELISTEN;
}

/* After bind: set MODE and remember the inode, so cleanup removes only
 * our own file. */
static int own_file(const struct srpc__address *addr, unsigned mode,
                    struct srpc__bound *b, char *err, size_t errsize)
{
    struct stat st;

    if (chmod(addr->path, (mode_t)mode) < 0 || stat(addr->path, &st) < 0) {
        srpc__errf(err, errsize, "cannot set mode of unix:%s: %s", addr->path,
                   strerror(errno));
        unlink(addr->path);
        return SRPC_ELISTEN;
    }
    b->owns_file = true;
    b->dev = st.st_dev;
    b->ino = st.st_ino;
    return SRPC_OK;
}

static int unix_listen(const struct srpc__address *addr, unsigned mode,
                       int *out,
                       struct srpc__bound *bound, char *err, size_t errsize)
{
    int fd = srpc__socket(AF_UNIX), rc;

    memset(bound, 0, sizeof *bound);
    if (fd < 0) {
        srpc__errf(err, errsize, "cannot create socket: %s", strerror(errno));
        return SRPC_ELISTEN;
    }
    /* Failure only means this system ignores a socket's mode: own_file()
     * still sets it before anyone can connect. */
    if (!addr->abstract)
        (void)fchmod(fd, (mode_t)mode);
    rc = bind_replacing_stale(fd, addr, err, errsize);
    if (rc == SRPC_OK && !addr->abstract)
        rc = own_file(addr, mode, bound, err, errsize);
    if (rc == SRPC_OK && listen(fd, SOMAXCONN) < 0) {
        srpc__errf(err, errsize, "cannot listen on %s%s: %s", prefix(addr),
                   addr->path, strerror(errno));
        rc = SRPC_ELISTEN;
    }
    if (rc != SRPC_OK) {
        srpc__close(fd);
        if (bound->owns_file)
            unlink(addr->path);
        bound->owns_file = false;
        return rc;
    }
    srpc__errf(bound->text, sizeof bound->text, "%s%s", prefix(addr),
               addr->path);
    *out = fd;
    return SRPC_OK;
}

static int unix_connect(const struct srpc__address *addr, int64_t deadline,
                        struct srpc__sock *out, char *err, size_t errsize)
{
    struct sockaddr_un sun;
    socklen_t len = make_sockaddr(addr, &sun);
    int fd = srpc__socket(AF_UNIX), e;

    if (fd < 0) {
        srpc__errf(err, errsize, "cannot create socket: %s", strerror(errno));
        return SRPC_ECONNECT;
    }
    e = srpc__connect(fd, (struct sockaddr *)&sun, len, deadline);
    if (e != 0) {
        srpc__close(fd);
        srpc__errf(err, errsize, "cannot connect to %s%s: %s", prefix(addr),
                   addr->path, strerror(e));
        return e == ETIMEDOUT ? SRPC_ETIMEDOUT : SRPC_ECONNECT;
    }
    out->fd = fd;
    out->ops = &srpc__transport_unix;
    out->wait_ms = 0;
    return SRPC_OK;
}

static int unix_accept(int listen_fd, struct srpc__sock *out)
{
    out->ops = &srpc__transport_unix;
    return srpc__stream_accept(listen_fd, out);
}

static int unix_setup(struct srpc__sock *sock)
{
    (void)sock; /* nothing to tune on a Unix socket */
    return 0;
}

static int unix_peer_cred(const struct srpc__sock *sock, struct srpc_peer *out)
{
#ifdef SO_PEERCRED
    struct ucred uc;
    socklen_t len = sizeof uc;

    if (getsockopt(sock->fd, SOL_SOCKET, SO_PEERCRED, &uc, &len) == 0) {
        out->uid = uc.uid;
        out->gid = uc.gid;
        out->pid = uc.pid;
        return 0;
    }
#else
    (void)sock; /* no SO_PEERCRED on this system: credentials unknown */
#endif
    out->uid = out->gid = out->pid = -1;
    return -1;
}

static void unix_cleanup(const struct srpc__bound *b)
{
    const char *path = b->text + strlen("unix:");
    struct stat st;

    /* Another server may have replaced our file since: leave theirs. */
    if (b->owns_file && stat(path, &st) == 0 && st.st_dev == b->dev &&
        st.st_ino == b->ino)
        unlink(path);
}

const struct srpc_transport_ops srpc__transport_unix = {
    .scheme = "unix",
    .listen = unix_listen,
    .connect = unix_connect,
    .accept = unix_accept,
    .setup = unix_setup,
    .peer_cred = unix_peer_cred,
    .recv = srpc__stream_recv,
    .recv_wait = srpc__stream_recv_wait,
    .writev = srpc__stream_writev,
    .shutdown = srpc__stream_shutdown,
    .close = srpc__stream_close,
    .cleanup = unix_cleanup,
};
