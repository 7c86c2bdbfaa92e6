#include "config.h"

/*
 * depfile.c - the make syntax of depfile.h.  Quoting follows GCC's
 * mkdeps.c, which is what make users' tools already expect.
 */

#include "depfile.h"

#include <string.h>

#define DEPFILE_WIDTH 75

void depfile_quote(struct emit *e, const char *name)
{
    size_t backslashes = 0;

    for (const char *p = name; *p != '\0'; p++) {
        switch (*p) {
        case ' ':
        case '\t':
            /* make reads "\\ " as a backslash and a separator. */
            for (size_t i = 0; i < backslashes; i++)
                emit_printf(e, "\\");
            emit_printf(e, "\\%c", *p);
            break;
        case '$':
            emit_printf(e, "$$");
            break;
        case '#':
            emit_printf(e, "\\#");
            break;
        default:
            emit_printf(e, "%c", *p);
            break;
        }
        backslashes = *p == '\\' ? backslashes + 1 : 0;
    }
}

/* Appends WORD (quoted if QUOTE) after a blank, or on a continuation
 * line when it would pass DEPFILE_WIDTH; *col is the current column. */
static void word(struct emit *e, const char *w, bool quote, size_t *col)
{
    struct emit q;
    const char *text = w;

    emit_init(&q);
    if (quote) {
        depfile_quote(&q, w);
        text = emit_text(&q);
        e->oom |= q.oom;
    }
    size_t len = strlen(text);
    if (*col > 0 && *col + 1 + len > DEPFILE_WIDTH) {
        emit_printf(e, " \\\n %s", text);
        *col = 1 + len;
    } else {
        emit_printf(e, "%s%s", *col > 0 ? " " : "", text);
        *col += (*col > 0 ? 1 : 0) + len;
    }
    emit_free(&q);
}

void depfile_rule(struct emit *e, const char *const *targets,
                  size_t ntargets, bool quote_targets,
                  const char *const *deps, size_t ndeps, bool phony)
{
    size_t col = 0;

    for (size_t i = 0; i < ntargets; i++)
        word(e, targets[i], quote_targets, &col);
    emit_printf(e, ":");
    col++;
    for (size_t i = 0; i < ndeps; i++)
        word(e, deps[i], true, &col);
    emit_printf(e, "\n");
    for (size_t i = 1; phony && i < ndeps; i++) {
        emit_printf(e, "\n");
        depfile_quote(e, deps[i]);
        emit_printf(e, ":\n");
    }
}
