#include "config.h"

/*
 * test_new_client.c - a client built from v2/inventory.idl against a
 * server built from v1/inventory.idl (server_v1.c, in a thread of this
 * program, on a Unix socket in a fresh directory).
 *
 * The new client sends structs with fields of version 2, which the old
 * server must ignore; the old server's replies lack them, which the new
 * client must see as absent (results are filled with junk first, so a
 * stub that left a field alone would be caught); the enum value version 2
 * added travels through the old server unchanged; and the procedure
 * version 2 added fails with SRPC_ENOMETHOD, naming it, while the
 * connection stays usable, also with other calls in flight.
 *
 * This file sees only version 2's header; the server's types stay in
 * server_v1.c.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "testutil.h"
#include "evoserver.h"
#include "v2/gen/inventory.h"

static struct evo_server es;
static srpc_client *client;

/* What a result holds before the call: every optional field present. */
static const struct inventory_bin junk_bin = { "JUNK", 99 };

static void junk(struct inventory_item *it)
{
    memset(it, 0xa5, sizeof *it);
    it->has_reorder_at = true;
    it->reorder_at = 12345;
    it->supplier = "junk";
    it->where = &junk_bin;
    it->note = "junk";
}

/* IT has none of the fields of version 2. */
static void ck_no_new_fields(const struct inventory_item *it)
{
    ck_assert_msg(!it->has_reorder_at, "%s: reorder_at present (%u)",
                  it->name, (unsigned)it->reorder_at);
    ck_assert_ptr_null(it->supplier);
    ck_assert_ptr_null(it->where);
}

static void setup(void)
{
    const struct srpc_client_options opt = { .timeout_ms = 3000 };
    char errbuf[256] = "";

    evo_server_start(&es);
    ck_assert_msg(srpc_client_connect(&client, es.addr, &opt, errbuf,
                                      sizeof errbuf) == SRPC_OK,
                  "connect %s: %s", es.addr, errbuf);
}

static void teardown(void)
{
    srpc_client_close(client);
    client = NULL;
    evo_server_stop(&es);
}

#define ck_errmsg(want)                                                    \
    ck_assert_msg(strstr(srpc_client_errmsg(client), (want)) != NULL,      \
                  "errmsg \"%s\" lacks \"%s\"",                            \
                  srpc_client_errmsg(client), (want))

/* describe(NAME) on the server is exactly WANT. */
static void ck_describe(const char *name, const char *want)
{
    const char *text = NULL;
    int rc = inventory_describe(client, name, &text);

    ck_assert_msg(rc == SRPC_OK, "describe %s: %s", name,
                  srpc_client_errmsg(client));
    ck_assert_str_eq(text, want);
    srpc_client_free_results(client);
}

START_TEST(versions)
{
    uint32_t v = 0;

    ck_assert_uint_eq(INVENTORY_VERSION, 2);
    ck_assert_uint_eq(evo_server_version, 1);
    ck_assert_int_eq(inventory_version(client, &v), SRPC_OK);
    ck_assert_uint_eq(v, 1);
}
END_TEST

/* The old server's reply has no new fields: the new client sees them
 * absent, whatever the result held before. */
START_TEST(get_reply_lacks_new_fields)
{
    struct inventory_item it;

    junk(&it);
    ck_assert_int_eq(inventory_get(client, "drill", &it), SRPC_OK);
    ck_assert_str_eq(it.name, "drill");
    ck_assert_uint_eq(it.count, 3);
    ck_assert_int_eq(it.cat, INVENTORY_CATEGORY_TOOL);
    ck_assert_str_eq(it.note, "cordless");
    ck_no_new_fields(&it);

    junk(&it);
    ck_assert_int_eq(inventory_get(client, "bolt", &it), SRPC_OK);
    ck_assert_str_eq(it.name, "bolt");
    ck_assert_uint_eq(it.count, 500);
    ck_assert_int_eq(it.cat, INVENTORY_CATEGORY_PART);
    ck_assert_ptr_null(it.note);
    ck_no_new_fields(&it);
    srpc_client_free_results(client);
}
END_TEST

/* A struct with every new field set: the old server skips them, stores
 * the rest, and its reply (the item as stored) lacks them. */
START_TEST(put_with_new_fields)
{
    const struct inventory_bin b2 = { "B2", 7 };
    const struct inventory_item gear = {
        .name = "gear", .count = 12, .cat = INVENTORY_CATEGORY_PART,
        .has_reorder_at = true, .reorder_at = 4, .supplier = "Cogs Ltd",
        .where = &b2,
    };
    struct inventory_item got;
    struct inventory_seq_item all;

    junk(&got);
    ck_assert_msg(inventory_put(client, &gear, &got) == SRPC_OK, "put: %s",
                  srpc_client_errmsg(client));
    ck_assert_str_eq(got.name, "gear");
    ck_assert_uint_eq(got.count, 12);
    ck_assert_int_eq(got.cat, INVENTORY_CATEGORY_PART);
    ck_assert_ptr_null(got.note);
    ck_no_new_fields(&got);
    ck_describe("gear", "name=gear count=12 cat=2 note=-");

    junk(&got);
    ck_assert_int_eq(inventory_get(client, "gear", &got), SRPC_OK);
    ck_assert_str_eq(got.name, "gear");
    ck_assert_uint_eq(got.count, 12);
    ck_no_new_fields(&got);

    ck_assert_int_eq(inventory_list(client, &all), SRPC_OK);
    ck_assert_uint_eq(all.n, 3);
    ck_assert_str_eq(all.items[0].name, "drill");
    ck_assert_str_eq(all.items[1].name, "bolt");
    ck_assert_str_eq(all.items[2].name, "gear");
    for (size_t i = 0; i < all.n; i++)
        ck_no_new_fields(&all.items[i]);
    srpc_client_free_results(client);
}
END_TEST

