#!/bin/sh
# Calendars from the command line: import calendar + meetings. Expected figures come from
# hand-computed fixtures (*.expected.tsv, each line explained in its header) and, for the real
# corpus files, from an independent reference script (tests/tools/ics_person_weeks.py:
# /usr/bin/python3 with icalendar + recurring_ical_events, no maatlat code).
. "$TAP_LIB"

C="$MAAT_CORPUS/calendars"
D="$MAAT_TESTDATA/calendar"
B="$MAAT_TESTDATA/bad"
TOOLS="$MAAT_SRCDIR/tests/tools"
PY=/usr/bin/python3
have_peer=0
if [ -x "$PY" ] && "$PY" -c "import recurring_ical_events, icalendar" 2>/dev/null; then have_peer=1; fi

rows() { "$PY" "$TOOLS/json_rows.py" <"$T/.out"; }

# --- the hand-computed fixture of the shared corpus -------------------------------------------
# synthetic__partstat_overlap_week_boundary.expected.tsv was computed by hand with --tz UTC,
# --min-participants 1 and no length cap, window 2024-03-01..2024-04-30 (its header says so).
run --db fx.db import calendar --tz UTC --from 2024-03-01 --to 2024-04-30 \
	"$C/synthetic__partstat_overlap_week_boundary.ics"
expect_status 0 "import the synthetic PARTSTAT/overlap/week-boundary fixture"
expect_err_empty "libical prints nothing on stderr"
run --db fx.db meetings --per-person --min-group 1 --tz UTC --min-participants 1 --max-meeting-hours 0 \
	--from 2024-03-01 --to 2024-04-30 --json
expect_status 0 "meetings --json on the fixture"
grep -v '^#' "$C/synthetic__partstat_overlap_week_boundary.expected.tsv" | tail -n +2 |
	cut -f1-4 >want.tsv
rows >got.tsv
if diff want.tsv got.tsv >diff.txt; then ok "person-week hours and booked equal the hand-computed answer"
else not_ok "person-week hours and booked equal the hand-computed answer" "$(cat diff.txt)"; fi
for k in '"cap_hours"' '"timezone": "UTC"' '"from": "2024-03-01"' '"to": "2024-04-30"' \
	'"persons": 6' '"person_weeks": 16' '"over_cap_person_weeks": 0' '"people_over_cap": 0' \
	'"week": "2024-W12"' '"over_cap": false' '"cap": 12'; do
	expect_out_has "$k" "JSON has $k"
done

# --exclude-tentative: carol is TENTATIVE on the weekly series (3 weeks) and disappears;
# 16 - 3 = 13 person-weeks. --exclude-no-reply: dave has no PARTSTAT (RFC default NEEDS-ACTION,
# 3 weeks) and erin NEEDS-ACTION (1 week): 16 - 4 = 12.
run --db fx.db meetings --per-person --min-group 1 --tz UTC --min-participants 1 --max-meeting-hours 0 \
	--from 2024-03-01 --to 2024-04-30 --json --exclude-tentative
expect_out_has '"person_weeks": 13' "--exclude-tentative drops carol's 3 weeks"
run --db fx.db meetings --per-person --min-group 1 --tz UTC --min-participants 1 --max-meeting-hours 0 \
	--from 2024-03-01 --to 2024-04-30 --json --exclude-no-reply
expect_out_has '"person_weeks": 12' "--exclude-no-reply drops dave's 3 and erin's 1 week"
# --min-participants 2 (default): the owner's solo appointment (1.5 h, W12) and alice's
# midnight meeting (alone, 1 h in W12 and 1 h in W13) stop counting: owner W12 3.0 -> 1.5,
# alice W12 2.5 -> 1.5, W13 2.5 -> 1.5.
run --db fx.db meetings --per-person --min-group 1 --tz UTC --max-meeting-hours 0 --from 2024-03-01 --to 2024-04-30 --json
rows >got2.tsv
expect_eq "$(grep -c . got2.tsv)" "16" "with 2 participants the same 16 person-weeks remain"
expect_eq "$(grep 'owner@example.org	2024-W12' got2.tsv | cut -f3)" "1.5000" "owner W12 without the solo appointment: 1.5 h"
expect_eq "$(grep 'alice@example.org	2024-W13' got2.tsv | cut -f3)" "1.5000" "alice W13 without the solo midnight meeting: 1.5 h"
# --cap 2.5: over the cap are owner W12 (3.0) only (alice 2.5 is not over: hours > cap).
run --db fx.db meetings --per-person --min-group 1 --tz UTC --min-participants 1 --max-meeting-hours 0 \
	--from 2024-03-01 --to 2024-04-30 --json --cap 2.5
expect_out_has '"over_cap_person_weeks": 1' "--cap 2.5: one person-week over the cap"
expect_out_has '"people_over_cap": 1' "--cap 2.5: one person over the cap"
# --max-meeting-hours 1: the 1.5 h moved instance (W13) and the owner's 1.5 h appointment go;
# bob had only the moved instance, so bob disappears.
run --db fx.db meetings --per-person --min-group 1 --tz UTC --min-participants 1 --max-meeting-hours 1 \
	--from 2024-03-01 --to 2024-04-30 --json
if grep -q '"person": "bob@example.org"' "$T/.out"; then not_ok "--max-meeting-hours 1 drops bob's only (1.5 h) meeting"; else ok "--max-meeting-hours 1 drops bob's only (1.5 h) meeting"; fi
run --db fx.db meetings --per-person --min-group 1 --tz UTC --min-participants 1 --max-meeting-hours 0 --from 2024-03-01 --to 2024-04-30
expect_status 0 "human tables"
expect_out_has "Meeting hours per person and week" "person-week table printed"
# the weekly series has 4 attending participants (owner, alice, carol tentative, dave; bob
# declined), 3 in the moved instance: under the default --min-group 5 its title is not stored
# (METRICS.md §4) and the series shows as a meeting of round(15 / 4) = 4 people
expect_out_has "(meeting of 4 people)" "the recurring series of 4 people is not named"
expect_out_lacks "Weekly team meeting" "its title is not shown"
if grep -qa "Weekly team" fx.db fx.db-wal 2>/dev/null; then not_ok "the title of a meeting under 5 people is not in the store's bytes"; else ok "the title of a meeting under 5 people is not in the store's bytes"; fi
run --db fx1.db import calendar --min-group 4 --tz UTC --from 2024-03-01 --to 2024-04-30 \
	"$C/synthetic__partstat_overlap_week_boundary.ics"
