#include "config.h"

/*
 * lint.c - the warnings of lint.h, one function each.
 */

#include "lint.h"

#include <strings.h>
#include <string.h>

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

static void cxx_compat(const struct idl_file *file, struct diag *d)
{
    for (size_t i = 0; i < file->nifaces; i++) {
        const struct idl_iface *iface = file->ifaces[i];
        for (size_t j = 0; j < iface->nprocs; j++) {
            const struct idl_proc *proc = iface->procs[j];
            if (is_cxx_keyword(proc->name))
                diag_warning(d, DIAG_W_CXX_COMPAT, &proc->loc,
                             "procedure name '%s' is a C++ keyword: the "
                             "header will not compile as C++", proc->name);
            for (size_t k = 0; k < proc->nparams; k++)
                if (is_cxx_keyword(proc->params[k].name))
                    diag_warning(d, DIAG_W_CXX_COMPAT,
                                 &proc->params[k].loc,
                                 "parameter name '%s' is a C++ keyword: "
                                 "the header will not compile as C++",
                                 proc->params[k].name);
        }
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

static void case_clashes(const struct idl_file *file, struct diag *d)
{
    for (size_t i = 0; i < file->nifaces; i++) {
        const struct idl_iface *iface = file->ifaces[i];
        /* Only the first earlier name: one warning a name. */
        for (size_t j = 0; j < i; j++) {
            if (strcasecmp(iface->name, file->ifaces[j]->name) == 0) {
                case_clash(d, "interface", iface->name, &iface->loc,
                           file->ifaces[j]->name, &file->ifaces[j]->loc);
                break;
            }
        }
        for (size_t k = 0; k < iface->nprocs; k++) {
            const struct idl_proc *proc = iface->procs[k];
            for (size_t j = 0; j < k; j++) {
                if (strcasecmp(proc->name, iface->procs[j]->name) == 0) {
                    case_clash(d, "procedure", proc->name, &proc->loc,
                               iface->procs[j]->name, &iface->procs[j]->loc);
                    break;
                }
            }
        }
    }
}

void lint_check(const struct idl_file *file, struct diag *d)
{
    cxx_compat(file, d);
    case_clashes(file, d);
}
