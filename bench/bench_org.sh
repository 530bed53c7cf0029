#!/bin/sh
# Org charts: `maatlat import org` against sqlite3's own .import of the same CSV, and
# `maatlat layers --json` against networkx computing the same layer and span figures
# (bench/org_networkx.py). Runs are interleaved (A B A B), the minimum of RUNS counts; peak RSS
# from /usr/bin/time. Not a test: it prints ratios. Keep it short on a 2-core machine.
#
# usage: bench/bench_org.sh [--tsv] [BUILD_DIR] [SIZES] [RUNS]    e.g. bench/bench_org.sh build "100000 1000000" 3
#   --tsv: the report goes to stderr; stdout gets a header and one tab-separated row per
#          comparison (workload size maatlat_s maatlat_kb reference reference_s reference_kb
#          check), the lines bench/run reads.
#   BENCH_KEEP=1 in the environment keeps the generated data (under $TMPDIR).
set -eu
tsv=
for a in "$@"; do
	shift
	if [ "$a" = --tsv ]; then tsv=1; else set -- "$@" "$a"; fi
done
[ -z "$tsv" ] || exec 3>&1 1>&2
BUILD=${1:-build}
SIZES=${2:-"100000 1000000"}
RUNS=${3:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
MAATLAT=$(cd "$BUILD" && pwd)/maatlat
GEN=$(cd "$BUILD" && pwd)/bench/gen_org
PY=/usr/bin/python3
W=$(mktemp -d)
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT

# t LABEL CMD...: runs CMD, appends "LABEL wall-seconds kilobytes cpu-seconds" to $W/times
t() {
	label=$1
	shift
	/usr/bin/time -f "$label %e %M %U %S" -a -o "$W/times" "$@" >"$W/out.$label" 2>>"$W/err"
}
# best LABEL: minimum wall seconds, the largest RSS seen, minimum CPU (user + system) seconds
best() {
	awk -v l="$1" '$1 == l { c = $4 + $5; if (min == "" || $2 < min) min = $2; if ($3 > rss) rss = $3; if (cmin == "" || c < cmin) cmin = c } END { printf "%s %d %s\n", min, rss, cmin }' "$W/times"
}

[ -z "$tsv" ] || printf 'workload\tsize\tmaatlat_s\tmaatlat_kb\treference\treference_s\treference_kb\tcheck\n' >&3
echo "maatlat $("$MAATLAT" --version | head -1 | cut -d' ' -f2), sqlite3 $(sqlite3 --version | cut -d' ' -f1), networkx $($PY -c 'import networkx; print(networkx.__version__)')"
for n in $SIZES; do
	: >"$W/times"
	"$GEN" --size "$n" --seed 1 --out "$W/org.csv"
	[ -z "${BENCH_KEEP:-}" ] || cp "$W/org.csv" "$W/org-$n.csv"
	bytes=$(wc -c <"$W/org.csv")
	for r in $(seq "$RUNS"); do
		rm -f "$W/m.db" "$W/m.db-wal" "$W/m.db-shm" "$W/s.db"
		t import "$MAATLAT" -q --db "$W/m.db" import org "$W/org.csv"
		t sqlite sqlite3 "$W/s.db" ".mode csv" ".import $W/org.csv t"
		t layers "$MAATLAT" --db "$W/m.db" layers --json
		t networkx "$PY" "$HERE/org_networkx.py" "$W/org.csv" 3
	done
	set -- $(best import); imp=$1 imp_rss=$2 imp_cpu=$3
	set -- $(best sqlite); sql=$1 sql_rss=$2 sql_cpu=$3
	set -- $(best layers); lay=$1 lay_rss=$2 lay_cpu=$3
	set -- $(best networkx); nx=$1 nx_rss=$2 nx_cpu=$3
	nxa=$(grep '^analysis' "$W/err" | awk '{ if (m == "" || $2 < m) m = $2 } END { print m }')
	sed -i '/^analysis/d' "$W/err"
	# the same figures both ways (a benchmark of wrong numbers is worthless)
	same=$($PY - "$W/out.networkx" "$W/out.layers" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
bad = [k for k in a if (abs(a[k] - b[k]) > 1e-9 if isinstance(a[k], (int, float)) else a[k] != b[k])]
print("figures agree" if not bad else "FIGURES DIFFER: " + ", ".join(bad))
PYEOF
)
	echo
	echo "$n people ($bytes bytes of CSV), min of $RUNS interleaved runs; $same"
	awk -v a="$imp" -v b="$sql" -v ra="$imp_rss" -v rb="$sql_rss" -v ca="$imp_cpu" -v cb="$sql_cpu" 'BEGIN {
		printf "  import:   maatlat %6.2f s (%d MB)   sqlite3 .import %6.2f s (%d MB)   ratio %.2fx wall, %.2fx CPU (target <= 2x)\n", a, ra / 1024, b, rb / 1024, a / b, (cb > 0 ? ca / cb : 0) }'
	awk -v a="$lay" -v b="$nx" -v c="$nxa" -v ra="$lay_rss" -v rb="$nx_rss" -v ca="$lay_cpu" -v cb="$nx_cpu" 'BEGIN {
		printf "  layers:   maatlat %6.2f s (%d MB)   networkx %6.2f s (%d MB; analysis part %.2f s)\n", a, ra / 1024, b, rb / 1024, c
		printf "            networkx / maatlat %.1fx wall, %.1fx CPU (target >= 20x); networkx analysis part / maatlat %.1fx\n", b / a, (ca > 0 ? cb / ca : 0), c / a }'
	if [ -n "$tsv" ]; then
		imp_check=$(head -n 1 "$W/out.import" | sed 's/.*: //' | tr '\t' ' ')
		printf 'org import\t%s people\t%s\t%s\tsqlite3 .import\t%s\t%s\t%s\n' "$n" "$imp" "$imp_rss" "$sql" "$sql_rss" "$imp_check" >&3
		printf 'org layers\t%s people\t%s\t%s\tnetworkx (whole script)\t%s\t%s\t%s\n' "$n" "$lay" "$lay_rss" "$nx" "$nx_rss" "$same" >&3
		printf 'org layers\t%s people\t%s\t%s\tnetworkx (analysis part)\t%s\t-\t%s\n' "$n" "$lay" "$lay_rss" "$nxa" "$same" >&3
	fi
done
if [ -s "$W/err" ]; then
	echo
	echo "stderr of the runs:"
	sort -u "$W/err" | head -20
fi
