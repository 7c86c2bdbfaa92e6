#!/bin/sh
# make check: bench/onc/oncbench once with tiny counts, to prove that every
# test runs on both transports (the server starts and stops, the replies
# check out, the table prints).  Not a measurement: "make bench-onc" is.
set -u
out=$("${top_builddir:-.}/bench/onc/oncbench" -q -n 40 -r 1 -m 1) || {
    echo "onc_check: bench/onc/oncbench failed:"
    echo "$out"
    exit 1
}
echo "$out"
for transport in unix tcp; do
    for test in echo echo_str conc_1 conc_4 conc_16 conc_128 put get; do
        if ! echo "$out" | grep -q "^$transport  *$test  "; then
            echo "onc_check: no row for $transport $test"
            exit 1
        fi
    done
done
