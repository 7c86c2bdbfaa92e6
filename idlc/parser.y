/*
 * parser.y - the grammar of .idl files.
 *
 *     file      := ("module" NAME ";" | "import" STRING ";")*
 *                  (interface | struct | union | enum | const | typedef)*
 *                  (at most one module)
 *     interface := ["@version" "(" NUMBER ")"] "interface" NAME "{"
 *                  (proc | struct | union | enum | const | typedef)* "}"
 *                  [";"]
 *     proc      := ["@name" "(" STRING ")"] ["oneway" | "optional"] TYPE NAME
 *                  "(" [param ("," param)*] ")" ["raises" "(" NAME ")"] ";"
 *     param     := ["optional"] TYPE NAME
 *     struct    := "struct" NAME "{" field* "}" [";"]
 *     union     := "union" NAME "switch" "(" TYPE ")" "{" arm* "}" [";"]
 *     arm       := "case" (NAME | ["-"] NUMBER) ":" (TYPE NAME | "void") ";"
 *     enum      := ["open"] "enum" NAME "{" value ("," value)* [","] "}" [";"]
 *     value     := NAME ["=" ["-"] NUMBER]
 *     const     := "const" TYPE NAME "=" (["-"] NUMBER | STRING) ";"
 *     typedef   := "typedef" TYPE NAME ";"
 *     field     := ["optional"] TYPE NAME ";"
 *     TYPE      := NAME ["<" NUMBER ">"]      string<64>
 *                | NAME "<" TYPE ["," NUMBER] ">"    sequence<T, 10>
 *                | NAME "<" TYPE "," TYPE ">"        map<K, V>
 *                | TYPE "[" (NUMBER | NAME) "]"      int32[3]
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
    int depth;              /* '{' not yet closed */
};

static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *p);
static void yyerror(const YYLTYPE *loc, struct parser *p, const char *msg);
static bool add_arg(struct idl_type_ref *ref, struct idl_type_ref *arg);
static struct idl_const *new_const(struct parser *p,
                                   struct idl_type_ref *type, char *name,
                                   const YYLTYPE *name_loc, char *text,
                                   const YYLTYPE *value_loc, bool negative,
                                   bool is_string, const YYLTYPE *decl_loc);
static struct idl_proc *finish_proc(struct idl_proc *proc, bool oneway,
                                    struct idl_type_ref result, char *name,
                                    const YYLTYPE *name_loc,
                                    const YYLTYPE *decl_loc);
static void take_raises(struct idl_proc *proc, struct idl_type_ref *raises,
                        const YYLTYPE *loc);
static bool check_annot(struct parser *p, const char *annot,
                        const YYLTYPE *loc, const YYLTYPE *arg_loc,
                        bool is_string, const char *want, bool want_string,
                        const char *where);

/* True when WORD (at LOC) is WANT; reports it otherwise. */
static bool expect_word(struct parser *p, const char *word,
                        const YYLTYPE *loc, const char *want)
{
    if (strcmp(word, want) == 0)
        return true;
    diag_error(p->diag, loc, "expected '%s' or a declaration, not '%s'",
               want, word);
    return false;
}

/* "module" and "import" come before every declaration: they say how the
 * declarations are read.  True when nothing was declared yet. */
static bool header_in_place(struct parser *p, const char *what,
                            const YYLTYPE *loc)
{
    const struct idl_iface *top = p->file->scope;

    if (p->file->nifaces == 0 && top->nstructs == 0 && top->nenums == 0
        && top->nconsts == 0 && top->ntypedefs == 0)
        return true;
    diag_error(p->diag, loc, "'%s' must come before every declaration",
               what);
    return false;
}

/* import "PATH": LITERAL (malloc'd, with its quotes) becomes an import;
 * false when memory runs out (LITERAL is freed). */
