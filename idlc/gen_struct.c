#include "config.h"

/*
 * gen_struct.c - what a struct of the .idl becomes: its C type in the
 * header, and static encode_ and decode_ functions in the .c files that
 * need them.  A struct travels as a msgpack map keyed by field name, so
 * that a peer built from a newer .idl may add optional fields: a decoder
 * skips keys it does not know, rejects a key given twice, and requires
 * every field not declared optional.  An absent optional field is not
 * packed at all; a nil value for one reads as absent.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "names.h"

/* emit_line() through emit_wrapped(): long calls break after commas. */
static void wrapped_line(struct emit *e, const char *fmt, ...)
    NAMES_PRINTF(2, 3);
static void wrapped_line(struct emit *e, const char *fmt, ...)
{
    va_list ap;
    char buf[512];

    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    emit_wrapped(e, buf);
}

/* True when packing a value of REF inside a struct, sequence or map can
 * fail: strings (a NULL), bytes, bounds, nested aggregates.  An "any" is
 * packed as it is (NULL as nil). */
static bool nested_checked(const struct idl_type_ref *ref)
{
    return gen_needs_arena(ref) && ref->type->kind != IDL_ANY;
}

/* The index of ST among IFACE's structs. */
static size_t struct_index(const struct idl_iface *iface,
                           const struct idl_struct *st)
{
    for (size_t i = 0; i < iface->nstructs; i++) {
        if (iface->structs[i] == st)
            return i;
    }
    return 0; /* sema resolved every struct type within IFACE */
}

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
                      bool *done_arr);

/* The types a value of REF holds by value (structs, through fixed arrays)
 * must be complete before it: emits them first. */
static void emit_held(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface,
                      const struct idl_type_ref *ref, bool *done,
                      bool *done_arr)
{
    if (ref->decl != NULL) {
        emit_type(g, e, iface, struct_index(iface, ref->decl), done,
                  done_arr);
        return;
    }
    if (!ref->is_array)
        return;
    emit_held(g, e, iface, ref->args[0], done, done_arr);
    for (size_t i = 0; i < iface->ncontainers; i++) {
        const struct idl_type_ref *c = iface->containers[i];
        struct emit line;
        char *type;

        if (strcmp(c->cname, ref->cname) != 0)
            continue;
        if (done_arr[i])
            return;
        done_arr[i] = true;
        type = gen_type_name(ref);
        emit_printf(e, "\n/* %s */\n", type ? type : "");
        free(type);
        emit_line(e, "struct " CNAME_STRUCT " {", ref->prefix, ref->cname);
        emit_init(&line);
        {
            char *items = str_printf("items[%llu]", ref->bound);
            if (items != NULL)
                gen_var(&line, ref->args[0], items, ROLE_VALUE);
            e->oom |= items == NULL;
            free(items);
        }
        emit_line(e, "    %s;", emit_text(&line));
        e->oom |= line.oom;
        emit_free(&line);
        emit_line(e, "};");
        /* Every spelling with this C type is done too. */
        for (size_t j = i + 1; j < iface->ncontainers; j++)
            done_arr[j] |= strcmp(iface->containers[j]->cname, c->cname) == 0;
        return;
    }
}

static void emit_type(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface, size_t i, bool *done,
                      bool *done_arr)
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

/* enum calc_color { CALC_COLOR_RED = 0, ... }; an open enum gets one
 * more constant that makes the type as wide as int32, so that it holds
 * the values a newer peer sends. */
static void emit_enum(const struct gen *g, struct emit *e,
                      const struct idl_enum *en)
{
    emit_printf(e, "\n");
    gen_doc(e, en->doc);
    emit_printf(e, "/* %s:%d: %senum %s */\n", g->idl_name,
                en->loc.first_line, en->open ? "open " : "", en->name);
    emit_line(e, "enum " CNAME_ENUM " {", en->prefix, en->name);
    e->indent++;
    for (size_t k = 0; k < en->nvalues; k++) {
        char *c = enum_value_cname(en->prefix, en->name, en->values[k].name);

        if (c == NULL)
            e->oom = true;
        else
            emit_line(e, "%s = %lld%s", c, en->values[k].value,
                      k + 1 < en->nvalues || en->open ? "," : "");
        free(c);
    }
    if (en->open) {
        char *c = enum_value_cname(en->prefix, en->name, OPEN_ENUM_WIDTH);

        if (c == NULL)
            e->oom = true;
        else
            emit_line(e, "%s = INT32_MAX /* not a value: holds any int32 */",
                      c);
        free(c);
    }
    e->indent--;
    emit_line(e, "};");
}

