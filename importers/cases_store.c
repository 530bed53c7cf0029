#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "maatlat/cases.h"
#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/util.h"

/* Dictionary kinds, in the order of the CHECK list of case_names. */
enum kind { K_RESOURCE, K_ACTIVITY, K_LIFECYCLE, K_ROLE, K_GROUP, K_CASE_TYPE, K_N };
static const char *const kind_names[K_N] = {"resource", "activity", "lifecycle",
					    "role",     "group",    "case_type"};

/* The in-memory side of case_names: a bounded open-addressing hash. Past MAX_CACHED names the
 * store's index answers instead, so memory stays bounded whatever the file holds. */
#define MAX_CACHED (1u << 18)

/* Events go in BATCH rows per INSERT statement: one VDBE run per batch instead of per event
 * roughly halves the cost of the store side (bench/bench_cases.sh). */
#define BATCH 64
/* case_no, ts, ms, source_id, seq, activity, resource, lifecycle, role, grp; 0 = NULL for the
 * last four (dictionary ids start at 1) */
#define NCOL 10

struct name_entry {
	/* owned copy of the text; NULL = empty slot */
	char *name;
	/* enum kind */
	int kind;
	/* case_names.id */
	int64_t id;
};

struct maat_cases_sink {
	/* the import (borrowed) */
	maat_import *imp;
	/* --pseudonymise: resources are stored as keyed hashes (borrowed; NULL = as read) */
	const maat_pseudo *pseudo;
	/* the hash of names */
	struct name_entry *names;
	/* slots in names (a power of two) and slots used */
	size_t cap, used;
	/* the case of the previous event (owned), and its case_no: logs are mostly grouped */
	char *last_case;
	int64_t last_case_no;
	/* cases numbered below this existed before the import: only their events can already
	 * be known from another source */
	int64_t first_new_case_no;
	/* the next case_no to hand out; cases created by this sink */
	int64_t next_case_no;
	int64_t new_cases;
	/* events stored; the file order of the next one */
	int64_t events;
	/* events without a resource */
	int64_t without_resource;
	/* events that another source already held */
	int64_t known;
	/* events waiting for the next multi-row INSERT (BATCH of them), NCOL values each */
	int64_t batch[BATCH][NCOL];
	int nbatch;
	/* the SQL text of a full batch (owned), so maat_db_stmt() prepares it once */
	char *full_sql;
	/* the trimmed resource of the event being added (owned, reused) */
	maat_buf res;
};

static uint64_t
hash(const char *s, int kind)
{
	/* FNV-1a */
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)kind;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Trims white space and no-break spaces (U+00A0) at both ends into b; returns b's text. */
static const char *
trim_into(maat_buf *b, const char *s)
{
	size_t n;
	for (;;) {
		if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\v' ||
		    *s == '\f') {
			s++;
		} else if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
			s += 2;
		} else {
			break;
		}
	}
	n = strlen(s);
	for (;;) {
		if (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' ||
			      s[n - 1] == '\n' || s[n - 1] == '\v' || s[n - 1] == '\f')) {
			n--;
		} else if (n > 1 && (unsigned char)s[n - 2] == 0xC2 &&
			   (unsigned char)s[n - 1] == 0xA0) {
			n -= 2;
		} else {
			break;
		}
	}
	maat_buf_reset(b);
	maat_buf_append(b, s, n);
	return b->data != NULL ? b->data : "";
}

maat_cases_sink *
maat_cases_sink_new(maat_import *imp, maat_err *err)
{
	maat_cases_sink *s = maat_xcalloc(1, sizeof(*s));
	sqlite3_stmt *st;

	s->imp = imp;
	s->cap = 1024;
	s->names = maat_xcalloc(s->cap, sizeof(*s->names));
	st = maat_db_stmt(imp->db, "SELECT coalesce(max(case_no), 0) FROM cases", err);
	if (st == NULL) {
		maat_cases_sink_free(s);
		return NULL;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		maat_db_fail(imp->db, err, _("reading cases"));
		maat_cases_sink_free(s);
		return NULL;
	}
	s->next_case_no = sqlite3_column_int64(st, 0) + 1;
	s->first_new_case_no = s->next_case_no;
	sqlite3_reset(st);
	return s;
}

