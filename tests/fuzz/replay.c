/*
 * replay.c - runs a fuzz target over saved inputs, without libFuzzer.
 *
 *   replay_NAME [FILE|DIR ...]
 *
 * With no arguments it replays $top_srcdir/tests/fuzz/corpus/NAME (the
 * seeds, which must exist) and $top_srcdir/tests/fuzz/regress/NAME (inputs
 * that once found a bug, when there are any); NAME comes from the
 * program's own name.  That is the "make check" test.  A finding aborts,
 * as it does under libFuzzer; exit 1 means an input could not be read.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned long replayed;

/* The whole file PATH, malloc'd (a 1-byte buffer for an empty file). */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;

    if (f == NULL)
        return NULL;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? 2 * cap : 4096;
            uint8_t *nbuf = realloc(buf, ncap);

            if (nbuf == NULL) {
                free(buf);
                fclose(f);
                errno = ENOMEM;
                return NULL;
            }
            buf = nbuf;
            cap = ncap;
        }
        size_t n = fread(buf + len, 1, cap - len, f);

        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *size = len;
    return buf;
}

static bool replay_file(const char *path)
{
    size_t size = 0;
    uint8_t *data = slurp(path, &size);

    if (data == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return false;
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    replayed++;
    return true;
}

/* Every regular file directly in DIR, in no particular order. */
static bool replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    bool ok = true;

    if (d == NULL) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return false;
    }
    while ((e = readdir(d)) != NULL) {
        char path[4096];
        struct stat st;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            ok &= replay_file(path);
    }
    closedir(d);
    return ok;
}

static bool replay_path(const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return false;
    }
    return S_ISDIR(st.st_mode) ? replay_dir(path) : replay_file(path);
}

/* The target's saved inputs in the source tree. */
static bool replay_tree(const char *prog)
{
    const char *top = getenv("top_srcdir");
    const char *base = strrchr(prog, '/');
    const char *name;
    char dir[4096];
    struct stat st;
    bool ok;

    base = base != NULL ? base + 1 : prog;
    if (strncmp(base, "replay_", 7) != 0 || top == NULL) {
        fprintf(stderr, "usage: replay_NAME FILE|DIR ... (or set "
                "top_srcdir and run it as replay_NAME)\n");
        return false;
    }
    name = base + 7;
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", top, name);
    ok = replay_dir(dir);
    snprintf(dir, sizeof dir, "%s/tests/fuzz/regress/%s", top, name);
    if (stat(dir, &st) == 0)
        ok &= replay_dir(dir);
    return ok;
}

int main(int argc, char **argv)
{
    bool ok = true;

    LLVMFuzzerInitialize(&argc, &argv);
    if (argc < 2)
        ok = replay_tree(argv[0]);
    for (int i = 1; i < argc; i++)
        ok &= replay_path(argv[i]);
    printf("%s: %lu inputs replayed\n", argv[0], replayed);
    if (ok && replayed == 0) {
        fprintf(stderr, "replay: no inputs\n");
        ok = false;
    }
    return ok ? 0 : 1;
}
