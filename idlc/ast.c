#include "config.h"

#include "ast.h"

#include <stdlib.h>
#include <string.h>

#include "scope.h"

/* Makes room in ITEMS, an array of COUNT elements of SIZE bytes, for one
 * more; NULL (ITEMS unchanged) when memory runs out.  The arrays are
 * allocated in powers of two, so COUNT alone says whether one is full,
 * and a file of many declarations is built in linear time. */
static void *grow(void *items, size_t count, size_t size)
{
    if (count != 0 && (count & (count - 1)) != 0)
        return items;           /* not a power of two: not full */
    if (count >= ((size_t)-1) / size / 2)
        return NULL;
    return realloc(items, (count == 0 ? 1 : count * 2) * size);
}

struct idl_file *ast_file_new(void)
{
    struct idl_file *file = calloc(1, sizeof *file);

    if (file == NULL)
        return NULL;
    file->scope = ast_iface_new();
    if (file->scope == NULL) {
        free(file);
        return NULL;
    }
    file->scope->file = file;
    return file;
}

bool ast_file_add_import(struct idl_file *file, char *path,
                         const struct idl_loc *loc)
{
    struct idl_import *imports = grow(file->imports, file->nimports,
                                      sizeof *imports);

    if (imports == NULL)
        return false;
    imports[file->nimports].path = path;
    imports[file->nimports].loc = *loc;
    file->nimports++;
    file->imports = imports;
    return true;
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
    ast_iface_free(file->scope);
    lookup_free(&file->ifaces_by_name);
    for (size_t i = 0; i < file->nimports; i++)
        free(file->imports[i].path);
    free(file->imports);
    free(file->module);
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

bool ast_iface_add_struct(struct idl_iface *iface, struct idl_struct *st)
{
    struct idl_struct **structs = grow(iface->structs, iface->nstructs,
                                       sizeof *structs);

    if (structs == NULL)
        return false;
    structs[iface->nstructs++] = st;
    iface->structs = structs;
    return true;
}

bool ast_iface_add_enum(struct idl_iface *iface, struct idl_enum *en)
{
    struct idl_enum **enums = grow(iface->enums, iface->nenums,
                                   sizeof *enums);

    if (enums == NULL)
        return false;
    enums[iface->nenums++] = en;
    iface->enums = enums;
    return true;
}

bool ast_iface_add_const(struct idl_iface *iface, struct idl_const *c)
{
    struct idl_const **consts = grow(iface->consts, iface->nconsts,
                                     sizeof *consts);

    if (consts == NULL)
        return false;
    consts[iface->nconsts++] = c;
    iface->consts = consts;
    return true;
}

bool ast_iface_add_typedef(struct idl_iface *iface, struct idl_typedef *td)
{
    struct idl_typedef **tds = grow(iface->typedefs, iface->ntypedefs,
                                    sizeof *tds);

    if (tds == NULL)
        return false;
    tds[iface->ntypedefs++] = td;
    iface->typedefs = tds;
    return true;
}

void ast_typedef_free(struct idl_typedef *td)
{
    if (td == NULL)
        return;
    free(td->name);
    ast_type_clear(&td->type);
    free(td);
}

static char *dup_or_null(const char *s, bool *ok)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = malloc(strlen(s) + 1);
    if (d == NULL)
        *ok = false;
    else
        strcpy(d, s);
    return d;
}

bool ast_type_copy(struct idl_type_ref *dst, const struct idl_type_ref *src)
{
    bool ok = true;

    memset(dst, 0, sizeof *dst);
    dst->name = dup_or_null(src->name, &ok);
    dst->loc = src->loc;
    dst->bound_text = dup_or_null(src->bound_text, &ok);
    dst->bound_loc = src->bound_loc;
    dst->is_array = src->is_array;
    for (size_t i = 0; i < src->nargs && ok; i++) {
        struct idl_type_ref *arg = malloc(sizeof *arg);

        if (arg == NULL)
            return false;
        dst->args[dst->nargs++] = arg;
        ok = ast_type_copy(arg, src->args[i]);
    }
    return ok;
}

void ast_const_free(struct idl_const *c)
{
    if (c == NULL)
        return;
    free(c->name);
    free(c->doc);
    free(c->text);
    ast_type_clear(&c->type);
    free(c);
}

