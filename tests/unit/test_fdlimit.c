/*
 * test_fdlimit.c - the default max_connections follows the descriptor
 * limit: srpc_server_create raises a low soft RLIMIT_NOFILE toward what
 * the server needs (never past the hard limit, never lowering it), and
 * the default max_connections is what the resulting limit holds.
 *
 * The servers run in a child process of their own, forked from the test,
 * which sets the child's limits before creating the server: the limits
 * are per process, so neither the test's descriptors (its clients) nor
 * its limits get mixed up with the server's, and a hard limit, which an
 * unprivileged process cannot raise again, is only lowered in a process
 * that ends with the test.  The child tells the test, over a pipe, what
 * limits and max_connections srpc_server_create left it with.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "base/fdlimit.h"
#include "server/server.h"
#include "calcfixture.h"
#include "testcalc.h"
#include "testutil.h"

enum {
    DEFAULT_CONNS = 10000,   /* the documented defaults (doc/runtime.md) */
    DEFAULT_THREADS = 1024,
    RESERVE = 32,
    OLD_DEFAULT = 1024,      /* max_connections before the soft limit was
                                raised: what test (a) must go beyond */
    MANY = 1100,             /* connections test (a) holds open at once */
    SLACK = 64,              /* the test's own descriptors besides them */
    CHILD_WAIT_MS = 10000
};

/* ---- the server child --------------------------------------------------- */

/* What the child found after srpc_server_create. */
struct report {
    int limit_errno;          /* the child's own setrlimit failed: errno */
    int rc;                   /* create, register, listen: first failure */
    unsigned long long soft, hard;
    size_t max_connections;
};

/* A server process.  It lives as long as the write end of its life pipe
 * is open: closing it stops the server gracefully, and if the test dies
 * on a failed assertion the kernel closes it, so no server outlives its
 * test. */
struct child {
    pid_t pid;
    int life;                 /* write end of the life pipe */
    struct report rep;
};

static void *run_server(void *arg)
{
    return (void *)(intptr_t)srpc_server_run(arg);
}

/* Blocks until every writer of FD is gone (or reading fails). */
static void wait_eof(int fd)
{
    char buf[16];
    ssize_t n;

    do
        n = read(fd, buf, sizeof buf);
    while (n > 0 || (n < 0 && errno == EINTR));
}

static void send_report(int fd, const struct report *rep)
{
    /* A pipe takes up to PIPE_BUF bytes in one piece. */
    if (write(fd, rep, sizeof *rep) != (ssize_t)sizeof *rep)
        _exit(3);
}

/* The child's whole life: no Check assertions here (they would report
 * from the wrong process); every failure is in the report or the exit
 * status. */
static void child_main(int wfd, int life, rlim_t soft, rlim_t hard,
                       const struct srpc_server_options *options)
{
    struct rlimit rl = { soft, hard };
    struct report rep = { 0 };
    srpc_server *srv = NULL;
    pthread_t thread;
    void *ret;
    int rc;

    if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
        rep.limit_errno = errno;
        send_report(wfd, &rep);
        _exit(0);
    }
    rc = srpc_server_create(&srv, options);
    if (rc == SRPC_OK && getrlimit(RLIMIT_NOFILE, &rl) < 0)
        rc = SRPC_EIO;
    if (rc == SRPC_OK) {
        rep.soft = rl.rlim_cur;
        rep.hard = rl.rlim_max;
        rep.max_connections = srv->opt.max_connections;
        rc = calc_serve(srv, &calc_default_ops, &fx.state);
    }
    if (rc == SRPC_OK)
        rc = srpc_server_listen(srv, fx.unix_addr);
    if (rc == SRPC_OK && pthread_create(&thread, NULL, run_server, srv) != 0)
        rc = SRPC_ENOMEM;
    rep.rc = rc;
    send_report(wfd, &rep); /* listening and served: clients may come */
    close(wfd);
    if (rc == SRPC_OK) {
        wait_eof(life);
        srpc_server_stop(srv);
        rc = pthread_join(thread, &ret) == 0 ? (int)(intptr_t)ret : SRPC_EIO;
    }
    srpc_server_destroy(srv);
    _exit(rc == SRPC_OK ? 0 : 2);
}

/* Forks a server with OPTIONS whose process has the descriptor limits
 * SOFT and HARD; returns once it listens on fx.unix_addr (or could not),
 * with its report in CH->rep. */
