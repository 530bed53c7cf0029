#!/bin/sh
# maatlat report: usage errors, nothing imported, and (once the importers are in this build) the
# workbook read back with openpyxl and compared with the commands' --json output.
. "$TAP_LIB"
PY=/usr/bin/python3

run report --help
expect_status 0 "--help exits 0"
expect_out_has "--handover-graph" "--help names the options on stdout"

run report
expect_status 64 "no output option is a usage error (64)"
expect_err_has "nothing to write" "and says what is missing"
expect_out_empty "usage errors print nothing on stdout"

run report --bogus
expect_status 64 "an unknown option is a usage error"

run report --graph org.jpg
expect_status 64 "an unknown graph extension is a usage error"
expect_err_has "org.jpg" "the file is named"

run report --xlsx a.xlsx --min-group 0
expect_status 64 "--min-group 0 is a usage error"

run --db missing.db report --xlsx a.xlsx
expect_status 66 "a missing store: input missing (66)"

run --db :memory: report --xlsx a.xlsx
expect_status 66 "nothing imported: input missing (66)"
expect_err_has "nothing imported yet" "the message says so"
expect_eq "$(ls)" "" "no workbook and no .tmp file were left"

# --- with imported data: only when the importers are in this build ---------------------------
C=${MAAT_CORPUS:-}
org=$C/org/ministry_of_justice-2011-09-30-senior.csv
if [ -n "$C" ] && "$MAATLAT" --db s.db import org "$org" >/dev/null 2>&1; then
	run --db s.db report --xlsx "report 1.xlsx"
	expect_status 0 "report --xlsx writes the workbook"
	expect_out_empty "and prints nothing on stdout"
	if [ -e "report 1.xlsx" ] && [ ! -e "report 1.xlsx.tmp" ]; then ok "the file is there, no .tmp"; else not_ok "the file is there, no .tmp"; fi
	run --db s.db sources --json
	cp "$T/.out" sources.json
	got=$($PY - "report 1.xlsx" sources.json <<'EOF'
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
src = json.load(open(sys.argv[2]))["sources"]
s = wb["Sources"]
rows = [[c.value for c in r] for r in s.iter_rows(min_row=2)]
ok = len(rows) == len(src) and all(r[4] == x["rows_read"] and r[5] == x["rows_rejected"]
                                   and r[3] == x["sha256"] for r, x in zip(rows, src))
print("sources match" if ok else "sources differ: %r %r" % (rows, src))
EOF
)
	expect_eq "$got" "sources match" "Sources sheet = sources --json (rows read, rejected, sha256)"
	run --db s.db report --xlsx /nonexistent-dir/r.xlsx
	expect_status 73 "an output directory that does not exist: cannot create (73)"
	expect_err_has "/nonexistent-dir/r.xlsx" "the file is named"
	# the workbook's org figures against `maatlat layers --json` (read independently by openpyxl)
	run --db s.db layers --json
	cp "$T/.out" layers.json
	got=$($PY - "report 1.xlsx" layers.json <<'EOF2'
import sys, json, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
cached = openpyxl.load_workbook(sys.argv[1], data_only=True)
j = json.load(open(sys.argv[2]))
bad = []
s = wb["Summary"]
head = {}
for r in s.iter_rows(min_row=5):
    if r[0].value == "Settings":
        break
    head[r[0].value] = r[1].value
for label, key in [("People", "people"), ("Management layers", "layers"), ("Managers", "managers"),
                   ("Managers of one", "managers_span_1"), ("Thin managers", "thin_managers"),
                   ("Pass-through managers", "pass_through_managers")]:
    if head.get(label) != j[key]:
        bad.append("%s %r != %r" % (label, head.get(label), j[key]))
if abs(head["Mean span of control"] - j["span_mean"]) > 1e-9:
    bad.append("span_mean")
if abs(head["Manager share"] - j["manager_share"]) > 1e-9:
    bad.append("manager_share")
# the light in words: mean span (1 decimal) against the minimum span, a target
words = [r[4].value for r in s.iter_rows(min_row=5) if r[0].value == "Mean span of control"][0]
want = ("%.1f \u2265 %d: ok" if j["span_mean"] >= j["min_span"] else "%.1f < %d: short of the target") % (j["span_mean"], j["min_span"])
if words != want:
    bad.append("against the limit %r, wanted %r" % (words, want))
pyr = {str(r[0].value): r[1].value for r in wb["Layer pyramid"].iter_rows(min_row=2)}
if pyr != j["layer_histogram"]:
    bad.append("pyramid %r != %r" % (pyr, j["layer_histogram"]))
if wb["Layers"].max_row - 1 != j["people"] + j["aggregate_rows"]:
    bad.append("Layers rows %d" % (wb["Layers"].max_row - 1))
if wb["Layers"].freeze_panes != "A2":
    bad.append("freeze")
print("; ".join(bad) if bad else "layers match")
EOF2
)
	expect_eq "$got" "layers match" "Summary and Layer pyramid = layers --json (people, layers, managers, spans, histogram)"

	# --- the HTML report of an org chart alone (no calendars, no case logs) ---
	run --db s.db report --html "rapport 1.html"
	expect_status 0 "report --html writes the page"
	expect_out_empty "and prints nothing on stdout"
	expect_err_has "wrote rapport 1.html" "but says on stderr what it wrote"
	if [ -s "rapport 1.html" ] && [ ! -e "rapport 1.html.tmp" ]; then ok "the page is there, no .tmp"; else not_ok "the page is there, no .tmp"; fi
	# self-contained: no script, no external reference (src/href to http, //, or a file)
	got=$($PY - "rapport 1.html" <<'EOF'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
bad = []
if "<script" in h.lower():
    bad.append("script")
for m in re.finditer(r'(?:src|href)\s*=\s*"([^"]*)"', h):
    if not m.group(1).startswith("#"):
        bad.append(m.group(1))
for sid in ["director", "charts", "org-chart", "settings", "sources", "definitions"]:
    if 'id="%s"' % sid not in h:
        bad.append("no #" + sid)
for sid in ["works-council", "policy-maker", "handover-graph"]:
    if 'id="%s"' % sid in h:
        bad.append("#%s without its data" % sid)
print("; ".join(bad) if bad else "self-contained")
EOF
)
	expect_eq "$got" "self-contained" "report.html: no script, no outside reference; only the org chart's sections"
	run --db s.db report --html /nonexistent-dir/r.html
	expect_status 73 "report --html into a missing directory: cannot create (73)"

	run --db s.db report --graph "org graph.svg"
	expect_status 0 "report --graph writes an SVG"
	if grep -q "<svg" "org graph.svg"; then ok "the org chart is an SVG"; else not_ok "the org chart is an SVG"; fi
	run --db s.db report --graph org.dot --by-unit
	expect_status 0 "report --graph .dot --by-unit"
	# 132 posts, no collapse (below 1,500): each post is a box (n<i>) or, with no reports of
	# its own, listed in its manager's box ("· name" lines, or "+N staff" when more than 6)
	got=$($PY - org.dot <<'EOF'
import re, sys
dot = open(sys.argv[1], encoding="utf-8").read()
boxes = len(re.findall(r'^\s*n[0-9]+\s*\[', dot, re.M))
listed = dot.count("\u00b7 ")
staff = sum(int(n) for n in re.findall(r'\+([0-9]+) staff', dot))
print(boxes + listed + staff, "posts", "boxes < 132" if boxes < 132 else "no folding")
EOF
)
	expect_eq "$got" "132 posts boxes < 132" "every post is a box or listed in its manager's box"
	if grep -q "subgraph cluster_u0" org.dot; then ok "units are clusters"; else not_ok "units are clusters"; fi
	run --db s.db report --graph sub.dot --root 68
	expect_status 0 "report --graph --root ID"
	run --db s.db report --graph sub.dot --root nobody
	expect_status 64 "--root with an unknown id is a usage error"
	run --db s.db report --handover-graph h.svg
	expect_status 66 "--handover-graph without case logs: input missing (66)"
	expect_err_has "no case log imported" "the message says so"
else
	ok "# SKIP no org importer in this build yet"
fi

done_testing
