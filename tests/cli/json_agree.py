#!/usr/bin/python3
"""json_agree.py REFERENCE.json GOT.json: every figure of the reference must be in GOT with the
same value (numbers within 1e-6, null = null). Arrays of objects are matched by their first
key among case, case_type, unit, month, as_of. Prints "ok" or the differences."""
import json
import sys

IDS = ("case", "case_type", "unit", "month", "as_of")


def cmp(r, g, path, bad):
    if isinstance(r, dict):
        if not isinstance(g, dict):
            bad.append("%s: reference an object, got %r" % (path, g))
            return
        for k, v in r.items():
            if k not in g:
                bad.append("%s.%s missing" % (path, k))
            else:
                cmp(v, g[k], path + "." + k, bad)
    elif isinstance(r, list):
        if not isinstance(g, list) or len(r) != len(g):
            bad.append("%s: reference %d items, got %r" % (path, len(r), g if not isinstance(g, list) else len(g)))
            return
        if r and isinstance(r[0], dict):
            key = next((k for k in IDS if k in r[0]), None)
            gm = {x.get(key): x for x in g}
            for x in r:
                if x.get(key) not in gm:
                    bad.append("%s: no %s=%r" % (path, key, x.get(key)))
                else:
                    cmp(x, gm[x.get(key)], "%s[%s]" % (path, x.get(key)), bad)
        else:
            for i, (a, b) in enumerate(zip(r, g)):
                cmp(a, b, "%s[%d]" % (path, i), bad)
    elif isinstance(r, bool) or r is None or isinstance(r, str):
        if r != g:
            bad.append("%s: reference %r, got %r" % (path, r, g))
    else:
        if not isinstance(g, (int, float)) or isinstance(g, bool) or abs(r - g) > 1e-6:
            bad.append("%s: reference %r, got %r" % (path, r, g))


bad = []
cmp(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), "", bad)
print("ok" if not bad else "; ".join(bad[:20]))
