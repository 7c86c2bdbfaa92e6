#include "config.h"

/*
 * compat.c - compat_check(): the changes between two versions of an .idl
 * file that break peers built from the other version.
 *
 * What travels decides, never how the .idl spells it.  A call is a
 * method name and a positional array of arguments whose length the
 * server checks exactly (runtime/server/call.c); a struct is a map keyed by
 * field name whose receiver skips unknown keys, refuses a missing
 * required one and reads nil as absent; an enum is its number.  Typedef
 * names, constants, doc comments, struct and enum names, parameter names
 * and the order of declarations never travel.  Hence the rules:
 *
 * - Procedures are matched by wire name across the file (an interface's
 *   name matters only as the default prefix of its procedures' names),
 *   then compared part by part: oneway, the number of parameters (a new
 *   trailing optional parameter breaks too: a server refuses a call
 *   with any other count, and an absent argument still travels as nil),
 *   each parameter's type and optional-ness, the result's.
 * - Types are compared in their resolved form (typedefs expanded,
 *   constant bounds replaced by their numbers), recursively.  Two
 *   structs (or enums) met at the same place are compared field by field
 *   (value by value), once per pair, whatever their names.
 * - Either version may send anything: idlc does not track which way a
 *   struct travels, so a change that breaks one direction is reported.
 *   The one leniency is raising or dropping a bound: no value valid
 *   before becomes invalid, and senders are expected to stay within the
 *   old bound while old receivers remain.
 * - A value added to a closed enum is an error: old receivers refuse it
 *   the first time it is sent.  Making the enum open is compatible, so
 *   that comes first, in a release of its own.
 * - Removing an optional field or a value of an open enum is compatible
 *   (receivers skip the key or pass the number on), but reusing the name
 *   or number later is not: a warning says so (-Wcompat-removal).
 *
 * One function per kind of declaration (interface, procedure, struct,
 * enum) and one for types: a new kind of declaration or type gets its
 * own function and a case in compare_type().
 */

#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "scope.h"
#include "sema.h"
#include "types.h"

/* sema's limit on a wire name worth comparing. */
#define WIRE_MAX 512
/* A type's spelling or a description in a message. */
#define TEXT_MAX 256

/* A pair of declarations, old and new, compared once.  Its bytes are
 * its key in a table: two pointers, no padding. */
struct pair {
    const void *old;
    const void *new;
};

/* A procedure of one version with its wire name, or NULL when sema
 * finds none worth comparing. */
struct wire {
    char *name;
    const struct idl_proc *proc;
};

/* The wire names of one version's procedures. */
struct wires {
    struct wire *all;
    size_t n;
    struct lookup by_name;   /* the first procedure of each wire name */
    struct lookup by_proc;   /* each procedure's entry, by identity */
};

struct compat {
    const struct idl_file *old;
    const struct idl_file *new;
    struct diag *dold;
    struct diag *dnew;
    struct wires wold;
    struct wires wnew;
    struct pair **pairs;  /* the pairs compared, owned */
    size_t npairs;
    size_t pairs_room;
    struct lookup seen;   /* the same pairs, by their two pointers */
};

/* How a type changed, from harmless to worst. */
enum change {
    SAME,       /* compatible (bounds raised or dropped included) */
    TIGHTER,    /* a bound added or lowered */
    RETYPED     /* another type */
};

static void compare_struct(struct compat *c, const struct idl_struct *os,
                           const struct idl_struct *ns);
static void compare_union(struct compat *c, const struct idl_struct *ou,
                          const struct idl_struct *nu);
static void compare_enum(struct compat *c, const struct idl_enum *oe,
                         const struct idl_enum *ne);

static void note(const struct diag *from, struct diag *to,
                 const struct idl_loc *loc, const char *fmt, ...)
    DIAG_PRINTF(4, 5);

/* A note in TO on the message just reported to FROM, dropped with it
 * (a warning turned off, the error limit reached). */
