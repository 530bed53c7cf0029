/* Layers, spans and delayering (METRICS.md §1). One pass over the nodes for spans, one pass in
 * breadth-first order for the delayering; no recursion. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/layers.h"
#include "maatlat/util.h"

struct maat_layers {
	/* borrowed */
	const maat_org *org;
	maat_layers_figures fig;
	/* per node: span, whether delayering removes it, the parent and layer after */
	double *span;
	unsigned char *removed;
	ssize_t *parent_after;
	int32_t *layer_after;
};

static bool
is_one(double span)
{
	return fabs(span - 1.0) < 1e-9;
}

/* weight of a node as a report: a person counts 1, an aggregate row its FTE */
static double
weight(const maat_org_node *nd)
{
	return nd->aggregate ? nd->fte : 1.0;
}

static size_t
nchildren(const maat_org *org, size_t i)
{
	return org->child_off[i + 1] - org->child_off[i];
}

static bool
is_pass_through(const maat_layers *l, size_t i)
{
	const maat_org *org = l->org;
	size_t c;
	if (!is_one(l->span[i]) || nchildren(org, i) != 1) {
		return false;
	}
	c = org->child[org->child_off[i]];
	return !org->nodes[c].aggregate && l->span[c] > 0;
}

/* The span median of the managers: the middle value (mean of the two middle values for an even
 * count) found by selection, not by sorting. v is reordered. */
static double
select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n;
	/* three-way partition around a middle pivot: spans repeat a lot (small integers) */
	while (hi - lo > 1) {
		double piv = v[lo + (hi - lo) / 2];
		size_t lt = lo, i = lo, gt = hi;
		while (i < gt) {
			if (v[i] < piv) {
				double t = v[lt];
				v[lt++] = v[i];
				v[i++] = t;
			} else if (v[i] > piv) {
				double t = v[--gt];
				v[gt] = v[i];
				v[i] = t;
			} else {
				i++;
			}
		}
		if (k < lt) {
			hi = lt;
		} else if (k >= gt) {
			lo = gt;
		} else {
			return piv;
		}
	}
	return v[k];
}

static double
median(double *v, size_t n)
{
	double hi = select_kth(v, n, n / 2), lo;
	if (n % 2) {
		return hi;
	}
	/* select_kth left everything below index n / 2 no larger than hi: the lower middle
	 * value is the largest of them */
	lo = v[0];
	for (size_t i = 1; i < n / 2; i++) {
		if (v[i] > lo) {
			lo = v[i];
		}
	}
	return (lo + hi) / 2;
}

/* The delayering simulation. On entry parent_after[] holds the parents and layer_after[] the
 * layers before (filled by maat_layers_compute's pass over the nodes); the sums of integers
 * below are exact in any order. */