run --db fx1.db meetings --tz UTC --min-participants 1 --max-meeting-hours 0 --from 2024-03-01 --to 2024-04-30
expect_out_has "Weekly team meeting" "import --min-group 4: the series of 4 keeps its title"

# --- feature fixtures, hand-computed (see features.expected.tsv) ------------------------------
run --db feat.db import calendar --tz UTC "$D/bare_vevent.ics" "$D/features.ics"
expect_status 0 "bare VEVENT file and a file with two VCALENDARs import"
expect_err_empty "no stderr for the feature fixtures"
run --db feat.db meetings --per-person --min-group 1 --tz UTC --from 2025-01-01 --to 2025-01-31 --json
grep -v '^#' "$D/features.expected.tsv" >want.tsv
rows >got.tsv
if diff want.tsv got.tsv >diff.txt; then ok "RDATE PERIOD, THISANDFUTURE, EXDATE, DTEND+DURATION, X-WR-TIMEZONE, Windows TZID, cross-file duplicate"
else not_ok "RDATE PERIOD, THISANDFUTURE, EXDATE, DTEND+DURATION, X-WR-TIMEZONE, Windows TZID, cross-file duplicate" "$(cat diff.txt)"; fi
# a W02 = 5.5 h > cap 5: the only over-cap person-week
run --db feat.db meetings --per-person --min-group 1 --tz UTC --from 2025-01-01 --to 2025-01-31 --json --cap 5
expect_out_has '"over_cap_person_weeks": 1' "a's 5.5 h week is over a 5 h cap"

# the same meeting in two people's exports (same UID and start) counts once: a copy of the
# fixture under another name (a trailing blank line changes its sha256) leaves every figure as is
cp "$C/synthetic__partstat_overlap_week_boundary.ics" copy.ics && echo >>copy.ics
run --db fx.db import calendar --tz UTC --from 2024-03-01 --to 2024-04-30 copy.ics
expect_status 0 "a second export with the same meetings imports"
run --db fx.db meetings --per-person --min-group 1 --tz UTC --min-participants 1 --max-meeting-hours 0 \
	--from 2024-03-01 --to 2024-04-30 --json
rows >got.tsv
grep -v '^#' "$C/synthetic__partstat_overlap_week_boundary.expected.tsv" | tail -n +2 | cut -f1-4 >want.tsv
if diff want.tsv got.tsv >/dev/null; then ok "duplicates across exports count once"; else not_ok "duplicates across exports count once"; fi
run --db fx.db import calendar --tz UTC copy.ics
expect_status 0 "importing the same file again is a note, exit 0"
expect_err_has "already imported" "and says so"

# --- one stored copy per meeting, several exports, --replace --------------------------------------
# Each distinct instance is stored once and every export holding it references it. By hand (UTC):
# a.ics: m1 Mon 2025-03-03 10:00-11:00 SEQUENCE 0 (x, y). b.ics: m1 again but 10:00-12:00
# SEQUENCE 1 (the newer version wins: 2 h), and m2 Tue 10:00-11:00 (x, y).
# x and y, week 2025-W10: 2 + 1 = 3 h. Replacing b.ics by a version holding only m3 (Wed
# 09:00-09:30, x, y) brings a.ics's m1 back: 1 + 0.5 = 1.5 h, and nothing of m2 stays stored.
cal() { # UID DAY START END SEQ
	printf 'BEGIN:VEVENT\r\nUID:%s\r\nSEQUENCE:%s\r\nSUMMARY:%s\r\nDTSTART:202503%sT%s00Z\r\nDTEND:202503%sT%s00Z\r\nORGANIZER:mailto:x@example.org\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:y@example.org\r\nEND:VEVENT\r\n' "$1" "$5" "$1" "$2" "$3" "$2" "$4"
}
{ echo "BEGIN:VCALENDAR"; cal m1 03 1000 1100 0; echo "END:VCALENDAR"; } >a.ics
{ echo "BEGIN:VCALENDAR"; cal m1 03 1000 1200 1; cal m2 04 1000 1100 0; echo "END:VCALENDAR"; } >b.ics
run --db rep.db import calendar --tz UTC a.ics b.ics
expect_status 0 "two exports with a shared meeting import"
run --db rep.db meetings --per-person --min-group 1 --tz UTC --json
expect_eq "$(rows)" "$(printf 'x@example.org\t2025-W10\t3.0000\t3.0000\ny@example.org\t2025-W10\t3.0000\t3.0000')" "the newer SEQUENCE of the shared meeting wins: 2 + 1 h"
expect_out_has '"duplicates_removed": 1' "a.ics's older copy of m1 is the one duplicate"
{ echo "BEGIN:VCALENDAR"; cal m3 05 0900 0930 0; echo "END:VCALENDAR"; } >b.ics
run --db rep.db import calendar --tz UTC --replace b.ics
expect_status 0 "--replace swaps b.ics"
run --db rep.db meetings --per-person --min-group 1 --tz UTC --json
expect_eq "$(rows)" "$(printf 'x@example.org\t2025-W10\t1.5000\t1.5000\ny@example.org\t2025-W10\t1.5000\t1.5000')" "after --replace: a.ics's m1 (1 h) and the new m3 (0.5 h)"
expect_eq "$(sqlite3 rep.db "SELECT group_concat(uid, ' ') FROM (SELECT uid FROM cal_uids ORDER BY uid)")" "m1 m3" "m2 is gone from the store"
expect_eq "$(sqlite3 rep.db "SELECT count(*) FROM cal_instances")" "2" "only a.ics's m1 and m3 stay stored"
expect_eq "$(sqlite3 rep.db "SELECT count(*) FROM cal_partsets")" "1" "one participant list (x, y) stays"
expect_eq "$(sqlite3 rep.db "SELECT count(*) FROM sources")" "2" "two sources"
# --replace deletes, so it keeps the foreign-key checks on (maat_db_fk_pause): ON DELETE CASCADE
# takes the replaced source's export row and messages with it
expect_eq "$(sqlite3 rep.db "SELECT count(*) FROM cal_exports")" "2" "the replaced export's row went with it"
expect_eq "$(sqlite3 rep.db "SELECT count(*) FROM source_messages WHERE source_id NOT IN (SELECT id FROM sources)")" "0" "and its messages"

