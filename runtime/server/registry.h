/*
 * registry.h - the method table of a server: wire name -> method, the ops
 * table (impl) and user_data of the interface that registered it.
 */
#ifndef SRPC_REGISTRY_H
#define SRPC_REGISTRY_H

#include <stddef.h>

#include "sockrpc/codec.h"

struct srpc__entry {
    const struct srpc_method *method; /* NULL: empty slot */
    size_t name_len;
    const void *impl;
    void *user_data;
};

/* Open addressing with linear probing; cap is a power of two and the table
 * is kept at most half full, so probes stay short. */
struct srpc__registry {
    struct srpc__entry *slots;
    size_t cap;
    size_t count;
};

void srpc__registry_init(struct srpc__registry *r);
void srpc__registry_fini(struct srpc__registry *r);

/* Adds every method of IFACE, or none: SRPC_EINVAL on a name already
 * registered (or twice in IFACE) or a method without name or dispatch,
 * SRPC_ENOMEM.  WHY receives the reason. */
int srpc__registry_add(struct srpc__registry *r,
                       const struct srpc_interface *iface, const void *impl,
                       void *user_data, char *why, size_t whysize);

/* The entry for the wire name NAME[0, LEN), or NULL. */
const struct srpc__entry *srpc__registry_find(const struct srpc__registry *r,
                                              const char *name, size_t len);

#endif
