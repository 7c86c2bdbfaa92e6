#include "config.h"

/* test_parser.c - the grammar: the tree of a good file, and error
 * recovery that reports several syntax errors in one run. */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* Parses SRC; *errors receives the diagnostics (malloc'd). */
static struct idl_file *parse(const char *src, struct diag *d,
                              char **errors)
{
    size_t len;
    FILE *out = open_memstream(errors, &len);
    struct idl_file *file;

    ck_assert_ptr_nonnull(out);
    diag_init(d, "t.idl", src, strlen(src), out);
    file = idl_parse(src, strlen(src), d);
    fclose(out);
    return file;
}

START_TEST(good_file_shape)
{
    static const char src[] =
        "// calculator\n"
        "interface calc {\n"
        "    int32 add(int32 a, int32 b);\n"
        "    oneway void log(string message);\n"
        "    void reset();\n"
        "};\n"
        "interface other { bool ok(); }\n";
    struct diag d;
    char *errors;
    struct idl_file *f = parse(src, &d, &errors);

    ck_assert_str_eq(errors, "");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->nifaces, 2);

    const struct idl_iface *calc = f->ifaces[0];
    ck_assert_str_eq(calc->name, "calc");
    ck_assert_int_eq(calc->loc.first_line, 2);
    ck_assert_int_eq(calc->loc.first_column, 11);
    ck_assert(!calc->broken);
    ck_assert_uint_eq(calc->nprocs, 3);

    const struct idl_proc *add = calc->procs[0];
    ck_assert_str_eq(add->name, "add");
    ck_assert(!add->oneway);
    ck_assert_str_eq(add->result.name, "int32");
    ck_assert_ptr_null(add->result.type);  /* resolved by sema */
    ck_assert_int_eq(add->decl_loc.first_line, 3);
    ck_assert_int_eq(add->decl_loc.first_column, 5);
    ck_assert_uint_eq(add->nparams, 2);
    ck_assert_str_eq(add->params[0].name, "a");
    ck_assert_str_eq(add->params[0].type.name, "int32");
    ck_assert_str_eq(add->params[1].name, "b");
    ck_assert_int_eq(add->params[1].loc.first_column, 30);

    const struct idl_proc *log = calc->procs[1];
    ck_assert(log->oneway);
    ck_assert_str_eq(log->result.name, "void");
    ck_assert_int_eq(log->decl_loc.first_column, 5);  /* at "oneway" */
    ck_assert_uint_eq(log->nparams, 1);
    ck_assert_uint_eq(calc->procs[2]->nparams, 0);

    ck_assert_str_eq(f->ifaces[1]->name, "other");
    ck_assert_uint_eq(f->ifaces[1]->nprocs, 1);
    ast_file_free(f);
    free(errors);
}
END_TEST

START_TEST(union_shape)
{
    static const char src[] =
        "interface u {\n"
        "    union v switch (kind) {\n"
        "        case NONE: void;\n"
        "        case -7: sequence<int32> list;\n"
        "    };\n"
        "    v f();\n"
        "}\n";
    struct diag d;
    char *errors;
    struct idl_file *f = parse(src, &d, &errors);

    ck_assert_str_eq(errors, "");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->ifaces[0]->nstructs, 1);

    const struct idl_struct *un = f->ifaces[0]->structs[0];
    ck_assert(un->is_union);
    ck_assert_str_eq(un->name, "v");
    ck_assert_str_eq(un->disc.name, "kind");
    ck_assert_int_eq(un->disc.loc.first_column, 21);
    ck_assert_uint_eq(un->nfields, 2);
    /* A void arm has a label and no name. */
    ck_assert_str_eq(un->fields[0].label, "NONE");
    ck_assert(!un->fields[0].label_negative);
    ck_assert_ptr_null(un->fields[0].name);
    ck_assert_str_eq(un->fields[0].type.name, "void");
    /* The minus belongs to the label and its location. */
    ck_assert_str_eq(un->fields[1].label, "7");
    ck_assert(un->fields[1].label_negative);
    ck_assert_int_eq(un->fields[1].label_loc.first_column, 14);
    ck_assert_int_eq(un->fields[1].label_loc.last_column, 16);
    ck_assert_str_eq(un->fields[1].name, "list");
    ck_assert_str_eq(un->fields[1].type.name, "sequence");
    ck_assert_uint_eq(un->fields[1].type.nargs, 1);
    ast_file_free(f);
    free(errors);
}
END_TEST

START_TEST(empty_file)
{
    struct diag d;
    char *errors;
    struct idl_file *f = parse("  // nothing\n", &d, &errors);

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->nifaces, 0);
    ck_assert_int_eq(d.nerrors, 0);   /* sema reports it */
    ast_file_free(f);
    free(errors);
}
END_TEST

START_TEST(recovery_reports_each_error)
{
    static const char src[] =
        "interface calc {\n"
        "    int32 add(int32 a int32 b);\n"   /* missing ',' */
        "    int32 sub(int32 a, int32 b);\n"
        "    int32 mul(int32 a, int32 b)\n"   /* missing ';' */
        "};\n"
        "interface next { void ok(); };\n";
    struct diag d;
    char *errors;
    struct idl_file *f = parse(src, &d, &errors);

    ck_assert_int_eq(d.nerrors, 2);
    ck_assert_ptr_nonnull(strstr(errors, "t.idl:2:23: error: expected ')' "
                                         "or ',' before 'int32'"));
    ck_assert_ptr_nonnull(strstr(errors, "t.idl:4:32: error: expected ';' "
                                         "at end of declaration"));
    /* What parsed is kept: sub, and the whole next interface. */
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(f->nifaces, 2);
    ck_assert(f->ifaces[0]->broken);
    ck_assert_uint_eq(f->ifaces[0]->nprocs, 1);
    ck_assert_str_eq(f->ifaces[0]->procs[0]->name, "sub");
    ck_assert_str_eq(f->ifaces[1]->name, "next");
    ast_file_free(f);
    free(errors);
}
END_TEST

START_TEST(missing_brace_at_end)
{
    struct diag d;
    char *errors;
    struct idl_file *f = parse("interface a {\n void b();\n", &d, &errors);

    ck_assert_int_eq(d.nerrors, 1);
    ck_assert_str_eq(errors, "t.idl:2:11: error: expected '}' at end of "
                             "input\n"
                             "    2 |  void b();\n"
                             "      |           ^\n");
    ast_file_free(f);
    free(errors);
}
END_TEST

START_TEST(stops_after_too_many_errors)
{
    char src[4096] = "";
    struct diag d;
    char *errors;

    for (int i = 0; i < 30; i++)
        strcat(src, "interface a { @ }\n");
    struct idl_file *f = parse(src, &d, &errors);
    ck_assert_ptr_null(f);
    ck_assert(diag_stopped(&d));
    ck_assert_int_eq(d.nerrors, DIAG_MAX_ERRORS);
    ck_assert_ptr_nonnull(strstr(errors, "too many errors"));
    free(errors);
}
END_TEST

static Suite *parser_suite(void)
{
    Suite *s = suite_create("parser");
    TCase *tc = tcase_create("parser");

    tcase_add_test(tc, good_file_shape);
    tcase_add_test(tc, union_shape);
    tcase_add_test(tc, empty_file);
    tcase_add_test(tc, recovery_reports_each_error);
    tcase_add_test(tc, missing_brace_at_end);
    tcase_add_test(tc, stops_after_too_many_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(parser_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
