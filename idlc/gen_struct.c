#include "config.h"

/*
 * gen_struct.c - what a struct of the .idl becomes: its C type in the
 * header, and static encode_ and decode_ functions in the .c files that
 * need them.  A struct travels as a msgpack map keyed by field name, so
 * that a peer built from a newer .idl may add optional fields: a decoder
 * skips keys it does not know, rejects a key given twice, and requires
 * every field not declared optional.  An absent optional field is not
 * packed at all; a nil value for one reads as absent.
 *
 * Structs and fixed arrays may hold each other by value, so the header
 * part also decides where each fixed array's type goes (gen_container.c
 * writes it): before the first type that holds it.
 */

#include <stdlib.h>

#include "gen.h"
#include "names.h"
#include "scope.h"

/* ---- the header -------------------------------------------------- */

static void emit_field(struct emit *e, const struct idl_field *f)
{
    struct emit line;
    bool scalar = !gen_needs_arena(&f->type);

    emit_init(&line);
    gen_doc(e, f->doc);
    if (f->optional && scalar)
        emit_line(e, "bool has_%s;", f->name);
    gen_var(&line, &f->type, f->name, f->optional ? ROLE_OPTIONAL
                                                  : ROLE_VALUE);
    emit_line(e, "%s;", emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
}

static void emit_type(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface, size_t i, bool *done,
                      struct lookup *done_arr);

/* The types a value of REF holds by value (structs, through fixed arrays)
 * must be complete before it: emits them first. */
static void emit_held(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface,
                      const struct idl_type_ref *ref, bool *done,
                      struct lookup *done_arr)
{
    size_t i;

    if (ref->decl != NULL) {
        /* One declared elsewhere was complete before this header's
         * interfaces: at the top level, or in an imported header. */
        if (scope_struct_index(iface, ref->decl, &i))
            emit_type(g, e, iface, i, done, done_arr);
        return;
    }
    if (!ref->is_array)
        return;
    emit_held(g, e, iface, ref->args[0], done, done_arr);
    gen_array_type(e, iface, ref, done_arr);
}

static void emit_type(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface, size_t i, bool *done,
                      struct lookup *done_arr)
{
    const struct idl_struct *st = iface->structs[i];

    if (done[i])
        return;
    done[i] = true;
    /* A struct held by value must be complete first; sema ruled out
     * cycles through required fields. */
    for (size_t k = 0; k < st->nfields; k++) {
        const struct idl_field *f = &st->fields[k];
        if (!f->optional)
            emit_held(g, e, iface, &f->type, done, done_arr);
    }
    if (st->is_union) {
        gen_union_type(g, e, st);
        return;
    }
    emit_printf(e, "\n");
    gen_doc(e, st->doc);
    emit_printf(e, "/* %s:%d: struct %s */\n", g->idl_name,
                st->loc.first_line, st->name);
    emit_line(e, "struct " CNAME_STRUCT " {", st->prefix, st->name);
    e->indent++;
    for (size_t k = 0; k < st->nfields; k++)
        emit_field(e, &st->fields[k]);
    e->indent--;
    emit_line(e, "};");
}

void gen_struct_decls(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface)
{
    bool *done = calloc(iface->nstructs + 1, sizeof *done);
    struct lookup done_arr;

    if (done == NULL) {
        e->oom = true;
        return;
    }
    lookup_init(&done_arr, false);
    for (size_t i = 0; i < iface->nstructs; i++)
        emit_type(g, e, iface, i, done, &done_arr);
    /* The fixed arrays that no struct holds. */
    for (size_t i = 0; i < iface->ncontainers; i++)
        emit_held(g, e, iface, iface->containers[i], done, &done_arr);
    free(done);
    lookup_free(&done_arr);
}

/* ---- encoders ---------------------------------------------------- */

void gen_struct_head(struct emit *e, const struct idl_struct *st,
                     bool encode, const char *end)
{
    gen_codec_head(e, encode, st->prefix, st->name, st->name, end);
}

/* The condition under which optional field F is present. */
static void present(struct emit *line, const struct idl_field *f)
{
    if (gen_needs_arena(&f->type))
        emit_printf(line, "v->%s != NULL", f->name);
    else
        emit_printf(line, "v->has_%s", f->name);
}

static void emit_encoder(const struct gen *g, struct emit *e,
                         const struct idl_struct *st)
{
    size_t required = 0;
    bool checked = false, optional = false;

    for (size_t k = 0; k < st->nfields; k++) {
        const struct idl_field *f = &st->fields[k];
        required += !f->optional;
        optional |= f->optional;
        /* Strings in structs are checked for NULL even without a bound. */
        checked |= gen_nested_checked(&f->type);
    }
    emit_printf(e, "\n/* %s:%d: struct %s, as a map keyed by field name */\n",
                gen_decl_file(g, st->prefix), st->loc.first_line,
                st->name);
    gen_struct_head(e, st, true, "");
    emit_line(e, "{");
    e->indent++;
    if (optional)
        emit_line(e, "uint32_t n = %zu;", required);
    if (checked)
        emit_line(e, "int rc;");
    if (optional || checked)
        emit_blank(e);
    emit_line(e, "if (v == NULL)");
    gen_wrapped_line(e, "    return srpc_derr_set(err, SRPC_EINVAL, "
                     "\"struct %s\", NULL);", st->name);
    for (size_t k = 0; k < st->nfields; k++) {
        const struct idl_field *f = &st->fields[k];
        struct emit line;

        if (!f->optional)
            continue;
        emit_init(&line);
        present(&line, f);
        emit_line(e, "if (%s)", emit_text(&line));
        emit_line(e, "    n++;");
        e->oom |= line.oom;
        emit_free(&line);
    }
    if (optional)
        emit_line(e, "msgpack_pack_map(pk, n);");
    else
        emit_line(e, "msgpack_pack_map(pk, %zu);", required);
    for (size_t k = 0; k < st->nfields; k++) {
        const struct idl_field *f = &st->fields[k];
        char *expr = str_printf("v->%s", f->name);
        char *fail = str_printf("srpc_derr_in(err, \"%s\")", f->name);

        if (expr == NULL || fail == NULL) {
            e->oom = true;
        } else {
            if (f->optional) {
                struct emit line;
                emit_init(&line);
                present(&line, f);
                emit_line(e, "if (%s) {", emit_text(&line));
                e->oom |= line.oom;
                emit_free(&line);
                e->indent++;
            }
            emit_line(e, "srpc_pack_str(pk, \"%s\");", f->name);
            if (gen_nested_checked(&f->type))
                gen_pack_checked_value(e, &f->type, "pk", expr, f->optional,
                                       "err", fail);
            else
                gen_pack(e, f->type.type, "pk", expr);
            if (f->optional) {
                e->indent--;
                emit_line(e, "}");
            }
        }
        free(expr);
        free(fail);
    }
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
}

/* ---- decoders ---------------------------------------------------- */

/* One case of the decoder's switch: field K into out->NAME. */
static void emit_decode_field(struct emit *e, const struct idl_field *f,
                              size_t k)
{
    const struct idl_type_ref *ref = &f->type;
    struct emit call, line;
    char *dst;
    char *type = gen_type_name(ref);
    bool pointer = f->optional && (ref->type->kind == IDL_BYTES
                                   || gen_is_aggregate(ref));

    emit_line(e, "case %zu:", k);
    e->indent++;
    if (f->optional) {
        emit_line(e, "if (val->type == MSGPACK_OBJECT_NIL)");
        emit_line(e, "    break; /* absent */");
    }
    if (pointer) {
        /* An optional struct or bytes is a pointer into the arena. */
        emit_line(e, "{");
        e->indent++;
        emit_init(&call);
        gen_var(&call, ref, "*p", ROLE_VALUE);
        emit_line(e, "%s;", emit_text(&call));
        emit_blank(e);
        emit_line(e, "p = srpc_arena_alloc(arena, sizeof *p);");
        e->oom |= call.oom;
        emit_free(&call);
        emit_line(e, "if (p == NULL)");
        emit_line(e, "    return srpc_derr_nomem(err);");
        dst = str_printf("p");
    } else {
        dst = str_printf("&out->%s", f->name);
    }
    emit_init(&call);
    gen_get_call(&call, ref, "val", "arena", dst ? dst : "", "err");
    emit_printf(&call, ";");
    emit_init(&line);
    emit_printf(&line, "rc = %s", emit_text(&call));
    emit_wrapped(e, emit_text(&line));
    e->oom |= call.oom || line.oom;
    emit_free(&line);
    emit_free(&call);
    if (!gen_is_aggregate(ref)) {
        emit_line(e, "if (rc != SRPC_OK)");
        emit_line(e, "    rc = srpc_derr_set(err, rc, \"%s\", val);",
                  type ? type : "");
    }
    if (pointer) {
        emit_line(e, "out->%s = p;", f->name);
        e->indent--;
        emit_line(e, "}");
    } else if (f->optional && !gen_needs_arena(ref)) {
        emit_line(e, "out->has_%s = rc == SRPC_OK;", f->name);
    }
    emit_line(e, "break;");
    e->indent--;
    free(dst);
    free(type);
    if (dst == NULL || type == NULL)
        e->oom = true;
}

static void emit_decoder(const struct gen *g, struct emit *e,
                         const struct idl_struct *st)
{
    struct emit line;
    bool arena = false;

    for (size_t k = 0; k < st->nfields; k++)
        arena |= gen_needs_arena(&st->fields[k].type);
    emit_printf(e, "\n/* %s:%d: struct %s, from a map keyed by field name */\n",
                gen_decl_file(g, st->prefix), st->loc.first_line,
                st->name);
    gen_struct_head(e, st, false, "");
    emit_line(e, "{");
    e->indent++;
    emit_init(&line);
    for (size_t k = 0; k < st->nfields; k++)
        emit_printf(&line, "%s\"%s\"", k > 0 ? ", " : "",
                    st->fields[k].name);
    if ((size_t)e->indent * 4 + 40 + line.len <= EMIT_WIDTH) {
        emit_line(e, "static const char *const names[] = { %s };",
                  emit_text(&line));
    } else {
        emit_line(e, "static const char *const names[] = {");
        e->indent++;
        emit_wrapped(e, emit_text(&line));
        e->indent--;
        emit_line(e, "};");
    }
    e->oom |= line.oom;
    emit_free(&line);
    emit_line(e, "bool seen[%zu] = { false };", st->nfields);
    emit_blank(e);
    if (!arena)
        emit_line(e, "(void)arena; /* no field needs memory */");
    emit_line(e, "if (o->type != MSGPACK_OBJECT_MAP)");
    gen_wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETYPE, "
                     "\"struct %s\", o);", st->name);
    emit_line(e, "memset(out, 0, sizeof *out);");
    emit_line(e, "for (uint32_t i = 0; i < o->via.map.size; i++) {");
    e->indent++;
    emit_line(e, "const msgpack_object *val = &o->via.map.ptr[i].val;");
    emit_line(e, "int f = srpc_field_index(&o->via.map.ptr[i].key, names, "
              "%zu);", st->nfields);
    emit_line(e, "int rc = SRPC_OK;");
    emit_blank(e);
    emit_line(e, "if (f < 0)");
    emit_line(e, "    continue; /* a field of a newer peer */");
    emit_line(e, "if (seen[f])");
    emit_line(e, "    return srpc_derr_duplicate(err, names[f]);");
    emit_line(e, "seen[f] = true;");
    emit_line(e, "switch (f) {");
    for (size_t k = 0; k < st->nfields; k++)
        emit_decode_field(e, &st->fields[k], k);
    emit_line(e, "}");
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return srpc_derr_in(err, names[f]);");
    e->indent--;
    emit_line(e, "}");
    for (size_t k = 0; k < st->nfields; k++) {
        if (st->fields[k].optional)
            continue;
        emit_line(e, "if (!seen[%zu])", k);
        emit_line(e, "    return srpc_derr_missing(err, names[%zu]);", k);
    }
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
}

void gen_struct_codec(const struct gen *g, struct emit *e,
                      const struct idl_struct *st, bool encode)
{
    if (encode && st->is_union)
        gen_union_encoder(g, e, st);
    else if (encode)
        emit_encoder(g, e, st);
    else if (st->is_union)
        gen_union_decoder(g, e, st);
    else
        emit_decoder(g, e, st);
}
