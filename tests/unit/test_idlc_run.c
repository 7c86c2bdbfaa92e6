#include "config.h"

#include "test_idlc_run.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *env_path(const char *var, const char *rel)
{
    const char *top = getenv(var);

    return join(top != NULL ? top : ".", rel);
}

char *src_path(const char *rel)
{
    return env_path("top_srcdir", rel);
}

char *build_path(const char *rel)
{
    return env_path("top_builddir", rel);
}

char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *s = malloc(len);

    if (s == NULL)
        abort();
    snprintf(s, len, "%s/%s", dir, name);
    return s;
}

/* In the child: points FD at PATH (or /dev/null). */
static void redirect(int fd, const char *path)
{
    int f = open(path != NULL ? path : "/dev/null",
                 O_WRONLY | O_CREAT | O_TRUNC, 0644);

    if (f < 0 || dup2(f, fd) < 0)
        _exit(126);
    close(f);
}

int run_program(const char *cwd, char *const argv[], const char *out,
                const char *err)
{
    pid_t pid;
    int status;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        redirect(STDOUT_FILENO, out);
        redirect(STDERR_FILENO, err);
        if (cwd != NULL && chdir(cwd) != 0)
            _exit(126);
        execv(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

int run_idlc(const char *cwd, const char *const args[], const char *out,
             const char *err)
{
    char *argv[16];
    size_t n = 0;
    int rc;

    argv[n++] = build_path("idlc/idlc");
    for (size_t i = 0; args[i] != NULL && n < 15; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    rc = run_program(cwd, argv, out, err);
    free(argv[0]);
    return rc;
}

char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t n = 0;
    size_t cap = 0;

    if (f == NULL)
        return NULL;
    for (;;) {
        if (n + 1 >= cap) {
            cap = cap != 0 ? cap * 2 : 4096;
            buf = realloc(buf, cap);
            if (buf == NULL)
                abort();
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        if (got == 0)
            break;
        n += got;
    }
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");

    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f) == 0 ? 0 : -1;
}

/* Set between scratch_begin() and scratch_end(). */
static char *scratch_root;

char *make_tmpdir(void)
{
    const char *tmp = getenv("TMPDIR");
    char *dir;

    if (scratch_root != NULL)
        tmp = scratch_root;
    else if (tmp == NULL || tmp[0] == '\0')
        tmp = "/tmp";
    dir = join(tmp, "idlc-test.XXXXXX");
    if (mkdtemp(dir) == NULL)
        abort();
    return dir;
}

void scratch_begin(void)
{
    scratch_root = make_tmpdir();
}

void scratch_end(void)
{
    if (scratch_root == NULL)
        return;
    remove_tree(scratch_root);
    free(scratch_root);
    scratch_root = NULL;
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void remove_tree(const char *dir)
{
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}
