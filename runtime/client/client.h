/*
 * client.h - the client's insides.  The files of client/ stack up:
 *   slot.c    call slots and per-thread records
 *   io.c      reading replies, completing calls, failing the connection
 *   send.c    the output queue: corking, writing batches, reconnecting
 *   client.c  connecting, building requests, the blocking call
 *   async.c   handles, callbacks, polling
 *   report.c  results and arguments that did not decode or encode
 * each using only those above it.
 *
 * Every call, blocking or not, lives in a slot (struct srpc_pending): the
 * request is packed into the slot's own buffer, so that threads can build
 * requests at the same time; the reply's bytes are copied into the slot and
 * decoded into the slot's zone, so that a reply can wait there for a thread
 * that is not the one reading.  Slots are never freed before the client is:
 * a free list makes a warm client call malloc() no more.
 *
 * Locks.  `lock` guards the slots, the msgid map, the thread records and
 * the connection state.  `send_lock` serialises writes to the socket (and
 * reconnecting); it is taken before `lock`, never after.  One thread at a
 * time is the reader (`reading`): it owns rbuf, frame and zone, and reads
 * with `lock` released; the others wait on `cond` for their slot to be done
 * or for the reader's role to become free.
 */
#ifndef SRPC_CLIENT_H
#define SRPC_CLIENT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "base/log.h"
#include "sockrpc/codec.h"
#include "transport/address.h"
#include "transport/transport.h"
#include "wire/arena.h"
#include "wire/frame.h"
#include "wire/wbuf.h"

enum {
    SRPC__METHOD_MAX = 128,  /* method names are kept for messages only */
    SRPC__SLOT_ERRMSG = 256,
    SRPC__SLOT_REFS = 4,     /* bytes arguments sent from the caller's memory */
    SRPC__LARGE_REPLY = 256 * 1024, /* moved, not copied, into results */
    SRPC__CLIENT_ERRMSG = 512
};

enum srpc__slot_state {
    SLOT_FREE,      /* on the free list */
    SLOT_BUILDING,  /* begun: a thread is packing the request */
    SLOT_QUEUED,    /* its request is in the output queue, not yet sent */
    SLOT_SENT,      /* in the msgid map, waiting for the reply */
    SLOT_DONE,      /* reply (or failure) stored, not yet collected */
    SLOT_HELD       /* collected: its result is valid for its thread */
};

enum srpc__slot_kind {
    SLOT_SYNC,      /* srpc_client_call() */
    SLOT_HANDLE,    /* srpc_client_send(): the application holds it */
    SLOT_CALLBACK,  /* srpc_client_send_cb() */
    SLOT_NOTIFY     /* srpc_client_notify(): no reply */
};

struct srpc_pending {
    srpc_client *client;
    enum srpc__slot_state state;
    enum srpc__slot_kind kind;
    uint32_t msgid;
    int64_t deadline;             /* srpc__now_ms() time */
    int timeout_ms;               /* for the message */
    struct srpc_wbuf out;         /* the request */
    struct srpc__wref refs[SRPC__SLOT_REFS]; /* large bytes it refers to */
    msgpack_packer pk;            /* writes into out */
    char method[SRPC__METHOD_MAX];
    /* the outcome */
    int status;
    char *bytes;                  /* the reply's bytes ... */
    size_t cap;
    msgpack_zone zone;            /* ... decoded here */
    const msgpack_object *result;
    int64_t remote_code;
    bool has_code;                /* remote_code came from the server */
    char errmsg[SRPC__SLOT_ERRMSG];
    srpc_reply_fn cb;
    void *cb_data;
    struct srpc_pending *next;    /* map chain, free list or done queue */
    struct srpc_pending *all;     /* every slot, to free them */
};

/* A request in an output queue: its slot, and the msgid the slot had
 * then (a slot cancelled and reused since has another). */
struct srpc__queued {
    srpc_pending *slot;
    uint32_t msgid;
};

/*
 * Requests waiting to be written together.  The bytes of the small ones
 * are copied into `bytes`, in order, so that a batch leaves in one
 * write; `direct` is a large request written from its own buffer after
 * them (slot NULL when there is none).
 */
