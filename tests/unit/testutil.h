/*
 * testutil.h - helpers shared by the runtime's unit tests.
 */
#ifndef TESTUTIL_H
#define TESTUTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "sockrpc.h"

/* A fresh directory under $TMPDIR (or /tmp); tu_rmdir removes it and the
 * files in it.  The returned string is static to the caller's buffer. */
void tu_mkdtemp(char *buf, size_t size);
void tu_rmdir(const char *dir);

/* Descriptors open in this process (entries of /proc/self/fd). */
int tu_count_fds(void);

/* A server running srpc_server_run() in a thread. */
struct tu_server {
    srpc_server *srv;
    pthread_t thread;
    int rc;       /* what srpc_server_run returned */
    bool running;
};

/* Starts TS->srv in a thread; tu_server_stop stops and joins it. */
void tu_server_start(struct tu_server *ts);
void tu_server_stop(struct tu_server *ts);

/* A blocking socket connected to ADDRESS (as srpc addresses), with a
 * receive timeout of TIMEOUT_MS; -1 on failure. */
int tu_connect_raw(const char *address, int timeout_ms);

/* Writes all of BUF; false on error. */
bool tu_write_all(int fd, const void *buf, size_t len);

/* Reads from FD (which has a receive timeout) until EOF; true if EOF came
 * before the timeout or an error like ECONNRESET (the server closed it). */
bool tu_wait_closed(int fd);

/* Reads one msgpack message from FD into U (which the caller initialised
 * and destroys) using UNP; false on timeout, EOF or parse error. */
bool tu_read_message(int fd, msgpack_unpacker *unp, msgpack_unpacked *u);

/* Packs into SBUF a request [0, msgid, method, [args...]] of int args. */
void tu_pack_request(msgpack_sbuffer *sbuf, uint32_t msgid, const char *method,
                     unsigned nargs, const int64_t *args);

/* Reads messages from FD until the server's [2, "sockrpc.closing",
 * [code, message]] notification; true and its code in *CODE when it came
 * (replies before it are skipped), false on EOF or timeout first. */
bool tu_read_closing(int fd, int64_t *code);

/* The same, with the notice's message copied into WHY (SIZE bytes). */
bool tu_read_closing_why(int fd, int64_t *code, char *why, size_t size);

/* True when O is that notification; its code in *CODE. */
bool tu_is_closing(const msgpack_object *o, int64_t *code);

/* Waits up to TIMEOUT_MS until the server's counter picked by FIELD (an
 * offset in struct srpc_server_stats) reaches WANT; returns its value.
 * Reading the stats while the server runs in another thread is a benign
 * race for a test that only polls a growing counter. */
uint64_t tu_wait_stat(srpc_server *srv, size_t field, uint64_t want,
                      int timeout_ms);
#define TU_STAT(name) offsetof(struct srpc_server_stats, name)

#endif
