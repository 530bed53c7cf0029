/* Decision terms (METRICS.md §5): lead times with suspensions, calendar or working days, per
 * case type, unit of the first owner and month of start. One pass over the store's events in
 * (case, time, file order) order; memory grows with cases, not events. */
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "caselog.h"
#include "maatlat/handovers.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/org.h"
#include "maatlat/terms.h"
#include "maatlat/util.h"
#include "maatlat/zone.h"

#define DAY_MS 86400000.0

enum { P_START, P_END, P_SUSPEND, P_RESUME, P_N };

/* A terms row, compiled. */
struct rule {
	/* the case type ("*" = every other type); owned */
	char *type;
	double term;
	bool working;
	regex_t re[P_N];
	bool has[P_N];
};

/* A group being summed up. */
struct acc {
	maat_terms_group g;
	double sum_over;
	double *leads;
	size_t nleads, cap;
};

struct accs {
	struct acc *v;
	size_t n, cap;
};

/* One event of the current case. */
struct ev {
	int64_t t;
	int64_t act;
	int64_t res;
};

struct snap {
	/* the snapshot date ("" undated) and its chart; owned */
	char *as_of;
	maat_org *org;
	/* per case_names.id of a resource: the unit's name (borrowed from org) or NULL, once
	 * looked up (looked[id]) */
	const char **unit;
	bool *looked;
};

struct run {
	maat_terms *t;
	icaltimezone *tz;
	/* case_names by id (NULL when unused); owned */
	char **names;
	int64_t maxid;
	/* per case_names.id: the lowest id of an equal name of its kind (caselog.c), 0 unused */
	int64_t *canon;
	/* per source id: its rank (caselog.c) */
	uint32_t *src_rank;
	int64_t maxsrc;
	/* the events of one (case, instant), before the copies of several sources merge */
	maat_caselog_ev *grp;
	size_t ngrp, capgrp;
	struct rule *rules;
	size_t nrules;
	/* the rule of the default (no terms row): Awb's 8 weeks */
	struct rule awb;
	/* per rule and activity id: pattern bits (1 << P_x), 0x80 = computed */
	unsigned char **bits;
	int64_t *holidays;
	size_t nholidays;
	struct snap *snaps;
	size_t nsnaps;
	struct accs types, units, months;
	/* every closed case's lead time */
	double *leads;
	size_t nleads, capleads;
	double sum_over;
	/* the current case's events */
	struct ev *evs;
	size_t nevs, capevs;
	/* the scan: the options, the case being read and its instant, its key and type */
	const maat_terms_opts *opts;
	int64_t cur_no, cur_t;
	bool have_case;
	char *key, *type;
};

void
maat_terms_opts_init(maat_terms_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->warn_days = MAAT_TERMS_WARN_DAYS_DEFAULT;
}

static void
push_double(double **v, size_t *n, size_t *cap, double x)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = maat_xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = x;
}

static struct acc *
acc_get(struct accs *a, const char *name)
{
	/* groups are few (types, units, months): a linear search from the last hit */
	for (size_t i = a->n; i-- > 0;) {
		if (strcmp(a->v[i].g.name, name) == 0) {
			return &a->v[i];
		}
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 16;
		a->v = maat_xreallocarray(a->v, a->cap, sizeof(*a->v));
	}
	memset(&a->v[a->n], 0, sizeof(a->v[a->n]));
	a->v[a->n].g.name = maat_xstrdup(name);
	return &a->v[a->n++];
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int
cmp_group(const void *a, const void *b)
{
	return strcmp(((const maat_terms_group *)a)->name, ((const maat_terms_group *)b)->name);
}

/* Finishes the groups into an array sorted by name. */
static maat_terms_group *
accs_finish(struct accs *a, size_t *n)
{
	maat_terms_group *out = maat_xcalloc(a->n + 1, sizeof(*out));
	for (size_t i = 0; i < a->n; i++) {
		struct acc *x = &a->v[i];
		maat_terms_group *g = &x->g;
		if (x->nleads > 1) {
			qsort(x->leads, x->nleads, sizeof(*x->leads), cmp_double);
		}
		g->share_over_term = g->closed > 0 ? (double)g->over_term / (double)g->closed : NAN;
		g->median_days = maat_percentile_linear(x->leads, x->nleads, 0.5);
		g->p90_days = maat_percentile_linear(x->leads, x->nleads, 0.9);
		g->mean_days_over = g->over_term > 0 ? x->sum_over / (double)g->over_term : NAN;
		out[i] = *g;
		free(x->leads);
	}
	if (a->n > 1) {
		qsort(out, a->n, sizeof(*out), cmp_group);
	}
	*n = a->n;
	free(a->v);
	a->v = NULL;
	a->n = 0;
	return out;
}

static void
accs_free(struct accs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].g.name);
		free(a->v[i].leads);
	}
	free(a->v);
}

