/*
 * alltypes_impl.c - handlers for every procedure of alltypes.idl, shared by
 * tests/integration/test_types.c and the server fuzz target
 * (tests/fuzz/fuzz_serve.c).  Each handler does what the comment in the
 * IDL says, so that a test can tell from the result that the server
 * decoded what it was sent.
 */
#include "config.h"

#include <stdatomic.h>

#include "sockrpc.h"
#include "alltypes_impl.h"

static int echo_i8(srpc_call *call, int8_t v, int8_t *result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int echo_i16(srpc_call *call, int16_t v, int16_t *result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int echo_u8(srpc_call *call, uint8_t v, uint8_t *result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int echo_u16(srpc_call *call, uint16_t v, uint16_t *result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int echo_i64(srpc_call *call, int64_t v, int64_t *result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int echo_u64(srpc_call *call, uint64_t v, uint64_t *result)
{
    (void)call;
    *result = v;
    return SRPC_OK;
}

static int echo_f(srpc_call *call, float v, float *result)
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

static int echo_s8(srpc_call *call, const char *s, const char **result)
{
    (void)call;
    *result = s;
    return SRPC_OK;
}

static int echo_b4(srpc_call *call, srpc_bytes b, srpc_bytes *result)
{
    (void)call;
    *result = b;
    return SRPC_OK;
}

static int too_long(srpc_call *call, const char **result)
{
    (void)call;
    *result = "123456789"; /* string<8> */
    return SRPC_OK;
}

static int flip(srpc_call *call, const struct types_point *p,
                struct types_point *result)
{
    (void)call;
    *result = *p;
    result->x = p->y;
    result->y = p->x;
    return SRPC_OK;
}

/* A copy of S with BY added to every shape's sides, in the call's arena. */
static int grow(srpc_call *call, const struct types_shape *s, int32_t by,
                struct types_shape *result)
{
    *result = *s;
    result->sides = (uint8_t)(s->sides + by);
    if (s->next != NULL) {
        struct types_shape *next = srpc_call_alloc(call, sizeof *next);
        if (next == NULL)
            return srpc_call_fail(call, 1, "out of memory");
        grow(call, s->next, by, next);
        result->next = next;
    }
    return SRPC_OK;
}

static int depth(srpc_call *call, const struct types_shape *s,
                 int32_t *result)
{
    (void)call;
    *result = 0;
    for (const struct types_shape *p = s->next; p != NULL; p = p->next)
        (*result)++;
    return SRPC_OK;
}

static int next_color(srpc_call *call, enum types_color c,
                      enum types_color *result)
{
    (void)call;
    switch (c) {
    case TYPES_COLOR_RED: *result = TYPES_COLOR_GREEN; break;
    case TYPES_COLOR_GREEN: *result = TYPES_COLOR_BLUE; break;
    case TYPES_COLOR_BLUE: *result = TYPES_COLOR_RED; break;
    }
    return SRPC_OK;
}

static int echo_level(srpc_call *call, enum types_level l,
                      enum types_level *result)
{
    (void)call;
    *result = l;
    return SRPC_OK;
}

static int echo_swatch(srpc_call *call, const struct types_swatch *s,
                       struct types_swatch *result)
{
    (void)call;
    *result = *s;
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

static int backwards(srpc_call *call, const struct types_seq_string *v,
                     struct types_seq_string *result)
{
    const char **out = srpc_call_alloc(call, v->n * sizeof *out);

    if (out == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    for (size_t i = 0; i < v->n; i++)
        out[i] = v->items[v->n - 1 - i];
    result->n = v->n;
    result->items = out;
    return SRPC_OK;
}

static int bump(srpc_call *call, const struct types_map_string_uint64 *m,
                struct types_map_string_uint64 *result)
{
    uint64_t *values = srpc_call_alloc(call, m->n * sizeof *values);

    if (values == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    for (size_t i = 0; i < m->n; i++)
        values[i] = m->values[i] + 1;
    result->n = m->n;
    result->keys = m->keys;
    result->values = values;
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

static int maybe_i32(srpc_call *call, const int32_t *v,
                     const int32_t **result)
{
    int32_t *r;

    if (v == NULL) {
        *result = NULL;
        return SRPC_OK;
    }
    r = srpc_call_alloc(call, sizeof *r);
    if (r == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    *r = *v + 1;
    *result = r;
    return SRPC_OK;
}

static int maybe_str(srpc_call *call, const char *s, const char **result)
{
    (void)call;
    *result = s;
    return SRPC_OK;
}

/* The point moved by the first byte of B, if both are there. */
static int maybe_point(srpc_call *call, const struct types_point *p,
                       const srpc_bytes *b, const struct types_point **result)
{
    struct types_point *r;

    if (p == NULL) {
        *result = NULL;
        return SRPC_OK;
    }
    r = srpc_call_alloc(call, sizeof *r);
    if (r == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    *r = *p;
    if (b != NULL && b->len > 0)
        r->x += b->data[0];
    *result = r;
    return SRPC_OK;
}

static int rotate(srpc_call *call, const struct types_arr3_int32 *v,
                  struct types_arr3_int32 *result)
{
    (void)call;
    for (int i = 0; i < 3; i++)
        result->items[i] = v->items[(i + 1) % 3];
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

/* ---- unions ------------------------------------------------------- */

atomic_int alltypes_union_calls;

/* V with its NUM doubled, its PAIR flipped, its LIST reversed; NONE and
 * TEXT as they came: proof the server decoded the arm it was sent. */
static int twice(srpc_call *call, const struct types_value *v,
                 struct types_value *result)
{
    int32_t *items;

    atomic_fetch_add(&alltypes_union_calls, 1);
    *result = *v;
    switch (v->tag) {
    case TYPES_KIND_NUM:
        result->number = 2 * v->number;
        break;
    case TYPES_KIND_PAIR:
        return flip(call, &v->p, &result->p);
    case TYPES_KIND_LIST:
        items = srpc_call_alloc(call, v->list.n * sizeof *items + 1);
        if (items == NULL)
            return srpc_call_fail(call, 1, "out of memory");
        for (size_t i = 0; i < v->list.n; i++)
            items[i] = v->list.items[v->list.n - 1 - i];
        result->list.items = items;
        break;
    default:
        break;
    }
    return SRPC_OK;
}

static int echo_wide(srpc_call *call, const struct types_wide *w,
                     struct types_wide *result)
{
    (void)call;
    atomic_fetch_add(&alltypes_union_calls, 1);
    *result = *w;
    return SRPC_OK;
}

/* B with v and extra swapped when extra is there. */
static int echo_boxed(srpc_call *call, const struct types_boxed *b,
                      struct types_boxed *result)
{
    (void)call;
    *result = *b;
    if (b->extra != NULL) {
        result->v = *b->extra;
        result->extra = &b->v;
    }
    return SRPC_OK;
}

/* V as it came; without V, W's low or high arm as a NUM (none for W's
 * void arm). */
static int maybe_value(srpc_call *call, const struct types_value *v,
                       const struct types_wide *w,
                       const struct types_value **result)
{
    struct types_value *r;

    if (v != NULL) {
        *result = v;
        return SRPC_OK;
    }
    if (w->tag == -1) {
        *result = NULL;
        return SRPC_OK;
    }
    r = srpc_call_alloc(call, sizeof *r);
    if (r == NULL)
        return srpc_call_fail(call, 1, "out of memory");
    r->tag = TYPES_KIND_NUM;
    r->number = w->tag == INT64_MIN ? (double)w->low : (double)w->high;
    *result = r;
    return SRPC_OK;
}

static int64_t sum_leaves(const struct types_expr *e)
{
    int64_t sum = 0;

    if (e == NULL)
        return 0;
    if (e->tag == TYPES_OP_LEAF)
        return e->n;
    sum += sum_leaves(e->p.left);
    sum += sum_leaves(e->p.right);
    return sum;
}

static int eval(srpc_call *call, const struct types_expr *e,
                int64_t *result)
{
    (void)call;
    atomic_fetch_add(&alltypes_union_calls, 1);
    *result = sum_leaves(e);
    return SRPC_OK;
}

/* A copy of E, in the call's arena, with left and right swapped at every
 * ADD. */
static int mirror(srpc_call *call, const struct types_expr *e,
                  struct types_expr *result)
{
    const struct types_expr *from[2];
    struct types_expr *to[2] = { NULL, NULL };

    *result = *e;
    if (e->tag != TYPES_OP_ADD)
        return SRPC_OK;
    from[0] = e->p.right;
    from[1] = e->p.left;
    for (int i = 0; i < 2; i++) {
        if (from[i] == NULL)
            continue;
        to[i] = srpc_call_alloc(call, sizeof *to[i]);
        if (to[i] == NULL)
            return srpc_call_fail(call, 1, "out of memory");
        mirror(call, from[i], to[i]);
    }
    result->p.left = to[0];
    result->p.right = to[1];
    return SRPC_OK;
}

const struct types_ops alltypes_ops = {
    .echo_i8 = echo_i8, .echo_i16 = echo_i16, .echo_u8 = echo_u8,
    .echo_u16 = echo_u16, .echo_i64 = echo_i64, .echo_u64 = echo_u64,
    .echo_f = echo_f, .echo_d = echo_d, .reverse = reverse,
    .echo_s8 = echo_s8, .echo_b4 = echo_b4, .too_long = too_long,
    .flip = flip, .grow = grow, .depth = depth, .next_color = next_color,
    .echo_level = echo_level, .echo_swatch = echo_swatch,
    .squares = squares, .backwards = backwards, .bump = bump,
    .echo_nest = echo_nest, .echo_bag = echo_bag, .echo_any = echo_any,
    .maybe_i32 = maybe_i32, .maybe_str = maybe_str,
    .maybe_point = maybe_point, .rotate = rotate, .swap = swap,
    .twice = twice, .echo_wide = echo_wide, .echo_boxed = echo_boxed,
    .maybe_value = maybe_value, .eval = eval, .mirror = mirror,
};
