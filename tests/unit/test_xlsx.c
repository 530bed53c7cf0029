/* xlsx rendering: sheet names Excel accepts, cell typing checked in the sheet XML of the written
 * file (read back with unzip -p), atomic writes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maatlat/util.h"
#include "maatlat/xlsx.h"

static char tmpdir[64];

static int
setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/maat-xlsx-XXXXXX");
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

/* The text of one member of a zip file, or NULL when it is absent. Caller frees. */
static char *
zip_member(const char *zip, const char *member)
{
	char *cmd = maat_xasprintf("unzip -p '%s' '%s' 2>/dev/null", zip, member);
	FILE *p = popen(cmd, "r");
	maat_buf b = {0};
	char chunk[4096];
	size_t n;
	free(cmd);
	assert_non_null(p);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		maat_buf_append(&b, chunk, n);
	}
	pclose(p);
	return b.data;
}

static bool
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void
check_name(const char *want, const char *const *taken, size_t n, const char *expect)
{
	char *got = maat_xlsx_sheet_name(want, taken, n);
	assert_string_equal(got, expect);
	free(got);
}

static void
test_xlsx_sheet_name_rules(void **state)
{
	static const char *const dutch[] = {"Samenvatting", "Lagen", "Leidinggevenden"};
	/* each forbidden character becomes '_' */
	check_name("a[b]c:d*e?f/g\\h", NULL, 0, "a_b_c_d_e_f_g_h");
	/* apostrophes and spaces trimmed at both ends, kept inside */
	check_name("''Jan's team' ", NULL, 0, "Jan's team");
	/* empty, NULL and all-apostrophe names get the default */
	check_name("", NULL, 0, "Sheet");
	check_name(NULL, NULL, 0, "Sheet");
	check_name("'''", NULL, 0, "Sheet");
	/* "History" is reserved by Excel in any case */
	check_name("history", NULL, 0, "history (2)");
	check_name("HISTORY", NULL, 0, "HISTORY (2)");
	/* 31 characters stay, 32 are cut: 26 letters + 5 digits = 31 */
	check_name("abcdefghijklmnopqrstuvwxyz12345", NULL, 0, "abcdefghijklmnopqrstuvwxyz12345");
	check_name("abcdefghijklmnopqrstuvwxyz123456", NULL, 0, "abcdefghijklmnopqrstuvwxyz12345");
	/* characters, not bytes: 31 x "é" (2 bytes each) fit, the 32nd is cut */
	check_name("ééééééééééééééééééééééééééééééééé", NULL, 0, "ééééééééééééééééééééééééééééééé");
	/* an emoji is 2 UTF-16 units in Excel: 30 letters + emoji = 32 units, emoji cut */
	check_name("abcdefghijklmnopqrstuvwxyz1234\xF0\x9F\x98\x80", NULL, 0,
		   "abcdefghijklmnopqrstuvwxyz1234");
	/* invalid UTF-8 bytes are dropped, control characters become '_' */
	check_name("Lag\xFF"
		   "en\tx",
		   NULL, 0, "Lagen_x");
	/* cutting may expose an apostrophe at the end: trimmed too (30 letters then "'x") */
	check_name("abcdefghijklmnopqrstuvwxyz1234'x", NULL, 0, "abcdefghijklmnopqrstuvwxyz1234");
	/* unique without regard to case, Dutch names included */
	check_name("lagen", dutch, 3, "lagen (2)");
	check_name("SAMENVATTING", dutch, 3, "SAMENVATTING (2)");
	check_name("Vergaderingen", dutch, 3, "Vergaderingen");
	/* case folding beyond ASCII: É/é and Ĳ/ĳ (U+0132/U+0133) */
	{
		static const char *const accented[] = {"Één", "ĳsbaan"};
		check_name("één", accented, 2, "één (2)");
		check_name("Ĳsbaan", accented, 2, "Ĳsbaan (2)");
	}
	/* a clash on a 31-character name cuts the base to 31 - 4 = 27 characters for " (2)":
	 * "overdrachten"(12) + " tussen"(19) + " afdelin"(27) */
	{
		static const char *const longname[] = {"Overdrachten tussen afdelingen1"};
		check_name("overdrachten tussen afdelingen1", longname, 1,
			   "overdrachten tussen afdelin (2)");
	}
	/* the counter goes on past (2) */
	{
		static const char *const many[] = {"Units", "units (2)", "UNITS (3)"};
		check_name("Units", many, 3, "Units (4)");
	}
}

static void
test_xlsx_safe_urls(void **state)
{
	assert_true(maat_xlsx_is_safe_url("https://example.org/a?b=c"));
	assert_true(maat_xlsx_is_safe_url("http://example.org"));
	assert_true(maat_xlsx_is_safe_url("mailto:jan@example.org"));
	assert_true(maat_xlsx_is_safe_url("HTTPS://EXAMPLE.ORG"));
	assert_false(maat_xlsx_is_safe_url("javascript:alert(1)"));
	assert_false(maat_xlsx_is_safe_url("file:///etc/passwd"));
	assert_false(maat_xlsx_is_safe_url("ftp://example.org"));
	assert_false(maat_xlsx_is_safe_url("https://"));
	assert_false(maat_xlsx_is_safe_url("https://example.org/a b"));
	assert_false(maat_xlsx_is_safe_url("see https://example.org"));
	assert_false(maat_xlsx_is_safe_url(NULL));
}

