#!/bin/sh
# make check: bench/pingpong once with tiny counts, to prove that every
# test runs on both transports (servers start and stop, the replies check
# out, the table prints).  Not a measurement: "make bench" is.
set -u
out=$("${top_builddir:-.}/bench/pingpong" -q -n 40 -r 1 -w 5 -b 20 -s 20 -m 1 -N 2) || {
    echo "pingpong_check: bench/pingpong failed:"
    echo "$out"
    exit 1
}
echo "$out"
for transport in unix tcp; do
    for test in raw echo raw_str echo_str raw_pipe pipe async raw_fire fire \
            raw_put put raw_get get; do
        if ! echo "$out" | grep -q "^$transport  *$test  "; then
            echo "pingpong_check: no row for $transport $test"
            exit 1
        fi
    done
done
