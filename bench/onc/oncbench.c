/*
 * oncbench - ONC RPC (rpcgen + libtirpc) measured as bench/pingpong
 * measures sockrpc, so that the two tables can be read side by side.
 *
 *     bench/onc/oncbench [-n CALLS] [-r ROUNDS] [-m MIB] [-t unix|tcp|all] [-q]
 *
 * One ONC RPC server runs in a thread of this process (server.c) and
 * listens on a Unix socket in a mkdtemp directory and on 127.0.0.1; the
 * clients connect to it directly, without rpcbind.  Every thread is
 * pinned to the first CPU this process may use (pingpong's -p same).
 * The procedures are those of bench/bench.idl (oncbench.x), through the
 * stubs rpcgen -M writes.
 *
 *   echo      oncbench_echo_1(): one int each way, each call timed alone.
 *   echo_str  oncbench_echo_str_1() with a 64-byte string each way.
 *   conc_K    K client threads, each with its own CLIENT* on its own
 *             connection, each making blocking oncbench_echo_1() calls in
 *             a loop,
 *             CALLS calls in all per round.  An ONC RPC client handle
 *             waits for each reply before it sends the next call, so K
 *             threads keep at most K calls in flight: conc_128 is what
 *             comes closest to pingpong's "async -b 128" (128 calls in
 *             flight on ONE connection).  One sample per round: the time
 *             from the first thread's first call to the last thread's
 *             last reply, divided by the calls made; calls_per_s is the
 *             total over all K clients.  K is 1, 4, 16 and 128.
 *   put       oncbench_put_1() with a MIB MiB opaque argument.
 *   get       oncbench_get_1() of a MIB MiB opaque result (checked and
 *             freed after the clock stops, as pingpong's get).
 *
 * Each round runs echo and echo_str CALLS times each, in turns of SLICE
 * calls in alternating order, then each conc_K once, then BULK_CALLS puts
 * and gets, on each transport.  500 untimed calls per test warm up first.
 * The table has pingpong's columns, without its ratio: there is no raw
 * floor here (pingpong's raw and raw_str rows, from the same machine, are
 * the floor for these too).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conn.h"
#include "oncbench.h"
#include "procs.h"
#include "server.h"
#include "util.h"

enum {
    STR_LEN = 64,       /* bytes of echo_str's string, as pingpong */
    SLICE = 1000,       /* sync calls before the other test's turn */
    WARMUP = 500,       /* untimed calls per sync test */
    BULK_CALLS = 3,     /* puts and gets per round, as pingpong -N */
    MAX_CLIENTS = 128
};

static const int conc_clients[] = { 1, 4, 16, 128 };
#define N_CONC (sizeof conc_clients / sizeof conc_clients[0])

enum test {
    TEST_ECHO, TEST_ECHO_STR,
    TEST_CONC,                          /* N_CONC of them, one per K */
    TEST_PUT = TEST_CONC + N_CONC, TEST_GET,
    TEST_COUNT
};

static long opt_calls = 20000, opt_rounds = 7, opt_bulk_mib = 64;
static bool want_transport[T_COUNT] = { true, true };
static bool opt_quiet;

static struct samples results[T_COUNT][TEST_COUNT];
static struct endpoint endpoints[T_COUNT];
static int cpu = -1;
static char the_str[STR_LEN + 1];
static char *bulk;
static size_t bulk_len;

static const char *test_name(enum test t)
{
    static char conc[N_CONC][16];

    switch (t) {
    case TEST_ECHO: return "echo";
    case TEST_ECHO_STR: return "echo_str";
    case TEST_PUT: return "put";
    case TEST_GET: return "get";
    default:
        snprintf(conc[t - TEST_CONC], sizeof conc[0], "conc_%d",
                 conc_clients[t - TEST_CONC]);
        return conc[t - TEST_CONC];
    }
}

/* ---- cleanup ------------------------------------------------------- */

static char tmpdir[64];
static char unix_path[128];

static void cleanup_files(void)
{
    if (unix_path[0])
        unlink(unix_path);
    if (tmpdir[0])
        rmdir(tmpdir);
}

/* ---- the calls ----------------------------------------------------- */

