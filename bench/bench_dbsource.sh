#!/bin/sh
# Database sources: a case log of N events (default 1,000,000) in PostgreSQL, imported with
# `maatlat import cases postgresql://... --query`, against the same rows as a CSV file
# imported with `maatlat import cases` (the reference: the file path maatlat already has).
# Prints time and peak RSS (/usr/bin/time %M) of both, minimum of RUNS (default 3)
# interleaved runs, and checks that both stores give the same handovers --json. The server is
# the tests' private one (tests/cli/pg_server.sh: a Unix socket in a temporary folder).
#
# usage: bench/bench_dbsource.sh [BUILD_DIR] [EVENTS]
set -eu
BUILD=${1:-build}
N=${2:-1000000}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
M=$(cd "$BUILD" && pwd)/maatlat
GEN=$(cd "$BUILD" && pwd)/bench/gen_cases
W=$(mktemp -d "${TMPDIR:-/tmp}/bench_db.XXXXXX")
chmod 755 "$W"
. "$HERE/../tests/cli/pg_server.sh"
trap 'pg_stop; rm -rf "$W"' EXIT
pg_start
cases=$((N / 10))
"$GEN" --cases "$cases" --events 10 --csv "$W/log.csv" >/dev/null
head -1 "$W/log.csv" | grep -q case || { echo "gen_cases wrote no CSV header" >&2; exit 1; }
cols=$(head -1 "$W/log.csv" | tr -d '\r' | sed 's/:/_/g; s/,/ text, /g; s/$/ text/')
pg_sql "CREATE TABLE log ($cols)"
chmod 644 "$W/log.csv"
pg_sql "\\copy log FROM '$W/log.csv' WITH (FORMAT csv, HEADER true)"
sel=$(head -1 "$W/log.csv" | tr -d '\r' | awk -F, '{for (i = 1; i <= NF; i++) { c = $i; gsub(":", "_", c); printf "%s%s AS \"%s\"", (i > 1 ? ", " : ""), c, $i } }')
URI="postgresql:///maat?host=$PG_SOCK&user=maat"

best_db=; best_csv=; rss_db=0; rss_csv=0
i=0
while [ "$i" -lt "$RUNS" ]; do
	rm -f "$W"/a.db* "$W"/b.db*
	/usr/bin/time -f "%e %M" -o "$W/t" "$M" --db "$W/a.db" -q import cases "$URI" --query "SELECT $sel FROM log" >/dev/null
	read -r s k <"$W/t"
	best_db=$(echo "$s ${best_db:-$s}" | awk '{print ($1 < $2) ? $1 : $2}'); [ "$k" -gt "$rss_db" ] && rss_db=$k
	/usr/bin/time -f "%e %M" -o "$W/t" "$M" --db "$W/b.db" -q import cases "$W/log.csv" >/dev/null
	read -r s k <"$W/t"
	best_csv=$(echo "$s ${best_csv:-$s}" | awk '{print ($1 < $2) ? $1 : $2}'); [ "$k" -gt "$rss_csv" ] && rss_csv=$k
	i=$((i + 1))
done
"$M" --db "$W/a.db" handovers --json >"$W/a.json"
"$M" --db "$W/b.db" handovers --json >"$W/b.json"
if cmp -s "$W/a.json" "$W/b.json"; then check=agree; else check=DIFFER; fi
printf '| workload | maatlat | peak RSS | reference | reference time | reference RSS | figures |\n'
printf '|:--|--:|--:|:--|--:|--:|:--|\n'
printf '| case import from PostgreSQL (%s events) | %s s | %s MB | same rows as CSV | %s s | %s MB | %s |\n' \
	"$N" "$best_db" "$((rss_db / 1024))" "$best_csv" "$((rss_csv / 1024))" "$check"
