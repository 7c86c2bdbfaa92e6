/* procs.c - the four procedures of oncbench.x, as bench/pingpong's
 * sockrpc handlers: echo what came, count what was put, serve get from
 * one payload.  rpcgen -M (MT-safe stubs) passes every result by pointer
 * and frees it through oncbench_prog_1_freeresult() below. */
#include "config.h"

#include <stdio.h>

#include "oncbench.h"
#include "procs.h"

static const char *payload;
static size_t payload_len;

void procs_set_payload(const char *p, size_t len)
{
    payload = p;
    payload_len = len;
}

bool_t oncbench_echo_1_svc(int *x, int *result, struct svc_req *req)
{
    (void)req;
    *result = *x;
    return TRUE;
}

/* The reply borrows the argument: the dispatcher sends the reply before
 * svc_freeargs() frees it, as sockrpc's arena outlives its reply. */
bool_t oncbench_echo_str_1_svc(oncbench_str *s, oncbench_str *result,
                      struct svc_req *req)
{
    (void)req;
    *result = *s;
    return TRUE;
}

bool_t oncbench_put_1_svc(oncbench_bytes *b, u_int *result, struct svc_req *req)
{
    (void)req;
    *result = b->oncbench_bytes_len;
    return TRUE;
}

/* The reply borrows the payload: no copy, as sockrpc's get handler. */
bool_t oncbench_get_1_svc(u_int *n, oncbench_bytes *result, struct svc_req *req)
{
    if (*n > payload_len) {
        svcerr_decode(req->rq_xprt); /* a bad argument: no reply below */
        return FALSE;
    }
    result->oncbench_bytes_len = *n;
    result->oncbench_bytes_val = (char *)payload;
    return TRUE;
}

/* Every result above is an int or borrowed memory: nothing to free. */
int oncbench_prog_1_freeresult(SVCXPRT *xprt, xdrproc_t xdr_result,
                               caddr_t result)
{
    (void)xprt;
    (void)xdr_result;
    (void)result;
    return TRUE;
}
