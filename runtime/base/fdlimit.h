/*
 * fdlimit.h - room for descriptors: raising the soft RLIMIT_NOFILE.
 *
 * A process starts with a soft descriptor limit (often 1024) well below
 * its hard limit (often tens of thousands): the soft limit is what the
 * kernel enforces, and an unprivileged process may raise it up to the
 * hard one.  A server that means to hold many connections raises it at
 * start, as Redis does, instead of failing accept() with EMFILE later.
 *
 * The soft limit is process-wide and inherited by every child the program
 * starts, so it is raised only as far as asked, never lowered, and the
 * hard limit is never touched.
 */
#ifndef SRPC_FDLIMIT_H
#define SRPC_FDLIMIT_H

#include <stdbool.h>
#include <sys/resource.h>

/* What srpc__fdlimit_raise() found and did. */
struct srpc__fdlimit {
    rlim_t before;    /* the soft limit found (RLIM_INFINITY: none) */
    rlim_t after;     /* the soft limit in force on return */
    rlim_t hard;      /* the hard limit, which is never changed */
    rlim_t goal;      /* what the soft limit was to become */
    bool known;       /* getrlimit worked: the figures are real */
};

/* The soft limit that gives WANT descriptors if HARD allows, else HARD;
 * SOFT itself when it is already enough (a limit is never lowered). */
rlim_t srpc__fdlimit_goal(rlim_t soft, rlim_t hard, rlim_t want);

/* Raises the soft RLIMIT_NOFILE to srpc__fdlimit_goal(soft, hard, WANT)
 * and fills *OUT.  0, or -1 with errno: when getrlimit failed, known is
 * false and every limit in *OUT is RLIM_INFINITY; when setrlimit failed,
 * after == before (the limit is unchanged). */
int srpc__fdlimit_raise(rlim_t want, struct srpc__fdlimit *out);

#endif
