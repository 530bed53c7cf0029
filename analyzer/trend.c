/* Trends and role mix (METRICS.md §6), built from the same analyses the other commands run:
 * layers per org snapshot, handovers and terms per case, meetings per person-week. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/handovers.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/layers.h"
#include "maatlat/meetings.h"
#include "maatlat/org.h"
#include "maatlat/terms.h"
#include "maatlat/trend.h"
#include "maatlat/util.h"
#include "maatlat/zone.h"

const char *const maat_role_names[MAAT_ROLE_N] = {"management", "policy", "execution", "support",
						  "unknown"};

static int
role_index(const char *role)
{
	for (int i = 0; i < MAAT_ROLE_UNKNOWN; i++) {
		if (role != NULL && strcmp(role, maat_role_names[i]) == 0) {
			return i;
		}
	}
	return MAAT_ROLE_UNKNOWN;
}

/* ---- org snapshots and the role mix ----------------------------------------------------- */

/* Sums of one group of nodes. */
struct mixacc {
	char *group;
	size_t people;
	double fte, ext, emp_fte;
	bool has_emp;
	double role[MAAT_ROLE_N];
};

static struct mixacc *
mix_get(struct mixacc **v, size_t *n, const char *group)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].group, group) == 0) {
			return &(*v)[i];
		}
	}
	*v = maat_xreallocarray(*v, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].group = maat_xstrdup(group);
	return &(*v)[(*n)++];
}

static void
mix_add(struct mixacc *a, const maat_org_node *nd)
{
	a->people += !nd->aggregate;
	a->fte += nd->fte;
	a->role[role_index(nd->role)] += nd->fte;
	if (nd->employment != MAAT_EMP_UNKNOWN) {
		a->has_emp = true;
		a->ext += nd->employment == MAAT_EMP_EXTERNAL ? nd->fte : 0;
	}
}

static int
cmp_mixacc(const void *a, const void *b)
{
	const struct mixacc *x = a, *y = b;
	/* layers as numbers, units by name */
	size_t lx = strlen(x->group), ly = strlen(y->group);
	if (lx != ly && strspn(x->group, "0123456789") == lx &&
	    strspn(y->group, "0123456789") == ly) {
		return lx < ly ? -1 : 1;
	}
	return strcmp(x->group, y->group);
}

static void
mix_emit(maat_trend *t, const char *as_of, const char *by, struct mixacc *v, size_t n)
{
	if (n > 1) {
		qsort(v, n, sizeof(*v), cmp_mixacc);
	}
	t->mix = maat_xreallocarray(t->mix, t->nmix + n + 1, sizeof(*t->mix));
	for (size_t i = 0; i < n; i++) {
		maat_trend_mix *m = &t->mix[t->nmix++];
		memset(m, 0, sizeof(*m));
		m->as_of = maat_xstrdup(as_of);
		m->by = by;
		m->group = v[i].group;
		m->people = v[i].people;
		m->fte = v[i].fte;
		for (int r = 0; r < MAAT_ROLE_N; r++) {
			m->share[r] = v[i].fte > 0 ? v[i].role[r] / v[i].fte : NAN;
		}
		m->external_share = v[i].has_emp && v[i].fte > 0 ? v[i].ext / v[i].fte : NAN;
	}
	free(v);
}

/* Per unit: FTE per role, for the flag's units. */
struct unitroles {
	char *unit;
	double before[MAAT_ROLE_N], after[MAAT_ROLE_N];
};

static struct unitroles *
ur_get(struct unitroles **v, size_t *n, const char *unit)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*v)[i].unit, unit) == 0) {
			return &(*v)[i];
		}
	}
	*v = maat_xreallocarray(*v, *n + 1, sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].unit = maat_xstrdup(unit);
	return &(*v)[(*n)++];
}

static const char *
unit_name(const maat_org_node *nd)
{
	return nd->unit != NULL && *nd->unit ? nd->unit : _("(no unit)");
}

