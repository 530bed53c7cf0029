/* The demo's summary: the first figures per reader, from the same analyses the commands run. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/i18n.h"
#include "maatlat/meetings.h"
#include "maatlat/org.h"
#include "maatlat/summary.h"
#include "maatlat/table.h"
#include "maatlat/util.h"
#include "maatlat/workbook.h"
#ifdef MAAT_HAVE_LAYERS
#define HAVE_LAYERS 1
#include "maatlat/layers.h"
#endif
#if defined(MAAT_HAVE_SIGNOFF) && defined(HAVE_LAYERS)
#define HAVE_SIGNOFF 1
#include "maatlat/signoff.h"
#endif
#ifdef MAAT_HAVE_HANDOVERS
#define HAVE_HANDOVERS 1
#include "maatlat/handovers.h"
#endif

bool
maat_summary_org_person(void *ctx, const char *key, const char **person, double *fte,
			const char **unit)
{
	const maat_org *org = ctx;
	const maat_org_node *v;
	ssize_t i = maat_org_find(org, key);
	if (i < 0) {
		return false;
	}
	v = &org->nodes[i];
	*person = v->email != NULL && *v->email ? v->email : v->id;
	*fte = v->fte;
	*unit = v->unit;
	return true;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* distinct units of the person nodes */
static size_t
count_units(const maat_org *org)
{
	const char **u = maat_xcalloc(org->n ? org->n : 1, sizeof(*u));
	size_t n = 0, distinct = 0;
	for (size_t i = 0; i < org->n; i++) {
		if (!org->nodes[i].aggregate && org->nodes[i].unit != NULL && *org->nodes[i].unit) {
			u[n++] = org->nodes[i].unit;
		}
	}
	qsort(u, n, sizeof(*u), cmp_str);
	for (size_t i = 0; i < n; i++) {
		distinct += i == 0 || strcmp(u[i - 1], u[i]) != 0;
	}
	free(u);
	return distinct;
}

#ifdef HAVE_LAYERS
static int
org_figures(maat_db *db, const maat_org *org, maat_summary *s, maat_err *err)
{
	maat_layers *l = maat_layers_compute(org, MAAT_LAYERS_MIN_SPAN_DEFAULT);
	const maat_layers_figures *f = maat_layers_figures_get(l);
	int rc = 0;

	s->have_org = true;
	s->people = f->people;
	s->units = count_units(org);
	s->layers = f->layers;
	s->managers = f->managers;
	s->span_mean = f->span_mean;
	s->min_span = f->min_span;
	s->thin_managers = f->thin_managers;
	s->managers_span_1 = f->managers_span_1;
	s->pass_through_managers = f->pass_through_managers;
	s->external_share = f->external_share;
	s->removed_managers = f->delayering.removed_managers;
	s->layers_after = f->delayering.layers_after;
	s->distance_mean_before = f->delayering.distance_mean_before;
	s->distance_mean_after = f->delayering.distance_mean_after;
	maat_layers_free(l);
#ifdef HAVE_SIGNOFF
	{
		maat_mandate *m = NULL;
		size_t nm = 0;
		maat_signoff *so;
		if ((rc = maat_mandates_load(db, &m, &nm, err)) < 0) {
			return rc;
		}
		so = maat_signoff_compute(org, m, nm, NULL, MAAT_SIGNOFF_CAP_DEFAULT);
		s->chain_to_top_mean = maat_signoff_top_mean(so);
		s->chain_to_top_max = maat_signoff_top_max(so);
		if (nm > 0) {
			s->ntypes = maat_signoff_ntypes(so);
			s->types = maat_xcalloc(s->ntypes ? s->ntypes : 1, sizeof(*s->types));
			for (size_t i = 0; i < s->ntypes; i++) {
				const maat_signoff_type *t = maat_signoff_type_get(so, i);
				s->types[i].decision_type = maat_xstrdup(t->decision_type);
				s->types[i].holder = maat_xstrdup(t->holder);
				/* "passes N managers on its way up to the holder": the initials
				 * (METRICS.md §1), people without a holder left out */
				s->types[i].chain_mean = t->initials_mean;
				s->types[i].chain_max = t->initials_max;
			}
		}
		maat_signoff_free(so);
		maat_mandates_free(m, nm);
	}
#else
	(void)db;
	(void)err;
#endif
	return rc;
}
#endif