static void note(const struct diag *from, struct diag *to,
                 const struct idl_loc *loc, const char *fmt, ...)
{
    char text[TEXT_MAX * 2];
    va_list ap;
    bool drop = to->drop_notes;

    if (from->stopped || from->drop_notes)
        return;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    to->drop_notes = false;
    diag_note(to, loc, "%s", text);
    to->drop_notes = drop;
}

static bool stopped(const struct compat *c)
{
    return diag_stopped(c->dold) || diag_stopped(c->dnew);
}

/* True when OLD and NEW were compared already; else remembers them.
 * Running out of memory stops the comparison (true). */
static bool seen(struct compat *c, const void *old, const void *new)
{
    struct pair key = { old, new }, *p;

    if (lookup_get(&c->seen, &key, sizeof key) != NULL)
        return true;
    if (c->npairs == c->pairs_room) {
        size_t room = c->pairs_room < 64 ? 64 : c->pairs_room * 2;
        struct pair **grown = realloc(c->pairs, room * sizeof *grown);

        if (grown == NULL) {
            diag_oom(c->dnew);
            return true;
        }
        c->pairs = grown;
        c->pairs_room = room;
    }
    /* The key is the pair's own copy, which stays where it is. */
    p = malloc(sizeof *p);
    if (p != NULL)
        *p = key;
    if (p == NULL || lookup_add(&c->seen, p, sizeof *p, p, NULL)
                     == LOOKUP_NOMEM) {
        free(p);
        diag_oom(c->dnew);
        return true;
    }
    c->pairs[c->npairs++] = p;
    return false;
}

/* REF as the .idl would spell it resolved, in BUF; false when memory ran
 * out for it. */
static bool spell(const struct idl_type_ref *ref, char *buf)
{
    char *s = idl_type_spelling(ref);
    /* A struct turned union keeps its name: say which it is. */
    const char *kind = ref->decl == NULL ? ""
                       : ref->decl->is_union ? "union " : "struct ";

    snprintf(buf, TEXT_MAX, "%s%s", kind, s != NULL ? s : "?");
    free(s);
    return s != NULL;
}

/* ---- types ------------------------------------------------------------ */

static enum change worse(enum change a, enum change b)
{
    return a > b ? a : b;
}

/* A bound going from OLD to NEW (0: none). */
static enum change compare_bound(unsigned long long old,
                                 unsigned long long new)
{
    return new != 0 && (old == 0 || new < old) ? TIGHTER : SAME;
}

/* True when the declaration whose C prefix is PREFIX is FILE's own, not
 * an imported file's.  A scope's declarations share its cname string. */
static bool own(const struct idl_file *file, const char *prefix)
{
    if (file->scope->cname == prefix)
        return true;
    for (size_t i = 0; i < file->nifaces; i++) {
        if (file->ifaces[i]->cname == prefix)
            return true;
    }
    return false;
}

/* How OLD became NEW.  Structs and enums report their own changes at
 * their fields and values and count as the same here.  Those of
 * imported files are compared when those files are: their places are in
 * other files. */
static enum change compare_type(struct compat *c,
                                const struct idl_type_ref *old,
                                const struct idl_type_ref *new)
{
    enum change ch = SAME;

    if (old->type->kind != new->type->kind)
        return RETYPED;
    if ((new->decl != NULL && !own(c->new, new->decl->prefix))
        || (new->edecl != NULL && !own(c->new, new->edecl->prefix))
        || (old->decl != NULL && !own(c->old, old->decl->prefix))
        || (old->edecl != NULL && !own(c->old, old->edecl->prefix)))
        return SAME;
    switch (old->type->kind) {
    case IDL_STRUCT:
        /* A map and a [discriminant, value] pair never read as each
         * other. */
        if (old->decl->is_union != new->decl->is_union)
            return RETYPED;
        if (old->decl->is_union)
            compare_union(c, old->decl, new->decl);
        else
            compare_struct(c, old->decl, new->decl);
        return SAME;
    case IDL_ENUM:
        compare_enum(c, old->edecl, new->edecl);
        return SAME;
    case IDL_ARRAY:
        if (old->bound != new->bound)
            return RETYPED;
        return compare_type(c, old->args[0], new->args[0]);
    case IDL_SEQUENCE:
    case IDL_MAP:
        for (size_t i = 0; i < old->nargs && i < new->nargs; i++)
            ch = worse(ch, compare_type(c, old->args[i], new->args[i]));
        return worse(ch, compare_bound(old->bound, new->bound));
    default:
        return compare_bound(old->bound, new->bound);
    }
}

