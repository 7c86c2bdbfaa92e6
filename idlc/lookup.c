#include "config.h"

/*
 * lookup.c - the hash table of lookup.h: open addressing with linear
 * probing in a power-of-two array kept at most half full, so a probe
 * ends after a slot or two; the array doubles when it would be fuller.
 * Keys are hashed with 64-bit FNV-1a (truncated to size_t), which is
 * short, has no bad cases on identifiers and needs no seed: idlc reads
 * trusted files, so no one picks keys to collide.
 */

#include "lookup.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *(*lookup_calloc)(size_t n, size_t size) = calloc;

/* The first table's size: most scopes, structs and enums stay in it. */
#define MIN_SIZE 16

static unsigned char fold(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static size_t hash(const struct lookup *t, const void *key, size_t len)
{
    const unsigned char *p = key;
    uint64_t h = 14695981039346656037ULL;

    for (size_t i = 0; i < len; i++) {
        h ^= t->fold_case ? fold(p[i]) : p[i];
        h *= 1099511628211ULL;
    }
    return (size_t)h;
}

static bool same(const struct lookup *t, const struct lookup_slot *s,
                 size_t h, const void *key, size_t len)
{
    const unsigned char *a = s->key, *b = key;

    if (s->hash != h || s->len != len)
        return false;
    if (!t->fold_case)
        return memcmp(a, b, len) == 0;
    for (size_t i = 0; i < len; i++) {
        if (fold(a[i]) != fold(b[i]))
            return false;
    }
    return true;
}

/* The slot that holds KEY, or the free slot where it would go. */
static struct lookup_slot *probe(const struct lookup *t, size_t h,
                                 const void *key, size_t len)
{
    size_t mask = t->size - 1;

    for (size_t i = h & mask;; i = (i + 1) & mask) {
        struct lookup_slot *s = &t->slots[i];

        if (s->key == NULL || same(t, s, h, key, len))
            return s;
    }
}

void lookup_init(struct lookup *t, bool fold_case)
{
    t->slots = NULL;
    t->size = 0;
    t->count = 0;
    t->fold_case = fold_case;
}

void lookup_free(struct lookup *t)
{
    free(t->slots);
    lookup_init(t, t->fold_case);
}

void *lookup_get(const struct lookup *t, const void *key, size_t len)
{
    if (t->count == 0)
        return NULL;
    return probe(t, hash(t, key, len), key, len)->value;
}

/* True when SIZE slots are too few for N keys: keeping at least half of
 * them free, a probe ends after a slot or two. */
static bool crowded(size_t size, size_t n)
{
    return n > size / 2;
}

/* Moves the keys into an array large enough for N keys; false, with T
 * unchanged, when memory runs out. */
static bool grow(struct lookup *t, size_t n)
{
    struct lookup old = *t;
    size_t size = t->size == 0 ? MIN_SIZE : t->size;

    while (crowded(size, n)) {
        if (size > SIZE_MAX / 4 / sizeof *t->slots)
            return false;
        size *= 2;
    }
    t->slots = lookup_calloc(size, sizeof *t->slots);
    if (t->slots == NULL) {
        t->slots = old.slots;
        return false;
    }
    t->size = size;
    for (size_t i = 0; i < old.size; i++) {
        const struct lookup_slot *s = &old.slots[i];

        if (s->key != NULL)
            *probe(t, s->hash, s->key, s->len) = *s;
    }
    free(old.slots);
    return true;
}

enum lookup_status lookup_add(struct lookup *t, const void *key,
                              size_t len, void *value, void **first)
{
    size_t h = hash(t, key, len);
    struct lookup_slot *s;
    void *ignored;

    if (first == NULL)
        first = &ignored;
    if (t->count > 0) {
        s = probe(t, h, key, len);
        if (s->key != NULL) {
            *first = s->value;
            return LOOKUP_FOUND;
        }
    }
    /* At most half full: a miss finds a free slot soon. */
    if (crowded(t->size, t->count + 1) && !grow(t, t->count + 1)) {
        *first = NULL;
        return LOOKUP_NOMEM;
    }
    s = probe(t, h, key, len);
    s->key = key;
    s->len = len;
    s->hash = h;
    s->value = value;
    t->count++;
    *first = value;
    return LOOKUP_ADDED;
}

bool lookup_reserve(struct lookup *t, size_t n)
{
    if (n > SIZE_MAX - t->count)
        return false;
    return !crowded(t->size, t->count + n) || grow(t, t->count + n);
}

void *lookup_get_str(const struct lookup *t, const char *name)
{
    return lookup_get(t, name, strlen(name));
}

enum lookup_status lookup_add_str(struct lookup *t, const char *name,
                                  void *value, void **first)
{
    return lookup_add(t, name, strlen(name), value, first);
}
