# tests/interop/test_foreign: a msgpack-rpc service sockrpc did not write
# (tests/interop/foreign_server.py, Python's msgpack, run by Debian's
# /usr/bin/python3) called from C through stubs idlc generates at build
# time from tests/interop/foreign.idl.  Skipped (77) when that python3
# cannot import msgpack.

FOREIGN_GEN = \
	tests/interop/gen/foreign.h \
	tests/interop/gen/foreign_client.c \
	tests/interop/gen/foreign_server.c

# One idlc run writes all three files: a stamp, as in examples/local.mk.
tests/interop/gen/foreign.stamp: $(srcdir)/tests/interop/foreign.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) tests/interop/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o tests/interop/gen $(srcdir)/tests/interop/foreign.idl
	@touch $@
$(FOREIGN_GEN): tests/interop/gen/foreign.stamp
	@test -f $@ || rm -f tests/interop/gen/foreign.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) tests/interop/gen/foreign.stamp

CLEANFILES += $(FOREIGN_GEN) tests/interop/gen/foreign.stamp
EXTRA_DIST += tests/interop/foreign.idl tests/interop/foreign_server.py

# Only the client stubs are linked: the server is the Python one.
check_PROGRAMS += tests/interop/test_foreign
TESTS += tests/interop/test_foreign
tests_interop_test_foreign_SOURCES = tests/interop/test_foreign.c \
	tests/unit/testutil.c tests/unit/testutil.h
nodist_tests_interop_test_foreign_SOURCES = \
	tests/interop/gen/foreign.h tests/interop/gen/foreign_client.c
tests_interop_test_foreign_CPPFLAGS = $(TEST_CPP) -I$(top_srcdir)/tests/unit \
	-I$(top_builddir)/tests/interop/gen
tests_interop_test_foreign_CFLAGS = $(TEST_CC)
tests_interop_test_foreign_LDFLAGS = $(TEST_LINK)
tests_interop_test_foreign_LDADD = runtime/libsockrpc-internal.la $(CHECK_LIBS) \
	$(MSGPACK_LIBS) $(PTHREAD_LIBS)
$(tests_interop_test_foreign_OBJECTS): tests/interop/gen/foreign.h
