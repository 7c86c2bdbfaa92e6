/*
 * frame.h - the bounded, allocation-free, resumable message scanner.
 *
 * msgpack-c's unpacker allocates a container's declared size before its
 * elements arrive, so five bytes can ask for gigabytes.  Untrusted bytes are
 * therefore scanned first: the scanner finds where one complete msgpack
 * message ends and rejects it when
 *   - it is larger than max_size bytes,
 *   - containers nest deeper than SRPC__FRAME_MAX_DEPTH (msgpack-c's limit),
 *   - it holds the never-used byte 0xc1,
 *   - a container declares more elements than the bytes still allowed could
 *     hold (each element takes at least one byte; a map entry two),
 *   - its first byte is not an array header (msgpack-rpc messages are
 *     arrays: garbage is detected at once).
 * Only the checked slice is then decoded.  The scanner is also the framer:
 * msgpack-rpc messages follow each other with no length prefix.
 *
 * It is resumable: `off` and a stack of element counts still expected at
 * each open container survive between calls, so bytes arriving one at a
 * time are each scanned once (a trickling client cannot make the server
 * quadratic).  Only an element whose header is incomplete is looked at
 * again, and a header is at most 9 bytes.
 */
#ifndef SRPC_FRAME_H
#define SRPC_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SRPC__FRAME_MAX_DEPTH 32

enum srpc__frame_result {
    SRPC__FRAME_MORE, /* no complete message yet: call again with more */
    SRPC__FRAME_DONE, /* one message of *msg_len bytes is complete */
    SRPC__FRAME_BAD   /* the bytes break a rule: see status and why */
};

struct srpc__frame {
    size_t max_size;  /* largest message accepted, in bytes */
    size_t off;       /* bytes of the current message scanned so far */
    unsigned depth;   /* containers open at off */
    /* remaining[i]: elements still expected in the container open at
     * depth i + 1 (a map counts keys and values). */
    uint64_t remaining[SRPC__FRAME_MAX_DEPTH];
    int status;       /* after BAD: SRPC_EPROTO or SRPC_ETOOBIG */
    const char *why;  /* after BAD: a static description */
};

/* Prepares F to scan messages of at most MAX_SIZE bytes. */
void srpc__frame_init(struct srpc__frame *f, size_t max_size);

/* Forgets the message in progress (after DONE or BAD). */
void srpc__frame_reset(struct srpc__frame *f);

/*
 * Scans DATA[0, LEN): the bytes of the current message received so far,
 * starting at its first byte.  LEN must not shrink between calls for the
 * same message, and the bytes already passed in must not change.  On DONE
 * *msg_len is the message's size (bytes after it belong to the next one)
 * and the scanner is ready for the next message, starting at
 * DATA + *msg_len.
 */
enum srpc__frame_result srpc__frame_scan(struct srpc__frame *f,
                                         const void *data, size_t len,
                                         size_t *msg_len);

/*
 * For what we are about to send, DATA[0, LEN), one message packed by
 * msgpack-c: true when a peer's scanner accepts its nesting (at most
 * SRPC__FRAME_MAX_DEPTH levels), whatever its size; else *WHY says why
 * not.  A message no longer than that many bytes passes without a scan,
 * since each level takes one; another is scanned, which jumps over
 * strings and binaries by their length.
 */
bool srpc__frame_nesting_ok(const void *data, size_t len, const char **why);

/* True when DATA[0, LEN) holds at most SRPC__FRAME_MAX_DEPTH bytes that
 * could head a map or an array: then whatever it is part of nests no
 * deeper than that.  It stops counting there. */
bool srpc__frame_few_containers(const void *data, size_t len);

#endif
