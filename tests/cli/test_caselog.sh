#!/bin/sh
# One case log across files (issue 11 items 1 and 5, issue 17 items 12 and 13; METRICS.md §3):
# overlapping exports give the figures of the whole log in any import order, repeated rows are
# counted and reported, --replace keeps what another file holds; sign-off round trips are not
# ping-pong; resources are compared case-insensitively; the approval pattern matches words.
. "$TAP_LIB"
C="$MAAT_CORPUS/cases"
PY=/usr/bin/python3
SPLIT="$MAAT_SRCDIR/tests/cli/split_caselog.py"

jget() {
	$PY -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v, ensure_ascii=False))' "$T/.out" "$1"
}
# same_figures A.json B.json: every figure equal but duplicate_events.across_sources (which
# says how many copies the parts shared: 0 for one file by definition)
same_figures() {
	$PY -c 'import json,sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
for d in (a, b):
    d["duplicate_events"].pop("across_sources")
print("same" if a == b else "differ: " + " ".join(k for k in a if a[k] != b.get(k)))' "$1" "$2"
}
# shuffled FILE...: the files in a fixed pseudo-random order
shuffled() {
	$PY -c 'import random,sys; a=sys.argv[1:]; random.Random(7).shuffle(a); print(" ".join(a))' "$@"
}

# --- every case log of the corpus and the demo's, split into overlapping parts ---------------
for f in "$C/running-example.xes" "$C/roadtraffic100traces.csv" "$MAAT_SRCDIR/examples/cases.csv"; do
	b=$(basename "$f")
	mkdir -p "$T/$b"
	parts=$($PY "$SPLIT" "$f" "$T/$b" 4)
	np=$(echo $parts | wc -w)
	run --db "$T/$b.whole.db" import cases "$f"
	run --db "$T/$b.whole.db" handovers --json
	cp "$T/.out" "$T/$b.whole.json"
	whole_events=$(jget events)
	i=0
	for order in "$parts" "$(echo $parts | tr ' ' '\n' | sort -r | tr '\n' ' ')" "$(shuffled $parts)"; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		run --db "$T/$b.$i.db" import cases $order
		expect_status 0 "$b: $np overlapping parts import (order $i)"
		run --db "$T/$b.$i.db" handovers --json
		cp "$T/.out" "$T/$b.$i.json"
		expect_eq "$(same_figures "$T/$b.whole.json" "$T/$b.$i.json")" same \
			"$b: parts in order $i give every figure of the whole log"
		stored=$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from case_events").fetchone()[0])' "$T/$b.$i.db")
		expect_eq "$(jget duplicate_events.across_sources)" "$((stored - whole_events))" \
			"$b: the copies the parts share are reported (order $i)"
		run --db "$T/$b.$i.db" sources --json
		known=$($PY -c 'import json,sys; print(sum(s["already_known"] or 0 for s in json.load(open(sys.argv[1]))["sources"]))' "$T/.out")
		expect_eq "$known" "$((stored - whole_events))" "$b: sources says how many events were already known (order $i)"
	done
done

# --- a hand-made log: a repeated row, two overlapping parts, --replace -----------------------
H='case:concept:name,concept:name,time:timestamp,org:resource'
printf '%s\n' "$H" \
	'C1,Intake,2024-01-01T09:00:00Z,ann' \
	'C1,Intake,2024-01-01T09:00:00Z,ann' \
	'C1,Check,2024-01-05T09:00:00Z,bob' \
	'C1,Send,2024-01-10T09:00:00Z,ann' \
	'C2,Intake,2024-01-06T09:00:00Z,bob' \
	'C2,Send,2024-01-12T09:00:00Z,carl' >"$T/whole.csv"
