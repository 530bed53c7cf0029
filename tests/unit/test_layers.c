/* Layers, spans and delayering (analyzer/layers.c) on hand-drawn charts; every expected value
 * is worked out in the comment above its test. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/layers.h"
#include "maatlat/util.h"

static void
assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-9) {
		fail_msg("got %.12g, wanted %.12g", got, want);
	}
}

static void
add_full(maat_org_builder *b, const char *id, const char *manager, double fte, bool aggregate,
	 int employment)
{
	static int64_t line = 1;
	maat_org_row r = {.id = id,
			  .manager = manager,
			  .fte = fte,
			  .aggregate = aggregate,
			  .employment = employment,
			  .title = "T",
			  .unit = "U",
			  .line = ++line};
	maat_org_builder_add(b, &r);
}

static void
add(maat_org_builder *b, const char *id, const char *manager)
{
	add_full(b, id, manager, 1.0, false, MAAT_EMP_UNKNOWN);
}

/* The hand-drawn tree:
 *   R (top)                                layer 1, span 4 (M1, M2, f, M3)
 *   +-- M1                                 layer 2, span 1 (P): manager of one, pass-through
 *   |   +-- P                              layer 3, span 3 (a, b, c)
 *   |       +-- a, b, c                    layer 4
 *   +-- M2                                 layer 2, span 2 (d, e)
 *   |   +-- d (external), e                layer 3
 *   +-- f                                  layer 2
 *   +-- M3                                 layer 2, span 2.5
 *       +-- agg1 (aggregate row, 2.5 FTE)  layer 3
 * people 11, aggregate rows 1 (2.5 FTE); managers R, M1, P, M2, M3 = 5;
 * spans 4, 1, 3, 2, 2.5: mean 12.5 / 5 = 2.5, median 2.5, max 4;
 * managers of one 1 (M1); thin (< 3) M1, M2, M3 = 3; pass-through 1 (M1);
 * staff per manager (11 - 5) / 5 = 1.2; manager share 5 / 11;
 * external share: only d (external, 1 FTE) and e (internal, 1 FTE) state their employment;
 * the other 9 people and agg1 are unknown, left out (METRICS.md §1): 1 / 2;
 * layers 4, histogram 1:1 2:4 3:4 4:3.
 * Delayering at k = 3: T = {M1, M2, M3} (non-root, span < 3; P has 3, R is a root).
 * P, d, e and agg1 move to R; M1, M2, M3 stay under R as individual contributors.
 * After: R span 7 people + 2.5 = 9.5, P span 3: managers 2, span mean 6.25, layers 3.
 * Distance to the top, all 12 nodes: before (0 + 4*1 + 4*2 + 3*3) / 12 = 21 / 12 = 1.75;
 * after (0 + 8*1 + 3*2) / 12 = 14 / 12. */
static maat_org *
hand_tree(void)
{
	maat_org_builder *b = maat_org_builder_new();
	add(b, "R", "XX");
	add(b, "M1", "R");
	add(b, "P", "M1");
	add(b, "a", "P");
	add(b, "b", "P");
	add(b, "c", "P");
	add(b, "M2", "R");
	add_full(b, "d", "M2", 1.0, false, MAAT_EMP_EXTERNAL);
	add_full(b, "e", "M2", 1.0, false, MAAT_EMP_INTERNAL);
	add(b, "f", "R");
	add(b, "M3", "R");
	add_full(b, "agg1", "M3", 2.5, true, MAAT_EMP_UNKNOWN);
	return maat_org_builder_finish(b, "2026-02-01");
}

