/* Handover figures of METRICS.md §3 on small hand-built logs. Every expected number is worked
 * out by hand in the comment above its assertion. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/cases.h"
#include "maatlat/handovers.h"
#include "maatlat/json.h"
#include "maatlat/org.h"
#include "maatlat/person.h"
#include "maatlat/util.h"

#define DAY 86400

struct ev {
	const char *c, *a;
	int64_t t;
	const char *r;
};

/* A :memory: store holding the events as one imported source, in the order given. */
static maat_db *
store(const struct ev *evs, size_t n)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	maat_import imp = {0};
	maat_cases_sink *s;

	assert_non_null(db);
	assert_int_equal(maat_db_begin(db, &err), 0);
	assert_int_equal(maat_db_exec(db,
				      "INSERT INTO sources(kind, path, sha256, imported_at) "
				      "VALUES ('cases', 't.csv', 'x', 0)",
				      &err),
			 0);
	imp.db = db;
	imp.source_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	imp.path = "t.csv";
	s = maat_cases_sink_new(&imp, &err);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		maat_case_event e = {.case_id = evs[i].c,
				     .activity = evs[i].a,
				     .ts = evs[i].t,
				     .resource = evs[i].r};
		assert_int_equal(maat_cases_sink_add(&e, s, &err), 0);
	}
	assert_int_equal(maat_cases_sink_finish(s, &err), 0);
	maat_cases_sink_free(s);
	assert_int_equal(maat_db_commit(db, &err), 0);
	return db;
}

static maat_handovers *
compute(maat_db *db, const maat_org *org, const char *pattern)
{
	maat_handovers_opts o;
	maat_handovers *h = NULL;
	maat_err err = {0};
	maat_handovers_opts_init(&o);
	o.keep_cases = true;
	o.approval_pattern = pattern;
	assert_int_equal(maat_handovers_compute_with_org(db, &o, org, &h, &err), 0);
	return h;
}

static const maat_handover_pair *
pair(const maat_handovers *h, const char *from, const char *to)
{
	for (size_t i = 0; i < h->npairs; i++) {
		if (strcmp(h->pairs[i].from, from) == 0 && strcmp(h->pairs[i].to, to) == 0) {
			return &h->pairs[i];
		}
	}
	return NULL;
}

static void
test_handovers_pingpong_and_returns(void **state)
{
	/* case p: A B A B -> segments A,B,A,B: handovers 3; ping-pong at j=1 (A,B,A) and j=2
	 * (B,A,B) = 2; returns: the 3rd (A) and 4th (B) segment = 2; first owner A != last B.
	 * case r: A B C A -> handovers 3, no s_j == s_(j+2), returns 1 (A), finished by picker. */
	const struct ev evs[] = {
	    {"p", "x", 0, "A"}, {"p", "x", 10, "B"}, {"p", "x", 20, "A"}, {"p", "x", 30, "B"},
	    {"r", "x", 0, "A"}, {"r", "x", 10, "B"}, {"r", "x", 20, "C"}, {"r", "x", 30, "A"},
	};
	maat_db *db = store(evs, 8);
	maat_handovers *h = compute(db, NULL, NULL);
	assert_int_equal(h->cases, 2);
	assert_int_equal(h->handovers, 6);
	assert_int_equal(h->successions, 6);
	assert_int_equal(h->pingpong, 2);
	assert_int_equal(h->pingpong_cases, 1);
	assert_int_equal(h->returns, 3);
	assert_int_equal(h->cases_finished_by_picker, 1);
	/* both cases have 3 handovers > 2 */
	assert_int_equal(h->cases_over_max, 2);
	assert_int_equal(h->case_rows[0].pingpong, 2);
	assert_int_equal(h->case_rows[0].returns, 2);
	assert_false(h->case_rows[0].finished_by_picker);
	assert_int_equal(h->case_rows[1].returns, 1);
	assert_true(h->case_rows[1].finished_by_picker);
	/* A->B occurs twice in p and once in r: count 3 in 2 cases */
	assert_int_equal(pair(h, "A", "B")->count, 3);
	assert_int_equal(pair(h, "A", "B")->cases, 2);
	/* no org chart: one "(unknown)" unit, and handovers between unknowns are not "within" */
	assert_int_equal(h->nunits, 1);
	assert_int_equal(h->units[0].handovers_out, 6);
	assert_int_equal(h->units[0].handovers_within, 0);
	assert_int_equal(h->unknown, 6);
	/* pairs sorted by count descending: A->B (3) first */
	assert_string_equal(h->pairs[0].from, "A");
	assert_string_equal(h->pairs[0].to, "B");
	maat_handovers_free(h);
	maat_db_close(db);
}