struct srpc__outq {
    struct srpc_wbuf bytes;
    struct srpc__queued *items;
    size_t n, cap;
    struct srpc__queued direct;
};

/* What each thread that uses a client has of its own. */
struct srpc__thread {
    pthread_t tid;
    srpc_pending *building;       /* begun, not yet sent */
    bool begin_failed;            /* no slot for the last begin: ENOMEM */
    srpc_pending *held;           /* the last call: its result is valid */
    srpc_arena arena;             /* strings of this thread's results */
    char errmsg[SRPC__CLIENT_ERRMSG];
    int64_t remote_code;
    int status;                   /* of the last call */
    bool has_code;                /* it failed with an integer code */
    struct srpc__thread *next;
};

struct srpc_client {
    uint64_t serial;              /* unique for the process's lifetime */
    struct srpc__address addr;    /* to reconnect */
    pthread_mutex_t lock;
    pthread_mutex_t send_lock;
    pthread_cond_t cond;          /* a slot is done or reading is free */
    struct srpc__sock sock;       /* fd -1 only between reconnect attempts */
    int timeout_ms;
    bool reconnect;
    int reconnect_max_ms;
    uint32_t next_msgid;
    /* slots */
    srpc_pending *free_slots;
    srpc_pending *all_slots;
    srpc_pending **map;           /* msgid -> SENT slot, chained */
    size_t map_size;              /* a power of two */
    size_t nsent;
    srpc_pending *done_cbs;       /* callback slots done, to run */
    srpc_pending **done_cbs_tail;
    /* writing: requests are corked in `queue` (under lock) until a caller
     * waits, polls or flushes, or the queue fills; the thread that holds
     * send_lock swaps it with the empty `sending` and writes that */
    struct srpc__outq queue;
    struct srpc__outq sending;
    /* reading: owned by the reader */
    bool reading;
    pthread_t reader;
    char *rbuf;
    size_t rpos, rlen, rcap;      /* unprocessed bytes: rbuf[rpos, rlen) */
    bool rbuf_moved;              /* a large reply just took rbuf */
    /* The largest reply buffer that came back (from the results, at
     * srpc_client_free_results(), or an emptied rbuf), kept warm for the
     * next large reply (wbuf.h): over 256 KiB, at most twice
     * max_message_size.  Under lock. */
    struct srpc__wspare rspare;
    struct srpc__frame frame;
    msgpack_zone zone;
    bool zone_ok;
    /* connection state */
    int broken;                   /* 0, or the status calls now fail with */
    char broken_why[SRPC__SLOT_ERRMSG];
    char closing_why[SRPC__SLOT_ERRMSG]; /* from sockrpc.closing */
    /* Notifications are not handed to the application: set while a
     * writer reads a closed connection out, holding send_lock, which a
     * callback that sends would wait for forever. */
    bool muted;
    srpc_notification_fn on_notification;
    void *notification_data;
    struct srpc__thread *threads;
};

/* ---- slot.c ---- */

/* This thread's record on C, created on first use; NULL when memory runs
 * out.  Caller holds lock. */
struct srpc__thread *srpc__client_thread(srpc_client *c);

/* The same, taking and releasing lock itself. */
struct srpc__thread *srpc__client_this_thread(const srpc_client *c);

/* Records a failure in thread record T (which may be NULL). */
int srpc__thread_error(struct srpc__thread *t, int status, const char *fmt,
                       ...) SRPC__PRINTF(3, 4);

/* Forgets this thread's cached record of C, which is being destroyed. */
void srpc__thread_cache_forget(const srpc_client *c);

/* A slot ready to build a call in: from the free list, else new; NULL
 * when memory runs out.  Caller holds lock. */
srpc_pending *srpc__slot_take(srpc_client *c);

/* Forgets S's result and frees its reply buffer if that grew large: S is
 * about to carry another call. */
void srpc__slot_recycle(srpc_pending *s);

/* Returns slot S to the free list.  Caller holds lock. */
void srpc__slot_free(srpc_client *c, srpc_pending *s);

