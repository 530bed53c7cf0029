/* strcasestr */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "maatlat/i18n.h"
#include "maatlat/person.h"
#include "maatlat/util.h"

/* How many candidates an ambiguous name lists in the error message. */
#define MAX_CANDIDATES 8

/* A set of keys searched inside free text, handed to the SQL functions below. */
typedef struct keyset {
	/* lower-cased, longest first (an e-mail is replaced before an id inside it); borrowed */
	char **k;
	size_t n;
	/* what forget writes in place of a key */
	const char *token;
} keyset;

/* One org-chart row that may be the person's. */
typedef struct orgrow {
	int64_t rowid;
	int64_t source;
	/* owned; NULL when the column is */
	char *id;
	char *name;
	char *email;
} orgrow;

typedef struct rowlist {
	orgrow *v;
	size_t n;
} rowlist;

/* What the argument resolved to. */
typedef struct ident {
	/* the person's own org rows; owned */
	rowlist rows;
	/* ids that stand for this person alone (not a job-share post); lower-cased */
	char **ids;
	size_t nids;
} ident;

static void
rows_fini(rowlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].name);
		free(l->v[i].email);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static char *
col_dup(sqlite3_stmt *st, int c)
{
	const unsigned char *t = sqlite3_column_text(st, c);
	return t != NULL ? maat_xstrdup((const char *)t) : NULL;
}

static char *
lower_trim(const char *s)
{
	char *d;
	if (s == NULL) {
		return NULL;
	}
	d = maat_trim(maat_xstrdup(s));
	for (size_t i = 0; d[i]; i++) {
		d[i] = (char)tolower((unsigned char)d[i]);
	}
	return d;
}

static bool
empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* What tells two rows of one post apart: the e-mail, else the name. Lower-cased, "" if none. */
static char *
identity(const orgrow *r)
{
	return lower_trim(!empty(r->email) ? r->email : (r->name ? r->name : ""));
}

static bool
has_str(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i], s) == 0) {
			return true;
		}
	}
	return false;
}

static void
add_str(char ***v, size_t *n, const char *s)
{
	char *l;
	if (empty(s)) {
		return;
	}
	l = lower_trim(s);
	if (*l == '\0' || has_str(*v, *n, l)) {
		free(l);
		return;
	}
	*v = maat_xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = l;
}

static void
free_strs(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i]);
	}
	free(v);
}

