#include "config.h"

/* test_sema.c - each semantic check, and a good file passing them all
 * with every type resolved. */

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "sema.h"
#include "types.h"

/* Parses and checks SRC: returns sema's verdict, *errors the messages. */
static bool check_src(const char *src, char **errors, int *nerrors)
{
    size_t len;
    FILE *out = open_memstream(errors, &len);
    struct diag d;
    struct idl_file *f;
    bool ok;

    ck_assert_ptr_nonnull(out);
    diag_init(&d, "t.idl", src, strlen(src), out);
    f = idl_parse(src, strlen(src), &d);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(d.nerrors, 0);   /* these inputs parse */
    ok = sema_check(f, &d);
    ast_file_free(f);
    fclose(out);
    *nerrors = d.nerrors;
    return ok;
}

/* SRC must fail sema with exactly one error whose first line is WANT. */
static void expect_error(const char *src, const char *want)
{
    char *errors;
    int n;

    ck_assert(!check_src(src, &errors, &n));
    ck_assert_int_eq(n, 1);
    ck_assert_msg(strncmp(errors, want, strlen(want)) == 0
                  && errors[strlen(want)] == '\n',
                  "want \"%s\", got \"%s\"", want, errors);
    free(errors);
}

START_TEST(good_file_resolves_types)
{
    static const char src[] =
        "interface t {\n"
        "  bool a(int32 i, int64 j, uint32 k, uint64 l, double m, string n);\n"
        "  oneway void b();\n"
        "}\n";
    size_t len;
    char *errors;
    FILE *out = open_memstream(&errors, &len);
    struct diag d;

    diag_init(&d, "t.idl", src, strlen(src), out);
    struct idl_file *f = idl_parse(src, strlen(src), &d);
    ck_assert(sema_check(f, &d));
    fclose(out);
    ck_assert_str_eq(errors, "");
    const struct idl_proc *a = f->ifaces[0]->procs[0];
    ck_assert_int_eq(a->result.type->kind, IDL_BOOL);
    static const enum idl_kind kinds[] = { IDL_INT32, IDL_INT64, IDL_UINT32,
                                           IDL_UINT64, IDL_DOUBLE,
                                           IDL_STRING };
    for (size_t i = 0; i < 6; i++)
        ck_assert_int_eq(a->params[i].type.type->kind, kinds[i]);
    ck_assert_int_eq(f->ifaces[0]->procs[1]->result.type->kind, IDL_VOID);
    ast_file_free(f);
    free(errors);
}
END_TEST

/* Parses and checks SRC, which must be free of errors. */
static struct idl_file *check_good(const char *src, char **errors)
{
    size_t len;
    FILE *out = open_memstream(errors, &len);
    struct diag d;
    struct idl_file *f;

    ck_assert_ptr_nonnull(out);
    diag_init(&d, "t.idl", src, strlen(src), out);
    f = idl_parse(src, strlen(src), &d);
    ck_assert_ptr_nonnull(f);
    ck_assert(sema_check(f, &d));
    fclose(out);
    ck_assert_str_eq(*errors, "");
    return f;
}

START_TEST(union_labels_resolve)
{
    static const char src[] =
        "interface t {\n"
        "  enum kind { A = 3, B, C = -2 };\n"
        "  const int64 LOW = -9223372036854775808;\n"
        "  union e switch (kind) { case B: int32 b; case C: void; };\n"
        "  union i switch (int64) { case LOW: bool low; case -1: void;\n"
        "                            case 9223372036854775807: string hi; };\n"
        "  union u switch (uint64) { case 18446744073709551615: bool top; };\n"
        "  void f(e e, i i, u u);\n"
        "}\n";
    char *errors;
    struct idl_file *f = check_good(src, &errors);
    const struct idl_iface *t = f->ifaces[0];

    ck_assert_ptr_eq(t->structs[0]->disc.edecl, t->enums[0]);
    ck_assert_int_eq(t->structs[0]->fields[0].label_value, 4);
    ck_assert_int_eq(t->structs[0]->fields[1].label_value, -2);
    ck_assert_int_eq(t->structs[0]->fields[1].type.type->kind, IDL_VOID);
    ck_assert_int_eq(t->structs[1]->disc.type->kind, IDL_INT64);
    ck_assert(t->structs[1]->fields[0].label_value == INT64_MIN);
    ck_assert_int_eq(t->structs[1]->fields[1].label_value, -1);
    ck_assert(t->structs[1]->fields[2].label_value == INT64_MAX);
    ck_assert((unsigned long long)t->structs[2]->fields[0].label_value
              == UINT64_MAX);
    /* A union is a struct type to the rest of the compiler. */
    ck_assert_ptr_eq(t->procs[0]->params[0].type.decl, t->structs[0]);
    ast_file_free(f);
    free(errors);
}
END_TEST

