#!/usr/bin/python3
"""An independent reference for `maatlat layers --json` on simple org charts (no job shares,
no conflicts, no leading-zero ids): the rules of METRICS.md §1 written again, plainly, with
Python's csv module and dicts. Prints the figures as JSON so the cli test can compare them.

usage: org_reference.py MIN_SPAN FILE...   (generic id/manager CSV, id,parentId with level,
                                            UK organogram senior or junior files)
"""
import csv
import json
import statistics
import sys

TOP = {"", "xx", "0", "-1"}


def read(path, nodes, order):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    head = [h.strip().lower() for h in rows[0]]
    col = {h: i for i, h in reversed(list(enumerate(head)))}
    for n, r in enumerate(rows[1:], start=2):
        g = lambda name: r[col[name]].strip() if name in col and col[name] < len(r) else ""
        if "post unique reference" in col:
            nid, mgr, fte, agg = g("post unique reference"), g("reports to senior post"), g("fte"), False
        elif "reporting senior post" in col:
            nid, mgr, fte, agg = "junior-%s-%d" % (path, n), g("reporting senior post"), g("number of posts in fte"), True
        else:
            nid = g("id")
            mgr = g("manager") or g("parentid")
            fte, agg = g("fte"), g("level").lower() == "junior"
        if not nid:
            continue
        fte = float(fte.replace(",", ".")) if fte else 1.0
        nodes[nid] = {"mgr": None if mgr.lower() in TOP else mgr, "fte": fte, "agg": agg}
        order.append(nid)


def main():
    k = int(sys.argv[1])
    nodes, order = {}, []
    for p in sys.argv[2:]:
        read(p, nodes, order)
    self_loops = sum(1 for i, v in nodes.items() if v["mgr"] == i)
    roots = sum(1 for i, v in nodes.items() if v["mgr"] is None or v["mgr"] == i)
    orphans = sum(1 for i, v in nodes.items() if v["mgr"] not in (None, i) and v["mgr"] not in nodes)

    def parent(i):
        m = nodes[i]["mgr"]
        return m if m is not None and m != i and m in nodes else None

    # layers: walk up to the top for every node (quadratic in depth, fine for small files)
    layer = {}
    for i in order:
        d, cur, seen = 1, i, set()
        while parent(cur) is not None and cur not in seen:
            seen.add(cur)
            cur = parent(cur)
            d += 1
        layer[i] = d if parent(cur) is None else 0
    span = {i: 0.0 for i in nodes}
    for i in nodes:
        p = parent(i)
        if p is not None:
            span[p] += nodes[i]["fte"] if nodes[i]["agg"] else 1
    mgrs = [i for i in nodes if span[i] > 0]
    people = sum(1 for v in nodes.values() if not v["agg"])
    spans = [span[i] for i in mgrs]
    kids = {i: [] for i in nodes}
    for i in nodes:
        if parent(i) is not None:
            kids[parent(i)].append(i)
    pass_through = sum(1 for i in mgrs if abs(span[i] - 1) < 1e-9 and len(kids[i]) == 1
                       and not nodes[kids[i][0]]["agg"] and span[kids[i][0]] > 0)
    # delayering: T, then for every node its nearest ancestor outside T
    T = {i for i in mgrs if layer[i] > 1 and span[i] < k}
    new_parent = {}
    for i in nodes:
        p = parent(i)
        while p is not None and p in T:
            p = parent(p)
        new_parent[i] = p
    new_layer = {}
    for i in order:
        if layer[i] == 0:
            continue
        d, cur = 1, i
        while new_parent[cur] is not None:
            cur = new_parent[cur]
            d += 1
        new_layer[i] = d
    span_after = {i: 0.0 for i in nodes}
    for i in nodes:
        if new_parent[i] is not None:
            span_after[new_parent[i]] += nodes[i]["fte"] if nodes[i]["agg"] else 1
    mgrs_after = [s for s in span_after.values() if s > 0]
    layered = [i for i in order if layer[i] > 0]
    hist = {}
    for i in layered:
        hist[str(layer[i])] = hist.get(str(layer[i]), 0) + 1
    out = {
        "people": people,
        "aggregate_rows": sum(1 for v in nodes.values() if v["agg"]),
        "aggregate_fte": sum(v["fte"] for v in nodes.values() if v["agg"]),
        "roots": roots,
        "layers": max(layer.values()) if layer else 0,
        "layer_histogram": hist,
        "managers": len(mgrs),
        "span_mean": statistics.mean(spans) if spans else None,
        "span_median": statistics.median(spans) if spans else None,
        "span_max": max(spans) if spans else None,
        "managers_span_1": sum(1 for s in spans if abs(s - 1) < 1e-9),
        "thin_managers": sum(1 for s in spans if s < k),
        "pass_through_managers": pass_through,
        "staff_per_manager": (people - len(mgrs)) / len(mgrs) if mgrs else None,
        "manager_share": len(mgrs) / people if people else None,
        "orphans": orphans,
        "self_loops": self_loops,
        "delayering": {
            "removed_managers": len(T),
            "layers_after": max(new_layer.values()) if new_layer else 0,
            "managers_after": len(mgrs_after),
            "span_mean_after": statistics.mean(mgrs_after) if mgrs_after else None,
            "distance_mean_before": statistics.mean(layer[i] - 1 for i in layered),
            "distance_mean_after": statistics.mean(new_layer[i] - 1 for i in layered),
        },
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
