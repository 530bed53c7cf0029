#!/usr/bin/python3
"""Splits a case log into overlapping parts, as case systems export month by month: the
log's months are cut into at most MAX_PARTS windows of whole months, and every window also
holds the week before it (a week of overlap); a log of under three months is cut into windows
of days with two days of overlap. Cases that run across a boundary are cut across
parts; rows keep their file order, repeated rows stay repeated.

usage: split_caselog.py FILE OUTDIR [MAX_PARTS]
CSV (any of maatlat's timestamp column names) or XES in, the same format out; prints the part
file names, one a line."""
import csv
import os
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

TIME_COLS = ("time:timestamp", "timestamp", "tijdstip")


def parse_time(v):
    t = datetime.fromisoformat(v.strip().replace("Z", "+00:00"))
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def windows(times, max_parts):
    first, last = min(times), max(times)
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if months < 3:
        # a log of a few weeks: windows of days, two days of overlap
        days = (last - first).days + 1
        per = -(-days // max_parts)
        day0 = datetime(first.year, first.month, first.day, tzinfo=timezone.utc)
        return [(day0 + timedelta(days=k * per - 2), day0 + timedelta(days=(k + 1) * per))
                for k in range(max_parts)]
    per = -(-months // max_parts)
    out = []
    y, m = first.year, first.month
    while datetime(y, m, 1, tzinfo=timezone.utc) <= last:
        start = datetime(y, m, 1, tzinfo=timezone.utc)
        m2 = m + per
        y2, m2 = y + (m2 - 1) // 12, (m2 - 1) % 12 + 1
        end = datetime(y2, m2, 1, tzinfo=timezone.utc)
        out.append((start - timedelta(days=7), end))
        y, m = y2, m2
    return out


def split_csv(path, outdir, max_parts):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        rows = list(csv.reader(fh, dialect))
    header, body = rows[0], rows[1:]
    col = next(i for i, h in enumerate(header) if h.strip().lower() in TIME_COLS)
    times = [parse_time(r[col]) for r in body]
    names = []
    base = os.path.splitext(os.path.basename(path))[0]
    for k, (lo, hi) in enumerate(windows(times, max_parts)):
        name = os.path.join(outdir, "%s.part%d.csv" % (base, k))
        with open(name, "w", newline="", encoding="utf-8") as out:
            w = csv.writer(out, dialect)
            w.writerow(header)
            for r, t in zip(body, times):
                if lo <= t < hi:
                    w.writerow(r)
        names.append(name)
    return names


def split_xes(path, outdir, max_parts):
    tree = ET.parse(path)
    root = tree.getroot()
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if ns:
        ET.register_namespace("", ns)
    q = (lambda t: "{%s}%s" % (ns, t)) if ns else (lambda t: t)

    def ev_time(ev):
        for a in ev:
            if a.get("key") == "time:timestamp":
                return parse_time(a.get("value"))
        raise ValueError("event without time:timestamp")

    times = [ev_time(ev) for tr in root.iter(q("trace")) for ev in tr.findall(q("event"))]
    names = []
    base = os.path.splitext(os.path.basename(path))[0]
    for k, (lo, hi) in enumerate(windows(times, max_parts)):
        part = ET.parse(path).getroot()
        for tr in list(part.findall(q("trace"))):
            for ev in list(tr.findall(q("event"))):
                if not lo <= ev_time(ev) < hi:
                    tr.remove(ev)
            if not tr.findall(q("event")):
                part.remove(tr)
        name = os.path.join(outdir, "%s.part%d.xes" % (base, k))
        ET.ElementTree(part).write(name, encoding="utf-8", xml_declaration=True)
        names.append(name)
    return names


def main():
    path, outdir = sys.argv[1], sys.argv[2]
    max_parts = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    split = split_xes if path.endswith(".xes") else split_csv
    for n in split(path, outdir, max_parts):
        print(n)


if __name__ == "__main__":
    main()
