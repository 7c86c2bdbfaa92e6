/*
 * parser.y - the grammar of .idl files.
 *
 *     file      := interface*
 *     interface := "interface" NAME "{" proc* "}" [";"]
 *     proc      := ["oneway"] TYPE NAME "(" [TYPE NAME ("," TYPE NAME)*] ")" ";"
 *
 * A pure (reentrant) parser: its state is the struct parser passed to
 * yyparse() and on to the lexer.  Values are built bottom-up: parameters
 * collect in a fresh idl_proc, procedures in a fresh idl_iface, and the
 * enclosing rule fills in the name.  Every typed value has a %destructor,
 * so nothing leaks when error recovery discards it.
 *
 * Error recovery resynchronises at ';' (a broken procedure) and '}' (a
 * broken interface), so one run reports several syntax errors.
 */

%code top {
#include "config.h"
}

%code requires {
#include <stdbool.h>
#include "ast.h"
struct parser;
}

%code {
#include <stdlib.h>
#include <string.h>

#include "lexer.h"
#include "parse.h"
#include "syntax_error.h"

/* The parser's state: everything yyparse() needs, nothing global. */
struct parser {
    void *scanner;
    struct diag *diag;
    struct idl_file *file;  /* interfaces parsed so far */
    YYLTYPE prev;           /* the token before the lookahead */
    YYLTYPE cur;            /* the lookahead */
};

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *p);
static void yyerror(const YYLTYPE *loc, struct parser *p, const char *msg);
static struct idl_proc *finish_proc(struct idl_proc *proc, bool oneway,
                                    struct idl_type_ref result, char *name,
                                    const YYLTYPE *name_loc,
                                    const YYLTYPE *decl_loc);

/* Out of memory inside an action: the action has freed its right-hand
 * side values already (YYABORT does not). */
#define OOM() do { diag_oom(p->diag); YYABORT; } while (0)
}

%define api.pure full
%define api.location.type {struct idl_loc}
%define parse.error verbose
%define parse.lac full
%locations
%param {struct parser *p}

%union {
    char *str;
    struct idl_type_ref tref;
    struct idl_param param;
    struct idl_proc *proc;
    struct idl_iface *iface;
}

%token END 0 "end of file"
%token INTERFACE "interface"
%token ONEWAY "oneway"
%token <str> IDENT "identifier"

%type <tref> type
%type <param> param
%type <proc> proc params param_list
%type <iface> interface body

%destructor { free($$); } <str>
%destructor { free($$.name); } <tref>
%destructor { ast_param_clear(&$$); } <param>
%destructor { ast_proc_free($$); } <proc>
%destructor { ast_iface_free($$); } <iface>

%%

file:
    %empty
  | file interface
        {
            if ($2 != NULL && !ast_file_add(p->file, $2)) {
                ast_iface_free($2);
                OOM();
            }
        }
  | file error
  ;

interface:
    INTERFACE IDENT '{' body '}' opt_semi
        { $$ = $4; $$->name = $2; $$->loc = @2; }
  | INTERFACE IDENT '{' body error '}' opt_semi
        { $$ = $4; $$->name = $2; $$->loc = @2; $$->broken = true; }
  | INTERFACE error '}' opt_semi
        { $$ = NULL; }
  ;

opt_semi:
    %empty
  | ';'
  ;

body:
    %empty
        { $$ = ast_iface_new(); if ($$ == NULL) OOM(); }
  | body proc
        {
            $$ = $1;
            if (!ast_iface_add($$, $2)) {
                ast_iface_free($1);
                ast_proc_free($2);
                OOM();
            }
        }
  | body error ';'
        { $$ = $1; $$->broken = true; }
  ;

proc:
    type IDENT '(' params ')' ';'
        { $$ = finish_proc($4, false, $1, $2, &@2, &@$); }
  | ONEWAY type IDENT '(' params ')' ';'
        { $$ = finish_proc($5, true, $2, $3, &@3, &@$); }
  ;

params:
    %empty
        { $$ = ast_proc_new(); if ($$ == NULL) OOM(); }
  | IDENT
        {
            /* A lone type: C's "(void)" habit, or a forgotten name. */
            if (strcmp($1, "void") == 0)
                diag_error(p->diag, &@1, "a procedure without parameters "
                           "is written '()', not '(void)'");
            else
                diag_error(p->diag, &@1, "parameter of type '%s' needs a "
                           "name", $1);
            free($1);
            $$ = ast_proc_new();
            if ($$ == NULL)
                OOM();
        }
  | param_list
  ;

param_list:
    param
        {
            $$ = ast_proc_new();
            if ($$ == NULL || !ast_proc_add($$, &$1)) {
                free($$);
                ast_param_clear(&$1);
                OOM();
            }
        }
  | param_list ',' param
        {
            $$ = $1;
            if (!ast_proc_add($$, &$3)) {
                ast_proc_free($1);
                ast_param_clear(&$3);
                OOM();
            }
        }
  ;

param:
    type IDENT
        { $$.type = $1; $$.name = $2; $$.loc = @2; }
  ;

type:
    IDENT
        { $$.name = $1; $$.loc = @1; $$.type = NULL; }
  ;

%%

/* Fills in PROC (which holds the parameters already) and takes ownership
 * of RESULT and NAME. */
static struct idl_proc *finish_proc(struct idl_proc *proc, bool oneway,
                                    struct idl_type_ref result, char *name,
                                    const YYLTYPE *name_loc,
                                    const YYLTYPE *decl_loc)
{
    proc->oneway = oneway;
    proc->result = result;
    proc->name = name;
    proc->loc = *name_loc;
    proc->decl_loc = *decl_loc;
    return proc;
}

/* Remembers the last two tokens' locations: a missing ';' is reported just
 * after the token before the lookahead, as GCC does. */
static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *p)
{
    int token = lexer_lex(lval, lloc, p->scanner);

    p->prev = p->cur;
    p->cur = *lloc;
    return token;
}

static void yyerror(const YYLTYPE *loc, struct parser *p, const char *msg)
{
    /* An unterminated comment already explained the early end. */
    if (lexer_truncated(p->scanner))
        return;
    report_syntax_error(p->diag, msg, loc, &p->prev);
}

struct idl_file *idl_parse(const char *src, size_t len, struct diag *d)
{
    struct parser p = { 0 };
    int rc;

    p.diag = d;
    p.prev.first_line = p.prev.last_line = 1;
    p.prev.first_column = p.prev.last_column = 1;
    p.cur = p.prev;
    p.file = ast_file_new();
    p.scanner = lexer_create(src, len, d);
    if (p.file == NULL || p.scanner == NULL) {
        diag_oom(d);
        ast_file_free(p.file);
        lexer_destroy(p.scanner);
        return NULL;
    }
    rc = yyparse(&p);
    lexer_destroy(p.scanner);
    if (rc == 2)
        diag_oom(d);
    if (rc == 2 || diag_stopped(d)) {
        ast_file_free(p.file);
        return NULL;
    }
    return p.file;
}
