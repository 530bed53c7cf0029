#!/bin/sh
# The demo's HTML report in a real browser (headless Chromium, tests/browser/check_report.py):
# no console error, no network request, the figures equal `maatlat CMD --json`, accessibility
# basics, one screenshot per section into $MAAT_SHOTS (the build folder), in English and Dutch.
# Skips (77) without chromium.
set -u
PY=/usr/bin/python3
command -v chromium >/dev/null 2>&1 || { echo "SKIP: no chromium (tools/install-deps installs it)"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOURCE_DATE_EPOCH=1767225600
"$MAATLAT" -q demo --out "$T/demo" >/dev/null || { echo "maatlat demo failed"; exit 1; }
[ -s "$T/demo/report.html" ] || { echo "demo wrote no report.html"; exit 1; }
for c in layers meetings handovers signoff; do
	"$MAATLAT" --db "$T/demo/maatlat.db" "$c" --json >"$T/$c.json" || { echo "$c --json failed"; exit 1; }
done
status=0
$PY "$MAAT_SRCDIR/tests/browser/check_report.py" "$T/demo/report.html" "$MAAT_SHOTS" en \
	layers="$T/layers.json" meetings="$T/meetings.json" handovers="$T/handovers.json" \
	signoff="$T/signoff.json" || status=1
# the same in Dutch: decimal commas, never "ontlagen"
LANGUAGE=nl LC_ALL=C.UTF-8 "$MAATLAT" -q --db "$T/demo/maatlat.db" report --html "$T/rapport.html" ||
	{ echo "report --html in Dutch failed"; exit 1; }
$PY "$MAAT_SRCDIR/tests/browser/check_report.py" "$T/rapport.html" "$MAAT_SHOTS" nl \
	layers="$T/layers.json" meetings="$T/meetings.json" handovers="$T/handovers.json" \
	signoff="$T/signoff.json" || status=1
exit $status
