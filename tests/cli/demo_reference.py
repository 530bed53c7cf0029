#!/usr/bin/python3
"""Independent references for the figures `maatlat demo` prints that the other reference scripts
do not compute (no maatlat code, the rules of METRICS.md written again with the csv module,
icalendar and recurring_ical_events). Each mode prints one JSON object.

  demo_reference.py signoff ORG.csv MANDATES.csv
      per decision type: mean and max chain and initials (max(chain - 1, 0)), people without
      a holder left out and counted (no_holder), where chain(p) = layer(p) - layer(holder) and the
      holder is the first node walking up from p itself that matches the rule (layer:N = the
      ancestor at layer N, 0 when p is at layer N or above; title:T = title equal, ignoring
      case; id:I = that node); no match = the root. Also the chain to the top (layer - 1).
  demo_reference.py meetings ORG.csv PERSON_WEEKS.tsv [CAP]
      from tests/tools/ics_person_weeks.py output: cap = CAP (12) x FTE of the person's e-mail
      in the org chart (1.0 when unknown); persons, person-weeks, over the cap (hours > cap).
  demo_reference.py series MIN_ATTENDEES FROM TO FILE.ics...
      per UID (one instance per UID and start across files): instances that are meetings
      (not cancelled or transparent, > 0 and <= 8 h, >= 2 attending), person-hours = sum of
      hours x attending participants; the recurring series (>= 2 instances) with the most
      person-hours among those with at least MIN_ATTENDEES attending on average; also the
      default window of METRICS.md §2: from the Monday of the first instance's week to the
      Sunday ending the last full ISO week before the export (the newest DTSTAMP), in
      Europe/Amsterdam.
  demo_reference.py escalations ORG.csv CASES.csv
      handovers (consecutive events of a case by time, ties by file order, resource a != b)
      by direction: up = b is an ancestor of a, down = b is a descendant of a, sideways
      otherwise, unknown = a or b not an id of the chart.
"""
import csv
import datetime as dt
import json
import sys
from collections import defaultdict
from zoneinfo import ZoneInfo


