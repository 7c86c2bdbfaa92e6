/* idl_front.c - see idl_front.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "idl_front.h"
#include "lint.h"
#include "parse.h"
#include "sema.h"

static FILE *sink;

void idl_front_init(void)
{
    sink = fopen("/dev/null", "w");
    fuzz_check(sink != NULL, "/dev/null opens");
}

void idl_front_run(struct idl_front *fr, const char *src, size_t len,
                   bool sorted)
{
    memset(fr, 0, sizeof *fr);
    fr->text = malloc(len + 1);
    if (fr->text == NULL)
        return;
    memcpy(fr->text, src, len);
    fr->text[len] = '\0';
    diag_init(&fr->diag, "fuzz.idl", fr->text, len, sink);
    fr->diag.sorted = sorted;
    fr->file = idl_parse(fr->text, len, &fr->diag);
    if (fr->file == NULL || fr->file->nimports > 0) {
        diag_flush(&fr->diag);
        return;
    }
    fr->file->stem = "fuzz";
    fr->file->idl_name = "fuzz.idl";
    if (sema_check(fr->file, &fr->diag) && fr->diag.nerrors == 0)
        lint_check(fr->file, &fr->diag);
    diag_flush(&fr->diag);
    fr->ok = fr->diag.nerrors == 0 && !fr->diag.stopped;
}

void idl_front_free(struct idl_front *fr)
{
    if (fr->file != NULL)
        ast_file_free(fr->file);
    free(fr->text);
}
