/* The SQLite store: one maat_db owns the connection, the schema and every prepared statement. */
#ifndef MAAT_DB_H
#define MAAT_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "maatlat/err.h"

typedef struct maat_db maat_db;

/* Flags for maat_db_open(). */
enum maat_db_flags {
	/* create the file when it does not exist (importers); without it a missing store is
	 * MAAT_E_NOINPUT */
	MAAT_DB_CREATE = 1 << 0,
	/* report on stderr-free diagnostics through maat_db_notes() (e.g. WAL unavailable) */
	MAAT_DB_VERBOSE = 1 << 1,
};

/* How long a lock held by another process is waited for unless told otherwise: 60 s. */
#define MAAT_DB_WAIT_DEFAULT_MS 60000

/* Told (once per wait, after a moment) that the store is busy: msg is a translated sentence
 * naming the store and what is waited for; wait_s the most that will be waited. */
typedef void (*maat_db_wait_fn)(void *ctx, const char *msg, int wait_s);

/* Settings for maat_db_open_with(); a zeroed struct gives the defaults. */
typedef struct maat_db_open_opts {
	/* how long to wait for another process's lock, in ms; 0 = MAAT_DB_WAIT_DEFAULT_MS */
	int wait_ms;
	/* called when a wait lasts (NULL = wait silently) */
	maat_db_wait_fn waiting;
	/* handed to waiting */
	void *ctx;
} maat_db_open_opts;

/* The schema version this build writes (PRAGMA user_version after all migrations). */
int maat_db_schema_latest(void);

/* Opens (and creates or migrates) the store at path; ":memory:" gives a private in-memory store.
 * A file that is not an SQLite database, a database of another program, or a store written by
 * a newer maatlat is refused with MAAT_E_DATA and left byte-for-byte untouched.
 * Returns a new handle (free with maat_db_close()), or NULL with err set. */
maat_db *maat_db_open(const char *path, unsigned flags, maat_err *err);

/* maat_db_open() with settings (o may be NULL). The schema is created or migrated inside one
 * exclusive transaction, so two first imports into a new store do not collide; a lock held by
 * another process is waited for (o->wait_ms), telling o->waiting. A truncated or corrupt store
 * is MAAT_E_DATA ("damaged"), an empty path MAAT_E_USAGE. A store whose file or folder cannot
 * be written is opened read-only for commands that do not create (maat_db_is_readonly()); a
 * read-only -shm file beside it is MAAT_E_IO with a message that says so. */
maat_db *maat_db_open_with(const char *path, unsigned flags, const maat_db_open_opts *o,
			   maat_err *err);

/* True when the store was opened read-only (its file or folder cannot be written). */
bool maat_db_is_readonly(const maat_db *db);

/* The name an import of "-" (standard input) is recorded under (NULL: "stdin"). Copied. */
void maat_db_set_stdin_name(maat_db *db, const char *name);

/* The sources the last maat_db_import_file() replaced ("FILE (source N, DATE)", joined by
 * "; "), "" when none. Borrowed; valid until the next import. */
const char *maat_db_replaced(const maat_db *db);

/* Makes erased values unrecoverable from the store's files: waits (the open's wait time,
 * telling the waiting callback) for other processes reading older snapshots, checkpoints the
 * WAL into the file, VACUUMs with secure_delete, checkpoints again and truncates the WAL to
 * zero bytes. Fails (MAAT_E_IO) rather than leave a WAL behind; call outside a transaction. */
int maat_db_scrub(maat_db *db, maat_err *err);

/* Waits for other processes reading older snapshots (as maat_db_scrub()) and checkpoints the
 * WAL into the file, truncating it; a no-op without WAL. MAAT_E_IO when readers stay. */
int maat_db_checkpoint(maat_db *db, maat_err *err);

/* The source named by which: its number, its path as recorded, or a path that resolves to
 * the same file. MAAT_E_NOINPUT when none matches, MAAT_E_USAGE when several do. */
int maat_db_source_find(maat_db *db, const char *which, int64_t *id, maat_err *err);

/* Deletes source id and everything imported from it, in one transaction. */
int maat_db_source_remove(maat_db *db, int64_t id, maat_err *err);

/* Finalizes every statement and closes the connection. NULL-safe. */
void maat_db_close(maat_db *db);

/* The underlying connection. Borrowed; valid until maat_db_close(). */
sqlite3 *maat_db_sqlite(maat_db *db);

