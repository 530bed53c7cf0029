/* Formal sign-off chains (analyzer/signoff.c) on a hand-drawn chart; expected values are worked
 * out in the comments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/signoff.h"
#include "maatlat/util.h"

static void
assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-9) {
		fail_msg("got %.12g, wanted %.12g", got, want);
	}
}

static void
add(maat_org_builder *b, const char *id, const char *manager, const char *title, const char *unit,
    bool aggregate)
{
	static int64_t line = 1;
	maat_org_row r = {.id = id,
			  .manager = manager,
			  .title = title,
			  .unit = unit,
			  .fte = 1,
			  .aggregate = aggregate,
			  .employment = MAAT_EMP_UNKNOWN,
			  .line = ++line};
	maat_org_builder_add(b, &r);
}

/* D (Directeur, Staf)                       layer 1
 * +-- H1 (Afdelingshoofd, Burgerzaken)      layer 2
 * |   +-- T1 (Teamleider, Burgerzaken)      layer 3
 * |   |   +-- m1                            layer 4
 * |   |   +-- m2                            layer 4
 * |   |       +-- x                         layer 5
 * |   +-- m3                                layer 3
 * +-- H2 (afdelingshoofd, Ruimte)           layer 2
 *     +-- r1 (Ruimte)                       layer 3
 *     +-- agg (aggregate row: not a person, not counted)
 * m1, m2, x, m3 are in Burgerzaken. 9 people.
 * Chain to the top (layer - 1): 0 1 2 3 3 4 2 1 2 = 18, mean 2, max 4. */
static maat_org *
tree(void)
{
	maat_org_builder *b = maat_org_builder_new();
	add(b, "D", "XX", "Directeur", "Staf", false);
	add(b, "H1", "D", "Afdelingshoofd", "Burgerzaken", false);
	add(b, "T1", "H1", "Teamleider", "Burgerzaken", false);
	add(b, "m1", "T1", "Medewerker", "Burgerzaken", false);
	add(b, "m2", "T1", "Medewerker", "Burgerzaken", false);
	add(b, "x", "m2", "Stagiair", "Burgerzaken", false);
	add(b, "m3", "H1", "Medewerker", "Burgerzaken", false);
	add(b, "H2", "D", "afdelingshoofd", "Ruimte", false);
	add(b, "r1", "H2", "Medewerker", "Ruimte", false);
	add(b, "agg", "H2", NULL, "Ruimte", true);
	return maat_org_builder_finish(b, NULL);
}

static void
test_signoff_parse_holder(void **state)
{
	maat_mandate m = {0};
	assert_int_equal(maat_mandate_parse_holder("layer:2", &m), 0);
	assert_int_equal(m.kind, MAAT_HOLDER_LAYER);
	assert_int_equal(m.layer, 2);
	assert_int_equal(maat_mandate_parse_holder(" Title: Directeur ", &m), 0);
	assert_int_equal(m.kind, MAAT_HOLDER_TITLE);
	assert_string_equal(m.value, "Directeur");
	free(m.value);
	assert_int_equal(maat_mandate_parse_holder("id:0042", &m), 0);
	assert_int_equal(m.kind, MAAT_HOLDER_ID);
	assert_string_equal(m.value, "0042");
	free(m.value);
	assert_int_equal(maat_mandate_parse_holder("boss", &m), -1);
	assert_int_equal(maat_mandate_parse_holder("layer:x", &m), -1);
	assert_int_equal(maat_mandate_parse_holder("layer:0", &m), -1);
	assert_int_equal(maat_mandate_parse_holder("layer:2x", &m), -1);
	assert_int_equal(maat_mandate_parse_holder("id:", &m), -1);
	assert_int_equal(maat_mandate_parse_holder("title:  ", &m), -1);
	assert_int_equal(maat_mandate_parse_holder(NULL, &m), -1);
}

/* Without mandates: one type "(top)", the holder is the root. Chain incl. the holder = distance
 * to the top: 0 1 2 3 3 4 2 1 2 = 18 / 9 = 2, max 4. Initials = max(chain - 1, 0): D 0, H1 0,
 * T1 1, m1 2, m2 2, x 3, m3 1, H2 0, r1 1 = 10 / 9, max 3. Cap 2: only x (3 initials) exceeds
 * it. Per unit: Burgerzaken H1 0, T1 1, m1 2, m2 2, x 3, m3 1 -> 6 people, initials 9 / 6 = 1.5,
 * max 3, chain 15 / 6 = 2.5, max 4, 1 over; Ruimte H2 0, r1 1 -> initials 0.5, chain 1.5;
 * Staf D 0. */
