#include "config.h"

/*
 * gen_container.c - what the sequences, maps and fixed arrays of the
 * .idl become: one C struct per C type in the header, and static encode_
 * and decode_ functions in the .c files that need them.  A sequence
 * travels as a msgpack array, a map as a msgpack map, a fixed array T[N]
 * as an array of exactly N items.  Sequences and maps hold their items
 * through pointers (n, items or keys and values); a fixed array holds
 * them by value, so its type goes with the structs, in the order that
 * needs (gen_struct.c calls gen_array_type()).
 */

#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "names.h"
#include "scope.h"

/* ---- the header -------------------------------------------------- */

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
        bool seen = scope_container_cname(iface, ref->cname, NULL) != ref;

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

void gen_container_types(const struct gen *g, struct emit *e,
                         const struct idl_iface *iface)
{
    bool lists = false;

    for (size_t i = 0; i < iface->ncontainers; i++)
        lists |= iface->containers[i]->type->kind != IDL_ARRAY;
    if (lists) {
        emit_printf(e, "\n/* Sequences (n items) and maps (n keys and values) "
                    "of %s. */", g->idl_name);
        emit_containers(e, iface);
    }
}

/* struct calc_arr3_int32 { int32_t items[3]; }, once per C type. */
void gen_array_type(struct emit *e, const struct idl_iface *iface,
                    const struct idl_type_ref *ref, struct lookup *done)
{
    const struct idl_type_ref *c = scope_container_cname(iface, ref->cname,
                                                         NULL);
    struct emit line;
    char *type, *items;

    /* Every spelling with this C type shares the first one's struct. */
    if (c == NULL)
        return;
    switch (lookup_add_str(done, c->cname, (void *)c, NULL)) {
    case LOOKUP_NOMEM:
        e->oom = true;
        return;
    case LOOKUP_FOUND:
        return;
    case LOOKUP_ADDED:
        break;
    }
    type = gen_type_name(ref);
    emit_printf(e, "\n/* %s */\n", type ? type : "");
    free(type);
    emit_line(e, "struct " CNAME_STRUCT " {", ref->prefix, ref->cname);
    emit_init(&line);
    items = str_printf("items[%llu]", ref->bound);
    if (items != NULL)
        gen_var(&line, ref->args[0], items, ROLE_VALUE);
    e->oom |= items == NULL;
    free(items);
    emit_line(e, "    %s;", emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    emit_line(e, "};");
}

/* ---- encoders and decoders --------------------------------------- */

void gen_container_head(struct emit *e, const struct idl_type_ref *ref,
                        bool encode, const char *end)
{
    gen_codec_head(e, encode, ref->prefix, ref->codec, ref->cname, end);
}

/* Packs element EXPR of type REF, or fails with its index in the path. */
static void pack_elem(struct emit *e, const struct idl_type_ref *ref,
                      const char *expr)
{
    if (gen_nested_checked(ref))
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
    gen_container_head(e, ref, true, "");
    emit_line(e, "{");
    e->indent++;
    if (gen_nested_checked(ref->args[0])) {
        emit_line(e, "int rc;");
        emit_blank(e);
    }
    emit_line(e, "if (v == NULL)");
    gen_wrapped_line(e, "    return srpc_derr_set(err, SRPC_EINVAL, \"%s\", "
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
        checked |= gen_nested_checked(ref->args[k]);
    emit_printf(e, "\n/* %s, as a msgpack %s */\n", type ? type : "",
                seq ? "array" : "map");
    gen_container_head(e, ref, true, "");
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
    gen_wrapped_line(e, "    return srpc_derr_set(err, SRPC_EINVAL, \"%s\", "
                     "NULL);", type ? type : "");
    /* uint64_t: no "always false" warning where size_t is 32 bits. */
    if (ref->bound > 0)
        emit_line(e, "if ((uint64_t)v->n > %llu)", ref->bound);
    else
        emit_line(e, "if ((uint64_t)v->n > UINT32_MAX)");
    gen_wrapped_line(e, "    return srpc_derr_count(err, \"%s\", v->n);",
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
        gen_wrapped_line(e, "    srpc_derr_set(err, rc, \"%s\", %s);",
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
    gen_container_head(e, ref, false, "");
    emit_line(e, "{");
    e->indent++;
    if (!gen_needs_arena(ref->args[0]))
        emit_line(e, "(void)arena; /* no item needs memory */");
    emit_line(e, "if (o->type != MSGPACK_OBJECT_ARRAY)");
    gen_wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETYPE, \"%s\", "
                     "o);", t);
    emit_line(e, "if (o->via.array.size != %llu)", ref->bound);
    gen_wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETOOBIG, "
                     "\"%s\", o);", t);
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
    gen_container_head(e, ref, false, "");
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
    gen_wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETYPE, \"%s\", "
                     "o);", t);
    emit_line(e, "n = o->via.%s.size;", what);
    if (ref->bound > 0) {
        emit_line(e, "if (n > %llu)", ref->bound);
        gen_wrapped_line(e, "    return srpc_derr_set(err, SRPC_ETOOBIG, "
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

void gen_container_codec(struct emit *e, const struct idl_type_ref *ref,
                         bool encode)
{
    bool array = ref->type->kind == IDL_ARRAY;

    if (encode && array)
        emit_array_encoder(e, ref);
    else if (encode)
        emit_container_encoder(e, ref);
    else if (array)
        emit_array_decoder(e, ref);
    else
        emit_container_decoder(e, ref);
}