/* A JSON array of the strings, to bind to one parameter (json_each). Caller frees. */
static char *
json_list(char **v, size_t n)
{
	json_t *a = json_array();
	char *s;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_string(v[i]);
		if (e != NULL) { /* not UTF-8: nothing stored can equal it */
			json_array_append_new(a, e);
		}
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

static char *
json_rowids(const rowlist *l)
{
	json_t *a = json_array();
	char *s;
	for (size_t i = 0; i < l->n; i++) {
		json_array_append_new(a, json_integer((json_int_t)l->v[i].rowid));
	}
	s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return s;
}

/* Rows of org_rows for sql with ?1 bound to text; appended to out. */
static int
load_rows(maat_db *db, const char *sql, const char *text, rowlist *out, maat_err *err)
{
	sqlite3_stmt *st = NULL;
	int rc;
	if (sqlite3_prepare_v2(maat_db_sqlite(db), sql, -1, &st, NULL) != SQLITE_OK) {
		return maat_db_fail(db, err, _("reading the org chart"));
	}
	sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		orgrow r = {
		    .rowid = sqlite3_column_int64(st, 0),
		    .source = sqlite3_column_int64(st, 1),
		    .id = col_dup(st, 2),
		    .name = col_dup(st, 3),
		    .email = col_dup(st, 4),
		};
		out->v = maat_xreallocarray(out->v, out->n + 1, sizeof(*out->v));
		out->v[out->n++] = r;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : maat_db_fail(db, err, _("reading the org chart"));
}

#define ROW_COLS "SELECT rowid, source_id, id, name, email FROM org_rows "

/* "14 (k.14@voorbeeld.nl), 93 (k.93@voorbeeld.nl)": the people a value may mean. */
static void
candidates(const rowlist *l, maat_buf *b)
{
	char **seen = NULL;
	size_t nseen = 0, shown = 0;
	for (size_t i = 0; i < l->n; i++) {
		char *key = maat_xasprintf("%s\x1f%s", l->v[i].id ? l->v[i].id : "",
					   l->v[i].email ? l->v[i].email : "");
		if (has_str(seen, nseen, key)) {
			free(key);
			continue;
		}
		seen = maat_xreallocarray(seen, nseen + 1, sizeof(*seen));
		seen[nseen++] = key;
		if (shown++ == MAX_CANDIDATES) {
			maat_buf_printf(b, ", ...");
			break;
		}
		maat_buf_printf(b, "%s%s%s%s%s", shown > 1 ? ", " : "",
				l->v[i].id ? l->v[i].id : "", !empty(l->v[i].email) ? " (" : "",
				!empty(l->v[i].email) ? l->v[i].email : "",
				!empty(l->v[i].email) ? ")" : "");
	}
	for (size_t i = 0; i < nseen; i++) {
		free(seen[i]);
	}
	free(seen);
}

static bool all_digits(const char *s);

/* Resolves who to one person's org rows. 0 (rows empty: who is in no org chart), or negative
 * with err set (MAAT_E_USAGE: ambiguous). */
static int
resolve(maat_db *db, const char *who, ident *out, maat_err *err)
{
	rowlist seeds = {0}, post = {0};
	char *w = lower_trim(who);
	int rc;
	enum { BY_ID, BY_EMAIL, BY_NAME } by = BY_ID;

	memset(out, 0, sizeof(*out));
	if ((rc = load_rows(db, ROW_COLS "WHERE lower(trim(id)) = ?1", w, &seeds, err)) < 0) {
		goto out;
	}
	if (seeds.n == 0 && w[0] == '0' && all_digits(w)) {
		/* "0042" for a post stored as "42" (imported with --normalise-ids) */
		const char *z = w;
		while (z[0] == '0' && z[1] != '\0') {
			z++;
		}
		if ((rc = load_rows(db, ROW_COLS "WHERE lower(trim(id)) = ?1", z, &seeds, err)) <
		    0) {
			goto out;
		}
	}
	if (seeds.n == 0) {
		by = BY_EMAIL;
		rc = load_rows(db, ROW_COLS "WHERE lower(trim(email)) = ?1", w, &seeds, err);
	}
	if (rc == 0 && seeds.n == 0) {
		by = BY_NAME;
		rc = load_rows(db, ROW_COLS "WHERE lower(trim(name)) = ?1", w, &seeds, err);
	}
	if (rc < 0 || seeds.n == 0) {
		goto out;
	}
	if (by == BY_NAME) {
		/* a name is a person only when one person holds it */
		char *first = lower_trim(seeds.v[0].id ? seeds.v[0].id : "");
		bool several = false;
		for (size_t i = 1; i < seeds.n && !several; i++) {
			char *o = lower_trim(seeds.v[i].id ? seeds.v[i].id : "");
			char *a = identity(&seeds.v[0]), *b = identity(&seeds.v[i]);
			several = strcmp(first, o) != 0 || strcmp(a, b) != 0;
			free(o);
			free(a);
			free(b);
		}
		free(first);
		if (several) {
			maat_buf b = {0};
			candidates(&seeds, &b);
			rc = maat_err_set(err, MAAT_E_USAGE,
					  _("'%s' is the name of several people: %s; give an id or "
					    "an e-mail"),
					  who, b.data ? b.data : "");
			maat_buf_fini(&b);
			goto out;
		}
	}
	/* every row of the seeds' posts, to tell a person from a job share */
	for (size_t i = 0; i < seeds.n; i++) {
		char *id = lower_trim(seeds.v[i].id ? seeds.v[i].id : "");
		bool done = false;
		for (size_t j = 0; j < out->nids && !done; j++) {
			done = strcmp(out->ids[j], id) == 0;
		}
		for (size_t j = 0; j < post.n && !done; j++) {
			char *o = lower_trim(post.v[j].id ? post.v[j].id : "");
			done = strcmp(o, id) == 0;
			free(o);
		}
		if (!done && (rc = load_rows(db, ROW_COLS "WHERE lower(trim(id)) = ?1", id, &post,
					     err)) < 0) {
			free(id);
			goto out;
		}
		free(id);
	}
	/* a post is shared when one source has two rows with the same id but different
	 * people (a job share: METRICS.md §1, each sharer is a person) */
	for (size_t i = 0; i < post.n; i++) {
		char *id = lower_trim(post.v[i].id ? post.v[i].id : "");
		char *me = identity(&post.v[i]);
		bool shared = false;
		for (size_t j = 0; j < post.n && !shared; j++) {
			char *oid = lower_trim(post.v[j].id ? post.v[j].id : "");
			char *other = identity(&post.v[j]);
			shared = post.v[j].source == post.v[i].source && strcmp(oid, id) == 0 &&
				 strcmp(other, me) != 0;
			free(oid);
			free(other);
		}
		if (shared && by == BY_ID) {
			maat_buf b = {0};
			candidates(&post, &b);
			rc = maat_err_set(err, MAAT_E_USAGE,
					  _("'%s' is a post shared by several people: %s; give an "
					    "e-mail"),
					  who, b.data ? b.data : "");
			maat_buf_fini(&b);
			free(id);
			free(me);
			goto out;
		}
		if (!shared) {
			add_str(&out->ids, &out->nids, id);
		}
		free(id);
		free(me);
	}
	/* the person's rows: every row of an unshared post; of a shared post, the rows with
	 * the seed's e-mail (or name) */
	for (size_t i = 0; i < post.n; i++) {
		char *id = lower_trim(post.v[i].id ? post.v[i].id : "");
		bool mine = has_str(out->ids, out->nids, id);
		for (size_t j = 0; j < seeds.n && !mine; j++) {
			char *a = identity(&post.v[i]), *b = identity(&seeds.v[j]);
			mine = strcmp(a, b) == 0;
			free(a);
			free(b);
		}
		free(id);
		if (mine) {
			out->rows.v =
			    maat_xreallocarray(out->rows.v, out->rows.n + 1, sizeof(*out->rows.v));
			out->rows.v[out->rows.n++] = post.v[i];
			memset(&post.v[i], 0, sizeof(post.v[i]));
		}
	}
	rc = 0;
out:
	rows_fini(&seeds);
	rows_fini(&post);
	free(w);
	return rc;
}

static void
ident_fini(ident *id)
{
	rows_fini(&id->rows);
	free_strs(id->ids, id->nids);
}

/* True when the name is held by an org row that is not the person's. */
static int
name_shared(maat_db *db, const char *name, const rowlist *mine, bool *shared, maat_err *err)
{
	sqlite3_stmt *st = NULL;
	char *rowids = json_rowids(mine);
	int rc;
	if (sqlite3_prepare_v2(maat_db_sqlite(db),
			       "SELECT EXISTS (SELECT 1 FROM org_rows WHERE lower(trim(name)) = ?1 "
			       "AND rowid NOT IN (SELECT value FROM json_each(?2)))",
			       -1, &st, NULL) != SQLITE_OK) {
		free(rowids);
		return maat_db_fail(db, err, _("reading the org chart"));
	}
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rowids, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*shared = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	free(rowids);
	return rc == SQLITE_ROW ? 0 : maat_db_fail(db, err, _("reading the org chart"));
}

static bool
all_digits(const char *s)
{
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s)) {
			return false;
		}
	}
	return true;
}

