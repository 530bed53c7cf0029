/* The workbook: small-group suppression, definitions, Summary traffic lights with cached
 * formulas, charts, and a store-driven workbook read back with /usr/bin/python3 + openpyxl. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/db.h"
#include "maatlat/util.h"
#include "maatlat/workbook.h"

static char tmpdir[64];

static int
setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/maat-wb-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = maat_xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* Runs a command and returns its stdout. Caller frees. */
static char *
capture(const char *cmd)
{
	FILE *p = popen(cmd, "r");
	maat_buf b = {0};
	char chunk[4096];
	size_t n;
	assert_non_null(p);
	maat_buf_append(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		maat_buf_append(&b, chunk, n);
	}
	assert_int_equal(pclose(p), 0);
	return b.data;
}

/* Python that prints what openpyxl reads from a workbook, one fact per line. */
static char *
openpyxl(const char *path, const char *body)
{
	char *script = maat_xasprintf("%s/read.py", tmpdir);
	char *cmd = maat_xasprintf("/usr/bin/python3 '%s' '%s'", script, path);
	FILE *f = fopen(script, "w");
	char *out;
	assert_non_null(f);
	fprintf(f,
		"import sys, openpyxl\n"
		"wb = openpyxl.load_workbook(sys.argv[1])\n"
		"cached = openpyxl.load_workbook(sys.argv[1], data_only=True)\n"
		"%s\n",
		body);
	fclose(f);
	out = capture(cmd);
	free(script);
	free(cmd);
	return out;
}

static void
test_workbook_suppress_small_groups(void **state)
{
	/* three units with 3, 5 and 12 people; min group 5 hides only the first (3 < 5; 5 is
	 * not fewer than 5) */
	maat_table *t = maat_table_new("Units");
	maat_table *s;
	size_t hidden = 0;
	maat_table_add_column(t, "unit", "Unit", MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "people", "People", MAAT_COL_INT, 0);
	maat_table_add_column(t, "hours", "Hours", MAAT_COL_REAL, 1);
	maat_table_add_column(t, "note", "Note", MAAT_COL_TEXT, 0);
	for (int i = 0; i < 3; i++) {
		static const int people[] = {3, 5, 12};
		static const char *const names[] = {"Small", "Edge", "Large"};
		maat_table_add_row(t);
		maat_table_set_text(t, 0, names[i]);
		maat_table_set_int(t, 1, people[i]);
		maat_table_set_real(t, 2, 10.5 + i);
	}
	s = maat_report_suppress(t, 1, 3, 5, &hidden);
	assert_int_equal(hidden, 1);
	assert_int_equal(maat_table_nrows(s), 3);
	/* the unit's name stays, its numbers go, the note says why */
	assert_string_equal(maat_table_cell(s, 0, 0)->s, "Small");
	assert_true(maat_table_cell(s, 0, 1)->null);
	assert_true(maat_table_cell(s, 0, 2)->null);
	assert_string_equal(maat_table_cell(s, 0, 3)->s, "fewer than 5");
	assert_int_equal(maat_table_cell(s, 1, 1)->i, 5);
	assert_true(fabs(maat_table_cell(s, 1, 2)->d - 11.5) < 1e-12);
	assert_true(maat_table_cell(s, 1, 3)->null);
	assert_int_equal(maat_table_cell(s, 2, 1)->i, 12);
	maat_table_free(s);
	maat_table_free(t);
}

static void
test_workbook_definitions_one_line(void **state)
{
	maat_table *t = maat_report_definitions_table();
	assert_int_equal(maat_table_ncols(t), 3);
	assert_true(maat_table_nrows(t) >= 20);
	for (size_t r = 0; r < maat_table_nrows(t); r++) {
		assert_non_null(maat_table_cell(t, r, 2)->s);
		assert_null(strchr(maat_table_cell(t, r, 2)->s, '\n'));
		assert_true(strncmp(maat_table_cell(t, r, 1)->s, "§", 2) == 0);
	}
	maat_table_free(t);
}

