/*
 * protocol.h - msgpack-rpc messages: writing their headers and checking
 * decoded ones.
 *
 *   request       [0, msgid, method, params]
 *   response      [1, msgid, error, result]   error: nil or [code, message]
 *   notification  [2, method, params]
 *
 * msgids we send stay below 2^31 (some peers use signed 32-bit counters);
 * any uint32 is accepted.
 */
#ifndef SRPC_PROTOCOL_H
#define SRPC_PROTOCOL_H

#include <stdbool.h>
#include <stdint.h>

#include <msgpack.h>

enum srpc__msg_type {
    SRPC__MSG_REQUEST = 0,
    SRPC__MSG_RESPONSE = 1,
    SRPC__MSG_NOTIFY = 2
};

#define SRPC__MSGID_LIMIT 0x80000000u /* msgids sent are below this */

/* A checked message.  Pointers point into the decoded object. */
struct srpc__msg {
    enum srpc__msg_type type;
    bool has_msgid;                /* msgid is valid (request, response) */
    uint32_t msgid;
    const msgpack_object *method;  /* request, notify: a str */
    const msgpack_object *params;  /* request, notify: an array */
    const msgpack_object *error;   /* response: nil or anything */
    const msgpack_object *result;  /* response */
};

/* The msgid after ID, wrapping below SRPC__MSGID_LIMIT. */
uint32_t srpc__next_msgid(uint32_t id);

/* Header writers: the caller packs NARGS arguments / the result next. */
void srpc__pack_request_head(msgpack_packer *pk, uint32_t msgid,
                             const char *method, uint32_t nargs);
void srpc__pack_notify_head(msgpack_packer *pk, const char *method,
                            uint32_t nargs);
void srpc__pack_response_head(msgpack_packer *pk, uint32_t msgid);

/* A complete error response [1, msgid, [code, message], nil]. */
void srpc__pack_response_error(msgpack_packer *pk, uint32_t msgid,
                               int64_t code, const char *message);

/*
 * Checks the decoded message O and fills M.  Returns SRPC_OK or
 * SRPC_EPROTO with *why set.  Even on failure m->has_msgid tells whether a
 * request's msgid was valid, so that the server can still answer with an
 * error (a bad method or params) instead of closing the connection.
 */
int srpc__msg_parse(const msgpack_object *o, struct srpc__msg *m,
                    const char **why);

/* The bytes of O when it is a str or a bin, which peers use
 * interchangeably: old msgpack has only raw (now str) for both, and a
 * Python service sends a bytes object as bin where its API means a
 * string.  False for any other type, and for NULL. */
bool srpc__get_raw(const msgpack_object *o, const char **ptr, size_t *size);

#endif