static void
test_layers_hand_tree_figures(void **state)
{
	maat_org *org = hand_tree();
	maat_layers *l = maat_layers_compute(org, 3);
	const maat_layers_figures *f = maat_layers_figures_get(l);

	assert_int_equal(f->people, 11);
	assert_int_equal(f->aggregate_rows, 1);
	assert_near(f->aggregate_fte, 2.5);
	assert_int_equal(f->roots, 1);
	assert_int_equal(f->layers, 4);
	assert_int_equal(f->layer_histogram[1], 1);
	assert_int_equal(f->layer_histogram[2], 4);
	assert_int_equal(f->layer_histogram[3], 4);
	assert_int_equal(f->layer_histogram[4], 3);
	assert_int_equal(f->managers, 5);
	assert_near(f->span_mean, 2.5);
	assert_near(f->span_median, 2.5);
	assert_near(f->span_max, 4);
	assert_int_equal(f->managers_span_1, 1);
	assert_int_equal(f->thin_managers, 3);
	assert_int_equal(f->pass_through_managers, 1);
	assert_near(f->staff_per_manager, 1.2);
	assert_near(f->manager_share, 5.0 / 11.0);
	assert_near(f->external_share, 1.0 / 2.0);
	assert_near(maat_layers_span(l, 10), 2.5); /* M3 */

	assert_int_equal(f->delayering.min_span, 3);
	assert_int_equal(f->delayering.removed_managers, 3);
	assert_int_equal(f->delayering.layers_after, 3);
	assert_int_equal(f->delayering.managers_after, 2);
	assert_near(f->delayering.span_mean_after, 6.25);
	assert_near(f->delayering.distance_mean_before, 1.75);
	assert_near(f->delayering.distance_mean_after, 14.0 / 12.0);
	assert_true(maat_layers_removed(l, 1));             /* M1 */
	assert_false(maat_layers_removed(l, 2));            /* P */
	assert_int_equal(maat_layers_layer_after(l, 2), 2); /* P moved up to R */
	assert_int_equal(maat_layers_layer_after(l, 3), 3); /* a under P */
	maat_layers_free(l);

	/* min span 2: thin = span < 2 = M1 only; delayering removes M1: P moves to R;
	 * layers after 3 (a, b, c at 3); managers after 4 (R, P, M2, M3) */
	l = maat_layers_compute(org, 2);
	f = maat_layers_figures_get(l);
	assert_int_equal(f->thin_managers, 1);
	assert_int_equal(f->delayering.removed_managers, 1);
	assert_int_equal(f->delayering.layers_after, 3);
	assert_int_equal(f->delayering.managers_after, 4);
	maat_layers_free(l);

	/* min span 0: nothing is thin, nothing moves */
	l = maat_layers_compute(org, 0);
	f = maat_layers_figures_get(l);
	assert_int_equal(f->thin_managers, 0);
	assert_int_equal(f->delayering.removed_managers, 0);
	assert_int_equal(f->delayering.layers_after, 4);
	assert_near(f->delayering.distance_mean_after, 1.75);
	maat_layers_free(l);
	maat_org_free(org);
}

/* A chain of managers of one A > B > C > D > e: B, C, D are removed at k = 3 (A is the root,
 * kept even with span 1); e moves to A, the nearest ancestor outside T, in one pass:
 * layers 5 -> 2; managers 4 -> 1 (A, span 4: B, C, D, e). */
static void
test_layers_chain_of_thin_managers(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	maat_layers *l;
	const maat_layers_figures *f;
	add(b, "A", "");
	add(b, "B", "A");
	add(b, "C", "B");
	add(b, "D", "C");
	add(b, "e", "D");
	org = maat_org_builder_finish(b, NULL);
	l = maat_layers_compute(org, 3);
	f = maat_layers_figures_get(l);
	assert_int_equal(f->layers, 5);
	assert_int_equal(f->managers, 4);
	assert_int_equal(f->managers_span_1, 4);
	/* B, C and A lead a manager; D leads e, who is not one */
	assert_int_equal(f->pass_through_managers, 3);
	assert_int_equal(f->delayering.removed_managers, 3);
	assert_int_equal(f->delayering.layers_after, 2);
	assert_int_equal(f->delayering.managers_after, 1);
	assert_near(f->delayering.span_mean_after, 4);
	/* distance before (0+1+2+3+4)/5 = 2, after (0+1+1+1+1)/5 = 0.8 */
	assert_near(f->delayering.distance_mean_before, 2);
	assert_near(f->delayering.distance_mean_after, 0.8);
	/* without employment data the external share cannot be computed */
	assert_true(isnan(f->external_share));
	maat_layers_free(l);
	maat_org_free(org);
}

/* Anomalies in the figures: an orphan (layer 1, not a root, never removed even when thin),
 * a self-loop (a root), a cycle (no layer). Spans: O leads o1 (1), S leads s1 (1),
 * X and Y lead each other (1 each) -> managers 4, all of one. People 7. */