static int
cmp_longest(const void *a, const void *b)
{
	size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
	return x < y ? 1 : x > y ? -1 : strcmp(*(char *const *)a, *(char *const *)b);
}

/* The keys of the person from their rows (or from who alone when in no org chart). */
static int
make_keys(maat_db *db, maat_person *p, const ident *id, const char *who, maat_err *err)
{
	int rc = 0;
	for (size_t i = 0; i < id->nids; i++) {
		add_str(&p->keys, &p->nkeys, id->ids[i]);
		/* a short number is everywhere in free text (line numbers, counts, dates) */
		if (strlen(id->ids[i]) >= 4 || !all_digits(id->ids[i])) {
			add_str(&p->text_keys, &p->ntext_keys, id->ids[i]);
		}
	}
	for (size_t i = 0; i < id->rows.n && rc == 0; i++) {
		const orgrow *r = &id->rows.v[i];
		char *name = lower_trim(r->name);
		bool shared = false;
		add_str(&p->keys, &p->nkeys, r->email);
		add_str(&p->text_keys, &p->ntext_keys, r->email);
		if (!empty(name) && (rc = name_shared(db, name, &id->rows, &shared, err)) == 0) {
			if (shared) {
				add_str(&p->shared_names, &p->nshared_names, name);
			} else {
				add_str(&p->keys, &p->nkeys, name);
				add_str(&p->text_keys, &p->ntext_keys, name);
			}
		}
		free(name);
	}
	if (id->rows.n > 0) {
		/* the latest row names the person */
		const orgrow *r = &id->rows.v[id->rows.n - 1];
		p->id = maat_xstrdup(r->id ? r->id : "");
		p->name = r->name ? maat_xstrdup(r->name) : NULL;
		p->email = r->email ? maat_xstrdup(r->email) : NULL;
	} else {
		/* in no org chart: the value itself, wherever it is a whole value (a resource, an
		 * attendee) and, when it cannot be a mere number, inside free text */
		char *w = lower_trim(who);
		add_str(&p->keys, &p->nkeys, w);
		if (strchr(w, '@') != NULL || strlen(w) >= 4 || !all_digits(w)) {
			add_str(&p->text_keys, &p->ntext_keys, w);
		}
		free(w);
	}
	if (p->ntext_keys > 1) {
		qsort(p->text_keys, p->ntext_keys, sizeof(char *), cmp_longest);
	}
	if (p->nshared_names > 1) {
		qsort(p->shared_names, p->nshared_names, sizeof(char *), cmp_longest);
	}
	return rc;
}

