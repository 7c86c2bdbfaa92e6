#include "config.h"

/*
 * test_oom_rpc.c - allocation failure along every path of a call, after
 * SQLite's malloc tests: for N = 1, 2, ... the Nth allocation of an
 * operation fails (tests/unit/failalloc.h), until an N past the
 * operation's last allocation lets it succeed untouched.  Each failure
 * must come back as a status or an error reply, never as a crash, a
 * leak, a hang or a connection left half-updated: the same operation
 * with memory to spare must succeed right after, on the same client and
 * server.
 *
 * The calls are those of tests/integration/alltypes.idl, one per IDL
 * construct, with the allocations failing on the client's thread or on
 * the server's; then connect, accept, and creating a server and
 * listening.
 */

#include <check.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockrpc.h"
#include "sockrpc/codec.h"
#include "failalloc.h"
#include "testutil.h"
#include "alltypes.h"

/* No path allocates anywhere near this often: reaching it is a bug (an
 * operation that allocates without end). */
#define MAX_N 5000

/* ---- the server's handlers: echoes, two of them allocating -------- */

static int echo_i64(srpc_call *call, int64_t v, int64_t *result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int echo_d(srpc_call *call, double v, double *result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int echo_s8(srpc_call *call, const char *s, const char **result)
{
    (void)call;
    *result = s;
    return SRPC_OK;
}

/* Allocates its result, so that srpc_call_alloc fails too. */
static int reverse(srpc_call *call, srpc_bytes b, srpc_bytes *result)
{
    uint8_t *out = srpc_call_alloc(call, b.len);

    if (out == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    for (size_t i = 0; i < b.len; i++)
        out[i] = b.data[b.len - 1 - i];
    result->data = out;
    result->len = b.len;
    return SRPC_OK;
}

static int grow(srpc_call *call, const struct types_shape *s, int32_t by,
                struct types_shape *result)
{
    (void)call;
    *result = *s;
    result->sides = (uint8_t)(s->sides + by);
    return SRPC_OK;
}

static int next_color(srpc_call *call, enum types_color c,
                      enum types_color *result)
{
    (void)call;
    *result = c == TYPES_COLOR_BLUE ? TYPES_COLOR_RED : TYPES_COLOR_BLUE;
    return SRPC_OK;
}

static int echo_level(srpc_call *call, enum types_level l,
                      enum types_level *result)
{
    (void)call;
    *result = l;
    return SRPC_OK;
}

static int squares(srpc_call *call, const struct types_seq_int32 *v,
                   struct types_seq_int64 *result)
{
    int64_t *out = srpc_call_alloc(call, v->n * sizeof *out);

    if (out == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    for (size_t i = 0; i < v->n; i++)
        out[i] = (int64_t)v->items[i] * v->items[i];
    result->n = v->n;
    result->items = out;
    return SRPC_OK;
}

static int bump(srpc_call *call, const struct types_map_string_uint64 *m,
                struct types_map_string_uint64 *result)
{
    (void)call;
    *result = *m;
    return SRPC_OK;
}

static int echo_nest(srpc_call *call,
                     const struct types_map_int64_seq_bytes *m,
                     struct types_map_int64_seq_bytes *result)
{
    (void)call;
    *result = *m;
    return SRPC_OK;
}

static int echo_bag(srpc_call *call, const struct types_bag *b,
                    struct types_bag *result)
{
    (void)call;
    *result = *b;
    return SRPC_OK;
}

static int echo_any(srpc_call *call, const msgpack_object *v,
                    const msgpack_object **result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int maybe_point(srpc_call *call, const struct types_point *p,
                       const srpc_bytes *b, const struct types_point **result)
{
    (void)call;
    (void)b;
    *result = p;
    return SRPC_OK;
}

static int swap(srpc_call *call, const struct types_arr2_string *v,
                struct types_arr2_string *result)
{
    (void)call;
    result->items[0] = v->items[1];
    result->items[1] = v->items[0];
    return SRPC_OK;
}

static int echo_boxed(srpc_call *call, const struct types_boxed *b,
                      struct types_boxed *result)
{
    (void)call;
    *result = *b;
    return SRPC_OK;
}

static int mirror(srpc_call *call, const struct types_expr *e,
                  struct types_expr *result)
{
    (void)call;
    *result = *e;
    return SRPC_OK;
}

static const struct types_ops ops = {
    .echo_i64 = echo_i64, .echo_d = echo_d, .echo_s8 = echo_s8,
    .reverse = reverse, .grow = grow, .next_color = next_color,
    .echo_level = echo_level, .squares = squares, .bump = bump,
    .echo_nest = echo_nest, .echo_bag = echo_bag, .echo_any = echo_any,
    .maybe_point = maybe_point, .swap = swap, .echo_boxed = echo_boxed,
    .mirror = mirror,
};

/* ---- fixture: a server thread; clients that reconnect ------------ */

static char dir[256];
static char addr[300];
static struct tu_server ts;
static srpc_client *client;

/* Short, so that a request the server dropped without a word fails the
 * test (as SRPC_ETIMEDOUT) instead of hanging it. */
static const struct srpc_client_options client_opts = {
    .timeout_ms = 2000, .reconnect = true, .reconnect_max_ms = 50,
};

static char tcp_addr[300];   /* tcp:localhost:PORT, resolved on connect */

/* The next server's options: its own thread for each connection, or
 * (NULL) the event loop. */
static const struct srpc_server_options *server_opts;
static const struct srpc_server_options threaded = {
    .threads_per_connection = 1,
};

/* A server on ADDR and on a loopback port. */
static void start_server(void)
{
    const char *tcp;

    ck_assert_int_eq(srpc_server_create(&ts.srv, server_opts), SRPC_OK);
    ck_assert_int_eq(types_serve(ts.srv, &ops, NULL), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, addr), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(ts.srv, "tcp:127.0.0.1:0"), SRPC_OK);
    tcp = srpc_server_address(ts.srv, 1);
    ck_assert_ptr_nonnull(tcp);
    snprintf(tcp_addr, sizeof tcp_addr, "tcp:localhost:%s",
             strrchr(tcp, ':') + 1);
    tu_server_start(&ts);
}

static void stop_server(void)
{
    tu_server_stop(&ts);
    srpc_server_destroy(ts.srv);
    ts.srv = NULL;
}

/* Blocks allocated before the fixture: all there are once it is gone. */
static long live_before;

/* Except for those glibc's resolver keeps when an allocation of its own
 * failed and it made the block again later: valgrind sees them freed at
 * exit, so they are reachable, not leaked.  Only the test that resolves
 * names sets this. */
static long live_slack;

/* A server; each test makes its own clients. */
static void setup(void)
{
    live_before = fa_live();
    tu_mkdtemp(dir, sizeof dir);
    snprintf(addr, sizeof addr, "unix:%s/oom.sock", dir);
    start_server();
}

static void teardown(void)
{
    srpc_client_close(client);
    client = NULL;
    stop_server();
    tu_rmdir(dir);
    ck_assert_msg(fa_live() >= live_before
                  && fa_live() - live_before <= live_slack,
                  "%ld blocks leaked", fa_live() - live_before);
}

/* ---- one call per construct, its result checked ------------------- */

/* Check's assertions allocate, so a call checks its result with EXPECT,
 * which only notes the first line that found a wrong value; the loop
 * asserts after the allocations are no longer failing. */
static int wrong_at;
#define EXPECT(cond)                                                       \
    ((cond) || wrong_at != 0 ? (void)0 : (void)(wrong_at = __LINE__))

static int call_int(void)
{
    int64_t r = 0;
    int rc = types_echo_i64(client, INT64_MIN, &r);

    if (rc == SRPC_OK)
        EXPECT(r == INT64_MIN);
    return rc;
}

static int call_double(void)
{
    double r = 0;
    int rc = types_echo_d(client, -0.25, &r);

    if (rc == SRPC_OK)
        EXPECT(r == -0.25);
    return rc;
}

static int call_string(void)
{
    const char *r = NULL;
    int rc = types_echo_s8(client, "eight ch", &r);

    if (rc == SRPC_OK)
        EXPECT(strcmp(r, "eight ch") == 0);
    return rc;
}

static int call_bytes(void)
{
    srpc_bytes b = { (const uint8_t *)"\1\2\3", 3 }, r = { NULL, 0 };
    int rc = types_reverse(client, b, &r);

    if (rc == SRPC_OK)
        EXPECT(r.len == 3 && memcmp(r.data, "\3\2\1", 3) == 0);
    return rc;
}

/* A struct with optional fields, nested structs, bytes and recursion. */
static int call_struct(void)
{
    static const struct types_point corner = { 3, 4, "c", true, 0.5 };
    static const srpc_bytes blob = { (const uint8_t *)"blob", 4 };
    static const struct types_shape inner = {
        .name = "in", .origin = { 1, 2, NULL, false, 0 },
        .data = { (const uint8_t *)"", 0 }, .sides = 3,
    };
    const struct types_shape s = {
        .name = "out", .origin = { 5, 6, "o", false, 0 }, .corner = &corner,
        .data = { (const uint8_t *)"data", 4 }, .blob = &blob,
        .next = &inner, .sides = 4,
    };
    struct types_shape r;
    int rc = types_grow(client, &s, 1, &r);

    if (rc == SRPC_OK) {
        EXPECT(r.sides == 5);
        EXPECT(strcmp(r.corner->label, "c") == 0);
        EXPECT(r.blob != NULL && r.blob->len == 4);
        EXPECT(r.next != NULL && r.next->sides == 3);
    }
    return rc;
}

static int call_enum(void)
{
    enum types_color r = TYPES_COLOR_RED;
    int rc = types_next_color(client, TYPES_COLOR_GREEN, &r);

    if (rc == SRPC_OK)
        EXPECT(r == TYPES_COLOR_BLUE);
    return rc;
}

static int call_open_enum(void)
{
    enum types_level r = TYPES_LEVEL_MID;
    int rc = types_echo_level(client, (enum types_level)77, &r);

    if (rc == SRPC_OK)
        EXPECT(r == 77);
    return rc;
}

static int call_sequence(void)
{
    static const int32_t items[] = { 1, -2, 3 };
    const struct types_seq_int32 v = { 3, items };
    struct types_seq_int64 r;
    int rc = types_squares(client, &v, &r);

    if (rc == SRPC_OK)
        EXPECT(r.n == 3 && r.items[1] == 4);
    return rc;
}

static int call_map(void)
{
    static const char *keys[] = { "a", "bb" };
    static const uint64_t values[] = { 1, UINT64_MAX };
    const struct types_map_string_uint64 m = { 2, keys, values };
    struct types_map_string_uint64 r;
    int rc = types_bump(client, &m, &r);

    if (rc == SRPC_OK) {
        EXPECT(r.n == 2 && r.values[1] == UINT64_MAX);
        EXPECT(strcmp(r.keys[1], "bb") == 0);
    }
    return rc;
}

static int call_map_of_sequences(void)
{
    static const srpc_bytes b[] = { { (const uint8_t *)"x", 1 },
                                    { (const uint8_t *)"yz", 2 } };
    static const struct types_seq_bytes seqs[] = { { 2, b }, { 0, NULL } };
    static const int64_t keys[] = { -1, 7 };
    const struct types_map_int64_seq_bytes m = { 2, keys, seqs };
    struct types_map_int64_seq_bytes r;
    int rc = types_echo_nest(client, &m, &r);

    if (rc == SRPC_OK)
        EXPECT(r.n == 2 && r.values[0].n == 2
                  && r.values[0].items[1].len == 2 && r.values[1].n == 0);
    return rc;
}

/* A struct of a bounded sequence, an optional sequence and a map. */
static int call_containers(void)
{
    static const struct types_point pts[] = { { 1, 2, NULL, false, 0 },
                                              { 3, 4, "l", true, 1 } };
    static const char *words[] = { "w1", "w2" };
    static const struct types_seq_string ws = { 2, words };
    static const char *keys[] = { "k" };
    static const int64_t vals[] = { 9 };
    const struct types_bag b = { { 2, pts }, &ws, { 1, keys, vals } };
    struct types_bag r;
    int rc = types_echo_bag(client, &b, &r);

    if (rc == SRPC_OK) {
        EXPECT(r.points.n == 2 && r.points.items[1].has_z);
        EXPECT(r.words != NULL && r.words->n == 2);
        EXPECT(r.scores.n == 1 && r.scores.values[0] == 9);
    }
    return rc;
}

static int call_any(void)
{
    msgpack_object items[3], kv_val;
    msgpack_object_kv kv;
    msgpack_object v, key;
    const msgpack_object *r = NULL;
    int rc;

    items[0].type = MSGPACK_OBJECT_NIL;
    items[1].type = MSGPACK_OBJECT_FLOAT64;
    items[1].via.f64 = 1.5;
    items[2].type = MSGPACK_OBJECT_BIN;
    items[2].via.bin.ptr = "\0b";
    items[2].via.bin.size = 2;
    kv_val.type = MSGPACK_OBJECT_ARRAY;
    kv_val.via.array.ptr = items;
    kv_val.via.array.size = 3;
    key.type = MSGPACK_OBJECT_STR;
    key.via.str.ptr = "list";
    key.via.str.size = 4;
    kv.key = key;
    kv.val = kv_val;
    v.type = MSGPACK_OBJECT_MAP;
    v.via.map.ptr = &kv;
    v.via.map.size = 1;
    rc = types_echo_any(client, &v, &r);
    if (rc == SRPC_OK)
        EXPECT(msgpack_object_equal(*r, v));
    return rc;
}

static int call_optional(void)
{
    static const struct types_point p = { 7, 8, "p", true, 2 };
    static const srpc_bytes b = { (const uint8_t *)"b", 1 };
    const struct types_point *r = NULL, *none = &p;
    int rc = types_maybe_point(client, &p, &b, &r);

    if (rc == SRPC_OK) {
        EXPECT(r != NULL && r->x == 7 && r->has_z);
        rc = types_maybe_point(client, NULL, NULL, &none);
        if (rc == SRPC_OK)
            EXPECT(none == NULL);
    }
    return rc;
}

static int call_array(void)
{
    const struct types_arr2_string v = { { "one", "two" } };
    struct types_arr2_string r;
    int rc = types_swap(client, &v, &r);

    if (rc == SRPC_OK) {
        EXPECT(strcmp(r.items[0], "two") == 0);
        EXPECT(strcmp(r.items[1], "one") == 0);
    }
    return rc;
}

/* A union in a struct and an optional union. */
static int call_union(void)
{
    static const int32_t list[] = { 4, 5 };
    struct types_value extra = { .tag = TYPES_KIND_LIST };
    struct types_boxed b = { .name = "u", .extra = &extra };
    struct types_boxed r;
    int rc;

    extra.list.n = 2;
    extra.list.items = list;
    b.v.tag = TYPES_KIND_TEXT;
    b.v.text = "text";
    rc = types_echo_boxed(client, &b, &r);
    if (rc == SRPC_OK) {
        EXPECT(r.v.tag == TYPES_KIND_TEXT);
        EXPECT(strcmp(r.v.text, "text") == 0);
        EXPECT(r.extra != NULL && r.extra->list.n == 2
                  && r.extra->list.items[1] == 5);
    }
    return rc;
}

/* A recursive union: (1 + (2 + 3)). */
static int call_recursive_union(void)
{
    struct types_expr l1 = { .tag = TYPES_OP_LEAF }, l2 = l1, l3 = l1;
    struct types_expr in = { .tag = TYPES_OP_ADD }, top = in;
    struct types_expr r;
    int rc;

    l1.n = 1;
    l2.n = 2;
    l3.n = 3;
    in.p.left = &l2;
    in.p.right = &l3;
    top.p.left = &l1;
    top.p.right = &in;
    rc = types_mirror(client, &top, &r);
    if (rc == SRPC_OK) {
        EXPECT(r.tag == TYPES_OP_ADD);
        EXPECT(r.p.right->tag == TYPES_OP_ADD
                  && r.p.right->p.right->n == 3);
    }
    return rc;
}

/* 300 KiB each way: the request is written from the caller's memory and
 * the reply moves into the results, paths small calls never take. */
#define LARGE (300 * 1024)
static uint8_t large[LARGE];

static int call_large_bytes(void)
{
    srpc_bytes b = { large, LARGE }, r = { NULL, 0 };
    int rc;

    large[0] = 1;
    large[LARGE - 1] = 2;
    rc = types_reverse(client, b, &r);
    if (rc == SRPC_OK)
        EXPECT(r.len == LARGE && r.data[0] == 2 && r.data[LARGE - 1] == 1);
    return rc;
}

/* Two calls in flight, finished in order; on a failure the one still in
 * flight is cancelled, and the failure's status (and message) stand. */
static int call_async(void)
{
    srpc_pending *p1, *p2;
    int64_t r1 = 0, r2 = 0;
    int rc = types_echo_i64_async(client, 1, &p1);

    if (rc != SRPC_OK)
        return rc;
    rc = types_echo_i64_async(client, 2, &p2);
    if (rc != SRPC_OK) {
        srpc_client_cancel(client, p1);
        return rc;
    }
    rc = types_echo_i64_finish(client, p1, &r1);
    if (rc != SRPC_OK) {
        srpc_client_cancel(client, p2);
        return rc;
    }
    rc = types_echo_i64_finish(client, p2, &r2);
    if (rc == SRPC_OK)
        EXPECT(r1 == 1 && r2 == 2);
    return rc;
}

/* What the callback of call_callback saw. */
struct reply {
    bool done;
    int status;
    bool right;   /* the result was 7 */
};

static void got_reply(srpc_client *c, int status,
                      const msgpack_object *result, void *user_data)
{
    struct reply *r = user_data;

    (void)c;
    r->done = true;
    r->status = status;
    r->right = status == SRPC_OK
               && result->type == MSGPACK_OBJECT_POSITIVE_INTEGER
               && result->via.u64 == 7;
}

/* The callback form, the reply taken by srpc_client_poll(). */
static int call_callback(void)
{
    struct reply r = { false, SRPC_OK, false };
    int rc;

    msgpack_pack_int64(srpc_client_begin(client, "types.echo_i64", 1), 7);
    rc = srpc_client_send_cb(client, got_reply, &r);
    while (rc == SRPC_OK && !r.done)
        rc = srpc_client_poll(client, 100);
    /* A broken connection fails the poll and runs the callback. */
    EXPECT(r.done || rc != SRPC_OK);
    if (!r.done)
        return rc;
    if (r.status == SRPC_OK)
        EXPECT(r.right);
    return r.status;
}

static const struct {
    const char *name;
    int (*call)(void);
} calls[] = {
    { "int", call_int },
    { "double", call_double },
    { "string", call_string },
    { "bytes", call_bytes },
    { "struct", call_struct },
    { "enum", call_enum },
    { "open enum", call_open_enum },
    { "sequence", call_sequence },
    { "map", call_map },
    { "map of sequences", call_map_of_sequences },
    { "containers", call_containers },
    { "any", call_any },
    { "optional", call_optional },
    { "array", call_array },
    { "union", call_union },
    { "recursive union", call_recursive_union },
    { "large bytes", call_large_bytes },
    { "two async calls", call_async },
    { "callback", call_callback },
};
#define NCALLS ((int)(sizeof calls / sizeof calls[0]))

/* ---- the loop ------------------------------------------------------ */

/* Where a call's allocations fail. */
enum side {
    CLIENT,     /* on the client's thread */
    SERVER,     /* on the server's, from the accept on */
    THREADED,   /* on every thread, the server serving each connection
                 * on a thread of its own */
};
static const char *const side_names[] = {
    "client", "server", "threaded server and client",
};

/* Whether RC, from a call whose allocation failed on SIDE, is a clean
 * failure. */
static void check_clean_failure(const char *what, unsigned long n, int rc,
                                enum side side)
{
    const char *msg = srpc_client_errmsg(client);
    bool client_ok = rc == SRPC_ENOMEM && strstr(msg, "memory") != NULL;
    /* The server answers with an error naming memory when it can, and
     * closes the connection when it cannot even do that. */
    bool server_ok = (rc == SRPC_EREMOTE && strstr(msg, "memory") != NULL)
                     || rc == SRPC_ECLOSED;

    if (rc == SRPC_OK)
        return;
    ck_assert_msg(side == CLIENT ? client_ok
                  : side == SERVER ? server_ok : client_ok || server_ok,
                  "%s, allocation %lu failed on the %s: %s (%s)", what, n,
                  side_names[side], srpc_strerror(rc), msg);
}

static void arm(unsigned long n, const pthread_t *thread, bool persist)
{
    if (persist)
        fa_arm_persistent(n, thread);
    else
        fa_arm(n, thread);
}

/* CALL as the first of a new client, with allocation N failing on SIDE;
 * on the server's side a new server's, from the accept of the
 * connection on.  A warm client or server allocates nothing per call,
 * so a first call is where memory runs out. */
static int run_call(int (*call)(void), unsigned long n, enum side side,
                    bool persist)
{
    pthread_t self = pthread_self();
    char errbuf[256];
    int rc;

    wrong_at = 0;
    srpc_client_close(client);
    client = NULL;
    if (side != CLIENT) {
        server_opts = side == THREADED ? &threaded : NULL;
        stop_server();
        start_server();
        arm(n, side == SERVER ? &ts.thread : NULL, persist);
    }
    /* No Check assertion while armed: they allocate.  The caller checks
     * a failed connect, which only THREADED fails. */
    rc = srpc_client_connect(&client, addr, &client_opts, errbuf,
                             sizeof errbuf);
    if (rc != SRPC_OK)
        return rc;
    if (side == CLIENT)
        arm(n, &self, persist);
    return call();
}

/* Runs CALL with its Nth allocation on SIDE failing, for every N until
 * the call succeeds untouched; after each failure the same call must
 * succeed.  Returns how many allocations the call made. */
static unsigned long fail_each_allocation(const char *what, int (*call)(void),
                                          enum side side, bool persist)
{
    unsigned long n, outcomes[SRPC_EREMOTE + 1] = { 0 };
    char errbuf[256];

    for (n = 1; n < MAX_N; n++) {
        int rc = run_call(call, n, side, persist);

        if (!fa_disarm()) {
            ck_assert_msg(rc == SRPC_OK, "%s with memory to spare: %s (%s)",
                          what, srpc_strerror(rc), srpc_client_errmsg(client));
            break;
        }
        ck_assert_msg(wrong_at == 0, "%s, allocation %lu failed: wrong "
                      "result, line %d", what, n, wrong_at);
        outcomes[rc]++;
        if (client == NULL) {
            ck_assert_msg(side == THREADED && rc == SRPC_ENOMEM,
                          "%s, allocation %lu failed: connect: %s", what, n,
                          srpc_strerror(rc));
            ck_assert_int_eq(srpc_client_connect(&client, addr, &client_opts,
                                                 errbuf, sizeof errbuf),
                             SRPC_OK);
        } else {
            check_clean_failure(what, n, rc, side);
        }
        srpc_client_free_results(client);
        /* The same client, now with memory: nothing half-updated.  When
         * the client failed first, the server may close the connection
         * it could not serve only after this call went out on it: such
         * a call fails (it is never sent twice), and the next one
         * reconnects. */
        rc = call();
        if (rc == SRPC_ECLOSED && side == THREADED)
            rc = call();
        ck_assert_msg(rc == SRPC_OK && wrong_at == 0,
                      "%s after allocation %lu failed: %s (%s), line %d",
                      what, n, srpc_strerror(rc), srpc_client_errmsg(client),
                      wrong_at);
        srpc_client_free_results(client);
    }
    ck_assert_msg(n < MAX_N, "%s: no end of allocations", what);
    ck_assert_msg(wrong_at == 0, "%s: wrong result, line %d", what, wrong_at);
    srpc_client_free_results(client);
    printf("%s on the %s, %s: %lu allocations failed in turn: %lu ok, "
           "%lu ENOMEM, %lu error replies, %lu closed\n", what,
           side_names[side], persist ? "for good" : "once", n - 1,
           outcomes[SRPC_OK], outcomes[SRPC_ENOMEM], outcomes[SRPC_EREMOTE],
           outcomes[SRPC_ECLOSED]);
    return n - 1;
}

/* Loop tests run each call twice: allocation N failing once (I below
 * NCALLS), then failing from N on.  The call must allocate somewhere
 * on SIDE (WHERE says where, for the message). */
static void call_fails_cleanly(int i, enum side side, const char *where)
{
    const char *what = calls[i % NCALLS].name;
    unsigned long n = fail_each_allocation(what, calls[i % NCALLS].call,
                                           side, i >= NCALLS);

    ck_assert_msg(n > 0, "%s: no allocation%s", what, where);
}

START_TEST(client_call_fails_cleanly)
{
    call_fails_cleanly(_i, CLIENT, " on the client");
}
END_TEST

START_TEST(server_call_fails_cleanly)
{
    call_fails_cleanly(_i, SERVER, " on the server");
}
END_TEST

START_TEST(threaded_call_fails_cleanly)
{
    call_fails_cleanly(_i, THREADED, "");
}
END_TEST

/* ---- connect, create and listen ----------------------------------- */

/* Connects to ADDRESS with allocation N on this thread failing (as
 * PERSIST says); *FIRED tells whether it did.  The connect must succeed
 * or fail with ENOMEM, and a client that came must serve a call. */
static int connect_failing(const char *address, unsigned long n, bool persist,
                           bool *fired)
{
    pthread_t self = pthread_self();
    char errbuf[256] = "";
    int rc;

    srpc_client_close(client);
    client = NULL;
    arm(n, &self, persist);
    rc = srpc_client_connect(&client, address, &client_opts, errbuf,
                             sizeof errbuf);
    *fired = fa_disarm();
    /* glibc's getaddrinfo says EAI_NONAME, not EAI_MEMORY, when its
     * lookup in /etc/hosts runs out of memory: SRPC_ERESOLVE is all the
     * runtime can then tell. */
    ck_assert_msg(rc == SRPC_OK
                  || (rc == SRPC_ENOMEM && strstr(errbuf, "memory") != NULL)
                  || (rc == SRPC_ERESOLVE && strncmp(address, "tcp:", 4) == 0),
                  "connect %s, allocation %lu failed: %s (%s)", address, n,
                  srpc_strerror(rc), errbuf);
    ck_assert_msg((rc == SRPC_OK) == (client != NULL),
                  "connect %s: %s with client %p", address,
                  srpc_strerror(rc), (void *)client);
    if (rc == SRPC_OK)
        ck_assert_int_eq(call_int(), SRPC_OK);
    return rc;
}

/* Over Unix (even _i) and over TCP to localhost, which resolves; from
 * _i 2 on with memory short for good. */
START_TEST(connect_fails_cleanly)
{
    bool tcp = _i % 2 != 0, persist = _i >= 2, fired;
    const char *address = tcp ? tcp_addr : addr;
    unsigned long n, outcomes[SRPC_EREMOTE + 1] = { 0 };

    live_slack = tcp ? 2 : 0;

    for (n = 1; n < MAX_N; n++) {
        int rc = connect_failing(address, n, persist, &fired);

        if (!fired) {
            ck_assert_int_eq(rc, SRPC_OK);
            break;
        }
        outcomes[rc]++;
        ck_assert_int_eq(connect_failing(address, MAX_N, false, &fired),
                         SRPC_OK);
    }
    ck_assert_msg(n > 1 && n < MAX_N, "connect: %lu allocations", n);
    printf("connect over %s, %s: %lu allocations failed in turn: %lu ok, "
           "%lu ENOMEM, %lu ERESOLVE\n", tcp ? "tcp" : "unix",
           persist ? "for good" : "once", n - 1, outcomes[SRPC_OK],
           outcomes[SRPC_ENOMEM], outcomes[SRPC_ERESOLVE]);
}
END_TEST

/* A server made, given the interface and listening on a Unix socket and
 * a loopback port, in *OUT (NULL on failure); the first status that was
 * not SRPC_OK. */
static int make_server(srpc_server **out, const char *address)
{
    int rc = srpc_server_create(out, NULL);

    if (rc != SRPC_OK)
        return rc;
    rc = types_serve(*out, &ops, NULL);
    if (rc == SRPC_OK)
        rc = srpc_server_listen(*out, address);
    if (rc == SRPC_OK)
        rc = srpc_server_listen(*out, "tcp:127.0.0.1:0");
    return rc;
}

/* Makes a server with allocation N failing; what failed must say so, and
 * a server that came must serve a call.  *FIRED as in connect_failing. */
static int listen_failing(const char *address, unsigned long n, bool persist,
                          bool *fired)
{
    pthread_t self = pthread_self();
    struct tu_server other = { .running = false };
    char errbuf[256];
    int rc;

    other.srv = NULL;
    arm(n, &self, persist);
    rc = make_server(&other.srv, address);
    *fired = fa_disarm();
    if (rc != SRPC_OK) {
        const char *msg = other.srv != NULL ? srpc_server_errmsg(other.srv)
                                            : "out of memory";
        ck_assert_msg(rc == SRPC_ENOMEM && strstr(msg, "memory") != NULL,
                      "listen, allocation %lu failed: %s (%s)", n,
                      srpc_strerror(rc), msg);
        srpc_server_destroy(other.srv);
        return rc;
    }
    tu_server_start(&other);
    srpc_client_close(client);
    rc = srpc_client_connect(&client, address, &client_opts, errbuf,
                             sizeof errbuf);
    ck_assert_msg(rc == SRPC_OK, "connect: %s", errbuf);
    ck_assert_int_eq(call_int(), SRPC_OK);
    srpc_client_close(client);
    client = NULL;
    tu_server_stop(&other);
    srpc_server_destroy(other.srv);
    return SRPC_OK;
}

/* srpc_server_create, NAME_serve and srpc_server_listen on a Unix
 * socket (over the file a failed attempt may have left) and TCP. */
START_TEST(listen_fails_cleanly)
{
    bool persist = _i != 0, fired;
    unsigned long n, failed = 0;
    char address[300];

    snprintf(address, sizeof address, "unix:%s/listen.sock", dir);
    for (n = 1; n < MAX_N; n++) {
        int rc = listen_failing(address, n, persist, &fired);

        if (!fired) {
            ck_assert_int_eq(rc, SRPC_OK);
            break;
        }
        failed += rc != SRPC_OK;
        ck_assert_int_eq(listen_failing(address, MAX_N, false, &fired),
                         SRPC_OK);
    }
    ck_assert_msg(n > 1 && n < MAX_N, "listen: %lu allocations", n);
    printf("create and listen, %s: %lu allocations failed in turn, %lu "
           "ENOMEM\n", persist ? "for good" : "once", n - 1, failed);
}
END_TEST

static Suite *oom_suite(void)
{
    Suite *s = suite_create("oom_rpc");
    TCase *tc = tcase_create("calls");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, client_call_fails_cleanly, 0, 2 * NCALLS);
    tcase_add_loop_test(tc, server_call_fails_cleanly, 0, 2 * NCALLS);
    tcase_add_loop_test(tc, threaded_call_fails_cleanly, 0, 2 * NCALLS);
    suite_add_tcase(s, tc);

    tc = tcase_create("connect and listen");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, connect_fails_cleanly, 0, 4);
    tcase_add_loop_test(tc, listen_fails_cleanly, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

static char outbuf[BUFSIZ];

static pthread_barrier_t together;

static void *meet(void *arg)
{
    pthread_barrier_wait(&together);
    return arg;
}

/* glibc keeps a block for each thread that was ever alive at once with
 * others (three at most here: a server's, a connection's in thread mode,
 * and one more a test starts), and blocks from a process's first name
 * lookup (the NSS configuration), for good: made here, they are there
 * before any fixture counts. */
#define WARM_THREADS 3
static void warm_libc(void)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
    pthread_t t[WARM_THREADS];

    if (pthread_barrier_init(&together, NULL, WARM_THREADS + 1) != 0) {
        perror("pthread_barrier_init");
        exit(EXIT_FAILURE);
    }
    for (int i = 0; i < WARM_THREADS; i++) {
        if (pthread_create(&t[i], NULL, meet, NULL) != 0) {
            perror("pthread_create");
            exit(EXIT_FAILURE);
        }
    }
    pthread_barrier_wait(&together);
    for (int i = 0; i < WARM_THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&together);
    if (getaddrinfo("localhost", "1", &hints, &res) != 0) {
        fputs("cannot resolve localhost\n", stderr);
        exit(EXIT_FAILURE);
    }
    freeaddrinfo(res);
}

int main(void)
{
    SRunner *sr;
    int failed;

    fa_require();
    /* A buffer of its own: stdio's would be a block allocated in a test,
     * found by the fixture's leak check. */
    setvbuf(stdout, outbuf, _IOLBF, sizeof outbuf);
    warm_libc();
    sr = srunner_create(oom_suite());
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
