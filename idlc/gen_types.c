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
#include "scope.h"

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

/*
 * The codecs are static, so each .c file has its own, and a file's
 * procedures may reach types of several scopes: their interface, the
 * file's top level, an imported file.  A plan lists those scopes with a
 * flag per struct, enum and container saying whether the file needs its
 * codec; every codec is then written once, whichever interfaces use it.
 */
struct scope_need {
    const struct idl_iface *scope;
    bool *structs;
    bool *enums;
    bool *containers;
    struct lookup codecs;     /* the flag of each container, by codec */
};

struct plan {
    struct scope_need *s;
    size_t n;
};

static bool plan_add(struct plan *p, const struct idl_iface *scope)
{
    struct scope_need *n = &p->s[p->n++];

    n->scope = scope;
    n->structs = calloc(scope->nstructs + 1, sizeof *n->structs);
    n->enums = calloc(scope->nenums + 1, sizeof *n->enums);
    n->containers = calloc(scope->ncontainers + 1, sizeof *n->containers);
    lookup_init(&n->codecs, false);
    if (n->structs == NULL || n->enums == NULL || n->containers == NULL)
        return false;
    /* A scope's codecs have names of their own (sema numbers those of
     * one C type). */
    for (size_t i = 0; i < scope->ncontainers; i++) {
        if (lookup_add_str(&n->codecs, scope->containers[i]->codec,
                           &n->containers[i], NULL) == LOOKUP_NOMEM)
            return false;
    }
    return true;
}

static void plan_free(struct plan *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->s[i].structs);
        free(p->s[i].enums);
        free(p->s[i].containers);
        lookup_free(&p->s[i].codecs);
    }
    free(p->s);
}

/* The imported files' top levels, the file's own, its interfaces. */
static bool plan_init(struct plan *p, const struct idl_file *file)
{
    const struct idl_iface *top = file->scope;
    bool ok = true;

    p->n = 0;
    p->s = calloc(top->nvisible + 1 + file->nifaces, sizeof *p->s);
    if (p->s == NULL)
        return false;
    for (size_t i = 0; i < top->nvisible; i++)
        ok &= plan_add(p, top->visible[i]);
    ok &= plan_add(p, top);
    for (size_t i = 0; i < file->nifaces; i++)
        ok &= plan_add(p, file->ifaces[i]);
    return ok;
}

/* Marks REF's struct, enum or container and every one reachable from its
 * fields or items. */
static void mark(struct plan *p, const struct idl_type_ref *ref)
{
    if (ref->type->kind == IDL_SEQUENCE || ref->type->kind == IDL_MAP
        || ref->type->kind == IDL_ARRAY) {
        /* Two scopes may share a C prefix (an interface named like its
         * file's stem): each marks its own. */
        for (size_t k = 0; k < p->n; k++) {
            struct scope_need *s = &p->s[k];
            bool *need = lookup_get_str(&s->codecs, ref->codec);
            /* The flag's position is the container's. */
            const struct idl_type_ref *c =
                need != NULL ? s->scope->containers[need - s->containers]
                             : NULL;

            if (c != NULL && strcmp(c->prefix, ref->prefix) == 0)
                *need = true;
        }
        for (size_t i = 0; i < ref->nargs; i++)
            mark(p, ref->args[i]);
        return;
    }
    for (size_t k = 0; ref->edecl != NULL && k < p->n; k++) {
        size_t i;

        if (scope_enum_index(p->s[k].scope, ref->edecl, &i))
            p->s[k].enums[i] = true;
    }
    for (size_t k = 0; ref->decl != NULL && k < p->n; k++) {
        const struct idl_struct *st = ref->decl;
        size_t i;

        if (!scope_struct_index(p->s[k].scope, st, &i))
            continue;
        if (p->s[k].structs[i])
            return;
        p->s[k].structs[i] = true;
        if (st->is_union)
            mark(p, &st->disc);
        for (size_t f = 0; f < st->nfields; f++)
            mark(p, &st->fields[f].type);
        return;
    }
}

/* Writes the codecs PLAN asks for: prototypes first, since structs may
 * refer to each other, then the functions. */
