/*
 * client.c - the blocking client.
 *
 * A client is one connection and is NOT thread-safe: one call at a time.
 * Threads that share a server each open their own client (or serialise
 * calls with their own lock).
 *
 * A call: srpc_client_begin() packs the request header into `out` (a
 * reusable buffer) and returns the packer; the stub packs the arguments;
 * srpc_client_call() sends the buffer, then reads until the response with
 * the call's msgid arrives.  Every wait is bounded by the call's deadline.
 *
 * Input: rbuf[0, rlen) holds bytes received.  The response of the last
 * call (and the result the stub decodes from it) lives at rbuf[0, done);
 * the next call drops those bytes first.  Messages are found by the same
 * bounded scanner as on the server, and decoded into the client's zone.
 * A response with another msgid (the late reply of a call that timed out)
 * and server notifications are skipped.
 *
 * After a timeout the connection stays usable: the late reply is skipped
 * when it comes.  After EOF, a protocol error, or a request only partly
 * sent, it is broken and later calls fail at once.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "arena.h"
#include "frame.h"
#include "log.h"
#include "protocol.h"
#include "sockrpc/codec.h"
#include "sockutil.h"
#include "transport.h"
#include "wbuf.h"

enum {
    DEFAULT_TIMEOUT_MS = 5000,
    DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024,
    READ_CHUNK = 64 * 1024,
    KEEP_OUT = 64 * 1024,  /* a larger send buffer is freed after a call */
    METHOD_MAX = 128       /* method names are kept for messages only */
};

struct srpc_client {
    int fd;
    int timeout_ms;
    struct srpc_wbuf out;       /* the message being built / sent */
    msgpack_packer pk;          /* writes into out */
    bool begun;                 /* a request is in out */
    bool notify;                /* ... and it is a notification */
    uint32_t next_msgid;
    uint32_t msgid;             /* of the request in out */
    char method[METHOD_MAX];    /* of the request in out, for messages */
    char *rbuf;                 /* bytes received */
    size_t rlen, rcap;
    size_t done;                /* rbuf[0, done): the last call's reply */
    struct srpc__frame frame;
    msgpack_zone zone;          /* the decoded reply */
    bool zone_ok;
    const msgpack_object *result; /* of the last call, for bad_result */
    srpc_arena arena;           /* strings of results */
    int broken;                 /* 0, or the status every call now returns */
    char errmsg[512];
    int64_t remote_code;
};

static int set_error(srpc_client *c, int status, const char *fmt, ...)
    SRPC__PRINTF(3, 4);
static int set_error(srpc_client *c, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->errmsg, sizeof c->errmsg, fmt, ap);
    va_end(ap);
    return status;
}

/* The connection cannot carry more calls: every later call fails so.  The
 * socket is closed at once so that the server frees its side. */
static int set_broken(srpc_client *c, int status, const char *why)
{
    c->broken = status;
    srpc__close(c->fd);
    c->fd = -1;
    return set_error(c, status, "%s", why);
}

static int init(srpc_client *c, const struct srpc_client_options *o)
{
    c->fd = -1;
    c->timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
    srpc__frame_init(&c->frame, o && o->max_message_size
                                    ? o->max_message_size
                                    : DEFAULT_MAX_MESSAGE);
    srpc__wbuf_init(&c->out);
    msgpack_packer_init(&c->pk, &c->out, srpc__wbuf_write);
    srpc__arena_init(&c->arena);
    c->next_msgid = 1;
    if (!msgpack_zone_init(&c->zone, MSGPACK_ZONE_CHUNK_SIZE))
        return SRPC_ENOMEM;
    c->zone_ok = true;
    return SRPC_OK;
}

