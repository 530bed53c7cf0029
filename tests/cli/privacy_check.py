#!/usr/bin/python3
"""Independent checks of `person`, `forget`, `--pseudonymise` and `prune` (issue 12, 18.6).

  privacy_check.py snapshot DB OUT.json
      every row of every table (rowid or primary key -> values), for a later compare
  privacy_check.py compare BEFORE.json AFTER.json TOKEN_PREFIX WHOLE,KEYS TEXT,KEYS
      after `forget`: prints "changed TABLE N" per table, one "BAD" line per change that is
      not allowed, then "ok" or the count. A value may change only in a person column (id,
      manager, name, email, holder, person) when it was one of the WHOLE keys (case-
      insensitive) and is now the token, or in a free-text column (title, UID, path, options,
      message) when it held one of the TEXT keys and now holds the token; a participant
      list's digest may change only for a list whose members changed.
  privacy_check.py bytes NEEDLE... -- FILE...
      prints every needle found in the files' bytes (case-insensitive), or "none"
  privacy_check.py person DB ID
      what `person ID --json` must count, by direct queries of the store (the person's org
      rows by id, their e-mail and name; case events with them as resource by id, e-mail or
      unique name; meeting instances with them as a participant)
  privacy_check.py unique-calendar-person CALDIR ORG.csv...
      the first person with a calendar export whose name no one else (no other id) in the
      ORG files has: prints "id<TAB>name<TAB>email"
"""
import csv
import json
import os
import sqlite3
import sys


def snapshot(db, out):
    c = sqlite3.connect(db)
    res = {}
    for (t, sql) in c.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND "
                              "name NOT LIKE 'sqlite_%'"):
        cols = [r[1] for r in c.execute('PRAGMA table_info("%s")' % t)]
        pk = [r[1] for r in sorted(c.execute('PRAGMA table_info("%s")' % t), key=lambda r: r[5]) if r[5] > 0]
        rows = {}
        if "WITHOUT ROWID" in sql.upper():
            idx = [cols.index(p) for p in pk]
            for r in c.execute('SELECT * FROM "%s"' % t):
                rows[json.dumps([r[i] for i in idx])] = [v.hex() if isinstance(v, bytes) else v for v in r]
        else:
            for r in c.execute('SELECT rowid, * FROM "%s"' % t):
                rows[json.dumps(r[0])] = [v.hex() if isinstance(v, bytes) else v for v in r[1:]]
        res[t] = {"cols": cols, "rows": rows}
    json.dump(res, open(out, "w"))


# columns that hold a person as a whole value, and free-text columns that may name one
WHOLE = {"id", "manager", "name", "email", "holder", "person"}
TEXT = {"summary", "uid", "path", "options", "message", "real_path"}


def compare(before, after, token, whole, text):
    a, b = json.load(open(before)), json.load(open(after))
    whole = [k.lower() for k in whole.split(",") if k]
    text = [k.lower() for k in text.split(",") if k]
    bad = []
    changed_sets = set()
    for t in sorted(a):
        cols = a[t]["cols"]
        n = 0
        if set(a[t]["rows"]) != set(b.get(t, {}).get("rows", {})):
            bad.append("%s: rows added or removed" % t)
        for k, old in a[t]["rows"].items():
            new = b[t]["rows"].get(k)
            if new is None or new == old:
                continue
            n += 1
            for c, (x, y) in enumerate(zip(old, new)):
                if x == y:
                    continue
                if t == "cal_partsets" and cols[c] == "digest":
                    continue  # checked below against the members that changed
                sx = str(x).strip().lower()
                own = t == "org_rows" and str(old[cols.index("id")]).strip().lower() in whole
                if cols[c] in WHOLE:
                    # the person's own org row: its name and e-mail go too
                    ok = (sx in whole or (own and cols[c] in ("name", "email"))) and \
                        isinstance(y, str) and y.startswith(token)
                elif cols[c] in TEXT:
                    ok = any(k in sx for k in text) and token in y
                else:
                    ok = False
                if not ok:
                    bad.append("%s %s: %s %r -> %r" % (t, k, cols[c], x, y))
                if t == "cal_partset_members":
                    changed_sets.add(old[0])
        print("changed %s %d" % (t, n))
    for k, old in a.get("cal_partsets", {}).get("rows", {}).items():
        new = b["cal_partsets"]["rows"].get(k)
        if new is not None and new != old and json.loads(k) not in changed_sets:
            bad.append("cal_partsets %s: digest changed, members did not" % k)
    for line in bad[:20]:
        print("BAD " + line)
    print("ok" if not bad else "%d bad" % len(bad))


def grep_bytes(args):
    i = args.index("--")
    needles, files = args[:i], args[i + 1:]
    data = b"".join(open(f, "rb").read() for f in files if os.path.exists(f)).lower()
    found = [n for n in needles if n.lower().encode() in data]
    print("\n".join(found) if found else "none")


def person(db, pid):
    c = sqlite3.connect(db)
    rows = c.execute("SELECT rowid, id, name, lower(trim(email)) FROM org_rows WHERE id = ?", (pid,)).fetchall()
    emails = {r[3] for r in rows if r[3]}
    names = {r[2].strip().lower() for r in rows if r[2]}
    # a name is a key only when no one else has it
    unique = {n for n in names
              if c.execute("SELECT count(*) FROM org_rows WHERE lower(trim(name)) = ? AND id <> ?", (n, pid)).fetchone()[0] == 0}
    keys = {pid.lower()} | emails | unique
    q = ",".join("?" * len(keys))
    events = c.execute("SELECT count(*) FROM case_events e JOIN case_names n ON n.id = e.resource "
                       "WHERE n.kind = 'resource' AND lower(trim(n.name)) IN (%s)" % q, list(keys)).fetchone()[0]
    meetings = c.execute("SELECT count(*) FROM cal_instances i JOIN cal_partset_members m ON "
                         "m.set_id = i.partset_id WHERE lower(trim(m.person)) IN (%s)" % q, list(keys)).fetchone()[0]
    print(json.dumps({"org_rows": len(rows), "case_events": events, "meetings": meetings}, sort_keys=True))


def unique_calendar_person(caldir, orgs):
    people = [p for org in orgs for p in csv.DictReader(open(org, encoding="utf-8"))]
    ids = {}
    for p in people:
        ids.setdefault(p["name"].strip().lower(), set()).add(p["id"])
    count = {k: len(v) for k, v in ids.items()}
    files = set(os.listdir(caldir))
    for p in people:
        if count[p["name"].strip().lower()] == 1 and p["email"] + ".ics" in files:
            print("%s\t%s\t%s" % (p["id"], p["name"], p["email"]))
            return


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "snapshot":
        snapshot(sys.argv[2], sys.argv[3])
    elif cmd == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
    elif cmd == "bytes":
        grep_bytes(sys.argv[2:])
    elif cmd == "person":
        person(sys.argv[2], sys.argv[3])
    elif cmd == "unique-calendar-person":
        unique_calendar_person(sys.argv[2], sys.argv[3:])
