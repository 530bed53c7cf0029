/* Databases as sources (see dbsource.h). The result set becomes CSV text through a cookie
 * stream (fopencookie): each read pulls the next row from libpq (single-row mode) or SQLite and
 * formats it, so the importers' CSV path (header mapping, UTF-8 checks, line numbers = row
 * numbers + 1) serves databases unchanged and memory stays at one row. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include "maatlat/dbsource.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"

struct maat_dbsource {
	/* one of the two is set */
	PGconn *pg;
	sqlite3 *sq;
	sqlite3_stmt *st;
	/* the stream handed to the importer */
	FILE *f;
	/* the current CSV text and how much of it was handed out */
	maat_buf line;
	size_t pos;
	/* header written; result exhausted */
	bool header, done;
	/* "postgresql://host:port/db" or "sqlite:PATH" */
	char *label;
	char options[128];
	/* why the stream ended early; code 0 = it did not */
	maat_err err;
};

bool
maat_dbsource_is_uri(const char *arg)
{
	return arg != NULL &&
	       (strncmp(arg, "postgresql://", 13) == 0 || strncmp(arg, "postgres://", 11) == 0 ||
		strncmp(arg, "sqlite:", 7) == 0);
}

/* One CSV field: quoted when it holds a separator, quote or line end. */
static void
put_field(maat_buf *b, const char *v, size_t n, bool first)
{
	bool quote = false;
	if (!first) {
		maat_buf_append(b, ",", 1);
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i] == ',' || v[i] == '"' || v[i] == '\n' || v[i] == '\r') {
			quote = true;
			break;
		}
	}
	if (!quote) {
		maat_buf_append(b, v, n);
		return;
	}
	maat_buf_append(b, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		maat_buf_append(b, v + i, 1);
		if (v[i] == '"') {
			maat_buf_append(b, "\"", 1);
		}
	}
	maat_buf_append(b, "\"", 1);
}

/* libpq's message without its trailing newline. */
static void
pg_error(maat_dbsource *s, int code, const char *what)
{
	char msg[200];
	snprintf(msg, sizeof(msg), "%s", PQerrorMessage(s->pg));
	msg[strcspn(msg, "\n")] = '\0';
	maat_err_set(&s->err, code, "%s: %s: %s", s->label, what, msg);
}

/* Fills s->line with the next CSV line; false at the end or on an error (s->err). */
static bool
next_pg(maat_dbsource *s)
{
	PGresult *r = PQgetResult(s->pg);
	ExecStatusType t = r != NULL ? PQresultStatus(r) : PGRES_COMMAND_OK;
	int ncol;
	bool more = false;

	if (r == NULL) {
		s->done = true;
		return false;
	}
	if (t != PGRES_SINGLE_TUPLE && t != PGRES_TUPLES_OK) {
		char msg[200];
		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
		msg[strcspn(msg, "\n")] = '\0';
		maat_err_set(&s->err, MAAT_E_DATA, _("%s: the query failed: %s"), s->label, msg);
		PQclear(r);
		s->done = true;
		return false;
	}
	ncol = PQnfields(r);
	if (!s->header) {
		for (int i = 0; i < ncol; i++) {
			const char *name = PQfname(r, i);
			put_field(&s->line, name, strlen(name), i == 0);
		}
		maat_buf_append(&s->line, "\r\n", 2);
		s->header = true;
		more = true;
	}
	if (t == PGRES_SINGLE_TUPLE) {
		for (int i = 0; i < ncol; i++) {
			put_field(&s->line, PQgetisnull(r, 0, i) ? "" : PQgetvalue(r, 0, i),
				  PQgetisnull(r, 0, i) ? 0 : (size_t)PQgetlength(r, 0, i), i == 0);
		}
		maat_buf_append(&s->line, "\r\n", 2);
		more = true;
	}
	PQclear(r);
	return more || next_pg(s);
}

static bool
next_sqlite(maat_dbsource *s)
{
	int ncol = sqlite3_column_count(s->st), rc;
	if (!s->header) {
		for (int i = 0; i < ncol; i++) {
			const char *name = sqlite3_column_name(s->st, i);
			put_field(&s->line, name ? name : "", name ? strlen(name) : 0, i == 0);
		}
		maat_buf_append(&s->line, "\r\n", 2);
		s->header = true;
		return true;
	}
	if ((rc = sqlite3_step(s->st)) == SQLITE_DONE) {
		s->done = true;
		return false;
	}
	if (rc != SQLITE_ROW) {
		maat_err_set(&s->err, MAAT_E_DATA, _("%s: the query failed: %s"), s->label,
			     sqlite3_errmsg(s->sq));
		s->done = true;
		return false;
	}
	for (int i = 0; i < ncol; i++) {
		const unsigned char *v = sqlite3_column_text(s->st, i);
		put_field(&s->line, v ? (const char *)v : "",
			  v ? (size_t)sqlite3_column_bytes(s->st, i) : 0, i == 0);
	}
	maat_buf_append(&s->line, "\r\n", 2);
	return true;
}