int srpc_client_connect(srpc_client **out, const char *address,
                        const struct srpc_client_options *options,
                        char *errbuf, size_t errbuf_size)
{
    struct srpc__address addr;
    srpc_client *c;
    int rc;

    if (!out)
        return SRPC_EINVAL;
    *out = NULL;
    rc = srpc__address_parse(address, &addr, errbuf, errbuf_size);
    if (rc != SRPC_OK)
        return rc;
    c = calloc(1, sizeof *c);
    if (!c || init(c, options) != SRPC_OK) {
        srpc_client_close(c);
        srpc__errf(errbuf, errbuf_size, "out of memory");
        return SRPC_ENOMEM;
    }
    rc = addr.ops->connect(&addr, srpc__now_ms() + c->timeout_ms, &c->fd,
                           errbuf, errbuf_size);
    if (rc != SRPC_OK) {
        srpc_client_close(c);
        return rc;
    }
    *out = c;
    return SRPC_OK;
}

void srpc_client_close(srpc_client *client)
{
    if (!client)
        return;
    srpc__close(client->fd);
    srpc__wbuf_fini(&client->out);
    free(client->rbuf);
    if (client->zone_ok)
        msgpack_zone_destroy(&client->zone);
    srpc__arena_fini(&client->arena);
    free(client);
}

int srpc_client_set_timeout(srpc_client *client, int timeout_ms)
{
    if (!client || timeout_ms <= 0)
        return SRPC_EINVAL;
    client->timeout_ms = timeout_ms;
    return SRPC_OK;
}

const char *srpc_client_errmsg(const srpc_client *client)
{
    return client ? client->errmsg : "no client";
}

int64_t srpc_client_remote_code(const srpc_client *client)
{
    return client ? client->remote_code : 0;
}

void srpc_client_free_results(srpc_client *client)
{
    if (client)
        srpc__arena_reset(&client->arena);
}

srpc_arena *srpc_client_arena(srpc_client *client)
{
    return &client->arena;
}

/* ---- building a request ------------------------------------------ */

/* Empties the send buffer for a new message to METHOD. */
static msgpack_packer *begin(srpc_client *c, const char *method, bool notify)
{
    srpc__wbuf_clear(&c->out, KEEP_OUT);
    srpc__errf(c->method, sizeof c->method, "%s", method ? method : "?");
    c->begun = true;
    c->notify = notify;
    return &c->pk;
}

/* What begin returns for a NULL client, since it never returns NULL: a
 * packer into a sink, which is never written, so threads may share it.
 * The call that follows fails with SRPC_EINVAL. */
static struct srpc_wbuf null_sink = { .discard = true };
static msgpack_packer null_packer = { &null_sink, srpc__wbuf_write };

msgpack_packer *srpc_client_begin(srpc_client *client, const char *method,
                                  uint32_t nargs)
{
    msgpack_packer *pk;

    if (!client)
        return &null_packer;
    pk = begin(client, method, false);
    client->msgid = client->next_msgid;
    client->next_msgid = srpc__next_msgid(client->next_msgid);
    srpc__pack_request_head(pk, client->msgid, method, nargs);
    return pk;
}

msgpack_packer *srpc_client_begin_notify(srpc_client *client,
                                         const char *method, uint32_t nargs)
{
    msgpack_packer *pk;

    if (!client)
        return &null_packer;
    pk = begin(client, method, true);
    srpc__pack_notify_head(pk, method, nargs);
    return pk;
}

/* ---- sending ------------------------------------------------------ */

/* Sends all of `out` by DEADLINE. */
static int send_all(srpc_client *c, int64_t deadline)
{
    size_t sent = 0, len = srpc__wbuf_size(&c->out);
    const char *p = srpc__wbuf_bytes(&c->out);

    while (sent < len) {
        ssize_t n = srpc__send(c->fd, p + sent, len - sent);
        int r;

        if (n >= 0) {
            sent += (size_t)n;
            continue;
        }
        if (errno == EPIPE || errno == ECONNRESET)
            return set_broken(c, SRPC_ECLOSED, "connection closed by server");
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return set_broken(c, SRPC_EIO, strerror(errno));
        r = srpc__poll_one(c->fd, POLLOUT, deadline);
        if (r < 0)
            return set_broken(c, SRPC_EIO, strerror(errno));
        if (r == 0) {
            /* Half a request is on the wire: the next one would be read
             * as its continuation. */
            if (sent > 0)
                return set_broken(c, SRPC_ETIMEDOUT,
                                  "timed out sending a request; "
                                  "the connection is unusable");
            return set_error(c, SRPC_ETIMEDOUT, "%s: timed out sending",
                             c->method);
        }
    }
    return SRPC_OK;
}

