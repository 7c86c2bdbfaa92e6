/*
 * syntax_error.h - turns bison's verbose messages into GCC-style ones.
 */
#ifndef IDLC_SYNTAX_ERROR_H
#define IDLC_SYNTAX_ERROR_H

#include "ast.h"
#include "diag.h"

/*
 * Reports the syntax error bison described as MSG ("syntax error,
 * unexpected X, expecting A or B") at the lookahead token AT; PREV is the
 * token before it, where a missing ';' or a missing end of file belongs.
 */
void report_syntax_error(struct diag *d, const char *msg,
                         const struct idl_loc *at, const struct idl_loc *prev);

#endif /* IDLC_SYNTAX_ERROR_H */
