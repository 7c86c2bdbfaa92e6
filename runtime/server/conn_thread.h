/*
 * conn_thread.h - thread-per-connection mode (threads_per_connection):
 * each accepted connection is served by a thread of its own with blocking
 * waits, its own read buffer, reply queue and workspace, so that a handler
 * that blocks holds up only its own client.  The event loop keeps the
 * listeners, the limits checked at accept, and the shutdown sequence.
 *
 * Shared state -- the list of threads, their count and the counters -- is
 * under server->lock.  A thread counts into a private stats struct and
 * adds it to the server's under the lock after each batch of input.
 */
#ifndef SRPC_CONN_THREAD_H
#define SRPC_CONN_THREAD_H

#include <stddef.h>

#include "server/server.h"

/* Starts a thread serving SOCK (owned from now on, closed on failure). */
int srpc__tconn_start(struct srpc_server *srv, struct srpc__sock *sock,
                      const struct srpc__listener *listener,
                      const struct srpc_peer *peer);

/* Connection threads alive now. */
size_t srpc__tconn_count(struct srpc_server *srv);

/* Joins the threads that have finished; with ALL, waits for every one. */
void srpc__tconn_reap(struct srpc_server *srv, bool all);

/* Shutdown, phase 1: every thread serves what it has received, flushes
 * its replies until server->drain_deadline, and ends. */
void srpc__tconn_stop(struct srpc_server *srv);

/* Phase 2, the drain deadline passed: cuts the sockets of threads still
 * running so that their waits end (a handler still running is waited
 * for by srpc__tconn_reap). */
void srpc__tconn_abort(struct srpc_server *srv);

/* After every thread is joined: ready for srpc_server_run() again. */
void srpc__tconn_rearm(struct srpc_server *srv);

#endif