/* Compares the types of WHAT ("field 'point.x'") and reports a change
 * at the new type, with a note at the old one. */
static void check_type(struct compat *c, const char *what,
                       const struct idl_type_ref *old,
                       const struct idl_type_ref *new)
{
    char o[TEXT_MAX], n[TEXT_MAX];
    enum change ch = compare_type(c, old, new);

    if (ch == SAME)
        return;
    /* A message with '?' for the types would hide why: say that. */
    if (!spell(old, o) || !spell(new, n)) {
        diag_oom(c->dnew);
        return;
    }
    if (ch == RETYPED)
        diag_error(c->dnew, &new->loc, "%s is now '%s' (it was '%s'); "
                   "peers built from the old version send and expect "
                   "'%s'", what, n, o, o);
    else
        diag_error(c->dnew, &new->loc, "%s is now '%s' (it was '%s'); "
                   "the lower bound refuses values that old peers may "
                   "send", what, n, o);
    note(c->dnew, c->dold, &old->loc, "it was '%s' here", o);
}

/* ---- structs ---------------------------------------------------------- */

static const struct idl_field *find_field(const struct idl_struct *st,
                                          const char *name)
{
    return lookup_get_str(&st->fields_by_name, name);
}

/* Field OF of the old struct became NF of struct NS. */
static void compare_field(struct compat *c, const struct idl_struct *ns,
                          const struct idl_field *of,
                          const struct idl_field *nf)
{
    char what[TEXT_MAX];

    snprintf(what, sizeof what, "field '%s.%s'", ns->name, nf->name);
    check_type(c, what, &of->type, &nf->type);
    if (of->optional == nf->optional)
        return;
    if (of->optional)
        diag_error(c->dnew, &nf->loc, "%s is now required (it was "
                   "optional); old peers that omit it will be refused",
                   what);
    else
        diag_error(c->dnew, &nf->loc, "%s is now optional (it was "
                   "required); old peers refuse structs that omit it",
                   what);
    note(c->dnew, c->dold, &of->loc, "it was %s here",
         of->optional ? "optional" : "required");
}

/* Field NF of struct NS has no field of its name in the old struct OS. */
static void added_field(struct compat *c, const struct idl_struct *os,
                        const struct idl_struct *ns,
                        const struct idl_field *nf)
{
    if (nf->optional)
        return;
    diag_error(c->dnew, &nf->loc, "field '%s.%s' is new and required; old "
               "peers do not send it, so their structs will be refused",
               ns->name, nf->name);
    note(c->dnew, c->dold, &os->loc, "struct '%s' had no field '%s'",
         os->name, nf->name);
}

/* Field OF of the old struct OS is not in the new struct NS. */
static void removed_field(struct compat *c, const struct idl_struct *os,
                          const struct idl_struct *ns,
                          const struct idl_field *of)
{
    if (of->optional) {
        diag_warning(c->dold, DIAG_W_COMPAT_REMOVAL, &of->loc, "optional "
                     "field '%s.%s' was removed: compatible, but old peers "
                     "still send it, so never reuse its name", os->name,
                     of->name);
        return;
    }
    diag_error(c->dold, &of->loc, "field '%s.%s' was removed; old peers "
               "require it and will refuse structs that lack it", os->name,
               of->name);
    note(c->dold, c->dnew, &ns->loc, "struct '%s' has no field '%s' now",
         ns->name, of->name);
}

