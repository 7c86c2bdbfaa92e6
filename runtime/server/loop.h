/*
 * loop.h - the event loop interface of the server.
 *
 * One backend is compiled in, chosen at build time as Redis's ae.c does
 * (loop_poll.c or loop_epoll.c, see loop.c).  No vtable: the interface is
 * a handful of functions.
 *
 * Each registered descriptor carries a pointer of the caller's (udata).
 * Ready events are reported by descriptor, and the caller looks the udata
 * up with srpc__loop_data() when it handles the event: an earlier event of
 * the same round may have closed that descriptor (then it is NULL) -- a
 * stored pointer could dangle.
 */
#ifndef SRPC_LOOP_H
#define SRPC_LOOP_H

#include <stddef.h>

enum {
    SRPC__EV_READ = 1,  /* readable, or hung up / in error: read to learn */
    SRPC__EV_WRITE = 2  /* writable */
};

struct srpc__loop;

/* A loop, or NULL when memory runs out. */
struct srpc__loop *srpc__loop_create(void);
void srpc__loop_destroy(struct srpc__loop *loop);

/* Registers FD with interest EVENTS (may be 0: registered but muted), or
 * changes the interest of a registered FD.  0, or -1 with errno. */
int srpc__loop_set(struct srpc__loop *loop, int fd, unsigned events,
                   void *udata);

/* Unregisters FD (before it is closed).  Unknown descriptors are ignored. */
void srpc__loop_del(struct srpc__loop *loop, int fd);

/* The udata of FD, NULL if FD is not registered.  O(1). */
void *srpc__loop_data(const struct srpc__loop *loop, int fd);

/* Waits up to TIMEOUT_MS (-1: forever) for events.  Returns how many
 * descriptors are ready (0 on timeout or EINTR), -1 with errno. */
int srpc__loop_wait(struct srpc__loop *loop, int timeout_ms);

/* The Ith ready descriptor of the last wait and its SRPC__EV_* events. */
void srpc__loop_fired(const struct srpc__loop *loop, int i, int *fd,
                      unsigned *events);

/*
 * What an application's own poll() must watch to know when the loop has
 * events: FDS[0, *n).  epoll: the epoll descriptor alone (readable when
 * any registered descriptor is ready); poll: a copy of every registered
 * descriptor and its interest.  Returns 0, or -1 when MAX is too small
 * (*n is then the number needed).
 */
struct pollfd;
int srpc__loop_pollfds(const struct srpc__loop *loop, struct pollfd *fds,
                       size_t max, size_t *n);

#endif
