#include "config.h"

/* test_lexer.c - the tokenizer: tokens, values, locations, errors. */

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "lexer.h"

/* One token as the tests expect it. */
struct tok {
    int type;
    const char *text;   /* IDENT only */
    int line, col, end_line, end_col;
};

/* Scans SRC[0, LEN), which may hold NUL bytes; the diagnostics land in
 * *errors (malloc'd). */
static void *start_len(const char *src, size_t len, struct diag *d,
                       char **errors, size_t *errlen, FILE **out)
{
    *out = open_memstream(errors, errlen);
    ck_assert_ptr_nonnull(*out);
    diag_init(d, "t.idl", src, len, *out);
    void *scanner = lexer_create(src, len, d);
    ck_assert_ptr_nonnull(scanner);
    return scanner;
}

/* Scans the string SRC. */
static void *start(const char *src, struct diag *d, char **errors,
                   size_t *errlen, FILE **out)
{
    return start_len(src, strlen(src), d, errors, errlen, out);
}

static void expect_tokens(const char *src, const struct tok *want, size_t n)
{
    struct diag d;
    char *errors;
    size_t errlen;
    FILE *out;
    void *scanner = start(src, &d, &errors, &errlen, &out);
    YYSTYPE val;
    YYLTYPE loc;

    for (size_t i = 0; i < n; i++) {
        int t = lexer_lex(&val, &loc, scanner);
        ck_assert_int_eq(t, want[i].type);
        if (t == IDENT) {
            ck_assert_str_eq(val.str, want[i].text);
            free(val.str);
        }
        ck_assert_int_eq(loc.first_line, want[i].line);
        ck_assert_int_eq(loc.first_column, want[i].col);
        ck_assert_int_eq(loc.last_line, want[i].end_line);
        ck_assert_int_eq(loc.last_column, want[i].end_col);
    }
    lexer_destroy(scanner);
    fclose(out);
    ck_assert_str_eq(errors, "");
    free(errors);
}

START_TEST(tokens)
{
    static const struct tok want[] = {
        { INTERFACE, NULL, 1, 1, 1, 10 },
        { IDENT, "calc", 1, 11, 1, 15 },
        { '{', NULL, 1, 16, 1, 17 },
        { ONEWAY, NULL, 1, 18, 1, 24 },
        { IDENT, "void", 1, 25, 1, 29 },
        { IDENT, "_x9", 1, 30, 1, 33 },
        { '(', NULL, 1, 33, 1, 34 },
        { IDENT, "int32", 1, 34, 1, 39 },
        { IDENT, "a", 1, 40, 1, 41 },
        { ',', NULL, 1, 41, 1, 42 },
        { IDENT, "interfaces", 1, 43, 1, 53 },
        { ')', NULL, 1, 53, 1, 54 },
        { ';', NULL, 1, 54, 1, 55 },
        { '}', NULL, 1, 55, 1, 56 },
        { 0, NULL, 1, 56, 1, 56 },
    };
    expect_tokens("interface calc { oneway void _x9(int32 a, interfaces);}",
                  want, sizeof want / sizeof want[0]);
}
END_TEST

START_TEST(locations_after_comments_and_newlines)
{
    static const struct tok want[] = {
        { IDENT, "a", 2, 1, 2, 2 },
        { IDENT, "b", 3, 5, 3, 6 },
        { IDENT, "c", 5, 5, 5, 6 },
        { IDENT, "d", 5, 7, 5, 8 },   /* a tab is one column */
        { 0, NULL, 6, 1, 6, 1 },
    };
    expect_tokens("// comment\n"
                  "a /* one */\n"
                  "/**/b /* two\n"
                  " lines **/\n"
                  "/**/c\td\n",
                  want, sizeof want / sizeof want[0]);
}
END_TEST

START_TEST(bad_character)
{
    static const char src[] = "a $ b\n";
    struct diag d;
    char *errors;
    size_t errlen;
    FILE *out;
    void *scanner = start(src, &d, &errors, &errlen, &out);
    YYSTYPE val;
    YYLTYPE loc;

    ck_assert_int_eq(lexer_lex(&val, &loc, scanner), IDENT);
    free(val.str);
    /* The bad character is reported and skipped. */
    ck_assert_int_eq(lexer_lex(&val, &loc, scanner), IDENT);
    ck_assert_str_eq(val.str, "b");
    free(val.str);
    ck_assert_int_eq(loc.first_column, 5);
    lexer_destroy(scanner);
    fclose(out);
    ck_assert_int_eq(d.nerrors, 1);
    ck_assert_str_eq(errors, "t.idl:1:3: error: stray '$' in input\n"
                             "    1 | a $ b\n"
                             "      |   ^\n");
    free(errors);
}
END_TEST

