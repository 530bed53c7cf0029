#!/bin/sh
# Case logs: import and handover analysis against their references (PERFORMANCE.md), measured
# in the same run, interleaved (A B A B), minimum wall seconds of RUNS runs, peak RSS of each
# process (/usr/bin/time %M).
#   import CSV    maatlat import cases  vs  sqlite3 .import of the same CSV, and wc -l
#   import XES    maatlat import cases of the same log as XES
#   analysis      maatlat handovers --json on the store  vs  pandas (vectorised) analysis part
#   end to end    CSV -> figures: maatlat import + handovers  vs  the whole pandas script
# It also checks that maatlat and pandas agree on every figure.
#
# usage: bench/bench_cases.sh [BUILD_DIR] [EVENTS] [--no-xes]     (default: build 1000000)
#        RUNS=3 by default; the machine is noisy, so only ratios within one run mean anything.
#   --tsv (anywhere): the report goes to stderr; stdout gets a header and one tab-separated row
#          per comparison (workload size maatlat_s maatlat_kb reference reference_s reference_kb
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
N=${2:-1000000}
XES=${3:-}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
PY=/usr/bin/python3
M="$BUILD/maatlat"
GEN="$BUILD/bench/gen_cases"
W=$(mktemp -d "${TMPDIR:-/tmp}/bench_cases.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT

# time_run NAME CMD...: runs once, keeps the minimum seconds and the largest RSS of NAME
time_run() {
	name=$1
	shift
	/usr/bin/time -f "%e %M" -o "$W/t" "$@" >"$W/out.$name" 2>"$W/err.$name" || {
		echo "failed: $*" >&2
		cat "$W/err.$name" >&2
		exit 1
	}
	read -r s k <"$W/t"
	if [ -f "$W/best.$name" ]; then
		read -r bs bk <"$W/best.$name"
		s=$(echo "$s $bs" | awk '{print ($1 < $2) ? $1 : $2}')
		k=$(echo "$k $bk" | awk '{print ($1 > $2) ? $1 : $2}')
	fi
	echo "$s $k" >"$W/best.$name"
}
best() { cut -d' ' -f1 "$W/best.$1"; }
rss() { echo "$(($(cut -d' ' -f2 "$W/best.$1") / 1024))"; }
ratio() { echo "$1 $2" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "inf" }'; }

cases=$((N / 10))
[ "$cases" -ge 1 ] || cases=1
xes_opt="--xes $W/log.xes"
[ "$XES" = "--no-xes" ] && xes_opt=""
# shellcheck disable=SC2086
"$GEN" --cases "$cases" --events 10 --resources 2000 --units 40 --seed 1 --csv "$W/log.csv" $xes_opt
events=$(($(wc -l <"$W/log.csv") - 1))
echo "case log: $events events in $cases cases, CSV $(($(wc -c <"$W/log.csv") / 1048576)) MB" \
	"$([ -n "$xes_opt" ] && echo ", XES $(($(wc -c <"$W/log.xes") / 1048576)) MB")"

for i in $(seq "$RUNS"); do
	rm -f "$W/m.db" "$W/m.db-wal" "$W/m.db-shm" "$W/ref.db"
	time_run import "$M" --db "$W/m.db" import cases "$W/log.csv"
	time_run sqlite sqlite3 "$W/ref.db" ".import --csv $W/log.csv events"
	time_run wc wc -l "$W/log.csv"
	if [ -n "$xes_opt" ]; then
		rm -f "$W/x.db" "$W/x.db-wal" "$W/x.db-shm"
		time_run import_xes "$M" --db "$W/x.db" import cases "$W/log.xes"
	fi
	time_run analysis "$M" --db "$W/m.db" handovers --json
	time_run pandas "$PY" "$HERE/pandas_handovers.py" "$W/log.csv"
	sed -n 's/.*analysis \([0-9.]*\) s.*/\1/p' "$W/err.pandas" >>"$W/pandas_analysis"
	rm -f "$W/e.db" "$W/e.db-wal" "$W/e.db-shm"
	time_run e2e sh -c "'$M' --db '$W/e.db' import cases '$W/log.csv' >/dev/null && '$M' --db '$W/e.db' handovers --json"
done
pa=$(sort -n "$W/pandas_analysis" | head -n 1)

same=$("$PY" - "$W/out.analysis" "$W/out.pandas" <<'PYEOF'
import json, sys
m = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
bad = []
for k, v in p.items():
    if k == "pairs":
        mp = [{x: q[x] for x in ("from", "to", "count", "cases")} for q in m["pairs"]]
        if mp != v:
            bad.append("pairs")
    elif k == "throughput_days":
        bad += [k + "." + q for q in v if abs(v[q] - m[k][q]) > 1e-6]
    elif isinstance(v, float):
        bad += [k] if abs(v - m[k]) > 1e-9 else []
    elif v != m[k]:
        bad.append(k)
print("figures: maatlat and pandas agree" if not bad else "figures DIFFER: " + ", ".join(bad))
PYEOF
)
echo "$same"

echo "minimum of $RUNS interleaved runs (wall s; peak RSS MB):"
printf '  import CSV   maatlat %6.2f s %5s MB | sqlite3 .import %6.2f s %4s MB -> %s x sqlite3 (target <= 2) | wc -l %.2f s\n' \
	"$(best import)" "$(rss import)" "$(best sqlite)" "$(rss sqlite)" "$(ratio "$(best import)" "$(best sqlite)")" "$(best wc)"
if [ -n "$xes_opt" ]; then
	printf '  import XES   maatlat %6.2f s %5s MB -> %s x sqlite3 .import of the CSV\n' \
		"$(best import_xes)" "$(rss import_xes)" "$(ratio "$(best import_xes)" "$(best sqlite)")"
fi
printf '  analysis     maatlat %6.2f s %5s MB | pandas analysis part %6.2f s -> %s x faster (target >= 5)\n' \
	"$(best analysis)" "$(rss analysis)" "$pa" "$(ratio "$pa" "$(best analysis)")"
printf '  end to end   maatlat %6.2f s %5s MB | pandas %6.2f s %5s MB -> %s x faster (target > 1)\n' \
	"$(best e2e)" "$(rss e2e)" "$(best pandas)" "$(rss pandas)" "$(ratio "$(best pandas)" "$(best e2e)")"
if [ -n "$tsv" ]; then
	kb() { cut -d' ' -f2 "$W/best.$1"; }
	row() { # WORKLOAD MAATLAT REFERENCE-LABEL REFERENCE-SECONDS REFERENCE-KB CHECK
		printf '%s\t%s events\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$events" "$(best "$2")" "$(kb "$2")" "$3" "$4" "$5" "$6" >&3
	}
	imported=$(head -n 1 "$W/out.import" | sed 's/.*: //' | tr '\t' ' ')
	printf 'workload\tsize\tmaatlat_s\tmaatlat_kb\treference\treference_s\treference_kb\tcheck\n' >&3
	row "case import" import "sqlite3 .import" "$(best sqlite)" "$(kb sqlite)" "$imported"
	row "case import" import "wc -l" "$(best wc)" "$(kb wc)" "$imported"
	if [ -n "$xes_opt" ]; then
		row "case import (XES)" import_xes "sqlite3 .import (of the CSV)" "$(best sqlite)" "$(kb sqlite)" \
			"$(head -n 1 "$W/out.import_xes" | sed 's/.*: //' | tr '\t' ' ')"
	fi
	row "case analysis" analysis "pandas (analysis part)" "$pa" - "$same"
	row "case end to end" e2e "pandas (read + analysis)" "$(best pandas)" "$(kb pandas)" "$same"
fi
