#include "config.h"

/*
 * sema_names.c - IDL names become C identifiers (calc_add, struct
 * calc_ops, ops->add, parameters), so they must be valid ones: no C
 * keywords, nothing the C standard reserves, nothing in the runtime's
 * namespaces, and no two generated names alike.
 */

#include "sema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "scope.h"
#include "types.h"

/* C11's keywords, plus the macros of <stdbool.h> and <stddef.h> that the
 * generated files include and that would break a declaration. */
static const char *const c_keywords[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do",
    "double", "else", "enum", "extern", "float", "for", "goto", "if",
    "inline", "int", "long", "register", "restrict", "return", "short",
    "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
    "unsigned", "void", "volatile", "while",
    "bool", "true", "false", "NULL",
};

/* Names the generated functions use for their own parameters and locals;
 * an IDL parameter of the same name would shadow or redeclare them. */
static const char *const stub_locals[] = {
    "client", "call", "impl", "args", "reply", "ops", "pk", "rc", "result",
    "derr", "decoded",
};

static bool in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], name) == 0)
            return true;
    }
    return false;
}

#define IN_LIST(name, list) in_list(name, list, sizeof list / sizeof list[0])

/* An error at LOC, or about the whole file when LOC is NULL. */
static void name_error(struct diag *d, const struct idl_loc *loc,
                       const char *fmt, ...) NAMES_PRINTF(3, 4);
static void name_error(struct diag *d, const struct idl_loc *loc,
                       const char *fmt, ...)
{
    char text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (loc != NULL)
        diag_error(d, loc, "%s", text);
    else
        diag_file_error(d, "%s", text);
}

void sema_check_name(struct diag *d, const char *name,
                     const struct idl_loc *loc, enum name_kind kind)
{
    static const char *const prefix_what[] = {
        [NAME_IFACE] = "interface name", [NAME_MODULE] = "module name",
        [NAME_STEM] = "the top level's C prefix (the file's name)",
    };
    bool prefix = kind == NAME_IFACE || kind == NAME_MODULE
                  || kind == NAME_STEM;

    if (IN_LIST(name, c_keywords)) {
        name_error(d, loc, "'%s' is a C keyword and cannot be used as a name",
                   name);
    } else if (name[0] == '_' && (name[1] == '_'
                                  || (name[1] >= 'A' && name[1] <= 'Z'))) {
        name_error(d, loc, "'%s' is a reserved identifier in C (it begins "
                   "with '%c%c')", name, name[0], name[1]);
    } else if (prefix && name[0] == '_') {
        /* calc_add is a file-scope name: those may not begin with '_'. */
        name_error(d, loc, "%s '%s' would make reserved C identifiers (it "
                   "begins with '_')", prefix_what[kind], name);
    } else if (prefix && (strcmp(name, "srpc") == 0
                          || strncmp(name, "srpc_", 5) == 0
                          || strcmp(name, "msgpack") == 0
                          || strncmp(name, "msgpack_", 8) == 0)) {
        name_error(d, loc, "%s '%s' would put generated names in the "
                   "runtime's namespace", prefix_what[kind], name);
    } else if (kind == NAME_PARAM && IN_LIST(name, stub_locals)) {
        diag_error(d, loc, "parameter name '%s' is reserved for the "
                   "generated code", name);
    }
}

/* One C name a generator will write and what it is, for messages. */
struct cname {
    char *name;
    char *what;
    const struct idl_loc *loc;
};

struct cname_list {
    struct cname **items;
    size_t n;
    size_t room;
    struct lookup by_name;    /* the first item of each name */
    bool oom;
    /* While the names of an imported file are added: the import, where
     * their clashes are reported (their own places are in another file),
     * and the file's name for the messages. */
    const struct idl_loc *import_loc;
    const char *import_name;
};

/* Room for one more name in L's array (which grows by half) and table,
 * so that a name goes in both or in neither; false when memory ran
 * out. */