# part 1: up to 6 January; part 2: from 5 January (Check and C2's Intake in both)
sed -n '1,4p;6p' "$T/whole.csv" >"$T/p1.csv"
sed -n '1p;4,7p' "$T/whole.csv" >"$T/p2.csv"
run --db "$T/h.db" import cases "$T/p1.csv" "$T/p2.csv"
expect_out_has "p2.csv: 2 of these events were already known" "p2: Check and C2's Intake were already known"
run --db "$T/h.db" handovers --json
# by hand: C1 ann ann bob ann: successions ann>ann, ann>bob, bob>ann; C2 bob>carl: 4 successions,
# 1 self, 3 handovers over 2 cases and 6 events; the repeated Intake counts (PM4Py) and is
# reported within the source; 8 stored copies - 6 events = 2 across sources
expect_eq "$(jget cases) $(jget events) $(jget successions) $(jget self_successions) $(jget handovers)" \
	"2 6 4 1 3" "two parts: 2 cases, 6 events, 4 successions, 1 self, 3 handovers"
expect_eq "$(jget duplicate_events)" '{"within_sources": 1, "across_sources": 2}' \
	"one repeated row within a file, two events in both files"
run --db "$T/h2.db" import cases "$T/p2.csv" "$T/p1.csv"
expect_out_has "p1.csv: 2 of these events were already known" "the other order: p1's two are known"
run --db "$T/h2.db" handovers --json
expect_eq "$(jget events) $(jget handovers) $(jget duplicate_events.within_sources)" "6 3 1" "the other order gives the same figures"
# a re-export holding every row again plus a new case C3: 7 events, 6 copies across sources;
# both copies of the repeated row are in both files: it still counts twice
cp "$T/whole.csv" "$T/again.csv"
echo 'C3,Intake,2024-02-01T09:00:00Z,dirk' >>"$T/again.csv"
run --db "$T/h3.db" import cases "$T/whole.csv" "$T/again.csv"
run --db "$T/h3.db" handovers --json
expect_eq "$(jget cases) $(jget events) $(jget duplicate_events)" \
	'3 7 {"within_sources": 1, "across_sources": 6}' "a re-export: 3 cases, 7 events, the 6 known ones once"
# case imports run with SQLite's foreign-key checks paused (maat_db_fk_pause): every row must
# still reference a row that exists
for d in h h2 h3; do
	expect_eq "$(sqlite3 "$T/$d.db" 'PRAGMA foreign_key_check' | wc -l)" "0" "$d.db: no row references a missing row"
done
# --replace of p1 with a version without the Check row: p2 still holds it, so nothing changes
sed '/Check/d' "$T/p1.csv" >"$T/p1b.csv"
cp "$T/p1b.csv" "$T/p1.csv"
run --db "$T/h.db" import cases --replace "$T/p1.csv"
run --db "$T/h.db" handovers --json
expect_eq "$(jget events) $(jget handovers) $(jget duplicate_events.across_sources)" "6 3 1" \
	"--replace of p1 keeps Check, which p2 also holds"
# --replace deletes, so it keeps the checks on: ON DELETE CASCADE takes the old p1's rows
expect_eq "$(sqlite3 "$T/h.db" 'SELECT count(*) FROM case_events WHERE source_id NOT IN (SELECT id FROM sources)')" "0" \
	"--replace: the replaced source's events went with it"
sed '/Check/d' "$T/p2.csv" >"$T/p2b.csv"
cp "$T/p2b.csv" "$T/p2.csv"
run --db "$T/h.db" import cases --replace "$T/p2.csv"
run --db "$T/h.db" handovers --json
# now no file holds Check: C1 ann ann ann (2 self), C2 bob>carl: 5 events, 1 handover
expect_eq "$(jget events) $(jget handovers) $(jget self_successions)" "5 1 2" \
	"once neither file holds Check it is gone"
# the documented view gives events with their names
v=$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(distinct case_id || activity || time || resource) from case_log where case_id = \"C1\"").fetchone()[0])' "$T/h.db")
expect_eq "$v" 2 "the case_log view: C1 has 2 distinct events left (Intake, Send)"

