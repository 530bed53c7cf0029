#include <stdio.h>
#include <string.h>
#include <time.h>

#include "maatlat/i18n.h"
#include "maatlat/prune.h"
#include "maatlat/util.h"

/* One statement with ?1 = cutoff, ?2 = date; *changes (optional) receives sqlite3_changes. */
static int
step(maat_db *db, const char *sql, int64_t cutoff, const char *date, int64_t *changes,
     maat_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(maat_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK) {
		return maat_db_fail(db, err, _("pruning"));
	}
	if (sqlite3_bind_parameter_count(st) >= 1) {
		sqlite3_bind_int64(st, 1, cutoff);
	}
	if (sqlite3_bind_parameter_count(st) >= 2) {
		sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("pruning"));
	} else if (changes != NULL) {
		*changes = sqlite3_changes(maat_db_sqlite(db));
	}
	sqlite3_finalize(st);
	return rc;
}

/* The snapshot in force on ?2: the latest dated as_of on or before it. Superseded: dated
 * before that one. */
#define SUPERSEDED                                                                                 \
	"SELECT source_id FROM org_imports WHERE as_of <> '' AND as_of < (SELECT max(as_of) FROM " \
	"org_imports WHERE as_of <> '' AND as_of <= ?2)"

int
maat_prune(maat_db *db, const char *date, int64_t cutoff, maat_prune_counts *counts, maat_err *err)
{
	maat_prune_counts c = {0};
	char options[256];
	int64_t ignored;
	int rc;

	if ((rc = maat_db_begin(db, err)) < 0) {
		return rc;
	}
	/* tell each source what it lost, before the rows go */
	rc = step(db,
		  "INSERT INTO source_messages(source_id, line, severity, message) SELECT "
		  "source_id, NULL, 'info', 'prune --before ' || ?2 || ': ' || count(*) || ' case "
		  "events removed' FROM case_events WHERE ts < ?1 GROUP BY source_id",
		  cutoff, date, NULL, err);
	if (rc == 0) {
		rc = step(
		    db,
		    "INSERT INTO source_messages(source_id, line, severity, message) SELECT "
		    "r.source_id, NULL, 'info', 'prune --before ' || ?2 || ': ' || count(*) || "
		    "' meeting copies removed' FROM cal_refs r JOIN cal_instances i ON i.id = "
		    "r.instance_id WHERE i.start < ?1 GROUP BY r.source_id",
		    cutoff, date, NULL, err);
	}
	if (rc == 0) {
		rc = step(db, "DELETE FROM case_events WHERE ts < ?1", cutoff, date, &c.case_events,
			  err);
	}
	if (rc == 0) {
		rc = step(db,
			  "DELETE FROM case_types WHERE case_no NOT IN (SELECT case_no FROM "
			  "case_events)",
			  cutoff, date, &ignored, err);
	}
	if (rc == 0) {
		rc = step(
		    db, "DELETE FROM cases WHERE case_no NOT IN (SELECT case_no FROM case_events)",
		    cutoff, date, &c.cases, err);
	}
	if (rc == 0) {
		/* names (resources above all) that no event or case uses any more */
		rc = step(
		    db,
		    "DELETE FROM case_names WHERE id NOT IN (SELECT activity FROM case_events "
		    "UNION SELECT resource FROM case_events WHERE resource IS NOT NULL UNION "
		    "SELECT lifecycle FROM case_events WHERE lifecycle IS NOT NULL UNION SELECT "
		    "role FROM case_events WHERE role IS NOT NULL UNION SELECT grp FROM "
		    "case_events WHERE grp IS NOT NULL UNION SELECT case_type FROM case_types)",
		    cutoff, date, &ignored, err);
	}
	if (rc == 0) {
		rc = step(db,
			  "DELETE FROM cal_refs WHERE instance_id IN (SELECT id FROM cal_instances "
			  "WHERE start < ?1)",
			  cutoff, date, &ignored, err);
	}
	if (rc == 0) {
		rc = step(db, "DELETE FROM cal_instances WHERE start < ?1", cutoff, date,
			  &c.meeting_instances, err);
	}
	if (rc == 0) {
		rc = step(db,
			  "DELETE FROM cal_partsets WHERE id NOT IN (SELECT partset_id FROM "
			  "cal_instances)",
			  cutoff, date, &ignored, err);
	}
	if (rc == 0) {
		rc = step(db,
			  "DELETE FROM cal_uids WHERE id NOT IN (SELECT uid_id FROM cal_instances)",
			  cutoff, date, &ignored, err);
	}
	if (rc == 0) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(maat_db_sqlite(db),
				       "SELECT count(*), (SELECT count(*) FROM org_rows WHERE "
				       "source_id IN (" SUPERSEDED ")) FROM (" SUPERSEDED ")",
				       -1, &st, NULL) != SQLITE_OK) {
			rc = maat_db_fail(db, err, _("pruning"));
		} else {
			sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW) {
				c.org_sources = sqlite3_column_int64(st, 0);
				c.org_rows = sqlite3_column_int64(st, 1);
			} else {
				rc = maat_db_fail(db, err, _("pruning"));
			}
			sqlite3_finalize(st);
		}
	}
	if (rc == 0) {
		/* their rows, imports and messages go with them (ON DELETE CASCADE) */
		rc = step(db, "DELETE FROM sources WHERE kind = 'org' AND id IN (" SUPERSEDED ")",
			  cutoff, date, &ignored, err);
	}
	if (rc == 0) {
		snprintf(options, sizeof(options),
			 "case_events=%lld cases=%lld meeting_instances=%lld org_snapshots=%lld "
			 "org_rows=%lld",
			 (long long)c.case_events, (long long)c.cases,
			 (long long)c.meeting_instances, (long long)c.org_sources,
			 (long long)c.org_rows);
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(maat_db_sqlite(db),
				       "INSERT INTO sources(kind, path, sha256, rows_read, "
				       "rows_rejected, imported_at, options) VALUES ('prune', "
				       "'prune --before ' || ?1, '', 0, 0, ?2, ?3)",
				       -1, &st, NULL) != SQLITE_OK) {
			rc = maat_db_fail(db, err, _("pruning"));
		} else {
			sqlite3_bind_text(st, 1, date, -1, SQLITE_STATIC);
			sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
			sqlite3_bind_text(st, 3, options, -1, SQLITE_STATIC);
			if (sqlite3_step(st) != SQLITE_DONE) {
				rc = maat_db_fail(db, err, _("pruning"));
			}
			sqlite3_finalize(st);
		}
	}
	if (rc == 0) {
		rc = maat_db_commit(db, err);
	}
	if (rc < 0) {
		maat_db_rollback(db);
		return rc;
	}
	/* the removed rows must not stay readable in free pages or the WAL (after waiting for
	 * readers: store/db.c) */
	if ((rc = maat_db_scrub(db, err)) < 0) {
		return rc;
	}
	if (counts != NULL) {
		*counts = c;
	}
	return 0;
}
