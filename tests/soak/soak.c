/*
 * soak.c - one server, many kinds of clients, for a while ("make soak").
 *
 *   soak [-t SECONDS] [-c CLIENTS_PER_KIND] [-q]
 *
 * (-q: no progress line, and the server logs nothing.)
 * A child process serves alltypes.idl with the default options on a Unix
 * socket in a temporary directory.  This process runs, in threads, for
 * -t seconds (60):
 *
 *   good      blocking calls with results it checks;
 *   pipeline  64 calls in flight at a time through NAME_async();
 *   slow      a request written a byte at a time, 10 ms apart;
 *   mute      requests written as fast as the server takes them, replies
 *             never read, until the server stops reading; then it hangs
 *             up and starts again;
 *   garbage   random bytes until the server hangs up; then again.
 *
 * The first fifth of the time (at most 10 s) warms the server up; then
 * every client stops, and what the server holds is the baseline.  The
 * clients then run for the rest of the time and stop again.  It prints
 * what each kind did (calls answered, errors by kind) and the server's
 * open descriptors and resident memory: at the start, busy and at rest
 * after the warm-up, busy and at rest at the end.  It fails (exit 1) when
 * a well-behaved client saw a wrong result or an error, when the server
 * died, when the server holds more descriptors at rest than before the
 * clients came, or (in runs of 10 s or more) when it holds more than an
 * eighth (plus 1 MiB) more memory at rest at the end than after the
 * warm-up.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <dirent.h>

#include "alltypes.h"
#include "alltypes_impl.h"
#include "sockrpc.h"

enum { KINDS = 5, MAX_THREADS = 256, PIPE_DEPTH = 64 };
static const char *const kind_names[KINDS] = {
    "good", "pipeline", "slow", "mute", "garbage"
};

/* What the clients of one kind did.  Atomic: several threads add. */
struct tally {
    atomic_ulong calls;        /* answered as expected */
    atomic_ulong wrong;        /* answered with the wrong result */
    atomic_ulong failed;       /* a call failed (good, pipeline) */
    atomic_ulong hangups;      /* the server closed the connection */
    atomic_ulong reconnects;   /* connections opened */
};

static struct tally tallies[KINDS];
static atomic_bool stopping;
static char dir[64], sock_path[100], address[160];
static bool quiet;          /* -q: no progress line, no server log */
static pid_t server_pid;