static void call_echo(CLIENT *c, int x)
{
    int y = 0;
    enum clnt_stat st = oncbench_echo_1(&x, &y, c);

    if (st != RPC_SUCCESS)
        die("oncbench_echo_1: %s", clnt_sperror(c, "echo"));
    if (y != x)
        die("oncbench_echo_1: sent %d, got %d", x, y);
}

static void call_echo_str(CLIENT *c)
{
    oncbench_str in = the_str, out = NULL;
    enum clnt_stat st = oncbench_echo_str_1(&in, &out, c);

    if (st != RPC_SUCCESS)
        die("oncbench_echo_str_1: %s", clnt_sperror(c, "echo_str"));
    if (!out || strcmp(out, the_str) != 0)
        die("oncbench_echo_str_1: the string came back changed");
    /* xdr_string allocated it: the cost of a call includes this, as
     * pingpong's echo_str includes srpc_client_free_results(). */
    if (!clnt_freeres(c, (xdrproc_t)xdr_oncbench_str, (caddr_t)&out))
        die("clnt_freeres failed");
}

/* COUNT calls of the sync test T on C, each timed into S unless NULL. */
static void run_sync(enum test t, CLIENT *c, long count, struct samples *s)
{
    for (long i = 0; i < count; i++) {
        double t0 = s ? now_us() : 0;

        if (t == TEST_ECHO)
            call_echo(c, (int)(1000 + i % 1000));
        else
            call_echo_str(c);
        if (s)
            add_sample(s, now_us() - t0);
    }
}

static void run_bulk(enum test t, CLIENT *c, long count, struct samples *s)
{
    for (long i = 0; i < count; i++) {
        double t0 = s ? now_us() : 0;
        enum clnt_stat st;

        if (t == TEST_PUT) {
            oncbench_bytes b = { (u_int)bulk_len, bulk };
            u_int got = 0;

            st = oncbench_put_1(&b, &got, c);
            if (st != RPC_SUCCESS)
                die("oncbench_put_1: %s", clnt_sperror(c, "put"));
            if (got != bulk_len)
                die("oncbench_put_1: sent %zu bytes, the server saw %u", bulk_len,
                    got);
            if (s)
                add_sample(s, now_us() - t0);
        } else {
            oncbench_bytes b = { 0, NULL };
            u_int n = (u_int)bulk_len;

            st = oncbench_get_1(&n, &b, c);
            if (st != RPC_SUCCESS)
                die("oncbench_get_1: %s", clnt_sperror(c, "get"));
            if (s)
                add_sample(s, now_us() - t0);
            if (b.oncbench_bytes_len != bulk_len ||
                memcmp(b.oncbench_bytes_val, bulk, bulk_len) != 0)
                die("oncbench_get_1: the %zu bytes came back changed", bulk_len);
            if (!clnt_freeres(c, (xdrproc_t)xdr_oncbench_bytes,
                              (caddr_t)&b))
                die("clnt_freeres failed");
        }
    }
}

/* ---- concurrency --------------------------------------------------- */

struct worker {
    CLIENT *clnt;
    long calls;
    pthread_barrier_t *start;
    double t0, t1;
    pthread_t thread;
};

static void *work(void *arg)
{
    struct worker *w = arg;
    int rc;

    pin_self(cpu);
    rc = pthread_barrier_wait(w->start);
    if (rc != 0 && rc != PTHREAD_BARRIER_SERIAL_THREAD)
        die("pthread_barrier_wait: %s", strerror(rc));
    w->t0 = now_us();
    for (long i = 0; i < w->calls; i++)
        call_echo(w->clnt, (int)(1000 + i % 1000));
    w->t1 = now_us();
    return NULL;
}

