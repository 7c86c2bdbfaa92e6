/*
 * clock.c - see clock.h.
 */
#include "config.h"

#include <limits.h>
#include <time.h>

#include "base/clock.h"

int64_t srpc__now_ms(void)
{
    struct timespec ts;

    /* CLOCK_MONOTONIC cannot fail with a valid pointer on Linux/BSD. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int srpc__ms_until(int64_t deadline)
{
    int64_t left = deadline - srpc__now_ms();

    if (left <= 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}