/* ---- keys inside free text: SQL functions over a keyset ---- */

static bool
word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80 || c == '_';
}

/* The first whole-token occurrence of key (lower-case) in s, case-insensitive; NULL if none.
 * A token is not glued to letters or digits on either side: "k.14@x.nl" is in
 * "k.14@x.nl.ics", "Kees Vos" is not in "Kees Vosman". */
static const char *
find_key(const char *s, const char *key)
{
	size_t n = strlen(key);
	for (const char *p = s; (p = strcasestr(p, key)) != NULL; p++) {
		bool before =
		    p > s && word_byte((unsigned char)p[-1]) && word_byte((unsigned char)*key);
		bool after = word_byte((unsigned char)p[n]) && word_byte((unsigned char)key[n - 1]);
		if (!before && !after) {
			return p;
		}
	}
	return NULL;
}

static bool
text_has(const keyset *ks, const char *s)
{
	for (size_t i = 0; s != NULL && i < ks->n; i++) {
		if (find_key(s, ks->k[i]) != NULL) {
			return true;
		}
	}
	return false;
}

/* s with every whole-token occurrence of a key replaced by the token; caller frees. */
static char *
text_scrub(const keyset *ks, const char *s)
{
	char *cur = maat_xstrdup(s);
	for (size_t i = 0; i < ks->n; i++) {
		maat_buf b = {0};
		const char *p = cur, *hit;
		size_t n = strlen(ks->k[i]);
		if (find_key(cur, ks->k[i]) == NULL) {
			continue;
		}
		while ((hit = find_key(p, ks->k[i])) != NULL) {
			maat_buf_append(&b, p, (size_t)(hit - p));
			maat_buf_append(&b, ks->token, strlen(ks->token));
			p = hit + n;
		}
		maat_buf_append(&b, p, strlen(p));
		free(cur);
		cur = b.data;
	}
	return cur;
}

static void
sql_has(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const keyset *ks = sqlite3_user_data(ctx);
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	(void)argc;
	sqlite3_result_int(ctx, s != NULL && text_has(ks, s));
}

