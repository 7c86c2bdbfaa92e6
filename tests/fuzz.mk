# Fuzz targets (tests/fuzz/README.md).  Each target NAME is one file,
# tests/fuzz/fuzz_NAME.c, built twice:
#   tests/fuzz/replay_NAME  with replay.c's main(), in every build: "make
#                           check" replays the seeds in corpus/NAME and the
#                           regression inputs in regress/NAME;
#   tests/fuzz/fuzz_NAME    with libFuzzer, in a build configured with
#                           CC=clang --enable-fuzzing: "make fuzz".

FUZZ_COMMON = tests/fuzz/fuzz.h tests/fuzz/rng.c
FUZZ_IDL_FRONT = tests/fuzz/idl_front.c tests/fuzz/idl_front.h
FUZZ_RUNTIME_LIBS = runtime/libsockrpc-internal.la $(MSGPACK_LIBS) \
	$(PTHREAD_LIBS)
FUZZ_CPP = $(AM_CPPFLAGS) -I$(top_srcdir)/runtime
FUZZ_CC = $(AM_CFLAGS) $(MSGPACK_CFLAGS) $(PTHREAD_CFLAGS)

FUZZ_REPLAYS = tests/fuzz/replay_frame tests/fuzz/replay_idlc \
	tests/fuzz/replay_compat tests/fuzz/replay_serve tests/fuzz/replay_client
check_PROGRAMS += $(FUZZ_REPLAYS)
TESTS += $(FUZZ_REPLAYS)
FUZZ_NAMES = frame serve client idlc compat
FUZZ_PROGS = tests/fuzz/fuzz_frame tests/fuzz/fuzz_serve \
	tests/fuzz/fuzz_client tests/fuzz/fuzz_idlc tests/fuzz/fuzz_compat
EXTRA_PROGRAMS += $(FUZZ_PROGS)
CLEANFILES += $(FUZZ_PROGS:=$(EXEEXT))

tests_fuzz_replay_frame_SOURCES = tests/fuzz/fuzz_frame.c tests/fuzz/replay.c \
	$(FUZZ_COMMON)
tests_fuzz_replay_frame_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_replay_frame_CFLAGS = $(FUZZ_CC)
tests_fuzz_replay_frame_LDADD = $(FUZZ_RUNTIME_LIBS)
tests_fuzz_fuzz_frame_SOURCES = tests/fuzz/fuzz_frame.c $(FUZZ_COMMON)
tests_fuzz_fuzz_frame_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_frame_CFLAGS = $(FUZZ_CC)
tests_fuzz_fuzz_frame_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_frame_LDADD = $(FUZZ_RUNTIME_LIBS)

# The server target serves alltypes.idl (tests/types.mk generates it).
FUZZ_SERVE_SOURCES = tests/fuzz/fuzz_serve.c $(FUZZ_COMMON) $(ALLTYPES_IMPL)
FUZZ_SERVE_CPP = $(FUZZ_CPP) -I$(top_srcdir)/tests/integration \
	-I$(top_builddir)/tests/integration/gen
tests_fuzz_replay_serve_SOURCES = $(FUZZ_SERVE_SOURCES) tests/fuzz/replay.c
nodist_tests_fuzz_replay_serve_SOURCES = $(TYPES_GEN)
tests_fuzz_replay_serve_CPPFLAGS = $(FUZZ_SERVE_CPP)
tests_fuzz_replay_serve_CFLAGS = $(FUZZ_CC)
tests_fuzz_replay_serve_LDADD = $(FUZZ_RUNTIME_LIBS) -lm
tests_fuzz_fuzz_serve_SOURCES = $(FUZZ_SERVE_SOURCES)
nodist_tests_fuzz_fuzz_serve_SOURCES = $(TYPES_GEN)
tests_fuzz_fuzz_serve_CPPFLAGS = $(FUZZ_SERVE_CPP)
tests_fuzz_fuzz_serve_CFLAGS = $(FUZZ_CC)
tests_fuzz_fuzz_serve_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_serve_LDADD = $(FUZZ_RUNTIME_LIBS) -lm
$(tests_fuzz_replay_serve_OBJECTS) $(tests_fuzz_fuzz_serve_OBJECTS): \
	tests/integration/gen/alltypes.h

