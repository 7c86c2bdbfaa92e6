/*
 * loop_epoll.c - the epoll(7) backend of loop.h, for Linux: a wait costs
 * O(ready descriptors), not O(registered ones) as with poll.
 *
 * Level-triggered, like poll, so both backends behave the same: a
 * descriptor stays reported while it is readable, and a muted descriptor
 * (events 0) is still reported when it hangs up or fails.
 *
 * Data structures:
 *   epfd            the kernel's interest list
 *   slot[fd]        udata and registration of fd: found in O(1) by index,
 *                   grown on demand to the largest descriptor seen
 *   ev[0, nev)      what epoll_wait returned; copied to fired[] so that
 *                   removing a descriptor while handling a round cannot
 *                   disturb the iteration
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "server/loop.h"

struct slot {
    void *udata;
    bool registered;
};

struct fired {
    int fd;
    unsigned events;
};

struct srpc__loop {
    int epfd;
    struct slot *slot;
    size_t nslot;
    size_t nregistered;
    struct epoll_event *ev;  /* room for nev_cap events */
    struct fired *fired;
    int nev_cap;
    int nfired;
};

struct srpc__loop *srpc__loop_create(void)
{
    struct srpc__loop *loop = calloc(1, sizeof *loop);

    if (!loop)
        return NULL;
    loop->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (loop->epfd < 0) {
        free(loop);
        return NULL;
    }
    return loop;
}

void srpc__loop_destroy(struct srpc__loop *loop)
{
    if (!loop)
        return;
    close(loop->epfd);
    free(loop->slot);
    free(loop->ev);
    free(loop->fired);
    free(loop);
}

static int grow_slots(struct srpc__loop *loop, int fd)
{
    size_t n = loop->nslot ? loop->nslot : 64;
    struct slot *s;

    while (n <= (size_t)fd)
        n *= 2;
    s = realloc(loop->slot, n * sizeof *s);
    if (!s)
        return -1;
    for (size_t i = loop->nslot; i < n; i++)
        s[i] = (struct slot){ NULL, false };
    loop->slot = s;
    loop->nslot = n;
    return 0;
}

/* Keeps room to receive an event for every registered descriptor. */
static int grow_events(struct srpc__loop *loop)
{
    int cap = loop->nev_cap ? loop->nev_cap * 2 : 64;
    struct epoll_event *ev;
    struct fired *f;

    ev = realloc(loop->ev, (size_t)cap * sizeof *ev);
    if (!ev)
        return -1;
    loop->ev = ev;
    f = realloc(loop->fired, (size_t)cap * sizeof *f);
    if (!f)
        return -1;
    loop->fired = f;
    loop->nev_cap = cap;
    return 0;
}

int srpc__loop_set(struct srpc__loop *loop, int fd, unsigned events,
                   void *udata)
{
    struct epoll_event e = { 0 };
    struct slot *s;

    if (fd < 0) {
        errno = EBADF;
        return -1;
    }
    if ((size_t)fd >= loop->nslot && grow_slots(loop, fd) < 0)
        return -1;
    s = &loop->slot[fd];
    if (!s->registered && (size_t)loop->nev_cap <= loop->nregistered &&
        grow_events(loop) < 0)
        return -1;
    e.events = ((events & SRPC__EV_READ) ? EPOLLIN : 0u) |
               ((events & SRPC__EV_WRITE) ? EPOLLOUT : 0u);
    e.data.fd = fd;
    if (epoll_ctl(loop->epfd, s->registered ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
                  fd, &e) < 0)
        return -1;
    if (!s->registered)
        loop->nregistered++;
    s->registered = true;
    s->udata = udata;
    return 0;
}

void srpc__loop_del(struct srpc__loop *loop, int fd)
{
    if (fd < 0 || (size_t)fd >= loop->nslot || !loop->slot[fd].registered)
        return;
    /* Cannot fail for a registered descriptor that is still open; if it
     * does, closing the descriptor removes it from the set anyway. */
    (void)epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL);
    loop->slot[fd] = (struct slot){ NULL, false };
    loop->nregistered--;
}

void *srpc__loop_data(const struct srpc__loop *loop, int fd)
{
    if (fd < 0 || (size_t)fd >= loop->nslot || !loop->slot[fd].registered)
        return NULL;
    return loop->slot[fd].udata;
}

int srpc__loop_wait(struct srpc__loop *loop, int timeout_ms)
{
    int n;

    loop->nfired = 0;
    if (loop->nev_cap == 0 && grow_events(loop) < 0)
        return -1;
    n = epoll_wait(loop->epfd, loop->ev, loop->nev_cap, timeout_ms);
    if (n < 0)
        return errno == EINTR ? 0 : -1;
    for (int i = 0; i < n; i++) {
        uint32_t re = loop->ev[i].events;
        unsigned ev = 0;

        /* As in loop_poll.c: hang-up and errors read as readable. */
        if (re & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
            ev |= SRPC__EV_READ;
        if (re & EPOLLOUT)
            ev |= SRPC__EV_WRITE;
        loop->fired[i].fd = loop->ev[i].data.fd;
        loop->fired[i].events = ev;
    }
    loop->nfired = n;
    return n;
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
    *n = 1;
    if (max < 1)
        return -1;
    fds[0].fd = loop->epfd;
    fds[0].events = POLLIN;
    fds[0].revents = 0;
    return 0;
}
