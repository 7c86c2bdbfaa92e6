#include "config.h"

/*
 * main.c - the idlc command: reading the .idl file and the pipeline
 * parse -> check -> generate -> write (options.c reads the command line).
 *
 * Exit status: 0 success, 1 errors in the input (or it cannot be read or
 * the outputs cannot be written), 2 bad usage.  --check-compat (compat.c)
 * exits 1 for a change that breaks peers too.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "depfile.h"
#include "diag.h"
#include "lint.h"
#include "load.h"
#include "emit.h"
#include "gen.h"
#include "names.h"
#include "options.h"
#include "output.h"
#include "path.h"
#include "parse.h"
#include "sema.h"
#include "skeleton.h"

#define EXIT_INPUT 1
#define EXIT_USAGE OPTIONS_EXIT_USAGE

/* The generated files, in the order they are written and named in a
 * dependency rule. */
static const struct {
    unsigned bit;     /* OUT_* */
    const char *suffix;  /* after the stem: "calc" -> "calc.h" */
    void (*gen)(const struct gen *g, struct emit *e);
} generators[] = {
    { OUT_HEADER, ".h", gen_header },
    { OUT_CLIENT, "_client.c", gen_client },
    { OUT_SERVER, "_server.c", gen_server },
};
#define NGENERATORS (sizeof generators / sizeof generators[0])

/* The generated files, a dependency file, a skeleton: at most this many
 * outputs. */
#define MAX_OUTPUTS (NGENERATORS + 2)

/* One file to write, and the memory behind its struct output_file. */
struct outfile {
    struct emit text;
    char *dir;
    char *name;
    enum output_mode mode;
};

/* Everything one run writes. */
struct outputs {
    struct outfile files[MAX_OUTPUTS];
    size_t n;
    bool oom;
};

/* Splits PATH into a malloc'd directory ("." when it has none) and file
 * name.  The name is empty when PATH ends in '/'. */
static bool split_path(const char *path, char **dir, char **name)
{
    *dir = path_dir(path);
    *name = str_printf("%s", path_base(path));
    return *dir != NULL && *name != NULL;
}

/* PATH without leading "./" (and repeated slashes after them), for
 * comparing two spellings of one file name. */
static const char *skip_dot(const char *path)
{
    while (path[0] == '.' && path[1] == '/') {
        path += 2;
        while (*path == '/')
            path++;
    }
    return path;
}

/* Adds a file to OUT; its text is left empty for the caller. */
static struct outfile *add_output(struct outputs *out, const char *dir,
                                  char *name, enum output_mode mode)
{
    struct outfile *f = &out->files[out->n++];

    emit_init(&f->text);
    f->dir = dir != NULL ? str_printf("%s", dir) : NULL;
    f->name = name;
    f->mode = mode;
    if ((dir != NULL && f->dir == NULL) || name == NULL)
        out->oom = true;
    return f;
}

static void free_outputs(struct outputs *out)
{
    for (size_t i = 0; i < out->n; i++) {
        emit_free(&out->files[i].text);
        free(out->files[i].dir);
        free(out->files[i].name);
    }
    out->n = 0;
}

/* The dependency rule of the N generated files in OUT (the first N):
 * they depend on the files read, DEPS. */
static void add_depfile(const struct options *o, const struct gen *g,
                        const char *const *deps, size_t ndeps,
                        struct outputs *out)
{
    size_t ngenerated = out->n;
    const char *targets[MAX_OUTPUTS];
    char *paths[MAX_OUTPUTS] = { NULL };
    char *dir = NULL, *name = NULL;
    struct outfile *f;