static void
acc_add(struct acc *a, const maat_term_case *c)
{
	a->g.cases++;
	if (c->open) {
		a->g.open++;
		a->g.open_over_term += c->over;
		return;
	}
	a->g.closed++;
	push_double(&a->leads, &a->nleads, &a->cap, c->lead_days);
	if (c->over) {
		a->g.over_term++;
		a->sum_over += c->days_over;
	}
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H. Hinnant's algorithms). */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* The local day number (days since 1970-01-01) of an instant. */
static int64_t
local_day(icaltimezone *tz, int64_t ms)
{
	int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	struct icaltimetype t = icaltime_from_timet_with_zone((time_t)s, 0, tz);
	return days_from_civil(t.year, t.month, t.day);
}

/* The instant (ms) at which local day n begins. */
static int64_t
day_start(icaltimezone *tz, int64_t n)
{
	struct icaltimetype t = icaltime_null_time();
	civil_from_days(n, &t.year, &t.month, &t.day);
	t.zone = tz;
	return (int64_t)icaltime_as_timet_with_zone(t, tz) * 1000;
}

static bool
is_holiday(int64_t n, const int64_t *h, size_t nh)
{
	size_t lo = 0, hi = nh;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h[mid] == n) {
			return true;
		}
		if (h[mid] < n) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return false;
}

static bool
is_working_day(int64_t n, const int64_t *h, size_t nh)
{
	/* 1970-01-01 was a Thursday: (n + 3) mod 7 is 0 on Mondays */
	int64_t wd = ((n + 3) % 7 + 7) % 7;
	return wd < 5 && !is_holiday(n, h, nh);
}

double
maat_terms_days_between(int64_t a, int64_t b, bool working, icaltimezone *tz, const int64_t *h,
			size_t nh)
{
	double days = 0;
	int64_t da, db;
	if (b <= a) {
		return 0;
	}
	if (!working) {
		return (double)(b - a) / DAY_MS;
	}
	da = local_day(tz, a);
	db = local_day(tz, b);
	for (int64_t n = da; n <= db; n++) {
		int64_t s, e;
		if (!is_working_day(n, h, nh)) {
			continue;
		}
		if (n > da && n < db) {
			days += 1;
			continue;
		}
		/* the first and the last day count in part, by the day's own length (23, 24 or
		 * 25 hours) */
		s = day_start(tz, n);
		e = day_start(tz, n + 1);
		{
			int64_t lo = a > s ? a : s, hi = b < e ? b : e;
			if (hi > lo && e > s) {
				days += (double)(hi - lo) / (double)(e - s);
			}
		}
	}
	return days;
}

static int
compile_rule(struct rule *r, const char *type, int term, const char *kind, const char *const p[],
	     maat_err *err)
{
	r->type = maat_xstrdup(type);
	r->term = term;
	r->working = kind != NULL && strcmp(kind, "working") == 0;
	for (int i = 0; i < P_N; i++) {
		if (p[i] != NULL && *p[i] != '\0') {
			if (regcomp(&r->re[i], p[i], REG_EXTENDED | REG_ICASE | REG_NOSUB) != 0) {
				return maat_err_set(
				    err, MAAT_E_DATA,
				    _("the stored terms hold a bad pattern '%.60s'"), p[i]);
			}
			r->has[i] = true;
		}
	}
	return 0;
}

static void
rule_fini(struct rule *r)
{
	for (int i = 0; i < P_N; i++) {
		if (r->has[i]) {
			regfree(&r->re[i]);
		}
	}
	free(r->type);
}

static int
load_terms(maat_db *db, struct run *r, maat_err *err)
{
	sqlite3_stmt *st;
	int64_t src = 0;
	int rc;

	st = maat_db_stmt(db,
			  "SELECT s.id, s.path FROM sources s WHERE s.kind = 'terms'"
			  " ORDER BY s.id DESC LIMIT 1",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		src = sqlite3_column_int64(st, 0);
		r->t->have_terms = true;
		r->t->terms_source = maat_xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading terms"));
	}
	if (src == 0) {
		return 0;
	}
	st = maat_db_stmt(db,
			  "SELECT case_type, term_days, day_kind, start_pattern, end_pattern,"
			  " suspend_pattern, resume_pattern FROM case_terms WHERE source_id = ?1"
			  " ORDER BY line",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, src);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p[P_N];
		struct rule *x;
		for (int i = 0; i < P_N; i++) {
			p[i] = (const char *)sqlite3_column_text(st, 3 + i);
		}
		r->rules = maat_xreallocarray(r->rules, r->nrules + 1, sizeof(*r->rules));
		x = &r->rules[r->nrules++];
		memset(x, 0, sizeof(*x));
		if ((rc = compile_rule(x, (const char *)sqlite3_column_text(st, 0),
				       sqlite3_column_int(st, 1),
				       (const char *)sqlite3_column_text(st, 2), p, err)) < 0) {
			sqlite3_reset(st);
			return rc;
		}
		if (strcmp(x->type, "*") == 0) {
			r->t->default_term_days = x->term;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading terms"));
	}
	st = maat_db_stmt(db, "SELECT day FROM term_holidays WHERE source_id = ?1 ORDER BY day",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, src);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int y, m, d;
		if (sscanf((const char *)sqlite3_column_text(st, 0), "%d-%d-%d", &y, &m, &d) == 3) {
			r->holidays =
			    maat_xreallocarray(r->holidays, r->nholidays + 1, sizeof(*r->holidays));
			r->holidays[r->nholidays++] = days_from_civil(y, m, d);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading holidays"));
	}
	r->t->holidays = r->nholidays;
	return 0;
}

struct canon_row {
	char *kind, *key;
	int64_t id;
};

static int
cmp_canon_row(const void *pa, const void *pb)
{
	const struct canon_row *a = pa, *b = pb;
	int c = strcmp(a->kind, b->kind);
	if (c == 0) {
		c = strcmp(a->key, b->key);
	}
	return c != 0 ? c : (a->id > b->id) - (a->id < b->id);
}