static bool add_import(struct parser *p, char *literal, const YYLTYPE *loc)
{
    size_t len = strlen(literal);
    char *path;

    if (len <= 2) {
        diag_error(p->diag, loc, "import of an empty file name");
        free(literal);
        return true;
    }
    path = strndup(literal + 1, len - 2);
    free(literal);
    if (path == NULL)
        return false;
    /* Its header is STEM.h, #included with a comment naming the file. */
    len = strlen(path);
    if (strchr(path, '\\') != NULL || strstr(path, "*/") != NULL) {
        diag_error(p->diag, loc, "an imported file's name has no escapes "
                   "and no '*/'");
        free(path);
        return true;
    }
    if (len < 5 || strcmp(path + len - 4, ".idl") != 0
        || path[len - 5] == '/') {
        diag_error(p->diag, loc, "an imported file's name ends in '.idl' "
                   "(its header is NAME.h)");
        free(path);
        return true;
    }
    if (!ast_file_add_import(p->file, path, loc)) {
        free(path);
        return false;
    }
    return true;
}

/*
 * An annotation ANNOT (at LOC) before an interface, with argument ARG (at
 * ARG_LOC; a string literal by IS_STRING), both taken:
 * @version(N) or @prefix("..."), each at most once.
 */
static void iface_annot(struct parser *p, struct idl_iface *iface,
                        char *annot, const YYLTYPE *loc, char *arg,
                        const YYLTYPE *arg_loc, bool is_string)
{
    bool version = strcmp(annot, "@version") == 0;
    bool prefix = strcmp(annot, "@prefix") == 0;
    char **slot = version ? &iface->version_text : &iface->wire_prefix;

    if (!version && !prefix)
        diag_error(p->diag, loc, "unknown annotation '%s' on an interface "
                   "(expected '@version' or '@prefix')", annot);
    else if (version == is_string)
        diag_error(p->diag, arg_loc, "'%s' takes %s", annot,
                   version ? "a number" : "a string literal");
    else if (*slot != NULL)
        diag_error(p->diag, loc, "'%s' given twice", annot);
    else {
        *slot = arg;
        arg = NULL;
        if (version)
            iface->version_loc = *arg_loc;
        else
            iface->wire_prefix_loc = *arg_loc;
    }
    free(annot);
    free(arg);
}

/* Gives IFACE (maybe NULL) the doc comment before LOC. */
static void take_doc(struct parser *p, struct idl_iface *iface,
                     const YYLTYPE *loc)
{
    char *doc = lexer_take_doc(p->scanner, loc);

    if (iface != NULL)
        iface->doc = doc;
    else
        free(doc);
}

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
    struct idl_field field;
    struct idl_struct *st;
    struct idl_enum *en;
    struct idl_enum_value eval;
    struct idl_const *cnst;
    struct idl_typedef *td;
}

%token END 0 "end of file"
%token INTERFACE "interface"
%token ONEWAY "oneway"
%token STRUCT "struct"
%token OPTIONAL "optional"
%token ENUM "enum"
%token CONST "const"
%token TYPEDEF "typedef"
%token UNION "union"
%token SWITCH "switch"
%token CASE "case"
%token RAISES "raises"
%token <str> STRLIT "string literal"
%token <str> IDENT "identifier"
%token <str> NUMBER "number"
%token <str> ANNOT "annotation"

%type <tref> type raises
%type <param> param
%type <proc> proc proc_decl params param_list
%type <iface> interface iface_decl body iface_annots
%type <field> field arm label
%type <st> struct fields union arms
%type <en> enum enum_values
%type <eval> enum_value
%type <cnst> const
%type <td> typedef

