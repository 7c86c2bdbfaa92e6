/*
 * depfile.h - make rules that say what idlc's outputs depend on, as
 * gcc -MD writes them:
 *
 *     gen/calc.h gen/calc_client.c gen/calc_server.c: calc.idl
 *
 * The dependencies come in as a list (the .idl file first) so that files
 * an .idl file will import join the rule without a change here; -MP adds
 * an empty rule for each of them but the first, so that make does not
 * stop when one is deleted.
 */
#ifndef IDLC_DEPFILE_H
#define IDLC_DEPFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "emit.h"

/* Appends NAME spelled so that make reads it back as one word: a blank
 * or '#' behind a backslash (backslashes before a blank doubled), '$' as
 * "$$".  (A newline cannot be written at all: it stays as it is.) */
void depfile_quote(struct emit *e, const char *name);

/*
 * Appends the rule "TARGETS: DEPS" to E, wrapped with " \" before column
 * 76, then with PHONY an empty rule "DEP:" for each DEP but the first.
 * TARGETS are quoted when QUOTE_TARGETS, else written as given (gcc's -MT
 * takes a target in make's syntax already); DEPS are always quoted.
 */
void depfile_rule(struct emit *e, const char *const *targets,
                  size_t ntargets, bool quote_targets,
                  const char *const *deps, size_t ndeps, bool phony);

#endif /* IDLC_DEPFILE_H */
