#include "config.h"

/* test_idlc_import.c - import "x.idl": where files are looked for, files
 * imported twice or in a cycle, errors in imported files, and the
 * dependency rule that lists every file read. */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "test_idlc_run.h"

/* Writes TEXT to DIR/NAME, creating DIR/SUB for "SUB/NAME". */
static void put(const char *dir, const char *name, const char *text)
{
    char *path = join(dir, name);
    char *slash = strrchr(path, '/');

    *slash = '\0';
    mkdir(path, 0700);   /* may exist already */
    *slash = '/';
    ck_assert_int_eq(write_file(path, text), 0);
    free(path);
}

/* Runs idlc in DIR with ARGS; *ERR gets its stderr (malloc'd). */
static int idlc_in(const char *dir, const char *const args[], char **err)
{
    char *errpath = join(dir, "stderr");
    int rc = run_idlc(dir, args, NULL, errpath);

    *err = read_file(errpath, NULL);
    ck_assert_ptr_nonnull(*err);
    free(errpath);
    return rc;
}

static const char point_idl[] =
    "module geo;\n"
    "struct point { int32 x; int32 y; };\n";

START_TEST(found_beside_then_in_include_dirs_in_order)
{
    char *dir = make_tmpdir();
    char *err;

    /* The same name in two -I directories: the first one given wins. */
    put(dir, "one/geo.idl", point_idl);
    put(dir, "two/geo.idl", "module other;\nstruct point { int64 z; };\n");
    put(dir, "main.idl",
        "import \"geo.idl\";\ninterface m { point f(); }\n");
    const char *args[] = { "-I", "one", "-Itwo", "-o", "out", "main.idl",
                           NULL };
    ck_assert_int_eq(idlc_in(dir, args, &err), 0);
    ck_assert_str_eq(err, "");
    char *h = join(dir, "out/main.h");
    char *text = read_file(h, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "struct geo_point *result"));
    ck_assert_ptr_nonnull(strstr(text, "#include \"geo.h\""));
    free(text);
    free(err);

    /* A file beside the importer comes before every -I directory. */
    put(dir, "geo.idl", "module near;\nstruct point { bool b; };\n");
    ck_assert_int_eq(idlc_in(dir, args, &err), 0);
    text = read_file(h, NULL);
    ck_assert_ptr_nonnull(strstr(text, "struct near_point *result"));
    free(text);
    free(err);
    free(h);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(missing_import_lists_every_place_searched)
{
    char *dir = make_tmpdir();
    char *err;

    put(dir, "src/main.idl",
        "import \"lib/geo.idl\";\ninterface m { void f(); }\n");
    const char *args[] = { "-I", "inc", "-I", "/nonexistent", "-o", "out",
                           "src/main.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, args, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "src/main.idl:1:8: error: cannot find "
                                 "imported file 'lib/geo.idl' (searched "
                                 "'src', 'inc', '/nonexistent')"));
    free(err);

    /* An absolute name is looked for there only. */
    put(dir, "src/abs.idl",
        "import \"/nonexistent/geo.idl\";\ninterface m { void f(); }\n");
    const char *abs[] = { "-I", "inc", "-o", "out", "src/abs.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, abs, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "src/abs.idl:1:8: error: cannot find "
                                 "imported file '/nonexistent/geo.idl'\n"));
    free(err);
    /* Nothing is written when an import is missing. */
    char *out = join(dir, "out/main.h");
    struct stat st;
    ck_assert_int_ne(stat(out, &st), 0);
    free(out);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(diamond_is_read_once)
{
    char *dir = make_tmpdir();
    char *err;

    /* main imports a and b, both import geo: one geo, no redefinition. */
    put(dir, "x/geo.idl", point_idl);
    put(dir, "x/a.idl", "import \"geo.idl\";\nstruct a { point p; };\n");
    put(dir, "x/b.idl", "import \"./geo.idl\";\nstruct b { point q; };\n");
    put(dir, "x/main.idl",
        "import \"a.idl\";\nimport \"b.idl\";\n"
        "interface m { point f(a x, b y); }\n");
    const char *args[] = { "-MD", "-o", "out", "x/main.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, args, &err), 0);
    ck_assert_str_eq(err, "");
    free(err);

    /* The rule names every file read, each once, the input first. */
    char *d = join(dir, "out/main.d");
    char *rule = read_file(d, NULL);
    ck_assert_ptr_nonnull(rule);
    ck_assert_ptr_nonnull(strstr(rule, ": x/main.idl x/a.idl"));
    ck_assert_ptr_nonnull(strstr(rule, " x/b.idl\n"));
    char *geo = strstr(rule, " x/geo.idl ");
    ck_assert_ptr_nonnull(geo);
    ck_assert_ptr_null(strstr(geo + strlen(" x/geo.idl"), "geo.idl"));
    free(rule);
    free(d);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(cycle_is_an_error)
{
    char *dir = make_tmpdir();
    char *err;

    put(dir, "p/a.idl", "import \"b.idl\";\ninterface a { void f(); }\n");
    put(dir, "p/b.idl", "import \"c.idl\";\nstruct b { int32 x; };\n");
    put(dir, "p/c.idl", "import \"a.idl\";\nstruct c { int32 y; };\n");
    const char *args[] = { "-o", "out", "p/a.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, args, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "p/c.idl:1:8: error: 'a.idl' is "
                                 "already being imported: imports cannot "
                                 "form a cycle"));
    free(err);

    /* A file that imports itself. */
    put(dir, "p/self.idl", "import \"self.idl\";\ninterface s { void f(); }\n");
    const char *self[] = { "-o", "out", "p/self.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, self, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "p/self.idl:1:8: error: 'self.idl' is "
                                 "already being imported"));
    free(err);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(errors_in_an_imported_file)
{
    char *dir = make_tmpdir();
    char *err;

    /* The imported file's errors, with its name; none for the uses of its
     * types in the importer, which is not checked. */
    put(dir, "q/geo.idl", "struct point { wobble x; };\n");
    put(dir, "q/main.idl",
        "import \"geo.idl\";\ninterface m { point f(); nosuch g(); }\n");
    const char *args[] = { "-o", "out", "q/main.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, args, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "q/geo.idl:1:16: error: unknown type "
                                 "'wobble'"));
    ck_assert_ptr_null(strstr(err, "main.idl"));
    free(err);

    /* The importer's own syntax errors are still reported. */
    put(dir, "q/main.idl",
        "import \"geo.idl\";\ninterface m { point f() }\n");
    ck_assert_int_eq(idlc_in(dir, args, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "q/geo.idl:1:16: error"));
    ck_assert_ptr_nonnull(strstr(err, "q/main.idl:2:24: error: expected ';' "
                                 "at end of declaration"));
    free(err);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(top_level_takes_the_stem_or_the_module)
{
    char *dir = make_tmpdir();
    char *err;

    put(dir, "r/shared.idl", "struct point { int32 x; };\n");
    put(dir, "r/main.idl", "module acme;\nimport \"shared.idl\";\n"
        "struct tag { string t; };\n"
        "interface m { tag f(point p); }\n");
    const char *args[] = { "-o", "out", "r/main.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, args, &err), 0);
    ck_assert_str_eq(err, "");
    free(err);
    char *h = join(dir, "out/main.h");
    char *text = read_file(h, NULL);
    ck_assert_ptr_nonnull(text);
    /* shared.idl has no module: its stem; main's top level: its module;
     * main's interface: module_interface. */
    ck_assert_ptr_nonnull(strstr(text, "int acme_m_f(srpc_client *client, "
                                 "const struct shared_point *p,"));
    ck_assert_ptr_nonnull(strstr(text, "struct acme_tag {"));
    free(text);
    free(h);
    remove_tree(dir);
    free(dir);
}
END_TEST

START_TEST(names_that_clash_across_files)
{
    char *dir = make_tmpdir();
    char *err;

    /* Two files whose headers would both be t.h. */
    put(dir, "a/t.idl", "module ma;\nstruct p { int32 a; };\n");
    put(dir, "b/t.idl", "module mb;\nstruct q { int32 b; };\n");
    put(dir, "m.idl", "import \"a/t.idl\";\nimport \"b/t.idl\";\n"
        "interface m { void f(p x, q y); }\n");
    const char *two[] = { "-o", "out", "m.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, two, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "m.idl:2:8: error: 'b/t.idl' would "
                                 "generate t.h, the header 'a/t.idl' "
                                 "generates too"));
    free(err);

    /* The importer's header and the imported one. */
    put(dir, "lib/x.idl", "struct r { int32 z; };\n");
    put(dir, "x.idl", "import \"lib/x.idl\";\ninterface y { void f(r v); }\n");
    const char *self[] = { "-o", "out", "x.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, self, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "would generate x.h, the header "
                                 "'x.idl' generates too"));
    free(err);

    /* A type named like one of an imported file of the same module. */
    put(dir, "c/geo.idl", "module geo;\nstruct point { int32 x; };\n");
    put(dir, "b.idl", "import \"c/geo.idl\";\nmodule geo;\n"
        "struct point { int32 y; };\ninterface b { void f(point p); }\n");
    const char *same[] = { "-o", "out", "b.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, same, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "b.idl:3:8: error: the C name 'struct "
                                 "geo_point' of struct 'point' clashes with "
                                 "struct 'point' (in geo)"));
    ck_assert_ptr_nonnull(strstr(err, "b.idl:1:8: note: struct 'point' (in "
                                 "geo) comes from here"));
    free(err);
    remove_tree(dir);
    free(dir);
}
END_TEST

