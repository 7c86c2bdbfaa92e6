/*
 * server.c - the ONC RPC server of bench/onc/oncbench, in one thread.
 *
 * libtirpc's own svc_run() cannot be stopped from another thread (its
 * svc_exit() frees the descriptor table but does not wake the poll()), so
 * the loop is written here: poll() over libtirpc's descriptors
 * (svc_pollfd) and one end of a pipe, then svc_getreq_poll() for what is
 * ready -- one thread for every connection, like sockrpc's server.
 * svc_vc_create() on the listeners makes libtirpc accept connections in
 * that loop; svc_reg() with no netconfig registers the dispatcher without
 * telling rpcbind.  All svc_* calls after server_start() are made by the
 * server thread alone: libtirpc's server side is not meant to be driven
 * from two threads.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "oncbench.h"
#include "server.h"
#include "util.h"

/* The dispatcher rpcgen -m writes; its header does not declare it. */
void oncbench_prog_1(struct svc_req *req, SVCXPRT *xprt);

enum { STOP_WAIT_MS = 5000 };   /* for connections to close at the end */

static SVCXPRT *listener[T_COUNT];
static int stop_pipe[2] = { -1, -1 };
static int server_cpu = -1;
static pthread_t thread;

/* Descriptors libtirpc serves that are not the listeners: connections. */
static int open_connections(void)
{
    int n = 0;

    for (int i = 0; i < svc_max_pollfd; i++)
        if (svc_pollfd[i].fd >= 0)
            n++;
    return n - T_COUNT;
}

static void *serve(void *arg)
{
    struct pollfd *fds = NULL;
    size_t cap = 0;
    bool stopping = false;

    (void)arg;
    pin_self(server_cpu);
    for (;;) {
        /* svc_pollfd changes as connections come and go: copy it, with
         * the stop pipe last, where svc_getreq_poll() does not look. */
        size_t n = (size_t)svc_max_pollfd;
        int ready;

        if (stopping && open_connections() == 0)
            break;
        if (n + 1 > cap) {
            struct pollfd *p = realloc(fds, (n + 1) * sizeof *p);

            if (!p)
                die("out of memory");
            fds = p;
            cap = n + 1;
        }
        memcpy(fds, svc_pollfd, n * sizeof *fds);
        fds[n].fd = stopping ? -1 : stop_pipe[0];
        fds[n].events = POLLIN;
        fds[n].revents = 0;
        ready = poll(fds, (nfds_t)(n + 1), stopping ? STOP_WAIT_MS : -1);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready < 0)
            die("server: poll: %s", strerror(errno));
        if (ready == 0)
            die("server: %d connections still open %d ms after the stop",
                open_connections(), STOP_WAIT_MS);
        if (fds[n].revents) {
            stopping = true;
            ready--;
        }
        if (ready > 0)
            svc_getreq_poll(fds, ready);
    }
    free(fds);
    return NULL;
}

void server_start(const char *unix_path, int cpu, struct endpoint ep[T_COUNT])
{
    int err;

    for (int t = 0; t < T_COUNT; t++) {
        int fd = listen_on((enum transport)t, unix_path, &ep[t]);

        /* Connections accepted here inherit the record buffer sizes. */
        listener[t] = svc_vc_create(fd, ONC_BUF_SIZE, ONC_BUF_SIZE);
        if (!listener[t])
            die("svc_vc_create on %s failed", transport_name[t]);
        if (!svc_reg(listener[t], ONCBENCH_PROG, ONCBENCH_VERS,
                     oncbench_prog_1, NULL))
            die("svc_reg on %s failed", transport_name[t]);
    }
    if (pipe(stop_pipe) < 0)
        die("pipe: %s", strerror(errno));
    server_cpu = cpu;
    err = pthread_create(&thread, NULL, serve, NULL);
    if (err)
        die("pthread_create: %s", strerror(err));
}

void server_stop(void)
{
    ssize_t n;
    int err;

    do
        n = write(stop_pipe[1], "", 1);
    while (n < 0 && errno == EINTR);
    if (n != 1)
        die("server: write to the stop pipe: %s", strerror(errno));
    err = pthread_join(thread, NULL);
    if (err)
        die("pthread_join: %s", strerror(err));
    /* The dispatcher stays registered (svc_unreg() would ask rpcbind to
     * drop a mapping that was never made); the listeners go, with their
     * descriptors. */
    for (int t = 0; t < T_COUNT; t++) {
        svc_destroy(listener[t]);
        listener[t] = NULL;
    }
    close(stop_pipe[0]);
    close(stop_pipe[1]);
    stop_pipe[0] = stop_pipe[1] = -1;
}
