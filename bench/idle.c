/*
 * idle - what an idle connection costs a server with default options.
 *
 *     bench/idle [-n CONNS] [-t unix|tcp|all] [-l SOFT]
 *
 * For each transport a child process (fork) runs an srpc_server created
 * with NULL options -- every default, as examples/calc's server -- serving
 * the examples' calc interface (examples/calc/calc.idl, stubs from idlc)
 * over a Unix socket in a mkdtemp directory or on 127.0.0.1 with a free
 * port.  This process opens CONNS (10000) connections to it, makes one
 * calc.add call on each to prove the server accepted and serves it, and
 * keeps them all open.  The server's VmRSS (/proc/PID/status) is read
 * after a warm-up call and again with every connection open; the
 * difference divided by CONNS is printed as bytes per idle connection.
 * Then the connections are closed and the child is stopped (SIGTERM, a
 * graceful stop) and waited for.
 *
 * The server child starts with the soft descriptor limit this program was
 * started with (or SOFT, with -l), so what it serves is what a default
 * server gets from raising its own limit.  This process raises its own soft
 * limit for its CONNS client sockets; when the hard limit is too low for
 * them it says so and exits 77 (a skip for the test harness).
 *
 * The clients are raw sockets, not srpc_client: a client keeps a 64 KiB
 * read buffer once it has read, and ten thousand of them would measure
 * this process's memory, which is not the question.
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <msgpack.h>
#include <sockrpc.h>

#include "calc.h"

enum {
    DEFAULT_CONNS = 10000,
    MAX_CONNS = 1000000,     /* msgids and arguments stay int32 */
    FD_SLACK = 64,           /* this process's own descriptors */
    IO_TIMEOUT_S = 5,        /* a hung server fails the run, not hangs it */
    STOP_WAIT_MS = 10000
};

enum transport { T_UNIX, T_TCP };
static const char *const transport_name[] = { "unix", "tcp" };

/* What the server child tells this process once it listens. */
struct report {
    char address[160];          /* srpc_server_address(), "" on failure */
    char error[160];
    unsigned long long soft_before, soft_after;
};

struct server_proc {
    pid_t pid;
    struct report rep;
};

