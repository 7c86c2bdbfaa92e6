/*
 * loop_poll.c - the poll(2) backend of loop.h, portable to every POSIX
 * system.  O(n) per wait in the number of descriptors, as poll is.
 *
 * Data structures:
 *   pfd[0, n)     the pollfd array handed to poll(), packed (no holes)
 *   udata[i]      the caller's pointer for pfd[i]
 *   slot[fd]      index of fd in pfd, or -1: finds a descriptor in O(1).
 *                 Grown on demand to the largest descriptor seen.
 *   fired[0, nf)  descriptors ready after the last wait, copied out of pfd
 *                 so that removing a descriptor while handling the events
 *                 (which moves the last pfd entry into the hole) cannot make
 *                 the caller skip or repeat an event.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>

#include "server/loop.h"

struct fired {
    int fd;
    unsigned events;
};

struct srpc__loop {
    struct pollfd *pfd;
    void **udata;
    size_t n, cap;
    int *slot;
    size_t nslot;
    struct fired *fired;
    int nfired;
};

struct srpc__loop *srpc__loop_create(void)
{
    return calloc(1, sizeof(struct srpc__loop));
}

void srpc__loop_destroy(struct srpc__loop *loop)
{
    if (!loop)
        return;
    free(loop->pfd);
    free(loop->udata);
    free(loop->slot);
    free(loop->fired);
    free(loop);
}

static int grow_slots(struct srpc__loop *loop, int fd)
{
    size_t n = loop->nslot ? loop->nslot : 64;
    int *s;

    while (n <= (size_t)fd)
        n *= 2;
    s = realloc(loop->slot, n * sizeof *s);
    if (!s)
        return -1;
    for (size_t i = loop->nslot; i < n; i++)
        s[i] = -1;
    loop->slot = s;
    loop->nslot = n;
    return 0;
}

static int grow_entries(struct srpc__loop *loop)
{
    size_t cap = loop->cap ? loop->cap * 2 : 16;
    struct pollfd *p;
    void **u;
    struct fired *f;

    p = realloc(loop->pfd, cap * sizeof *p);
    if (!p)
        return -1;
    loop->pfd = p;
    u = realloc(loop->udata, cap * sizeof *u);
    if (!u)
        return -1;
    loop->udata = u;
    f = realloc(loop->fired, cap * sizeof *f);
    if (!f)
        return -1;
    loop->fired = f;
    loop->cap = cap;
    return 0;
}

static short to_poll(unsigned events)
{
    return (short)(((events & SRPC__EV_READ) ? POLLIN : 0) |
                   ((events & SRPC__EV_WRITE) ? POLLOUT : 0));
}

int srpc__loop_set(struct srpc__loop *loop, int fd, unsigned events,
                   void *udata)
{
    int i;

    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    if ((size_t)fd >= loop->nslot && grow_slots(loop, fd) < 0)
        return -1;
    i = loop->slot[fd];
    if (i < 0) {
        if (loop->n == loop->cap && grow_entries(loop) < 0)
            return -1;
        i = (int)loop->n++;
        loop->slot[fd] = i;
        loop->pfd[i].fd = fd;
    }
    loop->pfd[i].events = to_poll(events);
    loop->pfd[i].revents = 0;
    loop->udata[i] = udata;
    return 0;
}

void srpc__loop_del(struct srpc__loop *loop, int fd)
{
    int i, last;

    if (fd < 0 || (size_t)fd >= loop->nslot || loop->slot[fd] < 0)
        return;
    i = loop->slot[fd];
    last = (int)--loop->n;
    if (i != last) { /* keep pfd packed: move the last entry into the hole */
        loop->pfd[i] = loop->pfd[last];
        loop->udata[i] = loop->udata[last];
        loop->slot[loop->pfd[i].fd] = i;
    }
    loop->slot[fd] = -1;
}

void *srpc__loop_data(const struct srpc__loop *loop, int fd)
{
    if (fd < 0 || (size_t)fd >= loop->nslot || loop->slot[fd] < 0)
        return NULL;
    return loop->udata[loop->slot[fd]];
}

int srpc__loop_wait(struct srpc__loop *loop, int timeout_ms)
{
    int r = poll(loop->pfd, (nfds_t)loop->n, timeout_ms);

    loop->nfired = 0;
    if (r < 0)
        return errno == EINTR ? 0 : -1;
    for (size_t i = 0; i < loop->n && loop->nfired < r; i++) {
        short re = loop->pfd[i].revents;
        unsigned ev = 0;

        if (re == 0)
            continue;
        /* Hang-up and errors are reported as readable: the read that
         * follows returns 0 or the error, and the caller handles it there. */
        if (re & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
            ev |= SRPC__EV_READ;
        if (re & POLLOUT)
            ev |= SRPC__EV_WRITE;
        loop->fired[loop->nfired].fd = loop->pfd[i].fd;
        loop->fired[loop->nfired].events = ev;
        loop->nfired++;
    }
    return loop->nfired;
}

void srpc__loop_fired(const struct srpc__loop *loop, int i, int *fd,
                      unsigned *events)
{
    *fd = loop->fired[i].fd;
    *events = loop->fired[i].events;
}

int srpc__loop_pollfds(const struct srpc__loop *loop, struct pollfd *fds,
                       size_t max, size_t *n)
{
    *n = loop->n;
    if (loop->n > max)
        return -1;
    for (size_t i = 0; i < loop->n; i++) {
        fds[i].fd = loop->pfd[i].fd;
        fds[i].events = loop->pfd[i].events;
        fds[i].revents = 0;
    }
    return 0;
}
