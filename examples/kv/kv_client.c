/* kv_client - the client of doc/idl.md's "In five minutes". */
#include <stdio.h>
#include <sockrpc.h>
#include "kv.h"

int main(int argc, char **argv)
{
    char err[256];
    srpc_client *client;
    const char *value;
    struct kv_seq_entry all;
    enum kv_error code;

    if (argc != 2 || srpc_client_connect(&client, argv[1], NULL, err,
                                         sizeof err) != SRPC_OK)
        return 1;
    kv_put(client, "color", "blue");
    if (kv_get(client, "color", &value) == SRPC_OK)
        printf("color = %s\n", value);
    if (kv_get(client, "size", &value) == SRPC_EREMOTE
        && kv_get_error(client, &code))
        printf("size: error %d: %s\n", (int)code,
               srpc_client_errmsg(client));
    if (kv_list(client, NULL, &all) == SRPC_OK)
        printf("%zu entries\n", all.n);
    srpc_client_free_results(client);   /* the strings the calls returned */
    srpc_client_close(client);
    return 0;
}
