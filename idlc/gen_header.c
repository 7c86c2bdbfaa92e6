#include "config.h"

/*
 * gen_header.c - writes BASE.h: the client stubs' prototypes, each
 * interface's struct NAME_ops of handlers and its NAME_serve(), and for
 * procedures that raise errors the typed helpers of both sides.
 */

#include <ctype.h>
#include <stdlib.h>

#include "gen.h"
#include "names.h"
#include "path.h"

/* CALC_H from "calc": an identifier made of the stem, upper case. */
static void emit_guard(const struct gen *g, struct emit *e)
{
    if (isdigit((unsigned char)g->base[0]))
        emit_printf(e, "IDL_");
    for (const char *p = g->base; *p != '\0'; p++) {
        unsigned char c = (unsigned char)*p;
        emit_printf(e, "%c", isalnum(c) ? toupper(c) : '_');
    }
    emit_printf(e, "_H");
}

/* #include "common.h" for import "lib/common.idl": the imported file's
 * header defines the types this one uses, and is generated beside it. */
static void emit_imports(const struct gen *g, struct emit *e)
{
    const struct idl_file *file = g->file;

    for (size_t i = 0; i < file->nimports; i++) {
        const char *path = file->imports[i].path;
        const char *name = path_base(path);

        emit_printf(e, "#include \"%.*s.h\" /* %s:%d: import \"%s\"; */\n",
                    (int)path_stem_len(name), name, g->idl_name,
                    file->imports[i].loc.first_line, path);
    }
    if (file->nimports > 0)
        emit_printf(e, "\n");
}

static void emit_prologue(const struct gen *g, struct emit *e)
{
    gen_marker(g, e);
    emit_printf(e,
        "/*\n"
        " * %s.h - the C interface of %s.\n"
        " *\n"
        " * Client stubs return SRPC_OK or an error status (srpc_strerror(),\n"
        " * srpc_client_errmsg()) and write a result through their last\n"
        " * argument; strings, bytes and arrays they return stay valid until\n"
        " * srpc_client_free_results().  A oneway stub sends a notification\n"
        " * and returns once it is written.\n"
        " *\n"
        " * Every other stub NAME has two halves for calls that overlap:\n"
        " * NAME_async() sends the request and returns at once with the call\n"
        " * in flight; NAME_finish() waits for that call's reply (replies may\n"
        " * come in any order) and decodes it as NAME() does.  Each call from\n"
        " * NAME_async() goes to exactly one NAME_finish() or\n"
        " * srpc_client_cancel().\n"
        " *\n"
        " * A server fills in an interface's struct NAME_ops with its handlers\n"
        " * and registers it with NAME_serve().\n", g->base, g->idl_name);
    if (gen_file_raises(g->file))
        emit_printf(e,
        " *\n"
        " * A procedure NAME that raises an enum of error codes has two more\n"
        " * functions: its handler fails with \"return NAME_fail(call, CODE,\n"
        " * format, ...);\", and after NAME() failed with SRPC_EREMOTE,\n"
        " * NAME_error(client, &code) is true with the code when the server\n"
        " * sent one of the enum's values (any int32 for an open enum);\n"
        " * srpc_client_errmsg() has the message.\n");
    emit_printf(e, " */\n");
    emit_printf(e, "#ifndef ");
    emit_guard(g, e);
    emit_printf(e, "\n#define ");
    emit_guard(g, e);
    emit_printf(e, "\n\n"
        "#include <stdbool.h>\n"
        "#include <stdint.h>\n"
        "\n"
        "%s"
        "#include <sockrpc.h>\n"
        "\n",
        gen_file_uses_any(g->file) ? "#include <msgpack.h>\n" : "");
    emit_imports(g, e);
    emit_printf(e,
        "#ifdef __cplusplus\n"
        "extern \"C\" {\n"
        "#endif\n");
}

/* The declarations outside interfaces, before every interface. */
static void emit_top(const struct gen *g, struct emit *e)
{
    const struct idl_iface *top = g->file->scope;

    if (top->nstructs + top->nenums + top->nconsts + top->ntypedefs == 0)
        return;
    emit_printf(e, "\n/* ---- %s: declarations outside interfaces ---- */\n",
                g->idl_name);
    gen_struct_types(g, e, top);
}

static void emit_epilogue(const struct gen *g, struct emit *e)
{
    emit_printf(e,
        "\n"
        "#ifdef __cplusplus\n"
        "}\n"
        "#endif\n"
        "\n"
        "#endif /* ");
    emit_guard(g, e);
    emit_printf(e, " */\n");
}

enum stub_kind { STUB_CALL, STUB_ASYNC, STUB_FINISH };

/* One prototype of a stub of KIND. */
static void emit_proto(struct emit *e, enum stub_kind kind,
                       const struct idl_iface *iface,
                       const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    switch (kind) {
    case STUB_CALL:
        emit_printf(&line, "int " CNAME_STUB, iface->cname, proc->name);
        gen_signature(&line, "srpc_client *client", proc);
        break;
    case STUB_ASYNC:
        emit_printf(&line, "int " CNAME_ASYNC, iface->cname, proc->name);
        gen_async_signature(&line, proc);
        break;
    case STUB_FINISH:
        emit_printf(&line, "int " CNAME_FINISH, iface->cname, proc->name);
        gen_finish_signature(&line, proc);
        break;
    }
    emit_printf(&line, ";");
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
}

