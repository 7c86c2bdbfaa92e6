#include "config.h"

#include "ast.h"

#include <stdlib.h>

/* Grows the array *ITEMS of *COUNT elements of SIZE bytes by one slot.
 * Growing one at a time is fine: .idl files are small. */
static void *grow(void *items, size_t count, size_t size)
{
    if (count >= ((size_t)-1) / size - 1)
        return NULL;
    return realloc(items, (count + 1) * size);
}

struct idl_file *ast_file_new(void)
{
    return calloc(1, sizeof(struct idl_file));
}

bool ast_file_add(struct idl_file *file, struct idl_iface *iface)
{
    struct idl_iface **ifaces = grow(file->ifaces, file->nifaces,
                                     sizeof *ifaces);

    if (ifaces == NULL)
        return false;
    ifaces[file->nifaces++] = iface;
    file->ifaces = ifaces;
    return true;
}

void ast_file_free(struct idl_file *file)
{
    if (file == NULL)
        return;
    for (size_t i = 0; i < file->nifaces; i++)
        ast_iface_free(file->ifaces[i]);
    free(file->ifaces);
    free(file);
}

struct idl_iface *ast_iface_new(void)
{
    return calloc(1, sizeof(struct idl_iface));
}

bool ast_iface_add(struct idl_iface *iface, struct idl_proc *proc)
{
    struct idl_proc **procs = grow(iface->procs, iface->nprocs,
                                   sizeof *procs);

    if (procs == NULL)
        return false;
    procs[iface->nprocs++] = proc;
    iface->procs = procs;
    return true;
}

void ast_iface_free(struct idl_iface *iface)
{
    if (iface == NULL)
        return;
    for (size_t i = 0; i < iface->nprocs; i++)
        ast_proc_free(iface->procs[i]);
    free(iface->procs);
    free(iface->name);
    free(iface);
}

struct idl_proc *ast_proc_new(void)
{
    return calloc(1, sizeof(struct idl_proc));
}

bool ast_proc_add(struct idl_proc *proc, struct idl_param *param)
{
    struct idl_param *params = grow(proc->params, proc->nparams,
                                    sizeof *params);

    if (params == NULL)
        return false;
    params[proc->nparams++] = *param;
    proc->params = params;
    return true;
}

void ast_param_clear(struct idl_param *param)
{
    free(param->name);
    free(param->type.name);
    param->name = NULL;
    param->type.name = NULL;
}

void ast_proc_free(struct idl_proc *proc)
{
    if (proc == NULL)
        return;
    for (size_t i = 0; i < proc->nparams; i++)
        ast_param_clear(&proc->params[i]);
    free(proc->params);
    free(proc->result.name);
    free(proc->name);
    free(proc);
}