# --- sign-off round trips are not ping-pong (METRICS.md §3 work segments) --------------------
printf '%s\n' "$H" \
	'R1,Intake,2024-03-01T09:00:00Z,ann' \
	'R1,Paraaf teamleider,2024-03-01T10:00:00Z,bob' \
	'R1,Verwerken,2024-03-01T11:00:00Z,ann' \
	'R1,Beoordelen,2024-03-01T12:00:00Z,carl' \
	'R1,Verwerken,2024-03-01T13:00:00Z,ann' \
	'R1,Beoordelen,2024-03-01T14:00:00Z,carl' \
	'R2,Intake,2024-03-02T09:00:00Z,dirk' \
	'R2,Akkoord,2024-03-02T10:00:00Z,eva' \
	'R2,Verwerken,2024-03-02T11:00:00Z,eva' \
	'R2,Verzenden,2024-03-02T12:00:00Z,dirk' \
	'R2,Ondertekenen,2024-03-02T13:00:00Z,fred' >"$T/rt.csv"
run --db "$T/rt.db" import cases "$T/rt.csv"
run --db "$T/rt.db" handovers --json
# by hand. R1 owner segments ann|bob|ann|carl|ann|carl (5 handovers); bob's holds only the
# Paraaf, between two ann segments: 1 round trip; work segments ann carl ann carl: ping-pong at
# j=0 and j=1 (2), returns ann and carl (2). R2 dirk|eva|dirk|fred (3 handovers): eva's segment
# also holds work (Verwerken), so it stays; fred's holds only a sign-off but is last (no round
# trip); work segments dirk eva dirk: 1 ping-pong, 1 return. Totals: 8 handovers, ping-pong 3
# in 2 cases, 3 returns, 1 round trip, 3 sign-offs (Paraaf, Akkoord, Ondertekenen).
expect_eq "$(jget handovers) $(jget pingpong) $(jget pingpong_cases) $(jget returns) $(jget signoff_roundtrips) $(jget signoffs.signoffs)" \
	"8 3 2 3 1 3" "round trips: 8 handovers, 3 ping-pong in 2 cases, 3 returns, 1 round trip, 3 sign-offs"
run --db "$T/rt.db" handovers --json --approval-pattern ''
# no sign-offs: work = owner segments. R1 ann bob ann carl ann carl: ping-pong at j=0,2,3 (3),
# returns ann, ann, carl (3); R2 dirk eva dirk fred: 1 and 1. Totals 4 ping-pong, 4 returns.
expect_eq "$(jget handovers) $(jget pingpong) $(jget pingpong_cases) $(jget returns) $(jget signoff_roundtrips) $(jget signoffs.signoffs)" \
	"8 4 2 4 0 0" "--approval-pattern '': 4 ping-pong, 4 returns, no round trip, no sign-off"

# --- one resource however it is spelt; the approval pattern matches at the start of a word ----
printf '%s\n' "$H" \
	'K1,Intake,2024-04-01T09:00:00Z,Jan' \
	'K1,Check,2024-04-01T10:00:00Z,jan ' \
	'K1,Check,2024-04-01T11:00:00Z, JAN' \
	'K1,Send,2024-04-01T12:00:00Z,Piet' >"$T/res.csv"
run --db "$T/res.db" import cases "$T/res.csv"
run --db "$T/res.db" handovers --json
# by hand: jan jan jan piet: 2 self-successions, 1 handover; spellings JAN, Jan, jan merged
expect_eq "$(jget handovers) $(jget self_successions)" "1 2" "Jan, 'jan ' and ' JAN' are one person"
expect_eq "$(jget merged_spellings)" '["JAN = Jan = jan"]' "the merged spellings are listed"
run --db "$T/res.db" handovers
expect_out_has "JAN = Jan = jan" "and shown in the text output"
printf '%s\n' "$H" \
	'W1,Assign to team,2024-05-01T09:00:00Z,x' \
	'W1,Signaleren risico,2024-05-01T09:01:00Z,x' \
	'W1,Herparaferen,2024-05-01T09:02:00Z,x' \
	'W1,Sign-off manager,2024-05-01T09:03:00Z,x' \
	'W1,sign off,2024-05-01T09:04:00Z,x' \
	'W1,Approve,2024-05-01T09:05:00Z,x' \
	'W1,Goedkeuring,2024-05-01T09:06:00Z,x' \
	'W1,Fiattering,2024-05-01T09:07:00Z,x' \
	'W1,Eerste paraaf,2024-05-01T09:08:00Z,x' \
	'W1,Ondertekening,2024-05-01T09:09:00Z,x' \
	'W1,Akkoord (MT),2024-05-01T09:10:00Z,x' >"$T/words.csv"
