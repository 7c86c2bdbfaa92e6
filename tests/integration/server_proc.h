/*
 * server_proc.h - runs an example server as a child process for a test.
 *
 * The server is started in a fresh temporary directory with its stdout on a
 * pipe; server_proc_start() waits (at most a few seconds) until it has printed
 * one "listening on ADDRESS" line per address, and records those addresses,
 * with the real port of a "tcp:127.0.0.1:0" filled in.  server_proc_stop()
 * sends SIGTERM and waits (SIGKILL after a bound); server_proc_cleanup() also
 * removes the directory, so no test leaves a process or a file behind.
 */
#ifndef TESTS_SERVER_PROC_H
#define TESTS_SERVER_PROC_H

#include <stddef.h>
#include <sys/types.h>

#define SERVER_PROC_MAX_ADDRS 4

struct server_proc {
    pid_t pid;
    int out_fd;                 /* read end of the server's stdout */
    char dir[256];              /* temporary directory, removed on stop */
    char addrs[SERVER_PROC_MAX_ADDRS][300];
    size_t naddrs;
    char output[8192];          /* everything the server printed so far */
    size_t output_len;
};

/* Starts PROGRAM with the addresses in ADDRS, where "@DIR" stands for the
 * temporary directory ("unix:@DIR/x.sock").  Returns 0 or -1. */
int server_proc_start(struct server_proc *sp, const char *program,
                      const char *const *addrs, size_t naddrs);

/* Reads what the server printed until NEEDLE appears or TIMEOUT_MS passes.
 * Returns 1 when found. */
int server_proc_wait_output(struct server_proc *sp, const char *needle,
                            int timeout_ms);

/* Stops the server with SIGTERM; returns its exit status (or -1 if it had
 * to be killed or did not exit normally).  The directory stays. */
int server_proc_stop(struct server_proc *sp);

/* Stops the server if it still runs, closes the pipe and removes the
 * directory with everything in it.  Safe to call twice. */
void server_proc_cleanup(struct server_proc *sp);

/* Number of open file descriptors of process PID, from /proc; -1 on error. */
int count_fds(pid_t pid);

/* The fd count of PID once it stays the same for 100 ms (at most 5 s):
 * the server notices connections closed by the test in its own time. */
int settled_fd_count(pid_t pid);

/* MS scaled by Check's CK_TIMEOUT_MULTIPLIER: under valgrind (make
 * check-valgrind sets it to 10) the server is many times slower. */
int scaled_ms(int ms);

/* Path of a built program: $top_builddir/REL (or REL when unset). */
const char *build_path(const char *rel);

#endif
