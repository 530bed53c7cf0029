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
for g in gen_org gen_calendar gen_cases gen_snapshot; do
	if [ ! -x "$gen/$g" ]; then
		echo "generate.sh: $gen/$g is missing (build with -Dbench=true)" >&2
		exit 66
	fi
done
mkdir -p "$out"

# 400 people: the gemeentesecretaris, eight afdelingen of the sizes below, at most 7 layers,
# and one pass-through chain (two managers of one whose one report manages in turn); roles:
# managers manage, Beleid en Strategie makes policy, three afdelingen support, the rest
# executes (public service). This is the chart as of 1 January 2025.
units="Beleid en Strategie:45|Vergunningen en Handhaving:70|Sociaal Domein:90|Publiekszaken:40"
units="$units|Openbare Ruimte:64|Bedrijfsvoering:35|Financiën:25|Informatievoorziening:30"
"$gen/gen_org" --seed 79 --email --domain voorbeeld.nl --unit-names "$units" \
	--max-layers 7 --pass-through 2 --out "$out/org.csv" --roles \
	--policy-units "Beleid en Strategie" \
	--support-units "Bedrijfsvoering|Financiën|Informatievoorziening"

# the chart a year earlier (1 January 2024), before a delayering removed six coördinators and
# before 20 hired-in staff left; 5 policy advisers came later
"$gen/gen_snapshot" --org-in "$out/org.csv" --coordinators 6 --hired 20 --drop-policy 5 \
	--seed 2024 --out "$out/org-2024.csv"

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

# decision terms: 8 weeks for permits, the clock stopped while the applicant is asked for
# more documents (until the next step); objections 6 weeks (Awb 7:10); APV permits 15 working
# days; and the holidays of 2025
cat >"$out/terms.csv" <<'TERMS'
case_type,term_days,day_kind,start,end,suspend,resume
omgevingsvergunning,8w,calendar,,Besluit verzenden,Aanvullende gegevens,
evenementenvergunning,8w,calendar,,Besluit verzenden,Aanvullende gegevens,
apv-vergunning,15,working,,Besluit verzenden,,
bezwaar,6w,calendar,,Besluit verzenden,,
TERMS
cat >"$out/holidays.txt" <<'HOLIDAYS'
2025-01-01
2025-04-18
2025-04-20
2025-04-21
2025-04-26
2025-05-05
2025-05-29
2025-06-08
2025-06-09
2025-12-25
2025-12-26
HOLIDAYS
