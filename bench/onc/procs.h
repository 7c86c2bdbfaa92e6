/* procs.h - the server's procedures (procs.c); their prototypes are in
 * the header rpcgen writes. */
#ifndef ONCBENCH_PROCS_H
#define ONCBENCH_PROCS_H

#include <stddef.h>

/* What get returns: its first n bytes.  P must outlive the server. */
void procs_set_payload(const char *p, size_t len);

#endif
