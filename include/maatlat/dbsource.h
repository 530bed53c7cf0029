/* Databases as sources: a query's result set (PostgreSQL through libpq, or another SQLite
 * file) read as the CSV text the importers already understand, so a database source gets the
 * same column mapping, checks and one-transaction import as a file. Rows are streamed (libpq's
 * single-row mode, sqlite3_step), never the whole result in memory. */
#ifndef MAAT_DBSOURCE_H
#define MAAT_DBSOURCE_H

#include <stdbool.h>
#include <stdio.h>

#include "maatlat/db.h"
#include "maatlat/err.h"

typedef struct maat_dbsource maat_dbsource;

/* True when arg names a database rather than a file: "postgresql://...", "postgres://..."
 * or "sqlite:PATH". */
bool maat_dbsource_is_uri(const char *arg);

/* The name a source at uri is shown and recorded under (see maat_dbsource_label), without
 * user name or password. Returns a new string; caller frees. */
char *maat_dbsource_redact(const char *uri);

/* Connects and starts query. Returns a new source (maat_dbsource_close()) or NULL with err set:
 * MAAT_E_NOINPUT when the database cannot be reached or opened, MAAT_E_DATA when the query is
 * refused. Error texts never hold the password. */
maat_dbsource *maat_dbsource_open(const char *uri, const char *query, maat_err *err);

/* The result as CSV: a header of the column names, then one line per row (RFC 4180 quoting,
 * NULL as an empty field). Borrowed; valid until maat_dbsource_close(). A failure while
 * rows stream in ends the stream with a read error; maat_dbsource_error() then says why. */
FILE *maat_dbsource_stream(maat_dbsource *src);

/* What the source is called in `maat sources` and messages: "postgresql://HOST:PORT/DB" or
 * "sqlite:PATH", never a user name or password. Borrowed. */
const char *maat_dbsource_label(const maat_dbsource *src);

/* "query_sha256=<hex of the query text>": recorded with the source instead of the query. */
const char *maat_dbsource_options(const maat_dbsource *src);

/* The error that ended the stream early, or NULL. Borrowed. */
const maat_err *maat_dbsource_error(const maat_dbsource *src);

/* Closes the stream and the connection. NULL-safe. */
void maat_dbsource_close(maat_dbsource *src);

/* Imports the rows of query at uri as one source of kind (maat_db_import_stream: one
 * transaction, the store unchanged on failure); fn reads them as CSV. options are recorded
 * with the query's sha256 added. Same returns as maat_db_import_file(); a failure while rows
 * stream in reports the database's reason. */
int maat_dbsource_import(maat_db *db, const char *kind, const char *uri, const char *query,
			 const char *options, unsigned flags, maat_import_fn fn, void *ctx,
			 int64_t *source_id, maat_err *err);

#endif
