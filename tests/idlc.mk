# Tests for idlc.  Unit tests link the compiler's library; the golden,
# usage and output tests run the built idlc binary (so they depend on it)
# and read their data from $(top_srcdir)/tests/golden.

IDLC_TEST_LDADD = idlc/libidlc.a $(CHECK_LIBS)
IDLC_TEST_RUN = tests/unit/test_idlc_run.c tests/unit/test_idlc_run.h

check_PROGRAMS += tests/unit/test_lookup
TESTS += tests/unit/test_lookup
tests_unit_test_lookup_SOURCES = tests/unit/test_lookup.c
tests_unit_test_lookup_CPPFLAGS = $(TEST_CPP)
tests_unit_test_lookup_CFLAGS = $(TEST_CC)
tests_unit_test_lookup_LDFLAGS = $(TEST_LINK)
tests_unit_test_lookup_LDADD = $(IDLC_TEST_LDADD)

check_PROGRAMS += tests/unit/test_lexer
TESTS += tests/unit/test_lexer
tests_unit_test_lexer_SOURCES = tests/unit/test_lexer.c
tests_unit_test_lexer_CPPFLAGS = $(TEST_CPP)
tests_unit_test_lexer_CFLAGS = $(TEST_CC)
tests_unit_test_lexer_LDFLAGS = $(TEST_LINK)
tests_unit_test_lexer_LDADD = $(IDLC_TEST_LDADD)
$(tests_unit_test_lexer_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/unit/test_parser
TESTS += tests/unit/test_parser
tests_unit_test_parser_SOURCES = tests/unit/test_parser.c
tests_unit_test_parser_CPPFLAGS = $(TEST_CPP)
tests_unit_test_parser_CFLAGS = $(TEST_CC)
tests_unit_test_parser_LDFLAGS = $(TEST_LINK)
tests_unit_test_parser_LDADD = $(IDLC_TEST_LDADD)
$(tests_unit_test_parser_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/unit/test_sema
TESTS += tests/unit/test_sema
tests_unit_test_sema_SOURCES = tests/unit/test_sema.c
tests_unit_test_sema_CPPFLAGS = $(TEST_CPP)
tests_unit_test_sema_CFLAGS = $(TEST_CC)
tests_unit_test_sema_LDFLAGS = $(TEST_LINK)
tests_unit_test_sema_LDADD = $(IDLC_TEST_LDADD)
$(tests_unit_test_sema_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/unit/test_diag
TESTS += tests/unit/test_diag
tests_unit_test_diag_SOURCES = tests/unit/test_diag.c $(IDLC_TEST_RUN)
tests_unit_test_diag_CPPFLAGS = $(TEST_CPP)
tests_unit_test_diag_CFLAGS = $(TEST_CC)
tests_unit_test_diag_LDFLAGS = $(TEST_LINK)
tests_unit_test_diag_LDADD = $(IDLC_TEST_LDADD)
EXTRA_tests_unit_test_diag_DEPENDENCIES = idlc/idlc$(EXEEXT)
$(tests_unit_test_diag_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/unit/test_gen
TESTS += tests/unit/test_gen
tests_unit_test_gen_SOURCES = tests/unit/test_gen.c $(IDLC_TEST_RUN)
tests_unit_test_gen_CPPFLAGS = $(TEST_CPP)
tests_unit_test_gen_CFLAGS = $(TEST_CC)
tests_unit_test_gen_LDFLAGS = $(TEST_LINK)
tests_unit_test_gen_LDADD = $(IDLC_TEST_LDADD)
EXTRA_tests_unit_test_gen_DEPENDENCIES = idlc/idlc$(EXEEXT)
$(tests_unit_test_gen_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/unit/test_idlc_cli
TESTS += tests/unit/test_idlc_cli
tests_unit_test_idlc_cli_SOURCES = tests/unit/test_idlc_cli.c $(IDLC_TEST_RUN)
tests_unit_test_idlc_cli_CPPFLAGS = $(TEST_CPP)
tests_unit_test_idlc_cli_CFLAGS = $(TEST_CC)
tests_unit_test_idlc_cli_LDFLAGS = $(TEST_LINK)
tests_unit_test_idlc_cli_LDADD = $(IDLC_TEST_LDADD)
EXTRA_tests_unit_test_idlc_cli_DEPENDENCIES = idlc/idlc$(EXEEXT)
$(tests_unit_test_idlc_cli_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/unit/test_idlc_import
TESTS += tests/unit/test_idlc_import
tests_unit_test_idlc_import_SOURCES = tests/unit/test_idlc_import.c $(IDLC_TEST_RUN)
tests_unit_test_idlc_import_CPPFLAGS = $(TEST_CPP)
tests_unit_test_idlc_import_CFLAGS = $(TEST_CC)
tests_unit_test_idlc_import_LDFLAGS = $(TEST_LINK)
tests_unit_test_idlc_import_LDADD = $(IDLC_TEST_LDADD)
EXTRA_tests_unit_test_idlc_import_DEPENDENCIES = idlc/idlc$(EXEEXT)
$(tests_unit_test_idlc_import_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/unit/test_compat
TESTS += tests/unit/test_compat
tests_unit_test_compat_SOURCES = tests/unit/test_compat.c $(IDLC_TEST_RUN)
tests_unit_test_compat_CPPFLAGS = $(TEST_CPP)
tests_unit_test_compat_CFLAGS = $(TEST_CC)
tests_unit_test_compat_LDFLAGS = $(TEST_LINK)
tests_unit_test_compat_LDADD = $(IDLC_TEST_LDADD)
EXTRA_tests_unit_test_compat_DEPENDENCIES = idlc/idlc$(EXEEXT)
$(tests_unit_test_compat_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/unit/test_idlc_skeleton
TESTS += tests/unit/test_idlc_skeleton
tests_unit_test_idlc_skeleton_SOURCES = tests/unit/test_idlc_skeleton.c $(IDLC_TEST_RUN)
tests_unit_test_idlc_skeleton_CPPFLAGS = $(TEST_CPP)
tests_unit_test_idlc_skeleton_CFLAGS = $(TEST_CC)
tests_unit_test_idlc_skeleton_LDFLAGS = $(TEST_LINK)
tests_unit_test_idlc_skeleton_LDADD = $(IDLC_TEST_LDADD)
EXTRA_tests_unit_test_idlc_skeleton_DEPENDENCIES = idlc/idlc$(EXEEXT)
$(tests_unit_test_idlc_skeleton_OBJECTS): idlc/parser.h

EXTRA_DIST += tests/golden

# bench/idlc.sh on tiny inputs: the benchmark works, and idlc takes what
# bench/idlgen.sh writes without a diagnostic.
TESTS += tests/integration/idlc_bench.sh
EXTRA_DIST += tests/integration/idlc_bench.sh
