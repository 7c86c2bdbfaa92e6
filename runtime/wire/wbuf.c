/*
 * wbuf.c - see wbuf.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "wire/wbuf.h"

enum { MIN_CAP = 256 };

char *srpc__spare_keep(struct srpc__wspare *s, char *p, size_t cap)
{
    char *old;

    if (!p || cap <= s->min || cap > s->max || cap <= s->cap)
        return p;
    old = s->data;
    s->data = p;
    s->cap = cap;
    return old;
}

char *srpc__spare_take(struct srpc__wspare *s, size_t need, size_t *cap)
{
    char *p = s->data;

    if (!p || need <= s->min || s->cap < need)
        return NULL;
    *cap = s->cap;
    s->data = NULL;
    s->cap = 0;
    return p;
}

void srpc__wbuf_init(struct srpc_wbuf *b)
{
    memset(b, 0, sizeof *b);
}

void srpc__wbuf_init_discard(struct srpc_wbuf *b)
{
    srpc__wbuf_init(b);
    b->discard = true;
}

void srpc__wbuf_fini(struct srpc_wbuf *b)
{
    free(b->data);
    srpc__wbuf_init(b);
}

void srpc__wbuf_fail(struct srpc_wbuf *b, int status)
{
    /* A sink stays untouched: one static sink may be shared by threads. */
    if (!b->error && !b->discard)
        b->error = status;
}

/* Makes room for N more bytes: first by moving the queued bytes to the
 * front (cheap when most of the buffer was sent), then by doubling. */
static int reserve(struct srpc_wbuf *b, size_t n)
{
    size_t need, cap;
    char *p;

    if (b->cap - b->len >= n)
        return SRPC_OK;
    if (b->head > 0) {
        memmove(b->data, b->data + b->head, b->len - b->head);
        b->len -= b->head;
        b->head = 0;
        if (b->cap - b->len >= n)
            return SRPC_OK;
    }
    if (n > SIZE_MAX - b->len)
        return SRPC_ENOMEM;
    need = b->len + n;
    p = b->spare ? srpc__spare_take(b->spare, need, &cap) : NULL;
    if (p) {
        /* Warm memory from an earlier large message (head is 0 here). */
        if (b->len > 0)
            memcpy(p, b->data, b->len);
        free(b->data);
        b->data = p;
        b->cap = cap;
        return SRPC_OK;
    }
    cap = b->cap ? b->cap : MIN_CAP;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    p = realloc(b->data, cap);
    if (!p)
        return SRPC_ENOMEM;
    b->data = p;
    b->cap = cap;
    return SRPC_OK;
}

int srpc__wbuf_append(struct srpc_wbuf *b, const void *buf, size_t len)
{
    int rc;

    if (b->error)
        return b->error;
    if (b->discard || len == 0)
        return SRPC_OK;
    rc = reserve(b, len);
    if (rc != SRPC_OK) {
        srpc__wbuf_fail(b, rc);
        return rc;
    }
    memcpy(b->data + b->len, buf, len);
    b->len += len;
    return SRPC_OK;
}

int srpc__wbuf_insert(struct srpc_wbuf *b, size_t at, const void *buf,
                      size_t len)
{
    size_t tail;
    int rc;

    if (b->error)
        return b->error;
    if (b->discard || len == 0)
        return SRPC_OK;
    rc = reserve(b, len);   /* may move the queue: positions are from head */
    if (rc != SRPC_OK)
        return rc;          /* the queue is intact: not a sticky error */
    tail = srpc__wbuf_size(b) - at;
    memmove(b->data + b->head + at + len, b->data + b->head + at, tail);
    memcpy(b->data + b->head + at, buf, len);
    b->len += len;
    return SRPC_OK;
}

