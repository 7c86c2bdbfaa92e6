/*
 * pingpong - sockrpc against a hand-written socket ping-pong, in one run.
 *
 *     bench/pingpong [-n CALLS] [-r ROUNDS] [-b BATCH] [-s SLICE]
 *                    [-w WARMUP] [-p same|split|none] [-t unix|tcp|all]
 *                    [-T TEST,...] [-q] [-x]
 *
 * Every test runs over a Unix-domain socket and over TCP on 127.0.0.1,
 * against servers that run in threads of this process:
 *
 *   raw       the floor: a blocking ping-pong written with the lecture's
 *             calls (socket/bind/listen/accept/connect, write/read) that
 *             moves as many bytes each way as a bench.echo call does.
 *   echo      the generated stub bench_echo() against an srpc_server.
 *   raw_str   raw ping-pong with the byte counts of a bench.echo_str call.
 *   echo_str  bench_echo_str() with a 64-byte string.
 *   raw_pipe  raw: BATCH requests in one write, then BATCH replies read.
 *   pipe      the same BATCH msgpack-rpc requests written at once by a raw
 *             client to the srpc_server (no client library involved).
 *   async     BATCH bench_echo_async() calls, then their BATCH
 *             bench_echo_finish(): the client library pipelining.
 *   raw_fire  raw: BATCH writes of a bench.fire notification's size, then
 *             one read of the reply the server sends once all arrived.
 *   fire      BATCH oneway bench_fire() calls, then one bench_echo() that
 *             returns once the server has handled all of them.
 *   raw_put   raw: one request carrying BULK MiB in one write, a small
 *             reply read.
 *   put       bench_put() with a BULK MiB bytes argument.
 *   raw_get   raw: a small request written, a BULK MiB reply read.
 *   get       bench_get() of a BULK MiB bytes result.
 *
 * Each test makes CALLS calls in each of ROUNDS rounds (the bulk tests
 * BULK_CALLS).  Within a round the tests take turns in slices of SLICE
 * calls (one batch for the batched tests, after them the bulk tests), in
 * alternating order, so that noise on a shared machine hits all of them
 * alike.  Latencies are pooled over the rounds; the table
 * gives the median and 90th percentile per call and the ratio of each
 * sockrpc median to the median of its raw floor from the same run.
 *
 * Where threads run matters more than anything measured here: a thread
 * woken on an idle CPU of a virtual machine can take tens of microseconds
 * to run, and the scheduler places the client and server threads of a
 * ping-pong together or apart as it sees fit, so two runs can differ five
 * times over.  By default (-p same) every thread is pinned to one CPU:
 * the cost of a call is then the CPU time of both sides plus two context
 * switches, which repeats.  -p split puts the client on one CPU and the
 * servers on another (cross-CPU wake-ups included); -p none leaves the
 * scheduler alone.
 *
 * Environment: BENCH_N, BENCH_ROUNDS, BENCH_BATCH, BENCH_SLICE,
 * BENCH_WARMUP, BENCH_BULK and BENCH_BULK_CALLS give the defaults of -n,
 * -r, -b, -s, -w, -m and -N.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <msgpack.h>
#include <sockrpc.h>

#include "bench.h"

enum {
    MAX_BATCH = 4096,           /* requests in one batch */
    STR_LEN = 64,               /* bytes of echo_str's string */
    MSGID_BASE = 1000,          /* msgids and arguments: 1000..5095 */
    READ_ROOM = 64 * 1024       /* one read() of the raw server */
};

enum transport { T_UNIX, T_TCP, T_COUNT };
static const char *const transport_name[T_COUNT] = { "unix", "tcp" };

enum test {
    RAW, ECHO, RAW_STR, ECHO_STR, RAW_PIPE, PIPE, ASYNC, RAW_FIRE, FIRE,
    RAW_PUT, PUT, RAW_GET, GET, TEST_COUNT
};

struct test_info {
    const char *name;
    enum test floor;    /* the raw test its ratio is taken against */
    bool batched;       /* timed per batch, reported per call */
    bool bulk;          /* BULK MiB a call, BULK_CALLS a round */
};

static const struct test_info tests[TEST_COUNT] = {
    [RAW] = { "raw", RAW, false, false },
    [ECHO] = { "echo", RAW, false, false },
    [RAW_STR] = { "raw_str", RAW_STR, false, false },
    [ECHO_STR] = { "echo_str", RAW_STR, false, false },
    [RAW_PIPE] = { "raw_pipe", RAW_PIPE, true, false },
    [PIPE] = { "pipe", RAW_PIPE, true, false },
    [ASYNC] = { "async", RAW_PIPE, true, false },
    [RAW_FIRE] = { "raw_fire", RAW_FIRE, true, false },
    [FIRE] = { "fire", RAW_FIRE, true, false },
    [RAW_PUT] = { "raw_put", RAW_PUT, false, true },
    [PUT] = { "put", RAW_PUT, false, true },
    [RAW_GET] = { "raw_get", RAW_GET, false, true },
    [GET] = { "get", RAW_GET, false, true },
};

/* ---- settings ------------------------------------------------------ */

static long opt_calls = 20000, opt_rounds = 7, opt_batch = 128;
static long opt_warmup = 500, opt_slice = 1000;
static long opt_bulk_mib = 64, opt_bulk_calls = 3;
static bool want_transport[T_COUNT] = { true, true };
static bool want_test[TEST_COUNT];
static bool opt_quiet, opt_untimed;
static const char *opt_out;      /* -o: the results as a table for tools */

enum pin { PIN_SAME, PIN_SPLIT, PIN_NONE };
static enum pin opt_pin = PIN_SAME;
static const char *const pin_name[] = { "same", "split", "none" };

/* ---- errors and cleanup -------------------------------------------- */

static char tmpdir[64];
static char unix_path[5][128]; /* the raw listeners' socket files */

