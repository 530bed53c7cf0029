#!/bin/sh
# Sources where the data lives (issue 15): Microsoft Graph calendar JSON and ZGW Zaken API
# exports. Every expected figure below is computed by hand from the fixtures in
# tests/data/sources (each computation written beside its check).
. "$TAP_LIB"

D="$MAAT_TESTDATA/sources"
PY=/usr/bin/python3
jget() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1" <"$T/.out"; }

# --- Microsoft Graph calendar JSON -----------------------------------------------------------
# graph_calendarview.json is ann@example.org's mailbox (its @odata.context names her); the
# window is W02-W04 of 2026 (Mon 5 Jan - Sun 25 Jan), zone Europe/Amsterdam (CET, UTC+1):
#   Weekly team: Mondays 09:00-10:00 W. Europe, endDate 2026-01-19 -> 5, 12, 19 Jan; the 12th
#     is moved (exception, originalStart 08:00Z) to 14:00-15:30 (1.5 h); ann organises, bob
#     accepts, carol declines (excluded), room1 is a resource (excluded).
#   Overleg 7 Jan 13:00-14:00 UTC = 14:00-15:00 CET, 1 h: bob organises, ann answered
#     tentativelyAccepted in her responseStatus (counts by default), dave accepted.
#   Lunch (showAs free), a cancelled event, an all-day event: not meetings.
#   14 Jan 10:00: ann declined (responseStatus), erin alone -> under 2 participants: none.
#   Standup daily 08:30-08:45 from 20 Jan, 3 occurrences: 0.75 h in W04 for ann and bob.
# So: ann W02 1 + 1 = 2.0, W03 1.5, W04 1 + 0.75 = 1.75; bob the same; dave W02 1.0:
# 3 persons, 7 person-weeks.
WIN="--from 2026-01-05 --to 2026-01-25"
run --db g.db import calendar $WIN "$D/graph_calendarview.json"
expect_status 0 "import calendar reads Graph calendarView JSON"
expect_err_only_maatlat "libical and jansson print nothing of their own"
run --db g.db meetings $WIN --json
cp "$T/.out" graph.json
expect_eq "$(jget 'd["persons"], d["person_weeks"]')" "(3, 7)" "Graph: 3 persons, 7 person-weeks (hand-computed)"
run --db g.db meetings $WIN --json --cap 1.9
expect_eq "$(jget 'd["over_cap_person_weeks"], d["people_over_cap"]')" "(2, 2)" \
	"Graph: over a 1.9 h cap are ann W02 and bob W02 (2.0 h each)"
run --db g.db meetings $WIN --json --cap 1.6
expect_eq "$(jget 'd["over_cap_person_weeks"]')" "4" \
	"Graph: over a 1.6 h cap also W04 of ann and bob (1.75 h), not W03 (1.5 h)"
run --db g.db meetings $WIN --json --cap 1.4
expect_eq "$(jget 'd["over_cap_person_weeks"]')" "6" \
	"Graph: over a 1.4 h cap all of ann's and bob's weeks, not dave's 1.0 h"

# The twin: the same meetings written by hand as iCalendar (IANA zone, UNTIL in UTC).
run --db i.db import calendar $WIN "$D/graph_twin.ics"
expect_status 0 "import the iCalendar twin"
run --db i.db meetings $WIN --json
# the window's export time and file name the import, not the figures
nowin() { grep -v '"export_time"\|"export_file"' "$1"; }
nowin graph.json >graph.nowin
nowin "$T/.out" >twin.nowin
if cmp -s graph.nowin twin.nowin; then ok "Graph JSON and its iCalendar twin give identical meetings --json"
else not_ok "Graph JSON and its iCalendar twin give identical meetings --json" "$(diff graph.json "$T/.out" | head -20)"; fi

# PowerShell's Get-MgUserCalendarView | ConvertTo-Json -Depth 10: a bare array with the SDK's
# PascalCase keys, no @odata.context (the owner comes from --owner). Same figures.
"$PY" - "$D/graph_calendarview.json" >ps.json <<'EOF'
import json, sys
def pascal(o):
    if isinstance(o, dict):
        return {(k[:1].upper() + k[1:] if not k.startswith("@") else k): pascal(v) for k, v in o.items()}
    if isinstance(o, list):
        return [pascal(v) for v in o]
    return o
