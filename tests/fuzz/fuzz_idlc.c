/*
 * fuzz_idlc.c - idlc's whole front end and every generator, in memory.
 *
 * The input is an .idl file.  It is parsed, checked and linted as idlc
 * compiles it; when that finds no error, the header, the client, the
 * server and the skeleton are generated into memory.  A crash, a
 * sanitizer report or a leak is a finding, and so is a generator that
 * fails on a file the front end accepted (short of memory running out).
 */
#include "config.h"

#include "emit.h"
#include "fuzz.h"
#include "gen.h"
#include "idl_front.h"
#include "skeleton.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    idl_front_init();
    return 0;
}

/* Runs GEN over G into memory: its text must come out. */
static void generate(const struct gen *g,
                     void (*gen)(const struct gen *, struct emit *))
{
    struct emit e;

    emit_init(&e);
    gen(g, &e);
    fuzz_check(!emit_failed(&e) && emit_text(&e) != NULL && e.len > 0,
               "a generator writes its file");
    emit_free(&e);
}

static void gen_skeleton_file(const struct gen *g, struct emit *e)
{
    gen_skeleton(g, "fuzz_skel.c", e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct idl_front fr;

    idl_front_run(&fr, (const char *)data, size, true);
    if (fr.ok) {
        struct gen g = { fr.file, fr.file->idl_name, "fuzz" };

        generate(&g, gen_header);
        generate(&g, gen_client);
        generate(&g, gen_server);
        generate(&g, gen_skeleton_file);
    }
    idl_front_free(&fr);
    return 0;
}