static void
test_workbook_summary_lights(void **state)
{
	char *path = maat_xasprintf("%s/lights.xlsx", tmpdir);
	maat_workbook *wb = maat_workbook_new();
	maat_table *t = maat_table_new("Pyramid");
	maat_err err = {0};
	char *out, *cmd, *chart, *styles;
	size_t sheet;

	/* rows 5-8 of Summary (1-based): headers are on row 4 after title, generated, blank */
	/* a cap exceeded: 13.5 / 12 = 1.125 -> red */
	maat_workbook_add_headline(wb, "Mean meeting hours", 13.5, MAAT_COL_REAL, MAAT_LIMIT_CAP,
				   12);
	/* a target missed: 3 / 2.5 = 1.2 -> red */
	maat_workbook_add_headline(wb, "Mean span", 2.5, MAAT_COL_REAL, MAAT_LIMIT_TARGET, 3);
	/* a cap kept: 0.05 / 0.1 = 0.5 -> green */
	maat_workbook_add_headline(wb, "Share over cap", 0.05, MAAT_COL_SHARE, MAAT_LIMIT_CAP, 0.1);
	/* no limit: no formula */
	maat_workbook_add_headline(wb, "People", 250, MAAT_COL_INT, MAAT_LIMIT_NONE, 0);
	maat_workbook_add_setting(wb, "Meeting cap (hours)", "12");
	maat_workbook_add_note(wb, "=HYPERLINK(\"http://evil\")");
	maat_table_add_column(t, "layer", "Layer", MAAT_COL_INT, 0);
	maat_table_add_column(t, "people", "People", MAAT_COL_INT, 0);
	for (int l = 1; l <= 3; l++) {
		maat_table_add_row(t);
		maat_table_set_int(t, 0, l);
		maat_table_set_int(t, 1, l * l * 4);
	}
	sheet = maat_workbook_add_sheet(wb, "Layer pyramid", t);
	maat_workbook_add_chart(wb, sheet, MAAT_CHART_BAR, "Headcount per layer", 0, 1,
				MAAT_CHART_NO_SERIES);
	/* 2026-01-01 00:00 UTC */
	assert_int_equal(maat_workbook_write(wb, path, 1767225600, &err), 0);
	maat_workbook_free(wb);

	out = openpyxl(
	    path,
	    "s = wb['Summary']\n"
	    "print(wb.sheetnames)\n"
	    "print(s['B2'].value)\n"
	    "for r in range(4, 9):\n"
	    "    print([s.cell(r, k).value for k in range(1, 6)], s.cell(r, 5).fill.fgColor.rgb)\n"
	    "print(s['A9'].value[:8])\n"
	    "print(s['A11'].value, s['A12'].value, s['B12'].value)\n"
	    "print(repr(s['A15'].value), s['A15'].data_type)");
	/* the "against the limit" column in words, coloured by the rule: 13.5 > 12 is over the cap
	 * (red, Excel's preset FFC7CE); 2.5 < 3 is short of the target (red); 5% <= 10% is ok
	 * (green, C6EFCE); no limit, no words. Settings that are numbers are numbers. */
	assert_string_equal(
	    out,
	    "['Summary', 'Layer pyramid']\n"
	    "2026-01-01 00:00:00\n"
	    "['Figure', 'Value', 'Target or cap', 'Rule', 'Against the limit'] 00000000\n"
	    "['Mean meeting hours', 13.5, 12, 'at most', '13.5 > 12: over the cap'] FFFFC7CE\n"
	    "['Mean span', 2.5, 3, 'at least', '2.5 < 3: short of the target'] FFFFC7CE\n"
	    "['Share over cap', 0.05, 0.1, 'at most', '5.0% \xE2\x89\xA4 10.0%: ok'] FFC6EFCE\n"
	    "['People', 250, None, None, None] 00000000\n"
	    "Colours:\n"
	    "Settings Meeting cap (hours) 12\n"
	    "'=HYPERLINK(\"http://evil\")' s\n");
	free(out);
	/* Excel's preset light red: fill FFC7CE, text 9C0006 */
	cmd = maat_xasprintf("unzip -p '%s' xl/styles.xml", path);
	styles = capture(cmd);
	free(cmd);
	assert_non_null(strstr(styles, "FFC7CE"));
	assert_non_null(strstr(styles, "9C0006"));
	assert_non_null(strstr(styles, "C6EFCE"));
	free(styles);
	/* the chart quotes the sheet name with a space */
	cmd = maat_xasprintf("unzip -p '%s' xl/charts/chart1.xml", path);
	chart = capture(cmd);
	free(cmd);
	assert_non_null(strstr(chart, "'Layer pyramid'!$A$2:$A$4"));
	assert_non_null(strstr(chart, "'Layer pyramid'!$B$2:$B$4"));
	assert_non_null(strstr(chart, "<c:barDir val=\"bar\"/>"));
	free(chart);
	free(path);
}