static void cleanup_files(void)
{
    for (size_t i = 0; i < sizeof unix_path / sizeof unix_path[0]; i++)
        if (unix_path[i][0])
            unlink(unix_path[i]);
    if (tmpdir[0])
        rmdir(tmpdir);
}

#if defined(__GNUC__)
static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
#endif
static void die(const char *fmt, ...)
{
    va_list ap;

    fputs("pingpong: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1); /* atexit removes the socket files; threads end with us */
}

static double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

/* ---- where threads run -------------------------------------------- */

static int client_cpu = -1, server_cpu = -1;

static void pin_self(int cpu)
{
#if defined(__linux__)
    cpu_set_t set;

    if (cpu < 0)
        return;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) < 0)
        die("sched_setaffinity: %s", strerror(errno));
#else
    (void)cpu;
#endif
}

/* Chooses the CPUs for -p and pins the main thread (the client); the
 * threads it starts inherit that unless they pin themselves. */
static void choose_cpus(void)
{
#if defined(__linux__)
    cpu_set_t set;
    int first = -1, second = -1;

    if (opt_pin == PIN_NONE)
        return;
    if (sched_getaffinity(0, sizeof set, &set) < 0)
        die("sched_getaffinity: %s", strerror(errno));
    for (int i = 0; i < CPU_SETSIZE; i++) {
        if (!CPU_ISSET(i, &set))
            continue;
        if (first < 0)
            first = i;
        else if (second < 0)
            second = i;
    }
    if (opt_pin == PIN_SPLIT && second < 0) {
        fprintf(stderr, "pingpong: one CPU only: -p split runs as -p same\n");
        opt_pin = PIN_SAME;
    }
    client_cpu = first;
    server_cpu = opt_pin == PIN_SPLIT ? second : first;
    pin_self(client_cpu);
#else
    opt_pin = PIN_NONE;
#endif
}

/* ---- the bytes of one call ----------------------------------------- */

/* A msgpack buffer that a test sends or expects. */
struct bytes {
    char *p;
    size_t len;
};

static char the_str[STR_LEN + 1];

static void packed(struct bytes *b, msgpack_sbuffer *sb)
{
    b->len = sb->size;
    b->p = msgpack_sbuffer_release(sb); /* now owned by b */
}

/*
 * COUNT requests [0, msgid, METHOD, [arg]] with msgids MSGID_BASE + i and
 * the matching replies [1, msgid, nil, arg]: the bytes sockrpc's own client
 * and server would send (msgpack-c packs integers in their shortest form,
 * so with these msgids and arguments every request has the same size).
 */
static void make_calls(struct bytes *req, struct bytes *rep, bool str,
                       long count)
{
    msgpack_sbuffer sq, sp;
    msgpack_packer pq, pp;

    msgpack_sbuffer_init(&sq);
    msgpack_sbuffer_init(&sp);
    msgpack_packer_init(&pq, &sq, msgpack_sbuffer_write);
    msgpack_packer_init(&pp, &sp, msgpack_sbuffer_write);
    for (long i = 0; i < count; i++) {
        uint32_t id = (uint32_t)(MSGID_BASE + i);
        const char *method = str ? "bench.echo_str" : "bench.echo";

        msgpack_pack_array(&pq, 4);
        msgpack_pack_int(&pq, 0);
        msgpack_pack_uint32(&pq, id);
        msgpack_pack_str(&pq, strlen(method));
        msgpack_pack_str_body(&pq, method, strlen(method));
        msgpack_pack_array(&pq, 1);
        msgpack_pack_array(&pp, 4);
        msgpack_pack_int(&pp, 1);
        msgpack_pack_uint32(&pp, id);
        msgpack_pack_nil(&pp);
        if (str) {
            msgpack_pack_str(&pq, STR_LEN);
            msgpack_pack_str_body(&pq, the_str, STR_LEN);
            msgpack_pack_str(&pp, STR_LEN);
            msgpack_pack_str_body(&pp, the_str, STR_LEN);
        } else {
            msgpack_pack_int32(&pq, (int32_t)id);
            msgpack_pack_int32(&pp, (int32_t)id);
        }
    }
    packed(req, &sq);
    packed(rep, &sp);
    msgpack_sbuffer_destroy(&sq);
    msgpack_sbuffer_destroy(&sp);
}

/* COUNT notifications [2, "bench.fire", [arg]], args MSGID_BASE + i. */
static void make_notifications(struct bytes *out, long count)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    for (long i = 0; i < count; i++) {
        msgpack_pack_array(&pk, 3);
        msgpack_pack_int(&pk, 2);
        msgpack_pack_str(&pk, strlen("bench.fire"));
        msgpack_pack_str_body(&pk, "bench.fire", strlen("bench.fire"));
        msgpack_pack_array(&pk, 1);
        msgpack_pack_int32(&pk, (int32_t)(MSGID_BASE + i));
    }
    packed(out, &sb);
    msgpack_sbuffer_destroy(&sb);
}

/* The bulk payload: BULK MiB of one byte value, sent and expected. */
static char *bulk;
static size_t bulk_len;

/* A put request [0, MSGID_BASE, "bench.put", [bin]] of the bulk payload,
 * a get request [0, MSGID_BASE, "bench.get", [size]], and their replies. */
static void make_bulk(struct bytes *put_req, struct bytes *put_rep,
                      struct bytes *get_req, struct bytes *get_rep)
{
    const char *methods[2] = { "bench.put", "bench.get" };
    struct bytes *reqs_out[2] = { put_req, get_req };
    struct bytes *reps_out[2] = { put_rep, get_rep };

