/* The store: migrations, refusal of foreign files, one transaction per import. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "maatlat/db.h"
#include "maatlat/util.h"

static char tmpdir[] = "/tmp/maat_test_db_XXXXXX";

static char *
tmp_path(const char *name)
{
	return maat_xasprintf("%s/%s", tmpdir, name);
}

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
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
test_db_migrates_from_empty(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	assert_non_null(db);
	/* every migration ran: user_version is the number of migrations */
	assert_int_equal(count(db, "PRAGMA user_version"), maat_db_schema_latest());
	assert_true(maat_db_schema_latest() >= 1);
	assert_int_equal(count(db, "SELECT count(*) FROM sqlite_master WHERE name = 'sources'"), 1);
	assert_int_equal(count(db, "PRAGMA foreign_keys"), 1);
	maat_db_close(db);
}

/* maat_db_fk_pause() nests: the checks are off from the first pause to the last resume. While
 * they are off, ON DELETE CASCADE does not run either: the reason imports that delete keep
 * them on. */
static void
test_db_fk_pause_nests(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	(void)state;
	assert_non_null(db);
	assert_int_equal(maat_db_fk_pause(db, &err), 0);
	assert_int_equal(maat_db_fk_pause(db, &err), 0);
	assert_int_equal(count(db, "PRAGMA foreign_keys"), 0);
	assert_int_equal(maat_db_exec(db,
				      "INSERT INTO sources(kind, path, sha256, imported_at)"
				      " VALUES ('calendar', 'a.ics', '', 0);"
				      "INSERT INTO source_messages(source_id, severity, message)"
				      " VALUES (1, 'info', 'kept'); DELETE FROM sources",
				      &err),
			 0);
	assert_int_equal(count(db, "SELECT count(*) FROM source_messages"), 1);
	maat_db_fk_resume(db);
	assert_int_equal(count(db, "PRAGMA foreign_keys"), 0);
	maat_db_fk_resume(db);
	assert_int_equal(count(db, "PRAGMA foreign_keys"), 1);
	/* one resume too many changes nothing */
	maat_db_fk_resume(db);
	assert_int_equal(count(db, "PRAGMA foreign_keys"), 1);
	assert_int_equal(
	    maat_db_exec(db,
			 "DELETE FROM source_messages;"
			 "INSERT INTO sources(kind, path, sha256, imported_at)"
			 " VALUES ('calendar', 'b.ics', '', 0);"
			 "INSERT INTO source_messages(source_id, severity, message)"
			 " SELECT max(id), 'info', 'gone' FROM sources; DELETE FROM sources",
			 &err),
	    0);
	assert_int_equal(count(db, "SELECT count(*) FROM source_messages"), 0);
	maat_db_close(db);
}

static void
test_db_file_store_uses_wal_and_reopens(void **state)
{
	maat_err err = {0};
	char *path = tmp_path("wal.db");
	maat_db *db = maat_db_open(path, MAAT_DB_CREATE, &err);
	assert_non_null(db);
	assert_true(maat_db_is_wal(db));
	/* synchronous=NORMAL is 1 */
	assert_int_equal(count(db, "PRAGMA synchronous"), 1);
	maat_db_close(db);
	/* reopening an up-to-date store migrates nothing and succeeds */
	db = maat_db_open(path, 0, &err);
	assert_non_null(db);
	assert_int_equal(count(db, "PRAGMA user_version"), maat_db_schema_latest());
	maat_db_close(db);
	free(path);
}

static void
test_db_missing_without_create(void **state)
{
	maat_err err = {0};
	char *path = tmp_path("absent.db");
	assert_null(maat_db_open(path, 0, &err));
	assert_int_equal(err.code, MAAT_E_NOINPUT);
	assert_int_equal(access(path, F_OK), -1);
	free(path);
}

static void
test_db_refuses_text_file(void **state)
{
	maat_err err = {0};
	char *path = tmp_path("notes.txt");
	char before[65], after[65];
	write_file(path, "meeting notes, not a database\n");
	assert_int_equal(maat_sha256_file(path, before, &err), 0);
	assert_null(maat_db_open(path, MAAT_DB_CREATE, &err));
	assert_int_equal(err.code, MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "not a maatlat store"));
	assert_int_equal(maat_sha256_file(path, after, &err), 0);
	assert_string_equal(before, after);
	free(path);
}

static void
test_db_refuses_newer_schema(void **state)
{
	maat_err err = {0};
	char *path = tmp_path("newer.db");
	char sql[128];
	maat_db *db = maat_db_open(path, MAAT_DB_CREATE, &err);
	assert_non_null(db);
	snprintf(sql, sizeof(sql), "PRAGMA user_version=%d", maat_db_schema_latest() + 1);
	assert_int_equal(maat_db_exec(db, sql, &err), 0);
	maat_db_close(db);
	assert_null(maat_db_open(path, 0, &err));
	assert_int_equal(err.code, MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "newer maatlat"));
	free(path);
}

