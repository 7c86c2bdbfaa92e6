# tests/evolution: schema evolution.  idlc compiles two versions of one
# interface, tests/evolution/v1/inventory.idl and v2/inventory.idl, each
# into its own folder of the build tree (tests/evolution/v1/gen/ and
# v2/gen/).  The two share their C names, so no file includes both
# headers: every source names its version ("v1/gen/inventory.h"), and no
# -I points into a gen folder.  Each program pairs one version's client
# with the other version's server:
#   test_old_client: v1 client stubs, v2 server stubs and handlers
#   test_new_client: v2 client stubs, v1 server stubs and handlers

EVO_V1_GEN = \
	tests/evolution/v1/gen/inventory.h \
	tests/evolution/v1/gen/inventory_client.c \
	tests/evolution/v1/gen/inventory_server.c
EVO_V2_GEN = \
	tests/evolution/v2/gen/inventory.h \
	tests/evolution/v2/gen/inventory_client.c \
	tests/evolution/v2/gen/inventory_server.c

# One idlc run writes all three files of a version: a stamp each, as in
# tests/types.mk.
tests/evolution/v1/gen/inventory.stamp: $(srcdir)/tests/evolution/v1/inventory.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) tests/evolution/v1/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o tests/evolution/v1/gen $(srcdir)/tests/evolution/v1/inventory.idl
	@touch $@
$(EVO_V1_GEN): tests/evolution/v1/gen/inventory.stamp
	@test -f $@ || rm -f tests/evolution/v1/gen/inventory.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) tests/evolution/v1/gen/inventory.stamp

tests/evolution/v2/gen/inventory.stamp: $(srcdir)/tests/evolution/v2/inventory.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) tests/evolution/v2/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o tests/evolution/v2/gen $(srcdir)/tests/evolution/v2/inventory.idl
	@touch $@
$(EVO_V2_GEN): tests/evolution/v2/gen/inventory.stamp
	@test -f $@ || rm -f tests/evolution/v2/gen/inventory.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) tests/evolution/v2/gen/inventory.stamp

CLEANFILES += $(EVO_V1_GEN) tests/evolution/v1/gen/inventory.stamp \
	$(EVO_V2_GEN) tests/evolution/v2/gen/inventory.stamp
EXTRA_DIST += tests/evolution/v1/inventory.idl tests/evolution/v2/inventory.idl

# -I$(top_builddir)/tests/evolution: "v1/gen/inventory.h" and
# "v2/gen/inventory.h"; the generated .c files find their own header
# beside them.
EVO_CPP = $(TEST_CPP) -I$(top_srcdir)/tests/unit -I$(top_builddir)/tests/evolution
EVO_LIBS = runtime/libsockrpc-internal.la $(CHECK_LIBS) $(MSGPACK_LIBS) $(PTHREAD_LIBS) -lm

check_PROGRAMS += tests/evolution/test_old_client tests/evolution/test_new_client
TESTS += tests/evolution/test_old_client tests/evolution/test_new_client

tests_evolution_test_old_client_SOURCES = tests/evolution/test_old_client.c \
	tests/evolution/server_v2.c tests/evolution/evoserver.h \
	tests/unit/testutil.c tests/unit/testutil.h
nodist_tests_evolution_test_old_client_SOURCES = \
	tests/evolution/v1/gen/inventory.h tests/evolution/v1/gen/inventory_client.c \
	tests/evolution/v2/gen/inventory.h tests/evolution/v2/gen/inventory_server.c
tests_evolution_test_old_client_CPPFLAGS = $(EVO_CPP)
tests_evolution_test_old_client_CFLAGS = $(TEST_CC)
tests_evolution_test_old_client_LDFLAGS = $(TEST_LINK)
tests_evolution_test_old_client_LDADD = $(EVO_LIBS)
$(tests_evolution_test_old_client_OBJECTS): \
	tests/evolution/v1/gen/inventory.h tests/evolution/v2/gen/inventory.h

tests_evolution_test_new_client_SOURCES = tests/evolution/test_new_client.c \
	tests/evolution/server_v1.c tests/evolution/evoserver.h \
	tests/unit/testutil.c tests/unit/testutil.h
nodist_tests_evolution_test_new_client_SOURCES = \
	tests/evolution/v2/gen/inventory.h tests/evolution/v2/gen/inventory_client.c \
	tests/evolution/v1/gen/inventory.h tests/evolution/v1/gen/inventory_server.c
tests_evolution_test_new_client_CPPFLAGS = $(EVO_CPP)
tests_evolution_test_new_client_CFLAGS = $(TEST_CC)
tests_evolution_test_new_client_LDFLAGS = $(TEST_LINK)
tests_evolution_test_new_client_LDADD = $(EVO_LIBS)
$(tests_evolution_test_new_client_OBJECTS): \
	tests/evolution/v1/gen/inventory.h tests/evolution/v2/gen/inventory.h
