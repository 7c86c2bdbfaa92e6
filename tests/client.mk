# Tests of the client: async calls, notifications, threads, reconnect.
#   make check TESTS='tests/unit/test_async tests/unit/test_notify'

CLIENT_TESTS = \
	tests/unit/test_async \
	tests/unit/test_notify \
	tests/unit/test_client_threads \
	tests/unit/test_reconnect \
	tests/unit/test_client_fail
check_PROGRAMS += $(CLIENT_TESTS)
TESTS += $(CLIENT_TESTS)

# A scripted raw-socket peer and calc.add's async halves, on top of the
# runtime tests' helpers (runtime.mk).
CLIENT_TEST_UTIL = $(RUNTIME_TEST_UTIL) \
	tests/unit/clientfake.c tests/unit/clientfake.h

tests_unit_test_async_SOURCES = tests/unit/test_async.c $(CLIENT_TEST_UTIL)
tests_unit_test_async_CPPFLAGS = $(TEST_CPP)
tests_unit_test_async_CFLAGS = $(TEST_CC)
tests_unit_test_async_LDFLAGS = $(TEST_LINK)
tests_unit_test_async_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_notify_SOURCES = tests/unit/test_notify.c $(CLIENT_TEST_UTIL)
tests_unit_test_notify_CPPFLAGS = $(TEST_CPP)
tests_unit_test_notify_CFLAGS = $(TEST_CC)
tests_unit_test_notify_LDFLAGS = $(TEST_LINK)
tests_unit_test_notify_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_client_threads_SOURCES = tests/unit/test_client_threads.c \
	$(CLIENT_TEST_UTIL)
tests_unit_test_client_threads_CPPFLAGS = $(TEST_CPP)
tests_unit_test_client_threads_CFLAGS = $(TEST_CC)
tests_unit_test_client_threads_LDFLAGS = $(TEST_LINK)
tests_unit_test_client_threads_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_reconnect_SOURCES = tests/unit/test_reconnect.c \
	$(CLIENT_TEST_UTIL)
tests_unit_test_reconnect_CPPFLAGS = $(TEST_CPP)
tests_unit_test_reconnect_CFLAGS = $(TEST_CC)
tests_unit_test_reconnect_LDFLAGS = $(TEST_LINK)
tests_unit_test_reconnect_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_client_fail_SOURCES = tests/unit/test_client_fail.c \
	$(CLIENT_TEST_UTIL)
tests_unit_test_client_fail_CPPFLAGS = $(TEST_CPP)
tests_unit_test_client_fail_CFLAGS = $(TEST_CC)
tests_unit_test_client_fail_LDFLAGS = $(TEST_LINK)
tests_unit_test_client_fail_LDADD = $(RUNTIME_TEST_LIBS)
