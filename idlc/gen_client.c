#include "config.h"

/*
 * gen_client.c - writes BASE_client.c: one stub per procedure that packs
 * the arguments, sends the request (or notification) and decodes the
 * result through the runtime's codec.h.
 */

#include <stdlib.h>

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
    char *wire = wire_literal(iface, proc);

    emit_printf(line, "%s%s(client, ",
                proc->nparams > 0 ? "msgpack_packer *pk = " : "", begin);
    if (wire == NULL)
        line->oom = true;
    else
        emit_printf(line, "%s", wire);
    free(wire);
    emit_printf(line, ", %zu);", proc->nparams);
}

/* True when an argument of PROC is packed by a checked function. */
static bool checked_params(const struct idl_proc *proc)
{
    for (size_t i = 0; i < proc->nparams; i++) {
        if (gen_pack_checked(&proc->params[i].type))
            return true;
    }
    return false;
}

/* True when PROC's result is decoded with an srpc_derr for the message. */
static bool checked_result(const struct idl_proc *proc)
{
    return gen_has_result(proc) && gen_decode_checked(&proc->result);
}

/* The locals the reply of PROC needs besides "reply". */
/* True when an optional result is decoded into memory from the arena
 * (everything but strings and any, which are pointers already). */
static bool result_in_arena(const struct idl_proc *proc)
{
    return proc->result_optional && !gen_ptr_kind(&proc->result);
}

static void emit_result_locals(struct emit *e, const struct idl_proc *proc)
{
    if (result_in_arena(proc) || gen_is_aggregate(&proc->result)) {
        struct emit line;

        emit_init(&line);
        gen_var(&line, &proc->result,
                result_in_arena(proc) ? "*decoded" : "decoded", ROLE_VALUE);
        emit_line(e, "%s;", emit_text(&line));
        e->oom |= line.oom;
        emit_free(&line);
    }
}

/* An optional argument I: nil when NULL, else its value. */
static void emit_optional_arg(struct emit *e, const struct idl_param *param,
                              size_t i)
{
    const struct idl_type_ref *ref = &param->type;
    char *value = str_printf("*%s", param->name);
    char *fail = str_printf("srpc_client_bad_arg(client, &derr, %zu, "
                            "\"%s\")", i, param->name);

    if (value == NULL || fail == NULL) {
        e->oom = true;
    } else {
        emit_line(e, "if (%s == NULL) {", param->name);
        emit_line(e, "    msgpack_pack_nil(pk);");
        emit_line(e, "} else {");
        e->indent++;
        if (gen_pack_checked(ref))
            gen_pack_checked_value(e, ref, "pk", param->name, true, "&derr",
                                   fail);
        else
            gen_pack(e, ref->type, "pk",
                     gen_ptr_kind(ref) ? param->name : value);
        e->indent--;
        emit_line(e, "}");
    }
    free(value);
    free(fail);
}

/* The first lines of a sending body: the packer, the locals WAITS needs
 * for the reply, and the packing of the arguments. */
