#!/usr/bin/python3
"""Independent computation of `maatlat handovers --json` figures (METRICS.md §3), for the
cross-checks in test_cases.sh. Shares no code with maatlat: XES through xml.etree, CSV through
pandas, per-case loops in plain Python, percentiles with numpy's default (linear) method.

usage: xcheck_handovers.py [--org ORG.csv] [--pattern RE] FILE [MAAT_JSON [MAX_HANDOVERS IDLE_DAYS]]
With --org (generic id,manager,... CSV; resources matched by id), also the escalations.
--pattern: the approval pattern (default METRICS.md §3's words at the start of a word; '' =
no sign-offs); ping-pong and returns are counted on work segments, sign-off round trips apart.
Prints the figures as JSON; with MAAT_JSON (maatlat's output) compares and exits 1 on a
difference, naming it."""
import json
import re
import sys
import xml.etree.ElementTree as ET
from datetime import datetime

import numpy as np
import pandas as pd


def read_xes(path):
    cases = {}
    order = []
    seq = 0
    for _, el in ET.iterparse(path, events=("end",)):
        tag = el.tag.split("}")[-1]
        if tag != "trace":
            continue
        cid = None
        evs = []
        for child in el:
            ctag = child.tag.split("}")[-1]
            if ctag == "event":
                a = {c.get("key"): c.get("value") for c in child}
                t = datetime.fromisoformat(a["time:timestamp"].replace("Z", "+00:00"))
                evs.append((t.timestamp(), seq, a["concept:name"], a.get("org:resource") or None))
                seq += 1
            elif child.get("key") == "concept:name":
                cid = child.get("value")
        el.clear()
        order.append(cid)
        cases[cid] = evs
    return [(c, sorted(cases[c], key=lambda e: (e[0], e[1]))) for c in order]