/* Frees S and what it owns: for the client's destruction. */
void srpc__slot_destroy(srpc_pending *s);

/* Makes S (done) the thread's held slot and copies its outcome into the
 * thread's record; returns its status.  Caller holds lock. */
int srpc__slot_collect(srpc_client *c, struct srpc__thread *t,
                       srpc_pending *s, const msgpack_object **result);

/* Records a failure in slot S. */
int srpc__slot_error(srpc_pending *s, int status, const char *fmt, ...)
    SRPC__PRINTF(3, 4);

/* ---- send.c ---- */

/*
 * Queues the request or notification in S (BUILDING, owned by the caller).
 * A call sent without waiting (a handle or a callback) stays QUEUED until
 * a flush; a blocking call, a notification, a request too large to copy,
 * or one that fills the queue is written before this returns, after what
 * was queued.  Returns SRPC_OK, or a status with S's message written when
 * S cannot be sent at all (badly encoded, too deep, the connection broken
 * for good, no memory); a failure while writing S is reported in S
 * itself, done.  Takes lock (and send_lock when it writes) itself.
 */
int srpc__client_queue(srpc_client *c, srpc_pending *s);

/* Writes everything queued, reconnecting first when the connection is
 * broken and allowed to.  Each request is SENT afterwards, or done with
 * its failure.  Takes send_lock and lock itself. */
void srpc__client_flush(srpc_client *c);

/* For srpc_client_close(): writes what is queued while the connection
 * works, without reconnecting; fails it otherwise, so that every callback
 * runs once.  Takes send_lock and lock itself. */
void srpc__client_flush_at_close(srpc_client *c);

/* Before waiting for S: flushes when S is still queued, or when S waits
 * for its reply and other requests are queued (the server gets on with
 * them meanwhile).  A reply already in costs no write.  Caller holds
 * lock, which is released while writing. */
void srpc__client_flush_before_wait(srpc_client *c, const srpc_pending *s);

/* ---- io.c ---- */

/* Waits until S is done, reading when nobody else does, or until S's
 * deadline, then fails it with ETIMEDOUT.  Caller holds lock. */
void srpc__client_wait_slot(srpc_client *c, srpc_pending *s);

/* Reads once (waiting until DEADLINE) and handles what arrived.  Returns
 * SRPC_OK, SRPC_ETIMEDOUT, or the connection's failure.  Caller holds lock
 * and nobody is reading. */
int srpc__client_read_step(srpc_client *c, int64_t deadline);

/*
 * The server closed the connection under a write: reads, without
 * waiting, what it sent before (replies to earlier calls, and its
 * sockrpc.closing notice, the reason to report), until the end of the
 * stream breaks the connection.  A thread reading meanwhile is waited for
 * until DEADLINE: it finds the same.  The caller holds send_lock, so
 * notifications read here are not handed to the application (muted).
 * Caller holds lock.
 */
void srpc__client_read_last(srpc_client *c, int64_t deadline);

/* Runs the callbacks of done callback slots.  Caller holds lock, which is
 * released while each runs. */
void srpc__client_run_callbacks(srpc_client *c);

/* Marks the connection failed with STATUS and WHY and fails every SENT
 * slot so ("METHOD: WHY").  Caller holds lock. */
void srpc__client_break(srpc_client *c, int status, const char *why);

/* Puts S (QUEUED) into the msgid map as SENT; removes it from there if
 * it is there.  Caller holds lock. */
void srpc__map_insert(srpc_client *c, srpc_pending *s);
void srpc__map_remove(srpc_client *c, srpc_pending *s);

/* S, out of the map, is done: its waiter finds it so, or its callback is
 * queued to run.  Caller holds lock (and broadcasts cond). */
void srpc__client_complete(srpc_client *c, srpc_pending *s);

/* Takes the done callback slot S out of the queue of callbacks to run
 * (its sender reports the failure instead).  Caller holds lock. */
void srpc__client_dequeue_callback(srpc_client *c, srpc_pending *s);

/* Waits on cond until DEADLINE; false when it passed.  Caller holds lock. */
bool srpc__client_cond_wait(srpc_client *c, int64_t deadline);

#endif
