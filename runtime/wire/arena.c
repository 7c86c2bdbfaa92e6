/*
 * arena.c - see arena.h.
 *
 * Chunks form a singly linked list from `first`; `current` is the last one.
 * A request that does not fit in the current chunk gets a new chunk of
 * max(CHUNK_SIZE, twice the previous, request) bytes, so a call that
 * allocates a lot needs only O(log n) mallocs.
 */
#include "config.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire/arena.h"

enum {
    CHUNK_SIZE = 4096,
    KEEP_MAX = 64 * 1024 /* a bigger first chunk is not kept by reset */
};

struct srpc__chunk {
    struct srpc__chunk *next;
    size_t size;      /* bytes in data[] */
    size_t used;      /* bytes handed out, rounded up to ALIGN */
    max_align_t data[]; /* the memory, aligned for any type */
};

#define ALIGN alignof(max_align_t)

struct srpc__adopted {
    struct srpc__adopted *next;
    char *p;
    size_t size;
};

static void free_adopted(srpc_arena *arena)
{
    while (arena->adopted) {
        struct srpc__adopted *a = arena->adopted;

        arena->adopted = a->next;
        free(a->p);
        free(a);
    }
}

int srpc__arena_adopt(srpc_arena *arena, void *p, size_t size)
{
    struct srpc__adopted *a = malloc(sizeof *a);

    if (!a)
        return SRPC_ENOMEM;
    a->p = p;
    a->size = size;
    a->next = arena->adopted;
    arena->adopted = a;
    return SRPC_OK;
}

void *srpc__arena_take_largest(srpc_arena *arena, size_t *size)
{
    struct srpc__adopted **best = NULL;
    struct srpc__adopted *a;
    void *p;

    for (struct srpc__adopted **pp = &arena->adopted; *pp; pp = &(*pp)->next) {
        if (!best || (*pp)->size > (*best)->size)
            best = pp;
    }
    if (!best)
        return NULL;
    a = *best;
    *best = a->next;
    p = a->p;
    *size = a->size;
    free(a);
    return p;
}

bool srpc__arena_holds(const srpc_arena *arena, const void *p, size_t len)
{
    const char *q = p;

    for (const struct srpc__adopted *a = arena->adopted; a; a = a->next) {
        if (q >= a->p && len <= a->size && (size_t)(q - a->p) <= a->size - len)
            return true;
    }
    return false;
}

void srpc__arena_init(srpc_arena *arena)
{
    arena->first = NULL;
    arena->current = NULL;
    arena->adopted = NULL;
    arena->borrows = false;
}

static void free_chain(struct srpc__chunk *c)
{
    while (c) {
        struct srpc__chunk *next = c->next;
        free(c);
        c = next;
    }
}

void srpc__arena_fini(srpc_arena *arena)
{
    free_chain(arena->first);
    free_adopted(arena);
    arena->first = NULL;   /* what the arena borrows is the owner's choice */
    arena->current = NULL;
}

void srpc__arena_reset(srpc_arena *arena)
{
    free_adopted(arena);
    if (!arena->first)
        return;
    if (arena->first->size > KEEP_MAX) {
        /* One huge call should not pin its memory for the connection's
         * whole life. */
        srpc__arena_fini(arena);
        return;
    }
    free_chain(arena->first->next);
    arena->first->next = NULL;
    arena->first->used = 0;
    arena->current = arena->first;
}

static struct srpc__chunk *new_chunk(size_t want, size_t prev)
{
    size_t size = CHUNK_SIZE;
    struct srpc__chunk *c;

    if (prev > size && prev <= SIZE_MAX / 2)
        size = prev * 2;
    if (want > size)
        size = want;
    if (size > SIZE_MAX - sizeof *c)
        return NULL;
    c = malloc(sizeof *c + size);
    if (!c)
        return NULL;
    c->next = NULL;
    c->size = size;
    c->used = 0;
    return c;
}

void *srpc__arena_alloc(srpc_arena *arena, size_t size)
{
    struct srpc__chunk *c = arena->current;
    size_t rounded;
    void *p;

    if (size > SIZE_MAX - ALIGN)
        return NULL;
    rounded = (size + ALIGN - 1) & ~(ALIGN - 1);
    if (rounded == 0)
        rounded = ALIGN; /* distinct pointers for zero-size requests */
    if (!c || c->size - c->used < rounded) {
        struct srpc__chunk *n = new_chunk(rounded, c ? c->size : 0);

        if (!n)
            return NULL;
        if (c)
            c->next = n;
        else
            arena->first = n;
        arena->current = c = n;
    }
    p = (char *)c->data + c->used;
    c->used += rounded;
    return p;
}

char *srpc__arena_strndup(srpc_arena *arena, const char *s, size_t len)
{
    char *p;

    if (len == SIZE_MAX)
        return NULL;
    p = srpc__arena_alloc(arena, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void *srpc_arena_alloc(srpc_arena *arena, size_t size)
{
    return srpc__arena_alloc(arena, size);
}
