/*
 * failalloc.h - allocation failure on demand, for the tests that make the
 * Nth allocation of an operation fail for every N (see tests/README.md).
 *
 * failalloc.c defines malloc, calloc, realloc, free and the aligned
 * allocators in the test program itself, forwarding to glibc's
 * __libc_malloc family, so every allocation of the process (the runtime,
 * msgpack-c, libc's own) passes through it and no production code knows.
 * Under AddressSanitizer, which owns malloc itself, the hook is compiled
 * out and fa_require() skips the test, and valgrind (which
 * also replaces the __libc_ names) checks them for leaks instead.
 */
#ifndef FAILALLOC_H
#define FAILALLOC_H

#include <pthread.h>
#include <stdbool.h>

/* Exits with 77 (the test harness's SKIP), saying why, when the hook is
 * compiled out (sanitizer builds).  A test's main() calls it first. */
void fa_require(void);

/* From now on counts the allocations made on THREAD (NULL: on any
 * thread) and fails the Nth (N >= 1) with NULL and ENOMEM.  Only that
 * one fails: the next allocation succeeds again, as after a transient
 * shortage, which is the harder case for code that must not be left
 * half-updated. */
void fa_arm(unsigned long n, const pthread_t *thread);

/* The same, but the Nth allocation and every one after it fail, as when
 * memory stays short: the paths that handle a failure must not need
 * memory themselves. */
void fa_arm_persistent(unsigned long n, const pthread_t *thread);

/* Stops counting; true when the armed allocation was reached and failed,
 * false when the operation made fewer than N allocations. */
bool fa_disarm(void);

/* Blocks the program has allocated and not yet freed, on all threads.
 * Comparing it before and after an operation finds leaks without a
 * sanitizer. */
long fa_live(void);

#endif