static void die(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("bench/idle: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ---- the server child --------------------------------------------------- */

static srpc_server *the_server;

static void on_term(int sig)
{
    (void)sig;
    srpc_server_stop(the_server); /* async-signal-safe */
}

static int add_handler(srpc_call *call, int32_t a, int32_t b, int32_t *result)
{
    (void)call;
    *result = (int32_t)((uint32_t)a + (uint32_t)b); /* wraps, never UB */
    return SRPC_OK;
}

static const struct calc_ops handlers = { .add = add_handler };

/* The soft descriptor limit now, for the report. */
static unsigned long long soft_limit(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        die("getrlimit: %s", strerror(errno));
    return (unsigned long long)rl.rlim_cur;
}

/* Creates the server with default options and listens on ADDRESS; false
 * with REP->error filled in when it could not. */
static bool serve(const char *address, struct report *rep)
{
    struct sigaction sa;
    int rc;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_term;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0) {
        snprintf(rep->error, sizeof rep->error, "sigaction: %s",
                 strerror(errno));
        return false;
    }
    rc = srpc_server_create(&the_server, NULL);
    rep->soft_after = soft_limit();
    if (rc != SRPC_OK) {
        snprintf(rep->error, sizeof rep->error, "create: %s",
                 srpc_strerror(rc));
        return false;
    }
    if (calc_serve(the_server, &handlers, NULL) != SRPC_OK ||
        srpc_server_listen(the_server, address) != SRPC_OK) {
        snprintf(rep->error, sizeof rep->error, "%s",
                 srpc_server_errmsg(the_server));
        return false;
    }
    snprintf(rep->address, sizeof rep->address, "%s",
             srpc_server_address(the_server, 0));
    return true;
}

/* The child: soft limit SOFT, a server on ADDRESS, a report on WFD, then
 * serving until SIGTERM. */
static void child_main(int wfd, const char *address, rlim_t soft)
{
    struct report rep;
    struct rlimit rl;
    bool ok;

    memset(&rep, 0, sizeof rep);
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        die("getrlimit: %s", strerror(errno));
    rl.rlim_cur = soft;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        snprintf(rep.error, sizeof rep.error, "soft limit %llu: %s",
                 (unsigned long long)soft, strerror(errno));
    rep.soft_before = soft_limit();
    ok = rep.error[0] == '\0' && serve(address, &rep);
    /* One write of less than PIPE_BUF bytes arrives whole. */
    if (write(wfd, &rep, sizeof rep) != (ssize_t)sizeof rep)
        ok = false;
    close(wfd);
    if (ok && srpc_server_run(the_server) != SRPC_OK)
        ok = false;
    srpc_server_destroy(the_server);
    _exit(ok ? 0 : 1);
}

static struct server_proc server_start(const char *address, rlim_t soft)
{
    struct server_proc sp;
    int fds[2];
    ssize_t n;

    if (pipe(fds) < 0)
        die("pipe: %s", strerror(errno));
    fflush(stdout); /* nothing buffered is written twice */
    sp.pid = fork();
    if (sp.pid < 0)
        die("fork: %s", strerror(errno));
    if (sp.pid == 0) {
        close(fds[0]);
        child_main(fds[1], address, soft);
    }
    close(fds[1]);
    do
        n = read(fds[0], &sp.rep, sizeof sp.rep);
    while (n < 0 && errno == EINTR);
    close(fds[0]);
    if (n != (ssize_t)sizeof sp.rep)
        die("the server child died before it listened");
    if (sp.rep.address[0] == '\0')
        die("server: %s", sp.rep.error);
    return sp;
}

/* Stops the child gracefully and waits for it, at most STOP_WAIT_MS. */
static void server_stop(struct server_proc *sp)
{
    int status = 0;
    pid_t got = 0;

    if (kill(sp->pid, SIGTERM) < 0)
        die("kill: %s", strerror(errno));
    for (int ms = 0; ms < STOP_WAIT_MS && got == 0; ms += 10) {
        got = waitpid(sp->pid, &status, WNOHANG);
        if (got == 0)
            usleep(10 * 1000);
    }
    if (got == 0) {
        kill(sp->pid, SIGKILL);
        waitpid(sp->pid, &status, 0);
        die("the server did not stop within %d ms", STOP_WAIT_MS);
    }
    if (got < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        die("the server failed (status %d)", status);
}

/* VmRSS of PID in KiB. */
static long rss_kib(pid_t pid)
{
    char path[64], line[256];
    long kib = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    f = fopen(path, "r");
    if (!f)
        die("%s: %s", path, strerror(errno));
    while (kib < 0 && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kib) != 1)
            kib = -1;
    fclose(f);
    if (kib < 0)
        die("%s: no VmRSS line", path);
    return kib;
}

/* ---- the clients -------------------------------------------------------- */

/* A blocking socket connected to ADDRESS, an "unix:PATH" or
 * "tcp:127.0.0.1:PORT" as srpc_server_address() gives them. */
static int connect_to(const char *address)
{
    struct timeval tv = { IO_TIMEOUT_S, 0 };
    struct sockaddr_storage ss;
    socklen_t len;
    int fd;

    memset(&ss, 0, sizeof ss);
    if (strncmp(address, "unix:", 5) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *)&ss;

        un->sun_family = AF_UNIX;
        if (strlen(address + 5) >= sizeof un->sun_path)
            die("%s: path too long", address);
        strcpy(un->sun_path, address + 5);
        len = sizeof *un;
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;
        const char *port = strrchr(address, ':');

        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        in->sin_port = htons((uint16_t)atoi(port + 1));
        len = sizeof *in;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die("socket: %s", strerror(errno));
    if (connect(fd, (struct sockaddr *)&ss, len) < 0)
        die("connect %s: %s", address, strerror(errno));
    if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0)
        die("setsockopt: %s", strerror(errno));
    return fd;
}

/* calc.add(N, 1) over FD, checked: [1, N, nil, N + 1] must come back.
 * Anything else, such as the "sockrpc.closing" notice of a refusal, or a
 * timeout, ends the run. */
static void one_call(int fd, uint32_t n)
{
    msgpack_sbuffer sb;
    msgpack_packer pk;
    msgpack_unpacker unp;
    msgpack_unpacked u;
    msgpack_unpack_return ret = MSGPACK_UNPACK_CONTINUE;
    const msgpack_object *o;

    msgpack_sbuffer_init(&sb);
    msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
    msgpack_pack_array(&pk, 4);
    msgpack_pack_uint32(&pk, 0);
    msgpack_pack_uint32(&pk, n);
    msgpack_pack_str(&pk, 8);
    msgpack_pack_str_body(&pk, "calc.add", 8);
    msgpack_pack_array(&pk, 2);
    msgpack_pack_uint32(&pk, n);
    msgpack_pack_uint32(&pk, 1);
    if (send(fd, sb.data, sb.size, MSG_NOSIGNAL) != (ssize_t)sb.size)
        die("call %u: send: %s", n, strerror(errno));
    msgpack_sbuffer_destroy(&sb);

    if (!msgpack_unpacker_init(&unp, 256))
        die("out of memory");
    msgpack_unpacked_init(&u);
    while (ret == MSGPACK_UNPACK_CONTINUE) {
        ssize_t got;

        if (!msgpack_unpacker_reserve_buffer(&unp, 256))
            die("out of memory");
        got = recv(fd, msgpack_unpacker_buffer(&unp), 256, 0);
        if (got <= 0)
            die("call %u: no reply (%s): refused, or the server is gone",
                n, got == 0 ? "EOF" : strerror(errno));
        msgpack_unpacker_buffer_consumed(&unp, (size_t)got);
        ret = msgpack_unpacker_next(&unp, &u);
    }
    o = &u.data;
    if (ret != MSGPACK_UNPACK_SUCCESS || o->type != MSGPACK_OBJECT_ARRAY ||
        o->via.array.size != 4 || o->via.array.ptr[0].via.u64 != 1 ||
        o->via.array.ptr[1].via.u64 != n ||
        o->via.array.ptr[2].type != MSGPACK_OBJECT_NIL ||
        o->via.array.ptr[3].via.u64 != (uint64_t)n + 1)
        die("call %u: not the reply expected (refused?)", n);
    msgpack_unpacked_destroy(&u);
    msgpack_unpacker_destroy(&unp);
}