/* True when the store runs in WAL mode (false for :memory: and on file systems without it). */
bool maat_db_is_wal(const maat_db *db);

/* Notes gathered while opening (e.g. "WAL unavailable"); borrowed, "" when none. */
const char *maat_db_notes(const maat_db *db);

/* A statement for sql, prepared once (SQLITE_PREPARE_PERSISTENT) and cached by the text of sql;
 * it comes back reset with its bindings cleared. Borrowed: finalized by maat_db_close().
 * NULL with err set when sql does not compile. */
sqlite3_stmt *maat_db_stmt(maat_db *db, const char *sql, maat_err *err);

/* Copies sqlite3_errmsg() and the extended code into err as "what: message"; returns the
 * negative code (MAAT_E_IO for I/O and full-disk errors, MAAT_E_DATA for a corrupt or foreign
 * file, MAAT_E_INTERNAL otherwise). */
int maat_db_fail(maat_db *db, maat_err *err, const char *what);

/* Runs one or more SQL statements without results. */
int maat_db_exec(maat_db *db, const char *sql, maat_err *err);

/* BEGIN IMMEDIATE / COMMIT; rollback is a no-op outside a transaction. */
int maat_db_begin(maat_db *db, maat_err *err);
int maat_db_commit(maat_db *db, maat_err *err);
void maat_db_rollback(maat_db *db);

/* SQLite's foreign-key checks off for a run of imports that only add rows: every row they
 * insert references the source the import creates or a row it has just read or inserted, so a
 * check per row verifies what holds by construction (they were 12% of `import calendar`,
 * bench/README.md). Nested pauses count; the checks come back with the last resume. Never
 * around an import that deletes (MAAT_IMPORT_REPLACE, an org import's own replacements): ON
 * DELETE CASCADE is a foreign-key action and does not run while they are off. Between
 * transactions only (the pragma is a no-op inside one); it recompiles the cached statements,
 * so pause once per command, not per file. */
int maat_db_fk_pause(maat_db *db, maat_err *err);
void maat_db_fk_resume(maat_db *db);

/* One import of one file, handed to the importer's callback by maat_db_import_file(). */
typedef struct maat_import {
	/* the store, inside the import's transaction */
	maat_db *db;
	/* the row in sources that every imported row references */
	int64_t source_id;
	/* the file name as the user gave it (use it in messages) */
	const char *path;
	/* rows (or records/events) read; the callback counts them */
	int64_t rows_read;
	/* rows rejected (skipped with a logged message); the callback counts them */
	int64_t rows_rejected;
} maat_import;

/* Parses f (opened "rb" on imp->path) into the store. Returns 0 or a negative code with err set;
 * on failure nothing of the import is kept. */
typedef int (*maat_import_fn)(maat_import *imp, FILE *f, void *ctx, maat_err *err);

/* Flags for maat_db_import_file(). */
enum maat_import_flags {
	/* replace earlier imports of the same kind from the same path, in the same transaction */
	MAAT_IMPORT_REPLACE = 1 << 0,
	/* a file counts as imported before only when its options were the same too (the same org
	 * chart may be imported again as the chart of another --as-of date) */
	MAAT_IMPORT_SAME_OPTIONS = 1 << 1,
};

/* Imports one file as one transaction: records it in sources (kind, path, real path, options),
 * calls fn on a stream that hashes (sha256) every byte as fn reads it, so the input is read
 * exactly once (a FIFO, standard input as path "-", a file that grows meanwhile), stores the
 * hash and the counts and commits; any failure rolls everything back, so the store is
 * unchanged. A folder is MAAT_E_NOINPUT; a device or socket is read up to a bound
 * ($MAATLAT_MAX_STREAM_BYTES, MAAT_E_DATA past it). A file whose kind and sha256 were imported
 * before is not imported again: returns 1 and leaves the store as it was. MAAT_IMPORT_REPLACE
 * first deletes the earlier sources of the same file (by real path; maat_db_replaced() names
 * them); the same content from another path is still skipped (returns 1).
 * Returns 0 when imported, 1 when skipped, negative with err set on failure. On success
 * *source_id (optional) receives the new source's id. */
int maat_db_import_file(maat_db *db, const char *kind, const char *path, const char *options,
			unsigned flags, maat_import_fn fn, void *ctx, int64_t *source_id,
			maat_err *err);