static void
delayer(maat_layers *l, bool has_aggregates)
{
	const maat_org *org = l->org;
	maat_layers_figures *f = &l->fig;
	size_t *up = maat_xalloc_huge(org->n ? org->n : 1, sizeof(size_t));
	double *span_after = NULL;
	double dist_after = 0, span_sum = 0;
	int k = f->min_span;

	f->delayering.min_span = k;
	/* T: managers with a layer, not at layer 1 (roots, self-loops and orphans have no
	 * ancestor to hand their reports to), span < k */
	for (size_t i = 0; i < org->n; i++) {
		l->removed[i] = l->layer_after[i] > 1 && l->span[i] > 0 && l->span[i] < k;
		f->delayering.removed_managers += l->removed[i];
	}
	/* parents come before children in order[], so up[] of a parent is known, and so is
	 * layer_after[] of every ancestor (nodes outside order[] keep layer 0) */
	for (size_t j = 0; j < org->norder; j++) {
		size_t i = org->order[j];
		ssize_t p = l->parent_after[i];
		up[i] = l->removed[i] ? up[p] : i;
		if (p >= 0) {
			l->parent_after[i] = (ssize_t)up[p];
			l->layer_after[i] = l->layer_after[up[p]] + 1;
		} else {
			l->layer_after[i] = 1;
		}
		if (l->layer_after[i] > f->delayering.layers_after) {
			f->delayering.layers_after = l->layer_after[i];
		}
		dist_after += l->layer_after[i] - 1;
	}
	free(up);
	span_after = maat_xalloc_huge(org->n ? org->n : 1, sizeof(double));
	for (size_t i = 0; i < org->n; i++) {
		span_after[i] = 0;
	}
	if (has_aggregates) {
		for (size_t i = 0; i < org->n; i++) {
			if (l->parent_after[i] >= 0) {
				span_after[l->parent_after[i]] += weight(&org->nodes[i]);
			}
		}
	} else {
		/* every report weighs 1: the nodes need not be read again */
		for (size_t i = 0; i < org->n; i++) {
			if (l->parent_after[i] >= 0) {
				span_after[l->parent_after[i]] += 1.0;
			}
		}
	}
	for (size_t i = 0; i < org->n; i++) {
		if (span_after[i] > 0) {
			f->delayering.managers_after++;
			span_sum += span_after[i];
		}
	}
	f->delayering.span_mean_after =
	    f->delayering.managers_after ? span_sum / (double)f->delayering.managers_after : NAN;
	f->delayering.distance_mean_after = org->norder ? dist_after / (double)org->norder : NAN;
	free(span_after);
}

maat_layers *
maat_layers_compute(const maat_org *org, int min_span)
{
	maat_layers *l = maat_xcalloc(1, sizeof(*l));
	maat_layers_figures *f = &l->fig;
	size_t n = org->n ? org->n : 1, caphist = 0;
	double span_sum = 0, fte_all = 0, fte_ext = 0, dist_before = 0;
	double *spans = NULL;
	bool has_employment = false;

	l->org = org;
	/* removed[], parent_after[] and layer_after[] are written for every node below */
	l->span = maat_xalloc_huge(n, sizeof(double));
	for (size_t i = 0; i < n; i++) {
		l->span[i] = 0;
	}
	l->removed = maat_xalloc_huge(n, 1);
	l->parent_after = maat_xalloc_huge(n, sizeof(ssize_t));
	l->layer_after = maat_xalloc_huge(n, sizeof(int32_t));
	f->min_span = min_span;

	/* the one pass over the nodes (they are large: every pass costs a read of all of them);
	 * the parents and layers go into the compact arrays delayer() starts from */
	for (size_t i = 0; i < org->n; i++) {
		const maat_org_node *nd = &org->nodes[i];
		int32_t layer = nd->layer;
		l->parent_after[i] = nd->parent;
		l->layer_after[i] = layer;
		if (nd->parent >= 0) {
			l->span[nd->parent] += weight(nd);
		}
		if (nd->aggregate) {
			f->aggregate_rows++;
			f->aggregate_fte += nd->fte;
		} else {
			f->people++;
		}
		if (layer > 0) {
			if ((size_t)layer >= caphist) {
				size_t old = caphist;
				caphist = caphist ? caphist : 32;
				while (caphist <= (size_t)layer) {
					caphist *= 2;
				}
				f->layer_histogram =
				    maat_xreallocarray(f->layer_histogram, caphist, sizeof(size_t));
				memset(f->layer_histogram + old, 0,
				       (caphist - old) * sizeof(size_t));
			}
			f->layer_histogram[layer]++;
			if (layer > f->layers) {
				f->layers = layer;
			}
			dist_before += layer - 1;
		} else {
			f->nodes_without_layer++;
		}
		/* METRICS.md §1: unknown employment is never taken as internal: only FTE whose
		 * employment is stated counts (a mixed job share split by row) */
		fte_all += nd->fte_stated;
		fte_ext += nd->fte_external;
		if (nd->employment != MAAT_EMP_UNKNOWN) {
			has_employment = true;
		}
	}
	if (f->layer_histogram == NULL) {
		f->layer_histogram = maat_xcalloc(1, sizeof(size_t));
	}
	for (size_t i = 0; i < org->n; i++) {
		f->managers += l->span[i] > 0;
	}
	spans = maat_xreallocarray(NULL, f->managers ? f->managers : 1, sizeof(double));
	f->managers = 0;
	f->span_max = NAN;
	for (size_t i = 0; i < org->n; i++) {
		double s = l->span[i];
		if (s <= 0) {
			continue;
		}
		spans[f->managers++] = s;
		span_sum += s;
		if (isnan(f->span_max) || s > f->span_max) {
			f->span_max = s;
		}
		f->managers_span_1 += is_one(s);
		f->thin_managers += s < min_span;
		f->pass_through_managers += is_pass_through(l, i);
	}
	if (f->managers > 0) {
		f->span_mean = span_sum / (double)f->managers;
		f->span_median = median(spans, f->managers);
		f->staff_per_manager =
		    ((double)f->people - (double)f->managers) / (double)f->managers;
	} else {
		f->span_mean = f->span_median = f->staff_per_manager = NAN;
	}
	free(spans);
	f->manager_share = f->people ? (double)f->managers / (double)f->people : NAN;
	f->external_share = has_employment && fte_all > 0 ? fte_ext / fte_all : NAN;
	if (has_employment) {
		for (size_t i = 0; i < org->n; i++) {
			const maat_org_node *nd = &org->nodes[i];
			f->employment_unknown +=
			    !nd->aggregate &&
			    (nd->employment == MAAT_EMP_UNKNOWN || nd->fte_stated < nd->fte);
		}
	}
	f->roots = org->counts.roots;
	f->orphans = org->counts.orphans;
	f->self_loops = org->counts.self_loops;
	f->cycles = org->counts.cycles;
	f->duplicate_ids = org->counts.duplicate_ids;
	f->conflicts = org->counts.conflicts;
	f->job_shares = org->counts.job_shares;
	f->leading_zero_ids = org->counts.leading_zero_ids;
	f->delayering.distance_mean_before = org->norder ? dist_before / (double)org->norder : NAN;
	delayer(l, f->aggregate_rows > 0);
	return l;
}

