/*
 * registry.c - see registry.h.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "server/registry.h"

void srpc__registry_init(struct srpc__registry *r)
{
    r->slots = NULL;
    r->cap = 0;
    r->count = 0;
}

void srpc__registry_fini(struct srpc__registry *r)
{
    free(r->slots);
    srpc__registry_init(r);
}

/* FNV-1a: short keys, no adversary (names come from the application). */
static size_t hash(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return (size_t)h;
}

static struct srpc__entry *probe(struct srpc__entry *slots, size_t cap,
                                 const char *name, size_t len)
{
    size_t i = hash(name, len) & (cap - 1);

    for (;; i = (i + 1) & (cap - 1)) {
        struct srpc__entry *e = &slots[i];

        if (!e->method || (e->name_len == len &&
                           memcmp(e->method->name, name, len) == 0))
            return e;
    }
}

const struct srpc__entry *srpc__registry_find(const struct srpc__registry *r,
                                              const char *name, size_t len)
{
    const struct srpc__entry *e;

    if (r->cap == 0)
        return NULL;
    e = probe(r->slots, r->cap, name, len);
    return e->method ? e : NULL;
}

/* Makes room for N more entries at most half full. */
static int reserve(struct srpc__registry *r, size_t n)
{
    size_t cap = r->cap ? r->cap : 16;
    struct srpc__entry *slots;

    if (n > SIZE_MAX / 4 - r->count)
        return SRPC_ENOMEM;
    while (cap < 2 * (r->count + n))
        cap *= 2;
    if (cap == r->cap)
        return SRPC_OK;
    slots = calloc(cap, sizeof *slots);
    if (!slots)
        return SRPC_ENOMEM;
    for (size_t i = 0; i < r->cap; i++) {
        struct srpc__entry *e = &r->slots[i];

        if (e->method)
            *probe(slots, cap, e->method->name, e->name_len) = *e;
    }
    free(r->slots);
    r->slots = slots;
    r->cap = cap;
    return SRPC_OK;
}

/* Checks IFACE before anything is added, so that a failure adds nothing. */
static int check(const struct srpc__registry *r,
                 const struct srpc_interface *iface, char *why, size_t whysize)
{
    for (size_t i = 0; i < iface->nmethods; i++) {
        const struct srpc_method *m = &iface->methods[i];

        if (!m->name || !m->dispatch) {
            srpc__errf(why, whysize, "method %zu of interface '%s' has no %s",
                       i, iface->name ? iface->name : "?",
                       m->name ? "dispatch function" : "name");
            return SRPC_EINVAL;
        }
        for (size_t j = 0; j < i; j++) {
            if (strcmp(iface->methods[j].name, m->name) == 0)
                goto dup;
        }
        if (srpc__registry_find(r, m->name, strlen(m->name)))
            goto dup;
        continue;
dup:
        srpc__errf(why, whysize, "method '%s' is already registered", m->name);
        return SRPC_EINVAL;
    }
    return SRPC_OK;
}

int srpc__registry_add(struct srpc__registry *r,
                       const struct srpc_interface *iface, const void *impl,
                       void *user_data, char *why, size_t whysize)
{
    int rc;

    if (!iface || (iface->nmethods > 0 && !iface->methods)) {
        srpc__errf(why, whysize, "no interface to register");
        return SRPC_EINVAL;
    }
    rc = check(r, iface, why, whysize);
    if (rc == SRPC_OK)
        rc = reserve(r, iface->nmethods);
    if (rc == SRPC_ENOMEM)
        srpc__errf(why, whysize, "out of memory");
    if (rc != SRPC_OK)
        return rc;
    for (size_t i = 0; i < iface->nmethods; i++) {
        const struct srpc_method *m = &iface->methods[i];
        size_t len = strlen(m->name);
        struct srpc__entry *e = probe(r->slots, r->cap, m->name, len);

        e->method = m;
        e->name_len = len;
        e->impl = impl;
        e->user_data = user_data;
        r->count++;
    }
    return SRPC_OK;
}
