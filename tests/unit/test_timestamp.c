/* Timestamps and zones. Every expected unix time below was computed with GNU date, e.g.
 * `date -u -d '2024-03-31 01:30' +%s` = 1711848600, and every ISO week with
 * `date -d 2027-01-01 +%G-W%V`; the DST expectations follow timestamp.h's rules (gap moves
 * forward, ambiguous takes the first occurrence) applied by hand to the tzdata transitions of
 * Europe/Amsterdam (2024-03-31 01:00 UTC and 2024-10-27 01:00 UTC). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/csv.h"
#include "maatlat/timestamp.h"

static maat_tz *
zone(const char *name)
{
	maat_err err = {0};
	maat_tz *tz = maat_tz_new(name, &err);
	if (tz == NULL) {
		fail_msg("%s: %s", name, err.msg);
	}
	return tz;
}

static void
test_timestamp_civil_days(void **state)
{
	int y, m, d;
	/* date -u -d 2024-02-29 +%s = 1709164800 = 19782 days */
	assert_int_equal(maat_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(maat_days_from_civil(2024, 2, 29), 1709164800 / 86400);
	assert_int_equal(maat_days_from_civil(1, 1, 1), -62135596800LL / 86400);
	assert_int_equal(maat_days_from_civil(9999, 12, 31), 253402214400LL / 86400);
	assert_int_equal(maat_days_from_civil(1969, 12, 31), -1);
	/* the inverse, over every day from year 1 to 9999 */
	for (int64_t n = maat_days_from_civil(1, 1, 1); n <= maat_days_from_civil(9999, 12, 31);
	     n++) {
		maat_civil_from_days(n, &y, &m, &d);
		if (maat_days_from_civil(y, m, d) != n || m < 1 || m > 12 || d < 1 || d > 31) {
			fail_msg("day %lld -> %d-%d-%d", (long long)n, y, m, d);
		}
	}
	maat_civil_from_days(1709164800 / 86400, &y, &m, &d);
	assert_int_equal(y, 2024);
	assert_int_equal(m, 2);
	assert_int_equal(d, 29);
}

static void
check_week(int y, int m, int d, int want_year, int want_week)
{
	int iy, iw;
	maat_iso_week(y, m, d, &iy, &iw);
	if (iy != want_year || iw != want_week) {
		fail_msg("%04d-%02d-%02d -> %d-W%02d, want %d-W%02d", y, m, d, iy, iw, want_year,
			 want_week);
	}
}

static void
test_timestamp_iso_week(void **state)
{
	/* each checked with date -d ... +%G-W%V */
	check_week(2026, 1, 1, 2026, 1);
	check_week(2027, 1, 1, 2026, 53);
	check_week(2024, 12, 30, 2025, 1);
	check_week(2021, 1, 3, 2020, 53);
	check_week(2020, 12, 31, 2020, 53);
	check_week(2024, 2, 29, 2024, 9);
	check_week(1, 1, 1, 1, 1);
	check_week(9999, 12, 31, 9999, 52);
}

static void
test_timestamp_unknown_zone(void **state)
{
	static const char *const bad[] = {
	    "Europe/Atlantis", "",  "../../etc/passwd", "/usr/share/zoneinfo/UTC", "Europe",
	    "CET-1CEST",       NULL};
	for (size_t i = 0; bad[i] != NULL; i++) {
		maat_err err = {0};
		assert_null(maat_tz_new(bad[i], &err));
		assert_int_equal(err.code, MAAT_E_USAGE);
	}
	{
		maat_err err = {0};
		assert_null(maat_tz_new("Europe/Atlantis", &err));
		assert_string_equal(err.msg,
				    "unknown time zone 'Europe/Atlantis' (use a tz database "
				    "name such as Europe/Amsterdam)");
	}
	maat_tz_free(NULL);
}