/* calc.idl: the top level's prefix is "calc", like the interface's; a
 * sequence both spell is one C type, not two structs of one name. */
START_TEST(top_level_and_interface_share_a_stem)
{
    char *dir = make_tmpdir();
    char *err;

    put(dir, "s/calc.idl", "typedef sequence<int32> ints;\n"
        "interface calc { int32 f(sequence<int32> xs, ints ys); }\n");
    const char *args[] = { "-o", "out", "s/calc.idl", NULL };
    ck_assert_int_eq(idlc_in(dir, args, &err), 0);
    ck_assert_str_eq(err, "");
    free(err);
    char *h = join(dir, "out/calc.h");
    char *text = read_file(h, NULL);
    char *first = strstr(text, "struct calc_seq_int32 {");
    ck_assert_ptr_nonnull(first);
    ck_assert_ptr_null(strstr(first + 1, "struct calc_seq_int32 {"));
    free(text);
    free(h);

    /* Two spellings of one C layout in two scopes of one prefix: an
     * error, not two definitions. */
    put(dir, "s/calc.idl", "typedef sequence<string> words;\n"
        "interface calc { int32 f(sequence<string<8>> xs, words ys); }\n");
    ck_assert_int_eq(idlc_in(dir, args, &err), 1);
    ck_assert_ptr_nonnull(strstr(err, "the C name 'struct calc_seq_string' "
                                 "of sequence<string<8>> clashes with "
                                 "sequence<string>"));
    free(err);
    remove_tree(dir);
    free(dir);
}
END_TEST

static Suite *import_suite(void)
{
    Suite *s = suite_create("idlc import");
    TCase *tc = tcase_create("import");

    tcase_add_unchecked_fixture(tc, scratch_begin, scratch_end);
    tcase_add_test(tc, found_beside_then_in_include_dirs_in_order);
    tcase_add_test(tc, missing_import_lists_every_place_searched);
    tcase_add_test(tc, diamond_is_read_once);
    tcase_add_test(tc, cycle_is_an_error);
    tcase_add_test(tc, errors_in_an_imported_file);
    tcase_add_test(tc, top_level_takes_the_stem_or_the_module);
    tcase_add_test(tc, names_that_clash_across_files);
    tcase_add_test(tc, top_level_and_interface_share_a_stem);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(import_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
