/*
 * clock.h - the one clock of the runtime.  Deadlines and timeouts are
 * milliseconds on the monotonic clock, so they do not jump when the wall
 * clock is set.
 */
#ifndef SRPC_CLOCK_H
#define SRPC_CLOCK_H

#include <stdint.h>

/* Milliseconds on the monotonic clock. */
int64_t srpc__now_ms(void);

/* Milliseconds left until DEADLINE (>= 0, at most INT_MAX), for poll(). */
int srpc__ms_until(int64_t deadline);

#endif