static void
test_timestamp_dst_amsterdam(void **state)
{
	maat_tz *tz = zone("Europe/Amsterdam");
	assert_string_equal(maat_tz_name(tz), "Europe/Amsterdam");
	/* spring: 02:30 does not exist; it moves forward by the hour gap to 03:30 CEST =
	 * 01:30 UTC = 1711848600 */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 3, 31, 2, 30, 0), 1711848600);
	/* 03:30 CEST itself is the same instant */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 3, 31, 3, 30, 0), 1711848600);
	/* 01:59:59 CET = 00:59:59 UTC = 1711846799 */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 3, 31, 1, 59, 59), 1711846799);
	/* 14:30 CEST = 12:30 UTC = 1711888200 */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 3, 31, 14, 30, 0), 1711888200);
	/* autumn: 02:30 happens twice; the first is CEST = 00:30 UTC = 1729989000 (the second,
	 * CET, would be 1729992600) */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 10, 27, 2, 30, 0), 1729989000);
	/* 03:30 CET after the change = 02:30 UTC */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 10, 27, 3, 30, 0), 1729992600 + 3600);
	/* ordinary winter and summer days: 10:00 CET = 09:00 UTC, 14:00 CEST = 12:00 UTC */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 1, 15, 10, 0, 0), 1705309200);
	assert_int_equal(maat_tz_to_utc(tz, 2024, 6, 15, 14, 0, 0), 1718452800);
	/* the same again, now from the cache */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 3, 31, 2, 30, 0), 1711848600);
	assert_int_equal(maat_tz_to_utc(tz, 2024, 10, 27, 2, 30, 0), 1729989000);
	maat_tz_free(tz);
}

static void
test_timestamp_dst_lord_howe(void **state)
{
	/* Lord Howe moves its clocks by 30 minutes at 02:00 (+10:30 -> +11:00) on 2024-10-06,
	 * so one local hour holds both gap and normal times. TZ=Australia/Lord_Howe date -d
	 * '2024-10-06 02:45' +%s = 1728143100; 02:15 is in the gap and moves forward 30 min to
	 * the same 02:45 */
	maat_tz *tz = zone("Australia/Lord_Howe");
	assert_int_equal(maat_tz_to_utc(tz, 2024, 10, 6, 2, 45, 0), 1728143100);
	assert_int_equal(maat_tz_to_utc(tz, 2024, 10, 6, 2, 15, 0), 1728143100);
	assert_int_equal(maat_tz_to_utc(tz, 2024, 10, 6, 2, 46, 0), 1728143160);
	maat_tz_free(tz);
}

static void
test_timestamp_from_utc(void **state)
{
	maat_tz *tz = zone("Europe/Amsterdam");
	struct tm tm;
	/* 01:30 UTC on 2024-03-31 is 03:30 CEST, a Sunday (wday 0), day 90 of a leap year */
	maat_tz_from_utc(tz, 1711848600, &tm);
	assert_int_equal(tm.tm_year + 1900, 2024);
	assert_int_equal(tm.tm_mon, 2);
	assert_int_equal(tm.tm_mday, 31);
	assert_int_equal(tm.tm_hour, 3);
	assert_int_equal(tm.tm_min, 30);
	assert_int_equal(tm.tm_gmtoff, 7200);
	assert_int_equal(tm.tm_isdst, 1);
	assert_int_equal(tm.tm_wday, 0);
	assert_int_equal(tm.tm_yday, 90);
	/* one second before the change: 01:59:59 CET */
	maat_tz_from_utc(tz, 1711846799 + 3600, &tm);
	assert_int_equal(tm.tm_hour, 3);
	maat_tz_from_utc(tz, 1711846799, &tm);
	assert_int_equal(tm.tm_hour, 1);
	assert_int_equal(tm.tm_min, 59);
	assert_int_equal(tm.tm_gmtoff, 3600);
	/* compare with glibc itself on a spread of instants, twice (cold and cached) */
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	for (int pass = 0; pass < 2; pass++) {
		for (int64_t t = -2000000000; t < 4000000000; t += 7777777) {
			struct tm want;
			time_t tt = (time_t)t;
			localtime_r(&tt, &want);
			maat_tz_from_utc(tz, t, &tm);
			if (tm.tm_year != want.tm_year || tm.tm_yday != want.tm_yday ||
			    tm.tm_hour != want.tm_hour || tm.tm_min != want.tm_min ||
			    tm.tm_sec != want.tm_sec || tm.tm_wday != want.tm_wday ||
			    tm.tm_gmtoff != want.tm_gmtoff || tm.tm_isdst != want.tm_isdst) {
				fail_msg("t=%lld differs from localtime_r", (long long)t);
			}
			/* and back: every instant that is not in an ambiguous hour round-trips */
			if (maat_tz_to_utc(tz, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
					   tm.tm_hour, tm.tm_min, tm.tm_sec) != t &&
			    !(tm.tm_isdst == 0 && tm.tm_mon == 9)) {
				fail_msg("t=%lld does not round-trip", (long long)t);
			}
		}
	}
	/* TZ is left as the caller set it */
	assert_string_equal(getenv("TZ"), "Europe/Amsterdam");
	setenv("TZ", "UTC", 1);
	tzset();
	maat_tz_free(tz);
}

