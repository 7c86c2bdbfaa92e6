#include "config.h"

/*
 * load.c - the files of one compilation: the input and, depth first,
 * every file it imports (load.h).
 *
 * An import "x.idl" is looked for beside the file that imports it, then
 * in each -I directory in order; a file not found is an error that names
 * every place searched.  A file imported twice is read once; a file that
 * imports itself, directly or not, is an error at the import that closes
 * the cycle.  When an imported file has errors, the importer is parsed
 * (its syntax errors are worth reporting) but not checked: every use of
 * a type of the broken file would be another, misleading error.
 */

#include "load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "emit.h"
#include "names.h"
#include "parse.h"
#include "path.h"
#include "sema.h"

/* .idl files are small; anything bigger is a mistake, and the lexer
 * counts in int. */
#define MAX_INPUT (16u * 1024 * 1024)

void loader_init(struct loader *l, const char *const *dirs, size_t ndirs,
                 const struct diag_config *config, FILE *out)
{
    memset(l, 0, sizeof *l);
    l->dirs = dirs;
    l->ndirs = ndirs;
    l->config = *config;
    l->out = out;
}

static void unit_free(struct idl_unit *u)
{
    if (u == NULL)
        return;
    ast_file_free(u->file);
    free(u->path);
    free(u->stem);
    free(u->text);
    free(u);
}

void loader_free(struct loader *l)
{
    for (size_t i = 0; i < l->nunits; i++)
        unit_free(l->units[i]);
    free(l->units);
    l->units = NULL;
    l->nunits = 0;
}

/* Reads all of U->path into U->text; false after printing why not. */
static bool read_text(struct loader *l, struct idl_unit *u)
{
    FILE *f = fopen(u->path, "rb");
    char *shrunk;
    size_t n;
    bool bad;

    if (f == NULL) {
        fprintf(l->out, "idlc: cannot open '%s': %s\n", u->path,
                strerror(errno));
        return false;
    }
    u->text = malloc(MAX_INPUT + 1);
    if (u->text == NULL) {
        fprintf(l->out, "idlc: out of memory\n");
        fclose(f);
        return false;
    }
    n = fread(u->text, 1, MAX_INPUT + 1, f);
    bad = ferror(f) || n > MAX_INPUT;
    if (ferror(f))
        fprintf(l->out, "idlc: cannot read '%s': %s\n", u->path,
                strerror(errno));
    else if (n > MAX_INPUT)
        fprintf(l->out, "idlc: '%s' is larger than %u bytes\n", u->path,
                MAX_INPUT);
    fclose(f);
    if (bad)
        return false;
    shrunk = realloc(u->text, n + 1);   /* most files are a few KiB */
    if (shrunk != NULL)
        u->text = shrunk;
    u->text[n] = '\0';
    u->len = n;
    return true;
}

/*
 * Where IMP, imported by U, is: beside U, then in each -I directory.
 * NULL after reporting that it is nowhere (or that memory ran out).
 */
static char *find_import(struct loader *l, struct idl_unit *u,
                         const struct idl_import *imp)
{
    char *here = path_dir(u->path);
    struct emit tried;
    char *found = NULL;
    bool oom = here == NULL;

    emit_init(&tried);
    for (size_t i = 0; here != NULL && i <= l->ndirs && found == NULL; i++) {
        const char *dir = i == 0 ? here : l->dirs[i - 1];
        char *path = path_join(dir, imp->path);
        struct stat st;

        if (path == NULL) {
            oom = true;
            break;
        }
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            found = path;
            break;
        }
        free(path);
        if (imp->path[0] == '/')
            break;  /* an absolute name is looked for once */
        emit_printf(&tried, "%s'%s'", i > 0 ? ", " : "", dir);
    }
    if (found == NULL && (oom || tried.oom))
        diag_oom(&u->diag);
    else if (found == NULL && imp->path[0] == '/')
        diag_error(&u->diag, &imp->loc, "cannot find imported file '%s'",
                   imp->path);
    else if (found == NULL)
        diag_error(&u->diag, &imp->loc, "cannot find imported file '%s' "
                   "(searched %s)", imp->path, emit_text(&tried));
    emit_free(&tried);
    free(here);
    return found;
}

/* Adds SCOPE, which came through the import at LOC, to TOP's visible
 * scopes unless it is there. */
static bool add_visible(struct idl_iface *top, const struct idl_iface *scope,
                        const struct idl_loc *loc)
{
    const struct idl_iface **v;
    struct idl_loc *at;

    for (size_t i = 0; i < top->nvisible; i++) {
        if (top->visible[i] == scope)
            return true;
    }
    v = realloc(top->visible, (top->nvisible + 1) * sizeof *v);
    if (v != NULL)
        top->visible = v;
    at = realloc(top->visible_loc, (top->nvisible + 1) * sizeof *at);
    if (at != NULL)
        top->visible_loc = at;
    if (v == NULL || at == NULL)
        return false;
    v[top->nvisible] = scope;
    at[top->nvisible] = *loc;
    top->nvisible++;
    return true;
}

static struct idl_unit *load_path(struct loader *l, char *path,
                                  struct idl_unit *importer,
                                  const struct idl_import *imp);