    for (int i = 0; i < 2; i++) {
        msgpack_sbuffer sq, sp;
        msgpack_packer pq, pp;

        msgpack_sbuffer_init(&sq);
        msgpack_sbuffer_init(&sp);
        msgpack_packer_init(&pq, &sq, msgpack_sbuffer_write);
        msgpack_packer_init(&pp, &sp, msgpack_sbuffer_write);
        msgpack_pack_array(&pq, 4);
        msgpack_pack_int(&pq, 0);
        msgpack_pack_uint32(&pq, MSGID_BASE);
        msgpack_pack_str(&pq, strlen(methods[i]));
        msgpack_pack_str_body(&pq, methods[i], strlen(methods[i]));
        msgpack_pack_array(&pq, 1);
        msgpack_pack_array(&pp, 4);
        msgpack_pack_int(&pp, 1);
        msgpack_pack_uint32(&pp, MSGID_BASE);
        msgpack_pack_nil(&pp);
        if (i == 0) {
            msgpack_pack_bin(&pq, bulk_len);
            msgpack_pack_bin_body(&pq, bulk, bulk_len);
            msgpack_pack_uint32(&pp, (uint32_t)bulk_len);
        } else {
            msgpack_pack_uint32(&pq, (uint32_t)bulk_len);
            msgpack_pack_bin(&pp, bulk_len);
            msgpack_pack_bin_body(&pp, bulk, bulk_len);
        }
        packed(reqs_out[i], &sq);
        packed(reps_out[i], &sp);
        msgpack_sbuffer_destroy(&sq);
        msgpack_sbuffer_destroy(&sp);
    }
}

/* ---- plain socket I/O ---------------------------------------------- */

static void write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            die("write: %s", n < 0 ? strerror(errno) : "wrote nothing");
        p += n;
        len -= (size_t)n;
    }
}

/* Reads exactly LEN bytes; false on EOF before the first byte. */
static bool read_full(int fd, char *p, size_t len)
{
    size_t got = 0;

    while (got < len) {
        ssize_t n = read(fd, p + got, len - got);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("read: %s", strerror(errno));
        if (n == 0) {
            if (got == 0)
                return false;
            die("read: connection closed mid-message");
        }
        got += (size_t)n;
    }
    return true;
}

static void set_nodelay(int fd, enum transport t)
{
    int one = 1;

    /* sockrpc sets TCP_NODELAY on its TCP sockets; so does the floor. */
    if (t == T_TCP &&
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0)
        die("setsockopt TCP_NODELAY: %s", strerror(errno));
}

/* A listening socket on a fresh Unix path or on 127.0.0.1, port 0. */
static int raw_listen(enum transport t, const char *path,
                      struct sockaddr_storage *addr, socklen_t *addrlen)
{
    int fd = socket(t == T_UNIX ? AF_UNIX : AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        die("socket: %s", strerror(errno));
    memset(addr, 0, sizeof *addr);
    if (t == T_UNIX) {
        struct sockaddr_un *un = (struct sockaddr_un *)addr;

        un->sun_family = AF_UNIX;
        snprintf(un->sun_path, sizeof un->sun_path, "%s", path);
        *addrlen = sizeof *un;
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *)addr;

        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        in->sin_port = 0;
        *addrlen = sizeof *in;
    }
    if (bind(fd, (struct sockaddr *)addr, *addrlen) < 0)
        die("bind: %s", strerror(errno));
    if (listen(fd, 1) < 0)
        die("listen: %s", strerror(errno));
    /* The port the kernel picked. */
    if (getsockname(fd, (struct sockaddr *)addr, addrlen) < 0)
        die("getsockname: %s", strerror(errno));
    return fd;
}

static int raw_connect(enum transport t, const struct sockaddr_storage *addr,
                       socklen_t addrlen)
{
    int fd = socket(t == T_UNIX ? AF_UNIX : AF_INET, SOCK_STREAM, 0);

    if (fd < 0)
        die("socket: %s", strerror(errno));
    if (connect(fd, (const struct sockaddr *)addr, addrlen) < 0)
        die("connect: %s", strerror(errno));
    set_nodelay(fd, t);
    return fd;
}

/* ---- the raw server ------------------------------------------------ */

/*
 * One connection, served by a thread: reads what has arrived and, for each
 * complete request of req_len bytes, writes a reply of rep_len bytes - all
 * the replies to what one read() returned in one write().  A ping-pong
 * client thus costs it one read and one write per call.  (For raw_fire a
 * "request" is a whole batch of notifications.)
 */
struct raw_server {
    enum transport t;
    int listen_fd;
    size_t req_len, rep_len;
    char *replies;              /* nreplies replies, back to back */
    size_t nreplies;            /* MAX_BATCH, or 1 for the bulk ones */
    pthread_t thread;
};

static void *raw_serve(void *arg)
{
    struct raw_server *s = arg;
    size_t cap = s->req_len + READ_ROOM, have = 0;
    char *buf = malloc(cap);
    int fd;

    if (!buf)
        die("out of memory");
    pin_self(server_cpu);
    do
        fd = accept(s->listen_fd, NULL, NULL);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        die("accept: %s", strerror(errno));
    set_nodelay(fd, s->t);
    for (;;) {
        ssize_t n = read(fd, buf + have, cap - have);
        size_t k;

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("raw server: read: %s", strerror(errno));
        if (n == 0)
            break; /* the client is done */
        have += (size_t)n;
        k = have / s->req_len;
        if (k > 0) {
            memmove(buf, buf + k * s->req_len, have - k * s->req_len);
            have -= k * s->req_len;
        }
        while (k > 0) {
            size_t m = k < s->nreplies ? k : s->nreplies;

            write_all(fd, s->replies, m * s->rep_len);
            k -= m;
        }
    }
    close(fd);
    free(buf);
    return NULL;
}

/* Starts a raw server that keeps NREPLIES copies of REP to answer with,
 * and returns the client's end of its connection. */