static void
test_signoff_to_the_top(void **state)
{
	maat_org *org = tree();
	maat_signoff *s = maat_signoff_compute(org, NULL, 0, NULL, 2);
	const maat_signoff_type *f;
	maat_table *t;
	char *c;
	assert_int_equal(maat_signoff_ntypes(s), 1);
	f = maat_signoff_type_get(s, 0);
	assert_string_equal(f->decision_type, MAAT_SIGNOFF_TOP);
	assert_int_equal(f->people, 9);
	assert_near(f->initials_mean, 10.0 / 9.0);
	assert_int_equal(f->initials_max, 3);
	assert_near(f->chain_mean, 2);
	assert_int_equal(f->chain_max, 4);
	assert_int_equal(f->over_cap, 1);
	assert_int_equal(f->no_holder, 0);
	assert_true(f->holder_found);
	assert_near(maat_signoff_top_mean(s), 2);
	assert_int_equal(maat_signoff_top_max(s), 4);
	assert_int_equal(maat_signoff_left_out(s), 0);

	t = maat_signoff_units_table(s);
	assert_int_equal(maat_table_nrows(t), 3);
	c = maat_table_format_cell(t, 0, 0);
	assert_string_equal(c, "Burgerzaken");
	free(c);
	assert_int_equal(maat_table_cell(t, 0, 2)->i, 6);
	assert_near(maat_table_cell(t, 0, 3)->d, 1.5);
	assert_int_equal(maat_table_cell(t, 0, 4)->i, 3);
	assert_near(maat_table_cell(t, 0, 5)->d, 2.5);
	assert_int_equal(maat_table_cell(t, 0, 6)->i, 4);
	assert_int_equal(maat_table_cell(t, 0, 7)->i, 1);
	assert_near(maat_table_cell(t, 1, 3)->d, 0.5);
	assert_near(maat_table_cell(t, 1, 5)->d, 1.5);
	assert_int_equal(maat_table_cell(t, 2, 2)->i, 1);
	maat_table_free(t);

	t = maat_signoff_over_cap_table(s);
	assert_int_equal(maat_table_nrows(t), 1);
	c = maat_table_format_cell(t, 0, 0);
	assert_string_equal(c, "x");
	free(c);
	assert_int_equal(maat_table_cell(t, 0, 6)->i, 3);
	assert_int_equal(maat_table_cell(t, 0, 7)->i, 4);
	c = maat_table_format_cell(t, 0, 8);
	assert_string_equal(c, "D");
	free(c);
	maat_table_free(t);
	maat_signoff_free(s);
	maat_org_free(org);
}

/* Four mandates:
 * subsidie layer:2: D sits above layer 2: no holder (left out of the means). H1 0, T1 1,
 *   m1 2, m2 2, x 3, m3 1, H2 0, r1 1 -> chain 10 / 8, max 3; initials 0 0 1 1 2 0 0 0 ->
 *   4 / 8, max 2; cap 1: only x (2 initials) is over.
 * inkoop title:Afdelingshoofd (case-insensitive, so H2 matches too): D has no holder on its
 *   path (1); the rest as subsidie: chain 10 / 8, initials 4 / 8.
 * personeel id:T1: T1 0, m1 1, m2 1, x 2 -> chain 4 / 4 = 1, max 2; initials 0 0 0 1 -> 1 / 4,
 *   max 1; the other 5 have no T1 above them: no holder 5.
 * raad title:Wethouder matches nobody: no holder 9, means null (NaN), max -1. */
