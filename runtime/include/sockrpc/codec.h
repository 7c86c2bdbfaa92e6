/*
 * sockrpc/codec.h - the interface between idlc-generated stubs and the
 * runtime.  Application code does not need it; generated _client.c and
 * _server.c files include it.
 *
 * Encoding uses msgpack-c's packer directly.  The packer writes into a
 * buffer owned by the runtime; if that buffer cannot grow, the failure is
 * remembered and reported by the next srpc_client_call(), srpc_client_notify()
 * or by the server when it sends the reply, so stubs need not check every
 * msgpack_pack_*() call.
 *
 * Decoding goes through the srpc_get_*() functions, which accept exactly the
 * msgpack values that represent the IDL type (an int32 accepts any msgpack
 * integer in range, a double accepts floats and integers) and return
 * SRPC_ETYPE otherwise, or SRPC_ENOMEM.  They never write *out on failure.
 */
#ifndef SOCKRPC_CODEC_H
#define SOCKRPC_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

#include "sockrpc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Memory that lives as long as a call's decoded arguments (server) or until
 * srpc_client_free_results() (client). */
typedef struct srpc_arena srpc_arena;

/* ---- decoding ---------------------------------------------------- */

int srpc_get_bool(const msgpack_object *o, bool *out);
int srpc_get_int32(const msgpack_object *o, int32_t *out);
int srpc_get_int64(const msgpack_object *o, int64_t *out);
int srpc_get_uint32(const msgpack_object *o, uint32_t *out);
int srpc_get_uint64(const msgpack_object *o, uint64_t *out);
int srpc_get_double(const msgpack_object *o, double *out);

/* Copies a msgpack str, or a bin (which other peers send for strings),
 * into ARENA with a terminating NUL.  One holding a NUL byte is
 * SRPC_ETYPE: it cannot be a C string. */
int srpc_get_str(const msgpack_object *o, srpc_arena *arena, const char **out);

/* The name of a msgpack value's type ("string", "array", ...) for messages. */
const char *srpc_object_type_name(const msgpack_object *o);

int srpc_get_int8(const msgpack_object *o, int8_t *out);
int srpc_get_int16(const msgpack_object *o, int16_t *out);
int srpc_get_uint8(const msgpack_object *o, uint8_t *out);
int srpc_get_uint16(const msgpack_object *o, uint16_t *out);

/* A float32 or float64 whose value a C float can hold (NaN and the
 * infinities included; a finite double beyond FLT_MAX is SRPC_ETYPE), or
 * any integer, rounded to the nearest float. */
int srpc_get_float(const msgpack_object *o, float *out);

/* As srpc_get_str(), but one longer than MAX bytes (MAX > 0) is
 * SRPC_ETOOBIG.  MAX 0 means no bound. */
int srpc_get_str_max(const msgpack_object *o, srpc_arena *arena, size_t max,
                     const char **out);

/* Copies a msgpack bin into ARENA; longer than MAX bytes (MAX > 0) is
 * SRPC_ETOOBIG.  A str is accepted too: old msgpack peers have only raw
 * str for bytes. */
int srpc_get_bin(const msgpack_object *o, srpc_arena *arena, size_t max,
                 srpc_bytes *out);

/* The IDL's "any": a deep copy of O (strings, arrays, maps, ext data and
 * all) in ARENA.  Any msgpack value is accepted, nil included. */
int srpc_get_any(const msgpack_object *o, srpc_arena *arena,
                 const msgpack_object **out);

/* SIZE bytes from ARENA, aligned for any type; NULL when memory runs out. */
void *srpc_arena_alloc(srpc_arena *arena, size_t size);

/*
 * Where and why a nested value did not decode or encode, for the message:
 * PATH is the fields on the way down ("origin.label", "[3]"), WHAT the
 * complaint ("expected string, got integer").  Generated code fills it
 * with the functions below, each of which returns RC (the status).
 */
typedef struct srpc_derr {
    int rc;
    char path[128];
    char what[128];
} srpc_derr;

/* The value GOT (NULL: a NULL pointer to encode) is not an EXPECTED ("int32",
 * "string<64>", "struct point"); RC says how: SRPC_ETYPE, SRPC_ETOOBIG (over
 * its bound), SRPC_ENOMEM. */
int srpc_derr_set(srpc_derr *err, int rc, const char *expected,
                  const msgpack_object *got);

/* Memory ran out while decoding. */
int srpc_derr_nomem(srpc_derr *err);