static int
calendar_figures(maat_db *db, maat_org *org, maat_summary *s, maat_err *err)
{
	maat_meetings_opts o;
	maat_meetings *m;
	const maat_meetings_summary *ms;
	maat_table *t;
	size_t ci, cs, cn, ch, ca;

	maat_meetings_joins *joins = NULL;

	maat_meetings_opts_init(&o);
	/* the same joins as `meetings`: each week the snapshot in force, every org row a person
	 * (job sharers with their own FTE), names several people share join nobody */
	if (org != NULL && maat_meetings_joins_load(db, NULL, &joins, err) < 0) {
		return -1;
	}
	maat_meetings_joins_apply(joins, &o);
	o.top_series = 0;
	m = maat_meetings_compute(db, &o, err);
	if (m == NULL) {
		maat_meetings_joins_free(joins);
		return -1;
	}
	ms = maat_meetings_get_summary(m);
	s->have_calendar = true;
	s->cap_hours = o.cap_hours;
	snprintf(s->from, sizeof(s->from), "%s", ms->from_date);
	snprintf(s->to, sizeof(s->to), "%s", ms->to_date);
	s->persons = ms->persons;
	s->person_weeks = ms->person_weeks;
	s->over_cap_person_weeks = ms->over_cap_person_weeks;
	s->people_over_cap = ms->people_over_cap;
	s->min_group = o.min_group;
	t = maat_meetings_series_table(m);
	cs = maat_report_col(t, "summary");
	cn = maat_report_col(t, "instances");
	ch = maat_report_col(t, "person_hours");
	ca = maat_report_col(t, "mean_attendees");
	ci = maat_report_col(t, "uid");
	/* the table comes sorted by person-hours; the first big enough to name no one */
	for (size_t r = 0; r < maat_table_nrows(t); r++) {
		const maat_cell *a = maat_table_cell(t, r, ca);
		const maat_cell *name = maat_table_cell(t, r, cs);
		if (a->null || a->d < (double)o.min_group) {
			continue;
		}
		s->series = maat_xstrdup(name->null ? maat_table_cell(t, r, ci)->s : name->s);
		s->series_person_hours = maat_table_cell(t, r, ch)->d;
		s->series_instances = maat_table_cell(t, r, cn)->i;
		s->series_mean_attendees = a->d;
		break;
	}
	maat_table_free(t);
	maat_meetings_free(m);
	maat_meetings_joins_free(joins);
	return 0;
}

#ifdef HAVE_HANDOVERS
static int
case_figures(maat_db *db, const maat_org *org, maat_summary *s, maat_err *err)
{
	maat_handovers_opts o;
	maat_handovers *h = NULL;
	int rc;
	maat_handovers_opts_init(&o);
	if ((rc = maat_handovers_compute_with_org(db, &o, org, &h, err)) < 0) {
		return rc;
	}
	s->have_cases = true;
	s->cases = h->cases;
	s->handovers = h->handovers;
	s->cases_over_max = h->cases_over_max;
	s->max_handovers = h->max_handovers;
	s->pingpong_cases = h->pingpong_cases;
	s->signoff_roundtrips = h->signoff_roundtrips;
	s->cases_finished_by_picker = h->cases_finished_by_picker;
	s->cases_without_handover = h->cases_without_handover;
	s->throughput_median = h->throughput_median;
	s->up = h->up;
	s->down = h->down;
	s->sideways = h->sideways;
	s->unknown = h->unknown;
	s->idle_cases = h->idle_cases;
	s->idle_days = h->idle_days;
	s->signoffs = h->signoffs;
	s->signoff_cases = h->signoff_cases;
	maat_handovers_free(h);
	return 0;
}
#endif

