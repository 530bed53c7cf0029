#!/usr/bin/python3
"""Compares every key of a reference JSON object (file 1) with maatlat's output (file 2):
numbers within 1e-9 (relative), everything else equal. Prints the differences; exit 1 if any."""
import json
import sys


def walk(ref, got, path, bad):
    if isinstance(ref, dict):
        if not isinstance(got, dict):
            bad.append("%s: not an object" % path)
            return
        for k, v in ref.items():
            if k not in got:
                bad.append("%s.%s: missing" % (path, k))
            else:
                walk(v, got[k], path + "." + k, bad)
    elif isinstance(ref, (int, float)) and not isinstance(ref, bool):
        if not isinstance(got, (int, float)) or abs(ref - got) > 1e-9 * max(1, abs(ref)):
            bad.append("%s: reference %r, maatlat %r" % (path, ref, got))
    elif ref != got:
        bad.append("%s: reference %r, maatlat %r" % (path, ref, got))


ref = json.load(open(sys.argv[1]))
got = json.load(open(sys.argv[2]))
bad = []
walk(ref, got, "", bad)
print("\n".join(bad))
sys.exit(1 if bad else 0)