static void
test_layers_with_anomalies(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	maat_layers *l;
	const maat_layers_figures *f;
	json_t *j;
	add(b, "O", "missing");
	add(b, "o1", "O");
	add(b, "S", "S");
	add(b, "s1", "S");
	add(b, "X", "Y");
	add(b, "Y", "X");
	add_full(b, "s1", "S", 0.5, false, MAAT_EMP_INTERNAL); /* job share */
	org = maat_org_builder_finish(b, NULL);
	l = maat_layers_compute(org, 3);
	f = maat_layers_figures_get(l);
	assert_int_equal(f->people, 6);
	assert_int_equal(f->roots, 1);
	assert_int_equal(f->orphans, 1);
	assert_int_equal(f->self_loops, 1);
	assert_int_equal(f->cycles, 1);
	assert_int_equal(f->duplicate_ids, 1);
	assert_int_equal(f->job_shares, 1);
	assert_int_equal(f->nodes_without_layer, 2);
	assert_int_equal(f->managers, 4);
	assert_int_equal(f->layers, 2);
	assert_int_equal(f->delayering.removed_managers, 0);
	/* external share: employment known (s1 internal), no external FTE: 0 of 6.5 */
	assert_near(f->external_share, 0);

	j = maat_layers_json(l);
	{
		/* every key of CLI.md is present */
		static const char *const keys[] = {"people",
						   "aggregate_rows",
						   "aggregate_fte",
						   "roots",
						   "layers",
						   "layer_histogram",
						   "managers",
						   "span_mean",
						   "span_median",
						   "span_max",
						   "managers_span_1",
						   "thin_managers",
						   "min_span",
						   "pass_through_managers",
						   "staff_per_manager",
						   "manager_share",
						   "external_share",
						   "orphans",
						   "self_loops",
						   "cycles",
						   "duplicate_ids",
						   "conflicts",
						   "delayering"};
		static const char *const dkeys[] = {"min_span",           "removed_managers",
						    "layers_after",       "managers_after",
						    "span_mean_after",    "distance_mean_before",
						    "distance_mean_after"};
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (json_object_get(j, keys[i]) == NULL) {
				fail_msg("missing key %s", keys[i]);
			}
		}
		for (size_t i = 0; i < sizeof(dkeys) / sizeof(dkeys[0]); i++) {
			if (json_object_get(json_object_get(j, "delayering"), dkeys[i]) == NULL) {
				fail_msg("missing key delayering.%s", dkeys[i]);
			}
		}
		assert_int_equal(
		    json_integer_value(json_object_get(json_object_get(j, "layer_histogram"), "2")),
		    2);
		assert_int_equal(json_array_size(json_object_get(j, "anomalies")), 4);
	}
	json_decref(j);
	maat_layers_free(l);
	maat_org_free(org);
}

/* Empty org: no managers, so the means are null (NaN), nothing crashes. */
static void
test_layers_empty(void **state)
{
	maat_org *org = maat_org_builder_finish(maat_org_builder_new(), NULL);
	maat_layers *l = maat_layers_compute(org, 3);
	const maat_layers_figures *f = maat_layers_figures_get(l);
	maat_table *t;
	json_t *j;
	assert_int_equal(f->people, 0);
	assert_int_equal(f->layers, 0);
	assert_true(isnan(f->span_mean));
	assert_true(isnan(f->span_median));
	assert_true(isnan(f->manager_share));
	assert_true(isnan(f->delayering.distance_mean_before));
	j = maat_layers_json(l);
	assert_true(json_is_null(json_object_get(j, "span_mean")));
	json_decref(j);
	t = maat_layers_span_bands_table(l);
	assert_int_equal(maat_table_nrows(t), 6);
	maat_table_free(t);
	maat_layers_free(l);
	maat_org_free(org);
}

static char *
cell(const maat_table *t, size_t r, size_t c)
{
	return maat_table_format_cell(t, r, c);
}

static void
assert_cell(const maat_table *t, size_t r, size_t c, const char *want)
{
	char *s = cell(t, r, c);
	if (strcmp(s, want) != 0) {
		fail_msg("cell %zu,%zu: got '%s', wanted '%s'", r, c, s, want);
	}
	free(s);
}

