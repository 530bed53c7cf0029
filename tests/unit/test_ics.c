/* The iCalendar reader: expansion gaps closed around libical, bounds, errors. Every expected
 * value is worked out by hand in the comment above it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/ics.h"
#include "maatlat/zone.h"

typedef struct got {
	int64_t start[64];
	int64_t len[64];
	size_t nparts[64];
	int flags[64];
	size_t n;
	char msgs[2048];
} got;

static int
collect(void *ctx, const maat_cal_instance *in, maat_err *err)
{
	got *g = ctx;
	(void)err;
	if (g->n < 64) {
		g->start[g->n] = in->start;
		g->len[g->n] = in->end - in->start;
		g->nparts[g->n] = in->nparts;
		g->flags[g->n] = in->flags;
	}
	g->n++;
	return 0;
}

static int
note(void *ctx, int64_t line, const char *sev, const char *msg, maat_err *err)
{
	got *g = ctx;
	(void)line;
	(void)sev;
	(void)err;
	strncat(g->msgs, msg, sizeof(g->msgs) - strlen(g->msgs) - 2);
	strcat(g->msgs, "\n");
	return 0;
}

static int
read_str(const char *text, maat_cal_opts *o, got *g, maat_err *err)
{
	maat_cal_sink sink = {.instance = collect, .message = note, .ctx = g};
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	int rc;
	memset(g, 0, sizeof(*g));
	assert_non_null(f);
	rc = maat_ics_read(f, "t.ics", o, &sink, NULL, err);
	fclose(f);
	return rc;
}

#define EV(body)                                                                                   \
	"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\n" body "END:VEVENT\r\nEND:VCALENDAR\r\n"

/* 2025-01-06T09:00:00Z */
#define T0 1736154000

