#include "config.h"

/*
 * scope.c - the indexes of scope.h, kept in struct idl_iface (whose
 * tables start zeroed, which is empty).  Names are keyed by the
 * declarations' own strings; a declaration's identity (for its position)
 * by the slot of the scope's array that points at it, which nothing
 * moves once the file is parsed.
 */

#include "scope.h"

#include <stdlib.h>

/* Adds the first of DECLS[0, N) of each name to table T; returns false
 * from the calling function when memory runs out.  A name the parser
 * could not read is NULL. */
#define INDEX_NAMES(t, decls, n)                                          \
    do {                                                                  \
        for (size_t i_ = 0; i_ < (n); i_++) {                             \
            if ((decls)[i_]->name != NULL                                 \
                && lookup_add_str((t), (decls)[i_]->name, (decls)[i_],    \
                                  NULL) == LOOKUP_NOMEM)                  \
                return false;                                             \
        }                                                                 \
    } while (0)

/* The same by identity: a slot of DECLS is its own value. */
#define INDEX_SLOTS(t, decls, n)                                          \
    do {                                                                  \
        for (size_t i_ = 0; i_ < (n); i_++) {                             \
            if (lookup_add((t), lookup_ptr_key(&(decls)[i_]),             \
                           &(decls)[i_], NULL) == LOOKUP_NOMEM)           \
                return false;                                             \
        }                                                                 \
    } while (0)

bool scope_index(struct idl_iface *iface)
{
    INDEX_NAMES(&iface->procs_by_name, iface->procs, iface->nprocs);
    INDEX_NAMES(&iface->structs_by_name, iface->structs, iface->nstructs);
    INDEX_NAMES(&iface->enums_by_name, iface->enums, iface->nenums);
    INDEX_NAMES(&iface->consts_by_name, iface->consts, iface->nconsts);
    INDEX_NAMES(&iface->typedefs_by_name, iface->typedefs,
                iface->ntypedefs);
    INDEX_SLOTS(&iface->struct_slots, iface->structs, iface->nstructs);
    INDEX_SLOTS(&iface->enum_slots, iface->enums, iface->nenums);
    return true;
}

void scope_free(struct idl_iface *iface)
{
    lookup_free(&iface->procs_by_name);
    lookup_free(&iface->structs_by_name);
    lookup_free(&iface->enums_by_name);
    lookup_free(&iface->consts_by_name);
    lookup_free(&iface->typedefs_by_name);
    lookup_free(&iface->struct_slots);
    lookup_free(&iface->enum_slots);
    lookup_free(&iface->containers_by_text);
    lookup_free(&iface->containers_by_cname);
    for (size_t i = 0; i < iface->ncontainers; i++)
        free(iface->container_text[i]);
    free(iface->container_text);
    iface->container_text = NULL;
}

const struct idl_iface *scope_at(const struct idl_iface *iface, size_t i)
{
    const struct idl_iface *top = iface->outer != NULL ? iface->outer
                                                       : iface;

    if (i == 0)
        return iface;
    if (iface->outer != NULL && i == 1)
        return top;
    i -= iface->outer != NULL ? 2 : 1;
    return i < top->nvisible ? top->visible[i] : NULL;
}

const struct idl_struct *scope_own_struct(const struct idl_iface *iface,
                                          const char *name)
{
    return lookup_get_str(&iface->structs_by_name, name);
}

const struct idl_enum *scope_own_enum(const struct idl_iface *iface,
                                      const char *name)
{
    return lookup_get_str(&iface->enums_by_name, name);
}

struct idl_typedef *scope_own_typedef(const struct idl_iface *iface,
                                      const char *name)
{
    return lookup_get_str(&iface->typedefs_by_name, name);
}

/* The first value of NAME in table FIELD of the scopes IFACE sees. */
#define FIND(iface, field, name)                                          \
    do {                                                                  \
        const struct idl_iface *s_;                                       \
        void *found_;                                                     \
                                                                          \
        for (size_t k_ = 0; (s_ = scope_at((iface), k_)) != NULL; k_++) { \
            if ((found_ = lookup_get_str(&s_->field, (name))) != NULL)    \
                return found_;                                            \
        }                                                                 \
        return NULL;                                                      \
    } while (0)

const struct idl_struct *scope_find_struct(const struct idl_iface *iface,
                                           const char *name)
{
    FIND(iface, structs_by_name, name);
}

const struct idl_enum *scope_find_enum(const struct idl_iface *iface,
                                       const char *name)
{
    FIND(iface, enums_by_name, name);
}

const struct idl_const *scope_find_const(const struct idl_iface *iface,
                                         const char *name)
{
    FIND(iface, consts_by_name, name);
}

struct idl_typedef *scope_find_typedef(const struct idl_iface *iface,
                                       const char *name)
{
    FIND(iface, typedefs_by_name, name);
}

bool scope_struct_index(const struct idl_iface *iface,
                        const struct idl_struct *st, size_t *index)
{
    struct idl_struct **slot = lookup_get(&iface->struct_slots,
                                          lookup_ptr_key(&st));

    if (slot == NULL)
        return false;
    *index = (size_t)(slot - iface->structs);
    return true;
}

bool scope_enum_index(const struct idl_iface *iface,
                      const struct idl_enum *en, size_t *index)
{
    struct idl_enum **slot = lookup_get(&iface->enum_slots,
                                        lookup_ptr_key(&en));

    if (slot == NULL)
        return false;
    *index = (size_t)(slot - iface->enums);
    return true;
}

const struct idl_type_ref *scope_container(const struct idl_iface *iface,
                                           const char *text)
{
    return lookup_get_str(&iface->containers_by_text, text);
}

const struct idl_type_ref *scope_container_cname(const struct idl_iface *iface,
                                                 const char *cname,
                                                 unsigned *count)
{
    const struct idl_type_ref *first =
        lookup_get_str(&iface->containers_by_cname, cname);

    if (count != NULL)
        *count = first != NULL ? first->nsame : 0;
    return first;
}

bool scope_add_container(struct idl_iface *iface, struct idl_type_ref *ref,
                         char *text)
{
    size_t n = iface->ncontainers;
    const struct idl_type_ref **list;
    char **texts;
    void *first;
    struct idl_type_ref *counted;

    /* Room first, in the arrays and both tables: then nothing below
     * fails, and the container is in all of them or in none. */
    if (text == NULL || !lookup_reserve(&iface->containers_by_text, 1)
        || !lookup_reserve(&iface->containers_by_cname, 1)) {
        free(text);
        return false;
    }
    /* Both arrays grow by half, so that appending stays linear. */
    if (n == iface->container_room) {
        size_t room = n < 8 ? 8 : n + n / 2;

        list = realloc(iface->containers, room * sizeof *list);
        if (list != NULL)
            iface->containers = list;
        texts = realloc(iface->container_text, room * sizeof *texts);
        if (texts != NULL)
            iface->container_text = texts;
        if (list == NULL || texts == NULL) {
            free(text);
            return false;
        }
        iface->container_room = room;
    }
    lookup_add_str(&iface->containers_by_text, text, ref, NULL);
    lookup_add_str(&iface->containers_by_cname, ref->cname, ref, &first);
    counted = first;
    counted->nsame++;
    iface->containers[n] = ref;
    iface->container_text[n] = text;
    iface->ncontainers++;
    return true;
}
