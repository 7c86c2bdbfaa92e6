/*
 * sockrpc.h - the public API of libsockrpc.
 *
 * A client connects to an address and calls remote procedures through the
 * stubs that idlc generates; a server listens on one or more addresses and
 * dispatches calls to the handlers an application registers.  Calls travel as
 * msgpack-rpc messages over Unix-domain or TCP stream sockets.
 *
 * Addresses are text:
 *     unix:/path/to/socket     a Unix-domain socket file
 *     unix:@name               a Linux abstract Unix-domain socket
 *     tcp:host:port            TCP over IPv4 or IPv6 (host may be a name)
 *     tcp:[::1]:port           an IPv6 literal in brackets
 *
 * Every function that can fail returns an int status: SRPC_OK (zero) or one
 * of the positive SRPC_E* codes below.  srpc_strerror() names each code and
 * the object involved (client or server) keeps a message that says what
 * exactly went wrong.  Nothing in the library aborts or raises SIGPIPE.
 */
#ifndef SOCKRPC_H
#define SOCKRPC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes.  Keep srpc_strerror() in error.c in step with this list. */
enum srpc_status {
    SRPC_OK = 0,
    SRPC_ENOMEM,      /* out of memory */
    SRPC_EINVAL,      /* invalid argument passed to the library */
    SRPC_EADDRESS,    /* address text could not be parsed */
    SRPC_ERESOLVE,    /* host name could not be resolved */
    SRPC_ECONNECT,    /* connection refused or otherwise failed */
    SRPC_EADDRINUSE,  /* another live server already owns the address */
    SRPC_ELISTEN,     /* socket/bind/listen failed for another reason */
    SRPC_EIO,         /* a read or write on the socket failed */
    SRPC_ECLOSED,     /* the peer closed the connection */
    SRPC_ETIMEDOUT,   /* the call's deadline passed before its reply */
    SRPC_EPROTO,      /* the peer sent bytes that break the protocol */
    SRPC_ETOOBIG,     /* a message is larger than the configured limit */
    SRPC_ENOMETHOD,   /* the remote side has no such procedure */
    SRPC_EARGS,       /* wrong number or types of arguments */
    SRPC_ETYPE,       /* a reply's result has the wrong type */
    SRPC_EREMOTE,     /* the remote procedure returned an error */
    SRPC_STATUS_COUNT /* not a status: the number of codes above */
};

/* The static, human-readable name of a status, e.g. "connection refused". */
const char *srpc_strerror(int status);

/*
 * Error codes that travel on the wire in a reply's [code, message] pair when
 * the runtime itself rejects a call.  They are negative, as in JSON-RPC, so
 * that application codes (zero or positive, chosen by the .idl author) never
 * collide with them.
 */
#define SRPC_WIRE_INVALID_REQUEST  (-32600)
#define SRPC_WIRE_NO_METHOD        (-32601)
#define SRPC_WIRE_INVALID_ARGS     (-32602)
#define SRPC_WIRE_INTERNAL         (-32603)

/* The codes from -32768 to -32000 (JSON-RPC's reserved range) are the
 * runtime's own; idlc refuses them as values of an enum that a procedure
 * raises, and its NAME_error() accessors never report them. */
#define SRPC_WIRE_RESERVED_MIN     (-32768)
#define SRPC_WIRE_RESERVED_MAX     (-32000)

/*
 * A byte string (the IDL's "bytes", a msgpack bin): LEN bytes at DATA, which
 * may hold any value including 0.  DATA may be NULL when LEN is 0.  Byte
 * strings a stub or handler receives live in the call's arena, as strings do.
 */
typedef struct srpc_bytes {
    const uint8_t *data;
    size_t len;
} srpc_bytes;

/* ------------------------------------------------------------------ */
/* Client                                                              */
/* ------------------------------------------------------------------ */

typedef struct srpc_client srpc_client;

/* A call sent and not yet finished: see srpc_client_send() in codec.h and
 * the NAME_async() / NAME_finish() stubs idlc generates. */
