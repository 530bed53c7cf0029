#!/usr/bin/python3
"""The reference for the workbook row of bench_reports.sh: the least a Python user pays to put
an org chart of N people into an .xlsx file: openpyxl (write-only mode, the fast one) copies the
CSV's rows into one sheet, numbers as numbers. No analysis at all, so maatlat's workbook (layers,
spans, managers, sign-off chains and a sheet per table) does more. Prints the data rows written
as JSON on stdout.

usage: workbook_reference.py ORG.csv OUT.xlsx"""
import csv
import json
import sys

import openpyxl

src, out = sys.argv[1], sys.argv[2]
wb = openpyxl.Workbook(write_only=True)
ws = wb.create_sheet("People")
rows = 0
with open(src, newline="", encoding="utf-8") as f:
    r = csv.reader(f)
    ws.append(next(r))
    for row in r:
        cells = []
        for v in row:
            try:
                cells.append(float(v) if v and v.lstrip("-").replace(".", "", 1).isdigit() else v)
            except ValueError:
                cells.append(v)
        ws.append(cells)
        rows += 1
wb.save(out)
json.dump({"rows": rows}, sys.stdout)
print()
