/* util.h - what every part of bench/onc/oncbench needs: fatal errors,
 * the clock, pinning to a CPU, and the samples the report is made of. */
#ifndef ONCBENCH_UTIL_H
#define ONCBENCH_UTIL_H

#include <stddef.h>

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2), noreturn))
#endif
void die(const char *fmt, ...);

/* CLOCK_MONOTONIC in microseconds. */
double now_us(void);

/* The first CPU this process may run on (-1 off Linux), chosen once by
 * choose_cpu(), which also pins the calling thread to it. */
int choose_cpu(void);
/* Pins the calling thread to CPU (nothing for -1). */
void pin_self(int cpu);

/* Times in microseconds, in the order they were added until
 * percentile() sorts them. */
struct samples {
    double *v;
    size_t n, cap;
};

void add_sample(struct samples *s, double us);
/* The Pth percentile (nearest rank), 0 for no samples. */
double percentile(struct samples *s, double p);
void free_samples(struct samples *s);

#endif
