/*
 * testcalc.h - a "calc" interface written by hand the way idlc writes
 * generated code: client stubs over srpc_client_begin/call, and server
 * dispatch functions that decode with srpc_get_*() and report with
 * srpc_call_bad_arg() / srpc_call_not_implemented().
 */
#ifndef TESTCALC_H
#define TESTCALC_H

#include <pthread.h>
#include <stdint.h>

#include "sockrpc.h"
#include "sockrpc/codec.h"

#define CALC_EDIVZERO 7

struct calc_ops {
    int (*add)(srpc_call *call, int32_t a, int32_t b, int32_t *ret);
    int (*div)(srpc_call *call, int32_t a, int32_t b, int32_t *ret);
    int (*echo)(srpc_call *call, const char *s, const char **ret);
    int (*sleep)(srpc_call *call, int32_t ms);
    int (*note)(srpc_call *call, int32_t v);
    int (*missing)(srpc_call *call);
    int (*big)(srpc_call *call, uint32_t n, const char **ret);
    int (*broken)(srpc_call *call);
};

extern const struct srpc_interface calc_interface;

/* Registers OPS with USER_DATA on SRV, as idlc's calc_serve() does. */
int calc_serve(srpc_server *srv, const struct calc_ops *ops, void *user_data);

/* What the default handlers record; user_data of calc_default_ops. */
struct calc_state {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int notes;      /* notifications received */
    int64_t sum;    /* of their values */
};
void calc_state_init(struct calc_state *st);
void calc_state_fini(struct calc_state *st);
/* Waits up to TIMEOUT_MS until NOTES notifications arrived. */
int calc_state_wait_notes(struct calc_state *st, int notes, int timeout_ms);

/* Handlers: add, div (fails with CALC_EDIVZERO), echo, sleep, note, big,
 * broken (returns SRPC_EIO without a message); missing is NULL. */
extern const struct calc_ops calc_default_ops;

/* Client stubs. */
int calc_add(srpc_client *c, int32_t a, int32_t b, int32_t *ret);
int calc_div(srpc_client *c, int32_t a, int32_t b, int32_t *ret);
int calc_echo(srpc_client *c, const char *s, const char **ret);
int calc_sleep(srpc_client *c, int32_t ms);
int calc_note(srpc_client *c, int32_t v);
int calc_missing(srpc_client *c);
int calc_big(srpc_client *c, uint32_t n, const char **ret);
int calc_broken(srpc_client *c);

/* Deliberately wrong stubs, as an out-of-date client would be. */
int calc_add_as_str(srpc_client *c, int32_t a, int32_t b, const char **ret);
int calc_add3(srpc_client *c, int32_t a, int32_t b, int32_t x, int32_t *ret);
int calc_add_str_arg(srpc_client *c, const char *a, int32_t b, int32_t *ret);
int calc_nosuch(srpc_client *c);

#endif
