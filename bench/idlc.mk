# "make bench-idlc": idlc's time on generated inputs of 2,500, 10,000 and
# 40,000 lines, compiled and checked with --check-compat (bench/idlc.sh,
# bench/README.md).  "make bench" runs it first.  The sizes and the runs
# of each command (whose median is printed) can be changed:
#   make bench-idlc IDLC_BENCH_SIZES="1000 4000" IDLC_BENCH_RUNS=3
# Times are wall-clock: "taskset -c 0 make bench-idlc" pins the run.

IDLC_BENCH_SIZES =
IDLC_BENCH_RUNS =

bench-idlc: idlc/idlc$(EXEEXT)
	IDLC_BENCH_SIZES='$(IDLC_BENCH_SIZES)' IDLC_BENCH_RUNS='$(IDLC_BENCH_RUNS)' \
	    $(SHELL) $(srcdir)/bench/idlc.sh idlc/idlc$(EXEEXT)

bench: bench-idlc

EXTRA_DIST += bench/idlgen.sh bench/idlc.sh bench/idlc.mk
PHONY_TARGETS += bench-idlc
