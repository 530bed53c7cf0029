#!/bin/sh
# import org and layers: the corpus files against an independent Python reference
# (org_reference.py), a hand-drawn Dutch HR export, snapshots, --normalise-ids, --map and
# broken files (exact message, exit code, store unchanged).
. "$TAP_LIB"
PY=/usr/bin/python3
HERE=$MAAT_SRCDIR/tests/cli
D=$MAAT_TESTDATA
B=$MAAT_TESTDATA/bad
C=$MAAT_CORPUS/org
SENIOR=$C/ministry_of_justice-2011-09-30-senior.csv
JUNIOR=$C/ministry_of_justice-2011-09-30-junior.csv

# jv PATH: a value from the last stdout (JSON), e.g. jv delayering.layers_after
jv() {
	$PY -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[k]
print(json.dumps(v) if isinstance(v,(dict,list)) or v is None else (round(v,9) if isinstance(v,float) else v))' "$T/.out" "$1"
}
# near GOT WANT DESC: numbers equal within 1e-9
near() {
	if $PY -c 'import sys; sys.exit(0 if abs(float(sys.argv[1])-float(sys.argv[2]))<1e-9 else 1)' "$1" "$2"; then ok "$3"; else not_ok "$3" "got $1, wanted $2"; fi
}
nsources() {
	"$MAATLAT" --db "$1" sources --json 2>/dev/null | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["sources"]))'
}

# --- no org chart yet
run --db empty.db layers
expect_status 66 "layers without a store: 66"
run --db empty.db import mandates "$D/mandates.csv"
expect_status 0 "a store with mandates only"
run --db empty.db layers
expect_status 66 "layers without an org chart: 66"
expect_err_has "no org chart imported" "says what is missing"

# --- MoJ senior file alone: checked by hand in the file (and MANIFEST.tsv): 132 posts, root
# 'XX' (post 1), post 150 reports to itself (a second root), posts 146 and 134 report to
# '131', which is not in the file (orphans at layer 1).
run --db moj_senior.db import org --as-of 2011-09-30 "$SENIOR"
expect_status 0 "MoJ senior imports"
expect_out_has "132 rows read, 0 rejected, 3 anomalies (organogram-senior, as of 2011-09-30)" "detected as an organogram, 3 anomalies"
expect_err_has "ministry_of_justice-2011-09-30-senior.csv:2: warning: self-loop: 150" "the self-loop is reported with its line"
expect_err_has "orphan: 146: manager '131' is not in the chart" "orphan 146 under the missing post 131"
expect_err_has "orphan: 134: manager '131' is not in the chart" "orphan 134 under the missing post 131"
run --db moj_senior.db layers --json
expect_status 0 "layers --json on MoJ senior"
expect_eq "$(jv people)" 132 "MoJ senior: 132 people"
expect_eq "$(jv roots)" 2 "MoJ senior: 2 roots (XX and the self-loop)"
expect_eq "$(jv self_loops)" 1 "MoJ senior: 1 self-loop"
expect_eq "$(jv orphans)" 2 "MoJ senior: 2 orphans"
expect_eq "$(jv aggregate_rows)" 0 "MoJ senior: no aggregate rows"
$PY "$HERE/org_reference.py" 3 "$SENIOR" >ref.json
if $PY "$HERE/org_compare.py" ref.json "$T/.out" >diff.txt; then ok "MoJ senior: every figure equals the Python reference"; else not_ok "MoJ senior: every figure equals the Python reference" "$(cat diff.txt)"; fi

# --- MoJ senior + junior: one snapshot; the junior rows are aggregate rows under their senior
# posts (624 rows, 23404.91 FTE summed by the reference)
run --db moj.db import org "$SENIOR" "$JUNIOR"
expect_status 0 "MoJ senior and junior import together"
expect_out_has "624 rows read, 0 rejected, 0 anomalies (organogram-junior" "the junior file: no orphans once the senior posts are there"
expect_out_has "(2 files form this snapshot)" "one snapshot of two files (undated: both of the import date)"
for k in 3 10; do
	run --db moj.db layers --json --min-span $k
	$PY "$HERE/org_reference.py" $k "$SENIOR" "$JUNIOR" >ref.json
	if $PY "$HERE/org_compare.py" ref.json "$T/.out" >diff.txt; then ok "MoJ senior+junior, min span $k: every figure equals the Python reference"; else not_ok "MoJ senior+junior, min span $k: every figure equals the Python reference" "$(cat diff.txt)"; fi