int
maat_summary_compute(maat_db *db, maat_summary *s, maat_err *err)
{
	maat_org *org = NULL;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->span_mean = s->external_share = s->distance_mean_before = s->distance_mean_after = NAN;
	s->chain_to_top_mean = s->cap_hours = s->idle_days = s->throughput_median = NAN;
	if (maat_db_has_kind(db, "org")) {
		if ((rc = maat_org_load(db, NULL, &org, err)) < 0) {
			goto out;
		}
#ifdef HAVE_LAYERS
		if (org != NULL && (rc = org_figures(db, org, s, err)) < 0) {
			goto out;
		}
#endif
	}
	if (maat_db_has_kind(db, "calendar") && (rc = calendar_figures(db, org, s, err)) < 0) {
		goto out;
	}
#ifdef HAVE_HANDOVERS
	if (maat_db_has_kind(db, "cases") && (rc = case_figures(db, org, s, err)) < 0) {
		goto out;
	}
#endif
	rc = 0;
out:
	maat_org_free(org);
	if (rc < 0) {
		maat_summary_fini(s);
	}
	return rc;
}

void
maat_summary_fini(maat_summary *s)
{
	if (s == NULL) {
		return;
	}
	for (size_t i = 0; i < s->ntypes; i++) {
		free(s->types[i].decision_type);
		free(s->types[i].holder);
	}
	free(s->types);
	free(s->series);
	memset(s, 0, sizeof(*s));
}

/* db as a shell word: quoted when it holds anything but [A-Za-z0-9._/+-] */
static char *
shell_word(const char *s)
{
	maat_buf b = {0};
	bool plain = *s != '\0';
	for (const char *p = s; *p && plain; p++) {
		plain =
		    strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-",
			   *p) != NULL;
	}
	if (plain) {
		return maat_xstrdup(s);
	}
	maat_buf_append(&b, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '\'') {
			maat_buf_append(&b, "'\\''", 4);
		} else {
			maat_buf_append(&b, p, 1);
		}
	}
	maat_buf_append(&b, "'", 1);
	return b.data;
}

static double
share(size_t part, size_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : NAN;
}

