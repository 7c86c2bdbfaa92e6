#include "config.h"

/*
 * options.c - options_parse(): one table-free loop over argv, as the
 * options are few and several take their argument either joined
 * ("-oDIR", "-MFx.d") or as the next word, as GCC's do.
 */

#include "options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *out)
{
    fputs("Usage: idlc [OPTION]... FILE.idl\n"
          "  or:  idlc --check-compat [OPTION]... OLD.idl NEW.idl\n"
          "Compile the interfaces of FILE.idl into C client and server\n"
          "stubs for libsockrpc: FILE.h, FILE_client.c and FILE_server.c.\n"
          "\n"
          "Compatibility:\n"
          "  --check-compat   write nothing; report every change from\n"
          "                   OLD.idl to NEW.idl that breaks peers built\n"
          "                   from the other (exit 1 if there is one)\n"
          "\n"
          "Output:\n"
          "  -o DIR           write the generated files into DIR (default:\n"
          "                   .); DIR is created if missing\n"
          "  --header         write FILE.h\n"
          "  --client         write FILE_client.c\n"
          "  --server         write FILE_server.c\n"
          "                   (any of the three; without them, all three)\n"
          "  --skeleton IMPL.c\n"
          "                   also write IMPL.c, a server to fill in: a\n"
          "                   handler per procedure and a main(); never\n"
          "                   overwrites a file\n"
          "\n"
          "Input:\n"
          "  -I DIR           look for imported files in DIR after the\n"
          "                   importing file's own directory (repeatable;\n"
          "                   searched in order)\n"
          "\n"
          "Dependencies for make:\n"
          "  -MD              also write DIR/FILE.d, a rule naming what the\n"
          "                   outputs depend on\n"
          "  -MF DEPFILE      write that rule to DEPFILE (implies -MD)\n"
          "  -MT TARGET       the rule's target (repeatable; default: the\n"
          "                   generated files)\n"
          "  -MP              add a phony rule for each dependency but\n"
          "                   FILE.idl\n"
          "\n"
          "Diagnostics:\n"
          "  -WNAME           enable warning NAME; -Wno-NAME disables it\n"
          "  -Wall            enable every warning\n"
          "  -w               disable every warning\n"
          "  -Werror          make every warning an error\n"
          "  -Werror=NAME     make warning NAME an error (and enable it);\n"
          "                   -Wno-error=NAME keeps it a warning\n"
          "  -fmax-errors=N   stop after N errors (default 20; 0: no limit)\n"
          "Warnings (* on by default):\n",
          out);
    for (int w = 0; w < DIAG_NWARNINGS; w++) {
        struct diag_config c;
        diag_config_default(&c);
        fprintf(out, "  %c %-14s %s\n", (c.enabled & (1u << w)) ? '*' : ' ',
                diag_warning_name((enum diag_warning)w),
                diag_warning_about((enum diag_warning)w));
    }
    fputs("\n"
          "  --help           print this help and exit\n"
          "  --version        print the version and exit\n"
          "\n"
          "Exit status: 0 success, 1 errors in the input, 2 bad usage.\n"
          "With --check-compat: 0 compatible, 1 incompatible or errors in\n"
          "the input, 2 bad usage.\n",
          out);
}

int options_bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "idlc: %s%s%s%s; try 'idlc --help'\n", what,
            arg != NULL ? " '" : "", arg != NULL ? arg : "",
            arg != NULL ? "'" : "");
    return OPTIONS_EXIT_USAGE;
}

/* An option OPT whose value is joined ("-oDIR") or the next word.  Sets
 * *value, or returns false when there is none (or it is empty). */
static bool take_value(int argc, char **argv, int *i, const char *opt,
                       const char **value)
{
    const char *a = argv[*i];
    size_t n = strlen(opt);

    if (a[n] == '=' && opt[1] == '-')
        *value = a + n + 1;             /* "--skeleton=x.c" */
    else if (a[n] != '\0')
        *value = a + n;                 /* "-MFx.d" */
    else if (*i + 1 < argc)
        *value = argv[++*i];
    else
        *value = NULL;
    return *value != NULL && (*value)[0] != '\0';
}

