/* The case log as one log over every imported case source (METRICS.md §3): the merge of the
 * copies of an event that several sources hold, shared by handovers and terms so that both
 * count an event the same way. */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "caselog.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"

char *
maat_caselog_name_key(const char *kind, const char *name)
{
	/* one person however the files spell them: trimmed on import, compared here
	 * case-insensitively */
	if (strcmp(kind, "resource") == 0) {
		return maat_casefold(name ? name : "");
	}
	return maat_xstrdup(name ? name : "");
}

int
maat_caselog_source_ranks(maat_db *db, uint32_t **rank, int64_t *maxsrc, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(db, "SELECT coalesce(max(id), 0) FROM sources", err);
	int rc;

	*rank = NULL;
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		return st == NULL ? -MAAT_E_INTERNAL : maat_db_fail(db, err, _("reading sources"));
	}
	*maxsrc = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	*rank = maat_xcalloc((size_t)*maxsrc + 1, sizeof(**rank));
	st = maat_db_stmt(db, "SELECT id FROM sources WHERE kind = 'cases' ORDER BY sha256, id",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	for (uint32_t k = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; k++) {
		int64_t id = sqlite3_column_int64(st, 0);
		if (id >= 0 && id <= *maxsrc) {
			(*rank)[id] = k;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading sources"));
	}
	return 0;
}

static bool
same_event(const maat_caselog_ev *a, const maat_caselog_ev *b)
{
	return a->act == b->act && a->res == b->res && a->lc == b->lc;
}

static const maat_caselog_ev *sort_grp;

static int
cmp_gev_index(const void *pa, const void *pb)
{
	const maat_caselog_ev *a = &sort_grp[*(const size_t *)pa],
			      *b = &sort_grp[*(const size_t *)pb];
	if (a->act != b->act) {
		return a->act < b->act ? -1 : 1;
	}
	if (a->res != b->res) {
		return a->res < b->res ? -1 : 1;
	}
	return a->lc < b->lc ? -1 : a->lc > b->lc;
}

/* Numbers the distinct events (activity, resource, lifecycle) of the group; returns how many. */
static uint32_t
number_keys(maat_caselog_ev *g, size_t n)
{
	uint32_t d = 0;

	if (n <= 32) {
		for (size_t i = 0; i < n; i++) {
			size_t j = 0;
			while (j < i && !same_event(&g[j], &g[i])) {
				j++;
			}
			g[i].key = j < i ? g[j].key : d++;
		}
		return d;
	}
	{
		size_t *ix = maat_xcalloc(n, sizeof(*ix));
		for (size_t i = 0; i < n; i++) {
			ix[i] = i;
		}
		sort_grp = g;
		qsort(ix, n, sizeof(*ix), cmp_gev_index);
		sort_grp = NULL;
		for (size_t i = 0; i < n; i++) {
			if (i > 0 && !same_event(&g[ix[i - 1]], &g[ix[i]])) {
				d++;
			}
			g[ix[i]].key = d;
		}
		free(ix);
		return d + 1;
	}
}

/* The events of one case at one instant t, as the sources hold them (by source, then file
 * order), merged into one log (METRICS.md §3): copies that repeat inside one source all count,
 * an event held by several sources counts as often as the source holding most copies of it.
 * Order: the file order of the source that holds most events of the instant (ties: the lower
 * sha256), then the events only other sources hold, source by source. No store order (import
 * order) decides anything. */
void
maat_caselog_merge(maat_caselog_ev *g, size_t n, int64_t t, maat_caselog_emit_fn emit, void *ctx,
		   int64_t *within, int64_t *across)
{
	uint32_t d, *emitted, *occ, *srcs, *cnt;
	size_t nsrc = 0;
	bool one_source = true;

	if (n == 0) {
		return;
	}
	if (n == 1) {
		emit(ctx, t, &g[0]);
		return;
	}
	d = number_keys(g, n);
	for (size_t i = 1; i < n && one_source; i++) {
		one_source = g[i].src == g[0].src;
	}
	if (one_source) {
		for (size_t i = 0; i < n; i++) {
			emit(ctx, t, &g[i]);
		}
		if (within != NULL) {
			*within += (int64_t)(n - d);
		}
		return;
	}
	emitted = maat_xcalloc(d, sizeof(*emitted));
	occ = maat_xcalloc(d, sizeof(*occ));
	srcs = maat_xcalloc(n, sizeof(*srcs));
	cnt = maat_xcalloc(n, sizeof(*cnt));
	for (size_t i = 0; i < n; i++) {
		size_t k = 0;
		while (k < nsrc && srcs[k] != g[i].src) {
			k++;
		}
		if (k == nsrc) {
			srcs[nsrc++] = g[i].src;
		}
		cnt[k]++;
	}
	/* sources by events held at this instant (descending), then by rank: few, so a plain
	 * insertion sort */
	for (size_t i = 1; i < nsrc; i++) {
		for (size_t j = i; j > 0 && (cnt[j] > cnt[j - 1] ||
					     (cnt[j] == cnt[j - 1] && srcs[j] < srcs[j - 1]));
		     j--) {
			uint32_t ts = srcs[j], tc = cnt[j];
			srcs[j] = srcs[j - 1];
			cnt[j] = cnt[j - 1];
			srcs[j - 1] = ts;
			cnt[j - 1] = tc;
		}
	}
	for (size_t k = 0; k < nsrc; k++) {
		memset(occ, 0, d * sizeof(*occ));
		for (size_t i = 0; i < n; i++) {
			if (g[i].src != srcs[k]) {
				continue;
			}
			if (++occ[g[i].key] > emitted[g[i].key]) {
				emitted[g[i].key]++;
				emit(ctx, t, &g[i]);
			} else {
				if (across != NULL) {
					(*across)++;
				}
			}
		}
	}
	for (uint32_t k = 0; k < d && within != NULL; k++) {
		*within += emitted[k] - 1;
	}
	free(emitted);
	free(occ);
	free(srcs);
	free(cnt);
}

/* The scan (caselog.h). The rows are read by an SQL function in the WHERE clause of a
 * statement that returns no row: one sqlite3_step() walks the whole table, and the function
 * takes each row's columns as sqlite3_values, without the per-row return to the caller and
 * the sqlite3_column_*() calls that were a third of the scan's time. The function fills the
 * batch being written; full batches go through a ring of slots to the caller's thread. The
 * ring is deep (32 batches, 131,072 rows, 6 MB) because the analysis works in bursts: a merge of
 * the succession batch into the pairs takes milliseconds, and with 3 slots the reader waited
 * 0.3 s of a 2 s analysis of 10M events for free slots; with 32 it never waits. */
#define SCAN_SLOTS 32
#define SCAN_FUNC "maat_caselog_take"
#define SCAN_PTR "maat_caselog_scan"
#define NO_TEXT SIZE_MAX

struct scan {
	maat_db *db;
	/* the cases, stepped alongside the events (NULL without cases) */
	sqlite3_stmt *cases_st;
	/* the cases statement's current row: its case_no and the last step's result */
	int64_t cs_no;
	int cs_rc;
	/* the consumer */
	maat_caselog_batch_fn fn;
	void *ctx;
	/* a reader thread runs (else full batches go to fn on this thread) */
	bool threaded;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	maat_caselog_batch *slot[SCAN_SLOTS];
	/* the slot the reader fills, the next the consumer takes, slots handed over */
	int wr, rd, nfilled;
	/* the reader has finished (its last batch is handed over); the consumer stopped */
	bool done, abort;
	/* the previous row's case and instant (order check, case starts) */
	int64_t last_no, last_t;
	bool any;
	/* the statement reads the lifecycle, the source (else every event's source is one_src) */
	bool with_lc, with_src;
	int64_t one_src;
	/* the reader saw the consumer stop (reader's side) */
	bool stopped;
	/* the reader's failure, and the consumer's (unthreaded: fn's) */
	int rc, fn_rc;
	maat_err err, fn_err;
};

const char *
maat_caselog_text(const maat_caselog_batch *b, size_t off)
{
	return off == NO_TEXT ? NULL : b->text + off;
}

static size_t
batch_text(maat_caselog_batch *b, const unsigned char *s)
{
	size_t k, off;
	if (s == NULL) {
		return NO_TEXT;
	}
	k = strlen((const char *)s) + 1;
	if (b->used + k > b->cap) {
		while (b->used + k > b->cap) {
			b->cap = b->cap ? b->cap * 2 : 64 * 1024;
		}
		b->text = maat_xrealloc(b->text, b->cap);
	}
	off = b->used;
	memcpy(b->text + off, s, k);
	b->used += k;
	return off;
}

/* Hands the full slot over and takes the next free one; false when the consumer stopped. */
static bool
scan_hand_over(struct scan *s)
{
	bool go;
	if (!s->threaded) {
		maat_caselog_batch *b = s->slot[0];
		s->fn_rc = s->fn(s->ctx, b, &s->fn_err);
		b->n = b->ncases = b->used = 0;
		return s->fn_rc >= 0;
	}
	pthread_mutex_lock(&s->mu);
	s->wr = (s->wr + 1) % SCAN_SLOTS;
	s->nfilled++;
	pthread_cond_signal(&s->filled);
	while (s->nfilled == SCAN_SLOTS && !s->abort) {
		pthread_cond_wait(&s->freed, &s->mu);
	}
	go = !s->abort;
	pthread_mutex_unlock(&s->mu);
	if (go) {
		maat_caselog_batch *b = s->slot[s->wr];
		b->n = b->ncases = b->used = 0;
	}
	return go;
}

/* The case row of case no, read in step with the events (both in case_no order); false on a
 * store error (s->rc set). */
static bool
scan_case(struct scan *s, maat_caselog_batch *b, int64_t no)
{
	maat_caselog_case *c = &b->cases[b->ncases++];
	while (s->cs_rc == SQLITE_ROW && s->cs_no < no) {
		if ((s->cs_rc = sqlite3_step(s->cases_st)) == SQLITE_ROW) {
			s->cs_no = sqlite3_column_int64(s->cases_st, 0);
		}
	}
	if (s->cs_rc != SQLITE_ROW && s->cs_rc != SQLITE_DONE) {
		s->rc = maat_db_fail(s->db, &s->err, _("reading cases"));
		return false;
	}
	*c = (maat_caselog_case){no, NO_TEXT, NO_TEXT, false};
	if (s->cs_rc == SQLITE_ROW && s->cs_no == no) {
		c->found = true;
		c->key = batch_text(b, sqlite3_column_text(s->cases_st, 1));
		c->type = batch_text(b, sqlite3_column_text(s->cases_st, 2));
	}
	return true;
}

/* The SQL function: (scan, case_no, ts, ms, activity, resource[, lifecycle][, source_id]). */
static void
scan_take(sqlite3_context *cx, int argc, sqlite3_value **v)
{
	struct scan *s = argc >= 6 ? sqlite3_value_pointer(v[0], SCAN_PTR) : NULL;
	maat_caselog_batch *b;
	maat_caselog_row *row;

	if (s == NULL || argc != 6 + s->with_lc + s->with_src) {
		sqlite3_result_error(cx, SCAN_FUNC ": not in a scan", -1);
		return;
	}
	b = s->slot[s->wr];
	if (b->n == MAAT_CASELOG_BATCH && !scan_hand_over(s)) {
		s->stopped = true;
		sqlite3_result_error(cx, "stopped", -1);
		return;
	}
	b = s->slot[s->wr];
	row = &b->rows[b->n];
	row->case_no = sqlite3_value_int64(v[1]);
	row->t = sqlite3_value_int64(v[2]) * 1000 + sqlite3_value_int64(v[3]);
	row->aid = sqlite3_value_int64(v[4]);
	/* NULL reads as 0: no resource, no lifecycle */
	row->rid = sqlite3_value_int64(v[5]);
	row->lid = s->with_lc ? sqlite3_value_int64(v[6]) : 0;
	row->src = s->with_src ? sqlite3_value_int64(v[6 + s->with_lc]) : s->one_src;
	/* the analyses depend on the order: a query plan that sorted after the function ran
	 * would hand rows over out of order */
	if (s->any &&
	    (row->case_no < s->last_no || (row->case_no == s->last_no && row->t < s->last_t))) {
		s->rc = maat_err_set(&s->err, MAAT_E_INTERNAL, "%s",
				     _("the store's case events came out of order"));
		sqlite3_result_error(cx, "out of order", -1);
		return;
	}
	if (s->cases_st != NULL && (!s->any || row->case_no != s->last_no) &&
	    !scan_case(s, b, row->case_no)) {
		sqlite3_result_error(cx, "cases", -1);
		return;
	}
	s->any = true;
	s->last_no = row->case_no;
	s->last_t = row->t;
	b->n++;
	sqlite3_result_int(cx, 0);
}

/* Steps the scan's statements to the end (on the reader thread, or on this one). */
static void
scan_read(struct scan *s)
{
	sqlite3_stmt *st;
	maat_err e;
	int rc;

	/* a column fewer is a tenth less time: the lifecycle only when the store has any, the
	 * source only when there are several */
	static const char *const sql[2][2] = {
	    {"SELECT 1 FROM case_events WHERE " SCAN_FUNC
	     "(?1, case_no, ts, ms, activity, resource) "
	     "ORDER BY case_no, ts, ms, source_id, seq",
	     "SELECT 1 FROM case_events WHERE " SCAN_FUNC
	     "(?1, case_no, ts, ms, activity, resource, source_id) "
	     "ORDER BY case_no, ts, ms, source_id, seq"},
	    {"SELECT 1 FROM case_events WHERE " SCAN_FUNC
	     "(?1, case_no, ts, ms, activity, resource, lifecycle) "
	     "ORDER BY case_no, ts, ms, source_id, seq",
	     "SELECT 1 FROM case_events WHERE " SCAN_FUNC
	     "(?1, case_no, ts, ms, activity, resource, lifecycle, source_id) "
	     "ORDER BY case_no, ts, ms, source_id, seq"}};

	st = maat_db_stmt(s->db, sql[s->with_lc][s->with_src], &e);
	if (st == NULL) {
		s->rc = -MAAT_E_INTERNAL;
		s->err = e;
		return;
	}
	sqlite3_bind_pointer(st, 1, s, SCAN_PTR, NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* the function returns 0: no row comes back */
	}
	if (rc != SQLITE_DONE && s->rc == 0 && !s->stopped) {
		s->rc = maat_db_fail(s->db, &s->err, _("reading case events"));
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (s->cases_st != NULL) {
		sqlite3_reset(s->cases_st);
	}
}

static void *
scan_thread(void *arg)
{
	struct scan *s = arg;
	scan_read(s);
	pthread_mutex_lock(&s->mu);
	if (s->rc == 0 && !s->abort && (s->slot[s->wr]->n > 0 || s->slot[s->wr]->ncases > 0)) {
		/* the last, partly filled batch */
		s->wr = (s->wr + 1) % SCAN_SLOTS;
		s->nfilled++;
	}
	s->done = true;
	pthread_cond_signal(&s->filled);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Registers the scan's SQL function once per connection (registering it again would expire
 * every prepared statement of the connection). */
static int
scan_register(maat_db *db, maat_err *err)
{
	sqlite3 *sq = maat_db_sqlite(db);
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(sq, "SELECT " SCAN_FUNC "(NULL, 0, 0, 0, 0, 0)", -1, &st, NULL) ==
	    SQLITE_OK) {
		sqlite3_finalize(st);
		return 0;
	}
	sqlite3_finalize(st);
	/* DIRECTONLY: never from a trigger or a view of the file */
	if (sqlite3_create_function_v2(sq, SCAN_FUNC, -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL,
				       scan_take, NULL, NULL, NULL) != SQLITE_OK) {
		return maat_db_fail(db, err, _("reading case events"));
	}
	return 0;
}

/* Which columns the scan needs: any lifecycle names, more than one case source. */
static int
scan_columns(struct scan *s, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(
	    s->db, "SELECT count(*), coalesce(min(id), 0) FROM sources WHERE kind = 'cases'", err);
	int rc;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->with_src = sqlite3_column_int64(st, 0) > 1;
		s->one_src = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW) {
		return maat_db_fail(s->db, err, _("reading sources"));
	}
	st = maat_db_stmt(s->db, "SELECT 1 FROM case_names WHERE kind = 'lifecycle' LIMIT 1", err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	rc = sqlite3_step(st);
	s->with_lc = rc == SQLITE_ROW;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		return maat_db_fail(s->db, err, _("reading case names"));
	}
	return 0;
}

