#include "config.h"

/*
 * gen_client.c - writes BASE_client.c: one stub per procedure that packs
 * the arguments, sends the request (or notification) and decodes the
 * result through the runtime's codec.h.
 */

#include "gen.h"
#include "names.h"

/* The first lines of the body: the packer (only if there are arguments
 * to pack, so that no variable goes unused) and the locals. */
static void emit_begin(struct emit *e, const struct idl_iface *iface,
                       const struct idl_proc *proc)
{
    const char *begin = proc->oneway ? "srpc_client_begin_notify"
                                     : "srpc_client_begin";
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "%s%s(client, \"%s.%s\", %zu);",
                proc->nparams > 0 ? "msgpack_packer *pk = " : "", begin,
                iface->name, proc->name, proc->nparams);
    if (proc->nparams > 0)
        emit_wrapped(e, emit_text(&line));
    if (!proc->oneway)
        emit_line(e, "const msgpack_object *reply;");
    if (!proc->oneway && gen_has_result(proc))
        emit_line(e, "int rc;");
    if (proc->nparams > 0) {
        emit_blank(e);
        for (size_t i = 0; i < proc->nparams; i++)
            gen_pack(e, proc->params[i].type.type, "pk",
                     proc->params[i].name);
    } else {
        if (!proc->oneway)
            emit_blank(e);
        emit_wrapped(e, emit_text(&line));
    }
    e->oom |= line.oom;
    emit_free(&line);
}

/* Sends the request and decodes its result into *result. */
static void emit_call(struct emit *e, const struct idl_proc *proc)
{
    const struct idl_type_info *t = proc->result.type;

    if (proc->oneway) {
        emit_line(e, "return srpc_client_notify(client);");
        return;
    }
    if (!gen_has_result(proc)) {
        emit_line(e, "/* A void procedure's result is not looked at. */");
        emit_line(e, "return srpc_client_call(client, &reply);");
        return;
    }
    emit_line(e, "rc = srpc_client_call(client, &reply);");
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return rc;");
    if (t->kind == IDL_STRING)
        emit_line(e, "rc = %s(reply, srpc_client_arena(client), result);",
                  t->getter);
    else
        emit_line(e, "rc = %s(reply, result);", t->getter);
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return srpc_client_bad_result(client, rc, \"%s\");",
              t->name);
    emit_line(e, "return SRPC_OK;");
}

static void emit_stub(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface,
                      const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "int " CNAME_STUB, iface->name, proc->name);
    gen_signature(&line, "srpc_client *client", proc);
    emit_blank(e);
    gen_origin(g, e, proc);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);

    emit_line(e, "{");
    e->indent++;
    emit_begin(e, iface, proc);
    emit_call(e, proc);
    e->indent--;
    emit_line(e, "}");
}

void gen_client(const struct gen *g, struct emit *e)
{
    gen_marker(g, e);
    emit_printf(e,
        "/*\n"
        " * %s_client.c - the client stubs of %s: each packs its\n"
        " * arguments into a msgpack-rpc request, waits for the reply and\n"
        " * decodes the result.\n"
        " */\n"
        "#include \"%s.h\"\n"
        "\n"
        "#include <sockrpc/codec.h>\n",
        g->base, g->idl_name, g->base);
    for (size_t i = 0; i < g->file->nifaces; i++) {
        const struct idl_iface *iface = g->file->ifaces[i];
        for (size_t j = 0; j < iface->nprocs; j++)
            emit_stub(g, e, iface, iface->procs[j]);
    }
}