static void
test_handovers_equal_times_keep_file_order(void **state)
{
	/* all three events at the same second: file order A, B, A decides -> 2 handovers and a
	 * ping-pong. Sorted by resource name instead it would be A, A, B (1 handover). */
	const struct ev evs[] = {{"c", "x", 100, "A"}, {"c", "x", 100, "B"}, {"c", "x", 100, "A"}};
	maat_db *db = store(evs, 3);
	maat_handovers *h = compute(db, NULL, NULL);
	assert_int_equal(h->handovers, 2);
	assert_int_equal(h->pingpong, 1);
	assert_non_null(pair(h, "B", "A"));
	maat_handovers_free(h);
	maat_db_close(db);
}

static void
test_handovers_unsorted_input(void **state)
{
	/* the file lists case c backwards in time and interleaves case d; by time c is
	 * A(0) A(10) B(20): one self-succession, one handover A->B, no B->A. */
	const struct ev evs[] = {
	    {"c", "x", 20, "B"}, {"d", "x", 5, "Z"}, {"c", "x", 10, "A"}, {"c", "x", 0, "A"}};
	maat_db *db = store(evs, 4);
	maat_handovers *h = compute(db, NULL, NULL);
	assert_int_equal(h->cases, 2);
	assert_int_equal(h->successions, 2);
	assert_int_equal(h->self_successions, 1);
	assert_int_equal(h->handovers, 1);
	assert_non_null(pair(h, "A", "B"));
	assert_null(pair(h, "B", "A"));
	/* case c: throughput 20 s; case d: 0 */
	assert_true(fabs(h->case_rows[0].throughput_days - 20.0 / DAY) < 1e-12);
	maat_handovers_free(h);
	maat_db_close(db);
}

static void
test_handovers_idle_and_throughput(void **state)
{
	/* case a: gap of exactly 14 days -> not idle (idle means over 14); case b: 14 days + 1 s
	 * -> idle; case c: one event, throughput 0. Throughputs sorted: 0, 14, 14+1/86400 days.
	 * numpy linear: median = x[1] = 14; p90: h = 2 * 0.9 = 1.8 -> 14 + 0.8 * (1/86400). */
	const struct ev evs[] = {
	    {"a", "x", 0, "A"}, {"a", "x", 14 * DAY, "A"},
	    {"b", "x", 0, "A"}, {"b", "x", 14 * DAY + 1, NULL},
	    {"c", "x", 0, "A"},
	};
	maat_db *db = store(evs, 5);
	maat_handovers *h = compute(db, NULL, NULL);
	assert_int_equal(h->idle_cases, 1);
	assert_int_equal(h->events_without_resource, 1);
	assert_true(fabs(h->throughput_median - 14.0) < 1e-12);
	assert_true(fabs(h->throughput_p90 - (14.0 + 0.8 / DAY)) < 1e-12);
	assert_true(fabs(h->throughput_max - (14.0 + 1.0 / DAY)) < 1e-12);
	maat_handovers_free(h);
	maat_db_close(db);
}

static void
test_handovers_percentile_like_numpy(void **state)
{
	/* numpy.percentile([1, 2, 3, 4], q) with the default method: q=50 -> 2.5, q=90 -> 3.7
	 * (h = 3 * 0.9 = 2.7 -> 3 + 0.7), q=100 -> 4, q=0 -> 1; a single value is every
	 * percentile; no values -> NaN. */
	const double x[] = {1, 2, 3, 4};
	assert_true(fabs(maat_percentile_linear(x, 4, 0.5) - 2.5) < 1e-12);
	assert_true(fabs(maat_percentile_linear(x, 4, 0.9) - 3.7) < 1e-12);
	assert_true(fabs(maat_percentile_linear(x, 4, 1.0) - 4.0) < 1e-12);
	assert_true(fabs(maat_percentile_linear(x, 4, 0.0) - 1.0) < 1e-12);
	assert_true(fabs(maat_percentile_linear(x + 2, 1, 0.9) - 3.0) < 1e-12);
	assert_true(isnan(maat_percentile_linear(x, 0, 0.5)));
}

static void
test_handovers_empty_and_no_resources(void **state)
{
	/* an empty store: zero cases, null throughput; a log without resources: cases and
	 * events counted, no successions, no owner, so not "finished by the picker" */
	maat_db *db = store(NULL, 0);
	maat_handovers *h = compute(db, NULL, NULL);
	json_t *j;
	assert_int_equal(h->cases, 0);
	assert_int_equal(h->npairs, 0);
	assert_true(isnan(h->throughput_median));
	j = maat_handovers_json(h);
	assert_true(json_is_null(json_object_get(j, "handovers_mean")));
	assert_true(json_is_null(json_object_get(json_object_get(j, "throughput_days"), "p90")));
	assert_int_equal(json_array_size(json_object_get(j, "pairs")), 0);
	json_decref(j);
	maat_handovers_free(h);
	maat_db_close(db);

	const struct ev evs[] = {{"c", "x", 0, NULL}, {"c", "y", 5, ""}};
	db = store(evs, 2);
	h = compute(db, NULL, NULL);
	assert_int_equal(h->cases, 1);
	assert_int_equal(h->events, 2);
	assert_int_equal(h->events_without_resource, 2);
	assert_int_equal(h->cases_without_resource, 1);
	assert_int_equal(h->successions, 0);
	assert_int_equal(h->cases_without_handover, 1);
	assert_int_equal(h->cases_finished_by_picker, 0);
	maat_handovers_free(h);
	maat_db_close(db);
}