# --- the org chart: FTE scales the cap, units group the figures ---------------------------------
# org_units.ics, by hand (UTC, week 2025-W02): Mon 09:00-16:00 ann (as ANN@Example.org) + b1 = 7 h;
# Tue 10:00-11:00 boss, b2, b3, b4 and "Ann Half" (CN only, no e-mail) = 1 h.
# Without an org chart "Ann Half" is a person of her own: 7 persons, every cap 12 h.
# org_units.csv: ann is 0.5 FTE in Beleid (cap 0.5 x 12 = 6 h), b1-b4 1.0 FTE in Beleid, boss
# 1.0 FTE alone in Directie. With it, "Ann Half" matches ann by name: ann has 7 + 1 = 8 h > 6 h
# (over the cap; with FTE 1.0 she would not be); 6 persons. Units (--min-group 5, the default):
# Beleid has 5 persons, 5 person-weeks, 1 over the cap (share 0.2), mean (8+7+1+1+1)/5 = 3.6 h;
# Directie (1 person) is suppressed. With --min-group 1 Directie shows: 1 person, mean 1.0 h.
jq_py() { "$PY" -c "import json,sys; d=json.load(open('$T/.out')); print($1)"; }
run --db org.db import calendar --tz UTC "$D/org_units.ics"
run --db org.db meetings --per-person --tz UTC --json
expect_eq "$(jq_py "d['persons'], sorted(set(r['cap'] for r in d['rows']))")" "7 [12.0]" "without an org chart: 7 keys are 7 persons, every cap 12 h"
run --db org.db import org "$D/org_units.csv"
expect_status 0 "the org chart imports"
run --db org.db meetings --per-person --tz UTC --json
expect_status 0 "meetings with the org chart"
expect_eq "$(jq_py "d['persons'], d['person_weeks'], d['over_cap_person_weeks'], d['people_over_cap']")" "6 6 1 1" "6 persons ('Ann Half' is ann), 1 person-week over the cap"
expect_eq "$(jq_py "[(r['hours'], r['cap'], r['over_cap'], r['unit']) for r in d['rows'] if r['person'] == 'ann@example.org']")" "[(8.0, 6.0, True, 'Beleid')]" "ann: 8 h against a 0.5 FTE cap of 6 h, over it, unit Beleid"
expect_eq "$(jq_py "[(r['person'], r['cap'], r['unit']) for r in d['rows'] if r['person'] != 'ann@example.org']")" "[('b1@example.org', 12.0, 'Beleid'), ('b2@example.org', 12.0, 'Beleid'), ('b3@example.org', 12.0, 'Beleid'), ('b4@example.org', 12.0, 'Beleid')]" "full-time people keep 12 h; units from the chart; boss (Directie, 1 person < --min-group 5) has no row"
expect_eq "$(jq_py "[(u['unit'], u['persons'], u['person_weeks'], u['over_cap_person_weeks'], u['over_cap_share'], u['mean_hours']) for u in d['units']], d['units_suppressed']")" "[('Beleid', 5, 5, 1, 0.2, 3.6)] 1" "Beleid shown (5 people), Directie (1 person) suppressed under --min-group 5"
run --db org.db meetings --per-person --tz UTC --json --min-group 1
expect_eq "$(jq_py "[(u['unit'], u['persons'], u['mean_hours']) for u in d['units']], d['units_suppressed']")" "[('Beleid', 5, 3.6), ('Directie', 1, 1.0)] 0" "--min-group 1 shows Directie too"
expect_eq "$(jq_py "[(r['person'], r['unit']) for r in d['rows'] if r['unit'] == 'Directie']")" "[('boss@example.org', 'Directie')]" "--per-person --min-group 1: boss's row too"
# without --per-person: figures per unit, no person at all (METRICS.md §4)
run --db org.db meetings --tz UTC --json
expect_eq "$(jq_py "len(d['rows']), d['per_person'], [u['unit'] for u in d['units']]")" "0 False ['Beleid']" "without --per-person: no rows per person, units only"
run --db org.db meetings --tz UTC
expect_out_lacks "example.org" "the text output without --per-person names nobody"
run --db org.db meetings --tz UTC
expect_out_has "1 units with fewer than 5 people not shown." "the text output says a unit was suppressed"
expect_out_has "FTE and units from the org chart" "the settings name the org chart"

# --- Outlook CSV (Dutch headers) ------------------------------------------------------------------
# outlook_nl.csv, by hand (Europe/Amsterdam): W10 Teamoverleg 10-11 (Anna, Bas, Carla optional)
# and Bila 10:30-11:30 (Anna, Bas): Anna and Bas 1.5 h union, 2.0 booked, Carla 1.0;
# W11 Teamoverleg again (Anna, Bas) 1.0; the all-day row and the "Weergeven als 0" (free) row
# are skipped; 31-2-2024 is rejected with a logged message.
run --db ol.db import calendar "$D/outlook_nl.csv"
if grep -q "later build" "$T/.err"; then
	for i in 1 2 3 4; do ok "# SKIP the shared CSV reader has not landed in this build"; done
else
	expect_status 0 "Outlook CSV with Dutch headers imports"
	expect_eq "$(sqlite3 ol.db 'SELECT rows_read || "/" || rows_rejected FROM sources')" "6/1" "6 rows read, the impossible date rejected"
	run --db ol.db meetings --per-person --min-group 1 --json --from 2024-03-04 --to 2024-03-17
	rows >got.tsv
	printf 'Anna de Vries\t2024-W10\t1.5000\t2.0000\nAnna de Vries\t2024-W11\t1.0000\t1.0000\nBas Jansen\t2024-W10\t1.5000\t2.0000\nBas Jansen\t2024-W11\t1.0000\t1.0000\nCarla Smit\t2024-W10\t1.0000\t1.0000\n' >want.tsv
	if diff want.tsv got.tsv >diff.txt; then ok "Outlook person-weeks equal the hand count"; else not_ok "Outlook person-weeks equal the hand count" "$(cat diff.txt)"; fi
	expect_out_has '"series": [' "series listed"
fi

