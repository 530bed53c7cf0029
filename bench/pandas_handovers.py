#!/usr/bin/python3
"""The reference for bench_cases.sh: the figures of `maatlat handovers` (METRICS.md §3) from a
case-log CSV (case_id,activity,timestamp,resource), vectorised in pandas, as a careful analyst
would write them. Prints the figures as JSON, plus read and analysis seconds on stderr.

usage: pandas_handovers.py FILE.csv [MAX_HANDOVERS IDLE_DAYS]"""
import json
import sys
import time

import numpy as np
import pandas as pd

t0 = time.perf_counter()
path = sys.argv[1]
max_h = int(sys.argv[2]) if len(sys.argv) > 2 else 2
idle_days = float(sys.argv[3]) if len(sys.argv) > 3 else 14
df = pd.read_csv(path, dtype={"case_id": str, "activity": str, "resource": str})
t1 = time.perf_counter()

df["ts"] = pd.to_datetime(df["timestamp"], utc=True)
df["seq"] = np.arange(len(df))
# within a case by time, ties by file order; cases in order of first appearance
first = df.groupby("case_id", sort=False)["seq"].transform("min")
df = df.assign(first=first).sort_values(["first", "ts", "seq"], kind="stable")
case = df["case_id"].to_numpy()
ts = df["ts"].astype("int64").to_numpy() // 1_000_000  # ms
cases = pd.unique(case)
ncases = len(cases)
events = len(df)

# throughput and longest gap per case
g = df.groupby("first", sort=False)
thr_ms = (g["ts"].max() - g["ts"].min()).dt.total_seconds().to_numpy() * 1000
same = np.r_[False, case[1:] == case[:-1]]
gaps = np.where(same, np.r_[0, np.diff(ts)], 0)
maxgap = pd.Series(gaps).groupby(df["first"].to_numpy()).max()
idle_cases = int((maxgap > idle_days * 86400000).sum())

# successions among resource-bearing events
has = df["resource"].notna().to_numpy()
d = df[has]
dc = d["case_id"].to_numpy()
dr = d["resource"].to_numpy()
within = dc[1:] == dc[:-1]
a, b, pc = dr[:-1][within], dr[1:][within], dc[1:][within]
successions = int(within.sum())
selfs = int((a == b).sum())
handovers = successions - selfs
pairs = pd.DataFrame({"from": a, "to": b, "case": pc})
counts = pairs.groupby(["from", "to"]).size().rename("count")
pcases = pairs.drop_duplicates().groupby(["from", "to"]).size().rename("cases")
ptab = pd.concat([counts, pcases], axis=1).reset_index()
ptab = ptab.sort_values(["count", "from", "to"], ascending=[False, True, True])

# owner segments
newseg = np.r_[True, (dc[1:] != dc[:-1]) | (dr[1:] != dr[:-1])]
sc, so = dc[newseg], dr[newseg]
segs = pd.DataFrame({"case": sc, "owner": so})
nseg = segs.groupby("case", sort=False).size()
h_case = (nseg - 1).reindex(cases, fill_value=0)
# work segments (METRICS.md §3): drop the owner segments that hold only sign-off events (the
# default approval pattern, case-insensitive, at the start of a word) and merge the neighbours
# that then have the same owner; ping-pong and returns are counted on them
SIGNOFF = r"(?i)(?:^|[^0-9A-Za-z])(?:paraaf|paraf|akkoord|goedkeur|fiat|approv|sign[- ]?off|onderteken)"
sig = d["activity"].str.contains(SIGNOFF, regex=True, na=False).to_numpy()
segid = np.cumsum(newseg) - 1
keep = ~pd.Series(sig).groupby(segid).all().to_numpy()
wc, wo = sc[keep], so[keep]
neww = np.r_[True, (wc[1:] != wc[:-1]) | (wo[1:] != wo[:-1])] if len(wc) else np.zeros(0, bool)
wc, wo = wc[neww], wo[neww]
pp = np.r_[(wc[2:] == wc[:-2]) & (wo[2:] == wo[:-2]), False, False][: len(wc)]
pp_case = pd.Series(pp).groupby(wc).sum()
returns = int(pd.DataFrame({"case": wc, "owner": wo}).duplicated().sum())
fl = segs.groupby("case", sort=False)["owner"].agg(["first", "last"])
thr_days = np.sort(thr_ms / 86400000)
out = {
    "cases": ncases,
    "events": events,
    "events_without_resource": int((~has).sum()),
    "successions": successions,
    "self_successions": selfs,
    "handovers": handovers,
    "handovers_mean": handovers / ncases,
    "cases_without_handover": int((h_case == 0).sum()),
    "cases_finished_by_picker": int((fl["first"] == fl["last"]).sum()),
    "pingpong_cases": int((pp_case > 0).sum()),
    "pingpong": int(pp.sum()),
    "returns": returns,
    "max_handovers": max_h,
    "cases_over_max": int((h_case > max_h).sum()),
    "idle_days": idle_days,
    "idle_cases": idle_cases,
    "throughput_days": {"median": float(np.percentile(thr_days, 50)),
                        "p90": float(np.percentile(thr_days, 90)),
                        "max": float(thr_days[-1])},
    "pairs": ptab.to_dict("records"),
}
t2 = time.perf_counter()
json.dump(out, sys.stdout, default=int)
print(f"read {t1 - t0:.2f} s, analysis {t2 - t1:.2f} s", file=sys.stderr)
