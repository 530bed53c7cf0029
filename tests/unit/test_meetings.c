/* Meeting hours from a store: the hand-computed fixture of the shared corpus, org lookups,
 * the cap, min_group. Expected values are from the fixture's .expected.tsv (computed by hand)
 * or worked out in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/ics.h"
#include "maatlat/json.h"
#include "maatlat/meetings.h"
#include "maatlat/zone.h"

static maat_db *
fixture_db(void)
{
	const char *corpus = getenv("MAAT_CORPUS");
	char path[4096];
	maat_cal_opts o = {.tz = "UTC"};
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	assert_non_null(db);
	snprintf(path, sizeof(path), "%s/calendars/synthetic__partstat_overlap_week_boundary.ics",
		 corpus ? corpus : "../../../shared/corpus");
	assert_int_equal(maat_zone_date_to_utc("2024-03-01", "UTC", 0, &o.from, &err), 0);
	assert_int_equal(maat_zone_date_to_utc("2024-04-30", "UTC", 1, &o.to, &err), 0);
	o.has_from = o.has_to = true;
	assert_int_equal(maat_cal_import_file(db, path, &o, &err), 0);
	return db;
}

static void
opts_fixture(maat_meetings_opts *o)
{
	maat_err err = {0};
	maat_meetings_opts_init(o);
	o->tz = "UTC";
	o->min_participants = 1;
	o->max_meeting_hours = 0;
	/* rows per person, checked below (the fixture's 6 people form one unit of >= 5) */
	o->per_person = true;
	o->has_window = true;
	assert_int_equal(maat_zone_date_to_utc("2024-03-01", "UTC", 0, &o->from, &err), 0);
	assert_int_equal(maat_zone_date_to_utc("2024-04-30", "UTC", 1, &o->to, &err), 0);
}

/* the row of person p in week w of the person-week table, or -1 */
static ssize_t
find_row(const maat_table *t, const char *p, const char *w)
{
	for (size_t r = 0; r < maat_table_nrows(t); r++) {
		if (strcmp(maat_table_cell(t, r, 0)->s, p) == 0 &&
		    strcmp(maat_table_cell(t, r, 2)->s, w) == 0) {
			return (ssize_t)r;
		}
	}
	return -1;
}

static void
assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-9) {
		fail_msg("got %.9f, wanted %.9f", got, want);
	}
}

static void
test_meetings_fixture(void **state)
{
	maat_db *db = fixture_db();
	maat_meetings_opts o;
	maat_err err = {0};
	maat_meetings *m;
	maat_table *t;
	ssize_t r;
	(void)state;
	opts_fixture(&o);
	m = maat_meetings_compute(db, &o, &err);
	assert_non_null(m);
	/* .expected.tsv: 6 people, 16 person-weeks, none over 12 h */
	assert_int_equal(maat_meetings_get_summary(m)->persons, 6);
	assert_int_equal(maat_meetings_get_summary(m)->person_weeks, 16);
	assert_int_equal(maat_meetings_get_summary(m)->over_cap_person_weeks, 0);
	t = maat_meetings_person_weeks_table(m);
	assert_int_equal(maat_table_nrows(t), 16);
	/* owner W12: 3.0 union, 3.5 booked, 0.5 double-booked */
	r = find_row(t, "owner@example.org", "2024-W12");
	assert_true(r >= 0);
	assert_near(maat_table_cell(t, (size_t)r, 3)->d, 3.0);
	assert_near(maat_table_cell(t, (size_t)r, 4)->d, 3.5);
	assert_near(maat_table_cell(t, (size_t)r, 5)->d, 0.5);
	/* alice W13: the midnight meeting's second half (1 h) + the moved instance 1.5 h, which
	 * contains erin's 30 min: 2.5 union, 3.0 booked */
	r = find_row(t, "alice@example.org", "2024-W13");
	assert_true(r >= 0);
	assert_near(maat_table_cell(t, (size_t)r, 3)->d, 2.5);
	assert_near(maat_table_cell(t, (size_t)r, 4)->d, 3.0);
	/* W14 is the EXDATE: nobody has a row */
	assert_int_equal(find_row(t, "alice@example.org", "2024-W14"), -1);
	maat_table_free(t);
	/* the weekly series: 4 instances (5 minus the EXDATE); person-hours: 18 Mar 1 h x 4
	 * attending (owner, alice, carol, dave; bob declined) + 25 Mar 1.5 h x 3 (owner, alice,
	 * bob) + 8 and 15 Apr 1 h x 4 = 4 + 4.5 + 8 = 16.5 */
	t = maat_meetings_series_table(m);
	assert_int_equal(maat_table_nrows(t), 1);
	assert_int_equal(maat_table_cell(t, 0, 2)->i, 4);
	assert_near(maat_table_cell(t, 0, 3)->d, 16.5);
	maat_table_free(t);
	/* 6 people of unknown unit: shown with min_group 5 */
	t = maat_meetings_units_table(m);
	assert_int_equal(maat_table_nrows(t), 1);
	maat_table_free(t);
	maat_meetings_free(m);
	/* min_group 7: the unit is suppressed */
	o.min_group = 7;
	m = maat_meetings_compute(db, &o, &err);
	t = maat_meetings_units_table(m);
	assert_int_equal(maat_table_nrows(t), 0);
	assert_int_equal(maat_meetings_get_summary(m)->units_suppressed, 1);
	maat_table_free(t);
	maat_meetings_free(m);
	maat_db_close(db);
}

