# Tests: Check programs run by the Automake parallel test harness.
# Each program is one suite; "make check TESTS=tests/unit/test_frame" runs one.

TEST_CPP = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime -I$(top_srcdir)/tests
TEST_CC = $(AM_CFLAGS) $(CHECK_CFLAGS) $(MSGPACK_CFLAGS) $(PTHREAD_CFLAGS)
# -no-install: the real binary, not a libtool wrapper, so valgrind and gdb
# see the program itself.
TEST_LINK = -no-install

# Tests find their data and tools through these; tests that compile and
# link programs of their own use the build's compiler and flags (a
# sanitizer build's library needs the sanitizer's runtime).  CLANG, when
# configure found clang, also compiles the generated code (test_gen).
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	PYTHON3_SYSTEM='$(PYTHON3_SYSTEM)'; export PYTHON3_SYSTEM; \
	CC='$(CC)'; export CC; \
	CLANG='$(CLANG)'; export CLANG; \
	NM='$(NM)'; export NM; \
	GNUPLOT='$(GNUPLOT)'; export GNUPLOT; \
	BUILD_CFLAGS='$(CFLAGS)'; export BUILD_CFLAGS; \
	BUILD_LDFLAGS='$(LDFLAGS)'; export BUILD_LDFLAGS;

EXTRA_DIST += tests/README.md

include tests/idlc.mk
include tests/runtime.mk
include tests/integration.mk
include tests/server.mk
include tests/client.mk
include tests/types.mk
include tests/evolution.mk
include tests/foreign.mk
include tests/fuzz.mk
include tests/soak.mk
include tests/oom.mk

# "make check-valgrind": the whole suite under valgrind, programs the tests
# start included (but not system tools such as cc).  Any error or definite
# leak fails the test that caused it.  nouserintercepts: valgrind leaves
# the malloc of tests/unit/failalloc.c in place (it forwards to the
# __libc_ names, which valgrind does replace), so tests/oom fail their
# allocations under valgrind too.
VALGRIND_FLAGS = -q --leak-check=full --errors-for-leak-kinds=definite \
	--soname-synonyms=somalloc=nouserintercepts \
	--error-exitcode=99 --trace-children=yes --trace-children-skip='/usr/*,/bin/*'
check-valgrind:
	@test -n "$(VALGRIND)" || { echo "valgrind not found (Debian package: valgrind)"; exit 1; }
	SOCKRPC_OOM_STEP=29 $(MAKE) $(AM_MAKEFLAGS) check \
		LOG_COMPILER="$(VALGRIND)" AM_LOG_FLAGS="$(VALGRIND_FLAGS)" \
		CK_TIMEOUT_MULTIPLIER=10
PHONY_TARGETS += check-valgrind