void
maat_cases_sink_free(maat_cases_sink *s)
{
	if (s == NULL) {
		return;
	}
	for (size_t i = 0; i < s->cap; i++) {
		free(s->names[i].name);
	}
	free(s->names);
	free(s->last_case);
	free(s->full_sql);
	maat_buf_fini(&s->res);
	free(s);
}

int64_t
maat_cases_sink_events(const maat_cases_sink *s)
{
	return s->events;
}

int64_t
maat_cases_sink_without_resource(const maat_cases_sink *s)
{
	return s->without_resource;
}

int64_t
maat_cases_sink_known(const maat_cases_sink *s)
{
	return s->known;
}

static void
grow(maat_cases_sink *s)
{
	struct name_entry *old = s->names;
	size_t oldcap = s->cap;

	s->cap *= 2;
	s->names = maat_xcalloc(s->cap, sizeof(*s->names));
	for (size_t i = 0; i < oldcap; i++) {
		if (old[i].name != NULL) {
			size_t j = hash(old[i].name, old[i].kind) & (s->cap - 1);
			while (s->names[j].name != NULL) {
				j = (j + 1) & (s->cap - 1);
			}
			s->names[j] = old[i];
		}
	}
	free(old);
}

/* The id of name in the dictionary, inserted when new. */
static int
name_id(maat_cases_sink *s, int kind, const char *name, int64_t *id, maat_err *err)
{
	maat_db *db = s->imp->db;
	size_t j = hash(name, kind) & (s->cap - 1);
	char *pseudonym = NULL;
	const char *stored;
	sqlite3_stmt *st;
	int rc;

	while (s->names[j].name != NULL) {
		if (s->names[j].kind == kind && strcmp(s->names[j].name, name) == 0) {
			*id = s->names[j].id;
			return 0;
		}
		j = (j + 1) & (s->cap - 1);
	}
	/* not cached (new, or past MAX_CACHED): the store's index knows. Only here is a
	 * resource hashed: once per distinct name, not once per event. */
	if (kind == K_RESOURCE && s->pseudo != NULL) {
		pseudonym = maat_pseudo_apply(s->pseudo, name);
	}
	stored = pseudonym != NULL ? pseudonym : name;
	st = maat_db_stmt(db, "SELECT id FROM case_names WHERE kind = ?1 AND name = ?2 LIMIT 1",
			  err);
	if (st == NULL) {
		free(pseudonym);
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_text(st, 1, kind_names[kind], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stored, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	} else if (rc != SQLITE_DONE) {
		free(pseudonym);
		return maat_db_fail(db, err, _("reading a name"));
	} else {
		sqlite3_reset(st);
		st = maat_db_stmt(db, "INSERT INTO case_names(kind, name) VALUES (?1, ?2)", err);
		if (st == NULL) {
			free(pseudonym);
			return -MAAT_E_INTERNAL;
		}
		sqlite3_bind_text(st, 1, kind_names[kind], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, stored, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			free(pseudonym);
			return maat_db_fail(db, err, _("storing a name"));
		}
		*id = sqlite3_last_insert_rowid(maat_db_sqlite(db));
	}
	free(pseudonym);
	if (s->used < MAX_CACHED) {
		if ((s->used + 1) * 2 > s->cap) {
			grow(s);
			j = hash(name, kind) & (s->cap - 1);
			while (s->names[j].name != NULL) {
				j = (j + 1) & (s->cap - 1);
			}
		}
		s->names[j] = (struct name_entry){maat_xstrdup(name), kind, *id};
		s->used++;
	}
	return 0;
}

/* The case_no of case key (one number over all sources), inserting the case when new. */
static int
case_no(maat_cases_sink *s, const maat_case_event *ev, int64_t *out, maat_err *err)
{
	maat_db *db = s->imp->db;
	sqlite3_stmt *st;
	int rc;

	if (s->last_case != NULL && strcmp(s->last_case, ev->case_id) == 0) {
		*out = s->last_case_no;
		return 0;
	}
	/* most cases of a file are new: try to add it first (one statement, one index search),
	 * and look it up only when another source (or this file, ungrouped) has it */
	st = maat_db_stmt(db,
			  "INSERT INTO cases(case_no, case_key) VALUES (?1, ?2) "
			  "ON CONFLICT (case_key) DO NOTHING",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, s->next_case_no);
	sqlite3_bind_text(st, 2, ev->case_id, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE) {
		return maat_db_fail(db, err, _("storing a case"));
	}
	if (sqlite3_changes(maat_db_sqlite(db)) == 1) {
		*out = s->next_case_no++;
		s->new_cases++;
	} else {
		st = maat_db_stmt(db, "SELECT case_no FROM cases WHERE case_key = ?1", err);
		if (st == NULL) {
			return -MAAT_E_INTERNAL;
		}
		sqlite3_bind_text(st, 1, ev->case_id, -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW) {
			return maat_db_fail(db, err, _("reading cases"));
		}
		*out = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
	}
	free(s->last_case);
	s->last_case = maat_xstrdup(ev->case_id);
	s->last_case_no = *out;
	return 0;
}

/* Case type: the first one a case names in this source is kept (XES case attributes repeat
 * per event); another source may give its own. */
static int
set_case_type(maat_cases_sink *s, int64_t cno, const char *type, maat_err *err)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if ((rc = name_id(s, K_CASE_TYPE, type, &id, err)) < 0) {
		return rc;
	}
	st = maat_db_stmt(s->imp->db,
			  "INSERT OR IGNORE INTO case_types(case_no, source_id, case_type) "
			  "VALUES (?1, ?2, ?3)",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, cno);
	sqlite3_bind_int64(st, 2, s->imp->source_id);
	sqlite3_bind_int64(st, 3, id);
	if (sqlite3_step(st) != SQLITE_DONE) {
		return maat_db_fail(s->imp->db, err, _("storing a case"));
	}
	return 0;
}