# --- the default window ends at the export (issue 11 item 2) ----------------------------------
# open_series.ics: an open weekly series, Mondays 10-11 UTC from 5 Feb 2024 (a, b), exported
# on Thursday 14 March 2024 12:00 UTC (newest DTSTAMP), and a single meeting planned for 2 April.
# Default window: the Monday of the first week (5 Feb) to the end of the last full ISO week
# before the export (Sunday 10 March): W06..W10, 5 weeks x 2 people = 10 person-weeks of 1 h;
# nothing of W11 (the export's own week) or later.
run --db win.db import calendar --tz UTC "$D/open_series.ics"
expect_status 0 "import an open series with a DTSTAMP"
run --db win.db meetings --per-person --min-group 1 --tz UTC --json
expect_eq "$(jq_py "d['from'], d['to'], d['person_weeks'], sorted(set(r['week'] for r in d['rows']))")" "2024-02-05 2024-03-10 10 ['2024-W06', '2024-W07', '2024-W08', '2024-W09', '2024-W10']" "default window W06..W10: no week after the export"
expect_eq "$(jq_py "d['window']['origin'], d['window']['export_time'], d['window']['export_time_from']")" "export 2024-03-14T12:00:00Z dtstamp" "JSON says where the window came from"
run --db win.db meetings --per-person --min-group 1 --tz UTC
expect_out_has "Window: 2024-02-05 .. 2024-03-10 (default: from the first meeting's week to the last full week before the export, 2024-03-14 12:00 UTC, the newest DTSTAMP" "the text output names the window and its origin"
# an explicit --to beyond the import's expansion (which stopped at Monday 11 March 00:00) warns
run --db win.db meetings --per-person --min-group 1 --tz UTC --from 2024-02-05 --to 2024-04-07 --json
expect_err_has "was expanded in at import" "meetings warns when its window reaches beyond the expansion"
expect_eq "$(jq_py "d['window']['origin'], d['window']['beyond_expansion']['expanded_to']")" "explicit 2024-03-11T00:00:00Z" "JSON names the expansion bound"
# imported with --to, the planned weeks are there and an explicit window counts them: 5 Feb ..
# 7 April = W06..W14, 9 Mondays, plus the single meeting of 2 April (W14): a and b 9 weeks each,
# W14 2 h each.
run --db win2.db import calendar --tz UTC --to 2024-04-07 "$D/open_series.ics"
run --db win2.db meetings --per-person --min-group 1 --tz UTC --from 2024-02-05 --to 2024-04-07 --json
expect_err_empty "no warning when the expansion covers the window"
expect_eq "$(jq_py "d['person_weeks'], [r['hours'] for r in d['rows'] if r['person'] == 'a@example.org' and r['week'] == '2024-W14']")" "18 [2.0]" "explicit --to: 18 person-weeks, W14 2 h"
run --db win2.db meetings --per-person --min-group 1 --tz UTC --json
expect_eq "$(jq_py "d['to'], d['person_weeks']")" "2024-03-10 10" "without --to meetings still stops before the export"

# --- versions across exports (issue 17 item 8) --------------------------------------------------
# One weekly series s1 (Mondays 4, 11, 18 March 10-11 UTC; a organizes, b and c invited) in
# three mailboxes' exports:
#   y_old: b's export of 5 March, SEQUENCE 0: all three Mondays, c NEEDS-ACTION;
#   x_organizer: a's export of 25 March, SEQUENCE 1: 18 March removed (EXDATE), 11 March moved
#     to Tuesday 12 March 14-15 (RECURRENCE-ID), c NEEDS-ACTION;
#   z_declined: c's export of 26 March, SEQUENCE 1, the same changes, c DECLINED.
# x + y: x's SEQUENCE 1 wins per series and instance: 4 March and 12 March for a, b, c
#   (W10 and W11, 1 h each): 6 person-weeks, 2 meetings; y's 11 and 18 March are replaced (3
#   copies superseded: 4, 11 and 18 March).
# x + y + z: z is the newest version (same SEQUENCE, newer DTSTAMP): c declined: a, b only:
#   4 person-weeks, 2 meetings. Every import order gives the same figures.
V="$D/versions"
versions() { # files... -> "person_weeks meetings superseded rows"
	db="v$(echo "$*" | tr -c 'a-z' '_').db"
	for f in "$@"; do
		"$MAATLAT" --db "$db" import calendar --tz UTC --from 2024-03-01 --to 2024-03-31 "$V/$f.ics" >/dev/null 2>&1
	done
	"$MAATLAT" --db "$db" meetings --per-person --min-group 1 --tz UTC --from 2024-03-01 --to 2024-03-31 --json >"$T/.out"
	jq_py "d['person_weeks'], d['meetings'], d['superseded'], ' '.join(r['person'][0] + r['week'][-2:] + '=' + str(r['hours']) for r in d['rows'])"
}
two="6 2 3 a10=1.0 a11=1.0 b10=1.0 b11=1.0 c10=1.0 c11=1.0"
expect_eq "$(versions x_organizer y_old)" "$two" "x then y: the moved and removed instances of the newer export win"
expect_eq "$(versions y_old x_organizer)" "$two" "y then x: the same figures"
three="4 2 6 a10=1.0 a11=1.0 b10=1.0 b11=1.0"
for order in "x_organizer y_old z_declined" "x_organizer z_declined y_old" "y_old x_organizer z_declined" \
	"y_old z_declined x_organizer" "z_declined x_organizer y_old" "z_declined y_old x_organizer"; do
	# shellcheck disable=SC2086
	expect_eq "$(versions $order)" "$three" "$order: c's newest version (declined) counts, in any order"
done