/* "const int32_t *NAME": a pointer to elements of type REF. */
static void emit_elems(struct emit *e, const struct idl_type_ref *ref,
                       const char *name)
{
    struct emit line;
    char *star = str_printf("*%s", name);
    const char *ctype = ref->type->c_type;

    emit_init(&line);
    /* A string is "const char *" already: its array is "const char **". */
    if (ctype == NULL || strncmp(ctype, "const ", 6) != 0)
        emit_printf(&line, "const ");
    if (star != NULL)
        gen_var(&line, ref, star, ROLE_VALUE);
    emit_line(e, "%s;", emit_text(&line));
    e->oom |= line.oom || star == NULL;
    emit_free(&line);
    free(star);
}

/* struct calc_seq_int32 { size_t n; const int32_t *items; }, once per C
 * type; and struct calc_map_string_int32 with keys and values. */
static void emit_containers(struct emit *e, const struct idl_iface *iface)
{
    for (size_t i = 0; i < iface->ncontainers; i++) {
        const struct idl_type_ref *ref = iface->containers[i];
        bool seen = false;

        for (size_t j = 0; j < i; j++)
            seen |= strcmp(iface->containers[j]->cname, ref->cname) == 0;
        /* Fixed arrays hold their items by value: they go with the
         * structs, in the order that needs. */
        if (seen || ref->type->kind == IDL_ARRAY)
            continue;
        emit_blank(e);
        emit_line(e, "struct " CNAME_STRUCT " {", ref->prefix, ref->cname);
        e->indent++;
        emit_line(e, "size_t n;");
        if (ref->type->kind == IDL_SEQUENCE) {
            emit_elems(e, ref->args[0], "items");
        } else {
            emit_elems(e, ref->args[0], "keys");
            emit_elems(e, ref->args[1], "values");
        }
        e->indent--;
        emit_line(e, "};");
    }
}

/* The C spelling of integer constant C: 64, (-5), UINT64_C(...), and
 * (-MAX - 1) for a minimum that has no literal of its own type. */
static char *const_value(const struct idl_const *c)
{
    static const char *const macro[] = {
        [IDL_INT64] = "INT64_C", [IDL_UINT64] = "UINT64_C",
        [IDL_UINT32] = "UINT32_C",
    };
    enum idl_kind k = c->type.type->kind;
    const char *m = (size_t)k < sizeof macro / sizeof macro[0] ? macro[k]
                                                                : NULL;
    unsigned long long v = strtoull(c->text, NULL, 10);

    if (c->negative && v == 0)
        return str_printf("0");
    if (c->negative && ((k == IDL_INT32 && v == 2147483648ULL)
                        || (k == IDL_INT64 && v == 9223372036854775808ULL)))
        return str_printf(m ? "(-%s(%llu) - 1)" : "(-%s%llu - 1)",
                          m ? m : "", v - 1);
    if (c->negative)
        return str_printf(m ? "(-%s(%llu))" : "(-%s%llu)", m ? m : "", v);
    return str_printf(m ? "%s(%llu)" : "%s%llu", m ? m : "", v);
}

/* #define CALC_MAX_NAME 64 */
static void emit_const(const struct gen *g, struct emit *e,
                       const struct idl_const *c)
{
    char *name = const_cname(c->prefix, c->name);
    char *value = c->is_string ? str_printf("%s", c->text) : const_value(c);
    struct emit line;

    emit_init(&line);
    gen_type_text(&line, &c->type);
    gen_doc(e, c->doc);
    emit_printf(e, "/* %s:%d: const %s %s = %s%s; */\n", g->idl_name,
                c->decl_loc.first_line, emit_text(&line), c->name,
                c->negative ? "-" : "", c->text);
    if (name == NULL || value == NULL)
        e->oom = true;
    else
        emit_line(e, "#define %s %s", name, value);
    e->oom |= line.oom;
    emit_free(&line);
    free(name);
    free(value);
}

