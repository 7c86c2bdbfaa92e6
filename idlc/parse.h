/*
 * parse.h - from .idl text to an AST.
 */
#ifndef IDLC_PARSE_H
#define IDLC_PARSE_H

#include <stddef.h>

#include "ast.h"
#include "diag.h"

/*
 * Parses LEN bytes at SRC, reporting every lexical and syntax error it can
 * to D (the parser resynchronises at ';' and '}').  Returns the tree of
 * what parsed - possibly partial when there were errors, so that sema can
 * still check it - or NULL when memory ran out or the error limit was hit.
 */
struct idl_file *idl_parse(const char *src, size_t len, struct diag *d);

#endif /* IDLC_PARSE_H */