# --- Outlook CSV: date order, encoding, headers (issue 17 item 9) --------------------------------
# outlook_us.csv (English headers, M/D/Y, AM/PM): 3/14/2024 has a day above 12 in second place:
# month first. Standup Mon 4 March 9:00-9:30 (Ann, Bob): W10 0.5 h; Review Thu 14 March 13-15
# (Ann, Bob, Cees): W11 2.0 h.
odates() { "$PY" -c "import json,sys; d=json.load(open('$T/.out')); print(' '.join(r['person'] + '/' + r['week'][-2:] + '=' + str(r['hours']) for r in d['rows']))"; }
run --db us.db import calendar --tz UTC "$D/outlook_us.csv"
expect_status 0 "US Outlook CSV imports (month first detected)"
run --db us.db meetings --per-person --min-group 1 --tz UTC --from 2024-03-01 --to 2024-03-31 --json
expect_eq "$(odates)" "Ann/10=0.5 Ann/11=2.0 Bob/10=0.5 Bob/11=2.0 Cees/11=2.0" "3/14/2024 read as 14 March, 3/4 as 4 March"
# outlook_ambiguous_dates.csv: 3/4/2024 and 5/6/2024, 24-hour times, English headers: refused
# with the advice; --date-order mdy gives 4 March (W10) and 6 May (W19), dmy 3 April (W14) and
# 5 June (W23).
run --db amb.db import calendar --tz UTC "$B/outlook_ambiguous_dates.csv"
expect_status 65 "an ambiguous date order is refused"
expect_err_has "--date-order" "the refusal names --date-order"
run --db amb1.db import calendar --tz UTC --date-order mdy "$B/outlook_ambiguous_dates.csv"
run --db amb1.db meetings --per-person --min-group 1 --tz UTC --from 2024-01-01 --to 2024-12-31 --json
expect_eq "$(odates)" "Ann/10=0.5 Ann/19=2.0 Bob/10=0.5 Bob/19=2.0 Cees/19=2.0" "--date-order mdy: 4 March and 6 May"
run --db amb2.db import calendar --tz UTC --date-order dmy "$B/outlook_ambiguous_dates.csv"
run --db amb2.db meetings --per-person --min-group 1 --tz UTC --from 2024-01-01 --to 2024-12-31 --json
expect_eq "$(odates)" "Ann/14=0.5 Ann/23=2.0 Bob/14=0.5 Bob/23=2.0 Cees/23=2.0" "--date-order dmy: 3 April and 5 June"
run --db amb3.db import calendar --date-order xyz "$B/outlook_ambiguous_dates.csv"
expect_status 64 "--date-order xyz is a usage error"
# outlook_nl_cp1252.csv: the headers of a real Dutch Outlook export ("Gebeurtenis, duurt hele
# dag", "Vereiste genodigden", "Tijd weergeven als"), saved in windows-1252: refused as UTF-8,
# read with --encoding. Tue 5 March 14:00-15:30 (Anna, Bas, Carla): W10 1.5 h each; the second
# row shows its time as free (0) and does not count.
run --db nl.db import calendar --tz UTC "$D/outlook_nl_cp1252.csv"
expect_status 65 "windows-1252 without --encoding is refused"
run --db nl.db import calendar --tz UTC --min-group 1 --encoding windows-1252 "$D/outlook_nl_cp1252.csv"
expect_status 0 "--encoding windows-1252 works for calendar imports"
run --db nl.db meetings --per-person --min-group 1 --tz UTC --from 2024-03-01 --to 2024-03-31 --json
expect_eq "$(odates)" "Anna de Vries/10=1.5 Bas Jansen/10=1.5 Carla Smit/10=1.5" "real Dutch headers: 1.5 h each in W10"
expect_eq "$(sqlite3 nl.db "SELECT summary FROM cal_uids WHERE summary LIKE 'Overleg%'")" "Overleg café" "the title is converted to UTF-8"
# no organizer and attendee columns: a warning that no meeting can be counted
run --db na.db import calendar --tz UTC "$D/outlook_no_attendees.csv"
expect_status 0 "a file without attendee columns imports"
expect_err_has "no organizer or attendee columns" "and warns that no meeting can be counted"

# --- joins with the org chart (issue 18 items 2, 3, 5) -------------------------------------------
# org_join.csv: two people named "Bert Mid" (ids 2 and 3), a job share of post 4 (Deel Een and
# Deel Twee, 0.5 FTE each, their own e-mails), Nul Fte with FTE 0. org_join.ics, W10 of 2024:
#   m1 Mon 09-11 boss + CN "Bert Mid" (no e-mail): the name is shared, joins nobody: "Bert Mid"
#      stays unknown (cap 12), 2 h;
#   m2 Tue 09-16 deel1 + deel2: 7 h each against their own caps 12 x 0.5 = 6 h: both over;
#   m3 Wed 09-10 boss + nul + x@elsewhere.org: nul's cap is 0: over; x is not in the chart.
# boss 2 + 1 = 3 h (cap 12). Over the cap: deel1, deel2, nul = 3 person-weeks.
# Participants: boss, "Bert Mid", deel1, deel2, nul, x = 6; matched 4 (not Bert Mid, not x).
run --db join.db import org "$D/org_join.csv"
run --db join.db import calendar --tz UTC "$D/org_join.ics"
run --db join.db meetings --per-person --min-group 1 --tz UTC --json
expect_eq "$(jq_py "sorted((r['person'], r['hours'], r['cap'], r['over_cap']) for r in d['rows'])")" "[('Bert Mid', 2.0, 12.0, False), ('boss@example.org', 3.0, 12.0, False), ('deel1@example.org', 7.0, 6.0, True), ('deel2@example.org', 7.0, 6.0, True), ('nul@example.org', 1.0, 0.0, True), ('x@elsewhere.org', 1.0, 12.0, False)]" "shared name joins nobody; job sharers keep their own FTE; FTE 0 gives cap 0"
expect_eq "$(jq_py "d['over_cap_person_weeks'], d['org_join']['participants'], d['org_join']['matched'], d['org_join']['ambiguous'], d['org_join']['ambiguous_keys'], d['org_join']['fte_zero']")" "3 6 4 1 ['Bert Mid'] 1" "the join is counted: 4 of 6 matched, 1 ambiguous, 1 FTE 0"
expect_err_has "shared by several people" "the ambiguous name is warned"
expect_err_has "FTE 0" "FTE 0 is flagged"
run --db join.db meetings --per-person --min-group 1 --tz UTC
expect_out_has "4 of 6 participants found in it" "the text output says how many participants matched"
# a calendar of strangers: 0 of 2 matched, below half: warned with likely causes
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:s@example.org\r\nDTSTAMP:20240315T000000Z\r\nDTSTART:20240304T090000Z\r\nDTEND:20240304T100000Z\r\nORGANIZER:mailto:a@elsewhere.org\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:b@elsewhere.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >strangers.ics
run --db str.db import org "$D/org_join.csv"
run --db str.db import calendar --tz UTC strangers.ics
run --db str.db meetings --per-person --min-group 1 --tz UTC --json
expect_err_has "only 0 of 2 participants found in the org chart" "below half matched is warned"
expect_err_has "pseudonymised on one side" "naming likely causes"
run --db asof.db import org --as-of 2024-01-31 "$D/org_join.csv"
run --db asof.db import calendar --tz UTC "$D/org_join.ics"
run --db asof.db meetings --per-person --min-group 1 --tz UTC --as-of 1990-01-01
expect_status 64 "--as-of before every snapshot is a usage error"
run --db asof.db meetings --per-person --min-group 1 --tz UTC --as-of 2024-03-31 --json
expect_eq "$(jq_py "d['org_join']['snapshot'], d['org_join']['matched']")" "2024-01-31 4" "--as-of picks the snapshot on or before it and the output names it"

