/*
 * emit.h - a growing text buffer for the generators.
 *
 * emit_printf() appends formatted text as is; emit_line() starts a line at
 * the current indentation (4 spaces a level) and ends it; emit_wrapped()
 * emits a declaration, breaking its argument list after commas and lining
 * continuation lines up under the '(' when it is wider than 79 columns, as
 * a person would.  Out of memory is remembered (emit_failed()) instead of
 * checked at every call.
 */
#ifndef IDLC_EMIT_H
#define IDLC_EMIT_H

#include <stdbool.h>
#include <stddef.h>

#include "names.h"   /* NAMES_PRINTF */

#define EMIT_WIDTH 79

struct emit {
    char *buf;    /* NUL-terminated text so far (NULL while empty) */
    size_t len;
    size_t cap;
    int indent;   /* levels of 4 spaces for emit_line() */
    bool oom;
};

void emit_init(struct emit *e);
void emit_free(struct emit *e);
bool emit_failed(const struct emit *e);

/* The text so far ("" while empty). */
const char *emit_text(const struct emit *e);

void emit_printf(struct emit *e, const char *fmt, ...) NAMES_PRINTF(2, 3);
void emit_line(struct emit *e, const char *fmt, ...) NAMES_PRINTF(2, 3);
void emit_blank(struct emit *e);
void emit_wrapped(struct emit *e, const char *line);

#endif /* IDLC_EMIT_H */
