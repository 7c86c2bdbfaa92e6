#include "config.h"

/*
 * server_v2.c - the inventory server built from v2/inventory.idl (see
 * evoserver.h).  Only this file and the v2 stubs see version 2's types.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "evoserver.h"
#include "v2/gen/inventory.h"

#define EVO_MAX_ITEMS 16

const unsigned evo_server_version = INVENTORY_VERSION;

/* One stored item: the generated struct, pointing into memory the store
 * owns (strdup'ed strings, the bin beside it). */
struct entry {
    struct inventory_item item;
    struct inventory_bin bin;
};

struct evo_store {
    size_t n;
    struct entry e[EVO_MAX_ITEMS];
};

static char *dup_or_null(const char *s)
{
    char *d;

    if (s == NULL)
        return NULL;
    d = strdup(s);
    ck_assert_ptr_nonnull(d);
    return d;
}

static void entry_free(struct entry *e)
{
    free((char *)e->item.name);
    free((char *)e->item.note);
    free((char *)e->item.supplier);
    free((char *)e->bin.aisle);
    memset(e, 0, sizeof *e);
}

/* Copies IT into E; an item without a bin goes to the receiving bin. */
static void entry_set(struct entry *e, const struct inventory_item *it)
{
    entry_free(e);
    e->item = *it;
    e->item.name = dup_or_null(it->name);
    e->item.note = dup_or_null(it->note);
    e->item.supplier = dup_or_null(it->supplier);
    e->bin.aisle = dup_or_null(it->where ? it->where->aisle : "IN");
    e->bin.shelf = it->where ? it->where->shelf : 0;
    e->item.where = &e->bin;
}

static struct entry *find(struct evo_store *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->e[i].item.name, name) == 0)
            return &st->e[i];
    return NULL;
}

static int get(srpc_call *call, const char *name, struct inventory_item *result)
{
    struct entry *e = find(srpc_call_user_data(call), name);

    if (e == NULL)
        return srpc_call_fail(call, 404, "no item '%s'", name);
    *result = e->item;
    return SRPC_OK;
}

static int put(srpc_call *call, const struct inventory_item *it,
               struct inventory_item *result)
{
    struct evo_store *st = srpc_call_user_data(call);
    struct entry *e = find(st, it->name);

    if (e == NULL) {
        if (st->n == EVO_MAX_ITEMS)
            return srpc_call_fail(call, 507, "store full");
        e = &st->e[st->n++];
    }
    entry_set(e, it);
    *result = e->item;
    return SRPC_OK;
}

static int list(srpc_call *call, struct inventory_seq_item *result)
{
    struct evo_store *st = srpc_call_user_data(call);
    struct inventory_item *items =
        srpc_call_alloc(call, (st->n ? st->n : 1) * sizeof *items);

    if (items == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    for (size_t i = 0; i < st->n; i++)
        items[i] = st->e[i].item;
    result->n = st->n;
    result->items = items;
    return SRPC_OK;
}

static int describe(srpc_call *call, const char *name, const char **result)
{
    struct entry *e = find(srpc_call_user_data(call), name);
    const struct inventory_item *it;
    char reorder[16] = "-", where[32] = "-";
    char *text;

    if (e == NULL)
        return srpc_call_fail(call, 404, "no item '%s'", name);
    it = &e->item;
    if (it->has_reorder_at)
        snprintf(reorder, sizeof reorder, "%u", (unsigned)it->reorder_at);
    if (it->where != NULL)
        snprintf(where, sizeof where, "%s/%u", it->where->aisle,
                 (unsigned)it->where->shelf);
    text = srpc_call_alloc(call, 512);
    if (text == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    snprintf(text, 512,
             "name=%s count=%u cat=%d note=%s reorder_at=%s supplier=%s "
             "where=%s",
             it->name, (unsigned)it->count, (int)it->cat,
             it->note ? it->note : "-", reorder,
             it->supplier ? it->supplier : "-", where);
    *result = text;
    return SRPC_OK;
}

static int classify(srpc_call *call, enum inventory_category c,
                    enum inventory_category *result)
{
    (void)call;
    *result = c;
    return SRPC_OK;
}

static int version(srpc_call *call, uint32_t *result)
{
    (void)call;
    *result = INVENTORY_VERSION;
    return SRPC_OK;
}

static int summarize(srpc_call *call, uint32_t threshold,
                     struct inventory_report *result)
{
    struct evo_store *st = srpc_call_user_data(call);
    const char **low = srpc_call_alloc(call, (st->n ? st->n : 1) * sizeof *low);
    size_t nlow = 0;

    if (low == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    result->items = (uint32_t)st->n;
    result->units = 0;
    for (size_t i = 0; i < st->n; i++) {
        result->units += st->e[i].item.count;
        if (st->e[i].item.count <= threshold)
            low[nlow++] = st->e[i].item.name;
    }
    result->low.n = nlow;
    result->low.items = low;
    return SRPC_OK;
}

static const struct inventory_ops ops = {
    .get = get, .put = put, .list = list, .describe = describe,
    .classify = classify, .version = version, .summarize = summarize,
};

void evo_server_start(struct evo_server *es)
{
    static const struct inventory_bin a3 = { "A3", 4 }, z9 = { "Z9", 1 };
    const struct inventory_item drill = {
        .name = "drill", .count = 3, .cat = INVENTORY_CATEGORY_TOOL,
        .note = "cordless", .has_reorder_at = true, .reorder_at = 1,
        .supplier = "Acme Tools", .where = &a3,
    };
    const struct inventory_item acid = {
        .name = "acid", .count = 2, .cat = INVENTORY_CATEGORY_HAZMAT,
        .supplier = "ChemCo", .where = &z9,
    };

    memset(es, 0, sizeof *es);
    es->store = calloc(1, sizeof *es->store);
    ck_assert_ptr_nonnull(es->store);
    entry_set(&es->store->e[es->store->n++], &drill);
    entry_set(&es->store->e[es->store->n++], &acid);

    tu_mkdtemp(es->dir, sizeof es->dir);
    snprintf(es->addr, sizeof es->addr, "unix:%s/inventory.sock", es->dir);
    ck_assert_int_eq(srpc_server_create(&es->ts.srv, NULL), SRPC_OK);
    ck_assert_int_eq(inventory_serve(es->ts.srv, &ops, es->store), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(es->ts.srv, es->addr), SRPC_OK);
    tu_server_start(&es->ts);
}

void evo_server_stop(struct evo_server *es)
{
    tu_server_stop(&es->ts);
    srpc_server_destroy(es->ts.srv);
    es->ts.srv = NULL;
    if (es->store != NULL) {
        for (size_t i = 0; i < es->store->n; i++)
            entry_free(&es->store->e[i]);
        free(es->store);
        es->store = NULL;
    }
    if (es->dir[0] != '\0')
        tu_rmdir(es->dir);
    es->dir[0] = '\0';
}