static bool
present(const char *s)
{
	return s != NULL && *s != '\0';
}

/* The INSERT for n rows: "INSERT INTO case_events(...) VALUES (?,...),(?,...)...". */
static char *
insert_sql(int n)
{
	maat_buf b = {0};
	maat_buf_printf(&b, "INSERT INTO case_events(case_no, ts, ms, source_id, seq, activity, "
			    "resource, lifecycle, role, grp) VALUES ");
	for (int i = 0; i < n; i++) {
		maat_buf_printf(&b, "%s(?,?,?,?,?,?,?,?,?,?)", i ? "," : "");
	}
	return b.data;
}

/* Writes the batched events. */
static int
flush(maat_cases_sink *s, maat_err *err)
{
	sqlite3_stmt *st;
	char *sql = NULL;
	int n = s->nbatch;

	if (n == 0) {
		return 0;
	}
	if (n == BATCH) {
		if (s->full_sql == NULL) {
			s->full_sql = insert_sql(BATCH);
		}
		st = maat_db_stmt(s->imp->db, s->full_sql, err);
	} else {
		sql = insert_sql(n);
		st = maat_db_stmt(s->imp->db, sql, err);
		free(sql);
	}
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	for (int r = 0; r < n; r++) {
		for (int c = 0; c < NCOL; c++) {
			int64_t v = s->batch[r][c];
			if (c < 6 || v != 0) {
				sqlite3_bind_int64(st, r * NCOL + c + 1, v);
			}
		}
	}
	s->nbatch = 0;
	if (sqlite3_step(st) != SQLITE_DONE) {
		return maat_db_fail(s->imp->db, err, _("storing an event"));
	}
	sqlite3_reset(st);
	return 0;
}