static bool
half_time_alice(void *ctx, const char *key, const char **person, double *fte, const char **unit)
{
	(void)ctx;
	if (strcmp(key, "alice@example.org") == 0) {
		*person = "A. Example";
		*fte = 0.2;
		*unit = "Policy";
		return true;
	}
	return false;
}

static void
test_meetings_fte_cap(void **state)
{
	maat_db *db = fixture_db();
	maat_meetings_opts o;
	maat_err err = {0};
	maat_meetings *m;
	maat_table *t;
	ssize_t r;
	(void)state;
	opts_fixture(&o);
	o.person = half_time_alice;
	/* alice is alone in Policy: her rows show only with min_group 1 */
	o.min_group = 1;
	m = maat_meetings_compute(db, &o, &err);
	assert_non_null(m);
	/* cap 12 x 0.2 = 2.4 h: alice's W12 and W13 (2.5 h each) are over it, W15/W16 (1 h) not */
	assert_int_equal(maat_meetings_get_summary(m)->over_cap_person_weeks, 2);
	assert_int_equal(maat_meetings_get_summary(m)->people_over_cap, 1);
	t = maat_meetings_person_weeks_table(m);
	r = find_row(t, "A. Example", "2024-W12");
	assert_true(r >= 0);
	assert_string_equal(maat_table_cell(t, (size_t)r, 1)->s, "Policy");
	assert_near(maat_table_cell(t, (size_t)r, 6)->d, 2.4);
	assert_int_equal(maat_table_cell(t, (size_t)r, 7)->i, 1);
	maat_table_free(t);
	maat_meetings_free(m);
	maat_db_close(db);
}

static void
test_meetings_empty_and_bad_zone(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	maat_meetings_opts o;
	maat_meetings *m;
	json_t *j;
	(void)state;
	maat_meetings_opts_init(&o);
	m = maat_meetings_compute(db, &o, &err);
	assert_non_null(m);
	assert_int_equal(maat_meetings_get_summary(m)->person_weeks, 0);
	j = maat_meetings_json(m);
	assert_non_null(json_object_get(j, "rows"));
	assert_true(json_is_null(json_object_get(j, "from")));
	json_decref(j);
	maat_meetings_free(m);
	o.tz = "Mars/Olympus";
	assert_null(maat_meetings_compute(db, &o, &err));
	assert_int_equal(err.code, MAAT_E_USAGE);
	maat_db_close(db);
}

static void
test_meetings_json_streamed(void **state)
{
	/* the streamed --json is the tree's dump byte for byte: on the fixture (rows, units,
	 * series) and on an empty store ("rows": []) */
	maat_db *dbs[2] = {fixture_db(), NULL};
	maat_err err = {0};
	(void)state;
	dbs[1] = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	for (int k = 0; k < 2; k++) {
		maat_meetings_opts o;
		maat_meetings *m;
		json_t *j;
		char *tree = NULL, *streamed = NULL;
		size_t ntree = 0, nstreamed = 0;
		FILE *a = open_memstream(&tree, &ntree), *b = open_memstream(&streamed, &nstreamed);
		opts_fixture(&o);
		m = maat_meetings_compute(dbs[k], &o, &err);
		assert_non_null(m);
		j = maat_meetings_json(m);
		assert_int_equal(maat_json_print(j, a), 0);
		assert_int_equal(maat_meetings_json_write(m, b), 0);
		fclose(a);
		fclose(b);
		assert_true(k == 1 || json_array_size(json_object_get(j, "rows")) > 0);
		assert_string_equal(streamed, tree);
		json_decref(j);
		free(tree);
		free(streamed);
		maat_meetings_free(m);
		maat_db_close(dbs[k]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_meetings_fixture),
	    cmocka_unit_test(test_meetings_fte_cap),
	    cmocka_unit_test(test_meetings_empty_and_bad_zone),
	    cmocka_unit_test(test_meetings_json_streamed),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	maat_zone_cleanup();
	return rc;
}