%destructor { free($$); } <str>
%destructor { ast_type_clear(&$$); } <tref>
%destructor { ast_field_clear(&$$); } <field>
%destructor { ast_struct_free($$); } <st>
%destructor { ast_enum_free($$); } <en>
%destructor { ast_enum_value_clear(&$$); } <eval>
%destructor { ast_const_free($$); } <cnst>
%destructor { ast_typedef_free($$); } <td>
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
  | file IDENT IDENT ';'
        {
            /* "module" and "import" are keywords only here: a parameter
             * may be called module. */
            if (strcmp($2, "import") == 0)
                diag_error(p->diag, &@3, "'import' takes the file's name "
                           "in quotes: import \"%s.idl\";", $3);
            else if (expect_word(p, $2, &@2, "module")
                && header_in_place(p, "module", &@2)) {
                if (p->file->module != NULL) {
                    diag_error(p->diag, &@3, "a file declares one module");
                    diag_note(p->diag, &p->file->module_loc,
                              "module '%s' declared here", p->file->module);
                } else {
                    p->file->module = $3;
                    p->file->module_loc = @3;
                    $3 = NULL;
                }
            }
            free($2);
            free($3);
        }
  | file IDENT STRLIT ';'
        {
            bool ok = false;

            if (strcmp($2, "module") == 0)
                diag_error(p->diag, &@3, "a module's name is an identifier, "
                           "not a string literal");
            else
                ok = expect_word(p, $2, &@2, "import")
                     && header_in_place(p, "import", &@2);

            free($2);
            if (ok && !add_import(p, $3, &@3))
                OOM();
            if (!ok)
                free($3);
        }
  | file struct
        {
            if (!ast_iface_add_struct(p->file->scope, $2)) {
                ast_struct_free($2);
                OOM();
            }
        }
  | file union
        {
            if ($2 != NULL && !ast_iface_add_struct(p->file->scope, $2)) {
                ast_struct_free($2);
                OOM();
            }
        }
  | file enum
        {
            if ($2 != NULL && !ast_iface_add_enum(p->file->scope, $2)) {
                ast_enum_free($2);
                OOM();
            }
        }
  | file const
        {
            if ($2 == NULL || !ast_iface_add_const(p->file->scope, $2)) {
                ast_const_free($2);
                OOM();
            }
        }
  | file typedef
        {
            if ($2 == NULL || !ast_iface_add_typedef(p->file->scope, $2)) {
                ast_typedef_free($2);
                OOM();
            }
        }
  | file error
  ;

interface:
    iface_annots iface_decl
        {
            $$ = $2;
            take_doc(p, $$, &@$);
            if ($$ != NULL) {
                $$->version_text = $1->version_text;
                $$->version_loc = $1->version_loc;
                $$->wire_prefix = $1->wire_prefix;
                $$->wire_prefix_loc = $1->wire_prefix_loc;
                $1->version_text = NULL;
                $1->wire_prefix = NULL;
            }
            ast_iface_free($1);
        }
  ;

/* Collected in a scratch interface until the real one is parsed. */
iface_annots:
    %empty
        { $$ = ast_iface_new(); if ($$ == NULL) OOM(); }
  | iface_annots ANNOT '(' NUMBER ')'
        { $$ = $1; iface_annot(p, $$, $2, &@2, $4, &@4, false); }
  | iface_annots ANNOT '(' STRLIT ')'
        { $$ = $1; iface_annot(p, $$, $2, &@2, $4, &@4, true); }
  ;

iface_decl:
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
  | body struct
        {
            $$ = $1;
            if (!ast_iface_add_struct($$, $2)) {
                ast_iface_free($1);
                ast_struct_free($2);
                OOM();
            }
        }
  | body union
        {
            $$ = $1;
            if ($2 != NULL && !ast_iface_add_struct($$, $2)) {
                ast_iface_free($1);
                ast_struct_free($2);
                OOM();
            }
        }
  | body enum
        {
            $$ = $1;
            if ($2 != NULL && !ast_iface_add_enum($$, $2)) {
                ast_iface_free($1);
                ast_enum_free($2);
                OOM();
            }
        }
  | body const
        {
            $$ = $1;
            if ($2 == NULL || !ast_iface_add_const($$, $2)) {
                ast_iface_free($1);
                ast_const_free($2);
                OOM();
            }
        }
  | body typedef
        {
            $$ = $1;
            if ($2 == NULL || !ast_iface_add_typedef($$, $2)) {
                ast_iface_free($1);
                ast_typedef_free($2);
                OOM();
            }
        }
  | body error ';'
        { $$ = $1; $$->broken = true; }
  ;