static void emit_struct_types(const struct gen *g, struct emit *e,
                              const struct idl_iface *iface);
static void emit_typedefs(const struct gen *g, struct emit *e,
                          const struct idl_iface *iface);

void gen_struct_types(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface)
{
    emit_struct_types(g, e, iface);
    emit_typedefs(g, e, iface);
}

static void emit_struct_types(const struct gen *g, struct emit *e,
                              const struct idl_iface *iface)
{
    bool *done, *done_arr;
    bool lists = false;

    if (iface->nconsts > 0)
        emit_blank(e);
    for (size_t i = 0; i < iface->nconsts; i++)
        emit_const(g, e, iface->consts[i]);

    for (size_t i = 0; i < iface->nenums; i++)
        emit_enum(g, e, iface->enums[i]);

    for (size_t i = 0; i < iface->ncontainers; i++)
        lists |= iface->containers[i]->type->kind != IDL_ARRAY;
    if (lists) {
        emit_printf(e, "\n/* Sequences (n items) and maps (n keys and values) "
                    "of %s. */", g->idl_name);
        emit_containers(e, iface);
    }
    done = calloc(iface->nstructs + 1, sizeof *done);
    done_arr = calloc(iface->ncontainers + 1, sizeof *done_arr);
    if (done == NULL || done_arr == NULL) {
        free(done);
        free(done_arr);
        e->oom = true;
        return;
    }
    for (size_t i = 0; i < iface->nstructs; i++)
        emit_type(g, e, iface, i, done, done_arr);
    for (size_t i = 0; i < iface->ncontainers; i++)
        emit_held(g, e, iface, iface->containers[i], done, done_arr);
    free(done);
    free(done_arr);
}

/* typedef struct calc_seq_point calc_path; after every type it may name. */
static void emit_typedefs(const struct gen *g, struct emit *e,
                          const struct idl_iface *iface)
{
    for (size_t i = 0; i < iface->ntypedefs; i++) {
        const struct idl_typedef *td = iface->typedefs[i];
        struct emit line;
        char *name = str_printf(CNAME_STRUCT, td->prefix, td->name);

        emit_init(&line);
        gen_type_text(&line, &td->type);
        emit_printf(e, "\n/* %s:%d: typedef %s %s */\n", g->idl_name,
                    td->loc.first_line, emit_text(&line), td->name);
        emit_free(&line);
        emit_init(&line);
        if (name != NULL)
            gen_var(&line, &td->type, name, ROLE_VALUE);
        emit_line(e, "typedef %s;", emit_text(&line));
        e->oom |= line.oom || name == NULL;
        emit_free(&line);
        free(name);
    }
}

bool gen_file_has_structs(const struct idl_file *file)
{
    for (size_t i = 0; i < file->nifaces; i++) {
        if (file->ifaces[i]->nstructs > 0)
            return true;
    }
    return false;
}

/* ---- which codecs a file needs ----------------------------------- */

/* Marks REF's struct or enum and every struct and enum reachable from
 * its fields, in NEED (structs) and NEED_ENUM. */
static void mark(const struct idl_iface *iface, const struct idl_type_ref *ref,
                 bool *need, bool *need_enum, bool *need_c)
{
    size_t i;

    if (ref->type->kind == IDL_SEQUENCE || ref->type->kind == IDL_MAP
        || ref->type->kind == IDL_ARRAY) {
        for (i = 0; i < iface->ncontainers; i++) {
            if (strcmp(iface->containers[i]->codec, ref->codec) == 0)
                need_c[i] = true;
        }
        for (size_t k = 0; k < ref->nargs; k++)
            mark(iface, ref->args[k], need, need_enum, need_c);
        return;
    }
    if (ref->edecl != NULL) {
        for (i = 0; i < iface->nenums; i++) {
            if (iface->enums[i] == ref->edecl)
                need_enum[i] = true;
        }
        return;
    }
    if (ref->decl == NULL)
        return;
    i = struct_index(iface, ref->decl);
    if (need[i])
        return;
    need[i] = true;
    if (ref->decl->is_union)
        mark(iface, &ref->decl->disc, need, need_enum, need_c);
    for (size_t k = 0; k < ref->decl->nfields; k++)
        mark(iface, &ref->decl->fields[k].type, need, need_enum, need_c);
}

