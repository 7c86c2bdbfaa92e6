#!/bin/sh
# soak_check.sh - "make check" runs the soak once, briefly, with one client
# of each kind: it proves the program works; "make soak" is the real run.
exec "${top_builddir:-.}/tests/soak/soak" -t 3 -c 1 -q
