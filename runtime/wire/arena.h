/*
 * arena.h - a bump allocator for the memory of one call.
 *
 * Decoded strings and whatever a handler allocates with srpc_call_alloc()
 * live until the call is over; the client's results live until
 * srpc_client_free_results().  Both are freed all at once by a reset, so
 * nothing is freed piecemeal and nobody writes per-type free functions.
 *
 * Memory comes in chunks; a reset frees every chunk but the first, so a
 * warm connection serving small calls does not call malloc at all.
 */
#ifndef SRPC_ARENA_H
#define SRPC_ARENA_H

#include <stdbool.h>
#include <stddef.h>

#include "sockrpc/codec.h"

struct srpc__chunk;
struct srpc__adopted;

struct srpc_arena {
    struct srpc__chunk *first;   /* kept by reset; NULL until first use */
    struct srpc__chunk *current; /* allocations come from here */
    struct srpc__adopted *adopted; /* buffers it was given, freed by reset */
    /* The message decoded into this arena outlives every value decoded
     * from it, so srpc_get_bin() points into the message instead of
     * copying it: the server's call arena, whose message stays until the
     * reply is packed.  A client's results outlive their message: false. */
    bool borrows;
};

void srpc__arena_init(srpc_arena *arena);

/* Frees every chunk.  The arena may be used again after it. */
void srpc__arena_fini(srpc_arena *arena);

/* SIZE bytes aligned for any type, or NULL when memory runs out.  A size
 * of 0 returns a valid, unique-enough pointer (never NULL on success). */
void *srpc__arena_alloc(srpc_arena *arena, size_t size);

/* Copies LEN bytes and adds a NUL: a C string of a msgpack str. */
char *srpc__arena_strndup(srpc_arena *arena, const char *s, size_t len);

/* Forgets every allocation; keeps the first chunk for reuse. */
void srpc__arena_reset(srpc_arena *arena);

/* Takes the malloc'd buffer P of SIZE bytes (a large reply's) to free
 * with the next reset: srpc_get_bin() then points into it instead of
 * copying.  SRPC_OK, or SRPC_ENOMEM with P still the caller's. */
int srpc__arena_adopt(srpc_arena *arena, void *p, size_t size);

/* Gives the largest adopted buffer back (NULL when none), its size in
 * *SIZE: the caller owns it again. */
void *srpc__arena_take_largest(srpc_arena *arena, size_t *size);

/* True when [P, P + LEN) lies in a buffer the arena adopted. */
bool srpc__arena_holds(const srpc_arena *arena, const void *p, size_t len);

#endif