static void child_start(struct child *ch, rlim_t soft, rlim_t hard,
                        const struct srpc_server_options *options)
{
    struct pollfd p;
    int rep[2], life[2];
    ssize_t n;

    ck_assert_int_eq(pipe(rep), 0);
    ck_assert_int_eq(pipe(life), 0);
    ch->pid = fork();
    ck_assert_int_ge(ch->pid, 0);
    if (ch->pid == 0) {
        close(rep[0]);
        close(life[1]);
        child_main(rep[1], life[0], soft, hard, options);
    }
    close(rep[1]);
    close(life[0]);
    ch->life = life[1];
    p = (struct pollfd){ .fd = rep[0], .events = POLLIN };
    ck_assert_msg(poll(&p, 1, CHILD_WAIT_MS) == 1, "the server child is silent");
    n = read(rep[0], &ch->rep, sizeof ch->rep);
    close(rep[0]);
    ck_assert_msg(n == (ssize_t)sizeof ch->rep, "no report from the child");
}

/* Ends the child's life (a graceful stop) and waits for it, at most
 * CHILD_WAIT_MS; it must exit 0. */
static void child_stop(struct child *ch)
{
    int status = 0;
    pid_t got = 0;

    close(ch->life);
    for (int waited = 0; waited < CHILD_WAIT_MS && got == 0; waited += 10) {
        got = waitpid(ch->pid, &status, WNOHANG);
        if (got == 0)
            poll(NULL, 0, 10);
    }
    if (got == 0) {
        kill(ch->pid, SIGKILL);
        waitpid(ch->pid, &status, 0);
    }
    ck_assert_msg(got == ch->pid, "the server child did not stop");
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the server child failed (status %d)", status);
}

/* The report of a child whose limits were set: false (and the test is
 * skipped, with a line saying why) when this system would not set them,
 * e.g. valgrind, which refuses to let a program change its hard limit. */
static bool limits_were_set(struct child *ch)
{
    if (ch->rep.limit_errno == 0) {
        ck_assert_int_eq(ch->rep.rc, SRPC_OK);
        return true;
    }
    fprintf(stderr, "skipped: cannot set the child's descriptor limits: %s\n",
            strerror(ch->rep.limit_errno));
    child_stop(ch);
    return false;
}

/* ---- the client side -------------------------------------------------- */

static rlim_t hard_limit(void)
{
    struct rlimit rl;

    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    return rl.rlim_max;
}

static rlim_t min_limit(rlim_t a, rlim_t b)
{
    return a < b ? a : b;
}

/* Room in this process for N client descriptors and its own; false when
 * the hard limit is too low for that. */
static bool room_for_clients(size_t n)
{
    struct srpc__fdlimit fl;

    return srpc__fdlimit_raise((rlim_t)n + SLACK, &fl) == 0 &&
           fl.after >= (rlim_t)n + SLACK;
}

/* One calc.add over FD: proves the server accepted and serves it. */
static void served(int fd, uint32_t msgid)
{
    int64_t args[2] = { (int64_t)msgid, 1 };
    msgpack_sbuffer sb;
    msgpack_unpacker unp;
    msgpack_unpacked u;

    msgpack_sbuffer_init(&sb);
    tu_pack_request(&sb, msgid, "calc.add", 2, args);
    ck_assert(tu_write_all(fd, sb.data, sb.size));
    ck_assert(msgpack_unpacker_init(&unp, 4096));
    msgpack_unpacked_init(&u);
    ck_assert_msg(tu_read_message(fd, &unp, &u), "no reply to call %u",
                  (unsigned)msgid);
    /* A refusal would be a notification [2, "sockrpc.closing", [...]]. */
    ck_assert_int_eq(u.data.type, MSGPACK_OBJECT_ARRAY);
    ck_assert_uint_eq(u.data.via.array.size, 4);
    ck_assert_uint_eq(u.data.via.array.ptr[0].via.u64, 1); /* a response */
    ck_assert_uint_eq(u.data.via.array.ptr[1].via.u64, msgid);
    ck_assert_uint_eq(u.data.via.array.ptr[3].via.u64, (uint64_t)msgid + 1);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
    msgpack_sbuffer_destroy(&sb);
}

/* Opens N connections to the child and makes one call on each; they all
 * stay open.  Returns the array of descriptors. */
static int *hold_served(size_t n)
{
    int *fds = calloc(n, sizeof *fds);

    ck_assert_ptr_nonnull(fds);
    for (size_t i = 0; i < n; i++) {
        fds[i] = tu_connect_raw(fx.unix_addr, 5000);
        ck_assert_msg(fds[i] >= 0, "connection %zu failed", i + 1);
        served(fds[i], (uint32_t)i);
    }
    return fds;
}

static void close_all(int *fds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        close(fds[i]);
    free(fds);
}

/* One more connection, refused the runtime's usual way: accepted, told
 * "sockrpc.closing" with SRPC_WIRE_LIMIT_CONNS, and closed. */