char *
maat_summary_text(const maat_summary *s, const char *prog, const char *db)
{
	maat_buf b = {0};
	char *w = shell_word(db);
	/* numbers as people of the language write them (7.7, or 7,7 in Dutch) */
	char n1[32], n2[32];
#define R1(v) maat_i18n_real(n1, sizeof(n1), (v), 1)
#define R1b(v) maat_i18n_real(n2, sizeof(n2), (v), 1)
#define R2(v) maat_i18n_real(n1, sizeof(n1), (v), 2)
#define R2b(v) maat_i18n_real(n2, sizeof(n2), (v), 2)

	if (s->have_org) {
		maat_buf_printf(&b, _("For the director: the org chart, %zu people in %zu units\n"),
				s->people, s->units);
		maat_buf_printf(&b, _("  %d management layers from the top to the front line\n"),
				s->layers);
		maat_buf_printf(&b, _("  %zu managers with %s direct reports on average\n"),
				s->managers, R1(s->span_mean));
		maat_buf_printf(&b,
				_("  %zu thin managers (fewer than %d direct reports), %zu of them "
				  "manage one person\n"),
				s->thin_managers, s->min_span, s->managers_span_1);
		maat_buf_printf(
		    &b,
		    _("  %zu pass-through managers: managers of one whose one report is "
		      "a manager too\n"),
		    s->pass_through_managers);
		maat_buf_printf(
		    &b,
		    _("  Delayering: without the %zu thin manager roles, %d layers instead "
		      "of %d;\n    mean distance to the top %s layers instead of %s\n"),
		    s->removed_managers, s->layers_after, s->layers, R2(s->distance_mean_after),
		    R2b(s->distance_mean_before));
		maat_buf_printf(&b,
				_("  Sign-off: a decision passes %s managers on its way to the top "
				  "on average, at most %d\n"),
				R2(s->chain_to_top_mean), s->chain_to_top_max);
		if (s->ntypes > 0) {
			maat_buf_printf(&b, "%s\n",
					_("    up to the mandate holder, per decision type:"));
		}
		for (size_t i = 0; i < s->ntypes; i++) {
			maat_buf_printf(&b,
					_("    %-22s %-24s %s managers on average, at most %d\n"),
					s->types[i].decision_type, s->types[i].holder,
					R2(s->types[i].chain_mean), s->types[i].chain_max);
		}
		if (!isnan(s->external_share)) {
			maat_buf_printf(&b, _("  Hired-in staff (inhuur): %s%% of the FTE\n"),
					R1(100.0 * s->external_share));
		}
		maat_buf_printf(&b, _("  Dig deeper: %s --db %s layers\n"), prog, w);
		maat_buf_printf(&b, _("              %s --db %s signoff\n\n"), prog, w);
	}
	if (s->have_calendar) {
		maat_buf_printf(&b, _("For the works council: calendars of %zu people, %s .. %s\n"),
				s->persons, s->from, s->to);
		maat_buf_printf(
		    &b,
		    _("  cap: %.4g hours of meetings per full-time week (x FTE from the "
		      "org chart)\n"),
		    s->cap_hours);
		maat_buf_printf(&b, _("  %zu of %zu people over the cap in at least one week\n"),
				s->people_over_cap, s->persons);
		maat_buf_printf(&b, _("  %zu of %zu person-weeks over the cap (%s%%)\n"),
				s->over_cap_person_weeks, s->person_weeks,
				R1(share(s->over_cap_person_weeks, s->person_weeks)));
		if (s->series != NULL) {
			maat_buf_printf(&b,
					_("  Biggest recurring meeting: \"%s\",\n    %s "
					  "person-hours in %lld meetings of %s people on "
					  "average\n"),
					s->series, R1(s->series_person_hours),
					(long long)s->series_instances,
					R1b(s->series_mean_attendees));
		}
		maat_buf_printf(&b, _("  Dig deeper: %s --db %s meetings\n\n"), prog, w);
	}
	if (s->have_cases) {
		maat_buf_printf(&b, _("For the policy maker: %lld cases in the case log\n"),
				(long long)s->cases);
		maat_buf_printf(&b,
				_("  %s handovers per case on average; %lld cases passed on more "
				  "than %d times\n"),
				R2(s->cases ? (double)s->handovers / (double)s->cases : NAN),
				(long long)s->cases_over_max, s->max_handovers);
		maat_buf_printf(&b, _("  %lld ping-pong cases (A -> B -> A)\n"),
				(long long)s->pingpong_cases);
		if (s->signoff_roundtrips > 0) {
			maat_buf_printf(&b,
					_("  %lld sign-off round trips (A -> B for a paraaf -> A), "
					  "not counted as ping-pong\n"),
					(long long)s->signoff_roundtrips);
		}
		maat_buf_printf(
		    &b, _("  %lld of %lld cases (%s%%) finished by whoever picked them up\n"),
		    (long long)s->cases_finished_by_picker, (long long)s->cases,
		    R1(share((size_t)s->cases_finished_by_picker, (size_t)s->cases)));
		maat_buf_printf(&b,
				_("  Escalations: %lld handovers up the line, %lld down, %lld "
				  "sideways\n"),
				(long long)s->up, (long long)s->down, (long long)s->sideways);
		if (s->unknown > 0) {
			maat_buf_printf(
			    &b, _("    and %lld between people the org chart does not know\n"),
			    (long long)s->unknown);
		}
		maat_buf_printf(&b,
				_("  %lld idle dossiers (more than %.4g days between two steps)\n"),
				(long long)s->idle_cases, s->idle_days);
		maat_buf_printf(&b, _("  Dig deeper: %s --db %s handovers\n\n"), prog, w);
	}
	if (b.data == NULL) {
		maat_buf_printf(&b, "%s\n", _("Nothing imported."));
	}
	free(w);
#undef R1
#undef R1b
#undef R2
#undef R2b
	return b.data;
}

