#include "config.h"

#include "emit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void emit_init(struct emit *e)
{
    memset(e, 0, sizeof *e);
}

void emit_free(struct emit *e)
{
    free(e->buf);
    emit_init(e);
}

bool emit_failed(const struct emit *e)
{
    return e->oom;
}

const char *emit_text(const struct emit *e)
{
    return e->buf != NULL ? e->buf : "";
}

/* Makes room for N more bytes and the NUL. */
static bool reserve(struct emit *e, size_t n)
{
    size_t cap;
    char *buf;

    if (e->oom)
        return false;
    if (e->len + n + 1 <= e->cap)
        return true;
    cap = e->cap != 0 ? e->cap : 1024;
    while (cap < e->len + n + 1)
        cap *= 2;
    buf = realloc(e->buf, cap);
    if (buf == NULL) {
        e->oom = true;
        return false;
    }
    e->buf = buf;
    e->cap = cap;
    return true;
}

static void append(struct emit *e, const char *s, size_t n)
{
    if (!reserve(e, n))
        return;
    memcpy(e->buf + e->len, s, n);
    e->len += n;
    e->buf[e->len] = '\0';
}

static void vappend(struct emit *e, const char *fmt, va_list ap)
    NAMES_PRINTF(2, 0);
/* Formats into the room left when the text fits, which it mostly does
 * (the buffer doubles): formatting is most of what idlc does, and a
 * second pass only for the text that did not fit keeps it once. */
static void vappend(struct emit *e, const char *fmt, va_list ap)
{
    size_t room = e->cap - e->len;
    va_list ap2;
    int n;

    if (e->oom)
        return;
    /* Most lines are text without a conversion ("{", "return rc;"):
     * copied, they skip printf's machinery. */
    if (strchr(fmt, '%') == NULL) {
        append(e, fmt, strlen(fmt));
        return;
    }
    va_copy(ap2, ap);
    n = vsnprintf(room > 0 ? e->buf + e->len : NULL, room, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        e->oom = true;
        return;
    }
    if ((size_t)n >= room) {
        if (!reserve(e, (size_t)n))
            return;
        vsnprintf(e->buf + e->len, (size_t)n + 1, fmt, ap);
    }
    e->len += (size_t)n;
}

static void spaces(struct emit *e, size_t n)
{
    if (!reserve(e, n))
        return;
    memset(e->buf + e->len, ' ', n);
    e->len += n;
    e->buf[e->len] = '\0';
}

void emit_printf(struct emit *e, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vappend(e, fmt, ap);
    va_end(ap);
}

void emit_line(struct emit *e, const char *fmt, ...)
{
    va_list ap;

    spaces(e, (size_t)e->indent * 4);
    va_start(ap, fmt);
    vappend(e, fmt, ap);
    va_end(ap);
    append(e, "\n", 1);
}

void emit_blank(struct emit *e)
{
    append(e, "\n", 1);
}

/*
 * LINE is one declaration such as "int calc_add(srpc_client *client,
 * int32_t a)".  Its argument list starts at the last '(' before the first
 * ", "; breaks go after the commas of that list.
 */
void emit_wrapped(struct emit *e, const char *line)
{
    size_t indent = (size_t)e->indent * 4;
    const char *comma = strstr(line, ", ");
    size_t align;
    size_t col;
    bool hang = false;

    if (comma == NULL || indent + strlen(line) <= EMIT_WIDTH) {
        emit_line(e, "%s", line);
        return;
    }
    align = 0;
    for (const char *p = line; p < comma; p++) {
        if (*p == '(')
            align = (size_t)(p - line) + 1;
    }
    spaces(e, indent);
    /* When a parameter would not fit even under the '(', break after the
     * '(' and indent the list by one level instead. */
    for (const char *seg = line + align; align > 0 && seg != NULL;) {
        const char *next = strstr(seg, ", ");
        size_t seglen = next != NULL ? (size_t)(next - seg) : strlen(seg);

        if (indent + align + seglen + 1 > EMIT_WIDTH) {
            append(e, line, align);
            append(e, "\n", 1);
            spaces(e, indent + 4);
            line += align;
            hang = true;
            break;
        }
        seg = next != NULL ? next + 2 : NULL;
    }
    if (hang)
        align = 4;
    append(e, line, (size_t)(comma - line));
    col = indent + (hang ? 4 : 0) + (size_t)(comma - line);
    while (comma != NULL) {
        const char *seg = comma + 2;
        const char *next = strstr(seg, ", ");
        size_t seglen = next != NULL ? (size_t)(next - seg) : strlen(seg);

        /* +1 for the ',' that follows every segment but the last. */
        if (col + 2 + seglen + (next != NULL) <= EMIT_WIDTH) {
            append(e, ", ", 2);
            col += 2;
        } else {
            append(e, ",\n", 2);
            spaces(e, indent + align);
            col = indent + align;
        }
        append(e, seg, seglen);
        col += seglen;
        comma = next;
    }
    append(e, "\n", 1);
}
