#!/bin/sh
# exports.sh - libsockrpc.so must export exactly the functions its public
# headers declare.  A name exported but not declared is an internal that
# programs could bind to (runtime/local.mk filters them out); a name
# declared but not exported is a link error waiting for the first user.
set -u

top=${top_builddir:-.}
src=${top_srcdir:-.}
nm=${NM:-nm}
la="$top/runtime/libsockrpc.la"

dlname=$(sed -n "s/^dlname='\(.*\)'\$/\1/p" "$la" 2>/dev/null)
if [ -z "$dlname" ]; then
    echo "exports: skipped, no shared libsockrpc in this build (--disable-shared?)"
    exit 77
fi
so="$top/runtime/.libs/$dlname"
dir=$(mktemp -d "${TMPDIR:-/tmp}/exports.XXXXXX") || exit 99
trap 'rm -rf "$dir"' EXIT

# The preprocessor drops comments and macros, so only declarations remain:
# a name followed by "(" (a function pointer type has ")" after its name).
for h in sockrpc.h sockrpc/codec.h; do
    ${CC:-cc} -E -P -I"$src/runtime/include" "$src/runtime/include/$h" || exit 99
done > "$dir/pre" || exit 99
grep -o 'srpc_[A-Za-z0-9_]*[[:space:]]*(' "$dir/pre" | tr -d ' \t(' |
    sort -u > "$dir/declared"

# Every defined dynamic symbol, whatever its prefix, minus version tags.
$nm -D --defined-only "$so" > "$dir/nm" || exit 99
awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }' "$dir/nm" | sort -u > "$dir/exported"

if [ ! -s "$dir/declared" ] || [ ! -s "$dir/exported" ]; then
    echo "exports: found no names (declared: $(wc -l < "$dir/declared"), exported: $(wc -l < "$dir/exported"))"
    exit 99
fi

status=0
leaked=$(comm -13 "$dir/declared" "$dir/exported")
if [ -n "$leaked" ]; then
    echo "exports: $so exports names no public header declares:"
    echo "$leaked" | sed 's/^/  /'
    status=1
fi
missing=$(comm -23 "$dir/declared" "$dir/exported")
if [ -n "$missing" ]; then
    echo "exports: the public headers declare names $so does not export:"
    echo "$missing" | sed 's/^/  /'
    status=1
fi
[ "$status" -eq 0 ] && echo "exports: $(wc -l < "$dir/exported") names, each declared and exported"
exit "$status"