done
expect_eq "$(jv aggregate_rows)" 624 "624 aggregate rows"
near "$(jv aggregate_fte)" 23404.91 "aggregate FTE 23404.91"
expect_eq "$(jv external_share)" null "no employment column: external share null"
expect_eq "$(jv min_span)" 10 "min_span echoed"
run --db moj.db layers
expect_status 0 "layers (table) on MoJ"
expect_out_has "Layer pyramid" "the pyramid is printed"
expect_out_has "Span bands" "span bands are printed"
expect_out_has "Delayering simulation (min span 3)" "the delayering header names the setting"
expect_out_has "Anomalies in the org chart" "anomalies are listed"
expect_out_has "manager '131' is not in the chart" "the orphans are in the list"
run --db moj.db import org "$SENIOR"
expect_status 0 "importing the same file again is not an error"
expect_err_has "already imported (same sha256)" "a note says it was skipped"

# --- the id,parentId export (IfG, DCMS): junior groups (level Junior) are aggregate rows
run --db ifg.db import org "$C/ifg_processed_dcms.csv"
expect_status 0 "IfG id,parentId export imports"
run --db ifg.db layers --json --min-span 5
$PY "$HERE/org_reference.py" 5 "$C/ifg_processed_dcms.csv" >ref.json
if $PY "$HERE/org_compare.py" ref.json "$T/.out" >diff.txt; then ok "IfG DCMS: every figure equals the Python reference"; else not_ok "IfG DCMS: every figure equals the Python reference" "$(cat diff.txt)"; fi
expect_eq "$(jv roots)" 1 "IfG: one root (the synthetic 'root' row)"
expect_eq "$(jv aggregate_rows)" 97 "IfG: 97 junior groups"

# --- a Dutch HR export: ';', CRLF, Windows-1252 (José), decimal commas, 'Dienstverband'.
# Hand-drawn: 001 > {002 > 003 > {004, 005}, 006 > 007}.
# spans 001:2 002:1 003:2 006:1 -> managers 4, mean 1.5, median 1.5, max 2; of one 2 (002,
# 006); thin (< 3) 4; pass-through 1 (002 leads 003, a manager; 006 leads 007, who is not);
# layers 4; staff per manager (7 - 4) / 4 = 0.75; manager share 4/7.
# FTE 1 + .8 + 1 + .5 + 1 + 1 + 1 = 6.3; external (inhuur 004 0.5, ZZP 005 1, Interim 007 1)
# 2.5 -> 2.5 / 6.3. Delayering k=3: T = {002, 003, 006}: everyone ends under 001 (span 6):
# layers 2, managers 1, span mean 6; distance (0+1+1+2+2+3+3)/7 = 12/7 -> 6/7.
run --db nl.db import org "$D/org_nl_cp1252.csv"
expect_status 65 "Windows-1252 without --encoding is refused"
expect_err_has "org_nl_cp1252.csv:2: not valid UTF-8" "with the line of the first bad byte"
expect_eq "$(nsources nl.db)" 0 "the refused file left nothing in the store"
run --db nl.db import org --encoding windows-1252 --as-of 2026-01-31 "$D/org_nl_cp1252.csv"
expect_status 0 "--encoding windows-1252 imports it"
expect_out_has "7 rows read, 0 rejected, 0 anomalies (csv, as of 2026-01-31)" "7 rows, no anomalies, the snapshot date"
run --db nl.db layers --json
expect_eq "$(jv people)" 7 "NL: 7 people"
expect_eq "$(jv layers)" 4 "NL: 4 layers"
expect_eq "$(jv layer_histogram)" '{"1": 1, "2": 2, "3": 2, "4": 2}' "NL: layer histogram"
expect_eq "$(jv managers)" 4 "NL: 4 managers"
near "$(jv span_mean)" 1.5 "NL: span mean 1.5"
near "$(jv span_median)" 1.5 "NL: span median 1.5"
near "$(jv span_max)" 2 "NL: span max 2"
expect_eq "$(jv managers_span_1)" 2 "NL: 2 managers of one"
expect_eq "$(jv thin_managers)" 4 "NL: 4 thin managers"
expect_eq "$(jv pass_through_managers)" 1 "NL: 1 pass-through manager"
near "$(jv staff_per_manager)" 0.75 "NL: staff per manager 0.75"
near "$(jv manager_share)" "$($PY -c 'print(4/7)')" "NL: manager share 4/7"
near "$(jv external_share)" "$($PY -c 'print(2.5/6.3)')" "NL: external share 2.5 / 6.3 FTE"
expect_eq "$(jv delayering.removed_managers)" 3 "NL: delayering removes 3"
expect_eq "$(jv delayering.layers_after)" 2 "NL: 2 layers after"
expect_eq "$(jv delayering.managers_after)" 1 "NL: 1 manager after"
near "$(jv delayering.span_mean_after)" 6 "NL: span mean after 6"
near "$(jv delayering.distance_mean_before)" "$($PY -c 'print(12/7)')" "NL: distance before 12/7"
near "$(jv delayering.distance_mean_after)" "$($PY -c 'print(6/7)')" "NL: distance after 6/7"
expect_eq "$(jv as_of)" '2026-01-31' "NL: the snapshot date"
run --db nl.db layers
expect_out_has "José Bakker" "text is UTF-8 after conversion (the root, span 2, is a thin manager)"
run --db nl.db layers
expect_out_has "Org chart as of 2026-01-31; min span 3" "the header names the snapshot and the setting"
expect_out_has "Ans de Wit" "thin managers are listed by name"
expect_out_has "Afdelingshoofd" "with their title"
# the same export as UTF-8 with a BOM gives the same figures
run --db nlu.db import org "$D/org_nl_utf8_bom.csv"
expect_status 0 "UTF-8 with a BOM imports"
run --db nlu.db layers --json
expect_eq "$(jv managers)" 4 "BOM file: same managers"
near "$(jv external_share)" "$($PY -c 'print(2.5/6.3)')" "BOM file: same external share"