static void
test_signoff_mandates(void **state)
{
	maat_org *org = tree();
	maat_mandate m[4] = {0};
	maat_signoff *s;
	const maat_signoff_type *f;
	json_t *j, *e;
	assert_int_equal(maat_mandate_parse_holder("layer:2", &m[0]), 0);
	assert_int_equal(maat_mandate_parse_holder("title:Afdelingshoofd", &m[1]), 0);
	assert_int_equal(maat_mandate_parse_holder("id:T1", &m[2]), 0);
	assert_int_equal(maat_mandate_parse_holder("title:Wethouder", &m[3]), 0);
	m[0].decision_type = "subsidie";
	m[1].decision_type = "inkoop";
	m[2].decision_type = "personeel";
	m[3].decision_type = "raad";
	s = maat_signoff_compute(org, m, 4, NULL, 1);
	assert_int_equal(maat_signoff_ntypes(s), 4);
	f = maat_signoff_type_get(s, 0);
	assert_string_equal(f->holder, "layer:2");
	assert_int_equal(f->people, 9);
	assert_int_equal(f->no_holder, 1);
	assert_near(f->chain_mean, 10.0 / 8.0);
	assert_int_equal(f->chain_max, 3);
	assert_near(f->initials_mean, 4.0 / 8.0);
	assert_int_equal(f->initials_max, 2);
	assert_int_equal(f->over_cap, 1);
	f = maat_signoff_type_get(s, 1);
	assert_near(f->chain_mean, 10.0 / 8.0);
	assert_near(f->initials_mean, 4.0 / 8.0);
	assert_int_equal(f->chain_max, 3);
	assert_int_equal(f->no_holder, 1);
	f = maat_signoff_type_get(s, 2);
	assert_string_equal(f->holder, "id:T1");
	assert_near(f->chain_mean, 1);
	assert_int_equal(f->chain_max, 2);
	assert_near(f->initials_mean, 0.25);
	assert_int_equal(f->initials_max, 1);
	assert_int_equal(f->no_holder, 5);
	assert_int_equal(f->over_cap, 0);
	f = maat_signoff_type_get(s, 3);
	assert_false(f->holder_found);
	assert_int_equal(f->no_holder, 9);
	assert_true(isnan(f->initials_mean));
	assert_true(isnan(f->chain_mean));
	assert_int_equal(f->initials_max, -1);

	j = maat_signoff_json(s);
	assert_int_equal(json_array_size(json_object_get(j, "decision_types")), 4);
	e = json_array_get(json_object_get(j, "decision_types"), 3);
	assert_true(json_is_null(json_object_get(e, "initials_mean")));
	assert_true(json_is_null(json_object_get(e, "initials_max")));
	assert_true(json_is_null(json_object_get(e, "chain_mean")));
	assert_int_equal(json_integer_value(json_object_get(e, "no_holder")), 9);
	e = json_array_get(json_object_get(j, "decision_types"), 0);
	assert_int_equal(json_integer_value(json_object_get(e, "initials_max")), 2);
	assert_int_equal(json_integer_value(json_object_get(e, "chain_max")), 3);
	assert_non_null(json_object_get(j, "chain_to_top_mean"));
	assert_int_equal(json_integer_value(json_object_get(j, "chain_to_top_max")), 4);
	/* over cap 1: x for subsidie (2 initials) and for inkoop (2) */
	assert_int_equal(json_array_size(json_object_get(j, "people_over_cap")), 2);
	json_decref(j);
	maat_signoff_free(s);

	/* only one decision type; an unknown one gives none */
	s = maat_signoff_compute(org, m, 4, "personeel", 2);
	assert_int_equal(maat_signoff_ntypes(s), 1);
	assert_string_equal(maat_signoff_type_get(s, 0)->decision_type, "personeel");
	maat_signoff_free(s);
	s = maat_signoff_compute(org, m, 4, "nothing", 2);
	assert_int_equal(maat_signoff_ntypes(s), 0);
	maat_signoff_free(s);
	free(m[1].value);
	free(m[2].value);
	free(m[3].value);
	maat_org_free(org);
}

/* Mandates from the store: the latest import of a decision type wins; order of first
 * appearance. */
static void
test_signoff_load_mandates(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	maat_mandate *m = NULL;
	size_t n = 0;
	assert_non_null(db);
	assert_int_equal(maat_mandates_load(db, &m, &n, &err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(
	    maat_db_exec(db,
			 "INSERT INTO sources(id, kind, path, sha256, imported_at) VALUES"
			 " (1, 'mandates', 'a.csv', 'x1', 0), (2, 'mandates', 'b.csv', 'x2', 0);"
			 "INSERT INTO org_mandates VALUES (1, 2, 'subsidie', 'layer', '2'),"
			 " (1, 3, 'inkoop', 'title', 'Directeur'), (2, 2, 'subsidie', 'id', '17');",
			 &err),
	    0);
	assert_int_equal(maat_mandates_load(db, &m, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(m[0].decision_type, "subsidie");
	assert_int_equal(m[0].kind, MAAT_HOLDER_ID);
	assert_string_equal(m[0].value, "17");
	assert_string_equal(m[1].decision_type, "inkoop");
	assert_string_equal(m[1].value, "Directeur");
	maat_mandates_free(m, n);
	maat_db_close(db);
}

/* 200,000-deep chain with a mandate at layer 10: the deepest person's chain is 199,990. */
static void
test_signoff_deep_chain(void **state)
{
	const size_t n = 200000;
	maat_org_builder *b = maat_org_builder_new();
	maat_mandate m = {.decision_type = "x"};
	maat_signoff *s;
	maat_org *org;
	char id[32], mgr[32];
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "%zu", i + 1);
		snprintf(mgr, sizeof(mgr), "%zu", i);
		add(b, id, mgr, NULL, NULL, false);
	}
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(maat_mandate_parse_holder("layer:10", &m), 0);
	s = maat_signoff_compute(org, &m, 1, NULL, 3);
	assert_int_equal(maat_signoff_type_get(s, 0)->chain_max, (int)n - 10);
	assert_int_equal(maat_signoff_top_max(s), (int)n - 1);
	/* initials = layer - 11 from layer 11 on: layers 15 .. 200000 collect more than 3 */
	assert_int_equal(maat_signoff_type_get(s, 0)->over_cap, n - 14);
	assert_int_equal(maat_signoff_type_get(s, 0)->initials_max, (int)n - 11);
	/* layers 1 .. 9 sit above the holder's layer: no holder */
	assert_int_equal(maat_signoff_type_get(s, 0)->no_holder, 9);
	maat_signoff_free(s);
	maat_org_free(org);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signoff_parse_holder),
	    cmocka_unit_test(test_signoff_to_the_top),
	    cmocka_unit_test(test_signoff_mandates),
	    cmocka_unit_test(test_signoff_load_mandates),
	    cmocka_unit_test(test_signoff_deep_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
