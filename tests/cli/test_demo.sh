#!/bin/sh
# maatlat demo: the bundled example municipality end to end. Every figure the summary prints is
# recomputed from the example files by an independent reference (org_reference.py for layers,
# demo_reference.py for sign-off chains, ics_person_weeks.py + demo_reference.py for meeting
# hours, bench/pandas_handovers.py for the case log), compared with `maatlat ... --json` on the
# demo's store, and looked for in the printed summary. Also: the files, the workbook's sheets,
# the SVGs, a second run, unwritable output directories, and that examples/generate.sh
# rebuilds the committed example files byte for byte.
. "$TAP_LIB"
PY=/usr/bin/python3
HERE=$MAAT_SRCDIR/tests/cli
EX=$MAAT_SRCDIR/examples
export MAATLAT_EXAMPLES="$EX"
# the case-log pipeline is in this build when its header is in the tree (as reports/meson.build
# decides)
CASES=no
[ -f "$MAAT_SRCDIR/include/maatlat/handovers.h" ] && CASES=yes

run demo --help
expect_status 0 "--help exits 0"
expect_out_has "--out DIR" "--help names --out on stdout"

run demo --bogus
expect_status 64 "an unknown option is a usage error (64)"
run demo extra
expect_status 64 "an extra argument is a usage error (64)"

MAATLAT_EXAMPLES=$T/nowhere run demo --out o
expect_status 66 "examples not found: input missing (66)"
expect_err_has "MAATLAT_EXAMPLES" "and says how to point at them"

run demo --out "demo out"
expect_status 0 "demo --out 'demo out' runs"
cp "$T/.out" summary1.txt
expect_out_has "$(ls "$EX"/calendars/*.ics | wc -l) calendars" "the header counts the calendars imported"
# (sanitizer builds add LeakSanitizer's list of suppressions at exit: only our lines count)
if grep -q "maatlat" "$T/.err"; then not_ok "no diagnostics on stderr without -v" "$(head -5 "$T/.err")"; else ok "no diagnostics on stderr without -v"; fi
files="maatlat.db report.html report.xlsx org.svg"
[ $CASES = yes ] && files="$files handovers.svg"
for f in $files; do
	if [ -s "demo out/$f" ]; then ok "it wrote $f"; else not_ok "it wrote $f"; fi
done
expect_out_has "maatlat --db 'demo out/maatlat.db' layers" "the dig-deeper commands quote the path"