int
maat_caselog_scan(maat_db *db, bool with_cases, maat_caselog_batch_fn fn, void *ctx, maat_err *err)
{
	struct scan *s = maat_xcalloc(1, sizeof(*s));
	pthread_t th;
	int rc;

	s->db = db;
	s->fn = fn;
	s->ctx = ctx;
	s->cs_rc = SQLITE_ROW;
	s->cs_no = INT64_MIN;
	for (int i = 0; i < SCAN_SLOTS; i++) {
		s->slot[i] = maat_xcalloc(1, sizeof(*s->slot[i]));
	}
	if ((rc = scan_register(db, err)) < 0 || (rc = scan_columns(s, err)) < 0) {
		goto out;
	}
	if (with_cases) {
		/* a case's type: the first in name order of those its sources give */
		s->cases_st = maat_db_stmt(
		    db,
		    "SELECT c.case_no, c.case_key, (SELECT min(n.name) FROM case_types t JOIN "
		    "case_names n ON n.id = t.case_type WHERE t.case_no = c.case_no) FROM cases c "
		    "ORDER BY c.case_no",
		    err);
		if (s->cases_st == NULL) {
			rc = -MAAT_E_INTERNAL;
			goto out;
		}
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->filled, NULL);
	pthread_cond_init(&s->freed, NULL);
	/* set before the thread starts: it reads it */
	s->threaded = true;
	if (maat_thread_start(&th, scan_thread, s) != 0) {
		s->threaded = false;
	}
	if (!s->threaded) {
		/* no second thread: read and analyse on this one */
		scan_read(s);
		if (s->rc == 0 && s->fn_rc == 0 && (s->slot[0]->n > 0 || s->slot[0]->ncases > 0)) {
			s->fn_rc = fn(ctx, s->slot[0], &s->fn_err);
		}
	} else {
		for (;;) {
			maat_caselog_batch *b;
			pthread_mutex_lock(&s->mu);
			while (s->nfilled == 0 && !s->done) {
				pthread_cond_wait(&s->filled, &s->mu);
			}
			if (s->nfilled == 0) {
				pthread_mutex_unlock(&s->mu);
				break;
			}
			b = s->slot[s->rd];
			pthread_mutex_unlock(&s->mu);
			s->fn_rc = fn(ctx, b, &s->fn_err);
			pthread_mutex_lock(&s->mu);
			s->rd = (s->rd + 1) % SCAN_SLOTS;
			s->nfilled--;
			if (s->fn_rc < 0) {
				s->abort = true;
			}
			pthread_cond_signal(&s->freed);
			pthread_mutex_unlock(&s->mu);
			if (s->fn_rc < 0) {
				break;
			}
		}
		pthread_join(th, NULL);
	}
	pthread_cond_destroy(&s->freed);
	pthread_cond_destroy(&s->filled);
	pthread_mutex_destroy(&s->mu);
	if (s->fn_rc < 0) {
		rc = s->fn_rc;
		if (err != NULL) {
			*err = s->fn_err;
		}
	} else if (s->rc < 0) {
		rc = s->rc;
		if (err != NULL) {
			*err = s->err;
		}
	}
out:
	for (int i = 0; i < SCAN_SLOTS; i++) {
		free(s->slot[i]->text);
		free(s->slot[i]);
	}
	free(s);
	return rc;
}