/* HAZMAT (7) is not a value of the old server's open enum: it stores 7
 * and hands back 7, which the new client reads as HAZMAT. */
START_TEST(new_enum_value_passes_through)
{
    const struct inventory_item acid = {
        .name = "acid", .count = 2, .cat = INVENTORY_CATEGORY_HAZMAT,
        .supplier = "ChemCo",
    };
    struct inventory_item got;
    enum inventory_category c = INVENTORY_CATEGORY_TOOL;

    ck_assert_int_eq(INVENTORY_CATEGORY_HAZMAT, 7);
    junk(&got);
    ck_assert_int_eq(inventory_put(client, &acid, &got), SRPC_OK);
    ck_assert_int_eq(got.cat, INVENTORY_CATEGORY_HAZMAT);
    ck_no_new_fields(&got);
    ck_describe("acid", "name=acid count=2 cat=7 note=-");

    junk(&got);
    ck_assert_int_eq(inventory_get(client, "acid", &got), SRPC_OK);
    ck_assert_int_eq(got.cat, INVENTORY_CATEGORY_HAZMAT);

    ck_assert_int_eq(inventory_classify(client, INVENTORY_CATEGORY_HAZMAT, &c),
                     SRPC_OK);
    ck_assert_int_eq(c, INVENTORY_CATEGORY_HAZMAT);
    srpc_client_free_results(client);
}
END_TEST

/* summarize() is new in version 2: the old server answers "no method",
 * the stub returns SRPC_ENOMETHOD with a message naming it and leaves the
 * result alone, and the next calls on the same connection work. */
START_TEST(new_procedure_is_enomethod)
{
    struct inventory_report rep;
    struct inventory_item it;
    uint32_t v = 0;

    memset(&rep, 0, sizeof rep);
    rep.items = 77;
    ck_assert_int_eq(inventory_summarize(client, 5, &rep), SRPC_ENOMETHOD);
    ck_assert_int_eq(srpc_client_remote_code(client), SRPC_WIRE_NO_METHOD);
    ck_errmsg("inventory.summarize");
    ck_errmsg("no method");
    ck_assert_str_eq(srpc_strerror(SRPC_ENOMETHOD), "no such method");
    ck_assert_uint_eq(rep.items, 77);
    ck_assert_uint_eq(rep.low.n, 0);

    ck_assert_int_eq(inventory_version(client, &v), SRPC_OK);
    ck_assert_uint_eq(v, 1);
    junk(&it);
    ck_assert_int_eq(inventory_get(client, "drill", &it), SRPC_OK);
    ck_assert_str_eq(it.name, "drill");
    ck_no_new_fields(&it);
    srpc_client_free_results(client);
}
END_TEST

/* The same with calls in flight around it: only summarize fails. */
START_TEST(new_procedure_is_enomethod_in_flight)
{
    srpc_pending *pg, *ps, *pv;
    struct inventory_item it;
    struct inventory_report rep;
    uint32_t v = 0;

    ck_assert_int_eq(inventory_get_async(client, "bolt", &pg), SRPC_OK);
    ck_assert_int_eq(inventory_summarize_async(client, 1, &ps), SRPC_OK);
    ck_assert_int_eq(inventory_version_async(client, &pv), SRPC_OK);

    ck_assert_int_eq(inventory_version_finish(client, pv, &v), SRPC_OK);
    ck_assert_uint_eq(v, 1);
    ck_assert_int_eq(inventory_summarize_finish(client, ps, &rep),
                     SRPC_ENOMETHOD);
    ck_errmsg("inventory.summarize");
    junk(&it);
    ck_assert_int_eq(inventory_get_finish(client, pg, &it), SRPC_OK);
    ck_assert_str_eq(it.name, "bolt");
    ck_assert_uint_eq(it.count, 500);
    ck_no_new_fields(&it);
    srpc_client_free_results(client);
}
END_TEST

START_TEST(remote_error_then_next_call)
{
    struct inventory_item it;
    uint32_t v = 0;

    ck_assert_int_eq(inventory_get(client, "nope", &it), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(client), 404);
    ck_errmsg("inventory.get: no item 'nope'");
    ck_assert_int_eq(inventory_version(client, &v), SRPC_OK);
    ck_assert_uint_eq(v, 1);
}
END_TEST

static Suite *new_client_suite(void)
{
    Suite *s = suite_create("evolution: v2 client, v1 server");
    TCase *tc = tcase_create("new_client");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, versions);
    tcase_add_test(tc, get_reply_lacks_new_fields);
    tcase_add_test(tc, put_with_new_fields);
    tcase_add_test(tc, new_enum_value_passes_through);
    tcase_add_test(tc, new_procedure_is_enomethod);
    tcase_add_test(tc, new_procedure_is_enomethod_in_flight);
    tcase_add_test(tc, remote_error_then_next_call);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(new_client_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
