#!/bin/sh
# import terms, terms and trend (METRICS.md sections 5 and 6) on a hand-made log whose figures
# are worked out below by hand, and against an independent Python reference
# (terms_reference.py) in three time zones; the refusals of broken terms files; the JSON keys
# of CLI.md.
. "$TAP_LIB"
D="$MAAT_TESTDATA/terms"
PY=/usr/bin/python3
REF="$MAAT_SRCDIR/tests/cli/terms_reference.py"
AGREE="$MAAT_SRCDIR/tests/cli/json_agree.py"
DB="$T/s.db"

jget() {
	$PY -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): v=v[int(k)] if isinstance(v, list) else v[k]
print(json.dumps(v, ensure_ascii=False))' "$T/.out" "$1"
}
# near A B: |A - B| < 1e-6
near() { $PY -c 'import sys; print("yes" if abs(float(sys.argv[1]) - float(sys.argv[2])) < 1e-6 else "no: %s vs %s" % (sys.argv[1], sys.argv[2]))' "$1" "$2"; }

for c in terms trend; do
	run $c --help
	expect_status 0 "$c --help exits 0"
	expect_out_has "--json" "$c --help names --json"
	run $c --bogus
	expect_status 64 "$c --bogus is a usage error (64)"
done
run import terms --help
expect_status 0 "import terms --help exits 0"
expect_out_has "--holidays" "and names --holidays"
run --help
expect_out_has "terms" "maatlat --help lists terms"
expect_out_has "trend" "and trend"

run --db "$DB" import org "$D/org.csv" --as-of 2025-01-01
expect_status 0 "the org chart imports"
run --db "$DB" import cases "$D/cases.csv"
expect_status 0 "the hand-made log imports"

# --- without a terms file: the Awb's 8 weeks, first to last event, calendar days -------------
run --db "$DB" terms --json --tz UTC
expect_status 0 "terms --json without a terms file"
expect_eq "$(jget default_term_days)" "56.0" "the default term is 56 calendar days"
# A: Mon 14 Apr 09:00 -> Fri 25 Apr 09:00 = 11 days; D: 6 Jan 10:00 -> 20 Feb 10:00 = 45 days;
# nothing passes 56 days
expect_eq "$(jget over_term)" "0" "no case is over 56 days"
expect_eq "$(jget lead_time_days.max)" "45.0" "the longest lead time is D's 45 calendar days"
expect_eq "$(jget open_cases)" "0" "without an end pattern no case is open"
run --db "$DB" terms
expect_status 0 "terms (text)"
expect_out_has "Awb" "says that every case has the Awb's term"

# --- the terms file and the holidays -------------------------------------------------------
run --db "$DB" import terms "$D/terms.csv" --holidays "$D/holidays.txt"
expect_status 0 "import terms --holidays"
expect_out_has "3 terms, 2 holidays" "3 terms and 2 holidays stored"
run --db "$DB" import terms "$D/terms.csv" --holidays "$D/holidays.txt"
expect_status 0 "the same terms file again is not an error"
expect_err_has "already imported" "but nothing is done"

run --db "$DB" terms --json --tz UTC
expect_status 0 "terms --json"
cp "$T/.out" got_utc.json
for k in default_term_days cases closed_cases open_cases over_term share_over_term lead_time_days open_over_term by_case_type cases_over_term; do
	if $PY -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.load(open(sys.argv[1])) else 1)' got_utc.json "$k"; then ok "terms --json has $k"; else not_ok "terms --json has $k"; fi
done
for k in case_type term_days day_kind cases over_term share_over_term median_days p90_days; do
	if $PY -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.load(open(sys.argv[1]))["by_case_type"][0] else 1)' got_utc.json "$k"; then ok "by_case_type has $k"; else not_ok "by_case_type has $k"; fi
done
for k in case case_type lead_time_days days_over suspended_days open; do
	if $PY -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.load(open(sys.argv[1]))["cases_over_term"][0] else 1)' got_utc.json "$k"; then ok "cases_over_term has $k"; else not_ok "cases_over_term has $k"; fi
