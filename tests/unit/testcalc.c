/*
 * testcalc.c - see testcalc.h.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#include "testcalc.h"

/* ---- server side: dispatch functions as idlc generates them -------- */

static int calc_add_dispatch(srpc_call *call, const void *impl,
                             const msgpack_object *args, msgpack_packer *reply)
{
    const struct calc_ops *ops = impl;
    int32_t a, b, ret;
    int rc;

    if (!ops->add)
        return srpc_call_not_implemented(call);
    if ((rc = srpc_get_int32(&args[0], &a)) != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 0, "a", "int32");
    if ((rc = srpc_get_int32(&args[1], &b)) != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 1, "b", "int32");
    if ((rc = ops->add(call, a, b, &ret)) != SRPC_OK)
        return rc;
    msgpack_pack_int32(reply, ret);
    return SRPC_OK;
}

static int calc_div_dispatch(srpc_call *call, const void *impl,
                             const msgpack_object *args, msgpack_packer *reply)
{
    const struct calc_ops *ops = impl;
    int32_t a, b, ret;
    int rc;

    if (!ops->div)
        return srpc_call_not_implemented(call);
    if ((rc = srpc_get_int32(&args[0], &a)) != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 0, "a", "int32");
    if ((rc = srpc_get_int32(&args[1], &b)) != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 1, "b", "int32");
    if ((rc = ops->div(call, a, b, &ret)) != SRPC_OK)
        return rc;
    msgpack_pack_int32(reply, ret);
    return SRPC_OK;
}

static int calc_echo_dispatch(srpc_call *call, const void *impl,
                              const msgpack_object *args, msgpack_packer *reply)
{
    const struct calc_ops *ops = impl;
    const char *s, *ret;
    int rc;

    if (!ops->echo)
        return srpc_call_not_implemented(call);
    if ((rc = srpc_get_str(&args[0], srpc_call_arena(call), &s)) != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 0, "s", "string");
    if ((rc = ops->echo(call, s, &ret)) != SRPC_OK)
        return rc;
    srpc_pack_str(reply, ret);
    return SRPC_OK;
}

static int calc_sleep_dispatch(srpc_call *call, const void *impl,
                               const msgpack_object *args, msgpack_packer *reply)
{
    const struct calc_ops *ops = impl;
    int32_t ms;
    int rc;

    if (!ops->sleep)
        return srpc_call_not_implemented(call);
    if ((rc = srpc_get_int32(&args[0], &ms)) != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 0, "ms", "int32");
    if ((rc = ops->sleep(call, ms)) != SRPC_OK)
        return rc;
    msgpack_pack_nil(reply);
    return SRPC_OK;
}

static int calc_note_dispatch(srpc_call *call, const void *impl,
                              const msgpack_object *args, msgpack_packer *reply)
{
    const struct calc_ops *ops = impl;
    int32_t v;
    int rc;

    if (!ops->note)
        return srpc_call_not_implemented(call);
    if ((rc = srpc_get_int32(&args[0], &v)) != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 0, "v", "int32");
    if ((rc = ops->note(call, v)) != SRPC_OK)
        return rc;
    msgpack_pack_nil(reply);
    return SRPC_OK;
}

static int calc_missing_dispatch(srpc_call *call, const void *impl,
                                 const msgpack_object *args,
                                 msgpack_packer *reply)
{
    const struct calc_ops *ops = impl;
    int rc;

    (void)args;
    if (!ops->missing)
        return srpc_call_not_implemented(call);
    if ((rc = ops->missing(call)) != SRPC_OK)
        return rc;
    msgpack_pack_nil(reply);
    return SRPC_OK;
}

static int calc_big_dispatch(srpc_call *call, const void *impl,
                             const msgpack_object *args, msgpack_packer *reply)
{
    const struct calc_ops *ops = impl;
    uint32_t n;
    const char *ret;
    int rc;

    if (!ops->big)
        return srpc_call_not_implemented(call);
    if ((rc = srpc_get_uint32(&args[0], &n)) != SRPC_OK)
        return srpc_call_bad_arg(call, rc, 0, "n", "uint32");
    if ((rc = ops->big(call, n, &ret)) != SRPC_OK)
        return rc;
    srpc_pack_str(reply, ret);
    return SRPC_OK;
}

