#!/bin/sh
# Every org row read right (issue 17 items 1-7): totals rows, ragged rows, the employment
# mapping, ids with Unicode spaces and all-zero top markers, managers given as e-mail or name,
# FTE plausibility and sign-off chains that count initials. Each file in tests/data is small
# and hand-made; the figures below are computed by hand from ../shared/METRICS.md section 1.
. "$TAP_LIB"
PY=/usr/bin/python3
D=$MAAT_TESTDATA
B=$MAAT_TESTDATA/bad

jv() {
	$PY -c 'import json,sys
v=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v=v[int(k)] if isinstance(v,list) else v[k]
print(json.dumps(v) if isinstance(v,(dict,list)) or v is None else (round(v,9) if isinstance(v,float) else v))' "$T/.out" "$1"
}
near() {
	if $PY -c 'import sys; sys.exit(0 if abs(float(sys.argv[1])-float(sys.argv[2]))<1e-9 else 1)' "$1" "$2"; then ok "$3"; else not_ok "$3" "got $1, wanted $2"; fi
}

# --- 1. totals rows: 1 > {2, 3}; line 5 'Totaal' and line 6 (sums without id and manager)
# are not people: 3 people, 1 root, 2 layers, 1 manager of span 2.
run --db t.db import org "$D/org_totals.csv"
expect_status 0 "a file with totals rows imports"
expect_out_has "5 rows read, 2 rejected" "the two totals rows are rejected"
expect_err_has "org_totals.csv:5: warning: a totals row ('Totaal'): skipped, not a person" "the Totaal row is named"
expect_err_has "org_totals.csv:6: warning: a row without id and manager (a row of sums?): skipped" "the row of sums is named"
run --db t.db layers --json
expect_eq "$(jv people)" 3 "totals: 3 people"
expect_eq "$(jv roots)" 1 "totals: 1 root (no second root from 'Totaal')"
expect_eq "$(jv layers)" 2 "totals: 2 layers"
near "$(jv span_mean)" 2 "totals: span mean 2"

# --- 2. ragged rows: line 3 '2,1,Bram,0,8,inhuur' has 6 fields (an unquoted 0,8): rejected.
# People 1, 3, 4; employment stated FTE 1 + 1 + 0.5 = 2.5, external (Cor, inhuur) 1 -> 0.4.
run --db r.db import org "$D/org_ragged.csv"
expect_status 0 "one ragged row of four: the file imports"
expect_out_has "4 rows read, 1 rejected" "the ragged row is counted as rejected"
expect_err_has "org_ragged.csv:3: warning: the row has 6 fields, the header 5: rejected" "with its line number"
run --db r.db layers --json
expect_eq "$(jv people)" 3 "ragged: 3 people"
near "$(jv external_share)" 0.4 "ragged: external share 1 / 2.5 (no shifted FTE 0 or employment '8')"
rm -f rr.db
run --db rr.db import org "$B/org_mostly_ragged.csv"
expect_status 65 "most rows ragged: the file is refused"
expect_err_has "org_mostly_ragged.csv: 2 of 3 rows have another number of fields than the header (3; the first on line 2)" "saying how many and where"

# --- 3. employment: Vast internal 1; ZZP'er external 1; stagiair unknown (2 rows: Cor, Fien);
# job share id 4: Inhuur 0.5 external + in dienst 0.5 internal; Eva empty: unknown.
# Stated FTE 1 + 1 + 0.5 + 0.5 = 3, external 1.5 -> 0.5, whichever sharer's row comes first.
run --db e.db import org "$D/org_employment.csv"
expect_status 0 "the employment file imports"
expect_err_has "org_employment.csv:4: warning: employment 'stagiair' (2 rows) is neither internal nor external" "the unknown value is listed with its count"
run --db e.db layers --json
near "$(jv external_share)" 0.5 "employment: external share 1.5 / 3 (unknown never internal)"
expect_eq "$(jv employment_unknown)" 3 "employment: 3 people unknown (Cor, Eva, Fien)"
run --db e2.db import org "$D/org_employment_swapped.csv"
run --db e2.db layers --json
near "$(jv external_share)" 0.5 "the job share split by row: the same 0.5 with the rows swapped"