# --- each meeting week meets the org snapshot in force on its date (issue 18 item 1) ----------
# org_snap_2024a.csv (as of 2024-01-31): ann 0.5 FTE in Beleid; org_snap_2024b.csv (as of
# 2024-03-11): ann 1.0 FTE in Uitvoering. ann meets boss 7 h on Tue 5 March (W10, Monday 4 March:
# the January snapshot is in force: cap 6, over) and 7 h on Tue 12 March (W11, Monday 11 March:
# the March snapshot: cap 12, not over). --as-of 2024-03-31 pins March (no week over),
# --as-of 2024-02-15 pins January (both weeks over: 7 > 6).
run --db snap.db import org --as-of 2024-01-31 "$D/org_snap_2024a.csv"
run --db snap.db import org --as-of 2024-03-11 "$D/org_snap_2024b.csv"
run --db snap.db import calendar --tz UTC "$D/org_snap.ics"
run --db snap.db meetings --per-person --min-group 1 --tz UTC --json
expect_eq "$(jq_py "d['over_cap_person_weeks'], [(r['week'], r['cap'], r['unit'], r['snapshot']) for r in d['rows'] if r['person'] == 'ann@example.org']")" "1 [('2024-W10', 6.0, 'Beleid', '2024-01-31'), ('2024-W11', 12.0, 'Uitvoering', '2024-03-11')]" "each week takes FTE and unit from the snapshot in force on its Monday"
expect_eq "$(jq_py "[(x['date'], x['person_weeks']) for x in d['org_join']['snapshots']]")" "[('2024-01-31', 2), ('2024-03-11', 2)]" "the output names the snapshots used"
run --db snap.db meetings --per-person --min-group 1 --tz UTC --json --as-of 2024-03-31
expect_eq "$(jq_py "d['over_cap_person_weeks'], d['org_join']['snapshot']")" "0 2024-03-11" "--as-of 2024-03-31 pins the March snapshot"
run --db snap.db meetings --per-person --min-group 1 --tz UTC --json --as-of 2024-02-15
expect_eq "$(jq_py "d['over_cap_person_weeks'], d['org_join']['snapshot']")" "2 2024-01-31" "--as-of 2024-02-15 pins the January snapshot"

# --- bounds ------------------------------------------------------------------------------------
# FREQ=SECONDLY without end: 100,000 instances (the per-series limit), logged; the open weekly
# series with --to 2027-01-06: 6 Jan 2025 .. 4 Jan 2027 = 728 days = 104 weeks: 105 Mondays.
run --db sec.db import calendar --to 2027-01-06 "$D/secondly.ics"
expect_status 0 "FREQ=SECONDLY without end finishes (bounded)"
expect_eq "$(sqlite3 sec.db 'SELECT count(*) FROM cal_instances')" "100105" "100000 + 105 weekly instances stored"
expect_eq "$(sqlite3 sec.db "SELECT count(*) FROM source_messages WHERE message LIKE '%per-series limit%'")" "1" "hitting the instance limit is logged"
# Without --to both series start after the export (DTSTAMP 2025-01-01): planned, not held, so
# nothing is expanded and the import says why.
run --db sec3.db import calendar "$D/secondly.ics"
expect_eq "$(sqlite3 sec3.db 'SELECT count(*) FROM cal_instances')" "0" "series after the export are not expanded without --to"
expect_eq "$(sqlite3 sec3.db "SELECT count(*) FROM source_messages WHERE message LIKE '%later weeks only with --to%'")" "1" "the export bound is logged"
run --db sec2.db import calendar --instance-limit 10 --from 2025-01-06 --to 2025-01-06 "$D/secondly.ics"
expect_eq "$(sqlite3 sec2.db "SELECT count(*) FROM cal_instances i JOIN cal_uids u ON u.id = i.uid_id WHERE u.uid = 'secondly@example.org'")" "10" "--instance-limit 10 keeps 10"

# --- bad input ---------------------------------------------------------------------------------
run --db bad.db import calendar "$B/ics_not_a_calendar.ics"
expect_status 65 "not a calendar: bad data (65)"
expect_err_has "ics_not_a_calendar.ics:1:" "message names FILE:LINE"
expect_eq "$(sqlite3 bad.db 'SELECT count(*) FROM sources')" "0" "the store is unchanged"
run --db bad.db import calendar "$B/ics_binary.ics"
expect_status 65 "binary junk: bad data (65)"
run --db bad.db import calendar missing.ics
expect_status 66 "a missing file: 66"
for f in ics_truncated ics_no_dtstart ics_bad_rrule ics_freq_secondly ics_huge_count ics_year0 \
	ics_year9999 ics_negative_duration ics_unknown_tzid; do
	run --db bad.db import calendar "$B/$f.ics"
	expect_status 0 "$f: imported with a logged skip"
	expect_err_only_maatlat "$f: libical prints nothing of its own; the skip is maatlat's message"
done
expect_eq "$(sqlite3 bad.db "SELECT count(*) > 0 FROM source_messages WHERE severity = 'warning'")" "1" "the skips are logged as warnings"

# --- usage ---------------------------------------------------------------------------------------
run meetings --help
expect_status 0 "meetings --help"
expect_out_has "--exclude-no-reply" "help lists the options"
run --db fx.db meetings --bogus
expect_status 64 "unknown option: 64"
run --db fx.db meetings --tz Mars/Olympus
expect_status 64 "unknown zone: 64"
run --db fx.db meetings --from 2024-01-01
expect_status 64 "--from without --to: 64"
run import calendar
expect_status 64 "import calendar without a file: 64"