/* A struct's required FIELD is missing, or given twice. */
int srpc_derr_missing(srpc_derr *err, const char *field);
int srpc_derr_duplicate(srpc_derr *err, const char *field);

/* A union to encode, UNION ("union value"), has a tag that names none of
 * its arms; returns SRPC_EINVAL. */
int srpc_derr_no_arm(srpc_derr *err, const char *union_name, int64_t tag);

/* A closed enum to encode, ENUM_NAME ("enum color"), holds V, which is
 * none of its values; returns SRPC_EINVAL. */
int srpc_derr_no_value(srpc_derr *err, const char *enum_name, int64_t v);

/* The error in ERR happened inside FIELD: prepends it to the path. */
int srpc_derr_in(srpc_derr *err, const char *field);

/* The error in ERR happened in element INDEX of a sequence or map:
 * prepends "[INDEX]" to the path. */
int srpc_derr_index(srpc_derr *err, size_t index);

/* A sequence or map to encode has N elements, more than its bound (or
 * than msgpack can say); returns SRPC_EINVAL. */
int srpc_derr_count(srpc_derr *err, const char *expected, size_t n);

/* The index of a struct's field whose name is the str (or bin) KEY among
 * the N NAMES, or -1 (an unknown field, or a key that is neither). */
int srpc_field_index(const msgpack_object *key, const char *const *names,
                     size_t n);

/* ---- encoding ---------------------------------------------------- */

/* Packs a C string as a msgpack str; NULL is packed as nil (which the
 * receiver rejects as a string). */
void srpc_pack_str(msgpack_packer *pk, const char *s);

/* Packs O as it is; NULL is packed as nil. */
void srpc_pack_any(msgpack_packer *pk, const msgpack_object *o);

/* Checked packing for bounded and nested values: packs S as a str, or B as
 * a bin, unless it is NULL, longer than MAX bytes (MAX > 0) or longer than
 * msgpack can say; then packs nothing, fills ERR and returns SRPC_EINVAL. */
int srpc_put_str(msgpack_packer *pk, const char *s, size_t max,
                 srpc_derr *err);
int srpc_put_bin(msgpack_packer *pk, const srpc_bytes *b, size_t max,
                 srpc_derr *err);

/* ---- client side ------------------------------------------------- */

/* Starts the request [0, msgid, METHOD, [ ... ]] whose NARGS arguments the
 * caller packs next.  Never returns NULL: the packer belongs to CLIENT. */
msgpack_packer *srpc_client_begin(srpc_client *client, const char *method,
                                  uint32_t nargs);

/* Starts the notification [2, METHOD, [ ... ]]. */
msgpack_packer *srpc_client_begin_notify(srpc_client *client,
                                         const char *method, uint32_t nargs);

/* Sends the request begun last (by this thread) and waits for its reply.
 * On SRPC_OK *result is the reply's result, valid until this thread's
 * next call on CLIENT or srpc_client_free_results(). */
int srpc_client_call(srpc_client *client, const msgpack_object **result);

/* Sends the notification begun last.  Returns once it is written. */
int srpc_client_notify(srpc_client *client);

/*
 * Queues the request begun last (by this thread) to be sent without
 * waiting for its reply; it is written with the others queued when a
 * thread waits, polls or flushes (see srpc_client_flush()).  On SRPC_OK
 * *call is a handle that must be given to exactly one srpc_client_wait()
 * or srpc_client_cancel(); on failure *call is NULL.  Any number of calls
 * may be in flight; their replies may come in any order.  A call's
 * deadline counts from here.
 */
int srpc_client_send(srpc_client *client, srpc_pending **call);

/*
 * Waits for the reply of CALL until its deadline and finishes CALL, which
 * is invalid afterwards, whatever the status.  Replies to other calls that
 * arrive meanwhile are kept for them.  On SRPC_OK *result is the result,
 * valid until this thread's next call on CLIENT or
 * srpc_client_free_results().  A call in flight when
 * the connection breaks fails with the connection's status (SRPC_ECLOSED
 * when the server closed it).
 */
int srpc_client_wait(srpc_client *client, srpc_pending *call,
                     const msgpack_object **result);

/*
 * The callback form: FN(client, status, result, user_data) runs once, on
 * the thread of a later srpc_client_poll(), wait or blocking call on
 * CLIENT, when the reply comes, the connection breaks, or (noticed by
 * srpc_client_poll()) the deadline passes; srpc_client_close() runs those
 * left.  RESULT is NULL unless
 * STATUS is SRPC_OK and valid until FN returns; srpc_client_errmsg() tells
 * why it failed.  When srpc_client_send_cb() itself fails, FN never runs.
 */