static void
assert_ts(const char *s, const maat_tz *tz, int64_t want, int want_ms)
{
	maat_err err = {0};
	int64_t secs = -1;
	int ms = -1;
	if (maat_ts_parse(s, tz, &secs, &ms, &err) != 0) {
		fail_msg("'%s': %s", s, err.msg);
	}
	if (secs != want || ms != want_ms) {
		fail_msg("'%s' -> %lld.%03d, want %lld.%03d", s, (long long)secs, ms,
			 (long long)want, want_ms);
	}
}

static void
assert_not_ts(const char *s, const char *msg)
{
	maat_err err = {0};
	int64_t secs = 0;
	assert_int_equal(maat_ts_parse(s, NULL, &secs, NULL, &err), -MAAT_E_DATA);
	assert_int_equal(err.code, MAAT_E_DATA);
	assert_string_equal(err.msg, msg);
}

static void
test_timestamp_parse_forms(void **state)
{
	maat_tz *ams = zone("Europe/Amsterdam");
	maat_tz *utc = zone("UTC");
	/* 2024-03-31 12:05:09 UTC = 1711886709; in Amsterdam that wall time is CEST, 2 h
	 * earlier in UTC */
	assert_ts("2024-03-31T12:05:09", utc, 1711886709, 0);
	assert_ts("2024-03-31T12:05:09", ams, 1711886709 - 7200, 0);
	assert_ts("2024-03-31 12:05:09", ams, 1711886709 - 7200, 0);
	assert_ts("  2024-03-31   12:05:09 \r\n", ams, 1711886709 - 7200, 0);
	assert_ts("2024-03-31 12:05", utc, 1711886709 - 9, 0);
	assert_ts("2024-03-31t12:05:09", utc, 1711886709, 0);
	/* the DST rules reach maat_ts_parse: 02:30 -> 01:30 UTC; autumn 02:30 -> 00:30 UTC */
	assert_ts("2024-03-31T02:30:00", ams, 1711848600, 0);
	assert_ts("2024-10-27 02:30", ams, 1729989000, 0);
	/* fractions: milliseconds, truncated */
	assert_ts("2024-03-31T12:05:09.123456", utc, 1711886709, 123);
	assert_ts("2024-03-31T12:05:09.9999", utc, 1711886709, 999);
	assert_ts("2024-03-31T12:05:09.5", utc, 1711886709, 500);
	assert_ts("2024-03-31T12:05:09,25", utc, 1711886709, 250);
	/* explicit offsets ignore the zone */
	assert_ts("2024-03-31T12:05:09Z", ams, 1711886709, 0);
	assert_ts("2024-03-31T14:05:09+02:00", ams, 1711886709, 0);
	assert_ts("2024-03-31T14:05:09+0200", ams, 1711886709, 0);
	assert_ts("2024-03-31T14:05:09+02", ams, 1711886709, 0);
	assert_ts("2024-03-31T06:35:09-05:30", ams, 1711886709, 0);
	assert_ts("2024-03-31 14:05:09.750 +02:00", ams, 1711886709, 750);
	assert_ts("2024-03-31T12:05:09.5Z", NULL, 1711886709, 500);
	/* a date alone is midnight local: 2024-03-31 00:00 CET = 23:00 UTC the day before */
	assert_ts("2024-03-31", utc, 1711843200, 0);
	assert_ts("2024-03-31", ams, 1711843200 - 3600, 0);
	/* Dutch day-month-year, with '-' or '/', one-digit parts allowed */
	assert_ts("31-03-2024 14:05:09", ams, 1711886709, 0);
	assert_ts("31/03/2024 14:05", ams, 1711886709 - 9, 0);
	assert_ts("31-03-2024", utc, 1711843200, 0);
	assert_ts("1-3-2024 9:05", utc, 1709283900, 0); /* date -u -d '2024-03-01 09:05' +%s */
	/* no zone (NULL) reads local times as UTC */
	assert_ts("2024-03-31 12:05:09", NULL, 1711886709, 0);
	/* leap day and the range ends: date -u -d 0001-01-01 +%s = -62135596800 */
	assert_ts("2024-02-29", utc, 1709164800, 0);
	assert_ts("0001-01-01", utc, -62135596800LL, 0);
	assert_ts("9999-12-31T23:59:59Z", utc, 253402214400LL + 86399, 0);
	maat_tz_free(ams);
	maat_tz_free(utc);
}