static int calc_broken_dispatch(srpc_call *call, const void *impl,
                                const msgpack_object *args,
                                msgpack_packer *reply)
{
    const struct calc_ops *ops = impl;
    int rc;

    (void)args;
    if (!ops->broken)
        return srpc_call_not_implemented(call);
    if ((rc = ops->broken(call)) != SRPC_OK)
        return rc;
    msgpack_pack_nil(reply);
    return SRPC_OK;
}

static const struct srpc_method calc_methods[] = {
    { "calc.add", 2, calc_add_dispatch },
    { "calc.div", 2, calc_div_dispatch },
    { "calc.echo", 1, calc_echo_dispatch },
    { "calc.sleep", 1, calc_sleep_dispatch },
    { "calc.note", 1, calc_note_dispatch },
    { "calc.missing", 0, calc_missing_dispatch },
    { "calc.big", 1, calc_big_dispatch },
    { "calc.broken", 0, calc_broken_dispatch },
};

const struct srpc_interface calc_interface = {
    "calc", calc_methods, sizeof calc_methods / sizeof calc_methods[0]
};

int calc_serve(srpc_server *srv, const struct calc_ops *ops, void *user_data)
{
    return srpc_server_register(srv, &calc_interface, ops, user_data);
}

/* ---- default handlers --------------------------------------------- */

void calc_state_init(struct calc_state *st)
{
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->cond, NULL);
    st->notes = 0;
    st->sum = 0;
}

void calc_state_fini(struct calc_state *st)
{
    pthread_mutex_destroy(&st->lock);
    pthread_cond_destroy(&st->cond);
}

int calc_state_wait_notes(struct calc_state *st, int notes, int timeout_ms)
{
    struct timespec ts;
    int n;

    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&st->lock);
    while (st->notes < notes &&
           pthread_cond_timedwait(&st->cond, &st->lock, &ts) == 0)
        ;
    n = st->notes;
    pthread_mutex_unlock(&st->lock);
    return n;
}

static int h_add(srpc_call *call, int32_t a, int32_t b, int32_t *ret)
{
    (void)call;
    *ret = (int32_t)((uint32_t)a + (uint32_t)b);
    return SRPC_OK;
}

static int h_div(srpc_call *call, int32_t a, int32_t b, int32_t *ret)
{
    if (b == 0)
        return srpc_call_fail(call, CALC_EDIVZERO, "division by zero");
    *ret = a / b;
    return SRPC_OK;
}

static int h_echo(srpc_call *call, const char *s, const char **ret)
{
    size_t n = strlen(s) + 1;
    char *copy = srpc_call_alloc(call, n);

    if (!copy)
        return SRPC_ENOMEM;
    memcpy(copy, s, n);
    *ret = copy;
    return SRPC_OK;
}

static int h_sleep(srpc_call *call, int32_t ms)
{
    (void)call;
    poll(NULL, 0, ms);
    return SRPC_OK;
}

static int h_note(srpc_call *call, int32_t v)
{
    struct calc_state *st = srpc_call_user_data(call);

    pthread_mutex_lock(&st->lock);
    st->notes++;
    st->sum += v;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->lock);
    return SRPC_OK;
}

static int h_big(srpc_call *call, uint32_t n, const char **ret)
{
    char *s = srpc_call_alloc(call, (size_t)n + 1);

    if (!s)
        return SRPC_ENOMEM;
    memset(s, 'x', n);
    s[n] = '\0';
    *ret = s;
    return SRPC_OK;
}

static int h_broken(srpc_call *call)
{
    (void)call;
    return SRPC_EIO;
}

const struct calc_ops calc_default_ops = {
    .add = h_add,
    .div = h_div,
    .echo = h_echo,
    .sleep = h_sleep,
    .note = h_note,
    .missing = NULL,
    .big = h_big,
    .broken = h_broken,
};

