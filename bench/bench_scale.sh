#!/bin/sh
# The scale curve (issue 16): for each size, generate a case log (gen_cases: 10 events a case,
# 2,000 resources in 40 units), import it into a new store and run the case analysis
# (`maatlat handovers --json`), printing wall time, CPU time (user + system: the work itself,
# which the disk's write-back does not stretch), peak RSS (/usr/bin/time %M) and the store's
# size. Time should grow linearly with the events and memory stay flat. One run per size (100M
# events take minutes); the figures are checked: the events imported and the analysis' event
# count equal the CSV's rows. Not a test.
#
# usage: bench/bench_scale.sh [BUILD_DIR] [SIZES]    default: build "1000000 10000000 100000000"
#   BENCH_KEEP=1 keeps the generated data (under $TMPDIR). Needs about 90 bytes of disk per
#   event at the largest size (CSV and store side by side): 9 GB at 100M.
set -eu
BUILD=${1:-build}
SIZES=${2:-"1000000 10000000 100000000"}
B=$(cd "$BUILD" && pwd)
MAATLAT=$B/maatlat
PY=/usr/bin/python3
W=$(mktemp -d)
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$W"' EXIT

printf '| events | CSV | import | import peak RSS | import per M events | import CPU per M events | analysis | analysis peak RSS | analysis per M events | analysis CPU per M events | store | store bytes per event | check |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:--|\n'
for n in $SIZES; do
	rm -f "$W"/s.db*
	"$B/bench/gen_cases" --cases $((n / 10)) --events 10 --resources 2000 --units 40 --seed 1 \
		--csv "$W/log.csv"
	rows=$(($(wc -l <"$W/log.csv") - 1))
	csv=$(stat -c %s "$W/log.csv")
	/usr/bin/time -f "%e %M %U %S" -o "$W/t.import" "$MAATLAT" -q --db "$W/s.db" import cases "$W/log.csv" \
		>"$W/out.import" 2>&1
	rm -f "$W/log.csv"
	/usr/bin/time -f "%e %M %U %S" -o "$W/t.analysis" "$MAATLAT" --db "$W/s.db" handovers --json \
		>"$W/out.analysis"
	store=$(du -cb "$W"/s.db* | tail -n 1 | cut -f 1)
	check=$("$PY" - "$W/out.analysis" "$W/out.import" "$rows" <<'PYEOF'
import json, re, sys
a = json.load(open(sys.argv[1]))
imp = open(sys.argv[2]).read()
m = re.search(r"(\d+) events", imp)
rows = int(sys.argv[3])
ok = a["events"] == rows and (m is None or int(m.group(1)) == rows)
print("%d events imported and analysed" % rows if ok else
      "EVENTS DIFFER: csv %d, analysis %s, import %s" % (rows, a["events"], m and m.group(1)))
PYEOF
)
	read -r ti ri ui si <"$W/t.import"
	read -r ta ra ua sa <"$W/t.analysis"
	awk -v n="$rows" -v csv="$csv" -v ti="$ti" -v ri="$ri" -v ci="$ui $si" -v ta="$ta" -v ra="$ra" \
		-v ca="$ua $sa" -v st="$store" -v c="$check" 'BEGIN {
		split(ci, a, " "); split(ca, b, " "); m = n / 1e6
		printf "| %d | %.0f MB | %.1f s | %.0f MB | %.2f s | %.2f s | %.1f s | %.0f MB | %.2f s | %.2f s | %.0f MB | %.1f | %s |\n",
			n, csv / 1048576, ti, ri / 1024, ti / m, (a[1] + a[2]) / m, ta, ra / 1024, ta / m,
			(b[1] + b[2]) / m, st / 1048576, st / n, c }'
done