/* Closes FD; a TCP client resets instead of lingering in TIME_WAIT, so
 * that runs in a row do not use up the ephemeral ports. */
static void close_client(int fd, enum transport t)
{
    struct linger lg = { 1, 0 };

    if (t == T_TCP)
        (void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

/* ---- one measurement ---------------------------------------------------- */

static void measure(enum transport t, size_t conns, rlim_t soft)
{
    char dir[] = "/tmp/srpc-idle-XXXXXX", address[200] = "tcp:127.0.0.1:0";
    struct server_proc sp;
    long before, after;
    int *fds, warm;

    if (t == T_UNIX) {
        if (!mkdtemp(dir))
            die("mkdtemp: %s", strerror(errno));
        snprintf(address, sizeof address, "unix:%s/idle.sock", dir);
    }
    sp = server_start(address, soft);

    /* The first call allocates what every call shares (the server's read
     * buffer, its call memory): that is not per connection. */
    warm = connect_to(sp.rep.address);
    one_call(warm, 0);
    close_client(warm, t);
    before = rss_kib(sp.pid);

    fds = calloc(conns, sizeof *fds);
    if (!fds)
        die("out of memory");
    for (size_t i = 0; i < conns; i++) {
        fds[i] = connect_to(sp.rep.address);
        one_call(fds[i], (uint32_t)(i + 1));
    }
    after = rss_kib(sp.pid);
    printf("%-4s  %zu connections open, each served one call; server soft "
           "limit %llu -> %llu; VmRSS %ld -> %ld KiB: %.0f bytes per idle "
           "connection\n", transport_name[t], conns, sp.rep.soft_before,
           sp.rep.soft_after, before, after,
           (double)(after - before) * 1024.0 / (double)conns);
    fflush(stdout);

    for (size_t i = 0; i < conns; i++)
        close_client(fds[i], t);
    free(fds);
    server_stop(&sp);
    if (t == T_UNIX && rmdir(dir) < 0) /* the server removed its socket */
        die("rmdir %s: %s", dir, strerror(errno));
}

/* Room for CONNS client sockets here; exits 77 when the hard limit has
 * none. */
static void make_room(size_t conns)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)conns + FD_SLACK;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        die("getrlimit: %s", strerror(errno));
    if (rl.rlim_cur >= want)
        return;
    if (rl.rlim_max < want) {
        fprintf(stderr, "bench/idle: the hard descriptor limit %llu is below "
                "the %llu that %zu connections need: skipped\n",
                (unsigned long long)rl.rlim_max, (unsigned long long)want,
                conns);
        exit(77);
    }
    rl.rlim_cur = want;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        die("setrlimit: %s", strerror(errno));
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bench/idle [-n CONNS] [-t unix|tcp|all] [-l SOFT]\n"
               "  -n  connections held open at once (%d)\n"
               "  -t  transports to measure (all)\n"
               "  -l  the server's soft descriptor limit at start (this "
               "process's)\n", DEFAULT_CONNS);
}

int main(int argc, char **argv)
{
    size_t conns = DEFAULT_CONNS;
    bool want[2] = { true, true };
    rlim_t soft;
    int opt;

    soft = (rlim_t)soft_limit(); /* before make_room() raises ours */
    while ((opt = getopt(argc, argv, "n:t:l:h")) != -1) {
        switch (opt) {
        case 'n':
            conns = strtoul(optarg, NULL, 10);
            break;
        case 't':
            want[T_UNIX] = strcmp(optarg, "tcp") != 0;
            want[T_TCP] = strcmp(optarg, "unix") != 0;
            break;
        case 'l':
            soft = strtoul(optarg, NULL, 10);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (conns == 0 || conns > MAX_CONNS || soft == 0 || optind != argc) {
        usage(stderr);
        return 2;
    }
    make_room(conns);
    for (int t = T_UNIX; t <= T_TCP; t++)
        if (want[t])
            measure((enum transport)t, conns, soft);
    return 0;
}