# --- corpus files against the independent reference ---------------------------------------------
# Counted with --min-participants 1 --max-meeting-hours 0 (most corpus events have one attendee)
# and an owner for events without attendees. nodeical__ms_timezones.ics (malformed quoted TZID)
# and libical__2446.ics (iTIP PERIOD lists) make the reference's parser raise, so they are
# checked only for a clean import.
peer() { # FILE FROM TO
	rm -f peer.db
	"$MAATLAT" --db peer.db import calendar --owner me@example.org --from "$2" --to "$3" "$C/$1" >/dev/null 2>peer.err
	"$MAATLAT" --db peer.db meetings --per-person --min-group 1 --from "$2" --to "$3" --min-participants 1 \
		--max-meeting-hours 0 --json >"$T/.out"
	rows >got.tsv
	"$PY" "$TOOLS/ics_person_weeks.py" --from "$2" --to "$3" --min-participants 1 --max-hours 0 \
		--owner me@example.org "$C/$1" >want.tsv
	if [ -s want.tsv ] && diff want.tsv got.tsv >diff.txt; then ok "$1: $(wc -l <want.tsv) person-weeks equal the reference"
	else not_ok "$1: equals the reference" "$(head -20 diff.txt)"; fi
}
if [ "$have_peer" = 1 ]; then
	peer rie__daylight_saving_time.ics 2018-01-01 2020-12-31
	peer rie__recurring_events_moved.ics 2019-01-01 2019-12-31
	peer nodeical__biweekly-exdate-until.ics 2015-01-01 2020-12-31
	peer ical__office_360_nz_tz.ics 2025-01-01 2026-12-31
	peer synthetic__partstat_overlap_week_boundary.ics 2024-03-01 2024-04-30
else
	for i in 1 2 3 4 5; do ok "# SKIP recurring_ical_events not available"; done
fi
for f in nodeical__ms_timezones.ics libical__2446.ics nodeical__exchange_whole_day_moved_recurrence.ics; do
	run --db corpus.db import calendar "$C/$f"
	expect_status 0 "$f imports"
	expect_err_only_maatlat "$f: libical silent (only maatlat's own messages)"
done
# the Exchange all-day series (TRANSP, ALLDAYEVENT) gives no meeting hours at all
run --db ex.db import calendar "$C/nodeical__exchange_whole_day_moved_recurrence.ics"
run --db ex.db meetings --min-participants 1 --json
expect_out_has '"person_weeks": 0' "all-day/transparent Exchange series: no meeting hours"

# --- many meetings in one person-week -----------------------------------------------------------
# 70 meetings of 30 minutes starting every 15 minutes from Mon 2025-03-03 08:00 UTC, written last
# first, each with the same 5 people: every meeting overlaps the next, so the union runs from 08:00
# to 01:45 on Tuesday = 17.75 h, and 70 x 0.5 = 35 h are booked. meetings groups the pieces per
# person-week by a counting sort and sorts each group by start (a group of more than 64 by qsort);
# a window of 300 years has more person-weeks (5 x 15,650) than the counts are kept for, and takes
# the other path (analyzer/meetings.c, group_pieces): both must give these figures.
{
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//maatlat test//EN\r\n'
	i=69
	while [ "$i" -ge 0 ]; do
		s=$(date -u -d "2025-03-03 08:00 UTC + $((i * 15)) minutes" +%Y%m%dT%H%M%SZ)
		e=$(date -u -d "2025-03-03 08:30 UTC + $((i * 15)) minutes" +%Y%m%dT%H%M%SZ)
		printf 'BEGIN:VEVENT\r\nUID:many-%s@example.org\r\nDTSTAMP:20250101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\nSUMMARY:m\r\n' "$i" "$s" "$e"
		printf 'ORGANIZER:mailto:x@example.org\r\n'
		for p in y z u v; do printf 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:%s@example.org\r\n' "$p"; done
		printf 'END:VEVENT\r\n'
		i=$((i - 1))
	done
	printf 'END:VCALENDAR\r\n'
} >many.ics
run --db many.db import calendar --tz UTC --from 2025-03-01 --to 2025-03-31 many.ics
expect_status 0 "70 overlapping meetings import"
want=$(for p in u v x y z; do printf '%s@example.org\t2025-W10\t17.7500\t35.0000\n' "$p"; done)
run --db many.db meetings --tz UTC --per-person --min-group 1 --from 2025-03-01 --to 2025-03-31 --json
expect_eq "$(rows)" "$want" "70 overlapping meetings: 17.75 h in meetings, 35 h booked, each of 5 people"
run --db many.db meetings --tz UTC --per-person --min-group 1 --from 1900-01-01 --to 2199-12-31 --json
expect_eq "$(rows)" "$want" "the same over 300 years of weeks"

