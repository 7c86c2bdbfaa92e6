#include "config.h"

/*
 * gen_types.c - the constants and types of an interface as a whole: what
 * the header declares and in which order (constants, enums, sequences and
 * maps, structs with the fixed arrays they hold, typedefs), and which
 * codecs a .c file needs and in which order (prototypes first).  What one
 * construct becomes is in gen_enum.c, gen_container.c and gen_struct.c;
 * constants and typedefs, one line each, are written here.
 */

#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "names.h"

/* ---- the header -------------------------------------------------- */

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

void gen_struct_types(const struct gen *g, struct emit *e,
                      const struct idl_iface *iface)
{
    if (iface->nconsts > 0)
        emit_blank(e);
    for (size_t i = 0; i < iface->nconsts; i++)
        emit_const(g, e, iface->consts[i]);
    for (size_t i = 0; i < iface->nenums; i++)
        gen_enum_type(g, e, iface->enums[i]);
    gen_container_types(g, e, iface);
    gen_struct_decls(g, e, iface);
    emit_typedefs(g, e, iface);
}

/* ---- the .c files: which codecs they need ------------------------ */

/* Marks REF's struct, enum or container and every one reachable from its
 * fields or items, in NEED (structs), NEED_ENUM and NEED_C (containers). */
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
    i = gen_struct_index(iface, ref->decl);
    if (need[i])
        return;
    need[i] = true;
    if (ref->decl->is_union)
        mark(iface, &ref->decl->disc, need, need_enum, need_c);
    for (size_t k = 0; k < ref->decl->nfields; k++)
        mark(iface, &ref->decl->fields[k].type, need, need_enum, need_c);
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
            gen_enum_getter(g, e, iface->enums[i]);
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
            gen_container_head(e, iface->containers[i], encode, ";");
        }
        for (size_t i = 0; i < iface->nstructs; i++) {
            if (!need[i])
                continue;
            gen_struct_head(e, iface->structs[i], encode, ";");
        }
        for (size_t i = 0; i < iface->ncontainers; i++) {
            if (!need_c[i])
                continue;
            gen_container_codec(e, iface->containers[i], encode);
        }
        for (size_t i = 0; i < iface->nstructs; i++) {
            if (!need[i])
                continue;
            gen_struct_codec(g, e, iface->structs[i], encode);
        }
    }
    free(need);
    free(need_c);
    return any;
}

/* ---- questions about the whole file ----------------------------- */

bool gen_file_has_structs(const struct idl_file *file)
{
    for (size_t i = 0; i < file->nifaces; i++) {
        if (file->ifaces[i]->nstructs > 0)
            return true;
    }
    return false;
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
