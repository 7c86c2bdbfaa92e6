/*
 * fuzz_compat.c - idlc --check-compat on two arbitrary files.
 *
 * The input is two .idl files separated by a NUL byte (which no .idl file
 * holds); without one, the input is compared with itself.  Both go
 * through the front end; when both are free of errors they are compared
 * both ways.  A file compared with itself must be compatible: every rule
 * in compat.c must hold of identical declarations.
 */
#include "config.h"

#include <string.h>

#include "compat.h"
#include "fuzz.h"
#include "idl_front.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    idl_front_init();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t old_len = nul != NULL ? (size_t)(nul - data) : size;
    const uint8_t *new_src = nul != NULL ? nul + 1 : data;
    size_t new_len = nul != NULL ? size - old_len - 1 : size;
    struct idl_front old, new;

    idl_front_run(&old, (const char *)data, old_len, false);
    idl_front_run(&new, (const char *)new_src, new_len, false);
    if (old.ok && new.ok) {
        bool forward = compat_check(old.file, &old.diag, new.file, &new.diag);

        compat_check(new.file, &new.diag, old.file, &old.diag);
        if (nul == NULL)
            fuzz_check(forward, "a file is compatible with itself");
        fuzz_check(compat_check(old.file, &old.diag, old.file, &old.diag),
                   "the old file is compatible with itself");
    }
    idl_front_free(&old);
    idl_front_free(&new);
    return 0;
}
