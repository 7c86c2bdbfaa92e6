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
