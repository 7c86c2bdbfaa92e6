#include "config.h"

#include "calcfixture.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

struct calc_fixture fx;

void fx_setup(void)
{
    memset(&fx, 0, sizeof fx);
    tu_mkdtemp(fx.dir, sizeof fx.dir);
    snprintf(fx.unix_addr, sizeof fx.unix_addr, "unix:%s/calc.sock", fx.dir);
    calc_state_init(&fx.state);
}

void fx_teardown(void)
{
    tu_server_stop(&fx.ts);
    srpc_server_destroy(fx.ts.srv);
    fx.ts.srv = NULL;
    calc_state_fini(&fx.state);
    tu_rmdir(fx.dir);
}

void fx_start(const struct srpc_server_options *options)
{
    ck_assert_int_eq(srpc_server_create(&fx.ts.srv, options), SRPC_OK);
    ck_assert_int_eq(calc_serve(fx.ts.srv, &calc_default_ops, &fx.state), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, fx.unix_addr), SRPC_OK);
    ck_assert_int_eq(srpc_server_listen(fx.ts.srv, "tcp:127.0.0.1:0"), SRPC_OK);
    tu_server_start(&fx.ts);
}

srpc_client *fx_connect(const char *address)
{
    srpc_client *c = NULL;
    char err[256] = "";
    int rc = srpc_client_connect(&c, address, NULL, err, sizeof err);

    ck_assert_msg(rc == SRPC_OK, "connect %s: %s", address, err);
    return c;
}