static bool make_room(struct cname_list *l)
{
    if (l->n == l->room) {
        size_t room = l->room < 64 ? 64 : l->room + l->room / 2;
        struct cname **items = realloc(l->items, room * sizeof *items);

        if (items == NULL)
            return false;
        l->items = items;
        l->room = room;
    }
    return lookup_reserve(&l->by_name, 1);
}

/* Adds a name (taking NAME and WHAT), reporting a clash with an earlier
 * one at LOC with a note at the earlier one.  Returns true on a clash. */
static bool add(struct cname_list *l, struct diag *d, char *name, char *what,
                const struct idl_loc *loc)
{
    struct cname *item = NULL;
    const struct cname *first;
    void *found;

    if (what != NULL && l->import_name != NULL) {
        char *imported = str_printf("%s (in %s)", what, l->import_name);

        free(what);
        what = imported;
        loc = l->import_loc;
    }
    if (name != NULL && what != NULL && !l->oom && make_room(l))
        item = malloc(sizeof *item);
    if (item == NULL) {
        free(name);
        free(what);
        l->oom = true;
        return false;
    }
    item->name = name;
    item->what = what;
    item->loc = loc;
    l->items[l->n++] = item;
    if (lookup_add_str(&l->by_name, name, item, &found) != LOOKUP_FOUND)
        return false;
    first = found;
    diag_error(d, loc, "the C name '%s' of %s clashes with %s", name, what,
               first->what);
    diag_note(d, first->loc, "%s comes from here", first->what);
    return true;
}

/* The C structs of IFACE's sequences, maps and arrays: one per C type
 * (two spellings with one layout share theirs on purpose). */
static void add_containers(struct cname_list *l, struct diag *d,
                           const struct idl_iface *iface)
{
    for (size_t i = 0; i < iface->ncontainers; i++) {
        const struct idl_type_ref *c = iface->containers[i];

        if (scope_container_cname(iface, c->cname, NULL) == c)
            add(l, d, str_printf("struct " CNAME_STRUCT, c->prefix, c->cname),
                idl_type_spelling(c), &c->loc);
    }
}

/* The C names of the types and constants of IFACE (an interface or a
 * file's top level). */
static void add_types(struct cname_list *l, struct diag *d,
                      const struct idl_iface *iface)
{
    const char *cn = iface->cname;
    /* "calc." before a name in messages; nothing at the top level */
    char *in = str_printf("%s%s", iface->name != NULL ? iface->name : "",
                          iface->name != NULL ? "." : "");

    if (in == NULL) {
        l->oom = true;
        return;
    }
    for (size_t i = 0; i < iface->nstructs; i++) {
        const struct idl_struct *st = iface->structs[i];
        add(l, d, str_printf("struct " CNAME_STRUCT, cn, st->name),
            str_printf("%s '%s%s'", st->is_union ? "union" : "struct", in,
                       st->name), &st->loc);
    }
    add_containers(l, d, iface);
    for (size_t i = 0; i < iface->ntypedefs; i++) {
        const struct idl_typedef *td = iface->typedefs[i];
        add(l, d, str_printf(CNAME_STRUCT, cn, td->name),
            str_printf("typedef '%s%s'", in, td->name), &td->loc);
    }
    for (size_t i = 0; i < iface->nconsts; i++) {
        const struct idl_const *c = iface->consts[i];
        add(l, d, const_cname(cn, c->name),
            str_printf("constant '%s%s'", in, c->name), &c->loc);
    }
    for (size_t i = 0; i < iface->nenums; i++) {
        const struct idl_enum *en = iface->enums[i];
        add(l, d, str_printf("enum " CNAME_ENUM, cn, en->name),
            str_printf("enum '%s%s'", in, en->name), &en->loc);
        if (en->open)
            add(l, d, enum_value_cname(cn, en->name, OPEN_ENUM_WIDTH),
                str_printf("the width constant of open enum '%s%s'", in,
                           en->name), &en->loc);
        for (size_t k = 0; k < en->nvalues; k++)
            add(l, d, enum_value_cname(cn, en->name, en->values[k].name),
                str_printf("value '%s' of enum '%s%s'", en->values[k].name,
                           in, en->name), &en->values[k].loc);
    }
    free(in);
}