static void
sql_scrub(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const keyset *ks = sqlite3_user_data(ctx);
	const char *s = (const char *)sqlite3_value_text(argv[0]);
	char *r;
	(void)argc;
	if (s == NULL || !text_has(ks, s)) {
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	r = text_scrub(ks, s);
	sqlite3_result_text(ctx, r, -1, free);
}

/* Registers maat_has_key/maat_scrub_key (text keys) and maat_has_shared/maat_scrub_shared
 * (shared names) on the connection; NULL keysets remove them. */
static int
register_fns(maat_db *db, const keyset *keys, const keyset *shared, maat_err *err)
{
	sqlite3 *sq = maat_db_sqlite(db);
	int f = SQLITE_UTF8 | SQLITE_DETERMINISTIC;
	void *k = (void *)keys, *s = (void *)shared;
	if (sqlite3_create_function(sq, "maat_has_key", 1, f, k, keys ? sql_has : NULL, NULL,
				    NULL) != SQLITE_OK ||
	    sqlite3_create_function(sq, "maat_scrub_key", 1, f, k, keys ? sql_scrub : NULL, NULL,
				    NULL) != SQLITE_OK ||
	    sqlite3_create_function(sq, "maat_has_shared", 1, f, s, shared ? sql_has : NULL, NULL,
				    NULL) != SQLITE_OK ||
	    sqlite3_create_function(sq, "maat_scrub_shared", 1, f, s, shared ? sql_scrub : NULL,
				    NULL, NULL) != SQLITE_OK) {
		return maat_db_fail(db, err, _("searching the store"));
	}
	return 0;
}

/* ---- subject access ---- */

/* "the person takes part in a meeting of this series" (?1: the person's keys) */
#define TAKES_PART                                                                                 \
	"EXISTS (SELECT 1 FROM cal_instances i JOIN cal_partset_members m ON m.set_id = "          \
	"i.partset_id WHERE i.uid_id = u.id AND lower(trim(m.person)) IN (SELECT value FROM "      \
	"json_each(?1)))"

struct section_def {
	const char *key;
	/* table title, untranslated */
	const char *title;
	/* columns: keys and headers (untranslated), NULL-terminated */
	const char *const *cols;
	/* ?1: the person's keys (JSON array), ?2: their org rows' rowids (JSON array), ?3: their
	 * unshared ids (JSON array) */
	const char *sql;
};

static const char *const org_cols[] = {
    "snapshot",   N_("snapshot"),   "source",  N_("source"),  "line",  N_("line"),
    "id",         N_("id"),         "manager", N_("manager"), "name",  N_("name"),
    "title",      N_("title"),      "unit",    N_("unit"),    "email", N_("e-mail"),
    "grade",      N_("grade"),      "role",    N_("role"),    "fte",   N_("FTE"),
    "employment", N_("employment"), NULL};
static const char *const mandate_cols[] = {"source",   N_("source"),    "line",
					   N_("line"), "decision_type", N_("decision type"),
					   "holder",   N_("holder"),    NULL};
static const char *const event_cols[] = {"source",   N_("source"),     "case",     N_("case"),
					 "time",     N_("time (UTC)"), "activity", N_("activity"),
					 "resource", N_("resource"),   NULL};
static const char *const meeting_cols[] = {
    "uid", N_("UID"),       "title",        N_("title"),        "start",  N_("start (UTC)"),
    "end", N_("end (UTC)"), "participants", N_("participants"), "answer", N_("answer"),
    NULL};
static const char *const title_cols[] = {"uid", N_("UID"), "title", N_("title"), NULL};
static const char *const source_cols[] = {"id",       N_("id"),  "kind",        N_("kind"), "file",
					  N_("file"), "options", N_("options"), NULL};
static const char *const message_cols[] = {"source",   N_("source"),  "line",
					   N_("line"), "severity",    N_("severity"),
					   "message",  N_("message"), NULL};

static const struct section_def sections[] = {
    {"org_rows", N_("Org-chart rows (every snapshot)"), org_cols,
     "SELECT coalesce(nullif(i.as_of, ''), '(undated)'), s.path, r.line, r.id, r.manager, "
     "r.name, r.title, r.unit, r.email, r.grade, r.role, r.fte, CASE r.employment WHEN 0 THEN "
     "'internal' WHEN 1 THEN 'external' END FROM org_rows r JOIN sources s ON s.id = "
     "r.source_id LEFT JOIN org_imports i ON i.source_id = r.source_id WHERE r.rowid IN "
     "(SELECT value FROM json_each(?2)) ORDER BY 1, r.rowid"},
    {"mandates", N_("Mandates held by id"), mandate_cols,
     "SELECT s.path, m.line, m.decision_type, m.holder_kind || ':' || m.holder FROM "
     "org_mandates m JOIN sources s ON s.id = m.source_id WHERE m.holder_kind = 'id' AND "
     "lower(trim(m.holder)) IN (SELECT value FROM json_each(?3)) ORDER BY m.source_id, m.line"},
    {"case_events", N_("Case events with them as the resource"), event_cols,
     "SELECT s.path, c.case_key, strftime('%Y-%m-%d %H:%M:%S', e.ts, 'unixepoch'), a.name, "
     "n.name FROM case_names n JOIN case_events e ON e.resource = n.id JOIN cases c ON "
     "c.case_no = e.case_no JOIN case_names a ON a.id = e.activity JOIN sources s ON s.id = "
     "e.source_id WHERE n.kind = 'resource' AND lower(trim(n.name)) IN (SELECT value FROM "
     "json_each(?1)) ORDER BY e.ts, e.ms, e.case_no, e.seq"},
    {"meetings", N_("Meeting instances they take part in"), meeting_cols,
     "SELECT u.uid, u.summary, strftime('%Y-%m-%d %H:%M', i.start, 'unixepoch'), "
     "strftime('%Y-%m-%d %H:%M', i.end, 'unixepoch'), (SELECT count(*) FROM "
     "cal_partset_members x WHERE x.set_id = m.set_id), CASE m.partstat WHEN 0 THEN 'accepted' "
     "WHEN 1 THEN 'tentative' WHEN 2 THEN 'no reply' END FROM cal_partset_members m JOIN "
     "cal_instances i ON i.partset_id = m.set_id JOIN cal_uids u ON u.id = i.uid_id WHERE "
     "lower(trim(m.person)) IN (SELECT value FROM json_each(?1)) ORDER BY i.start, u.uid, "
     "i.id"},
    {"titles", N_("Meeting titles and UIDs that name them"), title_cols,
     "SELECT u.uid, u.summary FROM cal_uids u WHERE maat_has_key(u.summary) OR "
     "maat_has_key(u.uid) OR (maat_has_shared(u.summary) AND " TAKES_PART ") ORDER BY u.id"},
    {"sources", N_("Sources whose name or options name them"), source_cols,
     "SELECT id, kind, path, options FROM sources WHERE maat_has_key(path) OR "
     "maat_has_key(options) OR maat_has_key(real_path) ORDER BY id"},
    {"messages", N_("Stored messages that name them"), message_cols,
     "SELECT s.path, m.line, m.severity, m.message FROM source_messages m JOIN sources s ON "
     "s.id = m.source_id WHERE maat_has_key(m.message) ORDER BY m.source_id, m.rowid"},
};

/* "(meeting of N people)" for a title that was not stored (METRICS.md §4). */
static char *
untitled(const char *participants)
{
	unsigned long n = strtoul(participants ? participants : "0", NULL, 10);
	return maat_xasprintf(
	    dngettext("maatlat", "(meeting of %lu person)", "(meeting of %lu people)", n), n);
}

static int
run_section(maat_db *db, maat_person *p, const struct section_def *d, const char *keys,
	    const char *rowids, const char *ids, size_t limit, maat_err *err)
{
	maat_person_section *s;
	sqlite3_stmt *st = NULL;
	size_t ncols = 0;
	int rc;

	if (sqlite3_prepare_v2(maat_db_sqlite(db), d->sql, -1, &st, NULL) != SQLITE_OK) {
		return maat_db_fail(db, err, _("searching the store"));
	}
	sqlite3_bind_text(st, 1, keys, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, rowids, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ids, -1, SQLITE_STATIC);
	p->sections = maat_xreallocarray(p->sections, p->nsections + 1, sizeof(*p->sections));
	s = &p->sections[p->nsections++];
	s->key = d->key;
	s->count = 0;
	s->rows = maat_table_new(_(d->title));
	for (; d->cols[2 * ncols] != NULL; ncols++) {
		maat_table_add_column(s->rows, d->cols[2 * ncols], _(d->cols[2 * ncols + 1]),
				      MAAT_COL_TEXT, 0);
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		s->count++;
		if (limit > 0 && s->count > limit) {
			continue;
		}
		maat_table_add_row(s->rows);
		for (size_t c = 0; c < ncols; c++) {
			const char *v = (const char *)sqlite3_column_text(st, (int)c);
			if (d->cols == meeting_cols && c == 1 && v == NULL) {
				char *u = untitled((const char *)sqlite3_column_text(st, 4));
				maat_table_set_text(s->rows, c, u);
				free(u);
			} else if (v != NULL) {
				maat_table_set_text(s->rows, c, v);
			}
		}
	}
	sqlite3_finalize(st);
	p->nrows += s->count;
	return rc == SQLITE_DONE ? 0 : maat_db_fail(db, err, _("searching the store"));
}

maat_person *
maat_person_find(maat_db *db, const char *who, size_t limit, maat_err *err)
{
	maat_person *p = maat_xcalloc(1, sizeof(*p));
	ident id = {0};
	keyset ks = {0}, sh = {0};
	char *keys = NULL, *rowids = NULL, *ids = NULL;
	int rc;

	if ((rc = resolve(db, who, &id, err)) < 0 || (rc = make_keys(db, p, &id, who, err)) < 0) {
		goto out;
	}
	ks = (keyset){.k = p->text_keys, .n = p->ntext_keys};
	sh = (keyset){.k = p->shared_names, .n = p->nshared_names};
	if ((rc = register_fns(db, &ks, &sh, err)) < 0) {
		goto out;
	}
	keys = json_list(p->keys, p->nkeys);
	rowids = json_rowids(&id.rows);
	ids = json_list(id.ids, id.nids);
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]) && rc == 0; i++) {
		rc = run_section(db, p, &sections[i], keys, rowids, ids, limit, err);
	}
	register_fns(db, NULL, NULL, NULL);