typedef void (*srpc_reply_fn)(srpc_client *client, int status,
                              const msgpack_object *result, void *user_data);
int srpc_client_send_cb(srpc_client *client, srpc_reply_fn fn,
                        void *user_data);

/* Where srpc_get_str() puts strings from results. */
srpc_arena *srpc_client_arena(srpc_client *client);

/* Records that the result of the last call did not decode (ERR says
 * where and why) and returns the status for the stub to return. */
int srpc_client_bad_value(srpc_client *client, const srpc_derr *err);

/* Records that argument INDEX (from 0), named NAME, could not be encoded
 * (ERR says why: NULL, over its bound) and returns SRPC_EINVAL.  The
 * request begun is never sent. */
int srpc_client_bad_arg(srpc_client *client, const srpc_derr *err,
                        uint32_t index, const char *name);

/* Records that the result of the last call did not decode as TYPE (RC is
 * what the srpc_get_*() function returned) and returns the status for the
 * stub to return. */
int srpc_client_bad_result(srpc_client *client, int rc, const char *type);

/* For the NAME_error() accessors of procedures that raise errors: true,
 * with *CODE, when this thread's last call on CLIENT failed with
 * SRPC_EREMOTE and the server's error carried an integer code outside
 * SRPC_WIRE_RESERVED_MIN..MAX (the runtime's own codes, a code that does
 * not fit int64_t, or none give false). */
bool srpc_client_app_code(const srpc_client *client, int64_t *code);

/* ---- server side ------------------------------------------------- */

/*
 * Decodes the arguments ARGS (exactly the method's nargs of them, already
 * checked by the runtime), calls the handler in IMPL (the ops table the
 * application registered) and packs its result into REPLY.  Returns SRPC_OK,
 * or a status after srpc_call_fail() or srpc_call_bad_arg() described it.
 */
typedef int (*srpc_dispatch_fn)(srpc_call *call, const void *impl,
                                const msgpack_object *args,
                                msgpack_packer *reply);

struct srpc_method {
    const char *name;          /* wire name, e.g. "calc.add" */
    uint32_t nargs;            /* number of positional arguments */
    srpc_dispatch_fn dispatch;
};

struct srpc_interface {
    const char *name;                  /* e.g. "calc" */
    const struct srpc_method *methods;
    size_t nmethods;
};

/* Makes IFACE's methods callable on SERVER; IMPL and USER_DATA must outlive
 * the server.  A wire name registered twice is SRPC_EINVAL. */
int srpc_server_register(srpc_server *server,
                         const struct srpc_interface *iface,
                         const void *impl, void *user_data);

/* Where srpc_get_str() puts strings from arguments. */
srpc_arena *srpc_call_arena(srpc_call *call);

/* Fails the call because argument INDEX (from 0), named NAME, did not decode
 * as TYPE; RC is what the srpc_get_*() function returned.  Returns the
 * status for the dispatch function to return. */
int srpc_call_bad_arg(srpc_call *call, int rc, uint32_t index,
                      const char *name, const char *type);

/* Fails the call because argument INDEX (from 0), named NAME, did not
 * decode; ERR says where and why.  Returns the status for the dispatch
 * function to return. */
int srpc_call_bad_value(srpc_call *call, const srpc_derr *err,
                        uint32_t index, const char *name);

/* Fails the call because the handler's result could not be encoded (ERR:
 * over its bound, a NULL, a union's tag or a closed enum's value that
 * names nothing); the caller gets an internal error and the server logs
 * a warning. */
int srpc_call_bad_result(srpc_call *call, const srpc_derr *err);

/* Fails the call because the application left its handler NULL. */
int srpc_call_not_implemented(srpc_call *call);

/*
 * Inside a handler: starts the notification [2, METHOD, [ ... ]] to the
 * caller, whose NARGS arguments the handler packs next with msgpack-c.
 * Several may be sent; they reach the caller before the call's reply (or
 * alone, when the call was itself a notification), in the order sent.
 * Never returns NULL; a notification that cannot be built (out of memory)
 * is dropped and logged, and the reply still goes out.
 */
msgpack_packer *srpc_call_notify_begin(srpc_call *call, const char *method,
                                       uint32_t nargs);

#ifdef __cplusplus
}
#endif

#endif /* SOCKRPC_CODEC_H */
