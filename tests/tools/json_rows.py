#!/usr/bin/python3
"""Prints the rows of `maatlat meetings --json` (stdin) as TSV: person, week, hours, booked."""
import json
import sys

for r in json.load(sys.stdin)["rows"]:
    print("%s\t%s\t%.4f\t%.4f" % (r["person"], r["week"], r["hours"], r["booked"]))
