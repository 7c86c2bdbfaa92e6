#include "config.h"

#include "gen.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

void gen_marker(const struct gen *g, struct emit *e)
{
    emit_printf(e, GEN_MARKER_PREFIX "from %s. Do not edit. */\n",
                g->idl_name);
}

/* Writes DOC, a doc comment's text, as a C comment at E's indentation: a
 * star and slash, a slash and star or two '?' inside get a backslash
 * between them so that the comment ends where it should and the compiler
 * says nothing about it. */
void gen_doc(struct emit *e, const char *doc)
{
    struct emit line;

    if (doc == NULL)
        return;
    emit_line(e, "/*");
    while (!e->oom) {
        size_t len = strcspn(doc, "\n");

        emit_init(&line);
        emit_printf(&line, " *%s", len > 0 ? " " : "");
        for (size_t i = 0; i < len; i++) {
            emit_printf(&line, "%c", doc[i]);
            if (i + 1 < len && ((doc[i] == '*' && doc[i + 1] == '/')
                                || (doc[i] == '/' && doc[i + 1] == '*')
                                || (doc[i] == '?' && doc[i + 1] == '?')))
                emit_printf(&line, "\\");
        }
        if (emit_failed(&line))
            e->oom = true;
        else
            emit_line(e, "%s", emit_text(&line));
        emit_free(&line);
        if (doc[len] == '\0')
            break;
        doc += len + 1;
    }
    emit_line(e, " */");
}

/* Writes the declaration back as the .idl spells it, normalised. */
void gen_origin(const struct gen *g, struct emit *e,
                const struct idl_proc *proc)
{
    struct emit line;

    emit_init(&line);
    emit_printf(&line, "/* %s:%d: %s%s", g->idl_name,
                proc->decl_loc.first_line, proc->oneway ? "oneway " : "",
                proc->result_optional ? "optional " : "");
    gen_type_text(&line, &proc->result);
    emit_printf(&line, " %s(", proc->name);
    for (size_t i = 0; i < proc->nparams; i++) {
        emit_printf(&line, "%s%s", i > 0 ? ", " : "",
                    proc->params[i].optional ? "optional " : "");
        gen_type_text(&line, &proc->params[i].type);
        emit_printf(&line, " %s", proc->params[i].name);
    }
    emit_printf(&line, ")");
    if (proc->raises != NULL)
        emit_printf(&line, " raises (%s)", proc->raises);
    emit_printf(&line, "; */");
    if (emit_failed(&line))
        e->oom = true;
    else
        emit_line(e, "%s", emit_text(&line));
    emit_free(&line);
}

void gen_type_text(struct emit *line, const struct idl_type_ref *ref)
{
    char *s = ref->alias != NULL ? str_printf("%s", ref->alias)
                                 : idl_type_spelling(ref);

    if (s == NULL)
        line->oom = true;
    else
        emit_printf(line, "%s", s);
    free(s);
}

char *gen_type_name(const struct idl_type_ref *ref)
{
    if (ref->decl != NULL)
        return str_printf("%s %s", ref->decl->is_union ? "union" : "struct",
                          ref->name);
    if (ref->edecl != NULL)
        return str_printf("enum %s", ref->name);
    return idl_type_spelling(ref);
}

bool gen_is_aggregate(const struct idl_type_ref *ref)
{
    switch (ref->type->kind) {
    case IDL_STRUCT:
    case IDL_SEQUENCE:
    case IDL_MAP:
    case IDL_ARRAY:
        return true;
    default:
        return false;
    }
}

bool gen_ptr_kind(const struct idl_type_ref *ref)
{
    return ref->type->kind == IDL_STRING || ref->type->kind == IDL_ANY;
}

void gen_var(struct emit *line, const struct idl_type_ref *ref,
             const char *name, enum gen_role role)
{
    const struct idl_type_info *type = ref->type;

    if (role == ROLE_OPT_PARAM && !gen_ptr_kind(ref)) {
        /* const int32_t *v, const struct calc_point *p */
        char *star = str_printf("*%s", name);

        if (star == NULL) {
            line->oom = true;
            return;
        }
        emit_printf(line, "const ");
        gen_var(line, ref, star, ROLE_VALUE);
        free(star);
        return;
    }
    if (type->kind == IDL_ENUM) {
        emit_printf(line, "enum " CNAME_ENUM " %s", ref->edecl->prefix,
                    ref->edecl->name, name);
    } else if (gen_is_aggregate(ref)) {
        const char *cnst = role == ROLE_VALUE ? "" : "const ";
        emit_printf(line, "%sstruct " CNAME_STRUCT " %s%s", cnst,
                    ref->prefix, ref->cname,
                    role == ROLE_VALUE ? "" : "*", name);
    } else if (type->kind == IDL_BYTES && role == ROLE_OPTIONAL) {
        emit_printf(line, "const srpc_bytes *%s", name);
    } else {
        size_t len = strlen(type->c_type);
        bool pointer = len > 0 && type->c_type[len - 1] == '*';

        emit_printf(line, "%s%s%s", type->c_type, pointer ? "" : " ", name);
    }
}

bool gen_pack_checked(const struct idl_type_ref *ref)
{
    switch (ref->type->kind) {
    case IDL_STRING:
        return ref->bound > 0;
    case IDL_BYTES:
    case IDL_STRUCT:
    case IDL_SEQUENCE:
    case IDL_MAP:
    case IDL_ARRAY:
        return true;
    default:
        return false;
    }
}

bool gen_decode_checked(const struct idl_type_ref *ref)
{
    return gen_pack_checked(ref) || ref->type->kind == IDL_ENUM;
}