/* True when A is OPT, alone or with a value joined to it. */
static bool is_opt(const char *a, const char *opt)
{
    size_t n = strlen(opt);

    return strncmp(a, opt, n) == 0
           && (a[n] == '\0' || opt[1] != '-' || a[n] == '=');
}

/* -W...: a warning switch.  Returns false for an unknown one. */
static bool warning_option(const char *a, struct diag_config *c)
{
    const char *name = a + 2;
    bool on = true;
    bool error = false;
    int w;

    if (strcmp(a, "-Wall") == 0) {
        c->enabled = (1u << DIAG_NWARNINGS) - 1;
        return true;
    }
    if (strcmp(a, "-Werror") == 0 || strcmp(a, "-Wno-error") == 0) {
        c->all_errors = a[2] == 'e';
        return true;
    }
    if (strncmp(name, "no-", 3) == 0) {
        on = false;
        name += 3;
    }
    if (strncmp(name, "error=", 6) == 0) {
        error = true;
        name += 6;
    }
    w = diag_warning_find(name);
    if (w < 0)
        return false;
    if (error) {
        /* -Werror=NAME also enables NAME; -Wno-error=NAME only demotes. */
        if (on) {
            c->errors |= 1u << w;
            c->not_errors &= ~(1u << w);
            c->enabled |= 1u << w;
        } else {
            c->errors &= ~(1u << w);
            c->not_errors |= 1u << w;
        }
    } else if (on) {
        c->enabled |= 1u << w;
    } else {
        c->enabled &= ~(1u << w);
    }
    return true;
}

/* -fmax-errors=N */
static bool max_errors_option(const char *value, int *n)
{
    char *end;
    long v;

    if (value[0] < '0' || value[0] > '9')
        return false;
    v = strtol(value, &end, 10);
    if (*end != '\0' || v > 1000000)
        return false;
    *n = (int)v;
    return true;
}

/* The end of parse() with --check-compat: two files, and no option
 * about outputs (WRITES is the first one given, or NULL). */
static int compat_usage(const struct options *o, const char *writes)
{
    if (o->compat_new == NULL)
        return options_bad_usage("option '--check-compat' needs two "
                                 "files, OLD.idl and NEW.idl", NULL);
    if (writes != NULL) {
        fprintf(stderr, "idlc: option '%s' does not go with "
                "'--check-compat', which writes nothing; try 'idlc "
                "--help'\n", writes);
        return OPTIONS_EXIT_USAGE;
    }
    return -1;
}

