#!/bin/sh
# Subject access and erasure (issue 8): `person` shows every stored row about someone,
# `forget` removes them so that not even the store file's bytes still hold their name.
. "$TAP_LIB"
D="$MAAT_TESTDATA/privacy"

run --db s.db import org "$D/org.csv"
expect_status 0 "the org chart imports"
run --db s.db import calendar "$D/calendar.ics"
expect_status 0 "the calendar imports"

run --db s.db person E42
expect_status 0 "person E42 exits 0"
expect_out_has "Jantje Jansen" "person E42 shows the org-chart row with the name"
# the calendar stores the organiser's e-mail lower-cased; person matches it through the org row
expect_out_has "jantje.jansen@gemeente.example" "person E42 also finds the e-mail (calendar rows)"
run --db s.db person E42 --json
expect_status 0 "person --json exits 0"
keys=$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["keys"]), d["rows"] > 0)' <"$T/.out")
# keys: the ID asked, and the org row's e-mail and name (its id is the same E42)
expect_eq "$keys" "3 True" "person --json: three keys (id, e-mail, name) and some rows"

run --db s.db person nobody@nowhere.example
expect_status 0 "person with nothing stored exits 0"
expect_out_has "Nothing stored" "and says so"

if grep -qa "Jantje" s.db s.db-wal 2>/dev/null; then ok "before forgetting, the name is in the store's bytes (the check below can fail)"; else not_ok "before forgetting, the name is in the store's bytes"; fi

run --db s.db forget E42
expect_status 0 "forget E42 exits 0"
expect_out_has "Forgot 'E42'" "forget reports what it did"
for needle in Jantje Jansen jantje.jansen E42; do
	if grep -qai "$needle" s.db s.db-wal s.db-shm 2>/dev/null; then
		not_ok "after forget, '$needle' is nowhere in the store's bytes" "$(grep -ai -o ".\{0,20\}$needle.\{0,20\}" s.db s.db-wal | head -3)"
	else
		ok "after forget, '$needle' is nowhere in the store's bytes"
	fi
done
run --db s.db person E42
expect_out_has "Nothing stored" "person E42 finds nothing afterwards"

# the others are untouched and the structure keeps its shape: still 4 people in 3 layers
run --db s.db layers --json
got=$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["people"], d["layers"], d["orphans"])' <"$T/.out")
expect_eq "$got" "4 3 0" "layers after forget: 4 people, 3 layers, no orphans (Cor still reports to the forgotten post)"
run --db s.db person bram@gemeente.example
expect_out_has "Bram Bakker" "another person is still there"

run --db s.db forget
expect_status 64 "forget without an ID is a usage error"
run --db missing.db forget E1
expect_status 66 "forget on a missing store: 66"

# --pseudonymise: the same key for org chart and case log keeps the joins (escalations need the
# chart), while no name, e-mail or id is stored. Z1 goes E44 -> E42 -> E1: two handovers, both
# up the line (E42 manages E44, E1 manages E42); Z2 stays with E43.
export MAATLAT_KEY="a key of at least sixteen bytes"
run --db p.db import org --pseudonymise "$D/org.csv"
expect_status 0 "org imports with --pseudonymise"
run --db p.db import cases --pseudonymise "$D/cases.csv"
expect_status 0 "cases import with --pseudonymise"
run --db p.db import calendar --pseudonymise "$D/calendar.ics"
expect_status 0 "calendar import with --pseudonymise"
# the 1-hour meeting of Jantje (0.8 FTE, unit Beleid) and Bram: matched to the pseudonymised
# chart, Jantje's cap is 12 x 0.8 = 9.6 h
run --db p.db meetings --json --per-person --min-group 1
got=$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(sorted((r["cap"], r["hours"]) for r in d["rows"]))' <"$T/.out")
expect_eq "$got" "[(9.6, 1.0), (12.0, 1.0)]" "pseudonymised calendar still finds FTE in the pseudonymised chart"
run --db p.db handovers --json
got=$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["handovers"], d["escalations"]["up"], d["escalations"]["unknown"])' <"$T/.out")
expect_eq "$got" "2 2 0" "pseudonymised: 2 handovers, both up the line, none unknown (the join works)"
for needle in Jantje Anna E42 E44 jantje bram gemeente.example; do
	if grep -qa "$needle" p.db p.db-wal 2>/dev/null; then
		not_ok "pseudonymised store holds no '$needle'"
	else
		ok "pseudonymised store holds no '$needle'"
	fi