static void
test_handovers_resourceless_events_are_skipped(void **state)
{
	/* A, (none), A, B: the event without a resource is skipped, so A->A is a succession
	 * (self) and A->B a handover; 2 successions, 1 handover */
	const struct ev evs[] = {
	    {"c", "x", 0, "A"}, {"c", "x", 1, NULL}, {"c", "x", 2, "A"}, {"c", "x", 3, "B"}};
	maat_db *db = store(evs, 4);
	maat_handovers *h = compute(db, NULL, NULL);
	assert_int_equal(h->successions, 2);
	assert_int_equal(h->self_successions, 1);
	assert_int_equal(h->handovers, 1);
	maat_handovers_free(h);
	maat_db_close(db);
}

/* A small org chart, built by the org module's rules: dir (layer 1) > head (2) > {ann, bob} (3);
 * dir > head2 (2) > cas (3). */
static maat_org *
small_org(void)
{
	static const struct {
		const char *id, *manager, *name, *unit, *title;
	} rows[] = {
	    {"1", "", "Dir", "Directie", "directeur"},
	    {"2", "1", "Head", "Vergunningen", "afdelingshoofd"},
	    {"3", "2", "Ann", "Vergunningen", "medewerker"},
	    {"4", "2", "Bob", "Vergunningen", "medewerker"},
	    {"5", "1", "Head2", "Handhaving", "afdelingshoofd"},
	    {"6", "5", "Cas", "Handhaving", "medewerker"},
	};
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		maat_org_row row = {.id = rows[i].id,
				    .manager = rows[i].manager,
				    .name = rows[i].name,
				    .unit = rows[i].unit,
				    .title = rows[i].title,
				    .fte = 1.0,
				    .employment = MAAT_EMP_UNKNOWN,
				    .line = (int64_t)i + 2};
		maat_org_builder_add(b, &row);
	}
	org = maat_org_builder_finish(b, NULL);
	/* the layers the tests rely on */
	assert_int_equal(org->nodes[maat_org_find(org, "dir")].layer, 1);
	assert_int_equal(org->nodes[maat_org_find(org, "ann")].layer, 3);
	return org;
}

static void
test_handovers_escalations_against_org(void **state)
{
	/* ann -> head: head is ann's manager -> up; head -> dir: up; dir -> bob: bob below dir
	 * -> down; bob -> cas: neither above the other -> sideways; cas -> zed: zed not in the
	 * chart -> unknown. Matching is case-insensitive on names ("ANN"). Totals: up 2, down 1,
	 * sideways 1, unknown 1. */
	const struct ev evs[] = {
	    {"c", "x", 0, "ANN"}, {"c", "x", 1, "Head"}, {"c", "x", 2, "Dir"},
	    {"c", "x", 3, "bob"}, {"c", "x", 4, "Cas"},  {"c", "x", 5, "zed"},
	};
	maat_db *db = store(evs, 6);
	maat_org *org = small_org();
	maat_handovers *h = compute(db, org, NULL);
	assert_true(h->have_org);
	assert_int_equal(h->up, 2);
	assert_int_equal(h->down, 1);
	assert_int_equal(h->sideways, 1);
	assert_int_equal(h->unknown, 1);
	assert_string_equal(pair(h, "ANN", "Head")->direction, "up");
	assert_string_equal(pair(h, "Dir", "bob")->direction, "down");
	assert_string_equal(pair(h, "bob", "Cas")->direction, "sideways");
	assert_string_equal(pair(h, "Cas", "zed")->direction, "unknown");
	for (size_t i = 0; i < h->nunits; i++) {
		if (strcmp(h->units[i].name, "Vergunningen") == 0) {
			/* out of Vergunningen (ann, head, bob): ann->head, head->dir, bob->cas =
			 * 3; in: ann->head, dir->bob = 2; within: ann->head = 1 */
			assert_int_equal(h->units[i].handovers_out, 3);
			assert_int_equal(h->units[i].handovers_in, 2);
			assert_int_equal(h->units[i].handovers_within, 1);
		}
		if (strcmp(h->units[i].name, "(unknown)") == 0) {
			/* only zed is not in the chart: receives cas->zed, nothing within */
			assert_int_equal(h->units[i].handovers_in, 1);
			assert_int_equal(h->units[i].handovers_out, 0);
			assert_int_equal(h->units[i].handovers_within, 0);
		}
	}
	maat_handovers_free(h);
	maat_org_free(org);
	maat_db_close(db);
}

