#!/bin/sh
# run-python.sh SCRIPT - runs a Python test with Debian's python3, which has
# python3-msgpack; the python3 first on PATH may be another build without it.
# Exits 77 (the harness's "skipped") when no such Python is available.
py=${PYTHON3_SYSTEM:-/usr/bin/python3}
if ! "$py" -c 'import msgpack' 2>/dev/null; then
    echo "SKIP: $py cannot import msgpack (Debian package python3-msgpack)"
    exit 77
fi
exec "$py" "$@"