    for (size_t i = 0; i < ngenerated; i++) {
        /* A name is NULL when memory ran out for it (out->oom is set). */
        paths[i] = out->files[i].name != NULL
                       ? path_join(o->outdir, out->files[i].name) : NULL;
        targets[i] = paths[i] != NULL ? paths[i] : "";
        out->oom |= paths[i] == NULL;
    }
    if (o->depfile != NULL) {
        out->oom |= !split_path(o->depfile, &dir, &name);
    } else {
        dir = str_printf("%s", o->outdir);
        name = str_printf("%s.d", g->base);
    }
    f = add_output(out, dir, name, OUTPUT_REPLACE);
    if (o->ntargets > 0)
        depfile_rule(&f->text, o->targets, o->ntargets, false, deps, ndeps,
                     o->phony);
    else
        depfile_rule(&f->text, targets, ngenerated, true, deps, ndeps,
                     o->phony);
    for (size_t i = 0; i < ngenerated; i++)
        free(paths[i]);
    free(dir);
}

/* Generates the chosen files and writes them. */
static bool generate(const struct options *o, const struct gen *g,
                     const char *const *deps, size_t ndeps)
{
    struct outputs out = { .n = 0, .oom = false };
    struct output_file files[MAX_OUTPUTS];
    bool ok;

    for (size_t i = 0; i < NGENERATORS; i++) {
        if ((o->outputs & generators[i].bit) == 0)
            continue;
        struct outfile *f = add_output(
            &out, NULL, str_printf("%s%s", g->base, generators[i].suffix),
            OUTPUT_GENERATED);
        generators[i].gen(g, &f->text);
    }
    /* The skeleton is no target of the rule: make must never try to
     * remake a file that idlc will not replace. */
    if (o->depend)
        add_depfile(o, g, deps, ndeps, &out);
    if (o->skeleton != NULL) {
        char *dir = NULL, *name = NULL;
        out.oom |= !split_path(o->skeleton, &dir, &name);
        struct outfile *f = add_output(&out, dir, name, OUTPUT_CREATE);
        gen_skeleton(g, name != NULL ? name : "", &f->text);
        free(dir);
    }
    ok = !out.oom;
    for (size_t i = 0; i < out.n; i++) {
        const struct outfile *f = &out.files[i];
        ok &= !emit_failed(&f->text);
        files[i] = (struct output_file){
            .name = f->name, .text = emit_text(&f->text),
            .len = f->text.len, .mode = f->mode, .dir = f->dir,
        };
    }
    if (!ok)
        fprintf(stderr, "idlc: out of memory\n");
    else
        ok = output_write(o->outdir, files, out.n);
    free_outputs(&out);
    return ok;
}

/* Loads the input and the files it imports, checks them, generates;
 * the exit status. */
static int compile(const struct options *o, const char *base)
{
    struct loader l;
    struct idl_unit *u;
    const char **deps;
    bool ok;

    loader_init(&l, o->include_dirs, o->ninclude_dirs, &o->diag, stderr);
    u = loader_load(&l, o->input);
    ok = u != NULL && u->ok;
    if (ok) {
        lint_check(u->file, &u->diag);   /* -Werror makes warnings errors */
        diag_flush(&u->diag);
        ok = u->diag.nerrors == 0;
    }
    /* The input first, then what it imports. */
    deps = ok ? malloc(l.nunits * sizeof *deps) : NULL;
    if (ok && deps == NULL) {
        fprintf(stderr, "idlc: out of memory\n");
        ok = false;
    }
    if (ok) {
        struct gen g = { u->file, u->file->idl_name, base };

        for (size_t i = 0; i < l.nunits; i++)
            deps[i] = l.units[i]->path;
        ok = generate(o, &g, deps, l.nunits);
    }
    free(deps);
    loader_free(&l);
    return ok ? EXIT_SUCCESS : EXIT_INPUT;
}

/* Usage errors that need the input's name: files that would overwrite
 * one another or the input. */
