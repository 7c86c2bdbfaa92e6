/*
 * lexer.h - the tokenizer (lexer.l).  Reentrant: all state lives in the
 * scanner object, none in globals.
 */
#ifndef IDLC_LEXER_H
#define IDLC_LEXER_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "parser.h"

/* Starts scanning LEN bytes at SRC (copied); lexical errors go to D.
 * Returns NULL when memory runs out. */
void *lexer_create(const char *src, size_t len, struct diag *d);
void lexer_destroy(void *scanner);

/* The next token (0 at the end of input) with its value and location.  An
 * IDENT's *lval->str is malloc'd and belongs to the caller. */
int lexer_lex(YYSTYPE *lval, YYLTYPE *lloc, void *scanner);

/* True when the lexer ended the input early after an error (an
 * unterminated comment): the parser then says nothing about the missing
 * rest of the file. */
bool lexer_truncated(void *scanner);

/* The doc comment (lines of three slashes, or a block opened with slash
 * and two stars) right before
 * the token at LOC's start, malloc'd and now the caller's, or NULL; each
 * is given once. */
char *lexer_take_doc(void *scanner, const struct idl_loc *loc);

#endif /* IDLC_LEXER_H */
