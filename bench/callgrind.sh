#!/bin/sh
# callgrind.sh PINGPONG - instructions per call, raw vs sockrpc, by callgrind.
#
# Runs each test under callgrind twice, with N1 and N2 calls, and divides
# the difference of the instruction totals by N2 - N1: the fixed cost of
# starting threads, servers and connections cancels out, and what is left
# is what one call costs the client and the server thread together.
set -eu
prog=$1
: "${VALGRIND:=valgrind}"
: "${N1:=1000}" "${N2:=3000}"
out=$(mktemp -d "${TMPDIR:-/tmp}/sockrpc-callgrind.XXXXXX")
trap 'rm -rf "$out"' EXIT

total() { # TRANSPORT TEST N -> instructions of the whole run
    "$VALGRIND" --tool=callgrind --callgrind-out-file="$out/cg.out" -q \
        "$prog" -q -x -t "$1" -T "$2" -n "$3" -r 1 -w 10 -b 100 >/dev/null
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out/cg.out"
}

printf '%-9s  %-8s  %12s  %12s\n' transport test instr_per_call ratio_vs_raw
for t in unix tcp; do
    for pair in raw:raw echo:raw raw_str:raw_str echo_str:raw_str \
            raw_pipe:raw_pipe pipe:raw_pipe raw_fire:raw_fire fire:raw_fire; do
        test=${pair%%:*} floor=${pair#*:}
        a=$(total "$t" "$test" "$N1")
        b=$(total "$t" "$test" "$N2")
        per=$(( (b - a) / (N2 - N1) ))
        if [ "$test" = "$floor" ]; then
            eval "floor_$floor=$per"
            ratio=1.00
        else
            eval "f=\$floor_$floor"
            ratio=$(awk "BEGIN { printf \"%.2f\", $per / $f }")
        fi
        printf '%-9s  %-8s  %12d  %12s\n' "$t" "$test" "$per" "$ratio"
    done
done