int
maat_cases_sink_finish(maat_cases_sink *s, maat_err *err)
{
	return flush(s, err);
}

static bool
same_id(sqlite3_stmt *st, int col, int64_t id)
{
	return id == 0 ? sqlite3_column_type(st, col) == SQLITE_NULL
		       : sqlite3_column_type(st, col) != SQLITE_NULL &&
			     sqlite3_column_int64(st, col) == id;
}

/* An event of a case that existed before this import (row already stored): was it known?
 * It was when another source holds at least as many copies of it (same case, time,
 * activity, lifecycle, and resource compared as METRICS.md §3 says) as this source holds
 * up to and including it. */
static int
check_known(maat_cases_sink *s, const int64_t *row, const char *resource, maat_err *err)
{
	maat_db *db = s->imp->db;
	sqlite3_stmt *st =
	    maat_db_stmt(db,
			 "SELECT e.source_id, e.activity, e.lifecycle, r.name FROM case_events e "
			 "LEFT JOIN case_names r ON r.id = e.resource "
			 "WHERE e.case_no = ?1 AND e.ts = ?2 AND e.ms = ?3",
			 err);
	char *mine = present(resource) ? maat_casefold(resource) : NULL;
	int64_t own = 0, best = 0, cur = 0, cur_src = -1;
	int rc;

	if (st == NULL) {
		free(mine);
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, row[0]);
	sqlite3_bind_int64(st, 2, row[1]);
	sqlite3_bind_int64(st, 3, row[2]);
	/* rows come in (source, file order) order: count per source as they pass */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t src = sqlite3_column_int64(st, 0);
		const char *rn = (const char *)sqlite3_column_text(st, 3);
		bool same;
		if (!same_id(st, 1, row[5]) || !same_id(st, 2, row[7])) {
			continue;
		}
		if (rn == NULL || mine == NULL) {
			same = rn == NULL && mine == NULL;
		} else {
			char *f = maat_casefold(rn);
			same = strcmp(f, mine) == 0;
			free(f);
		}
		if (!same) {
			continue;
		}
		if (src == s->imp->source_id) {
			own++;
			continue;
		}
		if (src != cur_src) {
			cur_src = src;
			cur = 0;
		}
		if (++cur > best) {
			best = cur;
		}
	}
	sqlite3_reset(st);
	free(mine);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading cases"));
	}
	s->known += own <= best;
	return 0;
}

int
maat_cases_sink_add(const maat_case_event *ev, void *ctx, maat_err *err)
{
	maat_cases_sink *s = ctx;
	const char *resource = present(ev->resource) ? trim_into(&s->res, ev->resource) : NULL;
	const char *opt[4] = {resource, ev->lifecycle, ev->role, ev->group};
	static const int optkind[4] = {K_RESOURCE, K_LIFECYCLE, K_ROLE, K_GROUP};
	int64_t cno = 0, act = 0, ids[4];
	int64_t *row;
	bool new_case;
	int rc;

	new_case = s->last_case == NULL || strcmp(s->last_case, ev->case_id) != 0;
	if ((rc = case_no(s, ev, &cno, err)) < 0 ||
	    (rc = name_id(s, K_ACTIVITY, ev->activity, &act, err)) < 0) {
		return rc;
	}
	if (new_case && present(ev->case_type) &&
	    (rc = set_case_type(s, cno, ev->case_type, err)) < 0) {
		return rc;
	}
	for (int i = 0; i < 4; i++) {
		ids[i] = 0;
		if (present(opt[i]) && (rc = name_id(s, optkind[i], opt[i], &ids[i], err)) < 0) {
			return rc;
		}
	}
	row = s->batch[s->nbatch];
	row[0] = cno;
	row[1] = ev->ts;
	row[2] = ev->ms;
	row[3] = s->imp->source_id;
	row[4] = s->events;
	row[5] = act;
	for (int i = 0; i < 4; i++) {
		row[6 + i] = ids[i];
	}
	s->nbatch++;
	if (cno < s->first_new_case_no) {
		/* a case another source holds: store now, then compare with what is there */
		if ((rc = flush(s, err)) < 0 || (rc = check_known(s, row, resource, err)) < 0) {
			return rc;
		}
	} else if (s->nbatch == BATCH && (rc = flush(s, err)) < 0) {
		return rc;
	}
	s->events++;
	if (!present(resource)) {
		s->without_resource++;
	}
	return 0;
}