static void compare_struct(struct compat *c, const struct idl_struct *os,
                           const struct idl_struct *ns)
{
    if (os == NULL || ns == NULL || seen(c, os, ns))
        return;
    for (size_t i = 0; i < ns->nfields && !stopped(c); i++) {
        const struct idl_field *nf = &ns->fields[i];
        const struct idl_field *of = find_field(os, nf->name);

        if (of != NULL)
            compare_field(c, ns, of, nf);
        else
            added_field(c, os, ns, nf);
    }
    for (size_t i = 0; i < os->nfields && !stopped(c); i++) {
        if (find_field(ns, os->fields[i].name) == NULL)
            removed_field(c, os, ns, &os->fields[i]);
    }
}

/* Top-level OS, a struct or union, is now NS, the other kind. */
static void retyped_decl(struct compat *c, const struct idl_struct *os,
                         const struct idl_struct *ns)
{
    diag_error(c->dnew, &ns->loc, "'%s' is now a %s (it was a %s); peers "
               "built from the old version send and expect a %s", ns->name,
               ns->is_union ? "union" : "struct",
               os->is_union ? "union" : "struct",
               os->is_union ? "union" : "struct");
    note(c->dnew, c->dold, &os->loc, "it was a %s here",
         os->is_union ? "union" : "struct");
}

/* ---- unions ----------------------------------------------------------- */

/* The arm of union UN whose label has VALUE, or NULL. */
static const struct idl_field *arm_labelled(const struct idl_struct *un,
                                            long long value)
{
    return lookup_get(&un->arms_by_label, &value, sizeof value);
}

/* "case NUM" and the arm's name, for messages. */
static const char *arm_text(const struct idl_field *arm, char *buf)
{
    snprintf(buf, TEXT_MAX, "case %s%s %s", arm->label_negative ? "-" : "",
             arm->label, arm->name != NULL ? arm->name : "(void)");
    return buf;
}

/*
 * Arms are matched by their discriminant's value, the only part of the
 * label that travels.  A receiver refuses a discriminant it has no arm
 * for, so an arm added breaks old receivers and an arm removed breaks
 * old senders; an arm kept must keep its type.
 */
static void compare_union(struct compat *c, const struct idl_struct *ou,
                          const struct idl_struct *nu)
{
    char what[2 * TEXT_MAX], arm[TEXT_MAX];

    if (seen(c, ou, nu))
        return;
    snprintf(what, sizeof what, "the discriminant of union '%s'", nu->name);
    check_type(c, what, &ou->disc, &nu->disc);
    for (size_t i = 0; i < nu->nfields && !stopped(c); i++) {
        const struct idl_field *na = &nu->fields[i];
        const struct idl_field *oa = arm_labelled(ou, na->label_value);

        if (oa == NULL) {
            diag_error(c->dnew, &na->label_loc, "union '%s' has a new arm "
                       "'%s'; old peers refuse a value with its "
                       "discriminant", nu->name, arm_text(na, arm));
            note(c->dnew, c->dold, &ou->loc, "union '%s' was declared "
                 "here", ou->name);
            continue;
        }
        snprintf(what, sizeof what, "arm '%s' of union '%s'",
                 arm_text(na, arm), nu->name);
        check_type(c, what, &oa->type, &na->type);
    }
    for (size_t i = 0; i < ou->nfields && !stopped(c); i++) {
        const struct idl_field *oa = &ou->fields[i];

        if (arm_labelled(nu, oa->label_value) != NULL)
            continue;
        diag_error(c->dold, &oa->label_loc, "arm '%s' of union '%s' was "
                   "removed; old peers still send it and new ones refuse "
                   "it", arm_text(oa, arm), ou->name);
        note(c->dold, c->dnew, &nu->loc, "union '%s' is declared here",
             nu->name);
    }
}

/* ---- enums ------------------------------------------------------------ */

static const struct idl_enum_value *value_named(const struct idl_enum *en,
                                                const char *name)
{
    return lookup_get_str(&en->values_by_name, name);
}

static const struct idl_enum_value *value_numbered(const struct idl_enum *en,
                                                   long long value)
{
    return lookup_get(&en->values_by_number, &value, sizeof value);
}