static int raw_start(struct raw_server *s, enum transport t, const char *path,
                     size_t req_len, const struct bytes *rep, size_t nreplies)
{
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int fd, err;

    s->t = t;
    s->req_len = req_len;
    s->rep_len = rep->len;
    s->nreplies = nreplies;
    s->replies = malloc(rep->len * nreplies);
    if (!s->replies)
        die("out of memory");
    for (size_t i = 0; i < nreplies; i++)
        memcpy(s->replies + i * rep->len, rep->p, rep->len);
    s->listen_fd = raw_listen(t, path, &addr, &addrlen);
    err = pthread_create(&s->thread, NULL, raw_serve, s);
    if (err)
        die("pthread_create: %s", strerror(err));
    fd = raw_connect(t, &addr, addrlen);
    return fd;
}

/* Closing the client's end makes the server thread's read() return 0. */
static void raw_stop(struct raw_server *s, int client_fd)
{
    close(client_fd);
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    free(s->replies);
}

/* ---- the sockrpc server -------------------------------------------- */

static atomic_ulong fired;

static int echo_handler(srpc_call *call, int32_t x, int32_t *result)
{
    (void)call;
    *result = x;
    return SRPC_OK;
}

static int echo_str_handler(srpc_call *call, const char *s,
                            const char **result)
{
    (void)call;
    *result = s; /* lives in the call's arena until the reply is packed */
    return SRPC_OK;
}

static int fire_handler(srpc_call *call, int32_t x)
{
    (void)call;
    (void)x;
    atomic_fetch_add_explicit(&fired, 1, memory_order_relaxed);
    return SRPC_OK;
}

static int put_handler(srpc_call *call, srpc_bytes b, uint32_t *result)
{
    (void)call;
    *result = (uint32_t)b.len;
    return SRPC_OK;
}

static int get_handler(srpc_call *call, uint32_t n, srpc_bytes *result)
{
    if (n > bulk_len)
        return srpc_call_fail(call, 1, "at most %zu bytes", bulk_len);
    result->data = (const uint8_t *)bulk;
    result->len = n;
    return SRPC_OK;
}

static const struct bench_ops handlers = {
    .echo = echo_handler,
    .echo_str = echo_str_handler,
    .fire = fire_handler,
    .put = put_handler,
    .get = get_handler,
};

static srpc_server *server;
static pthread_t server_thread;

static void *server_main(void *arg)
{
    int rc;

    (void)arg;
    pin_self(server_cpu);
    rc = srpc_server_run(server);
    if (rc != SRPC_OK)
        die("srpc_server_run: %s", srpc_server_errmsg(server));
    return NULL;
}

/* ---- one measurement ----------------------------------------------- */

/* The connections of one transport. */
struct conns {
    int raw_fd, raw_str_fd;     /* to the raw servers */
    int raw_fire_fd;
    int raw_put_fd, raw_get_fd;
    int pipe_fd;                /* raw client of the srpc_server */
    srpc_client *client;
};

struct samples {
    double *v;
    size_t n, cap;
};

static struct samples results[T_COUNT][TEST_COUNT];

static void add_sample(struct samples *s, double us)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        double *p = realloc(s->v, cap * sizeof *p);

        if (!p)
            die("out of memory");
        s->v = p;
        s->cap = cap;
    }
    s->v[s->n++] = us;
}

static struct bytes req1, rep1, req1_str, rep1_str, reqs, reps, notes;
static struct bytes put_req, put_rep, get_req, get_rep;
static char *readbuf;
static srpc_pending *calls[MAX_BATCH];   /* the async test's handles */

static void check_reply(const char *what, const char *got,
                        const struct bytes *want, size_t len)
{
    if (memcmp(got, want->p, len) != 0)
        die("%s: the reply differs from the expected bytes", what);
}

static void call_echo(srpc_client *c, int32_t x)
{
    int32_t y;
    int rc = bench_echo(c, x, &y);

    if (rc != SRPC_OK)
        die("bench_echo: %s", srpc_client_errmsg(c));
    if (y != x)
        die("bench_echo: sent %d, got %d", (int)x, (int)y);
}

/* COUNT raw round trips on FD: request Q written, reply P read; each is
 * timed into S unless S is NULL. */
static void raw_calls(const char *name, int fd, const struct bytes *q,
                      const struct bytes *p, long count, struct samples *s)
{
    for (long i = 0; i < count; i++) {
        double t0 = s ? now_us() : 0;

        write_all(fd, q->p, q->len);
        if (!read_full(fd, readbuf, p->len))
            die("%s: the raw server closed the connection", name);
        if (s)
            add_sample(s, now_us() - t0);
    }
}

