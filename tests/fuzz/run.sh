#!/bin/sh
# run.sh NAME ... - runs the libFuzzer targets tests/fuzz/fuzz_NAME (built
# by "make fuzz"), one after the other, from the build directory.
#
# Each runs for FUZZ_TIME seconds (default 60), or for FUZZ_RUNS inputs
# when that is set, starting from the seeds in the source tree and the
# inputs it found before (tests/fuzz/work/NAME, which is where new ones
# go: the tree's corpus is only read).  A crash, a sanitizer report or a
# leak stops that target and leaves the input in tests/fuzz/findings/;
# copy it to $top_srcdir/tests/fuzz/regress/NAME/ once it is fixed, and
# "make check" replays it from then on.  At the end one line per target:
# inputs run, inputs a second, coverage, and whether it found anything.
set -u
: "${FUZZ_TIME:=60}" "${FUZZ_RUNS:=}"
: "${top_srcdir:?set top_srcdir (make fuzz does)}"
mkdir -p tests/fuzz/findings
summary=$(mktemp "${TMPDIR:-/tmp}/sockrpc-fuzz.XXXXXX")
trap 'rm -f "$summary"' EXIT
failed=0

for name in "$@"; do
    prog=tests/fuzz/fuzz_$name
    work=tests/fuzz/work/$name
    log=tests/fuzz/fuzz_$name.log
    mkdir -p "$work"
    if [ -n "$FUZZ_RUNS" ]; then
        limit="-runs=$FUZZ_RUNS"
    else
        limit="-max_total_time=$FUZZ_TIME"
    fi
    set -- "$work" "$top_srcdir/tests/fuzz/corpus/$name"
    [ -d "$top_srcdir/tests/fuzz/regress/$name" ] &&
        set -- "$@" "$top_srcdir/tests/fuzz/regress/$name"
    echo "fuzz_$name: $limit, log in $log"
    if "$prog" "$limit" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
            -artifact_prefix="tests/fuzz/findings/$name-" "$@" >"$log" 2>&1; then
        verdict=ok
    else
        verdict="FOUND SOMETHING (tests/fuzz/findings/$name-*)"
        failed=1
        tail -n 30 "$log"
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(sed -n 's/^#[0-9]*.*cov: \([0-9]*\) ft: \([0-9]*\).*/\1 \2/p' "$log" | tail -n 1)
    printf '%-8s %12s %10s %8s %8s  %s\n' "$name" "${runs:-?}" "${rate:-?}" \
        "${cov% *}" "${cov#* }" "$verdict" >>"$summary"
done
printf '%-8s %12s %10s %8s %8s  %s\n' target inputs per_s cov features verdict
cat "$summary"
exit $failed