struct idl_enum *ast_enum_new(void)
{
    return calloc(1, sizeof(struct idl_enum));
}

bool ast_enum_add(struct idl_enum *en, struct idl_enum_value *value)
{
    struct idl_enum_value *values = grow(en->values, en->nvalues,
                                         sizeof *values);

    if (values == NULL)
        return false;
    values[en->nvalues++] = *value;
    en->values = values;
    return true;
}

void ast_enum_value_clear(struct idl_enum_value *value)
{
    free(value->name);
    free(value->text);
    value->name = NULL;
    value->text = NULL;
}

void ast_enum_free(struct idl_enum *en)
{
    if (en == NULL)
        return;
    for (size_t i = 0; i < en->nvalues; i++)
        ast_enum_value_clear(&en->values[i]);
    free(en->values);
    lookup_free(&en->values_by_name);
    lookup_free(&en->values_by_number);
    free(en->name);
    free(en->doc);
    free(en);
}

void ast_iface_free(struct idl_iface *iface)
{
    if (iface == NULL)
        return;
    for (size_t i = 0; i < iface->nprocs; i++)
        ast_proc_free(iface->procs[i]);
    free(iface->procs);
    free(iface->version_text);
    free(iface->wire_prefix);
    free(iface->doc);
    for (size_t i = 0; i < iface->nstructs; i++)
        ast_struct_free(iface->structs[i]);
    free(iface->structs);
    for (size_t i = 0; i < iface->nenums; i++)
        ast_enum_free(iface->enums[i]);
    free(iface->enums);
    scope_free(iface);
    free(iface->containers);
    for (size_t i = 0; i < iface->nconsts; i++)
        ast_const_free(iface->consts[i]);
    free(iface->consts);
    for (size_t i = 0; i < iface->ntypedefs; i++)
        ast_typedef_free(iface->typedefs[i]);
    free(iface->typedefs);
    free(iface->name);
    free(iface->cname);
    free(iface->visible);
    free(iface->visible_loc);
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

void ast_type_clear(struct idl_type_ref *ref)
{
    free(ref->name);
    free(ref->bound_text);
    free(ref->cname);
    free(ref->codec);
    free(ref->alias);
    ref->alias = NULL;
    ref->name = NULL;
    ref->bound_text = NULL;
    ref->cname = NULL;
    ref->codec = NULL;
    for (size_t i = 0; i < ref->nargs; i++) {
        ast_type_clear(ref->args[i]);
        free(ref->args[i]);
        ref->args[i] = NULL;
    }
    ref->nargs = 0;
}

struct idl_type_ref *ast_type_box(struct idl_type_ref *ref)
{
    struct idl_type_ref *box = malloc(sizeof *box);

    if (box != NULL)
        *box = *ref;
    return box;
}

void ast_param_clear(struct idl_param *param)
{
    free(param->name);
    param->name = NULL;
    ast_type_clear(&param->type);
}

struct idl_struct *ast_struct_new(void)
{
    return calloc(1, sizeof(struct idl_struct));
}

bool ast_struct_add(struct idl_struct *st, struct idl_field *field)
{
    struct idl_field *fields = grow(st->fields, st->nfields, sizeof *fields);

    if (fields == NULL)
        return false;
    fields[st->nfields++] = *field;
    st->fields = fields;
    return true;
}

void ast_field_clear(struct idl_field *field)
{
    free(field->name);
    free(field->doc);
    free(field->label);
    field->name = NULL;
    field->label = NULL;
    ast_type_clear(&field->type);
}

void ast_struct_free(struct idl_struct *st)
{
    if (st == NULL)
        return;
    for (size_t i = 0; i < st->nfields; i++)
        ast_field_clear(&st->fields[i]);
    free(st->fields);
    lookup_free(&st->fields_by_name);
    lookup_free(&st->arms_by_label);
    ast_type_clear(&st->disc);
    free(st->name);
    free(st->doc);
    free(st);
}

void ast_proc_free(struct idl_proc *proc)
{
    if (proc == NULL)
        return;
    for (size_t i = 0; i < proc->nparams; i++)
        ast_param_clear(&proc->params[i]);
    free(proc->params);
    free(proc->raises);
    ast_type_clear(&proc->result);
    free(proc->name);
    free(proc->wire_name);
    free(proc->doc);
    free(proc);
}