/* get_calc_color(): an int32 that, unless the enum is open, is one of
 * its values. */
static void emit_enum_getter(const struct gen *g, struct emit *e,
                             const struct idl_enum *en)
{
    struct emit line;

    emit_printf(e, "\n/* %s:%d: %senum %s, from an integer */\n", g->idl_name,
                en->loc.first_line, en->open ? "open " : "", en->name);
    emit_init(&line);
    emit_printf(&line, "static int " CNAME_GET_ENUM "(const msgpack_object *o, "
                "enum " CNAME_ENUM " *out)", en->prefix, en->name, en->prefix,
                en->name);
    emit_wrapped(e, emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "int32_t v;");
    emit_blank(e);
    emit_line(e, "if (srpc_get_int32(o, &v) != SRPC_OK)");
    emit_line(e, "    return SRPC_ETYPE;");
    if (!en->open) {
        emit_line(e, "switch (v) {");
        for (size_t k = 0; k < en->nvalues; k++) {
            char *c = enum_value_cname(en->prefix, en->name,
                                       en->values[k].name);
            if (c == NULL)
                e->oom = true;
            else
                emit_line(e, "case %s:", c);
            free(c);
        }
        emit_line(e, "    break;");
        emit_line(e, "default:");
        emit_line(e, "    return SRPC_ETYPE; /* not one of its values */");
        emit_line(e, "}");
    }
    emit_line(e, "*out = (enum " CNAME_ENUM ")v;", en->prefix, en->name);
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
}

/* ---- encoders ---------------------------------------------------- */

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

static void encode_head(struct emit *e, const struct idl_struct *st,
                        const char *end)
{
    gen_codec_head(e, true, st->prefix, st->name, st->name, end);
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
        checked |= nested_checked(&f->type);
    }
    emit_printf(e, "\n/* %s:%d: struct %s, as a map keyed by field name */\n",
                g->idl_name, st->loc.first_line, st->name);
    encode_head(e, st, "");
    emit_line(e, "{");
    e->indent++;
    if (optional)
        emit_line(e, "uint32_t n = %zu;", required);
    if (checked)
        emit_line(e, "int rc;");
    if (optional || checked)
        emit_blank(e);
    emit_line(e, "if (v == NULL)");
    wrapped_line(e, "    return srpc_derr_set(err, SRPC_EINVAL, \"struct %s\", "
                 "NULL);", st->name);
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
            if (nested_checked(&f->type))
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

static void decode_head(struct emit *e, const struct idl_struct *st,
                        const char *end)
{
    gen_codec_head(e, false, st->prefix, st->name, st->name, end);
}

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
                g->idl_name, st->loc.first_line, st->name);
    decode_head(e, st, "");
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
    wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETYPE, \"struct %s\", o);",
                 st->name);
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

/* ---- sequences and maps ----------------------------------------- */


static void container_encode_head(struct emit *e,
                                  const struct idl_type_ref *ref,
                                  const char *end)
{
    gen_codec_head(e, true, ref->prefix, ref->codec, ref->cname, end);
}

static void container_decode_head(struct emit *e,
                                  const struct idl_type_ref *ref,
                                  const char *end)
{
    gen_codec_head(e, false, ref->prefix, ref->codec, ref->cname, end);
}

/* Packs element EXPR of type REF, or fails with its index in the path. */
static void pack_elem(struct emit *e, const struct idl_type_ref *ref,
                      const char *expr)
{
    if (nested_checked(ref))
        gen_pack_checked_value(e, ref, "pk", expr, false, "err",
                               "srpc_derr_index(err, i)");
    else
        gen_pack(e, ref->type, "pk", expr);
}