/* Checks the state before sending what begin() prepared. */
static int prepare(srpc_client *c, bool notify)
{
    c->remote_code = 0;
    c->errmsg[0] = '\0';
    c->result = NULL;
    if (c->broken)
        return set_error(c, c->broken, "%s: connection unusable (%s)",
                         c->method, srpc_strerror(c->broken));
    if (!c->begun || c->notify != notify)
        return set_error(c, SRPC_EINVAL, "no %s was begun",
                         notify ? "notification" : "request");
    c->begun = false;
    if (c->out.error)
        return set_error(c, c->out.error, "%s: cannot encode the %s: %s",
                         c->method, notify ? "notification" : "request",
                         srpc_strerror(c->out.error));
    return SRPC_OK;
}

int srpc_client_notify(srpc_client *client)
{
    int rc;

    if (!client)
        return SRPC_EINVAL;
    rc = prepare(client, true);
    if (rc == SRPC_OK) {
        srpc__log_debug("client sends notification: %s (%zu bytes)",
                        client->method, srpc__wbuf_size(&client->out));
        rc = send_all(client, srpc__now_ms() + client->timeout_ms);
    }
    return rc;
}

/* ---- receiving ---------------------------------------------------- */

/* Drops the last reply's bytes: its result is no longer needed. */
static void drop_done(srpc_client *c)
{
    if (c->done > 0) {
        memmove(c->rbuf, c->rbuf + c->done, c->rlen - c->done);
        c->rlen -= c->done;
        c->done = 0;
    }
    if (c->zone_ok)
        msgpack_zone_clear(&c->zone);
}

/* Reads once, waiting until DEADLINE. */
static int read_more(srpc_client *c, int64_t deadline)
{
    ssize_t n;
    int r;

    if (c->rcap - c->rlen < READ_CHUNK) {
        size_t cap = c->rlen + READ_CHUNK;
        char *p;

        if (cap < 2 * c->rcap)
            cap = 2 * c->rcap;
        p = realloc(c->rbuf, cap);
        if (!p)
            return set_error(c, SRPC_ENOMEM, "%s: out of memory", c->method);
        c->rbuf = p;
        c->rcap = cap;
    }
    for (;;) {
        n = srpc__recv(c->fd, c->rbuf + c->rlen, c->rcap - c->rlen);
        if (n > 0) {
            c->rlen += (size_t)n;
            return SRPC_OK;
        }
        if (n == 0)
            return set_broken(c, SRPC_ECLOSED, "connection closed by server");
        if (errno == ECONNRESET)
            return set_broken(c, SRPC_ECLOSED, "connection reset by server");
        if (errno != EAGAIN && errno != EWOULDBLOCK)
            return set_broken(c, SRPC_EIO, strerror(errno));
        r = srpc__poll_one(c->fd, POLLIN, deadline);
        if (r < 0)
            return set_broken(c, SRPC_EIO, strerror(errno));
        if (r == 0)
            return set_error(c, SRPC_ETIMEDOUT, "%s: no reply within %d ms",
                             c->method, c->timeout_ms);
    }
}

/* Finds, decodes and checks the next message at rbuf[done...).  Returns
 * SRPC_OK with *m filled, SRPC_ETIMEDOUT / ECLOSED / ..., or EPROTO. */
static int next_message(srpc_client *c, int64_t deadline, msgpack_object *obj,
                        struct srpc__msg *m)
{
    size_t len, off = 0;
    const char *why;
    int rc;