/* Where a value's number is written, or its name when implicit. */
static const struct idl_loc *value_loc(const struct idl_enum_value *v)
{
    return v->text != NULL ? &v->value_loc : &v->loc;
}

/* Value OV of old enum OE: renumbered, renamed (fine) or removed. */
static void check_old_value(struct compat *c, const struct idl_enum *oe,
                            const struct idl_enum *ne,
                            const struct idl_enum_value *ov)
{
    const struct idl_enum_value *nv = value_named(ne, ov->name);

    if (nv != NULL && nv->value != ov->value) {
        diag_error(c->dnew, value_loc(nv), "enum value '%s.%s' is now %lld "
                   "(it was %lld); only the number travels, so old and new "
                   "peers read it differently", ne->name, nv->name,
                   nv->value, ov->value);
        note(c->dnew, c->dold, value_loc(ov), "it was %lld here",
             ov->value);
    } else if (nv == NULL && value_numbered(ne, ov->value) == NULL) {
        if (ne->open) {
            diag_warning(c->dold, DIAG_W_COMPAT_REMOVAL, &ov->loc, "enum "
                         "value '%s.%s' (%lld) was removed from open enum "
                         "'%s': compatible, but old peers still send it, "
                         "so never reuse the number", oe->name, ov->name,
                         ov->value, ne->name);
            return;
        }
        diag_error(c->dold, &ov->loc, "enum value '%s.%s' (%lld) was "
                   "removed; new receivers refuse it when old peers send "
                   "it", oe->name, ov->name, ov->value);
        note(c->dold, c->dnew, &ne->loc, "enum '%s' is not open",
             ne->name);
    }
}

/* Value NV of new enum NE, which is new when neither its name nor its
 * number was in the old enum OE. */
static void check_new_value(struct compat *c, const struct idl_enum *oe,
                            const struct idl_enum *ne,
                            const struct idl_enum_value *nv)
{
    if (oe->open || value_named(oe, nv->name) != NULL
        || value_numbered(oe, nv->value) != NULL)
        return;
    diag_error(c->dnew, &nv->loc, "enum value '%s.%s' (%lld) is new, and "
               "old receivers of closed enum '%s' refuse it; make the enum "
               "open in a release of its own first", ne->name, nv->name,
               nv->value, oe->name);
    note(c->dnew, c->dold, &oe->loc, "enum '%s' is closed here", oe->name);
}

static void compare_enum(struct compat *c, const struct idl_enum *oe,
                         const struct idl_enum *ne)
{
    if (oe == NULL || ne == NULL || seen(c, oe, ne))
        return;
    if (oe->open && !ne->open) {
        diag_error(c->dnew, &ne->loc, "enum '%s' is no longer open; it "
                   "refuses the values it does not list that old peers "
                   "may send", ne->name);
        note(c->dnew, c->dold, &oe->loc, "it was open here");
    }
    for (size_t i = 0; i < oe->nvalues && !stopped(c); i++)
        check_old_value(c, oe, ne, &oe->values[i]);
    for (size_t i = 0; i < ne->nvalues && !stopped(c); i++)
        check_new_value(c, oe, ne, &ne->values[i]);
}

/* ---- procedures ------------------------------------------------------- */

/* Parameter OP of procedure NAME became NP. */
static void compare_param(struct compat *c, const char *name,
                          const struct idl_param *op,
                          const struct idl_param *np)
{
    char what[TEXT_MAX * 2];

    snprintf(what, sizeof what, "parameter '%s' of '%s'", np->name, name);
    check_type(c, what, &op->type, &np->type);
    if (op->optional == np->optional)
        return;
    if (np->optional)
        diag_error(c->dnew, &np->loc, "%s is now optional (it was "
                   "required); old servers refuse the nil that new clients "
                   "send when it is absent", what);
    else
        diag_error(c->dnew, &np->loc, "%s is now required (it was "
                   "optional); new servers refuse the nil that old clients "
                   "send when it is absent", what);
    note(c->dnew, c->dold, &op->loc, "it was %s here",
         op->optional ? "optional" : "required");
}

