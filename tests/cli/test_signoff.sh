#!/bin/sh
# import mandates and signoff on the hand-drawn Dutch export:
#   001 Gemeentesecretaris (Directie)                 layer 1
#   +-- 002 Afdelingshoofd (Burgerzaken)              layer 2
#   |   +-- 003 Teamleider (Burgerzaken)              layer 3
#   |       +-- 004, 005 Medewerker (Burgerzaken)     layer 4
#   +-- 006 Afdelingshoofd (Ruimte)                   layer 2
#       +-- 007 Beleidsmedewerker (Ruimte)            layer 3
# Chain to the top (layer - 1): 0 1 2 3 3 1 2 = 12 -> mean 12/7, max 3.
# Initials (the managers strictly between a person and the holder, max(chain - 1, 0)):
# 0 0 1 2 2 0 1 = 6 -> mean 6/7, max 2.
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
nsources() {
	"$MAATLAT" --db "$1" sources --json 2>/dev/null | $PY -c 'import json,sys; print(len(json.load(sys.stdin)["sources"]))'
}

run --db s.db import org "$D/org_nl_utf8_bom.csv"
expect_status 0 "the org chart imports"

# without mandates: one type "(top)", the chain to the top; default cap 3: nobody over it
run --db s.db signoff --json
expect_status 0 "signoff --json without mandates"
expect_eq "$(jv decision_types.0.decision_type)" "(top)" "one decision type: to the top"
expect_eq "$(jv decision_types.0.people)" 7 "7 people"
near "$(jv decision_types.0.initials_mean)" "$($PY -c 'print(6/7)')" "initials mean 6/7"
expect_eq "$(jv decision_types.0.initials_max)" 2 "initials max 2"
near "$(jv decision_types.0.chain_mean)" "$($PY -c 'print(12/7)')" "chain incl. holder mean 12/7"
expect_eq "$(jv decision_types.0.chain_max)" 3 "chain incl. holder max 3"
expect_eq "$(jv decision_types.0.no_holder)" 0 "everyone has the top as holder"
near "$(jv chain_to_top_mean)" "$($PY -c 'print(12/7)')" "chain to the top: mean 12/7"
expect_eq "$(jv chain_to_top_max)" 3 "chain to the top: max 3"
expect_eq "$(jv cap)" 3 "the default cap is 3"
expect_eq "$(jv people_over_cap)" "[]" "nobody over a cap of 3"
run --db s.db signoff
expect_out_has "cap 3 initials (people who collect more are listed)" "the header prints the cap"
expect_out_has "no mandates imported: the holder is the top" "and where holders come from"

# cap 2: nobody (004 and 005 collect 2 initials: 002 and 003; 001 signs); cap 1: those two
run --db s.db signoff --cap 2 --json
expect_eq "$(jv decision_types.0.over_cap)" 0 "cap 2: 2 initials is not over it"
run --db s.db signoff --cap 1 --json
expect_eq "$(jv decision_types.0.over_cap)" 2 "cap 1: two people over it"
expect_eq "$(jv people_over_cap.0.id)" "004" "004 first"
expect_eq "$(jv people_over_cap.0.initials)" 2 "with 2 initials"
expect_eq "$(jv people_over_cap.0.chain)" 3 "and a chain of 3 incl. the holder"
run --db s.db signoff --cap 1
expect_out_has "People who collect more initials than the cap (1)" "the over-cap table"
expect_out_has "Cees Smit" "names the people"

