# Integration tests: the example programs, driven end to end.

check_PROGRAMS += tests/integration/test_calc
TESTS += tests/integration/test_calc
tests_integration_test_calc_SOURCES = \
	tests/integration/test_calc.c \
	tests/integration/server_proc.c tests/integration/server_proc.h
nodist_tests_integration_test_calc_SOURCES = \
	examples/calc/gen/calc.h examples/calc/gen/calc_client.c
tests_integration_test_calc_CPPFLAGS = $(TEST_CPP) $(CALC_CPP)
tests_integration_test_calc_CFLAGS = $(TEST_CC)
tests_integration_test_calc_LDFLAGS = $(TEST_LINK)
tests_integration_test_calc_LDADD = runtime/libsockrpc.la $(CHECK_LIBS) $(MSGPACK_LIBS)
$(tests_integration_test_calc_OBJECTS): examples/calc/gen/calc.h
# The tests run the real example programs, which "make check" builds first
# (check-am depends on all-am).

# A msgpack-rpc peer written in another language: Python's msgpack, run by
# Debian's /usr/bin/python3 (skipped when python3-msgpack is missing).
TESTS += tests/interop/calc_interop.py
TEST_EXTENSIONS = .py .sh
PY_LOG_COMPILER = $(SHELL) $(srcdir)/tests/interop/run-python.sh
SH_LOG_COMPILER = $(SHELL)

# doc/idl.md's "In five minutes", run as the page shows it.
TESTS += tests/integration/kv_tour.sh
EXTRA_DIST += tests/integration/kv_tour.sh

# The shared library exports the public API and nothing else.
TESTS += tests/integration/exports.sh
EXTRA_DIST += tests/integration/exports.sh
EXTRA_DIST += tests/interop/calc_interop.py tests/interop/run-python.sh

# tests/integration/test_raises: procedures that raise errors, through
# stubs idlc generates from tests/integration/raising.idl at build time,
# a real server thread and a real client over a Unix socket.
RAISES_GEN = \
	tests/integration/gen/raising.h \
	tests/integration/gen/raising_client.c \
	tests/integration/gen/raising_server.c

# One idlc run writes all three files: a stamp, as in examples/local.mk.
tests/integration/gen/raising.stamp: $(srcdir)/tests/integration/raising.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) tests/integration/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o tests/integration/gen $(srcdir)/tests/integration/raising.idl
	@touch $@
$(RAISES_GEN): tests/integration/gen/raising.stamp
	@test -f $@ || rm -f tests/integration/gen/raising.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) tests/integration/gen/raising.stamp

CLEANFILES += $(RAISES_GEN) tests/integration/gen/raising.stamp
EXTRA_DIST += tests/integration/raising.idl

check_PROGRAMS += tests/integration/test_raises
TESTS += tests/integration/test_raises
tests_integration_test_raises_SOURCES = tests/integration/test_raises.c \
	tests/unit/testutil.c tests/unit/testutil.h
nodist_tests_integration_test_raises_SOURCES = $(RAISES_GEN)
tests_integration_test_raises_CPPFLAGS = $(TEST_CPP) -I$(top_srcdir)/tests/unit \
	-I$(top_builddir)/tests/integration/gen
tests_integration_test_raises_CFLAGS = $(TEST_CC)
tests_integration_test_raises_LDFLAGS = $(TEST_LINK)
tests_integration_test_raises_LDADD = runtime/libsockrpc-internal.la $(CHECK_LIBS) \
	$(MSGPACK_LIBS) $(PTHREAD_LIBS)
$(tests_integration_test_raises_OBJECTS): tests/integration/gen/raising.h

# tests/integration/test_handlers: handlers that break their contract
# (no status, a result that names nothing, a failed notification), through
# stubs idlc generates from tests/integration/handlers.idl at build time.
HANDLERS_GEN = \
	tests/integration/gen/handlers.h \
	tests/integration/gen/handlers_client.c \
	tests/integration/gen/handlers_server.c

tests/integration/gen/handlers.stamp: $(srcdir)/tests/integration/handlers.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) tests/integration/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o tests/integration/gen $(srcdir)/tests/integration/handlers.idl
	@touch $@
$(HANDLERS_GEN): tests/integration/gen/handlers.stamp
	@test -f $@ || rm -f tests/integration/gen/handlers.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) tests/integration/gen/handlers.stamp

CLEANFILES += $(HANDLERS_GEN) tests/integration/gen/handlers.stamp
EXTRA_DIST += tests/integration/handlers.idl

check_PROGRAMS += tests/integration/test_handlers
TESTS += tests/integration/test_handlers
tests_integration_test_handlers_SOURCES = tests/integration/test_handlers.c \
	tests/unit/testutil.c tests/unit/testutil.h
nodist_tests_integration_test_handlers_SOURCES = $(HANDLERS_GEN)
tests_integration_test_handlers_CPPFLAGS = $(TEST_CPP) -I$(top_srcdir)/tests/unit \
	-I$(top_builddir)/tests/integration/gen
tests_integration_test_handlers_CFLAGS = $(TEST_CC)
tests_integration_test_handlers_LDFLAGS = $(TEST_LINK)
tests_integration_test_handlers_LDADD = runtime/libsockrpc-internal.la $(CHECK_LIBS) \
	$(MSGPACK_LIBS) $(PTHREAD_LIBS)
$(tests_integration_test_handlers_OBJECTS): tests/integration/gen/handlers.h
