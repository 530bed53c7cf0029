/* strcasestr */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "maatlat/i18n.h"
#include "maatlat/org.h"
#include "maatlat/person.h"
#include "maatlat/util.h"

/* Mentions inside free text are only replaced for keys at least this long: an employee id "7"
 * must not rewrite every "7" in every message. */
#define MIN_SUBSTRING_KEY 4

struct column_list {
	/* names of the TEXT columns of one table; owned */
	char **names;
	size_t n;
};

static void
columns_fini(struct column_list *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->names[i]);
	}
	free(c->names);
	c->names = NULL;
	c->n = 0;
}

/* Every user table but sources (file names and checksums are not personal data). */
static int
list_tables(maat_db *db, char ***out, size_t *n, maat_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;
	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(
		maat_db_sqlite(db),
		"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
		"'sqlite_%' AND name <> 'sources' ORDER BY name",
		-1, &st, NULL) != SQLITE_OK) {
		return maat_db_fail(db, err, _("listing tables"));
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = maat_xreallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = maat_xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : maat_db_fail(db, err, _("listing tables"));
}

static int
text_columns(maat_db *db, const char *table, struct column_list *cols, struct column_list *all,
	     maat_err *err)
{
	char *sql = sqlite3_mprintf("PRAGMA table_info(\"%w\")", table);
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(maat_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_free(sql);
		return maat_db_fail(db, err, _("reading the schema"));
	}
	sqlite3_free(sql);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *type = (const char *)sqlite3_column_text(st, 2);
		if (all != NULL) {
			all->names = maat_xreallocarray(all->names, all->n + 1, sizeof(char *));
			all->names[all->n++] = maat_xstrdup(name);
		}
		if (type != NULL && (maat_strcasecmp0(type, "TEXT") == 0 || *type == '\0' ||
				     maat_strcasecmp0(type, "ANY") == 0)) {
			cols->names = maat_xreallocarray(cols->names, cols->n + 1, sizeof(char *));
			cols->names[cols->n++] = maat_xstrdup(name);
		}
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : maat_db_fail(db, err, _("reading the schema"));
}

/* " (c1 = ?1 COLLATE NOCASE OR c1 = ?2 ... OR c2 = ?1 ...)" over the text columns. */
static char *
where_clause(const struct column_list *cols, size_t nkeys)
{
	maat_buf b = {0};
	maat_buf_append(&b, "(", 1);
	for (size_t c = 0; c < cols->n; c++) {
		for (size_t k = 0; k < nkeys; k++) {
			char *term =
			    sqlite3_mprintf("%s\"%w\" = ?%d COLLATE NOCASE", (c || k) ? " OR " : "",
					    cols->names[c], (int)k + 1);
			maat_buf_append(&b, term, strlen(term));
			sqlite3_free(term);
		}
	}
	maat_buf_append(&b, ")", 1);
	return b.data;
}

static void
add_key(maat_person *p, const char *k)
{
	if (k == NULL || *k == '\0') {
		return;
	}
	for (size_t i = 0; i < p->nkeys; i++) {
		if (maat_strcasecmp0(p->keys[i], k) == 0) {
			return;
		}
	}
	p->keys = maat_xreallocarray(p->keys, p->nkeys + 1, sizeof(char *));
	p->keys[p->nkeys++] = maat_xstrdup(k);
}

static int
expand_keys(maat_db *db, maat_person *p, const char *id, maat_err *err)
{
	maat_org *org = NULL;
	int rc;
	add_key(p, id);
	rc = maat_org_load(db, NULL, &org, err);
	if (rc < 0) {
		return rc;
	}
	if (org != NULL) {
		ssize_t i = maat_org_find(org, id);
		if (i >= 0) {
			add_key(p, org->nodes[i].id);
			add_key(p, org->nodes[i].email);
			add_key(p, org->nodes[i].name);
		}
	}
	maat_org_free(org);
	return 0;
}

