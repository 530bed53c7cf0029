#!/bin/sh
# Reads a generated 1M-row case log CSV (case_id,activity,timestamp,resource) with maat_csv and
# compares it with `wc -l` and `cat >/dev/null` on the same file: A B C interleaved, 3 rounds,
# minimum wall time of each, plus peak RSS of each (/usr/bin/time %M, the largest seen).
# usage: bench/bench_csv.sh [--tsv] [BUILD_DIR] [ROWS]
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
build=${1:-build}
rows=${2:-1000000}
bench="$build/bench/bench_csv"
[ -x "$bench" ] || { echo "bench_csv.sh: $bench not built" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench_csv.XXXXXX")
[ -n "${BENCH_KEEP:-}" ] || trap 'rm -rf "$tmp"' EXIT
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
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b > a) ? b : a }'; }
# all three under /usr/bin/time (the same fork overhead each), timed with date (finer than %e)
ta='' tw='' tc='' ka='' kw='' kc=''
for round in 1 2 3; do
	t0=$(now); out=$(/usr/bin/time -f %M -o "$tmp/rss" "$bench" "$csv"); t1=$(now)
	ta=$(min "$ta" "$(echo "$t1 - $t0" | bc)"); ka=$(max "$ka" "$(cat "$tmp/rss")")
	t0=$(now); /usr/bin/time -f %M -o "$tmp/rss" wc -l < "$csv" > /dev/null; t1=$(now)
	tw=$(min "$tw" "$(echo "$t1 - $t0" | bc)"); kw=$(max "$kw" "$(cat "$tmp/rss")")
	t0=$(now); /usr/bin/time -f %M -o "$tmp/rss" cat "$csv" > /dev/null; t1=$(now)
	tc=$(min "$tc" "$(echo "$t1 - $t0" | bc)"); kc=$(max "$kc" "$(cat "$tmp/rss")")
done
size=$(wc -c < "$csv")
echo "file: $rows rows, $size bytes"
echo "bench_csv: $out"
awk -v a="$ta" -v w="$tw" -v c="$tc" -v s="$size" -v rss="$ka" 'BEGIN {
	printf "maat_csv %.3f s (%.0f MB/s), wc -l %.3f s, cat %.3f s (min of 3, interleaved)\n", a, s / 1e6 / a, w, c;
	printf "ratio maat_csv / wc -l = %.1f, maat_csv / cat = %.1f, peak RSS %d KB\n", a / w, a / c, rss;
}'
if [ -n "$tsv" ]; then
	records=$(echo "$out" | sed -n 's/.*records \([0-9]*\).*/\1/p')
	[ "$records" = $((rows + 1)) ] && check="$records records read (the header and $rows rows)" || check="records read: ${records:-?}, expected $((rows + 1))"
	printf 'workload\tsize\tmaatlat_s\tmaatlat_kb\treference\treference_s\treference_kb\tcheck\n' >&3
	printf 'csv read\t%s rows\t%s\t%s\twc -l\t%s\t%s\t%s\n' "$rows" "$ta" "$ka" "$tw" "$kw" "$check" >&3
	printf 'csv read\t%s rows\t%s\t%s\tcat >/dev/null\t%s\t%s\t%s\n' "$rows" "$ta" "$ka" "$tc" "$kc" "$check" >&3
fi