#if defined(__GNUC__)
static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
#endif
static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("soak: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    if (server_pid > 0)
        kill(server_pid, SIGKILL);
    exit(2);
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- the server, in a child ----------------------------------------- */

static srpc_server *child_server;

static void on_term(int sig)
{
    (void)sig;
    srpc_server_stop(child_server);
}

static void serve(void)
{
    struct sigaction sa;

    if (quiet)
        srpc_set_log(NULL, SRPC_LOG_NONE, NULL);
    if (srpc_server_create(&child_server, NULL) != SRPC_OK
        || types_serve(child_server, &alltypes_ops, NULL) != SRPC_OK
        || srpc_server_listen(child_server, address) != SRPC_OK) {
        fprintf(stderr, "soak: server: %s\n",
                srpc_server_errmsg(child_server));
        _exit(1);
    }
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigaction(SIGTERM, &sa, NULL);
    srpc_server_run(child_server);
    srpc_server_destroy(child_server);
    _exit(0);
}

/* The server's open descriptors and resident KiB, from /proc. */
static void server_usage(unsigned *fds, unsigned long *rss_kib)
{
    char path[64], line[256];
    DIR *d;
    FILE *f;

    *fds = 0;
    *rss_kib = 0;
    snprintf(path, sizeof path, "/proc/%d/fd", (int)server_pid);
    if ((d = opendir(path)) == NULL)
        die("the server is gone (%s: %s)", path, strerror(errno));
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        *fds += e->d_name[0] != '.';
    closedir(d);
    snprintf(path, sizeof path, "/proc/%d/status", (int)server_pid);
    if ((f = fopen(path, "r")) == NULL)
        die("the server is gone (%s: %s)", path, strerror(errno));
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmRSS: %lu", rss_kib) == 1)
            break;
    fclose(f);
}

/* ---- raw sockets, for the clients that misbehave -------------------- */

static int connect_raw(void)
{
    struct sockaddr_un sa;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        die("socket: %s", strerror(errno));
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", sock_path);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* msgpack-rpc request [0, MSGID, "types.echo_i8", [V]], into BUF (16+). */
static size_t echo_request(unsigned char *buf, uint8_t msgid, int8_t v)
{
    static const char method[] = "types.echo_i8";
    size_t n = 0;

    buf[n++] = 0x94;
    buf[n++] = 0x00;
    buf[n++] = msgid & 0x7f;
    buf[n++] = (unsigned char)(0xa0 | (sizeof method - 1));
    memcpy(buf + n, method, sizeof method - 1);
    n += sizeof method - 1;
    buf[n++] = 0x91;
    buf[n++] = (unsigned char)v; /* a fixint for 0..127 */
    return n;
}

/* ---- the kinds ---------------------------------------------------------- */

static srpc_client *connect_client(struct tally *t)
{
    srpc_client *c = NULL;

    while (!atomic_load(&stopping)) {
        if (srpc_client_connect(&c, address, NULL, NULL, 0) == SRPC_OK) {
            atomic_fetch_add(&t->reconnects, 1);
            return c;
        }
        atomic_fetch_add(&t->failed, 1);
        sleep_ms(10);
    }
    return NULL;
}

static void *good(void *arg)
{
    struct tally *t = &tallies[0];
    srpc_client *c = connect_client(t);
    unsigned seed = (unsigned)(uintptr_t)arg;

    while (c != NULL && !atomic_load(&stopping)) {
        int64_t v = (int64_t)rand_r(&seed) - RAND_MAX / 2, r = 0;
        struct types_point p = { .x = (int32_t)v, .y = 7 }, q;

        if (types_echo_i64(c, v, &r) != SRPC_OK
            || types_flip(c, &p, &q) != SRPC_OK) {
            atomic_fetch_add(&t->failed, 1);
            fprintf(stderr, "soak: good: %s\n", srpc_client_errmsg(c));
        } else if (r != v || q.x != 7 || q.y != p.x) {
            atomic_fetch_add(&t->wrong, 1);
        } else {
            atomic_fetch_add(&t->calls, 2);
        }
        srpc_client_free_results(c);
    }
    srpc_client_close(c);
    return NULL;
}

static void *pipeline(void *arg)
{
    struct tally *t = &tallies[1];
    srpc_client *c = connect_client(t);
    srpc_pending *p[PIPE_DEPTH];

    (void)arg;
    while (c != NULL && !atomic_load(&stopping)) {
        int sent = 0;

        for (int i = 0; i < PIPE_DEPTH; i++)
            if (types_echo_i8_async(c, (int8_t)i, &p[sent]) == SRPC_OK)
                sent++;
        for (int i = 0; i < sent; i++) {
            int8_t r = -1;

            if (types_echo_i8_finish(c, p[i], &r) != SRPC_OK)
                atomic_fetch_add(&t->failed, 1);
            else if (r != (int8_t)i)
                atomic_fetch_add(&t->wrong, 1);
            else
                atomic_fetch_add(&t->calls, 1);
        }
        atomic_fetch_add(&t->failed, (unsigned long)(PIPE_DEPTH - sent));
    }
    srpc_client_close(c);
    return NULL;
}

/* Reads until the server hangs up or a reply starts; true for a reply. */
static bool read_reply(int fd)
{
    unsigned char b;

    return recv(fd, &b, 1, 0) == 1 && b == 0x94;
}

static void *slow(void *arg)
{
    struct tally *t = &tallies[2];
    unsigned char req[32], drain[64];

    (void)arg;
    while (!atomic_load(&stopping)) {
        int fd = connect_raw();
        size_t n = echo_request(req, 1, 5);
        bool ok = fd >= 0;

        if (fd < 0) {
            sleep_ms(10);
            continue;
        }
        atomic_fetch_add(&t->reconnects, 1);
        for (size_t i = 0; ok && i < n && !atomic_load(&stopping); i++) {
            ok = send(fd, req + i, 1, MSG_NOSIGNAL) == 1;
            sleep_ms(10);
        }
        if (ok && !atomic_load(&stopping)) {
            if (read_reply(fd)) {
                atomic_fetch_add(&t->calls, 1);
                (void)!recv(fd, drain, sizeof drain, MSG_DONTWAIT);
            } else {
                atomic_fetch_add(&t->hangups, 1);
            }
        }
        close(fd);
    }
    return NULL;
}

static void *mute(void *arg)
{
    struct tally *t = &tallies[3];
    unsigned char req[32];
    size_t n = echo_request(req, 2, 9);

    (void)arg;
    while (!atomic_load(&stopping)) {
        int fd = connect_raw();
        int stalls = 0;

        if (fd < 0) {
            sleep_ms(10);
            continue;
        }
        atomic_fetch_add(&t->reconnects, 1);
        /* 50 stalls of 10 ms in a row: the server stopped reading. */
        while (stalls < 50 && !atomic_load(&stopping)) {
            ssize_t w = send(fd, req, n, MSG_DONTWAIT | MSG_NOSIGNAL);

            if (w == (ssize_t)n) {
                atomic_fetch_add(&t->calls, 1);
                stalls = 0;
            } else if (w < 0 && errno == EAGAIN) {
                stalls++;
                sleep_ms(10);
            } else {
                atomic_fetch_add(&t->hangups, 1);
                break;
            }
        }
        close(fd);
    }
    return NULL;
}

static void *garbage(void *arg)
{
    struct tally *t = &tallies[4];
    unsigned seed = (unsigned)(uintptr_t)arg;
    unsigned char junk[256], sink[4096];

    while (!atomic_load(&stopping)) {
        int fd = connect_raw();

        if (fd < 0) {
            sleep_ms(10);
            continue;
        }
        atomic_fetch_add(&t->reconnects, 1);
        for (size_t i = 0; i < sizeof junk; i++)
            junk[i] = (unsigned char)rand_r(&seed);
        junk[0] = 0xc1; /* never valid: the server must hang up */
        if (send(fd, junk, 1 + (size_t)rand_r(&seed) % sizeof junk,
                 MSG_NOSIGNAL) > 0) {
            while (recv(fd, sink, sizeof sink, 0) > 0)
                ;
            atomic_fetch_add(&t->hangups, 1);
        }
        close(fd);
    }
    return NULL;
}

static void *(*const kinds[KINDS])(void *) = {
    good, pipeline, slow, mute, garbage
};

/* ---- the run ------------------------------------------------------------ */

/* PER_KIND clients of every kind for SECONDS; the server's usage just
 * before they stop goes to *FDS and *RSS. */
static void run_clients(int per_kind, int seconds, unsigned *fds,
                        unsigned long *rss)
{
    pthread_t threads[MAX_THREADS];
    unsigned n = 0;

    atomic_store(&stopping, false);
    for (int k = 0; k < KINDS; k++)
        for (int i = 0; i < per_kind; i++, n++)
            if (pthread_create(&threads[n], NULL, kinds[k],
                               (void *)(uintptr_t)(n + 1)) != 0)
                die("pthread_create failed");
    sleep_ms(1000L * seconds);
    server_usage(fds, rss);
    atomic_store(&stopping, true);
    for (unsigned i = 0; i < n; i++)
        pthread_join(threads[i], NULL);
}

/* Waits (2 s at most) for the server to close what the clients left,
 * down to BASELINE descriptors; then its usage. */
static void at_rest(unsigned baseline, unsigned *fds, unsigned long *rss)
{
    for (int i = 0; i < 200; i++) {
        server_usage(fds, rss);
        if (*fds <= baseline)
            return;
        sleep_ms(10);
    }
}

static void usage(void)
{
    fprintf(stderr, "usage: soak [-t SECONDS] [-c CLIENTS_PER_KIND] [-q]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    int seconds = 60, per_kind = 4, opt, status, warm;
    bool ok = true;
    unsigned fds0, fds1, fds2, fds3, fds4;
    unsigned long rss0, rss1, rss2, rss3, rss4;

    while ((opt = getopt(argc, argv, "t:c:qh")) != -1) {
        switch (opt) {
        case 't': seconds = atoi(optarg); break;
        case 'c': per_kind = atoi(optarg); break;
        case 'q': quiet = true; break;
        default: usage();
        }
    }
    if (seconds < 1 || per_kind < 1 || per_kind * KINDS > MAX_THREADS)
        usage();
    snprintf(dir, sizeof dir, "%s", "/tmp/sockrpc-soak.XXXXXX");
    if (mkdtemp(dir) == NULL)
        die("mkdtemp: %s", strerror(errno));
    snprintf(sock_path, sizeof sock_path, "%s/soak.sock", dir);
    snprintf(address, sizeof address, "unix:%s", sock_path);
    server_pid = fork();
    if (server_pid < 0)
        die("fork: %s", strerror(errno));
    if (server_pid == 0)
        serve();
    for (int i = 0; i < 500 && access(sock_path, F_OK) != 0; i++)
        sleep_ms(10);
    server_usage(&fds0, &rss0);

    /* A fifth of the time (at most 10 s) to warm up: buffers reach the
     * sizes the load needs.  What the server holds once those clients
     * have gone is the baseline; what it holds once the rest of the run's
     * clients have gone must not be more. */
    warm = seconds / 5 < 10 ? seconds / 5 : 10;
    run_clients(per_kind, warm, &fds1, &rss1);
    at_rest(fds0, &fds2, &rss2);
    if (!quiet)
        fprintf(stderr, "soak: warmed up, running for %d s more\n",
                seconds - warm);
    run_clients(per_kind, seconds - warm, &fds3, &rss3);
    at_rest(fds0, &fds4, &rss4);

    printf("%-9s %10s %8s %8s %9s %11s\n", "client", "answered", "wrong",
           "failed", "hangups", "connections");
    for (int k = 0; k < KINDS; k++) {
        struct tally *t = &tallies[k];

        printf("%-9s %10lu %8lu %8lu %9lu %11lu\n", kind_names[k],
               atomic_load(&t->calls), atomic_load(&t->wrong),
               atomic_load(&t->failed), atomic_load(&t->hangups),
               atomic_load(&t->reconnects));
    }
    printf("# mute: requests written before the server stopped reading; "
           "slow, garbage: hangups are the server's\n");
    printf("server    %10s %10s %10s %10s %10s\n", "start", "warm_busy",
           "warm_rest", "end_busy", "end_rest");
    printf("fds       %10u %10u %10u %10u %10u\n", fds0, fds1, fds2, fds3,
           fds4);
    printf("rss_kib   %10lu %10lu %10lu %10lu %10lu\n", rss0, rss1, rss2,
           rss3, rss4);

    for (int k = 0; k < 2; k++)
        if (atomic_load(&tallies[k].wrong) || atomic_load(&tallies[k].failed)
            || atomic_load(&tallies[k].calls) == 0) {
            fprintf(stderr, "soak: %s clients were not served right\n",
                    kind_names[k]);
            ok = false;
        }
    if (fds2 > fds0 || fds4 > fds0) {
        fprintf(stderr, "soak: the server holds %u descriptors more than "
                "before the clients came\n", (fds2 > fds4 ? fds2 : fds4) - fds0);
        ok = false;
    }
    if (warm < 2)
        printf("# too short a run to judge the memory\n");
    else if (rss4 > rss2 + rss2 / 8 + 1024) {
        fprintf(stderr, "soak: the server kept %lu KiB after the run, against "
                "%lu after the warm-up\n", rss4, rss2);
        ok = false;
    }
    kill(server_pid, SIGTERM);
    if (waitpid(server_pid, &status, 0) != server_pid || !WIFEXITED(status)
        || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "soak: the server did not exit cleanly\n");
        ok = false;
    }
    unlink(sock_path);
    rmdir(dir);
    return ok ? 0 : 1;
}
