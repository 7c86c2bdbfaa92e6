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
TEST_EXTENSIONS = .py
PY_LOG_COMPILER = $(SHELL) $(srcdir)/tests/interop/run-python.sh
EXTRA_DIST += tests/interop/calc_interop.py tests/interop/run-python.sh