run --db "$T/w.db" import cases "$T/words.csv"
run --db "$T/w.db" handovers --json
# by hand: 8 sign-offs (Sign-off, sign off, Approve, Goedkeuring, Fiattering, paraaf,
# Ondertekening, Akkoord); "Assign", "Signaleren" and "Herparaferen" hold the words only inside
expect_eq "$(jget signoffs.signoffs)" 8 "8 of 11 activities are sign-offs: words, not fragments"
expect_eq "$($PY -c 'import json,sys; print(",".join(a["activity"] for a in json.load(open(sys.argv[1]))["activities"] if a["signoff"]))' "$T/.out")" \
	"Akkoord (MT),Approve,Eerste paraaf,Fiattering,Goedkeuring,Ondertekening,Sign-off manager,sign off" \
	"the sign-off activities by name"

# --- joins with the org chart (issue 18): the snapshot in force, ambiguous names, cycles ------
cat >"$T/org24.csv" <<'CSV'
id,manager,name,title,unit,email
d,,Dirk,directeur,Directie,dirk@g.nl
m,d,Mia,manager,Team,mia@g.nl
a,m,Ann,medewerker,Team,ann@g.nl
b,m,Bert Mid,medewerker,Team,bert1@g.nl
b2,m,Bert Mid,medewerker,Team,bert2@g.nl
CSV
cat >"$T/org26.csv" <<'CSV'
id,manager,name,title,unit,email
d,,Dirk,directeur,Directie,dirk@g.nl
a,d,Ann,manager,Team,ann@g.nl
m,a,Mia,medewerker,Team,mia@g.nl
CSV
printf '%s\n' "$H" \
	'X1,Intake,2024-03-01T09:00:00Z,ann@g.nl' \
	'X1,Besluit,2024-03-01T10:00:00Z,Mia' \
	'X2,Intake,2026-03-01T09:00:00Z,a' \
	'X2,Besluit,2026-03-01T10:00:00Z,m' \
	'X2,Archief,2026-03-01T11:00:00Z,Bert Mid' >"$T/x.csv"
JDB="$T/j.db"
run --db "$JDB" import org --as-of 2024-01-01 "$T/org24.csv"
run --db "$JDB" import org --as-of 2026-01-01 "$T/org26.csv"
run --db "$JDB" import cases "$T/x.csv"
run --db "$JDB" handovers --json
# by hand: X1 (2024) Ann -> Mia: in 2024 Mia is Ann's manager: up. X2 (2026) Ann -> Mia: in 2026
# Ann manages Mia: down. Mia -> "Bert Mid": two people of that name in 2024, none in 2026:
# unknown. So up 1, down 1, unknown 1, and the pair ann>mia is "mixed".
expect_eq "$(jget escalations)" '{"up": 1, "down": 1, "sideways": 0, "unknown": 1, "same_person": 0}' \
	"each handover joins the snapshot in force on its date: up 1 (2024), down 1 (2026), unknown 1"
expect_eq "$(jget org_snapshots)" '["2024-01-01", "2026-01-01"]' "the output names both snapshots"
# resources ann@g.nl/a, Mia/m are spellings of two people, Bert Mid a third: 5 names, of which
# 4 match (ann@g.nl and a, Mia and m) and "Bert Mid" joins nobody
expect_eq "$(jget org_join)" '{"resources": 5, "matched": 4, "ambiguous": ["Bert Mid"]}' \
	"4 of 5 resources matched; Bert Mid is ambiguous"
