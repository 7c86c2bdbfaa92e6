/*
 * test_exhaust.c - running out of descriptors, of memory and of disk: the
 * server says what failed and keeps serving what it can.
 *
 * Descriptors: the test process's limit is lowered below what the
 * server's next accept needs while clients queue up; the server pauses
 * accepting instead of spinning, logs the failure once, keeps answering
 * the client it already has, and takes the others once descriptors are
 * free.  Memory: a server in a child process
 * with an address-space limit is sent a message larger than it can hold;
 * that client is dropped with a notice and a log line, and the next one
 * is served.  (AddressSanitizer and valgrind need the address space for
 * themselves: there the memory test is skipped.)  Disk: a listener whose
 * directory is on a full tmpfs fails with the reason; the test mounts
 * one, and is skipped where it may not.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "calcfixture.h"
#include "testcalc.h"
#include "testutil.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* ---- log lines, captured ------------------------------------------- */

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static char log_text[16384];

static void capture(int level, const char *line, void *user_data)
{
    size_t len;

    (void)level;
    (void)user_data;
    pthread_mutex_lock(&log_lock);
    len = strlen(log_text);
    snprintf(log_text + len, sizeof log_text - len, "%s\n", line);
    pthread_mutex_unlock(&log_lock);
}

/* How many captured lines contain WHAT. */
static int logged(const char *what)
{
    int n = 0;

    pthread_mutex_lock(&log_lock);
    for (const char *p = log_text; (p = strstr(p, what)) != NULL; p++)
        n++;
    pthread_mutex_unlock(&log_lock);
    return n;
}

/* ---- descriptors ------------------------------------------------------ */

static double cpu_seconds(void)
{
    struct rusage ru;

    ck_assert_int_eq(getrusage(RUSAGE_SELF, &ru), 0);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/* Lowers this process's descriptor limit to FREE more than it has open
 * (its old limit in *OLD), then forks a child with the old limit, and so
 * a descriptor table of its own, that connects 10 times and stays 1.5 s:
 * clients the server cannot accept. */
static pid_t crowd(struct rlimit *old, unsigned free)
{
    struct rlimit low;
    pid_t pid;

    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, old), 0);
    low = *old;
    low.rlim_cur = (rlim_t)tu_count_fds() + free;
    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, &low), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        int fds[10];

        setrlimit(RLIMIT_NOFILE, old);
        for (int i = 0; i < 10; i++)
            fds[i] = tu_connect_raw(fx.unix_addr, 2000);
        poll(NULL, 0, 1500);
        for (int i = 0; i < 10; i++)
            close(fds[i]);
        _exit(0);
    }
    return pid;
}

/* Gives the old limit back and waits for the crowd to leave. */
static void crowd_gone(const struct rlimit *old, pid_t pid)
{
    int status;

    ck_assert_int_eq(setrlimit(RLIMIT_NOFILE, old), 0);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
}

/* Accept fails with EMFILE while connections wait: the server pauses
 * accepting instead of spinning, and accepts again later. */
START_TEST(out_of_descriptors_does_not_spin)
{
    struct rlimit old;
    srpc_client *c;
    double cpu;
    int32_t r;
    pid_t pid;

    fx_start(NULL);
    pid = crowd(&old, 3); /* < 4 free descriptors */
    poll(NULL, 0, 300);
    cpu = cpu_seconds();
    poll(NULL, 0, 500);
    cpu = cpu_seconds() - cpu;
    ck_assert_msg(cpu < 0.2, "server used %.3f s of CPU in 0.5 s", cpu);
    crowd_gone(&old, pid);
    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 1, 2, &r), SRPC_OK);
    srpc_client_close(c);
}
END_TEST

/* Meanwhile the server says once what failed, and serves the client it
 * already has. */