out:
	free(keys);
	free(rowids);
	free(ids);
	ident_fini(&id);
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
	free(p->id);
	free(p->name);
	free(p->email);
	free_strs(p->keys, p->nkeys);
	free_strs(p->text_keys, p->ntext_keys);
	free_strs(p->shared_names, p->nshared_names);
	for (size_t i = 0; i < p->nsections; i++) {
		maat_table_free(p->sections[i].rows);
	}
	free(p->sections);
	free(p);
}

/* ---- erasure ---- */

/* Each statement: ?1 the keys, ?2 the person's org rowids, ?3 their unshared ids, ?4 the
 * token. Order matters: titles that name someone by a shared name are scrubbed while the
 * person's participation can still be seen. */
static const char *const forget_sql[] = {
    /* their own org rows: id (unless a shared post), name, e-mail */
    "UPDATE org_rows SET id = CASE WHEN lower(trim(id)) IN (SELECT value FROM json_each(?3)) "
    "THEN ?4 ELSE id END, name = CASE WHEN name IS NULL OR name = '' THEN name ELSE ?4 END, "
    "email = CASE WHEN email IS NULL OR email = '' THEN email ELSE ?4 END WHERE rowid IN "
    "(SELECT value FROM json_each(?2))",
    /* the link from their reports (so the chart keeps its shape) */
    "UPDATE org_rows SET manager = ?4 WHERE lower(trim(manager)) IN (SELECT value FROM "
    "json_each(?3))",
    "UPDATE org_mandates SET holder = ?4 WHERE holder_kind = 'id' AND lower(trim(holder)) IN "
    "(SELECT value FROM json_each(?3))",
    "UPDATE case_names SET name = ?4 WHERE kind = 'resource' AND lower(trim(name)) IN "
    "(SELECT value FROM json_each(?1))",
    "UPDATE cal_uids AS u SET summary = maat_scrub_shared(summary) WHERE "
    "maat_has_shared(summary) AND " TAKES_PART,
    "UPDATE cal_uids SET summary = maat_scrub_key(summary), uid = maat_scrub_key(uid) WHERE "
    "maat_has_key(summary) OR maat_has_key(uid)",
    /* a participant list's digest is a hash of the addresses in it: a new random one */
    "UPDATE cal_partsets SET digest = randomblob(16) WHERE id IN (SELECT set_id FROM "
    "cal_partset_members WHERE lower(trim(person)) IN (SELECT value FROM json_each(?1)))",
    "UPDATE cal_partset_members SET person = ?4 WHERE lower(trim(person)) IN (SELECT value "
    "FROM json_each(?1))",
    "UPDATE sources SET path = maat_scrub_key(path), options = maat_scrub_key(options), "
    "real_path = maat_scrub_key(real_path) WHERE maat_has_key(path) OR maat_has_key(options) "
    "OR maat_has_key(real_path)",
    "UPDATE source_messages SET message = maat_scrub_key(message) WHERE "
    "maat_has_key(message)",
};