/* The names, and which of them are one (equal up to the case log's rules, caselog.c): the
 * copies of an event in several sources are found by these. */
static int
load_names(maat_db *db, struct run *r, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(db, "SELECT coalesce(max(id), 0) FROM case_names", err);
	struct canon_row *rows = NULL;
	size_t n = 0, cap = 0;
	int rc;
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		return st == NULL ? -MAAT_E_INTERNAL
				  : maat_db_fail(db, err, _("reading case names"));
	}
	r->maxid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	r->names = maat_xcalloc((size_t)r->maxid + 1, sizeof(*r->names));
	r->canon = maat_xcalloc((size_t)r->maxid + 1, sizeof(*r->canon));
	st = maat_db_stmt(db,
			  "SELECT id, kind, name FROM case_names WHERE kind IN ('resource', "
			  "'activity', 'lifecycle')",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const char *name = (const char *)sqlite3_column_text(st, 2);
		if (id < 1 || id > r->maxid || kind == NULL) {
			continue;
		}
		r->names[id] = maat_xstrdup(name ? name : "");
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			rows = maat_xreallocarray(rows, cap, sizeof(*rows));
		}
		rows[n++] =
		    (struct canon_row){maat_xstrdup(kind), maat_caselog_name_key(kind, name), id};
	}
	sqlite3_reset(st);
	if (n > 1) {
		qsort(rows, n, sizeof(*rows), cmp_canon_row);
	}
	for (size_t i = 0, first = 0; i < n; i++) {
		if (i > 0 &&
		    cmp_canon_row(&(struct canon_row){rows[i].kind, rows[i].key, 0},
				  &(struct canon_row){rows[first].kind, rows[first].key, 0}) != 0) {
			first = i;
		}
		r->canon[rows[i].id] = rows[first].id;
	}
	for (size_t i = 0; i < n; i++) {
		free(rows[i].kind);
		free(rows[i].key);
	}
	free(rows);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading case names"));
	}
	return maat_caselog_source_ranks(db, &r->src_rank, &r->maxsrc, err);
}

static int
load_snapshots(maat_db *db, struct run *r, maat_err *err)
{
	sqlite3_stmt *st =
	    maat_db_stmt(db, "SELECT DISTINCT as_of FROM org_imports ORDER BY as_of", err);
	int rc;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		r->snaps = maat_xreallocarray(r->snaps, r->nsnaps + 1, sizeof(*r->snaps));
		memset(&r->snaps[r->nsnaps], 0, sizeof(*r->snaps));
		r->snaps[r->nsnaps++].as_of =
		    maat_xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading org snapshots"));
	}
	for (size_t i = 0; i < r->nsnaps; i++) {
		struct snap *s = &r->snaps[i];
		if ((rc = maat_org_load(db, *s->as_of ? s->as_of : NULL, &s->org, err)) < 0) {
			return rc;
		}
		s->unit = maat_xcalloc((size_t)r->maxid + 1, sizeof(*s->unit));
		s->looked = maat_xcalloc((size_t)r->maxid + 1, sizeof(*s->looked));
	}
	r->t->have_org = r->nsnaps > 0;
	return 0;
}

/* The unit of resource id res in the snapshot in force on local day `day` (the latest on or
 * before it, else the earliest), or NULL. */
static const char *
unit_of(struct run *r, int64_t res, int64_t day)
{
	struct snap *s = NULL;
	char date[16];
	int y, m, d;
	if (r->nsnaps == 0 || res < 1 || res > r->maxid || r->names[res] == NULL) {
		return NULL;
	}
	civil_from_days(day, &y, &m, &d);
	snprintf(date, sizeof(date), "%04d-%02d-%02d", y, m, d);
	for (size_t i = 0; i < r->nsnaps; i++) {
		if (strcmp(r->snaps[i].as_of, date) <= 0) {
			s = &r->snaps[i];
		}
	}
	if (s == NULL) {
		s = &r->snaps[0];
	}
	if (s->org == NULL) {
		return NULL;
	}
	if (!s->looked[res]) {
		ssize_t n = maat_org_find(s->org, r->names[res]);
		s->looked[res] = true;
		if (n >= 0 && s->org->nodes[n].unit != NULL && *s->org->nodes[n].unit) {
			s->unit[res] = s->org->nodes[n].unit;
		}
	}
	return s->unit[res];
}

static const struct rule *
rule_for(const struct run *r, const char *type, size_t *idx)
{
	const struct rule *star = NULL;
	for (size_t i = 0; i < r->nrules; i++) {
		if (type != NULL && maat_strcasecmp0(r->rules[i].type, type) == 0) {
			*idx = i;
			return &r->rules[i];
		}
		if (strcmp(r->rules[i].type, "*") == 0) {
			star = &r->rules[i];
			*idx = i;
		}
	}
	if (star != NULL) {
		return star;
	}
	*idx = r->nrules;
	return &r->awb;
}

static unsigned
bits_of(struct run *r, size_t ri, const struct rule *rule, int64_t act)
{
	unsigned char *b = r->bits[ri];
	if (act < 0 || act > r->maxid) {
		return 0;
	}
	if (!(b[act] & 0x80)) {
		const char *name = r->names[act] ? r->names[act] : "";
		unsigned v = 0x80;
		for (int i = 0; i < P_N; i++) {
			if (rule->has[i] && regexec(&rule->re[i], name, 0, NULL, 0) == 0) {
				v |= 1u << i;
			}
		}
		b[act] = (unsigned char)v;
	}
	return b[act] & 0x7f;
}

