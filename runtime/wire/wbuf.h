/*
 * wbuf.h - a growable byte buffer with a sticky error.
 *
 * It is the write target of every msgpack_packer the runtime hands out
 * (srpc__wbuf_write is the packer's callback, the wbuf its data), and the
 * send queue of a connection.  When the buffer cannot grow, or a value
 * cannot be encoded (a string over 4 GiB), the failure is remembered in
 * `error` and later writes are dropped: stubs pack a whole message without
 * checking each call and the owner checks once at the end.
 *
 * Bytes [head, len) of data are queued; [0, head) were already sent.  Sizes
 * and truncation marks are measured from head, so compacting the buffer
 * (moving the queued bytes to the front) does not invalidate a mark.
 *
 * A buffer given room for references (a client's request) takes a large
 * payload by reference instead of copying it: the message is then its
 * queued bytes with each reference's bytes inserted at its place, and is
 * written with writev from the pieces (srpc__wbuf_iov).  The owner of the
 * referenced memory keeps it until the message is written.
 */
#ifndef SRPC_WBUF_H
#define SRPC_WBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

/* Bytes of a message that stay in their owner's memory. */
struct srpc__wref {
    size_t at;           /* they follow the first AT queued bytes */
    const void *p;
    size_t len;
};

/*
 * One warm buffer for the buffers of one thread (a server's connections,
 * their input or their replies; a client's reads): a buffer that grew
 * large leaves its memory here when it empties, and one that must grow
 * large takes it, where a fresh buffer of many megabytes costs a page
 * fault per 4 KiB.  It keeps one, the largest, of more than `min` and at
 * most `max` bytes.
 */
struct srpc__wspare {
    char *data;
    size_t cap;
    size_t min, max;
};

/* Offers the malloc'd buffer P of CAP bytes to S, which keeps it when it
 * is the largest yet within S's bounds.  Returns what the caller must
 * free: P, the spare it replaced, or NULL. */
char *srpc__spare_keep(struct srpc__wspare *s, char *p, size_t cap);

/* The spare, when it holds NEED bytes and NEED is over S's min (the
 * caller owns it then, its size in *CAP); else NULL. */
char *srpc__spare_take(struct srpc__wspare *s, size_t need, size_t *cap);

struct srpc_wbuf {
    char *data;
    size_t head;   /* first byte not yet consumed */
    size_t len;    /* end of the bytes written */
    size_t cap;    /* bytes allocated */
    int error;     /* 0, or the SRPC_E* status that broke the buffer */
    bool discard;  /* a sink: accepts and drops everything */
    struct srpc__wref *refs;  /* room for maxrefs references, or NULL */
    unsigned nrefs, maxrefs;
    struct srpc__wspare *spare; /* where large memory goes and comes from */
};

void srpc__wbuf_init(struct srpc_wbuf *b);
void srpc__wbuf_fini(struct srpc_wbuf *b);

/* A wbuf that drops what is written: where a notification's result goes. */
void srpc__wbuf_init_discard(struct srpc_wbuf *b);

/* msgpack_packer_write callback; DATA is a struct srpc_wbuf.  Returns 0, or
 * -1 once the buffer is in error. */
int srpc__wbuf_write(void *data, const char *buf, size_t len);

/* Appends LEN bytes; SRPC_OK or the sticky error. */
int srpc__wbuf_append(struct srpc_wbuf *b, const void *buf, size_t len);

/* Marks the buffer failed with STATUS (the first failure wins). */
void srpc__wbuf_fail(struct srpc_wbuf *b, int status);

/* Queued bytes and their count. */
static inline const char *srpc__wbuf_bytes(const struct srpc_wbuf *b)
{
    return b->data + b->head;
}
static inline size_t srpc__wbuf_size(const struct srpc_wbuf *b)
{
    return b->len - b->head;
}

/* Lets B take up to MAX references, in REFS (which outlives B). */
void srpc__wbuf_allow_refs(struct srpc_wbuf *b, struct srpc__wref *refs,
                           unsigned max);

/* Appends LEN bytes at P by reference when B has room for one more and
 * LEN is at least SRPC__WBUF_REF_MIN, else by copying.  SRPC_OK or the
 * sticky error. */
enum { SRPC__WBUF_REF_MIN = 16 * 1024 };
int srpc__wbuf_refer(struct srpc_wbuf *b, const void *p, size_t len);

/* The size of the whole message: queued bytes and references. */
size_t srpc__wbuf_total(const struct srpc_wbuf *b);

/* Fills IOV with the pieces of the message in order and returns their
 * count, at most MAX (which must be at least 2 * maxrefs + 1). */
int srpc__wbuf_iov(const struct srpc_wbuf *b, struct iovec *iov, int max);

/* Copies the referenced bytes into the buffer, so that the message is
 * contiguous again.  SRPC_OK, or SRPC_ENOMEM with the buffer unchanged. */
int srpc__wbuf_flatten(struct srpc_wbuf *b);

/* Inserts LEN bytes after the first AT queued ones, moving the rest up.
 * SRPC_OK, the sticky error, or SRPC_ENOMEM with the queue unchanged.  For
 * notifications a handler sends, which must reach the peer before the
 * reply already built. */
int srpc__wbuf_insert(struct srpc_wbuf *b, size_t at, const void *buf,
                      size_t len);

/* Drops the queued bytes after the first SIZE ones, and clears the error:
 * the caller is undoing a failed message. */
void srpc__wbuf_truncate(struct srpc_wbuf *b, size_t size);

/* Drops the first N queued bytes (they were sent).  For a buffer without
 * references. */
void srpc__wbuf_consume(struct srpc_wbuf *b, size_t n);

/* Empties the buffer and clears the error; keeps the memory unless it grew
 * past KEEP bytes, and then leaves it to the spare if it has one and the
 * memory is the largest yet. */
void srpc__wbuf_clear(struct srpc_wbuf *b, size_t keep);

#endif