/* COUNT calls of test T; each is timed into S unless S is NULL. */
static void run(enum test t, struct conns *cn, long count, struct samples *s)
{
    long batch = opt_batch;

    switch (t) {
    case RAW:
    case RAW_STR: {
        int fd = t == RAW ? cn->raw_fd : cn->raw_str_fd;
        const struct bytes *q = t == RAW ? &req1 : &req1_str;
        const struct bytes *p = t == RAW ? &rep1 : &rep1_str;

        raw_calls(tests[t].name, fd, q, p, count, s);
        check_reply(tests[t].name, readbuf, p, p->len);
        break;
    }
    case ECHO:
        for (long i = 0; i < count; i++) {
            double t0 = s ? now_us() : 0;

            /* 1000..1999: the size of the raw floor's argument. */
            call_echo(cn->client, (int32_t)(MSGID_BASE + i % 1000));
            if (s)
                add_sample(s, now_us() - t0);
        }
        break;
    case ECHO_STR:
        for (long i = 0; i < count; i++) {
            double t0 = s ? now_us() : 0;
            const char *out;
            int rc = bench_echo_str(cn->client, the_str, &out);

            if (rc != SRPC_OK)
                die("bench_echo_str: %s", srpc_client_errmsg(cn->client));
            if (strcmp(out, the_str) != 0)
                die("bench_echo_str: the string came back changed");
            srpc_client_free_results(cn->client);
            if (s)
                add_sample(s, now_us() - t0);
        }
        break;
    case RAW_PIPE:
    case PIPE: {
        int fd = t == RAW_PIPE ? cn->raw_fd : cn->pipe_fd;
        /* The raw server answers with copies of one reply; sockrpc
         * answers each request with its own msgid. */
        size_t want = t == RAW_PIPE ? rep1.len * (size_t)batch
                                    : reps.len / MAX_BATCH * (size_t)batch;

        for (long done = 0; done < count; done += batch) {
            double t0 = s ? now_us() : 0;

            write_all(fd, reqs.p, reqs.len / MAX_BATCH * (size_t)batch);
            if (!read_full(fd, readbuf, want))
                die("%s: the server closed the connection", tests[t].name);
            if (s)
                add_sample(s, (now_us() - t0) / (double)batch);
        }
        if (t == PIPE)
            check_reply("pipe", readbuf, &reps, want);
        break;
    }
    case ASYNC:
        for (long done = 0; done < count; done += batch) {
            double t0 = s ? now_us() : 0;

            for (long i = 0; i < batch; i++) {
                if (bench_echo_async(cn->client, (int32_t)(MSGID_BASE + i),
                                     &calls[i]) != SRPC_OK)
                    die("bench_echo_async: %s",
                        srpc_client_errmsg(cn->client));
            }
            for (long i = 0; i < batch; i++) {
                int32_t out;

                if (bench_echo_finish(cn->client, calls[i], &out) != SRPC_OK)
                    die("bench_echo_finish: %s",
                        srpc_client_errmsg(cn->client));
                if (out != (int32_t)(MSGID_BASE + i))
                    die("bench_echo_finish: %d came back as %d",
                        (int)(MSGID_BASE + i), (int)out);
            }
            if (s)
                add_sample(s, (now_us() - t0) / (double)batch);
        }
        break;
    case RAW_FIRE: {
        size_t len = notes.len / MAX_BATCH;

        for (long done = 0; done < count; done += batch) {
            double t0 = s ? now_us() : 0;

            for (long i = 0; i < batch; i++)
                write_all(cn->raw_fire_fd, notes.p + (size_t)i * len, len);
            if (!read_full(cn->raw_fire_fd, readbuf, rep1.len))
                die("raw_fire: the server closed the connection");
            if (s)
                add_sample(s, (now_us() - t0) / (double)batch);
        }
        break;
    }
    case FIRE:
        for (long done = 0; done < count; done += batch) {
            double t0 = s ? now_us() : 0;

            for (long i = 0; i < batch; i++) {
                int rc = bench_fire(cn->client, (int32_t)i);

                if (rc != SRPC_OK)
                    die("bench_fire: %s", srpc_client_errmsg(cn->client));
            }
            /* Replies come in order: this one follows all the fires. */
            call_echo(cn->client, MSGID_BASE);
            if (s)
                add_sample(s, (now_us() - t0) / (double)batch);
        }
        break;
    case RAW_PUT:
    case RAW_GET:
        raw_calls(tests[t].name, t == RAW_PUT ? cn->raw_put_fd : cn->raw_get_fd,
                  t == RAW_PUT ? &put_req : &get_req,
                  t == RAW_PUT ? &put_rep : &get_rep, count, s);
        break;
    case PUT:
        for (long i = 0; i < count; i++) {
            double t0 = s ? now_us() : 0;
            srpc_bytes b = { (const uint8_t *)bulk, bulk_len };
            uint32_t got;

            if (bench_put(cn->client, b, &got) != SRPC_OK)
                die("bench_put: %s", srpc_client_errmsg(cn->client));
            if (got != bulk_len)
                die("bench_put: sent %zu bytes, the server saw %u", bulk_len,
                    (unsigned)got);
            if (s)
                add_sample(s, now_us() - t0);
        }
        break;
    case GET:
        for (long i = 0; i < count; i++) {
            double t0 = s ? now_us() : 0;
            srpc_bytes b;

            if (bench_get(cn->client, (uint32_t)bulk_len, &b) != SRPC_OK)
                die("bench_get: %s", srpc_client_errmsg(cn->client));
            if (s)
                add_sample(s, now_us() - t0);
            /* Checked untimed: raw_get does not look at its bytes. */
            if (b.len != bulk_len || memcmp(b.data, bulk, bulk_len) != 0)
                die("bench_get: the %zu bytes came back changed", bulk_len);
            srpc_client_free_results(cn->client);
        }
        break;
    case TEST_COUNT:
        break;
    }
}

/* ---- the report ---------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* The Pth percentile (nearest rank) of S, sorted here. */
static double percentile(struct samples *s, double p)
{
    size_t rank;

    if (s->n == 0)
        return 0;
    qsort(s->v, s->n, sizeof s->v[0], cmp_double);
    rank = (size_t)(p / 100.0 * (double)s->n + 0.5);
    if (rank < 1)
        rank = 1;
    if (rank > s->n)
        rank = s->n;
    return s->v[rank - 1];
}

/* The bulk tests: time per call and bytes per second. */
static void report_bulk(void)
{
    bool header = false;

    for (int tr = 0; tr < T_COUNT; tr++) {
        for (int t = 0; t < TEST_COUNT && want_transport[tr]; t++) {
            struct samples *s = &results[tr][t];
            enum test f = tests[t].floor;
            char ratio[32] = "-";
            double med;

            if (!want_test[t] || !tests[t].bulk || s->n == 0)
                continue;
            if (!header)
                printf("\n%-9s  %-8s  %8s  %9s  %8s  %11s  %12s  %s\n",
                       "transport", "test", "calls", "median_ms", "p90_ms",
                       "GB_per_s", "ratio_vs_raw", "raw_floor");
            header = true;
            med = percentile(s, 50);
            if (want_test[f] && results[tr][f].n > 0)
                snprintf(ratio, sizeof ratio, "%.2f",
                         med / percentile(&results[tr][f], 50));
            printf("%-9s  %-8s  %8zu  %9.2f  %8.2f  %11.2f  %12s  %s\n",
                   transport_name[tr], tests[t].name, s->n, med / 1e3,
                   percentile(s, 90) / 1e3,
                   med > 0 ? (double)bulk_len / med / 1e3 : 0.0, ratio,
                   tests[f].name);
        }
    }
    if (header)
        printf("# bulk tests (raw_put, put, raw_get, get): %ld MiB a call\n",
               opt_bulk_mib);
}

