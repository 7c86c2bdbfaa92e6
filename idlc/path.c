#include "config.h"

/* path.c - the file-name helpers of path.h. */

#include "path.h"

#include <string.h>

#include "names.h"

const char *path_base(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

char *path_dir(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (slash == NULL)
        return str_printf(".");
    if (slash == path)
        return str_printf("/");
    return str_printf("%.*s", (int)(slash - path), path);
}

char *path_join(const char *dir, const char *name)
{
    size_t len = strlen(dir);

    if (name[0] == '/' || strcmp(dir, ".") == 0)
        return str_printf("%s", name);
    if (len > 0 && dir[len - 1] == '/')
        return str_printf("%s%s", dir, name);
    return str_printf("%s/%s", dir, name);
}

size_t path_stem_len(const char *name)
{
    size_t len = strlen(name);

    if (len > 4 && strcmp(name + len - 4, ".idl") == 0)
        len -= 4;
    return len;
}
