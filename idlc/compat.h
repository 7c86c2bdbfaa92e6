/*
 * compat.h - idlc --check-compat: would peers built from two versions of
 * an .idl file still understand each other?  The rules are in compat.c.
 */
#ifndef IDLC_COMPAT_H
#define IDLC_COMPAT_H

#include <stdbool.h>

#include "ast.h"
#include "diag.h"

/*
 * Compares OLD with NEW, both parsed and checked by sema without errors,
 * and reports every change that breaks peers built from the other version
 * as an error: to DNEW at the new declaration, with a note at the old one
 * in DOLD, or to DOLD for something removed (with a note in DNEW).
 * Removals that stay compatible are warnings (-Wcompat-removal).  D's
 * must be unsorted: the two files' messages interleave.  Returns true
 * when no error was reported (warnings made errors count).
 */
bool compat_check(const struct idl_file *old, struct diag *dold,
                  const struct idl_file *new, struct diag *dnew);

#endif /* IDLC_COMPAT_H */
