# ONC RPC (rpcgen + libtirpc) measured the way bench/pingpong measures
# sockrpc, on the same machine: "make bench-onc", and "make bench" runs it
# too (bench/README.md, "ONC RPC as a peer").  Built only where configure
# found rpcgen and libtirpc (Debian packages: rpcsvc-proto libtirpc-dev);
# like pingpong an EXTRA_PROGRAM, built only when asked for.

# Distributed with or without libtirpc, so that either kind of build
# can make the tarball.
EXTRA_DIST += bench/onc/onc.mk bench/onc/onc_check.sh bench/onc/oncbench.x \
	bench/onc/oncbench.c bench/onc/conn.c bench/onc/conn.h \
	bench/onc/procs.c bench/onc/procs.h bench/onc/server.c \
	bench/onc/server.h bench/onc/util.c bench/onc/util.h

if HAVE_ONC
ONC_GEN = \
	bench/onc/gen/oncbench.h \
	bench/onc/gen/oncbench_clnt.c \
	bench/onc/gen/oncbench_svc.c \
	bench/onc/gen/oncbench_xdr.c

# rpcgen names the header its sources #include after its input file, path
# and all, so it runs in bench/onc/gen on a copy of oncbench.x: the sources
# then say #include "oncbench.h", in a VPATH build too.  -M: thread-safe
# stubs (results by pointer, no static buffers), as the concurrency test
# calls from many threads.  -m: the dispatcher without a main().  One
# stamp for the four runs, as bench/local.mk does for idlc.
bench/onc/gen/oncbench.stamp: $(srcdir)/bench/onc/oncbench.x
	@$(MKDIR_P) bench/onc/gen
	@rm -f bench/onc/gen/oncbench.x $(ONC_GEN)
	$(AM_V_GEN)cp $(srcdir)/bench/onc/oncbench.x bench/onc/gen/oncbench.x && \
	cd bench/onc/gen && \
	$(RPCGEN) -M -h -o oncbench.h oncbench.x && \
	$(RPCGEN) -M -l -o oncbench_clnt.c oncbench.x && \
	$(RPCGEN) -M -m -o oncbench_svc.c oncbench.x && \
	$(RPCGEN) -M -c -o oncbench_xdr.c oncbench.x
	@touch $@
$(ONC_GEN): bench/onc/gen/oncbench.stamp
	@test -f $@ || rm -f bench/onc/gen/oncbench.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) bench/onc/gen/oncbench.stamp

# rpcgen's code is compiled apart, with the few warnings it trips turned
# off (ONC_GEN_WARN_CFLAGS, from configure: unused variables, a dispatcher
# without a prototype, xdr_void cast to xdrproc_t): a convenience library,
# as Automake has no per-object flags.  Everything else in bench/onc builds
# with every warning on.
EXTRA_LIBRARIES = bench/onc/libonc_gen.a
nodist_bench_onc_libonc_gen_a_SOURCES = $(ONC_GEN)
bench_onc_libonc_gen_a_CPPFLAGS = -I$(top_builddir)/bench/onc/gen
bench_onc_libonc_gen_a_CFLAGS = $(AM_CFLAGS) $(ONC_GEN_WARN_CFLAGS) \
	$(TIRPC_CFLAGS)

EXTRA_PROGRAMS += bench/onc/oncbench
bench_onc_oncbench_SOURCES = bench/onc/oncbench.c bench/onc/conn.c \
	bench/onc/conn.h bench/onc/procs.c bench/onc/procs.h \
	bench/onc/server.c bench/onc/server.h bench/onc/util.c \
	bench/onc/util.h
bench_onc_oncbench_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/bench/onc/gen
bench_onc_oncbench_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(TIRPC_CFLAGS)
bench_onc_oncbench_LDADD = bench/onc/libonc_gen.a $(TIRPC_LIBS) \
	$(PTHREAD_LIBS)
# -no-install: the real program, as bench/pingpong.
bench_onc_oncbench_LDFLAGS = -no-install
$(bench_onc_oncbench_OBJECTS): bench/onc/gen/oncbench.h

CLEANFILES += $(ONC_GEN) bench/onc/gen/oncbench.x \
	bench/onc/gen/oncbench.stamp bench/onc/libonc_gen.a \
	bench/onc/oncbench$(EXEEXT)

# Arguments for the program, e.g. make bench-onc ONC_ARGS="-n 5000 -t tcp".
ONC_ARGS =

# "make bench" runs it as a prerequisite, so before pingpong (bench's own
# recipe).  Run "make bench" without -j: two benchmarks at once would
# measure each other.
bench-onc: bench/onc/oncbench$(EXEEXT)
	bench/onc/oncbench$(EXEEXT) $(ONC_ARGS)
BENCH_ONC = bench-onc

# "make check" runs it once with tiny counts (bench/onc/onc_check.sh):
# not timed, nothing measured.
TESTS += bench/onc/onc_check.sh
bench/onc/onc_check.log: bench/onc/oncbench$(EXEEXT)
else
BENCH_ONC =
bench-onc:
	@echo "bench-onc: configure found no rpcgen or no libtirpc (Debian packages: rpcsvc-proto libtirpc-dev)"
	@exit 1
endif
# Automake refuses "bench: bench-onc" under "if HAVE_ONC" (bench is
# defined unconditionally in bench/local.mk): the condition is in BENCH_ONC.
bench: $(BENCH_ONC)
PHONY_TARGETS += bench-onc