static void
test_timestamp_parse_rejects(void **state)
{
	assert_not_ts("", "not a timestamp: ''");
	assert_not_ts("garbage", "not a timestamp: 'garbage'");
	assert_not_ts("  2024-13-01 ", "not a timestamp: '2024-13-01'");
	assert_not_ts("2024-01-32", "not a timestamp: '2024-01-32'");
	assert_not_ts("2023-02-29", "not a timestamp: '2023-02-29'");
	assert_not_ts("2024-02-30", "not a timestamp: '2024-02-30'");
	assert_not_ts("2024-04-31", "not a timestamp: '2024-04-31'");
	assert_not_ts("2024-03-31 25:00", "not a timestamp: '2024-03-31 25:00'");
	assert_not_ts("2024-03-31 24:00", "not a timestamp: '2024-03-31 24:00'");
	assert_not_ts("2024-03-31 12:60", "not a timestamp: '2024-03-31 12:60'");
	assert_not_ts("2024-03-31 12:00:60", "not a timestamp: '2024-03-31 12:00:60'");
	assert_not_ts("0000-01-01", "not a timestamp: '0000-01-01'");
	assert_not_ts("10000-01-01", "not a timestamp: '10000-01-01'");
	assert_not_ts("32-01-2024", "not a timestamp: '32-01-2024'");
	assert_not_ts("31-13-2024", "not a timestamp: '31-13-2024'");
	assert_not_ts("31-03/2024", "not a timestamp: '31-03/2024'");
	assert_not_ts("2024/03/31", "not a timestamp: '2024/03/31'");
	assert_not_ts("2024-3-31", "not a timestamp: '2024-3-31'");
	assert_not_ts("2024-03-31T", "not a timestamp: '2024-03-31T'");
	assert_not_ts("2024-03-31 12", "not a timestamp: '2024-03-31 12'");
	assert_not_ts("2024-03-31 12:5", "not a timestamp: '2024-03-31 12:5'");
	assert_not_ts("2024-03-31 12:05:09.", "not a timestamp: '2024-03-31 12:05:09.'");
	assert_not_ts("2024-03-31 12:05:09 CET", "not a timestamp: '2024-03-31 12:05:09 CET'");
	assert_not_ts("2024-03-31 12:05+2", "not a timestamp: '2024-03-31 12:05+2'");
	assert_not_ts("2024-03-31 12:05+02:0", "not a timestamp: '2024-03-31 12:05+02:0'");
	assert_not_ts("2024-03-31 12:05+24:00", "not a timestamp: '2024-03-31 12:05+24:00'");
	assert_not_ts("2024-03-31 12:05+020000", "not a timestamp: '2024-03-31 12:05+020000'");
	assert_not_ts("2024-03-31Z", "not a timestamp: '2024-03-31Z'");
	assert_not_ts("2024-03-31 12:05:09Zjunk", "not a timestamp: '2024-03-31 12:05:09Zjunk'");
	assert_not_ts("1711886709", "not a timestamp: '1711886709'");
	/* long values are cut at 60 bytes: 61 'x' show as 60 */
	assert_not_ts(
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
	    "not a timestamp: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'");
	/* ... and never inside a UTF-8 character: 59 'x' then é (2 bytes) shows 59 'x' */
	assert_not_ts(
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\xC3\xA9",
	    "not a timestamp: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'");
}