/* Measures the current case against its rule and adds it to the figures. */
static void
end_case(struct run *r, const char *key, const char *type, const maat_terms_opts *o)
{
	maat_terms *t = r->t;
	size_t ri = 0;
	const struct rule *rule = rule_for(r, type, &ri);
	maat_term_case c = {0};
	size_t si = 0, ei, lim;
	int64_t start, end, susp_from = 0, owner = 0;
	bool suspended = false;
	double susp = 0;
	const char *unit;
	int y, m, d;

	if (r->nevs == 0) {
		return;
	}
	/* the clock starts at the first event matching the start pattern (else the first) */
	if (rule->has[P_START]) {
		while (si < r->nevs && !(bits_of(r, ri, rule, r->evs[si].act) & (1u << P_START))) {
			si++;
		}
		if (si == r->nevs) {
			si = 0;
			c.no_start = true;
		}
	}
	/* ... and stops at the first event from there on matching the end pattern (else the
	 * last); none: open, running to the end of the log */
	if (rule->has[P_END]) {
		for (ei = si; ei < r->nevs; ei++) {
			if (bits_of(r, ri, rule, r->evs[ei].act) & (1u << P_END)) {
				break;
			}
		}
		c.open = ei == r->nevs;
	} else {
		ei = r->nevs - 1;
	}
	start = r->evs[si].t;
	end = c.open ? t->log_end_ms : r->evs[ei].t;
	lim = c.open ? r->nevs : ei;
	/* suspended from a suspend event to the next resume event (without a resume pattern:
	 * the next event that is not a suspend event), or to the end */
	if (rule->has[P_SUSPEND]) {
		for (size_t i = si; i < lim; i++) {
			unsigned b = bits_of(r, ri, rule, r->evs[i].act);
			if (!suspended && (b & (1u << P_SUSPEND))) {
				suspended = true;
				susp_from = r->evs[i].t;
			} else if (suspended && (rule->has[P_RESUME] ? (b & (1u << P_RESUME)) != 0
								     : !(b & (1u << P_SUSPEND)))) {
				suspended = false;
				susp +=
				    maat_terms_days_between(susp_from, r->evs[i].t, rule->working,
							    r->tz, r->holidays, r->nholidays);
			}
		}
		if (suspended) {
			susp += maat_terms_days_between(susp_from, end, rule->working, r->tz,
							r->holidays, r->nholidays);
		}
	}
	c.start_ms = start;
	c.end_ms = end;
	c.term_days = rule->term;
	c.day_kind = rule->working ? "working" : "calendar";
	c.suspended_days = susp;
	c.lead_days =
	    maat_terms_days_between(start, end, rule->working, r->tz, r->holidays, r->nholidays) -
	    susp;
	if (c.lead_days < 0) {
		c.lead_days = 0;
	}
	c.over = c.lead_days > rule->term;
	c.days_over = c.over ? c.lead_days - rule->term : 0;
	c.near = c.open && !c.over && rule->term - c.lead_days <= o->warn_days;
	for (size_t i = 0; i < r->nevs && owner == 0; i++) {
		owner = r->evs[i].res;
	}
	{
		int64_t day = local_day(r->tz, start);
		civil_from_days(day, &y, &m, &d);
		snprintf(c.month, sizeof(c.month), "%04u-%02u", (unsigned)y % 10000u,
			 (unsigned)m % 100u);
		unit = unit_of(r, owner, day);
	}
	/* the totals */
	t->cases++;
	t->no_start += c.no_start;
	if (c.open) {
		t->open++;
		t->open_over_term += c.over;
		t->open_near_term += c.near;
	} else {
		t->closed++;
		push_double(&r->leads, &r->nleads, &r->capleads, c.lead_days);
		if (c.over) {
			t->over_term++;
			r->sum_over += c.days_over;
		}
	}
	{
		struct acc *a = acc_get(&r->types, type != NULL && *type ? type : _("(none)"));
		if (a->g.day_kind == NULL) {
			a->g.term_days = rule->term;
			a->g.day_kind = c.day_kind;
		}
		acc_add(a, &c);
		acc_add(acc_get(&r->units, unit != NULL ? unit : _("(unknown)")), &c);
		acc_add(acc_get(&r->months, c.month), &c);
	}
	if (o->keep_all_cases || c.over || c.near) {
		maat_term_case *row;
		if (t->ncase_rows % 256 == 0) {
			t->case_rows = maat_xreallocarray(t->case_rows, t->ncase_rows + 256,
							  sizeof(*t->case_rows));
		}
		row = &t->case_rows[t->ncase_rows++];
		*row = c;
		row->case_key = maat_xstrdup(key != NULL ? key : "");
		row->case_type = type != NULL && *type ? maat_xstrdup(type) : NULL;
		row->unit = maat_xstrdup(unit != NULL ? unit : _("(unknown)"));
	}
}

static void
push_event(void *ctx, int64_t t, const maat_caselog_ev *g)
{
	struct run *r = ctx;
	if (r->nevs == r->capevs) {
		r->capevs = r->capevs ? r->capevs * 2 : 64;
		r->evs = maat_xreallocarray(r->evs, r->capevs, sizeof(*r->evs));
	}
	r->evs[r->nevs++] = (struct ev){t, g->aid, g->rid};
}

/* The events of one case at one instant: an event held by several sources counts once as
 * handovers counts it (METRICS.md §3, caselog.c). */
