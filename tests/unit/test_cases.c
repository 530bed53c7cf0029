/* Case-log CSV import: column mapping (defaults, Dutch names, options), timestamps (offsets,
 * Dutch dates, the organisation's zone), errors with their line, and the store layout. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maatlat/cases.h"
#include "maatlat/util.h"

static maat_buf seen;

static int
collect(const maat_case_event *e, void *ctx, maat_err *err)
{
	maat_buf_printf(&seen, "%s|%s|%s|%lld|%s|%s|%s|%s\n", e->case_id,
			e->case_type ? e->case_type : "", e->activity, (long long)e->ts,
			e->resource ? e->resource : "", e->lifecycle ? e->lifecycle : "",
			e->role ? e->role : "", e->group ? e->group : "");
	return 0;
}

static int64_t
read_csv(const char *text, const maat_cases_opts *given, maat_err *err)
{
	maat_cases_opts o = given ? *given : (maat_cases_opts){0};
	FILE *f = fmemopen((void *)text, strlen(text), "rb");
	int64_t rc;
	o.path = "t.csv";
	maat_buf_reset(&seen);
	maat_buf_append(&seen, "", 0);
	rc = maat_cases_csv_read(f, &o, collect, NULL, err);
	fclose(f);
	return rc;
}

static void
test_cases_pm4py_columns_and_mixed_offsets(void **state)
{
	/* the first rows of roadtraffic100traces.csv: "+01:00" and "+02:00" in one column.
	 * 2005-03-23 00:00+01:00 = 1111532400, 2005-07-22 00:00+02:00 = 1121983200 (Python
	 * datetime(..., tzinfo=timezone(timedelta(hours=h))).timestamp()). The numeric
	 * resource 537 stays text; the empty one is absent. */
	const char *csv =
	    "amount,article,case:concept:name,concept:name,dismissal,expense,lastSent,"
	    "lifecycle:transition,notificationType,org:resource,paymentAmount,points,"
	    "time:timestamp,totalPaymentAmount,vehicleClass\n"
	    "35.0,157.0,N77802,Create Fine,NIL,,,complete,,537,,0.0,2005-03-23 "
	    "00:00:00+01:00,0.0,A\n"
	    ",,N77802,Send Fine,,11.0,,complete,,,,,2005-07-22 00:00:00+02:00,,\n";
	maat_err err = {0};
	assert_int_equal(read_csv(csv, NULL, &err), 2);
	assert_string_equal(seen.data, "N77802||Create Fine|1111532400|537|complete||\n"
				       "N77802||Send Fine|1121983200||complete||\n");
}

static void
test_cases_roadtraffic_corpus(void **state)
{
	/* MANIFEST.tsv: 390 events; README: 290 of them without org:resource */
	char *path = maat_xasprintf("%s/cases/roadtraffic100traces.csv", getenv("MAAT_CORPUS"));
	FILE *f = fopen(path, "rb");
	maat_cases_opts o = {.path = path};
	maat_err err = {0};
	int64_t empty = 0;
	assert_non_null(f);
	maat_buf_reset(&seen);
	maat_buf_append(&seen, "", 0);
	assert_int_equal(maat_cases_csv_read(f, &o, collect, NULL, &err), 390);
	for (const char *p = seen.data; (p = strstr(p, "||complete")) != NULL; p++) {
		empty++;
	}
	/* "|<resource>|complete": an empty resource shows as "||complete" */
	assert_int_equal(empty, 290);
	fclose(f);
	free(path);
}

static void
test_cases_dutch_columns_and_local_time(void **state)
{
	/* ';'-separated, Dutch headers in another case, dd-mm-yyyy hh:mm without offset, read
	 * in Europe/Amsterdam: 31-03-2024 01:30 is CET (+1) = 1711845000; 03:30 after the
	 * spring-forward is CEST (+2) = 1711848600 (Python zoneinfo). Extra columns (the
	 * citizen's name) are not delivered. */
	const char *csv = "Zaaknummer;Activiteit;Tijdstip;Behandelaar;Zaaktype;Aanvrager\n"
			  "Z-1;Intake;31-03-2024 01:30;Piet;bouw;Jan Jansen\n"
			  "Z-1;Besluit;31-03-2024 03:30:00;Klaas;bouw;Jan Jansen\n";
	maat_err err = {0};
	maat_tz *tz = maat_tz_new("Europe/Amsterdam", &err);
	maat_cases_opts o = {.tz = tz};
	assert_non_null(tz);
	assert_int_equal(read_csv(csv, &o, &err), 2);
	assert_string_equal(seen.data, "Z-1|bouw|Intake|1711845000|Piet|||\n"
				       "Z-1|bouw|Besluit|1711848600|Klaas|||\n");
	assert_null(strstr(seen.data, "Jansen"));
	maat_tz_free(tz);
}