# --- snapshots side by side: 2025 (chain A>B>C>D, 4 layers) and 2026 (A>{B,C}, 2 layers)
run --db snap.db import org --as-of 2025-06-30 "$D/org_asof_2025.csv"
run --db snap.db import org --as-of 2026-06-30 "$D/org_asof_2026.csv"
run --db snap.db layers --json
expect_eq "$(jv layers)" 2 "the latest snapshot by default (2026: 2 layers)"
run --db snap.db layers --json --as-of 2025-12-31
expect_eq "$(jv layers)" 4 "--as-of picks the latest snapshot on or before the date (2025: 4 layers)"
expect_eq "$(jv as_of)" '2025-06-30' "and says which"
run --db snap.db layers --as-of 2024-01-01
expect_status 66 "no snapshot that old: 66"
expect_err_has "no org snapshot on or before 2024-01-01: the first snapshot in the store is of 2025-06-30" "and it says so, naming the first snapshot"
run --db snap.db signoff --as-of 2024-01-01
expect_status 66 "signoff --as-of before the first snapshot: 66 (issue 18 item 8)"
expect_err_has "no org snapshot on or before 2024-01-01: the first snapshot in the store is of 2025-06-30" "signoff says so too (not 'no org chart ... import one')"
run --db snap.db layers
expect_out_has "snapshot 2026-06-30; 1 other snapshot, --as-of to choose" "layers says which snapshot and how many others"
run --db snap.db signoff
expect_out_has "snapshot 2026-06-30; 1 other snapshot, --as-of to choose" "signoff says which snapshot and how many others"
# a date column dates the snapshot (peildatum 31-12-2025, day first): a third snapshot
run --db snap.db import org "$D/org_peildatum.csv"
expect_status 0 "a file with a peildatum column imports"
expect_out_has "4 rows read, 0 rejected, 0 anomalies (csv, as of 2025-12-31)" "dated by its date column"
expect_out_has "snapshot 2025-12-31; 2 other snapshots, --as-of to choose" "the import names its snapshot and the others"
run --db snap.db layers --json --as-of 2026-01-15
expect_eq "$(jv as_of)" '2025-12-31' "--as-of 2026-01-15 picks the 2025-12-31 chart"
expect_eq "$(jv layers)" 3 "1 > {2 > 4, 3}: 3 layers"
expect_eq "$(jv other_snapshots)" 2 "2 other snapshots"
expect_eq "$(jv snapshots)" '["2025-06-30", "2025-12-31", "2026-06-30"]' "every snapshot, oldest first"
# a second, unrelated file of a date already held: refused, store unchanged; --replace swaps it
before=$(sqlite3 snap.db .dump | sha256sum)
run --db snap.db import org --as-of 2025-12-31 "$D/org_asof_2026.csv"
expect_status 65 "a second chart of the same date is refused"
expect_err_has "the store already holds an org chart of 2025-12-31 (from $D/org_peildatum.csv)" "naming the date and the file that holds it"
expect_err_has "or --replace to replace the chart of 2025-12-31" "and the way out"
expect_eq "$(sqlite3 snap.db .dump | sha256sum)" "$before" "the refused file left the store unchanged"
run --db snap.db import org --replace --as-of 2025-12-31 "$D/org_asof_2026.csv"
expect_status 0 "--replace replaces the chart of that date"
expect_err_has "replaces $D/org_peildatum.csv, the org chart of 2025-12-31 (--replace)" "and says what it replaced"
run --db snap.db layers --json --as-of 2025-12-31
expect_eq "$(jv layers)" 2 "the 2025-12-31 chart is now A > {B, C}: 2 layers"
expect_eq "$(jv other_snapshots)" 2 "still three snapshots"
# an undated file: the import date
run --db undated.db import org "$D/org_asof_2025.csv"
expect_out_has "as of $(date +%Y-%m-%d))" "no --as-of and no date column: the import date"
run --db undated.db import org "$D/org_asof_2026.csv"
expect_status 65 "a second undated file the same day is never silently merged or ignored"
expect_err_has "dated $(date +%Y-%m-%d) by the import date" "and the message says where its date came from"
# the IfG export dates its rows 'Mar-15': the last day of that month
run --db ifgd.db import org "$C/ifg_processed_dcms.csv"
expect_out_has "(csv, as of 2015-03-31)" "IfG 'Mar-15' dates the snapshot 2015-03-31"
# UK junior before senior: the same chart as senior before junior (import order never matters)
run --db mojr.db import org --as-of 2011-09-30 "$JUNIOR"
expect_status 0 "a junior file alone imports"
expect_err_has "a UK organogram junior file without its senior file" "one message instead of 624 orphans"
run --db mojr.db import org --as-of 2011-09-30 "$SENIOR"
expect_status 0 "its senior file joins it"
expect_out_has "(2 files form this snapshot)" "one snapshot of two files"
run --db mojr.db layers --json --min-span 3
$PY "$HERE/org_reference.py" 3 "$SENIOR" "$JUNIOR" >ref.json
if $PY "$HERE/org_compare.py" ref.json "$T/.out" >diff.txt; then ok "MoJ junior then senior: every figure equals the Python reference"; else not_ok "MoJ junior then senior: every figure equals the Python reference" "$(cat diff.txt)"; fi
run --db mojr.db import org --as-of 2011-09-30 "$D/org_asof_2025.csv"
expect_status 65 "a plain CSV does not join a UK snapshot"
run --db mojr.db import org --as-of 2011-09-30 "$C/ifg_processed_dcms.csv"
expect_status 65 "nor does an id,parentId export"
run --db snap.db layers --as-of 2025-02-30
expect_status 64 "an impossible date is a usage error"