static void
test_handovers_signoffs(void **state)
{
	/* case c: ann drafts, then "paraaf" by head, "Paraaf" by head again, "akkoord" by dir,
	 * "Besluit verzenden" by ann. Default pattern (case-insensitive): 3 sign-off events, 2
	 * distinct approvers (head layer 2, dir layer 1) -> layers "2,1", both in Ann's line of
	 * managers. The case has no type: it is not compared with a formal chain (METRICS.md §3),
	 * but counted as "no type". With the pattern "verzend" only one sign-off, by Ann herself:
	 * outside her line of managers. */
	const struct ev evs[] = {
	    {"c", "concept opstellen", 0, "Ann"}, {"c", "paraaf", 1, "Head"},
	    {"c", "Paraaf", 2, "Head"},           {"c", "akkoord directeur", 3, "Dir"},
	    {"c", "Besluit verzenden", 4, "Ann"},
	};
	maat_db *db = store(evs, 5);
	maat_org *org = small_org();
	maat_handovers *h = compute(db, org, NULL);
	assert_int_equal(h->signoffs, 3);
	assert_int_equal(h->signoff_cases, 1);
	assert_int_equal(h->case_rows[0].signoffs, 3);
	assert_int_equal(h->case_rows[0].approvers, 2);
	assert_string_equal(h->case_rows[0].approver_layers, "2,1");
	assert_int_equal(h->case_rows[0].formal_chain, -1);
	assert_int_equal(h->signoff_cases_compared, 0);
	assert_int_equal(h->signoff_cases_no_type, 1);
	assert_int_equal(h->signoff_approvers_in_line, 2);
	assert_int_equal(h->signoff_cases_over_chain, 0);
	assert_int_equal(h->signoff_cases_under_chain, 0);
	maat_handovers_free(h);
	h = compute(db, org, "verzend");
	assert_int_equal(h->signoffs, 1);
	assert_int_equal(h->case_rows[0].approvers, 1);
	assert_int_equal(h->signoff_approvers_in_line, 0);
	assert_int_equal(h->signoff_approvers_outside_line, 1);
	maat_handovers_free(h);
	maat_org_free(org);
	maat_db_close(db);
}

static void
test_handovers_formal_chain_by_mandate(void **state)
{
	/* Ann (layer 3) picks up every case. Mandates: bouw -> title:Afdelingshoofd (Head, layer
	 * 2): chain 1; milieu -> id:1 (Dir, layer 1): chain 2; zorg -> layer:3 (Ann herself):
	 * chain 0; a type without a mandate, and no type: no formal chain (-1, METRICS.md §3:
	 * compared only when the type is known). */
	static const char *const types[] = {"bouw", "milieu", "zorg", "onbekend", NULL};
	maat_err err = {0};
	maat_db *db = store(NULL, 0);
	maat_import imp = {.db = db, .path = "t2.csv"};
	maat_cases_sink *s;
	maat_org *org = small_org();
	maat_handovers *h;

	assert_int_equal(
	    maat_db_exec(db,
			 "INSERT INTO sources(kind, path, sha256, imported_at) VALUES "
			 "('mandates', 'm.csv', 'm', 0);"
			 "INSERT INTO org_mandates VALUES (last_insert_rowid(), 2, 'bouw', "
			 "'title', 'Afdelingshoofd'), (last_insert_rowid(), 3, 'milieu', "
			 "'id', '1'), (last_insert_rowid(), 4, 'zorg', 'layer', '3');"
			 "INSERT INTO sources(kind, path, sha256, imported_at) VALUES "
			 "('cases', 't2.csv', 'y', 0)",
			 &err),
	    0);
	imp.source_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	s = maat_cases_sink_new(&imp, &err);
	for (int i = 0; i < 5; i++) {
		char id[8];
		snprintf(id, sizeof(id), "c%d", i);
		maat_case_event e = {.case_id = id,
				     .activity = "x",
				     .ts = 0,
				     .resource = "Ann",
				     .case_type = types[i]};
		assert_int_equal(maat_cases_sink_add(&e, s, &err), 0);
	}
	assert_int_equal(maat_cases_sink_finish(s, &err), 0);
	maat_cases_sink_free(s);
	h = compute(db, org, NULL);
	assert_int_equal(h->ncase_rows, 5);
	assert_int_equal(h->case_rows[0].formal_chain, 1);
	assert_int_equal(h->case_rows[1].formal_chain, 2);
	assert_int_equal(h->case_rows[2].formal_chain, 0);
	assert_int_equal(h->case_rows[3].formal_chain, -1);
	assert_int_equal(h->case_rows[4].formal_chain, -1);
	assert_string_equal(h->case_rows[0].case_type, "bouw");
	assert_null(h->case_rows[4].case_type);
	maat_handovers_free(h);
	maat_org_free(org);
	maat_db_close(db);
}

