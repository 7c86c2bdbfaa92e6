#include "config.h"

/*
 * lint.c - the warnings of lint.h, one function each.
 */

#include "lint.h"

#include <stdlib.h>
#include <strings.h>
#include <string.h>

#include "lookup.h"
#include "names.h"

/* C++'s keywords and alternative tokens that are not C11 keywords (those
 * are errors already, sema_names.c). */
static const char *const cxx_keywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "bitand", "bitor",
    "catch", "char8_t", "char16_t", "char32_t", "class", "co_await",
    "co_return", "co_yield", "compl", "concept", "const_cast", "consteval",
    "constexpr", "constinit", "decltype", "delete", "dynamic_cast",
    "explicit", "export", "friend", "mutable", "namespace", "new",
    "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq",
    "private", "protected", "public", "reinterpret_cast", "requires",
    "static_assert", "static_cast", "template", "this", "thread_local",
    "throw", "try", "typeid", "typename", "using", "virtual", "wchar_t",
    "xor", "xor_eq",
};

static bool is_cxx_keyword(const char *name)
{
    for (size_t i = 0; i < sizeof cxx_keywords / sizeof *cxx_keywords; i++)
        if (strcmp(cxx_keywords[i], name) == 0)
            return true;
    return false;
}

/* Warns when NAME, the IDL name of a WHAT at LOC, is a C++ keyword and
 * appears as it is in the generated C (a struct member, a parameter). */
static void cxx_name(struct diag *d, const char *what, const char *name,
                     const struct idl_loc *loc)
{
    if (is_cxx_keyword(name))
        diag_warning(d, DIAG_W_CXX_COMPAT, loc,
                     "%s name '%s' is a C++ keyword: the header will not "
                     "compile as C++", what, name);
}

/* Warns when CNAME (malloc'd, taken; NULL when memory ran out), the C
 * name that WHAT 'IN NAME' becomes (IN: "calc." or, at a file's top
 * level, ""), is a C++ keyword: interface "xor" and procedure "eq" make
 * "xor_eq", top level "wchar" (wchar.idl) and typedef "t" make "wchar_t". */
static void cxx_cname(struct diag *d, char *cname, const char *what,
                      const char *in, const char *name,
                      const struct idl_loc *loc)
{
    if (cname == NULL)
        diag_oom(d);
    else if (is_cxx_keyword(cname))
        diag_warning(d, DIAG_W_CXX_COMPAT, loc,
                     "the C name '%s' of %s '%s%s' is a C++ keyword: the "
                     "header will not compile as C++", cname, what, in,
                     name);
    free(cname);
}

/* The types of IFACE, an interface or a file's top level. */
static void cxx_types(const struct idl_iface *iface, struct diag *d)
{
    const char *cn = iface->cname;  /* C names begin so */
    /* "calc." before a name in messages; nothing at the top level */
    char *in = str_printf("%s%s", iface->name != NULL ? iface->name : "",
                          iface->name != NULL ? "." : "");

    if (in == NULL) {
        diag_oom(d);
        return;
    }
    for (size_t j = 0; j < iface->nenums; j++) {
        const struct idl_enum *en = iface->enums[j];

        cxx_cname(d, str_printf(CNAME_ENUM, cn, en->name), "enum", in,
                  en->name, &en->loc);
    }
    for (size_t j = 0; j < iface->nstructs; j++) {
        const struct idl_struct *st = iface->structs[j];
        const char *what = st->is_union ? "union" : "struct";

        cxx_cname(d, str_printf(CNAME_STRUCT, cn, st->name), what, in,
                  st->name, &st->loc);
        for (size_t k = 0; k < st->nfields; k++) {
            /* A union's "case X: void;" arm has no name. */
            if (st->fields[k].name != NULL)
                cxx_name(d, st->is_union ? "union arm" : "field",
                         st->fields[k].name, &st->fields[k].loc);
        }
    }
    for (size_t j = 0; j < iface->ntypedefs; j++) {
        const struct idl_typedef *td = iface->typedefs[j];

        cxx_cname(d, str_printf(CNAME_STRUCT, cn, td->name), "typedef", in,
                  td->name, &td->loc);
    }
    free(in);
}

/*
 * Every name that reaches the generated C.  Most begin with the C prefix
 * of their interface or top level (calc_add, struct calc_point, enum
 * calc_color, calc_path), which makes a keyword only by accident ("xor" +
 * "eq"); procedure names (the members of struct calc_ops), parameter
 * names, field names and union arm names appear as they are.  Constants
 * and enum values are upper-case (CALC_COLOR_RED), and C++ has no
 * upper-case keyword; the other generated names end in a suffix
 * (calc_add_async, calc_ops) that no keyword ends in.
 */
static void cxx_compat(const struct idl_file *file, struct diag *d)
{
    cxx_types(file->scope, d);
    for (size_t i = 0; i < file->nifaces; i++) {
        const struct idl_iface *iface = file->ifaces[i];
        char *in = str_printf("%s.", iface->name);

        if (in == NULL) {
            diag_oom(d);
            return;
        }
        cxx_types(iface, d);
        for (size_t j = 0; j < iface->nprocs; j++) {
            const struct idl_proc *proc = iface->procs[j];

            cxx_name(d, "procedure", proc->name, &proc->loc);
            cxx_cname(d, str_printf(CNAME_STUB, iface->cname, proc->name),
                      "procedure", in, proc->name, &proc->loc);
            for (size_t k = 0; k < proc->nparams; k++)
                cxx_name(d, "parameter", proc->params[k].name,
                         &proc->params[k].loc);
        }
        free(in);
    }
}

/* Warns about NAME at LOC when it equals an earlier name but for case. */
static void case_clash(struct diag *d, const char *what, const char *name,
                       const struct idl_loc *loc, const char *other,
                       const struct idl_loc *other_loc)
{
    if (strcasecmp(name, other) != 0 || strcmp(name, other) == 0)
        return;
    diag_warning(d, DIAG_W_CASE_CLASH, loc,
                 "%s name '%s' differs from '%s' only in case", what, name,
                 other);
    diag_note(d, other_loc, "'%s' is declared here", other);
}

/* Adds ITEM to T under NAME, whose case T ignores; the first item of
 * the name, ITEM or an earlier one, or NULL when memory ran out. */
static const void *first_of(struct diag *d, struct lookup *t,
                            const char *name, const void *item)
{
    void *first;

    if (lookup_add_str(t, name, (void *)item, &first) == LOOKUP_NOMEM)
        diag_oom(d);
    return first;
}

static void case_clashes(const struct idl_file *file, struct diag *d)
{
    struct lookup ifaces, procs;

    lookup_init(&ifaces, true);
    lookup_init(&procs, true);
    for (size_t i = 0; i < file->nifaces; i++) {
        const struct idl_iface *iface = file->ifaces[i];
        const struct idl_iface *other = first_of(d, &ifaces, iface->name,
                                                 iface);

        /* Only the first earlier name: one warning a name. */
        if (other != NULL && other != iface)
            case_clash(d, "interface", iface->name, &iface->loc,
                       other->name, &other->loc);
        for (size_t k = 0; k < iface->nprocs; k++) {
            const struct idl_proc *proc = iface->procs[k];
            const struct idl_proc *first = first_of(d, &procs, proc->name,
                                                    proc);

            if (first != NULL && first != proc)
                case_clash(d, "procedure", proc->name, &proc->loc,
                           first->name, &first->loc);
        }
        lookup_free(&procs);
    }
    lookup_free(&ifaces);
}

void lint_check(const struct idl_file *file, struct diag *d)
{
    cxx_compat(file, d);
    case_clashes(file, d);
}