static void report(double seconds)
{
    printf("%-9s  %-8s  %8s  %9s  %8s  %8s  %11s  %12s  %s\n", "transport",
           "test", "calls", "median_us", "p90_us", "p99_us", "calls_per_s",
           "ratio_vs_raw", "raw_floor");
    for (int tr = 0; tr < T_COUNT; tr++) {
        if (!want_transport[tr])
            continue;
        for (int t = 0; t < TEST_COUNT; t++) {
            struct samples *s = &results[tr][t];
            enum test f = tests[t].floor;
            double med, p90;
            char ratio[32] = "-";
            const char *floor_name = "-";

            if (!want_test[t] || tests[t].bulk)
                continue;
            med = percentile(s, 50);
            p90 = percentile(s, 90);
            if (want_test[f] && results[tr][f].n > 0) {
                snprintf(ratio, sizeof ratio, "%.2f",
                         med / percentile(&results[tr][f], 50));
                floor_name = tests[f].name;
            }
            printf("%-9s  %-8s  %8zu  %9.3f  %8.3f  %8.3f  %11.0f  %12s  %s\n",
                   transport_name[tr], tests[t].name,
                   tests[t].batched ? s->n * (size_t)opt_batch : s->n, med,
                   p90, percentile(s, 99), med > 0 ? 1e6 / med : 0.0, ratio,
                   floor_name);
        }
    }
    report_bulk();
    printf("# %ld rounds in %.1f s, threads pinned: %s", opt_rounds, seconds,
           pin_name[opt_pin]);
    if (opt_pin != PIN_NONE)
        printf(" (client on CPU %d, servers on CPU %d)", client_cpu,
               server_cpu);
    printf("\n# batched tests (raw_pipe, pipe, async, raw_fire, fire): a "
           "batch's time divided by its %ld calls\n", opt_batch);
}

/* Every measured test as one tab-separated line under a header, for
 * bench/plot.gp and other tools: times in microseconds, the bulk tests'
 * bytes per second too (0 for the others). */
static void write_results(const char *path)
{
    FILE *f = fopen(path, "w");

    if (!f)
        die("%s: %s", path, strerror(errno));
    fprintf(f, "transport\ttest\tcalls\tp50_us\tp90_us\tp99_us\t"
               "calls_per_s\tgb_per_s\tratio_vs_raw\traw_floor\n");
    for (int tr = 0; tr < T_COUNT; tr++) {
        for (int t = 0; t < TEST_COUNT && want_transport[tr]; t++) {
            struct samples *s = &results[tr][t];
            enum test fl = tests[t].floor;
            double med;

            if (!want_test[t] || s->n == 0 || !want_test[fl] ||
                results[tr][fl].n == 0)
                continue;
            med = percentile(s, 50);
            fprintf(f, "%s\t%s\t%zu\t%.3f\t%.3f\t%.3f\t%.0f\t%.3f\t%.3f\t%s\n",
                    transport_name[tr], tests[t].name,
                    tests[t].batched ? s->n * (size_t)opt_batch : s->n, med,
                    percentile(s, 90), percentile(s, 99),
                    med > 0 ? 1e6 / med : 0.0,
                    tests[t].bulk && med > 0 ? (double)bulk_len / med / 1e3
                                             : 0.0,
                    med / percentile(&results[tr][fl], 50), tests[fl].name);
        }
    }
    if (fclose(f) != 0)
        die("%s: %s", path, strerror(errno));
}

/* ---- options ------------------------------------------------------- */

static long number(const char *what, const char *text, long min, long max)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max)
        die("%s must be a number from %ld to %ld, not '%s'", what, min, max,
            text);
    return v;
}

static void env_number(const char *name, long *v, long min, long max)
{
    const char *e = getenv(name);

    if (e && *e)
        *v = number(name, e, min, max);
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: pingpong [-n CALLS] [-r ROUNDS] [-b BATCH] [-s SLICE]\n"
            "                [-w WARMUP] [-p same|split|none] [-t unix|tcp|all]\n"
            "                [-m MIB] [-N BULK_CALLS] [-T TEST,...] [-o FILE]\n"
            "                [-q] [-x]\n"
            "  -n  calls per test and round (default 20000, env BENCH_N)\n"
            "  -r  rounds, interleaved (default 7, env BENCH_ROUNDS)\n"
            "  -b  requests per batch in raw_pipe, pipe, async, fire\n"
            "      (default 128, at most %d, env BENCH_BATCH)\n"
            "  -s  calls a test makes before the next takes its turn\n"
            "      (default 1000, env BENCH_SLICE)\n"
            "  -w  untimed calls per test before the first round (default 500,\n"
            "      env BENCH_WARMUP)\n"
            "  -p  same: pin all threads to one CPU (the default); split: the\n"
            "      client on one CPU, the servers on another; none: no pinning\n"
            "  -m  MiB a bulk call moves (default 64, env BENCH_BULK)\n"
            "  -N  bulk calls per test and round (default 3, env\n"
            "      BENCH_BULK_CALLS)\n"
            "  -t  transports (default all)\n"
            "  -T  tests, from: raw echo raw_str echo_str raw_pipe pipe async\n"
            "      raw_fire fire raw_put put raw_get get (default all)\n"
            "  -o  also write the results to FILE, tab-separated\n"
            "  -q  no progress lines on stderr\n"
            "  -x  make the calls but time nothing and print no table (for\n"
            "      callgrind and strace: only the calls themselves run)\n",
            MAX_BATCH);
}

