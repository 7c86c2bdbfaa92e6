/* util.c - fatal errors, the clock, pinning, samples (util.h). */
#include "config.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

void die(const char *fmt, ...)
{
    va_list ap;

    fputs("oncbench: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(1); /* atexit removes the socket files; threads end with us */
}

double now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

void pin_self(int cpu)
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

/* As bench/pingpong -p same: with every thread on one CPU a call costs
 * the CPU time of both sides plus two context switches, which repeats;
 * left to the scheduler, cross-CPU wake-ups on a VM can make one run
 * several times slower than the next (bench/README.md, "Pinning"). */
int choose_cpu(void)
{
#if defined(__linux__)
    cpu_set_t set;

    if (sched_getaffinity(0, sizeof set, &set) < 0)
        die("sched_getaffinity: %s", strerror(errno));
    for (int i = 0; i < CPU_SETSIZE; i++) {
        if (CPU_ISSET(i, &set)) {
            pin_self(i);
            return i;
        }
    }
    die("sched_getaffinity: no CPU allowed");
#else
    return -1;
#endif
}

void add_sample(struct samples *s, double us)
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

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double percentile(struct samples *s, double p)
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

void free_samples(struct samples *s)
{
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}
