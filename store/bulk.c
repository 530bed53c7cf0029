/* Bulk inserts on a writer thread: the importer fills rows, a second thread binds them into
 * multi-row INSERTs and steps them, so parsing a file and SQLite's work on it overlap on the
 * two cores maatlat's machines have (bench/README.md: SQLite was 38% of `import org` at 1M
 * people, the CSV reading and the checks most of the rest).
 *
 * The store's connection is opened SQLITE_OPEN_NOMUTEX: one thread at a time. Between
 * maat_db_bulk_new() and maat_db_bulk_finish() it belongs to the writer, except after
 * maat_db_bulk_sync(), which hands it back to the caller until the next row is added. The
 * hand-over goes through this file's mutex, so each thread sees the other's work. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/db.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"

/* rows per INSERT statement (SQLite 3.32+ allows 32,766 parameters) */
#define STMT_ROWS 32
/* rows per batch handed to the writer, and batches in flight */
#define SLOT_ROWS 1024
#define NSLOT 3

enum cell_type { C_NULL, C_INT, C_DOUBLE, C_TEXT };

struct cell {
	enum cell_type type;
	union {
		int64_t i;
		double d;
		/* offset into the slot's text */
		size_t off;
	} v;
};

struct slot {
	/* SLOT_ROWS * ncols cells */
	struct cell *cells;
	int nrows;
	maat_buf text;
};

struct maat_db_bulk {
	maat_db *db;
	/* "INSERT INTO t(a, b, c)" (owned) and the number of columns */
	char *head;
	int ncols;
	/* the writer's statements: full (STMT_ROWS rows) and the last one of another size */
	sqlite3_stmt *full, *part;
	int part_rows;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	struct slot slot[NSLOT];
	/* the slot being filled, the next the writer takes, slots handed over */
	int wr, rd, nfilled;
	/* the writer is writing a slot (taken, not yet freed) */
	bool busy;
	bool stop, threaded;
	pthread_t thread;
	/* the writer's failure (code 0: none), its first and last rowid */
	maat_err err;
	int64_t first_rowid, last_rowid;
};

static char *
insert_sql(const char *head, int ncols, int nrows)
{
	maat_buf b = {0};
	maat_buf_printf(&b, "%s VALUES ", head);
	for (int r = 0; r < nrows; r++) {
		maat_buf_printf(&b, "%s(", r ? "," : "");
		for (int c = 0; c < ncols; c++) {
			maat_buf_printf(&b, "%s?", c ? "," : "");
		}
		maat_buf_printf(&b, ")");
	}
	return b.data;
}

static int
prepare(maat_db_bulk *b, sqlite3_stmt **st, int nrows, maat_err *err)
{
	char *sql = insert_sql(b->head, b->ncols, nrows);
	int rc =
	    sqlite3_prepare_v3(maat_db_sqlite(b->db), sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL);
	free(sql);
	if (rc != SQLITE_OK) {
		return maat_db_fail(b->db, err, _("storing rows"));
	}
	return 0;
}

/* Writes the rows of one slot (on whichever thread owns the connection now). */
static int
write_slot(maat_db_bulk *b, struct slot *s, maat_err *err)
{
	for (int r0 = 0; r0 < s->nrows; r0 += STMT_ROWS) {
		int n = s->nrows - r0 < STMT_ROWS ? s->nrows - r0 : STMT_ROWS;
		sqlite3_stmt *st;
		int rc;
		if (n == STMT_ROWS) {
			if (b->full == NULL && (rc = prepare(b, &b->full, n, err)) < 0) {
				return rc;
			}
			st = b->full;
		} else {
			if (b->part_rows != n) {
				sqlite3_finalize(b->part);
				b->part = NULL;
				b->part_rows = 0;
				if ((rc = prepare(b, &b->part, n, err)) < 0) {
					return rc;
				}
				b->part_rows = n;
			}
			st = b->part;
		}
		for (int r = 0; r < n; r++) {
			const struct cell *row = &s->cells[(size_t)(r0 + r) * (size_t)b->ncols];
			for (int c = 0; c < b->ncols; c++) {
				int i = r * b->ncols + c + 1;
				switch (row[c].type) {
				case C_NULL:
					sqlite3_bind_null(st, i);
					break;
				case C_INT:
					sqlite3_bind_int64(st, i, row[c].v.i);
					break;
				case C_DOUBLE:
					sqlite3_bind_double(st, i, row[c].v.d);
					break;
				case C_TEXT:
					sqlite3_bind_text(st, i, s->text.data + row[c].v.off, -1,
							  SQLITE_STATIC);
					break;
				}
			}
		}
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			return maat_db_fail(b->db, err, _("storing rows"));
		}
		b->last_rowid = sqlite3_last_insert_rowid(maat_db_sqlite(b->db));
		if (b->first_rowid == 0) {
			b->first_rowid = b->last_rowid - n + 1;
		}
	}
	return 0;
}

static void *
writer(void *arg)
{
	maat_db_bulk *b = arg;

	pthread_mutex_lock(&b->mu);
	for (;;) {
		struct slot *s;
		maat_err e = {0};
		bool skip;
		int rc;
		while (b->nfilled == 0 && !b->stop) {
			pthread_cond_wait(&b->filled, &b->mu);
		}
		if (b->nfilled == 0) {
			break;
		}
		s = &b->slot[b->rd];
		b->busy = true;
		/* after a failure, or when stopped, what is left is dropped */
		skip = b->err.code != 0 || b->stop;
		pthread_mutex_unlock(&b->mu);
		rc = skip ? 0 : write_slot(b, s, &e);
		pthread_mutex_lock(&b->mu);
		if (rc < 0) {
			b->err = e;
		}
		s->nrows = 0;
		maat_buf_reset(&s->text);
		b->rd = (b->rd + 1) % NSLOT;
		b->nfilled--;
		b->busy = false;
		pthread_cond_broadcast(&b->freed);
	}
	pthread_mutex_unlock(&b->mu);
	return NULL;
}

