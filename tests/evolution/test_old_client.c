#include "config.h"

/*
 * test_old_client.c - a client built from v1/inventory.idl against a
 * server built from v2/inventory.idl (server_v2.c, in a thread of this
 * program, on a Unix socket in a fresh directory).
 *
 * The old client calls every procedure it knows.  The new server's
 * replies carry fields of version 2 (a scalar, a string and a nested
 * struct), which the old stubs must skip; the old client's structs lack
 * them, which the new server must see as absent (its describe() says what
 * it saw); an enum value that only version 2 knows reaches the old client
 * and goes back unchanged.
 *
 * This file sees only version 1's header; the server's types stay in
 * server_v2.c.
 */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockrpc.h"
#include "testutil.h"
#include "evoserver.h"
#include "v1/gen/inventory.h"

static struct evo_server es;
static srpc_client *client;

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

/* The client's last call failed with a message containing WANT. */
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

    ck_assert_uint_eq(INVENTORY_VERSION, 1);
    ck_assert_uint_eq(evo_server_version, 2);
    ck_assert_int_eq(inventory_version(client, &v), SRPC_OK);
    ck_assert_uint_eq(v, 2);
}
END_TEST

/* "drill" is stored with reorder_at, supplier and where (a nested map):
 * the old stub skips all three and decodes the rest. */
START_TEST(get_skips_new_fields)
{
    struct inventory_item it;

    ck_assert_int_eq(inventory_get(client, "drill", &it), SRPC_OK);
    ck_assert_str_eq(it.name, "drill");
    ck_assert_uint_eq(it.count, 3);
    ck_assert_int_eq(it.cat, INVENTORY_CATEGORY_TOOL);
    ck_assert_ptr_nonnull(it.note);
    ck_assert_str_eq(it.note, "cordless");
    srpc_client_free_results(client);
}
END_TEST

/* The same through a sequence: every element's unknown keys skipped. */
START_TEST(list_skips_new_fields)
{
    struct inventory_seq_item all;

    ck_assert_int_eq(inventory_list(client, &all), SRPC_OK);
    ck_assert_uint_eq(all.n, 2);
    ck_assert_str_eq(all.items[0].name, "drill");
    ck_assert_uint_eq(all.items[0].count, 3);
    ck_assert_int_eq(all.items[0].cat, INVENTORY_CATEGORY_TOOL);
    ck_assert_str_eq(all.items[0].note, "cordless");
    ck_assert_str_eq(all.items[1].name, "acid");
    ck_assert_uint_eq(all.items[1].count, 2);
    ck_assert_int_eq((int)all.items[1].cat, 7); /* HAZMAT: v2 only */
    ck_assert_ptr_null(all.items[1].note);
    srpc_client_free_results(client);
}
END_TEST

/* An old client's struct lacks the new fields: the new server sees them
 * absent (and puts the item in its receiving bin because "where" was
 * absent); its reply carries "where", which the old stub skips. */
START_TEST(put_without_new_fields)
{
    const struct inventory_item washer = {
        .name = "washer", .count = 40, .cat = INVENTORY_CATEGORY_PART,
        .note = "M6",
    };
    const struct inventory_item nut = {
        .name = "nut", .count = 0, .cat = INVENTORY_CATEGORY_SUPPLY,
    };
    struct inventory_item got;
    struct inventory_seq_item all;

    ck_assert_int_eq(inventory_put(client, &washer, &got), SRPC_OK);
    ck_assert_str_eq(got.name, "washer");
    ck_assert_uint_eq(got.count, 40);
    ck_assert_int_eq(got.cat, INVENTORY_CATEGORY_PART);
    ck_assert_str_eq(got.note, "M6");
    ck_describe("washer", "name=washer count=40 cat=2 note=M6 reorder_at=- "
                          "supplier=- where=IN/0");

    memset(&got, 0xa5, sizeof got);
    ck_assert_int_eq(inventory_put(client, &nut, &got), SRPC_OK);
    ck_assert_str_eq(got.name, "nut");
    ck_assert_uint_eq(got.count, 0);
    ck_assert_int_eq(got.cat, INVENTORY_CATEGORY_SUPPLY);
    ck_assert_ptr_null(got.note);
    ck_describe("nut", "name=nut count=0 cat=3 note=- reorder_at=- "
                       "supplier=- where=IN/0");

    /* The seeded items are untouched and still carry their new fields. */
    ck_describe("drill", "name=drill count=3 cat=1 note=cordless "
                         "reorder_at=1 supplier=Acme Tools where=A3/4");
    ck_assert_int_eq(inventory_list(client, &all), SRPC_OK);
    ck_assert_uint_eq(all.n, 4);
    ck_assert_str_eq(all.items[2].name, "washer");
    ck_assert_str_eq(all.items[3].name, "nut");
    srpc_client_free_results(client);
}
END_TEST

/* HAZMAT (7) is not a value of version 1's open enum: the old client
 * receives it as 7 and sends it back as 7. */
