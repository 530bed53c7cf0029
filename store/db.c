#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "maatlat/db.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"
#include "store/migrations.h"

/* 'MATL': marks a file as a maatlat store, so another program's database is never migrated. */
#define MAAT_APPLICATION_ID 0x4D41544C

struct stmt_entry {
	/* the SQL text, owned copy; the cache key */
	char *sql;
	/* prepared once with SQLITE_PREPARE_PERSISTENT */
	sqlite3_stmt *st;
};

struct maat_db {
	/* the connection */
	sqlite3 *sq;
	/* cached statements, finalized at close */
	struct stmt_entry *stmts;
	/* entries used in stmts */
	size_t nstmts;
	/* entries allocated in stmts */
	size_t capstmts;
	/* WAL journal active */
	bool wal;
	/* notes gathered while opening, for -v */
	char notes[256];
};

int
maat_db_fail(maat_db *db, maat_err *err, const char *what)
{
	int ext = sqlite3_extended_errcode(db->sq);
	int prim = ext & 0xff;
	int code = MAAT_E_INTERNAL;

	if (prim == SQLITE_IOERR || prim == SQLITE_FULL || prim == SQLITE_CANTOPEN ||
	    prim == SQLITE_READONLY || prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
		code = MAAT_E_IO;
	} else if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT) {
		code = MAAT_E_DATA;
	}
	if (prim == SQLITE_FULL || ext == SQLITE_IOERR_WRITE || ext == SQLITE_IOERR_FSYNC ||
	    ext == SQLITE_IOERR_TRUNCATE) {
		return maat_err_set(err, code, _("%s: %s (sqlite error %d): is the disk full?"),
				    what, sqlite3_errmsg(db->sq), ext);
	}
	return maat_err_set(err, code, "%s: %s (sqlite error %d)", what, sqlite3_errmsg(db->sq),
			    ext);
}

int
maat_db_exec(maat_db *db, const char *sql, maat_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(db->sq, sql, NULL, NULL, &msg) != SQLITE_OK) {
		int rc = maat_db_fail(db, err, _("database"));
		sqlite3_free(msg);
		return rc;
	}
	return 0;
}

sqlite3 *
maat_db_sqlite(maat_db *db)
{
	return db->sq;
}

bool
maat_db_is_wal(const maat_db *db)
{
	return db->wal;
}

const char *
maat_db_notes(const maat_db *db)
{
	return db->notes;
}

sqlite3_stmt *
maat_db_stmt(maat_db *db, const char *sql, maat_err *err)
{
	sqlite3_stmt *st = NULL;

	for (size_t i = 0; i < db->nstmts; i++) {
		if (db->stmts[i].sql == sql || strcmp(db->stmts[i].sql, sql) == 0) {
			st = db->stmts[i].st;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	if (sqlite3_prepare_v3(db->sq, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) !=
	    SQLITE_OK) {
		maat_db_fail(db, err, _("prepare"));
		return NULL;
	}
	if (db->nstmts == db->capstmts) {
		db->capstmts = db->capstmts ? db->capstmts * 2 : 16;
		db->stmts = maat_xreallocarray(db->stmts, db->capstmts, sizeof(*db->stmts));
	}
	db->stmts[db->nstmts].sql = maat_xstrdup(sql);
	db->stmts[db->nstmts].st = st;
	db->nstmts++;
	return st;
}

int
maat_db_begin(maat_db *db, maat_err *err)
{
	return maat_db_exec(db, "BEGIN IMMEDIATE", err);
}

int
maat_db_commit(maat_db *db, maat_err *err)
{
	return maat_db_exec(db, "COMMIT", err);
}

void
maat_db_rollback(maat_db *db)
{
	if (db != NULL && !sqlite3_get_autocommit(db->sq)) {
		sqlite3_exec(db->sq, "ROLLBACK", NULL, NULL, NULL);
	}
}

static int
pragma_int(maat_db *db, const char *sql, int *out, maat_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db->sq, sql, -1, &st, NULL) != SQLITE_OK) {
		return maat_db_fail(db, err, _("reading the store"));
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int(st, 0);
		rc = 0;
	} else {
		rc = maat_db_fail(db, err, _("reading the store"));
	}
	sqlite3_finalize(st);
	return rc;
}

