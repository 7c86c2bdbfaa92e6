#!/bin/sh
# idlgen.sh [-e] N - writes an .idl file of about N lines to stdout, for
# timing idlc on large inputs (bench/idlc.sh).
#
# The file is a module with shared types at its top level and four
# interfaces, and it grows in units: each unit adds a struct, an open and
# a closed enum, a typedef and a constant at the top level, and a struct,
# a union, an error enum and five procedures (parameters of most types,
# sequences, maps, a fixed array, any, bounds by name, raises) to one of
# the interfaces in turn.  Every scope therefore grows with N, so a lookup
# that is linear in a scope's size makes idlc quadratic in N and shows.
#
# With -e, the file is "the next release" of the one without: every
# tenth unit's top-level struct has a new optional field and its open
# enum a new value, a bound is raised and each interface has a new
# procedure.  Those changes are compatible, so
# "idlc --check-compat OLD NEW" exits 0 after comparing everything.
set -eu

evolve=0
if [ "${1:-}" = "-e" ]; then
    evolve=1
    shift
fi
case ${1:-} in
'' | *[!0-9]*)
    echo "usage: idlgen.sh [-e] LINES" >&2
    exit 2
    ;;
esac

awk -v lines="$1" -v evolve="$evolve" '
function top_unit(k, e) {
    printf "/// A record shared by every interface (unit %d).\n", k
    printf "struct rec_%d {\n", k
    printf "    uint64 id;\n"
    printf "    optional string<64> label;\n"
    printf "    sequence<int32, %d> samples;\n", e ? 32 : 16
    printf "    map<string, double> weights;\n"
    if (e)
        printf "    optional int64 added_%d;\n", k
    printf "};\n"
    printf "enum level_%d { LOW, MID = 5, HIGH };\n", k
    printf "open enum status_%d { OK, FAILED = -1, RETRY = 7%s };\n", k,
           e ? ", LATER = 9" : ""
    printf "typedef sequence<rec_%d> recs_%d;\n", k, k
    printf "const uint32 MAX_%d = %d;\n", k, 16 + k % 64
    printf "\n"
}

function iface_unit(k) {
    printf "    /// A value of unit %d, held by value or pointed to.\n", k
    printf "    struct item_%d {\n", k
    printf "        int32 x;\n"
    printf "        double y;\n"
    printf "        optional rec_%d rec;\n", k
    printf "        map<string, int64> tags;\n"
    printf "        string<MAX_%d> name;\n", k
    printf "        uint8[4] mask;\n"
    printf "    };\n"
    printf "    union choice_%d switch (level_%d) {\n", k, k
    printf "        case LOW: void;\n"
    printf "        case MID: int32 count;\n"
    printf "        case HIGH: string text;\n"
    printf "    };\n"
    printf "    enum failure_%d { NOT_FOUND = 1, BUSY = 2 };\n", k
    printf "    int32 op_%d(int8 a, int16 b, uint16 c, uint64 d, " \
           "optional double e);\n", k
    printf "    item_%d get_%d(string<32> key, recs_%d rs) " \
           "raises (failure_%d);\n", k, k, k, k
    printf "    sequence<item_%d> list_%d(map<string, level_%d> filter, " \
           "float[3] where);\n", k, k, k
    printf "    oneway void note_%d(bytes<1024> data, bool flag, " \
           "status_%d st);\n", k, k
    printf "    optional choice_%d pick_%d(choice_%d c, optional any extra);\n",
           k, k, k
    printf "\n"
}

BEGIN {
    nifaces = 4
    # Lines: 11 a unit at the top level, 22 in an interface, and about
    # 20 for the header and the interfaces themselves.
    units = int((lines - 20) / 33)
    if (units < 1)
        units = 1
    printf "// bench.idl - %d units of generated declarations " \
           "(bench/idlgen.sh%s %d).\n", units, evolve ? " -e" : "", lines
    printf "module bench;\n\n"
    for (k = 0; k < units; k++)
        top_unit(k, evolve && k % 10 == 0)
    for (i = 0; i < nifaces; i++) {
        printf "/** Service %d of %d. */\n", i, nifaces
        printf "interface svc%d {\n", i
        # Even with fewer units than interfaces, none is empty.
        printf "    uint64 ping(uint64 n);\n"
        for (k = i; k < units; k += nifaces)
            iface_unit(k)
        if (evolve)
            printf "    void added_%d(string why);\n", i
        printf "};\n\n"
    }
}'
