/*
 * skeleton.h - idlc --skeleton: a server for the user to fill in.
 *
 * Not one of the generated files (gen.h): it is written once, carries no
 * generator marker, and is the user's from then on.  Its handler
 * prototypes are printed by gen_signature(), the function that prints
 * them in struct NAME_ops, so the two always agree.
 */
#ifndef IDLC_SKELETON_H
#define IDLC_SKELETON_H

#include "gen.h"

/* Writes the skeleton, to be saved as FILE_NAME (its own comment names
 * it): a handler per procedure that fails with "not implemented yet",
 * each interface's ops table, and a main() that serves them all on the
 * addresses given as arguments until SIGINT or SIGTERM. */
void gen_skeleton(const struct gen *g, const char *file_name,
                  struct emit *e);

#endif /* IDLC_SKELETON_H */