static void emit_begin(struct emit *e, const struct idl_iface *iface,
                       const struct idl_proc *proc, bool waits)
{
    struct emit line;
    bool checked = checked_params(proc);

    emit_init(&line);
    begin_line(&line, iface, proc);
    if (proc->nparams > 0)
        emit_wrapped(e, emit_text(&line));
    if (waits)
        emit_line(e, "const msgpack_object *reply;");
    if (waits)
        emit_result_locals(e, proc);
    if (checked || (waits && checked_result(proc)))
        emit_line(e, "srpc_derr derr;");
    if (checked || (waits && gen_has_result(proc)))
        emit_line(e, "int rc;");
    if (proc->nparams > 0) {
        emit_blank(e);
        for (size_t i = 0; i < proc->nparams; i++) {
            const struct idl_param *param = &proc->params[i];
            char *fail;

            if (param->optional) {
                emit_optional_arg(e, param, i);
                continue;
            }
            if (!gen_pack_checked(&param->type)) {
                gen_pack(e, param->type.type, "pk", param->name);
                continue;
            }
            fail = str_printf("srpc_client_bad_arg(client, &derr, %zu, "
                              "\"%s\")", i, param->name);
            if (fail == NULL) {
                e->oom = true;
                continue;
            }
            /* A struct argument is already a pointer. */
            gen_pack_checked_value(e, &param->type, "pk", param->name,
                                   gen_is_aggregate(&param->type),
                                   "&derr", fail);
            free(fail);
        }
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
    if (proc->result_optional) {
        emit_line(e, "if (reply->type == MSGPACK_OBJECT_NIL) {");
        emit_line(e, "    *result = NULL; /* absent */");
        emit_line(e, "    return SRPC_OK;");
        emit_line(e, "}");
    }
    if (result_in_arena(proc)) {
        emit_line(e, "decoded = srpc_arena_alloc(srpc_client_arena(client), "
                  "sizeof *decoded);");
        emit_line(e, "if (decoded == NULL)");
        emit_line(e, "    return srpc_client_bad_result(client, SRPC_ENOMEM, "
                  "\"%s\");", t->name);
    }
    if (checked_result(proc)) {
        struct emit call;
        char *type = gen_type_name(&proc->result);
        bool s = gen_is_aggregate(&proc->result) || result_in_arena(proc);

        emit_init(&call);
        gen_get_call(&call, &proc->result, "reply", "srpc_client_arena(client)",
                     result_in_arena(proc) ? "decoded"
                     : s ? "&decoded" : "result", "&derr");
        emit_printf(&call, ";");
        gen_emit_rc_assign(e, &call);
        e->oom |= call.oom || type == NULL;
        emit_free(&call);
        if (gen_is_aggregate(&proc->result)) {
            emit_line(e, "if (rc != SRPC_OK)");
            emit_line(e, "    return srpc_client_bad_value(client, &derr);");
            emit_line(e, "*result = decoded;");
        } else {
            emit_line(e, "if (rc != SRPC_OK) {");
            emit_line(e, "    srpc_derr_set(&derr, rc, \"%s\", reply);",
                      type ? type : "");
            emit_line(e, "    return srpc_client_bad_value(client, &derr);");
            emit_line(e, "}");
            if (s)
                emit_line(e, "*result = decoded;");
        }
        free(type);
        emit_line(e, "return SRPC_OK;");
        return;
    }
    if (t->kind == IDL_STRING || t->kind == IDL_ANY)
        emit_line(e, "rc = %s(reply, srpc_client_arena(client), result);",
                  t->getter);
    else
        emit_line(e, "rc = %s(reply, %s);", t->getter,
                  result_in_arena(proc) ? "decoded" : "result");
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return srpc_client_bad_result(client, rc, \"%s\");",
              t->name);
    if (result_in_arena(proc))
        emit_line(e, "*result = decoded;");
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
    emit_printf(&line, "int " CNAME_STUB, iface->cname, proc->name);
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
    emit_printf(&line, "int " CNAME_ASYNC, iface->cname, proc->name);
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
    emit_printf(&line, "int " CNAME_FINISH, iface->cname, proc->name);
    gen_finish_signature(&line, proc);
    emit_head(g, e, proc, &line);
    emit_line(e, "const msgpack_object *reply;");
    emit_result_locals(e, proc);
    if (checked_result(proc))
        emit_line(e, "srpc_derr derr;");
    if (gen_has_result(proc))
        emit_line(e, "int rc;");
    emit_blank(e);
    emit_decode(e, proc, "srpc_client_wait(client, call, &reply)");
    emit_tail(e, &line);
}

/* NAME_error: the code of the thread's last failed call, when it is one
 * of the enum's values (any int32 for an open enum). */
static void emit_error(const struct gen *g, struct emit *e,
                       const struct idl_iface *iface,
                       const struct idl_proc *proc)
{
    const struct idl_enum *en = proc->errors;
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "bool " CNAME_ERROR "(const srpc_client *client, "
                "enum " CNAME_ENUM " *code)", iface->cname, proc->name,
                en->prefix, en->name);
    emit_blank(e);
    gen_origin(g, e, proc);
    emit_wrapped(e, emit_text(&line));
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "int64_t value;");
    emit_blank(e);
    emit_line(e, "if (!srpc_client_app_code(client, &value))");
    emit_line(e, "    return false;");
    if (en->open) {
        emit_line(e, "if (value < INT32_MIN || value > INT32_MAX)");
        emit_line(e, "    return false; /* not a value of enum %s */",
                  en->name);
    } else {
        emit_line(e, "switch (value) {");
        for (size_t i = 0; i < en->nvalues; i++) {
            char *name = enum_value_cname(en->prefix, en->name,
                                          en->values[i].name);

            if (name == NULL)
                e->oom = true;
            else
                emit_line(e, "case %s:", name);
            free(name);
        }
        emit_line(e, "    break;");
        emit_line(e, "default:");
        emit_line(e, "    return false; /* not a value of enum %s */",
                  en->name);
        emit_line(e, "}");
    }
    emit_line(e, "if (code != NULL)");
    emit_line(e, "    *code = (enum " CNAME_ENUM ")value;", en->prefix,
              en->name);
    emit_line(e, "return true;");
    e->indent--;
    emit_line(e, "}");
    e->oom |= line.oom;
    emit_free(&line);
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
        "%s"
        "#include <sockrpc/codec.h>\n",
        g->base, g->idl_name, g->base,
        gen_file_has_structs(g->file) ? "#include <string.h>\n\n" : "");
    gen_struct_codecs(g, e, true, true);
    gen_struct_codecs(g, e, false, false);
    for (size_t i = 0; i < g->file->nifaces; i++) {
        const struct idl_iface *iface = g->file->ifaces[i];

        for (size_t j = 0; j < iface->nprocs; j++) {
            const struct idl_proc *proc = iface->procs[j];

            emit_stub(g, e, iface, proc);
            if (!proc->oneway) {
                emit_async(g, e, iface, proc);
                emit_finish(g, e, iface, proc);
            }
            if (proc->errors != NULL)
                emit_error(g, e, iface, proc);
        }
    }
}