# --- leading zeros: '0042' is the top, 7 reports to '42', 8 to '0042'
run --db z.db import org "$D/org_zeros.csv"
expect_status 0 "leading-zero ids import"
expect_err_has "ids '0042' and '42' differ only in leading zeros" "the fault is named"
run --db z.db layers --json
expect_eq "$(jv leading_zero_ids)" 1 "one leading-zero group"
expect_eq "$(jv orphans)" 1 "not joined: 7 is an orphan"
run --db zn.db import org --normalise-ids "$D/org_zeros.csv"
run --db zn.db layers --json
expect_eq "$(jv orphans)" 0 "--normalise-ids joins them: no orphan"
expect_eq "$(jv leading_zero_ids)" 0 "nothing left to report"
expect_eq "$(jv layer_histogram)" '{"1": 1, "2": 2}' "42 > {7, 8}"

# --- --map: columns without a known name
run --db m.db import org "$D/org_map.csv"
expect_status 65 "unknown column names are refused"
expect_err_has "org_map.csv:1: not an org chart: no id and no manager column (columns found: 'Personeel', 'Baas', 'Wie'" "with the columns found"
expect_err_has "name yours with --map COLUMN=id --map COLUMN=manager" "and points to --map"
expect_err_has "expected id: id, employee id, personeelsnummer" "and the names expected"
run --db m.db import org --map Personeel=id --map Baas=manager --map Wie=name "$D/org_map.csv"
expect_status 0 "--map COLUMN=FIELD maps them"
run --db m.db layers --json
expect_eq "$(jv managers)" 1 "A leads B and C"
run --db m.db import org --map Personeel=boss "$D/org_map.csv"
expect_status 64 "--map to an unknown field is a usage error"
run --db m.db import org --format xml "$D/org_map.csv"
expect_status 64 "--format other than auto, csv, organogram is a usage error"
run --db m.db import org --format organogram --replace "$D/org_map.csv"
expect_status 65 "--format organogram on a plain CSV is refused"
expect_err_has "org_map.csv:1: not a UK organogram" "saying why"