static void compare_params(struct compat *c, const char *name,
                           const struct idl_proc *op,
                           const struct idl_proc *np)
{
    size_t on = op->nparams, nn = np->nparams;

    for (size_t i = 0; i < on && i < nn && !stopped(c); i++)
        compare_param(c, name, &op->params[i], &np->params[i]);
    if (nn > on) {
        const struct idl_param *p = &np->params[on];

        diag_error(c->dnew, &p->loc, "parameter '%s' of '%s' is new; a "
                   "server refuses calls with another number of arguments, "
                   "so old and new peers cannot call each other%s", p->name,
                   name, p->optional ? " (an optional argument is still "
                   "sent, as nil)" : "");
        note(c->dnew, c->dold, &op->loc, "'%s' took %zu parameter%s here",
             name, on, on == 1 ? "" : "s");
    } else if (nn < on) {
        const struct idl_param *p = &op->params[nn];

        diag_error(c->dold, &p->loc, "parameter '%s' of '%s' was removed; a "
                   "server refuses calls with another number of arguments, "
                   "so old and new peers cannot call each other", p->name,
                   name);
        note(c->dold, c->dnew, &np->loc, "'%s' takes %zu parameter%s now",
             name, nn, nn == 1 ? "" : "s");
    }
}

static void compare_result(struct compat *c, const char *name,
                           const struct idl_proc *op,
                           const struct idl_proc *np)
{
    char what[TEXT_MAX * 2];

    snprintf(what, sizeof what, "the result of '%s'", name);
    check_type(c, what, &op->result, &np->result);
    if (op->result_optional == np->result_optional)
        return;
    if (np->result_optional)
        diag_error(c->dnew, &np->result.loc, "%s is now optional (it was "
                   "not); old clients refuse the nil that new servers send "
                   "when there is none", what);
    else
        diag_error(c->dnew, &np->result.loc, "%s is no longer optional; "
                   "new clients refuse the nil that old servers may send",
                   what);
    note(c->dnew, c->dold, &op->result.loc, "it was %soptional here",
         op->result_optional ? "" : "not ");
}

/* OP of interface OI and NP of NI have one wire name. */
static void compare_proc(struct compat *c, const struct idl_proc *op,
                         const struct idl_iface *ni,
                         const struct idl_proc *np)
{
    char name[TEXT_MAX];

    snprintf(name, sizeof name, "%s.%s", ni->name, np->name);
    if (op->oneway != np->oneway) {
        if (np->oneway)
            diag_error(c->dnew, &np->loc, "procedure '%s' is now oneway; "
                       "old clients wait for a reply that never comes",
                       name);
        else
            diag_error(c->dnew, &np->loc, "procedure '%s' is no longer "
                       "oneway; new clients wait for a reply that old "
                       "servers never send", name);
        note(c->dnew, c->dold, &op->loc, "it was %soneway here",
             op->oneway ? "" : "not ");
    }
    compare_params(c, name, op, np);
    compare_result(c, name, op, np);
}

/* ---- interfaces and the file ---------------------------------------- */

static const struct idl_iface *find_iface(const struct idl_file *file,
                                          const char *name)
{
    return lookup_get_str(&file->ifaces_by_name, name);
}

static const struct idl_proc *proc_named(const struct idl_iface *iface,
                                         const char *name)
{
    return iface != NULL ? lookup_get_str(&iface->procs_by_name, name)
                         : NULL;
}

/* Indexes the wire names of FILE's procedures into W; false when memory
 * ran out. */