void
maat_layers_free(maat_layers *l)
{
	if (l == NULL) {
		return;
	}
	free(l->fig.layer_histogram);
	free(l->span);
	free(l->removed);
	free(l->parent_after);
	free(l->layer_after);
	free(l);
}

const maat_layers_figures *
maat_layers_figures_get(const maat_layers *l)
{
	return &l->fig;
}

double
maat_layers_span(const maat_layers *l, size_t i)
{
	return i < l->org->n ? l->span[i] : 0;
}

bool
maat_layers_pass_through(const maat_layers *l, size_t i)
{
	return i < l->org->n && is_pass_through(l, i);
}

bool
maat_layers_removed(const maat_layers *l, size_t i)
{
	return i < l->org->n && l->removed[i];
}

int
maat_layers_layer_after(const maat_layers *l, size_t i)
{
	return i < l->org->n ? l->layer_after[i] : 0;
}

/* ---- JSON ---- */

static json_t *
jint(size_t v)
{
	return json_integer((json_int_t)v);
}

json_t *
maat_layers_json(const maat_layers *l)
{
	const maat_layers_figures *f = &l->fig;
	const maat_org *org = l->org;
	json_t *o = json_object(), *hist = json_object(), *d = json_object();
	json_t *removed = json_array(), *anomalies = json_array();

	json_object_set_new(o, "people", jint(f->people));
	json_object_set_new(o, "aggregate_rows", jint(f->aggregate_rows));
	json_object_set_new(o, "aggregate_fte", json_real(f->aggregate_fte));
	json_object_set_new(o, "roots", jint(f->roots));
	json_object_set_new(o, "layers", json_integer(f->layers));
	for (int k = 1; k <= f->layers; k++) {
		char key[16];
		snprintf(key, sizeof(key), "%d", k);
		json_object_set_new(hist, key, jint(f->layer_histogram[k]));
	}
	json_object_set_new(o, "layer_histogram", hist);
	json_object_set_new(o, "managers", jint(f->managers));
	json_object_set_new(o, "span_mean", maat_json_real(f->span_mean));
	json_object_set_new(o, "span_median", maat_json_real(f->span_median));
	json_object_set_new(o, "span_max", maat_json_real(f->span_max));
	json_object_set_new(o, "managers_span_1", jint(f->managers_span_1));
	json_object_set_new(o, "thin_managers", jint(f->thin_managers));
	json_object_set_new(o, "min_span", json_integer(f->min_span));
	json_object_set_new(o, "pass_through_managers", jint(f->pass_through_managers));
	json_object_set_new(o, "staff_per_manager", maat_json_real(f->staff_per_manager));
	json_object_set_new(o, "manager_share", maat_json_real(f->manager_share));
	json_object_set_new(o, "external_share", maat_json_real(f->external_share));
	json_object_set_new(o, "employment_unknown",
			    json_integer((json_int_t)f->employment_unknown));
	json_object_set_new(o, "orphans", jint(f->orphans));
	json_object_set_new(o, "self_loops", jint(f->self_loops));
	json_object_set_new(o, "cycles", jint(f->cycles));
	json_object_set_new(o, "duplicate_ids", jint(f->duplicate_ids));
	json_object_set_new(o, "conflicts", jint(f->conflicts));
	json_object_set_new(d, "min_span", json_integer(f->delayering.min_span));
	json_object_set_new(d, "removed_managers", jint(f->delayering.removed_managers));
	json_object_set_new(d, "layers_after", json_integer(f->delayering.layers_after));
	json_object_set_new(d, "managers_after", jint(f->delayering.managers_after));
	json_object_set_new(d, "span_mean_after", maat_json_real(f->delayering.span_mean_after));
	json_object_set_new(d, "distance_mean_before",
			    maat_json_real(f->delayering.distance_mean_before));
	json_object_set_new(d, "distance_mean_after",
			    maat_json_real(f->delayering.distance_mean_after));
	for (size_t i = 0; i < org->n; i++) {
		if (l->removed[i]) {
			json_array_append_new(removed, json_string(org->nodes[i].id));
		}
	}
	json_object_set_new(d, "removed", removed);
	json_object_set_new(o, "delayering", d);
	json_object_set_new(o, "as_of", json_string(org->as_of ? org->as_of : ""));
	json_object_set_new(o, "job_shares", jint(f->job_shares));
	json_object_set_new(o, "leading_zero_ids", jint(f->leading_zero_ids));
	json_object_set_new(o, "nodes_without_layer", jint(f->nodes_without_layer));
	for (size_t i = 0; i < org->nanomalies; i++) {
		const maat_org_anomaly *a = &org->anomalies[i];
		json_t *e = json_object();
		json_object_set_new(e, "kind", json_string(maat_org_anomaly_name(a->kind)));
		json_object_set_new(e, "ids", json_string(a->ids));
		json_object_set_new(e, "detail", json_string(a->detail));
		json_object_set_new(e, "source_id", json_integer(a->source_id));
		json_object_set_new(e, "line", json_integer(a->line));
		json_array_append_new(anomalies, e);
	}
	json_object_set_new(o, "anomalies", anomalies);
	return o;
}