int
maat_person_forget(maat_db *db, const char *who, size_t *values_changed, maat_err *err)
{
	maat_person *p = NULL;
	ident id = {0};
	keyset ks = {0}, sh = {0};
	char *keys = NULL, *rowids = NULL, *ids = NULL;
	size_t changed = 0;
	char token[32];
	int rc;

	if (values_changed != NULL) {
		*values_changed = 0;
	}
	if ((p = maat_person_find(db, who, 1, err)) == NULL) {
		return -(err ? err->code : MAAT_E_FAIL);
	}
	if (p->nrows == 0) {
		/* nothing (left) to replace: still make sure no old bytes stay, e.g. after a
		 * forget whose scrub timed out waiting for readers */
		maat_person_free(p);
		return maat_db_scrub(db, err);
	}
	{
		/* one token per erasure, so the same person stays one node in what remains */
		unsigned char r[4];
		randombytes_buf(r, sizeof(r));
		snprintf(token, sizeof(token), "forgotten-%02x%02x%02x%02x", r[0], r[1], r[2],
			 r[3]);
	}
	if ((rc = resolve(db, who, &id, err)) < 0) {
		goto out;
	}
	ks = (keyset){.k = p->text_keys, .n = p->ntext_keys, .token = token};
	sh = (keyset){.k = p->shared_names, .n = p->nshared_names, .token = token};
	keys = json_list(p->keys, p->nkeys);
	rowids = json_rowids(&id.rows);
	ids = json_list(id.ids, id.nids);
	if ((rc = register_fns(db, &ks, &sh, err)) < 0 || (rc = maat_db_begin(db, err)) < 0) {
		goto out;
	}
	for (size_t i = 0; i < sizeof(forget_sql) / sizeof(forget_sql[0]) && rc == 0; i++) {
		sqlite3_stmt *st = NULL;
		if (sqlite3_prepare_v2(maat_db_sqlite(db), forget_sql[i], -1, &st, NULL) !=
		    SQLITE_OK) {
			rc = maat_db_fail(db, err, _("erasing"));
			break;
		}
		sqlite3_bind_text(st, 1, keys, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(st) >= 2) {
			sqlite3_bind_text(st, 2, rowids, -1, SQLITE_STATIC);
		}
		if (sqlite3_bind_parameter_count(st) >= 3) {
			sqlite3_bind_text(st, 3, ids, -1, SQLITE_STATIC);
		}
		if (sqlite3_bind_parameter_count(st) >= 4) {
			sqlite3_bind_text(st, 4, token, -1, SQLITE_STATIC);
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = maat_db_fail(db, err, _("erasing"));
		} else if (strncmp(forget_sql[i], "UPDATE cal_partsets", 19) != 0) {
			changed += (size_t)sqlite3_changes(maat_db_sqlite(db));
		}
		sqlite3_finalize(st);
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
	if (values_changed != NULL) {
		*values_changed = changed;
	}
out:
	register_fns(db, NULL, NULL, NULL);
	free(keys);
	free(rowids);
	free(ids);
	ident_fini(&id);
	maat_person_free(p);
	return rc;
}