static int
check_and_migrate(maat_db *db, const char *path, maat_err *err)
{
	int version = 0, appid = 0, tables = 0;
	int latest = maat_db_schema_latest();
	int rc;

	/* Read-only checks first: nothing is written until the file is known to be ours. */
	if ((rc = pragma_int(db, "PRAGMA user_version", &version, err)) < 0 ||
	    (rc = pragma_int(db, "PRAGMA application_id", &appid, err)) < 0 ||
	    (rc = pragma_int(db, "SELECT count(*) FROM sqlite_master", &tables, err)) < 0) {
		if (err != NULL && err->code == MAAT_E_DATA) {
			return maat_err_set(err, MAAT_E_DATA,
					    _("%s: not a maatlat store (not an SQLite database)"),
					    path);
		}
		return rc;
	}
	if ((version == 0 && tables > 0) || (version > 0 && appid != MAAT_APPLICATION_ID)) {
		return maat_err_set(
		    err, MAAT_E_DATA,
		    _("%s: an SQLite database of another program, not a maatlat store"), path);
	}
	if (version > latest) {
		return maat_err_set(
		    err, MAAT_E_DATA,
		    _("%s: written by a newer maatlat (schema %d, this one knows up "
		      "to %d); upgrade maatlat"),
		    path, version, latest);
	}
	if (version == latest) {
		return 0;
	}
	if ((rc = maat_db_begin(db, err)) < 0) {
		return rc;
	}
	for (int v = version; v < latest; v++) {
		if ((rc = maat_db_exec(db, maat_migrations[v], err)) < 0) {
			maat_err_prefix(err, _("migrating the store to schema %d"), v + 1);
			maat_db_rollback(db);
			return rc;
		}
	}
	{
		char sql[96];
		snprintf(sql, sizeof(sql), "PRAGMA user_version=%d; PRAGMA application_id=%d",
			 latest, MAAT_APPLICATION_ID);
		if ((rc = maat_db_exec(db, sql, err)) < 0) {
			maat_db_rollback(db);
			return rc;
		}
	}
	return maat_db_commit(db, err);
}

