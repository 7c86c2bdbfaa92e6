#include "config.h"

/*
 * Bison's verbose messages name tokens as the grammar does (identifier,
 * interface, ';'); users read C compilers' messages, so this rewrites
 *     syntax error, unexpected identifier, expecting ',' or ')'
 * into
 *     expected ',' or ')' before 'b'
 * quoting the offending text from the source.  A missing ';' and an early
 * end of file are reported just after the previous token, where the fix
 * goes.
 */

#include "syntax_error.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define UNEXPECTED "syntax error, unexpected "
#define EXPECTING ", expecting "

/* The point just after the token at PREV. */
static struct idl_loc after(const struct idl_loc *prev)
{
    struct idl_loc loc;

    loc.first_line = loc.last_line = prev->last_line;
    loc.first_column = prev->last_column;
    loc.last_column = prev->last_column + 1;
    return loc;
}

/* True when the bison token name NAME (LEN bytes) is a keyword, not a
 * kind of token such as "identifier" or a quoted character. */
static bool is_keyword(const char *name, size_t len)
{
    static const char *const kinds[] = {
        "identifier", "number", "annotation", "string literal",
        "end of file",
    };

    if (len == 0 || name[0] == '\'')
        return false;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strlen(kinds[i]) == len && memcmp(name, kinds[i], len) == 0)
            return false;
    }
    return true;
}

/* Appends the bison token name NAME (LEN bytes), quoting keywords. */
static void append_name(char *buf, size_t size, const char *name, size_t len)
{
    size_t used = strlen(buf);
    const char *q = is_keyword(name, len) ? "'" : "";

    snprintf(buf + used, size - used, "%s%.*s%s", q, (int)len, name, q);
}

/* Turns "A or B or C" into "A, B or C" with keywords quoted.  "end of
 * file or 'interface'" says nothing "'interface'" does not. */
static void format_list(char *buf, size_t size, const char *list)
{
    static const char eof_or[] = "end of file or ";

    buf[0] = '\0';
    if (strncmp(list, eof_or, strlen(eof_or)) == 0)
        list += strlen(eof_or);
    while (*list != '\0') {
        const char *sep = strstr(list, " or ");
        size_t len = sep != NULL ? (size_t)(sep - list) : strlen(list);
        size_t used;

        append_name(buf, size, list, len);
        if (sep == NULL)
            break;
        list = sep + 4;
        used = strlen(buf);
        snprintf(buf + used, size - used, "%s",
                 strstr(list, " or ") != NULL ? ", " : " or ");
    }
}

/* The source text of the token at LOC, quoted, or the bison NAME. */
static void describe_token(const struct diag *d, const struct idl_loc *loc,
                           const char *name, size_t name_len, char *buf,
                           size_t size)
{
    const char *text;
    size_t len;

    if (loc->first_line == loc->last_line
        && loc->last_column > loc->first_column
        && diag_line(d, loc->first_line, &text, &len)
        && (size_t)loc->last_column - 1 <= len) {
        snprintf(buf, size, "'%.*s'", loc->last_column - loc->first_column,
                 text + loc->first_column - 1);
        return;
    }
    snprintf(buf, size, "%.*s", (int)name_len, name);
}

void report_syntax_error(struct diag *d, const char *msg,
                         const struct idl_loc *at, const struct idl_loc *prev)
{
    char expected[256];
    char token[128];
    const char *name;
    const char *list;
    size_t name_len;
    struct idl_loc here;

    if (strncmp(msg, UNEXPECTED, strlen(UNEXPECTED)) != 0) {
        diag_error(d, at, "%s", msg);
        return;
    }
    name = msg + strlen(UNEXPECTED);
    list = strstr(name, EXPECTING);
    name_len = list != NULL ? (size_t)(list - name) : strlen(name);
    if (list != NULL)
        format_list(expected, sizeof expected, list + strlen(EXPECTING));

    /* After a procedure's ')' a raises clause may come too, but a
     * forgotten ';' is the likely slip. */
    if (list != NULL && (strcmp(expected, "';'") == 0
                         || strcmp(expected, "'raises' or ';'") == 0)) {
        here = after(prev);
        diag_error(d, &here, "expected ';' at end of declaration");
    } else if (name_len == 11 && strncmp(name, "end of file", 11) == 0) {
        here = after(prev);
        if (list != NULL && strstr(expected, "'}'") != NULL)
            diag_error(d, &here, "expected '}' at end of input");
        else if (list != NULL)
            diag_error(d, &here, "expected %s at end of input", expected);
        else
            diag_error(d, &here, "unexpected end of input");
    } else if (list != NULL && is_keyword(name, name_len)
               && strstr(expected, "identifier") != NULL) {
        /* "void switch();": the likely slip is the name, not the syntax. */
        diag_error(d, at, "'%.*s' is a keyword and cannot be used as a name",
                   (int)name_len, name);
    } else {
        describe_token(d, at, name, name_len, token, sizeof token);
        if (list != NULL)
            diag_error(d, at, "expected %s before %s", expected, token);
        else
            diag_error(d, at, "unexpected %s", token);
    }
}