# mandates: subsidie layer:2, inkoop title:Teamleider, personeel id:001
#  subsidie: 001 sits above layer 2: no holder; 002 0, 003 1, 004 2, 005 2, 006 0, 007 1 ->
#          chain 6/6 = 1, max 2; initials 0 0 1 1 0 0 = 2/6, max 1
#  inkoop: 003 0, 004 1, 005 1 -> chain 2/3, max 1, initials 0; 001, 002, 006, 007 have no
#          Teamleider on their path: 4 without a holder, left out of the means
#  personeel: the top post: chain 12/7, max 3; initials 6/7, max 2; cap 1: 004, 005 over
run --db s.db import mandates "$D/mandates.csv"
expect_status 0 "mandates import"
expect_out_has "mandates.csv: 3 mandates" "3 mandates"
run --db s.db signoff --json --cap 1
expect_eq "$(jv decision_types.0.decision_type)" subsidie "in file order: subsidie"
near "$(jv decision_types.0.chain_mean)" 1 "subsidie: chain mean 6/6"
expect_eq "$(jv decision_types.0.chain_max)" 2 "subsidie: chain max 2"
near "$(jv decision_types.0.initials_mean)" "$($PY -c 'print(2/6)')" "subsidie: initials mean 2/6"
expect_eq "$(jv decision_types.0.initials_max)" 1 "subsidie: initials max 1"
expect_eq "$(jv decision_types.0.no_holder)" 1 "subsidie: 001 has no holder"
expect_eq "$(jv decision_types.1.decision_type)" inkoop "inkoop"
near "$(jv decision_types.1.chain_mean)" "$($PY -c 'print(2/3)')" "inkoop: chain mean 2/3"
near "$(jv decision_types.1.initials_mean)" 0 "inkoop: initials mean 0"
expect_eq "$(jv decision_types.1.no_holder)" 4 "inkoop: 4 without a Teamleider above"
expect_eq "$(jv decision_types.2.chain_max)" 3 "personeel: chain max 3"
expect_eq "$(jv decision_types.2.initials_max)" 2 "personeel: initials max 2"
expect_eq "$(jv decision_types.2.over_cap)" 2 "personeel: 2 over cap 1"
# per unit for personeel: Burgerzaken 002 1, 003 2, 004 3, 005 3 -> chain 9 / 4 = 2.25;
# initials 0 1 2 2 -> 5 / 4 = 1.25, max 2, 2 over cap 1
$PY -c 'import json,sys
d=json.load(open(sys.argv[1]))
u=[x for x in d["units"] if x["unit"]=="Burgerzaken" and x["decision_type"]=="personeel"][0]
print(u["people"], u["initials_mean"], u["initials_max"], u["chain_mean"], u["chain_max"], u["over_cap"])' "$T/.out" >unit.txt
expect_eq "$(cat unit.txt)" "None None None None None None" "personeel in Burgerzaken: 4 people < --min-group 5, figures suppressed"
run --db s.db signoff --json --cap 1 --min-group 4
$PY -c 'import json,sys
d=json.load(open(sys.argv[1]))
u=[x for x in d["units"] if x["unit"]=="Burgerzaken" and x["decision_type"]=="personeel"][0]
print(u["people"], u["initials_mean"], u["initials_max"], u["chain_mean"], u["chain_max"], u["over_cap"], u.get("suppressed", False))' "$T/.out" >unit.txt
expect_eq "$(cat unit.txt)" "4 1.25 2 2.25 3 2 False" "--min-group 4: personeel in Burgerzaken: 4 people, initials 1.25 (max 2), chain 2.25 (max 3), 2 over"
run --db s.db signoff --cap 1
expect_out_has "Units with fewer than 5 people" "the text output says unit figures were suppressed"
run --db s.db signoff --decision inkoop --json
expect_eq "$(jv decision_types.0.decision_type)" inkoop "--decision shows one type"
$PY -c 'import json,sys; sys.exit(0 if len(json.load(open(sys.argv[1]))["decision_types"])==1 else 1)' "$T/.out" && ok "only that type" || not_ok "only that type"
run --db s.db signoff --decision nothing
expect_status 64 "--decision with an unknown type: 64"
expect_err_has "no mandate for decision type 'nothing'" "says so"
run --db s.db signoff
expect_out_has "Sign-off chains per unit" "the per-unit table"
expect_out_has "title:Teamleider" "the holders are shown"

# a later mandates file replaces a decision type (Dutch header, ';')
run --db s.db import mandates "$D/mandates_nl.csv"
expect_status 0 "Dutch mandates header"
run --db s.db signoff --json --decision subsidie
expect_eq "$(jv decision_types.0.holder)" "layer:3" "the later file wins for subsidie"

# broken mandates files: exact message, exit code, store unchanged
check_bad() { # FILE STATUS MESSAGE
	rm -f bad.db
	run --db bad.db import mandates "$1"
	expect_status "$2" "$(basename "$1"): exit $2"
	expect_err_has "$3" "$(basename "$1"): message"
	expect_eq "$(nsources bad.db)" 0 "$(basename "$1"): store unchanged"
}
check_bad "$B/mandates_bad_holder.csv" 65 "mandates_bad_holder.csv:2: holder 'boss' is not layer:N (N >= 1), title:TEXT or id:ID"
check_bad "$B/mandates_bad_layer.csv" 65 "mandates_bad_layer.csv:2: holder 'layer:x' is not layer:N"
check_bad "$B/mandates_binary.csv" 65 "mandates_binary.csv:1: binary data, not CSV text"
check_bad "$B/mandates_empty.csv" 65 "mandates_empty.csv: empty file"
check_bad "$D/mandates_duplicate.csv" 65 "mandates_duplicate.csv:3: decision type 'subsidie' was given before, on line 2"
check_bad "$D/org_map.csv" 65 "org_map.csv:1: not a mandates file"

run signoff --cap -1
expect_status 64 "--cap -1: 64"
run import mandates
expect_status 64 "import mandates without a file: 64"

done_testing