/* An importer callback that writes rows and then fails: nothing of it may remain. */
static int
failing_import(maat_import *imp, FILE *f, void *ctx, maat_err *err)
{
	imp->rows_read = 3;
	if (maat_db_log(imp->db, imp->source_id, 2, "warning", err, "a skipped row") < 0) {
		return -1;
	}
	return maat_err_set(err, MAAT_E_DATA, "%s:%d: broken on purpose", imp->path, 3);
}

static int
good_import(maat_import *imp, FILE *f, void *ctx, maat_err *err)
{
	char line[256];
	while (fgets(line, sizeof(line), f) != NULL) {
		imp->rows_read++;
	}
	imp->rows_rejected = 1;
	return maat_db_log(imp->db, imp->source_id, 1, "info", err, "read %lld lines",
			   (long long)imp->rows_read);
}

static void
test_db_failed_import_leaves_no_trace(void **state)
{
	maat_err err = {0};
	char *path = tmp_path("input.csv");
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	write_file(path, "a\nb\nc\n");
	assert_true(maat_db_import_file(db, "org", path, "", 0, failing_import, NULL, NULL, &err) <
		    0);
	assert_int_equal(err.code, MAAT_E_DATA);
	assert_non_null(strstr(err.msg, "broken on purpose"));
	/* the source row and the message written inside the transaction are both gone */
	assert_int_equal(count(db, "SELECT count(*) FROM sources"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM source_messages"), 0);
	/* and the store still works afterwards: not stuck inside a transaction */
	assert_int_equal(
	    maat_db_import_file(db, "org", path, "x", 0, good_import, NULL, NULL, &err), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM sources"), 1);
	maat_db_close(db);
	free(path);
}

static void
test_db_import_records_source(void **state)
{
	maat_err err = {0};
	char *path = tmp_path("three.csv");
	int64_t id = 0;
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	sqlite3_stmt *st = NULL;
	write_file(path, "a\nb\nc\n");
	assert_int_equal(
	    maat_db_import_file(db, "cases", path, "--x", 0, good_import, NULL, &id, &err), 0);
	assert_true(id > 0);
	assert_int_equal(sqlite3_prepare_v2(
			     maat_db_sqlite(db),
			     "SELECT kind, sha256, rows_read, rows_rejected, options FROM sources",
			     -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal(sqlite3_column_text(st, 0), "cases");
	/* sha256 of "a\nb\nc\n", as `printf 'a\nb\nc\n' | sha256sum` prints it */
	assert_string_equal(sqlite3_column_text(st, 1),
			    "880553fca8fcea94e325ee2cfb48e5a985cc797f39a14cc6d3cedecfeb2ae4d2");
	assert_int_equal(sqlite3_column_int64(st, 2), 3);
	assert_int_equal(sqlite3_column_int64(st, 3), 1);
	assert_string_equal(sqlite3_column_text(st, 4), "--x");
	sqlite3_finalize(st);
	maat_db_close(db);
	free(path);
}

static void
test_db_same_file_twice_is_skipped(void **state)
{
	maat_err err = {0};
	char *path = tmp_path("twice.csv");
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	write_file(path, "x\n");
	assert_int_equal(maat_db_import_file(db, "org", path, "", 0, good_import, NULL, NULL, &err),
			 0);
	assert_int_equal(maat_db_import_file(db, "org", path, "", 0, good_import, NULL, NULL, &err),
			 1);
	assert_non_null(strstr(err.msg, "already imported"));
	assert_int_equal(count(db, "SELECT count(*) FROM sources"), 1);
	/* the same bytes as another kind are a different import */
	assert_int_equal(
	    maat_db_import_file(db, "cases", path, "", 0, good_import, NULL, NULL, &err), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM sources"), 2);
	/* --replace swaps the earlier import of that kind: still one org source, with a new id */
	assert_int_equal(maat_db_import_file(db, "org", path, "", MAAT_IMPORT_REPLACE, good_import,
					     NULL, NULL, &err),
			 0);
	assert_int_equal(count(db, "SELECT count(*) FROM sources WHERE kind = 'org'"), 1);
	assert_int_equal(count(db, "SELECT max(id) FROM sources WHERE kind = 'org'"), 3);
	/* its messages went with it (ON DELETE CASCADE): one message per source remains */
	assert_int_equal(count(db, "SELECT count(*) FROM source_messages"), 2);
	maat_db_close(db);
	free(path);
}

static void
test_db_import_missing_file(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	assert_true(maat_db_import_file(db, "org", "/nonexistent/x.csv", "", 0, good_import, NULL,
					NULL, &err) < 0);
	assert_int_equal(err.code, MAAT_E_NOINPUT);
	assert_int_equal(count(db, "SELECT count(*) FROM sources"), 0);
	maat_db_close(db);
}

static void
test_db_stmt_cache_reuses(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	sqlite3_stmt *a = maat_db_stmt(db, "SELECT 1", &err);
	sqlite3_stmt *b = maat_db_stmt(db, "SELECT 1", &err);
	assert_non_null(a);
	assert_ptr_equal(a, b);
	assert_null(maat_db_stmt(db, "SELEKT nonsense", &err));
	assert_int_equal(err.code, MAAT_E_INTERNAL);
	maat_db_close(db);
	maat_db_close(NULL);
}

static int
setup(void **state)
{
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

/* The bulk writer (store/bulk.c): 5,000 rows (five batches of 1,024 and a part) in file order,
 * a direct insert after maat_db_bulk_sync() landing between row 2,500 and row 2,501 (the rows
 * before it written first), NULL and empty text kept apart, rowids 1..5,001 with the direct row
 * at 2,501; then a constraint failure at row 3,000 (b must stay below 3,000) reported by
 * finish, and freeing the writer before the rollback. */
static void
test_db_bulk_writer(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	maat_db_bulk *b;
	int64_t first = 0, last = 0;
	int rc = 0;
	(void)state;
	assert_non_null(db);
	assert_int_equal(maat_db_exec(db,
				      "CREATE TABLE t(a INTEGER NOT NULL, b REAL, c TEXT);"
				      "CREATE TABLE u(a INTEGER, b INTEGER CHECK (b < 3000));"
				      "BEGIN",
				      &err),
			 0);
	b = maat_db_bulk_new(db, "INSERT INTO t(a, b, c)", 3);
	for (int i = 1; i <= 5000; i++) {
		char text[32];
		snprintf(text, sizeof(text), "row %d", i);
		maat_db_bulk_int(b, 0, i);
		if (i % 2) {
			maat_db_bulk_double(b, 1, i / 2.0);
		} else {
			maat_db_bulk_null(b, 1);
		}
		maat_db_bulk_text(b, 2, i % 3 == 0 ? NULL : i % 3 == 1 ? text : "");
		assert_int_equal(maat_db_bulk_next(b, &err), 0);
		if (i == 2500) {
			assert_int_equal(maat_db_bulk_sync(b, &err), 0);
			assert_int_equal(count(db, "SELECT count(*) FROM t"), 2500);
			assert_int_equal(maat_db_exec(db, "INSERT INTO t(a) VALUES (-1)", &err), 0);
		}
	}
	assert_int_equal(maat_db_bulk_finish(b, &first, &last, &err), 0);
	maat_db_bulk_free(b);
	/* the direct row was the 2,501st: the bulk rows are 1..2,500 and 2,502..5,001 */
	assert_int_equal(first, 1);
	assert_int_equal(last, 5001);
	assert_int_equal(count(db, "SELECT count(*) FROM t"), 5001);
	assert_int_equal(count(db, "SELECT rowid FROM t WHERE a = -1"), 2501);
	assert_int_equal(count(db, "SELECT count(*) FROM t WHERE rowid <> a + (a > 2500)"), 1);
	/* 2,500 odd rows with b = a / 2; 1,667 rows with i % 3 == 1 "row i", 1,666 NULL of the
	 * 5,000 (i % 3 == 0), 1,667 empty (i % 3 == 2) */
	assert_int_equal(
	    count(db, "SELECT count(*) FROM t WHERE a > 0 AND a % 2 = 1 AND b = a / 2.0"), 2500);
	assert_int_equal(count(db, "SELECT count(*) FROM t WHERE a > 0 AND b IS NULL"), 2500);
	assert_int_equal(count(db, "SELECT count(*) FROM t WHERE c = 'row ' || a"), 1667);
	assert_int_equal(count(db, "SELECT count(*) FROM t WHERE a > 0 AND c IS NULL"), 1666);
	assert_int_equal(count(db, "SELECT count(*) FROM t WHERE c = ''"), 1667);

	/* a failure on the writer's side comes back to the caller, with SQLite's reason */
	b = maat_db_bulk_new(db, "INSERT INTO u(a, b)", 2);
	for (int i = 1; i <= 5000 && rc == 0; i++) {
		maat_db_bulk_int(b, 0, i);
		maat_db_bulk_int(b, 1, i);
		rc = maat_db_bulk_next(b, &err);
	}
	if (rc == 0) {
		rc = maat_db_bulk_finish(b, &first, &last, &err);
	}
	assert_true(rc < 0);
	assert_non_null(strstr(err.msg, "CHECK constraint failed"));
	maat_db_bulk_free(b);
	maat_db_rollback(db);
	assert_int_equal(count(db, "SELECT count(*) FROM u"), 0);
	maat_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_db_bulk_writer),
	    cmocka_unit_test(test_db_migrates_from_empty),
	    cmocka_unit_test(test_db_fk_pause_nests),
	    cmocka_unit_test(test_db_file_store_uses_wal_and_reopens),
	    cmocka_unit_test(test_db_missing_without_create),
	    cmocka_unit_test(test_db_refuses_text_file),
	    cmocka_unit_test(test_db_refuses_newer_schema),
	    cmocka_unit_test(test_db_failed_import_leaves_no_trace),
	    cmocka_unit_test(test_db_import_records_source),
	    cmocka_unit_test(test_db_same_file_twice_is_skipped),
	    cmocka_unit_test(test_db_import_missing_file),
	    cmocka_unit_test(test_db_stmt_cache_reuses),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
