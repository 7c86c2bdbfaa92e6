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
#include "emit.h"
#include "gen.h"
#include "names.h"
#include "options.h"
#include "output.h"
#include "parse.h"
#include "sema.h"
#include "skeleton.h"

#define EXIT_INPUT 1
#define EXIT_USAGE OPTIONS_EXIT_USAGE

/* .idl files are small; anything bigger is a mistake, and the lexer
 * counts in int. */
#define MAX_INPUT (16u * 1024 * 1024)

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

/* Reads all of PATH into *text (malloc'd, with a NUL after it). */
static bool read_input(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL) {
        fprintf(stderr, "idlc: cannot open '%s': %s\n", path,
                strerror(errno));
        return false;
    }
    buf = malloc(MAX_INPUT + 1);
    if (buf == NULL) {
        fprintf(stderr, "idlc: out of memory\n");
        fclose(f);
        return false;
    }
    n = fread(buf, 1, MAX_INPUT + 1, f);
    if (ferror(f) || n > MAX_INPUT) {
        if (ferror(f))
            fprintf(stderr, "idlc: cannot read '%s': %s\n", path,
                    strerror(errno));
        else
            fprintf(stderr, "idlc: '%s' is larger than %u bytes\n", path,
                    MAX_INPUT);
        fclose(f);
        free(buf);
        return false;
    }
    fclose(f);
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return true;
}

/* PATH as make and messages see a file NAME in DIR: "calc.h" in ".",
 * else "DIR/calc.h"; malloc'd. */
static char *dir_join(const char *dir, const char *name)
{
    size_t len = strlen(dir);

    if (strcmp(dir, ".") == 0)
        return str_printf("%s", name);
    if (len > 0 && dir[len - 1] == '/')
        return str_printf("%s%s", dir, name);
    return str_printf("%s/%s", dir, name);
}

/* Splits PATH into a malloc'd directory ("." when it has none) and file
 * name.  The name is empty when PATH ends in '/'. */
static bool split_path(const char *path, char **dir, char **name)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        *dir = str_printf(".");
    else if (slash == path)
        *dir = str_printf("/");
    else
        *dir = str_printf("%.*s", (int)(slash - path), path);
    *name = str_printf("%s", slash != NULL ? slash + 1 : path);
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

/* The dependency rule of the N generated files in OUT (the first N). */
static void add_depfile(const struct options *o, const struct gen *g,
                        struct outputs *out)
{
    size_t ngenerated = out->n;
    const char *targets[MAX_OUTPUTS];
    char *paths[MAX_OUTPUTS] = { NULL };
    const char *deps[] = { o->input };
    char *dir = NULL, *name = NULL;
    struct outfile *f;

    for (size_t i = 0; i < ngenerated; i++) {
        paths[i] = dir_join(o->outdir, out->files[i].name);
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
        depfile_rule(&f->text, o->targets, o->ntargets, false, deps, 1,
                     o->phony);
    else
        depfile_rule(&f->text, targets, ngenerated, true, deps, 1,
                     o->phony);
    for (size_t i = 0; i < ngenerated; i++)
        free(paths[i]);
    free(dir);
}

/* Generates the chosen files and writes them. */
static bool generate(const struct options *o, const struct gen *g)
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
        add_depfile(o, g, &out);
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

/* Parses and checks TEXT, then generates; the exit status. */
static int compile(const struct options *o, const char *base,
                   const char *text, size_t len)
{
    const char *slash = strrchr(o->input, '/');
    const char *idl_name = slash != NULL ? slash + 1 : o->input;
    struct diag d;
    struct idl_file *file;
    bool ok;

    diag_init(&d, o->input, text, len, stderr);
    d.config = o->diag;
    d.sorted = true;
    file = idl_parse(text, len, &d);
    ok = file != NULL && sema_check(file, &d) && d.nerrors == 0;
    if (ok) {
        lint_check(file, &d);   /* -Werror makes warnings errors */
        ok = d.nerrors == 0;
    }
    diag_flush(&d);
    if (ok) {
        struct gen g = { file, idl_name, base };
        ok = generate(o, &g);
    }
    ast_file_free(file);
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
        char *path = gen != NULL ? dir_join(o->outdir, gen) : NULL;
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
            char *path = gen != NULL ? dir_join(o->outdir, gen) : NULL;
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
    const char *slash = strrchr(o->input, '/');
    const char *idl_name = slash != NULL ? slash + 1 : o->input;
    const char *dot = strrchr(o->input, '.');
    char *base;
    char *text;
    size_t len;
    int status;

    /* The stem names the outputs: "x.idl" -> x.h; anything else could make
     * idlc overwrite its own input. */
    if (dot == NULL || strcmp(dot, ".idl") != 0 || dot == o->input
        || dot[-1] == '/')
        return options_bad_usage("the input file's name must end in '.idl'",
                                 o->input);
    base = str_printf("%.*s", (int)(dot - idl_name), idl_name);
    if (base == NULL) {
        fprintf(stderr, "idlc: out of memory\n");
        return EXIT_INPUT;
    }
    status = check_paths(o, base);
    if (status < 0 && !read_input(o->input, &text, &len))
        status = EXIT_INPUT;
    if (status < 0) {
        status = compile(o, base, text, len);
        free(text);
    }
    free(base);
    return status;
}

/* One side of --check-compat: a file read, parsed and checked. */
struct loaded {
    char *text;
    struct diag d;
    struct idl_file *file;
};

/* Loads PATH into *L; false after reporting why it is unusable. */
static bool load(const struct options *o, const char *path,
                 struct loaded *l)
{
    size_t len;
    bool ok;

    l->text = NULL;
    l->file = NULL;
    if (!read_input(path, &l->text, &len))
        return false;
    diag_init(&l->d, path, l->text, len, stderr);
    l->d.config = o->diag;
    l->d.sorted = true;
    l->file = idl_parse(l->text, len, &l->d);
    ok = l->file != NULL && sema_check(l->file, &l->d) && l->d.nerrors == 0;
    diag_flush(&l->d);
    /* From here on the two files' messages interleave. */
    l->d.sorted = false;
    return ok;
}

/* idlc --check-compat OLD.idl NEW.idl: the exit status. */
static int run_compat(const struct options *o)
{
    struct loaded old, new;
    bool ok = load(o, o->input, &old);

    ok &= load(o, o->compat_new, &new);
    if (ok)
        ok = compat_check(old.file, &old.d, new.file, &new.d);
    ast_file_free(old.file);
    ast_file_free(new.file);
    free(old.text);
    free(new.text);
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
