#!/bin/sh
# import cases and handovers: the corpus figures of METRICS.md §3, cross-checked with an
# independent Python computation (xcheck_handovers.py), the JSON contract of CLI.md, and the
# refusals of broken files (exact message prefix, exit code, store unchanged).
. "$TAP_LIB"
C="$MAAT_CORPUS/cases"
B="$MAAT_TESTDATA/bad"
PY=/usr/bin/python3
XCHECK="$MAAT_SRCDIR/tests/cli/xcheck_handovers.py"
DB="$T/s.db"

# jget KEY: a value from the last JSON output (dotted keys for objects)
jget() {
	$PY -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v, ensure_ascii=False))' "$T/.out" "$1"
}

run --db "$DB" import cases "$C/running-example.xes"
expect_status 0 "running-example.xes imports"
expect_out_has "6 cases, 42 events (0 without a resource)" "6 cases and 42 events (MANIFEST.tsv)"

run --db "$DB" import cases "$C/running-example.xes"
expect_status 0 "the same file again is not an error"
expect_err_has "already imported" "but a note that nothing was done"

run --db "$DB" handovers --json
expect_status 0 "handovers --json"
cp "$T/.out" "$T/re.json"
# METRICS.md §3 reference figures (pm4py 2.7.14)
expect_eq "$(jget successions)" 36 "36 successions"
expect_eq "$(jget handovers)" 32 "32 handovers"
expect_eq "$(jget self_successions)" 4 "4 self-successions (Sara->Sara 3, Mike->Mike 1)"
expect_eq "$(jget pingpong)" 2 "case 6 has two A->B->A"
expect_eq "$(jget pingpong_cases)" 1 "one ping-pong case"
expect_eq "$($PY -c 'import json,sys
p=json.load(open(sys.argv[1]))["pairs"]
print(" ".join("%s>%s:%d" % (x["from"], x["to"], x["count"]) for x in p if x["from"] == x["to"]))' "$T/re.json")" \
	"Sara>Sara:3 Mike>Mike:1" "self pairs Sara->Sara 3, Mike->Mike 1"
# PM4Py's relative value of the top pair Sara->Ellen: 4 / (42 events - 6 cases) = 4/36
expect_eq "$($PY -c 'import json,sys
p=json.load(open(sys.argv[1]))["pairs"][0]
print(p["from"], p["to"], abs(p["relative"] - 4 / 36) < 1e-9)' "$T/re.json")" "Sara Ellen True" \
	"Sara->Ellen first, relative 4/36"
expect_eq "$($PY -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["pairs"]))' "$T/re.json")" 20 \
	"20 resource pairs (corpus README)"