/* The tables of the hand tree: pyramid rows per layer, span bands (1: M1; 2: M2; 3-5: P
 * (3), M3 (2.5 counts in the band of its ceiling 3), R (4)), the thin/of-one list (M1, M2,
 * M3), the removed roles (moving to R), before/after. */
static void
test_layers_tables(void **state)
{
	maat_org *org = hand_tree();
	maat_layers *l = maat_layers_compute(org, 3);
	maat_table *t;

	t = maat_layers_pyramid_table(l);
	assert_int_equal(maat_table_nrows(t), 4);
	assert_cell(t, 1, 1, "4"); /* layer 2: 4 nodes */
	assert_cell(t, 2, 2, "3"); /* layer 3: P, d, e are people; agg1 is not */
	assert_cell(t, 1, 3, "3"); /* layer 2 managers: M1, M2, M3 */
	maat_table_free(t);

	t = maat_layers_span_bands_table(l);
	assert_cell(t, 0, 1, "1");
	assert_cell(t, 1, 1, "1");
	assert_cell(t, 2, 1, "3");
	assert_cell(t, 3, 1, "0");
	maat_table_free(t);

	t = maat_layers_managers_table(l);
	assert_int_equal(maat_table_nrows(t), 3);
	assert_cell(t, 0, 0, "M1");
	assert_int_equal(maat_table_cell(t, 0, 8)->i, 1); /* pass-through */
	assert_cell(t, 2, 0, "M3");
	maat_table_free(t);

	t = maat_layers_removed_table(l);
	assert_int_equal(maat_table_nrows(t), 3);
	assert_cell(t, 1, 0, "M2");
	assert_cell(t, 1, 6, "R");
	maat_table_free(t);

	t = maat_layers_delayering_table(l);
	/* counts read as counts: 4 layers before, 3 after (the JSON keeps 4.0 and 3.0) */
	assert_cell(t, 0, 1, "4");
	assert_cell(t, 0, 2, "3");
	assert_true(maat_table_cell(t, 0, 1)->d == 4.0);
	{
		/* a mean (distance to the top) keeps its two decimals */
		char *s = cell(t, 3, 1);
		assert_true(strlen(s) > 3 && s[strlen(s) - 3] == '.');
		free(s);
	}
	maat_table_free(t);

	t = maat_layers_people_table(l);
	assert_int_equal(maat_table_nrows(t), 12);
	assert_cell(t, 1, 8, "thin of-one pass-through removed");
	assert_cell(t, 7, 8, "external");
	maat_table_free(t);

	t = maat_layers_summary_table(l);
	assert_true(maat_table_nrows(t) > 10);
	maat_table_free(t);

	t = maat_org_anomalies_table(org);
	assert_int_equal(maat_table_nrows(t), 0);
	maat_table_free(t);
	maat_layers_free(l);
	maat_org_free(org);
}

/* 200,000-deep chain: layers and delayering without recursion. Every middle manager has span
 * 1, so at k = 3 all but the root and the last are removed: layers 200000 -> 2. */
static void
test_layers_deep_chain(void **state)
{
	const size_t n = 200000;
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	maat_layers *l;
	char id[32], mgr[32];
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%zu", i + 1);
		snprintf(mgr, sizeof(mgr), "%zu", i);
		add(b, id, mgr); /* "0" is the top marker for the first */
	}
	org = maat_org_builder_finish(b, NULL);
	l = maat_layers_compute(org, 3);
	assert_int_equal(maat_layers_figures_get(l)->layers, (int)n);
	assert_int_equal(maat_layers_figures_get(l)->delayering.layers_after, 2);
	assert_int_equal(maat_layers_figures_get(l)->delayering.removed_managers, n - 2);
	maat_layers_free(l);
	maat_org_free(org);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_layers_hand_tree_figures),
	    cmocka_unit_test(test_layers_chain_of_thin_managers),
	    cmocka_unit_test(test_layers_with_anomalies),
	    cmocka_unit_test(test_layers_empty),
	    cmocka_unit_test(test_layers_tables),
	    cmocka_unit_test(test_layers_deep_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