static char *
source_path(maat_db *db, int64_t source_id)
{
	sqlite3_stmt *st = maat_db_stmt(db, "SELECT path FROM sources WHERE id = ?1", NULL);
	char *p = NULL;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, source_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			p = maat_xstrdup((const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_reset(st);
	}
	return p != NULL ? p : maat_xstrdup("");
}

static bool
grows(int role)
{
	return role == MAAT_ROLE_MANAGEMENT || role == MAAT_ROLE_POLICY;
}

/* The units and rows behind a flag between the snapshots prev and cur. */
static void
explain_flag(maat_db *db, maat_trend *t, maat_trend_snapshot *s, const maat_org *prev,
	     const maat_org *cur)
{
	struct unitroles *ur = NULL;
	size_t nur = 0;
	maat_buf units = {0};

	for (size_t i = 0; i < prev->n; i++) {
		const maat_org_node *nd = &prev->nodes[i];
		ur_get(&ur, &nur, unit_name(nd))->before[role_index(nd->role)] += nd->fte;
	}
	for (size_t i = 0; i < cur->n; i++) {
		const maat_org_node *nd = &cur->nodes[i];
		ur_get(&ur, &nur, unit_name(nd))->after[role_index(nd->role)] += nd->fte;
	}
	for (size_t i = 0; i < nur; i++) {
		const struct unitroles *u = &ur[i];
		double ex = u->after[MAAT_ROLE_EXECUTION] - u->before[MAAT_ROLE_EXECUTION];
		double mp = u->after[MAAT_ROLE_MANAGEMENT] - u->before[MAAT_ROLE_MANAGEMENT] +
			    u->after[MAAT_ROLE_POLICY] - u->before[MAAT_ROLE_POLICY];
		if (ex < -1e-9 || mp > 1e-9) {
			maat_buf_printf(&units, "%s%s", units.len ? ", " : "", u->unit);
		}
		free(u->unit);
	}
	free(ur);
	s->flag_units = maat_xstrdup(units.len ? units.data : "");
	maat_buf_fini(&units);
	/* the rows: execution FTE that went, management or policy FTE that came */
	for (int pass = 0; pass < 2; pass++) {
		const maat_org *a = pass == 0 ? prev : cur, *b = pass == 0 ? cur : prev;
		for (size_t i = 0; i < a->n; i++) {
			const maat_org_node *na = &a->nodes[i];
			ssize_t j = maat_org_find(b, na->id);
			const maat_org_node *nb = j >= 0 ? &b->nodes[j] : NULL;
			const maat_org_node *before = pass == 0 ? na : nb,
					    *after = pass == 0 ? nb : na;
			double eb, ea, gb, ga;
			maat_trend_flag_row *row;
			/* a person in both snapshots is looked at once, in the first pass */
			if (pass == 1 && nb != NULL) {
				continue;
			}
			eb = before && role_index(before->role) == MAAT_ROLE_EXECUTION ? before->fte
										       : 0;
			ea = after && role_index(after->role) == MAAT_ROLE_EXECUTION ? after->fte
										     : 0;
			gb = before && grows(role_index(before->role)) ? before->fte : 0;
			ga = after && grows(role_index(after->role)) ? after->fte : 0;
			if (!(ea < eb - 1e-9 || ga > gb + 1e-9)) {
				continue;
			}
			t->flag_rows = maat_xreallocarray(t->flag_rows, t->nflag_rows + 1,
							  sizeof(*t->flag_rows));
			row = &t->flag_rows[t->nflag_rows++];
			memset(row, 0, sizeof(*row));
			{
				const maat_org_node *shown = after != NULL ? after : before;
				row->as_of = maat_xstrdup(s->as_of);
				row->id = maat_xstrdup(shown->id);
				row->name = shown->name ? maat_xstrdup(shown->name) : NULL;
				row->unit = maat_xstrdup(unit_name(shown));
				row->source = source_path(db, shown->source_id);
				row->line = shown->line;
			}
			row->role_before = before ? maat_role_names[role_index(before->role)] : "";
			row->role_after = after ? maat_role_names[role_index(after->role)] : "";
			row->fte_before = before ? before->fte : 0;
			row->fte_after = after ? after->fte : 0;
		}
	}
}

static int
snapshots(maat_db *db, maat_trend *t, maat_err *err)
{
	sqlite3_stmt *st =
	    maat_db_stmt(db, "SELECT DISTINCT as_of FROM org_imports ORDER BY as_of", err);
	char **dates = NULL;
	size_t n = 0;
	maat_org *prev = NULL;
	int rc;

	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		dates = maat_xreallocarray(dates, n + 1, sizeof(*dates));
		dates[n++] = maat_xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = maat_db_fail(db, err, _("reading org snapshots"));
		goto out;
	}
	t->snapshots = maat_xcalloc(n + 1, sizeof(*t->snapshots));
	rc = 0;
	for (size_t i = 0; i < n; i++) {
		maat_org *org = NULL;
		maat_layers *l;
		const maat_layers_figures *f;
		maat_trend_snapshot *s = &t->snapshots[t->nsnapshots];
		struct mixacc *units = NULL, *layers = NULL;
		size_t nunits = 0, nlayers = 0;
		if ((rc = maat_org_load(db, *dates[i] ? dates[i] : NULL, &org, err)) < 0) {
			goto out;
		}
		if (org == NULL) {
			continue;
		}
		t->nsnapshots++;
		l = maat_layers_compute(org, MAAT_LAYERS_MIN_SPAN_DEFAULT);
		f = maat_layers_figures_get(l);
		s->as_of = maat_xstrdup(dates[i]);
		s->people = f->people;
		s->layers = f->layers;
		s->managers = f->managers;
		s->manager_share = f->manager_share;
		s->span_mean = f->span_mean;
		s->thin_managers = f->thin_managers;
		s->external_share = f->external_share;
		for (size_t k = 0; k < org->n; k++) {
			const maat_org_node *nd = &org->nodes[k];
			char layer[16];
			s->fte += nd->fte;
			s->role_fte[role_index(nd->role)] += nd->fte;
			mix_add(mix_get(&units, &nunits, unit_name(nd)), nd);
			if (nd->layer > 0) {
				snprintf(layer, sizeof(layer), "%d", (int)nd->layer);
				mix_add(mix_get(&layers, &nlayers, layer), nd);
			}
		}
		maat_layers_free(l);
		mix_emit(t, s->as_of, "unit", units, nunits);
		mix_emit(t, s->as_of, "layer", layers, nlayers);
		if (prev != NULL) {
			const maat_trend_snapshot *p = s - 1;
			s->flagged =
			    s->role_fte[MAAT_ROLE_EXECUTION] <
				p->role_fte[MAAT_ROLE_EXECUTION] - 1e-9 &&
			    (s->role_fte[MAAT_ROLE_MANAGEMENT] >
				 p->role_fte[MAAT_ROLE_MANAGEMENT] + 1e-9 ||
			     s->role_fte[MAAT_ROLE_POLICY] > p->role_fte[MAAT_ROLE_POLICY] + 1e-9);
			if (s->flagged) {
				explain_flag(db, t, s, prev, org);
			}
		}
		maat_org_free(prev);
		prev = org;
	}
out:
	maat_org_free(prev);
	for (size_t i = 0; i < n; i++) {
		free(dates[i]);
	}
	free(dates);
	return rc;
}

