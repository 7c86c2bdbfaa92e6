#include "config.h"

#include "server_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int scaled_ms(int ms)
{
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    int k = m ? atoi(m) : 1;

    return k > 1 ? ms * k : ms;
}

const char *build_path(const char *rel)
{
    static char path[PATH_MAX];
    const char *top = getenv("top_builddir");

    snprintf(path, sizeof path, "%s/%s", top ? top : ".", rel);
    return path;
}

/* Appends whatever the server has printed within TIMEOUT_MS; returns the
 * number of bytes read, 0 at end of file or timeout. */
static size_t read_output(struct server_proc *sp, int timeout_ms)
{
    struct pollfd pfd = { .fd = sp->out_fd, .events = POLLIN };
    size_t room = sizeof sp->output - 1 - sp->output_len;
    ssize_t n;

    if (room == 0 || poll(&pfd, 1, timeout_ms) <= 0)
        return 0;
    n = read(sp->out_fd, sp->output + sp->output_len, room);
    if (n <= 0)
        return 0;
    sp->output_len += (size_t)n;
    sp->output[sp->output_len] = '\0';
    return (size_t)n;
}

int server_proc_wait_output(struct server_proc *sp, const char *needle,
                            int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    while (strstr(sp->output, needle) == NULL) {
        long long left = deadline - now_ms();
        if (left <= 0)
            return 0;
        read_output(sp, (int)left);
    }
    return 1;
}

/* Picks the "listening on ADDRESS" lines out of the output. */
static void collect_addresses(struct server_proc *sp)
{
    const char *p = sp->output;
    static const char prefix[] = "listening on ";

    sp->naddrs = 0;
    while ((p = strstr(p, prefix)) != NULL && sp->naddrs < SERVER_PROC_MAX_ADDRS) {
        const char *start = p + sizeof prefix - 1;
        const char *end = strchr(start, '\n');
        if (end == NULL)
            break;
        snprintf(sp->addrs[sp->naddrs], sizeof sp->addrs[0], "%.*s",
                 (int)(end - start), start);
        sp->naddrs++;
        p = end;
    }
}

static int count_lines_with(const char *text, const char *needle)
{
    int n = 0;

    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        n++;
    return n;
}

static void exec_server(const char *program, char **argv, int out_fd)
{
    dup2(out_fd, STDOUT_FILENO);
    execv(program, argv);
    fprintf(stderr, "cannot run %s: %s\n", program, strerror(errno));
    _exit(127);
}

int server_proc_start(struct server_proc *sp, const char *program,
                      const char *const *addrs, size_t naddrs)
{
    char *argv[SERVER_PROC_MAX_ADDRS + 2];
    char args[SERVER_PROC_MAX_ADDRS][300];
    int pipefd[2];
    long long deadline;

    memset(sp, 0, sizeof *sp);
    sp->pid = -1;
    sp->out_fd = -1;
    snprintf(sp->dir, sizeof sp->dir, "%s/sockrpc-test.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (naddrs > SERVER_PROC_MAX_ADDRS || mkdtemp(sp->dir) == NULL)
        return -1;
    argv[0] = (char *)program;
    for (size_t i = 0; i < naddrs; i++) {
        const char *at = strstr(addrs[i], "@DIR");
        if (at != NULL)
            snprintf(args[i], sizeof args[i], "%.*s%s%s", (int)(at - addrs[i]),
                     addrs[i], sp->dir, at + 4);
        else
            snprintf(args[i], sizeof args[i], "%s", addrs[i]);
        argv[i + 1] = args[i];
    }
    argv[naddrs + 1] = NULL;
    if (pipe(pipefd) != 0)
        return -1;
    sp->pid = fork();
    if (sp->pid == 0) {
        close(pipefd[0]);
        exec_server(program, argv, pipefd[1]);
    }
    close(pipefd[1]);
    sp->out_fd = pipefd[0];
    if (sp->pid < 0)
        return -1;
    deadline = now_ms() + scaled_ms(5000);
    while (count_lines_with(sp->output, "listening on ") < (int)naddrs) {
        if (now_ms() > deadline || read_output(sp, 100) == 0) {
            if (now_ms() > deadline || waitpid(sp->pid, NULL, WNOHANG) != 0)
                return -1;
        }
    }
    collect_addresses(sp);
    return 0;
}

static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[600];

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* Waits up to TIMEOUT_MS for the child; returns 1 once it has been reaped. */
static int reap(pid_t pid, int *status, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;

    do {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno == ECHILD))
            return 1;
        usleep(10000);
    } while (now_ms() < deadline);
    return 0;
}

int server_proc_stop(struct server_proc *sp)
{
    int status = 0;
    int result = -1;

    if (sp->pid > 0) {
        kill(sp->pid, SIGTERM);
        if (!reap(sp->pid, &status, scaled_ms(3000))) {
            kill(sp->pid, SIGKILL);
            reap(sp->pid, &status, 3000);
        } else if (WIFEXITED(status)) {
            result = WEXITSTATUS(status);
        }
        sp->pid = -1;
    }
    return result;
}

void server_proc_cleanup(struct server_proc *sp)
{
    server_proc_stop(sp);
    if (sp->out_fd >= 0) {
        while (read_output(sp, 0) > 0)
            ;
        close(sp->out_fd);
        sp->out_fd = -1;
    }
    if (sp->dir[0] != '\0') {
        remove_dir(sp->dir);
        sp->dir[0] = '\0';
    }
}

int count_fds(pid_t pid)
{
    char path[64];
    DIR *d;
    struct dirent *e;
    int n = 0;

    snprintf(path, sizeof path, "/proc/%ld/fd", (long)pid);
    d = opendir(path);
    if (d == NULL)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            n++;
    closedir(d);
    return n;
}

int settled_fd_count(pid_t pid)
{
    int count = count_fds(pid);

    for (int tries = 0; tries < 50; tries++) {
        int now;

        usleep(100000);
        now = count_fds(pid);
        if (now == count)
            return count;
        count = now;
    }
    return count;
}