/* ---- findings: whole sentences for people, shared by the HTML report and the workbook ---- */

typedef struct flist {
	maat_finding *v;
	size_t n;
} flist;

static void __attribute__((format(printf, 6, 7)))
add_finding(flist *l, enum maat_audience a, const char *key, double value,
	    enum maat_finding_status st, const char *fmt, ...)
{
	va_list ap;
	maat_buf b = {0};
	char *text;
	va_start(ap, fmt);
	{
		char small[1];
		va_list aq;
		int len;
		va_copy(aq, ap);
		len = vsnprintf(small, sizeof(small), fmt, aq);
		va_end(aq);
		text = maat_xmalloc(len > 0 ? (size_t)len + 1 : 1);
		vsnprintf(text, len > 0 ? (size_t)len + 1 : 1, fmt, ap);
	}
	va_end(ap);
	maat_buf_fini(&b);
	l->v = maat_xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = (maat_finding){a, text, key, value, st, NULL};
}

/* the evidence of the last finding added */
static void
evidence(flist *l, const char *sheet)
{
	if (l->n > 0) {
		l->v[l->n - 1].evidence = sheet;
	}
}

static void
org_findings(const maat_summary *s, flist *l)
{
	const enum maat_audience D = MAAT_AUDIENCE_DIRECTOR;
	char a[32], b[32];

	add_finding(l, D, "layers.layers", s->layers, MAAT_FINDING_FACT,
		    P_("The organisation has %d management layer from the top to the front line "
		       "(%zu people in %zu units).",
		       "The organisation has %d management layers from the top to the front line "
		       "(%zu people in %zu units).",
		       s->layers),
		    s->layers, s->people, s->units);
	evidence(l, _("Layer pyramid"));
	add_finding(
	    l, D, "layers.span_mean", s->span_mean,
	    s->span_mean >= s->min_span ? MAAT_FINDING_OK : MAAT_FINDING_OVER,
	    P_("The %zu manager has %s direct reports on average; the target is at least %d.",
	       "The %zu managers have %s direct reports on average; the target is at least "
	       "%d.",
	       s->managers),
	    s->managers, maat_i18n_real(a, sizeof(a), s->span_mean, 1), s->min_span);
	evidence(l, _("Span distribution"));
	add_finding(l, D, "layers.thin_managers", (double)s->thin_managers,
		    s->thin_managers > 0 ? MAAT_FINDING_OVER : MAAT_FINDING_OK,
		    P_("%zu manager has fewer than %d direct reports (a thin manager).",
		       "%zu managers have fewer than %d direct reports (thin managers).",
		       s->thin_managers),
		    s->thin_managers, s->min_span);
	evidence(l, _("Managers"));
	add_finding(l, D, "layers.managers_span_1", (double)s->managers_span_1, MAAT_FINDING_FACT,
		    P_("%zu manager manages one person; %zu of the managers of one only pass work "
		       "on to one other manager (pass-through).",
		       "%zu managers manage one person each; %zu of them only pass work on to one "
		       "other manager (pass-through).",
		       s->managers_span_1),
		    s->managers_span_1, s->pass_through_managers);
	evidence(l, _("Managers"));
	add_finding(
	    l, D, "layers.delayering.layers_after", s->layers_after, MAAT_FINDING_FACT,
	    P_("What-if: if the management role of the %zu thin manager went (the person "
	       "stays on as staff, the reports move to the next manager up), there would be "
	       "%d layers instead of %d, and the mean distance to the top would be %s "
	       "layers instead of %s.",
	       "What-if: if the management role of the %zu thin managers went (the people "
	       "stay on as staff, their reports move to the next manager up), there would be "
	       "%d layers instead of %d, and the mean distance to the top would be %s "
	       "layers instead of %s.",
	       s->removed_managers),
	    s->removed_managers, s->layers_after, s->layers,
	    maat_i18n_real(a, sizeof(a), s->distance_mean_after, 2),
	    maat_i18n_real(b, sizeof(b), s->distance_mean_before, 2));
	evidence(l, _("Delayering"));
	if (!isnan(s->chain_to_top_mean)) {
		add_finding(
		    l, D, "signoff.chain_to_top_mean", s->chain_to_top_mean, MAAT_FINDING_FACT,
		    _("On its way to the top, a decision passes %s managers on average, at "
		      "most %d."),
		    maat_i18n_real(a, sizeof(a), s->chain_to_top_mean, 2), s->chain_to_top_max);
		evidence(l, _("Sign-off chains"));
	}
	for (size_t i = 0; i < s->ntypes; i++) {
		add_finding(l, D, NULL, s->types[i].chain_mean, MAAT_FINDING_FACT,
			    _("A decision of type %s passes %s managers on average on its way up "
			      "to the mandate holder (%s), at most %d."),
			    s->types[i].decision_type,
			    maat_i18n_real(a, sizeof(a), s->types[i].chain_mean, 2),
			    s->types[i].holder, s->types[i].chain_max);
		evidence(l, _("Sign-off chains"));
	}
	if (!isnan(s->external_share)) {
		add_finding(l, D, "layers.external_share", s->external_share, MAAT_FINDING_FACT,
			    _("Hired-in staff (inhuur) make up %s%% of the FTE."),
			    maat_i18n_real(a, sizeof(a), 100.0 * s->external_share, 1));
	}
}

