#!/usr/bin/python3
"""The reference for bench_org.sh: the layer and span figures of `maatlat layers` computed with
networkx from the generic org CSV (id, manager, ... with a header; ',' separated). Prints a JSON
object with the same keys as maatlat for the figures it computes, and on stderr the seconds the
analysis took after reading (the "analysis part")."""
import csv
import json
import statistics
import sys
import time

import networkx as nx

TOP = {"", "xx", "0", "-1"}

g = nx.DiGraph()
roots = []
with open(sys.argv[1], newline="") as f:
    r = csv.reader(f)
    head = [h.lower() for h in next(r)]
    ci, cm = head.index("id"), head.index("manager")
    for row in r:
        i, m = row[ci].strip(), row[cm].strip()
        g.add_node(i)
        if m.lower() in TOP or m == i:
            roots.append(i)
        else:
            g.add_edge(m, i)
t0 = time.time()
min_span = int(sys.argv[2]) if len(sys.argv) > 2 else 3
# orphans: managers that are no row of their own become layer-1 nodes
layer = {}
for root in roots + [n for n in g.nodes if g.in_degree(n) == 0 and n not in roots]:
    for n, d in nx.single_source_shortest_path_length(g, root).items():
        layer[n] = d + 1
spans = [d for _, d in g.out_degree() if d > 0]
people = g.number_of_nodes()
hist = {}
for v in layer.values():
    hist[str(v)] = hist.get(str(v), 0) + 1
out = {
    "people": people,
    "layers": max(layer.values()),
    "layer_histogram": hist,
    "managers": len(spans),
    "span_mean": statistics.mean(spans),
    "span_median": statistics.median(spans),
    "span_max": max(spans),
    "managers_span_1": sum(1 for s in spans if s == 1),
    "thin_managers": sum(1 for s in spans if s < min_span),
    "staff_per_manager": (people - len(spans)) / len(spans),
}
print(json.dumps(out))
print("analysis %.3f s" % (time.time() - t0), file=sys.stderr)