static void
flush_group(struct run *r, int64_t t)
{
	size_t n = r->ngrp;
	r->ngrp = 0;
	maat_caselog_merge(r->grp, n, t, push_event, r, NULL, NULL);
}

/* Checks --case-type against the attribute each case log was imported with. */
/* One batch of the scan, in (case, time, source, file order) order. Runs while the scan's
 * thread holds the store: touches only the run. */
static int
take_batch(void *ctx, const maat_caselog_batch *b, maat_err *err)
{
	struct run *r = ctx;
	size_t ci = 0;

	for (size_t i = 0; i < b->n; i++) {
		const maat_caselog_row *row = &b->rows[i];
		int64_t no = row->case_no, t = row->t;
		int64_t aid = row->aid, rid = row->rid, lid = row->lid, src = row->src;
		maat_caselog_ev *g;
		if (aid < 1 || aid > r->maxid || r->canon[aid] == 0 ||
		    (rid > 0 && (rid > r->maxid || r->canon[rid] == 0)) ||
		    (lid > 0 && (lid > r->maxid || r->canon[lid] == 0)) || src < 0 ||
		    src > r->maxsrc) {
			return maat_err_set(err, MAAT_E_DATA, "%s",
					    _("the store's case events refer to unknown names"));
		}
		if (!r->have_case || no != r->cur_no || t != r->cur_t) {
			flush_group(r, r->cur_t);
		}
		if (!r->have_case || no != r->cur_no) {
			/* the case row: the scan sends one with each row that starts a case */
			const maat_caselog_case *cs = &b->cases[ci];
			if (r->have_case) {
				end_case(r, r->key, r->type, r->opts);
			}
			r->nevs = 0;
			r->have_case = true;
			r->cur_no = no;
			if (ci == b->ncases || cs->case_no != no) {
				return maat_err_set(err, MAAT_E_INTERNAL, "%s",
						    _("the store's cases came out of order"));
			}
			ci++;
			if (!cs->found) {
				return maat_err_set(
				    err, MAAT_E_DATA, "%s",
				    _("the store's case events refer to unknown cases"));
			}
			free(r->key);
			free(r->type);
			r->key = maat_xstrdup(maat_caselog_text(b, cs->key));
			r->type = maat_xstrdup(maat_caselog_text(b, cs->type));
		}
		r->cur_t = t;
		if (r->ngrp == r->capgrp) {
			r->capgrp = r->capgrp ? r->capgrp * 2 : 64;
			r->grp = maat_xreallocarray(r->grp, r->capgrp, sizeof(*r->grp));
		}
		g = &r->grp[r->ngrp++];
		*g = (maat_caselog_ev){.act = r->canon[aid],
				       .res = rid > 0 ? r->canon[rid] : -1,
				       .lc = lid > 0 ? r->canon[lid] : -1,
				       .aid = aid,
				       .rid = rid,
				       .src = r->src_rank[src]};
	}
	return 0;
}

