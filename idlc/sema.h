/*
 * sema.h - semantic checks on a parsed .idl file.
 */
#ifndef IDLC_SEMA_H
#define IDLC_SEMA_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"

/*
 * Resolves every type name and checks the rules the grammar cannot say:
 * unique names, known types, void only as a result, oneway procedures
 * return void, and names that are usable as C identifiers and do not make
 * clashing C names.  Reports every problem to D; returns true when there
 * was none.  Also sound on the partial tree of a file with syntax errors.
 */
bool sema_check(struct idl_file *file, struct diag *d);

/* Writes PROC's wire name, as it goes on the wire, to BUF: the body of
 * its @name literal (escapes as written; they spell each byte one way)
 * or IFACE.NAME.  False when it does not fit or is empty. */
bool sema_wire_name(const struct idl_iface *iface,
                    const struct idl_proc *proc, char *buf, size_t size);

/* The C-name checks (sema_names.c): keywords, reserved identifiers and
 * clashes between the names the generators will write.  LOC is NULL for
 * a file's stem: the message then names the file. */

/* What a name names.  An interface's, a module's and a file's stem (the
 * top level's prefix without a module) begin every generated C name. */
enum name_kind {
    NAME_IFACE, NAME_MODULE, NAME_STEM, NAME_PROC, NAME_PARAM, NAME_STRUCT,
    NAME_FIELD
};
void sema_check_name(struct diag *d, const char *name,
                     const struct idl_loc *loc, enum name_kind kind);
void sema_check_cnames(const struct idl_file *file, struct diag *d);

#endif /* IDLC_SEMA_H */