expect_err_has "resource 'Bert Mid' matches several people" "the ambiguous name is warned"
run --db "$JDB" handovers --json --as-of 2024-06-30
expect_eq "$(jget escalations.up) $(jget escalations.down) $(jget org_snapshots)" '2 0 ["2024-01-01"]' \
	"--as-of 2024-06-30 pins the 2024 chart: both Ann -> Mia go up"
run --db "$JDB" handovers --json --as-of 2026-01-01
expect_eq "$(jget escalations.up) $(jget escalations.down)" '0 2' "--as-of 2026-01-01: both go down"
run --db "$JDB" handovers --as-of 2023-12-31
expect_status 64 "--as-of before the first snapshot is refused"
expect_err_has "no org snapshot on or before" "and says so"
run --db "$JDB" handovers
expect_out_has "4 of 5 resources found in the org chart; org snapshots 2024-01-01, 2026-01-01" \
	"the text output says how many joined and which snapshots"

# a manager cycle: c1 and c2 manage each other (no layer): their handovers have no direction
printf 'id,manager,name\nd,,Dirk\nc1,c2,Cor\nc2,c1,Cas\n' >"$T/cyc.csv"
printf '%s\n' "$H" 'Y1,a,2024-01-01T09:00:00Z,c1' 'Y1,b,2024-01-01T10:00:00Z,c2' \
	'Y1,c,2024-01-01T11:00:00Z,c1' 'Y1,d,2024-01-01T12:00:00Z,d' >"$T/y.csv"
run --db "$T/cyc.db" import org "$T/cyc.csv"
run --db "$T/cyc.db" import cases "$T/y.csv"
run --db "$T/cyc.db" handovers --json
# c1 -> c2 and c2 -> c1 inside the cycle: unknown (2); c1 -> d: c1 has no layer: unknown (3)
expect_eq "$(jget escalations)" '{"up": 0, "down": 0, "sideways": 0, "unknown": 3, "same_person": 0}' \
	"handovers between members of a manager cycle have direction unknown"

# fewer than half the resources in the chart (a pseudonymised log against a plain chart)
printf '%s\n' "$H" 'P1,a,2024-01-01T09:00:00Z,7f3a' 'P1,b,2024-01-01T10:00:00Z,9c1e' \
	'P1,c,2024-01-01T11:00:00Z,Dirk' >"$T/p.csv"
run --db "$T/ps.db" import org "$T/cyc.csv"
run --db "$T/ps.db" import cases "$T/p.csv"
run --db "$T/ps.db" handovers --json
expect_eq "$(jget org_join.matched) $(jget org_join.resources)" "1 3" "only Dirk of 3 resources is in the chart"
expect_err_has "only 1 of 3 resources found in the org chart; likely causes: one side pseudonymised" \
	"below half: warned, with the likely causes"

# --- observed against formal sign-offs only where both exist (issue 18 item 4) ----------------
cat >"$T/orgf.csv" <<'CSV'
id,manager,name,title,unit
d,,Dirk,directeur,Directie
h,d,Hanna,afdelingshoofd,Vergunningen
o,d,Otto,afdelingshoofd,Subsidies
t,h,Tim,teamleider,Vergunningen
w,t,Wim,medewerker,Vergunningen
CSV
printf 'decision_type,holder\nvergunning,layer:2\nsubsidie,title:wethouder\n' >"$T/mand.csv"
printf '%s,zaaktype\n' "$H" >"$T/f.csv"
printf '%s\n' \
	'V1,Intake,2024-01-01T09:00:00Z,w,vergunning' \
	'V1,Paraaf,2024-01-01T10:00:00Z,t,vergunning' \
	'V1,Akkoord,2024-01-01T11:00:00Z,h,vergunning' \
	'V1,Verzenden,2024-01-01T12:00:00Z,w,vergunning' \
	'V2,Intake,2024-01-02T09:00:00Z,w,vergunning' \
	'V2,Akkoord,2024-01-02T10:00:00Z,o,vergunning' \
	'V2,Verzenden,2024-01-02T11:00:00Z,w,vergunning' \
	'S1,Intake,2024-01-03T09:00:00Z,w,subsidie' \
	'S1,Paraaf,2024-01-03T10:00:00Z,t,subsidie' \
	'N1,Intake,2024-01-04T09:00:00Z,w,' \
	'N1,Paraaf,2024-01-04T10:00:00Z,t,' \
	'Z1,Intake,2024-01-05T09:00:00Z,zed,vergunning' \
	'Z1,Paraaf,2024-01-05T10:00:00Z,t,vergunning' >>"$T/f.csv"
