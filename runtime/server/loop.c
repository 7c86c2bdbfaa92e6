/*
 * loop.c - picks the event loop backend at build time, as Redis's ae.c
 * does: ./configure --with-event-loop=poll|epoll (epoll by default where
 * <sys/epoll.h> exists).  Building with -DSRPC_LOOP_POLL forces poll, so
 * one test can exercise it in an epoll build.  Each backend implements
 * every function of loop.h; there is no vtable.
 */
#include "config.h"

#if defined(SRPC_LOOP_EPOLL) && !defined(SRPC_LOOP_POLL)
#include "server/loop_epoll.c"
#else
#include "server/loop_poll.c"
#endif