static void add_iface(struct cname_list *l, struct diag *d,
                      const struct idl_file *file,
                      const struct idl_iface *iface)
{
    const char *in = iface->name;
    const char *cn = iface->cname;  /* C names begin so */
    char *prefix = dispatch_prefix(file, iface);
    bool imported = l->import_name != NULL;

    if (prefix == NULL) {
        l->oom = true;
        return;
    }
    add(l, d, str_printf(CNAME_SERVE, cn),
        str_printf("the registration function of interface '%s'", in),
        &iface->loc);
    /* The method table, descriptor and dispatch functions are static
     * in the _server.c file: an imported file's are not in this one. */
    if (!imported) {
        add(l, d, str_printf(CNAME_METHODS, cn),
            str_printf("the method table of interface '%s'", in), &iface->loc);
        add(l, d, str_printf(CNAME_INTERFACE, cn),
            str_printf("the descriptor of interface '%s'", in), &iface->loc);
    }
    if (iface->version_text != NULL)
        add(l, d, const_cname(cn, "VERSION"),
            str_printf("the version of interface '%s'", in),
            &iface->version_loc);
    for (size_t i = 0; i < iface->nprocs; i++) {
        const struct idl_proc *proc = iface->procs[i];
        bool clash = add(l, d, str_printf(CNAME_STUB, cn, proc->name),
                         str_printf("the client stub of '%s.%s'", in,
                                    proc->name),
                         &proc->loc);
        /* When the stub's name clashes, so do its _async and _finish
         * names, for the same reason: one error says it. */
        if (!proc->oneway && !clash) {
            add(l, d, str_printf(CNAME_ASYNC, cn, proc->name),
                str_printf("the async client stub of '%s.%s'", in,
                           proc->name), &proc->loc);
            add(l, d, str_printf(CNAME_FINISH, cn, proc->name),
                str_printf("the finish client stub of '%s.%s'", in,
                           proc->name), &proc->loc);
        }
        if (proc->raises != NULL) {
            add(l, d, str_printf(CNAME_FAIL, cn, proc->name),
                str_printf("the failure helper of '%s.%s'", in, proc->name),
                &proc->raises_loc);
            add(l, d, str_printf(CNAME_ERROR, cn, proc->name),
                str_printf("the error code accessor of '%s.%s'", in,
                           proc->name), &proc->raises_loc);
        }
        if (!imported)
            add(l, d, str_printf(CNAME_DISPATCH, prefix, proc->name),
                str_printf("the dispatch function of '%s.%s'", in, proc->name),
                &proc->loc);
    }
    free(prefix);
    add(l, d, str_printf("struct " CNAME_OPS, cn),
        str_printf("the handler table of interface '%s'", in), &iface->loc);
    add_types(l, d, iface);
}

void sema_check_cnames(const struct idl_file *file, struct diag *d)
{
    struct cname_list l = { .items = NULL };

    lookup_init(&l.by_name, false);
    /* What imported headers declare comes first: the importer's header
     * includes them before its own declarations. */
    for (size_t i = 0; i < file->scope->nvisible; i++) {
        const struct idl_file *imported = file->scope->visible[i]->file;

        l.import_loc = &file->scope->visible_loc[i];
        l.import_name = imported->stem;
        add_types(&l, d, imported->scope);
        for (size_t k = 0; k < imported->nifaces; k++)
            add_iface(&l, d, imported, imported->ifaces[k]);
    }
    l.import_loc = NULL;
    l.import_name = NULL;
    add_types(&l, d, file->scope);
    for (size_t i = 0; i < file->nifaces; i++)
        add_iface(&l, d, file, file->ifaces[i]);
    if (l.oom)
        diag_oom(d);
    for (size_t i = 0; i < l.n; i++) {
        free(l.items[i]->name);
        free(l.items[i]->what);
        free(l.items[i]);
    }
    free(l.items);
    lookup_free(&l.by_name);
}