typedef struct srpc_pending srpc_pending;

/*
 * Options for srpc_client_connect().  Pass NULL for the defaults; a zero
 * field also means "the default".
 */
struct srpc_client_options {
    int timeout_ms;          /* deadline for connect and each call; 5000 */
    size_t max_message_size; /* largest reply accepted; 16 MiB */
    /* After the connection broke, the next call connects again (retrying
     * with exponential backoff until its own deadline) instead of failing.
     * Calls in flight when it broke still fail, with a message that says
     * "(not sent again: it may have run)": they are never sent twice,
     * since the server may have run them already.  false */
    bool reconnect;
    int reconnect_max_ms;    /* longest pause between attempts; 1000 */
};

/*
 * Connects to ADDRESS.  On success *out is a client that must be released
 * with srpc_client_close().  On failure *out is NULL; when ERRBUF is not NULL
 * it receives a message that names the address and the reason.
 *
 * Threads.  A client may be shared by threads: any number may call stubs,
 * send, wait and poll at the same time (requests are written whole, one at
 * a time; one thread reads and hands each reply to the thread waiting for
 * it).  srpc_client_errmsg(), srpc_client_remote_code(), results and
 * srpc_client_free_results() are per thread: each thread sees its own last
 * call.  srpc_client_close() must be called once, when no other thread
 * uses the client any more.
 */
int srpc_client_connect(srpc_client **out, const char *address,
                        const struct srpc_client_options *options,
                        char *errbuf, size_t errbuf_size);

/* Closes the connection and frees everything the client owns.  Calls still
 * in flight fail with SRPC_ECLOSED (their callbacks run now); handles not
 * yet finished become invalid.  NULL is ok. */
void srpc_client_close(srpc_client *client);

/* Sets the deadline for each later call, in milliseconds (> 0). */
int srpc_client_set_timeout(srpc_client *client, int timeout_ms);

/*
 * After a call failed: a message that names the method and says why, e.g.
 * "calc.div: division by zero", "calc.add: connection closed by server", or,
 * when the server said why it closed, "calc.echo: server closed the
 * connection: message exceeds the maximum size".  Valid until this thread's
 * next call on CLIENT.
 */
const char *srpc_client_errmsg(const srpc_client *client);

/*
 * After a call failed with SRPC_EREMOTE, ENOMETHOD or EARGS: the code the
 * server sent in its [code, message] error, or 0 if it sent no integer code.
 * 0 after a success or a failure on the client's side.  For a procedure
 * that raises an enum of codes, idlc's NAME_error() gives it as the enum.
 */
int64_t srpc_client_remote_code(const srpc_client *client);

/*
 * Strings that calls return live in memory owned by the client.  They stay
 * valid until srpc_client_free_results() or srpc_client_close(); a program
 * that makes many calls returning strings frees them once it is done with
 * them.  Calls returning only numbers allocate nothing there.  Each thread
 * has its own: this frees the strings of the calling thread's calls.
 */
void srpc_client_free_results(srpc_client *client);

/*
 * Forgets a call sent with srpc_client_send() (or a NAME_async() stub)
 * whose result is no longer wanted; its reply is dropped when it comes.
 * CALL is invalid afterwards.  NULL is ok.
 */
void srpc_client_cancel(srpc_client *client, srpc_pending *call);

/*
 * Writes what is queued (see srpc_client_flush()), reads what the server
 * sent within TIMEOUT_MS (0: only what has already arrived) and runs the
 * callbacks it completes: srpc_client_send_cb() replies and
 * notifications.  Returns SRPC_OK, also when nothing came, or the status
 * of a connection that failed.  Programs that use callbacks call it from
 * their event loop; replies and notifications that arrive while a thread
 * waits for a call are handled then too.
 */
int srpc_client_poll(srpc_client *client, int timeout_ms);