proc:
    proc_decl
        { $$ = $1; $$->doc = lexer_take_doc(p->scanner, &@$); }
  | ANNOT '(' STRLIT ')' proc_decl
        {
            $$ = $5;
            $$->doc = lexer_take_doc(p->scanner, &@$);
            if (check_annot(p, $1, &@1, &@3, true, "@name", true,
                            "a procedure")) {
                $$->wire_name = $3;
                $$->wire_loc = @3;
            } else {
                free($3);
            }
            free($1);
        }
  | ANNOT '(' NUMBER ')' proc_decl
        {
            $$ = $5;
            $$->doc = lexer_take_doc(p->scanner, &@$);
            check_annot(p, $1, &@1, &@3, false, "@name", true,
                        "a procedure");
            free($1);
            free($3);
        }
  ;

proc_decl:
    type IDENT '(' params ')' raises ';'
        {
            $$ = finish_proc($4, false, $1, $2, &@2, &@$);
            take_raises($$, &$6, &@6);
        }
  | OPTIONAL type IDENT '(' params ')' raises ';'
        {
            $$ = finish_proc($5, false, $2, $3, &@3, &@$);
            $$->result_optional = true;
            take_raises($$, &$7, &@7);
        }
  | ONEWAY type IDENT '(' params ')' raises ';'
        {
            /* Accepted here so that sema can say why it is wrong. */
            $$ = finish_proc($5, true, $2, $3, &@3, &@$);
            take_raises($$, &$7, &@7);
        }
  ;

/* The enum of a procedure's error codes: its name and location. */
raises:
    %empty
        { memset(&$$, 0, sizeof $$); }
  | RAISES '(' IDENT ')'
        {
            memset(&$$, 0, sizeof $$);
            $$.name = $3;
            $$.loc = @3;
        }
  | RAISES '(' IDENT ',' more_names ')'
        {
            diag_error(p->diag, &@5, "a procedure raises the codes of one "
                       "enum: give every code a value in '%s'", $3);
            memset(&$$, 0, sizeof $$);
            $$.name = $3;
            $$.loc = @3;
        }
  ;

/* Names after the first in "raises (a, b)", read to be reported. */
more_names:
    IDENT
        { free($1); }
  | more_names ',' IDENT
        { free($3); }
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
        { $$.type = $1; $$.name = $2; $$.loc = @2; $$.optional = false; }
  | OPTIONAL type IDENT
        { $$.type = $2; $$.name = $3; $$.loc = @3; $$.optional = true; }
  ;