/* ---- tables ---- */

static void
row_int(maat_table *t, const char *label, size_t v)
{
	maat_table_add_row(t);
	maat_table_set_text(t, 0, label);
	maat_table_set_count(t, 1, (double)v);
}

static void
row_real(maat_table *t, const char *label, double v)
{
	maat_table_add_row(t);
	maat_table_set_text(t, 0, label);
	maat_table_set_real(t, 1, v); /* NaN -> null */
}

maat_table *
maat_layers_summary_table(const maat_layers *l)
{
	const maat_layers_figures *f = &l->fig;
	maat_table *t = maat_table_new(_("Layers and spans"));
	maat_table_add_column(t, "figure", _("figure"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "value", _("value"), MAAT_COL_REAL, 2);
	row_int(t, _("people"), f->people);
	row_int(t, _("aggregate rows"), f->aggregate_rows);
	row_real(t, _("aggregate FTE"), f->aggregate_fte);
	row_int(t, _("roots"), f->roots);
	row_int(t, _("layers"), (size_t)f->layers);
	row_int(t, _("managers"), f->managers);
	row_real(t, _("span mean"), f->span_mean);
	row_real(t, _("span median"), f->span_median);
	row_real(t, _("span max"), f->span_max);
	row_int(t, _("managers of one"), f->managers_span_1);
	row_int(t, _("thin managers (span < min span)"), f->thin_managers);
	row_int(t, _("pass-through managers"), f->pass_through_managers);
	row_real(t, _("staff per manager"), f->staff_per_manager);
	row_real(t, _("manager share"), f->manager_share);
	row_real(t, _("external share (FTE)"), f->external_share);
	row_int(t, _("employment unknown (people)"), f->employment_unknown);
	row_int(t, _("orphans"), f->orphans);
	row_int(t, _("self-loops"), f->self_loops);
	row_int(t, _("cycles"), f->cycles);
	row_int(t, _("duplicate ids"), f->duplicate_ids);
	row_int(t, _("conflicts"), f->conflicts);
	return t;
}

/* space-separated flags of node i, into b */
static void
flags_text(const maat_layers *l, size_t i, maat_buf *b)
{
	const maat_org_node *nd = &l->org->nodes[i];
	maat_buf_reset(b);
	maat_buf_append(b, "", 0);
#define FLAG(cond, s)                                                                              \
	if (cond) {                                                                                \
		maat_buf_printf(b, "%s%s", b->len ? " " : "", s);                                  \
	}
	FLAG((nd->flags & MAAT_ORG_F_ROOT) && !(nd->flags & MAAT_ORG_F_SELF_LOOP), _("root"));
	FLAG(nd->flags & MAAT_ORG_F_SELF_LOOP, _("self-loop"));
	FLAG(nd->flags & MAAT_ORG_F_ORPHAN, _("orphan"));
	FLAG(nd->flags & MAAT_ORG_F_CYCLE, _("cycle"));
	FLAG(nd->flags & MAAT_ORG_F_BELOW_CYCLE, _("below-cycle"));
	FLAG(nd->aggregate, _("aggregate"));
	FLAG(nd->employment == MAAT_EMP_EXTERNAL, _("external"));
	FLAG(l->span[i] > 0 && l->span[i] < l->fig.min_span, _("thin"));
	FLAG(is_one(l->span[i]), _("of-one"));
	FLAG(is_pass_through(l, i), _("pass-through"));
	FLAG(l->removed[i], _("removed"));
#undef FLAG
}

static void
set_layer(maat_table *t, size_t col, int32_t layer)
{
	if (layer > 0) {
		maat_table_set_int(t, col, layer);
	} else {
		maat_table_set_null(t, col);
	}
}

/* The first five columns of every table that lists nodes (people, managers, removed roles):
 * one place, so their keys and headers cannot drift apart. */
static void
add_node_columns(maat_table *t)
{
	maat_table_add_column(t, "id", _("id"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "name", _("name"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "title", _("title"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "unit", _("unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "layer", _("layer"), MAAT_COL_INT, 0);
}

/* Fills columns 0-4 of the last row from nd. */
static void
set_node_cells(maat_table *t, const maat_org_node *nd)
{
	maat_table_set_text(t, 0, nd->id);
	maat_table_set_text(t, 1, nd->name);
	maat_table_set_text(t, 2, nd->title);
	maat_table_set_text(t, 3, nd->unit);
	set_layer(t, 4, nd->layer);
}

maat_table *
maat_layers_people_table(const maat_layers *l)
{
	const maat_org *org = l->org;
	maat_table *t = maat_table_new(_("People and posts"));
	maat_buf b = {0};
	add_node_columns(t);
	maat_table_add_column(t, "manager", _("manager"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "span", _("span"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "fte", _("FTE"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "flags", _("flags"), MAAT_COL_TEXT, 0);
	for (size_t i = 0; i < org->n; i++) {
		const maat_org_node *nd = &org->nodes[i];
		maat_table_add_row(t);
		set_node_cells(t, nd);
		maat_table_set_text(t, 5, nd->manager_id);
		maat_table_set_real(t, 6, l->span[i]);
		maat_table_set_real(t, 7, nd->fte);
		flags_text(l, i, &b);
		maat_table_set_text(t, 8, b.data);
	}
	maat_buf_fini(&b);
	return t;
}

maat_table *
maat_layers_managers_table(const maat_layers *l)
{
	const maat_org *org = l->org;
	maat_table *t =
	    maat_table_new(_("Thin managers, managers of one and pass-through managers"));
	add_node_columns(t);
	maat_table_add_column(t, "span", _("span"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "thin", _("thin"), MAAT_COL_BOOL, 0);
	maat_table_add_column(t, "of_one", _("of one"), MAAT_COL_BOOL, 0);
	maat_table_add_column(t, "pass_through", _("pass-through"), MAAT_COL_BOOL, 0);
	for (size_t i = 0; i < org->n; i++) {
		const maat_org_node *nd = &org->nodes[i];
		double s = l->span[i];
		bool thin = s > 0 && s < l->fig.min_span;
		if (!thin && !is_one(s)) {
			continue;
		}
		maat_table_add_row(t);
		set_node_cells(t, nd);
		maat_table_set_real(t, 5, s);
		maat_table_set_int(t, 6, thin);
		maat_table_set_int(t, 7, is_one(s));
		maat_table_set_int(t, 8, is_pass_through(l, i));
	}
	return t;
}

maat_table *
maat_layers_pyramid_table(const maat_layers *l)
{
	const maat_org *org = l->org;
	int nl = l->fig.layers;
	size_t *people = maat_xcalloc((size_t)nl + 1, sizeof(size_t));
	size_t *managers = maat_xcalloc((size_t)nl + 1, sizeof(size_t));
	double *fte = maat_xcalloc((size_t)nl + 1, sizeof(double));
	maat_table *t = maat_table_new(_("Layer pyramid"));
	maat_table_add_column(t, "layer", _("layer"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "nodes", _("nodes"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "people", _("people"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "managers", _("managers"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "fte", _("FTE"), MAAT_COL_REAL, 1);
	for (size_t i = 0; i < org->n; i++) {
		int32_t k = org->nodes[i].layer;
		if (k <= 0) {
			continue;
		}
		people[k] += !org->nodes[i].aggregate;
		managers[k] += l->span[i] > 0;
		fte[k] += org->nodes[i].fte;
	}
	for (int k = 1; k <= nl; k++) {
		maat_table_add_row(t);
		maat_table_set_int(t, 0, k);
		maat_table_set_int(t, 1, (int64_t)l->fig.layer_histogram[k]);
		maat_table_set_int(t, 2, (int64_t)people[k]);
		maat_table_set_int(t, 3, (int64_t)managers[k]);
		maat_table_set_real(t, 4, fte[k]);
	}
	free(people);
	free(managers);
	free(fte);
	return t;
}

maat_table *
maat_layers_span_bands_table(const maat_layers *l)
{
	static const struct {
		const char *label;
		double hi;
	} bands[] = {{"1", 1}, {"2", 2}, {"3-5", 5}, {"6-9", 9}, {"10-15", 15}, {"16+", INFINITY}};
	size_t count[6] = {0};
	maat_table *t = maat_table_new(_("Span bands"));
	maat_table_add_column(t, "band", _("span"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "managers", _("managers"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "share", _("share"), MAAT_COL_SHARE, 1);
	for (size_t i = 0; i < l->org->n; i++) {
		double s = l->span[i];
		if (s <= 0) {
			continue;
		}
		for (size_t b = 0; b < 6; b++) {
			if (ceil(s - 1e-9) <= bands[b].hi) {
				count[b]++;
				break;
			}
		}
	}
	for (size_t b = 0; b < 6; b++) {
		maat_table_add_row(t);
		maat_table_set_text(t, 0, bands[b].label);
		maat_table_set_int(t, 1, (int64_t)count[b]);
		if (l->fig.managers) {
			maat_table_set_real(t, 2, (double)count[b] / (double)l->fig.managers);
		}
	}
	return t;
}

static void
row_before_after(maat_table *t, const char *label, double before, double after)
{
	maat_table_add_row(t);
	maat_table_set_text(t, 0, label);
	/* a NaN (no figure) becomes a null cell in maat_table_set_real */
	maat_table_set_real(t, 1, before);
	maat_table_set_real(t, 2, after);
}

maat_table *
maat_layers_delayering_table(const maat_layers *l)
{
	const maat_layers_figures *f = &l->fig;
	char *title = maat_xasprintf(_("Delayering simulation (min span %d): before and after"),
				     f->delayering.min_span);
	maat_table *t = maat_table_new(title);
	free(title);
	maat_table_add_column(t, "figure", _("figure"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "before", _("before"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "after", _("after"), MAAT_COL_REAL, 2);
	row_before_after(t, _("layers"), f->layers, f->delayering.layers_after);
	maat_table_set_count(t, 1, f->layers);
	maat_table_set_count(t, 2, f->delayering.layers_after);
	row_before_after(t, _("managers"), (double)f->managers,
			 (double)f->delayering.managers_after);
	maat_table_set_count(t, 1, (double)f->managers);
	maat_table_set_count(t, 2, (double)f->delayering.managers_after);
	row_before_after(t, _("span mean"), f->span_mean, f->delayering.span_mean_after);
	row_before_after(t, _("mean distance to the top"), f->delayering.distance_mean_before,
			 f->delayering.distance_mean_after);
	row_before_after(t, _("manager roles removed"), 0, (double)f->delayering.removed_managers);
	maat_table_set_count(t, 1, 0);
	maat_table_set_count(t, 2, (double)f->delayering.removed_managers);
	return t;
}

maat_table *
maat_layers_removed_table(const maat_layers *l)
{
	const maat_org *org = l->org;
	maat_table *t = maat_table_new(_("Manager roles removed by delayering"));
	add_node_columns(t);
	maat_table_add_column(t, "span", _("span"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "moves_to", _("reports move to"), MAAT_COL_TEXT, 0);
	/* a bare id reads as a number: the name and title of that manager beside it */
	maat_table_add_column(t, "moves_to_name", _("reports move to: name, title"), MAAT_COL_TEXT,
			      0);
	for (size_t i = 0; i < org->n; i++) {
		const maat_org_node *nd = &org->nodes[i], *to;
		char *who;
		if (!l->removed[i]) {
			continue;
		}
		to = &org->nodes[l->parent_after[i]];
		maat_table_add_row(t);
		set_node_cells(t, nd);
		maat_table_set_real(t, 5, l->span[i]);
		maat_table_set_text(t, 6, to->id);
		who = to->title != NULL && *to->title
			  ? maat_xasprintf("%s, %s", to->name ? to->name : to->id, to->title)
			  : maat_xstrdup(to->name ? to->name : to->id);
		maat_table_set_text(t, 7, who);
		free(who);
	}
	return t;
}

maat_table *
maat_org_anomalies_table(const maat_org *org)
{
	maat_table *t = maat_table_new(_("Anomalies in the org chart"));
	maat_table_add_column(t, "kind", _("kind"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "ids", _("ids"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "detail", _("detail"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "source", _("source"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "line", _("line"), MAAT_COL_INT, 0);
	for (size_t i = 0; i < org->nanomalies; i++) {
		const maat_org_anomaly *a = &org->anomalies[i];
		maat_table_add_row(t);
		maat_table_set_text(t, 0, _(maat_org_anomaly_name(a->kind)));
		maat_table_set_text(t, 1, a->ids);
		maat_table_set_text(t, 2, a->detail);
		maat_table_set_int(t, 3, a->source_id);
		if (a->line > 0) {
			maat_table_set_int(t, 4, a->line);
		}
	}
	return t;
}
