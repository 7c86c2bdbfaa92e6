#include "config.h"

#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A message held back in sorted mode: an error with its notes. */
struct diag_entry {
    int line;
    int col;
    size_t seq;     /* order of detection, to keep the sort stable */
    char *text;
    size_t len;
};

/* One row per enum diag_warning, in its order. */
static const struct {
    const char *name;
    const char *about;
    bool on;   /* by default */
} warnings[DIAG_NWARNINGS] = {
    [DIAG_W_CXX_COMPAT] = { "c++-compat",
        "a name that is a C++ keyword (the header is for C++ too)",
        true },
    [DIAG_W_CASE_CLASH] = { "case-clash",
        "names in one scope that differ only in case", false },
    [DIAG_W_COMPAT_REMOVAL] = { "compat-removal",
        "--check-compat: an optional field or open enum value removed",
        true },
};

void diag_config_default(struct diag_config *c)
{
    c->enabled = 0;
    for (int w = 0; w < DIAG_NWARNINGS; w++)
        if (warnings[w].on)
            c->enabled |= 1u << w;
    c->errors = 0;
    c->not_errors = 0;
    c->all_errors = false;
    c->max_errors = DIAG_MAX_ERRORS;
}

int diag_warning_find(const char *name)
{
    for (int w = 0; w < DIAG_NWARNINGS; w++)
        if (strcmp(warnings[w].name, name) == 0)
            return w;
    return -1;
}

const char *diag_warning_name(enum diag_warning w)
{
    return warnings[w].name;
}

const char *diag_warning_about(enum diag_warning w)
{
    return warnings[w].about;
}

bool diag_warning_on(const struct diag *d, enum diag_warning w)
{
    return (d->config.enabled & (1u << w)) != 0;
}

void diag_init(struct diag *d, const char *filename, const char *src,
               size_t len, FILE *out)
{
    d->filename = filename;
    d->src = src;
    d->len = len;
    d->out = out;
    d->nerrors = 0;
    d->stopped = false;
    d->sorted = false;
    d->limit_hit = false;
    d->nwarnings = 0;
    d->drop_notes = false;
    diag_config_default(&d->config);
    d->entries = NULL;
    d->nentries = 0;
}

bool diag_line(const struct diag *d, int line, const char **start,
               size_t *len)
{
    const char *p = d->src;
    const char *end = d->src + d->len;

    for (int n = 1; n < line; n++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (nl == NULL)
            return false;
        p = nl + 1;
    }
    if (p == end && line > 1)
        return false;   /* the empty "line" after a final newline */
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    *start = p;
    *len = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
    return true;
}

/* Quotes the source line of LOC and marks the span with ^~~~.  Padding
 * copies tabs from the source line so that the caret lines up under the
 * token whatever the reader's tab width. */
static void print_caret(const struct diag *d, const struct idl_loc *loc)
{
    const char *text;
    size_t len;

    if (!diag_line(d, loc->first_line, &text, &len))
        return;
    /* GCC's margin: the line number right-aligned in at least 5
     * columns, the caret line's bar under the source line's. */
    int width = fprintf(d->out, "%5d | ", loc->first_line) - 3;
    /* A control byte (a NUL, an escape) would reach the reader's terminal
     * or cut a message short: each shows as '?', one column like it. */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];

        fputc(c == '\t' || (c >= 0x20 && c != 0x7f) ? c : '?', d->out);
    }
    fprintf(d->out, "\n%*s | ", width, "");

    size_t first = loc->first_column > 0 ? (size_t)loc->first_column - 1 : 0;
    size_t last = loc->last_line == loc->first_line && loc->last_column > 0
                      ? (size_t)loc->last_column - 1 : len;
    if (first > len)
        first = len;
    if (last > len)
        last = len;
    for (size_t i = 0; i < first; i++)
        fputc(text[i] == '\t' ? '\t' : ' ', d->out);
    fputc('^', d->out);
    for (size_t i = first + 1; i < last; i++)
        fputc('~', d->out);
    fputc('\n', d->out);
}

/* Keeps the message TEXT (taking it) for diag_flush(): a note joins the
 * error before it.  Returns false when memory ran out. */
static bool keep(struct diag *d, int line, int col, bool note, char *text,
                 size_t len)
{
    struct diag_entry *e;

    if (note && d->nentries > 0) {
        e = &d->entries[d->nentries - 1];
        char *joined = realloc(e->text, e->len + len);
        if (joined == NULL)
            return false;
        memcpy(joined + e->len, text, len);
        e->text = joined;
        e->len += len;
        free(text);
        return true;
    }
    e = realloc(d->entries, (d->nentries + 1) * sizeof *e);
    if (e == NULL)
        return false;
    d->entries = e;
    e = &d->entries[d->nentries];
    e->line = line;
    e->col = col;
    e->seq = d->nentries++;
    e->text = text;
    e->len = len;
    return true;
}

