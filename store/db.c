#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#include "maatlat/zone.h"
#include "store/input.h"
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
	/* the path the store was opened at, owned */
	char *path;
	/* how long a lock held by another process is waited for, in ms */
	int wait_ms;
	/* told once per wait that lasts more than a moment (NULL: silent) */
	maat_db_wait_fn waiting;
	/* handed to waiting */
	void *wait_ctx;
	/* what the current wait is for (a sentence for waiting), borrowed */
	const char *wait_what;
	/* waiting was called during the current wait */
	bool announced;
	/* when the current wait began (CLOCK_MONOTONIC, ms) */
	int64_t wait_start;
	/* opened read-only (a read-only folder or file) */
	bool readonly;
	/* the name an import of "-" (standard input) is recorded under, owned; NULL = "stdin" */
	char *stdin_name;
	/* the sources the last import replaced, for the command to say; "" when none */
	char replaced[512];
	/* maat_db_fk_pause() calls not yet resumed */
	int fk_paused;
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
	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED) {
		return maat_err_set(err, code,
				    _("%s: another maatlat (or another program) is still using the "
				      "store %s; waited %d s (--wait SECONDS waits longer)"),
				    what, db->path ? db->path : "", db->wait_ms / 1000);
	}
	if (prim == SQLITE_READONLY && db->path != NULL) {
		char *shm = maat_xasprintf("%s-shm", db->path);
		bool shm_ro = access(shm, F_OK) == 0 && access(shm, W_OK) != 0;
		free(shm);
		if (shm_ro) {
			return maat_err_set(
			    err, code,
			    _("%s: %s-shm beside the store is read-only (left by "
			      "another user?); make it writable, or remove it while no "
			      "maatlat runs"),
			    what, db->path);
		}
	}
	if (prim == SQLITE_READONLY) {
		return maat_err_set(err, code,
				    _("%s: the store %s cannot be written here (a read-only file, "
				      "folder or -shm file): %s"),
				    what, db->path ? db->path : "", sqlite3_errmsg(db->sq));
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

int
maat_db_fk_pause(maat_db *db, maat_err *err)
{
	int rc;
	if (db->fk_paused == 0 && (rc = maat_db_exec(db, "PRAGMA foreign_keys=OFF", err)) < 0) {
		return rc;
	}
	db->fk_paused++;
	return 0;
}

void
maat_db_fk_resume(maat_db *db)
{
	if (db != NULL && db->fk_paused > 0 && --db->fk_paused == 0) {
		/* cannot fail outside a transaction: the pragma only sets a flag */
		sqlite3_exec(db->sq, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	}
}

static int64_t
now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SQLite's busy handler: sleep a little and try again until wait_ms have passed, telling the
 * user once (after a moment) what it waits for. */
static int
busy_wait(void *p, int count)
{
	maat_db *db = p;
	struct timespec pause = {0, 20 * 1000000L};
	int64_t waited;

	if (count == 0) {
		db->wait_start = now_ms();
		db->announced = false;
	}
	waited = now_ms() - db->wait_start;
	if (waited >= db->wait_ms) {
		return 0;
	}
	if (!db->announced && waited >= 300 && db->waiting != NULL) {
		char msg[512];
		db->announced = true;
		snprintf(msg, sizeof(msg), "%s: %s (%s)", db->path,
			 db->wait_what
			     ? db->wait_what
			     : _("waiting for another maatlat (or another program) that is "
				 "writing to this store"),
			 _("up to --wait seconds"));
		maat_stderr_lock();
		db->waiting(db->wait_ctx, msg, db->wait_ms / 1000);
		maat_stderr_unlock();
	}
	nanosleep(&pause, NULL);
	return 1;
}

/* What the first bytes of a store file say, read before SQLite touches it. */
enum file_kind {
	/* no file, or an empty one: a new store */
	FILE_NEW,
	/* an SQLite database with maatlat's application id */
	FILE_OURS,
	/* an SQLite database of another program (or one too short to say) */
	FILE_SQLITE,
	/* not an SQLite database */
	FILE_OTHER,
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Reads the 100-byte SQLite header of path. *truncated: the file is shorter than its header
 * says and no WAL could hold the rest (a copy cut short, a full disk during a copy). */
static enum file_kind
inspect_file(const char *path, bool *truncated)
{
	unsigned char h[100];
	struct stat sb, wb;
	enum file_kind kind = FILE_OTHER;
	size_t n;
	FILE *f;
	char *wal;

	*truncated = false;
	if (stat(path, &sb) != 0 || sb.st_size == 0) {
		return FILE_NEW;
	}
	if ((f = fopen(path, "rb")) == NULL) {
		/* unreadable: SQLite will say why */
		return FILE_NEW;
	}
	n = fread(h, 1, sizeof(h), f);
	fclose(f);
	if (n < 16 || memcmp(h, "SQLite format 3", 16) != 0) {
		return FILE_OTHER;
	}
	if (n < sizeof(h)) {
		*truncated = true;
		return FILE_SQLITE;
	}
	kind = be32(h + 68) == MAAT_APPLICATION_ID ? FILE_OURS : FILE_SQLITE;
	wal = maat_xasprintf("%s-wal", path);
	if (be32(h + 24) == be32(h + 92) && (stat(wal, &wb) != 0 || wb.st_size == 0)) {
		uint32_t page = (uint32_t)h[16] << 8 | h[17];
		uint64_t want = (uint64_t)(page == 1 ? 65536 : page) * be32(h + 28);
		*truncated = (uint64_t)sb.st_size < want;
	}
	free(wal);
	return kind;
}

static int
damaged(const char *path, maat_err *err)
{
	return maat_err_set(err, MAAT_E_DATA,
			    _("%s: the maatlat store is damaged (truncated or corrupt); restore it "
			      "from a backup, or move it away and import again"),
			    path);
}

/* The version, the application id and the number of schema objects, read in one statement so
 * they come from one snapshot (another process may create the schema meanwhile). */
static int
read_header(maat_db *db, int *version, int *appid, int *tables, maat_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if (sqlite3_prepare_v2(db->sq,
			       "SELECT (SELECT user_version FROM pragma_user_version),"
			       " (SELECT application_id FROM pragma_application_id),"
			       " (SELECT count(*) FROM sqlite_master)",
			       -1, &st, NULL) != SQLITE_OK) {
		return maat_db_fail(db, err, _("reading the store"));
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*version = sqlite3_column_int(st, 0);
		*appid = sqlite3_column_int(st, 1);
		*tables = sqlite3_column_int(st, 2);
		rc = 0;
	} else {
		rc = maat_db_fail(db, err, _("reading the store"));
	}
	sqlite3_finalize(st);
	return rc;
}

/* Refuses what is not a store of this maatlat; 0 when it is one (or empty). */
static int
classify(const char *path, int version, int appid, int tables, maat_err *err)
{
	int latest = maat_db_schema_latest();
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
	return 0;
}

static int
check_and_migrate(maat_db *db, const char *path, enum file_kind kind, maat_err *err)
{
	int version = 0, appid = 0, tables = 0;
	int latest = maat_db_schema_latest();
	int rc;

	/* Read-only checks first: nothing is written until the file is known to be ours. */
	if ((rc = read_header(db, &version, &appid, &tables, err)) < 0) {
		if (err != NULL && err->code == MAAT_E_DATA) {
			if (kind == FILE_OURS) {
				return damaged(path, err);
			}
			return maat_err_set(err, MAAT_E_DATA,
					    _("%s: not a maatlat store (not an SQLite database)"),
					    path);
		}
		return rc;
	}
	if ((rc = classify(path, version, appid, tables, err)) < 0 || version == latest) {
		return rc;
	}
	/* Create or migrate inside one exclusive transaction, and look again once it is held:
	 * two first imports into a new store must not both create the tables. */
	if ((rc = maat_db_exec(db, "BEGIN EXCLUSIVE", err)) < 0) {
		return rc;
	}
	if ((rc = read_header(db, &version, &appid, &tables, err)) < 0 ||
	    (rc = classify(path, version, appid, tables, err)) < 0) {
		maat_db_rollback(db);
		return rc;
	}
	for (int v = version; v < latest; v++) {
		if ((rc = maat_db_exec(db, maat_migrations[v], err)) < 0) {
			maat_err_prefix(err, _("migrating the store to schema %d"), v + 1);
			maat_db_rollback(db);
			return rc;
		}
	}
	if (version < latest) {
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

	if (is_memory || db->readonly) {
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

/* "file:" URI for path with the query q, for a read-only open. A new string; caller frees. */
static char *
file_uri(const char *path, const char *q)
{
	maat_buf b = {0};
	char *out;
	maat_buf_printf(&b, "file:");
	for (const char *p = path; *p; p++) {
		if (*p == '%' || *p == '?' || *p == '#') {
			maat_buf_printf(&b, "%%%02X", (unsigned char)*p);
		} else {
			maat_buf_append(&b, p, 1);
		}
	}
	maat_buf_printf(&b, "?%s", q);
	out = maat_xstrdup(b.data);
	maat_buf_fini(&b);
	return out;
}

static bool
nonempty_file(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 && sb.st_size > 0;
}

/* A store SQLite could not open for writing (its folder or file is read-only): open it
 * read-only for reading, immutable when no WAL holds pages the file lacks. */
static int
open_readonly(maat_db *db, const char *path, maat_err *err)
{
	char *wal = maat_xasprintf("%s-wal", path), *uri;
	bool has_wal = nonempty_file(wal);
	int rc = 0;

	uri = file_uri(path, has_wal ? "mode=ro" : "immutable=1");
	if (db->sq != NULL) {
		sqlite3_close_v2(db->sq);
		db->sq = NULL;
	}
	if (sqlite3_open_v2(uri, &db->sq,
			    SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		rc = maat_err_set(err, MAAT_E_NOINPUT, _("%s: cannot open the store: %s"), path,
				  db->sq ? sqlite3_errmsg(db->sq) : "");
	} else {
		sqlite3_extended_result_codes(db->sq, 1);
		sqlite3_busy_handler(db->sq, busy_wait, db);
		db->readonly = true;
		snprintf(db->notes, sizeof(db->notes), "%s",
			 _("opened read-only (the store or its folder cannot be written)"));
	}
	free(uri);
	free(wal);
	return rc;
}

maat_db *
maat_db_open_with(const char *path, unsigned flags, const maat_db_open_opts *o, maat_err *err)
{
	maat_db *db = maat_xcalloc(1, sizeof(*db));
	bool is_memory = strcmp(path, ":memory:") == 0;
	/* one connection per process, used from one thread: no mutex on every call */
	int oflags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	enum file_kind kind = FILE_NEW;
	bool truncated = false;
	struct stat sb;

	db->path = maat_xstrdup(path);
	db->wait_ms = o != NULL && o->wait_ms > 0 ? o->wait_ms : MAAT_DB_WAIT_DEFAULT_MS;
	db->waiting = o != NULL ? o->waiting : NULL;
	db->wait_ctx = o != NULL ? o->ctx : NULL;
	if (*path == '\0') {
		maat_err_set(err, MAAT_E_USAGE, "%s",
			     _("--db: an empty store path (give a file name, or ':memory:')"));
		goto fail;
	}
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
	if (!is_memory) {
		kind = inspect_file(path, &truncated);
		if (kind == FILE_OURS && truncated) {
			damaged(path, err);
			goto fail;
		}
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
	sqlite3_busy_handler(db->sq, busy_wait, db);
	/* The checks read the header before anything (even the journal mode) is written. */
	if (check_and_migrate(db, path, kind, err) < 0) {
		int prim = sqlite3_extended_errcode(db->sq) & 0xff;
		char *shm = maat_xasprintf("%s-shm", path);
		bool shm_ro = access(shm, F_OK) == 0 && access(shm, W_OK) != 0;
		bool cant = prim == SQLITE_CANTOPEN || prim == SQLITE_READONLY;
		free(shm);
		if (!is_memory && kind == FILE_OURS && cant && shm_ro) {
			maat_err_set(err, MAAT_E_IO,
				     _("%s-shm: this file beside the store is read-only (left by "
				       "another user?); make it writable, or remove it while no "
				       "maatlat runs"),
				     path);
			goto fail;
		}
		if (!is_memory && cant && (flags & MAAT_DB_CREATE)) {
			maat_err_set(err, MAAT_E_CANTCREAT,
				     _("%s: the store cannot be written here (a read-only file or "
				       "folder): %s"),
				     path, sqlite3_errmsg(db->sq));
			goto fail;
		}
		if (is_memory || kind != FILE_OURS || !cant || open_readonly(db, path, err) < 0) {
			goto fail;
		}
		maat_err_clear(err);
		if (check_and_migrate(db, path, kind, err) < 0) {
			goto fail;
		}
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

maat_db *
maat_db_open(const char *path, unsigned flags, maat_err *err)
{
	return maat_db_open_with(path, flags, NULL, err);
}

bool
maat_db_is_readonly(const maat_db *db)
{
	return db->readonly;
}

void
maat_db_set_stdin_name(maat_db *db, const char *name)
{
	free(db->stdin_name);
	db->stdin_name = name != NULL ? maat_xstrdup(name) : NULL;
}

const char *
maat_db_replaced(const maat_db *db)
{
	return db->replaced;
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
	free(db->path);
	free(db->stdin_name);
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
find_same(maat_db *db, const char *kind, const char *sha, const char *options, int64_t except,
	  maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(db,
					"SELECT id FROM sources WHERE kind = ?1 AND sha256 = ?2"
					" AND (?3 IS NULL OR options = ?3) AND id <> ?4 LIMIT 1",
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
	sqlite3_bind_int64(st, 4, except);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW) {
		return 1;
	}
	return rc == SQLITE_DONE ? 0 : maat_db_fail(db, err, _("looking up sources"));
}

/* Deletes the earlier sources of kind that an import replaces: those of the same file (by its
 * real path; by the path as given for sources recorded without one, and for standard input
 * by --name). Each one is named in db->replaced. Every data table references sources ON DELETE
 * CASCADE. */
static int
replace_sources(maat_db *db, const char *kind, const char *given, const char *real, int64_t except,
		maat_err *err)
{
	static const char *const by_path =
	    "SELECT id, path, imported_at FROM sources WHERE kind = ?1 AND id <> ?4 AND "
	    "((real_path IS NOT NULL AND real_path = ?3) OR "
	    " (real_path IS NULL AND (path = ?2 OR path = ?3)))";
	sqlite3_stmt *st = maat_db_stmt(db, by_path, err);
	sqlite3_stmt *del;
	int64_t ids[64];
	size_t nids = 0;
	int rc;

	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, given, -1, SQLITE_STATIC);
	if (real != NULL) {
		sqlite3_bind_text(st, 3, real, -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 4, except);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t len = strlen(db->replaced);
		time_t at = (time_t)sqlite3_column_int64(st, 2);
		char when[32] = "";
		struct tm tm;
		if (gmtime_r(&at, &tm) != NULL) {
			strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
		}
		if (nids < sizeof(ids) / sizeof(ids[0])) {
			ids[nids++] = sqlite3_column_int64(st, 0);
		}
		snprintf(db->replaced + len, sizeof(db->replaced) - len, "%s%s (source %lld, %s)",
			 len > 0 ? "; " : "", (const char *)sqlite3_column_text(st, 1),
			 (long long)sqlite3_column_int64(st, 0), when);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("replacing an earlier import"));
	}
	del = maat_db_stmt(db, "DELETE FROM sources WHERE id = ?1", err);
	if (del == NULL) {
		return -MAAT_E_INTERNAL;
	}
	for (size_t i = 0; i < nids; i++) {
		sqlite3_bind_int64(del, 1, ids[i]);
		if (sqlite3_step(del) != SQLITE_DONE) {
			return maat_db_fail(db, err, _("replacing an earlier import"));
		}
		sqlite3_reset(del);
	}
	/* more than 64 copies of one file: the rest go in one statement */
	if (nids == sizeof(ids) / sizeof(ids[0])) {
		return replace_sources(db, kind, given, real, except, err);
	}
	return 0;
}

int
maat_db_import_file(maat_db *db, const char *kind, const char *path, const char *options,
		    unsigned flags, maat_import_fn fn, void *ctx, int64_t *source_id, maat_err *err)
{
	return maat_db_import_file_as(db, kind, path, NULL, options, flags, fn, ctx, source_id,
				      err);
}

/* An error message that starts with the stored name gets the real path instead: the user
 * must see which file failed, the store must not (the message is not stored). */
static void
name_real_path(maat_err *err, const char *stored, const char *path)
{
	size_t n = strlen(stored);
	if (err != NULL && strncmp(err->msg, stored, n) == 0) {
		char *msg = maat_xasprintf("%s%s", path, err->msg + n);
		size_t len =
		    strlen(msg) < sizeof(err->msg) - 1 ? strlen(msg) : sizeof(err->msg) - 1;
		memcpy(err->msg, msg, len);
		err->msg[len] = '\0';
		free(msg);
	}
}

/* One import from an open input, as one transaction (maat_db_import_file_as and
 * maat_db_import_stream): shown names it in messages, name in sources; real is its resolved
 * path (NULL for standard input, a stored name or a stream). */
static int
import_input(maat_db *db, const char *kind, maat_input *in, const char *shown, const char *name,
	     const char *real, const char *options, unsigned flags, maat_import_fn fn, void *ctx,
	     int64_t *source_id, maat_err *err)
{
	maat_import imp = {.db = db, .path = name};
	char sha[65];
	sqlite3_stmt *st;
	int rc;

	db->replaced[0] = '\0';
	if ((rc = maat_db_begin(db, err)) < 0) {
		goto out;
	}
	if ((flags & MAAT_IMPORT_REPLACE) &&
	    (rc = replace_sources(db, kind, name, real, 0, err)) < 0) {
		goto out;
	}
	st =
	    maat_db_stmt(db,
			 "INSERT INTO sources(kind, path, sha256, imported_at, options, real_path) "
			 "VALUES (?1, ?2, '', ?3, ?4, ?5)",
			 err);
	if (st == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)time(NULL));
	sqlite3_bind_text(st, 4, options ? options : "", -1, SQLITE_STATIC);
	if (real != NULL) {
		sqlite3_bind_text(st, 5, real, -1, SQLITE_STATIC);
	}
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("recording the source"));
		goto out;
	}
	imp.source_id = sqlite3_last_insert_rowid(db->sq);
	if ((rc = fn(&imp, maat_input_stream(in), ctx, err)) < 0) {
		maat_err again = {0};
		/* A file imported before may be refused by a check against what the store holds
		 * (another chart of the same date): its content, hashed to the end, says it is
		 * the same file again, which is no error. */
		if (maat_input_error(in) == NULL && maat_input_finish(in, sha, &again) == 0 &&
		    find_same(db, kind, sha,
			      (flags & MAAT_IMPORT_SAME_OPTIONS) ? (options ? options : "") : NULL,
			      imp.source_id, &again) == 1 &&
		    !(flags & MAAT_IMPORT_REPLACE)) {
			rc = 1;
			maat_err_set(err, MAAT_OK,
				     _("%s: already imported (same sha256); nothing to do"), shown);
			goto out;
		}
		/* the input's own failure (the device bound, a read error) says more */
		if (maat_input_error(in) != NULL) {
			rc = maat_err_set(err, maat_input_error(in)->code, "%s",
					  maat_input_error(in)->msg);
		}
		/* every message names the file: add it where the importer did not */
		name_real_path(err, name, shown);
		if (err != NULL && strncmp(err->msg, shown, strlen(shown)) != 0) {
			maat_err_prefix(err, "%s", shown);
		}
		goto out;
	}
	if ((rc = maat_input_finish(in, sha, err)) < 0) {
		goto out;
	}
	/* The hash is known only now that every byte has been read once. */
	if ((rc = find_same(db, kind, sha,
			    (flags & MAAT_IMPORT_SAME_OPTIONS) ? (options ? options : "") : NULL,
			    imp.source_id, err)) != 0) {
		/* Under --replace the same content from another path stays as it is: its rows
		 * were in the store while this copy was read (and judged against), so swapping
		 * them now would leave figures computed against both. */
		if (rc == 1 && (flags & MAAT_IMPORT_REPLACE)) {
			maat_err_set(err, MAAT_OK,
				     _("%s: the same content (sha256) is already imported from "
				       "another path; nothing to do ('maatlat sources --remove "
				       "SOURCE' first to import it again)"),
				     shown);
		} else if (rc == 1) {
			maat_err_set(err, MAAT_OK,
				     _("%s: already imported (same sha256); nothing to do"), shown);
		}
		goto out;
	}
	st = maat_db_stmt(
	    db, "UPDATE sources SET rows_read = ?2, rows_rejected = ?3, sha256 = ?4 WHERE id = ?1",
	    err);
	if (st == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_int64(st, 1, imp.source_id);
	sqlite3_bind_int64(st, 2, imp.rows_read);
	sqlite3_bind_int64(st, 3, imp.rows_rejected);
	sqlite3_bind_text(st, 4, sha, -1, SQLITE_STATIC);
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
		db->replaced[0] = '\0';
	}
	return rc;
}

struct maat_db_input {
	maat_input *in;
	/* the path as given, the name in messages; is it standard input */
	char *path, *shown;
	bool is_stdin;
};

maat_db_input *
maat_db_input_open(maat_db *db, const char *path, maat_err *err)
{
	maat_db_input *d = maat_xcalloc(1, sizeof(*d));
	d->is_stdin = strcmp(path, "-") == 0;
	d->path = maat_xstrdup(path);
	d->shown = maat_xstrdup(d->is_stdin ? (db->stdin_name ? db->stdin_name : "stdin") : path);
	if ((d->in = maat_input_open(path, d->shown, err)) == NULL) {
		maat_db_input_close(d);
		return NULL;
	}
	return d;
}

FILE *
maat_db_input_stream(maat_db_input *d)
{
	return maat_input_stream(d->in);
}

const char *
maat_db_input_name(const maat_db_input *d)
{
	return d->shown;
}

void
maat_db_input_close(maat_db_input *d)
{
	if (d == NULL) {
		return;
	}
	maat_input_close(d->in);
	free(d->path);
	free(d->shown);
	free(d);
}

int
maat_db_import_opened(maat_db *db, const char *kind, maat_db_input *d, const char *stored_name,
		      const char *options, unsigned flags, maat_import_fn fn, void *ctx,
		      int64_t *source_id, maat_err *err)
{
	const char *name = stored_name != NULL ? stored_name : d->shown;
	char *real = NULL;
	int rc;

	db->replaced[0] = '\0';
	/* under a stored name (--pseudonymise) the real path is not stored either */
	if (!d->is_stdin && stored_name == NULL) {
		real = realpath(d->path, NULL);
	}
	rc = import_input(db, kind, d->in, d->shown, name, real, options, flags, fn, ctx, source_id,
			  err);
	free(real);
	return rc;
}

int
maat_db_import_file_as(maat_db *db, const char *kind, const char *path, const char *stored_name,
		       const char *options, unsigned flags, maat_import_fn fn, void *ctx,
		       int64_t *source_id, maat_err *err)
{
	maat_db_input *d;
	int rc;

	db->replaced[0] = '\0';
	if ((d = maat_db_input_open(db, path, err)) == NULL) {
		return err != NULL && err->code ? -err->code : -MAAT_E_NOINPUT;
	}
	rc = maat_db_import_opened(db, kind, d, stored_name, options, flags, fn, ctx, source_id,
				   err);
	maat_db_input_close(d);
	return rc;
}

/* One checkpoint that copies the whole WAL into the file and truncates the WAL to zero bytes;
 * it waits (through busy_wait) for readers of older snapshots to finish. */
static int
checkpoint_truncate(maat_db *db, maat_err *err)
{
	int log = -1, done = -1;
	int rc;

	db->wait_what = _("waiting for other processes that read this store to finish, so the "
			  "erased values can be overwritten");
	rc = sqlite3_wal_checkpoint_v2(db->sq, NULL, SQLITE_CHECKPOINT_TRUNCATE, &log, &done);
	db->wait_what = NULL;
	if (rc == SQLITE_BUSY || (rc == SQLITE_OK && log != 0)) {
		return maat_err_set(
		    err, MAAT_E_IO,
		    _("%s: other processes still read the store after %d s, so the "
		      "old bytes are still in its files; run the command again when "
		      "they are done (or raise --wait)"),
		    db->path, db->wait_ms / 1000);
	}
	if (rc != SQLITE_OK) {
		return maat_db_fail(db, err, _("checkpointing the store"));
	}
	return 0;
}

int
maat_db_checkpoint(maat_db *db, maat_err *err)
{
	if (!db->wal || db->readonly) {
		return 0;
	}
	return checkpoint_truncate(db, err);
}

int
maat_db_scrub(maat_db *db, maat_err *err)
{
	char *wal = NULL;
	struct stat sb;
	int rc;

	if (db->readonly) {
		return maat_err_set(err, MAAT_E_IO,
				    _("%s: the store is read-only here; it cannot be scrubbed"),
				    db->path);
	}
	if (!sqlite3_get_autocommit(db->sq)) {
		return maat_err_set(err, MAAT_E_INTERNAL, "%s",
				    _("scrubbing the store inside a transaction"));
	}
	/* Deleted cells stay on free pages until VACUUM rewrites the file; with secure_delete
	 * they are zeroed as they are freed, too. */
	if (db->wal && (rc = checkpoint_truncate(db, err)) < 0) {
		return rc;
	}
	if ((rc = maat_db_exec(db, "PRAGMA secure_delete=ON; VACUUM", err)) < 0) {
		return rc;
	}
	if (!db->wal || strcmp(db->path, ":memory:") == 0) {
		return 0;
	}
	if ((rc = checkpoint_truncate(db, err)) < 0) {
		return rc;
	}
	/* Only an empty WAL proves that no old page is left in it. */
	wal = maat_xasprintf("%s-wal", db->path);
	if (stat(wal, &sb) == 0 && sb.st_size > 0) {
		rc = maat_err_set(err, MAAT_E_IO,
				  _("%s: still %lld bytes after the checkpoint; run the command "
				    "again when no other maatlat uses the store"),
				  wal, (long long)sb.st_size);
	}
	free(wal);
	return rc;
}

int
maat_db_source_find(maat_db *db, const char *which, int64_t *id, maat_err *err)
{
	sqlite3_stmt *st;
	char *real = realpath(which, NULL), *end = NULL;
	long long num = strtoll(which, &end, 10);
	int64_t found = 0;
	int n = 0, rc;

	st = maat_db_stmt(db,
			  "SELECT id FROM sources WHERE id = ?1 OR path = ?2 OR "
			  "(real_path IS NOT NULL AND real_path = ?3) ORDER BY id",
			  err);
	if (st == NULL) {
		free(real);
		return -MAAT_E_INTERNAL;
	}
	if (*which != '\0' && *end == '\0') {
		sqlite3_bind_int64(st, 1, num);
	}
	sqlite3_bind_text(st, 2, which, -1, SQLITE_STATIC);
	if (real != NULL) {
		sqlite3_bind_text(st, 3, real, -1, SQLITE_TRANSIENT);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		found = sqlite3_column_int64(st, 0);
		n++;
	}
	sqlite3_reset(st);
	free(real);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("looking up sources"));
	}
	if (n == 0) {
		return maat_err_set(err, MAAT_E_NOINPUT,
				    _("%s: no such source (see 'maatlat sources' for the numbers)"),
				    which);
	}
	if (n > 1) {
		return maat_err_set(err, MAAT_E_USAGE,
				    _("%s: %d sources match; give the number from 'maatlat "
				      "sources'"),
				    which, n);
	}
	*id = found;
	return 0;
}

int
maat_db_source_remove(maat_db *db, int64_t id, maat_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = maat_db_begin(db, err)) < 0) {
		return rc;
	}
	st = maat_db_stmt(db, "DELETE FROM sources WHERE id = ?1", err);
	if (st == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("removing the source"));
		goto out;
	}
	if (sqlite3_changes(db->sq) != 1) {
		rc = maat_err_set(err, MAAT_E_NOINPUT, _("source %lld: no such source"),
				  (long long)id);
		goto out;
	}
	rc = maat_db_commit(db, err);
out:
	if (rc < 0) {
		maat_db_rollback(db);
	}
	return rc;
}

int
maat_db_import_stream(maat_db *db, const char *kind, const char *name, FILE *f, const char *options,
		      unsigned flags, maat_import_fn fn, void *ctx, int64_t *source_id,
		      maat_err *err)
{
	maat_input *in = maat_input_from_stream(f, name, err);
	int rc;
	if (in == NULL) {
		return err != NULL && err->code ? -err->code : -MAAT_E_INTERNAL;
	}
	rc = import_input(db, kind, in, name, name, NULL, options, flags, fn, ctx, source_id, err);
	maat_input_close(in);
	return rc;
}
