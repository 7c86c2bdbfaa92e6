/*
 * address.c - see address.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "transport/address.h"
#include "transport/sockutil.h"
#include "transport/transport.h"

typedef int (*parse_fn)(const char *rest, const char *text,
                        struct srpc__address *addr, char *err, size_t errsize);

/* Writes the message and returns SRPC_EADDRESS. */
#define bad_address(err, errsize, ...) \
    (srpc__errf((err), (errsize), __VA_ARGS__), SRPC_EADDRESS)

static int parse_unix(const char *rest, const char *text,
                      struct srpc__address *addr, char *err, size_t errsize)
{
    size_t len;

    addr->abstract = rest[0] == '@';
    if (addr->abstract) {
#ifdef __linux__
        rest++;
#else
        return bad_address(err, errsize,
                     "abstract unix sockets need Linux: '%s'", text);
#endif
    }
    len = strlen(rest);
    if (len == 0)
        return bad_address(err, errsize, "empty unix socket path in '%s'", text);
    if (len > SRPC__UNIX_PATH_MAX)
        return bad_address(err, errsize, "%s",
                     addr->abstract
                         ? "unix abstract socket name too long (max 107 bytes)"
                         : "unix socket path too long (max 107 bytes)");
    memcpy(addr->path, rest, len + 1);
    return SRPC_OK;
}

/* Splits "host:port" or "[v6]:port" into HOST and returns the port text,
 * or NULL after writing an error. */
static const char *split_host(const char *rest, const char *text,
                              struct srpc__address *addr, char *err,
                              size_t errsize)
{
    const char *host = rest, *colon, *end;

    if (rest[0] == '[') {
        end = strchr(rest, ']');
        if (!end) {
            (void)bad_address(err, errsize, "missing ']' in '%s'", text);
            return NULL;
        }
        host = rest + 1;
        colon = end[1] == ':' ? end + 1 : NULL;
        if (!colon && end[1] != '\0') {
            (void)bad_address(err, errsize, "expected ':' after ']' in '%s'", text);
            return NULL;
        }
    } else {
        colon = strrchr(rest, ':');
        end = colon ? colon : rest + strlen(rest);
        if (memchr(rest, ':', (size_t)(end - rest))) {
            (void)bad_address(err, errsize,
                  "IPv6 address must be in brackets, as in tcp:[::1]:port: '%s'",
                  text);
            return NULL;
        }
    }
    if (!colon) {
        (void)bad_address(err, errsize, "missing port in '%s'", text);
        return NULL;
    }
    if (end == host) {
        (void)bad_address(err, errsize, "missing host in '%s'", text);
        return NULL;
    }
    if ((size_t)(end - host) > SRPC__HOST_MAX) {
        (void)bad_address(err, errsize, "host name too long in '%s'", text);
        return NULL;
    }
    memcpy(addr->host, host, (size_t)(end - host));
    addr->host[end - host] = '\0';
    return colon + 1;
}

static int parse_tcp(const char *rest, const char *text,
                     struct srpc__address *addr, char *err, size_t errsize)
{
    const char *port = split_host(rest, text, addr, err, errsize);
    char *stop;
    unsigned long n;

    if (!port)
        return SRPC_EADDRESS;
    if (port[0] == '\0')
        return bad_address(err, errsize, "missing port in '%s'", text);
    n = strtoul(port, &stop, 10);
    if (*stop != '\0' || port[0] < '0' || port[0] > '9' || n > 65535 ||
        strlen(port) > 5)
        return bad_address(err, errsize,
                     "invalid port in '%s' (expected 0 to 65535)", text);
    snprintf(addr->port, sizeof addr->port, "%lu", n);
    return SRPC_OK;
}

static const struct scheme {
    const char *name;
    parse_fn parse;
    const struct srpc_transport_ops *ops;
} schemes[] = {
    { "unix", parse_unix, &srpc__transport_unix },
    { "tcp", parse_tcp, &srpc__transport_tcp },
};

int srpc__address_parse(const char *text, struct srpc__address *addr,
                        char *err, size_t errsize)
{
    const char *colon;
    size_t n;

    memset(addr, 0, sizeof *addr);
    if (!text || !*text)
        return bad_address(err, errsize, "%s",
                     "empty address (expected unix:PATH or tcp:HOST:PORT)");
    colon = strchr(text, ':');
    if (!colon)
        return bad_address(err, errsize,
                     "missing scheme in '%s' (expected unix: or tcp:)", text);
    n = (size_t)(colon - text);
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (strlen(schemes[i].name) == n &&
            strncmp(schemes[i].name, text, n) == 0) {
            addr->ops = schemes[i].ops;
            return schemes[i].parse(colon + 1, text, addr, err, errsize);
        }
    }
    return bad_address(err, errsize, "unknown scheme '%.*s' (expected unix: or tcp:)",
                 (int)(n > 32 ? 32 : n), text);
}