static void
calendar_findings(const maat_summary *s, flist *l)
{
	const enum maat_audience W = MAAT_AUDIENCE_WORKS_COUNCIL;
	char a[32], b[32], c[32];

	add_finding(l, W, "meetings.people_over_cap", (double)s->people_over_cap,
		    s->people_over_cap > 0 ? MAAT_FINDING_OVER : MAAT_FINDING_OK,
		    P_("%zu of %zu person was over the meeting cap (%s hours per full-time week, "
		       "times their FTE) in at least one week between %s and %s.",
		       "%zu of %zu people were over the meeting cap (%s hours per full-time week, "
		       "times their FTE) in at least one week between %s and %s.",
		       s->persons),
		    s->people_over_cap, s->persons, maat_i18n_real(a, sizeof(a), s->cap_hours, 0),
		    s->from, s->to);
	evidence(l, _("Unit weeks"));
	add_finding(l, W, "meetings.over_cap_person_weeks", (double)s->over_cap_person_weeks,
		    s->over_cap_person_weeks > 0 ? MAAT_FINDING_OVER : MAAT_FINDING_OK,
		    P_("%zu of %zu person-week (%s%%) was over that cap.",
		       "%zu of %zu person-weeks (%s%%) were over that cap.", s->person_weeks),
		    s->over_cap_person_weeks, s->person_weeks,
		    maat_i18n_real(b, sizeof(b),
				   s->person_weeks ? 100.0 * (double)s->over_cap_person_weeks /
							 (double)s->person_weeks
						   : 0,
				   1));
	evidence(l, _("Weekly meeting hours"));
	if (s->series != NULL) {
		add_finding(l, W, NULL, s->series_person_hours, MAAT_FINDING_FACT,
			    P_("The costliest recurring meeting is \"%s\": %s person-hours in %lld "
			       "meeting of %s people on average.",
			       "The costliest recurring meeting is \"%s\": %s person-hours in %lld "
			       "meetings of %s people on average.",
			       s->series_instances),
			    s->series, maat_i18n_real(a, sizeof(a), s->series_person_hours, 1),
			    (long long)s->series_instances,
			    maat_i18n_real(c, sizeof(c), s->series_mean_attendees, 1));
		evidence(l, _("Meeting series"));
	}
}