/* T[N]: exactly N items, as a msgpack array. */
static void emit_array_encoder(struct emit *e, const struct idl_type_ref *ref)
{
    char *type = gen_type_name(ref);

    emit_printf(e, "\n/* %s, as a msgpack array */\n", type ? type : "");
    container_encode_head(e, ref, "");
    emit_line(e, "{");
    e->indent++;
    if (nested_checked(ref->args[0])) {
        emit_line(e, "int rc;");
        emit_blank(e);
    }
    emit_line(e, "if (v == NULL)");
    wrapped_line(e, "    return srpc_derr_set(err, SRPC_EINVAL, \"%s\", "
                 "NULL);", type ? type : "");
    emit_line(e, "msgpack_pack_array(pk, %llu);", ref->bound);
    emit_line(e, "for (size_t i = 0; i < %llu; i++) {", ref->bound);
    e->indent++;
    pack_elem(e, ref->args[0], "v->items[i]");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
    e->oom |= type == NULL;
    free(type);
}

static void emit_container_encoder(struct emit *e,
                                   const struct idl_type_ref *ref)
{
    char *type = gen_type_name(ref);
    bool seq = ref->type->kind == IDL_SEQUENCE;
    bool checked = false;

    for (size_t k = 0; k < ref->nargs; k++)
        checked |= nested_checked(ref->args[k]);
    emit_printf(e, "\n/* %s, as a msgpack %s */\n", type ? type : "",
                seq ? "array" : "map");
    container_encode_head(e, ref, "");
    emit_line(e, "{");
    e->indent++;
    if (checked) {
        emit_line(e, "int rc;");
        emit_blank(e);
    }
    if (seq)
        emit_line(e, "if (v == NULL || (v->n > 0 && v->items == NULL))");
    else
        emit_line(e, "if (v == NULL || (v->n > 0 && (v->keys == NULL "
                  "|| v->values == NULL)))");
    wrapped_line(e, "    return srpc_derr_set(err, SRPC_EINVAL, \"%s\", "
                 "NULL);", type ? type : "");
    /* uint64_t: no "always false" warning where size_t is 32 bits. */
    if (ref->bound > 0)
        emit_line(e, "if ((uint64_t)v->n > %llu)", ref->bound);
    else
        emit_line(e, "if ((uint64_t)v->n > UINT32_MAX)");
    wrapped_line(e, "    return srpc_derr_count(err, \"%s\", v->n);",
                 type ? type : "");
    if (seq)
        emit_line(e, "msgpack_pack_array(pk, (uint32_t)v->n);");
    else
        emit_line(e, "msgpack_pack_map(pk, (uint32_t)v->n);");
    emit_line(e, "for (size_t i = 0; i < v->n; i++) {");
    e->indent++;
    if (seq) {
        pack_elem(e, ref->args[0], "v->items[i]");
    } else {
        pack_elem(e, ref->args[0], "v->keys[i]");
        pack_elem(e, ref->args[1], "v->values[i]");
    }
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
    if (type == NULL)
        e->oom = true;
    free(type);
}

/* Decodes OBJ into DST (an element of type REF); leaves rc set and, on
 * failure, ERR filled. */
static void get_elem(struct emit *e, const struct idl_type_ref *ref,
                     const char *obj, const char *dst)
{
    struct emit call, line;
    char *type = gen_type_name(ref);

    emit_init(&call);
    gen_get_call(&call, ref, obj, "arena", dst, "err");
    emit_init(&line);
    emit_printf(&line, "rc = %s;", emit_text(&call));
    emit_wrapped(e, emit_text(&line));
    if (gen_is_aggregate(ref)) {
        emit_line(e, "if (rc != SRPC_OK)");
        emit_line(e, "    return srpc_derr_index(err, i);");
    } else {
        emit_line(e, "if (rc != SRPC_OK) {");
        wrapped_line(e, "    srpc_derr_set(err, rc, \"%s\", %s);",
                     type ? type : "", obj);
        emit_line(e, "    return srpc_derr_index(err, i);");
        emit_line(e, "}");
    }
    e->oom |= call.oom || line.oom || type == NULL;
    emit_free(&call);
    emit_free(&line);
    free(type);
}