static void emit_plan(const struct gen *g, struct emit *e,
                      const struct plan *p, bool encode)
{
    bool any = false;

    /* Enums encode as plain integers: only decoding needs a function. */
    for (size_t k = 0; !encode && k < p->n; k++) {
        for (size_t i = 0; i < p->s[k].scope->nenums; i++) {
            if (p->s[k].enums[i])
                gen_enum_getter(g, e, p->s[k].scope->enums[i]);
        }
    }
    for (size_t k = 0; k < p->n; k++) {
        for (size_t i = 0; i < p->s[k].scope->nstructs; i++)
            any |= p->s[k].structs[i];
        for (size_t i = 0; i < p->s[k].scope->ncontainers; i++)
            any |= p->s[k].containers[i];
    }
    if (!any)
        return;
    emit_blank(e);
    for (size_t k = 0; k < p->n; k++) {
        const struct idl_iface *s = p->s[k].scope;

        for (size_t i = 0; i < s->ncontainers; i++) {
            if (p->s[k].containers[i])
                gen_container_head(e, s->containers[i], encode, ";");
        }
    }
    for (size_t k = 0; k < p->n; k++) {
        const struct idl_iface *s = p->s[k].scope;

        for (size_t i = 0; i < s->nstructs; i++) {
            if (p->s[k].structs[i])
                gen_struct_head(e, s->structs[i], encode, ";");
        }
    }
    for (size_t k = 0; k < p->n; k++) {
        const struct idl_iface *s = p->s[k].scope;

        for (size_t i = 0; i < s->ncontainers; i++) {
            if (p->s[k].containers[i])
                gen_container_codec(e, s->containers[i], encode);
        }
    }
    for (size_t k = 0; k < p->n; k++) {
        const struct idl_iface *s = p->s[k].scope;

        for (size_t i = 0; i < s->nstructs; i++) {
            if (p->s[k].structs[i])
                gen_struct_codec(g, e, s->structs[i], encode);
        }
    }
}

void gen_struct_codecs(const struct gen *g, struct emit *e, bool params,
                       bool encode)
{
    const struct idl_file *file = g->file;
    struct plan p;

    if (!plan_init(&p, file)) {
        plan_free(&p);
        e->oom = true;
        return;
    }
    for (size_t i = 0; i < file->nifaces; i++) {
        const struct idl_iface *iface = file->ifaces[i];

        for (size_t j = 0; j < iface->nprocs; j++) {
            const struct idl_proc *proc = iface->procs[j];

            if (!params) {
                mark(&p, &proc->result);
                continue;
            }
            for (size_t k = 0; k < proc->nparams; k++)
                mark(&p, &proc->params[k].type);
        }
    }
    emit_plan(g, e, &p, encode);
    plan_free(&p);
}

/* ---- questions about the whole file ----------------------------- */

bool gen_file_has_structs(const struct idl_file *file)
{
    const struct idl_iface *top = file->scope;

    if (top->nstructs > 0)
        return true;
    for (size_t i = 0; i < top->nvisible; i++) {
        if (top->visible[i]->nstructs > 0)
            return true;
    }
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

/* True when a type the header declares for IFACE holds an "any": a
 * field, a typedef, a sequence's or map's elements. */
static bool fields_use_any(const struct idl_iface *iface)
{
    for (size_t k = 0; k < iface->nstructs; k++) {
        const struct idl_struct *st = iface->structs[k];
        for (size_t j = 0; j < st->nfields; j++) {
            if (ref_uses_any(&st->fields[j].type))
                return true;
        }
    }
    for (size_t k = 0; k < iface->ntypedefs; k++) {
        if (ref_uses_any(&iface->typedefs[k]->type))
            return true;
    }
    for (size_t k = 0; k < iface->ncontainers; k++) {
        if (ref_uses_any(iface->containers[k]))
            return true;
    }
    return false;
}

bool gen_file_uses_any(const struct idl_file *file)
{
    if (fields_use_any(file->scope))
        return true;
    for (size_t i = 0; i < file->nifaces; i++) {
        const struct idl_iface *iface = file->ifaces[i];

        if (fields_use_any(iface))
            return true;
        for (size_t k = 0; k < iface->nprocs; k++) {
            const struct idl_proc *proc = iface->procs[k];
            if (ref_uses_any(&proc->result))
                return true;
            for (size_t j = 0; j < proc->nparams; j++) {
                if (ref_uses_any(&proc->params[j].type))
                    return true;
            }
        }
    }
    return false;
}
