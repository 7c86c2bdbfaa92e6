#include "config.h"

/*
 * sema.c - the checks of sema.h, one function per level of the tree.
 * Duplicates are found by comparing with the earlier siblings: files
 * declare a handful of names, so quadratic is fine and needs no table.
 */

#include "sema.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "types.h"

/* The largest bound: msgpack cannot say a longer length. */
#define MAX_BOUND 4294967295ULL

/*
 * Scopes.  A name used in an interface is looked up in the interface,
 * then in its file's top level, then in the top levels of the imported
 * files; the first declaration found wins, so an interface may reuse a
 * name of the top level.  scope_at(IFACE, I) is the I-th scope to search,
 * NULL after the last.
 */
static const struct idl_iface *scope_at(const struct idl_iface *iface,
                                        size_t i)
{
    const struct idl_iface *top = iface->outer != NULL ? iface->outer
                                                       : iface;

    if (i == 0)
        return iface;
    if (iface->outer != NULL && i == 1)
        return top;
    i -= iface->outer != NULL ? 2 : 1;
    return i < top->nvisible ? top->visible[i] : NULL;
}

static const struct idl_struct *find_struct(const struct idl_iface *iface,
                                            const char *name)
{
    const struct idl_iface *s;

    for (size_t k = 0; (s = scope_at(iface, k)) != NULL; k++) {
        for (size_t i = 0; i < s->nstructs; i++) {
            if (s->structs[i]->name != NULL
                && strcmp(s->structs[i]->name, name) == 0)
                return s->structs[i];
        }
    }
    return NULL;
}

static const struct idl_enum *find_enum(const struct idl_iface *iface,
                                        const char *name)
{
    const struct idl_iface *s;

    for (size_t k = 0; (s = scope_at(iface, k)) != NULL; k++) {
        for (size_t i = 0; i < s->nenums; i++) {
            if (strcmp(s->enums[i]->name, name) == 0)
                return s->enums[i];
        }
    }
    return NULL;
}

/* The known type name closest to NAME (built-in or a struct of IFACE),
 * when it is close enough to be a likely typo. */