static bool wires_init(struct wires *w, const struct idl_file *file)
{
    char buf[WIRE_MAX];
    size_t total = 0;

    lookup_init(&w->by_name, false);
    lookup_init(&w->by_proc, false);
    w->n = 0;
    for (size_t i = 0; i < file->nifaces; i++)
        total += file->ifaces[i]->nprocs;
    w->all = calloc(total + 1, sizeof *w->all);
    if (w->all == NULL)
        return false;
    for (size_t i = 0; i < file->nifaces; i++) {
        const struct idl_iface *iface = file->ifaces[i];

        for (size_t k = 0; k < iface->nprocs; k++) {
            struct wire *e = &w->all[w->n++];

            e->proc = iface->procs[k];
            /* Keyed by the entry's copy of the pointer, which stays. */
            if (lookup_add(&w->by_proc, lookup_ptr_key(&e->proc), e, NULL)
                == LOOKUP_NOMEM)
                return false;
            if (!sema_wire_name(iface, e->proc, buf, sizeof buf))
                continue;
            e->name = str_printf("%s", buf);
            if (e->name == NULL
                || lookup_add_str(&w->by_name, e->name, e, NULL)
                   == LOOKUP_NOMEM)
                return false;
        }
    }
    return true;
}

static void wires_free(struct wires *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->all[i].name);
    free(w->all);
    lookup_free(&w->by_name);
    lookup_free(&w->by_proc);
}

/* The wire name of procedure P of W's version, or NULL. */
static const char *wire_of(const struct wires *w, const struct idl_proc *p)
{
    const struct wire *e = lookup_get(&w->by_proc, lookup_ptr_key(&p));

    return e != NULL ? e->name : NULL;
}

/* The procedure of W's version whose wire name is WIRE, or NULL. */
static const struct idl_proc *proc_on_wire(const struct wires *w,
                                           const char *wire)
{
    const struct wire *e = lookup_get_str(&w->by_name, wire);

    return e != NULL ? e->proc : NULL;
}

/* Does procedure P of version W have a wire name that OTHER has too? */
static bool on_wire_in(const struct wires *w, const struct idl_proc *p,
                       const struct wires *other)
{
    const char *wire = wire_of(w, p);

    return wire != NULL && proc_on_wire(other, wire) != NULL;
}

/* The old procedure that NP of NI is, under another wire name: one of
 * the same name in the old interface of the same name, whose own wire
 * name is gone.  NULL when there is none. */
static const struct idl_proc *renamed_from(const struct compat *c,
                                           const struct idl_iface *ni,
                                           const struct idl_proc *np)
{
    const struct idl_iface *oi = find_iface(c->old, ni->name);
    const struct idl_proc *op = proc_named(oi, np->name);

    if (op == NULL || on_wire_in(&c->wold, op, &c->wnew))
        return NULL;
    return op;
}

/* A procedure of the new file: compared with the old one of its wire
 * name; new procedures are compatible. */
static void check_new_proc(struct compat *c, const struct idl_iface *ni,
                           const struct idl_proc *np)
{
    const char *wire = wire_of(&c->wnew, np), *was;
    const struct idl_proc *op;

    if (wire == NULL)
        return;
    op = proc_on_wire(&c->wold, wire);
    if (op != NULL) {
        compare_proc(c, op, ni, np);
        return;
    }
    op = renamed_from(c, ni, np);
    if (op == NULL || (was = wire_of(&c->wold, op)) == NULL)
        return;
    diag_error(c->dnew, np->wire_name != NULL ? &np->wire_loc : &np->loc,
               "the wire name of procedure '%s.%s' is now \"%s\" (it was "
               "\"%s\"); new servers do not know the name old clients call",
               ni->name, np->name, wire, was);
    note(c->dnew, c->dold, op->wire_name != NULL ? &op->wire_loc : &op->loc,
         "it was \"%s\" here", was);
}

/* True when old procedure OP of OI is in the new file: under its wire
 * name, or under another one (reported by check_new_proc()). */
static bool kept(const struct compat *c, const struct idl_iface *oi,
                 const struct idl_proc *op)
{
    const struct idl_iface *ni = find_iface(c->new, oi->name);
    const struct idl_proc *np = proc_named(ni, op->name);

    return on_wire_in(&c->wold, op, &c->wnew)
           || (np != NULL && !on_wire_in(&c->wnew, np, &c->wold)
               && renamed_from(c, ni, np) == op);
}

