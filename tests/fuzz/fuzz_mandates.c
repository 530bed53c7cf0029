/* Fuzz target for the mandates importer: the input as a mandates file (from fmemopen) into a
 * :memory: store over a small fixed org chart, then loaded and used for sign-off chains. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "maatlat/db.h"
#include "maatlat/org.h"
#include "maatlat/org_import.h"
#include "maatlat/signoff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static maat_db *db;
static maat_org *org;

static void
setup(void)
{
	maat_err err = {0};
	maat_org_builder *b;
	static const char *const rows[][3] = {
	    {"1", "", "Directeur"},   {"2", "1", "Afdelingshoofd"}, {"3", "2", "Teamleider"},
	    {"4", "3", "Medewerker"}, {"5", "4", "Stagiair"},       {"6", "1", "Afdelingshoofd"}};
	if ((db = maat_db_open(":memory:", MAAT_DB_CREATE, &err)) == NULL) {
		abort();
	}
	b = maat_org_builder_new();
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		maat_org_row r = {.id = rows[i][0],
				  .manager = rows[i][1],
				  .title = rows[i][2],
				  .fte = 1,
				  .employment = MAAT_EMP_UNKNOWN,
				  .line = (int64_t)i + 2};
		maat_org_builder_add(b, &r);
	}
	org = maat_org_builder_finish(b, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	maat_import imp = {.path = "fuzz"};
	maat_err err = {0};
	maat_mandate *m = NULL;
	size_t nm = 0;
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
			 " VALUES ('mandates', 'fuzz', 'x', 0)",
			 &err) < 0) {
		abort();
	}
	imp.source_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	if ((f = fmemopen((void *)data, size, "r")) == NULL) {
		maat_db_rollback(db);
		return 0;
	}
	rc = maat_mandates_import_stream(&imp, f, &err);
	fclose(f);
	if (rc < 0 && (err.code == 0 || err.msg[0] == '\0')) {
		abort();
	}
	if (rc >= 0 && maat_mandates_load(db, &m, &nm, &err) == 0) {
		maat_signoff *s = maat_signoff_compute(org, m, nm, NULL, 3);
		json_decref(maat_signoff_json(s));
		maat_signoff_free(s);
		maat_mandates_free(m, nm);
	}
	maat_db_rollback(db);
	return 0;
}
