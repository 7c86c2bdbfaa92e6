# bench/idle: the memory a default server spends per idle connection, at
# 10000 connections over a Unix socket and over TCP (bench/README.md).
# "make bench" runs it after bench/pingpong; like pingpong it is an
# EXTRA_PROGRAM, built only when asked for.  "make check" runs it once with
# a few connections (bench/idle_check.sh), to prove it works: not timed,
# nothing measured.  The server serves the examples' calc interface.

EXTRA_PROGRAMS += bench/idle
bench_idle_SOURCES = bench/idle.c
nodist_bench_idle_SOURCES = examples/calc/gen/calc.h \
	examples/calc/gen/calc_server.c
bench_idle_CPPFLAGS = $(CALC_CPP)
bench_idle_CFLAGS = $(AM_CFLAGS) $(MSGPACK_CFLAGS)
bench_idle_LDADD = $(CALC_LIBS)
bench_idle_LDFLAGS = -no-install
$(bench_idle_OBJECTS): examples/calc/gen/calc.h
CLEANFILES += bench/idle$(EXEEXT)

# Arguments for the program, e.g. make bench IDLE_ARGS="-n 2000 -l 1024".
IDLE_ARGS =

bench-idle: bench/idle$(EXEEXT)
	bench/idle$(EXEEXT) $(IDLE_ARGS)
bench: bench-idle
PHONY_TARGETS += bench-idle

TESTS += bench/idle_check.sh
bench/idle_check.log: bench/idle$(EXEEXT)
EXTRA_DIST += bench/idle.mk bench/idle_check.sh