/* The header generated from DEP, imported by U at IMP, is STEM.h: it may
 * not be U's own or that of another file imported before it (DEPS[0, N)),
 * or one #include would stand for two files.  False after reporting. */
static bool same_header(struct idl_unit *u, const struct idl_import *imp,
                        const struct idl_unit *dep,
                        const struct idl_unit **deps, size_t n)
{
    const char *other = strcmp(dep->stem, u->stem) == 0 ? u->path : NULL;

    for (size_t k = 0; other == NULL && k < n; k++) {
        if (deps[k] != NULL && deps[k] != dep
            && strcmp(deps[k]->stem, dep->stem) == 0)
            other = u->file->imports[k].path;
    }
    if (other == NULL)
        return true;
    diag_error(&u->diag, &imp->loc, "'%s' would generate %s.h, the header "
               "'%s' generates too: rename one of them", imp->path,
               dep->stem, other);
    return false;
}

/* Loads U's imports and makes their top levels visible in U's; false
 * when one of them is unusable (reported). */
static bool load_imports(struct loader *l, struct idl_unit *u)
{
    struct idl_file *file = u->file;
    const struct idl_unit **deps = calloc(file->nimports + 1, sizeof *deps);
    bool ok = deps != NULL;

    if (deps == NULL)
        diag_oom(&u->diag);
    for (size_t i = 0; deps != NULL && i < file->nimports; i++) {
        const struct idl_import *imp = &file->imports[i];
        char *path = find_import(l, u, imp);
        struct idl_unit *dep;
        const struct idl_iface *top;
        bool added = true;

        if (path == NULL) {
            ok = false;
            continue;
        }
        dep = load_path(l, path, u, imp);
        if (dep == NULL || !dep->ok) {
            ok = false;
            continue;
        }
        ok &= same_header(u, imp, dep, deps, i);
        deps[i] = dep;
        top = dep->file->scope;
        added &= add_visible(file->scope, top, &imp->loc);
        for (size_t k = 0; k < top->nvisible; k++)
            added &= add_visible(file->scope, top->visible[k], &imp->loc);
        if (!added) {
            diag_oom(&u->diag);
            ok = false;
        }
    }
    free(deps);
    return ok;
}

/* Parses U, loads its imports, checks it. */
static void compile_unit(struct loader *l, struct idl_unit *u)
{
    bool imports_ok;

    diag_init(&u->diag, u->path, u->text, u->len, l->out);
    u->diag.config = l->config;
    u->diag.sorted = true;
    u->file = idl_parse(u->text, u->len, &u->diag);
    if (u->file == NULL) {
        diag_flush(&u->diag);
        return;
    }
    u->file->stem = u->stem;
    u->file->idl_name = path_base(u->path);
    /* Held back and sorted by position with its other errors: an
     * imported file's messages come first. */
    u->loading = true;
    imports_ok = load_imports(l, u);
    u->loading = false;
    if (imports_ok)
        sema_check(u->file, &u->diag);
    diag_flush(&u->diag);
    u->ok = imports_ok && u->diag.nerrors == 0;
}

/* The unit of PATH (taken), loaded now or before; NULL when it cannot
 * be read (reported at IMP in IMPORTER, or on its own for the input). */
static struct idl_unit *load_path(struct loader *l, char *path,
                                  struct idl_unit *importer,
                                  const struct idl_import *imp)
{
    struct idl_unit *u, **units;
    struct stat st;
    bool known = stat(path, &st) == 0;

    if (known) {
        for (size_t i = 0; i < l->nunits; i++) {
            u = l->units[i];
            if (u->dev != (unsigned long long)st.st_dev
                || u->ino != (unsigned long long)st.st_ino)
                continue;
            if (u->loading && importer != NULL)
                diag_error(&importer->diag, &imp->loc, "'%s' is already "
                           "being imported: imports cannot form a cycle",
                           imp->path);
            free(path);
            return u->loading ? NULL : u;
        }
    }
    units = realloc(l->units, (l->nunits + 1) * sizeof *units);
    if (units != NULL)
        l->units = units;
    u = units != NULL ? calloc(1, sizeof *u) : NULL;
    if (u == NULL) {
        fprintf(l->out, "idlc: out of memory\n");
        free(path);
        return NULL;
    }
    l->units[l->nunits++] = u;
    u->path = path;
    u->stem = str_printf("%.*s", (int)path_stem_len(path_base(path)),
                         path_base(path));
    if (known) {
        u->dev = (unsigned long long)st.st_dev;
        u->ino = (unsigned long long)st.st_ino;
    }
    if (u->stem == NULL) {
        fprintf(l->out, "idlc: out of memory\n");
        return NULL;
    }
    if (!read_text(l, u))
        return NULL;
    compile_unit(l, u);
    return u;
}

struct idl_unit *loader_load(struct loader *l, const char *path)
{
    char *copy = str_printf("%s", path);

    if (copy == NULL) {
        fprintf(l->out, "idlc: out of memory\n");
        return NULL;
    }
    return load_path(l, copy, NULL, NULL);
}
