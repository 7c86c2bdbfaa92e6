#include "config.h"

/*
 * sema.c - the checks of sema.h, one function per level of the tree.
 * Every name is looked up in a hash table (lookup.h), never compared
 * with each sibling: a file of 10,000 declarations is checked as fast,
 * per line, as a file of ten.  A duplicate is reported with the first
 * declaration of its name, which the table keeps.
 */

#include "sema.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "scope.h"
#include "types.h"

/* The largest bound: msgpack cannot say a longer length. */
#define MAX_BOUND 4294967295ULL

/* Names are looked up in scopes (scope.h): a name used in an interface
 * is looked up in the interface, then in its file's top level, then in
 * the top levels of the imported files; the first declaration found
 * wins, so an interface may reuse a name of the top level. */

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

/* Adds ELEM to T under NAME unless an earlier one has it (a NULL name,
 * a union's void arm, has none); reports running out of memory, after
 * which a name missing from T is never taken for a duplicate. */
static void index_name(struct diag *d, struct lookup *t, const char *name,
                       void *elem)
{
    if (name != NULL
        && lookup_add_str(t, name, elem, NULL) == LOOKUP_NOMEM)
        diag_oom(d);
}

static bool resolve(struct diag *d, struct idl_iface *iface,
                    struct idl_type_ref *ref);

static bool is_integer(enum idl_kind k);

/* string<NAME>, bytes<NAME> and sequence<T, NAME>: the grammar reads NAME
 * as a type (ARG, the last element type of REF); when it names an integer
 * constant, it becomes REF's bound.  Returns false after an error. */
static bool const_bound(struct diag *d, const struct idl_iface *iface,
                        struct idl_type_ref *ref)
{
    struct idl_type_ref *arg = ref->args[ref->nargs - 1];
    const struct idl_const *c = scope_find_const(iface, arg->name);

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
    const struct idl_type_ref *c;

