/*
 * call.c - serving one message: decode the checked bytes, look the method
 * up, check the arity, run the generated dispatch function (which decodes
 * the arguments, calls the handler and packs the result), and queue the
 * reply -- or an error reply [code, message] -- on the connection.
 *
 * The reply is written in place: its header first, then the dispatch
 * function packs the result right after it.  If the call fails, the queue
 * is truncated back to where the reply began and an error reply is written
 * instead, so a failed call never leaves half a reply on the wire.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/log.h"
#include "server/server.h"
#include "transport/sockutil.h"
#include "wire/frame.h"
#include "wire/protocol.h"

/* ---- the srpc_call API for handlers and dispatch functions ------ */

void *srpc_call_user_data(const srpc_call *call)
{
    return call->entry->user_data;
}

const char *srpc_call_method(const srpc_call *call)
{
    return call->entry->method->name;
}

int srpc_call_peer(const srpc_call *call, struct srpc_peer *out)
{
    if (!out)
        return SRPC_EINVAL;
    if (!call || !call->peer || call->peer->uid < 0) {
        out->uid = out->gid = out->pid = -1;
        return SRPC_EINVAL; /* TCP and the like carry no credentials */
    }
    *out = *call->peer;
    return SRPC_OK;
}

void *srpc_call_alloc(srpc_call *call, size_t size)
{
    return srpc__arena_alloc(&call->ws->arena, size);
}

srpc_arena *srpc_call_arena(srpc_call *call)
{
    return &call->ws->arena;
}

static void vfail(srpc_call *call, int64_t code, const char *fmt, va_list ap)
    SRPC__PRINTF(3, 0);
