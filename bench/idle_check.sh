#!/bin/sh
# make check: bench/idle once with a few connections, to prove that it
# runs (servers start and stop, every connection is served, the numbers
# print).  Not a measurement: "make bench" is.
exec "${top_builddir:-.}/bench/idle" -n 20