# every key CLI.md requires
keys="cases events events_without_resource successions self_successions handovers handovers_mean
cases_without_handover cases_finished_by_picker pingpong_cases pingpong returns max_handovers
cases_over_max idle_days idle_cases throughput_days escalations pairs"
missing=$($PY -c 'import json,sys
d=json.load(open(sys.argv[1]))
need=sys.argv[2].split()
m=[k for k in need if k not in d]
m+=["throughput_days."+k for k in ("median","p90","max") if k not in d["throughput_days"]]
m+=["escalations."+k for k in ("up","down","sideways","unknown") if k not in d["escalations"]]
m+=["pairs[]."+k for k in ("from","to","count","cases") if d["pairs"] and k not in d["pairs"][0]]
print(" ".join(m))' "$T/re.json" "$keys")
expect_eq "$missing" "" "every JSON key of CLI.md is present"
# an independent computation (xml.etree + plain Python + numpy.percentile) agrees on every
# figure and the whole matrix, at the defaults and at other settings
if $PY "$XCHECK" "$C/running-example.xes" "$T/re.json" >"$T/x.txt" 2>&1; then
	ok "running-example: Python cross-check agrees"
else
	not_ok "running-example: Python cross-check agrees" "$(cat "$T/x.txt")"
fi
run --db "$DB" handovers --json --max-handovers 4 --idle-days 7
cp "$T/.out" "$T/re2.json"
if $PY "$XCHECK" "$C/running-example.xes" "$T/re2.json" 4 7 >"$T/x.txt" 2>&1; then
	ok "running-example at --max-handovers 4 --idle-days 7: cross-check agrees"
else
	not_ok "running-example at --max-handovers 4 --idle-days 7: cross-check agrees" "$(cat "$T/x.txt")"
fi
# by hand from the per-case handovers 1:4 2:3 3:7 4:4 5:10 6:4: over 4 are cases 3 and 5
expect_eq "$(jget cases_over_max)" 2 "--max-handovers 4: cases 3 and 5 are over"

run --db "$DB" handovers
expect_status 0 "handovers prints tables"
expect_out_has "Handovers of work" "the summary table is on stdout"
expect_out_has "Per activity" "the activity breakdown follows"
expect_out_has "No org chart imported" "and says directions need an org chart"

# roadtraffic100traces.csv: mixed +01:00/+02:00 offsets, 290 of 390 events without resource
RDB="$T/r.db"
run --db "$RDB" import cases "$C/roadtraffic100traces.csv"
expect_status 0 "roadtraffic100traces.csv imports"
expect_out_has "100 cases, 390 events (290 without a resource)" "100 cases, 390 events, 290 without resource (README)"
run --db "$RDB" handovers --json
cp "$T/.out" "$T/rt.json"
# only "Create Fine" carries a resource, once per case: no succession at all (README), so an
# empty but valid result where pm4py crashes
expect_eq "$(jget successions)" 0 "roadtraffic: no successions"
expect_eq "$(jget pairs)" "[]" "roadtraffic: empty pair list"
expect_eq "$(jget events_without_resource)" 290 "roadtraffic: 290 events without resource counted"
if $PY "$XCHECK" "$C/roadtraffic100traces.csv" "$T/rt.json" >"$T/x.txt" 2>&1; then
	ok "roadtraffic: pandas cross-check agrees (throughput percentiles, idle cases)"
else
	not_ok "roadtraffic: pandas cross-check agrees" "$(cat "$T/x.txt")"
fi

# the approval pattern: a hand-built log with two sign-offs by two people
cat >"$T/so.csv" <<'CSV'
zaaknummer;activiteit;tijdstip;medewerker
Z1;Intake;01-02-2024 09:00;piet
Z1;Paraaf teamleider;01-02-2024 10:00;kees
Z1;Akkoord afdelingshoofd;02-02-2024 10:00;anna
Z1;Verzenden;02-02-2024 11:00;piet
CSV
SDB="$T/so.db"
run --db "$SDB" import cases "$T/so.csv"
expect_status 0 "a Dutch ';' CSV with dd-mm-yyyy times imports"
run --db "$SDB" handovers --json
# by hand: "Paraaf" and "Akkoord" match the default pattern; 3 handovers; first = last owner
expect_eq "$(jget signoffs.signoffs)" 2 "two sign-offs by the default pattern"
expect_eq "$(jget handovers)" 3 "piet>kees>anna>piet: 3 handovers"
expect_eq "$(jget cases_finished_by_picker)" 1 "piet picked it up and finished it"
# work segments (METRICS.md §3): kees's and anna's segments hold only sign-offs and go; the two
# piet segments then merge: one work segment, so no return and no round trip (kees sits
# between piet and anna, anna between kees and piet: neither has one owner on both sides)
expect_eq "$(jget returns)" 0 "piet's segments merge: no return"
expect_eq "$(jget signoff_roundtrips)" 0 "no sign-off segment between two segments of one owner"
run --db "$SDB" handovers --json --approval-pattern ''
expect_eq "$(jget signoffs.signoffs) $(jget returns)" "0 1" "--approval-pattern '': no sign-off, piet returns once"
run --db "$SDB" handovers --json --approval-pattern 'verzend'
expect_eq "$(jget signoffs.signoffs)" 1 "--approval-pattern verzend: one sign-off"
run --db "$SDB" handovers --approval-pattern '(unclosed'
expect_status 64 "a bad --approval-pattern is a usage error"
expect_err_has "maatlat: --approval-pattern: " "and says which option"

# --encoding: a Windows-1252 export (e-acute as byte 0xE9) is refused without it, read with it
printf 'zaaknummer;activiteit;tijdstip;medewerker\nZ1;Intake;01-02-2024 09:00;Ren\351e\nZ1;Besluit;01-02-2024 10:00;piet\n' >"$T/w.csv"
run --db "$T/w.db" import cases "$T/w.csv"
expect_status 65 "a Windows-1252 CSV without --encoding is refused"
expect_err_has "$T/w.csv:2: " "with the line of the first non-UTF-8 byte"
run --db "$T/w.db" import cases --encoding windows-1252 "$T/w.csv"
expect_status 0 "--encoding windows-1252 reads it"
run --db "$T/w.db" handovers --json
expect_eq "$(jget pairs.0.from)" '"Renée"' "the name arrives as UTF-8"

# escalations against an imported org chart (resources matched by id, e-mail or name, any
# case). By hand: ann@g.nl (a) -> HANNA HOOFD (h1, a's manager): up; h1 -> d (h1's manager):
# up; d -> "Dirk Directeur": two spellings of d, a handover in the log (successions are counted
# on the log's names, as PM4Py does) but no move on the line: same_person; Dirk Directeur (d) ->
# bob (below d): down; bob -> b: same_person again; b -> Cas (other unit, neither above the
# other): sideways; Cas -> zed (not in the chart): unknown. Sign-offs: "Paraaf" by h1 (layer 2)
# and "Akkoord" by d (layer 1): 2 approvers, layers "2,1"; the first owner a is at layer 3, so
# the formal chain to the top is 2: neither more nor fewer approvers.
cat >"$T/org.csv" <<'CSV'
id,manager,name,title,unit,fte,email,employment,role
d,,Dirk Directeur,directeur,Directie,1,dirk@g.nl,internal,management
h1,d,Hanna Hoofd,afdelingshoofd,Vergunningen,1,hanna@g.nl,internal,management
a,h1,Ann,medewerker,Vergunningen,1,ann@g.nl,internal,execution
b,h1,Bob,medewerker,Vergunningen,1,bob@g.nl,internal,execution
h2,d,Henk Hoofd,afdelingshoofd,Handhaving,1,henk@g.nl,internal,management
c,h2,Cas,medewerker,Handhaving,1,cas@g.nl,internal,execution
CSV
cat >"$T/esc.csv" <<'CSV'
case:concept:name,concept:name,time:timestamp,org:resource
Z1,Intake,2024-03-01T09:00:00Z,ann@g.nl
Z1,Paraaf,2024-03-01T10:00:00Z,HANNA HOOFD
Z1,Akkoord,2024-03-01T11:00:00Z,d
Z1,Behandelen,2024-03-01T12:00:00Z,Dirk Directeur
Z1,Behandelen,2024-03-01T13:00:00Z,bob
Z1,Controle,2024-03-01T14:00:00Z,b
Z1,Overdracht,2024-03-01T15:00:00Z,Cas
Z1,Extern,2024-03-01T16:00:00Z,zed
CSV
ODB="$T/o.db"
run --db "$ODB" import org "$T/org.csv"
expect_status 0 "the org chart imports"
run --db "$ODB" import cases "$T/esc.csv"
run --db "$ODB" handovers --json
expect_eq "$(jget escalations)" '{"up": 2, "down": 1, "sideways": 1, "unknown": 1, "same_person": 2}' \
	"escalations up 2, down 1, sideways 1, unknown 1, same person 2"
expect_eq "$(jget handovers)" 7 "7 handovers between the log's 8 names"
expect_eq "$(jget signoffs.cases_over_chain) $(jget signoffs.cases_under_chain)" "0 0" "2 approvers against a formal chain of 2"
run --db "$ODB" handovers
expect_out_has "2,1" "the per-case table shows the approvers' layers 2,1"
if grep -q "No org chart imported" "$T/.out"; then not_ok "no 'no org chart' note with a chart"; else ok "no 'no org chart' note with a chart"; fi

# a generated log and org chart (bench/gen_cases, when the benchmarks are built): every figure,
# the whole pair matrix and the escalations agree with the independent Python computation
GEN="$(dirname "$MAATLAT")/bench/gen_cases"
if [ -x "$GEN" ]; then
	"$GEN" --cases 2000 --events 8 --resources 90 --units 5 --seed 11 --csv "$T/g.csv" --org "$T/g_org.csv"
	run --db "$T/g.db" import org "$T/g_org.csv"
	run --db "$T/g.db" import cases "$T/g.csv"
	run --db "$T/g.db" handovers --json
	cp "$T/.out" "$T/g.json"
	if $PY "$XCHECK" --org "$T/g_org.csv" "$T/g.csv" "$T/g.json" >"$T/x.txt" 2>&1; then
		ok "generated log with org chart: Python cross-check agrees (incl. escalations)"
	else
		not_ok "generated log with org chart: Python cross-check agrees" "$(cat "$T/x.txt")"
	fi
else
	ok "# SKIP gen_cases not built (-Dbench=false)"
fi

# the formal chain follows the mandate of the case type: with "omgevingsvergunning,layer:2" the
# holder of a decision of a (layer 3) is Hanna (layer 2): chain 1, so 2 approvers are more than
# the chain; the case type comes from the zaaktype column
sed -e '1s/$/,zaaktype/' -e '2,$s/$/,omgevingsvergunning/' "$T/esc.csv" >"$T/esc_t.csv"
printf 'decision_type,holder\nomgevingsvergunning,layer:2\n' >"$T/mandates.csv"
MDB="$T/m.db"
run --db "$MDB" import org "$T/org.csv"
run --db "$MDB" import mandates "$T/mandates.csv"
expect_status 0 "the mandates import"
run --db "$MDB" import cases "$T/esc_t.csv"
run --db "$MDB" handovers --json
expect_eq "$(jget signoffs.cases_over_chain) $(jget signoffs.cases_under_chain)" "1 0" \
	"mandate layer:2: chain 1, 2 approvers are over it"
run --db "$MDB" handovers
expect_out_has "omgevingsvergunning" "the per-case table names the case type"

# broken files: message prefix, exit code, store unchanged
before=$("$MAATLAT" --db "$DB" sources --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["sources"]))')
check_bad() { # FILE STATUS PREFIX DESC [OPTIONS]
	f=$1 st=$2 pre=$3 desc=$4
	shift 4
	run --db "$DB" import cases "$@" "$f"
	expect_status "$st" "$desc: exit $st"
	if head -n 1 "$T/.err" | grep -qF -- "$pre"; then ok "$desc: message"; else not_ok "$desc: message" "wanted prefix '$pre'" "got: $(cat "$T/.err")"; fi
	expect_out_empty "$desc: nothing on stdout"
}
check_bad "$B/xes_truncated.xes" 65 "maatlat: $B/xes_truncated.xes:5: XML error: no element found" "truncated XML"
check_bad "$B/xes_unclosed_tag.xes" 65 "maatlat: $B/xes_unclosed_tag.xes:5: XML error: mismatched tag" "unclosed tag"
check_bad "$B/xes_unknown_encoding.xes" 65 "maatlat: $B/xes_unknown_encoding.xes:1: XML error: unknown encoding" "undeclared encoding"
check_bad "$B/xes_billion_laughs.xes" 65 "maatlat: $B/xes_billion_laughs.xes:2: a DOCTYPE is not accepted" "billion laughs"
check_bad "$B/xes_gzip_bomb.xes.gz" 65 "maatlat: $B/xes_gzip_bomb.xes.gz:1: XML error:" "gzip bomb of NUL bytes"
check_bad "$B/xes_truncated.xes.gz" 65 "maatlat: $B/xes_truncated.xes.gz: truncated gzip data" "truncated gzip"
check_bad "$B/xes_empty.xes" 65 "maatlat: $B/xes_empty.xes: empty file" "empty XES"
check_bad "$B/xes_not_xml.xes" 65 "maatlat: $B/xes_not_xml.xes:1: XML error: syntax error" "not XML"
check_bad "$B/cases_missing_column.csv" 65 "maatlat: $B/cases_missing_column.csv:1: no time column (looked for 'time:timestamp', 'timestamp', 'tijdstip', 'time', 'datum', 'datumtijd'); name yours with --time COLUMN" "CSV without a time column"
check_bad "$B/cases_bad_timestamp.csv" 65 "maatlat: $B/cases_bad_timestamp.csv:3: " "bad timestamp with its line"
expect_err_has "yesterday" "the bad timestamp is quoted"
check_bad "$B/cases_feb30.csv" 65 "maatlat: $B/cases_feb30.csv:2: not a timestamp: '2024-02-30T10:00:00Z'" "30 February"
check_bad "$B/cases_year0.csv" 65 "maatlat: $B/cases_year0.csv:2: not a timestamp: " "year 0"
check_bad "$B/cases_year10000.csv" 65 "maatlat: $B/cases_year10000.csv:3: not a timestamp: " "year 10000"
check_bad "$B/cases_unterminated_quote.csv" 65 "maatlat: $B/cases_unterminated_quote.csv:2: " "an unterminated quote"
check_bad "$T/so.csv" 65 "maatlat: $T/so.csv:1: no resource column (looked for 'wie'); name yours with --resource COLUMN" "a mapped column that is missing" --resource wie
check_bad "$T/nope.xes" 66 "maatlat: $T/nope.xes: " "a missing file"
after=$("$MAATLAT" --db "$DB" sources --json | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["sources"]))')
expect_eq "$after" "$before" "failed imports left the store unchanged"

# usage errors
run --db "$DB" import cases --format json "$C/running-example.xes"
expect_status 64 "--format must be auto, csv or xes"
run --db "$DB" import cases --tz Mars/Olympus "$C/running-example.xes"
expect_status 64 "an unknown --tz is a usage error"
run --db "$DB" import cases
expect_status 64 "import cases without a file"
run --db "$DB" handovers --max-handovers -1
expect_status 64 "a negative --max-handovers"
run --db "$DB" handovers --bogus
expect_status 64 "an unknown handovers option"
run --db "$T/none.db" handovers
expect_status 66 "handovers without a store: input missing"

# --replace swaps a file's rows; an empty store gives a valid empty result
EDB="$T/e.db"
run --db "$EDB" import cases "$T/so.csv"
run --db "$EDB" import cases --replace "$T/so.csv"
expect_status 0 "--replace re-imports the same file"
run --db "$EDB" handovers --json
expect_eq "$(jget events)" 4 "after --replace the events are there once"
run --db "$EDB" sources --json
run --db "$EDB" handovers --json --idle-days 0
expect_eq "$(jget idle_cases)" 1 "--idle-days 0: any gap is idle"

done_testing