done

# By hand, in UTC (omgevingsvergunning: 5 working days, suspended from "Aanvullende gegevens"
# to "Gegevens ontvangen", ends at "Besluit"; holidays Fri 18 and Mon 21 April 2025).
# Case A: Mon 14 Apr 09:00 -> Fri 25 Apr 09:00. Working days: Mon 14 from 09:00 = 15/24 =
# 0.625; Tue 15, Wed 16, Thu 17 = 3; Fri 18 holiday; weekend; Mon 21 holiday; Tue 22, Wed 23,
# Thu 24 = 3; Fri 25 until 09:00 = 0.375: 7.0 in all. Suspended Wed 16 12:00 -> Tue 22 12:00:
# 0.5 + Thu 17 1 + (Fri 18, weekend, Mon 21: 0) + 0.5 = 2.0. Lead time 7.0 - 2.0 = 5.0 working
# days: exactly the term, so not over it.
run --db "$DB" terms --json --tz UTC
got=$($PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print([x["case"] for x in j["cases_over_term"]])' "$T/.out")
expect_eq "$got" "['C', 'D', 'B']" "over the term: C (open), D and B, most days over first; A (5.0 = the term) is not"
# Case B: Mon 27 Jan 08:00 -> Mon 10 Feb 12:00, suspended Thu 30 Jan 16:00 -> Tue 4 Feb 10:00
# (across the month end). Working days: 16/24 + Tue 28..Fri 31 (4) + Mon 3..Fri 7 (5) + 12/24
# = 10.1667; suspended: 8/24 + Fri 31 + Mon 3 + 10/24 = 2.75; lead 10.1667 - 2.75 = 7.41667
# (89/12), 2.41667 over the term of 5.
expect_eq "$(near "$(jget cases_over_term.2.lead_time_days)" 7.416666666667)" "yes" "B: lead time 89/12 = 7.41667 working days"
expect_eq "$(near "$(jget cases_over_term.2.suspended_days)" 2.75)" "yes" "B: suspended 2.75 working days, across the month end"
expect_eq "$(near "$(jget cases_over_term.2.days_over)" 2.416666666667)" "yes" "B: 2.41667 days over"
# Case C: no "Besluit": open, running from Mon 31 Mar 09:00 to the end of the log (A's last
# event, Fri 25 Apr 09:00): 0.625 + 4 + 5 + 4 (Fri 18 holiday) + 3 (Mon 21 holiday) + 0.375
# = 17.0 working days, 12 over.
expect_eq "$(jget cases_over_term.0.lead_time_days)" "17.0" "C (open): 17.0 working days to the end of the log"
expect_eq "$(jget cases_over_term.0.open)" "true" "C is open"
# Case D: bezwaar, 6w = 42 calendar days: 6 Jan 10:00 -> 20 Feb 10:00 = 45 days, 3 over.
expect_eq "$(jget cases_over_term.1.days_over)" "3.0" "D: 45 calendar days, 3 over its 6 weeks"
# Totals: closed A 5.0, B 7.41667, D 45, E 10 (no type: 56 calendar days, 10 Jan -> 20 Jan);
# open C and F. Median (7.41667 + 10) / 2 = 8.70833; p90: h = 3 x 0.9 = 2.7, 10 + 0.7 x 35 =
# 34.5; over the term B and D: share 2/4; mean days over (2.41667 + 3) / 2 = 2.70833.
expect_eq "$(jget closed_cases) $(jget open_cases) $(jget over_term) $(jget open_over_term)" "4 2 2 1" "4 closed, 2 open, 2 closed over the term, 1 open over it"
expect_eq "$(jget share_over_term)" "0.5" "share over the term 2/4"
expect_eq "$(near "$(jget lead_time_days.median)" 8.708333333333)" "yes" "median lead time 8.70833"
expect_eq "$(jget lead_time_days.p90)" "34.5" "p90 lead time 34.5 (linear)"
expect_eq "$(near "$(jget mean_days_over)" 2.708333333333)" "yes" "mean days over 2.70833"
# per unit of the first owner: A, B by u1 (Vergunningen); C, D, E by u2 (E's first event has
# no resource); F by x9, not in the chart
got=$($PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(" ".join("%s:%d" % (u["unit"], u["cases"]) for u in j["by_unit"]))' "$T/.out")
expect_eq "$got" "(unknown):1 Juridische Zaken:3 Vergunningen:2" "per unit of the first owner"
got=$($PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(" ".join("%s:%d/%d" % (u["month"], u["cases"], u["over_term"]) for u in j["by_month"]))' "$T/.out")
expect_eq "$got" "2025-01:3/2 2025-03:1/0 2025-04:2/0" "per month of start (cases/closed over term)"
# F: melding, 10 working days, open since Tue 22 Apr 12:00: 0.5 + 1 + 1 + 0.375 = 2.875 by
# the end of the log; 7.125 days left: not within 7 days, within 7.5
expect_eq "$(jget open_near_term)" "0" "F is not within 7 days of its term"
run --db "$DB" terms --json --tz UTC --warn-days 7.5
expect_eq "$(jget open_near_term)" "1" "but within 7.5 (--warn-days)"
expect_eq "$(jget cases_near_term.0.case) $(jget cases_near_term.0.lead_time_days)" '"F" 2.875' "F: 2.875 working days so far"

# the independent reference agrees with every figure, in three zones
for tz in UTC Europe/Amsterdam America/New_York; do
	$PY "$REF" --tz $tz --terms "$D/terms.csv" --holidays "$D/holidays.txt" --org "$D/org.csv@2025-01-01" "$D/cases.csv" >ref.json
	run --db "$DB" terms --json --tz $tz
	cp "$T/.out" got.json
	expect_eq "$($PY "$AGREE" ref.json got.json)" "ok" "terms --json = terms_reference.py in $tz"
done
# ... and would notice a wrong figure
$PY -c 'import json,sys; j=json.load(open(sys.argv[1])); j["by_case_type"][0]["p90_days"]+=0.01; json.dump(j,open(sys.argv[1],"w"))' got.json
if [ "$($PY "$AGREE" ref.json got.json)" != ok ]; then ok "json_agree.py sees a p90 off by 0.01"; else not_ok "json_agree.py sees a p90 off by 0.01"; fi

run --db "$DB" terms --tz Mars/Olympus_Mons
expect_status 64 "an unknown --tz is a usage error (64)"
expect_err_has "Mars/Olympus_Mons" "and names the zone"

# --case-type: the attribute the log was imported with
run --db "$DB" terms --case-type zaaktype --json
expect_status 0 "--case-type zaaktype: the default attribute"
run --db "$DB" terms --case-type soort
expect_status 64 "--case-type with another attribute than the import's: usage (64)"
expect_err_has "--case-type soort" "says how to import again"

# --- trend: two snapshots, u1 (execution) gone and u3 (policy, 0.8 FTE) new --------------------
run --db "$DB" import org "$D/org2.csv" --as-of 2025-06-01
expect_status 0 "a second snapshot imports"
run --db "$DB" trend --json
expect_status 0 "trend --json"
for k in snapshots case_months meeting_months; do
	if $PY -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.load(open(sys.argv[1])) else 1)' "$T/.out" "$k"; then ok "trend --json has $k"; else not_ok "trend --json has $k"; fi
done
for k in as_of people fte layers managers manager_share span_mean thin_managers external_share flagged; do
	if $PY -c 'import json,sys; sys.exit(0 if sys.argv[2] in json.load(open(sys.argv[1]))["snapshots"][0] else 1)' "$T/.out" "$k"; then ok "snapshots[] has $k"; else not_ok "snapshots[] has $k"; fi
done
# execution FTE 1 -> 0, policy 1 -> 1.8: flagged, in Vergunningen, rows u1 and u3
expect_eq "$(jget snapshots.0.flagged) $(jget snapshots.1.flagged)" "false true" "the second snapshot is flagged (execution fell, policy grew)"
expect_eq "$(jget snapshots.1.flag_units)" '"Vergunningen"' "the flag names Vergunningen"
got=$($PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(" ".join("%s:%s>%s" % (r["id"], r["role_before"], r["role_after"]) for r in j["flag_rows"]))' "$T/.out")
expect_eq "$got" "u1:execution> u3:>policy" "the rows behind it: u1 (execution) left, u3 (policy) came"
expect_eq "$(near "$(jget snapshots.1.change.fte)" -0.2)" "yes" "FTE 3.0 -> 2.8: change -0.2"
expect_eq "$(near "$(jget snapshots.1.external_share)" 0.357142857143)" "yes" "external share 1 / 2.8 (u2 is inhuur)"
# months of case start (Europe/Amsterdam): January holds B, D and E. B is u1, u1, u2, u1: two
# handovers and a ping-pong; D and E none. Throughput: B 14 d 4 h, D 45 d, E 10 d: median
# 14.1667. Over the term: B and D of the three.
expect_eq "$(jget case_months.0.month) $(jget case_months.0.cases)" '"2025-01" 3' "January: 3 cases"
expect_eq "$(near "$(jget case_months.0.handovers_per_case)" 0.666666666667)" "yes" "January: 2 handovers / 3 cases"
expect_eq "$(near "$(jget case_months.0.pingpong_share)" 0.333333333333)" "yes" "January: 1 ping-pong case of 3"
expect_eq "$(near "$(jget case_months.0.throughput_median_days)" 14.166666666667)" "yes" "January: median throughput 14.1667 days"
expect_eq "$(near "$(jget case_months.0.share_over_term)" 0.666666666667)" "yes" "January: 2 of 3 over the term"
expect_eq "$(jget case_months.1.change.cases)" "-2" "March: 1 case, 2 fewer than January"
# the role mix hides the shares of a unit or layer under 5 people (METRICS.md section 4): here
# every group is that small, so only the counts are shown
got=$($PY -c 'import json,sys; j=json.load(open(sys.argv[1])); print(all(r["management"] is None and r["external_share"] is None and r["note"] for r in j["role_mix"]), len(j["role_mix"]))' "$T/.out")
expect_eq "$got" "True 10" "role mix: 10 groups (2 snapshots x 3 units + 2 layers), none with shares (all under 5 people)"
run --db "$DB" trend
expect_status 0 "trend (text)"
expect_out_has "Rows behind the public-service flag" "the text output shows the rows behind the flag"

# --- refusals: exit code, FILE:LINE, store unchanged -----------------------------------------
dump() { sqlite3 "$DB" .dump | sha256sum; }
before=$(dump)
bad() { # FILE-CONTENT WANT-STATUS WANT-STDERR DESC [OPTIONS]
	printf "$1" >bad.csv
	shift
	st=$1 msg=$2 desc=$3
	shift 3
	run --db "$DB" import terms bad.csv "$@"
	expect_status "$st" "$desc: exit $st"
	expect_err_has "$msg" "$desc: says '$msg'"
	expect_eq "$(dump)" "$before" "$desc: the store is unchanged"
}
bad 'case_type,term_days\nx,zes\n' 65 "bad.csv:2: term 'zes'" "a term that is no number"
bad 'case_type,term_days\nx,0\n' 65 "bad.csv:2: term '0'" "a term of 0 days"
bad 'case_type,term_days\nx,5048556834644120917w\n' 65 "bad.csv:2: term '5048556834644120917w'" "a term of weeks that would overflow (a fuzz finding)"
bad 'case_type,term_days,day_kind\nx,5,lunar\n' 65 "bad.csv:2: day kind 'lunar'" "an unknown day kind"
bad 'case_type,term_days,end\nx,5,(besluit\n' 65 "bad.csv:2: end pattern" "a pattern that does not compile"
bad 'case_type,term_days\nx,5\nX,6\n' 65 "bad.csv:3: case type 'X' was given before, on line 2" "a case type twice (case-insensitive)"
bad 'case_type,term_days,resume\nx,5,ontvangen\n' 65 "bad.csv:2: a resume pattern without a suspend pattern" "resume without suspend"
bad 'zaak,dagen\nx,5\n' 65 "bad.csv:1: not a terms file" "no terms header"
bad 'case_type,term_days\n' 65 "no rows" "a header only"
bad 'case_type,term_days\nx,5\n' 66 "nowhere.txt" "a missing holidays file" --holidays nowhere.txt
printf '2025-04-18\n2025-13-01\n' >hol.txt
bad 'case_type,term_days\ny,5\n' 65 "hol.txt:2: not a date" "a holidays file with a bad date" --holidays hol.txt
run --db "$DB" import terms nowhere.csv
expect_status 66 "a missing terms file: 66"

# --- one log across overlapping exports (METRICS.md §3): terms count an event held by several
# case sources once, the way handovers does, in any import order -----------------------------
# same_json A B: every figure of two JSON outputs equal
same_json() {
	$PY -c 'import json,sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print("same" if a == b else "differ: " + " ".join(k for k in a if a[k] != b.get(k)))' "$1" "$2"
}
# the demo's log (4 month parts, each with the week before it) with the demo's terms and holidays
EX="$MAAT_SRCDIR/examples"
mkdir -p "$T/split"
parts=$($PY "$MAAT_SRCDIR/tests/cli/split_caselog.py" "$EX/cases.csv" "$T/split" 4)
np=$(echo $parts | wc -w)
expect_eq "$([ "$np" -ge 3 ] && echo yes)" yes "the demo's log splits into $np overlapping parts"
run --db "$T/dw.db" import cases "$EX/cases.csv"
run --db "$T/dw.db" import terms "$EX/terms.csv" --holidays "$EX/holidays.txt"
run --db "$T/dw.db" terms --json
expect_status 0 "terms --json on the whole demo log"
cp "$T/.out" "$T/dw.json"
expect_eq "$(jget cases)" 800 "the whole demo log has 800 cases"
i=0
for order in "$parts" "$(echo $parts | tr ' ' '\n' | sort -r | tr '\n' ' ')"; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	run --db "$T/dp$i.db" import cases $order
	expect_status 0 "the demo's $np parts import (order $i)"
	run --db "$T/dp$i.db" import terms "$EX/terms.csv" --holidays "$EX/holidays.txt"
	stored=$($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from case_events").fetchone()[0])' "$T/dp$i.db")
	expect_eq "$([ "$stored" -gt 6428 ] && echo yes)" yes \
		"the parts store more rows ($stored) than the whole log's 6428 (order $i)"
	run --db "$T/dp$i.db" terms --json
	expect_status 0 "terms --json on the parts (order $i)"
	expect_eq "$(same_json "$T/dw.json" "$T/.out")" same \
		"the demo's parts give every terms figure of the whole log (order $i)"
done

# A hand-made log cut by hand into two exports that share the week of 8-14 March, which holds
# S1's suspension (suspended 10 Mar 09:00, resumed 13 Mar 09:00, plus a letter at the very
# instant of the suspension) and the whole of S2. Term: 10 calendar days from Ontvangen to
# Besluit, Opschorten to Hervatten not counted. By hand (UTC):
#   S1: 3 Mar 09:00 -> 20 Mar 09:00 = 17 days - 3 suspended = 14 days: over by 4
#   S2: 11 Mar 09:00 -> 13 Mar 21:00 = 2.5 days
#   S3: Ontvangen 18 Mar 09:00, no Besluit: open, running to the log's end (20 Mar 09:00) = 2 days
#   S4: Besluit and then Ontvangen at one instant, 12 Mar 09:00 (file order), no Besluit after the
#       Ontvangen: open, 12 Mar 09:00 -> 20 Mar 09:00 = 8 days, within 7 days of its 10: near.
#       Both exports hold that instant; were their copies kept, the second Besluit would follow
#       the first Ontvangen and close S4 with 0 days.
# closed 2, open 2 (1 near the term), over 1 (share 0.5), median of 2.5 and 14 = 8.25, max 14,
# mean days over 4.
printf 'case_type,term_days,day_kind,start,end,suspend,resume\nvergunning,10,calendar,Ontvangen,Besluit,Opschorten,Hervatten\n' >"$T/st.csv"
H='case_id,activity,timestamp,resource,zaaktype'
S1a='S1,Ontvangen,2025-03-03T09:00:00Z,ann,vergunning'
S1b='S1,Opschorten,2025-03-10T09:00:00Z,ann,vergunning'
S1c='S1,Brief,2025-03-10T09:00:00Z,ann,vergunning'
S1d='S1,Hervatten,2025-03-13T09:00:00Z,bob,vergunning'
S1e='S1,Besluit,2025-03-20T09:00:00Z,bob,vergunning'
S2a='S2,Ontvangen,2025-03-11T09:00:00Z,bob,vergunning'
S2b='S2,Besluit,2025-03-13T21:00:00Z,bob,vergunning'
S3a='S3,Ontvangen,2025-03-18T09:00:00Z,ann,vergunning'
S4a='S4,Besluit,2025-03-12T09:00:00Z,ann,vergunning'
S4b='S4,Ontvangen,2025-03-12T09:00:00Z,ann,vergunning'
printf '%s\n' "$H" "$S1a" "$S1b" "$S1c" "$S1d" "$S1e" "$S2a" "$S2b" "$S3a" "$S4a" "$S4b" >"$T/sw.csv"
printf '%s\n' "$H" "$S1a" "$S1b" "$S1c" "$S1d" "$S2a" "$S2b" "$S4a" "$S4b" >"$T/s1.csv"
printf '%s\n' "$H" "$S1b" "$S1c" "$S1d" "$S1e" "$S2a" "$S2b" "$S3a" "$S4a" "$S4b" >"$T/s2.csv"
for order in "sw" "s1 s2" "s2 s1"; do
	db="$T/susp-$(echo $order | tr ' ' _).db"
	files=""
	for f in $order; do files="$files $T/$f.csv"; done
	# shellcheck disable=SC2086
	run --db "$db" import cases $files
	expect_status 0 "the suspension log imports ($order)"
	run --db "$db" import terms "$T/st.csv"
	run --db "$db" terms --json --tz UTC
	expect_status 0 "terms --json on the suspension log ($order)"
	cp "$T/.out" "$T/susp-$(echo $order | tr ' ' _).json"
	expect_eq "$(jget cases)" 4 "4 cases ($order)"
	expect_eq "$(jget closed_cases)" 2 "S1 and S2 closed ($order)"
	expect_eq "$(jget open_cases)" 2 "S3 and S4 open ($order)"
	expect_eq "$(jget open_near_term)" 1 "S4 open 8 of its 10 days: near the term ($order)"
	expect_eq "$(jget over_term)" 1 "only S1 over its 10 days ($order)"
	expect_eq "$(near "$(jget lead_time_days.max)" 14)" yes "S1: 17 days - 3 suspended = 14 ($order)"
	expect_eq "$(near "$(jget lead_time_days.median)" 8.25)" yes \
		"median of 2.5 and 14 = 8.25 ($order)"
	expect_eq "$(near "$(jget mean_days_over)" 4)" yes "S1 is 4 days over ($order)"
done
expect_eq "$(same_json "$T/susp-sw.json" "$T/susp-s1_s2.json")" same \
	"the two overlapping exports give every figure of the whole log"
expect_eq "$(same_json "$T/susp-sw.json" "$T/susp-s2_s1.json")" same \
	"in either import order"

done_testing