static maat_table *
typed_table(void)
{
	maat_table *t = maat_table_new("typed");
	maat_table_add_column(t, "text", "Text", MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "n", "Count", MAAT_COL_INT, 0);
	maat_table_add_column(t, "hours", "Hours", MAAT_COL_REAL, 1);
	maat_table_add_column(t, "share", "Share", MAAT_COL_SHARE, 1);
	maat_table_add_column(t, "day", "Day", MAAT_COL_DATE, 0);
	maat_table_add_column(t, "at", "At", MAAT_COL_DATETIME, 0);
	maat_table_add_column(t, "flag", "Flag", MAAT_COL_BOOL, 0);
	maat_table_add_row(t);
	maat_table_set_text(t, 0, "=1+1");
	maat_table_set_int(t, 1, 12);
	maat_table_set_real(t, 2, 4.5);
	maat_table_set_real(t, 3, 0.125);
	maat_table_set_int(t, 4, 1767225600);         /* 2026-01-01 00:00 UTC */
	maat_table_set_int(t, 5, 1767225600 + 34200); /* 2026-01-01 09:30 UTC */
	maat_table_set_int(t, 6, 1);
	maat_table_add_row(t);
	maat_table_set_text(t, 0, "https://example.org/x");
	maat_table_add_row(t);
	maat_table_set_text(t, 0, "javascript:alert(1)");
	maat_table_add_row(t);
	maat_table_set_text(t, 0, "@SUM(A1)");
	return t;
}

static void
test_xlsx_cells_typed(void **state)
{
	char *path = maat_xasprintf("%s/typed.xlsx", tmpdir), *tmp = maat_xasprintf("%s.tmp", path);
	maat_table *t = typed_table();
	maat_err err = {0};
	maat_xlsx *x = maat_xlsx_new(path, maat_table_nrows(t), &err);
	lxw_worksheet *ws;
	char *sheet, *strings, *styles, *table, *rels;

	assert_non_null(x);
	assert_false(maat_xlsx_constant_memory(x));
	ws = maat_xlsx_add_sheet(x, "Typed", NULL, &err);
	assert_non_null(ws);
	assert_int_equal(maat_xlsx_write_table(x, ws, 0, t, &err), 0);
	assert_int_equal(maat_xlsx_close(x, &err), 0);
	assert_true(exists(path));
	assert_false(exists(tmp));

	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	strings = zip_member(path, "xl/sharedStrings.xml");
	styles = zip_member(path, "xl/styles.xml");
	table = zip_member(path, "xl/tables/table1.xml");
	rels = zip_member(path, "xl/worksheets/_rels/sheet1.xml.rels");
	assert_non_null(sheet);
	assert_non_null(strings);
	/* "=1+1" and "@SUM(A1)" are shared strings, never formulas */
	assert_null(strstr(sheet, "<f>"));
	assert_non_null(strstr(strings, "<t>=1+1</t>"));
	assert_non_null(strstr(strings, "<t>@SUM(A1)</t>"));
	{
		/* the A2 cell element: a shared string (t="s"), whatever its style */
		const char *a2 = strstr(sheet, "<c r=\"A2\"");
		assert_non_null(a2);
		assert_true(strstr(a2, "t=\"s\"") < strstr(a2, "</c>"));
		assert_non_null(strstr(a2, "t=\"s\""));
	}
	/* numbers as numbers (no t= attribute) */
	assert_non_null(strstr(sheet, "<v>12</v>"));
	assert_non_null(strstr(sheet, "<v>4.5</v>"));
	assert_non_null(strstr(sheet, "<v>0.125</v>"));
	/* 2026-01-01 is Excel serial 46023 (days since 1899-12-30: 36526 for 2000-01-01 plus
	 * 26 * 365 + 7 leap days); 09:30 adds 9.5 / 24 = 0.3958333 */
	assert_non_null(strstr(sheet, "<v>46023</v>"));
	assert_non_null(strstr(sheet, "<v>46023.3958333"));
	/* a boolean cell */
	assert_non_null(strstr(sheet, "t=\"b\"><v>1</v>"));
	/* number formats */
	assert_non_null(strstr(styles, "formatCode=\"yyyy-mm-dd\""));
	assert_non_null(strstr(styles, "formatCode=\"yyyy-mm-dd hh:mm\""));
	assert_non_null(strstr(styles, "formatCode=\"0.0\""));
	assert_non_null(strstr(styles, "formatCode=\"0.0%\""));
	/* bold header, frozen row, explicit widths */
	assert_non_null(strstr(styles, "<b/>"));
	assert_non_null(strstr(sheet, "state=\"frozen\""));
	assert_non_null(strstr(sheet, "ySplit=\"1\""));
	assert_non_null(strstr(sheet, "customWidth=\"1\""));
	/* an Excel table over header + 4 rows, 7 columns: A1:G5 */
	assert_non_null(table);
	assert_non_null(strstr(table, "ref=\"A1:G5\""));
	assert_non_null(strstr(table, "name=\"Hours\""));
	/* exactly one link: the https one in A3; javascript: stays text */
	assert_non_null(strstr(sheet, "<hyperlink ref=\"A3\""));
	assert_null(strstr(sheet, "<hyperlink ref=\"A4\""));
	assert_non_null(rels);
	assert_non_null(strstr(rels, "https://example.org/x"));
	assert_null(strstr(rels, "javascript"));
	free(sheet);
	free(strings);
	free(styles);
	free(table);
	free(rels);
	maat_table_free(t);
	free(path);
	free(tmp);
}