print(json.dumps(pascal(json.load(open(sys.argv[1]))["value"]), indent=4))
EOF
run --db ps.db import calendar $WIN --owner ann@example.org ps.json
expect_status 0 "import PowerShell's PascalCase array"
run --db ps.db meetings $WIN --json
nowin "$T/.out" >ps.nowin
if cmp -s graph.nowin ps.nowin; then ok "PowerShell's export gives the same figures"
else not_ok "PowerShell's export gives the same figures" "$(diff graph.json "$T/.out" | head -20)"; fi

# Two mailboxes export the same meetings (bob's copy of the series and of Overleg): each
# meeting counts once (same iCalUId and start), so the figures do not move.
"$PY" - "$D/graph_calendarview.json" >bob.json <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["@odata.context"] = d["@odata.context"].replace("ann%40example.org", "bob%40example.org")
d["value"] = [e for e in d["value"] if e["iCalUId"].endswith("series1") or e["iCalUId"] == "single-2"]
d["value"].reverse()
print(json.dumps(d))
EOF
run --db g.db import calendar $WIN bob.json
expect_status 0 "import bob's mailbox too"
run --db g.db meetings $WIN --json
cp "$T/.out" graph2.json
# bob's export holds the series without ann's moved instance: that copy is superseded
grep -v 'duplicates_removed\|superseded\|"export_time"\|"export_file"' graph.json >a.json
grep -v 'duplicates_removed\|superseded\|"export_time"\|"export_file"' graph2.json >b.json
if cmp -s a.json b.json; then ok "the same meetings from a second mailbox count once"
else not_ok "the same meetings from a second mailbox count once" "$(diff a.json b.json | head -20)"; fi
# bob's copies: 3 instances of the series (5, 12 moved, 19 Jan) and Overleg
expect_eq "$(jget 'd["duplicates_removed"]')" "4" "and the 4 copies are counted as duplicates removed"

# Broken Graph files: clear message, exit 65, store unchanged.
printf '{"value": [ {"iCalUId": "x", "start": ' >trunc.json
run --db g.db import calendar trunc.json
expect_status 65 "a truncated Graph file is bad input (65)"
expect_err_has "trunc.json:1: not valid JSON" "the message names the file and line"
printf '{"count": 3}\n' >novalue.json
run --db g.db import calendar novalue.json
expect_status 65 "JSON without events is bad input (65)"
expect_err_has "holds no calendar events" "and says what it expected"
run --db g.db meetings $WIN --json
if cmp -s graph2.json "$T/.out"; then ok "failed imports left the store unchanged"
else not_ok "failed imports left the store unchanged"; fi

# --- ZGW Zaken API ---------------------------------------------------------------------------
# zgw_export.json: zaken, two pages of statussen, rollen, statustypen and zaaktypen as list
# responses. ZAAK-2026-0001: behandelaar e.12 from 5 Jan 08:00, e.14 from 12 Jan 10:00, e.12
# again from 20 Jan 09:00; statuses Ontvangen 5 Jan, In behandeling 6 Jan, Besluit genomen
# 15 Jan, Afgehandeld 21 Jan (09:00Z). Events in time order with their resource:
#   Ontvangen e.12, In behandeling e.12, behandelaar gewijzigd e.14, Besluit genomen e.14,
#   behandelaar gewijzigd e.12, Afgehandeld e.12  -> 6 events, 5 successions, 3 self,
#   2 handovers (e.12->e.14, e.14->e.12), segments e.12 e.14 e.12: one ping-pong, one return,
#   throughput 16 days. ZAAK-2026-0002: e.20 from 7 Jan; Ontvangen 7 Jan, Afgehandeld 9 Jan:
#   2 events, 1 self-succession, no handover, 2 days.
# Totals: 2 cases, 8 events, 6 successions, 4 self, 2 handovers (mean 1.0), 1 case without a
# handover, both finished by whoever picked them up, throughput max 16 days.
run --db z.db import cases "$D/zgw_export.json"
expect_status 0 "import cases reads a ZGW export (sniffed)"
run --db z.db handovers --json
expect_eq "$(jget 'd["cases"], d["events"], d["successions"], d["self_successions"], d["handovers"]')" \
	"(2, 8, 6, 4, 2)" "ZGW: 2 cases, 8 events, 6 successions, 4 self, 2 handovers"