FDB="$T/f.db"
run --db "$FDB" import org "$T/orgf.csv"
run --db "$FDB" import mandates "$T/mand.csv"
run --db "$FDB" import cases "$T/f.csv"
run --db "$FDB" handovers --json
# by hand: Wim is at layer 4; vergunning's holder is layer 2 (Hanna): chain 4 - 2 = 2.
# V1: approvers Tim and Hanna, both above Wim: 2 in line = the chain (compared; neither over
# nor under). V2: approver Otto is not above Wim: outside the line; 0 in line < 2: under.
# S1: subsidie's holder title "wethouder" is nobody on Wim's path: no holder. N1: no type.
# Z1: first owner zed is not in the chart (and so Tim's approval cannot be placed on a line).
# Approvers in line: V1 2, S1 1 (Tim), N1 1 (Tim) = 4; outside: Otto 1; unplaced: Z1's Tim 1.
expect_eq "$(jget signoffs.cases_compared) $(jget signoffs.cases_over_chain) $(jget signoffs.cases_under_chain)" \
	"2 0 1" "two cases compared with the formal chain: V1 equal, V2 under"
expect_eq "$(jget signoffs.cases_no_type) $(jget signoffs.cases_no_holder) $(jget signoffs.cases_owner_unknown)" \
	"1 1 1" "apart: N1 no type, S1 no holder, Z1 first owner not in the chart"
expect_eq "$(jget signoffs.approvers_in_line) $(jget signoffs.approvers_outside_line) $(jget signoffs.approvers_not_in_chart)" \
	"4 1 1" "approvers: 4 in the owner's line, Otto outside it, 1 unplaced"

# --- a compression bomb is refused quickly; the bound is a setting ----------------------------
$PY - "$T/big.xes" <<'PYEOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write('<?xml version="1.0"?>\n<log xes.version="1.0">\n')
    for c in range(4000):
        f.write('<trace><string key="concept:name" value="Z%d"/>' % c)
        for e in range(3):
            f.write('<event><string key="concept:name" value="Stap %d"/>'
                    '<string key="org:resource" value="r%d"/>'
                    '<date key="time:timestamp" value="2024-01-%02dT10:00:00Z"/></event>\n'
                    % (e, (c * 7 + e) % 13, e + 1))
        f.write('</trace>\n')
    f.write('</log>\n')
PYEOF
gzip -9 "$T/big.xes"
run --db "$T/gz.db" import cases "$T/big.xes.gz"
expect_status 0 "a real .xes.gz (about 2 MiB inflated, far below 250 times) imports"
run --db "$T/gz2.db" import cases --max-inflate-ratio 5 "$T/big.xes.gz"
expect_status 65 "--max-inflate-ratio 5 refuses the same file"
expect_err_has "gzip data inflates more than 5 times" "and says why and which setting"
run --db "$T/gz3.db" import cases --max-inflate-ratio 0 "$T/big.xes.gz"
expect_status 0 "--max-inflate-ratio 0: no bound"
start=$(date +%s)
run --db "$T/gz4.db" import cases "$MAAT_TESTDATA/bad/xes_gzip_bomb_spaces.xes.gz"
expect_status 65 "64 MiB of spaces in 64 KiB of gzip is refused"
expect_eq "$(($(date +%s) - start < 10))" 1 "within seconds"

done_testing
