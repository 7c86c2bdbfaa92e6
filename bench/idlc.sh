#!/bin/sh
# idlc.sh IDLC - times idlc on generated inputs of growing size and prints
# a table: lines, seconds (the median of the runs) and seconds per 1,000
# lines, which stays flat when idlc is linear in the size of its input.
#
# For each size, bench/idlgen.sh writes a file and "the next release" of
# it (idlgen.sh -e); the table has the time of "IDLC -o DIR FILE" and of
# "IDLC --check-compat FILE NEXT".  Any idlc failure stops the script
# with status 1.
#
# The environment may set:
#   IDLC_BENCH_SIZES  lines of each input (default "2500 10000 40000")
#   IDLC_BENCH_RUNS   runs of each command; the median is printed (5)
# Times are wall-clock: pin the run for steadier numbers, e.g.
#   taskset -c 0 sh bench/idlc.sh idlc/idlc
set -eu

if [ $# -ne 1 ]; then
    echo "usage: idlc.sh IDLC" >&2
    exit 2
fi
idlc=$1
sizes=${IDLC_BENCH_SIZES:-2500 10000 40000}
runs=${IDLC_BENCH_RUNS:-5}
here=$(dirname "$0")

case $(date +%N) in
*[!0-9]* | '')
    echo "idlc.sh: needs a date(1) that prints nanoseconds (+%N)" >&2
    exit 2
    ;;
esac

dir=$(mktemp -d "${TMPDIR:-/tmp}/idlc-bench.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' HUP INT TERM

# Runs "$@" RUNS times and prints the median of the wall-clock seconds;
# stops everything when the command fails (its messages are in $dir/err).
median() {
    i=0
    : > "$dir/times"
    while [ "$i" -lt "$runs" ]; do
        start=$(date +%s.%N)
        if ! "$@" > "$dir/err" 2>&1; then
            echo "idlc.sh: failed: $*" >&2
            cat "$dir/err" >&2
            exit 1
        fi
        end=$(date +%s.%N)
        echo "$start $end" | awk '{ printf "%.6f\n", $2 - $1 }' \
            >> "$dir/times"
        i=$((i + 1))
    done
    sort -n "$dir/times" | awk '{ t[NR] = $1 }
        END { printf "%.4f\n", t[int((NR + 1) / 2)] }'
}

printf '%8s  %10s  %10s  %10s  %10s\n' lines compile_s s_per_1k \
    compat_s s_per_1k
for n in $sizes; do
    sh "$here/idlgen.sh" "$n" > "$dir/bench.idl"
    sh "$here/idlgen.sh" -e "$n" > "$dir/next.idl"
    mkdir -p "$dir/out"
    lines=$(wc -l < "$dir/bench.idl")
    compile=$(median "$idlc" -o "$dir/out" "$dir/bench.idl")
    compat=$(median "$idlc" --check-compat "$dir/bench.idl" "$dir/next.idl")
    awk -v l="$lines" -v a="$compile" -v b="$compat" 'BEGIN {
        printf "%8d  %10.4f  %10.5f  %10.4f  %10.5f\n",
               l, a, a * 1000 / l, b, b * 1000 / l }'
done