/* ---- case months --------------------------------------------------------------------- */

struct keyidx {
	const char *key;
	size_t i;
};

static int
cmp_keyidx(const void *a, const void *b)
{
	const struct keyidx *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

struct cmacc {
	char month[8];
	int64_t cases, handovers, pingpong, closed, over;
	double *thr;
	size_t nthr;
};

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int
cmp_cmacc(const void *a, const void *b)
{
	return strcmp(((const struct cmacc *)a)->month, ((const struct cmacc *)b)->month);
}

static int
case_months(maat_db *db, maat_trend *t, maat_err *err)
{
	maat_handovers_opts ho;
	maat_handovers *h = NULL;
	maat_terms_opts to;
	maat_terms *tm = NULL;
	struct keyidx *idx = NULL;
	struct cmacc *m = NULL;
	size_t nm = 0;
	int rc;

	maat_handovers_opts_init(&ho);
	ho.keep_cases = true;
	maat_terms_opts_init(&to);
	to.keep_all_cases = true;
	if ((rc = maat_handovers_compute(db, &ho, &h, err)) < 0 ||
	    (rc = maat_terms_compute(db, &to, &tm, err)) < 0) {
		goto out;
	}
	/* the two analyses meet on the case id */
	idx = maat_xcalloc(h->ncase_rows + 1, sizeof(*idx));
	for (size_t i = 0; i < h->ncase_rows; i++) {
		idx[i] = (struct keyidx){h->case_rows[i].case_key, i};
	}
	if (h->ncase_rows > 1) {
		qsort(idx, h->ncase_rows, sizeof(*idx), cmp_keyidx);
	}
	for (size_t i = 0; i < tm->ncase_rows; i++) {
		const maat_term_case *c = &tm->case_rows[i];
		struct keyidx k = {c->case_key, 0}, *hit;
		struct cmacc *a = NULL;
		const maat_handover_case *hc;
		size_t lo = 0, hi = h->ncase_rows;
		/* the first entry with this key */
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (strcmp(idx[mid].key, k.key) < 0) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		hit = lo < h->ncase_rows && strcmp(idx[lo].key, k.key) == 0 ? &idx[lo] : NULL;
		for (size_t j = 0; j < nm; j++) {
			if (strcmp(m[j].month, c->month) == 0) {
				a = &m[j];
			}
		}
		if (a == NULL) {
			m = maat_xreallocarray(m, nm + 1, sizeof(*m));
			a = &m[nm++];
			memset(a, 0, sizeof(*a));
			memcpy(a->month, c->month, sizeof(a->month));
		}
		a->cases++;
		if (!c->open) {
			a->closed++;
			a->over += c->over;
		}
		if (hit != NULL) {
			hc = &h->case_rows[hit->i];
			a->handovers += hc->handovers;
			a->pingpong += hc->pingpong > 0;
			a->thr = maat_xreallocarray(a->thr, a->nthr + 1, sizeof(*a->thr));
			a->thr[a->nthr++] = hc->throughput_days;
		}
	}
	if (nm > 1) {
		qsort(m, nm, sizeof(*m), cmp_cmacc);
	}
	t->case_months = maat_xcalloc(nm + 1, sizeof(*t->case_months));
	for (size_t i = 0; i < nm; i++) {
		maat_trend_case_month *x = &t->case_months[i];
		memcpy(x->month, m[i].month, sizeof(x->month));
		x->cases = m[i].cases;
		x->handovers_per_case = (double)m[i].handovers / (double)m[i].cases;
		x->pingpong_share = (double)m[i].pingpong / (double)m[i].cases;
		if (m[i].nthr > 1) {
			qsort(m[i].thr, m[i].nthr, sizeof(double), cmp_double);
		}
		x->throughput_median_days = maat_percentile_linear(m[i].thr, m[i].nthr, 0.5);
		x->share_over_term =
		    m[i].closed > 0 ? (double)m[i].over / (double)m[i].closed : NAN;
		free(m[i].thr);
	}
	t->ncase_months = nm;
	rc = 0;
out:
	free(m);
	free(idx);
	maat_handovers_free(h);
	maat_terms_free(tm);
	return rc;
}

/* ---- meeting months -------------------------------------------------------------------- */

static bool
org_person(void *ctx, const char *key, const char **person, double *fte, const char **unit)
{
	const maat_org *org = ctx;
	ssize_t i = maat_org_find(org, key);
	if (i < 0) {
		return false;
	}
	*person = org->nodes[i].email != NULL && *org->nodes[i].email ? org->nodes[i].email
								      : org->nodes[i].id;
	*fte = org->nodes[i].fte;
	*unit = org->nodes[i].unit;
	return true;
}

/* The month ("yyyy-mm") of the Thursday of ISO week "yyyy-Www"; false when not a week. */
static bool
week_month(const char *w, char out[8])
{
	int y, wk;
	unsigned yy, mm;
	struct icaltimetype t = icaltime_null_date();
	if (w == NULL || sscanf(w, "%d-W%d", &y, &wk) != 2 || wk < 1 || wk > 53) {
		return false;
	}
	/* 4 January is in week 1; its week's Thursday, then wk - 1 weeks on (libical's day of
	 * week: 1 = Sunday, so Monday .. Sunday = 2 .. 1) */
	t.year = y;
	t.month = 1;
	t.day = 4;
	t.day += 3 - ((icaltime_day_of_week(t) + 5) % 7) + (wk - 1) * 7;
	t = icaltime_normalize(t);
	yy = (unsigned)t.year;
	mm = (unsigned)t.month;
	snprintf(out, 8, "%04u-%02u", yy % 10000u, mm % 100u);
	return true;
}

static size_t
col_of(const maat_table *x, const char *key)
{
	for (size_t i = 0; i < maat_table_ncols(x); i++) {
		if (strcmp(maat_table_col_key(x, i), key) == 0) {
			return i;
		}
	}
	return (size_t)-1;
}

static int
meeting_months(maat_db *db, maat_trend *t, maat_err *err)
{
	maat_meetings_opts o;
	maat_meetings *m = NULL;
	maat_table *pw = NULL;
	maat_org *org = NULL;
	size_t cw, ch, co;
	struct mm {
		char month[8];
		int64_t weeks, over;
		double hours;
	} *v = NULL;
	size_t n = 0;
	int rc;

	if (!maat_db_has_kind(db, "calendar")) {
		return 0;
	}
	if ((rc = maat_org_load(db, NULL, &org, err)) < 0) {
		return rc;
	}
	maat_meetings_opts_init(&o);
	if (org != NULL) {
		o.person = org_person;
		o.person_ctx = org;
	}
	if ((m = maat_meetings_compute(db, &o, err)) == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	/* every person-week for the monthly aggregates (the per-person table shows only what
	 * --per-person allows) */
	pw = maat_meetings_person_weeks_all_table(m);
	cw = col_of(pw, "week");
	ch = col_of(pw, "hours");
	co = col_of(pw, "over_cap");
	if (cw == (size_t)-1 || ch == (size_t)-1 || co == (size_t)-1) {
		rc = maat_err_set(err, MAAT_E_INTERNAL, "%s", "person-weeks table without columns");
		goto out;
	}
	for (size_t r = 0; r < maat_table_nrows(pw); r++) {
		char month[8];
		struct mm *a = NULL;
		if (!week_month(maat_table_cell(pw, r, cw)->s, month)) {
			continue;
		}
		for (size_t j = 0; j < n; j++) {
			if (strcmp(v[j].month, month) == 0) {
				a = &v[j];
			}
		}
		if (a == NULL) {
			v = maat_xreallocarray(v, n + 1, sizeof(*v));
			a = &v[n++];
			memset(a, 0, sizeof(*a));
			memcpy(a->month, month, sizeof(month));
		}
		a->weeks++;
		a->hours += maat_table_cell(pw, r, ch)->d;
		a->over += maat_table_cell(pw, r, co)->i != 0;
	}
	t->meeting_months = maat_xcalloc(n + 1, sizeof(*t->meeting_months));
	for (size_t i = 0; i < n; i++) {
		/* insertion into month order */
		size_t j = i;
		maat_trend_meeting_month x;
		memcpy(x.month, v[i].month, sizeof(x.month));
		x.person_weeks = v[i].weeks;
		x.share_over_cap = (double)v[i].over / (double)v[i].weeks;
		x.hours_mean = v[i].hours / (double)v[i].weeks;
		while (j > 0 && strcmp(t->meeting_months[j - 1].month, x.month) > 0) {
			t->meeting_months[j] = t->meeting_months[j - 1];
			j--;
		}
		t->meeting_months[j] = x;
	}
	t->nmeeting_months = n;
	rc = 0;
out:
	free(v);
	maat_table_free(pw);
	maat_meetings_free(m);
	maat_org_free(org);
	return rc;
}

int
maat_trend_compute(maat_db *db, maat_trend **out, maat_err *err)
{
	maat_trend *t = maat_xcalloc(1, sizeof(*t));
	int rc;
	if ((rc = snapshots(db, t, err)) < 0 || (rc = case_months(db, t, err)) < 0 ||
	    (rc = meeting_months(db, t, err)) < 0) {
		maat_trend_free(t);
		return rc;
	}
	*out = t;
	return 0;
}

void
maat_trend_free(maat_trend *t)
{
	if (t == NULL) {
		return;
	}
	for (size_t i = 0; i < t->nsnapshots; i++) {
		free(t->snapshots[i].as_of);
		free(t->snapshots[i].flag_units);
	}
	free(t->snapshots);
	for (size_t i = 0; i < t->nflag_rows; i++) {
		maat_trend_flag_row *r = &t->flag_rows[i];
		free(r->as_of);
		free(r->id);
		free(r->name);
		free(r->unit);
		free(r->source);
	}
	free(t->flag_rows);
	for (size_t i = 0; i < t->nmix; i++) {
		free(t->mix[i].as_of);
		free(t->mix[i].group);
	}
	free(t->mix);
	free(t->case_months);
	free(t->meeting_months);
	free(t);
}

/* ---- output ------------------------------------------------------------------------------ */

maat_table *
maat_trend_snapshot_table(const maat_trend *t)
{
	maat_table *x = maat_table_new(_("Trend per org snapshot"));
	size_t c;
	maat_table_add_column(x, "as_of", _("snapshot"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "people", _("people"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "fte", _("FTE"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "layers", _("layers"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "managers", _("managers"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "manager_share", _("manager share"), MAAT_COL_SHARE, 1);
	maat_table_add_column(x, "span_mean", _("mean span"), MAAT_COL_REAL, 2);
	maat_table_add_column(x, "thin_managers", _("thin managers"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "external_share", _("external share"), MAAT_COL_SHARE, 1);
	for (int r = 0; r < MAAT_ROLE_N; r++) {
		char *key = maat_xasprintf("fte_%s", maat_role_names[r]);
		char *head = maat_xasprintf(_("FTE %s"), _(maat_role_names[r]));
		maat_table_add_column(x, key, head, MAAT_COL_REAL, 1);
		free(key);
		free(head);
	}
	maat_table_add_column(x, "change_people", _("change: people"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "change_fte", _("change: FTE"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "change_layers", _("change: layers"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "change_managers", _("change: managers"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "change_external_share", _("change: external share"),
			      MAAT_COL_SHARE, 1);
	maat_table_add_column(x, "change_fte_management", _("change: FTE management"),
			      MAAT_COL_REAL, 1);
	maat_table_add_column(x, "change_fte_policy", _("change: FTE policy"), MAAT_COL_REAL, 1);
	maat_table_add_column(x, "change_fte_execution", _("change: FTE execution"), MAAT_COL_REAL,
			      1);
	maat_table_add_column(x, "flagged", _("cut on public service"), MAAT_COL_BOOL, 0);
	maat_table_add_column(x, "flag_units", _("units behind the flag"), MAAT_COL_TEXT, 0);
	for (size_t i = 0; i < t->nsnapshots; i++) {
		const maat_trend_snapshot *s = &t->snapshots[i], *p = i > 0 ? s - 1 : NULL;
		c = 0;
		maat_table_add_row(x);
		maat_table_set_text(x, c++, *s->as_of ? s->as_of : _("(undated)"));
		maat_table_set_int(x, c++, (int64_t)s->people);
		maat_table_set_real(x, c++, s->fte);
		maat_table_set_int(x, c++, s->layers);
		maat_table_set_int(x, c++, (int64_t)s->managers);
		maat_table_set_real(x, c++, s->manager_share);
		maat_table_set_real(x, c++, s->span_mean);
		maat_table_set_int(x, c++, (int64_t)s->thin_managers);
		maat_table_set_real(x, c++, s->external_share);
		for (int r = 0; r < MAAT_ROLE_N; r++) {
			maat_table_set_real(x, c++, s->role_fte[r]);
		}
		if (p != NULL) {
			maat_table_set_int(x, c, (int64_t)s->people - (int64_t)p->people);
			maat_table_set_real(x, c + 1, s->fte - p->fte);
			maat_table_set_int(x, c + 2, s->layers - p->layers);
			maat_table_set_int(x, c + 3, (int64_t)s->managers - (int64_t)p->managers);
			maat_table_set_real(x, c + 4, s->external_share - p->external_share);
			maat_table_set_real(x, c + 5,
					    s->role_fte[MAAT_ROLE_MANAGEMENT] -
						p->role_fte[MAAT_ROLE_MANAGEMENT]);
			maat_table_set_real(x, c + 6,
					    s->role_fte[MAAT_ROLE_POLICY] -
						p->role_fte[MAAT_ROLE_POLICY]);
			maat_table_set_real(x, c + 7,
					    s->role_fte[MAAT_ROLE_EXECUTION] -
						p->role_fte[MAAT_ROLE_EXECUTION]);
		}
		c += 8;
		maat_table_set_int(x, c++, s->flagged);
		maat_table_set_text(x, c++, s->flag_units);
	}
	return x;
}

maat_table *
maat_trend_flag_table(const maat_trend *t)
{
	maat_table *x = maat_table_new(_("Rows behind the public-service flag"));
	maat_table_add_column(x, "as_of", _("snapshot"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "id", _("id"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "name", _("name"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "unit", _("unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "role_before", _("role before"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "role_after", _("role after"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "fte_before", _("FTE before"), MAAT_COL_REAL, 2);
	maat_table_add_column(x, "fte_after", _("FTE after"), MAAT_COL_REAL, 2);
	maat_table_add_column(x, "source", _("source"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "line", _("line"), MAAT_COL_INT, 0);
	for (size_t i = 0; i < t->nflag_rows; i++) {
		const maat_trend_flag_row *r = &t->flag_rows[i];
		maat_table_add_row(x);
		maat_table_set_text(x, 0, r->as_of);
		maat_table_set_text(x, 1, r->id);
		maat_table_set_text(x, 2, r->name);
		maat_table_set_text(x, 3, r->unit);
		maat_table_set_text(x, 4, r->role_before);
		maat_table_set_text(x, 5, r->role_after);
		maat_table_set_real(x, 6, r->fte_before);
		maat_table_set_real(x, 7, r->fte_after);
		maat_table_set_text(x, 8, r->source);
		maat_table_set_int(x, 9, r->line);
	}
	return x;
}

maat_table *
maat_trend_mix_table(const maat_trend *t, int min_group)
{
	maat_table *x = maat_table_new(_("Role mix (share of FTE)"));
	maat_table_add_column(x, "as_of", _("snapshot"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "by", _("by"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "group", _("unit or layer"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "people", _("people"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "fte", _("FTE"), MAAT_COL_REAL, 1);
	for (int r = 0; r < MAAT_ROLE_N; r++) {
		maat_table_add_column(x, maat_role_names[r], _(maat_role_names[r]), MAAT_COL_SHARE,
				      1);
	}
	maat_table_add_column(x, "external_share", _("external"), MAAT_COL_SHARE, 1);
	maat_table_add_column(x, "note", _("note"), MAAT_COL_TEXT, 0);
	for (size_t i = 0; i < t->nmix; i++) {
		const maat_trend_mix *m = &t->mix[i];
		maat_table_add_row(x);
		maat_table_set_text(x, 0, m->as_of);
		maat_table_set_text(x, 1, _(m->by));
		maat_table_set_text(x, 2, m->group);
		maat_table_set_int(x, 3, (int64_t)m->people);
		/* METRICS.md §4: no shares of a group under min_group people (they would tell one
		 * person's role or employment) */
		if (min_group > 0 && m->people < (size_t)min_group) {
			char *note =
			    maat_xasprintf(_("fewer than %d people: not shown"), min_group);
			maat_table_set_text(x, 6 + MAAT_ROLE_N, note);
			free(note);
			continue;
		}
		maat_table_set_real(x, 4, m->fte);
		for (int r = 0; r < MAAT_ROLE_N; r++) {
			maat_table_set_real(x, 5 + (size_t)r, m->share[r]);
		}
		maat_table_set_real(x, 5 + MAAT_ROLE_N, m->external_share);
	}
	return x;
}

maat_table *
maat_trend_case_month_table(const maat_trend *t)
{
	maat_table *x = maat_table_new(_("Trend per month of case start"));
	maat_table_add_column(x, "month", _("month"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "cases", _("cases"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "handovers_per_case", _("handovers per case"), MAAT_COL_REAL, 2);
	maat_table_add_column(x, "pingpong_share", _("ping-pong share"), MAAT_COL_SHARE, 1);
	maat_table_add_column(x, "throughput_median_days", _("median throughput (days)"),
			      MAAT_COL_REAL, 1);
	maat_table_add_column(x, "share_over_term", _("share over term"), MAAT_COL_SHARE, 1);
	maat_table_add_column(x, "change_cases", _("change: cases"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "change_share_over_term", _("change: share over term"),
			      MAAT_COL_SHARE, 1);
	for (size_t i = 0; i < t->ncase_months; i++) {
		const maat_trend_case_month *m = &t->case_months[i];
		maat_table_add_row(x);
		maat_table_set_text(x, 0, m->month);
		maat_table_set_int(x, 1, m->cases);
		maat_table_set_real(x, 2, m->handovers_per_case);
		maat_table_set_real(x, 3, m->pingpong_share);
		maat_table_set_real(x, 4, m->throughput_median_days);
		maat_table_set_real(x, 5, m->share_over_term);
		if (i > 0) {
			maat_table_set_int(x, 6, m->cases - m[-1].cases);
			maat_table_set_real(x, 7, m->share_over_term - m[-1].share_over_term);
		}
	}
	return x;
}

maat_table *
maat_trend_meeting_month_table(const maat_trend *t)
{
	maat_table *x = maat_table_new(_("Trend per month of meetings"));
	maat_table_add_column(x, "month", _("month"), MAAT_COL_TEXT, 0);
	maat_table_add_column(x, "person_weeks", _("person-weeks"), MAAT_COL_INT, 0);
	maat_table_add_column(x, "share_over_cap", _("share over cap"), MAAT_COL_SHARE, 1);
	maat_table_add_column(x, "hours_mean", _("mean hours"), MAAT_COL_REAL, 2);
	maat_table_add_column(x, "change_share_over_cap", _("change: share over cap"),
			      MAAT_COL_SHARE, 1);
	maat_table_add_column(x, "change_hours_mean", _("change: mean hours"), MAAT_COL_REAL, 2);
	for (size_t i = 0; i < t->nmeeting_months; i++) {
		const maat_trend_meeting_month *m = &t->meeting_months[i];
		maat_table_add_row(x);
		maat_table_set_text(x, 0, m->month);
		maat_table_set_int(x, 1, m->person_weeks);
		maat_table_set_real(x, 2, m->share_over_cap);
		maat_table_set_real(x, 3, m->hours_mean);
		if (i > 0) {
			maat_table_set_real(x, 4, m->share_over_cap - m[-1].share_over_cap);
			maat_table_set_real(x, 5, m->hours_mean - m[-1].hours_mean);
		}
	}
	return x;
}

static json_t *
snapshot_json(const maat_trend_snapshot *s, const maat_trend_snapshot *p)
{
	json_t *o = json_object(), *r = json_object(), *c;
	json_object_set_new(o, "as_of", json_string(s->as_of));
	json_object_set_new(o, "people", json_integer((json_int_t)s->people));
	json_object_set_new(o, "fte", maat_json_real(s->fte));
	json_object_set_new(o, "layers", json_integer(s->layers));
	json_object_set_new(o, "managers", json_integer((json_int_t)s->managers));
	json_object_set_new(o, "manager_share", maat_json_real(s->manager_share));
	json_object_set_new(o, "span_mean", maat_json_real(s->span_mean));
	json_object_set_new(o, "thin_managers", json_integer((json_int_t)s->thin_managers));
	json_object_set_new(o, "external_share", maat_json_real(s->external_share));
	for (int i = 0; i < MAAT_ROLE_N; i++) {
		json_object_set_new(r, maat_role_names[i], maat_json_real(s->role_fte[i]));
	}
	json_object_set_new(o, "fte_per_role", r);
	json_object_set_new(o, "flagged", json_boolean(s->flagged));
	json_object_set_new(o, "flag_units",
			    s->flag_units ? json_string(s->flag_units) : json_null());
	if (p == NULL) {
		json_object_set_new(o, "change", json_null());
		return o;
	}
	c = json_object();
	json_object_set_new(c, "people",
			    json_integer((json_int_t)s->people - (json_int_t)p->people));
	json_object_set_new(c, "fte", maat_json_real(s->fte - p->fte));
	json_object_set_new(c, "layers", json_integer(s->layers - p->layers));
	json_object_set_new(c, "managers",
			    json_integer((json_int_t)s->managers - (json_int_t)p->managers));
	json_object_set_new(c, "manager_share",
			    maat_json_real(s->manager_share - p->manager_share));
	json_object_set_new(c, "span_mean", maat_json_real(s->span_mean - p->span_mean));
	json_object_set_new(
	    c, "thin_managers",
	    json_integer((json_int_t)s->thin_managers - (json_int_t)p->thin_managers));
	json_object_set_new(c, "external_share",
			    maat_json_real(s->external_share - p->external_share));
	r = json_object();
	for (int i = 0; i < MAAT_ROLE_N; i++) {
		json_object_set_new(r, maat_role_names[i],
				    maat_json_real(s->role_fte[i] - p->role_fte[i]));
	}
	json_object_set_new(c, "fte_per_role", r);
	json_object_set_new(o, "change", c);
	return o;
}

json_t *
maat_trend_json(const maat_trend *t)
{
	json_t *o = json_object(), *a = json_array();
	maat_table *x;
	for (size_t i = 0; i < t->nsnapshots; i++) {
		json_array_append_new(
		    a, snapshot_json(&t->snapshots[i], i > 0 ? &t->snapshots[i - 1] : NULL));
	}
	json_object_set_new(o, "snapshots", a);
	a = json_array();
	for (size_t i = 0; i < t->ncase_months; i++) {
		const maat_trend_case_month *m = &t->case_months[i];
		json_t *r = json_object(), *c;
		json_object_set_new(r, "month", json_string(m->month));
		json_object_set_new(r, "cases", json_integer(m->cases));
		json_object_set_new(r, "handovers_per_case", maat_json_real(m->handovers_per_case));
		json_object_set_new(r, "pingpong_share", maat_json_real(m->pingpong_share));
		json_object_set_new(r, "throughput_median_days",
				    maat_json_real(m->throughput_median_days));
		json_object_set_new(r, "share_over_term", maat_json_real(m->share_over_term));
		if (i == 0) {
			json_object_set_new(r, "change", json_null());
		} else {
			const maat_trend_case_month *p = m - 1;
			c = json_object();
			json_object_set_new(c, "cases", json_integer(m->cases - p->cases));
			json_object_set_new(
			    c, "handovers_per_case",
			    maat_json_real(m->handovers_per_case - p->handovers_per_case));
			json_object_set_new(c, "pingpong_share",
					    maat_json_real(m->pingpong_share - p->pingpong_share));
			json_object_set_new(
			    c, "throughput_median_days",
			    maat_json_real(m->throughput_median_days - p->throughput_median_days));
			json_object_set_new(
			    c, "share_over_term",
			    maat_json_real(m->share_over_term - p->share_over_term));
			json_object_set_new(r, "change", c);
		}
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "case_months", a);
	a = json_array();
	for (size_t i = 0; i < t->nmeeting_months; i++) {
		const maat_trend_meeting_month *m = &t->meeting_months[i];
		json_t *r = json_object(), *c;
		json_object_set_new(r, "month", json_string(m->month));
		json_object_set_new(r, "person_weeks", json_integer(m->person_weeks));
		json_object_set_new(r, "share_over_cap", maat_json_real(m->share_over_cap));
		json_object_set_new(r, "hours_mean", maat_json_real(m->hours_mean));
		if (i == 0) {
			json_object_set_new(r, "change", json_null());
		} else {
			const maat_trend_meeting_month *p = m - 1;
			c = json_object();
			json_object_set_new(c, "person_weeks",
					    json_integer(m->person_weeks - p->person_weeks));
			json_object_set_new(c, "share_over_cap",
					    maat_json_real(m->share_over_cap - p->share_over_cap));
			json_object_set_new(c, "hours_mean",
					    maat_json_real(m->hours_mean - p->hours_mean));
			json_object_set_new(r, "change", c);
		}
		json_array_append_new(a, r);
	}
	json_object_set_new(o, "meeting_months", a);
	x = maat_trend_flag_table(t);
	json_object_set_new(o, "flag_rows", maat_table_to_json(x));
	maat_table_free(x);
	x = maat_trend_mix_table(t, MAAT_TREND_MIN_GROUP);
	json_object_set_new(o, "role_mix", maat_table_to_json(x));
	maat_table_free(x);
	return o;
}
