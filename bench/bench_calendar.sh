#!/bin/sh
# Calendar benchmark: maatlat (import calendar + meetings --json) against the reference
# /usr/bin/python3 + icalendar + recurring_ical_events computing the same person-week hours
# (tests/tools/ics_person_weeks.py) from the same generated .ics exports (bench/gen_calendar,
# whose default density gives PERFORMANCE.md's reference workload: 2,000 people x 52 weeks
# = 73 MB of .ics).
#
# Both run on PEER_PEOPLE people interleaved (A B A B), minimum of RUNS, and their outputs are
# compared row for row. By default PEER_PEOPLE = PEOPLE, so the ratio is measured at full size
# (the reference needs about a minute there). With a smaller PEER_PEOPLE, maatlat also runs the
# full size and the reference's full-size time is an ESTIMATE (fraction time x byte ratio),
# printed as such.
#
# usage: bench/bench_calendar.sh [BUILD_DIR] [PEOPLE] [WEEKS] [PEER_PEOPLE] [RUNS]
set -eu
BUILD=${1:-build}
PEOPLE=${2:-2000}
WEEKS=${3:-52}
PEER_PEOPLE=${4:-$PEOPLE}
RUNS=${5:-2}
SRC=$(cd "$(dirname "$0")/.." && pwd)
M=$(cd "$BUILD" && pwd)/maatlat
GEN=$(cd "$BUILD" && pwd)/bench/gen_calendar
PY=/usr/bin/python3
PEER="$SRC/tests/tools/ics_person_weeks.py"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
FROM=2025-01-06
TO=$(date -u -d "$FROM + $((WEEKS * 7 - 1)) days" +%Y-%m-%d)

"$GEN" --people "$PEER_PEOPLE" --weeks "$WEEKS" --seed 7 --out "$W/small"
small_bytes=$(du -sb "$W/small" | cut -f1)
if [ "$PEER_PEOPLE" -ne "$PEOPLE" ]; then
	"$GEN" --people "$PEOPLE" --weeks "$WEEKS" --seed 7 --out "$W/full"
	full_bytes=$(du -sb "$W/full" | cut -f1)
fi

# secs KB cpu: runs "$@" under /usr/bin/time, prints wall seconds, peak RSS and CPU seconds
# (user + system: what the process itself used, less disturbed by a busy machine)
timed() {
	/usr/bin/time -f "%e %M %U %S" -o "$W/time" "$@" >"$W/stdout" 2>"$W/stderr"
	awk '{printf "%s %s %.2f\n", $1, $2, $3 + $4}' "$W/time"
}
maatlat_run() { # DIR -> "secs peakKB cpu importsecs importKB importcpu meetingssecs ..."
	rm -f "$W/b.db" "$W/b.db-wal" "$W/b.db-shm"
	set -- $(timed sh -c "'$M' --db '$W/b.db' import calendar --from $FROM --to $TO '$1'/*.ics") \
		$(timed "$M" --db "$W/b.db" meetings --per-person --min-group 1 --from $FROM --to $TO --json)
	cp "$W/stdout" "$W/maatlat.json"
	echo "$(echo "$1 + $4" | bc) $(( $2 > $5 ? $2 : $5 )) $(echo "$3 + $6" | bc) $*"
}
peer_run() {
	set -- $(timed sh -c "'$PY' '$PEER' --from $FROM --to $TO '$W/small'/*.ics")
	cp "$W/stdout" "$W/peer.tsv"
	echo "$1 $2 $3"
}
min() { echo "$1 $2" | awk '{print ($1 < $2) ? $1 : $2}'; }

best_m=999999 best_p=999999 cpu_m=999999 cpu_p=999999 rss_m=0 rss_p=0 parts=""
i=0
while [ "$i" -lt "$RUNS" ]; do
	set -- $(maatlat_run "$W/small")
	if [ "$(min "$best_m" "$1")" != "$best_m" ]; then parts="import $4 s, meetings $7 s"; fi
	best_m=$(min "$best_m" "$1"); rss_m=$2; cpu_m=$(min "$cpu_m" "$3")
	set -- $(peer_run); best_p=$(min "$best_p" "$1"); rss_p=$2; cpu_p=$(min "$cpu_p" "$3")
	i=$((i + 1))
done
"$PY" "$SRC/tests/tools/json_rows.py" <"$W/maatlat.json" >"$W/maatlat.tsv"
if cmp -s "$W/maatlat.tsv" "$W/peer.tsv"; then same="identical ($(wc -l <"$W/peer.tsv") person-weeks)"
else same="DIFFERENT"; fi
printf 'calendar benchmark, %s weeks, min of %s interleaved runs\n' "$WEEKS" "$RUNS"
printf '  %s people, %s MB of .ics (measured)\n' "$PEER_PEOPLE" "$((small_bytes / 1000000))"
printf '    maatlat   %8.2f s  peak RSS %6d MB  CPU %6.2f s  (%s)\n' "$best_m" "$((rss_m / 1024))" "$cpu_m" "$parts"
printf '    reference %8.2f s  peak RSS %6d MB  CPU %6.2f s  (recurring_ical_events)\n' "$best_p" "$((rss_p / 1024))" "$cpu_p"
printf '    ratio     %8.1fx  (CPU %.1fx)  results %s\n' "$(echo "$best_p / $best_m" | bc -l)" "$(echo "$cpu_p / $cpu_m" | bc -l)" "$same"
if [ "$PEER_PEOPLE" -ne "$PEOPLE" ]; then
	set -- $(maatlat_run "$W/full")
	est=$(echo "$best_p * $full_bytes / $small_bytes" | bc -l)
	printf '  full: %s people, %s MB of .ics\n' "$PEOPLE" "$((full_bytes / 1000000))"
	printf '    maatlat   %8.2f s  peak RSS %6d MB\n' "$1" "$(($2 / 1024))"
	printf '    reference %8.0f s  ESTIMATE (fraction time x byte ratio), not measured\n' "$est"
	printf '    ratio     %8.1fx  against that estimate\n' "$(echo "$est / $1" | bc -l)"
fi