# --- broken files from the catalogue: exact message, exit code, store unchanged
check_bad() { # FILE STATUS MESSAGE
	rm -f bad.db
	run --db bad.db import org "$B/$1"
	expect_status "$2" "$1: exit $2"
	expect_err_has "$3" "$1: message"
	expect_out_empty "$1: nothing on stdout"
	expect_eq "$(nsources bad.db)" 0 "$1: store unchanged"
}
check_bad org_wrong_columns.csv 65 "org_wrong_columns.csv:1: not an org chart: no id and no manager column (columns found: 'a', 'b', 'c';"
check_bad org_bad_fte.csv 65 "org_bad_fte.csv:3: FTE 'abc' is not a non-negative number"
check_bad org_binary.csv 65 "org_binary.csv:1: binary data, not CSV text"
check_bad org_empty.csv 65 "org_empty.csv: empty file"
check_bad org_only_bom.csv 65 "org_only_bom.csv: empty file"
check_bad org_invalid_utf8.csv 65 "org_invalid_utf8.csv:2: not valid UTF-8"
check_bad org_nul_byte.csv 65 "org_nul_byte.csv:3: a NUL byte"
check_bad org_unterminated_quote.csv 65 "org_unterminated_quote.csv:2: a quoted field that opens here is never closed"
check_bad org_utf16.csv 65 "org_utf16.csv:1: UTF-16 text"
run --db bad.db import org "$B/does_not_exist.csv"
expect_status 66 "a missing file: 66"

# a cycle is an anomaly, not a failure: 1 > 3 > 2 > 1 have no layer; 4 is the root
run --db cyc.db import org "$B/org_cycle.csv"
expect_status 0 "a cycle does not stop the import"
expect_err_has "org_cycle.csv:2: warning: cycle: 1 > 3 > 2: cycle of 3" "the cycle is named with its ids"
run --db cyc.db layers --json
expect_eq "$(jv cycles)" 1 "one cycle"
expect_eq "$(jv layers)" 1 "only the root has a layer"
expect_eq "$(jv nodes_without_layer)" 3 "three nodes without a layer"
# duplicates: 2 twice under 1 (a job share: one node, FTE 2), 3 under 1 then under 2 (a
# conflict: the first row wins, the second is reported)
run --db dup.db import org "$B/org_duplicate_ids.csv"
expect_status 0 "duplicate ids do not stop the import"
expect_err_has "org_duplicate_ids.csv:4: warning: job share: 2: same id and manager as line 3; FTE summed to 2" "the job share"
expect_err_has "org_duplicate_ids.csv:6: warning: conflict: 3: manager '2' dropped: line 5 with manager '1' came first" "the conflict"
run --db dup.db layers --json
expect_eq "$(jv duplicate_ids)" 2 "two duplicate ids"
expect_eq "$(jv conflicts)" 1 "one conflict"
expect_eq "$(jv people)" 3 "three people"
near "$(jv span_max)" 2 "1 leads 2 and 3"

# usage
run import org
expect_status 64 "import org without a file: 64"
run layers --min-span x
expect_status 64 "--min-span x: 64"
run layers --bogus
expect_status 64 "unknown option: 64"
run import org --help
expect_status 0 "import org --help"
expect_out_has "personeelsnummer" "the help names the Dutch columns"

done_testing
