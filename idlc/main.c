#include "config.h"

/*
 * main.c - the idlc command: options, reading the .idl file, and the
 * pipeline parse -> check -> generate -> write.
 *
 * Exit status: 0 success, 1 errors in the input (or it cannot be read or
 * the outputs cannot be written), 2 bad usage.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "emit.h"
#include "gen.h"
#include "names.h"
#include "output.h"
#include "parse.h"
#include "sema.h"

#define EXIT_INPUT 1
#define EXIT_USAGE 2

/* .idl files are small; anything bigger is a mistake, and the lexer
 * counts in int. */
#define MAX_INPUT (16u * 1024 * 1024)

struct options {
    const char *input;
    const char *outdir;
};

static void usage(FILE *out)
{
    fputs("Usage: idlc [OPTION]... FILE.idl\n"
          "Compile the interfaces of FILE.idl into C client and server\n"
          "stubs for libsockrpc: FILE.h, FILE_client.c and FILE_server.c.\n"
          "\n"
          "  -o DIR      write the generated files into DIR (default: .);\n"
          "              DIR is created if missing\n"
          "  --help      print this help and exit\n"
          "  --version   print the version and exit\n"
          "\n"
          "Exit status: 0 success, 1 errors in the input, 2 bad usage.\n",
          out);
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "idlc: %s%s%s%s; try 'idlc --help'\n", what,
            arg != NULL ? " '" : "", arg != NULL ? arg : "",
            arg != NULL ? "'" : "");
    return EXIT_USAGE;
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
    bool options_done = false;

    o->input = NULL;
    o->outdir = ".";
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            if (o->input != NULL)
                return bad_usage("more than one input file", a);
            o->input = a;
        } else if (strcmp(a, "--") == 0) {
            options_done = true;
        } else if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_SUCCESS;
        } else if (strcmp(a, "--version") == 0) {
            printf("idlc (sockrpc) %s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        } else if (strcmp(a, "-o") == 0) {
            if (i + 1 == argc || argv[i + 1][0] == '\0')
                return bad_usage("option '-o' needs a directory", NULL);
            o->outdir = argv[++i];
        } else if (strncmp(a, "-o", 2) == 0) {
            o->outdir = a + 2;   /* "-oDIR" */
        } else {
            return bad_usage("unknown option", a);
        }
    }
    if (o->input == NULL)
        return bad_usage("no input file", NULL);
    return -1;
}

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

/* Generates the three files and writes them. */
static bool generate(const struct gen *g, const char *outdir)
{
    struct emit header, client, server;
    char *names[3];
    bool ok;

    emit_init(&header);
    emit_init(&client);
    emit_init(&server);
    gen_header(g, &header);
    gen_client(g, &client);
    gen_server(g, &server);
    names[0] = str_printf("%s.h", g->base);
    names[1] = str_printf("%s_client.c", g->base);
    names[2] = str_printf("%s_server.c", g->base);
    ok = !emit_failed(&header) && !emit_failed(&client)
         && !emit_failed(&server) && names[0] != NULL && names[1] != NULL
         && names[2] != NULL;
    if (!ok) {
        fprintf(stderr, "idlc: out of memory\n");
    } else {
        struct output_file files[3] = {
            { names[0], emit_text(&header), header.len },
            { names[1], emit_text(&client), client.len },
            { names[2], emit_text(&server), server.len },
        };
        ok = output_write(outdir, files, 3);
    }
    for (int i = 0; i < 3; i++)
        free(names[i]);
    emit_free(&header);
    emit_free(&client);
    emit_free(&server);
    return ok;
}

/* Parses and checks TEXT, then generates; the exit status. */
static int compile(const struct options *o, const char *text, size_t len)
{
    const char *slash = strrchr(o->input, '/');
    const char *idl_name = slash != NULL ? slash + 1 : o->input;
    size_t stem = strlen(idl_name) - strlen(".idl");
    struct diag d;
    struct idl_file *file;
    bool ok;

    diag_init(&d, o->input, text, len, stderr);
    d.sorted = true;
    file = idl_parse(text, len, &d);
    ok = file != NULL && sema_check(file, &d) && d.nerrors == 0;
    diag_flush(&d);
    if (ok) {
        char *base = str_printf("%.*s", (int)stem, idl_name);
        struct gen g = { file, idl_name, base };
        ok = base != NULL && generate(&g, o->outdir);
        if (base == NULL)
            fprintf(stderr, "idlc: out of memory\n");
        free(base);
    }
    ast_file_free(file);
    return ok ? EXIT_SUCCESS : EXIT_INPUT;
}

int main(int argc, char **argv)
{
    struct options o;
    int status = parse_args(argc, argv, &o);
    const char *dot;
    char *text;
    size_t len;

    if (status >= 0)
        return status;
    /* The stem names the outputs: "x.idl" -> x.h; anything else could make
     * idlc overwrite its own input. */
    dot = strrchr(o.input, '.');
    if (dot == NULL || strcmp(dot, ".idl") != 0 || dot == o.input
        || dot[-1] == '/')
        return bad_usage("the input file's name must end in '.idl'", o.input);
    if (!read_input(o.input, &text, &len))
        return EXIT_INPUT;
    status = compile(&o, text, len);
    free(text);
    return status;
}