static const char *suggest(const struct idl_iface *iface, const char *name)
{
    const char *best = idl_type_suggest(name);
    unsigned limit = strlen(name) > 2 ? 2 : (unsigned)strlen(name) - 1;
    unsigned best_d = best ? idl_edit_distance(name, best, 2) : 3;

    for (size_t i = 0; i < iface->nstructs; i++) {
        const char *cand = iface->structs[i]->name;
        unsigned d = idl_edit_distance(name, cand, 2);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    for (size_t i = 0; i < iface->nenums; i++) {
        const char *cand = iface->enums[i]->name;
        unsigned d = idl_edit_distance(name, cand, 2);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    for (size_t i = 0; i < iface->ntypedefs; i++) {
        const char *cand = iface->typedefs[i]->name;
        unsigned d = idl_edit_distance(name, cand, 2);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    for (size_t i = 0; i < 2; i++) {
        const char *cand = i == 0 ? "sequence" : "map";
        unsigned d = idl_edit_distance(name, cand, 2);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    return best_d <= limit ? best : NULL;
}

/* Checks the bound of REF (whose type is known) and sets ref->bound. */
static bool check_bound(struct diag *d, struct idl_type_ref *ref)
{
    unsigned long long v;
    char *end;

    if (ref->bound_text == NULL)
        return true;
    if (!ref->type->bounded) {
        diag_error(d, &ref->bound_loc, "type '%s' takes no bound",
                   ref->name);
        return false;
    }
    errno = 0;
    v = strtoull(ref->bound_text, &end, 10);
    if (errno == ERANGE || v > MAX_BOUND) {
        if (ref->is_array)
            diag_error(d, &ref->bound_loc, "array length %s is too large (at "
                       "most %llu: msgpack lengths are 32-bit)",
                       ref->bound_text, MAX_BOUND);
        else
            diag_error(d, &ref->bound_loc, "bound %s of '%s' is too large (at "
                       "most %llu: msgpack lengths are 32-bit)",
                       ref->bound_text, ref->name, MAX_BOUND);
        return false;
    }
    if (v == 0) {
        if (ref->is_array)
            diag_error(d, &ref->bound_loc, "array length must be at least 1");
        else
            diag_error(d, &ref->bound_loc, "bound of '%s' must be at least 1",
                       ref->name);
        return false;
    }
    ref->bound = v;
    return true;
}

static bool resolve(struct diag *d, struct idl_iface *iface,
                    struct idl_type_ref *ref);

static bool is_integer(enum idl_kind k);

static const struct idl_const *find_const(const struct idl_iface *iface,
                                          const char *name)
{
    const struct idl_iface *s;

    for (size_t k = 0; (s = scope_at(iface, k)) != NULL; k++) {
        for (size_t i = 0; i < s->nconsts; i++) {
            if (strcmp(s->consts[i]->name, name) == 0)
                return s->consts[i];
        }
    }
    return NULL;
}

/* string<NAME>, bytes<NAME> and sequence<T, NAME>: the grammar reads NAME
 * as a type (ARG, the last element type of REF); when it names an integer
 * constant, it becomes REF's bound.  Returns false after an error. */
static bool const_bound(struct diag *d, const struct idl_iface *iface,
                        struct idl_type_ref *ref)
{
    struct idl_type_ref *arg = ref->args[ref->nargs - 1];
    const struct idl_const *c = find_const(iface, arg->name);

    const char *what = ref->is_array ? "an array's length" : "a bound";

    if (c == NULL || c->is_string) {
        diag_error(d, &arg->loc, "'%s' is not an integer constant: %s is a "
                   "number or one", arg->name, what);
        return false;
    }
    if (c->negative) {
        diag_error(d, &arg->loc, "%s must be at least 1, and '%s' is "
                   "negative", what, arg->name);
        return false;
    }
    free(ref->bound_text);
    ref->bound_text = str_printf("%s", c->text);
    ref->bound_loc = arg->loc;
    ast_type_clear(arg);
    free(arg);
    ref->args[--ref->nargs] = NULL;
    if (ref->bound_text == NULL) {
        diag_oom(d);
        return false;
    }
    return true;
}

static struct idl_typedef *find_typedef(const struct idl_iface *iface,
                                        const char *name)
{
    const struct idl_iface *s;

    for (size_t k = 0; (s = scope_at(iface, k)) != NULL; k++) {
        for (size_t i = 0; i < s->ntypedefs; i++) {
            if (strcmp(s->typedefs[i]->name, name) == 0)
                return s->typedefs[i];
        }
    }
    return NULL;
}

/* Resolves typedef TD's type once; reports its errors there, once. */
static void check_typedef_type(struct diag *d, struct idl_iface *iface,
                               struct idl_typedef *td)
{
    if (td->checked)
        return;
    td->resolving = true;
    td->bad = !resolve(d, iface, &td->type);
    td->resolving = false;
    td->checked = true;
    if (!td->bad && td->type.type->kind == IDL_VOID) {
        diag_error(d, &td->type.loc, "typedef '%s' cannot name 'void'",
                   td->name);
        td->bad = true;
    }
}

/* REF names typedef TD: REF becomes a copy of TD's type, resolved, that
 * remembers the name written (for comments) and where it was written. */
static bool expand_typedef(struct diag *d, struct idl_iface *iface,
                           struct idl_type_ref *ref, struct idl_typedef *td)
{
    struct idl_loc loc = ref->loc;
    bool ok;

    if (td->resolving) {
        diag_error(d, &ref->loc, "typedef '%s' refers to itself", td->name);
        td->bad = true;
        return false;
    }
    check_typedef_type(d, iface, td);
    if (td->bad)
        return false;
    ast_type_clear(ref);
    if (!ast_type_copy(ref, &td->type)) {
        diag_oom(d);
        return false;
    }
    ref->alias = str_printf("%s", td->name);
    ref->loc = loc;
    td->resolving = true;
    /* Resolved where the typedef is declared: its sequences and maps
     * then have the C types the typedef names. */
    ok = resolve(d, td->owner != NULL ? td->owner : iface, ref);
    td->resolving = false;
    return ok;
}

/* True when ARG is a bare name: string<MAX>, not string<sequence<...>>. */
static bool bare(const struct idl_type_ref *arg)
{
    return arg->nargs == 0 && arg->bound_text == NULL;
}

/* When IFACE is an interface whose file's top level has a sequence or map
 * spelled TEXT, gives REF that one's C names: true, and REF->codec is
 * NULL only when memory ran out. */
static bool outer_container(const struct idl_iface *iface,
                            struct idl_type_ref *ref, const char *text)
{
    const struct idl_iface *s = iface->outer;

    if (s != NULL) {
        for (size_t i = 0; i < s->ncontainers; i++) {
            const struct idl_type_ref *c = s->containers[i];
            char *other = idl_type_spelling(c);
            bool same = other != NULL && strcmp(other, text) == 0;

            free(other);
            if (!same)
                continue;
            free(ref->cname);
            ref->prefix = c->prefix;
            ref->cname = str_printf("%s", c->cname);
            ref->codec = ref->cname != NULL ? str_printf("%s", c->codec)
                                            : NULL;
            return true;
        }
    }
    return false;
}

/* Gives a struct, sequence or map type its C names (idl_type_ref.cname,
 * codec).  Sequences and maps are registered in IFACE once per spelling:
 * two spellings with one C layout ("sequence<string>" and
 * "sequence<string<8>>") share the C type but not the codecs, whose
 * names then get a number. */
static bool name_aggregate(struct diag *d, struct idl_iface *iface,
                           struct idl_type_ref *ref)
{
    char *text;
    const struct idl_type_ref **list;
    unsigned n = 1;

    ref->prefix = ref->decl != NULL ? ref->decl->prefix : iface->cname;
    ref->cname = idl_type_mangle(ref);
    if (ref->cname == NULL)
        goto oom;
    if (ref->type->kind == IDL_STRUCT) {
        ref->codec = str_printf("%s", ref->cname);
        return ref->codec != NULL || (diag_oom(d), false);
    }
    text = idl_type_spelling(ref);
    if (text == NULL)
        goto oom;
    /* One spelled at the file's top level is reused: one C type for the
     * file, and no second struct of the same name when the file's stem
     * is the interface's name. */
    if (outer_container(iface, ref, text)) {
        free(text);
        return ref->codec != NULL || (diag_oom(d), false);
    }
    for (size_t i = 0; i < iface->ncontainers; i++) {
        char *other = idl_type_spelling(iface->containers[i]);
        bool same = other != NULL && strcmp(other, text) == 0;

        free(other);
        if (same) {
            free(text);
            ref->codec = str_printf("%s", iface->containers[i]->codec);
            return ref->codec != NULL || (diag_oom(d), false);
        }
    }
    free(text);
    for (size_t i = 0; i < iface->ncontainers; i++) {
        if (strcmp(iface->containers[i]->cname, ref->cname) == 0)
            n++;
    }
    ref->codec = n == 1 ? str_printf("%s", ref->cname)
                        : str_printf("%s_%u", ref->cname, n);
    list = realloc(iface->containers,
                   (iface->ncontainers + 1) * sizeof *list);
    if (ref->codec == NULL || list == NULL)
        goto oom;
    list[iface->ncontainers++] = ref;
    iface->containers = list;
    return true;
oom:
    diag_oom(d);
    return false;
}

static bool is_integer(enum idl_kind k)
{
    switch (k) {
    case IDL_INT8: case IDL_INT16: case IDL_INT32: case IDL_INT64:
    case IDL_UINT8: case IDL_UINT16: case IDL_UINT32: case IDL_UINT64:
        return true;
    default:
        return false;
    }
}

/* Reads DIGITS, after a minus when NEGATIVE, as a value of integer type K
 * (a uint64 above INT64_MAX keeps its bits in *VALUE).  False when it
 * does not fit. */
static bool int_fits(enum idl_kind k, const char *digits, bool negative,
                     long long *value)
{
    unsigned long long neg_max, pos_max, v;  /* the magnitudes allowed */

    switch (k) {
    case IDL_INT8: neg_max = 128; pos_max = 127; break;
    case IDL_INT16: neg_max = 32768; pos_max = 32767; break;
    case IDL_INT32: neg_max = 2147483648ULL; pos_max = INT32_MAX; break;
    case IDL_INT64:
        neg_max = 9223372036854775808ULL;
        pos_max = INT64_MAX;
        break;
    case IDL_UINT8: neg_max = 0; pos_max = UINT8_MAX; break;
    case IDL_UINT16: neg_max = 0; pos_max = UINT16_MAX; break;
    case IDL_UINT32: neg_max = 0; pos_max = UINT32_MAX; break;
    default: neg_max = 0; pos_max = UINT64_MAX; break;
    }
    errno = 0;
    v = strtoull(digits, NULL, 10);
    if (errno == ERANGE || (negative ? v > neg_max : v > pos_max))
        return false;
    /* -2^63 has no positive counterpart: negate in unsigned arithmetic. */
    *value = negative ? (long long)(0 - v) : (long long)v;
    return true;
}

/* sequence<T[, MAX]> and map<K, V>. */
static bool resolve_container(struct diag *d, struct idl_iface *iface,
                              struct idl_type_ref *ref)
{
    bool ok = true;

    if (ref->is_array) {
        ref->type = &idl_array_type;
        if (ref->nargs == 2 && !const_bound(d, iface, ref))
            return false;
        if (!resolve(d, iface, ref->args[0]))
            return false;
        if (ref->args[0]->type->kind == IDL_VOID) {
            diag_error(d, &ref->args[0]->loc, "'void' cannot be an element "
                       "type");
            return false;
        }
        return check_bound(d, ref) && name_aggregate(d, iface, ref);
    }
    if ((strcmp(ref->name, "string") == 0 || strcmp(ref->name, "bytes") == 0)
        && ref->nargs == 1 && bare(ref->args[0])) {
        if (!const_bound(d, iface, ref))
            return false;
        return resolve(d, iface, ref);
    }
    if (strcmp(ref->name, "sequence") == 0 && ref->nargs == 2
        && ref->bound_text == NULL && bare(ref->args[1])
        && !const_bound(d, iface, ref))
        return false;
    if (strcmp(ref->name, "sequence") == 0 && ref->nargs == 1) {
        ref->type = &idl_sequence_type;
    } else if (strcmp(ref->name, "map") == 0 && ref->nargs == 2
               && ref->bound_text == NULL) {
        ref->type = &idl_map_type;
    } else {
        if (strcmp(ref->name, "sequence") == 0)
            diag_error(d, &ref->loc, "'sequence' takes one element type "
                       "and an optional bound: sequence<T> or "
                       "sequence<T, MAX>");
        else if (strcmp(ref->name, "map") == 0)
            diag_error(d, &ref->loc, "'map' takes a key and a value type: "
                       "map<K, V>");
        else if (idl_type_lookup(ref->name) != NULL
                 || find_struct(iface, ref->name) != NULL
                 || find_enum(iface, ref->name) != NULL)
            diag_error(d, &ref->loc, "type '%s' takes no element types",
                       ref->name);
        else if (suggest(iface, ref->name) != NULL)
            diag_error(d, &ref->loc, "unknown type '%s'; did you mean "
                       "'%s'?", ref->name, suggest(iface, ref->name));
        else
            diag_error(d, &ref->loc, "unknown type '%s'", ref->name);
        return false;
    }
    for (size_t i = 0; i < ref->nargs; i++) {
        struct idl_type_ref *arg = ref->args[i];

        if (!resolve(d, iface, arg)) {
            ok = false;
        } else if (arg->type->kind == IDL_VOID) {
            diag_error(d, &arg->loc, "'void' cannot be an element type");
            ok = false;
        }
    }
    if (ok && ref->type->kind == IDL_MAP) {
        const struct idl_type_ref *key = ref->args[0];
        if (key->type->kind != IDL_STRING && !is_integer(key->type->kind)) {
            diag_error(d, &key->loc, "map keys must be strings or "
                       "integers, not '%s'", key->name);
            ok = false;
        }
    }
    ok = check_bound(d, ref) && ok;
    return ok && name_aggregate(d, iface, ref);
}

/* Resolves REF among the built-in types and IFACE's structs and enums;
 * reports an unknown name or a bad bound. */
static bool resolve(struct diag *d, struct idl_iface *iface,
                    struct idl_type_ref *ref)
{
    const struct idl_struct *st;
    const struct idl_enum *en;
    struct idl_typedef *td;

    if (ref->nargs > 0)
        return resolve_container(d, iface, ref);
    if (ref->bound_text == NULL && ref->alias == NULL
        && (td = find_typedef(iface, ref->name)) != NULL)
        return expand_typedef(d, iface, ref, td);
    if (strcmp(ref->name, "sequence") == 0 || strcmp(ref->name, "map") == 0) {
        diag_error(d, &ref->loc, "'%s' needs element types: %s", ref->name,
                   ref->name[0] == 's' ? "sequence<T>" : "map<K, V>");
        return false;
    }
    ref->type = idl_type_lookup(ref->name);
    if (ref->type == NULL && (st = find_struct(iface, ref->name)) != NULL) {
        ref->type = &idl_struct_type;
        ref->decl = st;
    }
    if (ref->type == NULL && (en = find_enum(iface, ref->name)) != NULL) {
        ref->type = &idl_enum_type;
        ref->edecl = en;
    }
    if (ref->type == NULL) {
        const char *near = suggest(iface, ref->name);
        if (near != NULL)
            diag_error(d, &ref->loc, "unknown type '%s'; did you mean "
                       "'%s'?", ref->name, near);
        else
            diag_error(d, &ref->loc, "unknown type '%s'", ref->name);
        return false;
    }
    if (ref->bound_text != NULL && (ref->type->kind == IDL_STRUCT
                                    || ref->type->kind == IDL_ENUM)) {
        diag_error(d, &ref->bound_loc, "%s '%s' takes no bound",
                   ref->type->kind == IDL_STRUCT ? "struct" : "enum",
                   ref->name);
        return false;
    }
    if (ref->type->kind == IDL_STRUCT)
        return name_aggregate(d, iface, ref);
    return check_bound(d, ref);
}

static void check_param(struct diag *d, struct idl_iface *iface,
                        const struct idl_proc *proc, size_t i)
{
    struct idl_param *param = &proc->params[i];

    sema_check_name(d, param->name, &param->loc, NAME_PARAM);
    for (size_t j = 0; j < i; j++) {
        if (strcmp(proc->params[j].name, param->name) == 0) {
            diag_error(d, &param->loc, "redefinition of parameter '%s'",
                       param->name);
            diag_note(d, &proc->params[j].loc, "previous definition here");
            break;
        }
    }
    if (resolve(d, iface, &param->type)
        && param->type.type->kind == IDL_VOID)
        diag_error(d, &param->type.loc,
                   "parameter '%s' cannot have type 'void'", param->name);
}

/* The enum or typedef of an enum of IFACE whose name is closest to NAME,
 * when it is close enough to be a likely typo. */
static const char *suggest_enum(const struct idl_iface *iface,
                                const char *name)
{
    unsigned limit = strlen(name) > 2 ? 2 : (unsigned)strlen(name) - 1;
    unsigned best_d = limit + 1;
    const char *best = NULL;

    for (size_t i = 0; i < iface->nenums + iface->ntypedefs; i++) {
        const char *cand;
        unsigned d;

        if (i < iface->nenums) {
            cand = iface->enums[i]->name;
        } else {
            const struct idl_typedef *td = iface->typedefs[i - iface->nenums];

            if (td->bad || td->type.type == NULL
                || td->type.type->kind != IDL_ENUM)
                continue;
            cand = td->name;
        }
        d = idl_edit_distance(name, cand, 2);
        if (d < best_d) {
            best_d = d;
            best = cand;
        }
    }
    return best;
}

/* The runtime's own error codes (SRPC_WIRE_RESERVED_MIN..MAX in
 * sockrpc.h): a client could not tell them from the application's. */
#define RESERVED_MIN (-32768)
#define RESERVED_MAX (-32000)

static void check_reserved_codes(struct diag *d, const struct idl_proc *proc)
{
    const struct idl_enum *en = proc->errors;

    for (size_t i = 0; i < en->nvalues; i++) {
        const struct idl_enum_value *v = &en->values[i];

        if (v->value >= RESERVED_MIN && v->value <= RESERVED_MAX) {
            diag_error(d, &proc->raises_name_loc, "enum '%s' cannot be "
                       "raised: its value %lld is among the codes %d to %d "
                       "that the runtime reserves for its own errors",
                       proc->raises, v->value, RESERVED_MIN, RESERVED_MAX);
            diag_note(d, &v->loc, "'%s' is declared here", v->name);
            return;
        }
    }
}

/* raises (NAME): NAME is an enum of IFACE, or a typedef of one, and the
 * procedure has a reply to carry the error. */
static void check_raises(struct diag *d, struct idl_iface *iface,
                         struct idl_proc *proc)
{
    const struct idl_typedef *td;
    const char *near;

    if (proc->raises == NULL)
        return;
    if (proc->oneway) {
        diag_error(d, &proc->raises_loc, "oneway procedure '%s' cannot "
                   "raise errors: no reply would carry them", proc->name);
        return;
    }
    proc->errors = find_enum(iface, proc->raises);
    if (proc->errors != NULL) {
        check_reserved_codes(d, proc);
        return;
    }
    if (find_typedef(iface, proc->raises) == NULL
        && find_struct(iface, proc->raises) == NULL
        && idl_type_lookup(proc->raises) == NULL
        && strcmp(proc->raises, "sequence") != 0
        && strcmp(proc->raises, "map") != 0) {
        near = suggest_enum(iface, proc->raises);
        if (near != NULL)
            diag_error(d, &proc->raises_name_loc, "unknown enum '%s' in "
                       "raises; did you mean '%s'?", proc->raises, near);
        else
            diag_error(d, &proc->raises_name_loc, "unknown enum '%s' in "
                       "raises", proc->raises);
        return;
    }
    /* A typedef was resolved before the procedures (its own errors are
     * reported there, once): look at what it names. */
    td = find_typedef(iface, proc->raises);
    if (td != NULL && (!td->checked || td->bad))
        return;
    if (td != NULL && td->type.type->kind == IDL_ENUM) {
        proc->errors = td->type.edecl;
        check_reserved_codes(d, proc);
    } else
        diag_error(d, &proc->raises_name_loc, "'%s' is not an enum: raises "
                   "takes the enum of the procedure's error codes",
                   proc->raises);
}

static void check_proc(struct diag *d, struct idl_iface *iface,
                       size_t i)
{
    struct idl_proc *proc = iface->procs[i];

    sema_check_name(d, proc->name, &proc->loc, NAME_PROC);
    if (proc->wire_name != NULL && strcmp(proc->wire_name, "\"\"") == 0)
        diag_error(d, &proc->wire_loc,
                   "procedure '%s' has an empty wire name", proc->name);
    for (size_t j = 0; j < i; j++) {
        if (strcmp(iface->procs[j]->name, proc->name) == 0) {
            diag_error(d, &proc->loc,
                       "redefinition of procedure '%s' in interface '%s'",
                       proc->name, iface->name);
            diag_note(d, &iface->procs[j]->loc, "previous definition here");
            break;
        }
    }
    if (resolve(d, iface, &proc->result) && proc->oneway
        && proc->result.type->kind != IDL_VOID)
        diag_error(d, &proc->result.loc,
                   "oneway procedure '%s' must return void, not '%s'",
                   proc->name, proc->result.name);
    else if (proc->result.type != NULL && proc->result_optional
             && proc->result.type->kind == IDL_VOID)
        diag_error(d, &proc->result.loc, "a void result cannot be optional");
    for (size_t k = 0; k < proc->nparams; k++)
        check_param(d, iface, proc, k);
    check_raises(d, iface, proc);
}

static void check_field(struct diag *d, struct idl_iface *iface,
                        const struct idl_struct *st, size_t i)
{
    struct idl_field *field = &st->fields[i];

    sema_check_name(d, field->name, &field->loc, NAME_FIELD);
    for (size_t j = 0; j < st->nfields; j++) {
        const struct idl_field *other = &st->fields[j];
        if (j < i && strcmp(other->name, field->name) == 0) {
            diag_error(d, &field->loc, "redefinition of field '%s' in "
                       "struct '%s'", field->name, st->name);
            diag_note(d, &other->loc, "previous definition here");
            break;
        }
        /* An optional scalar x comes with a member has_x. */
        if (other->optional && strncmp(field->name, "has_", 4) == 0
            && strcmp(field->name + 4, other->name) == 0) {
            diag_error(d, &field->loc, "field '%s' clashes with the C "
                       "member that says whether optional field '%s' is "
                       "present", field->name, other->name);
            diag_note(d, &other->loc, "'%s' is declared here", other->name);
            break;
        }
    }
    if (resolve(d, iface, &field->type)
        && field->type.type->kind == IDL_VOID)
        diag_error(d, &field->type.loc, "field '%s' cannot have type 'void'",
                   field->name);
}

/* The struct a value of REF holds by value: REF's own, or its elements'
 * through fixed arrays; NULL for other types. */
static const struct idl_struct *by_value(const struct idl_type_ref *ref)
{
    while (ref->is_array && ref->nargs > 0)
        ref = ref->args[0];
    return ref->decl;
}

/* True when struct FROM holds TARGET by value, through required fields
 * only; VISITED (one flag per struct of IFACE) stops at cycles that do
 * not pass through TARGET. */
static bool contains(const struct idl_iface *iface, const struct idl_struct *from,
                     const struct idl_struct *target, bool *visited)
{
    for (size_t i = 0; i < iface->nstructs; i++) {
        if (iface->structs[i] == from) {
            if (visited[i])
                return false;
            visited[i] = true;
        }
    }
    for (size_t i = 0; i < from->nfields; i++) {
        const struct idl_field *f = &from->fields[i];
        const struct idl_struct *held = by_value(&f->type);

        /* A struct of another scope cannot lead back into this one. */
        if (f->optional || held == NULL || held->prefix != iface->cname)
            continue;
        if (held == target || contains(iface, held, target, visited))
            return true;
    }
    return false;
}

/* A struct that holds itself by value would be infinitely large. */
static void check_recursion(struct diag *d, const struct idl_iface *iface,
                            const struct idl_struct *st)
{
    bool *visited = calloc(iface->nstructs, sizeof *visited);

    if (visited == NULL) {
        diag_oom(d);
        return;
    }
    for (size_t i = 0; i < st->nfields; i++) {
        const struct idl_field *f = &st->fields[i];
        const struct idl_struct *held = by_value(&f->type);

        if (f->optional || held == NULL)
            continue;
        memset(visited, 0, iface->nstructs * sizeof *visited);
        if (held == st || contains(iface, held, st, visited)) {
            if (st->is_union)
                diag_error(d, &f->loc, "union '%s' contains itself through "
                           "arm '%s'; hold it through an optional field",
                           st->name, f->name);
            else
                diag_error(d, &f->loc, "struct '%s' contains itself through "
                           "field '%s'; make the field optional", st->name,
                           f->name);
            break;
        }
    }
    free(visited);
}

static void check_type_name(struct diag *d, const struct idl_iface *iface,
                            const char *name, const struct idl_loc *loc);

static void check_union(struct diag *d, struct idl_iface *iface,
                        struct idl_struct *un);

static void check_struct(struct diag *d, struct idl_iface *iface, size_t i)
{
    struct idl_struct *st = iface->structs[i];

    (void)i;
    sema_check_name(d, st->name, &st->loc, NAME_STRUCT);
    check_type_name(d, iface, st->name, &st->loc);
    if (st->is_union) {
        check_union(d, iface, st);
        return;
    }
    /* C has no empty structs. */
    if (st->nfields == 0 && !st->broken)
        diag_error(d, &st->loc, "struct '%s' declares no fields", st->name);
    for (size_t k = 0; k < st->nfields; k++)
        check_field(d, iface, st, k);
}

/* A value of enum EN: a number that fits in int32 (C's enum constants
 * are ints), or one more than the value before it. */
static void check_enum_value(struct diag *d, struct idl_enum *en, size_t i)
{
    struct idl_enum_value *v = &en->values[i];
    bool ok = true;

    for (size_t j = 0; j < i; j++) {
        if (strcmp(en->values[j].name, v->name) == 0) {
            diag_error(d, &v->loc, "redefinition of '%s' in enum '%s'",
                       v->name, en->name);
            diag_note(d, &en->values[j].loc, "previous definition here");
            break;
        }
    }
    if (v->text != NULL) {
        if (!int_fits(IDL_INT32, v->text, v->negative, &v->value)) {
            diag_error(d, &v->value_loc, "value %s%s of '%s' does not fit "
                       "in int32", v->negative ? "-" : "", v->text, v->name);
            ok = false;
        }
    } else if (i == 0) {
        v->value = 0;
    } else if (en->values[i - 1].value == INT32_MAX) {
        diag_error(d, &v->loc, "value of '%s' (one more than '%s') does not "
                   "fit in int32", v->name, en->values[i - 1].name);
        ok = false;
    } else {
        v->value = en->values[i - 1].value + 1;
    }
    for (size_t j = 0; ok && j < i; j++) {
        /* One number, one meaning: a receiver maps it back to one name. */
        if (en->values[j].value == v->value) {
            diag_error(d, v->text != NULL ? &v->value_loc : &v->loc,
                       "'%s' has the value %lld of '%s'", v->name, v->value,
                       en->values[j].name);
            diag_note(d, &en->values[j].loc, "'%s' is declared here",
                      en->values[j].name);
            break;
        }
    }
}

/* Reports NAME (of a struct or enum at LOC) when it is a built-in type or
 * a struct or enum of IFACE declared before it. */
static void check_type_name(struct diag *d, const struct idl_iface *iface,
                            const char *name, const struct idl_loc *loc)
{
    const struct idl_loc *prev = NULL;

    if (idl_type_lookup(name) != NULL || strcmp(name, "sequence") == 0
        || strcmp(name, "map") == 0) {
        diag_error(d, loc, "'%s' is a built-in type and cannot be "
                   "redefined", name);
        return;
    }
    /* The C names of sequences and maps begin so: struct calc_seq_int32. */
    if (strncmp(name, "seq_", 4) == 0 || strncmp(name, "map_", 4) == 0) {
        diag_error(d, loc, "type names beginning with '%.4s' are reserved "
                   "for the C types of sequences and maps", name);
        return;
    }
    for (size_t j = 0; j < iface->nstructs; j++) {
        const struct idl_struct *st = iface->structs[j];
        if (strcmp(st->name, name) == 0 && &st->loc != loc
            && (st->loc.first_line < loc->first_line
                || (st->loc.first_line == loc->first_line
                    && st->loc.first_column < loc->first_column))) {
            prev = &st->loc;
            break;
        }
    }
    for (size_t j = 0; prev == NULL && j < iface->ntypedefs; j++) {
        const struct idl_typedef *td = iface->typedefs[j];
        if (strcmp(td->name, name) == 0 && &td->loc != loc
            && (td->loc.first_line < loc->first_line
                || (td->loc.first_line == loc->first_line
                    && td->loc.first_column < loc->first_column))) {
            prev = &td->loc;
            break;
        }
    }
    for (size_t j = 0; prev == NULL && j < iface->nenums; j++) {
        const struct idl_enum *en = iface->enums[j];
        if (strcmp(en->name, name) == 0 && &en->loc != loc
            && (en->loc.first_line < loc->first_line
                || (en->loc.first_line == loc->first_line
                    && en->loc.first_column < loc->first_column))) {
            prev = &en->loc;
            break;
        }
    }
    if (prev != NULL) {
        if (iface->name != NULL)
            diag_error(d, loc, "redefinition of type '%s' in interface "
                       "'%s'", name, iface->name);
        else
            diag_error(d, loc, "redefinition of type '%s'", name);
        diag_note(d, prev, "previous definition here");
    }
}

/* The length of string literal TEXT once its escapes are read. */
static size_t literal_length(const char *text)
{
    size_t n = 0;

    for (const char *p = text + 1; *p != '"'; p++, n++) {
        if (*p == '\\')
            p++;
    }
    return n;
}

/* const TYPE NAME = VALUE: an integer in TYPE's range, or a string. */
static void check_const(struct diag *d, struct idl_iface *iface, size_t i)
{
    struct idl_const *c = iface->consts[i];
    long long value;

    sema_check_name(d, c->name, &c->loc, NAME_STRUCT);
    for (size_t j = 0; j < i; j++) {
        if (strcmp(iface->consts[j]->name, c->name) == 0) {
            diag_error(d, &c->loc, "redefinition of constant '%s'", c->name);
            diag_note(d, &iface->consts[j]->loc, "previous definition here");
            return;
        }
    }
    if (!resolve(d, iface, &c->type))
        return;
    if (c->type.type->kind == IDL_STRING) {
        if (!c->is_string)
            diag_error(d, &c->value_loc, "constant '%s' of type '%s' needs a "
                       "string literal", c->name, c->type.name);
        else if (c->type.bound > 0 && literal_length(c->text) > c->type.bound)
            diag_error(d, &c->value_loc, "constant '%s' is longer than its "
                       "bound %llu", c->name, c->type.bound);
        return;
    }
    if (!is_integer(c->type.type->kind)) {
        diag_error(d, &c->type.loc, "constant '%s' must be an integer or a "
                   "string, not '%s'", c->name, c->type.name);
        return;
    }
    if (c->is_string) {
        diag_error(d, &c->value_loc, "constant '%s' of type '%s' needs an "
                   "integer", c->name, c->type.name);
        return;
    }
    if (!int_fits(c->type.type->kind, c->text, c->negative, &value))
        diag_error(d, &c->value_loc, "value %s%s of constant '%s' does not "
                   "fit in '%s'", c->negative ? "-" : "", c->text, c->name,
                   c->type.name);
}

/* ---- unions ------------------------------------------------------ */

/* The value of label NAME of an arm of a union switched by enum EN;
 * false (reported) when EN has no such value. */
static bool enum_label(struct diag *d, const struct idl_enum *en,
                       struct idl_field *arm)
{
    for (size_t k = 0; !arm->label_negative && k < en->nvalues; k++) {
        if (strcmp(en->values[k].name, arm->label) == 0) {
            arm->label_value = en->values[k].value;
            return true;
        }
    }
    diag_error(d, &arm->label_loc, "'%s%s' is not a value of enum '%s'",
               arm->label_negative ? "-" : "", arm->label, en->name);
    return false;
}

/* The value of ARM's label, a number or an integer constant, for the
 * integer discriminant of type KIND; false (reported) when it is neither
 * or does not fit. */
static bool int_label(struct diag *d, const struct idl_iface *iface,
                      enum idl_kind kind, const char *kind_name,
                      struct idl_field *arm)
{
    const char *digits = arm->label;
    bool negative = arm->label_negative;

    if (arm->label[0] < '0' || arm->label[0] > '9') {
        const struct idl_const *c = find_const(iface, arm->label);

        if (c == NULL || c->is_string) {
            diag_error(d, &arm->label_loc, "'%s' is not an integer "
                       "constant: a case of an integer discriminant is a "
                       "number or one", arm->label);
            return false;
        }
        digits = c->text;
        negative = c->negative;
    }
    if (!int_fits(kind, digits, negative, &arm->label_value)) {
        diag_error(d, &arm->label_loc, "case %s%s does not fit in the "
                   "discriminant's type '%s'", negative ? "-" : "", digits,
                   kind_name);
        return false;
    }
    return true;
}

/* ARM's name and type: a C member of the union, or a "void" arm. */
static void check_arm_member(struct diag *d, struct idl_iface *iface,
                             const struct idl_struct *un, size_t i)
{
    struct idl_field *arm = &un->fields[i];

    if (arm->name == NULL) {
        resolve(d, iface, &arm->type); /* void: the grammar took no other */
        return;
    }
    sema_check_name(d, arm->name, &arm->loc, NAME_FIELD);
    if (strcmp(arm->name, UNION_TAG) == 0) {
        diag_error(d, &arm->loc, "arm '%s' clashes with the C member that "
                   "holds the discriminant of union '%s'", arm->name,
                   un->name);
        return;
    }
    for (size_t j = 0; j < i; j++) {
        const struct idl_field *other = &un->fields[j];
        if (other->name != NULL && strcmp(other->name, arm->name) == 0) {
            diag_error(d, &arm->loc, "redefinition of arm '%s' in union "
                       "'%s'", arm->name, un->name);
            diag_note(d, &other->loc, "previous definition here");
            return;
        }
    }
    if (resolve(d, iface, &arm->type) && arm->type.type->kind == IDL_VOID)
        diag_error(d, &arm->type.loc, "arm '%s' cannot have type 'void'; "
                   "an arm without a value is written 'case LABEL: void;'",
                   arm->name);
}

/* Arm I's label: a value of the discriminant's type, not used before. */
static void check_arm_label(struct diag *d, struct idl_iface *iface,
                            struct idl_struct *un, size_t i)
{
    struct idl_field *arm = &un->fields[i];
    bool ok;

    if (un->disc.edecl != NULL)
        ok = enum_label(d, un->disc.edecl, arm);
    else
        ok = int_label(d, iface, un->disc.type->kind, un->disc.name, arm);
    arm->label_ok = ok;
    for (size_t j = 0; ok && j < i; j++) {
        const struct idl_field *other = &un->fields[j];
        if (other->label_ok && other->label_value == arm->label_value) {
            diag_error(d, &arm->label_loc, "duplicate case value '%s%s' in "
                       "union '%s'", arm->label_negative ? "-" : "",
                       arm->label, un->name);
            diag_note(d, &other->label_loc, "previous case here");
            return;
        }
    }
}

/*
 * union NAME switch (DISC) { case LABEL: TYPE NAME; ... }: DISC is an
 * enum (labels are its values' names) or an integer type (labels are
 * numbers or integer constants); every label once; at least one arm.
 */
static void check_union(struct diag *d, struct idl_iface *iface,
                        struct idl_struct *un)
{
    bool disc_ok = resolve(d, iface, &un->disc);

    if (disc_ok && un->disc.edecl == NULL
        && !is_integer(un->disc.type->kind)) {
        diag_error(d, &un->disc.loc, "the discriminant of union '%s' must "
                   "be an enum or an integer type, not '%s'", un->name,
                   un->disc.name);
        disc_ok = false;
    }
    if (un->nfields == 0 && !un->broken)
        diag_error(d, &un->loc, "union '%s' declares no arms", un->name);
    for (size_t k = 0; k < un->nfields; k++) {
        if (disc_ok)
            check_arm_label(d, iface, un, k);
        check_arm_member(d, iface, un, k);
    }
}

static void check_enum(struct diag *d, struct idl_iface *iface, size_t i)
{
    struct idl_enum *en = iface->enums[i];

    sema_check_name(d, en->name, &en->loc, NAME_STRUCT);
    check_type_name(d, iface, en->name, &en->loc);
    for (size_t k = 0; k < en->nvalues; k++)
        check_enum_value(d, en, k);
}

/* Gives the declarations of IFACE (an interface or a top level) their
 * C prefix before any is used: a type may be used before its
 * declaration. */
static void set_prefixes(struct idl_iface *iface)
{
    for (size_t k = 0; k < iface->nstructs; k++)
        iface->structs[k]->prefix = iface->cname;
    for (size_t k = 0; k < iface->nenums; k++)
        iface->enums[k]->prefix = iface->cname;
    for (size_t k = 0; k < iface->nconsts; k++)
        iface->consts[k]->prefix = iface->cname;
    for (size_t k = 0; k < iface->ntypedefs; k++) {
        iface->typedefs[k]->prefix = iface->cname;
        iface->typedefs[k]->owner = iface;
    }
}

/* The types and constants declared in IFACE. */
static void check_decls(struct diag *d, struct idl_iface *iface)
{
    set_prefixes(iface);
    for (size_t k = 0; k < iface->ntypedefs; k++) {
        struct idl_typedef *td = iface->typedefs[k];

        sema_check_name(d, td->name, &td->loc, NAME_STRUCT);
        check_type_name(d, iface, td->name, &td->loc);
    }
    for (size_t k = 0; k < iface->nconsts; k++)
        check_const(d, iface, k);
    for (size_t k = 0; k < iface->ntypedefs; k++)
        check_typedef_type(d, iface, iface->typedefs[k]);
    for (size_t k = 0; k < iface->nenums; k++)
        check_enum(d, iface, k);
    for (size_t k = 0; k < iface->nstructs; k++)
        check_struct(d, iface, k);
}

/* The C prefix of IFACE's names: "calc", or "acme_calc" in module acme;
 * false when memory runs out. */
static bool set_cname(struct idl_iface *iface, const char *module)
{
    free(iface->cname);
    iface->cname = module != NULL ? str_printf("%s_%s", module, iface->name)
                                  : str_printf("%s", iface->name);
    return iface->cname != NULL;
}

/* The declarations outside interfaces: their C prefix is the module's
 * name, or else the file's stem, which must then be a C identifier. */
static void check_top(struct diag *d, struct idl_file *file)
{
    struct idl_iface *top = file->scope;
    bool used = top->nstructs + top->nenums + top->nconsts
                + top->ntypedefs > 0;
    const char *prefix = file->module != NULL ? file->module
                         : file->stem != NULL ? file->stem : "idl";

    if (file->module != NULL)
        sema_check_name(d, file->module, &file->module_loc, NAME_MODULE);
    free(top->cname);
    top->cname = str_printf("%s", prefix);
    if (top->cname == NULL) {
        diag_oom(d);
        return;
    }
    if (used && file->module == NULL && !names_is_identifier(prefix))
        diag_file_error(d, "declarations outside an interface are named "
                        "after the file, and '%s' is not a C identifier: "
                        "declare a module", prefix);
    else if (used && file->module == NULL)
        sema_check_name(d, prefix, NULL, NAME_STEM);
    check_decls(d, top);
    for (size_t k = 0; k < top->nstructs && !diag_stopped(d); k++)
        check_recursion(d, top, top->structs[k]);
}

static void check_iface(struct diag *d, const struct idl_file *file,
                        size_t i)
{
    struct idl_iface *iface = file->ifaces[i];

    sema_check_name(d, iface->name, &iface->loc, NAME_IFACE);
    for (size_t j = 0; j < i; j++) {
        if (strcmp(file->ifaces[j]->name, iface->name) == 0) {
            diag_error(d, &iface->loc, "redefinition of interface '%s'",
                       iface->name);
            diag_note(d, &file->ifaces[j]->loc, "previous definition here");
            break;
        }
    }
    if (iface->version_text != NULL) {
        char *end;

        errno = 0;
        iface->version = strtoull(iface->version_text, &end, 10);
        if (errno == ERANGE || iface->version > 4294967295ULL)
            diag_error(d, &iface->version_loc, "version %s of interface '%s' "
                       "is too large (at most 4294967295)",
                       iface->version_text, iface->name);
    }
    /* C has no empty structs, so struct NAME_ops needs a member. */
    if (iface->nprocs == 0 && !iface->broken)
        diag_error(d, &iface->loc, "interface '%s' declares no procedures",
                   iface->name);
    check_decls(d, iface);
    for (size_t k = 0; k < iface->nprocs; k++)
        check_proc(d, iface, k);
    /* Fields whose type is unknown have no decl and are skipped. */
    for (size_t k = 0; k < iface->nstructs && !diag_stopped(d); k++)
        check_recursion(d, iface, iface->structs[k]);
}

bool sema_wire_name(const struct idl_iface *iface,
                    const struct idl_proc *proc, char *buf, size_t size)
{
    char *literal = wire_literal(iface, proc);
    int n = -1;

    if (literal != NULL)
        n = snprintf(buf, size, "%.*s", (int)strlen(literal) - 2,
                     literal + 1);
    free(literal);
    return n > 0 && (size_t)n < size;
}

/* Two procedures of the file may not share a wire name: the server
 * could not tell their calls apart.  Two names made of one interface's
 * prefix clash only for a redefinition, reported already. */
static void check_wire_names(const struct idl_file *file, struct diag *d)
{
    char a[512], b[512];

    for (size_t i = 0; i < file->nifaces && !diag_stopped(d); i++) {
        const struct idl_iface *fi = file->ifaces[i];

        for (size_t k = 0; k < fi->nprocs; k++) {
            const struct idl_proc *p = fi->procs[k];
            bool found = false;

            if (!sema_wire_name(fi, p, a, sizeof a))
                continue;
            for (size_t j = 0; j <= i && !found; j++) {
                const struct idl_iface *fj = file->ifaces[j];
                size_t end = j == i ? k : fj->nprocs;

                for (size_t m = 0; m < end && !found; m++) {
                    const struct idl_proc *q = fj->procs[m];

                    if ((p->wire_name == NULL && q->wire_name == NULL
                         && i == j)
                        || !sema_wire_name(fj, q, b, sizeof b)
                        || strcmp(a, b) != 0)
                        continue;
                    diag_error(d, p->wire_name ? &p->wire_loc : &p->loc,
                               "wire name \"%s\" of procedure '%s.%s' is "
                               "already used by '%s.%s'", a, fi->name,
                               p->name, fj->name, q->name);
                    diag_note(d, q->wire_name ? &q->wire_loc : &q->loc,
                              "first used here");
                    found = true;
                }
            }
        }
    }
}

bool sema_check(struct idl_file *file, struct diag *d)
{
    int before = d->nerrors;

    if (file->nifaces == 0 && d->nerrors == 0 && file->scope->nstructs
        + file->scope->nenums + file->scope->nconsts
        + file->scope->ntypedefs == 0)
        diag_file_error(d, "no interface declared");
    for (size_t i = 0; i < file->nifaces; i++) {
        file->ifaces[i]->outer = file->scope;
        if (!set_cname(file->ifaces[i], file->module)) {
            diag_oom(d);
            return false;
        }
    }
    check_top(d, file);
    for (size_t i = 0; i < file->nifaces && !diag_stopped(d); i++)
        check_iface(d, file, i);
    check_wire_names(file, d);
    /* Clashes are only meaningful between names that are valid. */
    if (d->nerrors == before)
        sema_check_cnames(file, d);
    return d->nerrors == before;
}