static void next_is_refused(void)
{
    int64_t code = 0;
    int fd = tu_connect_raw(fx.unix_addr, 5000);

    ck_assert_int_ge(fd, 0); /* the kernel accepts it ... */
    ck_assert(tu_read_closing(fd, &code)); /* ... the server refuses it */
    ck_assert_int_eq(code, SRPC_WIRE_LIMIT_CONNS);
    ck_assert(tu_wait_closed(fd));
    close(fd);
}

/* ---- the helper itself -------------------------------------------------- */

START_TEST(goal_raises_within_hard_and_never_lowers)
{
    ck_assert_uint_eq(srpc__fdlimit_goal(1024, 20000, 10032), 10032);
    ck_assert_uint_eq(srpc__fdlimit_goal(1024, 4096, 10032), 4096);
    ck_assert_uint_eq(srpc__fdlimit_goal(1024, RLIM_INFINITY, 10032), 10032);
    ck_assert_uint_eq(srpc__fdlimit_goal(20000, 20000, 10032), 20000);
    ck_assert_uint_eq(srpc__fdlimit_goal(64, 64, 10032), 64);
    ck_assert_uint_eq(srpc__fdlimit_goal(RLIM_INFINITY, RLIM_INFINITY, 10032),
                      RLIM_INFINITY);
    ck_assert_uint_eq(srpc__fdlimit_goal(1024, 20000, RLIM_INFINITY), 20000);
}
END_TEST

/* In this process, restored at the end whatever Check's fork mode. */
START_TEST(raise_moves_the_soft_limit_only)
{
    struct rlimit old, rl;
    struct srpc__fdlimit fl;
    rlim_t low;

    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    low = min_limit(old.rlim_cur, (rlim_t)tu_count_fds() + 16);
    if (old.rlim_max < low + 100) {
        fprintf(stderr, "skipped: hard descriptor limit %llu too low\n",
                (unsigned long long)old.rlim_max);
        return;
    }
    rl = (struct rlimit){ low, old.rlim_max };
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);

    ck_assert_int_eq(srpc__fdlimit_raise(low + 100, &fl), 0);
    ck_assert(fl.known);
    ck_assert_uint_eq(fl.before, low);
    ck_assert_uint_eq(fl.after, low + 100);
    ck_assert_uint_eq(fl.hard, old.rlim_max);
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    ck_assert_uint_eq(rl.rlim_cur, low + 100);
    ck_assert_uint_eq(rl.rlim_max, old.rlim_max); /* the hard one stays */

    ck_assert_int_eq(srpc__fdlimit_raise(low, &fl), 0); /* never lowered */
    ck_assert_uint_eq(fl.after, low + 100);
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    ck_assert_uint_eq(rl.rlim_cur, low + 100);

    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
}
END_TEST

/* Options srpc_server_create rejects change no limit. */
START_TEST(rejected_options_leave_the_limit_alone)
{
    struct srpc_server_options o = { .allowed_uids_count = 1 }; /* no array */
    struct rlimit old, rl;
    srpc_server *srv = NULL;
    rlim_t low;

    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &old), 0);
    low = min_limit(old.rlim_cur, (rlim_t)tu_count_fds() + 16);
    rl = (struct rlimit){ low, old.rlim_max };
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &rl), 0);
    ck_assert_int_eq(srpc_server_create(&srv, &o), SRPC_EINVAL);
    ck_assert_ptr_null(srv);
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    ck_assert_uint_eq(rl.rlim_cur, low);
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &old), 0);
}
END_TEST

/* ---- servers with default options --------------------------------------- */

/* (a) A soft limit of 256 under a higher hard one: the server raises its
 * soft limit and holds more connections than the old default of 1024. */
START_TEST(default_raises_soft_limit_and_serves_more)
{
    rlim_t hard = hard_limit();
    rlim_t soft = min_limit(256, hard);
    struct child ch;
    int *fds;

    if (hard < MANY + RESERVE + SLACK || !room_for_clients(MANY)) {
        fprintf(stderr, "skipped: hard descriptor limit %llu is below the "
                "%d that %d connections need\n", (unsigned long long)hard,
                MANY + RESERVE + SLACK, MANY);
        return;
    }
    child_start(&ch, soft, hard, NULL);
    ck_assert(limits_were_set(&ch));
    ck_assert_uint_eq(ch.rep.hard, hard);
    ck_assert_uint_eq(ch.rep.soft, min_limit(hard, DEFAULT_CONNS + RESERVE));
    ck_assert_uint_eq(ch.rep.max_connections,
                      min_limit(DEFAULT_CONNS, ch.rep.soft - RESERVE));
    ck_assert_uint_gt(ch.rep.max_connections, OLD_DEFAULT);
    fds = hold_served(MANY);
    fprintf(stderr, "soft limit %llu -> %llu: %d connections served at once "
            "(max_connections %zu)\n", (unsigned long long)soft, ch.rep.soft,
            MANY, ch.rep.max_connections);
    close_all(fds, MANY);
    child_stop(&ch);
}
END_TEST