/* The same, but the source is recorded (sources.path, and imp->path, which the importer's
 * messages use) under stored_name instead of path (NULL = path): --pseudonymise stores no file
 * name, which often names a person (k.14@gemeente.nl.ics). Error messages returned in err
 * still name the real path. */
int maat_db_import_file_as(maat_db *db, const char *kind, const char *path, const char *stored_name,
			   const char *options, unsigned flags, maat_import_fn fn, void *ctx,
			   int64_t *source_id, maat_err *err);

/* maat_db_import_file_as() in two steps, so that a file can be opened and read (parsed) on
 * one thread while the store, on another, is busy with the previous one: maat_db_input_open()
 * opens path ("-" = standard input, named as maat_db_set_stdin_name() says) for one reading
 * pass, hashing what is read (NULL with err set: missing, a folder...); it touches nothing in
 * db but the stdin name. maat_db_import_opened() then runs the import transaction on the
 * store's thread; fn gets maat_db_input_stream(d), positioned wherever the reader left it
 * (a reader that has already read it all ignores it), and the sha256 covers every byte read
 * before and after. The thread that read the input must be done with it before. */
typedef struct maat_db_input maat_db_input;
maat_db_input *maat_db_input_open(maat_db *db, const char *path, maat_err *err);
FILE *maat_db_input_stream(maat_db_input *d);
/* The name messages use: the path, or the stdin name. */
const char *maat_db_input_name(const maat_db_input *d);
int maat_db_import_opened(maat_db *db, const char *kind, maat_db_input *d, const char *stored_name,
			  const char *options, unsigned flags, maat_import_fn fn, void *ctx,
			  int64_t *source_id, maat_err *err);
/* NULL-safe. */
void maat_db_input_close(maat_db_input *d);

/* maat_db_import_file() for a stream that is not a file (a database query's rows): f is read
 * once, name is what sources records (no sha256 is known beforehand: it is taken of the bytes
 * as fn reads them, and the rest is read after fn returns). A stream whose kind and sha256 were
 * imported before is rolled back and returns 1; MAAT_IMPORT_REPLACE replaces earlier imports of
 * the same kind and name. Same returns as maat_db_import_file(). */
int maat_db_import_stream(maat_db *db, const char *kind, const char *name, FILE *f,
			  const char *options, unsigned flags, maat_import_fn fn, void *ctx,
			  int64_t *source_id, maat_err *err);

/* Logs a message about a source (an anomaly, a skipped row); line 0 = not tied to a line.
 * severity: "info", "warning" or "error". */
int maat_db_log(maat_db *db, int64_t source_id, int64_t line, const char *severity, maat_err *err,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* True when at least one source of this kind has been imported. */
bool maat_db_has_kind(maat_db *db, const char *kind);

/* Bulk inserts on a writer thread (store/bulk.c): the caller fills rows of ncols values with
 * maat_db_bulk_int/double/text/null (column 0..ncols-1; text is copied, NULL text is NULL)
 * and ends each with maat_db_bulk_next(); a second thread writes them as multi-row
 * "HEAD VALUES (...),(...)" statements (head: "INSERT INTO t(a, b)"). While rows are being
 * written the store's connection belongs to that thread: call maat_db_bulk_sync() before any
 * other use of db (it waits until every row is written and hands the connection back until
 * the next row). A failure of the writer is returned by the next maat_db_bulk_next(), _sync()
 * or _finish(). maat_db_bulk_finish() writes the rest and gives the rowids of the first and
 * last row written (0 and -1 when none: a rowid table, one transaction, so they are
 * contiguous). maat_db_bulk_free() (NULL-safe) stops the writer without writing what is left:
 * call it before the transaction is rolled back or committed. */
typedef struct maat_db_bulk maat_db_bulk;
maat_db_bulk *maat_db_bulk_new(maat_db *db, const char *head, int ncols);
void maat_db_bulk_int(maat_db_bulk *b, int col, int64_t v);
void maat_db_bulk_double(maat_db_bulk *b, int col, double v);
void maat_db_bulk_text(maat_db_bulk *b, int col, const char *text);
void maat_db_bulk_null(maat_db_bulk *b, int col);
int maat_db_bulk_next(maat_db_bulk *b, maat_err *err);
int maat_db_bulk_sync(maat_db_bulk *b, maat_err *err);
int maat_db_bulk_finish(maat_db_bulk *b, int64_t *first_rowid, int64_t *last_rowid, maat_err *err);
void maat_db_bulk_free(maat_db_bulk *b);

#endif