static int
check_case_type_attr(maat_db *db, const char *attr, maat_err *err)
{
	sqlite3_stmt *st;
	int rc = 0, s;
	if (attr == NULL) {
		return 0;
	}
	st = maat_db_stmt(db, "SELECT path, options FROM sources WHERE kind = 'cases' ORDER BY id",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while (rc == 0 && (s = sqlite3_step(st)) == SQLITE_ROW) {
		const char *path = (const char *)sqlite3_column_text(st, 0);
		const char *opts = (const char *)sqlite3_column_text(st, 1);
		const char *p = opts != NULL ? strstr(opts, "case-type=") : NULL;
		char used[256];
		bool dflt = p == NULL;
		if (p != NULL) {
			size_t n = strcspn(p + 10, " ");
			snprintf(used, sizeof(used), "%.*s", (int)(n < 255 ? n : 255), p + 10);
		}
		if (dflt ? (maat_strcasecmp0(attr, "zaaktype") != 0 &&
			    maat_strcasecmp0(attr, "case:type") != 0)
			 : maat_strcasecmp0(attr, used) != 0) {
			rc = maat_err_set(
			    err, MAAT_E_USAGE,
			    _("--case-type %s: %s was imported with the case type from '%s'; "
			      "import it again with 'maatlat import cases --replace --case-type "
			      "%s'"),
			    attr, path, dflt ? MAAT_TERMS_CASE_TYPE_ATTRS : used, attr);
		}
	}
	sqlite3_reset(st);
	return rc;
}

int
maat_terms_compute(maat_db *db, const maat_terms_opts *opts, maat_terms **out, maat_err *err)
{
	static const char *const none[P_N] = {NULL, NULL, NULL, NULL};
	maat_terms_opts defaults;
	struct run r = {0};
	const char *zone_name;
	sqlite3_stmt *st;
	int rc;

	if (opts == NULL) {
		maat_terms_opts_init(&defaults);
		opts = &defaults;
	}
	zone_name = opts->tz != NULL ? opts->tz : "Europe/Amsterdam";
	if (!maat_zone_valid(zone_name) || (r.tz = maat_zone_builtin(zone_name)) == NULL) {
		return maat_err_set(err, MAAT_E_USAGE, _("--tz: unknown time zone '%s'"),
				    zone_name);
	}
	r.t = maat_xcalloc(1, sizeof(*r.t));
	r.t->default_term_days = MAAT_TERMS_DEFAULT_DAYS;
	r.t->warn_days = opts->warn_days;
	r.t->tz = maat_xstrdup(zone_name);
	r.t->case_type_attr =
	    maat_xstrdup(opts->case_type_attr ? opts->case_type_attr : MAAT_TERMS_CASE_TYPE_ATTRS);
	r.t->share_over_term = r.t->lead_median = r.t->lead_p90 = r.t->lead_max =
	    r.t->mean_days_over = NAN;
	compile_rule(&r.awb, "", MAAT_TERMS_DEFAULT_DAYS, "calendar", none, err);
	if ((rc = check_case_type_attr(db, opts->case_type_attr, err)) < 0 ||
	    (rc = load_terms(db, &r, err)) < 0 || (rc = load_names(db, &r, err)) < 0 ||
	    (rc = load_snapshots(db, &r, err)) < 0) {
		goto out;
	}
	r.bits = maat_xcalloc(r.nrules + 1, sizeof(*r.bits));
	for (size_t i = 0; i <= r.nrules; i++) {
		r.bits[i] = maat_xcalloc((size_t)r.maxid + 1, 1);
	}
	st = maat_db_stmt(db, "SELECT coalesce(max(ts * 1000 + ms), 0) FROM case_events", err);
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		rc =
		    st == NULL ? -MAAT_E_INTERNAL : maat_db_fail(db, err, _("reading case events"));
		goto out;
	}
	r.t->log_end_ms = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* the events in case order, read on a thread of their own (take_batch) */
	r.opts = opts;
	if ((rc = maat_caselog_scan(db, true, take_batch, &r, err)) < 0) {
		goto out;
	}
	flush_group(&r, r.cur_t);
	end_case(&r, r.key, r.type, opts);
	/* the totals' percentiles */
	if (r.nleads > 1) {
		qsort(r.leads, r.nleads, sizeof(*r.leads), cmp_double);
	}
	r.t->lead_median = maat_percentile_linear(r.leads, r.nleads, 0.5);
	r.t->lead_p90 = maat_percentile_linear(r.leads, r.nleads, 0.9);
	r.t->lead_max = r.nleads > 0 ? r.leads[r.nleads - 1] : NAN;
	r.t->share_over_term = r.t->closed > 0 ? (double)r.t->over_term / (double)r.t->closed : NAN;
	r.t->mean_days_over = r.t->over_term > 0 ? r.sum_over / (double)r.t->over_term : NAN;
	r.t->types = accs_finish(&r.types, &r.t->ntypes);
	r.t->units = accs_finish(&r.units, &r.t->nunits);
	r.t->months = accs_finish(&r.months, &r.t->nmonths);
	*out = r.t;
	r.t = NULL;
	rc = 0;
out:
	free(r.key);
	free(r.type);
	maat_terms_free(r.t);
	accs_free(&r.types);
	accs_free(&r.units);
	accs_free(&r.months);
	for (size_t i = 0; i < r.nrules; i++) {
		rule_fini(&r.rules[i]);
	}
	rule_fini(&r.awb);
	free(r.rules);
	if (r.bits != NULL) {
		for (size_t i = 0; i <= r.nrules; i++) {
			free(r.bits[i]);
		}
		free(r.bits);
	}
	if (r.names != NULL) {
		for (int64_t i = 0; i <= r.maxid; i++) {
			free(r.names[i]);
		}
		free(r.names);
	}
	for (size_t i = 0; i < r.nsnaps; i++) {
		free(r.snaps[i].as_of);
		maat_org_free(r.snaps[i].org);
		free(r.snaps[i].unit);
		free(r.snaps[i].looked);
	}
	free(r.snaps);
	free(r.holidays);
	free(r.leads);
	free(r.evs);
	free(r.grp);
	free(r.canon);
	free(r.src_rank);
	return rc;
}

static void
groups_free(maat_terms_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].name);
	}
	free(g);
}

void
maat_terms_free(maat_terms *t)
{
	if (t == NULL) {
		return;
	}
	free(t->tz);
	free(t->case_type_attr);
	free(t->terms_source);
	groups_free(t->types, t->ntypes);
	groups_free(t->units, t->nunits);
	groups_free(t->months, t->nmonths);
	for (size_t i = 0; i < t->ncase_rows; i++) {
		free(t->case_rows[i].case_key);
		free(t->case_rows[i].case_type);
		free(t->case_rows[i].unit);
	}
	free(t->case_rows);
	free(t);
}

/* ---- output ---------------------------------------------------------------------------- */

static void
row_int(maat_table *x, const char *what, int64_t v)
{
	maat_table_add_row(x);
	maat_table_set_text(x, 0, what);
	maat_table_set_int(x, 1, v);
}

static void
row_real(maat_table *x, const char *what, double v)
{
	maat_table_add_row(x);
	maat_table_set_text(x, 0, what);
	maat_table_set_real(x, 2, v);
}

static void
row_text(maat_table *x, const char *what, const char *v)
{
	maat_table_add_row(x);
	maat_table_set_text(x, 0, what);
	maat_table_set_text(x, 3, v);
}