static void
test_handovers_bad_pattern(void **state)
{
	maat_db *db = store(NULL, 0);
	maat_handovers_opts o;
	maat_handovers *h = NULL;
	maat_err err = {0};
	maat_handovers_opts_init(&o);
	o.approval_pattern = "(unclosed";
	assert_int_equal(maat_handovers_compute_with_org(db, &o, NULL, &h, &err), -MAAT_E_USAGE);
	assert_null(h);
	assert_non_null(strstr(err.msg, "--approval-pattern"));
	maat_db_close(db);
}

static void
test_handovers_top_cases(void **state)
{
	/* handovers per case: a 1 (A B), b 3 (A B A B), c 0, d 3 (A B C D), e 2 (A B C). Top 2:
	 * b and d (3 each, b first in store order); top 3 adds e. Totals cover all cases. */
	const struct ev evs[] = {
	    {"a", "x", 0, "A"}, {"a", "x", 1, "B"}, {"b", "x", 0, "A"}, {"b", "x", 1, "B"},
	    {"b", "x", 2, "A"}, {"b", "x", 3, "B"}, {"c", "x", 0, "A"}, {"d", "x", 0, "A"},
	    {"d", "x", 1, "B"}, {"d", "x", 2, "C"}, {"d", "x", 3, "D"}, {"e", "x", 0, "A"},
	    {"e", "x", 1, "B"}, {"e", "x", 2, "C"},
	};
	maat_db *db = store(evs, sizeof(evs) / sizeof(evs[0]));
	maat_handovers_opts o;
	maat_handovers *h = NULL;
	maat_err err = {0};
	maat_table *t;
	maat_handovers_opts_init(&o);
	o.keep_cases = true;
	for (size_t top = 2; top <= 3; top++) {
		o.top_cases = top;
		assert_int_equal(maat_handovers_compute_with_org(db, &o, NULL, &h, &err), 0);
		assert_int_equal(h->cases, 5);
		assert_int_equal(h->handovers, 9);
		assert_int_equal(h->ncase_rows, top);
		t = maat_handovers_case_table(h, top);
		assert_string_equal(maat_table_cell(t, 0, 0)->s, "b");
		assert_string_equal(maat_table_cell(t, 1, 0)->s, "d");
		if (top == 3) {
			assert_string_equal(maat_table_cell(t, 2, 0)->s, "e");
		}
		maat_table_free(t);
		maat_handovers_free(h);
	}
	maat_db_close(db);
}

static void
test_handovers_tables(void **state)
{
	const struct ev evs[] = {{"c1", "x", 0, "A"}, {"c1", "y", 10, "B"}, {"c2", "x", 0, "A"}};
	maat_db *db = store(evs, 3);
	maat_handovers *h = compute(db, NULL, NULL);
	maat_table *t = maat_handovers_case_table(h, 1);
	/* limit 1: the case with most handovers (c1, 1 handover) */
	assert_int_equal(maat_table_nrows(t), 1);
	assert_string_equal(maat_table_cell(t, 0, 0)->s, "c1");
	assert_string_equal(maat_table_col_key(t, 3), "handovers");
	assert_int_equal(maat_table_cell(t, 0, 3)->i, 1);
	maat_table_free(t);
	t = maat_handovers_pair_table(h, 0);
	assert_int_equal(maat_table_nrows(t), 1);
	assert_string_equal(maat_table_col_key(t, 0), "from");
	maat_table_free(t);
	t = maat_handovers_activity_table(h);
	/* activities x (2 events) and y (1 event, handed over to do it once) */
	assert_int_equal(maat_table_nrows(t), 2);
	assert_int_equal(maat_table_cell(t, 1, 3)->i, 1);
	maat_table_free(t);
	maat_handovers_free(h);
	maat_db_close(db);
}

static void
test_handovers_many_pairs(void **state)
{
	/* two cases walk the same chain r0 -> r1 -> ... -> r399: 399 distinct pairs (more than
	 * the pair table's first size, so it grows), each with count 2 in 2 cases; 798
	 * handovers */
	static char names[400][8];
	struct ev *evs = maat_xcalloc(800, sizeof(*evs));
	for (int i = 0; i < 400; i++) {
		snprintf(names[i], sizeof(names[i]), "r%d", i);
		evs[i] = (struct ev){"a", "x", i, names[i]};
		evs[400 + i] = (struct ev){"b", "x", i, names[i]};
	}
	maat_db *db = store(evs, 800);
	maat_handovers *h = compute(db, NULL, NULL);
	assert_int_equal(h->npairs, 399);
	assert_int_equal(h->handovers, 798);
	for (size_t i = 0; i < h->npairs; i++) {
		assert_int_equal(h->pairs[i].count, 2);
		assert_int_equal(h->pairs[i].cases, 2);
	}
	/* equal counts: sorted by from (strcmp: "r0" < "r1" < "r10" < "r100") */
	assert_string_equal(h->pairs[0].from, "r0");
	assert_string_equal(h->pairs[1].from, "r1");
	assert_string_equal(h->pairs[2].from, "r10");
	assert_string_equal(h->pairs[3].from, "r100");
	maat_handovers_free(h);
	maat_db_close(db);
	free(evs);
}

