#include "config.h"

/*
 * server_v1.c - the inventory server built from v1/inventory.idl (see
 * evoserver.h).  Only this file and the v1 stubs see version 1's types.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "evoserver.h"
#include "v1/gen/inventory.h"

#define EVO_MAX_ITEMS 16

const unsigned evo_server_version = INVENTORY_VERSION;

/* Stored items: the generated struct, pointing at strdup'ed strings. */
struct evo_store {
    size_t n;
    struct inventory_item e[EVO_MAX_ITEMS];
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

static void entry_free(struct inventory_item *e)
{
    free((char *)e->name);
    free((char *)e->note);
    memset(e, 0, sizeof *e);
}

static void entry_set(struct inventory_item *e, const struct inventory_item *it)
{
    entry_free(e);
    *e = *it;
    e->name = dup_or_null(it->name);
    e->note = dup_or_null(it->note);
}

static struct inventory_item *find(struct evo_store *st, const char *name)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->e[i].name, name) == 0)
            return &st->e[i];
    return NULL;
}

static int get(srpc_call *call, const char *name, struct inventory_item *result)
{
    struct inventory_item *e = find(srpc_call_user_data(call), name);

    if (e == NULL)
        return srpc_call_fail(call, 404, "no item '%s'", name);
    *result = *e;
    return SRPC_OK;
}

static int put(srpc_call *call, const struct inventory_item *it,
               struct inventory_item *result)
{
    struct evo_store *st = srpc_call_user_data(call);
    struct inventory_item *e = find(st, it->name);

    if (e == NULL) {
        if (st->n == EVO_MAX_ITEMS)
            return srpc_call_fail(call, 507, "store full");
        e = &st->e[st->n++];
    }
    entry_set(e, it);
    *result = *e;
    return SRPC_OK;
}

static int list(srpc_call *call, struct inventory_seq_item *result)
{
    struct evo_store *st = srpc_call_user_data(call);

    result->n = st->n;
    result->items = st->e;
    (void)call;
    return SRPC_OK;
}

static int describe(srpc_call *call, const char *name, const char **result)
{
    struct inventory_item *e = find(srpc_call_user_data(call), name);
    char *text;

    if (e == NULL)
        return srpc_call_fail(call, 404, "no item '%s'", name);
    text = srpc_call_alloc(call, 512);
    if (text == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    snprintf(text, 512, "name=%s count=%u cat=%d note=%s", e->name,
             (unsigned)e->count, (int)e->cat, e->note ? e->note : "-");
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

static const struct inventory_ops ops = {
    .get = get, .put = put, .list = list, .describe = describe,
    .classify = classify, .version = version,
};

void evo_server_start(struct evo_server *es)
{
    const struct inventory_item drill = {
        .name = "drill", .count = 3, .cat = INVENTORY_CATEGORY_TOOL,
        .note = "cordless",
    };
    const struct inventory_item bolt = {
        .name = "bolt", .count = 500, .cat = INVENTORY_CATEGORY_PART,
    };

    memset(es, 0, sizeof *es);
    es->store = calloc(1, sizeof *es->store);
    ck_assert_ptr_nonnull(es->store);
    entry_set(&es->store->e[es->store->n++], &drill);
    entry_set(&es->store->e[es->store->n++], &bolt);

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