static void
case_findings(const maat_summary *s, flist *l)
{
	const enum maat_audience P = MAAT_AUDIENCE_POLICY_MAKER;
	double mean = s->cases ? (double)s->handovers / (double)s->cases : NAN;
	char a[32];

	add_finding(l, P, "handovers.handovers_mean", mean,
		    mean > s->max_handovers ? MAAT_FINDING_OVER : MAAT_FINDING_OK,
		    P_("The %lld case in the case log was handed over %s times on average; the cap "
		       "is %d.",
		       "The %lld cases in the case log were handed over %s times on average; the "
		       "cap is %d per case.",
		       s->cases),
		    (long long)s->cases, maat_i18n_real(a, sizeof(a), mean, 2), s->max_handovers);
	evidence(l, _("Handovers per case"));
	add_finding(l, P, "handovers.cases_over_max", (double)s->cases_over_max,
		    s->cases_over_max > 0 ? MAAT_FINDING_OVER : MAAT_FINDING_OK,
		    P_("%lld case was handed over more than %d times.",
		       "%lld cases were handed over more than %d times.", s->cases_over_max),
		    (long long)s->cases_over_max, s->max_handovers);
	evidence(l, _("Cases"));
	add_finding(l, P, "handovers.pingpong_cases", (double)s->pingpong_cases, MAAT_FINDING_FACT,
		    P_("%lld case went back and forth between two people (ping-pong: A to B and "
		       "back to A).",
		       "%lld cases went back and forth between two people (ping-pong: A to B and "
		       "back to A).",
		       s->pingpong_cases),
		    (long long)s->pingpong_cases);
	evidence(l, _("Handovers between people"));
	add_finding(l, P, "handovers.cases_without_handover", (double)s->cases_without_handover,
		    MAAT_FINDING_FACT,
		    P_("%lld of %lld case stayed with whoever picked it up: it was never handed "
		       "over.",
		       "%lld of %lld cases stayed with whoever picked them up: they were never "
		       "handed over.",
		       s->cases),
		    (long long)s->cases_without_handover, (long long)s->cases);
	evidence(l, _("Cases"));
	add_finding(
	    l, P, "handovers.cases_finished_by_picker", (double)s->cases_finished_by_picker,
	    MAAT_FINDING_FACT,
	    P_("%lld of %lld case (%s%%) was closed by whoever picked it up, after any "
	       "number of handovers in between.",
	       "%lld of %lld cases (%s%%) were closed by whoever picked them up, some after "
	       "several handovers in between.",
	       s->cases),
	    (long long)s->cases_finished_by_picker, (long long)s->cases,
	    maat_i18n_real(a, sizeof(a),
			   share((size_t)s->cases_finished_by_picker, (size_t)s->cases), 1));
	evidence(l, _("Cases"));
	add_finding(l, P, "handovers.escalations.up", (double)s->up, MAAT_FINDING_FACT,
		    P_("Of the handovers, %lld went up the line, %lld down and %lld sideways "
		       "(%lld between people the org chart does not know).",
		       "Of the handovers, %lld went up the line, %lld down and %lld sideways "
		       "(%lld between people the org chart does not know).",
		       s->up),
		    (long long)s->up, (long long)s->down, (long long)s->sideways,
		    (long long)s->unknown);
	evidence(l, _("Handovers between people"));
	add_finding(l, P, "handovers.idle_cases", (double)s->idle_cases,
		    s->idle_cases > 0 ? MAAT_FINDING_OVER : MAAT_FINDING_OK,
		    P_("%lld case lay idle for more than %s days between two steps.",
		       "%lld cases lay idle for more than %s days between two steps.",
		       s->idle_cases),
		    (long long)s->idle_cases, maat_i18n_real(a, sizeof(a), s->idle_days, 0));
	evidence(l, _("Cases"));
}

void
maat_summary_findings(const maat_summary *s, maat_finding **out, size_t *n)
{
	flist l = {0};
	if (s->have_org) {
		org_findings(s, &l);
	}
	if (s->have_calendar) {
		calendar_findings(s, &l);
	}
	if (s->have_cases) {
		case_findings(s, &l);
	}
	*out = l.v;
	*n = l.n;
}

void
maat_summary_findings_free(maat_finding *f, size_t n)
{
	for (size_t i = 0; f != NULL && i < n; i++) {
		free(f[i].text);
	}
	free(f);
}
