#!/bin/sh
# demo.sh BINDIR - runs the calculator over a Unix socket and over TCP.
#
# Starts calc_server in a fresh temporary directory on a Unix socket there and
# on a free TCP port of 127.0.0.1, makes the same calls over both addresses,
# then stops the server and removes the directory, whatever happens.
set -eu

bindir=${1:-.}
dir=$(mktemp -d "${TMPDIR:-/tmp}/sockrpc-demo.XXXXXX")
server_pid=

cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

: >"$dir/server.out"
"$bindir/calc_server" "unix:$dir/calc.sock" tcp:127.0.0.1:0 >>"$dir/server.out" &
server_pid=$!

# The server prints one "listening on ADDRESS" line per address once it
# accepts connections; wait for both, at most 5 seconds.
tries=0
while [ "$(grep -c '^listening on ' "$dir/server.out")" -lt 2 ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 50 ] || ! kill -0 "$server_pid" 2>/dev/null; then
        echo "demo: calc_server did not start" >&2
        exit 1
    fi
    sleep 0.1
done
unix_addr=$(sed -n 's/^listening on \(unix:.*\)$/\1/p' "$dir/server.out")
tcp_addr=$(sed -n 's/^listening on \(tcp:.*\)$/\1/p' "$dir/server.out")

call() {
    printf '%-40s -> ' "calc_client $*"
    "$bindir/calc_client" "$@" 2>&1 || true
}

for addr in "$unix_addr" "$tcp_addr"; do
    echo "== over $addr"
    call "$addr" add 2 3
    call "$addr" sub 10 4
    call "$addr" mul 6 7
    call "$addr" div 7 2
    call "$addr" div 7 0
    call "$addr" note "hello over ${addr%%:*}"
    echo "(no reply to wait for)"
done

# A oneway note has no reply: give the server a moment to print it.
sleep 0.2
echo "== the server printed"
sed 's/^/    /' "$dir/server.out"