static int parse(int argc, char **argv, struct options *o)
{
    bool options_done = false;
    const char *mt = NULL;   /* the first -MT or -MP, for the message */
    const char *writes = NULL;  /* the first option about outputs */
    bool compat = false;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v;

        if (options_done || a[0] != '-' || a[1] == '\0') {
            /* A second file is NEW.idl if --check-compat comes. */
            if (o->compat_new != NULL && compat)
                return options_bad_usage("more than two input files", a);
            if (o->compat_new != NULL)
                return options_bad_usage("more than one input file",
                                         o->compat_new);
            if (o->input != NULL)
                o->compat_new = a;
            else
                o->input = a;
        } else if (strcmp(a, "--check-compat") == 0) {
            compat = true;
        } else if (strcmp(a, "--") == 0) {
            options_done = true;
        } else if (strcmp(a, "--help") == 0) {
            usage(stdout);
            return EXIT_SUCCESS;
        } else if (strcmp(a, "--version") == 0) {
            printf("idlc (sockrpc) %s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        } else if (strcmp(a, "--header") == 0) {
            o->outputs |= OUT_HEADER;
            writes = writes != NULL ? writes : "--header";
        } else if (strcmp(a, "--client") == 0) {
            o->outputs |= OUT_CLIENT;
            writes = writes != NULL ? writes : "--client";
        } else if (strcmp(a, "--server") == 0) {
            o->outputs |= OUT_SERVER;
            writes = writes != NULL ? writes : "--server";
        } else if (is_opt(a, "--skeleton")) {
            if (!take_value(argc, argv, &i, "--skeleton", &v))
                return options_bad_usage("option '--skeleton' needs a file "
                                         "name", NULL);
            o->skeleton = v;
            writes = writes != NULL ? writes : "--skeleton";
        } else if (is_opt(a, "-o")) {
            if (!take_value(argc, argv, &i, "-o", &v))
                return options_bad_usage("option '-o' needs a directory",
                                         NULL);
            o->outdir = v;
            writes = writes != NULL ? writes : "-o";
        } else if (is_opt(a, "-I")) {
            if (!take_value(argc, argv, &i, "-I", &v))
                return options_bad_usage("option '-I' needs a directory",
                                         NULL);
            o->include_dirs[o->ninclude_dirs++] = v;
        } else if (strcmp(a, "-MD") == 0) {
            o->depend = true;
            writes = writes != NULL ? writes : "-MD";
        } else if (strcmp(a, "-MP") == 0) {
            o->phony = true;
            mt = mt != NULL ? mt : "-MP";
        } else if (is_opt(a, "-MF")) {
            if (!take_value(argc, argv, &i, "-MF", &v))
                return options_bad_usage("option '-MF' needs a file name",
                                         NULL);
            o->depfile = v;
            o->depend = true;
            writes = writes != NULL ? writes : "-MF";
        } else if (is_opt(a, "-MT")) {
            if (!take_value(argc, argv, &i, "-MT", &v))
                return options_bad_usage("option '-MT' needs a target",
                                         NULL);
            o->targets[o->ntargets++] = v;
            mt = mt != NULL ? mt : "-MT";
        } else if (strncmp(a, "-fmax-errors=", 13) == 0) {
            if (!max_errors_option(a + 13, &o->diag.max_errors))
                return options_bad_usage("option '-fmax-errors=' needs a "
                                         "number", a);
        } else if (strcmp(a, "-w") == 0) {
            o->diag.enabled = 0;
        } else if (strncmp(a, "-W", 2) == 0) {
            if (!warning_option(a, &o->diag))
                return options_bad_usage("unknown warning option", a);
        } else {
            return options_bad_usage("unknown option", a);
        }
    }
    if (o->input == NULL && o->skeleton != NULL
        && strlen(o->skeleton) > 4
        && strcmp(o->skeleton + strlen(o->skeleton) - 4, ".idl") == 0)
        return options_bad_usage("no input file (option '--skeleton' takes "
                                 "a file name)", NULL);
    if (compat)
        return compat_usage(o, writes != NULL ? writes : mt);
    if (o->compat_new != NULL)
        return options_bad_usage("more than one input file", o->compat_new);
    if (o->input == NULL)
        return options_bad_usage("no input file", NULL);
    if (mt != NULL && !o->depend) {
        fprintf(stderr, "idlc: option '%s' needs -MD or -MF; try 'idlc "
                "--help'\n", mt);
        return OPTIONS_EXIT_USAGE;
    }
    if (o->outputs == 0)
        o->outputs = OUT_ALL;
    return -1;
}

int options_parse(int argc, char **argv, struct options *o)
{
    memset(o, 0, sizeof *o);
    o->outdir = ".";
    diag_config_default(&o->diag);
    /* Each -MT takes at least one word. */
    o->targets = malloc((size_t)(argc > 0 ? argc : 1) * sizeof *o->targets);
    o->include_dirs = malloc((size_t)(argc > 0 ? argc : 1)
                             * sizeof *o->include_dirs);
    if (o->targets == NULL || o->include_dirs == NULL) {
        fprintf(stderr, "idlc: out of memory\n");
        return 1;
    }
    return parse(argc, argv, o);
}

void options_free(struct options *o)
{
    free(o->targets);
    o->targets = NULL;
    free(o->include_dirs);
    o->include_dirs = NULL;
}
