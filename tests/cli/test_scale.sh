#!/bin/sh
# Report steps stay linear (issue 19 item 6), on inputs big enough that a quadratic step would
# not finish within the test's timeout: a weekly meeting of 21,000 people (meetings --json and
# the workbook, whose person-weeks overflow one Excel sheet) and a case log with 999,000 distinct
# handover pairs (report --handover-graph). Slow suite; nothing here measures a time.
. "$TAP_LIB"
PY=/usr/bin/python3

# --- one weekly meeting, 21,000 attendees, 52 weeks --------------------------------------------
# 2026-01-05 (a Monday, ISO 2026-W02) 09:00-10:00 UTC, weekly, 52 times: every attendee has one
# hour in each of 52 weeks, so 21,000 x 52 = 1,092,000 person-weeks; a sheet holds 1,048,575
# data rows, so "Meetings" goes on in "Meetings (2)" with 1,092,000 - 1,048,575 = 43,425 rows.
# Exported (DTSTAMP) on 5 January 2027, after the last meeting (28 December 2026): the default
# window of METRICS.md §2 ends before the export's week, so all 52 weeks have happened.
awk 'BEGIN {
	printf "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//maatlat tests//EN\r\nBEGIN:VEVENT\r\n"
	printf "UID:all-hands@example.nl\r\nDTSTAMP:20270105T000000Z\r\n"
	printf "DTSTART:20260105T090000Z\r\nDTEND:20260105T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=52\r\n"
	printf "SUMMARY:All hands\r\nORGANIZER:mailto:p0@example.nl\r\n"
	for (i = 0; i < 21000; i++) printf "ATTENDEE;PARTSTAT=ACCEPTED:mailto:p%d@example.nl\r\n", i
	printf "END:VEVENT\r\nEND:VCALENDAR\r\n"
}' >big.ics
run --db cal.db import calendar big.ics
expect_status 0 "a weekly meeting of 21,000 people imports"

run --db cal.db meetings --json --per-person
expect_status 0 "meetings --json on 1,092,000 person-weeks"
got=$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
rows = d["rows"]
print(d["persons"], d["person_weeks"], len(rows), len({r["week"] for r in rows}),
      sum(r["hours"] for r in rows))
' "$T/.out")
expect_eq "$got" "21000 1092000 1092000 52 1092000.0" \
	"21,000 people, 1,092,000 rows in 52 weeks, 1 hour each (streamed JSON parses)"

run --db cal.db report --xlsx big.xlsx --per-person
expect_status 0 "the workbook is written although a table is longer than a sheet"
expect_err_only_maatlat "and no library message on stderr"
got=$(
	"$PY" - big.xlsx <<'PYEOF'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
book = z.read("xl/workbook.xml").decode()
names = re.findall(r'<sheet name="([^"]*)"', book)
print(names[:4])
def dim(i):
    head = z.open("xl/worksheets/sheet%d.xml" % i).read(2000).decode("utf-8", "replace")
    return re.search(r'<dimension ref="([^"]*)"', head).group(1)
print(dim(2), dim(3))
PYEOF
)
expect_eq "$got" "['Summary', 'Meetings', 'Meetings (2)', 'Weekly meeting hours']
A1:H1048576 A1:H43426" "Meetings: 1,048,575 rows, then 43,425 on 'Meetings (2)', each with its header"
got=$(
	"$PY" - big.xlsx <<'PYEOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
rows = list(wb["Weekly meeting hours"].iter_rows(values_only=True))[1:]
print(len(rows), rows[0][:3], rows[-1][:3], {r[1] for r in rows})
PYEOF
)
expect_eq "$got" "52 ('2026-W02', 21000, 1) ('2026-W53', 21000, 1) {21000}" \
	"the weekly table: 52 weeks (W02..W53) of 21,000 people, mean 1 hour"

# --- 999,000 distinct handover pairs ----------------------------------------------------------
# case c (0..999,999): r<c mod 1000> then r<c div 1000>, an hour apart: every ordered pair of
# the 1,000 resources once, 1,000 of them a resource handing to itself, so 999,000 pairs between
# two resources, each in both directions. A step quadratic in pairs (10^12 comparisons) would
# not finish within the test's timeout.
awk 'BEGIN {
	print "case_id,activity,timestamp,resource"
	for (c = 0; c < 1000000; c++) {
		printf "c%d,Intake,2026-03-02T09:00:00,r%03d\n", c, c % 1000
		printf "c%d,Besluit,2026-03-02T10:00:00,r%03d\n", c, int(c / 1000)
	}
}' >pairs.csv
run --db cases.db import cases pairs.csv
expect_status 0 "2,000,000 events import"
rm -f pairs.csv
run --db cases.db report --handover-graph pairs.dot --by-resource
expect_status 0 "report --handover-graph over 999,000 distinct pairs"
if grep -q "largest of 999000 pairs; red = handed over in both directions" pairs.dot; then
	ok "the graph counts 999,000 pairs and marks two-way pairs"
else
	not_ok "the graph counts 999,000 pairs and marks two-way pairs" "$(grep -m1 'largest of' pairs.dot)"
fi
done_testing