expect_eq "$(jget 'd["cases_without_handover"], d["cases_finished_by_picker"], d["pingpong_cases"], d["returns"]')" \
	"(1, 2, 1, 1)" "ZGW: 1 case without handover, 2 finished by the picker, 1 ping-pong, 1 return"
expect_eq "$(jget 'd["throughput_days"]["max"]')" "16.0" "ZGW: throughput max 16 days"
expect_eq "$(jget 'sorted((p["from"], p["to"], p["count"]) for p in d["pairs"] if p["from"] != p["to"])')" \
	"[('e.12', 'e.14', 1), ('e.14', 'e.12', 1)]" "ZGW: the handovers are e.12->e.14 and e.14->e.12"
# The statustype and zaaktype names come from the Catalogi API pages in the export.
run --db z.db handovers --json
expect_eq "$(jget 'sorted(a["activity"] for a in d["activities"])' 2>/dev/null || echo none)" \
	"['Afgehandeld', 'Besluit genomen', 'In behandeling', 'Ontvangen', 'behandelaar gewijzigd']" \
	"ZGW: activities are the statustypen's names"
# Nothing about the citizen: the initiator's BSN and name, and the zaak's description, are
# not in the store's bytes.
if grep -qa -e 999993653 -e Johanna -e Dorpsstraat z.db z.db-wal 2>/dev/null; then
	not_ok "no citizen data in the store"
else ok "no citizen data in the store (BSN, name, address absent from the bytes)"; fi
run --db z.db import cases --format zgw "$D/zgw_export.json" --replace
expect_status 0 "--format zgw names the format"

printf '{"results": [{"zaak": "https://x/zaken/1", "statustype": "https://x/st/1", "datumStatusGezet": "2026-13-45T09:00:00Z"}]}\n' >baddate.json
run --db z2.db import cases baddate.json
expect_status 65 "a status with a date that is no date is bad input (65)"
expect_err_has "datumStatusGezet" "the message names the field"
printf '{"results": [{"url": "https://x/zaken/1", "identificatie": "Z1", "zaaktype": "https://x/zt/1", "startdatum": "2026-01-01"}]}\n' >nostatus.json
run --db z2.db import cases nostatus.json
expect_status 65 "an export without statussen is bad input (65)"
expect_err_has "no statussen" "and says what is missing"
run --db z2.db import cases --format zgw trunc.json
expect_status 65 "truncated JSON is bad input (65)"

# --- --pseudonymise: the same figures, no id or e-mail in the store ---------------------------
export MAATLAT_KEY=0123456789abcdef0123456789abcdef
run --db gp.db import calendar $WIN --pseudonymise "$D/graph_calendarview.json"
expect_status 0 "Graph JSON imports with --pseudonymise"
run --db gp.db meetings $WIN --json
expect_eq "$(jget 'd["persons"], d["person_weeks"]')" "(3, 7)" "pseudonymised Graph: the same 3 persons, 7 person-weeks"
if grep -qaF -e ann@example -e bob@example -e dave@example gp.db gp.db-wal 2>/dev/null; then
	not_ok "pseudonymised Graph: no attendee e-mail in the store"
else ok "pseudonymised Graph: no attendee e-mail in the store"; fi
run --db zp.db import cases --pseudonymise "$D/zgw_export.json"
expect_status 0 "ZGW imports with --pseudonymise"
run --db zp.db handovers --json
expect_eq "$(jget 'd["handovers"], d["pingpong_cases"]')" "(2, 1)" "pseudonymised ZGW: the same 2 handovers and 1 ping-pong case"
if grep -qaF -e e.12 -e e.14 -e e.20 zp.db zp.db-wal 2>/dev/null; then
	not_ok "pseudonymised ZGW: no employee id in the store"
else ok "pseudonymised ZGW: no employee id in the store"; fi
unset MAATLAT_KEY

done_testing
