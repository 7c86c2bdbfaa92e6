/*
 * address.h - parsing "unix:/path", "unix:@name", "tcp:host:port" and
 * "tcp:[v6]:port".
 *
 * A table maps each scheme to its parser and its transport (see
 * transport.h), so adding a transport adds one row, not an if/else arm.
 */
#ifndef SRPC_ADDRESS_H
#define SRPC_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>

#define SRPC__UNIX_PATH_MAX 107   /* sun_path is 108 bytes with the NUL */
#define SRPC__HOST_MAX 255        /* a DNS name is at most 253 characters */

struct srpc_transport_ops;

struct srpc__address {
    const struct srpc_transport_ops *ops; /* the scheme's transport */
    /* unix: the path, or the abstract name (without the '@') */
    char path[SRPC__UNIX_PATH_MAX + 1];
    bool abstract;
    /* tcp: host without brackets and decimal port */
    char host[SRPC__HOST_MAX + 1];
    char port[6];
};

/*
 * Parses TEXT into ADDR.  Returns SRPC_OK, or SRPC_EADDRESS with a message
 * in ERR (e.g. "missing port in 'tcp:localhost'").
 */
int srpc__address_parse(const char *text, struct srpc__address *addr,
                        char *err, size_t errsize);

#endif
