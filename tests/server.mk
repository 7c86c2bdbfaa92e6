# Tests of the server's limits, Unix socket policy, stats and embedding (issue: runtime for real programs).

SERVER_TESTS = \
	tests/unit/test_limits \
	tests/unit/test_unix_policy \
	tests/unit/test_threads \
	tests/unit/test_push \
	tests/unit/test_fdlimit \
	tests/unit/test_exhaust
check_PROGRAMS += $(SERVER_TESTS)
TESTS += $(SERVER_TESTS)

tests_unit_test_limits_SOURCES = tests/unit/test_limits.c $(RUNTIME_TEST_UTIL)
tests_unit_test_limits_CPPFLAGS = $(TEST_CPP)
tests_unit_test_limits_CFLAGS = $(TEST_CC)
tests_unit_test_limits_LDFLAGS = $(TEST_LINK)
tests_unit_test_limits_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_unix_policy_SOURCES = tests/unit/test_unix_policy.c \
	$(RUNTIME_TEST_UTIL)
tests_unit_test_unix_policy_CPPFLAGS = $(TEST_CPP)
tests_unit_test_unix_policy_CFLAGS = $(TEST_CC)
tests_unit_test_unix_policy_LDFLAGS = $(TEST_LINK)
tests_unit_test_unix_policy_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_threads_SOURCES = tests/unit/test_threads.c $(RUNTIME_TEST_UTIL)
tests_unit_test_threads_CPPFLAGS = $(TEST_CPP)
tests_unit_test_threads_CFLAGS = $(TEST_CC)
tests_unit_test_threads_LDFLAGS = $(TEST_LINK)
tests_unit_test_threads_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_push_SOURCES = tests/unit/test_push.c $(RUNTIME_TEST_UTIL)
tests_unit_test_push_CPPFLAGS = $(TEST_CPP)
tests_unit_test_push_CFLAGS = $(TEST_CC)
tests_unit_test_push_LDFLAGS = $(TEST_LINK)
tests_unit_test_push_LDADD = $(RUNTIME_TEST_LIBS)

# test_fdlimit: the default max_connections follows the descriptor limit,
# which the server raises (its servers run in child processes with limits
# of their own).
tests_unit_test_fdlimit_SOURCES = tests/unit/test_fdlimit.c $(RUNTIME_TEST_UTIL)
tests_unit_test_fdlimit_CPPFLAGS = $(TEST_CPP)
tests_unit_test_fdlimit_CFLAGS = $(TEST_CC)
tests_unit_test_fdlimit_LDFLAGS = $(TEST_LINK)
tests_unit_test_fdlimit_LDADD = $(RUNTIME_TEST_LIBS)

# test_exhaust: out of descriptors, memory (its server in a child with an
# address-space limit) and disk (a full tmpfs, where it may mount one).
tests_unit_test_exhaust_SOURCES = tests/unit/test_exhaust.c $(RUNTIME_TEST_UTIL)
tests_unit_test_exhaust_CPPFLAGS = $(TEST_CPP)
tests_unit_test_exhaust_CFLAGS = $(TEST_CC)
tests_unit_test_exhaust_LDFLAGS = $(TEST_LINK)
tests_unit_test_exhaust_LDADD = $(RUNTIME_TEST_LIBS)
