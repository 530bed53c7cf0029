#!/usr/bin/python3
"""Independent reference for `maatlat meetings`: person-week meeting hours from .ics files,
computed with icalendar + recurring_ical_events (no maatlat code). Rules of METRICS.md §2:
participants = ORGANIZER + ATTENDEEs (e-mail lower-cased, mailto: stripped, CUTYPE ROOM/RESOURCE
and ROLE=NON-PARTICIPANT left out), the calendar owner (X-WR-CALNAME e-mail or --owner) when
there are none; DECLINED never attends; cancelled, transparent and all-day instances are
skipped; a meeting needs min_participants attending people and at most max_hours; the same
UID and start counts once across files; hours = union per person and ISO week (in --tz),
booked = sum. Prints TSV: person, week, hours, booked (4 decimals).

usage: ics_person_weeks.py --from DATE --to DATE [--tz ZONE] [--min-participants N]
                           [--max-hours H] [--owner EMAIL] FILE...
"""
import argparse
import datetime as dt
import sys
from collections import defaultdict
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events


def key_of(v):
    s = str(v)
    if s.lower().startswith("mailto:"):
        s = s[7:]
    s = s.strip()
    return s.lower() if "@" in s else s


def participants(ev, owner):
    parts = {}
    org = ev.get("ORGANIZER")
    if org is not None:
        cu = str(org.params.get("CUTYPE", "")).upper()
        if cu not in ("ROOM", "RESOURCE") and key_of(org):
            parts[key_of(org)] = "ACCEPTED"
    att = ev.get("ATTENDEE")
    if att is not None:
        if not isinstance(att, list):
            att = [att]
        for a in att:
            cu = str(a.params.get("CUTYPE", "")).upper()
            role = str(a.params.get("ROLE", "")).upper()
            if cu in ("ROOM", "RESOURCE") or role == "NON-PARTICIPANT" or not key_of(a):
                continue
            parts[key_of(a)] = str(a.params.get("PARTSTAT", "ACCEPTED")).upper()
    if not parts and owner:
        parts[owner] = "ACCEPTED"
    return parts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="frm", required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--tz", default="Europe/Amsterdam")
    ap.add_argument("--min-participants", type=int, default=2)
    ap.add_argument("--max-hours", type=float, default=8)
    ap.add_argument("--owner")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    tz = ZoneInfo(a.tz)
    w0 = dt.datetime.combine(dt.date.fromisoformat(a.frm), dt.time(), tz)
    w1 = dt.datetime.combine(dt.date.fromisoformat(a.to) + dt.timedelta(days=1), dt.time(), tz)
    seen = set()
    pieces = defaultdict(list)
    for path in a.files:
        with open(path, "rb") as f:
            cals = icalendar.Calendar.from_ical(f.read(), multiple=True)
        for cal in cals:
            owner = a.owner.lower() if a.owner else None
            name = str(cal.get("X-WR-CALNAME", ""))
            if owner is None and "@" in name and " " not in name:
                owner = key_of(name)
            for ev in recurring_ical_events.of(cal).between(w0, w1):
                st = ev.get("DTSTART").dt
                if not isinstance(st, dt.datetime):
                    continue  # all-day
                en = ev.get("DTEND")
                if en is not None:
                    en = en.dt
                elif ev.get("DURATION") is not None:
                    en = st + ev.get("DURATION").dt
                else:
                    en = st
                if st.tzinfo is None:
                    st = st.replace(tzinfo=tz)
                if en.tzinfo is None:
                    en = en.replace(tzinfo=tz)
                if str(ev.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).upper() == "TRUE":
                    continue
                k = (str(ev.get("UID")), st.timestamp())
                if k in seen:
                    continue
                seen.add(k)
                if str(ev.get("STATUS", "")).upper() == "CANCELLED":
                    continue
                if str(ev.get("TRANSP", "")).upper() == "TRANSPARENT":
                    continue
                secs = (en - st).total_seconds()
                if secs <= 0 or (a.max_hours > 0 and secs > a.max_hours * 3600):
                    continue
                who = [p for p, s in participants(ev, owner).items() if s != "DECLINED"]
                if len(who) < a.min_participants:
                    continue
                s = max(st, w0).astimezone(tz)
                e = min(en, w1).astimezone(tz)
                while s < e:
                    monday = (s - dt.timedelta(days=s.weekday())).date()
                    nxt = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tz)
                    b = min(nxt, e)
                    iy, iw, _ = monday.isocalendar()
                    for p in who:
                        pieces[(p, "%04d-W%02d" % (iy, iw))].append((s.timestamp(), b.timestamp()))
                    s = b
    out = sys.stdout
    for (p, w) in sorted(pieces):
        iv = sorted(pieces[(p, w)])
        booked = sum(e - s for s, e in iv)
        uni, cs, ce = 0.0, iv[0][0], iv[0][1]
        for s, e in iv[1:]:
            if s > ce:
                uni += ce - cs
                cs, ce = s, e
            else:
                ce = max(ce, e)
        uni += ce - cs
        out.write("%s\t%s\t%.4f\t%.4f\n" % (p, w, uni / 3600, booked / 3600))


if __name__ == "__main__":
    main()