/* A soft limit already above what the server needs is left alone. */
START_TEST(ample_soft_limit_left_alone)
{
    rlim_t hard = hard_limit();
    struct child ch;

    child_start(&ch, hard, hard, NULL);
    ck_assert(limits_were_set(&ch));
    ck_assert_uint_eq(ch.rep.soft, hard);
    ck_assert_uint_eq(ch.rep.max_connections,
                      hard >= DEFAULT_CONNS + RESERVE ? DEFAULT_CONNS
                                                      : hard - RESERVE);
    child_stop(&ch);
}
END_TEST

/* (b) A low hard limit: max_connections fits under it with the reserve,
 * every connection up to it is served, and the next one is refused. */
START_TEST(low_hard_limit_bounds_default)
{
    const rlim_t limit = 128;
    const size_t max = limit - RESERVE;
    struct child ch;
    int *fds;

    if (hard_limit() < limit) {
        fprintf(stderr, "skipped: hard descriptor limit below %llu\n",
                (unsigned long long)limit);
        return;
    }
    child_start(&ch, limit, limit, NULL);
    if (!limits_were_set(&ch))
        return;
    ck_assert_uint_eq(ch.rep.soft, limit);
    ck_assert_uint_eq(ch.rep.hard, limit);
    ck_assert_uint_eq(ch.rep.max_connections, max);
    fds = hold_served(max);
    next_is_refused();
    served(fds[0], 1); /* the others are still served */
    close_all(fds, max);
    child_stop(&ch);
}
END_TEST

/* (c) An explicit max_connections is kept: below the limit ... */
START_TEST(explicit_max_connections_kept)
{
    struct srpc_server_options o = { .max_connections = 5 };
    rlim_t soft = min_limit(64, hard_limit());
    struct child ch;
    int *fds;

    child_start(&ch, soft, hard_limit(), &o);
    ck_assert(limits_were_set(&ch));
    ck_assert_uint_eq(ch.rep.max_connections, 5);
    ck_assert_uint_eq(ch.rep.soft, soft); /* 5 + 32 fit: not raised */
    fds = hold_served(5);
    next_is_refused();
    close_all(fds, 5);
    child_stop(&ch);
}
END_TEST

/* ... and above it: the soft limit is raised for it, the value is not
 * cut to what the limit holds. */
START_TEST(explicit_max_connections_above_limit_kept)
{
    struct srpc_server_options o = { .max_connections = 50000 };
    rlim_t hard = hard_limit();
    rlim_t soft = min_limit(256, hard);
    struct child ch;

    child_start(&ch, soft, hard, &o);
    ck_assert(limits_were_set(&ch));
    ck_assert_uint_eq(ch.rep.max_connections, 50000);
    ck_assert_uint_eq(ch.rep.soft, min_limit(hard, 50000 + RESERVE));
    child_stop(&ch);
}
END_TEST

/* Thread mode keeps a default of 1024: a thread per connection. */
START_TEST(thread_mode_defaults_to_1024)
{
    struct srpc_server_options o = { .threads_per_connection = 1 };
    rlim_t hard = hard_limit();
    rlim_t soft = min_limit(256, hard);
    struct child ch;
    int *fds;

    child_start(&ch, soft, hard, &o);
    ck_assert(limits_were_set(&ch));
    ck_assert_uint_eq(ch.rep.soft, min_limit(hard, DEFAULT_THREADS + RESERVE));
    ck_assert_uint_eq(ch.rep.max_connections,
                      min_limit(DEFAULT_THREADS, ch.rep.soft - RESERVE));
    fds = hold_served(3);
    close_all(fds, 3);
    child_stop(&ch);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fdlimit");
    TCase *tc;
    SRunner *sr;
    int failed;

    tc = tcase_create("helper");
    tcase_add_test(tc, goal_raises_within_hard_and_never_lowers);
    tcase_add_test(tc, raise_moves_the_soft_limit_only);
    tcase_add_test(tc, rejected_options_leave_the_limit_alone);
    suite_add_tcase(s, tc);

    tc = tcase_create("default");
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, default_raises_soft_limit_and_serves_more);
    tcase_add_test(tc, ample_soft_limit_left_alone);
    tcase_add_test(tc, low_hard_limit_bounds_default);
    tcase_add_test(tc, explicit_max_connections_kept);
    tcase_add_test(tc, explicit_max_connections_above_limit_kept);
    tcase_add_test(tc, thread_mode_defaults_to_1024);
    suite_add_tcase(s, tc);

    sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
