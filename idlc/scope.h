/*
 * scope.h - what a scope (an interface or a file's top level) declares,
 * found by name in constant time: its structs, enums, constants and
 * typedefs, its sequences and maps by spelling and by C name.
 *
 * sema indexes each scope of a file (scope_index()) before it resolves a
 * name, and registers the scope's containers as it meets them; the
 * indexes live in the tree (struct idl_iface), so a file that imports
 * this one finds its names the same way, and so do the generators.
 * Where a scope declares a name twice, the first declaration is found,
 * as the redefinition errors say.
 */
#ifndef IDLC_SCOPE_H
#define IDLC_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

/* Indexes IFACE's declarations; false when memory ran out. */
bool scope_index(struct idl_iface *iface);

/* Frees IFACE's indexes (ast_iface_free() calls it). */
void scope_free(struct idl_iface *iface);

/* The I-th scope where a name used in IFACE is looked up, innermost
 * first: IFACE, its file's top level, the imported top levels; NULL
 * after the last. */
const struct idl_iface *scope_at(const struct idl_iface *iface, size_t i);

/* The first declaration named NAME in IFACE alone, or NULL. */
const struct idl_struct *scope_own_struct(const struct idl_iface *iface,
                                          const char *name);
const struct idl_enum *scope_own_enum(const struct idl_iface *iface,
                                      const char *name);
struct idl_typedef *scope_own_typedef(const struct idl_iface *iface,
                                      const char *name);

/* The declaration NAME means in IFACE: its own, else the nearest outer
 * scope's (scope_at()); NULL when none declares it. */
const struct idl_struct *scope_find_struct(const struct idl_iface *iface,
                                           const char *name);
const struct idl_enum *scope_find_enum(const struct idl_iface *iface,
                                       const char *name);
const struct idl_const *scope_find_const(const struct idl_iface *iface,
                                         const char *name);
struct idl_typedef *scope_find_typedef(const struct idl_iface *iface,
                                       const char *name);

/* The position of ST in IFACE's structs (or EN in its enums): true and
 * *INDEX, or false when IFACE does not declare it. */
bool scope_struct_index(const struct idl_iface *iface,
                        const struct idl_struct *st, size_t *index);
bool scope_enum_index(const struct idl_iface *iface,
                      const struct idl_enum *en, size_t *index);

/* IFACE's container spelled TEXT (idl_type_spelling()), or NULL. */
const struct idl_type_ref *scope_container(const struct idl_iface *iface,
                                           const char *text);

/* IFACE's first container whose C type is struct PREFIX_CNAME, or NULL;
 * *COUNT (when not NULL) is how many of IFACE's containers share it. */
const struct idl_type_ref *scope_container_cname(const struct idl_iface *iface,
                                                 const char *cname,
                                                 unsigned *count);

/* Appends REF, spelled TEXT (malloc'd, taken in every case), to IFACE's
 * containers; false when memory ran out (REF is then not added). */
bool scope_add_container(struct idl_iface *iface, struct idl_type_ref *ref,
                         char *text);

#endif /* IDLC_SCOPE_H */