type:
    IDENT
        {
            memset(&$$, 0, sizeof $$);
            $$.name = $1;
            $$.loc = @1;
        }
  | IDENT '<' NUMBER '>'
        {
            memset(&$$, 0, sizeof $$);
            $$.name = $1;
            $$.loc = @1;
            $$.bound_text = $3;
            $$.bound_loc = @3;
        }
  | IDENT '<' type '>'
        {
            memset(&$$, 0, sizeof $$);
            $$.name = $1;
            $$.loc = @1;
            if (!add_arg(&$$, &$3))
                OOM();
        }
  | IDENT '<' type ',' NUMBER '>'
        {
            memset(&$$, 0, sizeof $$);
            $$.name = $1;
            $$.loc = @1;
            $$.bound_text = $5;
            $$.bound_loc = @5;
            if (!add_arg(&$$, &$3))
                OOM();
        }
  | type '[' NUMBER ']'
        {
            /* T[N]: a fixed number of T. */
            memset(&$$, 0, sizeof $$);
            $$.name = strdup("array");
            $$.loc = @1;
            $$.is_array = true;
            $$.bound_text = $3;
            $$.bound_loc = @3;
            if ($$.name == NULL) {
                ast_type_clear(&$1);
                ast_type_clear(&$$);
                OOM();
            }
            if (!add_arg(&$$, &$1))
                OOM();
        }
  | type '[' IDENT ']'
        {
            /* T[NAME]: NAME is an integer constant, checked by sema. */
            struct idl_type_ref name;

            memset(&$$, 0, sizeof $$);
            memset(&name, 0, sizeof name);
            name.name = $3;
            name.loc = @3;
            $$.name = strdup("array");
            $$.loc = @1;
            $$.is_array = true;
            if ($$.name == NULL) {
                ast_type_clear(&$1);
                ast_type_clear(&name);
                ast_type_clear(&$$);
                OOM();
            }
            if (!add_arg(&$$, &$1)) {
                ast_type_clear(&name);
                OOM();
            }
            if (!add_arg(&$$, &name))
                OOM();
        }
  | IDENT '<' type ',' type '>'
        {
            memset(&$$, 0, sizeof $$);
            $$.name = $1;
            $$.loc = @1;
            if (!add_arg(&$$, &$3)) {
                ast_type_clear(&$5);
                OOM();
            }
            if (!add_arg(&$$, &$5))
                OOM();
        }
  ;

enum:
    ENUM IDENT '{' enum_values opt_comma '}' opt_semi
        { $$ = $4; $$->name = $2; $$->loc = @2; $$->doc = lexer_take_doc(p->scanner, &@$); }
  | IDENT ENUM IDENT '{' enum_values opt_comma '}' opt_semi
        {
            /* "open" is a keyword only here: procedures may be called
             * open. */
            if (strcmp($1, "open") != 0)
                diag_error(p->diag, &@1, "expected 'open' or nothing "
                           "before 'enum', not '%s'", $1);
            free($1);
            $$ = $5;
            $$->name = $3;
            $$->loc = @3;
            $$->open = true;
            $$->doc = lexer_take_doc(p->scanner, &@$);
        }
  | ENUM IDENT '{' error '}' opt_semi
        { free($2); $$ = NULL; }
  ;

opt_comma:
    %empty
  | ','
  ;

enum_values:
    enum_value
        {
            $$ = ast_enum_new();
            if ($$ == NULL || !ast_enum_add($$, &$1)) {
                free($$);
                ast_enum_value_clear(&$1);
                OOM();
            }
        }
  | enum_values ',' enum_value
        {
            $$ = $1;
            if (!ast_enum_add($$, &$3)) {
                ast_enum_free($1);
                ast_enum_value_clear(&$3);
                OOM();
            }
        }
  ;

enum_value:
    IDENT
        { memset(&$$, 0, sizeof $$); $$.name = $1; $$.loc = @1; }
  | IDENT '=' NUMBER
        {
            memset(&$$, 0, sizeof $$);
            $$.name = $1;
            $$.loc = @1;
            $$.text = $3;
            $$.value_loc = @3;
        }
  | IDENT '=' '-' NUMBER
        {
            memset(&$$, 0, sizeof $$);
            $$.name = $1;
            $$.loc = @1;
            $$.text = $4;
            $$.negative = true;
            $$.value_loc = @3;
            $$.value_loc.last_line = @4.last_line;
            $$.value_loc.last_column = @4.last_column;
        }
  ;

struct:
    STRUCT IDENT '{' fields '}' opt_semi
        { $$ = $4; $$->name = $2; $$->loc = @2; $$->doc = lexer_take_doc(p->scanner, &@$); }
  | STRUCT IDENT '{' fields error '}' opt_semi
        {
            $$ = $4; $$->name = $2; $$->loc = @2; $$->broken = true;
            $$->doc = lexer_take_doc(p->scanner, &@$);
        }
  ;

