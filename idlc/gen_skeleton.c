#include "config.h"

/*
 * gen_skeleton.c - the file of skeleton.h.  The model is
 * examples/calc/calc_server.c, with every handler a stub.
 */

#include "skeleton.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lookup.h"
#include "names.h"

/* Emits "(void)NAME;" for every parameter after the first of the C
 * parameter list SIG, "(srpc_call *call, int32_t a, int32_t *result)":
 * each parameter's name is the identifier it ends with.  Reading the
 * names back from the list gen_signature() printed keeps this right
 * whatever parameters a type turns into. */
static void emit_unused(struct emit *e, const char *sig)
{
    const char *open = strchr(sig, '(');
    int depth = 0;
    int index = 0;
    const char *end;

    if (open == NULL)
        return;
    for (const char *p = open + 1; *p != '\0'; p++) {
        if (*p == '(' || *p == '[')
            depth++;
        else if ((*p == ')' || *p == ']') && depth > 0)
            depth--;
        else if (depth == 0 && (*p == ',' || *p == ')')) {
            end = p;
            const char *start = end;
            while (start > open && (isalnum((unsigned char)start[-1])
                                    || start[-1] == '_'))
                start--;
            if (index++ > 0 && start < end)
                emit_line(e, "(void)%.*s;", (int)(end - start), start);
            if (*p == ')')
                return;
        }
    }
}

/* 1, or the first code after it that no closed enum a procedure of FILE
 * raises declares: a client's NAME_error() must not read "not
 * implemented yet" as one of them.  Sets *OOM when memory runs out. */
static long long not_implemented_code(const struct idl_file *file,
                                      bool *oom)
{
    struct lookup raised;
    long long code = 1;

    lookup_init(&raised, false);
    for (size_t i = 0; i < file->nifaces; i++) {
        for (size_t j = 0; j < file->ifaces[i]->nprocs; j++) {
            const struct idl_enum *en = file->ifaces[i]->procs[j]->errors;

            for (size_t k = 0; en != NULL && !en->open && k < en->nvalues;
                 k++) {
                struct idl_enum_value *v = &en->values[k];

                if (lookup_add(&raised, &v->value, sizeof v->value, v, NULL)
                    == LOOKUP_NOMEM)
                    *oom = true;
            }
        }
    }
    while (lookup_get(&raised, &code, sizeof code) != NULL)
        code++;
    lookup_free(&raised);
    return code;
}

static void emit_prologue(const struct gen *g, const char *file_name,
                          struct emit *e)
{
    bool oom = false;
    long long code = not_implemented_code(g->file, &oom);

    /* No GEN_MARKER_PREFIX: idlc must never overwrite this file. */
    emit_printf(e,
        "/*\n"
        " * %s - a server for the interfaces of %s.\n"
        " *\n"
        " * Written by idlc --skeleton as a starting point: it is yours now,\n"
        " * and idlc never overwrites it.  Each handler fails with \"not\n"
        " * implemented yet\" until you write it: set *result (if it has one)\n"
        " * and return SRPC_OK, or return srpc_call_fail(call, CODE,\n"
        " * \"message\").  Build it with the generated %s_server.c:\n"
        " *\n"
        " *     idlc %s\n"
        " *     cc -o server %s %s_server.c \\\n"
        " *         $(pkg-config --cflags --libs sockrpc)\n"
        " *     ./server unix:/tmp/%s.sock tcp:127.0.0.1:15001\n"
        " */\n"
        "/* sigaction() under -std=c11 */\n"
        "#define _POSIX_C_SOURCE 200809L\n"
        "\n"
        "#include <signal.h>\n"
        "#include <stdio.h>\n"
        "#include <string.h>\n"
        "\n"
        "#include <sockrpc.h>\n"
        "\n"
        "#include \"%s.h\"\n"
        "\n"
        "/* The code of the error a handler sends until it is written. */\n"
        "enum { NOT_IMPLEMENTED_YET = %lld };\n",
        file_name, g->idl_name, g->base, g->idl_name, file_name, g->base,
        g->base, g->base, code);
    e->oom |= oom;
}

static void emit_handler(const struct gen *g, struct emit *e,
                         const struct idl_iface *iface,
                         const struct idl_proc *proc)
{
    struct emit line;

    emit_blank(e);
    gen_origin(g, e, proc);
    emit_init(&line);
    emit_printf(&line, "static int %s_%s_handler", iface->cname, proc->name);
    gen_signature(&line, "srpc_call *call", proc);
    emit_wrapped(e, emit_text(&line));
    emit_line(e, "{");
    e->indent++;
    emit_unused(e, emit_text(&line));
    if (proc->errors != NULL && proc->errors->nvalues > 0) {
        const struct idl_enum *en = proc->errors;
        char *code = enum_value_cname(en->prefix, en->name,
                                      en->values[0].name);

        /* The typed helper of the header, with the codes it takes. */
        if (code == NULL)
            e->oom = true;
        else
            emit_line(e, "/* Fail with a code of enum " CNAME_ENUM ":\n"
                      "     * return " CNAME_FAIL "(call, %s, \"...\"); */",
                      en->prefix, en->name, iface->cname, proc->name, code);
        free(code);
    }
    emit_line(e, "return srpc_call_fail(call, NOT_IMPLEMENTED_YET,");
    emit_line(e, "                      \"%%s is not implemented yet\",");
    emit_line(e, "                      srpc_call_method(call));");
    e->indent--;
    emit_line(e, "}");
    e->oom |= line.oom;
    emit_free(&line);
}

