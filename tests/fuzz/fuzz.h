/*
 * fuzz.h - what every fuzz target in tests/fuzz/ defines.
 *
 * A target is the two functions libFuzzer calls.  The same file links
 * either with libFuzzer (clang -fsanitize=fuzzer, "make fuzz") or with
 * replay.c, a plain main() that feeds it the saved inputs; that is how
 * "make check" replays the seeds and regression inputs on every build.
 *
 * A target aborts (through fuzz_check) when an invariant breaks, so that
 * libFuzzer, the sanitizers and the replay driver all see a crash.
 */
#ifndef SRPC_FUZZ_H
#define SRPC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Called once before the first input; returns 0. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Runs one input; returns 0 (libFuzzer reserves other values). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message when COND is false: a finding. */
#define fuzz_check(cond, what)                                              \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__,      \
                    __LINE__, (what));                                      \
            abort();                                                        \
        }                                                                   \
    } while (0)

/* A small deterministic generator, seeded from the input, for the
 * choices a target makes (where to split, what to call): the same input
 * always makes the same run. */
struct fuzz_rng {
    uint64_t state;
};

void fuzz_rng_seed(struct fuzz_rng *r, const uint8_t *data, size_t size);

/* A number in [0, n); n > 0. */
uint32_t fuzz_rng_below(struct fuzz_rng *r, uint32_t n);

#endif
