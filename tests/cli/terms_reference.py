#!/usr/bin/python3
"""Independent reference for `maatlat terms --json` (METRICS.md section 5), written again from
the definitions with the csv, re, datetime and zoneinfo modules; no maatlat code.

  terms_reference.py [--tz ZONE] [--warn-days D] [--terms TERMS.csv] [--holidays FILE]
                     [--org ORG.csv@YYYY-MM-DD ...] CASES.csv

Cases: events grouped by case id, ordered by timestamp (ties by file order); the case type is
the zaaktype (or case:type) column. A terms row per type (`*` for every other type; no row at
all: 56 calendar days, first to last event). Start = the first event matching the start pattern
(else the first event); end = the first event from the start on matching the end pattern (else
the last event; with an end pattern and no match the case is open and runs to the newest event
of the log). Suspended from a suspend event to the next resume event (without a resume
pattern: the next event that does not match the suspend pattern), or to the end. Working days:
every local day that is not a Saturday, Sunday or holiday counts 1, a part of one counts the
part of that day's own length. Unit: of the first owner (first event with a resource), looked
up by id, e-mail or name in the org snapshot in force at the start's local date (the latest
on or before it, else the earliest). Percentiles: numpy's linear method, written out.
Prints the JSON object with the keys of `terms --json` that the test compares.

With --case-months it prints instead the `case_months` of `trend --json` (METRICS.md section 6):
per local month of the case's start, cases, handovers per case (owner segments - 1),
ping-pong share (cases with an A->B->A: with --pingpong work, in the work segments of
METRICS.md section 3: owner segments without those that hold only sign-off events, neighbours
of one owner merged; with --pingpong owner, in the owner segments, as PM4Py-style tools and
`handovers` on main in December 2026 count), median throughput (last - first event, days) and
the share of closed cases over their term.
"""
import argparse
import csv
import datetime as dt
import json
import re
import sys
from zoneinfo import ZoneInfo

UTC = dt.timezone.utc


def parse_ts(s):
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC)


def term_days(s):
    m = re.fullmatch(r"(\d+)\s*(w|wk|week|weeks|weken|d|day|days|dag|dagen)?", s.strip(), re.I)
    n = int(m.group(1))
    return n * 7 if m.group(2) and m.group(2).lower().startswith("w") else n