/* ---- client stubs as idlc generates them ----------------------------- */

static int call_int32(srpc_client *c, int32_t *ret)
{
    const msgpack_object *res;
    int rc = srpc_client_call(c, &res);

    if (rc != SRPC_OK)
        return rc;
    if ((rc = srpc_get_int32(res, ret)) != SRPC_OK)
        return srpc_client_bad_result(c, rc, "int32");
    return SRPC_OK;
}

static int call_str(srpc_client *c, const char **ret)
{
    const msgpack_object *res;
    int rc = srpc_client_call(c, &res);

    if (rc != SRPC_OK)
        return rc;
    rc = srpc_get_str(res, srpc_client_arena(c), ret);
    if (rc != SRPC_OK)
        return srpc_client_bad_result(c, rc, "string");
    return SRPC_OK;
}

static int call_void(srpc_client *c)
{
    const msgpack_object *res;

    return srpc_client_call(c, &res);
}

int calc_add(srpc_client *c, int32_t a, int32_t b, int32_t *ret)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.add", 2);

    if (!pk)
        return SRPC_EINVAL;
    msgpack_pack_int32(pk, a);
    msgpack_pack_int32(pk, b);
    return call_int32(c, ret);
}

int calc_div(srpc_client *c, int32_t a, int32_t b, int32_t *ret)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.div", 2);

    if (!pk)
        return SRPC_EINVAL;
    msgpack_pack_int32(pk, a);
    msgpack_pack_int32(pk, b);
    return call_int32(c, ret);
}

int calc_echo(srpc_client *c, const char *s, const char **ret)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.echo", 1);

    if (!pk)
        return SRPC_EINVAL;
    srpc_pack_str(pk, s);
    return call_str(c, ret);
}

int calc_sleep(srpc_client *c, int32_t ms)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.sleep", 1);

    if (!pk)
        return SRPC_EINVAL;
    msgpack_pack_int32(pk, ms);
    return call_void(c);
}

int calc_note(srpc_client *c, int32_t v)
{
    msgpack_packer *pk = srpc_client_begin_notify(c, "calc.note", 1);

    if (!pk)
        return SRPC_EINVAL;
    msgpack_pack_int32(pk, v);
    return srpc_client_notify(c);
}

int calc_missing(srpc_client *c)
{
    if (!srpc_client_begin(c, "calc.missing", 0))
        return SRPC_EINVAL;
    return call_void(c);
}

int calc_big(srpc_client *c, uint32_t n, const char **ret)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.big", 1);

    if (!pk)
        return SRPC_EINVAL;
    msgpack_pack_uint32(pk, n);
    return call_str(c, ret);
}

int calc_broken(srpc_client *c)
{
    if (!srpc_client_begin(c, "calc.broken", 0))
        return SRPC_EINVAL;
    return call_void(c);
}

int calc_add_as_str(srpc_client *c, int32_t a, int32_t b, const char **ret)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.add", 2);

    if (!pk)
        return SRPC_EINVAL;
    msgpack_pack_int32(pk, a);
    msgpack_pack_int32(pk, b);
    return call_str(c, ret);
}

int calc_add3(srpc_client *c, int32_t a, int32_t b, int32_t x, int32_t *ret)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.add", 3);

    if (!pk)
        return SRPC_EINVAL;
    msgpack_pack_int32(pk, a);
    msgpack_pack_int32(pk, b);
    msgpack_pack_int32(pk, x);
    return call_int32(c, ret);
}

int calc_add_str_arg(srpc_client *c, const char *a, int32_t b, int32_t *ret)
{
    msgpack_packer *pk = srpc_client_begin(c, "calc.add", 2);

    if (!pk)
        return SRPC_EINVAL;
    srpc_pack_str(pk, a);
    msgpack_pack_int32(pk, b);
    return call_int32(c, ret);
}

int calc_nosuch(srpc_client *c)
{
    if (!srpc_client_begin(c, "calc.nosuch", 0))
        return SRPC_EINVAL;
    return call_void(c);
}
