/*
 * calc_server - serves the calc interface of calc.idl.
 *
 *     calc_server unix:/tmp/calc.sock tcp:127.0.0.1:15001
 *
 * Listens on every address given, prints one "listening on ADDRESS" line per
 * listener (with the real port when the address asked for port 0), and serves
 * until SIGINT or SIGTERM.  The handlers below are the part a student writes;
 * everything else is a few calls into libsockrpc.
 */
#define _POSIX_C_SOURCE 200809L     /* sigaction() under -std=c11 */

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sockrpc.h>

#include "calc.h"

/* The arithmetic is done in 64 bits so that a result that does not fit in
 * an int32 is reported instead of overflowing (undefined behaviour in C).
 * calc_NAME_fail() comes from "raises (error)" in calc.idl: it sends a code
 * of enum calc_error and a message in the error reply. */
static bool fits_int32(int64_t value)
{
    return value >= INT32_MIN && value <= INT32_MAX;
}

static int calc_add_handler(srpc_call *call, int32_t a, int32_t b, int32_t *result)
{
    int64_t sum = (int64_t)a + b;

    if (!fits_int32(sum))
        return calc_add_fail(call, CALC_ERROR_OVERFLOW,
                             "result %lld does not fit in an int32", (long long)sum);
    *result = (int32_t)sum;
    return SRPC_OK;
}

static int calc_sub_handler(srpc_call *call, int32_t a, int32_t b, int32_t *result)
{
    int64_t difference = (int64_t)a - b;

    if (!fits_int32(difference))
        return calc_sub_fail(call, CALC_ERROR_OVERFLOW,
                             "result %lld does not fit in an int32",
                             (long long)difference);
    *result = (int32_t)difference;
    return SRPC_OK;
}

static int calc_mul_handler(srpc_call *call, int32_t a, int32_t b, int32_t *result)
{
    int64_t product = (int64_t)a * b;

    if (!fits_int32(product))
        return calc_mul_fail(call, CALC_ERROR_OVERFLOW,
                             "result %lld does not fit in an int32",
                             (long long)product);
    *result = (int32_t)product;
    return SRPC_OK;
}

static int calc_div_handler(srpc_call *call, int32_t a, int32_t b, int32_t *result)
{
    int64_t quotient;

    if (b == 0)
        return calc_div_fail(call, CALC_ERROR_DIVISION_BY_ZERO, "division by zero");
    quotient = (int64_t)a / b;      /* INT32_MIN / -1 does not fit */
    if (!fits_int32(quotient))
        return calc_div_fail(call, CALC_ERROR_OVERFLOW,
                             "result %lld does not fit in an int32",
                             (long long)quotient);
    *result = (int32_t)quotient;
    return SRPC_OK;
}

static int calc_note_handler(srpc_call *call, const char *text)
{
    (void)call;
    printf("note: %s\n", text);
    fflush(stdout);
    return SRPC_OK;
}

static const struct calc_ops calc_handlers = {
    .add = calc_add_handler,
    .sub = calc_sub_handler,
    .mul = calc_mul_handler,
    .div = calc_div_handler,
    .note = calc_note_handler,
};

static srpc_server *the_server;

static void on_signal(int sig)
{
    (void)sig;
    srpc_server_stop(the_server);   /* async-signal-safe */
}

static int install_signal_handlers(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
        perror("calc_server: sigaction");
        return -1;
    }
    return 0;
}

static int serve(int naddresses, char **addresses)
{
    int rc;

    /* Before the "listening" lines: whoever reads them may signal us at
     * once, and a signal must always mean a clean stop. */
    if (install_signal_handlers() != 0)
        return 1;
    rc = calc_serve(the_server, &calc_handlers, NULL);
    if (rc != SRPC_OK) {
        fprintf(stderr, "calc_server: %s\n", srpc_server_errmsg(the_server));
        return 1;
    }
    for (int i = 0; i < naddresses; i++) {
        rc = srpc_server_listen(the_server, addresses[i]);
        if (rc != SRPC_OK) {
            fprintf(stderr, "calc_server: %s\n", srpc_server_errmsg(the_server));
            return 1;
        }
        printf("listening on %s\n", srpc_server_address(the_server, (size_t)i));
    }
    fflush(stdout);
    rc = srpc_server_run(the_server);
    if (rc != SRPC_OK) {
        fprintf(stderr, "calc_server: %s\n", srpc_server_errmsg(the_server));
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int status;
    int rc;

    if (argc < 2 || strcmp(argv[1], "--help") == 0) {
        fprintf(argc < 2 ? stderr : stdout,
                "usage: %s ADDRESS...\n"
                "  ADDRESS is unix:/path/to/socket or tcp:HOST:PORT\n", argv[0]);
        return argc < 2 ? 2 : 0;
    }
    rc = srpc_server_create(&the_server, NULL);
    if (rc != SRPC_OK) {
        fprintf(stderr, "calc_server: %s\n", srpc_strerror(rc));
        return 1;
    }
    status = serve(argc - 1, argv + 1);
    srpc_server_destroy(the_server);
    return status;
}