maat_db_bulk *
maat_db_bulk_new(maat_db *db, const char *head, int ncols)
{
	maat_db_bulk *b = maat_xcalloc(1, sizeof(*b));

	b->db = db;
	b->head = maat_xstrdup(head);
	b->ncols = ncols;
	for (int i = 0; i < NSLOT; i++) {
		b->slot[i].cells =
		    maat_xcalloc((size_t)SLOT_ROWS * (size_t)ncols, sizeof(*b->slot[i].cells));
	}
	pthread_mutex_init(&b->mu, NULL);
	pthread_cond_init(&b->filled, NULL);
	pthread_cond_init(&b->freed, NULL);
	b->threaded = maat_thread_start(&b->thread, writer, b) == 0;
	return b;
}

static struct cell *
cell(maat_db_bulk *b, int col)
{
	struct slot *s = &b->slot[b->wr];
	return &s->cells[(size_t)s->nrows * (size_t)b->ncols + (size_t)col];
}

void
maat_db_bulk_int(maat_db_bulk *b, int col, int64_t v)
{
	struct cell *c = cell(b, col);
	c->type = C_INT;
	c->v.i = v;
}

void
maat_db_bulk_double(maat_db_bulk *b, int col, double v)
{
	struct cell *c = cell(b, col);
	c->type = C_DOUBLE;
	c->v.d = v;
}

void
maat_db_bulk_null(maat_db_bulk *b, int col)
{
	cell(b, col)->type = C_NULL;
}

void
maat_db_bulk_text(maat_db_bulk *b, int col, const char *text)
{
	struct cell *c = cell(b, col);

	if (text == NULL) {
		c->type = C_NULL;
		return;
	}
	c->type = C_TEXT;
	c->v.off = maat_buf_push_str(&b->slot[b->wr].text, text);
}

/* The writer's failure, if any (under b->mu). */
static int
failed(maat_db_bulk *b, maat_err *err)
{
	if (b->err.code == 0) {
		return 0;
	}
	if (err != NULL) {
		*err = b->err;
	}
	return -b->err.code;
}

/* Hands the slot being filled to the writer; waits for a free one. */
static int
hand_over(maat_db_bulk *b, maat_err *err)
{
	int rc;
	if (!b->threaded) {
		struct slot *s = &b->slot[b->wr];
		if (b->err.code == 0) {
			write_slot(b, s, &b->err);
		}
		s->nrows = 0;
		maat_buf_reset(&s->text);
		return failed(b, err);
	}
	pthread_mutex_lock(&b->mu);
	b->wr = (b->wr + 1) % NSLOT;
	b->nfilled++;
	pthread_cond_signal(&b->filled);
	while (b->nfilled == NSLOT) {
		pthread_cond_wait(&b->freed, &b->mu);
	}
	rc = failed(b, err);
	pthread_mutex_unlock(&b->mu);
	return rc;
}

int
maat_db_bulk_next(maat_db_bulk *b, maat_err *err)
{
	struct slot *s = &b->slot[b->wr];
	if (++s->nrows == SLOT_ROWS) {
		return hand_over(b, err);
	}
	return 0;
}

int
maat_db_bulk_sync(maat_db_bulk *b, maat_err *err)
{
	int rc;
	if (b->slot[b->wr].nrows > 0 && (rc = hand_over(b, err)) < 0) {
		return rc;
	}
	if (!b->threaded) {
		return failed(b, err);
	}
	pthread_mutex_lock(&b->mu);
	while (b->nfilled > 0 || b->busy) {
		pthread_cond_wait(&b->freed, &b->mu);
	}
	rc = failed(b, err);
	pthread_mutex_unlock(&b->mu);
	return rc;
}

int
maat_db_bulk_finish(maat_db_bulk *b, int64_t *first_rowid, int64_t *last_rowid, maat_err *err)
{
	int rc = maat_db_bulk_sync(b, err);
	if (rc == 0) {
		if (first_rowid != NULL) {
			*first_rowid = b->first_rowid;
		}
		if (last_rowid != NULL) {
			*last_rowid = b->first_rowid == 0 ? -1 : b->last_rowid;
		}
	}
	return rc;
}

void
maat_db_bulk_free(maat_db_bulk *b)
{
	if (b == NULL) {
		return;
	}
	if (b->threaded) {
		pthread_mutex_lock(&b->mu);
		b->stop = true;
		pthread_cond_signal(&b->filled);
		pthread_mutex_unlock(&b->mu);
		pthread_join(b->thread, NULL);
	}
	pthread_cond_destroy(&b->freed);
	pthread_cond_destroy(&b->filled);
	pthread_mutex_destroy(&b->mu);
	sqlite3_finalize(b->full);
	sqlite3_finalize(b->part);
	for (int i = 0; i < NSLOT; i++) {
		free(b->slot[i].cells);
		maat_buf_fini(&b->slot[i].text);
	}
	free(b->head);
	free(b);
}
