/*
 * lint.h - warnings about a checked file: things that compile as C but
 * are likely mistakes or break elsewhere.  Each is a named warning of
 * diag.h (on or off by -W options); an error-free file is required, as
 * the checks assume every name is valid.
 *
 *   c++-compat  a name in the generated C that is a C++ keyword: a
 *               procedure, parameter, struct field or union arm named
 *               so, or a prefixed name that happens to make one ("xor"
 *               + "eq"): the header is meant for C++ too (extern "C")
 *               and would not compile there ("int (*delete)(...)")
 *   case-clash  two interfaces, or two procedures of one interface, whose
 *               names differ only in case: legal, but easy to confuse, and
 *               a peer in a language that ignores case cannot tell them
 *               apart
 */
#ifndef IDLC_LINT_H
#define IDLC_LINT_H

#include "ast.h"
#include "diag.h"

/* Reports the warnings of FILE that D's configuration enables. */
void lint_check(const struct idl_file *file, struct diag *d);

#endif /* IDLC_LINT_H */