static void emit_iface(const struct gen *g, struct emit *e,
                       const struct idl_iface *iface)
{
    emit_printf(e, "\n/* ---- %s:%d: interface %s ---- */\n", g->idl_name,
                iface->loc.first_line, iface->name);
    for (size_t i = 0; i < iface->nprocs; i++)
        emit_handler(g, e, iface, iface->procs[i]);
    emit_blank(e);
    emit_line(e, "static const struct " CNAME_OPS " %s_handlers = {",
              iface->cname, iface->cname);
    e->indent++;
    for (size_t i = 0; i < iface->nprocs; i++)
        emit_line(e, ".%s = %s_%s_handler,", iface->procs[i]->name,
                  iface->cname, iface->procs[i]->name);
    e->indent--;
    emit_line(e, "};");
}

static void emit_main(const struct gen *g, struct emit *e)
{
    emit_printf(e,
        "\n"
        "/* ---- the server ---- */\n"
        "\n"
        "static srpc_server *the_server;\n"
        "\n"
        "static void on_signal(int sig)\n"
        "{\n"
        "    (void)sig;\n"
        "    srpc_server_stop(the_server);   /* async-signal-safe */\n"
        "}\n"
        "\n"
        "static int install_signal_handlers(void)\n"
        "{\n"
        "    struct sigaction sa;\n"
        "\n"
        "    memset(&sa, 0, sizeof sa);\n"
        "    sa.sa_handler = on_signal;\n"
        "    sigemptyset(&sa.sa_mask);\n"
        "    if (sigaction(SIGINT, &sa, NULL) != 0\n"
        "        || sigaction(SIGTERM, &sa, NULL) != 0) {\n"
        "        perror(\"sigaction\");\n"
        "        return -1;\n"
        "    }\n"
        "    return 0;\n"
        "}\n"
        "\n"
        "/* Registers the handlers, listens on every address and serves\n"
        " * until a signal stops the server. */\n"
        "static int serve(int naddresses, char **addresses)\n"
        "{\n"
        "    int rc;\n"
        "\n"
        "    if (install_signal_handlers() != 0)\n"
        "        return 1;\n");
    for (size_t i = 0; i < g->file->nifaces; i++) {
        const char *name = g->file->ifaces[i]->cname;
        emit_printf(e,
            "    rc = " CNAME_SERVE "(the_server, &%s_handlers, NULL);\n"
            "    if (rc != SRPC_OK) {\n"
            "        fprintf(stderr, \"%%s\\n\",\n"
            "                srpc_server_errmsg(the_server));\n"
            "        return 1;\n"
            "    }\n", name, name);
    }
    emit_printf(e,
        "    for (int i = 0; i < naddresses; i++) {\n"
        "        rc = srpc_server_listen(the_server, addresses[i]);\n"
        "        if (rc != SRPC_OK) {\n"
        "            fprintf(stderr, \"%%s\\n\",\n"
        "                    srpc_server_errmsg(the_server));\n"
        "            return 1;\n"
        "        }\n"
        "        printf(\"listening on %%s\\n\",\n"
        "               srpc_server_address(the_server, (size_t)i));\n"
        "    }\n"
        "    fflush(stdout);\n"
        "    rc = srpc_server_run(the_server);\n"
        "    if (rc != SRPC_OK) {\n"
        "        fprintf(stderr, \"%%s\\n\",\n"
        "                srpc_server_errmsg(the_server));\n"
        "        return 1;\n"
        "    }\n"
        "    return 0;\n"
        "}\n"
        "\n"
        "int main(int argc, char **argv)\n"
        "{\n"
        "    int status;\n"
        "    int rc;\n"
        "\n"
        "    if (argc < 2) {\n"
        "        fprintf(stderr, \"usage: %%s ADDRESS...\\n\"\n"
        "                \"  ADDRESS is unix:/path/to/socket or \"\n"
        "                \"tcp:HOST:PORT\\n\",\n"
        "                argv[0]);\n"
        "        return 2;\n"
        "    }\n"
        "    rc = srpc_server_create(&the_server, NULL);\n"
        "    if (rc != SRPC_OK) {\n"
        "        fprintf(stderr, \"%%s\\n\", srpc_strerror(rc));\n"
        "        return 1;\n"
        "    }\n"
        "    status = serve(argc - 1, argv + 1);\n"
        "    srpc_server_destroy(the_server);\n"
        "    return status;\n"
        "}\n");
}

void gen_skeleton(const struct gen *g, const char *file_name,
                  struct emit *e)
{
    emit_prologue(g, file_name, e);
    for (size_t i = 0; i < g->file->nifaces; i++)
        emit_iface(g, e, g->file->ifaces[i]);
    emit_main(g, e);
}
