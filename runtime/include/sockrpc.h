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

/* ------------------------------------------------------------------ */
/* Client                                                              */
/* ------------------------------------------------------------------ */

typedef struct srpc_client srpc_client;

/*
 * Options for srpc_client_connect().  Pass NULL for the defaults; a zero
 * field also means "the default".
 */
struct srpc_client_options {
    int timeout_ms;          /* deadline for connect and each call; 5000 */
    size_t max_message_size; /* largest reply accepted; 16 MiB */
};

/*
 * Connects to ADDRESS.  On success *out is a client that must be released
 * with srpc_client_close().  On failure *out is NULL; when ERRBUF is not NULL
 * it receives a message that names the address and the reason.
 */
int srpc_client_connect(srpc_client **out, const char *address,
                        const struct srpc_client_options *options,
                        char *errbuf, size_t errbuf_size);

/* Closes the connection and frees everything the client owns.  NULL is ok. */
void srpc_client_close(srpc_client *client);

/* Sets the deadline for each later call, in milliseconds (> 0). */
int srpc_client_set_timeout(srpc_client *client, int timeout_ms);

/*
 * After a call failed: a message that says why, e.g. "calc.div: division by
 * zero" or "connection closed by server".  Valid until the next call.
 */
const char *srpc_client_errmsg(const srpc_client *client);

/*
 * After a call failed with SRPC_EREMOTE, ENOMETHOD or EARGS: the code the
 * server sent in its [code, message] error, or 0 if it sent no integer code.
 */
int64_t srpc_client_remote_code(const srpc_client *client);

/*
 * Strings that calls return live in memory owned by the client.  They stay
 * valid until srpc_client_free_results() or srpc_client_close(); a program
 * that makes many calls returning strings frees them once it is done with
 * them.  Calls returning only numbers allocate nothing there.
 */
void srpc_client_free_results(srpc_client *client);

/* ------------------------------------------------------------------ */
/* Server                                                              */
/* ------------------------------------------------------------------ */

typedef struct srpc_server srpc_server;

/* The call a handler is serving.  Valid only while the handler runs. */
typedef struct srpc_call srpc_call;

/* Options for srpc_server_create(); NULL or zero fields mean the defaults. */
struct srpc_server_options {
    size_t max_message_size; /* largest request accepted; 1 MiB */
    size_t max_write_queue;  /* replies queued for one slow reader before
                                the server stops reading from it; 4 MiB */
};

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

/* Serves clients until srpc_server_stop() is called.  Returns SRPC_OK then. */
int srpc_server_run(srpc_server *server);

/*
 * Asks a running server to return from srpc_server_run().  Safe to call
 * from a signal handler or from another thread.
 */
void srpc_server_stop(srpc_server *server);

/* Closes every connection and listener, removes Unix socket files the
 * server created, and frees the server.  NULL is ok. */
void srpc_server_destroy(srpc_server *server);

/* After a server function failed: a message that says why. */
const char *srpc_server_errmsg(const srpc_server *server);

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

#ifdef __cplusplus
}
#endif

#endif /* SOCKRPC_H */
