/* Formal sign-off chains: one breadth-first pass per decision type (parents before children),
 * carrying each node's nearest matching holder down the tree; no recursion. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/signoff.h"
#include "maatlat/util.h"

#define NONE SIZE_MAX

/* per type: the chain and holder of every node (people only are counted) */
typedef struct type_data {
	maat_signoff_type fig;
	/* chain per node; -1 for nodes not counted and for people with no holder */
	int32_t *chain;
	/* holder per node (NONE when not counted) */
	size_t *holder;
} type_data;

/* per unit and type */
typedef struct unit_cell {
	/* people, people with no holder, over the cap */
	size_t people, no_holder, over_cap;
	/* sums and maxima over people with a holder */
	double chain_sum;
	int chain_max;
} unit_cell;

struct maat_signoff {
	/* borrowed */
	const maat_org *org;
	int cap;
	type_data *types;
	size_t ntypes;
	/* unit of every node (index into units) */
	size_t *unit_of;
	/* unit names (borrowed from the org; NULL = no unit), sorted */
	const char **units;
	size_t nunits;
	/* cells[u * ntypes + t] */
	unit_cell *cells;
	double top_mean;
	int top_max;
	/* people in or below a cycle */
	size_t left_out;
	/* per cell: people whose chain is 0 (they hold the mandate themselves) */
	size_t *zero_cells;
};

int
maat_mandate_parse_holder(const char *s, maat_mandate *m)
{
	static const struct {
		const char *prefix;
		int kind;
	} kinds[] = {
	    {"layer:", MAAT_HOLDER_LAYER}, {"title:", MAAT_HOLDER_TITLE}, {"id:", MAAT_HOLDER_ID}};
	if (s == NULL) {
		return -1;
	}
	while (isspace((unsigned char)*s)) {
		s++;
	}
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		size_t n = strlen(kinds[k].prefix);
		char *v;
		if (strncasecmp(s, kinds[k].prefix, n) != 0) {
			continue;
		}
		v = maat_trim(maat_xstrdup(s + n));
		if (*v == '\0') {
			free(v);
			return -1;
		}
		if (kinds[k].kind == MAAT_HOLDER_LAYER) {
			char *end = NULL;
			long l;
			errno = 0;
			bool bad;
			l = strtol(v, &end, 10);
			bad = errno != 0 || *end != '\0' || l < 1 || l > 1000000000L;
			free(v);
			if (bad) {
				return -1;
			}
			m->kind = MAAT_HOLDER_LAYER;
			m->layer = (int)l;
			m->value = NULL;
			return 0;
		}
		m->kind = kinds[k].kind;
		m->value = v;
		m->layer = 0;
		return 0;
	}
	return -1;
}

void
maat_mandates_free(maat_mandate *m, size_t n)
{
	if (m == NULL) {
		return;
	}
	for (size_t i = 0; i < n; i++) {
		free(m[i].decision_type);
		free(m[i].value);
	}
	free(m);
}

int
maat_mandates_load(maat_db *db, maat_mandate **out, size_t *n, maat_err *err)
{
	/* the latest source of each decision type wins; order by first appearance */
	sqlite3_stmt *st = maat_db_stmt(
	    db,
	    "SELECT m.decision_type, m.holder_kind, m.holder FROM org_mandates m"
	    " WHERE m.source_id = (SELECT max(x.source_id) FROM org_mandates x"
	    "                      WHERE x.decision_type = m.decision_type)"
	    " ORDER BY (SELECT min(y.source_id * 4294967296 + y.line) FROM org_mandates y"
	    "           WHERE y.decision_type = m.decision_type), m.line",
	    err);
	maat_mandate *v = NULL;
	size_t nv = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const char *holder = (const char *)sqlite3_column_text(st, 2);
		maat_mandate m = {0};
		char *spec = maat_xasprintf("%s:%s", kind, holder);
		if (maat_mandate_parse_holder(spec, &m) < 0) {
			free(spec);
			continue; /* cannot happen: the importer checked it */
		}
		free(spec);
		if (nv == cap) {
			cap = cap ? cap * 2 : 8;
			v = maat_xreallocarray(v, cap, sizeof(*v));
		}
		m.decision_type = maat_xstrdup((const char *)sqlite3_column_text(st, 0));
		v[nv++] = m;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		maat_mandates_free(v, nv);
		return maat_db_fail(db, err, _("reading mandates"));
	}
	*out = v;
	*n = nv;
	return 0;
}

