#!/bin/sh
# plot.sh RESULTS DIR - draws the charts of a bench/pingpong -o table:
#   DIR/ratios.png   each sockrpc test's median time over its raw floor's,
#                    unix and tcp side by side (1 is the floor: lower is
#                    better)
#   DIR/latency.png  the blocking calls' median and 99th percentile
# Needs gnuplot (Debian: gnuplot-nox); GNUPLOT names another.
set -eu
results=$1
dir=$2
gnuplot=${GNUPLOT:-gnuplot}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sockrpc-plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# test  unix  tcp: one row per sockrpc test, in the table's order.
awk -F '\t' -v col=9 '
    NR > 1 && $2 != $10 {
        if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 }
        v[$2, $1] = $col
    }
    END {
        for (i = 1; i <= n; i++)
            printf "%s\t%s\t%s\n", order[i], \
                   ((order[i], "unix") in v) ? v[order[i], "unix"] : "NaN", \
                   ((order[i], "tcp") in v) ? v[order[i], "tcp"] : "NaN"
    }' "$results" > "$tmp/ratios"
# transport-test  p50  p99 of the blocking calls and their floors.
awk -F '\t' 'NR > 1 && ($2 == "raw" || $2 == "echo" || $2 == "raw_str" ||
             $2 == "echo_str") { printf "%s/%s\t%s\t%s\n", $1, $2, $4, $6 }' \
    "$results" > "$tmp/latency"
if [ ! -s "$tmp/ratios" ]; then
    echo "plot.sh: $results has no sockrpc test with its floor" >&2
    exit 1
fi

"$gnuplot" <<GP
set terminal pngcairo size 900,480 font ",10" noenhanced
set datafile separator "\t"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set grid ytics
set key top left

set output "$dir/ratios.png"
set title "sockrpc's median time per call over the raw socket floor (1 = raw; lower is better)"
set ylabel "ratio to raw"
set logscale y 2
set yrange [0.5:*]
plot "$tmp/ratios" using 2:xtic(1) title "unix", \
     "" using 3 title "tcp", \
     1 with lines lt -1 notitle

set output "$dir/latency.png"
set title "Blocking calls: median and 99th percentile, microseconds"
set ylabel "µs"
unset logscale y
set yrange [0:*]
plot "$tmp/latency" using 2:xtic(1) title "median", \
     "" using 3 title "99th percentile"
GP
echo "plot.sh: $dir/ratios.png $dir/latency.png"