static void
test_handovers_pairs_across_batches(void **state)
{
	/* case x alternates a, b, a, b, ... over 70,000 events: 69,999 successions, more than
	 * the succession batch holds (65,536), so the pairs are merged across batches. a -> b at
	 * the even positions 0, 2, ..., 69,998: 35,000 times; b -> a at the odd positions 1, ...,
	 * 69,997: 34,999 times. Case y: b, a adds one b -> a (35,000, in 2 cases); case z: a, a
	 * one self-succession a -> a. a -> b spans both batches but is one case: cases 1.
	 * Handovers 69,999 + 1 = 70,000; successions 70,001; self 1. Equal counts of 35,000 sort
	 * by from: a -> b, b -> a, then a -> a. */
	size_t n = 70004;
	struct ev *evs = maat_xcalloc(n, sizeof(*evs));
	for (size_t i = 0; i < 70000; i++) {
		evs[i] = (struct ev){"x", "w", (int64_t)i, i % 2 == 0 ? "a" : "b"};
	}
	evs[70000] = (struct ev){"y", "w", 0, "b"};
	evs[70001] = (struct ev){"y", "w", 1, "a"};
	evs[70002] = (struct ev){"z", "w", 0, "a"};
	evs[70003] = (struct ev){"z", "w", 1, "a"};
	maat_db *db = store(evs, n);
	maat_handovers *h = compute(db, NULL, NULL);
	assert_int_equal(h->successions, 70001);
	assert_int_equal(h->self_successions, 1);
	assert_int_equal(h->handovers, 70000);
	assert_int_equal(h->npairs, 3);
	assert_string_equal(h->pairs[0].from, "a");
	assert_string_equal(h->pairs[0].to, "b");
	assert_int_equal(h->pairs[0].count, 35000);
	assert_int_equal(h->pairs[0].cases, 1);
	assert_string_equal(h->pairs[1].from, "b");
	assert_string_equal(h->pairs[1].to, "a");
	assert_int_equal(h->pairs[1].count, 35000);
	assert_int_equal(h->pairs[1].cases, 2);
	assert_string_equal(h->pairs[2].from, "a");
	assert_string_equal(h->pairs[2].to, "a");
	assert_int_equal(h->pairs[2].count, 1);
	assert_int_equal(h->pairs[2].cases, 1);
	maat_handovers_free(h);
	maat_db_close(db);
	free(evs);
	(void)state;
}

/* 20,000 cases of 5 events each, case i's key "C%05d" and its events at 0, 1, 2, 3 and
 * 4 + 60 * i seconds, resources A B A B A. */
static maat_db *
many_cases_store(void)
{
	static char keys[20000][8];
	struct ev *evs = maat_xcalloc(100000, sizeof(*evs));
	static const char *const res[5] = {"A", "B", "A", "B", "A"};
	maat_db *db;
	for (int i = 0; i < 20000; i++) {
		snprintf(keys[i], sizeof(keys[i]), "C%05d", i);
		for (int k = 0; k < 5; k++) {
			evs[i * 5 + k] =
			    (struct ev){keys[i], "w", k < 4 ? k : 4 + 60 * (int64_t)i, res[k]};
		}
	}
	db = store(evs, 100000);
	free(evs);
	return db;
}

static void
test_handovers_cases_across_scan_batches(void **state)
{
	/* The scan hands rows over 4,096 at a time and the pairs merge every 65,536
	 * successions: cases cross both. Each case: segments A,B,A,B,A = 4 handovers, A -> B
	 * twice and B -> A twice; 20,000 cases: A -> B and B -> A 40,000 times each, in
	 * 20,000 cases; 80,000 successions, all handovers. Durations 4 + 60 i s: median
	 * at h = 19,999 * 0.5 = 9,999.5 -> 4 + 60 * 9,999.5 = 599,974 s; p90 at h = 17,999.1
	 * -> 4 + 60 * 17,999.1 = 1,079,950 s; max 4 + 60 * 19,999 = 1,199,944 s. Every case
	 * row has its own key (case 819 spans rows 4,095-4,099, across the first hand-over). */
	maat_db *db = many_cases_store();
	maat_handovers *h = compute(db, NULL, NULL);
	char key[8];
	assert_int_equal(h->cases, 20000);
	assert_int_equal(h->events, 100000);
	assert_int_equal(h->successions, 80000);
	assert_int_equal(h->handovers, 80000);
	assert_int_equal(h->npairs, 2);
	assert_string_equal(h->pairs[0].from, "A");
	assert_int_equal(h->pairs[0].count, 40000);
	assert_int_equal(h->pairs[0].cases, 20000);
	assert_string_equal(h->pairs[1].from, "B");
	assert_int_equal(h->pairs[1].count, 40000);
	assert_int_equal(h->pairs[1].cases, 20000);
	assert_true(fabs(h->throughput_median - 599974.0 / DAY) < 1e-9);
	assert_true(fabs(h->throughput_p90 - 1079950.0 / DAY) < 1e-9);
	assert_true(fabs(h->throughput_max - 1199944.0 / DAY) < 1e-12);
	assert_int_equal(h->ncase_rows, 20000);
	for (int i = 0; i < 20000; i++) {
		snprintf(key, sizeof(key), "C%05d", i);
		assert_string_equal(h->case_rows[i].case_key, key);
		assert_int_equal(h->case_rows[i].events, 5);
		assert_int_equal(h->case_rows[i].handovers, 4);
	}
	maat_handovers_free(h);
	maat_db_close(db);
	(void)state;
}