START_TEST(out_of_descriptors_logged_and_others_served)
{
    struct rlimit old;
    srpc_client *c, *d;
    int32_t r;
    pid_t pid;

    srpc_set_log(capture, SRPC_LOG_WARN, NULL);
    fx_start(NULL);
    c = fx_connect(fx.unix_addr); /* in before the limit */
    ck_assert_int_eq(calc_add(c, 1, 1, &r), SRPC_OK);
    pid = crowd(&old, 0); /* not one descriptor free */
    for (int i = 0; i < 20; i++) {
        ck_assert_int_eq(calc_add(c, i, 1, &r), SRPC_OK);
        ck_assert_int_eq(r, i + 1);
        poll(NULL, 0, 25);
    }
    ck_assert_int_eq(logged("cannot accept: Too many open files"), 1);
    crowd_gone(&old, pid);
    d = fx_connect(fx.unix_addr); /* accepting again */
    ck_assert_int_eq(calc_add(d, 2, 3, &r), SRPC_OK);
    ck_assert_int_eq(r, 5);
    srpc_client_close(d);
    srpc_client_close(c);
    ck_assert_int_eq(logged("cannot accept"), 1); /* once an episode */
}
END_TEST

/* ---- memory ------------------------------------------------------------ */

enum { BIG = 64 << 20, HEADROOM = 24 << 20, CHILD_WAIT_MS = 10000 };

/* The child's log lines go to the pipe whose write end this is. */
static int log_pipe = -1;

static void log_to_pipe(int level, const char *line, void *user_data)
{
    (void)level;
    (void)user_data;
    if (write(log_pipe, line, strlen(line)) < 0 || write(log_pipe, "\n", 1) < 0)
        _exit(4);
}

/* The address space the process maps now, in bytes; 0 if unknown. */
static rlim_t mapped_now(void)
{
    unsigned long kib = 0;
    char line[256];
    FILE *f = fopen("/proc/self/status", "r");

    while (f != NULL && fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmSize: %lu", &kib) == 1)
            break;
    if (f != NULL)
        fclose(f);
    return (rlim_t)kib * 1024;
}

static void *run_server(void *srv)
{
    srpc_server_run(srv);
    return NULL;
}

/* A calc server limited to HEADROOM more address space than it maps
 * once it listens; it runs until its parent closes LIFE, and reports
 * "ready\n" on the log pipe first.  No Check assertions in here. */
static void limited_server(int life)
{
    struct srpc_server_options opt = { .max_message_size = 2 * BIG };
    struct rlimit rl;
    srpc_server *srv;
    pthread_t thread;
    char c;

    srpc_set_log(log_to_pipe, SRPC_LOG_WARN, NULL);
    if (srpc_server_create(&srv, &opt) != SRPC_OK
        || calc_serve(srv, &calc_default_ops, &fx.state) != SRPC_OK
        || srpc_server_listen(srv, fx.unix_addr) != SRPC_OK)
        _exit(2);
    /* The thread's stack first, then the limit. */
    if (pthread_create(&thread, NULL, run_server, srv) != 0)
        _exit(2);
    rl.rlim_cur = rl.rlim_max = mapped_now() + HEADROOM;
    if (setrlimit(RLIMIT_AS, &rl) != 0)
        _exit(3);
    log_to_pipe(0, "ready", NULL);
    while (read(life, &c, 1) < 0 && errno == EINTR)
        ;
    srpc_server_stop(srv);
    pthread_join(thread, NULL);
    srpc_server_destroy(srv);
    _exit(0);
}

/* Reads the child's log from FD until it holds WHAT or WAIT_MS pass. */
static bool child_logged(int fd, char *buf, size_t size, const char *what,
                         int wait_ms)
{
    size_t len = strlen(buf);

    for (int waited = 0; strstr(buf, what) == NULL && waited < wait_ms;
         waited += 50) {
        struct pollfd p = { .fd = fd, .events = POLLIN };

        if (poll(&p, 1, 50) == 1) {
            ssize_t n = read(fd, buf + len, size - 1 - len);

            if (n <= 0)
                break;
            len += (size_t)n;
            buf[len] = '\0';
        }
    }
    return strstr(buf, what) != NULL;
}

START_TEST(out_of_memory_drops_one_client_and_serves_the_next)
{
    char logbuf[4096] = "", *text;
    int logp[2], life[2], status, fd;
    srpc_client *c;
    int32_t r;
    pid_t pid;
    int64_t code = 0;

    if (UNDER_ASAN || getenv("LD_PRELOAD") != NULL) {
        fprintf(stderr, "skipped: an address-space limit leaves no room "
                "for AddressSanitizer or valgrind\n");
        return;
    }
    ck_assert_int_eq(pipe(logp), 0);
    ck_assert_int_eq(pipe(life), 0);
    pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        close(logp[0]);
        close(life[1]);
        log_pipe = logp[1];
        limited_server(life[0]);
    }
    close(logp[1]);
    close(life[0]);
    ck_assert_msg(child_logged(logp[0], logbuf, sizeof logbuf, "ready\n",
                               CHILD_WAIT_MS), "the server did not start");

    /* 64 MiB in one message: more than the server may map. */
    text = malloc(BIG);
    ck_assert_ptr_nonnull(text);
    memset(text, 'x', BIG);
    fd = tu_connect_raw(fx.unix_addr, 2000);
    ck_assert_int_ge(fd, 0);
    {
        unsigned char head[] = { 0x94, 0x00, 0x01, 0xa9, 'c', 'a', 'l', 'c',
                                 '.', 'e', 'c', 'h', 'o', 0x91, 0xdb,
                                 (BIG >> 24) & 0xff, (BIG >> 16) & 0xff,
                                 (BIG >> 8) & 0xff, BIG & 0xff };

        ck_assert(tu_write_all(fd, head, sizeof head));
        (void)tu_write_all(fd, text, BIG); /* fails once it hangs up */
    }
    ck_assert_msg(tu_read_closing(fd, &code), "no closing notice");
    ck_assert_int_eq(code, SRPC_WIRE_INTERNAL);
    close(fd);
    free(text);
    ck_assert_msg(child_logged(logp[0], logbuf, sizeof logbuf,
                               "out of memory for its input", CHILD_WAIT_MS),
                  "the server did not say it ran out: %s", logbuf);

    c = fx_connect(fx.unix_addr);
    ck_assert_int_eq(calc_add(c, 20, 22, &r), SRPC_OK);
    ck_assert_int_eq(r, 42);
    srpc_client_close(c);
    close(life[1]);
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "the server child failed (status %d)", status);
    close(logp[0]);
}
END_TEST

