/* Fuzz target for the terms importer: the input as a terms file (from fmemopen) into a
 * :memory: store that holds a small case log, then every case measured against those terms
 * (the patterns compiled and matched, calendar and working days) and written as JSON. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "maatlat/cases.h"
#include "maatlat/db.h"
#include "maatlat/terms.h"
#include "maatlat/terms_import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static maat_db *db;

static void
setup(void)
{
	static const char log[] =
	    "case_id,activity,timestamp,resource,zaaktype\n"
	    "A,Registreren,2025-04-14T09:00:00Z,u1,omgevingsvergunning\n"
	    "A,Aanvullende gegevens,2025-04-16T12:00:00Z,u1,omgevingsvergunning\n"
	    "A,Gegevens ontvangen,2025-04-22T12:00:00Z,u2,omgevingsvergunning\n"
	    "A,Besluit verzenden,2025-04-25T09:00:00Z,u1,omgevingsvergunning\n"
	    "B,Registreren,2025-01-06T10:00:00Z,u2,bezwaar\n"
	    "B,Beslissing,2025-02-20T10:00:00Z,u2,bezwaar\n"
	    "C,Registreren,2025-03-31T09:00:00Z,,\n";
	maat_err err = {0};
	maat_import imp = {.path = "log"};
	maat_cases_opts o = {.path = "log"};
	FILE *f;
	if ((db = maat_db_open(":memory:", MAAT_DB_CREATE, &err)) == NULL ||
	    maat_db_begin(db, &err) < 0 ||
	    maat_db_exec(db,
			 "INSERT INTO sources(kind, path, sha256, imported_at)"
			 " VALUES ('cases', 'log', 'x', 0)",
			 &err) < 0) {
		abort();
	}
	imp.db = db;
	imp.source_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	if ((f = fmemopen((void *)log, sizeof(log) - 1, "r")) == NULL ||
	    maat_cases_import(&imp, f, &o, &err) < 0 || maat_db_commit(db, &err) < 0) {
		abort();
	}
	fclose(f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	maat_import imp = {.path = "fuzz"};
	maat_err err = {0};
	maat_terms_opts o;
	maat_terms *t = NULL;
	FILE *f;
	int rc;

	if (db == NULL) {
		setup();
	}
	if (size == 0) {
		return 0;
	}
	imp.db = db;
	if (maat_db_begin(db, &err) < 0 ||
	    maat_db_exec(db,
			 "INSERT INTO sources(kind, path, sha256, imported_at)"
			 " VALUES ('terms', 'fuzz', 'x', 0)",
			 &err) < 0) {
		abort();
	}
	imp.source_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	if ((f = fmemopen((void *)data, size, "r")) == NULL) {
		maat_db_rollback(db);
		return 0;
	}
	rc = maat_terms_import_stream(&imp, f, NULL, &err);
	fclose(f);
	if (rc < 0 && (err.code == 0 || err.msg[0] == '\0')) {
		abort();
	}
	maat_terms_opts_init(&o);
	o.keep_all_cases = true;
	if (rc >= 0 && maat_terms_compute(db, &o, &t, &err) == 0) {
		json_decref(maat_terms_json(t));
		maat_terms_free(t);
	}
	maat_db_rollback(db);
	return 0;
}