static int
find_in_table(maat_db *db, maat_person *p, const char *table, maat_err *err)
{
	struct column_list cols = {0}, all = {0};
	sqlite3_stmt *st = NULL;
	maat_table *t = NULL;
	char *where = NULL, *sql = NULL;
	int rc;

	if ((rc = text_columns(db, table, &cols, &all, err)) < 0 || cols.n == 0) {
		goto out;
	}
	where = where_clause(&cols, p->nkeys);
	sql = sqlite3_mprintf("SELECT * FROM \"%w\" WHERE %s", table, where);
	if (strcmp(table, "source_messages") == 0) {
		/* messages mention people inside their text */
		sqlite3_free(sql);
		sql = sqlite3_mprintf("SELECT * FROM source_messages WHERE %s OR EXISTS (SELECT 1 "
				      "FROM json_each(?%d) k WHERE length(k.value) >= %d AND "
				      "instr(lower(message), lower(k.value)) > 0)",
				      where, (int)p->nkeys + 1, MIN_SUBSTRING_KEY);
	}
	if (sqlite3_prepare_v2(maat_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK) {
		rc = maat_db_fail(db, err, _("searching the store"));
		goto out;
	}
	for (size_t k = 0; k < p->nkeys; k++) {
		sqlite3_bind_text(st, (int)k + 1, p->keys[k], -1, SQLITE_STATIC);
	}
	if (strcmp(table, "source_messages") == 0) {
		maat_buf arr = {0};
		maat_buf_append(&arr, "[", 1);
		for (size_t k = 0; k < p->nkeys; k++) {
			/* the keys go in as one JSON array bound to a parameter (json_each) */
			json_t *s = json_string(p->keys[k]);
			char *enc;
			if (s == NULL) {
				/* not UTF-8: cannot occur in stored text, so it matches nothing */
				continue;
			}
			enc = json_dumps(s, JSON_ENCODE_ANY);
			if (arr.len > 1) {
				maat_buf_append(&arr, ",", 1);
			}
			maat_buf_append(&arr, enc, strlen(enc));
			free(enc);
			json_decref(s);
		}
		maat_buf_append(&arr, "]", 1);
		sqlite3_bind_text(st, (int)p->nkeys + 1, arr.data, -1, SQLITE_TRANSIENT);
		maat_buf_fini(&arr);
	}
	t = maat_table_new(table);
	for (size_t c = 0; c < all.n; c++) {
		maat_table_add_column(t, all.names[c], all.names[c], MAAT_COL_TEXT, 0);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		maat_table_add_row(t);
		for (size_t c = 0; c < all.n; c++) {
			maat_table_set_text(t, c, (const char *)sqlite3_column_text(st, (int)c));
		}
	}
	if (rc != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("searching the store"));
		goto out;
	}
	rc = 0;
	if (maat_table_nrows(t) > 0) {
		p->matches = maat_xreallocarray(p->matches, p->nmatches + 1, sizeof(*p->matches));
		p->matches[p->nmatches].table = maat_xstrdup(table);
		p->matches[p->nmatches].rows = t;
		p->nmatches++;
		p->nrows += maat_table_nrows(t);
		t = NULL;
	}
out:
	maat_table_free(t);
	sqlite3_finalize(st);
	sqlite3_free(sql);
	free(where);
	columns_fini(&cols);
	columns_fini(&all);
	return rc;
}

maat_person *
maat_person_find(maat_db *db, const char *id, maat_err *err)
{
	maat_person *p = maat_xcalloc(1, sizeof(*p));
	char **tables = NULL;
	size_t ntables = 0;
	int rc;

	if ((rc = expand_keys(db, p, id, err)) < 0 ||
	    (rc = list_tables(db, &tables, &ntables, err)) < 0) {
		goto out;
	}
	for (size_t i = 0; i < ntables && rc == 0; i++) {
		rc = find_in_table(db, p, tables[i], err);
	}
out:
	for (size_t i = 0; i < ntables; i++) {
		free(tables[i]);
	}
	free(tables);
	if (rc < 0) {
		maat_person_free(p);
		return NULL;
	}
	return p;
}

void
maat_person_free(maat_person *p)
{
	if (p == NULL) {
		return;
	}
	for (size_t i = 0; i < p->nkeys; i++) {
		free(p->keys[i]);
	}
	for (size_t i = 0; i < p->nmatches; i++) {
		free(p->matches[i].table);
		maat_table_free(p->matches[i].rows);
	}
	free(p->keys);
	free(p->matches);
	free(p);
}

/* Replaces every case-insensitive occurrence of key in s by token; returns a new string. */
static char *
replace_all(const char *s, const char *key, const char *token)
{
	maat_buf b = {0};
	size_t klen = strlen(key), tlen = strlen(token);
	const char *p = s;
	while (*p) {
		if (strncasecmp(p, key, klen) == 0) {
			maat_buf_append(&b, token, tlen);
			p += klen;
		} else {
			maat_buf_append(&b, p, 1);
			p++;
		}
	}
	if (b.data == NULL) {
		return maat_xstrdup("");
	}
	return b.data;
}

