#include "config.h"

#include "names.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *str_printf(const char *fmt, ...)
{
    /* Most names fit here: formatted once, then copied.  A longer text
     * is formatted again, into memory of its size. */
    char buf[256];
    va_list ap;
    int len;
    char *s;

    va_start(ap, fmt);
    len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (len < 0)
        return NULL;
    s = malloc((size_t)len + 1);
    if (s == NULL)
        return NULL;
    if ((size_t)len < sizeof buf) {
        memcpy(s, buf, (size_t)len + 1);
        return s;
    }
    va_start(ap, fmt);
    vsnprintf(s, (size_t)len + 1, fmt, ap);
    va_end(ap);
    return s;
}

char *wire_literal(const struct idl_iface *iface,
                   const struct idl_proc *proc)
{
    const char *prefix = iface->wire_prefix;

    if (proc->wire_name != NULL)
        return str_printf("%s", proc->wire_name);
    if (prefix != NULL)
        return str_printf("\"%.*s%s\"", (int)strlen(prefix) - 2, prefix + 1,
                          proc->name);
    return str_printf("\"%s.%s\"", iface->name, proc->name);
}

bool names_is_identifier(const char *s)
{
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return false;
    for (; *s != '\0'; s++) {
        if (!isalnum((unsigned char)*s) && *s != '_')
            return false;
    }
    return true;
}

char *dispatch_prefix(const struct idl_file *file,
                      const struct idl_iface *iface)
{
    /* With one interface the short names read better; with several, the
     * dispatch functions of two interfaces' "get" must not collide. */
    if (file->nifaces <= 1)
        return str_printf("%s", "");
    return str_printf("%s_", iface->cname);
}

char *enum_value_cname(const char *iface, const char *en, const char *value)
{
    char *s = str_printf("%s_%s_%s", iface, en, value);

    for (char *p = s; p != NULL && *p != '\0'; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}

char *const_cname(const char *iface, const char *name)
{
    char *s = str_printf("%s_%s", iface, name);

    for (char *p = s; p != NULL && *p != '\0'; p++)
        *p = (char)toupper((unsigned char)*p);
    return s;
}