/* bool calc_div_error(const srpc_client *client, enum calc_error *code); */
static void emit_error_proto(struct emit *e, const struct idl_iface *iface,
                             const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "bool " CNAME_ERROR "(const srpc_client *client, "
                "enum " CNAME_ENUM " *code);", iface->cname, proc->name,
                proc->errors->prefix, proc->errors->name);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
}

/* int calc_add(srpc_client *client, int32_t a, int32_t *result);
 * and, unless oneway, calc_add_async() and calc_add_finish(); with
 * raises, calc_add_error(). */
static void emit_stub(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface,
                      const struct idl_proc *proc)
{
    emit_blank(e);
    gen_doc(e, proc->doc);
    gen_origin(g, e, proc);
    emit_proto(e, STUB_CALL, iface, proc);
    if (proc->oneway)
        return;
    emit_proto(e, STUB_ASYNC, iface, proc);
    emit_proto(e, STUB_FINISH, iface, proc);
    if (proc->errors != NULL)
        emit_error_proto(e, iface, proc);
}

/* int calc_div_fail(srpc_call *call, enum calc_error code,
 *                   const char *fmt, ...) with a printf attribute. */
static void emit_fail_proto(const struct gen *g, struct emit *e,
                            const struct idl_iface *iface,
                            const struct idl_proc *proc)
{
    struct emit line;

    emit_blank(e);
    gen_origin(g, e, proc);
    emit_init(&line);
    emit_printf(&line, "int " CNAME_FAIL "(srpc_call *call, enum " CNAME_ENUM
                " code, const char *fmt, ...)", iface->cname, proc->name,
                proc->errors->prefix, proc->errors->name);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    emit_printf(e,
        "#if defined(__GNUC__)\n"
        "    __attribute__((format(printf, 3, 4)))\n"
        "#endif\n"
        "    ;\n");
}

/* int (*add)(srpc_call *call, int32_t a, int32_t *result); */
static void emit_handler(const struct gen *g, struct emit *e,
                         const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "int (*%s)", proc->name);
    gen_signature(&line, "srpc_call *call", proc);
    emit_printf(&line, ";");
    gen_doc(e, proc->doc);
    gen_origin(g, e, proc);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
}

static void emit_ops(const struct gen *g, struct emit *e,
                     const struct idl_iface *iface)
{
    struct emit line;

    emit_printf(e,
        "\n"
        "/*\n"
        " * %s:%d: interface %s\n"
        " * The handlers a server implements; a NULL handler answers \"not\n"
        " * implemented\".  A handler returns SRPC_OK after setting *result,\n"
        " * or the status of srpc_call_fail().\n"
        " */\n"
        "struct " CNAME_OPS " {\n",
        g->idl_name, iface->loc.first_line, iface->name, iface->cname);
    e->indent++;
    for (size_t i = 0; i < iface->nprocs; i++)
        emit_handler(g, e, iface->procs[i]);
    e->indent--;
    emit_printf(e, "};\n\n");

    emit_printf(e, "/* %s:%d: registers the %s interface's handlers OPS on "
                "SERVER. */\n", g->idl_name, iface->loc.first_line,
                iface->name);
    emit_init(&line);
    emit_printf(&line, "int " CNAME_SERVE "(srpc_server *server, "
                "const struct " CNAME_OPS " *ops, void *user_data);",
                iface->cname, iface->cname);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    for (size_t i = 0; i < iface->nprocs; i++) {
        if (iface->procs[i]->errors != NULL)
            emit_fail_proto(g, e, iface, iface->procs[i]);
    }
}

static void emit_iface(const struct gen *g, struct emit *e,
                       const struct idl_iface *iface)
{
    emit_printf(e, "\n/* ---- %s:%d: interface %s ---- */\n", g->idl_name,
                iface->loc.first_line, iface->name);
    if (iface->doc != NULL) {
        emit_printf(e, "\n");
        gen_doc(e, iface->doc);
    }
    if (iface->version_text != NULL) {
        char *name = const_cname(iface->cname, "VERSION");

        emit_printf(e, "\n/* %s:%d: @version(%llu) interface %s */\n",
                    g->idl_name, iface->version_loc.first_line,
                    iface->version, iface->name);
        if (name == NULL)
            e->oom = true;
        else
            emit_printf(e, "#define %s %llu\n", name, iface->version);
        free(name);
    }
    gen_struct_types(g, e, iface);
    for (size_t i = 0; i < iface->nprocs; i++)
        emit_stub(g, e, iface, iface->procs[i]);
    emit_ops(g, e, iface);
}

void gen_header(const struct gen *g, struct emit *e)
{
    emit_prologue(g, e);
    emit_top(g, e);
    for (size_t i = 0; i < g->file->nifaces; i++)
        emit_iface(g, e, g->file->ifaces[i]);
    emit_epilogue(g, e);
}
