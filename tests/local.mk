# Tests: Check programs run by the Automake parallel test harness.
# Each program is one suite; "make check TESTS=tests/unit/test_frame" runs one.

TEST_CPP = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime -I$(top_srcdir)/tests
TEST_CC = $(AM_CFLAGS) $(CHECK_CFLAGS) $(MSGPACK_CFLAGS) $(PTHREAD_CFLAGS)
# -no-install: the real binary, not a libtool wrapper, so valgrind and gdb
# see the program itself.
TEST_LINK = -no-install

# Tests find their data and tools through these.
AM_TESTS_ENVIRONMENT = \
	top_srcdir='$(abs_top_srcdir)'; export top_srcdir; \
	top_builddir='$(abs_top_builddir)'; export top_builddir; \
	PYTHON3_SYSTEM='$(PYTHON3_SYSTEM)'; export PYTHON3_SYSTEM;

include tests/idlc.mk
include tests/runtime.mk
include tests/integration.mk
