/* maat_table: formatting, alignment and JSON of typed columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/json.h"
#include "maatlat/table.h"

static maat_table *
sample(void)
{
	maat_table *t = maat_table_new("Spans");
	maat_table_add_column(t, "unit", "unit", MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "managers", "managers", MAAT_COL_INT, 0);
	maat_table_add_column(t, "span", "span", MAAT_COL_REAL, 1);
	maat_table_add_column(t, "thin", "thin", MAAT_COL_SHARE, 1);
	maat_table_add_column(t, "since", "since", MAAT_COL_DATE, 0);
	maat_table_add_row(t);
	maat_table_set_text(t, 0, "Vergunningen");
	maat_table_set_int(t, 1, 12);
	maat_table_set_real(t, 2, 4.25);
	maat_table_set_real(t, 3, 0.125);
	maat_table_set_int(t, 4, 1767225600); /* 2026-01-01T00:00:00Z */
	maat_table_add_row(t);
	maat_table_set_text(t, 0, "Ré");
	maat_table_set_int(t, 1, 3);
	/* span, thin and since stay null */
	return t;
}

static void
test_table_format_cells(void **state)
{
	maat_table *t = sample();
	char *s;
	s = maat_table_format_cell(t, 0, 2);
	/* 4.25 to one decimal: printf rounds half to even on the binary value 4.25 -> "4.2" */
	assert_string_equal(s, "4.2");
	free(s);
	s = maat_table_format_cell(t, 0, 3);
	assert_string_equal(s, "12.5%");
	free(s);
	s = maat_table_format_cell(t, 0, 4);
	assert_string_equal(s, "2026-01-01");
	free(s);
	s = maat_table_format_cell(t, 1, 2);
	assert_string_equal(s, "");
	free(s);
	maat_table_free(t);
}

static void
test_table_print_aligns(void **state)
{
	maat_table *t = sample();
	char buf[1024] = {0};
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");
	assert_int_equal(maat_table_print(t, f), 0);
	fclose(f);
	/* "Vergunningen" (12 chars) sets the first column's width; numbers are right-aligned,
	 * and the 2-byte "é" counts as one column. */
	assert_string_equal(buf, "Spans\n"
				 "unit          managers  span   thin       since\n"
				 "Vergunningen        12   4.2  12.5%  2026-01-01\n"
				 "Ré                   3                         \n");
	maat_table_free(t);
}

static void
test_table_json_types(void **state)
{
	maat_table *t = sample();
	json_t *j = maat_table_to_json(t);
	char *s = json_dumps(j, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(12));
	assert_string_equal(s, "[{\"unit\":\"Vergunningen\",\"managers\":12,\"span\":4.25,"
			       "\"thin\":0.125,\"since\":1767225600},"
			       "{\"unit\":\"Ré\",\"managers\":3,\"span\":null,\"thin\":null,"
			       "\"since\":null}]");
	free(s);
	json_decref(j);
	maat_table_free(t);
}

static void
test_table_nonfinite_is_null(void **state)
{
	maat_table *t = maat_table_new(NULL);
	json_t *v;
	maat_table_add_column(t, "x", NULL, MAAT_COL_REAL, 2);
	maat_table_add_row(t);
	maat_table_set_real(t, 0, 0.0 / 0.0);
	assert_true(maat_table_cell(t, 0, 0)->null);
	v = maat_json_real(1.0 / 0.0);
	assert_true(json_is_null(v));
	json_decref(v);
	maat_table_free(t);
	maat_table_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table_format_cells),
	    cmocka_unit_test(test_table_print_aligns),
	    cmocka_unit_test(test_table_json_types),
	    cmocka_unit_test(test_table_nonfinite_is_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
