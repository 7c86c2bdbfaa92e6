/* conn.h - the sockets of bench/onc/oncbench, and ONC RPC client handles
 * on them.  No rpcbind anywhere: the server listens on a socket this
 * program bound, and each client connects to it directly. */
#ifndef ONCBENCH_CONN_H
#define ONCBENCH_CONN_H

#include <sys/socket.h>

#include <rpc/rpc.h>

enum transport { T_UNIX, T_TCP, T_COUNT };
extern const char *const transport_name[T_COUNT];

/* libtirpc caps its record buffers at 256 KiB (__rpc_get_t_size), and
 * without a size asks for 64 KiB on TCP but only 9000 bytes on a Unix
 * socket: both transports get the cap, for the bulk calls' sake. */
enum { ONC_BUF_SIZE = 256 * 1024 };

struct endpoint {
    enum transport t;
    struct sockaddr_storage addr;
    socklen_t len;
};

/* A listening socket on PATH (Unix) or on 127.0.0.1 with a port the
 * kernel picks (TCP); its address into EP. */
int listen_on(enum transport t, const char *path, struct endpoint *ep);

/* A client handle on a new connection to EP that closes it when it is
 * destroyed.  Its first call also proves the server accepted it. */
CLIENT *connect_client(const struct endpoint *ep);

#endif
