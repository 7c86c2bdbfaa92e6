# Unit tests of libsockrpc (Check).  Each program is one suite:
#   make tests/unit/test_frame && ./tests/unit/test_frame
#   make check TESTS='tests/unit/test_frame tests/unit/test_server'

RUNTIME_TESTS = \
	tests/unit/test_arena \
	tests/unit/test_frame \
	tests/unit/test_codec \
	tests/unit/test_address \
	tests/unit/test_loop \
	tests/unit/test_loop_poll \
	tests/unit/test_server \
	tests/unit/test_transport \
	tests/unit/test_client
check_PROGRAMS += $(RUNTIME_TESTS)
TESTS += $(RUNTIME_TESTS)

# Shared by every runtime test: temporary directories, fd counting, a
# server thread, raw sockets, and a hand-written "calc" interface shaped
# like idlc's output.
# These tests reach the srpc__ internals, which libsockrpc.so does not
# export, so they link the convenience library the shared one wraps; the
# examples, the benchmark and test_calc link libsockrpc.la and so prove the
# generated stubs need nothing beyond the public API.
RUNTIME_TEST_UTIL = tests/unit/testutil.c tests/unit/testutil.h \
	tests/unit/testcalc.c tests/unit/testcalc.h \
	tests/unit/calcfixture.c tests/unit/calcfixture.h
RUNTIME_TEST_LIBS = runtime/libsockrpc-internal.la $(CHECK_LIBS) $(MSGPACK_LIBS) \
	$(PTHREAD_LIBS)

tests_unit_test_arena_SOURCES = tests/unit/test_arena.c $(RUNTIME_TEST_UTIL)
tests_unit_test_arena_CPPFLAGS = $(TEST_CPP)
tests_unit_test_arena_CFLAGS = $(TEST_CC)
tests_unit_test_arena_LDFLAGS = $(TEST_LINK)
tests_unit_test_arena_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_frame_SOURCES = tests/unit/test_frame.c $(RUNTIME_TEST_UTIL)
tests_unit_test_frame_CPPFLAGS = $(TEST_CPP)
tests_unit_test_frame_CFLAGS = $(TEST_CC)
tests_unit_test_frame_LDFLAGS = $(TEST_LINK)
tests_unit_test_frame_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_codec_SOURCES = tests/unit/test_codec.c $(RUNTIME_TEST_UTIL)
tests_unit_test_codec_CPPFLAGS = $(TEST_CPP)
tests_unit_test_codec_CFLAGS = $(TEST_CC)
tests_unit_test_codec_LDFLAGS = $(TEST_LINK)
tests_unit_test_codec_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_address_SOURCES = tests/unit/test_address.c $(RUNTIME_TEST_UTIL)
tests_unit_test_address_CPPFLAGS = $(TEST_CPP)
tests_unit_test_address_CFLAGS = $(TEST_CC)
tests_unit_test_address_LDFLAGS = $(TEST_LINK)
tests_unit_test_address_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_loop_SOURCES = tests/unit/test_loop.c $(RUNTIME_TEST_UTIL)
tests_unit_test_loop_CPPFLAGS = $(TEST_CPP)
tests_unit_test_loop_CFLAGS = $(TEST_CC)
tests_unit_test_loop_LDFLAGS = $(TEST_LINK)
tests_unit_test_loop_LDADD = $(RUNTIME_TEST_LIBS)

# The same tests against the poll backend, compiled in directly (the
# library uses epoll on Linux).  No libsockrpc here: its loop would clash.
tests_unit_test_loop_poll_SOURCES = tests/unit/test_loop.c runtime/server/loop.c \
	runtime/server/registry.c runtime/transport/sockutil.c \
	runtime/base/clock.c runtime/base/log.c
tests_unit_test_loop_poll_CPPFLAGS = $(TEST_CPP) -DSRPC_LOOP_POLL
tests_unit_test_loop_poll_CFLAGS = $(TEST_CC)
tests_unit_test_loop_poll_LDFLAGS = $(TEST_LINK)
tests_unit_test_loop_poll_LDADD = $(CHECK_LIBS) $(MSGPACK_LIBS) $(PTHREAD_LIBS)

tests_unit_test_server_SOURCES = tests/unit/test_server.c $(RUNTIME_TEST_UTIL)
tests_unit_test_server_CPPFLAGS = $(TEST_CPP)
tests_unit_test_server_CFLAGS = $(TEST_CC)
tests_unit_test_server_LDFLAGS = $(TEST_LINK)
tests_unit_test_server_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_transport_SOURCES = tests/unit/test_transport.c \
	$(RUNTIME_TEST_UTIL)
tests_unit_test_transport_CPPFLAGS = $(TEST_CPP)
tests_unit_test_transport_CFLAGS = $(TEST_CC)
tests_unit_test_transport_LDFLAGS = $(TEST_LINK)
tests_unit_test_transport_LDADD = $(RUNTIME_TEST_LIBS)

tests_unit_test_client_SOURCES = tests/unit/test_client.c $(RUNTIME_TEST_UTIL)
tests_unit_test_client_CPPFLAGS = $(TEST_CPP)
tests_unit_test_client_CFLAGS = $(TEST_CC)
tests_unit_test_client_LDFLAGS = $(TEST_LINK)
tests_unit_test_client_LDADD = $(RUNTIME_TEST_LIBS)