def read_csv(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    # bench/gen_cases writes case_id,activity,timestamp,resource
    df = df.rename(columns={"case_id": "case:concept:name", "activity": "concept:name",
                            "timestamp": "time:timestamp", "resource": "org:resource"})
    df["_t"] = pd.to_datetime(df["time:timestamp"], utc=True).map(lambda t: t.timestamp())
    df["_seq"] = range(len(df))
    df = df.sort_values(["_t", "_seq"], kind="mergesort")
    out = []
    for cid, g in df.groupby("case:concept:name", sort=False):
        out.append((cid, [(r[1], r[2], r[3], r[4] or None) for r in
                          g[["_t", "_seq", "concept:name", "org:resource"]].itertuples()]))
    return out


DEFAULT_PATTERN = ("(^|[^0-9A-Za-z])(paraaf|paraf|akkoord|goedkeur|fiat|approv|sign[- ]?off|"
                   "onderteken)")


def work_segments(evs, pattern):
    """METRICS.md §3: owner segments without those holding only sign-offs, neighbours of one
    owner merged; a removed segment between two segments of one owner is a round trip."""
    pat = re.compile(pattern, re.I) if pattern else None
    osegs = []
    for e in evs:
        if e[3] is None:
            continue
        sig = bool(pat and pat.search(e[2]))
        if osegs and osegs[-1][0] == e[3]:
            osegs[-1][1] = osegs[-1][1] and sig
        else:
            osegs.append([e[3], sig])
    work, rt = [], 0
    for i, (o, sig) in enumerate(osegs):
        if sig:
            rt += 0 < i < len(osegs) - 1 and osegs[i - 1][0] == osegs[i + 1][0]
        elif not work or work[-1] != o:
            work.append(o)
    return work, rt


def figures(cases, max_handovers=2, idle_days=14, pattern=DEFAULT_PATTERN):
    f = dict(cases=0, events=0, events_without_resource=0, successions=0, self_successions=0,
             handovers=0, cases_without_handover=0, cases_finished_by_picker=0,
             pingpong_cases=0, pingpong=0, returns=0, signoff_roundtrips=0, cases_over_max=0,
             idle_cases=0)
    pairs = {}
    thr = []
    per_case = {}
    for cid, evs in cases:
        f["cases"] += 1
        f["events"] += len(evs)
        res = [e[3] for e in evs if e[3] is not None]
        f["events_without_resource"] += len(evs) - len(res)
        seen = set()
        for a, b in zip(res, res[1:]):
            p = pairs.setdefault((a, b), [0, 0])
            p[0] += 1
            if (a, b) not in seen:
                seen.add((a, b))
                p[1] += 1
            f["successions"] += 1
            f["self_successions"] += a == b
        segs = [r for i, r in enumerate(res) if i == 0 or res[i - 1] != r]
        h = max(len(segs) - 1, 0)
        per_case[cid] = h
        f["handovers"] += h
        f["cases_without_handover"] += h == 0
        f["cases_finished_by_picker"] += bool(segs) and segs[0] == segs[-1]
        work, rt = work_segments(evs, pattern)
        pp = sum(1 for j in range(len(work) - 2) if work[j] == work[j + 2])
        f["pingpong"] += pp
        f["pingpong_cases"] += pp > 0
        f["returns"] += sum(1 for j in range(len(work)) if work[j] in work[:j])
        f["signoff_roundtrips"] += rt
        f["cases_over_max"] += h > max_handovers
        ts = [e[0] for e in evs]
        gaps = [b - a for a, b in zip(ts, ts[1:])]
        f["idle_cases"] += bool(gaps) and max(gaps) > idle_days * 86400
        thr.append((ts[-1] - ts[0]) / 86400)
    f["handovers_mean"] = f["handovers"] / f["cases"] if f["cases"] else None
    f["throughput_days"] = dict(median=float(np.percentile(thr, 50)),
                                p90=float(np.percentile(thr, 90)), max=float(max(thr)))
    # PM4Py's relative value: over the sum over cases of (events - 1)
    denom = sum(len(evs) - 1 for _, evs in cases)
    f["pairs"] = [dict(zip(("from", "to", "count", "cases", "relative"),
                           (a, b, c, k, c / denom if denom else None)))
                  for (a, b), (c, k) in sorted(pairs.items(), key=lambda x: (-x[1][0], x[0]))]
    f["per_case_handovers"] = per_case
    return f


def escalations(cases, org_path):
    """up/down/sideways/unknown of every handover, from the org chart's manager links."""
    org = pd.read_csv(org_path, dtype=str, keep_default_na=False)
    parent = {r.id.lower(): r.manager.lower() for r in org.itertuples()}

    def ancestors(x):
        seen = []
        while parent.get(x) and parent[x] not in seen:
            x = parent[x]
            seen.append(x)
        return seen

    e = dict(up=0, down=0, sideways=0, unknown=0, same_person=0)
    for _, evs in cases:
        res = [ev[3] for ev in evs if ev[3] is not None]
        for a, b in zip(res, res[1:]):
            if a == b:
                continue
            a, b = a.lower(), b.lower()
            if a not in parent or b not in parent:
                e["unknown"] += 1
            elif a == b:
                e["same_person"] += 1
            elif b in ancestors(a):
                e["up"] += 1
            elif a in ancestors(b):
                e["down"] += 1
            else:
                e["sideways"] += 1
    return e


def main():
    org_path = None
    pattern = DEFAULT_PATTERN
    while sys.argv[1] in ("--org", "--pattern"):
        if sys.argv[1] == "--org":
            org_path = sys.argv[2]
        else:
            pattern = sys.argv[2]
        del sys.argv[1:3]
    path = sys.argv[1]
    cases = read_xes(path) if path.endswith(".xes") else read_csv(path)
    if len(sys.argv) >= 5:
        f = figures(cases, int(sys.argv[3]), float(sys.argv[4]), pattern)
    else:
        f = figures(cases, pattern=pattern)
    if org_path:
        f["escalations"] = escalations(cases, org_path)
    if len(sys.argv) < 3:
        print(json.dumps(f, indent=1))
        return 0
    with open(sys.argv[2]) as fh:
        m = json.load(fh)
    bad = []
    for k, v in f.items():
        if k == "per_case_handovers":
            continue
        elif k == "escalations":
            if v != m[k]:
                bad.append(f"escalations: python {v} maatlat {m[k]}")
        elif k == "throughput_days":
            for q in v:
                if abs(v[q] - m[k][q]) > 1e-6:
                    bad.append(f"{k}.{q}: python {v[q]} maatlat {m[k][q]}")
        elif k == "pairs":
            keys = ("from", "to", "count", "cases")
            mp = [{x: p[x] for x in keys} for p in m[k]]
            vp = [{x: p[x] for x in keys} for p in v]
            if mp != vp:
                bad.append(f"pairs differ: python {vp} maatlat {mp}")
            elif any(abs(p["relative"] - q["relative"]) > 1e-9 for p, q in zip(v, m[k])):
                bad.append("pairs: relative values differ")
        elif isinstance(v, float):
            if abs(v - m[k]) > 1e-9:
                bad.append(f"{k}: python {v} maatlat {m[k]}")
        elif v != m[k]:
            bad.append(f"{k}: python {v} maatlat {m[k]}")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
