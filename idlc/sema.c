#include "config.h"

/*
 * sema.c - the checks of sema.h, one function per level of the tree.
 * Duplicates are found by comparing with the earlier siblings: files
 * declare a handful of names, so quadratic is fine and needs no table.
 */

#include "sema.h"

#include <string.h>

#include "types.h"

/* Resolves REF; reports an unknown name. */
static bool resolve(struct diag *d, struct idl_type_ref *ref)
{
    ref->type = idl_type_lookup(ref->name);
    if (ref->type == NULL) {
        diag_error(d, &ref->loc, "unknown type '%s'", ref->name);
        return false;
    }
    return true;
}

static void check_param(struct diag *d, const struct idl_proc *proc,
                        size_t i)
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
    if (resolve(d, &param->type) && param->type.type->kind == IDL_VOID)
        diag_error(d, &param->type.loc,
                   "parameter '%s' cannot have type 'void'", param->name);
}

static void check_proc(struct diag *d, const struct idl_iface *iface,
                       size_t i)
{
    struct idl_proc *proc = iface->procs[i];

    sema_check_name(d, proc->name, &proc->loc, NAME_PROC);
    for (size_t j = 0; j < i; j++) {
        if (strcmp(iface->procs[j]->name, proc->name) == 0) {
            diag_error(d, &proc->loc,
                       "redefinition of procedure '%s' in interface '%s'",
                       proc->name, iface->name);
            diag_note(d, &iface->procs[j]->loc, "previous definition here");
            break;
        }
    }
    if (resolve(d, &proc->result) && proc->oneway
        && proc->result.type->kind != IDL_VOID)
        diag_error(d, &proc->result.loc,
                   "oneway procedure '%s' must return void, not '%s'",
                   proc->name, proc->result.name);
    for (size_t k = 0; k < proc->nparams; k++)
        check_param(d, proc, k);
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
    /* C has no empty structs, so struct NAME_ops needs a member. */
    if (iface->nprocs == 0 && !iface->broken)
        diag_error(d, &iface->loc, "interface '%s' declares no procedures",
                   iface->name);
    for (size_t k = 0; k < iface->nprocs; k++)
        check_proc(d, iface, k);
}

bool sema_check(struct idl_file *file, struct diag *d)
{
    int before = d->nerrors;

    if (file->nifaces == 0 && d->nerrors == 0)
        diag_file_error(d, "no interface declared");
    for (size_t i = 0; i < file->nifaces && !diag_stopped(d); i++)
        check_iface(d, file, i);
    /* Clashes are only meaningful between names that are valid. */
    if (d->nerrors == before)
        sema_check_cnames(file, d);
    return d->nerrors == before;
}
