/* Fuzz target for the CSV -> org row mapping: the input as an org-chart file (from fmemopen)
 * imported into a :memory: store, with and without --normalise-ids, then loaded and analysed
 * (layers, delayering, sign-off chains). Checks: a failure always carries a message, and the
 * model's invariants hold (every layered node's parent is one layer up). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/db.h"
#include "maatlat/layers.h"
#include "maatlat/org.h"
#include "maatlat/org_import.h"
#include "maatlat/signoff.h"
#include "maatlat/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static maat_db *db;

static void
check_model(void)
{
	maat_err err = {0};
	maat_org *org = NULL;
	maat_layers *l;
	maat_signoff *s;
	maat_table *t;
	maat_mandate m = {.decision_type = "x", .kind = MAAT_HOLDER_LAYER, .layer = 2};
	int rc = maat_org_load(db, NULL, &org, &err);
	if (rc < 0 || rc == 1) {
		return;
	}
	for (size_t i = 0; i < org->n; i++) {
		const maat_org_node *nd = &org->nodes[i];
		if (nd->parent >= 0 && nd->layer > 0 &&
		    org->nodes[nd->parent].layer != nd->layer - 1) {
			abort();
		}
		if (nd->parent < 0 && nd->layer != 1) {
			abort();
		}
		(void)maat_org_find(org, nd->id);
	}
	l = maat_layers_compute(org, 3);
	t = maat_layers_people_table(l);
	maat_table_free(t);
	t = maat_layers_removed_table(l);
	maat_table_free(t);
	json_decref(maat_layers_json(l));
	maat_layers_free(l);
	s = maat_signoff_compute(org, &m, 1, NULL, 3);
	json_decref(maat_signoff_json(s));
	maat_signoff_free(s);
	maat_org_free(org);
}

static void
one(const uint8_t *data, size_t size, bool normalise, int format)
{
	maat_org_import_opts o = {.normalise_ids = normalise, .format = format};
	maat_import imp = {.db = db, .path = "fuzz"};
	maat_err err = {0};
	FILE *f;
	int rc;

	if (maat_db_begin(db, &err) < 0) {
		abort();
	}
	if (maat_db_exec(db,
			 "INSERT INTO sources(kind, path, sha256, imported_at)"
			 " VALUES ('org', 'fuzz', 'x', 0)",
			 &err) < 0) {
		abort();
	}
	imp.source_id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	f = fmemopen((void *)data, size, "r");
	if (f == NULL) {
		maat_db_rollback(db);
		return;
	}
	rc = maat_org_import_stream(&imp, f, &o, &err);
	fclose(f);
	if (rc < 0 && (err.code == 0 || err.msg[0] == '\0')) {
		abort();
	}
	if (rc == 0) {
		check_model();
	}
	maat_db_rollback(db);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	maat_err err = {0};
	if (db == NULL && (db = maat_db_open(":memory:", MAAT_DB_CREATE, &err)) == NULL) {
		abort();
	}
	if (size == 0) {
		/* fmemopen refuses a zero size buffer */
		return 0;
	}
	one(data, size, false, MAAT_ORG_FORMAT_AUTO);
	one(data, size, true, MAAT_ORG_FORMAT_CSV);
	return 0;
}