fields:
    %empty
        { $$ = ast_struct_new(); if ($$ == NULL) OOM(); }
  | fields field
        {
            $$ = $1;
            if (!ast_struct_add($$, &$2)) {
                ast_struct_free($1);
                ast_field_clear(&$2);
                OOM();
            }
        }
  | fields error ';'
        { $$ = $1; $$->broken = true; }
  ;

field:
    type IDENT ';'
        {
            memset(&$$, 0, sizeof $$);
            $$.type = $1; $$.name = $2; $$.loc = @2; $$.optional = false;
            $$.doc = lexer_take_doc(p->scanner, &@$);
        }
  | OPTIONAL type IDENT ';'
        {
            memset(&$$, 0, sizeof $$);
            $$.type = $2; $$.name = $3; $$.loc = @3; $$.optional = true;
            $$.doc = lexer_take_doc(p->scanner, &@$);
        }
  ;

union:
    UNION IDENT SWITCH '(' type ')' '{' arms '}' opt_semi
        {
            $$ = $8;
            $$->name = $2;
            $$->loc = @2;
            $$->is_union = true;
            $$->disc = $5;
            $$->doc = lexer_take_doc(p->scanner, &@$);
        }
  | UNION IDENT SWITCH '(' type ')' '{' arms error '}' opt_semi
        {
            $$ = $8;
            $$->name = $2;
            $$->loc = @2;
            $$->is_union = true;
            $$->disc = $5;
            $$->broken = true;
            $$->doc = lexer_take_doc(p->scanner, &@$);
        }
  | UNION IDENT error '}' opt_semi
        { free($2); $$ = NULL; }
  ;

arms:
    %empty
        { $$ = ast_struct_new(); if ($$ == NULL) OOM(); }
  | arms arm
        {
            $$ = $1;
            if (!ast_struct_add($$, &$2)) {
                ast_struct_free($1);
                ast_field_clear(&$2);
                OOM();
            }
        }
  | arms error ';'
        { $$ = $1; $$->broken = true; }
  ;

arm:
    CASE label ':' type IDENT ';'
        {
            $$ = $2;
            $$.type = $4;
            $$.name = $5;
            $$.loc = @5;
            $$.doc = lexer_take_doc(p->scanner, &@$);
        }
  | CASE label ':' IDENT ';'
        {
            /* An arm without a value: "case NONE: void;". */
            $$ = $2;
            $$.type.name = $4;
            $$.type.loc = @4;
            $$.loc = @2;
            $$.doc = lexer_take_doc(p->scanner, &@$);
            if (strcmp($4, "void") != 0)
                diag_error(p->diag, &@4, "union arm of type '%s' needs a "
                           "name", $4);
        }
  ;

label:
    IDENT
        { memset(&$$, 0, sizeof $$); $$.label = $1; $$.label_loc = @1; }
  | NUMBER
        { memset(&$$, 0, sizeof $$); $$.label = $1; $$.label_loc = @1; }
  | '-' NUMBER
        {
            memset(&$$, 0, sizeof $$);
            $$.label = $2;
            $$.label_negative = true;
            $$.label_loc = @1;
            $$.label_loc.last_line = @2.last_line;
            $$.label_loc.last_column = @2.last_column;
        }
  ;

typedef:
    TYPEDEF type IDENT ';'
        {
            $$ = calloc(1, sizeof *$$);
            if ($$ == NULL) {
                ast_type_clear(&$2);
                free($3);
                OOM();
            }
            $$->type = $2;
            $$->name = $3;
            $$->loc = @3;
        }
  ;