static bool
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/* XES when the name says so, else when the first non-blank byte is '<' (after a BOM) or the
 * data is gzip-compressed. Rewinds f. */
static bool
looks_like_xes(FILE *f, const char *path)
{
	unsigned char b[64];
	size_t n, i = 0;

	if (ends_with(path, ".xes") || ends_with(path, ".xes.gz")) {
		return true;
	}
	if (ends_with(path, ".csv") || ends_with(path, ".txt") || ends_with(path, ".tsv")) {
		return false;
	}
	n = fread(b, 1, sizeof(b), f);
	rewind(f);
	if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
		return true;
	}
	if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF) {
		i = 3;
	}
	while (i < n && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
		i++;
	}
	return i < n && b[i] == '<';
}

/* The reader (CSV, XES or ZGW) and the store run on two threads: the reader parses and hands
 * events over in batches, the import's own thread stores them (all SQLite work stays on the
 * thread that opened the store). Parsing is about 40% of an import's time and the store the
 * rest (bench/README.md, profiles), so two cores bring `import cases` under `sqlite3 .import`
 * of the same CSV. Readers touch neither the store nor anything the sink shares. */
#define PIPE_EVENTS 2048
#define PIPE_TEXT (256 * 1024)
#define PIPE_SLOTS 3
/* the strings of an event, as offsets into its batch's text (MAAT_BUF_NONE = NULL) */
enum { P_CASE, P_ACTIVITY, P_RESOURCE, P_LIFECYCLE, P_ROLE, P_GROUP, P_CASE_TYPE, P_N };

struct pipe_event {
	int64_t ts, line;
	int ms;
	size_t off[P_N];
};

struct pipe_batch {
	struct pipe_event ev[PIPE_EVENTS];
	int n;
	maat_buf text;
};

enum reader_kind { READ_CSV, READ_XES, READ_ZGW };

struct pipe {
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	struct pipe_batch slot[PIPE_SLOTS];
	/* the slot the reader fills, the next the store takes, slots handed over */
	int wr, rd, nfilled;
	/* the reader has returned (its last batch is handed over); the store has stopped */
	bool done, abort;
	/* the reader's side */
	FILE *f;
	const maat_cases_opts *o;
	enum reader_kind kind;
	int64_t n;
	maat_err err;
};

static int64_t
run_reader(enum reader_kind kind, FILE *f, const maat_cases_opts *o, maat_case_event_fn fn,
	   void *ctx, maat_err *err)
{
	return kind == READ_XES   ? maat_xes_read(f, o, fn, ctx, err)
	       : kind == READ_ZGW ? maat_zgw_read(f, o, fn, ctx, err)
				  : maat_cases_csv_read(f, o, fn, ctx, err);
}

/* Hands the reader's slot over and waits for a free one; false when the store stopped. */
static bool
pipe_hand_over(struct pipe *p)
{
	bool go;
	pthread_mutex_lock(&p->mu);
	p->wr = (p->wr + 1) % PIPE_SLOTS;
	p->nfilled++;
	pthread_cond_signal(&p->filled);
	while (p->nfilled == PIPE_SLOTS && !p->abort) {
		pthread_cond_wait(&p->freed, &p->mu);
	}
	go = !p->abort;
	pthread_mutex_unlock(&p->mu);
	if (go) {
		p->slot[p->wr].n = 0;
		maat_buf_reset(&p->slot[p->wr].text);
	}
	return go;
}