START_TEST(union_errors)
{
    expect_error("interface t { union u switch (double) { case 1: bool b; };"
                 " void f(u u); }",
                 "t.idl:1:31: error: the discriminant of union 'u' must be "
                 "an enum or an integer type, not 'double'");
    expect_error("interface t { union u switch (uint8) { case -1: bool b; };"
                 " void f(u u); }",
                 "t.idl:1:45: error: case -1 does not fit in the "
                 "discriminant's type 'uint8'");
    expect_error("interface t { union u switch (int8) { case 1: bool b;"
                 " case 1: void; }; void f(u u); }",
                 "t.idl:1:60: error: duplicate case value '1' in union 'u'");
}
END_TEST

START_TEST(unknown_type)
{
    expect_error("interface t { float128 a(); }",
                 "t.idl:1:15: error: unknown type 'float128'");
    expect_error("interface t { void a(quad x); }",
                 "t.idl:1:22: error: unknown type 'quad'");
}
END_TEST

START_TEST(duplicates)
{
    expect_error("interface t { void a(); }\ninterface t { void b(); }",
                 "t.idl:2:11: error: redefinition of interface 't'");
    expect_error("interface t { void a(); int32 a(); }",
                 "t.idl:1:31: error: redefinition of procedure 'a' in "
                 "interface 't'");
    expect_error("interface t { void a(int32 x, string x); }",
                 "t.idl:1:38: error: redefinition of parameter 'x'");
}
END_TEST

START_TEST(duplicate_has_note)
{
    char *errors;
    int n;

    ck_assert(!check_src("interface t { void a(); void a(); }", &errors, &n));
    ck_assert_ptr_nonnull(strstr(errors, "t.idl:1:20: note: previous "
                                         "definition here\n"));
    free(errors);
}
END_TEST

START_TEST(void_parameter)
{
    expect_error("interface t { void a(void x); }",
                 "t.idl:1:22: error: parameter 'x' cannot have type 'void'");
}
END_TEST

START_TEST(oneway_with_result)
{
    expect_error("interface t { oneway int32 a(); }",
                 "t.idl:1:22: error: oneway procedure 'a' must return void, "
                 "not 'int32'");
}
END_TEST

START_TEST(c_names)
{
    expect_error("interface int { void a(); }",
                 "t.idl:1:11: error: 'int' is a C keyword and cannot be used "
                 "as a name");
    expect_error("interface t { void while(); }",
                 "t.idl:1:20: error: 'while' is a C keyword and cannot be "
                 "used as a name");
    expect_error("interface t { void a(bool bool); }",
                 "t.idl:1:27: error: 'bool' is a C keyword and cannot be "
                 "used as a name");
    expect_error("interface t { void __a(); }",
                 "t.idl:1:20: error: '__a' is a reserved identifier in C (it "
                 "begins with '__')");
    expect_error("interface t { void a(int32 _X); }",
                 "t.idl:1:28: error: '_X' is a reserved identifier in C (it "
                 "begins with '_X')");
    expect_error("interface _t { void a(); }",
                 "t.idl:1:11: error: interface name '_t' would make reserved "
                 "C identifiers (it begins with '_')");
    expect_error("interface srpc_x { void a(); }",
                 "t.idl:1:11: error: interface name 'srpc_x' would put "
                 "generated names in the runtime's namespace");
    expect_error("interface t { void a(int32 result); }",
                 "t.idl:1:28: error: parameter name 'result' is reserved for "
                 "the generated code");
}
END_TEST

START_TEST(generated_names_clash)
{
    expect_error("interface t { void serve(); }",
                 "t.idl:1:20: error: the C name 't_serve' of the client stub "
                 "of 't.serve' clashes with the registration function of "
                 "interface 't'");
    expect_error("interface a_b { void c(); }\ninterface a { void b_c(); }",
                 "t.idl:2:20: error: the C name 'a_b_c' of the client stub "
                 "of 'a.b_c' clashes with the client stub of 'a_b.c'");
}
END_TEST

START_TEST(no_interface)
{
    expect_error("// empty\n", "t.idl: error: no interface declared");
    expect_error("interface t { }", "t.idl:1:11: error: interface 't' "
                                    "declares no procedures");
}
END_TEST

START_TEST(all_errors_reported)
{
    char *errors;
    int n;

    ck_assert(!check_src("interface t { float128 a(void v); oneway bool b(); }",
                         &errors, &n));
    ck_assert_int_eq(n, 3);
    free(errors);
}
END_TEST

static Suite *sema_suite(void)
{
    Suite *s = suite_create("sema");
    TCase *tc = tcase_create("sema");

    tcase_add_test(tc, good_file_resolves_types);
    tcase_add_test(tc, unknown_type);
    tcase_add_test(tc, duplicates);
    tcase_add_test(tc, duplicate_has_note);
    tcase_add_test(tc, void_parameter);
    tcase_add_test(tc, oneway_with_result);
    tcase_add_test(tc, c_names);
    tcase_add_test(tc, generated_names_clash);
    tcase_add_test(tc, no_interface);
    tcase_add_test(tc, all_errors_reported);
    tcase_add_test(tc, union_labels_resolve);
    tcase_add_test(tc, union_errors);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sema_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