# The client target calls alltypes.idl's procedures.
FUZZ_CLIENT_SOURCES = tests/fuzz/fuzz_client.c $(FUZZ_COMMON)
tests_fuzz_replay_client_SOURCES = $(FUZZ_CLIENT_SOURCES) tests/fuzz/replay.c
nodist_tests_fuzz_replay_client_SOURCES = $(TYPES_GEN)
tests_fuzz_replay_client_CPPFLAGS = $(FUZZ_SERVE_CPP)
tests_fuzz_replay_client_CFLAGS = $(FUZZ_CC)
tests_fuzz_replay_client_LDADD = $(FUZZ_RUNTIME_LIBS) -lm
tests_fuzz_fuzz_client_SOURCES = $(FUZZ_CLIENT_SOURCES)
nodist_tests_fuzz_fuzz_client_SOURCES = $(TYPES_GEN)
tests_fuzz_fuzz_client_CPPFLAGS = $(FUZZ_SERVE_CPP)
tests_fuzz_fuzz_client_CFLAGS = $(FUZZ_CC)
tests_fuzz_fuzz_client_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_client_LDADD = $(FUZZ_RUNTIME_LIBS) -lm
$(tests_fuzz_replay_client_OBJECTS) $(tests_fuzz_fuzz_client_OBJECTS): \
	tests/integration/gen/alltypes.h

tests_fuzz_replay_idlc_SOURCES = tests/fuzz/fuzz_idlc.c tests/fuzz/replay.c \
	$(FUZZ_COMMON) $(FUZZ_IDL_FRONT)
tests_fuzz_replay_idlc_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_replay_idlc_CFLAGS = $(FUZZ_CC)
tests_fuzz_replay_idlc_LDADD = idlc/libidlc.a
tests_fuzz_fuzz_idlc_SOURCES = tests/fuzz/fuzz_idlc.c $(FUZZ_COMMON) \
	$(FUZZ_IDL_FRONT)
tests_fuzz_fuzz_idlc_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_idlc_CFLAGS = $(FUZZ_CC)
tests_fuzz_fuzz_idlc_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_idlc_LDADD = idlc/libidlc.a

tests_fuzz_replay_compat_SOURCES = tests/fuzz/fuzz_compat.c \
	tests/fuzz/replay.c $(FUZZ_COMMON) $(FUZZ_IDL_FRONT)
tests_fuzz_replay_compat_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_replay_compat_CFLAGS = $(FUZZ_CC)
tests_fuzz_replay_compat_LDADD = idlc/libidlc.a
tests_fuzz_fuzz_compat_SOURCES = tests/fuzz/fuzz_compat.c $(FUZZ_COMMON) \
	$(FUZZ_IDL_FRONT)
tests_fuzz_fuzz_compat_CPPFLAGS = $(FUZZ_CPP)
tests_fuzz_fuzz_compat_CFLAGS = $(FUZZ_CC)
tests_fuzz_fuzz_compat_LDFLAGS = $(FUZZ_LDFLAGS)
tests_fuzz_fuzz_compat_LDADD = idlc/libidlc.a

$(tests_fuzz_replay_idlc_OBJECTS) $(tests_fuzz_fuzz_idlc_OBJECTS) \
$(tests_fuzz_replay_compat_OBJECTS) $(tests_fuzz_fuzz_compat_OBJECTS): \
	idlc/parser.h

EXTRA_DIST += tests/fuzz/README.md tests/fuzz/run.sh tests/fuzz/corpus \
	tests/fuzz/regress

# "make fuzz": every target for FUZZ_TIME seconds (60) each, or those in
# FUZZ_TARGETS ("frame idlc").  New inputs go to tests/fuzz/work/NAME in
# the build tree, findings to tests/fuzz/findings/.
FUZZ_TIME = 60
FUZZ_TARGETS = $(FUZZ_NAMES)
if FUZZING
fuzz: $(FUZZ_PROGS)
	FUZZ_TIME='$(FUZZ_TIME)' top_srcdir='$(abs_top_srcdir)' \
	$(SHELL) $(srcdir)/tests/fuzz/run.sh $(FUZZ_TARGETS)
else
fuzz:
	@echo "make fuzz needs a build configured for it, with clang and libFuzzer"
	@echo "(Debian package clang): in a fresh build directory,"
	@echo "    CC=clang $(abs_top_srcdir)/configure --enable-fuzzing && make fuzz"
	@exit 1
endif
PHONY_TARGETS += fuzz
