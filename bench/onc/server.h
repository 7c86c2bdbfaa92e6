/* server.h - an ONC RPC server in a thread of this process (server.c). */
#ifndef ONCBENCH_SERVER_H
#define ONCBENCH_SERVER_H

#include "conn.h"

/* Serves oncbench.x on a Unix socket at UNIX_PATH and on 127.0.0.1 from
 * a new thread pinned to CPU; their addresses into EP[T_UNIX], EP[T_TCP]. */
void server_start(const char *unix_path, int cpu, struct endpoint ep[T_COUNT]);

/* Waits until every client connection has been closed by its client and
 * served to the end, then stops the thread and closes the listeners.
 * Every CLIENT must be destroyed first. */
void server_stop(void);

#endif
