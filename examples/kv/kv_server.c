/* kv_server - the server of doc/idl.md's "In five minutes". */
#include <stdio.h>
#include <string.h>
#include <sockrpc.h>
#include "kv.h"

static char keys[16][32], values[16][64];
static int n;

static int put(srpc_call *call, const char *key, const char *value)
{
    (void)call;
    if (n < 16) {
        snprintf(keys[n], sizeof keys[n], "%s", key);
        snprintf(values[n], sizeof values[n], "%s", value);
        n++;
    }
    return SRPC_OK;
}

static int get(srpc_call *call, const char *key, const char **result)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(keys[i], key) == 0) {
            *result = values[i];
            return SRPC_OK;
        }
    }
    return kv_get_fail(call, KV_ERROR_NOT_FOUND, "no key '%s'", key);
}

static int list(srpc_call *call, const char *prefix,
                struct kv_seq_entry *result)
{
    /* Memory for the reply: freed by the library once it is sent. */
    struct kv_entry *items = srpc_call_alloc(call, (n ? n : 1) * sizeof *items);
    size_t count = 0;

    if (items == NULL)
        return SRPC_ENOMEM;
    for (int i = 0; i < n; i++) {
        if (prefix == NULL || strncmp(keys[i], prefix, strlen(prefix)) == 0)
            items[count++] = (struct kv_entry){ .key = keys[i],
                                                .value = values[i] };
    }
    result->items = items;
    result->n = count;
    return SRPC_OK;
}

int main(int argc, char **argv)
{
    static const struct kv_ops ops = { .put = put, .get = get, .list = list };
    srpc_server *server;

    if (argc != 2 || srpc_server_create(&server, NULL) != SRPC_OK)
        return 1;
    if (kv_serve(server, &ops, NULL) != SRPC_OK
        || srpc_server_listen(server, argv[1]) != SRPC_OK) {
        fprintf(stderr, "%s\n", srpc_server_errmsg(server));
        return 1;
    }
    srpc_server_run(server);        /* until srpc_server_stop() */
    srpc_server_destroy(server);
    return 0;
}