static void
test_cases_options_override(void **state)
{
	/* --case dossier --activity stap --time wanneer --resource wie --group team; the
	 * default-named column "org:resource" is ignored once --resource names another */
	const char *csv = "dossier,stap,wanneer,wie,org:resource,team\n"
			  "d1,a,2024-01-01T00:00:00Z,w1,IGNORED,T\n";
	maat_cases_opts o = {.case_col = "dossier",
			     .activity_col = "stap",
			     .time_col = "wanneer",
			     .resource_col = "wie",
			     .group_col = "team"};
	maat_err err = {0};
	assert_int_equal(read_csv(csv, &o, &err), 1);
	assert_string_equal(seen.data, "d1||a|1704067200|w1|||T\n");
}

static void
test_cases_missing_columns(void **state)
{
	maat_err err = {0};
	maat_cases_opts o = {.resource_col = "medewerker"};
	/* tests/data/bad/cases_missing_column.csv: zaak,stap,resource has no time column */
	assert_int_equal(read_csv("zaak,stap,resource\nZ1,a,r1\n", NULL, &err), -MAAT_E_DATA);
	assert_string_equal(
	    err.msg, "t.csv:1: no time column (looked for 'time:timestamp', 'timestamp', "
		     "'tijdstip', 'time', 'datum', 'datumtijd'); name yours with --time COLUMN");
	/* a column named by an option must exist */
	assert_int_equal(read_csv("case:concept:name,concept:name,time:timestamp\n"
				  "c,a,2024-01-01\n",
				  &o, &err),
			 -MAAT_E_DATA);
	assert_string_equal(err.msg, "t.csv:1: no resource column (looked for 'medewerker'); name "
				     "yours with --resource COLUMN");
}

static void
test_cases_bad_rows(void **state)
{
	maat_err err = {0};
	/* tests/data/bad/cases_bad_timestamp.csv: "yesterday" on line 3 */
	assert_int_equal(read_csv("case:concept:name,concept:name,time:timestamp,org:resource\n"
				  "c1,a,2024-01-01T10:00:00Z,r1\n"
				  "c1,b,yesterday,r2\n",
				  NULL, &err),
			 -MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "t.csv:3: "));
	assert_non_null(strstr(err.msg, "'yesterday'"));
	assert_int_equal(read_csv("case:concept:name,concept:name,time:timestamp\n"
				  "c1,a,2024-01-01\n"
				  ",b,2024-01-01\n",
				  NULL, &err),
			 -MAAT_E_DATA);
	assert_string_equal(err.msg, "t.csv:3: empty case id");
	assert_int_equal(read_csv("case:concept:name,concept:name,time:timestamp\n"
				  "c1,,2024-01-01\n",
				  NULL, &err),
			 -MAAT_E_DATA);
	assert_string_equal(err.msg, "t.csv:2: empty activity");
}

