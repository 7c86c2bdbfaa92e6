# Allocation-failure tests (tests/README.md, "Allocation failure"): the
# Nth allocation fails for every N.  tests/unit/failalloc.c replaces malloc
# in these programs, so they link nothing but what they test.

FAILALLOC = tests/unit/failalloc.c tests/unit/failalloc.h

check_PROGRAMS += tests/oom/test_oom_rpc
TESTS += tests/oom/test_oom_rpc
tests_oom_test_oom_rpc_SOURCES = tests/oom/test_oom_rpc.c $(FAILALLOC) \
	tests/unit/testutil.c tests/unit/testutil.h
nodist_tests_oom_test_oom_rpc_SOURCES = $(TYPES_GEN)
tests_oom_test_oom_rpc_CPPFLAGS = $(TEST_CPP) -I$(top_srcdir)/tests/unit \
	-I$(top_builddir)/tests/integration/gen
tests_oom_test_oom_rpc_CFLAGS = $(TEST_CC)
tests_oom_test_oom_rpc_LDFLAGS = $(TEST_LINK)
tests_oom_test_oom_rpc_LDADD = runtime/libsockrpc-internal.la $(CHECK_LIBS) \
	$(MSGPACK_LIBS) $(PTHREAD_LIBS)
$(tests_oom_test_oom_rpc_OBJECTS): tests/integration/gen/alltypes.h

# idlc's main() under another name (idlc_main.h), in a library of its
# own so that the test keeps its main(): a whole idlc run happens in the
# test's process.
check_LIBRARIES = tests/oom/libidlcmain.a
tests_oom_libidlcmain_a_SOURCES = idlc/main.c idlc/options.c idlc/options.h \
	tests/oom/idlc_main.h
tests_oom_libidlcmain_a_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/idlc \
	-I$(top_builddir)/idlc -Dmain=idlc_main \
	-include $(top_srcdir)/tests/oom/idlc_main.h
$(tests_oom_libidlcmain_a_OBJECTS): idlc/parser.h

check_PROGRAMS += tests/oom/test_oom_idlc
TESTS += tests/oom/test_oom_idlc
tests_oom_test_oom_idlc_SOURCES = tests/oom/test_oom_idlc.c $(FAILALLOC) \
	$(IDLC_TEST_RUN)
tests_oom_test_oom_idlc_CPPFLAGS = $(TEST_CPP) -I$(top_srcdir)/tests/unit
tests_oom_test_oom_idlc_CFLAGS = $(TEST_CC)
tests_oom_test_oom_idlc_LDFLAGS = $(TEST_LINK)
tests_oom_test_oom_idlc_LDADD = tests/oom/libidlcmain.a $(IDLC_TEST_LDADD)
EXTRA_DIST += tests/oom/every.idl