static int
scrub_messages(maat_db *db, const maat_person *p, const char *token, size_t *changed, maat_err *err)
{
	sqlite3_stmt *sel = NULL, *upd = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(maat_db_sqlite(db), "SELECT rowid, message FROM source_messages", -1,
			       &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(maat_db_sqlite(db),
			       "UPDATE source_messages SET message = ?2 WHERE rowid = ?1", -1, &upd,
			       NULL) != SQLITE_OK) {
		rc = maat_db_fail(db, err, _("erasing"));
		goto out;
	}
	while ((rc = sqlite3_step(sel)) == SQLITE_ROW) {
		char *msg = maat_xstrdup((const char *)sqlite3_column_text(sel, 1));
		bool hit = false;
		for (size_t k = 0; k < p->nkeys; k++) {
			if (strlen(p->keys[k]) >= MIN_SUBSTRING_KEY &&
			    strcasestr(msg, p->keys[k])) {
				char *r = replace_all(msg, p->keys[k], token);
				free(msg);
				msg = r;
				hit = true;
			}
		}
		if (hit) {
			sqlite3_bind_int64(upd, 1, sqlite3_column_int64(sel, 0));
			sqlite3_bind_text(upd, 2, msg, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(upd) != SQLITE_DONE) {
				free(msg);
				rc = maat_db_fail(db, err, _("erasing"));
				goto out;
			}
			sqlite3_reset(upd);
			(*changed)++;
		}
		free(msg);
	}
	rc = rc == SQLITE_DONE ? 0 : maat_db_fail(db, err, _("erasing"));
out:
	sqlite3_finalize(sel);
	sqlite3_finalize(upd);
	return rc;
}

int
maat_person_forget(maat_db *db, const char *id, size_t *rows_changed, maat_err *err)
{
	maat_person *p = NULL;
	char **tables = NULL;
	size_t ntables = 0, changed = 0;
	char token[32];
	int rc;

	if ((p = maat_person_find(db, id, err)) == NULL) {
		return -(err ? err->code : MAAT_E_FAIL);
	}
	if ((rc = list_tables(db, &tables, &ntables, err)) < 0 ||
	    (rc = maat_db_begin(db, err)) < 0) {
		goto out;
	}
	{
		/* one token per erasure, so the same person stays one node in what remains */
		unsigned char r[4];
		randombytes_buf(r, sizeof(r));
		snprintf(token, sizeof(token), "forgotten-%02x%02x%02x%02x", r[0], r[1], r[2],
			 r[3]);
	}
	for (size_t i = 0; i < ntables && rc == 0; i++) {
		struct column_list cols = {0};
		if ((rc = text_columns(db, tables[i], &cols, NULL, err)) < 0) {
			break;
		}
		for (size_t c = 0; c < cols.n && rc == 0; c++) {
			char *sql =
			    sqlite3_mprintf("UPDATE \"%w\" SET \"%w\" = ?1 WHERE \"%w\" = ?2 "
					    "COLLATE NOCASE",
					    tables[i], cols.names[c], cols.names[c]);
			sqlite3_stmt *st = NULL;
			if (sqlite3_prepare_v2(maat_db_sqlite(db), sql, -1, &st, NULL) !=
			    SQLITE_OK) {
				rc = maat_db_fail(db, err, _("erasing"));
			}
			for (size_t k = 0; k < p->nkeys && rc == 0; k++) {
				sqlite3_bind_text(st, 1, token, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 2, p->keys[k], -1, SQLITE_STATIC);
				if (sqlite3_step(st) != SQLITE_DONE) {
					rc = maat_db_fail(db, err, _("erasing"));
				}
				changed += (size_t)sqlite3_changes(maat_db_sqlite(db));
				sqlite3_reset(st);
			}
			sqlite3_finalize(st);
			sqlite3_free(sql);
		}
		columns_fini(&cols);
	}
	if (rc == 0) {
		rc = scrub_messages(db, p, token, &changed, err);
	}
	if (rc == 0) {
		rc = maat_db_commit(db, err);
	}
	if (rc < 0) {
		maat_db_rollback(db);
		goto out;
	}
	/* Overwrite the freed pages: VACUUM rewrites the file, and the WAL (which still holds
	 * the old pages) is checkpointed and truncated to zero bytes, after waiting for readers
	 * (store/db.c). */
	if ((rc = maat_db_scrub(db, err)) < 0) {
		goto out;
	}
	if (rows_changed != NULL) {
		*rows_changed = changed;
	}
out:
	for (size_t i = 0; i < ntables; i++) {
		free(tables[i]);
	}
	free(tables);
	maat_person_free(p);
	return rc;
}