static void
set_journal(maat_db *db, bool is_memory)
{
	sqlite3_stmt *st = NULL;

	if (is_memory) {
		return;
	}
	if (sqlite3_prepare_v2(db->sq, "PRAGMA journal_mode=WAL", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW) {
		const char *mode = (const char *)sqlite3_column_text(st, 0);
		db->wal = mode != NULL && strcmp(mode, "wal") == 0;
	}
	sqlite3_finalize(st);
	if (!db->wal) {
		/* WAL needs shared memory, which network file systems lack: carry on without it. */
		snprintf(db->notes, sizeof(db->notes), "%s",
			 _("WAL journal unavailable here; using the rollback journal"));
	}
}

maat_db *
maat_db_open(const char *path, unsigned flags, maat_err *err)
{
	maat_db *db = maat_xcalloc(1, sizeof(*db));
	bool is_memory = strcmp(path, ":memory:") == 0;
	/* one connection per process, used from one thread: no mutex on every call */
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	struct stat sb;

	if (!is_memory && stat(path, &sb) != 0) {
		if (!(flags & MAAT_DB_CREATE)) {
			maat_err_set(err, MAAT_E_NOINPUT,
				     _("%s: no store here; import something first (or use --db)"),
				     path);
			goto fail;
		}
		oflags |= SQLITE_OPEN_CREATE;
	} else if (!is_memory && S_ISDIR(sb.st_mode)) {
		maat_err_set(err, MAAT_E_NOINPUT, _("%s: is a directory, not a store"), path);
		goto fail;
	}
	if (sqlite3_open_v2(path, &db->sq, oflags, NULL) != SQLITE_OK) {
		if (db->sq != NULL) {
			maat_err_set(err, MAAT_E_CANTCREAT, "%s: %s", path, sqlite3_errmsg(db->sq));
		} else {
			maat_err_set(err, MAAT_E_CANTCREAT, _("%s: cannot open the store"), path);
		}
		goto fail;
	}
	sqlite3_extended_result_codes(db->sq, 1);
	sqlite3_busy_timeout(db->sq, 5000);
	/* The checks read the header before anything (even the journal mode) is written. */
	if (check_and_migrate(db, path, err) < 0) {
		goto fail;
	}
	set_journal(db, is_memory);
	if (maat_db_exec(db, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", err) < 0) {
		goto fail;
	}
	return db;
fail:
	maat_db_close(db);
	return NULL;
}

void
maat_db_close(maat_db *db)
{
	if (db == NULL) {
		return;
	}
	for (size_t i = 0; i < db->nstmts; i++) {
		sqlite3_finalize(db->stmts[i].st);
		free(db->stmts[i].sql);
	}
	free(db->stmts);
	if (db->sq != NULL) {
		sqlite3_close_v2(db->sq);
	}
	free(db);
}

int
maat_db_log(maat_db *db, int64_t source_id, int64_t line, const char *severity, maat_err *err,
	    const char *fmt, ...)
{
	sqlite3_stmt *st;
	va_list ap;
	char *msg;

	st = maat_db_stmt(db,
			  "INSERT INTO source_messages(source_id, line, severity, message) "
			  "VALUES (?1, ?2, ?3, ?4)",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	va_start(ap, fmt);
	msg = sqlite3_vmprintf(fmt, ap);
	va_end(ap);
	sqlite3_bind_int64(st, 1, source_id);
	if (line > 0) {
		sqlite3_bind_int64(st, 2, line);
	}
	sqlite3_bind_text(st, 3, severity, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, msg, -1, sqlite3_free);
	if (sqlite3_step(st) != SQLITE_DONE) {
		return maat_db_fail(db, err, _("storing a message"));
	}
	return 0;
}

bool
maat_db_has_kind(maat_db *db, const char *kind)
{
	sqlite3_stmt *st = maat_db_stmt(db, "SELECT 1 FROM sources WHERE kind = ?1 LIMIT 1", NULL);
	if (st == NULL) {
		return false;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	return sqlite3_step(st) == SQLITE_ROW;
}

static int
find_same(maat_db *db, const char *kind, const char *sha, const char *options, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(db,
					"SELECT id FROM sources WHERE kind = ?1 AND sha256 = ?2"
					" AND (?3 IS NULL OR options = ?3) LIMIT 1",
					err);
	int rc;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
	if (options != NULL) {
		sqlite3_bind_text(st, 3, options, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		return 1;
	}
	return rc == SQLITE_DONE ? 0 : maat_db_fail(db, err, _("looking up sources"));
}

int
maat_db_import_file(maat_db *db, const char *kind, const char *path, const char *options,
		    unsigned flags, maat_import_fn fn, void *ctx, int64_t *source_id, maat_err *err)
{
	maat_import imp = {.db = db, .path = path};
	char sha[65];
	FILE *f = NULL;
	sqlite3_stmt *st;
	int rc;

	if ((rc = maat_sha256_file(path, sha, err)) < 0) {
		return rc;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		return maat_err_set(err, errno == ENOENT ? MAAT_E_NOINPUT : MAAT_E_IO, "%s: %s",
				    path, strerror(errno));
	}
	if ((rc = maat_db_begin(db, err)) < 0) {
		goto out;
	}
	if (flags & MAAT_IMPORT_REPLACE) {
		/* Every data table references sources ON DELETE CASCADE. */
		st = maat_db_stmt(
		    db, "DELETE FROM sources WHERE kind = ?1 AND (path = ?2 OR sha256 = ?3)", err);
		if (st == NULL) {
			rc = -MAAT_E_INTERNAL;
			goto out;
		}
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = maat_db_fail(db, err, _("replacing an earlier import"));
			goto out;
		}
	} else if ((rc = find_same(db, kind, sha,
				   (flags & MAAT_IMPORT_SAME_OPTIONS) ? (options ? options : "")
								      : NULL,
				   err)) != 0) {
		if (rc == 1) {
			maat_err_set(err, MAAT_OK,
				     _("%s: already imported (same sha256); nothing to do"), path);
		}
		goto out;
	}
	st = maat_db_stmt(db,
			  "INSERT INTO sources(kind, path, sha256, imported_at, options) "
			  "VALUES (?1, ?2, ?3, ?4, ?5)",
			  err);
	if (st == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 5, options ? options : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("recording the source"));
		goto out;
	}
	imp.source_id = sqlite3_last_insert_rowid(db->sq);
	if ((rc = fn(&imp, f, ctx, err)) < 0) {
		/* every message names the file: add it where the importer did not */
		if (err != NULL && strncmp(err->msg, path, strlen(path)) != 0) {
			maat_err_prefix(err, "%s", path);
		}
		goto out;
	}
	st = maat_db_stmt(db, "UPDATE sources SET rows_read = ?2, rows_rejected = ?3 WHERE id = ?1",
			  err);
	if (st == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_int64(st, 1, imp.source_id);
	sqlite3_bind_int64(st, 2, imp.rows_read);
	sqlite3_bind_int64(st, 3, imp.rows_rejected);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("recording the source"));
		goto out;
	}
	if ((rc = maat_db_commit(db, err)) < 0) {
		goto out;
	}
	if (source_id != NULL) {
		*source_id = imp.source_id;
	}
out:
	if (rc != 0) {
		maat_db_rollback(db);
	}
	fclose(f);
	return rc;
}

/* A read-through stream that hashes every byte of its source once (maat_db_import_stream).
 * The importers sniff the first bytes and rewind, so the first 64 KiB are kept and the stream
 * can seek back within them. */
#define HASHING_PREFIX 65536
typedef struct hashing {
	FILE *in;
	crypto_hash_sha256_state st;
	/* the first bytes of in, and how many */
	char prefix[HASHING_PREFIX];
	size_t nprefix;
	/* bytes taken from in, and the reader's position */
	uint64_t got, pos;
} hashing;

static ssize_t
hashing_read(void *cookie, char *buf, size_t size)
{
	hashing *h = cookie;
	size_t n;
	if (h->pos < h->got) {
		/* after a rewind: serve the kept prefix again (pos < got <= nprefix here) */
		n = (size_t)(h->nprefix - h->pos) < size ? (size_t)(h->nprefix - h->pos) : size;
		memcpy(buf, h->prefix + h->pos, n);
		h->pos += n;
		return (ssize_t)n;
	}
	n = fread(buf, 1, size, h->in);
	if (n == 0 && ferror(h->in)) {
		errno = EIO;
		return -1;
	}
	crypto_hash_sha256_update(&h->st, (const unsigned char *)buf, n);
	if (h->got == h->nprefix && h->nprefix < HASHING_PREFIX) {
		size_t k = HASHING_PREFIX - h->nprefix < n ? HASHING_PREFIX - h->nprefix : n;
		memcpy(h->prefix + h->nprefix, buf, k);
		h->nprefix += k;
	}
	h->got += n;
	h->pos += n;
	return (ssize_t)n;
}

static int
hashing_seek(void *cookie, off64_t *off, int whence)
{
	hashing *h = cookie;
	off64_t to = whence == SEEK_SET ? *off : whence == SEEK_CUR ? (off64_t)h->pos + *off : -1;
	/* back into the kept prefix, or nowhere (ftell's SEEK_CUR 0) */
	if (to < 0 || (uint64_t)to > h->pos ||
	    ((uint64_t)to < h->pos && (h->got > h->nprefix || (uint64_t)to > h->nprefix))) {
		errno = ESPIPE;
		return -1;
	}
	h->pos = (uint64_t)to;
	*off = to;
	return 0;
}

int
maat_db_import_stream(maat_db *db, const char *kind, const char *name, FILE *f, const char *options,
		      unsigned flags, maat_import_fn fn, void *ctx, int64_t *source_id,
		      maat_err *err)
{
	static const cookie_io_functions_t io = {.read = hashing_read, .seek = hashing_seek};
	maat_import imp = {.db = db, .path = name};
	hashing *hp = maat_xcalloc(1, sizeof(*hp));
	unsigned char bin[crypto_hash_sha256_BYTES];
	char sha[65], buf[65536];
	FILE *hf = NULL;
	sqlite3_stmt *st;
	int rc;

	crypto_hash_sha256_init(&hp->st);
	hp->in = f;
	if ((hf = fopencookie(hp, "r", io)) == NULL) {
		free(hp);
		return maat_err_set(err, MAAT_E_INTERNAL, "%s: %s", name, strerror(errno));
	}
	if ((rc = maat_db_begin(db, err)) < 0) {
		goto out;
	}
	st = maat_db_stmt(db,
			  "INSERT INTO sources(kind, path, sha256, imported_at, options) "
			  "VALUES (?1, ?2, '', ?3, ?4)",
			  err);
	if (st == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 4, options ? options : "", -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("recording the source"));
		goto out;
	}
	imp.source_id = sqlite3_last_insert_rowid(db->sq);
	if ((rc = fn(&imp, hf, ctx, err)) < 0) {
		if (err != NULL && strncmp(err->msg, name, strlen(name)) != 0) {
			maat_err_prefix(err, "%s", name);
		}
		goto out;
	}
	/* what the importer left unread still belongs to the content */
	while (fread(buf, 1, sizeof(buf), hf) > 0) {
	}
	if (ferror(hf)) {
		rc = maat_err_set(err, MAAT_E_IO, _("%s: reading failed"), name);
		goto out;
	}
	crypto_hash_sha256_final(&hp->st, bin);
	sodium_bin2hex(sha, sizeof(sha), bin, sizeof(bin));
	if (flags & MAAT_IMPORT_REPLACE) {
		st = maat_db_stmt(
		    db, "DELETE FROM sources WHERE kind = ?1 AND path = ?2 AND id <> ?3", err);
		if (st == NULL) {
			rc = -MAAT_E_INTERNAL;
			goto out;
		}
		sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, imp.source_id);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = maat_db_fail(db, err, _("replacing an earlier import"));
			goto out;
		}
	} else if ((rc = find_same(db, kind, sha,
				   (flags & MAAT_IMPORT_SAME_OPTIONS) ? (options ? options : "")
								      : NULL,
				   err)) != 0) {
		if (rc == 1) {
			maat_err_set(err, MAAT_OK,
				     _("%s: already imported (same content); nothing to do"), name);
		}
		goto out;
	}
	st = maat_db_stmt(
	    db, "UPDATE sources SET sha256 = ?2, rows_read = ?3, rows_rejected = ?4 WHERE id = ?1",
	    err);
	if (st == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_int64(st, 1, imp.source_id);
	sqlite3_bind_text(st, 2, sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, imp.rows_read);
	sqlite3_bind_int64(st, 4, imp.rows_rejected);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("recording the source"));
		goto out;
	}
	if ((rc = maat_db_commit(db, err)) < 0) {
		goto out;
	}
	if (source_id != NULL) {
		*source_id = imp.source_id;
	}
out:
	if (rc != 0) {
		maat_db_rollback(db);
	}
	fclose(hf);
	free(hp);
	return rc;
}
