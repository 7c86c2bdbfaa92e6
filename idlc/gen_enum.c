#include "config.h"

/*
 * gen_enum.c - what an enum of the .idl becomes: its C type in the
 * header, and in the .c files that decode it a static getter that checks
 * the integer on the wire.  An enum encodes as a plain integer, so it
 * needs no encoder.
 */

#include <stdlib.h>

#include "gen.h"
#include "names.h"

/* enum calc_color { CALC_COLOR_RED = 0, ... }; an open enum gets one
 * more constant that makes the type as wide as int32, so that it holds
 * the values a newer peer sends. */
void gen_enum_type(const struct gen *g, struct emit *e,
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

void gen_enum_cases(struct emit *e, const struct idl_enum *en)
{
    for (size_t k = 0; k < en->nvalues; k++) {
        char *c = enum_value_cname(en->prefix, en->name, en->values[k].name);

        if (c == NULL)
            e->oom = true;
        else
            emit_line(e, "case %s:", c);
        free(c);
    }
    emit_line(e, "    break;");
}

/* get_calc_color(): an int32 that, unless the enum is open, is one of
 * its values. */
void gen_enum_getter(const struct gen *g, struct emit *e,
                     const struct idl_enum *en)
{
    struct emit line;

    emit_printf(e, "\n/* %s:%d: %senum %s, from an integer */\n",
                gen_decl_file(g, en->prefix), en->loc.first_line,
                en->open ? "open " : "", en->name);
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
        gen_enum_cases(e, en);
        emit_line(e, "default:");
        emit_line(e, "    return SRPC_ETYPE; /* not one of its values */");
        emit_line(e, "}");
    }
    emit_line(e, "*out = (enum " CNAME_ENUM ")v;", en->prefix, en->name);
    emit_line(e, "return SRPC_OK;");
    e->indent--;
    emit_line(e, "}");
}