static void
test_ics_rdate_period(void **state)
{
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	got g;
	(void)state;
	/* DTSTART 1 h, a PERIOD start/duration of 2 h the next day, a PERIOD start/end of 30 min
	 * the day after: 3 instances of 3600, 7200 and 1800 s */
	assert_int_equal(read_str(EV("DTSTART:20250106T090000Z\r\nDURATION:PT1H\r\n"
				     "RDATE;VALUE=PERIOD:20250107T090000Z/PT2H,"
				     "20250108T090000Z/20250108T093000Z\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.start[0], T0);
	assert_int_equal(g.len[0], 3600);
	assert_int_equal(g.start[1], T0 + 86400);
	assert_int_equal(g.len[1], 7200);
	assert_int_equal(g.start[2], T0 + 2 * 86400);
	assert_int_equal(g.len[2], 1800);
}

static void
test_ics_dtend_wins_over_duration(void **state)
{
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	got g;
	(void)state;
	/* libical alone loses this instance; METRICS.md: DTEND wins -> 1 h */
	assert_int_equal(read_str(EV("DTSTART:20250106T090000Z\r\nDTEND:20250106T100000Z\r\n"
				     "DURATION:PT3H\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.len[0], 3600);
}

static void
test_ics_duplicates_dropped(void **state)
{
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	got g;
	(void)state;
	/* DAILY COUNT=2 gives 6 and 7 Jan; RDATE repeats 7 Jan and adds 8 Jan: 3 instances */
	assert_int_equal(read_str(EV("DTSTART:20250106T090000Z\r\nDTEND:20250106T100000Z\r\n"
				     "RRULE:FREQ=DAILY;COUNT=2\r\n"
				     "RDATE:20250107T090000Z,20250108T090000Z\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.start[2], T0 + 2 * 86400);
}

static void
test_ics_override_thisandfuture(void **state)
{
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	got g;
	(void)state;
	/* weekly x4 at 09:00Z; from the 2nd on moved to 13:00Z and 2 h long, with one attendee
	 * more; then the 3rd is moved on its own to 15:00Z, 1 h */
	assert_int_equal(
	    read_str(
		"BEGIN:VCALENDAR\r\n"
		"BEGIN:VEVENT\r\nUID:s\r\nDTSTART:20250106T090000Z\r\nDTEND:20250106T100000Z\r\n"
		"RRULE:FREQ=WEEKLY;COUNT=4\r\nATTENDEE:mailto:a@x\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID;RANGE=THISANDFUTURE:20250113T090000Z\r\n"
		"DTSTART:20250113T130000Z\r\nDTEND:20250113T150000Z\r\nATTENDEE:mailto:a@x\r\n"
		"ATTENDEE:mailto:b@x\r\nEND:VEVENT\r\n"
		"BEGIN:VEVENT\r\nUID:s\r\nRECURRENCE-ID:20250120T090000Z\r\n"
		"DTSTART:20250120T150000Z\r\nDTEND:20250120T160000Z\r\nEND:VEVENT\r\n"
		"END:VCALENDAR\r\n",
		&o, &g, &err),
	    0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.start[0], T0);
	assert_int_equal(g.nparts[0], 1);
	assert_int_equal(g.start[1], T0 + 7 * 86400 + 4 * 3600);
	assert_int_equal(g.len[1], 7200);
	assert_int_equal(g.nparts[1], 2);
	assert_int_equal(g.start[2], T0 + 14 * 86400 + 6 * 3600);
	assert_int_equal(g.len[2], 3600);
	assert_int_equal(g.start[3], T0 + 21 * 86400 + 4 * 3600);
}

static void
test_ics_window_and_limit(void **state)
{
	maat_cal_opts o = {.tz = "UTC", .has_from = true, .has_to = true};
	maat_err err = {0};
	got g;
	(void)state;
	/* an open weekly rule in a window of 4 weeks starting 10 weeks later: 4 instances */
	o.from = T0 + 70 * 86400 - 3600;
	o.to = o.from + 28 * 86400;
	assert_int_equal(read_str(EV("DTSTART:20250106T090000Z\r\nDTEND:20250106T100000Z\r\n"
				     "RRULE:FREQ=WEEKLY\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 4);
	assert_int_equal(g.start[0], T0 + 70 * 86400);
	/* FREQ=SECONDLY without end, limit 50: 50 instances and a message */
	o.has_from = o.has_to = false;
	o.instance_limit = 50;
	assert_int_equal(read_str(EV("DTSTART:20250106T090000Z\r\nDTEND:20250106T090001Z\r\n"
				     "RRULE:FREQ=SECONDLY\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 50);
	assert_non_null(strstr(g.msgs, "per-series limit"));
}

static void
test_ics_participants(void **state)
{
	maat_cal_opts o = {.tz = "UTC", .owner = "Owner@Example.org"};
	maat_err err = {0};
	got g;
	(void)state;
	/* organizer + attendee (same person, merged) + a room: 1 participant; no one at all:
	 * the owner */
	assert_int_equal(read_str("BEGIN:VCALENDAR\r\n"
				  "BEGIN:VEVENT\r\nUID:p1\r\nDTSTART:20250106T090000Z\r\n"
				  "DTEND:20250106T100000Z\r\nORGANIZER:MAILTO:A@X.nl\r\n"
				  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x.nl\r\n"
				  "ATTENDEE;CUTYPE=ROOM:mailto:room@x.nl\r\nEND:VEVENT\r\n"
				  "BEGIN:VEVENT\r\nUID:p2\r\nDTSTART:20250107T090000Z\r\n"
				  "DTEND:20250107T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.nparts[0], 1);
	assert_int_equal(g.nparts[1], 1);
}

static void
test_ics_flags(void **state)
{
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	got g;
	(void)state;
	assert_int_equal(read_str(EV("DTSTART;VALUE=DATE:20250106\r\nSTATUS:CANCELLED\r\n"
				     "TRANSP:TRANSPARENT\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.flags[0], MAAT_CAL_ALLDAY | MAAT_CAL_CANCELLED | MAAT_CAL_TRANSPARENT);
	/* a DATE event without DTEND lasts one day */
	assert_int_equal(g.len[0], 86400);
}

static void
test_ics_errors(void **state)
{
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	got g;
	(void)state;
	assert_int_equal(read_str("Subject,Start\r\nx,y\r\n", &o, &g, &err), -MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "t.ics:1:"));
	/* an unterminated event is skipped with a message, not an error */
	assert_int_equal(read_str("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", &o, &g, &err), 0);
	assert_int_equal(g.n, 0);
	assert_non_null(strstr(g.msgs, "without END"));
	/* an invalid RRULE keeps the DTSTART instance, logged */
	assert_int_equal(read_str(EV("DTSTART:20250106T090000Z\r\nDTEND:20250106T100000Z\r\n"
				     "RRULE:FREQ=SOMETIMES\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 1);
}

static void
test_ics_zones(void **state)
{
	maat_err err = {0};
	int64_t t;
	(void)state;
	assert_string_equal(maat_zone_windows("W. Europe Standard Time"), "Europe/Berlin");
	assert_null(maat_zone_windows("Mars Standard Time"));
	/* 2024-03-31 00:00 in Amsterdam is still CET (+1): 2024-03-30T23:00Z = 1711839600; the
	 * next day starts at 00:00 CEST (+2): 2024-03-31T22:00Z = 1711922400 (a 23-hour day) */
	assert_int_equal(maat_zone_date_to_utc("2024-03-31", "Europe/Amsterdam", 0, &t, &err), 0);
	assert_int_equal(t, 1711839600);
	assert_int_equal(maat_zone_date_to_utc("2024-03-31", "Europe/Amsterdam", 1, &t, &err), 0);
	assert_int_equal(t, 1711922400);
	assert_int_equal(maat_zone_date_to_utc("2024-02-30", "UTC", 0, &t, &err), -MAAT_E_USAGE);
	assert_false(maat_zone_valid("Mars/Olympus"));
	assert_true(maat_zone_valid("UTC"));
}

/* ---- the fast path reads plain VEVENTs exactly as libical's parser does ---- */

typedef struct dump {
	/* every instance and message as text */
	char *text;
	size_t len, cap;
} dump;

static void
dump_add(dump *d, const char *s)
{
	size_t n = strlen(s);
	if (d->len + n + 1 > d->cap) {
		d->cap = (d->len + n + 1) * 2;
		d->text = realloc(d->text, d->cap);
		assert_non_null(d->text);
	}
	memcpy(d->text + d->len, s, n + 1);
	d->len += n;
}

static int
dump_instance(void *ctx, const maat_cal_instance *in, maat_err *err)
{
	char b[512];
	(void)err;
	snprintf(b, sizeof(b), "%s|%s|%lld|%lld|%d|%d|%lld|", in->uid,
		 in->summary ? in->summary : "-", (long long)in->start, (long long)in->end,
		 in->sequence, in->flags, (long long)in->line);
	dump_add(ctx, b);
	for (size_t i = 0; i < in->nparts; i++) {
		snprintf(b, sizeof(b), "%s:%d,", in->parts[i].key, in->parts[i].partstat);
		dump_add(ctx, b);
	}
	dump_add(ctx, "\n");
	return 0;
}

static int
dump_message(void *ctx, int64_t line, const char *sev, const char *msg, maat_err *err)
{
	char b[1024];
	(void)err;
	snprintf(b, sizeof(b), "message %lld %s %s\n", (long long)line, sev, msg);
	dump_add(ctx, b);
	return 0;
}

/* Reads path both ways; returns the VEVENTs the fast path took. */
static int64_t
compare_readers(const char *path)
{
	dump d[2] = {{0}};
	maat_cal_stats st[2] = {{0}};
	int rc[2];
	for (int k = 0; k < 2; k++) {
		maat_cal_opts o = {.tz = "Europe/Amsterdam", .libical_only = k == 1};
		maat_cal_sink sink = {
		    .instance = dump_instance, .message = dump_message, .ctx = &d[k]};
		maat_err err = {0};
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		dump_add(&d[k], "");
		rc[k] = maat_ics_read(f, path, &o, &sink, &st[k], &err);
		fclose(f);
		dump_add(&d[k], err.msg);
	}
	if (rc[0] != rc[1] || strcmp(d[0].text, d[1].text) != 0 || st[0].read != st[1].read ||
	    st[0].rejected != st[1].rejected) {
		fail_msg("%s: the fast path differs from libical\n--- fast\n%.3000s\n--- libical\n"
			 "%.3000s",
			 path, d[0].text, d[1].text);
	}
	assert_int_equal(st[1].fast, 0);
	free(d[0].text);
	free(d[1].text);
	return st[0].fast;
}

static void
test_ics_fast_path_same(void **state)
{
	const char *corpus = getenv("MAAT_CORPUS"), *src = getenv("MAAT_SRCDIR");
	char dirs[4][2048], path[4096];
	int64_t fast = 0, mine;
	(void)state;
	snprintf(dirs[0], sizeof(dirs[0]), "%s/calendars",
		 corpus ? corpus : "../../../shared/corpus");
	snprintf(dirs[1], sizeof(dirs[1]), "%s/tests/data/calendar", src ? src : "../..");
	snprintf(dirs[2], sizeof(dirs[2]), "%s/tests/data/bad", src ? src : "../..");
	snprintf(dirs[3], sizeof(dirs[3]), "%s/tests/fuzz/corpus/ics", src ? src : "../..");
	for (int i = 0; i < 4; i++) {
		DIR *dir = opendir(dirs[i]);
		struct dirent *de;
		assert_non_null(dir);
		while ((de = readdir(dir)) != NULL) {
			size_t n = strlen(de->d_name);
			if (n < 4 || strcmp(de->d_name + n - 4, ".ics") != 0) {
				continue;
			}
			snprintf(path, sizeof(path), "%.2000s/%.1000s", dirs[i], de->d_name);
			fast += compare_readers(path);
		}
		closedir(dir);
	}
	/* fast_path.ics: of its 11 VEVENTs, 8 are plain (the series and its override, the
	 * all-day, floating/cancelled, transparent, Windows-zone, UID-less and DTSTART-less
	 * events); the escaped SUMMARY, the VALARM and the empty LOCATION (libical's "No value"
	 * message) go through libical */
	snprintf(path, sizeof(path), "%.2000s/fast_path.ics", dirs[1]);
	mine = compare_readers(path);
	assert_int_equal(mine, 8);
	assert_true(fast > mine);
}

/* Windows display names in TZID (issue 11 item 6), quoted or not, '&' or "and". Each event is
 * 4 March 2024 09:00 local, one day apart in the file's order after sorting by start:
 *   Sydney (AEDT, UTC+11 until 7 April): 2024-03-03T22:00Z = 1709503200
 *   Amsterdam (CET, UTC+1): 2024-03-04T08:00Z = 1709539200
 *   New York (EST, UTC-5): 2024-03-04T14:00Z = 1709560800 (twice: '&' quoted, "and" unquoted) */
static void
test_ics_display_name_zones(void **state)
{
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	got g;
	int64_t want[] = {1709503200, 1709539200, 1709560800, 1709560800};
	(void)state;
	assert_int_equal(
	    read_str("BEGIN:VCALENDAR\r\n"
		     "BEGIN:VEVENT\r\nUID:us1\r\nDTSTAMP:20240401T000000Z\r\n"
		     "DTSTART;TZID=\"(UTC-05:00) Eastern Time (US & Canada)\":20240304T090000\r\n"
		     "DURATION:PT1H\r\nEND:VEVENT\r\n"
		     "BEGIN:VEVENT\r\nUID:us2\r\nDTSTAMP:20240401T000000Z\r\n"
		     "DTSTART;TZID=(UTC-05:00) Eastern Time (US and Canada):20240304T090000\r\n"
		     "DURATION:PT1H\r\nEND:VEVENT\r\n"
		     "BEGIN:VEVENT\r\nUID:ams\r\nDTSTAMP:20240401T000000Z\r\n"
		     "DTSTART;TZID=(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, "
		     "Vienna:20240304T090000\r\n"
		     "DURATION:PT1H\r\nEND:VEVENT\r\n"
		     "BEGIN:VEVENT\r\nUID:syd\r\nDTSTAMP:20240401T000000Z\r\n"
		     "DTSTART;TZID=\"(GMT+10:00) Canberra, Melbourne, Sydney\":20240304T090000\r\n"
		     "DURATION:PT1H\r\nEND:VEVENT\r\n"
		     "END:VCALENDAR\r\n",
		     &o, &g, &err),
	    0);
	assert_int_equal(g.n, 4);
	{
		int64_t s[4];
		memcpy(s, g.start, sizeof(s));
		for (int i = 0; i < 4; i++) {
			for (int j = i + 1; j < 4; j++) {
				if (s[j] < s[i]) {
					int64_t t = s[i];
					s[i] = s[j];
					s[j] = t;
				}
			}
		}
		for (int i = 0; i < 4; i++) {
			assert_int_equal(s[i], want[i]);
		}
	}
	assert_null(strstr(g.msgs, "unknown time zone"));
}

/* A junk RRULE (issue 11 item 6): "RRULE:RRULE:FREQ=WEEKLY;COUNT=3;X-FOO=1;BYDAY=MO" keeps
 * FREQ=WEEKLY;COUNT=3;BYDAY=MO (the repeated prefix and the unknown part dropped, logged):
 * Mondays 6, 13, 20 January 2025 09:00Z. Without any valid FREQ only DTSTART stays. */
static void
test_ics_rrule_junk(void **state)
{
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	got g;
	(void)state;
	assert_int_equal(read_str(EV("DTSTAMP:20250301T000000Z\r\nDTSTART:20250106T090000Z\r\n"
				     "DURATION:PT1H\r\n"
				     "RRULE:RRULE:FREQ=WEEKLY;COUNT=3;X-FOO=1;BYDAY=MO\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.start[0], T0);
	assert_int_equal(g.start[1], T0 + 7 * 86400);
	assert_int_equal(g.start[2], T0 + 14 * 86400);
	assert_non_null(strstr(g.msgs, "recovered as 'FREQ=WEEKLY;COUNT=3;BYDAY=MO'"));
	assert_non_null(strstr(g.msgs, "skipped: X-FOO=1"));
	/* the FREQ may come anywhere; INTERVAL=0 is junk */
	assert_int_equal(read_str(EV("DTSTAMP:20250301T000000Z\r\nDTSTART:20250106T090000Z\r\n"
				     "DURATION:PT1H\r\nRRULE:COUNT=2;INTERVAL=0;FREQ=DAILY\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.start[1], T0 + 86400);
	/* no FREQ survives: DTSTART only, logged */
	assert_int_equal(read_str(EV("DTSTAMP:20250301T000000Z\r\nDTSTART:20250106T090000Z\r\n"
				     "DURATION:PT1H\r\nRRULE:RRULE:FREQ=SOMETIMES;COUNT=3\r\n"),
				  &o, &g, &err),
			 0);
	assert_int_equal(g.n, 1);
	assert_non_null(strstr(g.msgs, "only DTSTART kept"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_ics_rdate_period),
	    cmocka_unit_test(test_ics_dtend_wins_over_duration),
	    cmocka_unit_test(test_ics_duplicates_dropped),
	    cmocka_unit_test(test_ics_override_thisandfuture),
	    cmocka_unit_test(test_ics_window_and_limit),
	    cmocka_unit_test(test_ics_participants),
	    cmocka_unit_test(test_ics_flags),
	    cmocka_unit_test(test_ics_errors),
	    cmocka_unit_test(test_ics_zones),
	    cmocka_unit_test(test_ics_display_name_zones),
	    cmocka_unit_test(test_ics_rrule_junk),
	    cmocka_unit_test(test_ics_fast_path_same),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	maat_zone_cleanup();
	return rc;
}