int srpc__wbuf_write(void *data, const char *buf, size_t len)
{
    struct srpc_wbuf *b = data;

    /* The packer writes a call's few bytes a piece at a time: room and no
     * error is nearly always the case, so it costs no further call.  (A
     * sink has no room: it takes the path below.) */
    if (b->cap - b->len >= len && !b->error && len > 0) {
        if (len == 1) /* a type byte, a small integer: no call for it */
            b->data[b->len] = buf[0];
        else
            memcpy(b->data + b->len, buf, len);
        b->len += len;
        return 0;
    }
    return srpc__wbuf_append(b, buf, len) == SRPC_OK ? 0 : -1;
}

void srpc__wbuf_allow_refs(struct srpc_wbuf *b, struct srpc__wref *refs,
                           unsigned max)
{
    b->refs = refs;
    b->maxrefs = max;
    b->nrefs = 0;
}

int srpc__wbuf_refer(struct srpc_wbuf *b, const void *p, size_t len)
{
    if (b->error)
        return b->error;
    if (b->nrefs == b->maxrefs || len < SRPC__WBUF_REF_MIN)
        return srpc__wbuf_append(b, p, len);
    b->refs[b->nrefs].at = srpc__wbuf_size(b);
    b->refs[b->nrefs].p = p;
    b->refs[b->nrefs++].len = len;
    return SRPC_OK;
}

size_t srpc__wbuf_total(const struct srpc_wbuf *b)
{
    size_t n = srpc__wbuf_size(b);

    for (unsigned i = 0; i < b->nrefs; i++)
        n += b->refs[i].len;
    return n;
}

int srpc__wbuf_iov(const struct srpc_wbuf *b, struct iovec *iov, int max)
{
    size_t from = 0;
    int n = 0;

    for (unsigned i = 0; i <= b->nrefs && n < max; i++) {
        size_t to = i < b->nrefs ? b->refs[i].at : srpc__wbuf_size(b);

        if (to > from) {
            iov[n].iov_base = (char *)srpc__wbuf_bytes(b) + from;
            iov[n++].iov_len = to - from;
        }
        from = to;
        if (i < b->nrefs && n < max) {
            iov[n].iov_base = (void *)b->refs[i].p;
            iov[n++].iov_len = b->refs[i].len;
        }
    }
    return n;
}

int srpc__wbuf_flatten(struct srpc_wbuf *b)
{
    size_t extra = srpc__wbuf_total(b) - srpc__wbuf_size(b);

    if (b->nrefs == 0)
        return SRPC_OK;
    if (reserve(b, extra) != SRPC_OK)
        return SRPC_ENOMEM;
    /* From the last reference back, each piece moves up by the bytes of
     * the references before it. */
    for (unsigned i = b->nrefs; i-- > 0;) {
        const struct srpc__wref *r = &b->refs[i];
        size_t end = i + 1 < b->nrefs ? b->refs[i + 1].at
                                      : srpc__wbuf_size(b);
        size_t shift = 0;
        char *q = b->data + b->head;

        for (unsigned j = 0; j <= i; j++)
            shift += b->refs[j].len;
        memmove(q + r->at + shift, q + r->at, end - r->at);
        memcpy(q + r->at + shift - r->len, r->p, r->len);
    }
    b->len += extra;
    b->nrefs = 0;
    return SRPC_OK;
}

void srpc__wbuf_truncate(struct srpc_wbuf *b, size_t size)
{
    if (size < srpc__wbuf_size(b))
        b->len = b->head + size;
    while (b->nrefs > 0 && b->refs[b->nrefs - 1].at > size)
        b->nrefs--;
    b->error = 0;
}

void srpc__wbuf_consume(struct srpc_wbuf *b, size_t n)
{
    if (n >= srpc__wbuf_size(b)) {
        b->head = b->len = 0; /* empty: start again at the front */
        return;
    }
    b->head += n;
}

void srpc__wbuf_clear(struct srpc_wbuf *b, size_t keep)
{
    if (b->cap > keep) {
        free(b->spare ? srpc__spare_keep(b->spare, b->data, b->cap)
                      : b->data);
        b->data = NULL;
        b->cap = 0;
    }
    b->head = b->len = 0;
    b->error = 0;
    b->nrefs = 0;
}
