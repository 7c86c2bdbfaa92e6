# tests/integration/test_types: every IDL type through real generated stubs,
# a real client and a real server over a Unix socket.  idlc compiles
# tests/integration/alltypes.idl into tests/integration/gen/ at build time.

TYPES_GEN = \
	tests/integration/gen/alltypes.h \
	tests/integration/gen/alltypes_client.c \
	tests/integration/gen/alltypes_server.c

# One idlc run writes all three files: a stamp, as in examples/local.mk.
tests/integration/gen/alltypes.stamp: $(srcdir)/tests/integration/alltypes.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) tests/integration/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o tests/integration/gen $(srcdir)/tests/integration/alltypes.idl
	@touch $@
$(TYPES_GEN): tests/integration/gen/alltypes.stamp
	@test -f $@ || rm -f tests/integration/gen/alltypes.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) tests/integration/gen/alltypes.stamp

CLEANFILES += $(TYPES_GEN) tests/integration/gen/alltypes.stamp
EXTRA_DIST += tests/integration/alltypes.idl

check_PROGRAMS += tests/integration/test_types
TESTS += tests/integration/test_types
ALLTYPES_IMPL = tests/integration/alltypes_impl.c \
	tests/integration/alltypes_impl.h
tests_integration_test_types_SOURCES = tests/integration/test_types.c \
	$(ALLTYPES_IMPL) tests/unit/testutil.c tests/unit/testutil.h
nodist_tests_integration_test_types_SOURCES = $(TYPES_GEN)
tests_integration_test_types_CPPFLAGS = $(TEST_CPP) -I$(top_srcdir)/tests/unit \
	-I$(top_builddir)/tests/integration/gen
tests_integration_test_types_CFLAGS = $(TEST_CC)
tests_integration_test_types_LDFLAGS = $(TEST_LINK)
tests_integration_test_types_LDADD = runtime/libsockrpc-internal.la $(CHECK_LIBS) \
	$(MSGPACK_LIBS) $(PTHREAD_LIBS) -lm
$(tests_integration_test_types_OBJECTS): tests/integration/gen/alltypes.h

# The codec.h helpers those types use, one by one.
check_PROGRAMS += tests/unit/test_codec_types
TESTS += tests/unit/test_codec_types
tests_unit_test_codec_types_SOURCES = tests/unit/test_codec_types.c
tests_unit_test_codec_types_CPPFLAGS = $(TEST_CPP)
tests_unit_test_codec_types_CFLAGS = $(TEST_CC)
tests_unit_test_codec_types_LDFLAGS = $(TEST_LINK)
tests_unit_test_codec_types_LDADD = runtime/libsockrpc-internal.la $(CHECK_LIBS) \
	$(MSGPACK_LIBS) $(PTHREAD_LIBS) -lm