/*
 * Writes the requests that NAME_async() and srpc_client_send() calls have
 * queued.  They are corked so that many calls leave in one write: until
 * a thread waits for one of them (NAME_finish(), srpc_client_wait(), a
 * blocking call), polls (srpc_client_poll()), flushes, or until 64 KiB
 * are queued; a request of 8 KiB or more goes at once.  Returns SRPC_OK,
 * or the status of a connection that failed; a call that could not be
 * written fails when it is waited for, or in its callback.
 */
int srpc_client_flush(srpc_client *client);

/*
 * Receives the server's notifications [2, method, params]: FN runs on the
 * thread that is reading from the connection -- inside a stub, a wait, or
 * srpc_client_poll() -- with METHOD as a C string and PARAMS the array.
 * Both are valid only while FN runs.  FN may send (calls, notifications)
 * but must not wait for a reply on CLIENT: that fails with SRPC_EINVAL.
 * FN NULL (the default) ignores notifications.  The runtime's own
 * "sockrpc.closing" notice is delivered too; its reason also becomes the
 * message of the calls that the closing fails.
 */
struct msgpack_object;
typedef void (*srpc_notification_fn)(srpc_client *client, const char *method,
                                     const struct msgpack_object *params,
                                     void *user_data);
void srpc_client_on_notification(srpc_client *client, srpc_notification_fn fn,
                                 void *user_data);

/* ------------------------------------------------------------------ */
/* Server                                                              */
/* ------------------------------------------------------------------ */

typedef struct srpc_server srpc_server;

/* The call a handler is serving.  Valid only while the handler runs. */
typedef struct srpc_call srpc_call;

/*
 * Options for srpc_server_create(); NULL or zero fields mean the defaults.
 * Every limit is enforced before memory is committed for it, and a peer
 * that breaks one is logged (SRPC_LOG_WARN), counted in the stats, and sent
 * the notification [2, "sockrpc.closing", [code, message]] (codes below)
 * just before the connection is closed.
 */
struct srpc_server_options {
    size_t max_message_size; /* largest request accepted; 1 MiB */
    size_t max_write_queue;  /* replies queued for one slow reader before
                                the server stops reading from it; 4 MiB */
    size_t max_connections;  /* connections served at once; more are
                                accepted and closed at once (refused).
                                min(10000, RLIMIT_NOFILE - 32) after
                                create raises the soft limit toward
                                10032 (1024 and 1056 in thread mode) */
    int idle_timeout_ms;     /* close a connection that sent and received
                                nothing for this long; 60000; -1: never */
    int message_timeout_ms;  /* a message must be complete this long after
                                its first byte arrived; 10000; -1: never */
    unsigned accepts_per_turn; /* new connections taken per listener per
                                  loop turn; 64 */
    unsigned max_depth;      /* nesting of a request (1..32); 32.  A deeper
                                request with a readable msgid gets an error
                                reply; past 32 the connection is closed */
    unsigned unix_mode;      /* permission bits of Unix socket files; 0600 */
    const uint32_t *allowed_uids; /* Unix peers: only these uids are served
                                     (others refused); NULL: anyone */
    size_t allowed_uids_count;
    int threads_per_connection; /* nonzero: each connection is served by a
                                   thread of its own, so handlers may block
                                   (they must then be thread-safe); 0 */
};

/* Codes of the "sockrpc.closing" notification and of limit error replies. */
#define SRPC_WIRE_LIMIT_IDLE       (-32001) /* idle timeout */
#define SRPC_WIRE_LIMIT_MESSAGE    (-32002) /* message timeout */
#define SRPC_WIRE_LIMIT_SIZE       (-32003) /* message too large */
#define SRPC_WIRE_LIMIT_DEPTH      (-32004) /* nesting too deep */
#define SRPC_WIRE_LIMIT_CONNS      (-32005) /* too many connections */
#define SRPC_WIRE_NOT_ALLOWED      (-32006) /* peer uid not allowed */
#define SRPC_WIRE_SHUTDOWN         (-32007) /* the server is stopping */
#define SRPC_WIRE_PROTOCOL         (-32700) /* bytes that are not msgpack-rpc */

