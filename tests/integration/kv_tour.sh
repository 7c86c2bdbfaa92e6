#!/bin/sh
# kv_tour.sh - runs the key-value service of doc/idl.md's "In five minutes"
# (examples/kv, the same files) and checks that it prints what the page
# says.  The server listens in a temporary directory and is stopped here.
set -u

top=${top_builddir:-.}
dir=$(mktemp -d "${TMPDIR:-/tmp}/kv-tour.XXXXXX") || exit 99
server_pid=

cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    rm -rf "$dir"
}
trap cleanup EXIT

"$top/examples/kv/kv_server" "unix:$dir/kv.sock" &
server_pid=$!
tries=0
while [ ! -S "$dir/kv.sock" ]; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
        echo "kv_tour: the server did not listen within 10 s"
        exit 1
    fi
    sleep 0.1
done

"$top/examples/kv/kv_client" "unix:$dir/kv.sock" > "$dir/out" 2>&1 || {
    echo "kv_tour: the client failed:"
    cat "$dir/out"
    exit 1
}
expected="color = blue
size: error 1: kv.get: no key 'size'
1 entries"
if [ "$(cat "$dir/out")" != "$expected" ]; then
    echo "kv_tour: the client printed:"
    cat "$dir/out"
    echo "kv_tour: doc/idl.md says:"
    echo "$expected"
    exit 1
fi
echo "kv_tour: the client printed what doc/idl.md says"
