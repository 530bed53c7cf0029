/* Databases as sources: a query's result set (PostgreSQL through libpq, or another SQLite
 * file) read as the CSV text the importers already understand, so a database source gets the
 * same column mapping, checks and one-transaction import as a file. Rows are streamed (libpq's
 * single-row mode, sqlite3_step), never the whole result in memory. */
#ifndef MAAT_DBSOURCE_H
#define MAAT_DBSOURCE_H

#include <stdbool.h>
#include <stdio.h>

#include "maatlat/err.h"

typedef struct maat_dbsource maat_dbsource;

/* True when arg names a database rather than a file: "postgresql://...", "postgres://..."
 * or "sqlite:PATH". */
bool maat_dbsource_is_uri(const char *arg);

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

#endif
