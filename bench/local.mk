# Benchmarks: "make bench" measures sockrpc against a hand-written socket
# ping-pong in one run and prints medians and ratios (bench/README.md).
# The programs are EXTRA_PROGRAMS: built only by "make bench", so a plain
# "make" and "make distcheck" do not pay for them.

BENCH_GEN = \
	bench/gen/bench.h \
	bench/gen/bench_client.c \
	bench/gen/bench_server.c

# One idlc run writes all three files: a stamp keeps "make -j" from running
# it three times (as examples/local.mk does).
bench/gen/bench.stamp: $(srcdir)/bench/bench.idl idlc/idlc$(EXEEXT)
	@$(MKDIR_P) bench/gen
	$(AM_V_GEN)idlc/idlc$(EXEEXT) -o bench/gen $(srcdir)/bench/bench.idl
	@touch $@
$(BENCH_GEN): bench/gen/bench.stamp
	@test -f $@ || rm -f bench/gen/bench.stamp
	@test -f $@ || $(MAKE) $(AM_MAKEFLAGS) bench/gen/bench.stamp

EXTRA_PROGRAMS += bench/pingpong
bench_pingpong_SOURCES = bench/pingpong.c
nodist_bench_pingpong_SOURCES = \
	bench/gen/bench.h bench/gen/bench_client.c bench/gen/bench_server.c
bench_pingpong_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_builddir)/bench/gen
bench_pingpong_CFLAGS = $(AM_CFLAGS) $(PTHREAD_CFLAGS) $(MSGPACK_CFLAGS)
bench_pingpong_LDADD = runtime/libsockrpc.la $(MSGPACK_LIBS) $(PTHREAD_LIBS)
# -no-install: the real program, not a libtool wrapper, so that valgrind
# and strace see it.
bench_pingpong_LDFLAGS = -no-install
$(bench_pingpong_OBJECTS): bench/gen/bench.h

# EXTRA_PROGRAMS are not removed by "make clean" on their own.
CLEANFILES += $(BENCH_GEN) bench/gen/bench.stamp bench/pingpong$(EXEEXT)
EXTRA_DIST += bench/bench.idl bench/README.md bench/callgrind.sh

# Arguments for the program, e.g. make bench BENCH_ARGS="-n 5000 -t unix".
BENCH_ARGS =

# The table is also written to bench/results/pingpong.tsv, and drawn into
# bench/results/*.png when configure found gnuplot (bench/plot.sh).
bench: bench/pingpong$(EXEEXT)
	@$(MKDIR_P) bench/results
	bench/pingpong$(EXEEXT) -o bench/results/pingpong.tsv $(BENCH_ARGS)
	@if test -n "$(GNUPLOT)"; then \
		GNUPLOT='$(GNUPLOT)' $(SHELL) $(srcdir)/bench/plot.sh \
			bench/results/pingpong.tsv bench/results; \
	else \
		echo "bench: gnuplot not found (Debian package: gnuplot-nox): no charts"; \
	fi
CLEANFILES += bench/results/pingpong.tsv bench/results/ratios.png \
	bench/results/latency.png
EXTRA_DIST += bench/plot.sh

# Instructions per call (client and server together) for raw vs sockrpc,
# counted by callgrind: repeatable where seconds are not.
bench-callgrind: bench/pingpong$(EXEEXT)
	@test -n "$(VALGRIND)" || { echo "valgrind not found (Debian package: valgrind)"; exit 1; }
	@VALGRIND='$(VALGRIND)' $(SHELL) $(srcdir)/bench/callgrind.sh bench/pingpong$(EXEEXT)

PHONY_TARGETS += bench bench-callgrind

# "make check" runs it once with tiny counts (bench/pingpong_check.sh), to
# prove every test works: not timed, nothing measured.
TESTS += bench/pingpong_check.sh
bench/pingpong_check.log: bench/pingpong$(EXEEXT)
EXTRA_DIST += bench/pingpong_check.sh
include bench/idle.mk
include bench/idlc.mk
include bench/onc/onc.mk