def read_terms(path):
    rules = {}
    if path is None:
        return rules
    with open(path, newline="", encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            kind = (r.get("day_kind") or "").strip().lower()
            working = kind in ("working", "working days", "work", "werkdagen", "werkdag",
                               "business", "business days")
            pats = {}
            for k in ("start", "end", "suspend", "resume"):
                v = (r.get(k) or "").strip()
                pats[k] = re.compile(v, re.I) if v else None
            rules[r["case_type"].strip().lower()] = dict(
                term=term_days(r["term_days"]), working=working, **pats)
    return rules


def read_holidays(path):
    days = set()
    if path is None:
        return days
    for line in open(path, encoding="utf-8-sig"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        tok = re.split(r"[,;\t ]", line)[0]
        try:
            days.add(dt.date.fromisoformat(tok))
        except ValueError:
            pass
    return days


def local_date(t, tz):
    return t.astimezone(tz).date()


def day_bounds(d, tz):
    a = dt.datetime(d.year, d.month, d.day, tzinfo=tz).astimezone(UTC)
    n = d + dt.timedelta(days=1)
    b = dt.datetime(n.year, n.month, n.day, tzinfo=tz).astimezone(UTC)
    return a, b


def measure(a, b, working, tz, holidays):
    """Days between instants a and b (calendar: seconds / 86400)."""
    if b <= a:
        return 0.0
    if not working:
        return (b - a).total_seconds() / 86400.0
    total = 0.0
    d = local_date(a, tz)
    last = local_date(b, tz)
    while d <= last:
        if d.weekday() < 5 and d not in holidays:
            s, e = day_bounds(d, tz)
            lo, hi = max(a, s), min(b, e)
            if hi > lo:
                total += (hi - lo).total_seconds() / (e - s).total_seconds()
        d += dt.timedelta(days=1)
    return total


def pct(xs, p):
    if not xs:
        return None
    xs = sorted(xs)
    h = (len(xs) - 1) * p
    lo = int(h)
    if lo + 1 >= len(xs):
        return xs[-1]
    return xs[lo] + (h - lo) * (xs[lo + 1] - xs[lo])


def read_org(spec):
    path, _, as_of = spec.partition("@")
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    look = {}
    for key in ("id", "email", "name"):
        seen = {}
        for r in rows:
            v = (r.get(key) or "").strip().lower()
            if v:
                seen.setdefault(v, []).append(r)
        for v, rs in seen.items():
            ids = {x["id"].strip() for x in rs}
            if v not in look and len(ids) == 1:
                look[v] = rs[0]
    return as_of, look


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tz", default="Europe/Amsterdam")
    ap.add_argument("--warn-days", type=float, default=7)
    ap.add_argument("--terms")
    ap.add_argument("--holidays")
    ap.add_argument("--org", action="append", default=[])
    ap.add_argument("--case-months", action="store_true")
    ap.add_argument("--pingpong", choices=("owner", "work"), default="work")
    ap.add_argument("--approval-pattern", default="paraaf|parafe|akkoord|goedkeur|fiat|approv|sign")
    ap.add_argument("cases")
    a = ap.parse_args()
    tz = ZoneInfo(a.tz)
    rules = read_terms(a.terms)
    holidays = read_holidays(a.holidays)
    orgs = sorted(read_org(s) for s in a.org)
    cases, order = {}, []
    with open(a.cases, newline="", encoding="utf-8-sig") as f:
        for i, r in enumerate(csv.DictReader(f)):
            cid = r["case_id"]
            if cid not in cases:
                cases[cid] = {"type": None, "events": []}
                order.append(cid)
            typ = (r.get("zaaktype") or r.get("case:type") or "").strip()
            if typ and cases[cid]["type"] is None:
                cases[cid]["type"] = typ
            cases[cid]["events"].append((parse_ts(r["timestamp"]), i, r["activity"],
                                         (r.get("resource") or "").strip()))
    log_end = max(e[0] for c in cases.values() for e in c["events"])
    default = dict(term=56, working=False, start=None, end=None, suspend=None, resume=None)
    if "*" in rules:
        default = rules["*"]
    out = []
    for cid in order:
        c = cases[cid]
        ev = sorted(c["events"], key=lambda e: (e[0], e[1]))
        rule = rules.get((c["type"] or "").lower(), default)
        si = 0
        if rule["start"] is not None:
            hits = [i for i, e in enumerate(ev) if rule["start"].search(e[2])]
            si = hits[0] if hits else 0
        is_open = False
        if rule["end"] is not None:
            hits = [i for i in range(si, len(ev)) if rule["end"].search(ev[i][2])]
            if hits:
                ei = hits[0]
            else:
                is_open = True
        else:
            ei = len(ev) - 1
        start = ev[si][0]
        end = log_end if is_open else ev[ei][0]
        lim = len(ev) if is_open else ei
        susp, since = 0.0, None
        if rule["suspend"] is not None:
            for i in range(si, lim):
                act = ev[i][2]
                is_s = bool(rule["suspend"].search(act))
                if since is None and is_s:
                    since = ev[i][0]
                elif since is not None:
                    resumes = bool(rule["resume"].search(act)) if rule["resume"] else not is_s
                    if resumes:
                        susp += measure(since, ev[i][0], rule["working"], tz, holidays)
                        since = None
            if since is not None:
                susp += measure(since, end, rule["working"], tz, holidays)
        lead = max(measure(start, end, rule["working"], tz, holidays) - susp, 0.0)
        owner = next((e[3] for e in ev if e[3]), None)
        unit = None
        if owner and orgs:
            day = local_date(start, tz).isoformat()
            snap = orgs[0]
            for s in orgs:
                if s[0] <= day:
                    snap = s
            row = snap[1].get(owner.lower())
            if row and (row.get("unit") or "").strip():
                unit = row["unit"].strip()
        # handovers, ping-pong and throughput (METRICS.md section 3)
        appr = re.compile(a.approval_pattern, re.I)
        segs = []
        for e in ev:
            if not e[3]:
                continue
            r = e[3].lower()
            if segs and segs[-1][0] == r:
                segs[-1][1] = segs[-1][1] and bool(appr.search(e[2]))
            else:
                segs.append([r, bool(appr.search(e[2]))])
        work = []
        for r, only_signoff in segs:
            if only_signoff:
                continue
            if work and work[-1] == r:
                continue
            work.append(r)
        if a.pingpong == "owner":
            work = [r for r, _ in segs]
        pingpong = any(work[j] == work[j + 2] for j in range(len(work) - 2))
        thr = (ev[-1][0] - ev[0][0]).total_seconds() / 86400.0
        out.append(dict(case=cid, type=c["type"], term=rule["term"], handovers=max(len(segs) - 1, 0),
                        pingpong=pingpong, thr=thr,
                        kind="working" if rule["working"] else "calendar", lead=lead,
                        susp=susp, open=is_open, over=lead > rule["term"],
                        month=local_date(start, tz).strftime("%Y-%m"),
                        unit=unit or "(unknown)"))

    def group(cs):
        closed = [x for x in cs if not x["open"]]
        over = [x for x in closed if x["over"]]
        leads = [x["lead"] for x in closed]
        return dict(cases=len(cs), closed_cases=len(closed), open_cases=len(cs) - len(closed),
                    over_term=len(over),
                    share_over_term=len(over) / len(closed) if closed else None,
                    median_days=pct(leads, 0.5), p90_days=pct(leads, 0.9),
                    mean_days_over=(sum(x["lead"] - x["term"] for x in over) / len(over)
                                    if over else None),
                    open_over_term=sum(1 for x in cs if x["open"] and x["over"]))

    def by(key, name):
        res = []
        for v in sorted({x[key] for x in out}):
            g = group([x for x in out if x[key] == v])
            g[name] = v
            res.append(g)
        return res

    if a.case_months:
        months = []
        for m in sorted({x["month"] for x in out}):
            cs = [x for x in out if x["month"] == m]
            closed = [x for x in cs if not x["open"]]
            months.append(dict(
                month=m, cases=len(cs),
                handovers_per_case=sum(x["handovers"] for x in cs) / len(cs),
                pingpong_share=sum(1 for x in cs if x["pingpong"]) / len(cs),
                throughput_median_days=pct([x["thr"] for x in cs], 0.5),
                share_over_term=(sum(1 for x in closed if x["over"]) / len(closed)
                                 if closed else None)))
        json.dump(dict(case_months=months), sys.stdout, indent=1)
        print()
        return
    for x in out:
        x["type_name"] = x["type"] or "(none)"
    tot = group(out)
    closed = [x["lead"] for x in out if not x["open"]]
    types = by("type_name", "case_type")
    for g in types:
        x = next(y for y in out if y["type_name"] == g["case_type"])
        g["term_days"], g["day_kind"] = x["term"], x["kind"]
    res = dict(
        default_term_days=default["term"], cases=tot["cases"], closed_cases=tot["closed_cases"],
        open_cases=tot["open_cases"], over_term=tot["over_term"],
        share_over_term=tot["share_over_term"],
        lead_time_days=dict(median=pct(closed, 0.5), p90=pct(closed, 0.9),
                            max=max(closed) if closed else None),
        mean_days_over=tot["mean_days_over"], open_over_term=tot["open_over_term"],
        open_near_term=sum(1 for x in out if x["open"] and not x["over"]
                           and x["term"] - x["lead"] <= a.warn_days),
        by_case_type=types, by_unit=by("unit", "unit"), by_month=by("month", "month"),
        cases_over_term=sorted(
            [dict(case=x["case"], case_type=x["type"], lead_time_days=x["lead"],
                  days_over=x["lead"] - x["term"], suspended_days=x["susp"], open=x["open"])
             for x in out if x["over"]], key=lambda y: y["case"]))
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