static char *
holder_text(const maat_mandate *m)
{
	if (m == NULL) {
		return maat_xstrdup("root");
	}
	switch (m->kind) {
	case MAAT_HOLDER_LAYER:
		return maat_xasprintf("layer:%d", m->layer);
	case MAAT_HOLDER_TITLE:
		return maat_xasprintf("title:%s", m->value);
	default:
		return maat_xasprintf("id:%s", m->value);
	}
}

static bool
matches(const maat_org_node *nd, const maat_mandate *m)
{
	switch (m->kind) {
	case MAAT_HOLDER_LAYER:
		return nd->layer == m->layer;
	case MAAT_HOLDER_TITLE:
		return nd->title != NULL && maat_strcasecmp0(nd->title, m->value) == 0;
	default:
		return strcmp(nd->id, m->value) == 0;
	}
}

static bool
counted(const maat_org_node *nd)
{
	return !nd->aggregate && nd->layer > 0;
}

/* initials for a chain: the managers strictly between the person and the holder */
static int
initials_of(int chain)
{
	return chain > 1 ? chain - 1 : 0;
}

/* chains for one mandate (m NULL = to the root) */
static void
compute_type(const maat_org *org, const maat_mandate *m, int cap, type_data *td, size_t *root,
	     size_t *near)
{
	double sum = 0;
	size_t with = 0;
	maat_mandate by_canon;
	char *canon = NULL;
	if (m != NULL && m->kind == MAAT_HOLDER_ID && (canon = maat_org_normalise_id(m->value))) {
		/* id:0042 in a chart read with --normalise-ids finds the post stored as 42,
		 * unless a post is spelled 0042 itself */
		bool exact = false;
		for (size_t i = 0; i < org->n && !exact; i++) {
			exact = strcmp(org->nodes[i].id, m->value) == 0;
		}
		if (!exact) {
			by_canon = *m;
			by_canon.value = canon;
			m = &by_canon;
		}
	}
	td->chain = maat_xreallocarray(NULL, org->n ? org->n : 1, sizeof(int32_t));
	td->holder = maat_xreallocarray(NULL, org->n ? org->n : 1, sizeof(size_t));
	td->fig.chain_max = -1;
	td->fig.initials_max = -1;
	td->fig.holder_found = m == NULL;
	for (size_t i = 0; i < org->n; i++) {
		td->chain[i] = -1;
		td->holder[i] = NONE;
	}
	for (size_t j = 0; j < org->norder; j++) {
		size_t i = org->order[j];
		const maat_org_node *nd = &org->nodes[i];
		ssize_t p = nd->parent;
		size_t h;
		root[i] = p < 0 ? i : root[p];
		if (m == NULL) {
			near[i] = root[i];
		} else if (m->kind == MAAT_HOLDER_LAYER && nd->layer < m->layer) {
			/* above the holder's layer: no holder on the path */
			near[i] = NONE;
		} else if (!nd->aggregate && matches(nd, m)) {
			near[i] = i;
			td->fig.holder_found = true;
		} else {
			near[i] = p < 0 ? NONE : near[p];
		}
		if (!counted(nd)) {
			continue;
		}
		td->fig.people++;
		h = near[i];
		if (h == NONE) {
			td->fig.no_holder++;
			continue;
		}
		td->holder[i] = h;
		td->chain[i] = nd->layer - org->nodes[h].layer;
		with++;
		sum += td->chain[i];
		if (td->chain[i] > td->fig.chain_max) {
			td->fig.chain_max = td->chain[i];
		}
		td->fig.over_cap += initials_of(td->chain[i]) > cap;
	}
	td->fig.chain_mean = with ? sum / (double)with : NAN;
	/* mean of max(c - 1, 0) = mean(c) - 1 + share of chains of 0 */
	{
		size_t zeros = 0;
		for (size_t i = 0; i < org->n; i++) {
			zeros += td->chain[i] == 0;
		}
		td->fig.initials_mean =
		    with ? (sum - (double)with + (double)zeros) / (double)with : NAN;
	}
	td->fig.initials_max = td->fig.chain_max < 0 ? -1 : initials_of(td->fig.chain_max);
	free(canon);
}