/* The reader's callback: copies the event into the slot being filled. */
static int
pipe_add(const maat_case_event *ev, void *ctx, maat_err *err)
{
	struct pipe *p = ctx;
	struct pipe_batch *b = &p->slot[p->wr];
	struct pipe_event *e;

	if (b->n == PIPE_EVENTS || b->text.len >= PIPE_TEXT) {
		if (!pipe_hand_over(p)) {
			/* the store failed: its error is the one shown */
			return maat_err_set(err, MAAT_E_INTERNAL, "stopped");
		}
		b = &p->slot[p->wr];
	}
	e = &b->ev[b->n++];
	e->ts = ev->ts;
	e->ms = ev->ms;
	e->line = ev->line;
	e->off[P_CASE] = maat_buf_push_str(&b->text, ev->case_id);
	e->off[P_ACTIVITY] = maat_buf_push_str(&b->text, ev->activity);
	e->off[P_RESOURCE] = maat_buf_push_str(&b->text, ev->resource);
	e->off[P_LIFECYCLE] = maat_buf_push_str(&b->text, ev->lifecycle);
	e->off[P_ROLE] = maat_buf_push_str(&b->text, ev->role);
	e->off[P_GROUP] = maat_buf_push_str(&b->text, ev->group);
	e->off[P_CASE_TYPE] = maat_buf_push_str(&b->text, ev->case_type);
	return 0;
}

static void *
pipe_reader(void *arg)
{
	struct pipe *p = arg;
	p->n = run_reader(p->kind, p->f, p->o, pipe_add, p, &p->err);
	pthread_mutex_lock(&p->mu);
	if (p->slot[p->wr].n > 0) {
		/* the last, partly filled batch */
		p->wr = (p->wr + 1) % PIPE_SLOTS;
		p->nfilled++;
	}
	p->done = true;
	pthread_cond_signal(&p->filled);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

static const char *
pipe_str(const struct pipe_batch *b, size_t off)
{
	return off == MAAT_BUF_NONE ? NULL : b->text.data + off;
}

/* Reads f with the reader of kind on a thread of its own and stores its events through the
 * sink on this one. Returns what the reader returns, or the sink's failure. */
static int64_t
read_piped(enum reader_kind kind, FILE *f, const maat_cases_opts *o, maat_cases_sink *s,
	   maat_err *err)
{
	struct pipe *p = maat_xcalloc(1, sizeof(*p));
	pthread_t th;
	int rc = 0, made;

	p->f = f;
	p->o = o;
	p->kind = kind;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->filled, NULL);
	pthread_cond_init(&p->freed, NULL);
	made = maat_thread_start(&th, pipe_reader, p);
	if (made != 0) {
		/* no second thread: read and store on this one */
		p->n = run_reader(kind, f, o, maat_cases_sink_add, s, err);
		goto out;
	}
	for (;;) {
		struct pipe_batch *b;
		pthread_mutex_lock(&p->mu);
		while (p->nfilled == 0 && !p->done) {
			pthread_cond_wait(&p->filled, &p->mu);
		}
		if (p->nfilled == 0) {
			pthread_mutex_unlock(&p->mu);
			break;
		}
		b = &p->slot[p->rd];
		pthread_mutex_unlock(&p->mu);
		for (int i = 0; i < b->n && rc == 0; i++) {
			const struct pipe_event *e = &b->ev[i];
			maat_case_event ev = {
			    .case_id = pipe_str(b, e->off[P_CASE]),
			    .activity = pipe_str(b, e->off[P_ACTIVITY]),
			    .ts = e->ts,
			    .ms = e->ms,
			    .resource = pipe_str(b, e->off[P_RESOURCE]),
			    .lifecycle = pipe_str(b, e->off[P_LIFECYCLE]),
			    .role = pipe_str(b, e->off[P_ROLE]),
			    .group = pipe_str(b, e->off[P_GROUP]),
			    .case_type = pipe_str(b, e->off[P_CASE_TYPE]),
			    .line = e->line,
			};
			rc = maat_cases_sink_add(&ev, s, err);
		}
		pthread_mutex_lock(&p->mu);
		p->rd = (p->rd + 1) % PIPE_SLOTS;
		p->nfilled--;
		if (rc < 0) {
			p->abort = true;
		}
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->mu);
		if (rc < 0) {
			break;
		}
	}
	pthread_join(th, NULL);
	if (rc < 0) {
		p->n = rc;
	} else if (p->n < 0 && err != NULL) {
		*err = p->err;
	}