/* "int32_t *NAME" for a local array of elements of type REF. */
static void local_elems(struct emit *e, const struct idl_type_ref *ref,
                        const char *name)
{
    struct emit line;
    char *star = str_printf("*%s", name);

    emit_init(&line);
    if (star != NULL)
        gen_var(&line, ref, star, ROLE_VALUE);
    emit_line(e, "%s;", emit_text(&line));
    e->oom |= line.oom || star == NULL;
    emit_free(&line);
    free(star);
}

static void alloc_elems(struct emit *e, const char *name)
{
    emit_line(e, "%s = srpc_arena_alloc(arena, n * sizeof *%s);", name, name);
    emit_line(e, "if (%s == NULL)", name);
    emit_line(e, "    return srpc_derr_nomem(err);");
}

static void emit_array_decoder(struct emit *e, const struct idl_type_ref *ref)
{
    char *type = gen_type_name(ref);
    const char *t = type ? type : "";

    emit_printf(e, "\n/* %s, from a msgpack array of exactly %llu */\n", t,
                ref->bound);
    container_decode_head(e, ref, "");
    emit_line(e, "{");
    e->indent++;
    if (!gen_needs_arena(ref->args[0]))
        emit_line(e, "(void)arena; /* no item needs memory */");
    emit_line(e, "if (o->type != MSGPACK_OBJECT_ARRAY)");
    wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETYPE, \"%s\", o);",
                 t);
    emit_line(e, "if (o->via.array.size != %llu)", ref->bound);
    wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETOOBIG, \"%s\", o);",
                 t);
    emit_line(e, "for (uint32_t i = 0; i < %llu; i++) {", ref->bound);
    e->indent++;
    emit_line(e, "int rc;");
    emit_blank(e);
    get_elem(e, ref->args[0], "&o->via.array.ptr[i]", "&out->items[i]");
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
    e->oom |= type == NULL;
    free(type);
}

static void emit_container_decoder(struct emit *e,
                                   const struct idl_type_ref *ref)
{
    char *type = gen_type_name(ref);
    bool seq = ref->type->kind == IDL_SEQUENCE;
    const char *what = seq ? "array" : "map";
    const char *t = type ? type : "";

    emit_printf(e, "\n/* %s, from a msgpack %s */\n", t, what);
    container_decode_head(e, ref, "");
    emit_line(e, "{");
    e->indent++;
    if (seq) {
        local_elems(e, ref->args[0], "items");
    } else {
        local_elems(e, ref->args[0], "keys");
        local_elems(e, ref->args[1], "values");
    }
    emit_line(e, "uint32_t n;");
    emit_blank(e);
    emit_line(e, "if (o->type != MSGPACK_OBJECT_%s)", seq ? "ARRAY" : "MAP");
    wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETYPE, \"%s\", o);",
                 t);
    emit_line(e, "n = o->via.%s.size;", what);
    if (ref->bound > 0) {
        emit_line(e, "if (n > %llu)", ref->bound);
        wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETOOBIG, "
                     "\"%s\", o);", t);
    }
    /* The runtime's scan already checked that n elements fit in the
     * message, so n is small enough to allocate. */
    if (seq) {
        alloc_elems(e, "items");
    } else {
        alloc_elems(e, "keys");
        alloc_elems(e, "values");
    }
    emit_line(e, "for (uint32_t i = 0; i < n; i++) {");
    e->indent++;
    emit_line(e, "int rc;");
    emit_blank(e);
    if (seq) {
        get_elem(e, ref->args[0], "&o->via.array.ptr[i]", "&items[i]");
    } else {
        get_elem(e, ref->args[0], "&o->via.map.ptr[i].key", "&keys[i]");
        get_elem(e, ref->args[1], "&o->via.map.ptr[i].val", "&values[i]");
    }
    e->indent--;
    emit_line(e, "}");
    emit_line(e, "out->n = n;");
    if (seq) {
        emit_line(e, "out->items = items;");
    } else {
        emit_line(e, "out->keys = keys;");
        emit_line(e, "out->values = values;");
    }
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
    if (type == NULL)
        e->oom = true;
    free(type);
}