static void vfail(srpc_call *call, int64_t code, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;
    char *msg = NULL;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    if (n >= 0)
        msg = srpc__arena_alloc(&call->ws->arena, (size_t)n + 1);
    if (msg)
        vsnprintf(msg, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    call->failed = true;
    call->code = code;
    call->message = msg ? msg : "out of memory formatting the error message";
}

int srpc_call_fail(srpc_call *call, int64_t code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(call, code, fmt, ap);
    va_end(ap);
    return SRPC_EREMOTE;
}

int srpc_call_vfail(srpc_call *call, int64_t code, const char *fmt, va_list ap)
{
    vfail(call, code, fmt, ap);
    return SRPC_EREMOTE;
}

/* Same as srpc_call_fail, for the runtime's own messages. */
static void fail(srpc_call *call, int64_t code, const char *fmt, ...)
    SRPC__PRINTF(3, 4);
static void fail(srpc_call *call, int64_t code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vfail(call, code, fmt, ap);
    va_end(ap);
}

int srpc_call_not_implemented(srpc_call *call)
{
    fail(call, SRPC_WIRE_NO_METHOD, "%s is not implemented",
         srpc_call_method(call));
    return SRPC_ENOMETHOD;
}

msgpack_packer *srpc_call_notify_begin(srpc_call *call, const char *method,
                                       uint32_t nargs)
{
    srpc__pack_notify_head(&call->ws->notes_pk, method, nargs);
    return &call->ws->notes_pk;
}

/* True when DATA[0, LEN) is a sequence of whole messages that a client
 * reads; else *WHY says what is wrong.  A handler packs its
 * notifications' arguments itself: one argument too few would make the
 * reply after them part of the last notification and break the stream
 * (the scanner then finds a message cut short, or one whose parts do not
 * add up). */
static bool whole_messages(const char *data, size_t len, const char **why)
{
    struct srpc__frame f;
    size_t off = 0, n;

    srpc__frame_init(&f, len);
    while (off < len) {
        if (srpc__frame_scan(&f, data + off, len - off, &n)
            != SRPC__FRAME_DONE) {
            *why = f.why != NULL ? f.why : "a message is cut short";
            return false;
        }
        off += n;
    }
    return true;
}

/* Puts the notifications the handler sent on OUT at MARK, where its reply
 * (if any) begins, so that the peer receives them first.  Notifications
 * that could not be built, or were packed wrong, are dropped: the reply
 * still goes out. */
static void splice_notes(struct srpc__workspace *ws, struct srpc_wbuf *out,
                         size_t mark)
{
    struct srpc_wbuf *notes = &ws->notes;
    const char *why;

    if (srpc__wbuf_size(notes) == 0 && !notes->error)
        return;
    if (!notes->error && !whole_messages(srpc__wbuf_bytes(notes),
                                         srpc__wbuf_size(notes), &why))
        srpc__log_error("notifications from a handler dropped: %s (check "
                        "the counts given to srpc_call_notify_begin() and "
                        "the nesting, at most %d levels)", why,
                        SRPC__FRAME_MAX_DEPTH);
    else if (notes->error)
        srpc__log(SRPC_LOG_WARN, "notifications from a handler dropped: %s",
                  srpc_strerror(notes->error));
    else if (srpc__wbuf_insert(out, mark, srpc__wbuf_bytes(notes),
                               srpc__wbuf_size(notes)) != SRPC_OK)
        srpc__log(SRPC_LOG_WARN, "notifications from a handler dropped: "
                  "out of memory");
    srpc__wbuf_clear(notes, 64 * 1024);
}

/* ---- serving ---------------------------------------------------- */

static void init_packer(msgpack_packer *pk, struct srpc_wbuf *out)
{
    msgpack_packer_init(pk, out, srpc__wbuf_write);
}

/* Fixed-buffer msgpack writer for srpc__closing_bytes(). */
struct fixed {
    char *buf;
    size_t size, len;
    bool overflow;
};

static int fixed_write(void *data, const char *buf, size_t len)
{
    struct fixed *f = data;

    if (f->overflow || len > f->size - f->len) {
        f->overflow = true;
        return -1;
    }
    memcpy(f->buf + f->len, buf, len);
    f->len += len;
    return 0;
}

static void pack_closing(msgpack_packer *pk, int64_t code, const char *why)
{
    size_t n = strlen(why);

    srpc__pack_notify_head(pk, "sockrpc.closing", 2); /* (code, message) */
    msgpack_pack_int64(pk, code);
    msgpack_pack_str(pk, n);
    msgpack_pack_str_body(pk, why, n);
}

size_t srpc__closing_bytes(char *buf, size_t size, int64_t code,
                           const char *why)
{
    struct fixed f = { buf, size, 0, false };
    msgpack_packer pk;

    msgpack_packer_init(&pk, &f, fixed_write);
    pack_closing(&pk, code, why);
    return f.overflow ? 0 : f.len;
}

void srpc__queue_closing(struct srpc_wbuf *out, int64_t code, const char *why)
{
    size_t mark = srpc__wbuf_size(out);
    msgpack_packer pk;

    init_packer(&pk, out);
    pack_closing(&pk, code, why ? why : "closing");
    if (out->error) /* no half notice: the close says enough */
        srpc__wbuf_truncate(out, mark);
}

/* Logs that the notification M failed for MESSAGE: nobody else hears of
 * it.  Most of the runtime's messages begin with the method's name; the
 * others, and the handler's own (srpc_call_fail), get it in front. */
static void log_failed_notification(struct srpc_server *srv,
                                    const struct srpc__msg *m,
                                    const char *message)
{
    const msgpack_object_str *name = &m->method->via.str;
    int shown = (int)(name->size > 128 ? 128 : name->size);
    bool named = strlen(message) >= name->size
                 && memcmp(message, name->ptr, name->size) == 0;

    srpc__log_rated(&srv->notify_rate, SRPC_LOG_WARN,
                    "notification %.*s%s%s (dropped: a notification gets no "
                    "reply)", named ? 0 : shown, name->ptr, named ? "" : ": ",
                    message);
}

static int queue_error(struct srpc_server *srv, struct srpc__workspace *ws,
                       struct srpc_wbuf *out, const struct srpc__msg *m,
                       int64_t code, const char *message)
{
    msgpack_packer pk;

    if (m->type == SRPC__MSG_NOTIFY) {
        log_failed_notification(srv, m, message);
        return SRPC_OK;
    }
    size_t mark = srpc__wbuf_size(out);
    int rc;

    init_packer(&pk, out);
    srpc__pack_response_error(&pk, m->msgid, code, message);
    rc = out->error;
    if (rc != SRPC_OK) {
        srpc__wbuf_truncate(out, mark); /* no half reply on the wire */
        return rc;
    }
    ws->stats->errors++;
    srpc__log_debug("reply to %u: error %lld: %s", (unsigned)m->msgid,
                    (long long)code, message);
    return SRPC_OK;
}

/* True when a handler may return RC: SRPC_OK or a status of sockrpc.h
 * (srpc_call_fail() returns SRPC_EREMOTE). */
static bool is_status(int rc)
{
    return rc >= SRPC_OK && rc < SRPC_STATUS_COUNT;
}

/* The handler of CALL returned RC, which is no status (-1, as C habit
 * has it): a bug in the application, which strerror's "unknown error"
 * hid from the caller and the server alike.  So it is logged, and the
 * call fails with the handler's own message or one that says what
 * happened. */
static void not_a_status(srpc_call *call, int rc)
{
    const char *method = srpc_call_method(call);

    srpc__log_rated(&call->server->handler_rate, SRPC_LOG_WARN,
                    "%s: the handler returned %d, which is not a status "
                    "(return SRPC_OK, or what srpc_call_fail() returns)",
                    method, rc);
    if (!call->failed)
        fail(call, SRPC_WIRE_INTERNAL, "%s: the handler failed: returned %d, "
             "which is not a status", method, rc);
}

/* Runs the dispatch function of the method found in CALL; the reply (or
 * for a notification, nothing) goes to OUT. */
static int run_dispatch(srpc_call *call, const struct srpc__msg *m,
                        struct srpc_wbuf *out)
{
    struct srpc_wbuf sink;
    struct srpc_wbuf *dst = out;
    msgpack_packer pk;
    size_t mark, body;
    const char *why;
    int rc;

    if (m->type == SRPC__MSG_NOTIFY) {
        srpc__wbuf_init_discard(&sink); /* the result goes nowhere */
        dst = &sink;
    }
    mark = srpc__wbuf_size(dst);
    init_packer(&pk, dst);
    if (m->type == SRPC__MSG_REQUEST)
        srpc__pack_response_head(&pk, m->msgid);
    body = srpc__wbuf_size(dst);
    rc = call->entry->method->dispatch(call, call->entry->impl, call->args,
                                       &pk);
    if (rc == SRPC_OK && !dst->error && !call->failed) {
        if (m->type == SRPC__MSG_REQUEST && srpc__wbuf_size(dst) == body)
            msgpack_pack_nil(&pk); /* keep the reply well-formed */
        /* A result nested deeper than clients read would make the client
         * drop the connection: an error reply says why instead. */
        if (dst->error == SRPC_OK && m->type == SRPC__MSG_REQUEST
            && !srpc__frame_nesting_ok(srpc__wbuf_bytes(dst) + mark,
                                  srpc__wbuf_size(dst) - mark, &why)) {
            srpc__wbuf_truncate(dst, mark);
            fail(call, SRPC_WIRE_INTERNAL, "%s: cannot send the result: %s "
                 "(at most %d levels)", srpc_call_method(call), why,
                 SRPC__FRAME_MAX_DEPTH);
            return queue_error(call->server, call->ws, out, m, call->code,
                               call->message);
        }
        if (dst->error == SRPC_OK) {
            if (m->type == SRPC__MSG_REQUEST && srpc__log_debug_enabled())
                srpc__log_debug("reply to %u: %zu bytes", (unsigned)m->msgid,
                                srpc__wbuf_size(dst) - mark);
            return SRPC_OK;
        }
        rc = dst->error;
    }
    if (rc == SRPC_OK) /* the handler succeeded but its result did not fit */
        rc = dst->error ? dst->error : SRPC_EIO;
    srpc__wbuf_truncate(dst, mark); /* also clears dst->error */
    if (!is_status(rc))
        not_a_status(call, rc);
    if (call->failed)
        return queue_error(call->server, call->ws, out, m, call->code,
                           call->message);
    fail(call, SRPC_WIRE_INTERNAL, "%s failed: %s", srpc_call_method(call),
         srpc_strerror(rc));
    return queue_error(call->server, call->ws, out, m, call->code,
                       call->message);
}

/* Runs CALL, then puts the notifications its handler sent ahead of the
 * reply. */
static int run(srpc_call *call, const struct srpc__msg *m,
               struct srpc_wbuf *out)
{
    size_t mark = srpc__wbuf_size(out);
    int rc = run_dispatch(call, m, out);

    splice_notes(call->ws, out, mark);
    return rc;
}

static int serve_call(struct srpc_server *srv, struct srpc__workspace *ws,
                      const struct srpc__msg *m,
                      const struct srpc__origin *from, struct srpc_wbuf *out)
{
    const msgpack_object_str *name = &m->method->via.str;
    const struct srpc__entry *e =
        srpc__registry_find(&srv->registry, name->ptr, name->size);
    srpc_call call = { .server = srv, .ws = ws, .peer = from->peer,
                       .entry = e };
    char msg[256];

    if (!e) {
        srpc__errf(msg, sizeof msg, "no method '%.*s'",
                   (int)(name->size > 128 ? 128 : name->size), name->ptr);
        return queue_error(srv, ws, out, m, SRPC_WIRE_NO_METHOD, msg);
    }
    call.nargs = m->params->via.array.size;
    call.args = m->params->via.array.ptr;
    if (call.nargs != e->method->nargs) {
        srpc__errf(msg, sizeof msg, "%s takes %u argument%s, got %u",
                   e->method->name, (unsigned)e->method->nargs,
                   e->method->nargs == 1 ? "" : "s", (unsigned)call.nargs);
        return queue_error(srv, ws, out, m, SRPC_WIRE_INVALID_ARGS, msg);
    }
    return run(&call, m, out);
}

/* "client 127.0.0.1 port 4242": computed only for a line being logged. */
static void origin_name(const struct srpc__origin *from, char *buf,
                        size_t size)
{
    srpc__describe_peer(from->fd, from->peer, from->listener, buf, size);
}

/* True when O nests containers deeper than LIMIT (a scalar is depth 0).
 * The scanner already capped the depth at 32, so the recursion is short. */
static bool deeper_than(const msgpack_object *o, unsigned limit)
{
    if (o->type == MSGPACK_OBJECT_ARRAY) {
        if (limit == 0)
            return true;
        for (uint32_t i = 0; i < o->via.array.size; i++)
            if (deeper_than(&o->via.array.ptr[i], limit - 1))
                return true;
    } else if (o->type == MSGPACK_OBJECT_MAP) {
        if (limit == 0)
            return true;
        for (uint32_t i = 0; i < o->via.map.size; i++)
            if (deeper_than(&o->via.map.ptr[i].key, limit - 1) ||
                deeper_than(&o->via.map.ptr[i].val, limit - 1))
                return true;
    }
    return false;
}

/* A message deeper than max_depth: framed, so a request with a readable
 * msgid gets an error reply and the connection goes on. */
static int too_deep(struct srpc_server *srv, struct srpc__workspace *ws,
                    const struct srpc__msg *m,
                    const struct srpc__origin *from, struct srpc_wbuf *out,
                    const char **why)
{
    char msg[96], name[160];

    if (srpc__log_enabled(SRPC_LOG_WARN)) {
        origin_name(from, name, sizeof name);
        srpc__log(SRPC_LOG_WARN, "%s: message nests deeper than max_depth "
                  "(%u)", name, srv->opt.max_depth);
    }
    srpc__errf(msg, sizeof msg, "message nests deeper than max_depth (%u)",
               srv->opt.max_depth);
    if (m->type == SRPC__MSG_REQUEST && m->has_msgid) {
        ws->stats->calls++;
        return queue_error(srv, ws, out, m, SRPC_WIRE_LIMIT_DEPTH, msg);
    }
    if (m->type == SRPC__MSG_NOTIFY)
        return SRPC_OK; /* nobody to tell; dropped */
    *why = "message nests deeper than max_depth";
    return SRPC_EPROTO;
}

static void trace(const struct srpc__origin *from, const struct srpc__msg *m)
{
    const msgpack_object_str *method = &m->method->via.str;
    char name[160];

    origin_name(from, name, sizeof name);
    if (m->type == SRPC__MSG_REQUEST)
        srpc__log_debug("%s: request %u %.*s", name, (unsigned)m->msgid,
                        (int)method->size, method->ptr);
    else
        srpc__log_debug("%s: notification %.*s", name, (int)method->size,
                        method->ptr);
}

static int dispatch(struct srpc_server *srv, struct srpc__workspace *ws,
                    const msgpack_object *obj,
                    const struct srpc__origin *from, struct srpc_wbuf *out,
                    const char **why)
{
    struct srpc__msg m;
    int rc = srpc__msg_parse(obj, &m, why);

    if (srv->opt.max_depth < SRPC__FRAME_MAX_DEPTH &&
        deeper_than(obj, srv->opt.max_depth))
        return too_deep(srv, ws, &m, from, out, why);
    if (m.type == SRPC__MSG_REQUEST && m.has_msgid)
        ws->stats->calls++;
    else if (m.type == SRPC__MSG_NOTIFY)
        ws->stats->notifications++;
    if (rc != SRPC_OK) {
        /* The request is framed and has an id: answer it, keep going. */
        if (m.type == SRPC__MSG_REQUEST && m.has_msgid)
            return queue_error(srv, ws, out, &m, SRPC_WIRE_INVALID_REQUEST, *why);
        if (m.type == SRPC__MSG_NOTIFY && m.method) {
            srpc__log_debug("ignoring notification: %s", *why);
            return SRPC_OK;
        }
        return rc;
    }
    if (m.type == SRPC__MSG_RESPONSE) {
        *why = "a response was sent to the server";
        return SRPC_EPROTO;
    }
    if (srpc__log_debug_enabled())
        trace(from, &m);
    rc = serve_call(srv, ws, &m, from, out);
    if (rc != SRPC_OK)
        *why = "out of memory queueing a reply";
    return rc;
}

int srpc__workspace_init(struct srpc__workspace *ws,
                         struct srpc_server_stats *stats)
{
    ws->stats = stats;
    srpc__arena_init(&ws->arena);
    /* A handler's arguments live until its reply is packed, and so does
     * the message they came in: bytes need no copy. */
    ws->arena.borrows = true;
    srpc__wbuf_init(&ws->notes);
    msgpack_packer_init(&ws->notes_pk, &ws->notes, srpc__wbuf_write);
    ws->zone_ok = msgpack_zone_init(&ws->zone, MSGPACK_ZONE_CHUNK_SIZE);
    return ws->zone_ok ? SRPC_OK : SRPC_ENOMEM;
}

void srpc__workspace_fini(struct srpc__workspace *ws)
{
    if (ws->zone_ok) /* msgpack-c crashes on a zone never set up */
        msgpack_zone_destroy(&ws->zone);
    ws->zone_ok = false;
    srpc__arena_fini(&ws->arena);
    srpc__wbuf_fini(&ws->notes);
}

int srpc__serve_message(struct srpc_server *srv, struct srpc__workspace *ws,
                        struct srpc_wbuf *out, const struct srpc__origin *from,
                        const char *data, size_t len, const char **why)
{
    msgpack_object obj;
    size_t off = 0;
    msgpack_unpack_return ur;
    int rc;

    /* Strings in OBJ point into DATA, which stays put until we return. */
    ur = msgpack_unpack(data, len, &off, &ws->zone, &obj);
    if (ur == MSGPACK_UNPACK_SUCCESS) {
        srpc__log_object("received", &obj);
        rc = dispatch(srv, ws, &obj, from, out, why);
    } else {
        *why = ur == MSGPACK_UNPACK_NOMEM_ERROR ? "out of memory decoding"
                                                : "undecodable message";
        rc = SRPC_EPROTO;
    }
    msgpack_zone_clear(&ws->zone);
    srpc__arena_reset(&ws->arena);
    return rc;
}