out:
	pthread_cond_destroy(&p->freed);
	pthread_cond_destroy(&p->filled);
	pthread_mutex_destroy(&p->mu);
	for (int i = 0; i < PIPE_SLOTS; i++) {
		maat_buf_fini(&p->slot[i].text);
	}
	{
		int64_t n = p->n;
		free(p);
		return n;
	}
}

int
maat_cases_import(maat_import *imp, FILE *f, void *ctx, maat_err *err)
{
	maat_cases_opts o = *(const maat_cases_opts *)ctx;
	maat_cases_sink *s;
	int64_t n;
	bool xes, zgw;
	int rc = 0;

	o.path = imp->path;
	if (o.format == NULL || strcmp(o.format, "auto") == 0) {
		xes = looks_like_xes(f, imp->path);
		zgw = !xes && maat_looks_like_json(f);
	} else {
		xes = strcmp(o.format, "xes") == 0;
		zgw = strcmp(o.format, "zgw") == 0;
	}
	if ((s = maat_cases_sink_new(imp, err)) == NULL) {
		return err != NULL && err->code ? -err->code : -MAAT_E_INTERNAL;
	}
	s->pseudo = o.pseudo;
	n = read_piped(xes ? READ_XES : zgw ? READ_ZGW : READ_CSV, f, &o, s, err);
	if (n < 0) {
		rc = (int)n;
		goto out;
	}
	if ((rc = maat_cases_sink_finish(s, err)) < 0) {
		goto out;
	}
	imp->rows_read = s->events;
	if (o.counts != NULL) {
		o.counts->cases = s->new_cases;
		o.counts->events = s->events;
		o.counts->without_resource = s->without_resource;
		o.counts->known = s->known;
	}
	{
		sqlite3_stmt *st = maat_db_stmt(imp->db,
						"INSERT INTO case_imports(source_id, events, "
						"already_known) VALUES (?1, ?2, ?3)",
						err);
		if (st == NULL) {
			rc = -MAAT_E_INTERNAL;
			goto out;
		}
		sqlite3_bind_int64(st, 1, imp->source_id);
		sqlite3_bind_int64(st, 2, s->events);
		sqlite3_bind_int64(st, 3, s->known);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = maat_db_fail(imp->db, err, _("storing the import's counts"));
			goto out;
		}
		sqlite3_reset(st);
	}
	if (s->known > 0 &&
	    (rc = maat_db_log(imp->db, imp->source_id, 0, "info", err,
			      "%lld of %lld events were already known from other case logs; "
			      "they count once",
			      (long long)s->known, (long long)s->events)) < 0) {
		goto out;
	}
	if (s->without_resource > 0) {
		rc = maat_db_log(imp->db, imp->source_id, 0, "info", err,
				 "%lld of %lld events name no resource; they are kept and "
				 "skipped for handover figures",
				 (long long)s->without_resource, (long long)s->events);
	}
out:
	maat_cases_sink_free(s);
	return rc;
}
