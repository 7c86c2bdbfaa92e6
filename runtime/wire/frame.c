/*
 * frame.c - see frame.h.
 *
 * Each msgpack element starts with a type byte; from it and at most 8
 * following bytes we learn the element's total size (leaves) or the number
 * of elements it contains (containers).  See the msgpack spec for the
 * byte table below.
 */
#include "config.h"

#include <stdbool.h>

#include "sockrpc.h"
#include "wire/frame.h"

void srpc__frame_init(struct srpc__frame *f, size_t max_size)
{
    f->max_size = max_size;
    srpc__frame_reset(f);
}

void srpc__frame_reset(struct srpc__frame *f)
{
    f->off = 0;
    f->depth = 0;
    f->status = SRPC_OK;
    f->why = NULL;
}

/* What one element's header says. */
struct head {
    uint64_t hdr;     /* bytes of the header itself */
    uint64_t body;    /* bytes after the header (leaves) */
    uint64_t count;   /* elements contained (containers, map entries x2) */
    bool container;
};

static uint64_t be(const unsigned char *p, unsigned n)
{
    uint64_t v = 0;

    for (unsigned i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

/* Header size from the type byte B alone; 0 for 0xc1. */
static unsigned header_size(unsigned char b)
{
    if (b <= 0xbf || b >= 0xe0)
        return 1; /* fixint, fixmap, fixarray, fixstr, negative fixint */
    switch (b) {
    case 0xc1: return 0;
    case 0xc0: case 0xc2: case 0xc3: return 1;
    case 0xc4: case 0xd9: case 0xcc: case 0xd0: return 2;
    case 0xc5: case 0xda: case 0xcd: case 0xd1: case 0xdc: case 0xde: return 3;
    case 0xc6: case 0xdb: case 0xce: case 0xd2: case 0xca:
    case 0xdd: case 0xdf: return 5;
    case 0xcf: case 0xd3: case 0xcb: return 9;
    case 0xc7: return 3;  /* ext8: len8, type */
    case 0xc8: return 4;  /* ext16 */
    case 0xc9: return 6;  /* ext32 */
    case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: return 2;
    default: return 0;
    }
}

/* Decodes the header at P, of HS = header_size(*p) bytes, all available. */
static void decode_head(const unsigned char *p, unsigned hs, struct head *h)
{
    unsigned char b = p[0];

    h->hdr = hs;
    h->body = 0;
    h->count = 0;
    h->container = false;
    if (b <= 0x7f || b >= 0xe0)
        return;
    if (b <= 0x8f) { h->container = true; h->count = 2u * (b & 0x0f); return; }
    if (b <= 0x9f) { h->container = true; h->count = b & 0x0f; return; }
    if (b <= 0xbf) { h->body = b & 0x1f; return; }
    switch (b) {
    case 0xc4: case 0xd9: h->body = p[1]; break;
    case 0xc5: case 0xda: h->body = be(p + 1, 2); break;
    case 0xc6: case 0xdb: h->body = be(p + 1, 4); break;
    case 0xc7: h->body = p[1]; break;
    case 0xc8: h->body = be(p + 1, 2); break;
    case 0xc9: h->body = be(p + 1, 4); break;
    case 0xd4: h->body = 1; break;
    case 0xd5: h->body = 2; break;
    case 0xd6: h->body = 4; break;
    case 0xd7: h->body = 8; break;
    case 0xd8: h->body = 16; break;
    case 0xdc: h->container = true; h->count = be(p + 1, 2); break;
    case 0xdd: h->container = true; h->count = be(p + 1, 4); break;
    case 0xde: h->container = true; h->count = 2 * be(p + 1, 2); break;
    case 0xdf: h->container = true; h->count = 2 * be(p + 1, 4); break;
    default: break; /* fixed-size scalars: the header is everything */
    }
}

static enum srpc__frame_result bad(struct srpc__frame *f, int status,
                                   const char *why)
{
    f->status = status;
    f->why = why;
    return SRPC__FRAME_BAD;
}

static bool is_array_head(unsigned char b)
{
    return (b >= 0x90 && b <= 0x9f) || b == 0xdc || b == 0xdd;
}

static const char invalid_c1[] = "message holds the invalid byte 0xc1";

/* Why the first byte B of a message, not an array's header, is refused:
 * 0xc1 is not "not an array" but no msgpack at all, and the peer is told
 * so wherever the byte stands. */
static const char *not_array_why(unsigned char b)
{
    return b == 0xc1 ? invalid_c1 : "message is not an array";
}

/* One element at f->off is complete: count it in its container and close
 * every container it completes.  True when the whole message is done. */
static bool element_done(struct srpc__frame *f)
{
    while (f->depth > 0) {
        if (--f->remaining[f->depth - 1] > 0)
            return false;
        f->depth--; /* the container is complete: an element of its parent */
    }
    return true;
}

/* Checks the element H at f->off and steps over its header (containers) or
 * all of it (leaves). */
static enum srpc__frame_result step(struct srpc__frame *f, const struct head *h,
                                    bool *done)
{
    uint64_t end = (uint64_t)f->off + h->hdr + h->body;

    if (end > f->max_size)
        return bad(f, SRPC_ETOOBIG, "message exceeds the maximum size");
    if (!h->container) {
        f->off = (size_t)end;
        *done = element_done(f);
        return SRPC__FRAME_MORE;
    }
    if (f->depth >= SRPC__FRAME_MAX_DEPTH)
        return bad(f, SRPC_EPROTO, "message nests too deeply");
    /* Every element takes at least one byte: a count that cannot fit in
     * the bytes still allowed is a memory bomb for msgpack-c. */
    if (h->count > f->max_size - end)
        return bad(f, SRPC_ETOOBIG,
                   "container declares more elements than fit in the maximum size");
    f->off = (size_t)end;
    if (h->count == 0) {
        *done = element_done(f);
        return SRPC__FRAME_MORE;
    }
    f->remaining[f->depth++] = h->count;
    *done = false;
    return SRPC__FRAME_MORE;
}

enum srpc__frame_result srpc__frame_scan(struct srpc__frame *f,
                                         const void *data, size_t len,
                                         size_t *msg_len)
{
    const unsigned char *p = data;

    if (f->off == 0 && len > 0 && !is_array_head(p[0]))
        return bad(f, SRPC_EPROTO, not_array_why(p[0]));
    while (f->off < len) {
        struct head h;
        unsigned char b = p[f->off];
        unsigned hs;
        bool done = false;
        enum srpc__frame_result r;

        /* Most elements of a call are small integers, nil and booleans:
         * one byte, nothing to decode. */
        if ((b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
            && f->off < f->max_size) {
            f->off++;
            if (element_done(f)) {
                *msg_len = f->off;
                srpc__frame_reset(f);
                return SRPC__FRAME_DONE;
            }
            continue;
        }
        hs = header_size(b);
        if (hs == 0)
            return bad(f, SRPC_EPROTO, invalid_c1);
        if ((uint64_t)f->off + hs > f->max_size)
            return bad(f, SRPC_ETOOBIG, "message exceeds the maximum size");
        if (len - f->off < hs)
            return SRPC__FRAME_MORE; /* header incomplete: look again later */
        decode_head(p + f->off, hs, &h);
        if (!h.container && len - f->off < h.hdr + h.body) {
            /* A leaf's body is incomplete; still reject it early when it
             * can never fit. */
            if ((uint64_t)f->off + h.hdr + h.body > f->max_size)
                return bad(f, SRPC_ETOOBIG, "message exceeds the maximum size");
            return SRPC__FRAME_MORE;
        }
        r = step(f, &h, &done);
        if (r != SRPC__FRAME_MORE)
            return r;
        if (done) {
            *msg_len = f->off;
            srpc__frame_reset(f);
            return SRPC__FRAME_DONE;
        }
    }
    return SRPC__FRAME_MORE;
}

bool srpc__frame_few_containers(const void *data, size_t len)
{
    const unsigned char *p = data;
    size_t n = 0;

    /* Each level takes at least one byte. */
    if (len <= SRPC__FRAME_MAX_DEPTH)
        return true;
    for (size_t i = 0; i < len && n <= SRPC__FRAME_MAX_DEPTH; i++)
        n += (p[i] >= 0x80 && p[i] <= 0x9f) || (p[i] >= 0xdc && p[i] <= 0xdf);
    return n <= SRPC__FRAME_MAX_DEPTH;
}

bool srpc__frame_nesting_ok(const void *data, size_t len, const char **why)
{
    struct srpc__frame f;
    size_t msg_len = 0;
    enum srpc__frame_result r;

    /* Each level takes at least one byte.  Counting the bytes that could
     * head a container is no shortcut beyond that: it reads every byte,
     * while the scan jumps over strings and binaries. */
    if (len <= SRPC__FRAME_MAX_DEPTH)
        return true;
    srpc__frame_init(&f, SIZE_MAX);
    r = srpc__frame_scan(&f, data, len, &msg_len);
    if (r == SRPC__FRAME_DONE && msg_len == len)
        return true;
    *why = r == SRPC__FRAME_BAD ? f.why : "not one whole message";
    return false;
}