static void select_tests(char *list)
{
    for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
        int t;

        for (t = 0; t < TEST_COUNT; t++)
            if (strcmp(name, tests[t].name) == 0)
                break;
        if (t == TEST_COUNT)
            die("no test named '%s' (try -h)", name);
        want_test[t] = true;
    }
}

static void parse_args(int argc, char **argv)
{
    bool any_test = false;
    int c;

    env_number("BENCH_N", &opt_calls, 1, 100000000);
    env_number("BENCH_ROUNDS", &opt_rounds, 1, 1000);
    env_number("BENCH_BATCH", &opt_batch, 1, MAX_BATCH);
    env_number("BENCH_WARMUP", &opt_warmup, 0, 100000000);
    env_number("BENCH_SLICE", &opt_slice, 1, 100000000);
    env_number("BENCH_BULK", &opt_bulk_mib, 1, 1024);
    env_number("BENCH_BULK_CALLS", &opt_bulk_calls, 1, 1000);
    while ((c = getopt(argc, argv, "n:r:b:s:w:m:N:p:t:T:o:qxh")) != -1) {
        switch (c) {
        case 'n': opt_calls = number("-n", optarg, 1, 100000000); break;
        case 'r': opt_rounds = number("-r", optarg, 1, 1000); break;
        case 'b': opt_batch = number("-b", optarg, 1, MAX_BATCH); break;
        case 's': opt_slice = number("-s", optarg, 1, 100000000); break;
        case 'w': opt_warmup = number("-w", optarg, 0, 100000000); break;
        case 'm': opt_bulk_mib = number("-m", optarg, 1, 1024); break;
        case 'N': opt_bulk_calls = number("-N", optarg, 1, 1000); break;
        case 'p':
            for (c = 0; c < 3 && strcmp(optarg, pin_name[c]) != 0; c++)
                continue;
            if (c == 3)
                die("-p takes same, split or none, not '%s'", optarg);
            opt_pin = (enum pin)c;
            break;
        case 't':
            want_transport[T_UNIX] = strcmp(optarg, "tcp") != 0;
            want_transport[T_TCP] = strcmp(optarg, "unix") != 0;
            if (strcmp(optarg, "unix") && strcmp(optarg, "tcp") &&
                strcmp(optarg, "all"))
                die("-t takes unix, tcp or all, not '%s'", optarg);
            break;
        case 'T': select_tests(optarg); any_test = true; break;
        case 'o': opt_out = optarg; break;
        case 'q': opt_quiet = true; break;
        case 'x': opt_untimed = true; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); exit(2);
        }
    }
    if (optind != argc) {
        usage(stderr);
        exit(2);
    }
    if (!any_test)
        for (int t = 0; t < TEST_COUNT; t++)
            want_test[t] = true;
}

/* ---- main ---------------------------------------------------------- */

