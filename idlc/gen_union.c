#include "config.h"

/*
 * gen_union.c - what a discriminated union of the .idl becomes.
 *
 *     union value switch (kind) { case NUM: double number; case NONE: void; }
 *
 * is, in C, a struct holding the discriminant in a member "tag" and the
 * arms in an anonymous union (C11):
 *
 *     struct calc_value { enum calc_kind tag; union { double number; }; };
 *
 * and on the wire the two-element array [discriminant, value], the value
 * nil for a void arm.  A discriminant that names no arm is refused by
 * both sides: the encoder before it packs anything, the decoder with the
 * path of the bad value.  The union shares the struct's machinery (its
 * namespace, its place among a file's types, its codec names and
 * prototypes); only the three functions below differ.
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "names.h"

/* The C expression of ARM's label: "CALC_KIND_NUM", "-3", "7u". */
static char *label_expr(const struct idl_struct *un,
                        const struct idl_field *arm)
{
    const struct idl_type_ref *disc = &un->disc;

    if (disc->edecl != NULL)
        return enum_value_cname(disc->edecl->prefix, disc->edecl->name,
                                arm->label);
    switch (disc->type->kind) {
    case IDL_UINT8: case IDL_UINT16: case IDL_UINT32: case IDL_UINT64:
        return str_printf("%lluu", (unsigned long long)arm->label_value);
    default:
        /* -2^63 is not a C literal: its digits overflow before the minus
         * applies. */
        if (arm->label_value == INT64_MIN)
            return str_printf("INT64_MIN");
        return str_printf("%lld", arm->label_value);
    }
}

/* "case LABEL:" for ARM, at E's indentation. */
static void emit_case(struct emit *e, const struct idl_struct *un,
                      const struct idl_field *arm)
{
    char *label = label_expr(un, arm);

    if (label == NULL)
        e->oom = true;
    else
        emit_line(e, "case %s:", label);
    free(label);
}

static bool has_value(const struct idl_field *arm)
{
    return arm->name != NULL;
}

/* True when packing ARM's value can fail (see gen_nested_checked()). */
static bool arm_checked(const struct idl_field *arm)
{
    return has_value(arm) && gen_nested_checked(&arm->type);
}

/* ---- the header -------------------------------------------------- */

void gen_union_type(const struct gen *g, struct emit *e,
                    const struct idl_struct *un)
{
    struct emit line;
    size_t values = 0;

    for (size_t k = 0; k < un->nfields; k++)
        values += has_value(&un->fields[k]);
    emit_printf(e, "\n");
    gen_doc(e, un->doc);
    emit_printf(e, "/* %s:%d: union %s switch (%s) */\n", g->idl_name,
                un->loc.first_line, un->name, un->disc.name);
    emit_line(e, "struct " CNAME_STRUCT " {", un->prefix, un->name);
    e->indent++;
    emit_init(&line);
    gen_var(&line, &un->disc, UNION_TAG, ROLE_VALUE);
    emit_line(e, "%s; /* which arm holds the value */", emit_text(&line));
    e->oom |= line.oom;
    emit_free(&line);
    if (values > 0) {
        emit_line(e, "union {");
        e->indent++;
    }
    for (size_t k = 0; k < un->nfields; k++) {
        const struct idl_field *arm = &un->fields[k];

        gen_doc(e, arm->doc);
        if (!has_value(arm)) {
            emit_line(e, "/* case %s%s: no value */",
                      arm->label_negative ? "-" : "", arm->label);
            continue;
        }
        emit_init(&line);
        gen_var(&line, &arm->type, arm->name, ROLE_VALUE);
        emit_line(e, "%s; /* case %s%s */", emit_text(&line),
                  arm->label_negative ? "-" : "", arm->label);
        e->oom |= line.oom;
        emit_free(&line);
    }
    if (values > 0) {
        e->indent--;
        emit_line(e, "};");
    }
    e->indent--;
    emit_line(e, "};");
}

/* ---- the encoder ------------------------------------------------- */

/* Packs ARM's value, v->NAME (nil for a void arm), then returns. */
static void encode_arm(struct emit *e, const struct idl_field *arm)
{
    char *expr, *fail;

    if (!has_value(arm)) {
        emit_line(e, "msgpack_pack_nil(pk);");
        emit_line(e, "return SRPC_OK;");
        return;
    }
    expr = str_printf("v->%s", arm->name);
    fail = str_printf("srpc_derr_in(err, \"%s\")", arm->name);
    if (expr == NULL || fail == NULL) {
        e->oom = true;
    } else if (arm_checked(arm)) {
        gen_pack_checked_value(e, &arm->type, "pk", expr, false, "err",
                               fail);
    } else {
        gen_pack(e, arm->type.type, "pk", expr);
    }
    emit_line(e, "return SRPC_OK;");
    free(expr);
    free(fail);
}

