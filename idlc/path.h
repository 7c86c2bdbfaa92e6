/*
 * path.h - file names as idlc handles them: the directory an import is
 * looked for in, the stem that names the generated files, and joining a
 * directory with a name the way make and messages spell it.
 */
#ifndef IDLC_PATH_H
#define IDLC_PATH_H

#include <stddef.h>

/* The part of PATH after its last '/': "calc.idl" of "src/calc.idl";
 * empty when PATH ends in '/'. */
const char *path_base(const char *path);

/* The directory of PATH, malloc'd: "." when it has none, "/" for a file
 * of the root; NULL when memory runs out. */
char *path_dir(const char *path);

/* NAME in DIR, malloc'd: NAME alone when DIR is "." or NAME is absolute,
 * else "DIR/NAME" without doubling a '/'; NULL when memory runs out. */
char *path_join(const char *dir, const char *name);

/* The length of the stem of file name NAME (no directory): NAME without
 * ".idl", "calc" of "calc.idl", which names the generated calc.h. */
size_t path_stem_len(const char *name);

#endif /* IDLC_PATH_H */
