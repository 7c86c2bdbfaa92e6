/*
 * fuzz_frame.c - the bounded frame scanner and the message parse.
 *
 * The input is a byte stream as a peer would send it.  It is scanned
 * twice: whole, and in pieces whose sizes the input itself chooses.  The
 * two scans must find the same messages, of the same lengths, and end
 * with the same verdict and reason: the scanner is resumable, and where a
 * message is cut must not matter.  Every message found is then unpacked
 * by msgpack-c (which the scan exists to protect) and checked as a
 * msgpack-rpc message, and what the parse says must hold of the object.
 */
#include "config.h"

#include <string.h>

#include <msgpack.h>

#include "fuzz.h"
#include "sockrpc.h"
#include "wire/frame.h"
#include "wire/protocol.h"

enum {
    MAX_SIZE = 1 << 16,  /* the scanner's limit: small, so it is reached */
    MAX_MSGS = 4096
};

/* What one scan of the whole stream found. */
struct verdict {
    size_t lens[MAX_MSGS];   /* each complete message's length */
    size_t n;
    enum srpc__frame_result last; /* MORE (stream ends mid-message) or BAD */
    int status;
    const char *why;
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

/* Scans DATA[0, SIZE), handing the scanner at most STEP more bytes each
 * time when RNG is not NULL (a random step each time), all of it
 * otherwise. */
static void scan(const uint8_t *data, size_t size, struct fuzz_rng *rng,
                 struct verdict *v)
{
    struct srpc__frame f;
    size_t start = 0, avail = 0;

    srpc__frame_init(&f, MAX_SIZE);
    v->n = 0;
    v->last = SRPC__FRAME_MORE;
    while (start < size && v->n < MAX_MSGS) {
        size_t msg_len = 0;
        enum srpc__frame_result r;

        if (rng == NULL)
            avail = size;
        else if (avail < size)
            avail += 1 + fuzz_rng_below(rng, 64);
        if (avail > size)
            avail = size;
        r = srpc__frame_scan(&f, data + start, avail - start, &msg_len);
        if (r == SRPC__FRAME_DONE) {
            fuzz_check(msg_len > 0 && msg_len <= avail - start,
                       "message length within what was scanned");
            v->lens[v->n++] = msg_len;
            start += msg_len;
            if (avail < start)
                avail = start;
            continue;
        }
        if (r == SRPC__FRAME_BAD) {
            v->last = r;
            v->status = f.status;
            v->why = f.why;
            fuzz_check(f.why != NULL, "a refusal has a reason");
            fuzz_check(f.status == SRPC_EPROTO || f.status == SRPC_ETOOBIG,
                       "a refusal is EPROTO or ETOOBIG");
            return;
        }
        if (avail == size)
            return; /* the stream ends inside a message */
    }
}

/* What srpc__msg_parse says of O must be true of O. */
static void check_parse(const msgpack_object *o)
{
    struct srpc__msg m;
    const char *why = NULL;

    memset(&m, 0, sizeof m);
    if (srpc__msg_parse(o, &m, &why) != SRPC_OK) {
        fuzz_check(why != NULL, "a bad message has a reason");
        return;
    }
    fuzz_check(o->type == MSGPACK_OBJECT_ARRAY, "a message is an array");
    switch (m.type) {
    case SRPC__MSG_REQUEST:
        fuzz_check(m.has_msgid, "a request has a msgid");
        fuzz_check(m.method != NULL && m.params != NULL, "request parts");
        fuzz_check(m.params->type == MSGPACK_OBJECT_ARRAY, "params array");
        break;
    case SRPC__MSG_NOTIFY:
        fuzz_check(m.method != NULL && m.params != NULL, "notify parts");
        fuzz_check(m.params->type == MSGPACK_OBJECT_ARRAY, "params array");
        break;
    case SRPC__MSG_RESPONSE:
        fuzz_check(m.has_msgid && m.error != NULL && m.result != NULL,
                   "response parts");
        break;
    default:
        fuzz_check(0, "a known message type");
    }
}

/* Unpacks the scanned message DATA[0, LEN): it must decode whole. */
static void check_message(const uint8_t *data, size_t len)
{
    msgpack_zone zone;
    msgpack_object obj;
    size_t off = 0;
    msgpack_unpack_return r;

    msgpack_zone_init(&zone, 2048);
    r = msgpack_unpack((const char *)data, len, &off, &zone, &obj);
    fuzz_check(r == MSGPACK_UNPACK_SUCCESS || r == MSGPACK_UNPACK_NOMEM_ERROR,
               "a scanned message unpacks");
    if (r == MSGPACK_UNPACK_SUCCESS) {
        fuzz_check(off == len, "the unpacker ends where the scanner did");
        check_parse(&obj);
    }
    msgpack_zone_destroy(&zone);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct verdict whole, split;
    struct fuzz_rng rng;
    size_t off = 0;

    fuzz_rng_seed(&rng, data, size);
    scan(data, size, NULL, &whole);
    scan(data, size, &rng, &split);
    fuzz_check(whole.n == split.n, "the same number of messages");
    fuzz_check(memcmp(whole.lens, split.lens, whole.n * sizeof *whole.lens)
               == 0, "the same message lengths");
    fuzz_check(whole.last == split.last, "the same verdict at the end");
    if (whole.last == SRPC__FRAME_BAD)
        fuzz_check(whole.status == split.status
                   && strcmp(whole.why, split.why) == 0,
                   "the same reason for a refusal");
    for (size_t i = 0; i < whole.n; i++) {
        check_message(data + off, whole.lens[i]);
        off += whole.lens[i];
    }
    return 0;
}
