#include "config.h"

/*
 * gen_server.c - writes BASE_server.c: per procedure a static dispatch
 * function that decodes the arguments, calls the application's handler
 * and packs its result; per interface the method table, the
 * srpc_interface descriptor and NAME_serve() that registers them.
 */

#include <stdlib.h>

#include "gen.h"
#include "names.h"

/* Decodes argument I into the local of the same name. */
static void emit_get_arg(struct emit *e, const struct idl_param *param,
                         size_t i)
{
    const struct idl_type_info *t = param->type.type;

    if (t->kind == IDL_STRING)
        emit_line(e, "rc = %s(&args[%zu], srpc_call_arena(call), &%s);",
                  t->getter, i, param->name);
    else
        emit_line(e, "rc = %s(&args[%zu], &%s);", t->getter, i,
                  param->name);
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return srpc_call_bad_arg(call, rc, %zu, \"%s\", "
              "\"%s\");", i, param->name, t->name);
}

static void emit_locals(struct emit *e, const struct idl_iface *iface,
                        const struct idl_proc *proc)
{
    struct emit line;

    emit_line(e, "const struct " CNAME_OPS " *ops = impl;", iface->name);
    for (size_t i = 0; i < proc->nparams; i++) {
        emit_init(&line);
        gen_var(&line, proc->params[i].type.type, proc->params[i].name);
        emit_line(e, "%s;", emit_text(&line));
        e->oom |= line.oom;
        emit_free(&line);
    }
    if (gen_has_result(proc)) {
        /* Initialised: a handler that forgets to set it sends a defined
         * value (nil for a string), not stack garbage. */
        emit_init(&line);
        gen_var(&line, proc->result.type, "result");
        emit_line(e, "%s = %s;", emit_text(&line), proc->result.type->zero);
        e->oom |= line.oom;
        emit_free(&line);
    }
    emit_line(e, "int rc;");
    emit_blank(e);
}

/* rc = ops->add(call, a, b, &result); */
static void emit_handler_call(struct emit *e, const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "rc = ops->%s(call", proc->name);
    for (size_t i = 0; i < proc->nparams; i++)
        emit_printf(&line, ", %s", proc->params[i].name);
    emit_printf(&line, "%s);", gen_has_result(proc) ? ", &result" : "");
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
}

static void emit_dispatch(const struct gen *g, struct emit *e,
                          const struct idl_iface *iface,
                          const struct idl_proc *proc, const char *prefix)
{
    struct emit line;

    emit_blank(e);
    gen_origin(g, e, proc);
    emit_init(&line);
    emit_printf(&line, "static int " CNAME_DISPATCH "(srpc_call *call, "
                "const void *impl, const msgpack_object *args, "
                "msgpack_packer *reply)", prefix, proc->name);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    emit_line(e, "{");
    e->indent++;
    emit_locals(e, iface, proc);
    if (proc->nparams == 0)
        emit_line(e, "(void)args; /* %s takes no arguments */", proc->name);
    emit_line(e, "if (ops->%s == NULL)", proc->name);
    emit_line(e, "    return srpc_call_not_implemented(call);");
    for (size_t i = 0; i < proc->nparams; i++)
        emit_get_arg(e, &proc->params[i], i);
    emit_handler_call(e, proc);
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return rc;");
    if (proc->oneway)
        emit_line(e, "/* The runtime sends no reply to a notification; "
                  "this nil answers\n     * a peer that called a oneway "
                  "procedure as a request. */");
    gen_pack(e, proc->result.type, "reply", "result");
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
}

static void emit_tables(const struct gen *g, struct emit *e,
                        const struct idl_iface *iface, const char *prefix)
{
    const char *in = iface->name;
    struct emit line;

    emit_printf(e, "\n/* %s:%d: interface %s */\n", g->idl_name,
                iface->loc.first_line, in);
    emit_printf(e, "static const struct srpc_method " CNAME_METHODS
                "[] = {\n", in);
    e->indent++;
    for (size_t i = 0; i < iface->nprocs; i++) {
        const struct idl_proc *proc = iface->procs[i];
        emit_line(e, "{ \"%s.%s\", %zu, " CNAME_DISPATCH " },", in,
                  proc->name, proc->nparams, prefix, proc->name);
    }
    e->indent--;
    emit_printf(e, "};\n\n");
    emit_printf(e, "static const struct srpc_interface " CNAME_INTERFACE
                " = {\n", in);
    emit_printf(e, "    \"%s\", " CNAME_METHODS ", sizeof " CNAME_METHODS
                " / sizeof " CNAME_METHODS "[0]\n};\n\n", in, in, in, in);

    emit_printf(e, "/* %s:%d: registers the %s interface's handlers OPS on "
                "SERVER. */\n", g->idl_name, iface->loc.first_line, in);
    emit_init(&line);
    emit_printf(&line, "int " CNAME_SERVE "(srpc_server *server, "
                "const struct " CNAME_OPS " *ops, void *user_data)", in, in);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    emit_printf(e, "{\n    return srpc_server_register(server, &"
                CNAME_INTERFACE ", ops, user_data);\n}\n", in);
}

static void emit_iface(const struct gen *g, struct emit *e,
                       const struct idl_iface *iface)
{
    char *prefix = dispatch_prefix(g->file, iface);

    if (prefix == NULL) {
        e->oom = true;
        return;
    }
    for (size_t i = 0; i < iface->nprocs; i++)
        emit_dispatch(g, e, iface, iface->procs[i], prefix);
    emit_tables(g, e, iface, prefix);
    free(prefix);
}

void gen_server(const struct gen *g, struct emit *e)
{
    gen_marker(g, e);
    emit_printf(e,
        "/*\n"
        " * %s_server.c - the server side of %s: a dispatch function per\n"
        " * procedure decodes the arguments, calls the application's handler\n"
        " * and packs its result; NAME_serve() registers an interface.\n"
        " */\n"
        "#include \"%s.h\"\n"
        "\n"
        "#include <sockrpc/codec.h>\n",
        g->base, g->idl_name, g->base);
    for (size_t i = 0; i < g->file->nifaces; i++)
        emit_iface(g, e, g->file->ifaces[i]);
}