/* A stand-in importer: counts lines as rows, rejects lines starting with '#', logged. */
static int
count_lines(maat_import *imp, FILE *f, void *ctx, maat_err *err)
{
	char line[256];
	int64_t n = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		imp->rows_read++;
		if (line[0] == '#') {
			imp->rows_rejected++;
			if (maat_db_log(imp->db, imp->source_id, n, "warning", err,
					"skipped a comment") < 0) {
				return -1;
			}
		}
	}
	return 0;
}

static void
test_workbook_from_store(void **state)
{
	char *dbpath = maat_xasprintf("%s/store.db", tmpdir);
	char *input = maat_xasprintf("%s/org.csv", tmpdir);
	char *xlsx = maat_xasprintf("%s/report.xlsx", tmpdir);
	maat_err err = {0};
	maat_db *db = maat_db_open(dbpath, MAAT_DB_CREATE, &err);
	maat_workbook *wb = maat_workbook_new();
	maat_report_options o = {0};
	FILE *f;
	char *out;

	assert_non_null(db);
	/* an empty store: nothing to report */
	assert_int_equal(maat_report_fill(db, &o, wb, &err), 1);
	assert_int_equal(maat_workbook_nsheets(wb), 0);
	f = fopen(input, "w");
	fputs("id,manager\n#note\na,\n", f);
	fclose(f);
	assert_int_equal(
	    maat_db_import_file(db, "org", input, "", 0, count_lines, NULL, NULL, &err), 0);
	assert_int_equal(maat_report_fill(db, &o, wb, &err), 0);
	assert_int_equal(maat_workbook_write(wb, xlsx, 1767225600, &err), 0);
	maat_workbook_free(wb);
	maat_db_close(db);
	/* 3 lines read, 1 rejected (the '#' line, line 2), one warning logged against line 2 */
	out = openpyxl(xlsx,
		       "print(wb.sheetnames)\n"
		       "s = wb['Sources']\n"
		       "print([c.value for c in s[1]][:6])\n"
		       "print(s['B2'].value, s['C2'].value == sys.argv[1].replace('report.xlsx',"
		       " 'org.csv'), len(s['D2'].value), s['E2'].value, s['F2'].value,"
		       " s['I2'].value)\n"
		       "a = wb['Anomalies']\n"
		       "print([c.value for c in a[2]][1:])\n"
		       "d = wb['Definitions']\n"
		       "print(d.max_row - 1 >= 20, d.freeze_panes)\n"
		       "print(wb['Summary']['A4'].value)");
	assert_string_equal(out, "['Summary', 'Sources', 'Anomalies', 'Definitions']\n"
				 "['id', 'kind', 'file', 'sha256', 'rows read', 'rejected']\n"
				 "org True 64 3 1 1\n"
				 "[2, 'warning', 'skipped a comment']\n"
				 "True A2\n"
				 "Settings\n");
	free(out);
	free(dbpath);
	free(input);
	free(xlsx);
}

