# "make soak": tests/soak/soak.c against one server for SOAK_TIME seconds
# (60), SOAK_CLIENTS clients of each kind (4).  Not part of "make check",
# which runs it once for 3 s to prove it works (tests/soak/soak_check.sh).
EXTRA_PROGRAMS += tests/soak/soak
CLEANFILES += tests/soak/soak$(EXEEXT)
tests_soak_soak_SOURCES = tests/soak/soak.c $(ALLTYPES_IMPL)
nodist_tests_soak_soak_SOURCES = $(TYPES_GEN)
tests_soak_soak_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/integration \
	-I$(top_builddir)/tests/integration/gen
tests_soak_soak_CFLAGS = $(AM_CFLAGS) $(MSGPACK_CFLAGS) $(PTHREAD_CFLAGS)
tests_soak_soak_LDFLAGS = -no-install
tests_soak_soak_LDADD = runtime/libsockrpc.la $(MSGPACK_LIBS) $(PTHREAD_LIBS) -lm
$(tests_soak_soak_OBJECTS): tests/integration/gen/alltypes.h

SOAK_TIME = 60
SOAK_CLIENTS = 4
soak: tests/soak/soak$(EXEEXT)
	tests/soak/soak$(EXEEXT) -t $(SOAK_TIME) -c $(SOAK_CLIENTS)
PHONY_TARGETS += soak

TESTS += tests/soak/soak_check.sh
tests/soak/soak_check.log: tests/soak/soak$(EXEEXT)
EXTRA_DIST += tests/soak/soak_check.sh
