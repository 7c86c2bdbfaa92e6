#include "config.h"

#include "gen.h"

#include <string.h>

void gen_marker(const struct gen *g, struct emit *e)
{
    emit_printf(e, GEN_MARKER_PREFIX "from %s. Do not edit. */\n",
                g->idl_name);
}

/* Writes the declaration back as the .idl spells it, normalised. */
void gen_origin(const struct gen *g, struct emit *e,
                const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "/* %s:%d: %s%s %s(", g->idl_name,
                proc->decl_loc.first_line, proc->oneway ? "oneway " : "",
                proc->result.name, proc->name);
    for (size_t i = 0; i < proc->nparams; i++)
        emit_printf(&line, "%s%s %s", i > 0 ? ", " : "",
                    proc->params[i].type.name, proc->params[i].name);
    emit_printf(&line, "); */");
    if (emit_failed(&line))
        e->oom = true;
    else
        emit_line(e, "%s", emit_text(&line));
    emit_free(&line);
}

void gen_var(struct emit *line, const struct idl_type_info *type,
             const char *name)
{
    size_t len = strlen(type->c_type);
    bool pointer = len > 0 && type->c_type[len - 1] == '*';

    emit_printf(line, "%s%s%s", type->c_type, pointer ? "" : " ", name);
}

bool gen_has_result(const struct idl_proc *proc)
{
    return proc->result.type->kind != IDL_VOID;
}

void gen_signature(struct emit *line, const char *first,
                   const struct idl_proc *proc)
{
    emit_printf(line, "(%s", first);
    for (size_t i = 0; i < proc->nparams; i++) {
        emit_printf(line, ", ");
        gen_var(line, proc->params[i].type.type, proc->params[i].name);
    }
    if (gen_has_result(proc)) {
        emit_printf(line, ", ");
        gen_var(line, proc->result.type, "*result");
    }
    emit_printf(line, ")");
}

void gen_async_signature(struct emit *line, const struct idl_proc *proc)
{
    emit_printf(line, "(srpc_client *client");
    for (size_t i = 0; i < proc->nparams; i++) {
        emit_printf(line, ", ");
        gen_var(line, proc->params[i].type.type, proc->params[i].name);
    }
    emit_printf(line, ", srpc_pending **call)");
}

void gen_finish_signature(struct emit *line, const struct idl_proc *proc)
{
    emit_printf(line, "(srpc_client *client, srpc_pending *call");
    if (gen_has_result(proc)) {
        emit_printf(line, ", ");
        gen_var(line, proc->result.type, "*result");
    }
    emit_printf(line, ")");
}

void gen_pack(struct emit *e, const struct idl_type_info *type,
              const char *pk, const char *value)
{
    switch (type->kind) {
    case IDL_BOOL:
        /* msgpack-c has no msgpack_pack_bool(). */
        emit_line(e, "if (%s)", value);
        emit_line(e, "    msgpack_pack_true(%s);", pk);
        emit_line(e, "else");
        emit_line(e, "    msgpack_pack_false(%s);", pk);
        break;
    case IDL_STRING:
        emit_line(e, "srpc_pack_str(%s, %s);", pk, value);
        break;
    case IDL_VOID:
        emit_line(e, "msgpack_pack_nil(%s);", pk);
        break;
    default:
        emit_line(e, "%s(%s, %s);", type->packer, pk, value);
        break;
    }
}