static void
test_handovers_bad_store_stops_the_scan(void **state)
{
	/* an event far into the scan (case 15,000: rows 75,000-75,004, the 19th batch) names
	 * no known activity, or its case has no row in cases: the analysis stops with a data
	 * error while the scan's thread is still reading, and the store is usable after */
	maat_handovers_opts o;
	maat_handovers *h = NULL;
	maat_err err = {0};
	maat_db *db = many_cases_store();
	maat_handovers_opts_init(&o);
	assert_int_equal(maat_db_exec(db,
				      "UPDATE case_events SET activity = 999999 WHERE case_no = "
				      "(SELECT case_no FROM cases WHERE case_key = 'C15000')",
				      &err),
			 0);
	assert_int_equal(maat_handovers_compute(db, &o, &h, &err), -MAAT_E_DATA);
	assert_null(h);
	assert_non_null(strstr(err.msg, "unknown names"));
	assert_int_equal(
	    maat_db_exec(db,
			 "UPDATE case_events SET activity = (SELECT min(activity) FROM "
			 "case_events) WHERE activity = 999999; DELETE FROM cases WHERE "
			 "case_key = 'C12000'",
			 &err),
	    0);
	o.keep_cases = true;
	assert_int_equal(maat_handovers_compute(db, &o, &h, &err), -MAAT_E_DATA);
	assert_null(h);
	assert_non_null(strstr(err.msg, "unknown cases"));
	/* without the cases (no per-case rows, no org chart) the figures are whole again:
	 * 20,000 cases */
	o.keep_cases = false;
	assert_int_equal(maat_handovers_compute(db, &o, &h, &err), 0);
	assert_int_equal(h->cases, 20000);
	maat_handovers_free(h);
	maat_db_close(db);
	(void)state;
}

static void
test_handovers_after_forget(void **state)
{
	/* "piet" and "Piet" are two spellings of one resource (METRICS.md §3: compared
	 * case-insensitively); forgetting piet turns both into the same token, which the store
	 * must accept. Before and after: piet -> piet (self) -> kees, 1 handover; before, the
	 * merged spellings are listed as "Piet = piet" (strcmp order: 'P' < 'p'). */
	const struct ev evs[] = {
	    {"c", "x", 0, "piet"}, {"c", "x", 1, "Piet"}, {"c", "x", 2, "kees"}};
	maat_db *db = store(evs, 3);
	maat_err err = {0};
	maat_handovers *h = compute(db, NULL, NULL);
	assert_int_equal(h->handovers, 1);
	assert_int_equal(h->self_successions, 1);
	assert_int_equal(h->nmerged_spellings, 1);
	assert_string_equal(h->merged_spellings[0], "Piet = piet");
	maat_handovers_free(h);
	assert_int_equal(maat_person_forget(db, "piet", NULL, &err), 0);
	h = compute(db, NULL, NULL);
	assert_int_equal(h->handovers, 1);
	assert_int_equal(h->self_successions, 1);
	for (size_t i = 0; i < h->nresources; i++) {
		assert_int_not_equal(maat_strcasecmp0(h->resources[i], "piet"), 0);
	}
	maat_handovers_free(h);
	maat_db_close(db);
}

