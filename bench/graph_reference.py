#!/usr/bin/python3
"""The reference for the handover-graph row of bench_reports.sh: what an analyst does without
maatlat. pandas reads the case log (case_id,activity,timestamp,resource), counts the handovers
between resources (consecutive events of a case by time, ties by file order, the resource
changing: PM4Py's handover of work without self-successions), keeps the TOP largest pairs (ties
by from, to), writes them as a Graphviz DOT file and lays it out with `dot -Tsvg`. Prints the
pairs drawn and the number of pairs as JSON on stdout.

usage: graph_reference.py LOG.csv OUT.svg [TOP]"""
import json
import subprocess
import sys

import numpy as np
import pandas as pd

path, svg = sys.argv[1], sys.argv[2]
top = int(sys.argv[3]) if len(sys.argv) > 3 else 30
df = pd.read_csv(path, dtype={"case_id": str, "activity": str, "resource": str})
df["ts"] = pd.to_datetime(df["timestamp"], utc=True)
df["seq"] = np.arange(len(df))
df = df[df["resource"].notna()].sort_values(["case_id", "ts", "seq"], kind="stable")
c = df["case_id"].to_numpy()
r = df["resource"].to_numpy()
keep = (c[1:] == c[:-1]) & (r[1:] != r[:-1])
pairs = pd.DataFrame({"from": r[:-1][keep], "to": r[1:][keep]})
counts = pairs.groupby(["from", "to"]).size().rename("count").reset_index()
counts = counts.sort_values(["count", "from", "to"], ascending=[False, True, True])
best = counts.head(top)
both = set(zip(counts["from"], counts["to"]))
lines = ["digraph handovers {", "  rankdir=LR;", "  node [shape=box, style=\"rounded,filled\"];"]
for f, t, n in best.itertuples(index=False):
    red = ' color="#C00000"' if (t, f) in both else ""
    lines.append('  %s -> %s [label=%d%s];' % (json.dumps(f), json.dumps(t), n, red))
lines.append("}")
subprocess.run(["dot", "-Tsvg", "-o", svg], input="\n".join(lines).encode(), check=True)
json.dump({"pairs": len(counts),
           "top": [[f, t, int(n)] for f, t, n in best.itertuples(index=False)]}, sys.stdout)
print()
