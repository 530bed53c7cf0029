#!/bin/sh
# Rebuilds every file of the example municipality "Gemeente Voorbeeld" from the deterministic
# generators in bench/ (fixed seeds: the same build gives the same bytes). The committed files
# must be exactly what this script writes; tests/cli/test_demo.sh checks that.
#
# usage: examples/generate.sh [BUILD_DIR [OUT_DIR]]   (defaults: build, this directory)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
out=${2:-$here}
gen=$build/bench
for g in gen_org gen_calendar gen_cases; do
	if [ ! -x "$gen/$g" ]; then
		echo "generate.sh: $gen/$g is missing (build with -Dbench=true)" >&2
		exit 66
	fi
done
mkdir -p "$out"

# 400 people: the gemeentesecretaris, eight afdelingen of the sizes below, at most 7 layers,
# and one pass-through chain (two managers of one whose one report manages in turn).
units="Beleid en Strategie:45|Vergunningen en Handhaving:70|Sociaal Domein:90|Publiekszaken:40"
units="$units|Openbare Ruimte:64|Bedrijfsvoering:35|Financiën:25|Informatievoorziening:30"
"$gen/gen_org" --seed 79 --email --domain voorbeeld.nl --unit-names "$units" \
	--max-layers 7 --pass-through 2 --out "$out/org.csv"

# who signs which decision: by title, by layer and by id
cat >"$out/mandates.csv" <<'MANDATES'
decision_type,holder
omgevingsvergunning,title:Afdelingshoofd
evenementenvergunning,layer:3
apv-vergunning,title:Teamleider
bezwaar,id:1
subsidie,layer:2
MANDATES

# eight weeks of calendars: the policy department and the management team
rm -rf "$out/calendars"
"$gen/gen_calendar" --org-in "$out/org.csv" --unit "Beleid en Strategie" --weeks 8 \
	--start 2025-09-01 --seed 7 --out "$out/calendars"

# six months of permit cases picked up by the staff of Vergunningen en Handhaving, with advice
# asked of Openbare Ruimte and Publiekszaken now and then; the
# omgevingsvergunning comes twice in the list: twice as often
"$gen/gen_cases" --org-in "$out/org.csv" --org-unit "Vergunningen en Handhaving|Openbare Ruimte|Publiekszaken" --case-type \
	--case-types "omgevingsvergunning|omgevingsvergunning|evenementenvergunning|apv-vergunning|bezwaar" \
	--cases 800 --events 8 --handover-rate 0.2 --seed 1 --start 2025-01-01 --days 182 \
	--csv "$out/cases.csv"