bool gen_struct_codecs(const struct gen *g, struct emit *e,
                       const struct idl_iface *iface, bool params,
                       bool encode)
{
    bool *need, *need_enum, *need_c;
    bool any = false, structs = false;

    if (iface->nstructs == 0 && iface->nenums == 0
        && iface->ncontainers == 0)
        return false;
    need = calloc(iface->nstructs + 1, sizeof *need);
    need_enum = calloc(iface->nenums + 1, sizeof *need_enum);
    need_c = calloc(iface->ncontainers + 1, sizeof *need_c);
    if (need == NULL || need_enum == NULL || need_c == NULL) {
        free(need);
        free(need_enum);
        free(need_c);
        e->oom = true;
        return false;
    }
    for (size_t i = 0; i < iface->nprocs; i++) {
        const struct idl_proc *proc = iface->procs[i];
        if (params) {
            for (size_t k = 0; k < proc->nparams; k++)
                mark(iface, &proc->params[k].type, need, need_enum, need_c);
        } else {
            mark(iface, &proc->result, need, need_enum, need_c);
        }
    }
    /* Enums encode as plain integers: only decoding needs a function. */
    for (size_t i = 0; !encode && i < iface->nenums; i++) {
        if (need_enum[i]) {
            emit_enum_getter(g, e, iface->enums[i]);
            any = true;
        }
    }
    free(need_enum);
    for (size_t i = 0; i < iface->nstructs; i++)
        structs |= need[i];
    for (size_t i = 0; i < iface->ncontainers; i++)
        structs |= need_c[i];
    any |= structs;
    if (structs) {
        /* Prototypes first: structs may refer to each other. */
        emit_blank(e);
        for (size_t i = 0; i < iface->ncontainers; i++) {
            if (!need_c[i])
                continue;
            if (encode)
                container_encode_head(e, iface->containers[i], ";");
            else
                container_decode_head(e, iface->containers[i], ";");
        }
        for (size_t i = 0; i < iface->nstructs; i++) {
            if (!need[i])
                continue;
            if (encode)
                encode_head(e, iface->structs[i], ";");
            else
                decode_head(e, iface->structs[i], ";");
        }
        for (size_t i = 0; i < iface->ncontainers; i++) {
            if (!need_c[i])
                continue;
            const struct idl_type_ref *c = iface->containers[i];
            bool array = c->type->kind == IDL_ARRAY;

            if (encode && array)
                emit_array_encoder(e, c);
            else if (encode)
                emit_container_encoder(e, c);
            else if (array)
                emit_array_decoder(e, c);
            else
                emit_container_decoder(e, c);
        }
        for (size_t i = 0; i < iface->nstructs; i++) {
            if (!need[i])
                continue;
            const struct idl_struct *st = iface->structs[i];

            if (encode && st->is_union)
                gen_union_encoder(g, e, st);
            else if (encode)
                emit_encoder(g, e, st);
            else if (st->is_union)
                gen_union_decoder(g, e, st);
            else
                emit_decoder(g, e, st);
        }
    }
    free(need);
    free(need_c);
    return any;
}

static bool ref_uses_any(const struct idl_type_ref *ref)
{
    if (ref->type != NULL && ref->type->kind == IDL_ANY)
        return true;
    for (size_t i = 0; i < ref->nargs; i++) {
        if (ref_uses_any(ref->args[i]))
            return true;
    }
    return false;
}

bool gen_file_uses_any(const struct idl_file *file)
{
    for (size_t i = 0; i < file->nifaces; i++) {
        const struct idl_iface *iface = file->ifaces[i];

        for (size_t k = 0; k < iface->nprocs; k++) {
            const struct idl_proc *proc = iface->procs[k];
            if (ref_uses_any(&proc->result))
                return true;
            for (size_t j = 0; j < proc->nparams; j++) {
                if (ref_uses_any(&proc->params[j].type))
                    return true;
            }
        }
        for (size_t k = 0; k < iface->nstructs; k++) {
            const struct idl_struct *st = iface->structs[k];
            for (size_t j = 0; j < st->nfields; j++) {
                if (ref_uses_any(&st->fields[j].type))
                    return true;
            }
        }
    }
    return false;
}