/* Old interface OI is gone with all its procedures. */
static void removed_iface(struct compat *c, const struct idl_iface *oi)
{
    const struct idl_iface *candidate = NULL;
    size_t ncandidates = 0;

    diag_error(c->dold, &oi->loc, "interface '%s' was removed; old clients "
               "calling its procedures get 'no such method'", oi->name);
    for (size_t i = 0; i < c->new->nifaces; i++) {
        const struct idl_iface *ni = c->new->ifaces[i];

        if (find_iface(c->old, ni->name) == NULL) {
            candidate = ni;
            ncandidates++;
        }
    }
    if (ncandidates == 1)
        note(c->dold, c->dnew, &candidate->loc, "if it was renamed to '%s': "
             "an interface's name is part of its procedures' wire names",
             candidate->name);
}

/* The procedures of old interface OI that are gone. */
static void check_old_iface(struct compat *c, const struct idl_iface *oi)
{
    const struct idl_iface *ni = find_iface(c->new, oi->name);
    size_t gone = 0;
    const char *wire;

    for (size_t i = 0; i < oi->nprocs; i++)
        gone += !kept(c, oi, oi->procs[i]);
    if (ni == NULL && gone > 0 && gone == oi->nprocs) {
        removed_iface(c, oi);
        return;
    }
    for (size_t i = 0; i < oi->nprocs && !stopped(c); i++) {
        const struct idl_proc *op = oi->procs[i];

        if (kept(c, oi, op) || (wire = wire_of(&c->wold, op)) == NULL)
            continue;
        diag_error(c->dold, &op->loc, "procedure '%s.%s' was removed; old "
                   "clients calling \"%s\" get 'no such method'", oi->name,
                   op->name, wire);
        if (ni != NULL)
            note(c->dold, c->dnew, &ni->loc, "interface '%s' has no "
                 "procedure \"%s\" now", ni->name, wire);
    }
}

/* The top level's types are shared by other files, which may send them
 * in procedures of their own: each is compared with the old one of its
 * name (a file of types alone has nothing else to compare). */
static void check_top(struct compat *c)
{
    const struct idl_iface *nt = c->new->scope, *ot = c->old->scope;

    /* Both files passed sema: a scope has one declaration of a name. */
    for (size_t i = 0; i < nt->nstructs && !stopped(c); i++) {
        const struct idl_struct *ns = nt->structs[i];
        const struct idl_struct *os = scope_own_struct(ot, ns->name);

        if (os == NULL)
            continue;
        if (os->is_union && ns->is_union)
            compare_union(c, os, ns);
        else if (!os->is_union && !ns->is_union)
            compare_struct(c, os, ns);
        else
            retyped_decl(c, os, ns);
    }
    for (size_t i = 0; i < nt->nenums && !stopped(c); i++) {
        const struct idl_enum *oe = scope_own_enum(ot, nt->enums[i]->name);

        if (oe != NULL)
            compare_enum(c, oe, nt->enums[i]);
    }
}

bool compat_check(const struct idl_file *old, struct diag *dold,
                  const struct idl_file *new, struct diag *dnew)
{
    struct compat c = { .old = old, .new = new, .dold = dold,
                        .dnew = dnew };
    int before = dold->nerrors + dnew->nerrors;

    lookup_init(&c.seen, false);
    if (!wires_init(&c.wold, old) || !wires_init(&c.wnew, new))
        diag_oom(dnew);
    for (size_t i = 0; i < new->nifaces && !stopped(&c); i++) {
        const struct idl_iface *ni = new->ifaces[i];

        for (size_t k = 0; k < ni->nprocs && !stopped(&c); k++)
            check_new_proc(&c, ni, ni->procs[k]);
    }
    for (size_t i = 0; i < old->nifaces && !stopped(&c); i++)
        check_old_iface(&c, old->ifaces[i]);
    check_top(&c);
    wires_free(&c.wold);
    wires_free(&c.wnew);
    for (size_t i = 0; i < c.npairs; i++)
        free(c.pairs[i]);
    free(c.pairs);
    lookup_free(&c.seen);
    return dold->nerrors + dnew->nerrors == before;
}
