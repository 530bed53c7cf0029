/* Decision terms (METRICS.md §5): the day measure and a store-built case, every expected value
 * worked out by hand in the comment above its assertion. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "maatlat/cases.h"
#include "maatlat/org_import.h"
#include "maatlat/terms.h"
#include "maatlat/terms_import.h"
#include "maatlat/timestamp.h"

static void
assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-9) {
		fail_msg("got %.12f, wanted %.12f", got, want);
	}
}

/* ms since the epoch of a local time in tz */
static int64_t
at(const maat_tz *tz, int y, int mo, int d, int h, int mi)
{
	return maat_tz_to_utc(tz, y, mo, d, h, mi, 0) * 1000;
}

static void
test_terms_calendar_days(void **state)
{
	maat_err err = {0};
	maat_tz *ams = maat_tz_new("Europe/Amsterdam", &err);
	icaltimezone *zams = maat_zone_builtin("Europe/Amsterdam");
	(void)state;
	assert_non_null(ams);
	assert_non_null(zams);
	/* Fri 24 Oct 2025 12:00 -> Mon 27 Oct 12:00 in Amsterdam: the clocks go back on Sunday
	 * 26 Oct, so 73 hours = 3 + 1/24 calendar days */
	assert_near(maat_terms_days_between(at(ams, 2025, 10, 24, 12, 0),
					    at(ams, 2025, 10, 27, 12, 0), false, zams, NULL, 0),
		    3.0 + 1.0 / 24.0);
	/* the same span in working days: half of Friday, half of Monday = 1.0 */
	assert_near(maat_terms_days_between(at(ams, 2025, 10, 24, 12, 0),
					    at(ams, 2025, 10, 27, 12, 0), true, zams, NULL, 0),
		    1.0);
	/* an end before the start measures 0 */
	assert_near(maat_terms_days_between(10, 5, true, zams, NULL, 0), 0.0);
	maat_tz_free(ams);
}

static void
test_terms_working_days_holiday(void **state)
{
	maat_err err = {0};
	maat_tz *utc = maat_tz_new("UTC", &err);
	icaltimezone *zutc = maat_zone_builtin("UTC");
	/* Good Friday 18 and Easter Monday 21 April 2025 */
	int64_t hol[] = {maat_days_from_civil(2025, 4, 18), maat_days_from_civil(2025, 4, 21)};
	(void)state;
	assert_non_null(utc);
	assert_non_null(zutc);
	/* Thu 17 Apr 18:00 -> Tue 22 Apr 06:00: Thursday's last 6 h = 0.25, Friday holiday,
	 * weekend, Monday holiday, Tuesday's first 6 h = 0.25: 0.5 working days */
	assert_near(maat_terms_days_between(at(utc, 2025, 4, 17, 18, 0), at(utc, 2025, 4, 22, 6, 0),
					    true, zutc, hol, 2),
		    0.5);
	/* without the holidays: + Friday + Monday = 2.5 */
	assert_near(maat_terms_days_between(at(utc, 2025, 4, 17, 18, 0), at(utc, 2025, 4, 22, 6, 0),
					    true, zutc, NULL, 0),
		    2.5);
	/* within one working day: 09:00 -> 15:00 = 6 h = 0.25; on a Saturday: 0 */
	assert_near(maat_terms_days_between(at(utc, 2025, 4, 16, 9, 0), at(utc, 2025, 4, 16, 15, 0),
					    true, zutc, hol, 2),
		    0.25);
	assert_near(maat_terms_days_between(at(utc, 2025, 4, 19, 9, 0), at(utc, 2025, 4, 19, 15, 0),
					    true, zutc, hol, 2),
		    0.0);
	maat_tz_free(utc);
}

/* The hand-made log of tests/data/terms (workdir tests/data) in a :memory: store. */
static maat_db *
terms_store(void)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	maat_org_import_opts oo = {.as_of = "2025-01-01"};
	maat_cases_opts co = {.path = "terms/cases.csv"};
	maat_terms_import_opts to = {.holidays = "terms/holidays.txt"};
	assert_non_null(db);
	assert_int_equal(maat_org_import_file(db, "terms/org.csv", &oo, 0, NULL, &err), 0);
	assert_int_equal(maat_db_import_file(db, "cases", "terms/cases.csv", "", 0,
					     maat_cases_import, &co, NULL, &err),
			 0);
	assert_int_equal(maat_terms_import_file(db, "terms/terms.csv", &to, 0, NULL, &err), 0);
	return db;
}

static const maat_term_case *
find_case(const maat_terms *t, const char *key)
{
	for (size_t i = 0; i < t->ncase_rows; i++) {
		if (strcmp(t->case_rows[i].case_key, key) == 0) {
			return &t->case_rows[i];
		}
	}
	fail_msg("no case %s", key);
	return NULL;
}

static void
test_terms_hand_case(void **state)
{
	maat_db *db = terms_store();
	maat_terms_opts o;
	maat_terms *t = NULL;
	maat_err err = {0};
	const maat_term_case *c;
	(void)state;
	maat_terms_opts_init(&o);
	o.tz = "UTC";
	o.keep_all_cases = true;
	assert_int_equal(maat_terms_compute(db, &o, &t, &err), 0);
	assert_int_equal(t->cases, 6);
	/* Case A (omgevingsvergunning, 5 working days): Mon 14 Apr 09:00 -> Fri 25 Apr 09:00 =
	 * 0.625 + 3 (Tue-Thu) + 0 (Good Friday, weekend, Easter Monday) + 3 (Tue-Thu) + 0.375 = 7;
	 * suspended Wed 16 12:00 -> Tue 22 12:00 = 0.5 + 1 + 0.5 = 2; lead time 5 = the term:
	 * not over it */
	c = find_case(t, "A");
	assert_near(c->lead_days, 5.0);
	assert_near(c->suspended_days, 2.0);
	assert_false(c->over);
	assert_false(c->open);
	assert_string_equal(c->unit, "Vergunningen");
	assert_string_equal(c->month, "2025-04");
	/* Case D (bezwaar, 6 weeks = 42 calendar days): 45 days, 3 over */
	c = find_case(t, "D");
	assert_near(c->lead_days, 45.0);
	assert_true(c->over);
	assert_near(c->days_over, 3.0);
	/* Case E: no type and no '*' row: the Awb's 56 calendar days, 10 days taken */
	c = find_case(t, "E");
	assert_null(c->case_type);
	assert_near(c->term_days, 56.0);
	assert_near(c->lead_days, 10.0);
	/* Case C: no end event: open, 17 working days to the end of the log */
	c = find_case(t, "C");
	assert_true(c->open);
	assert_near(c->lead_days, 17.0);
	maat_terms_free(t);
	maat_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_terms_calendar_days),
	    cmocka_unit_test(test_terms_working_days_holiday),
	    cmocka_unit_test(test_terms_hand_case),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