int main(int argc, char **argv)
{
    struct raw_server raw[T_COUNT], raw_str[T_COUNT], raw_fire[T_COUNT];
    struct raw_server raw_put[T_COUNT], raw_get[T_COUNT];
    struct srpc_server_options so = { 0 };
    struct srpc_client_options co = { 0 };
    struct conns cn[T_COUNT];
    char srpc_addr[160], err[256];
    double start;
    long n;
    int rc;

    parse_args(argc, argv);
    choose_cpus();
    signal(SIGPIPE, SIG_IGN);
    memset(the_str, 'x', STR_LEN);

    make_calls(&req1, &rep1, false, 1);
    make_calls(&req1_str, &rep1_str, true, 1);
    make_calls(&reqs, &reps, false, MAX_BATCH);
    make_notifications(&notes, MAX_BATCH);
    bulk_len = (size_t)opt_bulk_mib * 1024 * 1024;
    bulk = malloc(bulk_len);
    if (!bulk)
        die("out of memory for %ld MiB", opt_bulk_mib);
    memset(bulk, 'b', bulk_len);
    make_bulk(&put_req, &put_rep, &get_req, &get_rep);
    if (reqs.len != req1.len * MAX_BATCH || reps.len != rep1.len * MAX_BATCH ||
        notes.len % MAX_BATCH != 0)
        die("the requests of a batch differ in size");
    readbuf = malloc(reps.len + rep1_str.len + rep1.len * MAX_BATCH +
                     get_rep.len);
    if (!readbuf)
        die("out of memory");

    snprintf(tmpdir, sizeof tmpdir, "/tmp/sockrpc-bench.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = '\0';
        die("mkdtemp: %s", strerror(errno));
    }
    atexit(cleanup_files);

    /* The sockrpc server, on both transports, run by a thread. */
    /* Room for a bulk call's message each way, whatever the size of its
     * msgid (the raw floor's is 1000; a client's grows past 65535). */
    so.max_message_size = put_req.len + 64;
    co.max_message_size = get_rep.len + 64;
    rc = srpc_server_create(&server, &so);
    if (rc != SRPC_OK)
        die("srpc_server_create: %s", srpc_strerror(rc));
    if (bench_serve(server, &handlers, NULL) != SRPC_OK)
        die("bench_serve: %s", srpc_server_errmsg(server));
    snprintf(srpc_addr, sizeof srpc_addr, "unix:%s/srpc.sock", tmpdir);
    if (srpc_server_listen(server, srpc_addr) != SRPC_OK ||
        srpc_server_listen(server, "tcp:127.0.0.1:0") != SRPC_OK)
        die("srpc_server_listen: %s", srpc_server_errmsg(server));
    rc = pthread_create(&server_thread, NULL, server_main, NULL);
    if (rc)
        die("pthread_create: %s", strerror(rc));

    /* Every connection is made before the first measurement. */
    for (int tr = 0; tr < T_COUNT; tr++) {
        const char *addr = srpc_server_address(server, (size_t)tr);
        struct sockaddr_storage sa;
        socklen_t salen;

        if (tr == T_UNIX) {
            snprintf(unix_path[0], sizeof unix_path[0], "%s/raw.sock",
                     tmpdir);
            snprintf(unix_path[1], sizeof unix_path[1], "%s/raw_str.sock",
                     tmpdir);
            snprintf(unix_path[2], sizeof unix_path[2], "%s/raw_fire.sock",
                     tmpdir);
            snprintf(unix_path[3], sizeof unix_path[3], "%s/raw_put.sock",
                     tmpdir);
            snprintf(unix_path[4], sizeof unix_path[4], "%s/raw_get.sock",
                     tmpdir);
        }
        cn[tr].raw_fd = raw_start(&raw[tr], (enum transport)tr,
                                  unix_path[0], req1.len, &rep1, MAX_BATCH);
        cn[tr].raw_str_fd = raw_start(&raw_str[tr], (enum transport)tr,
                                      unix_path[1], req1_str.len, &rep1_str,
                                      MAX_BATCH);
        /* Its "request" is a whole batch of notifications. */
        cn[tr].raw_fire_fd = raw_start(&raw_fire[tr], (enum transport)tr,
                                       unix_path[2],
                                       notes.len / MAX_BATCH *
                                           (size_t)opt_batch,
                                       &rep1, MAX_BATCH);
        cn[tr].raw_put_fd = raw_start(&raw_put[tr], (enum transport)tr,
                                      unix_path[3], put_req.len, &put_rep, 1);
        cn[tr].raw_get_fd = raw_start(&raw_get[tr], (enum transport)tr,
                                      unix_path[4], get_req.len, &get_rep, 1);
        if (srpc_client_connect(&cn[tr].client, addr, &co, err,
                                sizeof err) != SRPC_OK)
            die("srpc_client_connect: %s", err);
        /* The raw pipelining client of the srpc_server: connect() to the
         * address the server reports, with the lecture's calls. */
        if (tr == T_UNIX) {
            struct sockaddr_un *un = (struct sockaddr_un *)&sa;

            memset(&sa, 0, sizeof sa);
            un->sun_family = AF_UNIX;
            snprintf(un->sun_path, sizeof un->sun_path, "%s",
                     addr + strlen("unix:"));
            salen = sizeof *un;
        } else {
            struct sockaddr_in *in = (struct sockaddr_in *)&sa;
            const char *port = strrchr(addr, ':') + 1;

            memset(&sa, 0, sizeof sa);
            in->sin_family = AF_INET;
            in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
            in->sin_port = htons((uint16_t)number("port", port, 1, 65535));
            salen = sizeof *in;
        }
        cn[tr].pipe_fd = raw_connect((enum transport)tr, &sa, salen);
    }

    if (!opt_quiet)
        fprintf(stderr, "pingpong: %ld rounds x %ld calls per test in "
                "slices of %ld, batches of %ld, %ld warm-up calls\n",
                opt_rounds, opt_calls, opt_slice, opt_batch, opt_warmup);
    for (int tr = 0; tr < T_COUNT; tr++)
        for (int t = 0; t < TEST_COUNT && opt_warmup > 0; t++)
            if (want_transport[tr] && want_test[t])
                run((enum test)t, &cn[tr], tests[t].bulk ? 1 : opt_warmup,
                    NULL);

    start = now_us();
    for (long r = 0; r < opt_rounds; r++) {
        for (int tr = 0; tr < T_COUNT; tr++) {
            if (!want_transport[tr])
                continue;
            for (long done = 0, k = 0; done < opt_calls; done += n, k++) {
                n = opt_calls - done < opt_slice ? opt_calls - done
                                                 : opt_slice;
                /* Every other slice runs the tests backwards: no test
                 * always follows the same one. */
                for (int i = 0; i < TEST_COUNT; i++) {
                    int t = k % 2 ? TEST_COUNT - 1 - i : i;

                    if (want_test[t] && !tests[t].bulk)
                        run((enum test)t, &cn[tr], n,
                            opt_untimed ? NULL : &results[tr][t]);
                }
            }
            for (int i = 0; i < TEST_COUNT; i++) {
                int t = r % 2 ? TEST_COUNT - 1 - i : i;

                if (want_test[t] && tests[t].bulk)
                    run((enum test)t, &cn[tr], opt_bulk_calls,
                        opt_untimed ? NULL : &results[tr][t]);
            }
        }
        if (!opt_quiet)
            fprintf(stderr, "pingpong: round %ld/%ld done\n", r + 1,
                    opt_rounds);
    }
    if (!opt_untimed) {
        report((now_us() - start) / 1e6);
        if (opt_out)
            write_results(opt_out);
    }

    /* Stop everything this program started. */
    for (int tr = 0; tr < T_COUNT; tr++) {
        srpc_client_close(cn[tr].client);
        close(cn[tr].pipe_fd);
        raw_stop(&raw[tr], cn[tr].raw_fd);
        raw_stop(&raw_str[tr], cn[tr].raw_str_fd);
        raw_stop(&raw_fire[tr], cn[tr].raw_fire_fd);
        raw_stop(&raw_put[tr], cn[tr].raw_put_fd);
        raw_stop(&raw_get[tr], cn[tr].raw_get_fd);
    }
    srpc_server_stop(server);
    pthread_join(server_thread, NULL);
    srpc_server_destroy(server);
    for (int tr = 0; tr < T_COUNT; tr++)
        for (int t = 0; t < TEST_COUNT; t++)
            free(results[tr][t].v);
    free(req1.p);
    free(rep1.p);
    free(req1_str.p);
    free(rep1_str.p);
    free(reqs.p);
    free(reps.p);
    free(notes.p);
    free(put_req.p);
    free(put_rep.p);
    free(get_req.p);
    free(get_rep.p);
    free(bulk);
    free(readbuf);
    return 0;
}