static void
test_workbook_weekly_hours(void **state)
{
	/* W01: p2 14 h (cap 12, over) and p1 8 h (cap 6 at 0.5 FTE, over): mean 11, mean cap 9,
	 * 2 over. W02: p1 10 h (cap 12) and p3 13 h (cap 12, over): mean 11.5, cap 12, 1 over.
	 * Rows arrive out of week order; the result is in week order. */
	static const struct {
		const char *person, *week;
		double hours, cap;
	} rows[] = {{"p1", "2026-W02", 10, 12},
		    {"p2", "2026-W01", 14, 12},
		    {"p1", "2026-W01", 8, 6},
		    {"p3", "2026-W02", 13, 12}};
	maat_table *pw = maat_table_new(NULL), *w;
	maat_table_add_column(pw, "person", "person", MAAT_COL_TEXT, 0);
	maat_table_add_column(pw, "week", "week", MAAT_COL_TEXT, 0);
	maat_table_add_column(pw, "hours", "hours", MAAT_COL_REAL, 2);
	maat_table_add_column(pw, "cap", "cap", MAAT_COL_REAL, 2);
	for (size_t i = 0; i < 4; i++) {
		maat_table_add_row(pw);
		maat_table_set_text(pw, 0, rows[i].person);
		maat_table_set_text(pw, 1, rows[i].week);
		maat_table_set_real(pw, 2, rows[i].hours);
		maat_table_set_real(pw, 3, rows[i].cap);
	}
	w = maat_report_weekly_table(pw);
	assert_int_equal(maat_table_nrows(w), 2);
	assert_string_equal(maat_table_cell(w, 0, 0)->s, "2026-W01");
	assert_int_equal(maat_table_cell(w, 0, 1)->i, 2);
	assert_true(fabs(maat_table_cell(w, 0, 2)->d - 11.0) < 1e-12);
	assert_true(fabs(maat_table_cell(w, 0, 3)->d - 9.0) < 1e-12);
	assert_int_equal(maat_table_cell(w, 0, 4)->i, 2);
	assert_string_equal(maat_table_cell(w, 1, 0)->s, "2026-W02");
	assert_true(fabs(maat_table_cell(w, 1, 2)->d - 11.5) < 1e-12);
	assert_true(fabs(maat_table_cell(w, 1, 3)->d - 12.0) < 1e-12);
	assert_int_equal(maat_table_cell(w, 1, 4)->i, 1);
	maat_table_free(w);
	maat_table_free(pw);
}

static void
test_workbook_weekly_many_people(void **state)
{
	/* 300,000 people (person i: i mod 3 hours, cap 1), all in one week but person 150,000 (5 h)
	 * in the next; over the cap (2 > 1) every third person: 100,000.
	 * A step quadratic in people per week (4.5e10 comparisons) would not finish within the
	 * unit test's timeout. */
	maat_table *pw = maat_table_new(NULL), *w;
	maat_table_add_column(pw, "week", "week", MAAT_COL_TEXT, 0);
	maat_table_add_column(pw, "hours", "hours", MAAT_COL_REAL, 2);
	maat_table_add_column(pw, "cap", "cap", MAAT_COL_REAL, 2);
	for (int i = 0; i < 300000; i++) {
		maat_table_add_row(pw);
		maat_table_set_text(pw, 0, i == 150000 ? "2026-W09" : "2026-W08");
		maat_table_set_real(pw, 1, i == 150000 ? 5 : i % 3);
		maat_table_set_real(pw, 2, 1);
	}
	/* the person moved to W09 (i = 150,000) had i mod 3 = 0: W08 keeps 299,999 people, 99,999
	 * at 0 h, 100,000 at 1 h and 100,000 at 2 h: mean 300,000 / 299,999 */
	w = maat_report_weekly_table(pw);
	assert_int_equal(maat_table_nrows(w), 2);
	assert_string_equal(maat_table_cell(w, 0, 0)->s, "2026-W08");
	assert_int_equal(maat_table_cell(w, 0, 1)->i, 299999);
	assert_true(fabs(maat_table_cell(w, 0, 2)->d - 300000.0 / 299999.0) < 1e-12);
	assert_int_equal(maat_table_cell(w, 0, 4)->i, 100000);
	assert_string_equal(maat_table_cell(w, 1, 0)->s, "2026-W09");
	assert_int_equal(maat_table_cell(w, 1, 1)->i, 1);
	assert_int_equal(maat_table_cell(w, 1, 4)->i, 1);
	maat_table_free(w);
	maat_table_free(pw);
}