done
run --db p.db sources --json
expect_out_has "pseudonymised" "sources records that the imports were pseudonymised"
# subject access on a pseudonymised store: give the ID and the key, maatlat hashes it
run --db p.db person --pseudonymise E42
expect_status 0 "person --pseudonymise E42 exits 0"
expect_out_has "Beleidsmedewerker" "and finds E42's org row by its pseudonym"
run --db p.db forget --pseudonymise E42
expect_status 0 "forget --pseudonymise E42 exits 0"
run --db p.db person --pseudonymise E42
expect_out_has "Nothing stored" "afterwards nothing is stored under E42's pseudonym"
unset MAATLAT_KEY
run --db q.db import cases --pseudonymise "$D/cases.csv"
expect_status 64 "--pseudonymise without a key is a usage error"
expect_err_has "MAATLAT_KEY" "and names where the key comes from"

# --- one person, and only them: a job share and a shared name (issue 12 item 3) ---------------
# By hand: P1 is one post shared by Ann and Bea (same id, same manager: a job share); two
# different people are called Kees Vos; Cees is found in the case log by his unique name.
printf 'id,manager,name,unit,email\nB1,,Baas Boven,Directie,baas@x.nl\nP1,B1,Ann Deel,Beleid,ann@x.nl\nP1,B1,Bea Deel,Beleid,bea@x.nl\nC1,P1,Cees Onder,Beleid,cees@x.nl\nG1,B1,Kees Vos,Beleid,kees1@x.nl\nG2,B1,Kees Vos,Beleid,kees2@x.nl\n' >js.csv
printf 'case_id,activity,timestamp,resource\nZ1,a,2025-01-01T09:00:00Z,ann@x.nl\nZ1,b,2025-01-01T10:00:00Z,bea@x.nl\nZ1,c,2025-01-01T11:00:00Z,P1\nZ1,d,2025-01-01T12:00:00Z,Cees Onder\n' >js_cases.csv
run --db js.db import org js.csv
run --db js.db import cases js_cases.csv
expect_status 0 "the job-share chart and its case log import"
run --db js.db person P1
expect_status 64 "person P1: a post two people share is refused (64)"
expect_err_has "P1 (ann@x.nl), P1 (bea@x.nl)" "and both sharers are listed"
run --db js.db person "kees vos"
expect_status 64 "person 'kees vos': a name two people have is refused"
expect_err_has "G1 (kees1@x.nl), G2 (kees2@x.nl)" "and both are listed"
run --db js.db person ann@x.nl --json
expect_status 0 "person ann@x.nl"
py() { /usr/bin/python3 -c "import json; d=json.load(open('$T/.out')); print($1)"; }
expect_eq "$(py "[r['name'] for r in d['tables']['org_rows']], [r['resource'] for r in d['tables']['case_events']], 'p1' in d['keys']")" "['Ann Deel'] ['ann@x.nl'] False" "Ann: her row, her one event (not Bea's, not the post's P1), and the shared post id is no key"
run --db js.db person "Cees Onder" --json
expect_eq "$(py "d['id'], d['counts']['case_events']")" "C1 1" "Cees by his unique name: C1, the event with 'Cees Onder' as resource"
run --db js.db forget ann@x.nl
expect_status 0 "forget ann@x.nl"
got=$(sqlite3 js.db "SELECT group_concat(id || ':' || name || ':' || email, ' ') FROM (SELECT * FROM org_rows WHERE id = 'P1' ORDER BY line)")
case $got in "P1:forgotten-"*":forgotten-"*" P1:Bea Deel:bea@x.nl") ok "Ann's row keeps the post id P1 (shared), loses name and e-mail; Bea's row is untouched" ;; *) not_ok "Ann's row keeps the post id P1, loses name and e-mail; Bea's row is untouched" "$got" ;; esac
expect_eq "$(sqlite3 js.db "SELECT manager FROM org_rows WHERE id = 'C1'")" "P1" "Cees still reports to the post P1"
expect_eq "$(sqlite3 js.db "SELECT group_concat(name, ' ') FROM (SELECT name FROM case_names WHERE kind = 'resource' AND name NOT LIKE 'forgotten-%' ORDER BY name)")" "Cees Onder P1 bea@x.nl" "the case log keeps Bea's, the post's and Cees's resources; only Ann's became the token"

done_testing
