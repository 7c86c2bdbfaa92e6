/*
 * protocol.c - see protocol.h.
 */
#include "config.h"

#include <string.h>

#include "sockrpc.h"
#include "sockrpc/codec.h"
#include "wire/protocol.h"

uint32_t srpc__next_msgid(uint32_t id)
{
    return (id + 1) % SRPC__MSGID_LIMIT;
}

void srpc__pack_request_head(msgpack_packer *pk, uint32_t msgid,
                             const char *method, uint32_t nargs)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, SRPC__MSG_REQUEST);
    msgpack_pack_uint32(pk, msgid);
    srpc_pack_str(pk, method);
    msgpack_pack_array(pk, nargs);
}

void srpc__pack_notify_head(msgpack_packer *pk, const char *method,
                            uint32_t nargs)
{
    msgpack_pack_array(pk, 3);
    msgpack_pack_int(pk, SRPC__MSG_NOTIFY);
    srpc_pack_str(pk, method);
    msgpack_pack_array(pk, nargs);
}

void srpc__pack_response_head(msgpack_packer *pk, uint32_t msgid)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, SRPC__MSG_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_nil(pk);
}

void srpc__pack_response_error(msgpack_packer *pk, uint32_t msgid,
                               int64_t code, const char *message)
{
    msgpack_pack_array(pk, 4);
    msgpack_pack_int(pk, SRPC__MSG_RESPONSE);
    msgpack_pack_uint32(pk, msgid);
    msgpack_pack_array(pk, 2);
    msgpack_pack_int64(pk, code);
    srpc_pack_str(pk, message);
    msgpack_pack_nil(pk);
}

static bool get_msgid(const msgpack_object *o, uint32_t *out)
{
    /* Negative and non-integer ids are rejected, as are ids past uint32. */
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > UINT32_MAX)
        return false;
    *out = (uint32_t)o->via.u64;
    return true;
}

static int fail(const char **why, const char *text)
{
    *why = text;
    return SRPC_EPROTO;
}

static int parse_call(const msgpack_object *method, const msgpack_object *params,
                      struct srpc__msg *m, const char **why)
{
    m->method = method;
    m->params = params;
    if (method->type != MSGPACK_OBJECT_STR)
        return fail(why, "method name is not a string");
    if (params->type != MSGPACK_OBJECT_ARRAY)
        return fail(why, "params is not an array");
    return SRPC_OK;
}

int srpc__msg_parse(const msgpack_object *o, struct srpc__msg *m,
                    const char **why)
{
    const msgpack_object *e;
    uint32_t n;

    memset(m, 0, sizeof *m);
    if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size == 0)
        return fail(why, "message is not a non-empty array");
    e = o->via.array.ptr;
    n = o->via.array.size;
    if (e[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER || e[0].via.u64 > 2)
        return fail(why, "unknown message type");
    m->type = (enum srpc__msg_type)e[0].via.u64;
    switch (m->type) {
    case SRPC__MSG_REQUEST:
        if (n != 4)
            return fail(why, "request is not a 4-element array");
        if (!get_msgid(&e[1], &m->msgid))
            return fail(why, "invalid msgid");
        m->has_msgid = true;
        return parse_call(&e[2], &e[3], m, why);
    case SRPC__MSG_RESPONSE:
        if (n != 4)
            return fail(why, "response is not a 4-element array");
        if (!get_msgid(&e[1], &m->msgid))
            return fail(why, "invalid msgid");
        m->has_msgid = true;
        m->error = &e[2];
        m->result = &e[3];
        return SRPC_OK;
    case SRPC__MSG_NOTIFY:
        if (n != 3)
            return fail(why, "notification is not a 3-element array");
        return parse_call(&e[1], &e[2], m, why);
    }
    return fail(why, "unknown message type");
}
