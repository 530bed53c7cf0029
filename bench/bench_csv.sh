#!/bin/sh
# Reads a generated 1M-row case log CSV (case_id,activity,timestamp,resource) with maat_csv and
# compares it with `wc -l` and `cat >/dev/null` on the same file: A B C interleaved, 3 rounds,
# minimum wall time of each, plus peak RSS of the reader.
# usage: bench/bench_csv.sh [BUILD_DIR] [ROWS]
set -eu
build=${1:-build}
rows=${2:-1000000}
bench="$build/bench/bench_csv"
[ -x "$bench" ] || { echo "bench_csv.sh: $bench not built" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_csv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
csv="$tmp/cases.csv"

# Deterministic: every value derives from the row number; one activity in six has a quoted comma.
awk -v n="$rows" 'BEGIN {
	split("Registratie,Intake,Beoordeling,Advies,Besluit,Archivering", act, ",");
	print "case_id,activity,timestamp,resource";
	for (i = 0; i < n; i++) {
		c = int(i / 8); a = i % 8 % 6 + 1; s = 1704067200 + c * 3600 + (i % 8) * 600;
		d = int(s / 86400); r = s % 86400;
		# civil date from days since 1970 (March-based years)
		z = d + 719468; era = int(z / 146097); doe = z - era * 146097;
		yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365);
		doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100)); mp = int((5 * doy + 2) / 153);
		dd = doy - int((153 * mp + 2) / 5) + 1; mm = mp < 10 ? mp + 3 : mp - 9;
		yy = yoe + era * 400 + (mm <= 2);
		activity = act[a]; if (i % 6 == 5) activity = "\"" act[a] ", spoed\"";
		printf "Z%07d,%s,%04d-%02d-%02dT%02d:%02d:%02d,medewerker_%03d\n", c, activity, yy, mm, dd,
			int(r / 3600), int(r % 3600 / 60), r % 60, (c * 7 + i) % 250;
	}
}' > "$csv"

now() { date +%s.%N; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
ta= tw= tc=
for round in 1 2 3; do
	t0=$(now); out=$(/usr/bin/time -f %M -o "$tmp/rss" "$bench" "$csv"); t1=$(now)
	ta=$(min "$ta" "$(echo "$t1 - $t0" | bc)")
	t0=$(now); wc -l < "$csv" > /dev/null; t1=$(now)
	tw=$(min "$tw" "$(echo "$t1 - $t0" | bc)")
	t0=$(now); cat "$csv" > /dev/null; t1=$(now)
	tc=$(min "$tc" "$(echo "$t1 - $t0" | bc)")
done
size=$(wc -c < "$csv")
echo "file: $rows rows, $size bytes"
echo "bench_csv: $out"
awk -v a="$ta" -v w="$tw" -v c="$tc" -v s="$size" -v rss="$(cat "$tmp/rss")" 'BEGIN {
	printf "maat_csv %.3f s (%.0f MB/s), wc -l %.3f s, cat %.3f s (min of 3, interleaved)\n", a, s / 1e6 / a, w, c;
	printf "ratio maat_csv / wc -l = %.1f, maat_csv / cat = %.1f, peak RSS %d KB\n", a / w, a / c, rss;
}'