    if (iface->outer == NULL
        || (c = scope_container(iface->outer, text)) == NULL)
        return false;
    free(ref->cname);
    ref->prefix = c->prefix;
    ref->cname = str_printf("%s", c->cname);
    ref->codec = ref->cname != NULL ? str_printf("%s", c->codec) : NULL;
    return true;
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
    const struct idl_type_ref *same;
    unsigned n;

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
    same = scope_container(iface, text);
    if (same != NULL) {
        free(text);
        ref->codec = str_printf("%s", same->codec);
        return ref->codec != NULL || (diag_oom(d), false);
    }
    scope_container_cname(iface, ref->cname, &n);
    n++;
    ref->codec = n == 1 ? str_printf("%s", ref->cname)
                        : str_printf("%s_%u", ref->cname, n);
    if (ref->codec == NULL) {
        free(text);
        goto oom;
    }
    if (!scope_add_container(iface, ref, text))
        goto oom;
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
                 || scope_find_struct(iface, ref->name) != NULL
                 || scope_find_enum(iface, ref->name) != NULL)
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
        && (td = scope_find_typedef(iface, ref->name)) != NULL)
        return expand_typedef(d, iface, ref, td);
    if (strcmp(ref->name, "sequence") == 0 || strcmp(ref->name, "map") == 0) {
        diag_error(d, &ref->loc, "'%s' needs element types: %s", ref->name,
                   ref->name[0] == 's' ? "sequence<T>" : "map<K, V>");
        return false;
    }
    ref->type = idl_type_lookup(ref->name);
    if (ref->type == NULL && (st = scope_find_struct(iface, ref->name)) != NULL) {
        ref->type = &idl_struct_type;
        ref->decl = st;
    }
    if (ref->type == NULL && (en = scope_find_enum(iface, ref->name)) != NULL) {
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

/* Parameter I of PROC; NAMES has the first parameter of each name. */
static void check_param(struct diag *d, struct idl_iface *iface,
                        const struct idl_proc *proc, size_t i,
                        const struct lookup *names)
{
    struct idl_param *param = &proc->params[i];
    const struct idl_param *first = lookup_get_str(names, param->name);

    sema_check_name(d, param->name, &param->loc, NAME_PARAM);
    if (first != NULL && first != param) {
        diag_error(d, &param->loc, "redefinition of parameter '%s'",
                   param->name);
        diag_note(d, &first->loc, "previous definition here");
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
    proc->errors = scope_find_enum(iface, proc->raises);
    if (proc->errors != NULL) {
        check_reserved_codes(d, proc);
        return;
    }
    if (scope_find_typedef(iface, proc->raises) == NULL
        && scope_find_struct(iface, proc->raises) == NULL
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
    td = scope_find_typedef(iface, proc->raises);
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
    const struct idl_proc *first;
    struct lookup params;

    lookup_init(&params, false);

    sema_check_name(d, proc->name, &proc->loc, NAME_PROC);
    if (proc->wire_name != NULL && strcmp(proc->wire_name, "\"\"") == 0)
        diag_error(d, &proc->wire_loc,
                   "procedure '%s' has an empty wire name", proc->name);
    first = lookup_get_str(&iface->procs_by_name, proc->name);
    if (first != NULL && first != proc) {
        diag_error(d, &proc->loc,
                   "redefinition of procedure '%s' in interface '%s'",
                   proc->name, iface->name);
        diag_note(d, &first->loc, "previous definition here");
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
        index_name(d, &params, proc->params[k].name, &proc->params[k]);
    for (size_t k = 0; k < proc->nparams; k++)
        check_param(d, iface, proc, k, &params);
    lookup_free(&params);
    check_raises(d, iface, proc);
}

/* Field I of ST; OPTIONALS has the first optional field of each name. */
static void check_field(struct diag *d, struct idl_iface *iface,
                        const struct idl_struct *st, size_t i,
                        const struct lookup *optionals)
{
    struct idl_field *field = &st->fields[i];
    const struct idl_field *first = lookup_get_str(&st->fields_by_name,
                                                   field->name);
    /* An optional scalar x comes with a member has_x. */
    const struct idl_field *has = strncmp(field->name, "has_", 4) == 0
                                  ? lookup_get_str(optionals, field->name + 4)
                                  : NULL;

    sema_check_name(d, field->name, &field->loc, NAME_FIELD);
    if (first == field)
        first = NULL;
    /* Of two problems, the one with the earlier field is reported. */
    if (first != NULL && (has == NULL || first < has)) {
        diag_error(d, &field->loc, "redefinition of field '%s' in "
                   "struct '%s'", field->name, st->name);
        diag_note(d, &first->loc, "previous definition here");
    } else if (has != NULL) {
        diag_error(d, &field->loc, "field '%s' clashes with the C "
                   "member that says whether optional field '%s' is "
                   "present", field->name, has->name);
        diag_note(d, &has->loc, "'%s' is declared here", has->name);
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

/* The structs of a scope visited by one search of contains(): struct I
 * was visited when MARK[I] is NOW.  A new search increments NOW, which
 * forgets every visit at once (a search is short; the scope may not
 * be). */
struct visits {
    unsigned *mark;
    unsigned now;
};

/* True when struct FROM holds TARGET by value, through required fields
 * only; V stops at cycles that do not pass through TARGET. */
static bool contains(const struct idl_iface *iface, const struct idl_struct *from,
                     const struct idl_struct *target, struct visits *v)
{
    size_t k;

    if (scope_struct_index(iface, from, &k)) {
        if (v->mark[k] == v->now)
            return false;
        v->mark[k] = v->now;
    }
    for (size_t i = 0; i < from->nfields; i++) {
        const struct idl_field *f = &from->fields[i];
        const struct idl_struct *held = by_value(&f->type);

        /* A struct of another scope cannot lead back into this one. */
        if (f->optional || held == NULL || held->prefix != iface->cname)
            continue;
        if (held == target || contains(iface, held, target, v))
            return true;
    }
    return false;
}

/* A struct that holds itself by value would be infinitely large. */
static void check_recursion(struct diag *d, const struct idl_iface *iface,
                            const struct idl_struct *st, struct visits *v)
{
    for (size_t i = 0; i < st->nfields; i++) {
        const struct idl_field *f = &st->fields[i];
        const struct idl_struct *held = by_value(&f->type);

        if (f->optional || held == NULL)
            continue;
        if (++v->now == 0) {    /* wrapped: every old mark must go */
            memset(v->mark, 0, iface->nstructs * sizeof *v->mark);
            v->now = 1;
        }
        if (held == st || contains(iface, held, st, v)) {
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
}

/* check_recursion() on each struct of IFACE. */
static void check_recursions(struct diag *d, const struct idl_iface *iface)
{
    struct visits v = { NULL, 0 };

    if (iface->nstructs == 0)
        return;
    v.mark = calloc(iface->nstructs, sizeof *v.mark);
    if (v.mark == NULL) {
        diag_oom(d);
        return;
    }
    for (size_t k = 0; k < iface->nstructs && !diag_stopped(d); k++)
        check_recursion(d, iface, iface->structs[k], &v);
    free(v.mark);
}

static void check_type_name(struct diag *d, const struct idl_iface *iface,
                            const char *name, const struct idl_loc *loc);

static void check_union(struct diag *d, struct idl_iface *iface,
                        struct idl_struct *un);

static void check_struct(struct diag *d, struct idl_iface *iface, size_t i)
{
    struct idl_struct *st = iface->structs[i];
    struct lookup optionals;

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
    lookup_init(&optionals, false);
    for (size_t k = 0; k < st->nfields; k++) {
        index_name(d, &st->fields_by_name, st->fields[k].name,
                   &st->fields[k]);
        if (st->fields[k].optional)
            index_name(d, &optionals, st->fields[k].name, &st->fields[k]);
    }
    for (size_t k = 0; k < st->nfields; k++)
        check_field(d, iface, st, k, &optionals);
    lookup_free(&optionals);
}

/* A value of enum EN: a number that fits in int32 (C's enum constants
 * are ints), or one more than the value before it.  Its number is added
 * to EN's table of numbers, which has those of the values before it. */
static void check_enum_value(struct diag *d, struct idl_enum *en, size_t i)
{
    struct idl_enum_value *v = &en->values[i];
    const struct idl_enum_value *first = lookup_get_str(&en->values_by_name,
                                                        v->name);
    const struct idl_enum_value *same;
    void *found;
    bool ok = true;

    if (first != NULL && first != v) {
        diag_error(d, &v->loc, "redefinition of '%s' in enum '%s'",
                   v->name, en->name);
        diag_note(d, &first->loc, "previous definition here");
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
    /* A value found bad still has a number, which later ones may repeat:
     * it goes in the table too. */
    switch (lookup_add(&en->values_by_number, &v->value, sizeof v->value,
                       v, &found)) {
    case LOOKUP_NOMEM:
        diag_oom(d);
        return;
    case LOOKUP_ADDED:
        return;
    case LOOKUP_FOUND:
        break;
    }
    /* One number, one meaning: a receiver maps it back to one name. */
    same = found;
    if (ok && same != v) {
        diag_error(d, v->text != NULL ? &v->value_loc : &v->loc,
                   "'%s' has the value %lld of '%s'", v->name, v->value,
                   same->name);
        diag_note(d, &same->loc, "'%s' is declared here", same->name);
    }
}

/* True when A, a declaration's name, is before B, another one's. */
static bool before(const struct idl_loc *a, const struct idl_loc *b)
{
    return a != b && (a->first_line < b->first_line
                      || (a->first_line == b->first_line
                          && a->first_column < b->first_column));
}

/* Reports NAME (of a struct or enum at LOC) when it is a built-in type or
 * a struct or enum of IFACE declared before it. */
static void check_type_name(struct diag *d, const struct idl_iface *iface,
                            const char *name, const struct idl_loc *loc)
{
    const struct idl_loc *prev = NULL;
    const struct idl_struct *st;
    const struct idl_typedef *td;
    const struct idl_enum *en;

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
    /* The first struct, typedef or enum of the name is the earliest:
     * each kind's array is in source order. */
    st = scope_own_struct(iface, name);
    td = scope_own_typedef(iface, name);
    en = scope_own_enum(iface, name);
    if (st != NULL && before(&st->loc, loc))
        prev = &st->loc;
    else if (td != NULL && before(&td->loc, loc))
        prev = &td->loc;
    else if (en != NULL && before(&en->loc, loc))
        prev = &en->loc;
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
    const struct idl_const *first;
    long long value;

    sema_check_name(d, c->name, &c->loc, NAME_STRUCT);
    first = lookup_get_str(&iface->consts_by_name, c->name);
    if (first != NULL && first != c) {
        diag_error(d, &c->loc, "redefinition of constant '%s'", c->name);
        diag_note(d, &first->loc, "previous definition here");
        return;
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
    const struct idl_enum_value *v =
        arm->label_negative ? NULL
                            : lookup_get_str(&en->values_by_name, arm->label);

    if (v != NULL) {
        arm->label_value = v->value;
        return true;
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
        const struct idl_const *c = scope_find_const(iface, arm->label);

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
    const struct idl_field *other;

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
    other = lookup_get_str(&un->fields_by_name, arm->name);
    if (other != NULL && other != arm) {
        diag_error(d, &arm->loc, "redefinition of arm '%s' in union "
                   "'%s'", arm->name, un->name);
        diag_note(d, &other->loc, "previous definition here");
        return;
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
    const struct idl_field *other;
    void *found;
    bool ok;

    if (un->disc.edecl != NULL)
        ok = enum_label(d, un->disc.edecl, arm);
    else
        ok = int_label(d, iface, un->disc.type->kind, un->disc.name, arm);
    arm->label_ok = ok;
    if (!ok)
        return;
    switch (lookup_add(&un->arms_by_label, &arm->label_value,
                       sizeof arm->label_value, arm, &found)) {
    case LOOKUP_NOMEM:
        diag_oom(d);
        return;
    case LOOKUP_ADDED:
        return;
    case LOOKUP_FOUND:
        break;
    }
    other = found;
    if (other != arm) {
        diag_error(d, &arm->label_loc, "duplicate case value '%s%s' in "
                   "union '%s'", arm->label_negative ? "-" : "",
                   arm->label, un->name);
        diag_note(d, &other->label_loc, "previous case here");
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
    for (size_t k = 0; k < un->nfields; k++)
        index_name(d, &un->fields_by_name, un->fields[k].name,
                   &un->fields[k]);
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
        index_name(d, &en->values_by_name, en->values[k].name,
                   &en->values[k]);
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
    check_recursions(d, top);
}

static void check_iface(struct diag *d, const struct idl_file *file,
                        size_t i)
{
    struct idl_iface *iface = file->ifaces[i];
    const struct idl_iface *first;

    sema_check_name(d, iface->name, &iface->loc, NAME_IFACE);
    first = lookup_get_str(&file->ifaces_by_name, iface->name);
    if (first != NULL && first != iface) {
        diag_error(d, &iface->loc, "redefinition of interface '%s'",
                   iface->name);
        diag_note(d, &first->loc, "previous definition here");
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
    check_recursions(d, iface);
}

/* wire_literal() without its quotes, written straight into BUF: had it
 * allocated, a failed allocation would pass for a name that does not
 * fit, and its callers would skip the procedure without a word (compat
 * then found nothing to compare and said "compatible"). */
bool sema_wire_name(const struct idl_iface *iface,
                    const struct idl_proc *proc, char *buf, size_t size)
{
    const char *prefix = iface->wire_prefix;
    int n;

    if (proc->wire_name != NULL)
        n = snprintf(buf, size, "%.*s", (int)strlen(proc->wire_name) - 2,
                     proc->wire_name + 1);
    else if (prefix != NULL)
        n = snprintf(buf, size, "%.*s%s", (int)strlen(prefix) - 2,
                     prefix + 1, proc->name);
    else
        n = snprintf(buf, size, "%s.%s", iface->name, proc->name);
    return n > 0 && (size_t)n < size;
}

/* A procedure with its wire name, for check_wire_names(); those of one
 * wire name are chained in the order of the file. */
struct wire_entry {
    char *wire;
    const struct idl_iface *iface;
    const struct idl_proc *proc;
    struct wire_entry *next;
    struct wire_entry *last;   /* in the chain's first entry: its end */
};

/* The first procedure before P (of FI) in chain FIRST that P's wire name
 * clashes with, or NULL.  Two names made of one interface's prefix clash
 * only for a redefinition, reported already. */
static const struct wire_entry *wire_clash(const struct wire_entry *first,
                                           const struct idl_iface *fi,
                                           const struct idl_proc *p)
{
    for (const struct wire_entry *q = first; q != NULL; q = q->next) {
        if (p->wire_name != NULL || q->proc->wire_name != NULL
            || q->iface != fi)
            return q;
    }
    return NULL;
}

/* Two procedures of the file may not share a wire name: the server
 * could not tell their calls apart. */
static void check_wire_names(const struct idl_file *file, struct diag *d)
{
    char a[512];
    struct lookup names;
    struct wire_entry *entries;
    size_t n = 0, total = 0;

    for (size_t i = 0; i < file->nifaces; i++)
        total += file->ifaces[i]->nprocs;
    entries = calloc(total + 1, sizeof *entries);
    if (entries == NULL) {
        diag_oom(d);
        return;
    }
    lookup_init(&names, false);
    for (size_t i = 0; i < file->nifaces && !diag_stopped(d); i++) {
        const struct idl_iface *fi = file->ifaces[i];

        for (size_t k = 0; k < fi->nprocs; k++) {
            const struct idl_proc *p = fi->procs[k];
            struct wire_entry *e = &entries[n], *first;
            const struct wire_entry *q;
            void *found;

            if (!sema_wire_name(fi, p, a, sizeof a))
                continue;
            e->wire = str_printf("%s", a);
            if (e->wire == NULL
                || lookup_add_str(&names, e->wire, e, &found)
                   == LOOKUP_NOMEM) {
                free(e->wire);
                diag_oom(d);
                goto done;
            }
            n++;
            e->iface = fi;
            e->proc = p;
            e->last = e;
            first = found;
            if (first == e)
                continue;
            q = wire_clash(first, fi, p);
            first->last->next = e;
            first->last = e;
            if (q == NULL)
                continue;
            diag_error(d, p->wire_name ? &p->wire_loc : &p->loc,
                       "wire name \"%s\" of procedure '%s.%s' is "
                       "already used by '%s.%s'", a, fi->name,
                       p->name, q->iface->name, q->proc->name);
            diag_note(d, q->proc->wire_name ? &q->proc->wire_loc
                                            : &q->proc->loc,
                      "first used here");
        }
    }
done:
    lookup_free(&names);
    for (size_t i = 0; i < n; i++)
        free(entries[i].wire);
    free(entries);
}

/* Indexes FILE's interfaces by name and the declarations of each scope
 * (scope.h) before any name is looked up: a type may be used before its
 * declaration.  False when memory ran out. */
static bool index_file(struct idl_file *file)
{
    if (!scope_index(file->scope))
        return false;
    for (size_t i = 0; i < file->nifaces; i++) {
        struct idl_iface *iface = file->ifaces[i];

        if (!scope_index(iface)
            || (iface->name != NULL
                && lookup_add_str(&file->ifaces_by_name, iface->name, iface,
                                  NULL) == LOOKUP_NOMEM))
            return false;
    }
    return true;
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
    if (!index_file(file)) {
        diag_oom(d);
        return false;
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