bool gen_needs_arena(const struct idl_type_ref *ref)
{
    switch (ref->type->kind) {
    case IDL_ANY:
    case IDL_STRING:
    case IDL_BYTES:
    case IDL_STRUCT:
    case IDL_SEQUENCE:
    case IDL_MAP:
    case IDL_ARRAY:
        return true;
    default:
        return false;
    }
}

void gen_pack_checked_value(struct emit *e, const struct idl_type_ref *ref,
                            const char *pk, const char *expr, bool is_ptr,
                            const char *err, const char *fail)
{
    const char *amp = is_ptr ? "" : "&";
    struct emit line;

    emit_init(&line);
    switch (ref->type->kind) {
    case IDL_STRING:
        emit_printf(&line, "rc = srpc_put_str(%s, %s, %llu, %s);", pk, expr,
                    ref->bound, err);
        break;
    case IDL_BYTES:
        emit_printf(&line, "rc = srpc_put_bin(%s, %s%s, %llu, %s);", pk, amp,
                    expr, ref->bound, err);
        break;
    default:
        emit_printf(&line, "rc = " CNAME_ENCODE "(%s, %s%s, %s);",
                    ref->prefix, ref->codec, pk, amp, expr, err);
        break;
    }
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return %s;", fail);
}

void gen_emit_rc_assign(struct emit *e, const struct emit *call)
{
    char *text = str_printf("rc = %s", emit_text(call));

    if (text == NULL)
        e->oom = true;
    else
        emit_wrapped(e, text);
    free(text);
}

void gen_get_call(struct emit *line, const struct idl_type_ref *ref,
                  const char *obj, const char *arena, const char *dst,
                  const char *err)
{
    const struct idl_type_info *t = ref->type;

    switch (t->kind) {
    case IDL_STRING:
        if (ref->bound > 0)
            emit_printf(line, "srpc_get_str_max(%s, %s, %llu, %s)", obj,
                        arena, ref->bound, dst);
        else
            emit_printf(line, "srpc_get_str(%s, %s, %s)", obj, arena, dst);
        break;
    case IDL_BYTES:
        emit_printf(line, "srpc_get_bin(%s, %s, %llu, %s)", obj, arena,
                    ref->bound, dst);
        break;
    case IDL_STRUCT:
    case IDL_SEQUENCE:
    case IDL_MAP:
    case IDL_ARRAY:
        emit_printf(line, CNAME_DECODE "(%s, %s, %s, %s)", ref->prefix,
                    ref->codec, obj, arena, dst, err);
        break;
    case IDL_ENUM:
        emit_printf(line, CNAME_GET_ENUM "(%s, %s)", ref->edecl->prefix,
                    ref->edecl->name, obj, dst);
        break;
    case IDL_ANY:
        emit_printf(line, "srpc_get_any(%s, %s, %s)", obj, arena, dst);
        break;
    default:
        emit_printf(line, "%s(%s, %s)", t->getter, obj, dst);
        break;
    }
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
        gen_var(line, &proc->params[i].type, proc->params[i].name,
                proc->params[i].optional ? ROLE_OPT_PARAM : ROLE_PARAM);
    }
    if (gen_has_result(proc)) {
        emit_printf(line, ", ");
        gen_var(line, &proc->result, "*result",
                proc->result_optional ? ROLE_OPT_PARAM : ROLE_VALUE);
    }
    emit_printf(line, ")");
}

void gen_async_signature(struct emit *line, const struct idl_proc *proc)
{
    emit_printf(line, "(srpc_client *client");
    for (size_t i = 0; i < proc->nparams; i++) {
        emit_printf(line, ", ");
        gen_var(line, &proc->params[i].type, proc->params[i].name,
                proc->params[i].optional ? ROLE_OPT_PARAM : ROLE_PARAM);
    }
    emit_printf(line, ", srpc_pending **call)");
}

void gen_finish_signature(struct emit *line, const struct idl_proc *proc)
{
    emit_printf(line, "(srpc_client *client, srpc_pending *call");
    if (gen_has_result(proc)) {
        emit_printf(line, ", ");
        gen_var(line, &proc->result, "*result",
                proc->result_optional ? ROLE_OPT_PARAM : ROLE_VALUE);
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

void gen_wrapped_line(struct emit *e, const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    emit_wrapped(e, buf);
}

bool gen_nested_checked(const struct idl_type_ref *ref)
{
    return gen_needs_arena(ref) && ref->type->kind != IDL_ANY;
}

bool gen_file_raises(const struct idl_file *file)
{
    for (size_t i = 0; i < file->nifaces; i++) {
        for (size_t j = 0; j < file->ifaces[i]->nprocs; j++) {
            if (file->ifaces[i]->procs[j]->errors != NULL)
                return true;
        }
    }
    return false;
}

void gen_codec_head(struct emit *e, bool encode, const char *prefix,
                    const char *codec, const char *cname, const char *end)
{
    struct emit line;

    emit_init(&line);
    if (encode)
        emit_printf(&line, "static int " CNAME_ENCODE "(msgpack_packer *pk, "
                    "const struct " CNAME_STRUCT " *v, srpc_derr *err)%s",
                    prefix, codec, prefix, cname, end);
    else
        emit_printf(&line, "static int " CNAME_DECODE "(const msgpack_object "
                    "*o, srpc_arena *arena, struct " CNAME_STRUCT " *out, "
                    "srpc_derr *err)%s", prefix, codec, prefix, cname, end);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
}

const char *gen_decl_file(const struct gen *g, const char *prefix)
{
    const struct idl_iface *top = g->file->scope;

    /* A scope's declarations share its cname string: compare pointers. */
    for (size_t i = 0; i < top->nvisible; i++) {
        const struct idl_file *f = top->visible[i]->file;

        if (top->visible[i]->cname == prefix && f->idl_name != NULL)
            return f->idl_name;
    }
    return g->idl_name;
}