START_TEST(unknown_enum_value_passes_through)
{
    struct inventory_item acid, copy, got;
    enum inventory_category c = INVENTORY_CATEGORY_TOOL;

    ck_assert_int_eq(inventory_get(client, "acid", &acid), SRPC_OK);
    ck_assert_int_eq((int)acid.cat, 7);
    copy = acid;
    copy.name = "acid2";
    ck_assert_int_eq(inventory_put(client, &copy, &got), SRPC_OK);
    ck_assert_int_eq((int)got.cat, 7);
    ck_describe("acid2", "name=acid2 count=2 cat=7 note=- reorder_at=- "
                         "supplier=- where=IN/0");

    ck_assert_int_eq(inventory_classify(client, (enum inventory_category)7, &c),
                     SRPC_OK);
    ck_assert_int_eq((int)c, 7);
    /* A value neither version names: an open enum carries any int32. */
    ck_assert_int_eq(inventory_classify(client, (enum inventory_category)-42,
                                        &c),
                     SRPC_OK);
    ck_assert_int_eq((int)c, -42);
}
END_TEST

/* The application's own errors come through as before, and the
 * connection goes on. */
START_TEST(remote_error_then_next_call)
{
    struct inventory_item it;
    uint32_t v = 0;

    ck_assert_int_eq(inventory_get(client, "nope", &it), SRPC_EREMOTE);
    ck_assert_int_eq(srpc_client_remote_code(client), 404);
    ck_errmsg("inventory.get: no item 'nope'");
    ck_assert_int_eq(inventory_version(client, &v), SRPC_OK);
    ck_assert_uint_eq(v, 2);
}
END_TEST

/* The new server does serve the procedure version 2 added, which the old
 * stubs cannot call: a hand-packed request [0, 9, "inventory.summarize",
 * [2]] gets {"items": 2, "units": 5, "low": ["acid"]}.  (So the
 * ENOMETHOD that test_new_client gets from the old server is the old
 * server's doing, not a misspelt name.) */
START_TEST(new_procedure_on_new_server)
{
    const int64_t threshold = 2;
    msgpack_sbuffer sbuf;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    const msgpack_object *r;
    bool saw_items = false, saw_units = false, saw_low = false;
    int fd = tu_connect_raw(es.addr, 3000);

    ck_assert_int_ge(fd, 0);
    msgpack_sbuffer_init(&sbuf);
    tu_pack_request(&sbuf, 9, "inventory.summarize", 1, &threshold);
    ck_assert(tu_write_all(fd, sbuf.data, sbuf.size));
    msgpack_sbuffer_destroy(&sbuf);
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert(tu_read_message(fd, &unp, &u));

    /* [1, 9, nil, {...}] */
    ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(u.data.via.array.size, 4);
    ck_assert_uint_eq(u.data.via.array.ptr[0].via.u64, 1);
    ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, 9);
    ck_assert_int_eq(u.data.via.array.ptr[2].type, MSGPACK_OBJECT_NIL);
    r = &u.data.via.array.ptr[3];
    ck_assert_int_eq(r->type, MSGPACK_OBJECT_MAP);
    for (uint32_t i = 0; i < r->via.map.size; i++) {
        const msgpack_object *k = &r->via.map.ptr[i].key;
        const msgpack_object *v = &r->via.map.ptr[i].val;

        ck_assert_int_eq(k->type, MSGPACK_OBJECT_STR);
        if (k->via.str.size == 5 && memcmp(k->via.str.ptr, "items", 5) == 0) {
            ck_assert_int_eq(v->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
            ck_assert_uint_eq(v->via.u64, 2);
            saw_items = true;
        } else if (k->via.str.size == 5 &&
                   memcmp(k->via.str.ptr, "units", 5) == 0) {
            ck_assert_int_eq(v->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
            ck_assert_uint_eq(v->via.u64, 5);
            saw_units = true;
        } else if (k->via.str.size == 3 &&
                   memcmp(k->via.str.ptr, "low", 3) == 0) {
            ck_assert_int_eq(v->type, MSGPACK_OBJECT_ARRAY);
            ck_assert_uint_eq(v->via.array.size, 1);
            ck_assert_int_eq(v->via.array.ptr[0].type, MSGPACK_OBJECT_STR);
            ck_assert_uint_eq(v->via.array.ptr[0].via.str.size, 4);
            ck_assert(memcmp(v->via.array.ptr[0].via.str.ptr, "acid", 4) == 0);
            saw_low = true;
        } else {
            ck_abort_msg("unexpected key '%.*s'", (int)k->via.str.size,
                         k->via.str.ptr);
        }
    }
    ck_assert(saw_items && saw_units && saw_low);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    close(fd);
}
END_TEST

static Suite *old_client_suite(void)
{
    Suite *s = suite_create("evolution: v1 client, v2 server");
    TCase *tc = tcase_create("old_client");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, versions);
    tcase_add_test(tc, get_skips_new_fields);
    tcase_add_test(tc, list_skips_new_fields);
    tcase_add_test(tc, put_without_new_fields);
    tcase_add_test(tc, unknown_enum_value_passes_through);
    tcase_add_test(tc, remote_error_then_next_call);
    tcase_add_test(tc, new_procedure_on_new_server);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(old_client_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
