/*
 * failalloc.c - see failalloc.h.
 *
 * Everything here may run inside any allocation of any thread, before
 * main and during thread start-up, so it uses only atomics and
 * pthread_self(): no locks, no allocation, no stdio.
 */
#include "config.h"

#include "failalloc.h"

#include <errno.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define FA_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FA_SANITIZED 1
#endif

#ifdef FA_SANITIZED

static bool available(void)
{
    return false;
}

void fa_arm(unsigned long n, const pthread_t *thread)
{
    (void)n;
    (void)thread;
}

void fa_arm_persistent(unsigned long n, const pthread_t *thread)
{
    (void)n;
    (void)thread;
}

bool fa_disarm(void)
{
    return false;
}

long fa_live(void)
{
    return 0;
}

#else

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);
void *__libc_memalign(size_t align, size_t size);

static atomic_bool armed;
static atomic_bool fired;
static atomic_ulong countdown;   /* allocations left before the failing one */
static bool persistent;          /* these two are written only while */
static bool any_thread;          /* disarmed */
static pthread_t target;
static atomic_long live;

static bool available(void)
{
    return true;
}

static void arm(unsigned long n, const pthread_t *thread, bool persist)
{
    persistent = persist;
    any_thread = thread == NULL;
    if (thread != NULL)
        target = *thread;
    atomic_store(&fired, false);
    atomic_store(&countdown, n);
    atomic_store(&armed, true);
}

void fa_arm(unsigned long n, const pthread_t *thread)
{
    arm(n, thread, false);
}

void fa_arm_persistent(unsigned long n, const pthread_t *thread)
{
    arm(n, thread, true);
}

bool fa_disarm(void)
{
    atomic_store(&armed, false);
    return atomic_load(&fired);
}

long fa_live(void)
{
    return atomic_load(&live);
}

/* True when this allocation is the one to fail. */
static bool should_fail(void)
{
    unsigned long left;

    if (!atomic_load(&armed))
        return false;
    if (!any_thread && !pthread_equal(pthread_self(), target))
        return false;
    if (atomic_load(&fired))
        return true;   /* persistent: transient ones disarmed themselves */
    left = atomic_fetch_sub(&countdown, 1);
    if (left != 1)
        return false;
    if (!persistent)
        atomic_store(&armed, false);
    atomic_store(&fired, true);
    return true;
}

/* P as an allocation's result: counted when it is a block. */
static void *counted(void *p)
{
    if (p != NULL)
        atomic_fetch_add(&live, 1);
    return p;
}

static void *refused(void)
{
    errno = ENOMEM;
    return NULL;
}

void *malloc(size_t size)
{
    return should_fail() ? refused() : counted(__libc_malloc(size));
}

void *calloc(size_t n, size_t size)
{
    return should_fail() ? refused() : counted(__libc_calloc(n, size));
}

void *realloc(void *p, size_t size)
{
    void *q;

    if (p == NULL)
        return malloc(size);
    if (size == 0) {
        free(p);
        return NULL;
    }
    if (should_fail())
        return refused();
    q = __libc_realloc(p, size);
    return q;   /* the block moved or failed: the count is the same */
}

/* glibc's own reallocarray would allocate behind the count's back. */
void *reallocarray(void *p, size_t n, size_t size)
{
    if (size != 0 && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n * size);
}

void free(void *p)
{
    if (p != NULL)
        atomic_fetch_sub(&live, 1);
    __libc_free(p);
}

void *memalign(size_t align, size_t size);
void *memalign(size_t align, size_t size)
{
    return should_fail() ? refused() : counted(__libc_memalign(align, size));
}

void *aligned_alloc(size_t align, size_t size)
{
    return memalign(align, size);
}

int posix_memalign(void **out, size_t align, size_t size)
{
    void *p = memalign(align, size);

    if (p == NULL)
        return ENOMEM;
    *out = p;
    return 0;
}

#endif

void fa_require(void)
{
    if (!available()) {
        puts("SKIP: this build's sanitizer owns malloc, so allocations "
             "cannot be failed on demand; run make check-valgrind instead");
        exit(77);
    }
}