maat_table *
maat_terms_summary_table(const maat_terms *t)
{
	maat_table *x = maat_table_new(_("Decision terms"));
	maat_table_add_column(x, "figure", _("figure"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "count", _("count"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "value", _("value"), MAAT_COL_REAL, 2);
	maat_table_add_column(x, "setting", _("setting"), MAAT_COL_TEXT, 0);
	row_text(x, _("terms file"),
		 t->have_terms ? t->terms_source : _("none: every case has the Awb's 8 weeks"));
	row_real(x, _("term without a terms row (days)"), t->default_term_days);
	row_int(x, _("holidays"), (int64_t)t->holidays);
	row_real(x, _("warn days before the term"), t->warn_days);
	row_text(x, _("time zone"), t->tz);
	row_text(x, _("case type from"), t->case_type_attr);
	row_int(x, _("cases"), t->cases);
	row_int(x, _("closed cases"), t->closed);
	row_int(x, _("open cases (no end event)"), t->open);
	row_int(x, _("closed cases over the term"), t->over_term);
	maat_table_add_row(x);
	maat_table_set_text(x, 0, _("share of closed cases over the term (%)"));
	maat_table_set_real(x, 2, 100.0 * t->share_over_term);
	row_real(x, _("median lead time (days)"), t->lead_median);
	row_real(x, _("p90 lead time (days)"), t->lead_p90);
	row_real(x, _("longest lead time (days)"), t->lead_max);
	row_real(x, _("mean days over (over-term cases)"), t->mean_days_over);
	row_int(x, _("open cases over the term"), t->open_over_term);
	row_int(x, _("open cases near the term"), t->open_near_term);
	row_int(x, _("cases without a start event (clock from the first event)"), t->no_start);
	return x;
}

static maat_table *
group_table(const char *title, const char *key, const char *header, const maat_terms_group *g,
	    size_t n, bool with_term)
{
	maat_table *x = maat_table_new(title);
	maat_table_add_column(x, key, header, MAAT_COL_TEXT, 0);
	if (with_term) {
		maat_table_add_column(x, "term_days", _("term (days)"), MAAT_COL_REAL, 0);
		maat_table_add_column(x, "day_kind", _("days"), MAAT_COL_TEXT, 0);
	}
	maat_table_add_column(x, "cases", _("cases"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "closed_cases", _("closed"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "open_cases", _("open"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "over_term", _("over term"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "share_over_term", _("share over"), MAAT_COL_SHARE, 1);
	maat_table_add_column(x, "median_days", _("median days"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "p90_days", _("p90 days"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "mean_days_over", _("mean days over"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "open_over_term", _("open over term"), MAAT_COL_INT, 0);
	for (size_t i = 0; i < n; i++) {
		size_t c = 0;
		maat_table_add_row(x);
		maat_table_set_text(x, c++, g[i].name);
		if (with_term) {
			maat_table_set_real(x, c++, g[i].term_days);
			maat_table_set_text(x, c++, g[i].day_kind);
		}
		maat_table_set_int(x, c++, g[i].cases);
		maat_table_set_int(x, c++, g[i].closed);
		maat_table_set_int(x, c++, g[i].open);
		maat_table_set_int(x, c++, g[i].over_term);
		maat_table_set_real(x, c++, g[i].share_over_term);
		maat_table_set_real(x, c++, g[i].median_days);
		maat_table_set_real(x, c++, g[i].p90_days);
		maat_table_set_real(x, c++, g[i].mean_days_over);
		maat_table_set_int(x, c++, g[i].open_over_term);
	}
	return x;
}

maat_table *
maat_terms_type_table(const maat_terms *t)
{
	return group_table(_("Terms per case type"), "case_type", _("case type"), t->types,
			   t->ntypes, true);
}

maat_table *
maat_terms_unit_table(const maat_terms *t)
{
	return group_table(_("Terms per unit of the first owner"), "unit", _("unit"), t->units,
			   t->nunits, false);
}

maat_table *
maat_terms_month_table(const maat_terms *t)
{
	return group_table(_("Terms per month of start"), "month", _("month"), t->months,
			   t->nmonths, false);
}

static int
cmp_case_over(const void *a, const void *b)
{
	const maat_term_case *x = *(const maat_term_case *const *)a,
			     *y = *(const maat_term_case *const *)b;
	double dx = x->lead_days - x->term_days, dy = y->lead_days - y->term_days;
	if (dx != dy) {
		return dx > dy ? -1 : 1;
	}
	return strcmp(x->case_key, y->case_key);
}

/* The over-term and near-term cases, most days over first; caller frees the array. */
static const maat_term_case **
evidence(const maat_terms *t, size_t *n)
{
	const maat_term_case **v = maat_xcalloc(t->ncase_rows + 1, sizeof(*v));
	*n = 0;
	for (size_t i = 0; i < t->ncase_rows; i++) {
		if (t->case_rows[i].over || t->case_rows[i].near) {
			v[(*n)++] = &t->case_rows[i];
		}
	}
	if (*n > 1) {
		qsort(v, *n, sizeof(*v), cmp_case_over);
	}
	return v;
}

maat_table *
maat_terms_case_table(const maat_terms *t, size_t limit)
{
	maat_table *x = maat_table_new(_("Cases over the term (and open cases near it)"));
	size_t n;
	const maat_term_case **v = evidence(t, &n);
	maat_table_add_column(x, "case", _("case"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "case_type", _("case type"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "unit", _("unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "start", _("start"), MAAT_COL_DATETIME, 0);
	maat_table_add_column(x, "end", _("end"), MAAT_COL_DATETIME, 0);
	maat_table_add_column(x, "term_days", _("term"), MAAT_COL_REAL, 0);
	maat_table_add_column(x, "day_kind", _("days"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "lead_time_days", _("lead time"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "suspended_days", _("suspended"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "days_over", _("days over"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "open", _("open"), MAAT_COL_BOOL, 0);
	for (size_t i = 0; i < n && (limit == 0 || i < limit); i++) {
		const maat_term_case *c = v[i];
		maat_table_add_row(x);
		maat_table_set_text(x, 0, c->case_key);
		maat_table_set_text(x, 1, c->case_type);
		maat_table_set_text(x, 2, c->unit);
		maat_table_set_int(x, 3, c->start_ms / 1000);
		if (!c->open) {
			maat_table_set_int(x, 4, c->end_ms / 1000);
		}
		maat_table_set_real(x, 5, c->term_days);
		maat_table_set_text(x, 6, c->day_kind);
		maat_table_set_real(x, 7, c->lead_days);
		maat_table_set_real(x, 8, c->suspended_days);
		maat_table_set_real(x, 9, c->lead_days - c->term_days);
		maat_table_set_int(x, 10, c->open);
	}
	free(v);
	return x;
}

static json_t *
group_json(const maat_terms_group *g, const char *key, bool with_term)
{
	json_t *o = json_object();
	json_object_set_new(o, key, json_string(g->name));
	if (with_term) {
		json_object_set_new(o, "term_days", maat_json_real(g->term_days));
		json_object_set_new(o, "day_kind", json_string(g->day_kind));
	}
	json_object_set_new(o, "cases", json_integer(g->cases));
	json_object_set_new(o, "closed_cases", json_integer(g->closed));
	json_object_set_new(o, "open_cases", json_integer(g->open));
	json_object_set_new(o, "over_term", json_integer(g->over_term));
	json_object_set_new(o, "share_over_term", maat_json_real(g->share_over_term));
	json_object_set_new(o, "median_days", maat_json_real(g->median_days));
	json_object_set_new(o, "p90_days", maat_json_real(g->p90_days));
	json_object_set_new(o, "mean_days_over", maat_json_real(g->mean_days_over));
	json_object_set_new(o, "open_over_term", json_integer(g->open_over_term));
	return o;
}

static json_t *
case_json(const maat_term_case *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "case", json_string(c->case_key));
	json_object_set_new(o, "case_type", c->case_type ? json_string(c->case_type) : json_null());
	json_object_set_new(o, "unit", json_string(c->unit));
	json_object_set_new(o, "month", json_string(c->month));
	json_object_set_new(o, "term_days", maat_json_real(c->term_days));
	json_object_set_new(o, "day_kind", json_string(c->day_kind));
	json_object_set_new(o, "lead_time_days", maat_json_real(c->lead_days));
	json_object_set_new(o, "days_over", maat_json_real(c->lead_days - c->term_days));
	json_object_set_new(o, "suspended_days", maat_json_real(c->suspended_days));
	json_object_set_new(o, "open", json_boolean(c->open));
	return o;
}

json_t *
maat_terms_json(const maat_terms *t)
{
	json_t *o = json_object(), *a;
	size_t n;
	const maat_term_case **v;
	json_object_set_new(o, "default_term_days", maat_json_real(t->default_term_days));
	json_object_set_new(o, "terms_file",
			    t->have_terms ? json_string(t->terms_source) : json_null());
	json_object_set_new(o, "holidays", json_integer((json_int_t)t->holidays));
	json_object_set_new(o, "warn_days", maat_json_real(t->warn_days));
	json_object_set_new(o, "timezone", json_string(t->tz));
	json_object_set_new(o, "cases", json_integer(t->cases));
	json_object_set_new(o, "closed_cases", json_integer(t->closed));
	json_object_set_new(o, "open_cases", json_integer(t->open));
	json_object_set_new(o, "over_term", json_integer(t->over_term));
	json_object_set_new(o, "share_over_term", maat_json_real(t->share_over_term));
	a = json_object();
	json_object_set_new(a, "median", maat_json_real(t->lead_median));
	json_object_set_new(a, "p90", maat_json_real(t->lead_p90));
	json_object_set_new(a, "max", maat_json_real(t->lead_max));
	json_object_set_new(o, "lead_time_days", a);
	json_object_set_new(o, "mean_days_over", maat_json_real(t->mean_days_over));
	json_object_set_new(o, "open_over_term", json_integer(t->open_over_term));
	json_object_set_new(o, "open_near_term", json_integer(t->open_near_term));
	json_object_set_new(o, "no_start", json_integer(t->no_start));
	a = json_array();
	for (size_t i = 0; i < t->ntypes; i++) {
		json_array_append_new(a, group_json(&t->types[i], "case_type", true));
	}
	json_object_set_new(o, "by_case_type", a);
	a = json_array();
	for (size_t i = 0; i < t->nunits; i++) {
		json_array_append_new(a, group_json(&t->units[i], "unit", false));
	}
	json_object_set_new(o, "by_unit", a);
	a = json_array();
	for (size_t i = 0; i < t->nmonths; i++) {
		json_array_append_new(a, group_json(&t->months[i], "month", false));
	}
	json_object_set_new(o, "by_month", a);
	v = evidence(t, &n);
	a = json_array();
	for (size_t i = 0; i < n; i++) {
		if (v[i]->over) {
			json_array_append_new(a, case_json(v[i]));
		}
	}
	json_object_set_new(o, "cases_over_term", a);
	a = json_array();
	for (size_t i = 0; i < n; i++) {
		if (v[i]->near) {
			json_array_append_new(a, case_json(v[i]));
		}
	}
	json_object_set_new(o, "cases_near_term", a);
	free(v);
	return o;
}
