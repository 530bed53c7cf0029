#!/bin/sh
# Report steps at scale (issue 19 item 6): `maatlat report --handover-graph` on a store of EVENTS
# case-log events with many distinct resource pairs, and `maatlat report --xlsx` on a store of an
# org chart of PEOPLE people (the Layers sheet holds one row per person). Only the report step is
# timed (the store is imported once beforehand). References: pandas + Graphviz drawing the same
# top handover pairs from the CSV (bench/graph_reference.py, checked edge for edge), and openpyxl
# copying the org CSV into one sheet (bench/workbook_reference.py: no analysis, the floor of a
# Python workbook; checked: the same number of person rows). Runs interleaved (A B A B), minimum
# wall time, largest peak RSS; the workbook reference runs once (a minute or more at 1M). Not a
# test: it prints ratios.
#
# usage: bench/bench_reports.sh [--tsv] [BUILD_DIR] [EVENTS] [PEOPLE] [RUNS]
#   defaults: build 1000000 1000000 2
#   --tsv: the report goes to stderr; stdout gets a header and one tab-separated row per
#          comparison (the lines bench/run reads).
#   BENCH_KEEP=1 keeps the generated data (under $TMPDIR).
set -eu
tsv=
for a in "$@"; do
	shift
	if [ "$a" = --tsv ]; then tsv=1; else set -- "$@" "$a"; fi
done
[ -z "$tsv" ] || exec 3>&1 1>&2
BUILD=${1:-build}
EVENTS=${2:-1000000}
PEOPLE=${3:-1000000}
RUNS=${4:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
B=$(cd "$BUILD" && pwd)
MAATLAT=$B/maatlat
PY=/usr/bin/python3
W=$(mktemp -d)
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT

t() {
	label=$1
	shift
	/usr/bin/time -f "$label %e %M %U %S" -a -o "$W/times" "$@" >"$W/out.$label" 2>>"$W/err"
}
best() {
	awk -v l="$1" '$1 == l { if (min == "" || $2 < min) min = $2; if ($3 > rss) rss = $3 } END { printf "%s %d\n", min, rss }' "$W/times"
}
: >"$W/times"
[ -z "$tsv" ] || printf 'workload\tsize\tmaatlat_s\tmaatlat_kb\treference\treference_s\treference_kb\tcheck\n' >&3

# --- handover graph: 10 events a case, 20,000 resources (about a third of a million pairs) ---
cases=$((EVENTS / 10))
"$B/bench/gen_cases" --cases "$cases" --events 10 --resources 20000 --units 200 --seed 1 \
	--csv "$W/log.csv"
events=$(($(wc -l <"$W/log.csv") - 1))
"$MAATLAT" -q --db "$W/cases.db" import cases "$W/log.csv"
for r in $(seq "$RUNS"); do
	t graph "$MAATLAT" --db "$W/cases.db" report --handover-graph "$W/m.svg" --by-resource
	t graphref "$PY" "$HERE/graph_reference.py" "$W/log.csv" "$W/r.svg" 30
done
"$MAATLAT" --db "$W/cases.db" report --handover-graph "$W/m.dot" --by-resource 2>/dev/null
gcheck=$("$PY" - "$W/m.dot" "$W/out.graphref" <<'PYEOF'
import json, re, sys
dot = open(sys.argv[1], encoding="utf-8").read()
ref = json.load(open(sys.argv[2]))
def unq(s):
    return json.loads(s) if s.startswith('"') else s
name = {m.group(1): unq(m.group(2)) for m in
        re.finditer(r'^\s*(r\d+)\s+\[label=("(?:[^"\\]|\\.)*"|[^,\]\s]+)', dot, re.M)}
edges = [[name[a], name[b], int(n)] for a, b, n in
         re.findall(r'^\s*(r\d+) -> (r\d+)\s+\[(?:[^\]]*?)label=(\d+)', dot, re.M | re.S)]
pairs = int(re.search(r"largest of (\d+) pairs", dot).group(1))
if edges == ref["top"] and pairs == ref["pairs"]:
    print("the same %d edges of %d pairs" % (len(edges), pairs))
else:
    print("GRAPHS DIFFER: %d pairs vs %d; first edges %s vs %s" % (pairs, ref["pairs"], edges[:2], ref["top"][:2]))
PYEOF
)
set -- $(best graph); g=$1 g_rss=$2
set -- $(best graphref); gr=$1 gr_rss=$2
echo "handover graph, $events events: maatlat report $g s ($((g_rss / 1024)) MB), pandas + dot $gr s ($((gr_rss / 1024)) MB); $gcheck"
[ -z "$tsv" ] || printf 'report handover graph\t%s events\t%s\t%s\tpandas + Graphviz dot (CSV to SVG)\t%s\t%s\t%s\n' \
	"$events" "$g" "$g_rss" "$gr" "$gr_rss" "$gcheck" >&3
rm -f "$W/cases.db" "$W/log.csv"

# --- workbook: an org chart of PEOPLE people ---
"$B/bench/gen_org" --size "$PEOPLE" --seed 1 --out "$W/org.csv"
"$MAATLAT" -q --db "$W/org.db" import org "$W/org.csv"
for r in $(seq "$RUNS"); do
	t wb "$MAATLAT" --db "$W/org.db" report --xlsx "$W/m.xlsx"
	[ "$r" -gt 1 ] || t wbref "$PY" "$HERE/workbook_reference.py" "$W/org.csv" "$W/r.xlsx"
done
wcheck=$("$PY" - "$W/m.xlsx" "$W/out.wbref" "$PEOPLE" <<'PYEOF'
import json, re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = re.findall(r'<sheet name="([^"]*)"', z.read("xl/workbook.xml").decode())
i = names.index("Layers") + 1
head = z.open("xl/worksheets/sheet%d.xml" % i).read(4000).decode("utf-8", "replace")
rows = int(re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head).group(1)) - 1
ref = json.load(open(sys.argv[2]))["rows"]
want = int(sys.argv[3])
print("%d person rows both ways" % rows if rows == ref == want else
      "ROWS DIFFER: maatlat %d, openpyxl %d, people %d" % (rows, ref, want))
PYEOF
)
set -- $(best wb); w=$1 w_rss=$2
set -- $(best wbref); wr=$1 wr_rss=$2
echo "workbook, $PEOPLE people: maatlat report $w s ($((w_rss / 1024)) MB), openpyxl copy $wr s ($((wr_rss / 1024)) MB); $wcheck"
[ -z "$tsv" ] || printf 'report workbook\t%s people\t%s\t%s\topenpyxl write-only (CSV copy, 1 run)\t%s\t%s\t%s\n' \
	"$PEOPLE" "$w" "$w_rss" "$wr" "$wr_rss" "$wcheck" >&3
