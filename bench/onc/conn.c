/* conn.c - listening sockets and client handles (conn.h). */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "conn.h"
#include "oncbench.h"
#include "util.h"

const char *const transport_name[T_COUNT] = { "unix", "tcp" };

int listen_on(enum transport t, const char *path, struct endpoint *ep)
{
    int fd = socket(t == T_UNIX ? AF_UNIX : AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        die("socket: %s", strerror(errno));
    memset(ep, 0, sizeof *ep);
    ep->t = t;
    if (t == T_UNIX) {
        struct sockaddr_un *un = (struct sockaddr_un *)&ep->addr;

        un->sun_family = AF_UNIX;
        if (snprintf(un->sun_path, sizeof un->sun_path, "%s", path) >=
            (int)sizeof un->sun_path)
            die("%s: path too long for a Unix socket", path);
        ep->len = sizeof *un;
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *)&ep->addr;

        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        in->sin_port = 0;
        ep->len = sizeof *in;
    }
    if (bind(fd, (struct sockaddr *)&ep->addr, ep->len) < 0)
        die("bind: %s", strerror(errno));
    /* The concurrency test opens up to 128 connections at once. */
    if (listen(fd, SOMAXCONN) < 0)
        die("listen: %s", strerror(errno));
    if (getsockname(fd, (struct sockaddr *)&ep->addr, &ep->len) < 0)
        die("getsockname: %s", strerror(errno));
    return fd;
}

CLIENT *connect_client(const struct endpoint *ep)
{
    struct netbuf raddr;
    CLIENT *clnt;
    int one = 1;
    int fd = socket(ep->addr.ss_family, SOCK_STREAM, 0);

    if (fd < 0)
        die("socket: %s", strerror(errno));
    if (connect(fd, (const struct sockaddr *)&ep->addr, ep->len) < 0)
        die("connect: %s", strerror(errno));
    /* libtirpc's server sets TCP_NODELAY on what it accepts; the client
     * is left to us.  A bulk call's last fragment must not wait. */
    if (ep->t == T_TCP &&
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        die("setsockopt TCP_NODELAY: %s", strerror(errno));
    /* clnt_vc_create() only copies the address (the fd is connected). */
    raddr.buf = (void *)&ep->addr;
    raddr.len = ep->len;
    raddr.maxlen = sizeof ep->addr;
    clnt = clnt_vc_create(fd, &raddr, ONCBENCH_PROG, ONCBENCH_VERS,
                          ONC_BUF_SIZE, ONC_BUF_SIZE);
    if (!clnt)
        die("clnt_vc_create: %s", clnt_spcreateerror(transport_name[ep->t]));
    if (!clnt_control(clnt, CLSET_FD_CLOSE, NULL))
        die("clnt_control CLSET_FD_CLOSE failed");
    return clnt;
}