/* CALLS echo calls from K clients at once, as one sample into S. */
static void run_conc(enum transport tr, int k, long calls, struct samples *s)
{
    static struct worker w[MAX_CLIENTS];
    pthread_barrier_t start;
    long each = calls / k > 0 ? calls / k : 1;
    double first = 0, last = 0;
    int rc;

    /* Connected, and accepted by the server (the first call), before the
     * clock starts. */
    for (int i = 0; i < k; i++) {
        w[i].clnt = connect_client(&endpoints[tr]);
        call_echo(w[i].clnt, i);
        w[i].calls = each;
        w[i].start = &start;
    }
    rc = pthread_barrier_init(&start, NULL, (unsigned)k);
    if (rc)
        die("pthread_barrier_init: %s", strerror(rc));
    for (int i = 0; i < k; i++) {
        rc = pthread_create(&w[i].thread, NULL, work, &w[i]);
        if (rc)
            die("pthread_create: %s", strerror(rc));
    }
    for (int i = 0; i < k; i++) {
        rc = pthread_join(w[i].thread, NULL);
        if (rc)
            die("pthread_join: %s", strerror(rc));
        if (i == 0 || w[i].t0 < first)
            first = w[i].t0;
        if (i == 0 || w[i].t1 > last)
            last = w[i].t1;
        clnt_destroy(w[i].clnt);
    }
    pthread_barrier_destroy(&start);
    if (s)
        add_sample(s, (last - first) / (double)(each * k));
}

/* ---- the report ---------------------------------------------------- */

static void report(double seconds)
{
    double best = 0;
    int best_k = 0;
    const char *best_tr = "-";

    printf("%-9s  %-8s  %8s  %9s  %8s  %11s\n", "transport", "test", "calls",
           "median_us", "p90_us", "calls_per_s");
    for (int tr = 0; tr < T_COUNT; tr++) {
        for (int t = 0; t < TEST_PUT && want_transport[tr]; t++) {
            struct samples *s = &results[tr][t];
            double med = percentile(s, 50), p90 = percentile(s, 90);
            size_t calls = s->n;

            if (t >= TEST_CONC) {
                /* One sample per round, of that many calls. */
                int k = conc_clients[t - TEST_CONC];
                long each = opt_calls / k > 0 ? opt_calls / k : 1;

                calls = s->n * (size_t)(each * k);
                if (med > 0 && 1e6 / med > best) {
                    best = 1e6 / med;
                    best_k = k;
                    best_tr = transport_name[tr];
                }
            }
            printf("%-9s  %-8s  %8zu  %9.3f  %8.3f  %11.0f\n",
                   transport_name[tr], test_name((enum test)t), calls, med,
                   p90, med > 0 ? 1e6 / med : 0.0);
        }
    }
    printf("\n%-9s  %-8s  %8s  %9s  %8s  %11s\n", "transport", "test",
           "calls", "median_ms", "p90_ms", "GB_per_s");
    for (int tr = 0; tr < T_COUNT; tr++) {
        for (int t = TEST_PUT; t < TEST_COUNT && want_transport[tr]; t++) {
            struct samples *s = &results[tr][t];
            double med = percentile(s, 50);

            printf("%-9s  %-8s  %8zu  %9.2f  %8.2f  %11.2f\n",
                   transport_name[tr], test_name((enum test)t), s->n,
                   med / 1e3, percentile(s, 90) / 1e3,
                   med > 0 ? (double)bulk_len / med / 1e3 : 0.0);
        }
    }
    printf("# bulk tests (put, get): %ld MiB a call\n", opt_bulk_mib);
    printf("# conc_K: K synchronous clients (threads, one CLIENT* and one "
           "connection each), at most K calls in flight; median_us is a "
           "round's time / its calls\n");
    printf("# best concurrency total: %.0f calls/s (%s, %d client%s)\n",
           best, best_tr, best_k, best_k == 1 ? "" : "s");
    printf("# %ld rounds in %.1f s, threads pinned: same (client and "
           "server on CPU %d)\n", opt_rounds, seconds, cpu);
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

static void usage(FILE *f)
{
    fprintf(f,
            "usage: oncbench [-n CALLS] [-r ROUNDS] [-m MIB] "
            "[-t unix|tcp|all] [-q]\n"
            "  -n  calls per test and round (default 20000)\n"
            "  -r  rounds (default 7)\n"
            "  -m  MiB a bulk call moves (default 64)\n"
            "  -t  transports (default all)\n"
            "  -q  no progress lines on stderr\n");
}

static void parse_args(int argc, char **argv)
{
    int c;

    while ((c = getopt(argc, argv, "n:r:m:t:qh")) != -1) {
        switch (c) {
        case 'n': opt_calls = number("-n", optarg, 1, 100000000); break;
        case 'r': opt_rounds = number("-r", optarg, 1, 1000); break;
        case 'm': opt_bulk_mib = number("-m", optarg, 1, 1024); break;
        case 't':
            if (strcmp(optarg, "unix") && strcmp(optarg, "tcp") &&
                strcmp(optarg, "all"))
                die("-t takes unix, tcp or all, not '%s'", optarg);
            want_transport[T_UNIX] = strcmp(optarg, "tcp") != 0;
            want_transport[T_TCP] = strcmp(optarg, "unix") != 0;
            break;
        case 'q': opt_quiet = true; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); exit(2);
        }
    }
    if (optind != argc) {
        usage(stderr);
        exit(2);
    }
}

