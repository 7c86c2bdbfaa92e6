/*
 * rng.c - see fuzz.h.  FNV-1a over the input seeds a xorshift64*: nothing
 * to tune, and the same input makes the same choices in libFuzzer and in
 * the replay driver.
 */
#include "fuzz.h"

void fuzz_rng_seed(struct fuzz_rng *r, const uint8_t *data, size_t size)
{
    uint64_t h = 14695981039346656037u;

    for (size_t i = 0; i < size; i++)
        h = (h ^ data[i]) * 1099511628211u;
    r->state = h != 0 ? h : 1;
}

uint32_t fuzz_rng_below(struct fuzz_rng *r, uint32_t n)
{
    r->state ^= r->state >> 12;
    r->state ^= r->state << 25;
    r->state ^= r->state >> 27;
    return (uint32_t)((r->state * 2685821657736338717u) >> 32) % n;
}
