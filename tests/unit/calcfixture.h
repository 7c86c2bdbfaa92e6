/*
 * calcfixture.h - the server most runtime tests start: the hand-written
 * calc interface of testcalc.h with its default handlers, on a Unix socket
 * in a fresh directory (listener 0) and on 127.0.0.1 with a free port
 * (listener 1), served by a thread.
 *
 * fx_setup() and fx_teardown() are a Check checked fixture; a test calls
 * fx_start() with the options it needs.  One fixture per process: Check
 * forks a process per test.
 */
#ifndef TESTS_CALCFIXTURE_H
#define TESTS_CALCFIXTURE_H

#include "sockrpc.h"
#include "testcalc.h"
#include "testutil.h"

struct calc_fixture {
    char dir[256];            /* the temporary directory */
    char unix_addr[300];      /* "unix:DIR/calc.sock" */
    struct calc_state state;  /* what the default handlers saw */
    struct tu_server ts;      /* the server and its thread */
};

extern struct calc_fixture fx;

void fx_setup(void);
void fx_teardown(void);

/* Creates the server with OPTIONS (NULL: defaults), registers calc,
 * listens on both addresses and starts serving. */
void fx_start(const struct srpc_server_options *options);

/* A client connected to ADDRESS, or the test fails. */
srpc_client *fx_connect(const char *address);

#endif