static void
test_timestamp_date_parse(void **state)
{
	maat_err err = {0};
	int y = 0, m = 0, d = 0;
	assert_int_equal(maat_date_parse("2026-01-05", &y, &m, &d, &err), 0);
	assert_int_equal(y * 10000 + m * 100 + d, 20260105);
	assert_int_equal(maat_date_parse(" 05-01-2026 ", &y, &m, &d, &err), 0);
	assert_int_equal(y * 10000 + m * 100 + d, 20260105);
	assert_int_equal(maat_date_parse("2026-01-05 10:00", &y, &m, &d, &err), -MAAT_E_USAGE);
	assert_int_equal(err.code, MAAT_E_USAGE);
	assert_string_equal(err.msg, "not a date: '2026-01-05 10:00' (use yyyy-mm-dd)");
	assert_int_equal(maat_date_parse("2026-02-29", &y, &m, &d, &err), -MAAT_E_USAGE);
}

/* The case log of the shared corpus: all 390 time:timestamp values ("2005-03-23
 * 00:00:00+01:00") parse. Count, sum, minimum and maximum of the unix seconds come from Python's
 * datetime.fromisoformat(...).timestamp() over csv.DictReader: 390, 446992131600, 953074800,
 * 1366754400. */
static void
test_timestamp_corpus_case_log(void **state)
{
	static const char *const col[] = {"time:timestamp", NULL};
	const char *corpus = getenv("MAAT_CORPUS");
	char path[4096];
	maat_err err = {0};
	maat_tz *tz = zone("Europe/Amsterdam");
	int64_t n = 0, sum = 0, lo = INT64_MAX, hi = INT64_MIN;
	ssize_t c;
	maat_csv *r;
	FILE *f;
	if (corpus == NULL) {
		skip();
	}
	snprintf(path, sizeof(path), "%s/cases/roadtraffic100traces.csv", corpus);
	assert_non_null(f = fopen(path, "rb"));
	assert_non_null(r = maat_csv_open(f, NULL, &err));
	assert_int_equal(maat_csv_next(r, &err), 1);
	c = maat_csv_column(r, col);
	assert_int_equal(c, 12);
	while (maat_csv_next(r, &err) == 1) {
		int64_t secs;
		if (maat_ts_parse(maat_csv_field(r, (size_t)c), tz, &secs, NULL, &err) != 0) {
			fail_msg("line %lld: %s", (long long)maat_csv_line(r), err.msg);
		}
		n++;
		sum += secs;
		lo = secs < lo ? secs : lo;
		hi = secs > hi ? secs : hi;
	}
	assert_int_equal(n, 390);
	assert_int_equal(sum, 446992131600LL);
	assert_int_equal(lo, 953074800);
	assert_int_equal(hi, 1366754400);
	maat_csv_free(r);
	fclose(f);
	maat_tz_free(tz);
}

/* Conversions set TZ for a moment and put back what the caller had, unset included. */
static void
test_timestamp_restores_tz(void **state)
{
	maat_tz *tz = zone("America/New_York");
	struct tm tm;
	unsetenv("TZ");
	/* 2024-07-04 12:00 EDT = 16:00 UTC: date -u -d '2024-07-04 16:00' +%s = 1720108800 */
	assert_int_equal(maat_tz_to_utc(tz, 2024, 7, 4, 12, 0, 0), 1720108800);
	assert_null(getenv("TZ"));
	setenv("TZ", "Asia/Tokyo", 1);
	maat_tz_from_utc(tz, 1720108800 + 86400 * 400, &tm);
	assert_string_equal(getenv("TZ"), "Asia/Tokyo");
	setenv("TZ", "UTC", 1);
	tzset();
	maat_tz_free(tz);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_timestamp_civil_days),
	    cmocka_unit_test(test_timestamp_iso_week),
	    cmocka_unit_test(test_timestamp_unknown_zone),
	    cmocka_unit_test(test_timestamp_dst_amsterdam),
	    cmocka_unit_test(test_timestamp_dst_lord_howe),
	    cmocka_unit_test(test_timestamp_from_utc),
	    cmocka_unit_test(test_timestamp_parse_forms),
	    cmocka_unit_test(test_timestamp_parse_rejects),
	    cmocka_unit_test(test_timestamp_date_parse),
	    cmocka_unit_test(test_timestamp_corpus_case_log),
	    cmocka_unit_test(test_timestamp_restores_tz),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