/*
 * Creates a server with OPTIONS (NULL: every default).  Side effect on the
 * whole process: a soft RLIMIT_NOFILE below max_connections + 32 is raised
 * toward it, as far as the hard limit allows (doc/runtime.md).
 */
int srpc_server_create(srpc_server **out,
                       const struct srpc_server_options *options);

/*
 * Starts listening on ADDRESS.  May be called several times to serve the
 * same interfaces on several addresses.  A Unix socket file is created with
 * mode 0600; a stale file left by a dead server is replaced, a live server's
 * is SRPC_EADDRINUSE.  "tcp:127.0.0.1:0" picks a free port:
 * srpc_server_address() tells which.
 */
int srpc_server_listen(srpc_server *server, const char *address);

/*
 * The address of the Nth listener (from 0) in the same syntax that listen
 * takes, with the real port filled in; NULL if there is no such listener.
 */
const char *srpc_server_address(const srpc_server *server, size_t n);

/*
 * Serves clients until srpc_server_stop() is called, then shuts down
 * gracefully (see srpc_server_stop) and returns SRPC_OK.  It is a loop over
 * srpc_server_step().
 */
int srpc_server_run(srpc_server *server);

/*
 * Asks the server to stop: it stops accepting (listeners stay open, so run
 * may be called again), serves the requests it has already received, sends
 * their replies and a "sockrpc.closing" notification, and closes every
 * connection -- waiting at most 2 s for slow readers.  Then run returns.
 * Async-signal-safe; the only server function safe from another thread.
 */
void srpc_server_stop(srpc_server *server);

/*
 * Embedding the server in an application's own poll() loop.  srpc_server_fds
 * fills FDS[0, *n) with what to poll (one epoll descriptor on Linux, every
 * socket with the poll backend) and *timeout_ms with how long the server
 * may wait (-1: until an event).  When *n would exceed MAX it returns
 * SRPC_EINVAL with the count needed in *n.  After the application's poll
 * returns (whatever it reports), it calls srpc_server_step(server, 0).
 *
 * srpc_server_step does one turn: waits up to TIMEOUT_MS (-1: no limit,
 * shortened to the next deadline), handles what is ready and expires
 * timeouts.  It returns SRPC_OK, or SRPC_ECLOSED once a stop requested by
 * srpc_server_stop() has finished (a later step serves again).  Call it
 * from one thread only, never from a handler.
 */
struct pollfd;
int srpc_server_fds(srpc_server *server, struct pollfd *fds, size_t max,
                    size_t *n, int *timeout_ms);
int srpc_server_step(srpc_server *server, int timeout_ms);

/*
 * Counters since srpc_server_create().  Read them from the thread that runs
 * the server (a handler, or between steps) or while it is not running; in
 * threads_per_connection mode, from any thread.
 */
struct srpc_server_stats {
    uint64_t connections_accepted;   /* taken from a listener and served */
    uint64_t connections_refused;    /* over max_connections or uid */
    uint64_t connections_open;       /* now */
    uint64_t calls;                  /* requests served (any outcome) */
    uint64_t notifications;          /* notifications received */
    uint64_t errors;                 /* error replies sent */
    uint64_t bytes_in, bytes_out;
    uint64_t closed_idle;            /* idle_timeout_ms */
    uint64_t closed_message_timeout; /* message_timeout_ms */
    uint64_t closed_too_big;         /* max_message_size */
    uint64_t closed_protocol;        /* not msgpack-rpc, or too deep */
    uint64_t closed_by_peer;         /* EOF or reset from the client */
    uint64_t closed_shutdown;        /* by srpc_server_stop() */
};

int srpc_server_stats(const srpc_server *server,
                      struct srpc_server_stats *out);

/* Closes every connection and listener, removes Unix socket files the
 * server created, and frees the server.  NULL is ok. */
void srpc_server_destroy(srpc_server *server);

/* After a server function failed: a message that says why. */
const char *srpc_server_errmsg(const srpc_server *server);