def read_org(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    nodes = {r["id"].strip(): r for r in rows}
    parent = {i: (r["manager"].strip() or None) for i, r in nodes.items()}
    layer = {}
    for i in nodes:
        d, cur = 1, i
        while parent[cur] is not None:
            cur = parent[cur]
            d += 1
        layer[i] = d
    return nodes, parent, layer


def signoff(org_path, mandates_path):
    nodes, parent, layer = read_org(org_path)
    with open(mandates_path, newline="", encoding="utf-8-sig") as f:
        mandates = list(csv.DictReader(f))
    types = []
    for m in mandates:
        kind, _, value = m["holder"].partition(":")
        kind = kind.strip().lower()
        value = value.strip()
        chains = []
        for p in nodes:
            holder, cur = None, p
            while cur is not None:
                if kind == "layer" and layer[cur] < int(value):
                    break  # above the holder's layer: no holder (METRICS.md section 1)
                if kind == "layer" and layer[cur] == int(value):
                    holder = cur
                    break
                if kind == "title" and nodes[cur]["title"].strip().lower() == value.lower():
                    holder = cur
                    break
                if kind == "id" and cur == value:
                    holder = cur
                    break
                cur = parent[cur]
            if holder is not None:  # no holder: counted apart, left out of the means
                chains.append(layer[p] - layer[holder])
        initials = [max(c - 1, 0) for c in chains]
        types.append({"decision_type": m["decision_type"], "holder": m["holder"],
                      "no_holder": len(nodes) - len(chains),
                      "chain_mean": sum(chains) / len(chains) if chains else None,
                      "chain_max": max(chains) if chains else None,
                      "initials_mean": sum(initials) / len(initials) if initials else None,
                      "initials_max": max(initials) if initials else None})
    top = [layer[p] - 1 for p in nodes]
    print(json.dumps({"decision_types": types, "chain_to_top_mean": sum(top) / len(top),
                      "chain_to_top_max": max(top)}))


def meetings(org_path, tsv_path, cap=12.0):
    nodes, _, _ = read_org(org_path)
    fte = {r["email"].strip().lower(): float(r["fte"].replace(",", ".") or 1) for r in nodes.values()}
    persons, weeks, over = set(), 0, defaultdict(int)
    with open(tsv_path) as f:
        for line in f:
            person, week, hours, booked = line.rstrip("\n").split("\t")
            persons.add(person)
            weeks += 1
            if float(hours) > cap * fte.get(person, 1.0) + 1e-9:
                over[person] += 1
    print(json.dumps({"persons": len(persons), "person_weeks": weeks,
                      "over_cap_person_weeks": sum(over.values()), "people_over_cap": len(over)}))


def series(min_attendees, frm, to, files):
    import icalendar
    import recurring_ical_events
    tz = ZoneInfo("Europe/Amsterdam")
    w0 = dt.datetime.combine(dt.date.fromisoformat(frm), dt.time(), tz)
    w1 = dt.datetime.combine(dt.date.fromisoformat(to) + dt.timedelta(days=1), dt.time(), tz)
    seen = set()
    first, last, stamp = None, None, None
    ser = defaultdict(lambda: {"instances": 0, "hours": 0.0, "attendees": 0, "summary": None})
    for path in files:
        with open(path, "rb") as f:
            cals = icalendar.Calendar.from_ical(f.read(), multiple=True)
        for cal in cals:
            for comp in cal.walk("VEVENT"):
                if comp.get("DTSTAMP") is not None:
                    t = comp.get("DTSTAMP").dt
                    stamp = t if stamp is None or t > stamp else stamp
            for ev in recurring_ical_events.of(cal).between(w0, w1):
                st = ev.get("DTSTART").dt
                en = ev.get("DTEND").dt if ev.get("DTEND") is not None else st + ev.get("DURATION").dt
                uid = str(ev.get("UID"))
                if (uid, st.timestamp()) in seen:
                    continue
                seen.add((uid, st.timestamp()))
                d0, d1 = st.astimezone(tz).date(), en.astimezone(tz).date()
                first = d0 if first is None or d0 < first else first
                last = d1 if last is None or d1 > last else last
                if str(ev.get("STATUS", "")).upper() == "CANCELLED" or \
                   str(ev.get("TRANSP", "")).upper() == "TRANSPARENT":
                    continue
                parts = {}
                org = ev.get("ORGANIZER")
                if org is not None:
                    parts[str(org).lower().replace("mailto:", "")] = "ACCEPTED"
                att = ev.get("ATTENDEE") or []
                if not isinstance(att, list):
                    att = [att]
                for a in att:
                    parts[str(a).lower().replace("mailto:", "")] = str(a.params.get("PARTSTAT", "ACCEPTED")).upper()
                who = [p for p, s in parts.items() if s != "DECLINED"]
                hours = (en - st).total_seconds() / 3600
                if hours <= 0 or hours > 8 or len(who) < 2:
                    continue
                s = ser[uid]
                s["instances"] += 1
                s["hours"] += hours * len(who)
                s["attendees"] += len(who)
                s["summary"] = str(ev.get("SUMMARY"))
    best = None
    for uid, s in sorted(ser.items(), key=lambda kv: (-kv[1]["hours"], kv[0])):
        if s["instances"] >= 2 and s["attendees"] / s["instances"] >= min_attendees:
            best = {"uid": uid, "summary": s["summary"], "instances": s["instances"],
                    "person_hours": s["hours"], "mean_attendees": s["attendees"] / s["instances"]}
            break
    first = first - dt.timedelta(days=first.weekday())
    sd = stamp.astimezone(tz).date()
    last = sd - dt.timedelta(days=sd.weekday() + 1)
    print(json.dumps({"series": best, "first": str(first), "last": str(last)}))


def escalations(org_path, cases_path):
    nodes, parent, _ = read_org(org_path)

    def ancestors(x):
        out = set()
        while parent[x] is not None:
            x = parent[x]
            out.add(x)
        return out

    with open(cases_path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    by_case = defaultdict(list)
    for n, r in enumerate(rows):
        t = dt.datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00"))
        by_case[r["case_id"]].append((t, n, r["resource"]))
    out = {"up": 0, "down": 0, "sideways": 0, "unknown": 0}
    for evs in by_case.values():
        evs.sort()
        res = [e[2] for e in evs if e[2]]
        for a, b in zip(res, res[1:]):
            if a == b:
                continue
            if a not in nodes or b not in nodes:
                out["unknown"] += 1
            elif b in ancestors(a):
                out["up"] += 1
            elif a in ancestors(b):
                out["down"] += 1
            else:
                out["sideways"] += 1
    print(json.dumps(out))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "signoff":
        signoff(sys.argv[2], sys.argv[3])
    elif mode == "meetings":
        meetings(sys.argv[2], sys.argv[3], float(sys.argv[4]) if len(sys.argv) > 4 else 12.0)
    elif mode == "escalations":
        escalations(sys.argv[2], sys.argv[3])
    elif mode == "series":
        series(float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5:])
    else:
        sys.exit("unknown mode " + mode)
