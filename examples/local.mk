# examples/calc: the lecture's assignment.  idlc turns calc.idl into stubs in
# examples/calc/gen/ (a separate folder, so the generated calc_server.c never
# meets the hand-written one); "make demo" runs a server and client.

CALC_GEN = \
	examples/calc/gen/calc.h \
	examples/calc/gen/calc_client.c \
	examples/calc/gen/calc_server.c

# One idlc run writes all three files: a stamp keeps "make -j" from running
# it three times (the Automake manual's idiom for multi-output rules).
examples/calc/gen/calc.stamp: $(srcdir)/examples/calc/calc.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) examples/calc/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o examples/calc/gen $(srcdir)/examples/calc/calc.idl
	@touch $@
$(CALC_GEN): examples/calc/gen/calc.stamp
	@test -f $@ || rm -f examples/calc/gen/calc.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) examples/calc/gen/calc.stamp

BUILT_SOURCES += $(CALC_GEN)
CLEANFILES += $(CALC_GEN) examples/calc/gen/calc.stamp

CALC_CPP = $(AM_CPPFLAGS) -I$(top_builddir)/examples/calc/gen
CALC_LIBS = runtime/libsockrpc.la $(MSGPACK_LIBS)

noinst_PROGRAMS += examples/calc/calc_server examples/calc/calc_client

examples_calc_calc_server_SOURCES = examples/calc/calc_server.c
nodist_examples_calc_calc_server_SOURCES = \
	examples/calc/gen/calc.h examples/calc/gen/calc_server.c
examples_calc_calc_server_CPPFLAGS = $(CALC_CPP)
examples_calc_calc_server_CFLAGS = $(AM_CFLAGS) $(MSGPACK_CFLAGS)
examples_calc_calc_server_LDADD = $(CALC_LIBS)
$(examples_calc_calc_server_OBJECTS): examples/calc/gen/calc.h

examples_calc_calc_client_SOURCES = examples/calc/calc_client.c
nodist_examples_calc_calc_client_SOURCES = \
	examples/calc/gen/calc.h examples/calc/gen/calc_client.c
examples_calc_calc_client_CPPFLAGS = $(CALC_CPP)
examples_calc_calc_client_CFLAGS = $(AM_CFLAGS) $(MSGPACK_CFLAGS)
examples_calc_calc_client_LDADD = $(CALC_LIBS)
$(examples_calc_calc_client_OBJECTS): examples/calc/gen/calc.h

EXTRA_DIST += \
	examples/calc/calc.idl \
	examples/calc/README.md \
	examples/calc/demo.sh

demo: examples/calc/calc_server$(EXEEXT) examples/calc/calc_client$(EXEEXT)
	@$(SHELL) $(srcdir)/examples/calc/demo.sh examples/calc
PHONY_TARGETS += demo

# examples/kv: the key-value service of doc/idl.md's "In five minutes", the
# same files; tests/kv_tour.sh runs it and checks what the page says it
# prints.
KV_GEN = \
	examples/kv/gen/kv.h \
	examples/kv/gen/kv_client.c \
	examples/kv/gen/kv_server.c

examples/kv/gen/kv.stamp: $(srcdir)/examples/kv/kv.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) examples/kv/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o examples/kv/gen $(srcdir)/examples/kv/kv.idl
	@touch $@
$(KV_GEN): examples/kv/gen/kv.stamp
	@test -f $@ || rm -f examples/kv/gen/kv.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) examples/kv/gen/kv.stamp

BUILT_SOURCES += $(KV_GEN)
CLEANFILES += $(KV_GEN) examples/kv/gen/kv.stamp

KV_CPP = $(AM_CPPFLAGS) -I$(top_builddir)/examples/kv/gen

noinst_PROGRAMS += examples/kv/kv_server examples/kv/kv_client

examples_kv_kv_server_SOURCES = examples/kv/kv_server.c
nodist_examples_kv_kv_server_SOURCES = \
	examples/kv/gen/kv.h examples/kv/gen/kv_server.c
examples_kv_kv_server_CPPFLAGS = $(KV_CPP)
examples_kv_kv_server_CFLAGS = $(AM_CFLAGS) $(MSGPACK_CFLAGS)
examples_kv_kv_server_LDADD = $(CALC_LIBS)
$(examples_kv_kv_server_OBJECTS): examples/kv/gen/kv.h

examples_kv_kv_client_SOURCES = examples/kv/kv_client.c
nodist_examples_kv_kv_client_SOURCES = \
	examples/kv/gen/kv.h examples/kv/gen/kv_client.c
examples_kv_kv_client_CPPFLAGS = $(KV_CPP)
examples_kv_kv_client_CFLAGS = $(AM_CFLAGS) $(MSGPACK_CFLAGS)
examples_kv_kv_client_LDADD = $(CALC_LIBS)
$(examples_kv_kv_client_OBJECTS): examples/kv/gen/kv.h

EXTRA_DIST += examples/kv/kv.idl
