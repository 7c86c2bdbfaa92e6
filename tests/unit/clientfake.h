/*
 * clientfake.h - a scripted msgpack-rpc peer for the client's tests: a
 * raw Unix socket served by one thread that runs a script, so that a test
 * can send what a sockrpc server never would (replies out of order,
 * notifications between replies, a close in the middle of calls).
 */
#ifndef CLIENTFAKE_H
#define CLIENTFAKE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <msgpack.h>

#include "sockrpc.h"

struct fake;
typedef void (*fake_script)(struct fake *f, int fd);

struct fake {
    int lfd;
    pthread_t thread;
    fake_script script;
    void *arg;                /* for the script */
    msgpack_unpacker unp;     /* the script's reader */
};

/* Listens on PATH and runs SCRIPT on the first connection in a thread;
 * the connection is closed when SCRIPT returns.  fake_stop() joins. */
void fake_start(struct fake *f, const char *path, fake_script script,
                void *arg);
void fake_stop(struct fake *f);

/* Reads one request; returns its msgid, or -1 at EOF or timeout (5 s).
 * When ARG0 is not NULL it receives the first argument (an integer). */
int64_t fake_read_request(struct fake *f, int fd, int64_t *arg0);

/* Sends [1, ID, nil, RESULT]. */
void fake_reply_int(int fd, int64_t id, int64_t result);

/* Sends [2, METHOD, [ARG]], or [2, METHOD, [ARG, TEXT]] when TEXT is set. */
void fake_notify(int fd, const char *method, int64_t arg, const char *text);

/* calc.add's async halves, written the way idlc generates them (testcalc
 * has only the blocking stubs). */
int calc_add_async(srpc_client *client, int32_t a, int32_t b,
                   srpc_pending **call);
int calc_add_finish(srpc_client *client, srpc_pending *call, int32_t *result);
int calc_sleep_async(srpc_client *client, int32_t ms, srpc_pending **call);

#endif