static int
cmp_unit(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	if (x == NULL || y == NULL) {
		return (x != NULL) - (y != NULL);
	}
	return strcmp(x, y);
}

static uint64_t
hash_unit(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; s != NULL && *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

static bool
same_unit(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* Gives every node a unit index; units sorted by name, the nameless unit first. */
static void
index_units(maat_signoff *s)
{
	const maat_org *org = s->org;
	size_t cap = 64, *slot, *remap;
	const char **sorted;
	while (cap < org->n * 2 + 2) {
		cap *= 2;
	}
	slot = maat_xreallocarray(NULL, cap, sizeof(size_t));
	memset(slot, 0xff, cap * sizeof(size_t));
	s->unit_of = maat_xreallocarray(NULL, org->n ? org->n : 1, sizeof(size_t));
	s->units = NULL;
	s->nunits = 0;
	for (size_t i = 0; i < org->n; i++) {
		const char *u = org->nodes[i].unit;
		size_t h = hash_unit(u) & (cap - 1);
		while (slot[h] != NONE && !same_unit(s->units[slot[h]], u)) {
			h = (h + 1) & (cap - 1);
		}
		if (slot[h] == NONE) {
			s->units = maat_xreallocarray(s->units, s->nunits + 1, sizeof(char *));
			s->units[s->nunits] = u;
			slot[h] = s->nunits++;
		}
		s->unit_of[i] = slot[h];
	}
	free(slot);
	/* sort the names, then map old indexes to new ones */
	sorted = maat_xreallocarray(NULL, s->nunits ? s->nunits : 1, sizeof(char *));
	if (s->nunits) {
		memcpy(sorted, s->units, s->nunits * sizeof(char *));
	}
	qsort(sorted, s->nunits, sizeof(char *), cmp_unit);
	remap = maat_xreallocarray(NULL, s->nunits ? s->nunits : 1, sizeof(size_t));
	for (size_t k = 0; k < s->nunits; k++) {
		/* binary search for units[k] in sorted */
		size_t lo = 0, hi = s->nunits;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (cmp_unit(&sorted[mid], &s->units[k]) < 0) {
				lo = mid + 1;
			} else {
				hi = mid;
			}
		}
		remap[k] = lo;
	}
	for (size_t i = 0; i < org->n; i++) {
		s->unit_of[i] = remap[s->unit_of[i]];
	}
	free(remap);
	free(s->units);
	s->units = sorted;
}

maat_signoff *
maat_signoff_compute(const maat_org *org, const maat_mandate *m, size_t nm, const char *only,
		     int cap)
{
	maat_signoff *s = maat_xcalloc(1, sizeof(*s));
	size_t *root = maat_xreallocarray(NULL, org->n ? org->n : 1, sizeof(size_t));
	size_t *near = maat_xreallocarray(NULL, org->n ? org->n : 1, sizeof(size_t));
	size_t people = 0;
	double sum = 0;

	s->org = org;
	s->cap = cap;
	s->types = maat_xcalloc(nm ? nm : 1, sizeof(type_data));
	if (nm == 0) {
		if (only == NULL || strcmp(only, MAAT_SIGNOFF_TOP) == 0) {
			type_data *td = &s->types[s->ntypes++];
			td->fig.decision_type = MAAT_SIGNOFF_TOP;
			td->fig.holder = holder_text(NULL);
			compute_type(org, NULL, cap, td, root, near);
		}
	}
	for (size_t k = 0; k < nm; k++) {
		type_data *td;
		if (only != NULL && strcmp(only, m[k].decision_type) != 0) {
			continue;
		}
		td = &s->types[s->ntypes++];
		td->fig.decision_type = m[k].decision_type;
		td->fig.holder = holder_text(&m[k]);
		compute_type(org, &m[k], cap, td, root, near);
	}
	free(root);
	free(near);
	s->top_max = 0;
	for (size_t i = 0; i < org->n; i++) {
		if (!org->nodes[i].aggregate && org->nodes[i].layer == 0) {
			s->left_out++;
		}
		if (counted(&org->nodes[i])) {
			people++;
			sum += org->nodes[i].layer - 1;
			if (org->nodes[i].layer - 1 > s->top_max) {
				s->top_max = org->nodes[i].layer - 1;
			}
		}
	}
	s->top_mean = people ? sum / (double)people : NAN;
	index_units(s);
	s->cells = maat_xcalloc((s->nunits ? s->nunits : 1) * (s->ntypes ? s->ntypes : 1),
				sizeof(unit_cell));
	for (size_t t = 0; t < s->ntypes; t++) {
		const type_data *td = &s->types[t];
		for (size_t i = 0; i < org->n; i++) {
			unit_cell *c;
			if (!counted(&org->nodes[i])) {
				continue;
			}
			c = &s->cells[s->unit_of[i] * s->ntypes + t];
			c->people++;
			if (td->chain[i] < 0) {
				c->no_holder++;
				continue;
			}
			c->chain_sum += td->chain[i];
			if (td->chain[i] > c->chain_max) {
				c->chain_max = td->chain[i];
			}
			c->over_cap += initials_of(td->chain[i]) > cap;
		}
	}
	/* initials need the count of zero chains per cell: a second pass keeps the cell small */
	s->zero_cells =
	    maat_xcalloc((s->nunits ? s->nunits : 1) * (s->ntypes ? s->ntypes : 1), sizeof(size_t));
	for (size_t t = 0; t < s->ntypes; t++) {
		for (size_t i = 0; i < org->n; i++) {
			if (s->types[t].chain[i] == 0) {
				s->zero_cells[s->unit_of[i] * s->ntypes + t]++;
			}
		}
	}
	return s;
}

void
maat_signoff_free(maat_signoff *s)
{
	if (s == NULL) {
		return;
	}
	for (size_t t = 0; t < s->ntypes; t++) {
		free(s->types[t].fig.holder);
		free(s->types[t].chain);
		free(s->types[t].holder);
	}
	free(s->types);
	free(s->unit_of);
	free(s->units);
	free(s->cells);
	free(s->zero_cells);
	free(s);
}

size_t
maat_signoff_ntypes(const maat_signoff *s)
{
	return s->ntypes;
}

const maat_signoff_type *
maat_signoff_type_get(const maat_signoff *s, size_t i)
{
	return i < s->ntypes ? &s->types[i].fig : NULL;
}

double
maat_signoff_top_mean(const maat_signoff *s)
{
	return s->top_mean;
}

int
maat_signoff_top_max(const maat_signoff *s)
{
	return s->top_max;
}

int
maat_signoff_cap(const maat_signoff *s)
{
	return s->cap;
}

size_t
maat_signoff_left_out(const maat_signoff *s)
{
	return s->left_out;
}

/* the figures of one cell: people with a holder, means (NAN without) and maxima (-1) */
static void
cell_figures(const maat_signoff *s, size_t u, size_t t, double *ini_mean, int *ini_max,
	     double *ch_mean, int *ch_max)
{
	const unit_cell *c = &s->cells[u * s->ntypes + t];
	size_t with = c->people - c->no_holder;
	size_t zeros = s->zero_cells[u * s->ntypes + t];
	*ch_mean = with ? c->chain_sum / (double)with : NAN;
	*ini_mean = with ? (c->chain_sum - (double)with + (double)zeros) / (double)with : NAN;
	*ch_max = with ? c->chain_max : -1;
	*ini_max = with ? initials_of(c->chain_max) : -1;
}

static json_t *
json_max(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static const char *
unit_name(const maat_signoff *s, size_t u)
{
	return s->units[u] ? s->units[u] : "";
}

json_t *
maat_signoff_json(const maat_signoff *s)
{
	json_t *o = json_object(), *types = json_array(), *units = json_array();
	json_t *over = json_array();
	const maat_org *org = s->org;

	for (size_t t = 0; t < s->ntypes; t++) {
		const maat_signoff_type *f = &s->types[t].fig;
		json_t *e = json_object();
		json_object_set_new(e, "decision_type", json_string(f->decision_type));
		json_object_set_new(e, "holder", json_string(f->holder));
		json_object_set_new(e, "holder_found", json_boolean(f->holder_found));
		json_object_set_new(e, "people", json_integer((json_int_t)f->people));
		json_object_set_new(e, "initials_mean", maat_json_real(f->initials_mean));
		json_object_set_new(e, "initials_max", json_max(f->initials_max));
		json_object_set_new(e, "chain_mean", maat_json_real(f->chain_mean));
		json_object_set_new(e, "chain_max", json_max(f->chain_max));
		json_object_set_new(e, "no_holder", json_integer((json_int_t)f->no_holder));
		json_object_set_new(e, "over_cap", json_integer((json_int_t)f->over_cap));
		json_array_append_new(types, e);
	}
	json_object_set_new(o, "decision_types", types);
	json_object_set_new(o, "chain_to_top_mean", maat_json_real(s->top_mean));
	json_object_set_new(o, "chain_to_top_max", json_integer(s->top_max));
	json_object_set_new(o, "cap", json_integer(s->cap));
	json_object_set_new(o, "left_out_cycles", json_integer((json_int_t)s->left_out));
	json_object_set_new(o, "as_of", json_string(org->as_of ? org->as_of : ""));
	for (size_t u = 0; u < s->nunits; u++) {
		for (size_t t = 0; t < s->ntypes; t++) {
			const unit_cell *c = &s->cells[u * s->ntypes + t];
			double im, cm;
			int ix, cx;
			json_t *e;
			if (c->people == 0) {
				continue;
			}
			cell_figures(s, u, t, &im, &ix, &cm, &cx);
			e = json_object();
			json_object_set_new(e, "unit", json_string(unit_name(s, u)));
			json_object_set_new(e, "decision_type",
					    json_string(s->types[t].fig.decision_type));
			json_object_set_new(e, "people", json_integer((json_int_t)c->people));
			json_object_set_new(e, "initials_mean", maat_json_real(im));
			json_object_set_new(e, "initials_max", json_max(ix));
			json_object_set_new(e, "chain_mean", maat_json_real(cm));
			json_object_set_new(e, "chain_max", json_max(cx));
			json_object_set_new(e, "no_holder", json_integer((json_int_t)c->no_holder));
			json_object_set_new(e, "over_cap", json_integer((json_int_t)c->over_cap));
			json_array_append_new(units, e);
		}
	}
	json_object_set_new(o, "units", units);
	for (size_t t = 0; t < s->ntypes; t++) {
		const type_data *td = &s->types[t];
		for (size_t i = 0; i < org->n; i++) {
			json_t *e;
			if (td->chain[i] < 0 || initials_of(td->chain[i]) <= s->cap) {
				continue;
			}
			e = json_object();
			json_object_set_new(e, "id", json_string(org->nodes[i].id));
			json_object_set_new(e, "unit", json_string(unit_name(s, s->unit_of[i])));
			json_object_set_new(e, "decision_type", json_string(td->fig.decision_type));
			json_object_set_new(e, "initials", json_integer(initials_of(td->chain[i])));
			json_object_set_new(e, "chain", json_integer(td->chain[i]));
			json_object_set_new(e, "holder", json_string(org->nodes[td->holder[i]].id));
			json_array_append_new(over, e);
		}
	}
	json_object_set_new(o, "people_over_cap", over);
	return o;
}

static void
set_max(maat_table *t, size_t col, int v)
{
	if (v >= 0) {
		maat_table_set_int(t, col, v);
	}
}

maat_table *
maat_signoff_types_table(const maat_signoff *s)
{
	maat_table *t = maat_table_new(_("Sign-off chains per decision type"));
	maat_table_add_column(t, "decision_type", _("decision type"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "holder", _("mandate holder"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "people", _("people"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "initials_mean", _("initials mean"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "initials_max", _("initials max"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "chain_mean", _("chain incl. holder, mean"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "chain_max", _("chain incl. holder, max"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "over_cap", _("over cap"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "no_holder", _("no holder"), MAAT_COL_INT, 0);
	for (size_t k = 0; k < s->ntypes; k++) {
		const maat_signoff_type *f = &s->types[k].fig;
		maat_table_add_row(t);
		maat_table_set_text(t, 0, f->decision_type);
		maat_table_set_text(t, 1, f->holder);
		maat_table_set_int(t, 2, (int64_t)f->people);
		maat_table_set_real(t, 3, f->initials_mean); /* NaN -> null */
		set_max(t, 4, f->initials_max);
		maat_table_set_real(t, 5, f->chain_mean);
		set_max(t, 6, f->chain_max);
		maat_table_set_int(t, 7, (int64_t)f->over_cap);
		maat_table_set_int(t, 8, (int64_t)f->no_holder);
	}
	return t;
}

maat_table *
maat_signoff_units_table(const maat_signoff *s)
{
	maat_table *t = maat_table_new(_("Sign-off chains per unit"));
	maat_table_add_column(t, "unit", _("unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "decision_type", _("decision type"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "people", _("people"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "initials_mean", _("initials mean"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "initials_max", _("initials max"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "chain_mean", _("chain incl. holder, mean"), MAAT_COL_REAL, 2);
	maat_table_add_column(t, "chain_max", _("chain incl. holder, max"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "over_cap", _("over cap"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "no_holder", _("no holder"), MAAT_COL_INT, 0);
	for (size_t u = 0; u < s->nunits; u++) {
		for (size_t k = 0; k < s->ntypes; k++) {
			const unit_cell *c = &s->cells[u * s->ntypes + k];
			double im, cm;
			int ix, cx;
			if (c->people == 0) {
				continue;
			}
			cell_figures(s, u, k, &im, &ix, &cm, &cx);
			maat_table_add_row(t);
			maat_table_set_text(t, 0, s->units[u] ? s->units[u] : _("(no unit)"));
			maat_table_set_text(t, 1, s->types[k].fig.decision_type);
			maat_table_set_int(t, 2, (int64_t)c->people);
			maat_table_set_real(t, 3, im);
			set_max(t, 4, ix);
			maat_table_set_real(t, 5, cm);
			set_max(t, 6, cx);
			maat_table_set_int(t, 7, (int64_t)c->over_cap);
			maat_table_set_int(t, 8, (int64_t)c->no_holder);
		}
	}
	return t;
}

maat_table *
maat_signoff_over_cap_table(const maat_signoff *s)
{
	const maat_org *org = s->org;
	char *title =
	    maat_xasprintf(_("People who collect more initials than the cap (%d)"), s->cap);
	maat_table *t = maat_table_new(title);
	free(title);
	maat_table_add_column(t, "id", _("id"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "name", _("name"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "title", _("title"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "unit", _("unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "layer", _("layer"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "decision_type", _("decision type"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "initials", _("initials"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "chain", _("chain incl. holder"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "holder", _("signed by"), MAAT_COL_TEXT, 0);
	/* a bare id ("signed by 2") reads as a count: the holder's name and title beside it */
	maat_table_add_column(t, "holder_name", _("signed by: name, title"), MAAT_COL_TEXT, 0);
	for (size_t k = 0; k < s->ntypes; k++) {
		const type_data *td = &s->types[k];
		for (size_t i = 0; i < org->n; i++) {
			const maat_org_node *nd = &org->nodes[i];
			if (td->chain[i] < 0 || initials_of(td->chain[i]) <= s->cap) {
				continue;
			}
			maat_table_add_row(t);
			maat_table_set_text(t, 0, nd->id);
			maat_table_set_text(t, 1, nd->name);
			maat_table_set_text(t, 2, nd->title);
			maat_table_set_text(t, 3, nd->unit);
			maat_table_set_int(t, 4, nd->layer);
			maat_table_set_text(t, 5, td->fig.decision_type);
			maat_table_set_int(t, 6, initials_of(td->chain[i]));
			maat_table_set_int(t, 7, td->chain[i]);
			const maat_org_node *h = &org->nodes[td->holder[i]];
			char *who;
			maat_table_set_text(t, 8, h->id);
			who = h->title != NULL && *h->title
				  ? maat_xasprintf("%s, %s", h->name ? h->name : h->id, h->title)
				  : maat_xstrdup(h->name ? h->name : h->id);
			maat_table_set_text(t, 9, who);
			free(who);
		}
	}
	return t;
}