static int check_paths(const struct options *o, const char *base)
{
    char *name = NULL, *dir = NULL;
    int status = -1;
    size_t len = o->skeleton != NULL ? strlen(o->skeleton) : 0;

    if (o->skeleton != NULL
        && (len < 3 || strcmp(o->skeleton + len - 2, ".c") != 0
            || o->skeleton[len - 3] == '/'))
        return options_bad_usage("the skeleton's name must end in '.c'",
                                 o->skeleton);
    if (o->skeleton != NULL && o->depfile != NULL
        && strcmp(skip_dot(o->skeleton), skip_dot(o->depfile)) == 0)
        return options_bad_usage("the dependency file and the skeleton "
                                 "have one name", o->skeleton);
    for (size_t i = 0; o->skeleton != NULL && i < NGENERATORS; i++) {
        char *gen = str_printf("%s%s", base, generators[i].suffix);
        char *path = gen != NULL ? path_join(o->outdir, gen) : NULL;
        bool same = path != NULL
                    && strcmp(skip_dot(path), skip_dot(o->skeleton)) == 0;
        free(gen);
        free(path);
        if (same)
            return options_bad_usage("the skeleton would replace a "
                                     "generated file", o->skeleton);
    }

    if (o->depfile != NULL) {
        if (!split_path(o->depfile, &dir, &name)) {
            fprintf(stderr, "idlc: out of memory\n");
            status = EXIT_INPUT;
        } else if (name[0] == '\0') {
            status = options_bad_usage("option '-MF' needs a file name, "
                                       "not a directory", o->depfile);
        } else if (strcmp(skip_dot(o->depfile), skip_dot(o->input)) == 0) {
            status = options_bad_usage("the dependency file would replace "
                                       "the input", o->depfile);
        }
        for (size_t i = 0; status < 0 && i < NGENERATORS; i++) {
            char *gen = str_printf("%s%s", base, generators[i].suffix);
            char *path = gen != NULL ? path_join(o->outdir, gen) : NULL;
            if (path == NULL) {
                fprintf(stderr, "idlc: out of memory\n");
                status = EXIT_INPUT;
            } else if (strcmp(skip_dot(path), skip_dot(o->depfile)) == 0) {
                status = options_bad_usage("the dependency file would "
                                           "replace a generated file", path);
            }
            free(path);
            free(gen);
        }
    }
    free(name);
    free(dir);
    return status;
}

static int run(const struct options *o)
{
    const char *idl_name = path_base(o->input);
    const char *dot = strrchr(o->input, '.');
    char *base;
    int status;

    /* The stem names the outputs: "x.idl" -> x.h; anything else could make
     * idlc overwrite its own input. */
    if (dot == NULL || strcmp(dot, ".idl") != 0 || dot == o->input
        || dot[-1] == '/')
        return options_bad_usage("the input file's name must end in '.idl'",
                                 o->input);
    base = str_printf("%.*s", (int)path_stem_len(idl_name), idl_name);
    if (base == NULL) {
        fprintf(stderr, "idlc: out of memory\n");
        return EXIT_INPUT;
    }
    status = check_paths(o, base);
    if (status < 0)
        status = compile(o, base);
    free(base);
    return status;
}

/* idlc --check-compat OLD.idl NEW.idl: the exit status.  Each side has
 * its loader: the two may import different versions of one file name. */
static int run_compat(const struct options *o)
{
    struct loader lold, lnew;
    struct idl_unit *old, *new;
    bool ok;

    loader_init(&lold, o->include_dirs, o->ninclude_dirs, &o->diag, stderr);
    loader_init(&lnew, o->include_dirs, o->ninclude_dirs, &o->diag, stderr);
    old = loader_load(&lold, o->input);
    new = loader_load(&lnew, o->compat_new);
    ok = old != NULL && old->ok && new != NULL && new->ok;
    if (ok) {
        /* From here on the two files' messages interleave. */
        old->diag.sorted = false;
        new->diag.sorted = false;
        ok = compat_check(old->file, &old->diag, new->file, &new->diag);
    }
    loader_free(&lold);
    loader_free(&lnew);
    return ok ? EXIT_SUCCESS : EXIT_INPUT;
}

int main(int argc, char **argv)
{
    struct options o;
    int status = options_parse(argc, argv, &o);

    if (status < 0)
        status = o.compat_new != NULL ? run_compat(&o) : run(&o);
    options_free(&o);
    return status;
}