/* Prints one message to d->out; in sorted mode, into a buffer that keep()
 * stores (or, when memory runs short, straight out after all). */
static void report(struct diag *d, const struct idl_loc *loc,
                   const char *kind, const char *suffix, const char *fmt,
                   va_list ap) DIAG_PRINTF(5, 0);
static void report(struct diag *d, const struct idl_loc *loc,
                   const char *kind, const char *suffix, const char *fmt,
                   va_list ap)
{
    FILE *out = d->out;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = d->sorted ? open_memstream(&text, &len) : NULL;

    if (mem != NULL)
        d->out = mem;
    if (loc != NULL)
        fprintf(d->out, "%s:%d:%d: %s: ", d->filename, loc->first_line,
                loc->first_column, kind);
    else
        fprintf(d->out, "%s: %s: ", d->filename, kind);
    vfprintf(d->out, fmt, ap);
    if (suffix != NULL)
        fprintf(d->out, " %s", suffix);
    fputc('\n', d->out);
    if (loc != NULL)
        print_caret(d, loc);
    if (mem == NULL)
        return;
    d->out = out;
    if (fclose(mem) != 0
        || !keep(d, loc != NULL ? loc->first_line : 0,
                 loc != NULL ? loc->first_column : 0,
                 strcmp(kind, "note") == 0, text, len)) {
        if (text != NULL)
            fwrite(text, 1, len, out);
        free(text);
    }
}

static int by_position(const void *a, const void *b)
{
    const struct diag_entry *x = a;
    const struct diag_entry *y = b;

    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void print_limit(const struct diag *d)
{
    fprintf(d->out, "%s: too many errors (%d), stopping\n", d->filename,
            d->config.max_errors);
}

void diag_flush(struct diag *d)
{
    if (d->nentries > 0)
        qsort(d->entries, d->nentries, sizeof *d->entries, by_position);
    for (size_t i = 0; i < d->nentries; i++) {
        fwrite(d->entries[i].text, 1, d->entries[i].len, d->out);
        free(d->entries[i].text);
    }
    free(d->entries);
    d->entries = NULL;
    d->nentries = 0;
    if (d->limit_hit && d->sorted)
        print_limit(d);
    d->limit_hit = false;
}

/* Counts an error; returns false when it must not be printed. */
static bool count_error(struct diag *d)
{
    if (d->stopped)
        return false;
    if (d->config.max_errors > 0 && d->nerrors >= d->config.max_errors) {
        if (!d->sorted)
            print_limit(d);
        d->limit_hit = true;
        d->stopped = true;
        return false;
    }
    d->nerrors++;
    return true;
}

void diag_error(struct diag *d, const struct idl_loc *loc, const char *fmt,
                ...)
{
    va_list ap;

    if (!count_error(d))
        return;
    d->drop_notes = false;
    va_start(ap, fmt);
    report(d, loc, "error", NULL, fmt, ap);
    va_end(ap);
}

void diag_warning(struct diag *d, enum diag_warning w,
                  const struct idl_loc *loc, const char *fmt, ...)
{
    unsigned bit = 1u << w;
    bool error = (d->config.errors & bit) != 0
                 || (d->config.all_errors
                     && (d->config.not_errors & bit) == 0);
    char suffix[64];
    va_list ap;

    d->drop_notes = true;
    if (!diag_warning_on(d, w))
        return;
    if (error ? !count_error(d) : d->stopped)
        return;
    d->drop_notes = false;
    if (!error)
        d->nwarnings++;
    snprintf(suffix, sizeof suffix, "[-W%s%s]", error ? "error=" : "",
             warnings[w].name);
    va_start(ap, fmt);
    report(d, loc, error ? "error" : "warning", suffix, fmt, ap);
    va_end(ap);
}

void diag_note(struct diag *d, const struct idl_loc *loc, const char *fmt,
               ...)
{
    va_list ap;

    if (d->stopped || d->drop_notes)
        return;
    va_start(ap, fmt);
    report(d, loc, "note", NULL, fmt, ap);
    va_end(ap);
}

void diag_file_error(struct diag *d, const char *fmt, ...)
{
    va_list ap;

    if (!count_error(d))
        return;
    va_start(ap, fmt);
    report(d, NULL, "error", NULL, fmt, ap);
    va_end(ap);
}

void diag_oom(struct diag *d)
{
    if (!d->stopped)
        fprintf(d->out, "%s: error: out of memory\n", d->filename);
    d->nerrors++;
    d->stopped = true;
}