/* ---- main ---------------------------------------------------------- */

static void run_round(enum transport tr, CLIENT *c, long r, bool timed)
{
    long calls = timed ? opt_calls : WARMUP;

    for (long done = 0, k = 0; done < calls; done += SLICE, k++) {
        long n = calls - done < SLICE ? calls - done : SLICE;
        /* Every other slice the other test goes first. */
        enum test first = k % 2 ? TEST_ECHO_STR : TEST_ECHO;
        enum test second = k % 2 ? TEST_ECHO : TEST_ECHO_STR;

        run_sync(first, c, n, timed ? &results[tr][first] : NULL);
        run_sync(second, c, n, timed ? &results[tr][second] : NULL);
    }
    for (size_t i = 0; i < N_CONC; i++) {
        size_t j = r % 2 ? N_CONC - 1 - i : i;

        run_conc(tr, conc_clients[j], timed ? opt_calls : WARMUP,
                 timed ? &results[tr][TEST_CONC + j] : NULL);
    }
    for (int i = 0; i < 2; i++) {
        enum test t = (r + i) % 2 ? TEST_GET : TEST_PUT;

        run_bulk(t, c, timed ? BULK_CALLS : 1, timed ? &results[tr][t] : NULL);
    }
}

int main(int argc, char **argv)
{
    CLIENT *clnt[T_COUNT] = { NULL, NULL };
    double start;

    parse_args(argc, argv);
    cpu = choose_cpu();
    signal(SIGPIPE, SIG_IGN);
    memset(the_str, 'x', STR_LEN);
    bulk_len = (size_t)opt_bulk_mib * 1024 * 1024;
    bulk = malloc(bulk_len);
    if (!bulk)
        die("out of memory for %ld MiB", opt_bulk_mib);
    memset(bulk, 'b', bulk_len);
    procs_set_payload(bulk, bulk_len);

    snprintf(tmpdir, sizeof tmpdir, "/tmp/oncbench.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        tmpdir[0] = '\0';
        die("mkdtemp: %s", strerror(errno));
    }
    atexit(cleanup_files);
    snprintf(unix_path, sizeof unix_path, "%s/onc.sock", tmpdir);

    server_start(unix_path, cpu, endpoints);
    for (int tr = 0; tr < T_COUNT; tr++)
        if (want_transport[tr])
            clnt[tr] = connect_client(&endpoints[tr]);

    if (!opt_quiet)
        fprintf(stderr, "oncbench: %ld rounds x %ld calls per test, "
                "%ld MiB bulk calls\n", opt_rounds, opt_calls, opt_bulk_mib);
    for (int tr = 0; tr < T_COUNT; tr++)
        if (want_transport[tr])
            run_round((enum transport)tr, clnt[tr], 0, false);
    start = now_us();
    for (long r = 0; r < opt_rounds; r++) {
        for (int tr = 0; tr < T_COUNT; tr++)
            if (want_transport[tr])
                run_round((enum transport)tr, clnt[tr], r, true);
        if (!opt_quiet)
            fprintf(stderr, "oncbench: round %ld/%ld done\n", r + 1,
                    opt_rounds);
    }
    report((now_us() - start) / 1e6);

    /* Stop everything this program started: the clients first, so that
     * the server sees every connection close. */
    for (int tr = 0; tr < T_COUNT; tr++)
        if (clnt[tr])
            clnt_destroy(clnt[tr]);
    server_stop();
    for (int tr = 0; tr < T_COUNT; tr++)
        for (int t = 0; t < TEST_COUNT; t++)
            free_samples(&results[tr][t]);
    free(bulk);
    return 0;
}