/* ---- disk -------------------------------------------------------------- */

START_TEST(full_disk_fails_listen_with_the_reason)
{
    char mnt[300], path[400], addr[420];
    srpc_server *srv;
    int n = 0, fd;

    snprintf(mnt, sizeof mnt, "%s/full", fx.dir);
    ck_assert_int_eq(mkdir(mnt, 0700), 0);
    /* Three inodes: the root and two files. */
    if (mount("tmpfs", mnt, "tmpfs", 0, "size=64k,nr_inodes=3") != 0) {
        fprintf(stderr, "skipped: cannot mount a tmpfs here (%s)\n",
                strerror(errno));
        rmdir(mnt);
        return;
    }
    for (;;) {
        snprintf(path, sizeof path, "%s/f%d", mnt, n++);
        fd = open(path, O_CREAT | O_WRONLY, 0600);
        if (fd < 0)
            break;
        close(fd);
    }
    ck_assert_int_eq(errno, ENOSPC);
    snprintf(addr, sizeof addr, "unix:%s/s.sock", mnt);
    ck_assert_int_eq(srpc_server_create(&srv, NULL), SRPC_OK);
    ck_assert_int_ne(srpc_server_listen(srv, addr), SRPC_OK);
    ck_assert_msg(strstr(srpc_server_errmsg(srv), "No space left on device")
                  && strstr(srpc_server_errmsg(srv), mnt),
                  "errmsg: %s", srpc_server_errmsg(srv));
    /* The server still listens where it can. */
    ck_assert_int_eq(srpc_server_listen(srv, fx.unix_addr), SRPC_OK);
    srpc_server_destroy(srv);
    ck_assert_int_eq(umount(mnt), 0);
    rmdir(mnt);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("exhaust");
    TCase *tc = tcase_create("exhaust");
    SRunner *sr;
    int failed;

    signal(SIGPIPE, SIG_IGN); /* the raw writes after a hang-up */
    tcase_add_checked_fixture(tc, fx_setup, fx_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, out_of_descriptors_does_not_spin);
    tcase_add_test(tc, out_of_descriptors_logged_and_others_served);
    tcase_add_test(tc, out_of_memory_drops_one_client_and_serves_the_next);
    tcase_add_test(tc, full_disk_fails_listen_with_the_reason);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