# --- 4. ids: no-break spaces and a figure space around ids, '00000000' as the top marker:
# 001 > {002, 003}: 1 root, no orphans, 2 layers.
run --db i.db import org "$D/org_ids_spaces.csv"
expect_status 0 "ids with Unicode spaces import"
run --db i.db layers --json
expect_eq "$(jv roots)" 1 "'00000000' marks the top post"
expect_eq "$(jv orphans)" 0 "no-break and figure spaces are trimmed: no orphans"
expect_eq "$(jv layers)" 2 "001 > {002, 003}: 2 layers"
# --normalise-ids: '0042' and '42' are joined, said, and '0042' still finds the post
run --db zn.db import org --normalise-ids "$D/org_zeros.csv"
expect_err_has "--normalise-ids: id '0042' read as '42'" "the import says which ids it joined"
run --db zn.db person 0042 --json
expect_status 0 "person 0042 finds the post stored as 42"
printf 'decision_type,holder\nbesluit,id:0042\n' >m42.csv
run --db zn.db import mandates m42.csv
expect_err_empty "mandates id:0042 matches the post stored as 42 (no warning)"
run --db zn.db signoff --json
expect_eq "$(jv decision_types.0.no_holder)" 0 "id:0042 is the holder of all three"
near "$(jv decision_types.0.chain_mean)" "$($PY -c 'print(2/3)')" "chains 0, 1, 1 -> 2/3"
run --db zn.db forget 0042
expect_status 0 "forget 0042 finds the post stored as 42"
expect_eq "$(sqlite3 zn.db "SELECT count(*) FROM org_rows WHERE id = '42' OR manager = '42'")" 0 "and erases it"

# --- 5. managers given as e-mail or name: 10 > {11 > 13, 12}
for f in org_manager_email org_manager_name; do
	run --db "$f.db" import org "$D/$f.csv"
	expect_status 0 "$f imports"
	run --db "$f.db" layers --json
	expect_eq "$(jv orphans)" 0 "$f: every manager found, no orphans"
	expect_eq "$(jv layers)" 3 "$f: 3 layers"
	expect_eq "$(jv managers)" 2 "$f: 2 managers (10 and 11)"
done
run --db me.db import org "$D/org_manager_email.csv"
expect_err_has "the manager column holds e-mail addresses: 3 of 3 managers found by e-mail (found automatically" "it says what it did"
run --db mn.db import org --manager-by name "$D/org_manager_name.csv"
expect_err_has "the manager column holds names: 3 of 3 managers found by name (--manager-by)" "--manager-by name states it"
run --db mi.db import org --manager-by id "$D/org_manager_email.csv"
run --db mi.db layers --json
expect_eq "$(jv orphans)" 3 "--manager-by id: the e-mail managers stay unknown ids (3 orphans)"
run --db mx.db import org --manager-by nickname "$D/org_manager_email.csv"
expect_status 64 "--manager-by nickname is a usage error"
rm -f ma.db
run --db ma.db import org "$B/org_manager_ambiguous.csv"
expect_status 65 "an ambiguous manager name refuses the file"
expect_err_has "org_manager_ambiguous.csv:5: manager 'Bert Mid' matches 2 people: 11 (line 3), 12 (line 4)" "with the people it could be"

# --- 6. FTE: hours in the FTE column are flagged; --fte-hours 36 reads them: 36 -> 1,
# 18 -> 0.5, 32,4 -> 0.9.
run --db f.db import org "$D/org_fte_hours.csv"
expect_err_has "3 rows have an FTE above 1.5 (the first '36'): hours or percentages in the FTE column? --fte-hours H reads hours" "FTE above 1.5 is flagged"
run --db fh.db import org --fte-hours 36 "$D/org_fte_hours.csv"
expect_err_empty "--fte-hours 36: nothing to flag"
run --db fh.db person 3 --json
expect_eq "$(sqlite3 fh.db 'SELECT group_concat(round(fte, 6)) FROM (SELECT fte FROM org_rows ORDER BY line)')" "1.0,0.5,0.9" "stored FTE 1, 0.5, 0.9"
rm -f ft.db
run --db ft.db import org "$B/org_fte_thousands.csv"
expect_status 65 "'1.000,5' is never read as 1000.5"
expect_err_has "org_fte_thousands.csv:3: FTE '1.000,5' has a thousands separator: not an FTE" "it says why"