/* Adds one cases source with the given sha256 (which ranks sources at a tie) to db. */
static void
add_source(maat_db *db, const char *sha, const struct ev *evs, size_t n)
{
	maat_err err = {0};
	maat_import imp = {.db = db, .path = sha};
	maat_cases_sink *s;
	sqlite3_stmt *st;

	assert_int_equal(sqlite3_prepare_v2(maat_db_sqlite(db),
					    "INSERT INTO sources(kind, path, sha256, imported_at) "
					    "VALUES ('cases', ?1, ?1, 0)",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, sha, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	imp.source_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	s = maat_cases_sink_new(&imp, &err);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++) {
		maat_case_event e = {.case_id = evs[i].c,
				     .activity = evs[i].a,
				     .ts = evs[i].t,
				     .resource = evs[i].r};
		assert_int_equal(maat_cases_sink_add(&e, s, &err), 0);
	}
	assert_int_equal(maat_cases_sink_finish(s, &err), 0);
	maat_cases_sink_free(s);
}

static void
test_handovers_sources_merge_in_any_order(void **state)
{
	/* Two exports of case c. A (sha "a"): at t=0 ann x, bob y; at t=5 carl z, carl z (a row
	 * repeated inside A). B (sha "b"): at t=0 bob y, dave w; at t=5 carl z. At t=0 both hold
	 * two events: the tie goes to the lower sha256, A, so ann x, bob y, then what only B holds,
	 * dave w. At t=5 A's two copies of carl z both count (a repeat inside one file), B's one
	 * copy is known. Log: ann bob dave carl carl: 4 successions, 1 self, 3 handovers
	 * (ann>bob, bob>dave, dave>carl); within 1, across 2 (bob y and carl z of B). Importing B
	 * first gives the same. */
	const struct ev a[] = {{"c", "x", 0, "ann"},
			       {"c", "y", 0, "bob"},
			       {"c", "z", 5, "carl"},
			       {"c", "z", 5, "carl"}};
	const struct ev b[] = {{"c", "y", 0, "bob"}, {"c", "w", 0, "dave"}, {"c", "z", 5, "carl"}};
	for (int order = 0; order < 2; order++) {
		maat_err err = {0};
		maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
		maat_handovers *h;
		assert_non_null(db);
		if (order == 0) {
			add_source(db, "a", a, 4);
			add_source(db, "b", b, 3);
		} else {
			add_source(db, "b", b, 3);
			add_source(db, "a", a, 4);
		}
		h = compute(db, NULL, NULL);
		assert_int_equal(h->cases, 1);
		assert_int_equal(h->events, 5);
		assert_int_equal(h->successions, 4);
		assert_int_equal(h->self_successions, 1);
		assert_int_equal(h->handovers, 3);
		assert_int_equal(h->duplicates_within, 1);
		assert_int_equal(h->duplicates_across, 2);
		assert_non_null(pair(h, "ann", "bob"));
		assert_non_null(pair(h, "bob", "dave"));
		assert_non_null(pair(h, "dave", "carl"));
		assert_int_equal(pair(h, "carl", "carl")->count, 1);
		maat_handovers_free(h);
		maat_db_close(db);
	}
	(void)state;
}

/* Renders with f into a string; caller frees. */
static char *
render(int (*f)(const maat_handovers *, FILE *), const maat_handovers *h)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&buf, &n);
	assert_non_null(out);
	assert_int_equal(f(h, out), 0);
	fclose(out);
	return buf;
}

static int
print_tree(const maat_handovers *h, FILE *out)
{
	json_t *j = maat_handovers_json(h);
	int rc = maat_json_print(j, out);
	json_decref(j);
	return rc;
}

static void
test_handovers_json_stream_equals_tree(void **state)
{
	/* the streaming writer must give the same bytes as the jansson tree, also for names that
	 * need escaping and for an empty pair list */
	const struct ev evs[] = {{"c", "x", 0, "Zo\"ë \\ A"},
				 {"c", "x", 1, "B"},
				 {"c", "x", 2, "B"},
				 {"d", "x", 0, "B"}};
	maat_db *db = store(evs, 4);
	maat_handovers *h = compute(db, NULL, NULL);
	char *a = render(maat_handovers_json_write, h), *b = render(print_tree, h);
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"from\": \"Zo\\\"ë \\\\ A\""));
	free(a);
	free(b);
	maat_handovers_free(h);
	maat_db_close(db);
	db = store(NULL, 0);
	h = compute(db, NULL, NULL);
	a = render(maat_handovers_json_write, h);
	b = render(print_tree, h);
	assert_string_equal(a, b);
	free(a);
	free(b);
	maat_handovers_free(h);
	maat_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_handovers_pingpong_and_returns),
	    cmocka_unit_test(test_handovers_equal_times_keep_file_order),
	    cmocka_unit_test(test_handovers_unsorted_input),
	    cmocka_unit_test(test_handovers_idle_and_throughput),
	    cmocka_unit_test(test_handovers_percentile_like_numpy),
	    cmocka_unit_test(test_handovers_empty_and_no_resources),
	    cmocka_unit_test(test_handovers_resourceless_events_are_skipped),
	    cmocka_unit_test(test_handovers_escalations_against_org),
	    cmocka_unit_test(test_handovers_signoffs),
	    cmocka_unit_test(test_handovers_formal_chain_by_mandate),
	    cmocka_unit_test(test_handovers_bad_pattern),
	    cmocka_unit_test(test_handovers_tables),
	    cmocka_unit_test(test_handovers_top_cases),
	    cmocka_unit_test(test_handovers_json_stream_equals_tree),
	    cmocka_unit_test(test_handovers_many_pairs),
	    cmocka_unit_test(test_handovers_pairs_across_batches),
	    cmocka_unit_test(test_handovers_cases_across_scan_batches),
	    cmocka_unit_test(test_handovers_bad_store_stops_the_scan),
	    cmocka_unit_test(test_handovers_sources_merge_in_any_order),
	    cmocka_unit_test(test_handovers_after_forget),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