/*
 * A handler returns SRPC_OK, or fails the call: with srpc_call_fail()
 * (return what it returns), or by returning another status, which the
 * caller receives as an internal error ("bank.deposit failed: I/O
 * error").  A value that is no status (-1, or anything past the last
 * SRPC_E* code) is a bug: the server logs a warning naming the method
 * and the value, and the call fails with an internal error, "bank.deposit:
 * the handler failed: returned -1, which is not a status" (or the message
 * the handler gave srpc_call_fail(), if it did).  Beware that 1 is a
 * status, SRPC_ENOMEM.  A result the .idl does not allow (a string over
 * its bound, a union's tag or a closed enum result that names nothing)
 * is not sent: the call fails the same way, with a warning.  A oneway
 * handler's failure has nobody to tell: it is logged as a warning.
 * Warnings of each kind are rated to one line a second.
 */

/* Inside a handler: the user_data pointer given when the interface was
 * registered. */
void *srpc_call_user_data(const srpc_call *call);

/* Inside a handler: the wire name of the method being called. */
const char *srpc_call_method(const srpc_call *call);

/*
 * Inside a handler: SIZE bytes that stay valid until the reply has been
 * encoded, e.g. for a string result.  NULL when memory runs out.  (A string
 * result left NULL travels as nil, which the caller's stub reports as
 * SRPC_ETYPE.)
 */
void *srpc_call_alloc(srpc_call *call, size_t size);

/*
 * Inside a handler: fails the call with an application error.  The caller
 * receives SRPC_EREMOTE with CODE (>= 0 by convention) and the formatted
 * message.  Returns SRPC_EREMOTE, so a handler can write
 *     return srpc_call_fail(call, CALC_EDIVZERO, "division by zero");
 */
int srpc_call_fail(srpc_call *call, int64_t code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/*
 * srpc_call_fail() with the message's arguments in AP (which it uses up, as
 * vprintf does), for functions that take a format of their own: the
 * NAME_fail() helpers idlc writes for procedures that raise errors are
 *     va_start(ap, fmt);
 *     rc = srpc_call_vfail(call, code, fmt, ap);
 *     va_end(ap);
 * Returns SRPC_EREMOTE.
 */
int srpc_call_vfail(srpc_call *call, int64_t code, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;

/* Who is calling: credentials the kernel gave when the connection was
 * accepted (Unix sockets, SO_PEERCRED); -1 where unknown. */
struct srpc_peer {
    int64_t uid, gid, pid;
};

/* Inside a handler: fills *OUT.  SRPC_OK for a Unix peer; SRPC_EINVAL (and
 * -1 everywhere) where the transport has no credentials, as TCP. */
int srpc_call_peer(const srpc_call *call, struct srpc_peer *out);

/* ------------------------------------------------------------------ */
/* Logging                                                             */
/* ------------------------------------------------------------------ */

enum srpc_log_level {
    SRPC_LOG_NONE = 0,
    SRPC_LOG_ERROR,  /* the library failed: accept errors, out of memory */
    SRPC_LOG_WARN,   /* a peer broke a limit or the protocol */
    SRPC_LOG_INFO,   /* ordinary events: idle connections closed */
    SRPC_LOG_DEBUG   /* every message: method, msgid, peer */
};

typedef void (*srpc_log_fn)(int level, const char *message, void *user_data);

/*
 * Process-wide: sends the library's log lines of LEVEL and more severe to
 * FN (NULL: stderr, the default, at SRPC_LOG_WARN).  FN is called with a
 * mutex held, so never by two threads at once, and sometimes with a
 * client's or server's lock held: it must not call srpc_set_log nor use a
 * client or server.  SOCKRPC_LOG=none|error|warn|info|debug in the environment
 * overrides LEVEL.  Set it before starting threads that use the library.
 */
void srpc_set_log(srpc_log_fn fn, int level, void *user_data);

#ifdef __cplusplus
}
#endif

#endif /* SOCKRPC_H */