# --- the workbook and the pictures ----------------------------------------------------------
got=$($PY - "demo out/report.xlsx" $CASES <<'EOF'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
want = ["Summary", "Layers", "Managers", "Layer pyramid", "Span distribution", "Delayering",
        "Removed roles", "Sign-off chains", "Weekly meeting hours", "Meeting series",
        "Units", "Sources", "Definitions", "Trend snapshots", "Public-service flag", "Role mix",
        "Trend meetings"]
if sys.argv[2] == "yes":
    want += ["Handovers per case", "Cases", "Handover pairs", "Terms", "Terms per case type",
             "Terms per unit", "Terms per month", "Cases over term", "Trend cases"]
missing = [w for w in want if w not in wb.sheetnames]
# meetings per unit only: the per-person sheet needs report --per-person (METRICS.md section 4)
if "Meetings" in wb.sheetnames:
    missing.append("no Meetings sheet without --per-person")
print("sheets ok" if not missing else "missing %r in %r" % (missing, wb.sheetnames))
EOF
)
expect_eq "$got" "sheets ok" "report.xlsx opens with openpyxl and has the pipelines' sheets"
for f in $files; do
	case $f in *.svg) ;; *) continue ;; esac
	got=$($PY -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(r.tag.endswith("svg"))' "demo out/$f" 2>&1)
	expect_eq "$got" "True" "$f is well-formed XML with an <svg> root"
done

# --- the org chart fits a screen (issue 13): staff fold into their manager's box -------------
# Every manager keeps a box: the managers are the distinct values of org.csv's manager column
# that are ids (52, the top among them); boxes are the SVG node groups named n<index>. Width:
# Graphviz writes pt, px = pt * 4 / 3 (96 dpi); before folding the chart was about 29,700 px.
got=$($PY - "demo out/org.svg" "$EX/org.csv" <<'EOF'
import csv, re, sys
svg = open(sys.argv[1], encoding="utf-8").read()
w = float(re.search(r'<svg width="([0-9.]+)pt"', svg).group(1)) * 4 / 3
boxes = len(re.findall(r'<title>n[0-9]+</title>', svg))
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
ids = {r["id"] for r in rows}
managers = {r["manager"] for r in rows if r["manager"] in ids}
print("width ok" if w <= 4000 else "width %.0f px" % w, "boxes %d managers %d" % (boxes, len(managers)))
EOF
)
expect_eq "$got" "width ok boxes 52 managers 52" "org.svg: at most 4,000 px wide, one box per manager (52), staff inside"
if grep -q 'pass&#45;through manager' "demo out/org.svg"; then ok "org.svg's legend names pass-through managers"; else not_ok "org.svg's legend names pass-through managers"; fi

# --- a second run into the same directory replaces the store: the same summary ---------------
run demo --out "demo out"
expect_status 0 "a second run into the same directory works"
if cmp -s summary1.txt "$T/.out"; then ok "and prints the same summary (the old store was replaced)"; else not_ok "and prints the same summary" "$(diff summary1.txt "$T/.out" | head -20)"; fi
run --db "demo out/maatlat.db" sources --json
got=$($PY -c 'import json,sys; s=json.load(open(sys.argv[1]))["sources"]; print(len(s))' "$T/.out")
want=$(($(ls "$EX"/calendars/*.ics | wc -l) + 4))
[ $CASES = yes ] && want=$((want + 1))
expect_eq "$got" "$want" "the store holds each example file once (two org snapshots, mandates, calendars, cases, terms)"

# --- unwritable output ------------------------------------------------------------------------
: >afile
run demo --out afile
expect_status 73 "--out naming a file: cannot create (73)"
expect_err_has "afile" "the message names it"
run demo --out /proc/maatlat-demo-test
expect_status 73 "--out where no directory can be made (/proc): cannot create (73)"
expect_err_has "/proc/maatlat-demo-test" "the message names it"
if [ -d /sys/kernel ] && ! touch /sys/kernel/maatlat-probe 2>/dev/null; then
	run demo --out /sys/kernel
	expect_status 73 "--out an existing read-only directory (/sys/kernel): cannot create (73)"
	expect_err_has "cannot write" "the message says it cannot write there"
fi
if [ "$(id -u)" != 0 ]; then
	mkdir ro && chmod 555 ro
	run demo --out ro
	expect_status 73 "--out a read-only directory: cannot create (73)"
	chmod 755 ro
fi

# --- the director's figures: layers (org_reference.py) and sign-off (demo_reference.py) ------
S=summary1.txt
DB="demo out/maatlat.db"
$PY "$HERE/org_reference.py" 3 "$EX/org.csv" >ref.json
run --db "$DB" layers --json
cp "$T/.out" layers.json
got=$($PY - ref.json layers.json "$S" "$EX/org.csv" <<'EOF'
import json, sys
r, j, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), open(sys.argv[3]).read()
bad = []
for k in ["people", "layers", "managers", "thin_managers", "managers_span_1", "pass_through_managers"]:
    if r[k] != j[k]:
        bad.append("%s: reference %r, layers --json %r" % (k, r[k], j[k]))
for k in ["removed_managers", "layers_after"]:
    if r["delayering"][k] != j["delayering"][k]:
        bad.append("delayering.%s" % k)
for k in ["span_mean"]:
    if abs(r[k] - j[k]) > 1e-9:
        bad.append(k)
for k in ["distance_mean_before", "distance_mean_after"]:
    if abs(r["delayering"][k] - j["delayering"][k]) > 1e-9:
        bad.append("delayering." + k)
d = r["delayering"]
lines = [
    "%d management layers from the top to the front line" % r["layers"],
    "%d managers with %.1f direct reports on average" % (r["managers"], r["span_mean"]),
    "%d thin managers (fewer than 3 direct reports), %d of them manage one person" % (r["thin_managers"], r["managers_span_1"]),
    "%d pass-through managers" % r["pass_through_managers"],
    "without the %d thin manager roles, %d layers instead of %d;\n    mean distance to the top %.2f layers instead of %.2f" % (d["removed_managers"], d["layers_after"], r["layers"], d["distance_mean_after"], d["distance_mean_before"]),
]
import csv
rows = list(csv.DictReader(open(sys.argv[4], encoding="utf-8")))
fte = sum(float(x["fte"]) for x in rows)
ext = sum(float(x["fte"]) for x in rows if x["employment"] == "inhuur")
lines += ["the org chart, %d people in %d units" % (r["people"], len({x["unit"] for x in rows})),
          "Hired-in staff (inhuur): %.1f%% of the FTE" % (100 * ext / fte)]
bad += ["summary lacks: " + l for l in lines if l not in s]
print("ok" if not bad else "; ".join(bad))
EOF
)
expect_eq "$got" "ok" "layers: reference = layers --json = summary (layers, managers, spans, thin, of one, pass-through, delayering, units, inhuur)"
$PY "$HERE/demo_reference.py" signoff "$EX/org.csv" "$EX/mandates.csv" >sref.json
run --db "$DB" signoff --json
cp "$T/.out" signoff.json
got=$($PY - sref.json signoff.json "$S" <<'EOF'
import json, sys
r, j, s = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), open(sys.argv[3]).read()
bad = []
jt = {t["decision_type"]: t for t in j["decision_types"]}
for t in r["decision_types"]:
    x = jt.get(t["decision_type"])
    if (x is None or abs(x["chain_mean"] - t["chain_mean"]) > 1e-9 or x["chain_max"] != t["chain_max"]
            or abs(x["initials_mean"] - t["initials_mean"]) > 1e-9
            or x["initials_max"] != t["initials_max"] or x["no_holder"] != t["no_holder"]):
        bad.append("%s: reference %r, signoff --json %r" % (t["decision_type"], t, x))
    # the summary's "passes N managers on its way up to the holder" = the initials
    line = "%-22s %-24s %.2f managers on average, at most %d" % (t["decision_type"], t["holder"], t["initials_mean"], t["initials_max"])
    if line not in s:
        bad.append("summary lacks: " + line)
if abs(j["chain_to_top_mean"] - r["chain_to_top_mean"]) > 1e-9 or j["chain_to_top_max"] != r["chain_to_top_max"]:
    bad.append("chain to top")
line = "Sign-off: a decision passes %.2f managers on its way to the top on average, at most %d" % (r["chain_to_top_mean"], r["chain_to_top_max"])
if line not in s:
    bad.append("summary lacks: " + line)
print("ok" if not bad else "; ".join(bad))
EOF
)
expect_eq "$got" "ok" "sign-off chains per decision type and to the top: reference = signoff --json = summary"

# --- the works council's figures: ics_person_weeks.py (recurring_ical_events) + FTE -----------
# The window is the generator's: 8 weeks from Monday 2025-09-01 (examples/generate.sh).
$PY "$MAAT_SRCDIR/tests/tools/ics_person_weeks.py" --from 2025-09-01 --to 2025-10-26 "$EX"/calendars/*.ics >pw.tsv
$PY "$HERE/demo_reference.py" meetings "$EX/org.csv" pw.tsv >mref.json
$PY "$HERE/demo_reference.py" series 5 2025-09-01 2025-10-26 "$EX"/calendars/*.ics >serref.json
run --db "$DB" meetings --json --per-person --min-group 1
cp "$T/.out" meetings.json
got=$($PY - mref.json serref.json meetings.json pw.tsv "$S" <<'EOF'
import json, sys
r, sj, j = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
sr = sj["series"]
s = open(sys.argv[5]).read()
bad = []
for k in ["persons", "person_weeks", "over_cap_person_weeks", "people_over_cap"]:
    if r[k] != j[k]:
        bad.append("%s: reference %r, meetings --json %r" % (k, r[k], j[k]))
# every person-week's hours too
ref = {}
for line in open(sys.argv[4]):
    p, w, h, b = line.rstrip("\n").split("\t")
    ref[(p, w)] = float(h)
got = {(x["person"], x["week"]): x["hours"] for x in j["rows"]}
if set(ref) != set(got) or any(abs(ref[k] - got[k]) > 1e-3 for k in ref):
    bad.append("person-week hours differ")
lines = [
    "calendars of %d people, %s .. %s" % (r["persons"], sj["first"], sj["last"]),
    "%d of %d people over the cap in at least one week" % (r["people_over_cap"], r["persons"]),
    "%d of %d person-weeks over the cap (%.1f%%)" % (r["over_cap_person_weeks"], r["person_weeks"], 100.0 * r["over_cap_person_weeks"] / r["person_weeks"]),
    "Biggest recurring meeting: \"%s\",\n    %.1f person-hours in %d meetings of %.1f people on average" % (sr["summary"], sr["person_hours"], sr["instances"], sr["mean_attendees"]),
]
ser = [x for x in j["series"] if x["mean_attendees"] >= 5][0]
if ser["summary"] != sr["summary"] or abs(ser["person_hours"] - sr["person_hours"]) > 1e-6:
    bad.append("series: reference %r, meetings --json %r" % (sr, ser))
bad += ["summary lacks: " + l for l in lines if l not in s]
print("ok" if not bad else "; ".join(bad))
EOF
)
expect_eq "$got" "ok" "meetings: reference (cap 12 x FTE) = meetings --json = summary (over cap, person-weeks, biggest series)"

# --- the policy maker's figures: bench/pandas_handovers.py, escalations by demo_reference.py ----
PANDAS=$MAAT_SRCDIR/bench/pandas_handovers.py
if [ -f "$PANDAS" ] && [ $CASES = yes ]; then
	$PY "$PANDAS" "$EX/cases.csv" >href.json 2>href.err
	$PY "$HERE/demo_reference.py" escalations "$EX/org.csv" "$EX/cases.csv" >eref.json
	run --db "$DB" handovers --json
	cp "$T/.out" handovers.json
	# the pandas reference counts ping-pong on work segments (METRICS.md §3: segments of
	# sign-offs only set apart, with the default approval pattern), as handovers does by
	# default; with no sign-off events (--approval-pattern '') there are no round trips
	run --db "$DB" handovers --json --approval-pattern ''
	cp "$T/.out" handovers_nosignoff.json
	got=$($PY - href.json eref.json handovers.json "$S" handovers_nosignoff.json <<'EOF'
import json, sys
r, e, j = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
s = open(sys.argv[4]).read()
j0 = json.load(open(sys.argv[5]))
bad = []
for k in ["cases", "handovers", "cases_finished_by_picker", "idle_cases", "cases_over_max"]:
    if r.get(k) != j0[k]:
        bad.append("%s: reference %r, handovers --json --approval-pattern '' %r" % (k, r.get(k), j0[k]))
for k in ["cases", "handovers", "cases_finished_by_picker", "pingpong_cases", "pingpong", "returns", "idle_cases", "cases_over_max"]:
    if r.get(k) != j[k]:
        bad.append("%s: reference %r, handovers --json %r" % (k, r.get(k), j[k]))
if j0["signoff_roundtrips"] != 0 or j["signoff_roundtrips"] == 0 or j["pingpong"] >= j0["pingpong"]:
    bad.append("sign-off round trips are not apart from ping-pong: %r / %r" % (j["signoff_roundtrips"], j["pingpong"]))
for k in ["up", "down", "sideways", "unknown"]:
    if e[k] != j["escalations"][k]:
        bad.append("escalations.%s: reference %r, handovers --json %r" % (k, e[k], j["escalations"][k]))
lines = [
    "%d cases in the case log" % r["cases"],
    "%.2f handovers per case on average; %d cases passed on more than 2 times" % (r["handovers"] / r["cases"], r["cases_over_max"]),
    "%d ping-pong cases" % j["pingpong_cases"],
    "%d of %d cases (%.1f%%) finished by whoever picked them up" % (r["cases_finished_by_picker"], r["cases"], 100.0 * r["cases_finished_by_picker"] / r["cases"]),
    "Escalations: %d handovers up the line, %d down, %d sideways" % (e["up"], e["down"], e["sideways"]),
    "%d idle dossiers (more than 14 days between two steps)" % r["idle_cases"],
]
bad += ["summary lacks: " + l for l in lines if l not in s]
if e["unknown"] == 0 and "does not know" in s:
    bad.append("summary mentions unknown handovers")
print("ok" if not bad else "; ".join(bad))
EOF
)
	expect_eq "$got" "ok" "handovers: pandas reference and escalations reference = handovers --json = summary"
else
	ok "# SKIP the case-log pipeline is not in this tree"
fi

# --- decision terms (terms_reference.py) and the trend (org_reference.py, csv, pw.tsv) ---------
if [ $CASES = yes ]; then
	$PY "$HERE/terms_reference.py" --terms "$EX/terms.csv" --holidays "$EX/holidays.txt" \
		--org "$EX/org-2024.csv@2024-01-01" --org "$EX/org.csv@2025-01-01" "$EX/cases.csv" >tref.json
	run --db "$DB" terms --json
	cp "$T/.out" terms.json
	expect_eq "$($PY "$HERE/json_agree.py" tref.json terms.json)" "ok" "terms: terms_reference.py = every figure of terms --json"
	line=$($PY -c 'import json,sys; r=json.load(open(sys.argv[1])); print("Decision terms: %d of %d closed cases (%.1f%%) over their term, median lead time %.1f days, p90 %.1f; %d open cases over it" % (r["over_term"], r["closed_cases"], 100*r["share_over_term"], r["lead_time_days"]["median"], r["lead_time_days"]["p90"], r["open_over_term"]))' tref.json)
	if grep -qF "$line" "$S"; then ok "the summary's terms line matches the reference"; else not_ok "the summary's terms line matches the reference" "$line"; fi
	# ping-pong on the work segments of METRICS.md §3, as handovers and trend count it
	$PY "$HERE/terms_reference.py" --case-months --pingpong work --terms "$EX/terms.csv" --holidays "$EX/holidays.txt" "$EX/cases.csv" >cmref.json
	run --db "$DB" trend --json
	cp "$T/.out" trend.json
	expect_eq "$($PY "$HERE/json_agree.py" cmref.json trend.json)" "ok" "trend: case months (cases, handovers per case, ping-pong, median throughput, share over term) = reference"
else
	run --db "$DB" trend --json
	cp "$T/.out" trend.json
fi
$PY "$HERE/org_reference.py" 3 "$EX/org-2024.csv" >ref2024.json
got=$($PY - ref2024.json ref.json trend.json "$EX/org-2024.csv" "$EX/org.csv" pw.tsv "$S" <<'EOF'
import csv, datetime as dt, json, sys
r0, r1, j = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
s = open(sys.argv[7]).read()
bad = []
snaps = j["snapshots"]
if [x["as_of"] for x in snaps] != ["2024-01-01", "2025-01-01"]:
    bad.append("snapshots %r" % [x["as_of"] for x in snaps])
roles = []
for ref, snap, path in ((r0, snaps[0], sys.argv[4]), (r1, snaps[1], sys.argv[5])):
    for k in ["people", "layers", "managers", "thin_managers"]:
        if ref[k] != snap[k]:
            bad.append("%s %s: reference %r, trend %r" % (snap["as_of"], k, ref[k], snap[k]))
    if abs(ref["span_mean"] - snap["span_mean"]) > 1e-9:
        bad.append("%s span_mean" % snap["as_of"])
    rows = list(csv.DictReader(open(path, encoding="utf-8")))
    fte = sum(float(x["fte"]) for x in rows)
    ext = sum(float(x["fte"]) for x in rows if x["employment"] == "inhuur")
    if abs(snap["fte"] - fte) > 1e-9 or abs(snap["external_share"] - ext / fte) > 1e-9:
        bad.append("%s fte/external" % snap["as_of"])
    per = {}
    for x in rows:
        per[x["role"]] = per.get(x["role"], 0) + float(x["fte"])
    roles.append(per)
    for k, v in per.items():
        if abs(snap["fte_per_role"][k] - v) > 1e-9:
            bad.append("%s fte %s: reference %r, trend %r" % (snap["as_of"], k, v, snap["fte_per_role"][k]))
flag = roles[1]["execution"] < roles[0]["execution"] and (roles[1]["management"] > roles[0]["management"] or roles[1]["policy"] > roles[0]["policy"])
if [x["flagged"] for x in snaps] != [False, flag] or not flag:
    bad.append("flag: reference %r, trend %r" % (flag, [x["flagged"] for x in snaps]))
# the rows behind the flag: execution people of 2024 gone in 2025, policy/management people new
ids0 = {x["id"]: x for x in csv.DictReader(open(sys.argv[4], encoding="utf-8"))}
ids1 = {x["id"]: x for x in csv.DictReader(open(sys.argv[5], encoding="utf-8"))}
want = sorted([i for i, x in ids0.items() if x["role"] == "execution" and i not in ids1] +
              [i for i, x in ids1.items() if x["role"] in ("management", "policy") and i not in ids0])
got = sorted(x["id"] for x in j["flag_rows"])
if want != got:
    bad.append("flag rows: reference %r, trend %r" % (want, got))
# meeting months: a week in the month of its Thursday; cap 12 x FTE by e-mail
fte = {x["email"].lower(): float(x["fte"]) for x in ids1.values()}
months = {}
for line in open(sys.argv[6]):
    p, w, h, b = line.rstrip("\n").split("\t")
    y, wk = int(w[:4]), int(w[6:])
    thu = dt.date.fromisocalendar(y, wk, 4).strftime("%Y-%m")
    m = months.setdefault(thu, [0, 0, 0.0])
    m[0] += 1
    m[1] += float(h) > 12 * fte.get(p.lower(), 1.0) + 1e-9
    m[2] += float(h)
jm = {x["month"]: x for x in j["meeting_months"]}
if sorted(jm) != sorted(months):
    bad.append("meeting months %r vs %r" % (sorted(jm), sorted(months)))
for k, (n, over, hours) in months.items():
    x = jm.get(k)
    if x is None or x["person_weeks"] != n or abs(x["share_over_cap"] - over / n) > 1e-9 or abs(x["hours_mean"] - hours / n) > 1e-3:
        bad.append("meeting month %s: reference %r, trend %r" % (k, (n, over / n, hours / n), x))
line = "Trend 2024-01-01 -> 2025-01-01: layers %d -> %d, managers %d -> %d, hired-in FTE %.1f%% -> %.1f%%; flagged" % (r0["layers"], r1["layers"], r0["managers"], r1["managers"], 100 * snaps[0]["external_share"], 100 * snaps[1]["external_share"])
if line not in s:
    bad.append("summary lacks: " + line)
print("ok" if not bad else "; ".join(bad))
EOF
)
expect_eq "$got" "ok" "trend: snapshots (org_reference.py, FTE per role, external share), the flag and its rows, meeting months (pw.tsv) = trend --json = summary"

# the workbook draws the trends and the share over the term as line charts
got=$($PY - "demo out/report.xlsx" $CASES <<'EOF'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
lines = set()
for n in z.namelist():
    if n.startswith("xl/charts/chart"):
        d = z.read(n).decode()
        if "<c:lineChart>" in d:
            lines.update(re.findall(r"<c:title>.*?<a:t>(.*?)</a:t>", d, re.S)[:1])
want = {"Managers and layers", "Meeting hours per person-week"}
if sys.argv[2] == "yes":
    want |= {"Share of cases over the term", "Handovers per case and share over the term"}
print("ok" if want <= lines else "missing %r in %r" % (sorted(want - lines), sorted(lines)))
EOF
)
expect_eq "$got" "ok" "report.xlsx has line charts for the trends and the share over the term"
# the HTML report has the terms and trend sections
if grep -q 'id="trend"' "demo out/report.html" && grep -q 'id="trend-managers-t"' "demo out/report.html"; then ok "report.html has the trend section and its chart"; else not_ok "report.html has the trend section and its chart"; fi
if [ $CASES = no ] || grep -q 'id="terms-month-t"' "demo out/report.html"; then ok "report.html has the decision terms chart"; else not_ok "report.html has the decision terms chart"; fi

# --- examples/generate.sh rebuilds the committed files byte for byte ------------------------
BUILD=$(dirname "$MAATLAT")
if [ -x "$BUILD/bench/gen_org" ] && [ -x "$BUILD/bench/gen_calendar" ]; then
	if sh "$EX/generate.sh" "$BUILD" gen >gen.log 2>&1; then ok "examples/generate.sh runs"; else not_ok "examples/generate.sh runs" "$(cat gen.log)"; fi
	got=$(cd "$EX" && for f in $(find . -type f ! -name README.md ! -name generate.sh | sort); do cmp -s "$f" "$T/gen/$f" || echo "differs: $f"; done; cd "$T/gen" && find . -type f | while read -r f; do [ -e "$EX/$f" ] || echo "not committed: $f"; done)
	expect_eq "$got" "" "the committed example files are exactly what generate.sh writes"
	got=$(du -sk "$EX" | cut -f1)
	if [ "$got" -lt 2100 ]; then ok "the examples stay small ($got KiB)"; else not_ok "the examples stay small" "$got KiB"; fi
else
	ok "# SKIP the generators are not built (-Dbench=false)"
fi

done_testing