# --- 7. sign-off chains: 1 > 2 > 3 > 4 > 5 > 6 and 1 > 7 > 8 (layers 1-6, 2, 3); 9 <-> 10 a
# cycle, 11 below it: 3 people left out.
run --db s.db import org --as-of 2026-01-31 "$D/org_signoff.csv"
run --db s.db signoff --json
expect_status 0 "signoff without mandates"
# to the top: chains 0 1 2 3 4 5 1 2 = 18 / 8; initials 0 0 1 2 3 4 0 1 = 11 / 8, max 4
near "$(jv decision_types.0.initials_mean)" 1.375 "(top): initials mean 11 / 8"
expect_eq "$(jv decision_types.0.initials_max)" 4 "(top): initials max 4 (person 6 at layer 6)"
near "$(jv decision_types.0.chain_mean)" 2.25 "(top): chain incl. holder 18 / 8"
expect_eq "$(jv decision_types.0.chain_max)" 5 "(top): chain max 5"
expect_eq "$(jv left_out_cycles)" 3 "3 people in or below the cycle are left out"
expect_err_has "3 people in or below a manager cycle have no layer and are left out" "and it says so"
run --db s.db import mandates "$D/mandates_signoff.csv"
expect_status 0 "mandates import"
expect_err_has "mandates_signoff.csv:3: warning: decision type 'inkoop': the holder rule title:Wethouder matches nobody in the org chart of 2026-01-31" "a rule matching nobody is warned at import"
run --db s.db signoff --json --cap 2
# subsidie layer:2: 1 sits above (no holder); chains 2:0 3:1 4:2 5:3 6:4 7:0 8:1 = 11 / 7;
# initials 0 0 1 2 3 0 0 = 6 / 7, max 3 (layer 6 under a holder at layer 2: 3 initials);
# cap 2: person 6 only
expect_eq "$(jv decision_types.0.decision_type)" subsidie "subsidie first"
expect_eq "$(jv decision_types.0.people)" 8 "subsidie: 8 people"
expect_eq "$(jv decision_types.0.no_holder)" 1 "subsidie: person 1 above layer 2 has no holder"
near "$(jv decision_types.0.initials_mean)" "$($PY -c 'print(6/7)')" "subsidie: initials mean 6 / 7"
expect_eq "$(jv decision_types.0.initials_max)" 3 "subsidie: initials max 3"
near "$(jv decision_types.0.chain_mean)" "$($PY -c 'print(11/7)')" "subsidie: chain incl. holder 11 / 7"
expect_eq "$(jv decision_types.0.chain_max)" 4 "subsidie: chain max 4"
expect_eq "$(jv decision_types.0.over_cap)" 1 "subsidie, cap 2: only person 6 (3 initials)"
# inkoop title:Wethouder: nobody -> no holder 8, figures null
expect_eq "$(jv decision_types.1.no_holder)" 8 "inkoop: all 8 without a holder"
expect_eq "$(jv decision_types.1.initials_mean)" null "inkoop: initials mean null"
expect_eq "$(jv decision_types.1.initials_max)" null "inkoop: initials max null"
expect_eq "$(jv decision_types.1.chain_mean)" null "inkoop: chain mean null"
expect_err_has "decision type 'inkoop': the holder rule title:Wethouder matches nobody in the chart of 2026-01-31: its figures are null" "signoff warns too"
# personeel id:3: 3:0 4:1 5:2 6:3 -> chain 6 / 4, initials 0 0 1 2 = 3 / 4, max 2; 4 no holder
near "$(jv decision_types.2.initials_mean)" 0.75 "personeel: initials mean 3 / 4"
expect_eq "$(jv decision_types.2.initials_max)" 2 "personeel: initials max 2"
near "$(jv decision_types.2.chain_mean)" 1.5 "personeel: chain mean 6 / 4"
expect_eq "$(jv decision_types.2.no_holder)" 4 "personeel: 1, 2, 7, 8 have no holder"
run --db s.db signoff
expect_out_has "initials mean" "the table shows the initials"
expect_out_has "chain incl. holder" "and names the chain beside them"
expect_out_has "no holder" "and the people without a holder"

done_testing
