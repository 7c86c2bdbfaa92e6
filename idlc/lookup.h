/*
 * lookup.h - a hash table from names to pointers, for every name idlc
 * looks up (sema, lint, the generators, --check-compat).
 *
 * Scopes, structs and enums can hold thousands of declarations, and a
 * name compared with each earlier one makes idlc quadratic in the size
 * of its input; a lookup here costs the same whatever the table's size.
 *
 * A key is LEN bytes at an address that is not NULL, most often a name
 * without its NUL, and it is not copied: the bytes must stay where they
 * are, unchanged, as long as the table is used (names in the tree do;
 * so does the slot of an array of pointers, which makes the pointer
 * itself the key: see lookup_ptr_key).
 * Values are pointers and never NULL (a const one is cast: the table
 * never writes through it).  A key is in the table once: the
 * first value added for it stays, which is what "previous definition
 * here" wants.  Entries are never removed, and nothing iterates over the
 * table, so no output depends on the order of its slots.
 */
#ifndef IDLC_LOOKUP_H
#define IDLC_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

struct lookup_slot {
    const void *key;    /* NULL: the slot is free */
    size_t len;
    size_t hash;
    void *value;
};

struct lookup {
    struct lookup_slot *slots;  /* NULL until the first lookup_add() */
    size_t size;                /* slots: 0 or a power of two */
    size_t count;               /* keys in the table */
    bool fold_case;             /* ASCII letters compare without case */
};

/* An empty table, which allocates nothing until a key is added.  With
 * FOLD_CASE, "Foo" and "foo" are one key (lint's case-clash warning). */
void lookup_init(struct lookup *t, bool fold_case);

/* Frees the table's slots (not its keys or values); T is then empty. */
void lookup_free(struct lookup *t);

/* The value of KEY, or NULL when KEY is not in T. */
void *lookup_get(const struct lookup *t, const void *key, size_t len);

enum lookup_status {
    LOOKUP_ADDED,   /* KEY is in the table now, with VALUE */
    LOOKUP_FOUND,   /* KEY was there: a duplicate, the table unchanged */
    LOOKUP_NOMEM    /* memory ran out: the table unchanged */
};

/* Adds KEY with VALUE (not NULL) unless KEY is in T already.  When FIRST
 * is not NULL, *FIRST is then the value KEY has in T: VALUE, or the one
 * added first (whose declaration a duplicate's note points at); NULL
 * when memory ran out. */
enum lookup_status lookup_add(struct lookup *t, const void *key,
                              size_t len, void *value, void **first);

/* Makes room for N more keys, so that adding them cannot run out of
 * memory; false (T unchanged) when it does now.  For a caller that adds
 * to several tables and must add to all or none. */
bool lookup_reserve(struct lookup *t, size_t n);

/* lookup_get() and lookup_add() for a NUL-terminated name. */
void *lookup_get_str(const struct lookup *t, const char *name);
enum lookup_status lookup_add_str(struct lookup *t, const char *name,
                                  void *value, void **first);

/* The bytes of the pointer stored at P as a key: an array of pointers to
 * declarations keys a table of them by identity (&iface->structs[i]),
 * and a lookup passes the address of any copy of the pointer. */
#define lookup_ptr_key(p) (const void *)(p), sizeof *(p)

/*
 * How the table gets memory: calloc(), unless a test makes allocations
 * fail by pointing this elsewhere.  idlc has no other allocation hook:
 * everything else reports failure from malloc() the ordinary way.
 */
extern void *(*lookup_calloc)(size_t n, size_t size);

#endif /* IDLC_LOOKUP_H */