const:
    CONST type IDENT '=' NUMBER ';'
        { $$ = new_const(p, &$2, $3, &@3, $5, &@5, false, false, &@$); }
  | CONST type IDENT '=' '-' NUMBER ';'
        {
            YYLTYPE at = @5;
            at.last_line = @6.last_line;
            at.last_column = @6.last_column;
            $$ = new_const(p, &$2, $3, &@3, $6, &at, true, false, &@$);
        }
  | CONST type IDENT '=' STRLIT ';'
        { $$ = new_const(p, &$2, $3, &@3, $5, &@5, false, true, &@$); }
  ;
%%

/* A const declaration, taking TYPE, NAME and TEXT; NULL (all freed)
 * when memory runs out. */
static struct idl_const *new_const(struct parser *p,
                                   struct idl_type_ref *type, char *name,
                                   const YYLTYPE *name_loc, char *text,
                                   const YYLTYPE *value_loc, bool negative,
                                   bool is_string, const YYLTYPE *decl_loc)
{
    struct idl_const *c = calloc(1, sizeof *c);

    if (c == NULL) {
        ast_type_clear(type);
        free(name);
        free(text);
        return NULL;
    }
    c->type = *type;
    c->name = name;
    c->loc = *name_loc;
    c->text = text;
    c->value_loc = *value_loc;
    c->negative = negative;
    c->is_string = is_string;
    c->decl_loc = *decl_loc;
    c->doc = lexer_take_doc(p->scanner, decl_loc);
    return c;
}

/* Moves ARG into REF's element types; on failure frees both. */
static bool add_arg(struct idl_type_ref *ref, struct idl_type_ref *arg)
{
    struct idl_type_ref *box = ast_type_box(arg);

    if (box == NULL) {
        ast_type_clear(arg);
        ast_type_clear(ref);
        return false;
    }
    ref->args[ref->nargs++] = box;
    return true;
}

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

/* Moves the name of RAISES (the "raises (NAME)" at LOC, or nothing) into
 * PROC. */
static void take_raises(struct idl_proc *proc, struct idl_type_ref *raises,
                        const YYLTYPE *loc)
{
    if (raises->name == NULL)
        return;
    proc->raises = raises->name;
    proc->raises_name_loc = raises->loc;
    proc->raises_loc = *loc;
    proc->raises_loc.last_line = loc->first_line;
    proc->raises_loc.last_column = loc->first_column + (int)strlen("raises");
    raises->name = NULL;
}

/* Reports ANNOT (at LOC, its argument at ARG_LOC, a string literal or a
 * number by IS_STRING) unless it is WANT, the one annotation WHERE takes,
 * with the kind of argument WANT takes.  True when it is. */
static bool check_annot(struct parser *p, const char *annot,
                        const YYLTYPE *loc, const YYLTYPE *arg_loc,
                        bool is_string, const char *want, bool want_string,
                        const char *where)
{
    if (strcmp(annot, want) != 0) {
        diag_error(p->diag, loc, "unknown annotation '%s' on %s (expected "
                   "'%s')", annot, where, want);
        return false;
    }
    if (is_string != want_string) {
        diag_error(p->diag, arg_loc, "'%s' takes %s", want,
                   want_string ? "a string literal" : "a number");
        return false;
    }
    return true;
}

/* Remembers the last two tokens' locations: a missing ';' is reported just
 * after the token before the lookahead, as GCC does. */
static int yylex(YYSTYPE *lval, YYLTYPE *lloc, struct parser *p)
{
    int token = lexer_lex(lval, lloc, p->scanner);

    p->prev = p->cur;
    p->cur = *lloc;
    p->depth += (token == '{') - (token == '}');
    return token;
}

static void yyerror(const YYLTYPE *loc, struct parser *p, const char *msg)
{
    /* An unterminated comment already explained the early end. */
    if (lexer_truncated(p->scanner))
        return;
    /* Bison lists no expected tokens when there are many, as inside an
     * interface's body; an open brace says what is missing. */
    if (p->depth > 0 && strcmp(msg, "syntax error, unexpected end of file")
                        == 0)
        msg = "syntax error, unexpected end of file, expecting '}'";
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
