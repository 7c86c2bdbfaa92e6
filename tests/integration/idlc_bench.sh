#!/bin/sh
# idlc_bench.sh - runs bench/idlc.sh once on tiny inputs, so that "make
# check" proves the benchmark works: a row for each size, and idlc exits
# 0 on every input (bench/idlc.sh fails otherwise).  Also checks that
# idlc takes what bench/idlgen.sh writes without a single diagnostic,
# -Wall included: the benchmark times the path of a good file.
set -u

top=${top_builddir:-.}
src=${top_srcdir:-.}
idlc=$top/idlc/idlc
dir=$(mktemp -d "${TMPDIR:-/tmp}/idlc-bench-test.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT

for flag in "" -e; do
    sh "$src/bench/idlgen.sh" $flag 300 > "$dir/bench.idl" || {
        echo "idlc_bench: bench/idlgen.sh $flag 300 failed"
        exit 1
    }
    if ! "$idlc" -Wall -o "$dir" "$dir/bench.idl" > "$dir/err" 2>&1 \
        || [ -s "$dir/err" ]; then
        echo "idlc_bench: idlc -Wall on bench/idlgen.sh $flag 300 said:"
        cat "$dir/err"
        exit 1
    fi
done

sizes="60 300"
if ! IDLC_BENCH_SIZES=$sizes IDLC_BENCH_RUNS=1 \
    sh "$src/bench/idlc.sh" "$idlc" > "$dir/table" 2>&1; then
    echo "idlc_bench: bench/idlc.sh failed:"
    cat "$dir/table"
    exit 1
fi
cat "$dir/table"
# A row: the lines (about the size asked for) and four numbers.
rows=$(awk 'NF == 5 && $1 ~ /^[0-9]+$/ && $2 ~ /^[0-9.]+$/' "$dir/table" \
       | wc -l)
if [ "$rows" -ne 2 ]; then
    echo "idlc_bench: want a row for each of the sizes $sizes, got $rows"
    exit 1
fi
echo "idlc_bench: bench/idlc.sh printed a row for each size"