static int64_t
count(maat_db *db, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t n;
	assert_int_equal(sqlite3_prepare_v2(maat_db_sqlite(db), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static void
test_cases_store_layout(void **state)
{
	/* an unsorted file with a tie: case b at 10:00 (line 2), case a at 11:00 and 09:00,
	 * then b again at 10:00 (line 5). Stored per case by time, ties by file order: a =
	 * (09:00 y/R2), (11:00 x/R1); b = (10:00 x/R1 line 2), (10:00 z/- line 5). Names are
	 * stored once: resources R1, R2; activities x, y, z. The citizen column is dropped. */
	char path[] = "/tmp/maat_test_cases_XXXXXX";
	int fd = mkstemp(path);
	const char *csv = "case:concept:name,concept:name,time:timestamp,org:resource,burger\n"
			  "b,x,2024-01-01T10:00:00Z,R1,Jan Jansen\n"
			  "a,x,2024-01-01T11:00:00Z,R1,Jan Jansen\n"
			  "a,y,2024-01-01T09:00:00Z,R2,Jan Jansen\n"
			  "b,z,2024-01-01T10:00:00Z,,Jan Jansen\n";
	maat_cases_opts o = {.format = "csv"};
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	sqlite3_stmt *st = NULL;
	maat_buf got = {0};

	assert_true(fd >= 0);
	assert_int_equal(write(fd, csv, strlen(csv)), (ssize_t)strlen(csv));
	close(fd);
	assert_int_equal(
	    maat_db_import_file(db, "cases", path, "", 0, maat_cases_import, &o, NULL, &err), 0);
	assert_int_equal(
	    sqlite3_prepare_v2(maat_db_sqlite(db),
			       "SELECT c.case_key, e.ts, a.name, coalesce(r.name, '-') "
			       "FROM case_events e JOIN cases c USING (case_no) "
			       "JOIN case_names a ON a.id = e.activity "
			       "LEFT JOIN case_names r ON r.id = e.resource "
			       "ORDER BY e.case_no, e.ts, e.ms, e.source_id, e.seq",
			       -1, &st, NULL),
	    SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		maat_buf_printf(&got, "%s %lld %s %s\n", sqlite3_column_text(st, 0),
				(long long)sqlite3_column_int64(st, 1), sqlite3_column_text(st, 2),
				sqlite3_column_text(st, 3));
	}
	sqlite3_finalize(st);
	/* 2024-01-01T09:00Z = 1704099600; 10:00 = 1704103200; 11:00 = 1704106800; case b came
	 * first in the file, so it is case_no 1 */
	assert_string_equal(got.data, "b 1704103200 x R1\n"
				      "b 1704103200 z -\n"
				      "a 1704099600 y R2\n"
				      "a 1704106800 x R1\n");
	assert_int_equal(count(db, "SELECT count(*) FROM case_names WHERE kind = 'resource'"), 2);
	assert_int_equal(count(db, "SELECT count(*) FROM case_names WHERE kind = 'activity'"), 3);
	assert_int_equal(count(db, "SELECT count(*) FROM case_names WHERE name LIKE '%Jansen%'"),
			 0);
	assert_int_equal(count(db, "SELECT rows_read FROM sources"), 4);
	/* the skipped-resource count is logged with the source */
	assert_int_equal(count(db, "SELECT count(*) FROM source_messages WHERE message LIKE "
				   "'1 of 4 events name no resource%'"),
			 1);
	/* the analysis reads the primary key order: no sort step (temp b-tree) in its plan */
	assert_int_equal(sqlite3_prepare_v2(maat_db_sqlite(db),
					    "EXPLAIN QUERY PLAN SELECT source_id, case_no, ts, ms, "
					    "activity, resource FROM case_events ORDER BY "
					    "case_no, ts, ms, source_id, seq",
					    -1, &st, NULL),
			 SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		assert_null(strstr((const char *)sqlite3_column_text(st, 3), "TEMP B-TREE"));
	}
	sqlite3_finalize(st);
	maat_buf_fini(&got);
	maat_db_close(db);
	unlink(path);
}

static void
test_cases_format_sniffing(void **state)
{
	/* no telling extension: '<' makes it XES */
	char path[] = "/tmp/maat_test_cases_XXXXXX";
	int fd = mkstemp(path);
	const char *xes = "\n  <log><trace><string key='concept:name' value='1'/><event>"
			  "<string key='concept:name' value='a'/>"
			  "<date key='time:timestamp' value='2024-01-01T00:00:00Z'/></event>"
			  "</trace></log>";
	maat_cases_opts o = {0};
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	assert_int_equal(write(fd, xes, strlen(xes)), (ssize_t)strlen(xes));
	close(fd);
	assert_int_equal(
	    maat_db_import_file(db, "cases", path, "", 0, maat_cases_import, &o, NULL, &err), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM case_events"), 1);
	maat_db_close(db);
	unlink(path);
}

static int
teardown(void **state)
{
	maat_buf_fini(&seen);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cases_pm4py_columns_and_mixed_offsets),
	    cmocka_unit_test(test_cases_roadtraffic_corpus),
	    cmocka_unit_test(test_cases_dutch_columns_and_local_time),
	    cmocka_unit_test(test_cases_options_override),
	    cmocka_unit_test(test_cases_missing_columns),
	    cmocka_unit_test(test_cases_bad_rows),
	    cmocka_unit_test(test_cases_store_layout),
	    cmocka_unit_test(test_cases_format_sniffing),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
