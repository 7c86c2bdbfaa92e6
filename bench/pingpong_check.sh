#!/bin/sh
# make check: bench/pingpong once with tiny counts, to prove that every
# test runs on both transports (servers start and stop, the replies check
# out, the table prints), that its results file is written, and, when
# configure found gnuplot, that bench/plot.sh draws it.  Not a
# measurement: "make bench" is.
set -u
dir=$(mktemp -d "${TMPDIR:-/tmp}/pingpong-check.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT

out=$("${top_builddir:-.}/bench/pingpong" -q -n 40 -r 1 -w 5 -b 20 -s 20 \
      -m 1 -N 2 -o "$dir/results.tsv") || {
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
        if ! grep -q "^$transport	$test	" "$dir/results.tsv"; then
            echo "pingpong_check: results.tsv has no row for $transport $test"
            exit 1
        fi
    done
done
if [ -z "${GNUPLOT:-}" ]; then
    echo "pingpong_check: no gnuplot, charts not tried"
    exit 0
fi
GNUPLOT=$GNUPLOT sh "${top_srcdir:-.}/bench/plot.sh" "$dir/results.tsv" "$dir" ||
    exit 1
for png in ratios latency; do
    if [ ! -s "$dir/$png.png" ]; then
        echo "pingpong_check: plot.sh drew no $png.png"
        exit 1
    fi
done