static void
test_xlsx_long_cell_cut(void **state)
{
	char *path = maat_xasprintf("%s/long.xlsx", tmpdir);
	char *longtext = maat_xmalloc(40001);
	maat_table *t = maat_table_new(NULL);
	maat_err err = {0};
	maat_xlsx *x;
	lxw_worksheet *ws;
	char *strings, *p, *q;

	memset(longtext, 'a', 40000);
	longtext[40000] = '\0';
	maat_table_add_column(t, "t", "T", MAAT_COL_TEXT, 0);
	maat_table_add_row(t);
	maat_table_set_text(t, 0, longtext);
	x = maat_xlsx_new(path, 1, &err);
	assert_non_null(x);
	ws = maat_xlsx_add_sheet(x, "Long", NULL, &err);
	assert_int_equal(maat_xlsx_write_table(x, ws, 0, t, &err), 0);
	assert_int_equal(maat_xlsx_close(x, &err), 0);
	strings = zip_member(path, "xl/sharedStrings.xml");
	/* the longest run of 'a' is Excel's limit, 32767 */
	p = strstr(strings, "aaaa");
	assert_non_null(p);
	for (q = p; *q == 'a'; q++) {
	}
	assert_int_equal(q - p, 32767);
	free(strings);
	free(longtext);
	maat_table_free(t);
	free(path);
}

static void
test_xlsx_constant_memory_autofilter(void **state)
{
	char *path = maat_xasprintf("%s/big.xlsx", tmpdir);
	maat_table *t = typed_table();
	maat_err err = {0};
	/* pretend another sheet is large: the workbook switches mode for every sheet */
	maat_xlsx *x = maat_xlsx_new(path, MAAT_XLSX_TABLE_MAX_ROWS + 1, &err);
	lxw_worksheet *ws;
	char *sheet, *table;

	assert_non_null(x);
	assert_true(maat_xlsx_constant_memory(x));
	ws = maat_xlsx_add_sheet(x, "Big", NULL, &err);
	assert_int_equal(maat_xlsx_write_table(x, ws, 0, t, &err), 0);
	assert_int_equal(maat_xlsx_close(x, &err), 0);
	sheet = zip_member(path, "xl/worksheets/sheet1.xml");
	table = zip_member(path, "xl/tables/table1.xml");
	/* no table, an autofilter over A1:G5, inline strings; text still text */
	assert_null(table);
	assert_non_null(strstr(sheet, "<autoFilter ref=\"A1:G5\""));
	assert_non_null(strstr(sheet, "t=\"inlineStr\"><is><t>=1+1</t>"));
	assert_null(strstr(sheet, "<f>"));
	free(sheet);
	free(table);
	maat_table_free(t);
	free(path);
}

static void
test_xlsx_cannot_create(void **state)
{
	maat_err err = {0};
	char *dirpath = maat_xasprintf("%s/adir", tmpdir);
	char *tmp = maat_xasprintf("%s.tmp", dirpath);
	/* a missing directory */
	assert_null(maat_xlsx_new("/nonexistent-maat/x.xlsx", 1, &err));
	assert_int_equal(err.code, 73);
	assert_false(exists("/nonexistent-maat/x.xlsx.tmp"));
	/* the target is a directory */
	assert_int_equal(mkdir(dirpath, 0700), 0);
	maat_err_clear(&err);
	assert_null(maat_xlsx_new(dirpath, 1, &err));
	assert_int_equal(err.code, 73);
	assert_false(exists(tmp));
	free(dirpath);
	free(tmp);
}

static void
test_xlsx_discard_leaves_nothing(void **state)
{
	char *path = maat_xasprintf("%s/gone.xlsx", tmpdir), *tmp = maat_xasprintf("%s.tmp", path);
	maat_err err = {0};
	maat_xlsx *x = maat_xlsx_new(path, 0, &err);
	assert_non_null(x);
	assert_true(exists(tmp));
	maat_xlsx_discard(x);
	assert_false(exists(path));
	assert_false(exists(tmp));
	free(path);
	free(tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_xlsx_sheet_name_rules),
	    cmocka_unit_test(test_xlsx_safe_urls),
	    cmocka_unit_test(test_xlsx_cells_typed),
	    cmocka_unit_test(test_xlsx_long_cell_cut),
	    cmocka_unit_test(test_xlsx_constant_memory_autofilter),
	    cmocka_unit_test(test_xlsx_cannot_create),
	    cmocka_unit_test(test_xlsx_discard_leaves_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