static void
test_workbook_handover_histogram(void **state)
{
	/* handovers 0, 1, 1, 3, 12, 2 with bins 0, 1, 2, 3+: 1, 2, 1, 2 cases */
	static const int hv[] = {0, 1, 1, 3, 12, 2};
	static const int64_t expect[] = {1, 2, 1, 2};
	static const char *const labels[] = {"0", "1", "2", "3+"};
	maat_table *c = maat_table_new(NULL), *h;
	maat_table_add_column(c, "case", "case", MAAT_COL_TEXT, 0);
	maat_table_add_column(c, "handovers", "handovers", MAAT_COL_INT, 0);
	for (size_t i = 0; i < 6; i++) {
		maat_table_add_row(c);
		maat_table_set_text(c, 0, "x");
		maat_table_set_int(c, 1, hv[i]);
	}
	h = maat_report_handover_histogram(c, 3);
	assert_int_equal(maat_table_nrows(h), 4);
	for (size_t b = 0; b < 4; b++) {
		assert_string_equal(maat_table_cell(h, b, 0)->s, labels[b]);
		assert_int_equal(maat_table_cell(h, b, 1)->i, expect[b]);
	}
	maat_table_free(h);
	maat_table_free(c);
}

static void
test_workbook_sheet_overflow(void **state)
{
	/* 25 rows with 10 rows a sheet (a header and 9 data rows): "Long" holds rows 1-9,
	 * "Long (2)" rows 10-18, "Long (3)" rows 19-25 (7); every part has the header; the
	 * short sheet after them keeps its name; the Summary says the table goes on. */
	maat_workbook *wb = maat_workbook_new();
	maat_table *t = maat_table_new("Long table"), *small = maat_table_new("Small");
	char *xlsx = maat_xasprintf("%s/overflow.xlsx", tmpdir), *out;
	maat_err err = {0};
	maat_table_add_column(t, "n", "n", MAAT_COL_INT, 0);
	maat_table_add_column(t, "name", "name", MAAT_COL_TEXT, 0);
	for (int i = 1; i <= 25; i++) {
		char name[16];
		snprintf(name, sizeof(name), "row %d", i);
		maat_table_add_row(t);
		maat_table_set_int(t, 0, i);
		maat_table_set_text(t, 1, name);
	}
	maat_table_add_column(small, "x", "x", MAAT_COL_INT, 0);
	maat_table_add_row(small);
	maat_table_set_int(small, 0, 7);
	maat_workbook_add_sheet(wb, "Long", t);
	maat_workbook_add_sheet(wb, "Small", small);
	maat_workbook_set_sheet_rows(wb, 10);
	assert_int_equal(maat_workbook_write(wb, xlsx, 1767225600, &err), 0);
	out = openpyxl(xlsx, "print(wb.sheetnames)\n"
			     "for n in ('Long', 'Long (2)', 'Long (3)', 'Small'):\n"
			     "    ws = wb[n]\n"
			     "    rows = list(ws.iter_rows(values_only=True))\n"
			     "    print(n, len(rows) - 1, rows[0], rows[1], rows[-1])\n"
			     "s = wb['Summary']\n"
			     "print([c for r in s.iter_rows(values_only=True) for c in r"
			     " if isinstance(c, str) and 'continued' in c])\n");
	assert_string_equal(out,
			    "['Summary', 'Long', 'Long (2)', 'Long (3)', 'Small']\n"
			    "Long 9 ('n', 'name') (1, 'row 1') (9, 'row 9')\n"
			    "Long (2) 9 ('n', 'name') (10, 'row 10') (18, 'row 18')\n"
			    "Long (3) 7 ('n', 'name') (19, 'row 19') (25, 'row 25')\n"
			    "Small 1 ('x',) (7,) (7,)\n"
			    "['25 rows: more than a sheet holds, continued on 2 more sheets']\n");
	free(out);
	free(xlsx);
	maat_workbook_free(wb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_workbook_suppress_small_groups),
	    cmocka_unit_test(test_workbook_definitions_one_line),
	    cmocka_unit_test(test_workbook_summary_lights),
	    cmocka_unit_test(test_workbook_from_store),
	    cmocka_unit_test(test_workbook_weekly_hours),
	    cmocka_unit_test(test_workbook_weekly_many_people),
	    cmocka_unit_test(test_workbook_handover_histogram),
	    cmocka_unit_test(test_workbook_sheet_overflow),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
