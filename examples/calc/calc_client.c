/*
 * calc_client - calls the calc interface of calc.idl.
 *
 *     calc_client unix:/tmp/calc.sock add 2 3        prints 5
 *     calc_client tcp:127.0.0.1:15001 div 7 0        error 1 (DIVISION_BY_ZERO): ...
 *     calc_client unix:/tmp/calc.sock note hello     sends a oneway note
 *
 * The transport is chosen by the address alone: the calls are the same.
 * Exit status: 0 on success, 1 when the call failed, 2 for bad usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sockrpc.h>

#include "calc.h"

typedef int (*binary_op)(srpc_client *, int32_t, int32_t, int32_t *);
/* calc_NAME_error(), generated from "raises (error)": true with the code
 * when the last call failed with one of enum calc_error's codes. */
typedef bool (*error_of)(const srpc_client *, enum calc_error *);

static const struct operation {
    const char *name;
    binary_op call;
    error_of error;
} operations[] = {
    { "add", calc_add, calc_add_error },
    { "sub", calc_sub, calc_sub_error },
    { "mul", calc_mul, calc_mul_error },
    { "div", calc_div, calc_div_error },
};

static int usage(const char *program)
{
    fprintf(stderr,
            "usage: %s ADDRESS add|sub|mul|div A B\n"
            "       %s ADDRESS note TEXT\n"
            "  ADDRESS is unix:/path/to/socket or tcp:HOST:PORT\n",
            program, program);
    return 2;
}

/* Parses a whole decimal int32; anything else is a usage error. */
static int parse_int32(const char *text, int32_t *out)
{
    char *end;
    long long value;

    errno = 0;
    value = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' ||
        value < INT32_MIN || value > INT32_MAX) {
        fprintf(stderr, "calc_client: '%s' is not a 32-bit integer\n", text);
        return -1;
    }
    *out = (int32_t)value;
    return 0;
}

static const struct operation *find_operation(const char *name)
{
    for (size_t i = 0; i < sizeof operations / sizeof operations[0]; i++)
        if (strcmp(operations[i].name, name) == 0)
            return &operations[i];
    return NULL;
}

static const char *error_name(enum calc_error code)
{
    switch (code) {
    case CALC_ERROR_DIVISION_BY_ZERO:
        return "DIVISION_BY_ZERO";
    case CALC_ERROR_OVERFLOW:
        return "OVERFLOW";
    }
    return "?";
}

/* Prints what a failed call returned: a calc error's code, name and message,
 * another remote error's code and message, or the local reason (connection
 * closed, timeout, ...). */
static int report_failure(srpc_client *client, error_of error, int rc)
{
    enum calc_error code;

    if (rc == SRPC_EREMOTE && error != NULL && error(client, &code))
        fprintf(stderr, "error %d (%s): %s\n", (int)code, error_name(code),
                srpc_client_errmsg(client));
    else if (rc == SRPC_EREMOTE)
        fprintf(stderr, "error %" PRId64 ": %s\n",
                srpc_client_remote_code(client), srpc_client_errmsg(client));
    else
        fprintf(stderr, "calc_client: %s (%s)\n",
                srpc_client_errmsg(client), srpc_strerror(rc));
    return 1;
}

/* What the command line asks for, checked before anything is sent. */
struct request {
    const struct operation *op; /* NULL for a note */
    int32_t a, b;
    const char *text;   /* the note */
};

static int parse_request(int argc, char **argv, struct request *req)
{
    memset(req, 0, sizeof *req);
    if (argc == 4 && strcmp(argv[2], "note") == 0) {
        req->text = argv[3];
        return 0;
    }
    req->op = find_operation(argv[2]);
    if (req->op == NULL || argc != 5)
        return -1;
    if (parse_int32(argv[3], &req->a) != 0 || parse_int32(argv[4], &req->b) != 0)
        return -1;
    return 0;
}

static int run(srpc_client *client, const struct request *req)
{
    int32_t result;
    int rc;

    if (req->op == NULL) {
        rc = calc_note(client, req->text);
        return rc == SRPC_OK ? 0 : report_failure(client, NULL, rc);
    }
    rc = req->op->call(client, req->a, req->b, &result);
    if (rc != SRPC_OK)
        return report_failure(client, req->op->error, rc);
    printf("%" PRId32 "\n", result);
    return 0;
}

int main(int argc, char **argv)
{
    struct request req;
    srpc_client *client;
    char err[256];
    int status;

    if (argc < 4 || parse_request(argc, argv, &req) != 0)
        return usage(argv[0]);
    if (srpc_client_connect(&client, argv[1], NULL, err, sizeof err) != SRPC_OK) {
        fprintf(stderr, "calc_client: %s\n", err);
        return 1;
    }
    status = run(client, &req);
    srpc_client_close(client);
    return status;
}