static ssize_t
cookie_read(void *cookie, char *buf, size_t size)
{
	maat_dbsource *s = cookie;
	size_t n;
	if (s->pos == s->line.len) {
		maat_buf_reset(&s->line);
		s->pos = 0;
		if (s->done || !(s->pg != NULL ? next_pg(s) : next_sqlite(s))) {
			if (s->err.code != 0) {
				errno = EIO;
				return -1;
			}
			return 0;
		}
	}
	n = s->line.len - s->pos < size ? s->line.len - s->pos : size;
	memcpy(buf, s->line.data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

/* host:port/db of a libpq connection string or URI, without user or password. */
static char *
pg_label(const char *uri)
{
	char *errmsg = NULL;
	PQconninfoOption *opts = PQconninfoParse(uri, &errmsg), *o;
	const char *host = NULL, *port = NULL, *db = NULL;
	char *label;
	if (opts == NULL) {
		PQfreemem(errmsg);
		return maat_xstrdup("postgresql://?");
	}
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL) {
			continue;
		}
		if (strcmp(o->keyword, "host") == 0) {
			host = o->val;
		} else if (strcmp(o->keyword, "port") == 0) {
			port = o->val;
		} else if (strcmp(o->keyword, "dbname") == 0) {
			db = o->val;
		}
	}
	label = maat_xasprintf("postgresql://%s%s%s/%s", host ? host : "", port ? ":" : "",
			       port ? port : "", db ? db : "");
	PQconninfoFree(opts);
	return label;
}

char *
maat_dbsource_redact(const char *uri)
{
	return strncmp(uri, "sqlite:", 7) == 0 ? maat_xstrdup(uri) : pg_label(uri);
}

maat_dbsource *
maat_dbsource_open(const char *uri, const char *query, maat_err *err)
{
	static const cookie_io_functions_t io = {.read = cookie_read};
	maat_dbsource *s = maat_xcalloc(1, sizeof(*s));
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[65];

	if (query == NULL || *query == '\0') {
		maat_err_set(err, MAAT_E_USAGE, "%s",
			     _("a database source needs --query 'SELECT ...'"));
		goto fail;
	}
	crypto_hash_sha256(h, (const unsigned char *)query, strlen(query));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(s->options, sizeof(s->options), "query_sha256=%s", hex);
	if (strncmp(uri, "sqlite:", 7) == 0) {
		const char *path = uri + 7;
		s->label = maat_dbsource_redact(uri);
		if (sqlite3_open_v2(path, &s->sq, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
			maat_err_set(err, MAAT_E_NOINPUT, _("%s: cannot open: %s"), s->label,
				     s->sq ? sqlite3_errmsg(s->sq) : "out of memory");
			goto fail;
		}
		if (sqlite3_prepare_v2(s->sq, query, -1, &s->st, NULL) != SQLITE_OK ||
		    s->st == NULL) {
			maat_err_set(err, MAAT_E_DATA, _("%s: the query failed: %s"), s->label,
				     s->st == NULL && sqlite3_errcode(s->sq) == SQLITE_OK
					 ? _("no statement")
					 : sqlite3_errmsg(s->sq));
			goto fail;
		}
		if (!sqlite3_stmt_readonly(s->st)) {
			maat_err_set(err, MAAT_E_USAGE, _("%s: --query must only read (SELECT)"),
				     s->label);
			goto fail;
		}
	} else {
		s->label = maat_dbsource_redact(uri);
		s->pg = PQconnectdb(uri);
		if (PQstatus(s->pg) != CONNECTION_OK) {
			pg_error(s, MAAT_E_NOINPUT, _("cannot connect"));
			*err = s->err;
			goto fail;
		}
		/* a source is read, never written: the session refuses writes */
		PQclear(PQexec(s->pg, "SET default_transaction_read_only = on"));
		if (!PQsendQuery(s->pg, query) || !PQsetSingleRowMode(s->pg)) {
			pg_error(s, MAAT_E_DATA, _("the query failed"));
			*err = s->err;
			goto fail;
		}
	}
	if ((s->f = fopencookie(s, "r", io)) == NULL) {
		maat_err_set(err, MAAT_E_INTERNAL, "%s", strerror(errno));
		goto fail;
	}
	return s;
fail:
	memset(&s->err, 0, sizeof(s->err));
	maat_dbsource_close(s);
	return NULL;
}

FILE *
maat_dbsource_stream(maat_dbsource *src)
{
	return src->f;
}

const char *
maat_dbsource_label(const maat_dbsource *src)
{
	return src->label;
}

const char *
maat_dbsource_options(const maat_dbsource *src)
{
	return src->options;
}

const maat_err *
maat_dbsource_error(const maat_dbsource *src)
{
	return src->err.code != 0 ? &src->err : NULL;
}

void
maat_dbsource_close(maat_dbsource *s)
{
	if (s == NULL) {
		return;
	}
	if (s->f != NULL) {
		fclose(s->f);
	}
	if (s->pg != NULL) {
		/* a result left unread: cancel rather than drain the rest */
		PGcancel *c = PQgetCancel(s->pg);
		if (c != NULL && !s->done) {
			char buf[64];
			PQcancel(c, buf, sizeof(buf));
		}
		PQfreeCancel(c);
		PQfinish(s->pg);
	}
	sqlite3_finalize(s->st);
	sqlite3_close(s->sq);
	maat_buf_fini(&s->line);
	free(s->label);
	free(s);
}

int
maat_dbsource_import(maat_db *db, const char *kind, const char *uri, const char *query,
		     const char *options, unsigned flags, maat_import_fn fn, void *ctx,
		     int64_t *source_id, maat_err *err)
{
	maat_dbsource *src = maat_dbsource_open(uri, query, err);
	char *opts;
	int rc;
	if (src == NULL) {
		return -err->code;
	}
	opts = maat_xasprintf("%s%s%s", options != NULL ? options : "",
			      options != NULL && *options ? " " : "", src->options);
	rc = maat_db_import_stream(db, kind, src->label, src->f, opts, flags, fn, ctx, source_id,
				   err);
	if (rc < 0 && src->err.code != 0) {
		/* the importer saw a read error; the database said why */
		*err = src->err;
		rc = -src->err.code;
	}
	free(opts);
	maat_dbsource_close(src);
	return rc;
}