    for (;;) {
        enum srpc__frame_result fr =
            srpc__frame_scan(&c->frame, c->rbuf + c->done, c->rlen - c->done,
                             &len);

        if (fr == SRPC__FRAME_DONE)
            break;
        if (fr == SRPC__FRAME_BAD)
            return set_broken(c, c->frame.status, c->frame.why);
        rc = read_more(c, deadline);
        if (rc != SRPC_OK)
            return rc;
    }
    if (msgpack_unpack(c->rbuf + c->done, len, &off, &c->zone, obj) !=
        MSGPACK_UNPACK_SUCCESS)
        return set_broken(c, SRPC_EPROTO, "undecodable reply");
    c->done += len;
    srpc__log_object("client received", obj);
    rc = srpc__msg_parse(obj, m, &why);
    if (rc != SRPC_OK)
        return set_broken(c, rc, why);
    return SRPC_OK;
}

/* The status and message for a response's error object ERR, of any
 * shape: [code, message] as we send it, a string, an integer, ... */
static int remote_error(srpc_client *c, const msgpack_object *err)
{
    const msgpack_object *code = err, *msg = NULL;
    char text[256];
    int64_t v = 0;

    if (err->type == MSGPACK_OBJECT_ARRAY && err->via.array.size >= 1) {
        code = &err->via.array.ptr[0];
        if (err->via.array.size >= 2)
            msg = &err->via.array.ptr[1];
    } else if (err->type == MSGPACK_OBJECT_STR) {
        code = NULL;
        msg = err;
    }
    if (code && srpc_get_int64(code, &v) == SRPC_OK)
        c->remote_code = v;
    if (msg && msg->type == MSGPACK_OBJECT_STR)
        srpc__errf(text, sizeof text, "%.*s",
                   (int)(msg->via.str.size > 255 ? 255 : msg->via.str.size),
                   msg->via.str.ptr);
    else if (msgpack_object_print_buffer(text, sizeof text, *err) < 0)
        srpc__errf(text, sizeof text, "remote error");
    /* "METHOD: message", unless the server already named the method
     * (the runtime's own messages do: "calc.add takes 2 arguments"). */
    if (strncmp(text, c->method, strlen(c->method)) == 0)
        set_error(c, SRPC_EREMOTE, "%s", text);
    else
        set_error(c, SRPC_EREMOTE, "%s: %s", c->method, text);
    if (c->remote_code == SRPC_WIRE_NO_METHOD)
        return SRPC_ENOMETHOD;
    if (c->remote_code == SRPC_WIRE_INVALID_ARGS ||
        c->remote_code == SRPC_WIRE_INVALID_REQUEST)
        return SRPC_EARGS;
    return SRPC_EREMOTE;
}

int srpc_client_call(srpc_client *client, const msgpack_object **result)
{
    int64_t deadline;
    int rc;

    if (!client)
        return SRPC_EINVAL;
    drop_done(client);
    rc = prepare(client, false);
    if (rc != SRPC_OK)
        return rc;
    deadline = srpc__now_ms() + client->timeout_ms;
    srpc__log_debug("client sends request %u: %s (%zu bytes)",
                    (unsigned)client->msgid, client->method,
                    srpc__wbuf_size(&client->out));
    rc = send_all(client, deadline);
    while (rc == SRPC_OK) {
        msgpack_object obj;
        struct srpc__msg m;

        rc = next_message(client, deadline, &obj, &m);
        if (rc != SRPC_OK)
            break;
        if (m.type != SRPC__MSG_RESPONSE || m.msgid != client->msgid) {
            /* A late reply or a notification: skip it and its memory. */
            drop_done(client);
            continue;
        }
        if (m.error->type != MSGPACK_OBJECT_NIL)
            return remote_error(client, m.error);
        client->result = m.result;
        if (result)
            *result = m.result;
        return SRPC_OK;
    }
    return rc;
}

int srpc_client_bad_result(srpc_client *client, int rc, const char *type)
{
    if (rc == SRPC_ENOMEM)
        return set_error(client, SRPC_ENOMEM,
                         "%s: out of memory decoding the result",
                         client->method);
    return set_error(client, SRPC_ETYPE, "%s: result must be %s, got %s",
                     client->method, type ? type : "?",
                     srpc_object_type_name(client->result));
}