START_TEST(unterminated_comment)
{
    static const char src[] = "a\n  /* no end\n b\n";
    struct diag d;
    char *errors;
    size_t errlen;
    FILE *out;
    void *scanner = start(src, &d, &errors, &errlen, &out);
    YYSTYPE val;
    YYLTYPE loc;

    ck_assert_int_eq(lexer_lex(&val, &loc, scanner), IDENT);
    free(val.str);
    ck_assert(!lexer_truncated(scanner));
    ck_assert_int_eq(lexer_lex(&val, &loc, scanner), 0);
    ck_assert(lexer_truncated(scanner));
    lexer_destroy(scanner);
    fclose(out);
    ck_assert_int_eq(d.nerrors, 1);
    ck_assert_str_eq(errors, "t.idl:2:3: error: unterminated comment\n"
                             "    2 |   /* no end\n"
                             "      |   ^~\n");
    free(errors);
}
END_TEST

START_TEST(nul_byte)
{
    static const char src[] = "a\0b";
    struct diag d;
    char *errors;
    size_t errlen;
    FILE *out;
    void *scanner = start_len(src, 3, &d, &errors, &errlen, &out);
    YYSTYPE val;
    YYLTYPE loc;

    for (int t; (t = lexer_lex(&val, &loc, scanner)) != 0;)
        if (t == IDENT)
            free(val.str);
    lexer_destroy(scanner);
    fclose(out);
    ck_assert_int_eq(d.nerrors, 1);
    ck_assert_ptr_nonnull(strstr(errors, "stray byte 0x00"));
    free(errors);
}
END_TEST

/* A NUL byte inside a string literal: the literal is reported and the
 * byte named; no token holds text that stops short of its closing quote
 * (found by tests/fuzz/fuzz_idlc: sema read past such a copy). */
START_TEST(nul_byte_in_string)
{
    static const char src[] = "\"ab\0cd\" x";
    struct diag d;
    char *errors;
    size_t errlen;
    FILE *out;
    void *scanner = start_len(src, sizeof src - 1, &d, &errors, &errlen,
                              &out);
    YYSTYPE val;
    YYLTYPE loc;
    int strings = 0;

    for (int t; (t = lexer_lex(&val, &loc, scanner)) != 0;) {
        if (t == STRLIT) {
            size_t n = strlen(val.str);

            ck_assert_msg(n >= 2 && val.str[0] == '"' && val.str[n - 1] == '"',
                          "a string token without its quotes: %s", val.str);
            strings++;
        }
        if (t == IDENT || t == STRLIT)
            free(val.str);
    }
    lexer_destroy(scanner);
    fclose(out);
    ck_assert_int_ge(strings, 1);
    ck_assert_ptr_nonnull(strstr(errors, "bad string literal"));
    ck_assert_msg(strstr(errors, "stray byte 0x00") != NULL, "%s", errors);
    free(errors);
}
END_TEST

START_TEST(doc_comments)
{
    static const char src[] = "/// one\n"
                              "///two  \n"
                              "a /**/ /***** banner *****/ b\n"
                              "/**\n"
                              " * three\n"
                              " *\n"
                              " * four */ c\n";
    struct diag d;
    char *errors;
    size_t errlen;
    FILE *out;
    void *scanner = start(src, &d, &errors, &errlen, &out);
    YYSTYPE val;
    YYLTYPE locs[3];
    char *doc;

    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(lexer_lex(&val, &locs[i], scanner), IDENT);
        free(val.str);
    }
    doc = lexer_take_doc(scanner, &locs[0]);
    ck_assert_str_eq(doc, "one\ntwo");
    free(doc);
    ck_assert_ptr_null(lexer_take_doc(scanner, &locs[0]));  /* given once */
    ck_assert_ptr_null(lexer_take_doc(scanner, &locs[1]));
    doc = lexer_take_doc(scanner, &locs[2]);
    ck_assert_str_eq(doc, "three\n\nfour");
    free(doc);
    lexer_destroy(scanner);
    fclose(out);
    ck_assert_str_eq(errors, "");
    free(errors);
}
END_TEST

static Suite *lexer_suite(void)
{
    Suite *s = suite_create("lexer");
    TCase *tc = tcase_create("lexer");

    tcase_add_test(tc, tokens);
    tcase_add_test(tc, locations_after_comments_and_newlines);
    tcase_add_test(tc, bad_character);
    tcase_add_test(tc, unterminated_comment);
    tcase_add_test(tc, nul_byte);
    tcase_add_test(tc, nul_byte_in_string);
    tcase_add_test(tc, doc_comments);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(lexer_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