void gen_union_encoder(const struct gen *g, struct emit *e,
                       const struct idl_struct *un)
{
    bool checked = false;

    for (size_t k = 0; k < un->nfields; k++)
        checked |= arm_checked(&un->fields[k]);
    emit_printf(e, "\n/* %s:%d: union %s, as [discriminant, value] */\n",
                gen_decl_file(g, un->prefix), un->loc.first_line,
                un->name);
    gen_codec_head(e, true, un->prefix, un->name, un->name, "");
    emit_line(e, "{");
    e->indent++;
    if (checked) {
        emit_line(e, "int rc;");
        emit_blank(e);
    }
    emit_line(e, "if (v == NULL)");
    emit_line(e, "    return srpc_derr_set(err, SRPC_EINVAL, \"union %s\", "
              "NULL);", un->name);
    /* Checked before anything is packed: a bad tag leaves no half value. */
    emit_line(e, "switch (v->" UNION_TAG ") {");
    for (size_t k = 0; k < un->nfields; k++)
        emit_case(e, un, &un->fields[k]);
    emit_line(e, "    break;");
    emit_line(e, "default:");
    /* An enum is an int32 on the wire, whatever C makes of it: a tag of
     * an enum without negative values may be unsigned. */
    emit_line(e, "    return srpc_derr_no_arm(err, \"union %s\", "
              "(%s)v->" UNION_TAG ");", un->name,
              un->disc.edecl != NULL ? "int32_t" : "int64_t");
    emit_line(e, "}");
    emit_line(e, "msgpack_pack_array(pk, 2);");
    gen_pack(e, un->disc.type, "pk", "v->" UNION_TAG);
    emit_line(e, "switch (v->" UNION_TAG ") {");
    for (size_t k = 0; k < un->nfields; k++) {
        emit_case(e, un, &un->fields[k]);
        e->indent++;
        encode_arm(e, &un->fields[k]);
        e->indent--;
    }
    emit_line(e, "default:");
    emit_line(e, "    return SRPC_OK; /* not reached: checked above */");
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
}

/* ---- the decoder ------------------------------------------------- */

/* Decodes VAL into out->NAME for ARM (a nil for a void arm), then
 * returns. */
static void decode_arm(struct emit *e, const struct idl_struct *un,
                       const struct idl_field *arm)
{
    struct emit call;
    char *dst, *type;

    if (!has_value(arm)) {
        /* No arm name to put in the path: the message names the case. */
        emit_line(e, "if (val->type != MSGPACK_OBJECT_NIL)");
        emit_line(e, "    return srpc_derr_set(err, SRPC_ETYPE,");
        emit_line(e, "                         \"nil (case %s%s of union %s)\", "
                  "val);", arm->label_negative ? "-" : "", arm->label,
                  un->name);
        emit_line(e, "return SRPC_OK;");
        return;
    }
    dst = str_printf("&out->%s", arm->name);
    type = gen_type_name(&arm->type);
    emit_init(&call);
    gen_get_call(&call, &arm->type, "val", "arena", dst ? dst : "", "err");
    emit_printf(&call, ";");
    gen_emit_rc_assign(e, &call);
    emit_free(&call);
    if (gen_is_aggregate(&arm->type)) {
        /* Its decoder said what was wrong inside it. */
        emit_line(e, "if (rc != SRPC_OK)");
        emit_line(e, "    return srpc_derr_in(err, \"%s\");", arm->name);
    } else {
        emit_line(e, "if (rc != SRPC_OK) {");
        emit_line(e, "    srpc_derr_set(err, rc, \"%s\", val);",
                  type ? type : "");
        emit_line(e, "    return srpc_derr_in(err, \"%s\");", arm->name);
        emit_line(e, "}");
    }
    emit_line(e, "return SRPC_OK;");
    if (dst == NULL || type == NULL)
        e->oom = true;
    free(dst);
    free(type);
}

void gen_union_decoder(const struct gen *g, struct emit *e,
                       const struct idl_struct *un)
{
    struct emit call;
    bool arena = false;

    for (size_t k = 0; k < un->nfields; k++) {
        const struct idl_field *arm = &un->fields[k];
        arena |= has_value(arm) && gen_needs_arena(&arm->type);
    }
    emit_printf(e, "\n/* %s:%d: union %s, from [discriminant, value] */\n",
                gen_decl_file(g, un->prefix), un->loc.first_line,
                un->name);
    gen_codec_head(e, false, un->prefix, un->name, un->name, "");
    emit_line(e, "{");
    e->indent++;
    emit_line(e, "const msgpack_object *val;");
    emit_line(e, "int rc;");
    emit_blank(e);
    if (!arena)
        emit_line(e, "(void)arena; /* no arm needs memory */");
    /* Not an array, or one of another length: as for a fixed array, the
     * message says which ("got map", "got 3 items"). */
    emit_line(e, "if (o->type != MSGPACK_OBJECT_ARRAY)");
    emit_line(e, "    return srpc_derr_set(err, SRPC_ETYPE, \"union %s\", o);",
              un->name);
    emit_line(e, "if (o->via.array.size != 2)");
    emit_line(e, "    return srpc_derr_set(err, SRPC_ETOOBIG, \"union %s\", o);",
              un->name);
    emit_line(e, "memset(out, 0, sizeof *out);");
    emit_init(&call);
    gen_get_call(&call, &un->disc, "&o->via.array.ptr[0]", "arena",
                 "&out->" UNION_TAG, "err");
    emit_printf(&call, ";");
    gen_emit_rc_assign(e, &call);
    emit_free(&call);
    emit_line(e, "if (rc != SRPC_OK)");
    emit_line(e, "    return srpc_derr_set(err, rc, \"a case of union %s\",",
              un->name);
    emit_line(e, "                         &o->via.array.ptr[0]);");
    emit_line(e, "val = &o->via.array.ptr[1];");
    emit_line(e, "switch (out->" UNION_TAG ") {");
    for (size_t k = 0; k < un->nfields; k++) {
        emit_case(e, un, &un->fields[k]);
        e->indent++;
        decode_arm(e, un, &un->fields[k]);
        e->indent--;
    }
    emit_line(e, "default:");
    emit_line(e, "    return srpc_derr_set(err, SRPC_ETYPE, \"a case of "
              "union %s\",", un->name);
    emit_line(e, "                         &o->via.array.ptr[0]);");
    emit_line(e, "}");
    e->indent--;
    emit_line(e, "}");
}
