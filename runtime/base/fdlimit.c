/*
 * fdlimit.c - see fdlimit.h.
 */
#include "config.h"

#include "base/fdlimit.h"

rlim_t srpc__fdlimit_goal(rlim_t soft, rlim_t hard, rlim_t want)
{
    /* RLIM_INFINITY compares above every finite value: an unlimited soft
     * limit is always enough, an unlimited hard one never in the way. */
    if (soft >= want)
        return soft;
    return want < hard ? want : hard;
}

int srpc__fdlimit_raise(rlim_t want, struct srpc__fdlimit *out)
{
    struct rlimit rl;

    out->before = out->after = out->hard = out->goal = RLIM_INFINITY;
    out->known = false;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return -1;
    out->known = true;
    out->before = out->after = rl.rlim_cur;
    out->hard = rl.rlim_max;
    out->goal = srpc__fdlimit_goal(rl.rlim_cur, rl.rlim_max, want);
    if (out->goal == rl.rlim_cur)
        return 0;
    rl.rlim_cur = out->goal; /* rlim_max as found: the hard limit stays */
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        return -1;
    out->after = out->goal;
    return 0;
}
