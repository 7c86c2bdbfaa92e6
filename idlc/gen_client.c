#include "config.h"

/*
 * gen_client.c - writes BASE_client.c: one stub per procedure that packs
 * the arguments, sends the request (or notification) and decodes the
 * result through the runtime's codec.h.
 */

#include "gen.h"
#include "names.h"

/* The packer line, "msgpack_packer *pk = BEGIN(...);" when there are
 * arguments to pack (so that no variable goes unused), the bare call
 * otherwise. */
static void begin_line(struct emit *line, const struct idl_iface *iface,
                       const struct idl_proc *proc)
{
    const char *begin = proc->oneway ? "srpc_client_begin_notify"
                                     : "srpc_client_begin";

    emit_printf(line, "%s%s(client, \"%s.%s\", %zu);",
                proc->nparams > 0 ? "msgpack_packer *pk = " : "", begin,
                iface->name, proc->name, proc->nparams);
}

/* The first lines of a sending body: the packer, the locals WAITS needs
 * for the reply, and the packing of the arguments. */
static void emit_begin(struct emit *e, const struct idl_iface *iface,
                       const struct idl_proc *proc, bool waits)
{
    struct emit line;

    emit_init(&line);
    begin_line(&line, iface, proc);
    if (proc->nparams > 0)
        emit_wrapped(e, emit_text(&line));
    if (waits)
        emit_line(e, "const msgpack_object *reply;");
    if (waits && gen_has_result(proc))
        emit_line(e, "int rc;");
    if (proc->nparams > 0) {
        emit_blank(e);
        for (size_t i = 0; i < proc->nparams; i++)
            gen_pack(e, proc->params[i].type.type, "pk",
                     proc->params[i].name);
    } else {
        if (waits)
            emit_blank(e);
        emit_wrapped(e, emit_text(&line));
    }
    e->oom |= line.oom;
    emit_free(&line);
}

/* Gets the reply with WAIT ("srpc_client_call(client, &reply)") and
 * decodes its result into *result. */
static void emit_decode(struct emit *e, const struct idl_proc *proc,
                        const char *wait)
{
    const struct idl_type_info *t = proc->result.type;

    if (!gen_has_result(proc)) {
        emit_line(e, "/* A void procedure's result is not looked at. */");
        emit_line(e, "return %s;", wait);
        return;
    }
    emit_line(e, "rc = %s;", wait);
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

/* The declaration line NAME(SIGNATURE), preceded by the .idl line. */
static void emit_head(const struct gen *g, struct emit *e,
                      const struct idl_proc *proc, const struct emit *line)
{
    emit_blank(e);
    gen_origin(g, e, proc);
    emit_wrapped(e, emit_text(line));
    emit_line(e, "{");
    e->indent++;
}

static void emit_tail(struct emit *e, struct emit *line)
{
    e->indent--;
    emit_line(e, "}");
    e->oom |= line->oom;
    emit_free(line);
}

/* The blocking stub: sends and waits. */
static void emit_stub(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface,
                      const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "int " CNAME_STUB, iface->name, proc->name);
    gen_signature(&line, "srpc_client *client", proc);
    emit_head(g, e, proc, &line);
    emit_begin(e, iface, proc, !proc->oneway);
    if (proc->oneway)
        emit_line(e, "return srpc_client_notify(client);");
    else
        emit_decode(e, proc, "srpc_client_call(client, &reply)");
    emit_tail(e, &line);
}

/* NAME_async: sends and returns the call in flight. */
static void emit_async(const struct gen *g, struct emit *e,
                       const struct idl_iface *iface,
                       const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "int " CNAME_ASYNC, iface->name, proc->name);
    gen_async_signature(&line, proc);
    emit_head(g, e, proc, &line);
    emit_begin(e, iface, proc, false);
    emit_line(e, "return srpc_client_send(client, call);");
    emit_tail(e, &line);
}

/* NAME_finish: waits for the call NAME_async sent and decodes it. */
static void emit_finish(const struct gen *g, struct emit *e,
                        const struct idl_iface *iface,
                        const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "int " CNAME_FINISH, iface->name, proc->name);
    gen_finish_signature(&line, proc);
    emit_head(g, e, proc, &line);
    emit_line(e, "const msgpack_object *reply;");
    if (gen_has_result(proc))
        emit_line(e, "int rc;");
    emit_blank(e);
    emit_decode(e, proc, "srpc_client_wait(client, call, &reply)");
    emit_tail(e, &line);
}

void gen_client(const struct gen *g, struct emit *e)
{
    gen_marker(g, e);
    emit_printf(e,
        "/*\n"
        " * %s_client.c - the client stubs of %s: each packs its\n"
        " * arguments into a msgpack-rpc request, waits for the reply and\n"
        " * decodes the result.  NAME_async() sends the request without\n"
        " * waiting and NAME_finish() waits for its reply, so that many\n"
        " * calls can be in flight at once.\n"
        " */\n"
        "#include \"%s.h\"\n"
        "\n"
        "#include <sockrpc/codec.h>\n",
        g->base, g->idl_name, g->base);
    for (size_t i = 0; i < g->file->nifaces; i++) {
        const struct idl_iface *iface = g->file->ifaces[i];
        for (size_t j = 0; j < iface->nprocs; j++) {
            const struct idl_proc *proc = iface->procs[j];

            emit_stub(g, e, iface, proc);
            if (!proc->oneway) {
                emit_async(g, e, iface, proc);
                emit_finish(g, e, iface, proc);
            }
        }
    }
}