# --- many exports in one command ----------------------------------------------------------------
# import calendar reads the next exports on a second thread while it stores one (importers/ics.c,
# maat_cal_prefetch): every figure, message and source row must be what importing the same files
# one command each gives. The example organisation's 53 exports, then two corpus files whose
# messages come from libical's complaints (captured from fd 2 by the reading thread) and from
# maatlat's own checks; and once under --pseudonymise, where messages must name the pseudonym.
E="$MAAT_SRCDIR/examples/calendars"
rm -f one.db seq.db onep.db seqp.db one.out seq.out one.err seq.err
set -- "$E"/*.ics "$C/libical__2446.ics" "$C/nodeical__ms_timezones.ics"
nfiles=$#
"$MAATLAT" --db one.db import calendar "$@" >one.out 2>one.err
expect_eq "$?" "0" "$nfiles exports in one command import"
for f in "$@"; do "$MAATLAT" --db seq.db import calendar "$f" >>seq.out 2>>seq.err; done
if diff seq.out one.out >diff.txt; then ok "the per-file lines on stdout are the same as one command per file"
else not_ok "the per-file lines on stdout are the same as one command per file" "$(head -20 diff.txt)"; fi
if diff seq.err one.err >diff.txt; then ok "stderr is the same as one command per file"
else not_ok "stderr is the same as one command per file" "$(head -20 diff.txt)"; fi
expect_eq "$(grep -c 'warning' one.err)" "$(grep -c 'warning' seq.err)" "as many warnings"
for q in "SELECT s.path, m.line, m.severity, m.message FROM source_messages m JOIN sources s ON s.id = m.source_id ORDER BY 1, 2, 3, 4" \
	"SELECT path, sha256, rows_read, rows_rejected, options FROM sources ORDER BY id" \
	"SELECT count(*), sum(start), sum(end), sum(sequence), sum(flags) FROM cal_instances" \
	"SELECT count(*) FROM cal_refs" "SELECT count(*), sum(length(summary)), sum(length(uid)) FROM cal_uids" \
	"SELECT exported, exported_by, win_from, win_to FROM cal_exports ORDER BY source_id"; do
	sqlite3 one.db "$q" >a.txt
	sqlite3 seq.db "$q" >b.txt
	if [ -s a.txt ] && diff b.txt a.txt >diff.txt; then ok "the same store: ${q%% FROM*} ..."
	else not_ok "the same store: $q" "$(head -10 diff.txt)"; fi
done
# the import runs with SQLite's foreign-key checks paused (maat_db_fk_pause): every row must
# still reference a row that exists
expect_eq "$(sqlite3 one.db 'PRAGMA foreign_key_check' | wc -l)" "0" "no row references a missing row (one command)"
expect_eq "$(sqlite3 seq.db 'PRAGMA foreign_key_check' | wc -l)" "0" "no row references a missing row (one command per file)"
"$MAATLAT" --db one.db meetings --per-person --min-group 1 --json >a.json
"$MAATLAT" --db seq.db meetings --per-person --min-group 1 --json >b.json
if cmp -s a.json b.json; then ok "meetings --json equal"; else not_ok "meetings --json equal" "$(diff a.json b.json | head)"; fi
expect_eq "$(sqlite3 one.db "SELECT count(*) FROM source_messages WHERE message LIKE '%libical%'")" \
	"$(sqlite3 seq.db "SELECT count(*) FROM source_messages WHERE message LIKE '%libical%'")" "libical's complaints captured as often"
printf 'k3y-for-the-test-only-k3y-for-the-test-only\n' >key.txt
"$MAATLAT" --db onep.db import calendar --pseudonymise --key-file key.txt "$@" >/dev/null 2>&1
expect_eq "$?" "0" "the same exports pseudonymised in one command"
for f in "$@"; do "$MAATLAT" --db seqp.db import calendar --pseudonymise --key-file key.txt "$f" >/dev/null 2>&1; done
q="SELECT s.path, m.line, m.severity, m.message FROM source_messages m JOIN sources s ON s.id = m.source_id ORDER BY 1, 2, 3, 4"
sqlite3 onep.db "$q" >a.txt
sqlite3 seqp.db "$q" >b.txt
if [ -s a.txt ] && diff b.txt a.txt >diff.txt; then ok "pseudonymised: the same messages under the same pseudonyms"
else not_ok "pseudonymised: the same messages" "$(head -10 diff.txt)"; fi
if grep -q -e 'voorbeeld' -e 'libical__2446' a.txt; then not_ok "pseudonymised: no file name in a stored message" "$(grep -e voorbeeld -e libical__2446 a.txt | head -3)"
else ok "pseudonymised: no file name in a stored message"; fi
# a file that cannot be read in the middle: the ones before are imported, the ones after are not
# and are named, as with one command per file
rm -f mid.db
"$MAATLAT" --db mid.db import calendar "$E/a.15@voorbeeld.nl.ics" "$B/no-such-file.ics" "$E/c.36@voorbeeld.nl.ics" >mid.out 2>mid.err
expect_eq "$?" "66" "a missing file in the middle: exit 66"
expect_eq "$(sqlite3 mid.db 'SELECT count(*) FROM sources')" "1" "the file before it is imported, the one after not"
if grep -q 'c.36@voorbeeld.nl.ics' mid.err; then ok "the file not imported is named"; else not_ok "the file not imported is named" "$(cat mid.err)"; fi

# Exports larger than the read-ahead's slots (1,024 instances each), each with a warning the
# store's thread prints while the reading thread is in the middle of the next file with fd 2
# captured: the reading thread must let go of fd 2 and its lock while it waits for a slot (the
# first version deadlocked here). 12 files of a daily series of 1,100 instances plus an event
# ending before it starts: 12 x 1,101 = 13,212 stored instances, 12 warnings on stderr, none
# of them caught as a libical complaint.
i=1
while [ "$i" -le 12 ]; do
	cat >"big$i.ics" <<EOF
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//maatlat test//EN
BEGIN:VEVENT
UID:daily-$i@example.org
DTSTAMP:20240101T000000Z
DTSTART:20200101T090000Z
DTEND:20200101T093000Z
RRULE:FREQ=DAILY;COUNT=1100
SUMMARY:Daily stand-up $i
ATTENDEE;PARTSTAT=ACCEPTED:mailto:a$i@example.org
ATTENDEE;PARTSTAT=ACCEPTED:mailto:b$i@example.org
END:VEVENT
BEGIN:VEVENT
UID:backwards-$i@example.org
DTSTAMP:20240101T000000Z
DTSTART:20210101T100000Z
DTEND:20210101T090000Z
SUMMARY:Backwards $i
ATTENDEE;PARTSTAT=ACCEPTED:mailto:a$i@example.org
ATTENDEE;PARTSTAT=ACCEPTED:mailto:b$i@example.org
END:VEVENT
END:VCALENDAR
EOF
	i=$((i + 1))
done
rm -f big.db
timeout 120 "$MAATLAT" --db big.db import calendar --from 2020-01-01 --to 2025-12-31 \
	big1.ics big2.ics big3.ics big4.ics big5.ics big6.ics big7.ics big8.ics big9.ics big10.ics \
	big11.ics big12.ics >big.out 2>big.err
expect_eq "$?" "0" "12 exports larger than a read-ahead slot, each with a warning: no deadlock"
expect_eq "$(grep -c 'DTEND before DTSTART' big.err)" "12" "the 12 warnings reach stderr"
expect_eq "$(sqlite3 big.db 'SELECT count(*) FROM cal_refs')" "13212" "12 x 1,101 instances stored"
expect_eq "$(sqlite3 big.db "SELECT count(*) FROM source_messages WHERE message LIKE '%libical%'")" "0" \
	"no message of maatlat's own caught as a libical complaint"

done_testing
