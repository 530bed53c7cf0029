#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "caselog.h"
#include "maatlat/handovers.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/org.h"
#include "maatlat/signoff.h"
#include "maatlat/util.h"

/* A list of distinct names with a hash from name to index: merges the same resource or
 * activity of different sources (each source has its own dictionary ids). */
struct names {
	/* the names, owned */
	char **v;
	size_t n, cap;
	/* open addressing: slot -> index + 1 (0 = empty) */
	size_t *slots;
	size_t nslots;
};

static uint64_t
fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static size_t
names_add(struct names *d, const char *s)
{
	size_t j;
	if ((d->n + 1) * 2 > d->nslots) {
		free(d->slots);
		d->nslots = d->nslots ? d->nslots * 2 : 64;
		d->slots = maat_xcalloc(d->nslots, sizeof(*d->slots));
		for (size_t i = 0; i < d->n; i++) {
			j = fnv(d->v[i]) & (d->nslots - 1);
			while (d->slots[j] != 0) {
				j = (j + 1) & (d->nslots - 1);
			}
			d->slots[j] = i + 1;
		}
	}
	j = fnv(s) & (d->nslots - 1);
	while (d->slots[j] != 0) {
		if (strcmp(d->v[d->slots[j] - 1], s) == 0) {
			return d->slots[j] - 1;
		}
		j = (j + 1) & (d->nslots - 1);
	}
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->v = maat_xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n] = maat_xstrdup(s);
	d->slots[j] = d->n + 1;
	return d->n++;
}

static void
names_fini(struct names *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i]);
	}
	free(d->v);
	free(d->slots);
}

/* The number of bits needed to write max (0 for 0). */
static unsigned
bits_for(uint64_t max)
{
	unsigned b = 0;
	for (; max != 0; max >>= 1) {
		b++;
	}
	return b;
}

/* Sorts n keys by their bits [shift, shift + bits), stably (LSD radix, 11 bits a pass; the
 * bits above must be 0). tmp has room for n keys. Returns the buffer that holds the sorted
 * keys: a or tmp. */
static uint64_t *
radix_sort_u64(uint64_t *a, uint64_t *tmp, size_t n, unsigned shift, unsigned bits)
{
	size_t pos[2048];
	for (unsigned sh = shift; sh < shift + bits; sh += 11) {
		uint64_t *t;
		size_t sum = 0;
		memset(pos, 0, sizeof(pos));
		for (size_t i = 0; i < n; i++) {
			pos[(a[i] >> sh) & 2047]++;
		}
		for (size_t d = 0; d < 2048; d++) {
			size_t c = pos[d];
			pos[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			tmp[pos[(a[i] >> sh) & 2047]++] = a[i];
		}
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* A record of the result's sort: the key and what travels with it. */
struct kv {
	uint64_t key, val;
};

/* Sorts n records by the low `bits` bits of their keys (LSD radix, 11 bits a pass; the bits
 * above must be 0). tmp has room for n records. Returns the buffer that holds the sorted
 * records: a or tmp. */
static struct kv *
radix_sort_kv(struct kv *a, struct kv *tmp, size_t n, unsigned bits)
{
	size_t pos[2048];
	for (unsigned sh = 0; sh < bits; sh += 11) {
		struct kv *t;
		size_t sum = 0;
		memset(pos, 0, sizeof(pos));
		for (size_t i = 0; i < n; i++) {
			pos[(a[i].key >> sh) & 2047]++;
		}
		for (size_t d = 0; d < 2048; d++) {
			size_t c = pos[d];
			pos[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++) {
			tmp[pos[(a[i].key >> sh) & 2047]++] = a[i];
		}
		t = a;
		a = tmp;
		tmp = t;
	}
	return a;
}

/* One resource pair of the succession matrix. */
struct pair {
	/* from * nresources + to (canonical resource indices) */
	uint64_t key;
	int64_t count, cases;
};

/* The succession matrix. A hash probed once per event missed the cache on nearly every
 * event (a quarter of a million pairs at 2M events), so successions are collected in a batch,
 * radix-sorted by key and merged into the pairs, which are kept sorted by key. A batch record
 * is key * 2 + 1 for the first succession of its pair in its case, key * 2 for a repeat (the
 * keys of a case are sorted when it ends to tell them apart): 8 bytes, and no case number to
 * carry. The merge runs from the back, in place, so the pairs need no second copy. Memory
 * grows with the pairs (the batch is at least half as large as the pairs, at least
 * BATCH_MIN), not the events. */
#define BATCH_MIN ((size_t)1 << 16)

struct pairs {
	/* the pairs, sorted by key */
	struct pair *v;
	size_t n, cap;
	/* the batch and the scratch for its sort */
	uint64_t *batch, *tmp;
	size_t nbatch, capbatch;
	/* the keys of the current case */
	uint64_t *ck;
	size_t nck, capck;
	/* canonical resources, and the bits of the largest key */
	uint64_t nres;
	unsigned keybits;
};

static void
pairs_flush(struct pairs *p)
{
	uint64_t *b;
	size_t i, j, d = 0, w;

	if (p->nbatch == 0) {
		return;
	}
	b = radix_sort_u64(p->batch, p->tmp, p->nbatch, 1, p->keybits);
	/* the keys the pairs do not hold yet */
	for (i = 0, j = 0; i < p->nbatch;) {
		uint64_t k = b[i] >> 1;
		while (j < p->n && p->v[j].key < k) {
			j++;
		}
		d += j == p->n || p->v[j].key != k;
		while (i < p->nbatch && b[i] >> 1 == k) {
			i++;
		}
	}
	if (p->n + d > p->cap) {
		p->cap = p->n + d + (p->n + d) / 8;
		p->v = maat_xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	/* from the back: w never overtakes j, so no pair is overwritten before it moves */
	i = p->nbatch;
	j = p->n;
	w = p->n + d;
	while (i > 0) {
		uint64_t k = b[i - 1] >> 1;
		int64_t count = 0, cases = 0;
		while (i > 0 && b[i - 1] >> 1 == k) {
			count++;
			cases += (int64_t)(b[i - 1] & 1);
			i--;
		}
		while (j > 0 && p->v[j - 1].key > k) {
			p->v[--w] = p->v[--j];
		}
		if (j > 0 && p->v[j - 1].key == k) {
			struct pair q = p->v[--j];
			q.count += count;
			q.cases += cases;
			p->v[--w] = q;
		} else {
			p->v[--w] = (struct pair){k, count, cases};
		}
	}
	p->n += d;
	p->nbatch = 0;
	/* a batch at least half as large as the pairs keeps the merges linear in the events */
	if (p->capbatch < p->n / 2) {
		p->capbatch = (p->n / 2 + BATCH_MIN - 1) / BATCH_MIN * BATCH_MIN;
		free(p->batch);
		free(p->tmp);
		p->batch = maat_xmalloc(p->capbatch * sizeof(*p->batch));
		p->tmp = maat_xmalloc(p->capbatch * sizeof(*p->tmp));
	}
}

/* keybits: the bits of the largest key */
static void
pairs_init(struct pairs *p, size_t nres, unsigned keybits)
{
	memset(p, 0, sizeof(*p));
	p->nres = nres;
	p->keybits = keybits;
	p->capbatch = BATCH_MIN;
	p->batch = maat_xmalloc(p->capbatch * sizeof(*p->batch));
	p->tmp = maat_xmalloc(p->capbatch * sizeof(*p->tmp));
}

static void
pairs_fini(struct pairs *p)
{
	free(p->v);
	free(p->batch);
	free(p->tmp);
	free(p->ck);
	memset(p, 0, sizeof(*p));
}

/* One succession of the current case. */
static inline void
pairs_add(struct pairs *p, uint64_t key)
{
	if (p->nck == p->capck) {
		p->capck = p->capck ? p->capck * 2 : 64;
		p->ck = maat_xreallocarray(p->ck, p->capck, sizeof(*p->ck));
	}
	p->ck[p->nck++] = key;
}

static int
cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return a < b ? -1 : a > b;
}

/* The case ends: its successions go to the batch, the first of each pair marked. */
static void
pairs_end_case(struct pairs *p)
{
	size_t n = p->nck;
	uint64_t *k = p->ck;

	if (n == 0) {
		return;
	}
	if (n <= 16) {
		for (size_t i = 1; i < n; i++) {
			uint64_t x = k[i];
			size_t j = i;
			for (; j > 0 && k[j - 1] > x; j--) {
				k[j] = k[j - 1];
			}
			k[j] = x;
		}
	} else {
		qsort(k, n, sizeof(*k), cmp_u64);
	}
	if (p->nbatch + n > p->capbatch) {
		pairs_flush(p);
		if (n > p->capbatch) {
			/* one case with more successions than the batch holds */
			p->capbatch = (n + BATCH_MIN - 1) / BATCH_MIN * BATCH_MIN;
			free(p->batch);
			free(p->tmp);
			p->batch = maat_xmalloc(p->capbatch * sizeof(*p->batch));
			p->tmp = maat_xmalloc(p->capbatch * sizeof(*p->tmp));
		}
	}
	for (size_t i = 0; i < n; i++) {
		p->batch[p->nbatch++] = k[i] << 1 | (uint64_t)(i == 0 || k[i] != k[i - 1]);
	}
	p->nck = 0;
}

/* Per canonical resource. */
struct res {
	/* case counter of the last work segment / sign-off of this resource (returns,
	 * approvers) */
	int64_t seg_stamp, appr_stamp;
};

/* A resource in one org snapshot. */
struct rsnap {
	/* the org chart node (-1: not found or ambiguous), its layer (0 = unknown) and unit
	 * index (into units) */
	ssize_t node;
	int32_t layer;
	size_t unit;
	/* the org chart gives the resource a unit (else unit is "(unknown)") */
	bool unit_known;
	/* the name matches several people (METRICS.md §1: joins nobody) */
	bool ambiguous;
	/* resource-bearing events joined to this snapshot */
	int64_t events;
};

/* Resources matched to one org chart: folded id, e-mail and name -> node, or AMBIGUOUS. */
#define AMBIGUOUS ((ssize_t)-2)
struct jtab {
	char **key;
	ssize_t *node;
	size_t cap, n;
};

static uint64_t fnv(const char *s);

static void
jtab_put(struct jtab *t, const char *raw, ssize_t node)
{
	char *k;
	size_t j;
	if (raw == NULL) {
		return;
	}
	k = maat_trim(maat_casefold(raw));
	if (*k == '\0') {
		free(k);
		return;
	}
	if ((t->n + 1) * 2 > t->cap) {
		struct jtab old = *t;
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->key = maat_xcalloc(t->cap, sizeof(*t->key));
		t->node = maat_xcalloc(t->cap, sizeof(*t->node));
		for (size_t i = 0; i < old.cap; i++) {
			if (old.key[i] != NULL) {
				j = fnv(old.key[i]) & (t->cap - 1);
				while (t->key[j] != NULL) {
					j = (j + 1) & (t->cap - 1);
				}
				t->key[j] = old.key[i];
				t->node[j] = old.node[i];
			}
		}
		free(old.key);
		free(old.node);
	}
	j = fnv(k) & (t->cap - 1);
	while (t->key[j] != NULL) {
		if (strcmp(t->key[j], k) == 0) {
			if (t->node[j] != node) {
				t->node[j] = AMBIGUOUS;
			}
			free(k);
			return;
		}
		j = (j + 1) & (t->cap - 1);
	}
	t->key[j] = k;
	t->node[j] = node;
	t->n++;
}

/* The node of folded key k, -1 when none, AMBIGUOUS when several. */
static ssize_t
jtab_get(const struct jtab *t, const char *k)
{
	size_t j;
	if (t->cap == 0) {
		return -1;
	}
	j = fnv(k) & (t->cap - 1);
	while (t->key[j] != NULL) {
		if (strcmp(t->key[j], k) == 0) {
			return t->node[j];
		}
		j = (j + 1) & (t->cap - 1);
	}
	return -1;
}

static void
jtab_fini(struct jtab *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->key[i]);
	}
	free(t->key);
	free(t->node);
	memset(t, 0, sizeof(*t));
}

/* One org snapshot the events join. */
struct snap {
	/* borrowed (the caller's) or owned (loaded here) */
	const maat_org *org;
	maat_org *owned;
	/* the first instant it is in force (unix ms; INT64_MIN for the earliest) */
	int64_t from_ms;
	/* id, e-mail and name lookups */
	struct jtab ids, emails, names;
};

/* Builds the lookups of a snapshot: ids, e-mails and names of people (aggregate rows are
 * not people), each folded; a key several nodes share is ambiguous. */
static void
snap_index(struct snap *sn)
{
	const maat_org *o = sn->org;
	for (size_t i = 0; i < o->n; i++) {
		const maat_org_node *n = &o->nodes[i];
		if (n->aggregate) {
			continue;
		}
		jtab_put(&sn->ids, n->id, (ssize_t)i);
		jtab_put(&sn->emails, n->email, (ssize_t)i);
		jtab_put(&sn->names, n->name, (ssize_t)i);
	}
}

/* METRICS.md §1: a resource matches by id, then e-mail, then name (case-insensitive,
 * trimmed); a value that matches several people joins nobody (AMBIGUOUS). */
static ssize_t
snap_find(const struct snap *sn, const char *resource)
{
	char *k = maat_trim(maat_casefold(resource));
	ssize_t v = -1;
	if (*k != '\0') {
		v = jtab_get(&sn->ids, k);
		if (v == -1) {
			/* "0042" finds the post stored as "42" under --normalise-ids */
			char *canon = maat_org_normalise_id(k);
			if (canon != NULL) {
				v = jtab_get(&sn->ids, canon);
				free(canon);
			}
		}
		if (v == -1) {
			v = jtab_get(&sn->emails, k);
		}
		if (v == -1) {
			v = jtab_get(&sn->names, k);
		}
	}
	free(k);
	return v;
}

/* Per canonical activity. */
struct act {
	int64_t events, without_resource, handovers_in, signoffs;
	bool is_signoff;
};

/* The state of the case being read. */
struct cur {
	int64_t counter;
	/* cases.case_no */
	int64_t case_no;
	int64_t events, without_res, first_t, last_t, max_gap;
	int64_t segments, pingpong, returns, signoffs, approvers, roundtrips;
	/* resource of the previous resource-bearing event; owner of the open owner segment and
	 * of the one before it; first owner (all canonical indices, -1 = none) */
	int64_t prev_res, s1, s0, first_owner;
	/* the open owner segment holds only sign-off events so far */
	bool s1_signoff;
	/* owners of the last two work segments (METRICS.md §3), -1 = none */
	int64_t w1, w2;
	/* the org snapshot in force at the case's first event (its sign-offs and formal chain
	 * are judged there) */
	size_t snap;
	/* distinct approvers in the first owner's line of managers, outside it, not in the chart */
	int64_t appr_in_line, appr_outside, appr_unknown;
	/* approvers' layers, "3,2,?" */
	maat_buf layers;
};

/* One spelling of a resource: its name id, text and canonical resource. */
struct spell {
	int64_t id, canon;
	char *name;
};

struct run {
	const maat_handovers_opts *o;
	maat_handovers *h;
	/* the org snapshots, oldest first (none without an org chart) */
	struct snap *snaps;
	size_t nsnap;
	/* per snapshot and resource: rs[s * nresources + i] */
	struct rsnap *rs;
	/* with several snapshots: successions keyed by (pair, snapshot of the handover) for the
	 * escalations */
	struct pairs spairs;
	/* canonical index per case_names.id, -1 when unused */
	int64_t *canon;
	int64_t maxid;
	struct names resources, activities, case_types, units, lifecycles;
	/* per case_names.id: an event uses it (resources: only used spellings are shown) */
	unsigned char *used;
	/* every spelling of a resource in the store (name owned) */
	struct spell *spell;
	size_t nspell, capspell;
	/* per source id: its rank by sha256 (ties between sources at one instant: import order
	 * must not matter), and the number of ranks */
	uint32_t *src_rank;
	int64_t maxsrc;
	/* the events of one (case, instant), before the copies of several sources merge */
	maat_caselog_ev *grp;
	size_t ngrp, capgrp;
	struct res *res;
	struct act *act;
	struct pairs pairs;
	/* throughput of each case in milliseconds */
	int64_t *thr;
	size_t nthr, capthr;
	struct cur c;
	/* the scan reads the cases (keys for the per-case rows, types for the mandates) */
	bool with_cases;
	/* the case being read and its instant; a case has been started */
	int64_t cur_case, cur_t;
	bool have_case;
	/* the current case's row: the cases table holds it, its key, its type (with_cases) */
	bool case_found, case_type_null;
	maat_buf case_key, case_type;
	/* the mandates (with an org chart) */
	maat_mandate *mandates;
	size_t nmandates;
};

void
maat_handovers_opts_init(maat_handovers_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_handovers = 2;
	o->idle_days = 14;
	o->approval_pattern = NULL;
}

double
maat_percentile_linear(const double *x, size_t n, double p)
{
	double h, lo;
	size_t i;
	if (n == 0) {
		return NAN;
	}
	h = (double)(n - 1) * p;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n) {
		return x[n - 1];
	}
	return x[i] + (h - lo) * (x[i + 1] - x[i]);
}

static int
load_names(maat_db *db, struct run *r, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(db, "SELECT coalesce(max(id), 0) FROM case_names", err);
	int rc;
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW) {
		return st == NULL ? -MAAT_E_INTERNAL
				  : maat_db_fail(db, err, _("reading case names"));
	}
	r->maxid = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	r->canon = maat_xmalloc((size_t)(r->maxid + 1) * sizeof(*r->canon));
	for (int64_t i = 0; i <= r->maxid; i++) {
		r->canon[i] = -1;
	}
	r->used = maat_xcalloc((size_t)r->maxid + 1, 1);
	st = maat_db_stmt(db,
			  "SELECT id, kind, name FROM case_names WHERE kind IN ('resource', "
			  "'activity', 'case_type', 'lifecycle') ORDER BY id",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *kind = (const char *)sqlite3_column_text(st, 1);
		const char *name = (const char *)sqlite3_column_text(st, 2);
		if (strcmp(kind, "resource") == 0) {
			/* one person however the files spell them (METRICS.md §3) */
			char *f = maat_caselog_name_key(kind, name);
			r->canon[id] = (int64_t)names_add(&r->resources, f);
			free(f);
			if (r->nspell == r->capspell) {
				r->capspell = r->capspell ? r->capspell * 2 : 64;
				r->spell =
				    maat_xreallocarray(r->spell, r->capspell, sizeof(*r->spell));
			}
			r->spell[r->nspell++] =
			    (struct spell){id, r->canon[id], maat_xstrdup(name ? name : "")};
		} else {
			struct names *d = strcmp(kind, "activity") == 0    ? &r->activities
					  : strcmp(kind, "lifecycle") == 0 ? &r->lifecycles
									   : &r->case_types;
			char *f = maat_caselog_name_key(kind, name);
			r->canon[id] = (int64_t)names_add(d, f);
			free(f);
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		return maat_db_fail(db, err, _("reading case names"));
	}
	/* the case sources ranked by sha256: which file's order wins a tie at one instant */
	return maat_caselog_source_ranks(db, &r->src_rank, &r->maxsrc, err);
}

static int
prepare(struct run *r, maat_err *err)
{
	regex_t re;
	int rc;
	const char *pattern = r->h->approval_pattern;
	char buf[128];

	r->act = maat_xcalloc(r->activities.n + 1, sizeof(*r->act));
	/* an empty pattern: no event is a sign-off (METRICS.md §3) */
	if (*pattern != '\0') {
		if ((rc = regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
			regerror(rc, &re, buf, sizeof(buf));
			regfree(&re);
			return maat_err_set(err, MAAT_E_USAGE, _("--approval-pattern: %s: '%s'"),
					    buf, pattern);
		}
		for (size_t i = 0; i < r->activities.n; i++) {
			r->act[i].is_signoff = regexec(&re, r->activities.v[i], 0, NULL, 0) == 0;
		}
		regfree(&re);
	}
	r->res = maat_xcalloc(r->resources.n + 1, sizeof(*r->res));
	{
		size_t n = r->resources.n;
		pairs_init(&r->pairs, n, n > 0 ? bits_for((uint64_t)n * n - 1) : 0);
		if (r->nsnap > 1) {
			/* key (from * n + to) * nsnap + snapshot */
			pairs_init(&r->spairs, n,
				   n > 0 ? bits_for((uint64_t)n * n * r->nsnap - 1) : 0);
		}
	}
	r->rs = maat_xcalloc(r->resources.n * (r->nsnap ? r->nsnap : 1) + 1, sizeof(*r->rs));
	for (size_t i = 0; i < r->resources.n; i++) {
		r->res[i].seg_stamp = r->res[i].appr_stamp = -1;
	}
	for (size_t sn = 0; sn < (r->nsnap ? r->nsnap : 1); sn++) {
		for (size_t i = 0; i < r->resources.n; i++) {
			struct rsnap *x = &r->rs[sn * r->resources.n + i];
			const char *unit = NULL;
			x->node = r->nsnap > 0 ? snap_find(&r->snaps[sn], r->resources.v[i]) : -1;
			x->ambiguous = x->node == AMBIGUOUS;
			if (x->node >= 0) {
				const maat_org_node *nd = &r->snaps[sn].org->nodes[x->node];
				x->layer = nd->layer;
				unit = nd->unit;
			} else {
				x->node = -1;
			}
			x->unit =
			    names_add(&r->units, unit != NULL && *unit ? unit : _("(unknown)"));
			x->unit_known = unit != NULL && *unit;
		}
	}
	return 0;
}

/* The snapshot in force at t (ms): the latest in force on or before it, else the earliest. */
static size_t
snap_at(const struct run *r, int64_t t)
{
	size_t k = r->nsnap;
	while (k > 1 && r->snaps[k - 1].from_ms > t) {
		k--;
	}
	return k > 0 ? k - 1 : 0;
}

static const struct rsnap *
rsn(const struct run *r, size_t sn, int64_t res)
{
	return &r->rs[sn * r->resources.n + (size_t)res];
}

/* The open owner segment (c->s1) ends; next owns the segment that follows (-1: the case
 * ends). Work segments (METRICS.md §3): a segment of sign-off events only is no work segment,
 * and a round trip when the segments beside it have one owner; a work segment of the owner of
 * the previous work segment merges with it. Ping-pong and returns count work segments. */
static void
close_segment(struct run *r, int64_t next)
{
	struct cur *c = &r->c;
	int64_t o = c->s1;

	if (o < 0) {
		return;
	}
	if (c->s1_signoff) {
		c->roundtrips += c->s0 >= 0 && c->s0 == next;
		return;
	}
	if (o == c->w1) {
		return;
	}
	if (r->res[o].seg_stamp == c->counter) {
		c->returns++;
	} else {
		r->res[o].seg_stamp = c->counter;
	}
	if (o == c->w2) {
		c->pingpong++;
	}
	c->w2 = c->w1;
	c->w1 = o;
}

static void
start_case(struct run *r)
{
	struct cur *c = &r->c;
	int64_t counter = c->counter + 1;
	maat_buf layers = c->layers;
	memset(c, 0, sizeof(*c));
	c->counter = counter;
	c->prev_res = c->s1 = c->s0 = c->first_owner = c->w1 = c->w2 = -1;
	maat_buf_reset(&layers);
	c->layers = layers;
}

/* The formal sign-off chain of resource res for a decision under mandate mi (METRICS.md §1,
 * the rules of maat_signoff_compute) in snapshot sn: layer(p) - layer(holder), the holder
 * being the first node from p upwards that matches the mandate. -1 when p is not in the
 * chart (or has no layer), -2 when no holder is on p's path (p sits above it, or the rule
 * matches nobody there). */
static int32_t
formal_chain(const struct run *r, size_t sn, int64_t res, int mi)
{
	const maat_org *org = r->snaps[sn].org;
	const maat_mandate *m = &r->mandates[mi];
	ssize_t p = rsn(r, sn, res)->node;
	int32_t lp;

	if (p < 0 || (lp = org->nodes[p].layer) <= 0) {
		return -1;
	}
	if (m->kind == MAAT_HOLDER_LAYER) {
		return lp >= m->layer ? lp - m->layer : -2;
	}
	for (size_t steps = 0; p >= 0 && steps <= org->n; steps++) {
		const maat_org_node *n = &org->nodes[p];
		const char *v = m->kind == MAAT_HOLDER_TITLE ? n->title : n->id;
		if (v != NULL && m->value != NULL && maat_strcasecmp0(v, m->value) == 0) {
			return n->layer > 0 ? lp - n->layer : -1;
		}
		p = n->parent;
	}
	return -2;
}

static int
end_case(struct run *r, maat_err *err)
{
	struct cur *c = &r->c;
	maat_handovers *h = r->h;
	int64_t handovers;
	bool picker, over;
	bool idle = (double)c->max_gap > h->idle_days * 86400000.0;
	int32_t chain = -1;
	int mi = -1;

	close_segment(r, -1);
	pairs_end_case(&r->pairs);
	if (r->nsnap > 1) {
		pairs_end_case(&r->spairs);
	}
	handovers = c->segments > 0 ? c->segments - 1 : 0;
	picker = c->segments > 0 && c->first_owner == c->s1;
	over = handovers > h->max_handovers;
	/* the case row (read by the scan only when needed: it costs a step); its type picks
	 * the mandate */
	if (r->with_cases && !r->case_found) {
		return maat_err_set(err, MAAT_E_DATA, "%s",
				    _("the store's case events refer to unknown cases"));
	}
	if (r->nmandates > 0 && !r->case_type_null) {
		const char *type = r->case_type.data;
		for (size_t k = 0; k < r->nmandates; k++) {
			if (maat_strcasecmp0(r->mandates[k].decision_type, type) == 0) {
				mi = (int)k;
			}
		}
	}
	h->cases++;
	h->signoff_roundtrips += c->roundtrips;
	h->cases_without_resource += c->segments == 0;
	h->cases_without_handover += handovers == 0;
	h->cases_finished_by_picker += picker;
	h->pingpong_cases += c->pingpong > 0;
	h->pingpong += c->pingpong;
	h->returns += c->returns;
	h->cases_over_max += over;
	h->idle_cases += idle;
	h->signoff_cases += c->signoffs > 0;
	/* observed against formal (METRICS.md §3): only where the case type names a mandate and
	 * a holder is on the first owner's path; approvers outside the owner's line apart */
	h->signoff_approvers_in_line += c->appr_in_line;
	h->signoff_approvers_outside_line += c->appr_outside;
	h->signoff_approvers_unknown += c->appr_unknown;
	if (c->signoffs > 0 && r->nsnap > 0) {
		if (mi < 0) {
			h->signoff_cases_no_type++;
		} else if (c->first_owner < 0 ||
			   (chain = formal_chain(r, c->snap, c->first_owner, mi)) == -1) {
			h->signoff_cases_owner_unknown++;
		} else if (chain == -2) {
			h->signoff_cases_no_holder++;
		} else {
			h->signoff_cases_compared++;
			h->signoff_cases_over_chain += c->appr_in_line > chain;
			h->signoff_cases_under_chain += c->appr_in_line < chain;
		}
	} else if (c->first_owner >= 0 && r->nsnap > 0 && mi >= 0) {
		chain = formal_chain(r, c->snap, c->first_owner, mi);
	}
	chain = chain < 0 ? -1 : chain;
	if (r->nthr == r->capthr) {
		r->capthr = r->capthr ? r->capthr * 2 : 1024;
		r->thr = maat_xreallocarray(r->thr, r->capthr, sizeof(*r->thr));
	}
	r->thr[r->nthr++] = c->last_t - c->first_t;
	if (r->o->keep_cases) {
		maat_handover_case *row;
		size_t top = r->o->top_cases;
		if (top > 0 && h->ncase_rows == top) {
			/* full: replace the kept case with fewest handovers (the latest of equals),
			 * if this one has more */
			size_t min = 0;
			for (size_t i = 1; i < top; i++) {
				const maat_handover_case *a = &h->case_rows[i],
							 *b = &h->case_rows[min];
				if (a->handovers < b->handovers ||
				    (a->handovers == b->handovers && a->seq > b->seq)) {
					min = i;
				}
			}
			if (h->case_rows[min].handovers >= handovers) {
				return 0;
			}
			row = &h->case_rows[min];
			free(row->case_key);
			free(row->case_type);
			free(row->approver_layers);
		} else {
			if (h->ncase_rows % 1024 == 0) {
				h->case_rows = maat_xreallocarray(
				    h->case_rows, h->ncase_rows + 1024, sizeof(*h->case_rows));
			}
			row = &h->case_rows[h->ncase_rows++];
		}
		*row = (maat_handover_case){
		    .seq = h->cases - 1,
		    .case_key = maat_xstrdup(r->case_key.data),
		    .case_type = r->case_type_null ? NULL : maat_xstrdup(r->case_type.data),
		    .events = c->events,
		    .events_without_resource = c->without_res,
		    .handovers = handovers,
		    .pingpong = c->pingpong,
		    .returns = c->returns,
		    .roundtrips = c->roundtrips,
		    .has_owner = c->segments > 0,
		    .finished_by_picker = picker,
		    .throughput_days = (double)(c->last_t - c->first_t) / 86400000.0,
		    .longest_idle_days = (double)c->max_gap / 86400000.0,
		    .over_max = over,
		    .idle = idle,
		    .signoffs = c->signoffs,
		    .approvers = c->approvers,
		    .approver_layers =
			r->nsnap > 0 && c->layers.len > 0 ? maat_xstrdup(c->layers.data) : NULL,
		    .formal_chain = chain,
		};
	}
	return 0;
}

/* One event of the current case, in (time, file order) order. */
static void
event(struct run *r, int64_t t, int64_t act, int64_t res)
{
	struct cur *c = &r->c;
	maat_handovers *h = r->h;
	struct act *a = &r->act[act];

	if (c->events == 0) {
		c->first_t = t;
		c->snap = snap_at(r, t);
	} else if (t - c->last_t > c->max_gap) {
		c->max_gap = t - c->last_t;
	}
	c->last_t = t;
	c->events++;
	h->events++;
	a->events++;
	if (a->is_signoff) {
		a->signoffs++;
		c->signoffs++;
		h->signoffs++;
		if (res >= 0 && r->res[res].appr_stamp != c->counter) {
			r->res[res].appr_stamp = c->counter;
			c->approvers++;
			if (r->nsnap > 0) {
				const struct rsnap *ap = rsn(r, c->snap, res);
				/* the first owner is known: this event bears a resource */
				int64_t owner = c->first_owner >= 0 ? c->first_owner : res;
				ssize_t on = rsn(r, c->snap, owner)->node;
				if (c->layers.len > 0) {
					maat_buf_append(&c->layers, ",", 1);
				}
				if (ap->layer > 0) {
					maat_buf_printf(&c->layers, "%d", (int)ap->layer);
				} else {
					maat_buf_append(&c->layers, "?", 1);
				}
				if (ap->node < 0 || on < 0) {
					/* not in the chart, or the owner is not: no line to judge
					 */
					c->appr_unknown++;
				} else if (maat_org_is_ancestor(r->snaps[c->snap].org,
								(size_t)ap->node, (size_t)on)) {
					c->appr_in_line++;
				} else {
					c->appr_outside++;
				}
			}
		}
	}
	if (res < 0) {
		c->without_res++;
		h->events_without_resource++;
		a->without_resource++;
		return;
	}
	if (r->nsnap > 1) {
		size_t sn = snap_at(r, t);
		r->rs[sn * r->resources.n + (size_t)res].events++;
		if (c->prev_res >= 0) {
			/* the handover joins the chart in force when the work arrives */
			uint64_t k =
			    ((uint64_t)c->prev_res * r->resources.n + (uint64_t)res) * r->nsnap +
			    sn;
			pairs_add(&r->spairs, k);
		}
	} else {
		r->rs[res].events++;
	}
	if (c->prev_res >= 0) {
		pairs_add(&r->pairs, (uint64_t)c->prev_res * r->pairs.nres + (uint64_t)res);
		h->successions++;
		if (c->prev_res == res) {
			h->self_successions++;
		} else {
			h->handovers++;
			a->handovers_in++;
		}
	}
	if (res != c->s1) {
		/* a new owner segment */
		close_segment(r, res);
		c->segments++;
		c->s0 = c->s1;
		c->s1 = res;
		c->s1_signoff = a->is_signoff;
		if (c->first_owner < 0) {
			c->first_owner = res;
		}
	} else {
		c->s1_signoff = c->s1_signoff && a->is_signoff;
	}
	c->prev_res = res;
}

static void
emit(struct run *r, int64_t t, const maat_caselog_ev *g)
{
	if (g->rid > 0) {
		r->used[g->rid] = 1;
	}
	event(r, t, g->act, g->res);
}

/* The events of one case at one instant, merged across sources (caselog.c). */
static void
emit_cb(void *ctx, int64_t t, const maat_caselog_ev *g)
{
	emit(ctx, t, g);
}

static void
flush_group(struct run *r, int64_t t)
{
	size_t n = r->ngrp;
	r->ngrp = 0;
	maat_caselog_merge(r->grp, n, t, emit_cb, r, &r->h->duplicates_within,
			   &r->h->duplicates_across);
}

/* The directions of a pair; static names (maat_handover_pair.direction). */
enum dir { D_SELF, D_UNKNOWN, D_SAME, D_UP, D_DOWN, D_SIDEWAYS, D_MIXED, D_N };
static const char *const dir_name[D_N] = {"self", "unknown",  "same", "up",
					  "down", "sideways", "mixed"};

static enum dir
direction(const struct run *r, size_t sn, uint32_t from, uint32_t to)
{
	const maat_org *org = r->nsnap > 0 ? r->snaps[sn].org : NULL;
	ssize_t a = r->nsnap > 0 ? rsn(r, sn, from)->node : -1;
	ssize_t b = r->nsnap > 0 ? rsn(r, sn, to)->node : -1;
	if (from == to) {
		return D_SELF;
	}
	/* not in the chart, or without a layer (a manager cycle: no line to move along) */
	if (a < 0 || b < 0 || org->nodes[a].layer <= 0 || org->nodes[b].layer <= 0) {
		return D_UNKNOWN;
	}
	if (a == b) {
		/* two spellings of one person (id and e-mail, say): no move on the line */
		return D_SAME;
	}
	if (maat_org_is_ancestor(org, (size_t)b, (size_t)a)) {
		return D_UP;
	}
	if (maat_org_is_ancestor(org, (size_t)a, (size_t)b)) {
		return D_DOWN;
	}
	return D_SIDEWAYS;
}

/* qsort, but never handed the NULL base of an empty array */
static void
sort_n(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1) {
		qsort(base, n, size, cmp);
	}
}

static int
cmp_group(const void *pa, const void *pb)
{
	return strcmp(((const maat_handover_group *)pa)->name,
		      ((const maat_handover_group *)pb)->name);
}

/* Adds count handovers from -> to, joined to snapshot sn, to the escalations and unit flows. */
static void
account(struct run *r, size_t sn, uint32_t from, uint32_t to, enum dir dir, int64_t count)
{
	maat_handovers *h = r->h;
	const struct rsnap *a = rsn(r, sn, from), *b = rsn(r, sn, to);
	maat_handover_group *uf, *ut;

	if (from == to) {
		return;
	}
	uf = &h->units[a->unit];
	ut = &h->units[b->unit];
	uf->handovers_out += count;
	ut->handovers_in += count;
	/* "(unknown)" is not a unit: handovers between two unknowns are not "within" */
	if (uf == ut && a->unit_known) {
		uf->handovers_within += count;
	}
	if (dir == D_UP) {
		h->up += count;
		uf->up += count;
	} else if (dir == D_DOWN) {
		h->down += count;
		uf->down += count;
	} else if (dir == D_SAME) {
		h->same_person += count;
		uf->same_person += count;
	} else if (dir == D_SIDEWAYS) {
		h->sideways += count;
		uf->sideways += count;
	} else {
		h->unknown += count;
		uf->unknown += count;
	}
}

static int
cmp_str(const void *pa, const void *pb)
{
	return strcmp(*(char *const *)pa, *(char *const *)pb);
}

static int
cmp_spell(const void *pa, const void *pb)
{
	const struct spell *a = pa, *b = pb;
	if (a->canon != b->canon) {
		return a->canon < b->canon ? -1 : 1;
	}
	return strcmp(a->name, b->name);
}

/* Each resource is shown by the first (strcmp order) of the spellings its events use, so
 * that import order does not decide; resources spelt in several ways are listed. */
static void
name_resources(struct run *r)
{
	maat_handovers *h = r->h;
	size_t n = 0;

	for (size_t i = 0; i < r->nspell; i++) {
		if (r->used[r->spell[i].id]) {
			r->spell[n++] = r->spell[i];
		} else {
			free(r->spell[i].name);
		}
	}
	r->nspell = n;
	sort_n(r->spell, n, sizeof(*r->spell), cmp_spell);
	for (size_t i = 0; i < n;) {
		size_t j = i + 1, k, distinct = 0;
		maat_buf b = {0};
		free(r->resources.v[r->spell[i].canon]);
		r->resources.v[r->spell[i].canon] = maat_xstrdup(r->spell[i].name);
		while (j < n && r->spell[j].canon == r->spell[i].canon) {
			j++;
		}
		for (k = i; k < j; k++) {
			if (k > i && strcmp(r->spell[k].name, r->spell[k - 1].name) == 0) {
				continue;
			}
			maat_buf_printf(&b, "%s%s", k > i ? " = " : "", r->spell[k].name);
			distinct++;
		}
		if (distinct > 1) {
			h->merged_spellings =
			    maat_xreallocarray(h->merged_spellings, h->nmerged_spellings + 1,
					       sizeof(*h->merged_spellings));
			h->merged_spellings[h->nmerged_spellings++] = b.data;
		} else {
			maat_buf_fini(&b);
		}
		i = j;
	}
}

/* How many resources joined the chart (METRICS.md §1: every joined output says so). */
static void
count_joins(struct run *r)
{
	maat_handovers *h = r->h;
	size_t ns = r->nsnap > 0 ? r->nsnap : 1;
	unsigned char *used = maat_xcalloc(r->resources.n + 1, 1);

	for (size_t i = 0; i < r->nspell; i++) {
		used[r->spell[i].canon] = 1;
	}
	for (size_t i = 0; i < r->resources.n; i++) {
		bool matched = false, ambiguous = false;
		if (!used[i]) {
			continue;
		}
		h->resources_used++;
		for (size_t sn = 0; sn < ns; sn++) {
			matched = matched || rsn(r, sn, (int64_t)i)->node >= 0;
			ambiguous = ambiguous || rsn(r, sn, (int64_t)i)->ambiguous;
		}
		h->resources_matched += matched;
		if (ambiguous && !matched) {
			h->ambiguous_resources =
			    maat_xreallocarray(h->ambiguous_resources, h->nambiguous_resources + 1,
					       sizeof(*h->ambiguous_resources));
			h->ambiguous_resources[h->nambiguous_resources++] =
			    maat_xstrdup(r->resources.v[i]);
		}
	}
	free(used);
	sort_n(h->ambiguous_resources, h->nambiguous_resources, sizeof(char *), cmp_str);
}

/* Pairs are sorted by integers: count, then the names' ranks in strcmp order. */
struct sort_pair {
	int64_t count, cases;
	uint32_t rank_from, rank_to;
	enum dir dir;
};

static int
cmp_sort_pair(const void *pa, const void *pb)
{
	const struct sort_pair *a = pa, *b = pb;
	if (a->count != b->count) {
		return a->count > b->count ? -1 : 1;
	}
	if (a->rank_from != b->rank_from) {
		return a->rank_from < b->rank_from ? -1 : 1;
	}
	return a->rank_to < b->rank_to ? -1 : a->rank_to > b->rank_to;
}

static const char *const *rank_names;

static int
cmp_name_index(const void *pa, const void *pb)
{
	return strcmp(rank_names[*(const size_t *)pa], rank_names[*(const size_t *)pb]);
}

/* The direction of pair p (key order) and its escalations and unit flows; *si walks the
 * per-snapshot pairs alongside (both lists are sorted by pair, then snapshot). */
static enum dir
pair_direction(struct run *r, const struct pair *p, size_t *si)
{
	uint32_t from = (uint32_t)(p->key / r->pairs.nres), to = (uint32_t)(p->key % r->pairs.nres);
	enum dir dir = D_N;

	if (r->nsnap <= 1) {
		dir = direction(r, 0, from, to);
		account(r, 0, from, to, dir, p->count);
		return dir;
	}
	for (; *si < r->spairs.n && r->spairs.v[*si].key / r->nsnap <= p->key; (*si)++) {
		const struct pair *sp = &r->spairs.v[*si];
		size_t sn = (size_t)(sp->key % r->nsnap);
		enum dir d;
		if (sp->key / r->nsnap < p->key) {
			continue;
		}
		d = direction(r, sn, from, to);
		account(r, sn, from, to, d, sp->count);
		dir = dir == D_N || dir == d ? d : D_MIXED;
	}
	return dir == D_N ? D_UNKNOWN : dir;
}

/* The result's pairs, by count descending, then from, then to (strcmp order), with their
 * direction; escalations and unit flows follow from them. The pairs are the largest
 * allocations at the end, so each step frees what it no longer needs: the sort key (count and
 * the names' ranks, one integer when it fits) carries the pair, and the cases and direction
 * travel with it, so the pairs in key order are gone before the sort and the result. */
static void
build_pairs(struct run *r)
{
	maat_handovers *h = r->h;
	size_t n = r->pairs.n, nnames = r->resources.n, si = 0;
	char *const *names = r->resources.v;
	size_t *byname = maat_xcalloc(nnames + 1, sizeof(*byname));
	uint32_t *rank = maat_xcalloc(nnames + 1, sizeof(*rank));
	int64_t maxcount = 0;
	unsigned rb, cb;

	for (size_t i = 0; i < nnames; i++) {
		byname[i] = i;
	}
	rank_names = (const char *const *)names;
	sort_n(byname, nnames, sizeof(*byname), cmp_name_index);
	rank_names = NULL;
	for (size_t i = 0; i < nnames; i++) {
		rank[byname[i]] = (uint32_t)i;
	}
	for (size_t i = 0; i < n; i++) {
		maxcount = r->pairs.v[i].count > maxcount ? r->pairs.v[i].count : maxcount;
	}
	rb = bits_for(nnames);
	cb = bits_for((uint64_t)maxcount);
	h->pairs = NULL;
	h->npairs = 0;
	if (cb + 2 * rb <= 64) {
		/* A radix sort of (key, cases * 8 + direction) records. They live at the end of
		 * the result's block, which is filled from the front as they are read: entry j
		 * (56 bytes at 56 j) ends before record j + 1 (16 bytes at 40 n + 56 + 16 j)
		 * begins, so the records need no memory of their own (the block's pages count
		 * only once written). Records are read with memcpy: the memory changes type. */
		maat_handover_pair *res = maat_xmalloc((n + 1) * sizeof(*res));
		struct kv *rec = (struct kv *)(void *)((char *)res + (n + 1) * sizeof(*res) -
						       n * sizeof(struct kv));
		struct kv *tmp, *sorted;
		uint64_t mask = rb > 0 ? ((uint64_t)1 << rb) - 1 : 0;
		for (size_t i = 0; i < n; i++) {
			const struct pair *p = &r->pairs.v[i];
			uint64_t k = (uint64_t)(maxcount - p->count);
			uint32_t from = (uint32_t)(p->key / r->pairs.nres),
				 to = (uint32_t)(p->key % r->pairs.nres);
			enum dir d = pair_direction(r, p, &si);
			k = rb > 0 ? (((k << rb) | rank[from]) << rb) | rank[to] : k;
			rec[i] = (struct kv){k, (uint64_t)p->cases << 3 | (uint64_t)d};
		}
		pairs_fini(&r->spairs);
		pairs_fini(&r->pairs);
		tmp = maat_xmalloc((n + 1) * sizeof(*tmp));
		sorted = radix_sort_kv(rec, tmp, n, cb + 2 * rb);
		if (sorted != rec && n > 0) {
			memcpy(rec, sorted, n * sizeof(*rec));
		}
		free(tmp);
		for (size_t j = 0; j < n; j++) {
			struct kv x;
			maat_handover_pair *q = &res[j];
			memcpy(&x, (char *)rec + j * sizeof(x), sizeof(x));
			q->to_id = (uint32_t)byname[x.key & mask];
			q->from_id = (uint32_t)byname[(x.key >> rb) & mask];
			q->count = maxcount - (int64_t)(x.key >> (2 * rb));
			q->cases = (int64_t)(x.val >> 3);
			q->direction = dir_name[x.val & 7];
		}
		h->pairs = res;
		h->npairs = n;
	} else {
		struct sort_pair *sp = maat_xcalloc(n + 1, sizeof(*sp));
		for (size_t i = 0; i < n; i++) {
			const struct pair *p = &r->pairs.v[i];
			uint32_t from = (uint32_t)(p->key / r->pairs.nres),
				 to = (uint32_t)(p->key % r->pairs.nres);
			sp[i] = (struct sort_pair){p->count, p->cases, rank[from], rank[to],
						   pair_direction(r, p, &si)};
		}
		pairs_fini(&r->spairs);
		pairs_fini(&r->pairs);
		sort_n(sp, n, sizeof(*sp), cmp_sort_pair);
		h->pairs = maat_xcalloc(n + 1, sizeof(*h->pairs));
		for (size_t j = 0; j < n; j++) {
			maat_handover_pair *q = &h->pairs[h->npairs++];
			q->from_id = (uint32_t)byname[sp[j].rank_from];
			q->to_id = (uint32_t)byname[sp[j].rank_to];
			q->count = sp[j].count;
			q->cases = sp[j].cases;
			q->direction = dir_name[sp[j].dir];
		}
		free(sp);
	}
	for (size_t j = 0; j < h->npairs; j++) {
		maat_handover_pair *q = &h->pairs[j];
		q->from = names[q->from_id];
		q->to = names[q->to_id];
		/* PM4Py's relative value: over the sum over cases of (events - 1) */
		q->relative =
		    h->events > h->cases ? (double)q->count / (double)(h->events - h->cases) : NAN;
	}
	free(rank);
	free(byname);
}

/* Restores the max-heap a[0..n) below root (the heap sort of select_k). */
static void
sift_down(int64_t *a, size_t root, size_t n)
{
	for (;;) {
		size_t c = 2 * root + 1;
		int64_t t;
		if (c >= n) {
			return;
		}
		if (c + 1 < n && a[c + 1] > a[c]) {
			c++;
		}
		if (a[root] >= a[c]) {
			return;
		}
		t = a[root], a[root] = a[c], a[c] = t;
		root = c;
	}
}

/* Moves the k-th smallest of v[0..n) to v[k], the smaller ones before it and the larger after
 * it, in place (quickselect; a heap sort of what is left when the partitions go badly). */
static void
select_k(int64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n, budget = 2 * bits_for(n) + 8;
	while (hi - lo > 1) {
		size_t i, j, mid = lo + (hi - lo) / 2;
		int64_t piv, t;
		if (budget-- == 0) {
			/* heap sort of v[lo..hi) */
			size_t m = hi - lo;
			int64_t *a = v + lo;
			for (size_t e = m; e-- > 0;) {
				sift_down(a, e, m);
			}
			for (size_t end = m; end-- > 1;) {
				t = a[0], a[0] = a[end], a[end] = t;
				sift_down(a, 0, end);
			}
			return;
		}
		/* median of three as the pivot */
		{
			int64_t a = v[lo], b = v[mid], c = v[hi - 1];
			piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
		}
		/* Hoare partition: v[lo..j] <= piv <= v[j+1..hi) */
		i = lo;
		j = hi - 1;
		for (;;) {
			while (v[i] < piv) {
				i++;
			}
			while (v[j] > piv) {
				j--;
			}
			if (i >= j) {
				break;
			}
			t = v[i], v[i] = v[j], v[j] = t;
			i++;
			j--;
		}
		if (k <= j) {
			hi = j + 1;
		} else {
			lo = j + 1;
		}
	}
}

/* numpy's default (linear) percentile p of the n durations in v (ms), in days, as
 * maat_percentile_linear() computes it over the sorted days; v is reordered. The values at
 * positions >= from are those not smaller than the ones before from (a previous call). */
static double
thr_percentile(int64_t *v, size_t n, size_t from, double p, int64_t max)
{
	double h, lo, a, b;
	size_t i;
	int64_t next;
	if (n == 0) {
		return NAN;
	}
	h = (double)(n - 1) * p;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n) {
		return (double)max / 86400000.0;
	}
	if (i < from) {
		from = 0;
	}
	select_k(v + from, n - from, i - from);
	next = v[i + 1];
	for (size_t j = i + 2; j < n; j++) {
		next = v[j] < next ? v[j] : next;
	}
	a = (double)v[i] / 86400000.0;
	b = (double)next / 86400000.0;
	return a + (h - lo) * (b - a);
}

static void
finish(struct run *r)
{
	maat_handovers *h = r->h;

	name_resources(r);
	count_joins(r);

	/* throughput percentiles, numpy's default (linear) method: selected in place, and the
	 * durations freed before the pairs' allocations */
	if (r->nthr > 0) {
		int64_t max = r->thr[0];
		size_t im = (size_t)floor((double)(r->nthr - 1) * 0.5);
		for (size_t i = 1; i < r->nthr; i++) {
			max = r->thr[i] > max ? r->thr[i] : max;
		}
		h->throughput_median = thr_percentile(r->thr, r->nthr, 0, 0.5, max);
		/* p90 lies at or after the median: only what is right of it needs selecting */
		h->throughput_p90 = thr_percentile(r->thr, r->nthr, im + 1, 0.9, max);
		h->throughput_max = (double)max / 86400000.0;
	}
	free(r->thr);
	r->thr = NULL;
	r->nthr = r->capthr = 0;

	/* pairs, with their direction; escalations and unit flows follow from them */
	pairs_flush(&r->pairs);
	h->units = maat_xcalloc(r->units.n + 1, sizeof(*h->units));
	h->nunits = r->units.n;
	for (size_t u = 0; u < r->units.n; u++) {
		h->units[u].name = maat_xstrdup(r->units.v[u]);
	}
	for (size_t k = 0; k < r->resources.n * (r->nsnap > 1 ? r->nsnap : 1); k++) {
		h->units[r->rs[k].unit].events += r->rs[k].events;
	}
	if (r->nsnap > 1) {
		pairs_flush(&r->spairs);
	}
	build_pairs(r);
	sort_n(h->units, h->nunits, sizeof(*h->units), cmp_group);
	h->activities = maat_xcalloc(r->activities.n + 1, sizeof(*h->activities));
	for (size_t i = 0; i < r->activities.n; i++) {
		if (r->act[i].events == 0) {
			continue;
		}
		maat_handover_group *g = &h->activities[h->nactivities++];
		g->name = maat_xstrdup(r->activities.v[i]);
		g->events = r->act[i].events;
		g->events_without_resource = r->act[i].without_resource;
		g->handovers_in = r->act[i].handovers_in;
		g->is_signoff = r->act[i].is_signoff;
		g->signoffs = r->act[i].signoffs;
	}
	sort_n(h->activities, h->nactivities, sizeof(*h->activities), cmp_group);
	/* the pairs point into the resource names: hand them over */
	h->resources = r->resources.v;
	h->nresources = r->resources.n;
	r->resources.v = NULL;
	r->resources.n = 0;
}

static void
set_text(maat_buf *b, const char *s)
{
	maat_buf_reset(b);
	maat_buf_append(b, s != NULL ? s : "", s != NULL ? strlen(s) : 0);
}

/* One batch of the scan, in (case, time, source, file order) order: events of one (case,
 * instant) gather in r->grp and merge across sources when the instant ends (flush_group). Runs
 * while the scan's thread holds the store: touches only the run. */
static int
take_batch(void *ctx, const maat_caselog_batch *b, maat_err *err)
{
	struct run *r = ctx;
	size_t ci = 0;
	int rc;

	for (size_t i = 0; i < b->n; i++) {
		const maat_caselog_row *row = &b->rows[i];
		int64_t aid = row->aid, rid = row->rid, lid = row->lid, src = row->src;
		maat_caselog_ev *g;
		if (aid < 1 || aid > r->maxid || r->canon[aid] < 0 || rid < 0 ||
		    (rid > 0 && (rid > r->maxid || r->canon[rid] < 0)) || lid < 0 ||
		    (lid > 0 && (lid > r->maxid || r->canon[lid] < 0)) || src < 0 ||
		    src > r->maxsrc) {
			return maat_err_set(err, MAAT_E_DATA, "%s",
					    _("the store's case events refer to unknown names"));
		}
		if (!r->have_case || row->case_no != r->cur_case || row->t != r->cur_t) {
			flush_group(r, r->cur_t);
		}
		if (!r->have_case || row->case_no != r->cur_case) {
			if (r->have_case && (rc = end_case(r, err)) < 0) {
				return rc;
			}
			r->have_case = true;
			r->cur_case = row->case_no;
			start_case(r);
			r->c.case_no = row->case_no;
			if (r->with_cases) {
				/* the scan sends a case row with each row that starts a case */
				const maat_caselog_case *cs = &b->cases[ci];
				if (ci == b->ncases || cs->case_no != row->case_no) {
					return maat_err_set(
					    err, MAAT_E_INTERNAL, "%s",
					    _("the store's cases came out of order"));
				}
				ci++;
				r->case_found = cs->found;
				r->case_type_null = cs->type == SIZE_MAX;
				set_text(&r->case_key, maat_caselog_text(b, cs->key));
				set_text(&r->case_type, maat_caselog_text(b, cs->type));
			}
		}
		r->cur_t = row->t;
		if (r->ngrp == r->capgrp) {
			r->capgrp = r->capgrp ? r->capgrp * 2 : 64;
			r->grp = maat_xreallocarray(r->grp, r->capgrp, sizeof(*r->grp));
		}
		g = &r->grp[r->ngrp++];
		g->act = r->canon[aid];
		g->res = rid > 0 ? r->canon[rid] : -1;
		g->aid = aid;
		g->rid = rid;
		g->lc = lid > 0 ? r->canon[lid] : -1;
		g->src = r->src_rank[src];
		g->key = 0;
	}
	return 0;
}

static int compute(maat_db *db, const maat_handovers_opts *opts, struct snap *snaps, size_t nsnap,
		   maat_handovers **out, maat_err *err);

/* The first instant (unix ms) of a snapshot dated yyyy-mm-dd; INT64_MIN when undated. */
static int64_t
snap_from(const char *as_of)
{
	int y, m, d;
	if (as_of == NULL || sscanf(as_of, "%4d-%2d-%2d", &y, &m, &d) != 3) {
		return INT64_MIN;
	}
	/* days from civil (H. Hinnant) */
	y -= m <= 2;
	{
		int era = (y >= 0 ? y : y - 399) / 400;
		int yoe = y - era * 400;
		int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
		int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
		int64_t days = (int64_t)era * 146097 + doe - 719468;
		return days * 86400000;
	}
}

int
maat_handovers_compute(maat_db *db, const maat_handovers_opts *opts, maat_handovers **out,
		       maat_err *err)
{
	struct snap *snaps = NULL;
	size_t nsnap = 0;
	int rc;

	if (opts != NULL && opts->as_of != NULL) {
		/* --as-of pins one snapshot: the latest on or before the date */
		maat_org *org = NULL;
		if ((rc = maat_org_load(db, opts->as_of, &org, err)) < 0) {
			return rc;
		}
		if (rc == 1) {
			return maat_err_set(err, MAAT_E_USAGE,
					    _("--as-of %s: no org snapshot on or before that date"),
					    opts->as_of);
		}
		snaps = maat_xcalloc(1, sizeof(*snaps));
		snaps[0].org = snaps[0].owned = org;
		snaps[0].from_ms = INT64_MIN;
		nsnap = 1;
	} else {
		/* every snapshot: each event joins the one in force on its date */
		maat_org_snapshots list = {0};
		if ((rc = maat_org_snapshots_list(db, &list, err)) < 0) {
			return rc;
		}
		snaps = maat_xcalloc(list.n + 1, sizeof(*snaps));
		for (size_t k = 0; k < list.n && rc >= 0; k++) {
			maat_org *org = NULL;
			if ((rc = maat_org_load_snapshot(db, list.dates[k], 0, &org, err)) == 1) {
				rc = 0;
			}
			snaps[nsnap].org = snaps[nsnap].owned = org;
			snaps[nsnap].from_ms = k == 0 ? INT64_MIN : snap_from(list.dates[k]);
			nsnap++;
		}
		maat_org_snapshots_fini(&list);
		/* a snapshot that did not load (none that old) is dropped */
		{
			size_t m = 0;
			for (size_t k = 0; k < nsnap; k++) {
				if (snaps[k].org != NULL) {
					snaps[m++] = snaps[k];
				}
			}
			nsnap = m;
		}
		if (rc < 0) {
			goto out;
		}
	}
	rc = compute(db, opts, snaps, nsnap, out, err);
out:
	for (size_t k = 0; k < nsnap; k++) {
		maat_org_free(snaps[k].owned);
	}
	free(snaps);
	return rc;
}

int
maat_handovers_compute_with_org(maat_db *db, const maat_handovers_opts *opts, const maat_org *org,
				maat_handovers **out, maat_err *err)
{
	struct snap one = {.org = org, .from_ms = INT64_MIN};
	return compute(db, opts, org != NULL ? &one : NULL, org != NULL ? 1 : 0, out, err);
}

static int
compute(maat_db *db, const maat_handovers_opts *opts, struct snap *snaps, size_t nsnap,
	maat_handovers **out, maat_err *err)
{
	maat_handovers_opts defaults;
	struct run r = {0};
	int rc;

	if (opts == NULL) {
		maat_handovers_opts_init(&defaults);
		opts = &defaults;
	}
	r.o = opts;
	r.h = maat_xcalloc(1, sizeof(*r.h));
	r.h->max_handovers = opts->max_handovers;
	r.h->idle_days = opts->idle_days;
	r.h->approval_pattern = maat_xstrdup(
	    opts->approval_pattern ? opts->approval_pattern : MAAT_APPROVAL_PATTERN_DEFAULT);
	r.h->throughput_median = r.h->throughput_p90 = r.h->throughput_max = NAN;
	r.snaps = snaps;
	r.nsnap = nsnap;
	r.h->have_org = nsnap > 0;
	for (size_t k = 0; k < nsnap; k++) {
		snap_index(&snaps[k]);
		r.h->org_snapshots =
		    maat_xreallocarray(r.h->org_snapshots, k + 1, sizeof(*r.h->org_snapshots));
		r.h->org_snapshots[k] =
		    maat_xstrdup(snaps[k].org->as_of ? snaps[k].org->as_of : "");
		r.h->norg_snapshots++;
	}
	if ((rc = load_names(db, &r, err)) < 0 || (rc = prepare(&r, err)) < 0) {
		goto out;
	}
	/* the cases, in the events' order: keys for the per-case rows, types for the mandates */
	r.with_cases = opts->keep_cases || nsnap > 0;
	if (nsnap > 0) {
		if ((rc = maat_mandates_load(db, &r.mandates, &r.nmandates, err)) < 0) {
			goto out;
		}
	}
	/* The primary key order: no sort, no temporary index. The scan reads the rows on a
	 * thread of its own; this one analyses them (take_batch). */
	if ((rc = maat_caselog_scan(db, r.with_cases, take_batch, &r, err)) < 0) {
		goto out;
	}
	flush_group(&r, r.cur_t);
	if (r.have_case && (rc = end_case(&r, err)) < 0) {
		goto out;
	}
	finish(&r);
	*out = r.h;
	r.h = NULL;
	rc = 0;
out:
	maat_buf_fini(&r.case_key);
	maat_buf_fini(&r.case_type);
	maat_handovers_free(r.h);
	free(r.canon);
	maat_mandates_free(r.mandates, r.nmandates);
	free(r.used);
	free(r.rs);
	pairs_fini(&r.spairs);
	for (size_t k = 0; k < nsnap; k++) {
		jtab_fini(&snaps[k].ids);
		jtab_fini(&snaps[k].emails);
		jtab_fini(&snaps[k].names);
	}
	for (size_t i = 0; i < r.nspell; i++) {
		free(r.spell[i].name);
	}
	free(r.spell);
	free(r.src_rank);
	free(r.grp);
	names_fini(&r.lifecycles);
	names_fini(&r.resources);
	names_fini(&r.activities);
	names_fini(&r.case_types);
	names_fini(&r.units);
	free(r.res);
	free(r.act);
	pairs_fini(&r.pairs);
	free(r.thr);
	maat_buf_fini(&r.c.layers);
	return rc;
}

void
maat_handovers_free(maat_handovers *h)
{
	if (h == NULL) {
		return;
	}
	for (size_t i = 0; i < h->nresources; i++) {
		free(h->resources[i]);
	}
	free(h->resources);
	for (size_t i = 0; i < h->nactivities; i++) {
		free(h->activities[i].name);
	}
	for (size_t i = 0; i < h->nunits; i++) {
		free(h->units[i].name);
	}
	for (size_t i = 0; i < h->ncase_rows; i++) {
		free(h->case_rows[i].case_key);
		free(h->case_rows[i].case_type);
		free(h->case_rows[i].approver_layers);
	}
	free(h->pairs);
	free(h->activities);
	free(h->units);
	free(h->case_rows);
	for (size_t i = 0; i < h->nmerged_spellings; i++) {
		free(h->merged_spellings[i]);
	}
	free(h->merged_spellings);
	for (size_t i = 0; i < h->norg_snapshots; i++) {
		free(h->org_snapshots[i]);
	}
	free(h->org_snapshots);
	for (size_t i = 0; i < h->nambiguous_resources; i++) {
		free(h->ambiguous_resources[i]);
	}
	free(h->ambiguous_resources);
	free(h->approval_pattern);
	free(h);
}

/* A summary row: the label and the value (key: the JSON key, for reference in the code). */
static void
kv_text(maat_table *t, const char *key, const char *label, const char *v)
{
	maat_table_add_row(t);
	maat_table_set_text(t, 0, label);
	maat_table_set_text(t, 1, v);
	(void)key;
}

static void
kv_int(maat_table *t, const char *key, const char *label, int64_t v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	kv_text(t, key, label, buf);
}

static void
kv_real(maat_table *t, const char *key, const char *label, double v, int decimals)
{
	char buf[64];
	if (isfinite(v)) {
		snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	}
	kv_text(t, key, label, isfinite(v) ? buf : NULL);
}

maat_table *
maat_handovers_summary_table(const maat_handovers *h)
{
	maat_table *t = maat_table_new(_("Handovers of work"));
	double mean = h->cases > 0 ? (double)h->handovers / (double)h->cases : NAN;
	maat_table_add_column(t, "figure", _("figure"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "value", _("value"), MAAT_COL_TEXT, 0);
	kv_int(t, "cases", _("cases"), h->cases);
	kv_int(t, "events", _("events"), h->events);
	kv_int(t, "events_without_resource", _("events without a resource (skipped)"),
	       h->events_without_resource);
	kv_int(t, "successions", _("successions (incl. self)"), h->successions);
	kv_int(t, "self_successions", _("self-successions"), h->self_successions);
	kv_int(t, "handovers", _("handovers"), h->handovers);
	kv_real(t, "handovers_mean", _("handovers per case (mean)"), mean, 2);
	kv_int(t, "cases_without_handover", _("cases without a handover"),
	       h->cases_without_handover);
	kv_int(t, "cases_finished_by_picker", _("cases finished by whoever picked them up"),
	       h->cases_finished_by_picker);
	kv_int(t, "pingpong_cases", _("ping-pong cases (A->B->A)"), h->pingpong_cases);
	kv_int(t, "pingpong", _("ping-pong occurrences"), h->pingpong);
	kv_int(t, "returns", _("returns to an earlier owner"), h->returns);
	kv_int(t, "signoff_roundtrips", _("sign-off round trips (A->B for the paraaf->A)"),
	       h->signoff_roundtrips);
	kv_int(t, "duplicates_within", _("repeated events within one file (all counted)"),
	       h->duplicates_within);
	kv_int(t, "duplicates_across", _("events also in another file (counted once)"),
	       h->duplicates_across);
	kv_int(t, "max_handovers", _("cap: max handovers (setting)"), h->max_handovers);
	kv_int(t, "cases_over_max", _("cases over the cap"), h->cases_over_max);
	kv_real(t, "idle_days", _("idle after days (setting)"), h->idle_days, 1);
	kv_int(t, "idle_cases", _("idle dossiers"), h->idle_cases);
	kv_real(t, "throughput_median", _("throughput days, median"), h->throughput_median, 1);
	kv_real(t, "throughput_p90", _("throughput days, p90"), h->throughput_p90, 1);
	kv_real(t, "throughput_max", _("throughput days, max"), h->throughput_max, 1);
	kv_int(t, "escalations_up", _("handovers up the line"), h->up);
	kv_int(t, "escalations_down", _("handovers down the line"), h->down);
	kv_int(t, "escalations_sideways", _("handovers sideways"), h->sideways);
	kv_int(t, "escalations_unknown", _("handovers, direction unknown"), h->unknown);
	kv_int(t, "escalations_same_person", _("handovers between two spellings of one person"),
	       h->same_person);
	kv_text(t, "approval_pattern", _("sign-off pattern (setting)"), h->approval_pattern);
	kv_int(t, "signoffs", _("sign-offs observed"), h->signoffs);
	kv_int(t, "signoff_cases", _("cases with a sign-off"), h->signoff_cases);
	kv_int(t, "signoff_cases_over_chain", _("cases with more approvers than the formal chain"),
	       h->signoff_cases_over_chain);
	kv_int(t, "signoff_cases_under_chain",
	       _("cases with fewer approvers than the formal chain"), h->signoff_cases_under_chain);
	kv_int(t, "signoff_cases_compared",
	       _("cases with sign-offs compared with the formal chain"), h->signoff_cases_compared);
	kv_int(t, "signoff_cases_no_type", _("cases with sign-offs, no type or mandate (apart)"),
	       h->signoff_cases_no_type);
	kv_int(t, "signoff_cases_no_holder",
	       _("cases with sign-offs, no holder on the owner's path (apart)"),
	       h->signoff_cases_no_holder);
	kv_int(t, "signoff_cases_owner_unknown",
	       _("cases with sign-offs, first owner not in the chart (apart)"),
	       h->signoff_cases_owner_unknown);
	kv_int(t, "signoff_approvers_outside_line",
	       _("approvers outside the owner's line of managers (apart)"),
	       h->signoff_approvers_outside_line);
	return t;
}

static int
cmp_case_rows(const void *pa, const void *pb)
{
	const maat_handover_case *a = *(maat_handover_case *const *)pa;
	const maat_handover_case *b = *(maat_handover_case *const *)pb;
	if (a->handovers != b->handovers) {
		return a->handovers > b->handovers ? -1 : 1;
	}
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

maat_table *
maat_handovers_case_table(const maat_handovers *h, size_t limit)
{
	maat_table *t = maat_table_new(_("Per case"));
	const maat_handover_case **order = maat_xcalloc(h->ncase_rows + 1, sizeof(*order));
	size_t n = h->ncase_rows;

	maat_table_add_column(t, "case", _("case"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "case_type", _("case type"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "events", _("events"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "handovers", _("handovers"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "pingpong", _("ping-pong"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "returns", _("returns"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "signoff_roundtrips", _("sign-off round trips"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "finished_by_picker", _("finished by picker"), MAAT_COL_BOOL, 0);
	maat_table_add_column(t, "throughput_days", _("throughput days"), MAAT_COL_REAL, 1);
	maat_table_add_column(t, "longest_idle_days", _("longest idle days"), MAAT_COL_REAL, 1);
	maat_table_add_column(t, "over_max", _("over cap"), MAAT_COL_BOOL, 0);
	maat_table_add_column(t, "signoffs", _("sign-offs"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "approvers", _("approvers"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "approver_layers", _("approver layers"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "formal_chain", _("formal chain"), MAAT_COL_INT, 0);
	for (size_t i = 0; i < n; i++) {
		order[i] = &h->case_rows[i];
	}
	if (limit > 0) {
		sort_n(order, n, sizeof(*order), cmp_case_rows);
		n = limit < n ? limit : n;
	}
	for (size_t i = 0; i < n; i++) {
		const maat_handover_case *c = order[i];
		maat_table_add_row(t);
		maat_table_set_text(t, 0, c->case_key);
		maat_table_set_text(t, 1, c->case_type);
		maat_table_set_int(t, 2, c->events);
		maat_table_set_int(t, 3, c->handovers);
		maat_table_set_int(t, 4, c->pingpong);
		maat_table_set_int(t, 5, c->returns);
		maat_table_set_int(t, 6, c->roundtrips);
		if (c->has_owner) {
			maat_table_set_int(t, 7, c->finished_by_picker);
		}
		maat_table_set_real(t, 8, c->throughput_days);
		maat_table_set_real(t, 9, c->longest_idle_days);
		maat_table_set_int(t, 10, c->over_max);
		maat_table_set_int(t, 11, c->signoffs);
		maat_table_set_int(t, 12, c->approvers);
		maat_table_set_text(t, 13, c->approver_layers);
		if (c->formal_chain >= 0) {
			maat_table_set_int(t, 14, c->formal_chain);
		}
	}
	free(order);
	return t;
}

maat_table *
maat_handovers_pair_table(const maat_handovers *h, size_t limit)
{
	maat_table *t = maat_table_new(_("Handover pairs (successions, self included)"));
	size_t n = limit > 0 && limit < h->npairs ? limit : h->npairs;
	maat_table_add_column(t, "from", _("from"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "to", _("to"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "count", _("count"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "cases", _("cases"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "relative", _("share (PM4Py)"), MAAT_COL_SHARE, 1);
	maat_table_add_column(t, "direction", _("direction"), MAAT_COL_TEXT, 0);
	for (size_t i = 0; i < n; i++) {
		maat_table_add_row(t);
		maat_table_set_text(t, 0, h->pairs[i].from);
		maat_table_set_text(t, 1, h->pairs[i].to);
		maat_table_set_int(t, 2, h->pairs[i].count);
		maat_table_set_int(t, 3, h->pairs[i].cases);
		maat_table_set_real(t, 4, h->pairs[i].relative);
		maat_table_set_text(t, 5, h->pairs[i].direction);
	}
	return t;
}

maat_table *
maat_handovers_activity_table(const maat_handovers *h)
{
	maat_table *t = maat_table_new(_("Per activity"));
	maat_table_add_column(t, "activity", _("activity"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "events", _("events"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "events_without_resource", _("without resource"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "handovers_in", _("handed over to do it"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "signoff", _("sign-off"), MAAT_COL_BOOL, 0);
	for (size_t i = 0; i < h->nactivities; i++) {
		const maat_handover_group *g = &h->activities[i];
		maat_table_add_row(t);
		maat_table_set_text(t, 0, g->name);
		maat_table_set_int(t, 1, g->events);
		maat_table_set_int(t, 2, g->events_without_resource);
		maat_table_set_int(t, 3, g->handovers_in);
		maat_table_set_int(t, 4, g->is_signoff);
	}
	return t;
}

maat_table *
maat_handovers_unit_table(const maat_handovers *h)
{
	maat_table *t = maat_table_new(_("Per unit"));
	maat_table_add_column(t, "unit", _("unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "events", _("events"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "handovers_out", _("passed on"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "handovers_in", _("received"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "handovers_within", _("within unit"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "up", _("up"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "down", _("down"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "sideways", _("sideways"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "unknown", _("unknown"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "same_person", _("two spellings of one person"), MAAT_COL_INT, 0);
	for (size_t i = 0; i < h->nunits; i++) {
		const maat_handover_group *g = &h->units[i];
		maat_table_add_row(t);
		maat_table_set_text(t, 0, g->name);
		maat_table_set_int(t, 1, g->events);
		maat_table_set_int(t, 2, g->handovers_out);
		maat_table_set_int(t, 3, g->handovers_in);
		maat_table_set_int(t, 4, g->handovers_within);
		maat_table_set_int(t, 5, g->up);
		maat_table_set_int(t, 6, g->down);
		maat_table_set_int(t, 7, g->sideways);
		maat_table_set_int(t, 8, g->unknown);
		maat_table_set_int(t, 9, g->same_person);
	}
	return t;
}

static json_t *
build_json(const maat_handovers *h, bool with_pairs)
{
	json_t *o = json_object(), *thr = json_object(), *esc = json_object(), *so = json_object();
	json_t *pairs = json_array();
	maat_table *t;

	json_object_set_new(o, "cases", json_integer(h->cases));
	json_object_set_new(o, "events", json_integer(h->events));
	json_object_set_new(o, "events_without_resource", json_integer(h->events_without_resource));
	json_object_set_new(o, "cases_without_resource", json_integer(h->cases_without_resource));
	json_object_set_new(o, "successions", json_integer(h->successions));
	json_object_set_new(o, "self_successions", json_integer(h->self_successions));
	json_object_set_new(o, "handovers", json_integer(h->handovers));
	json_object_set_new(
	    o, "handovers_mean",
	    maat_json_real(h->cases > 0 ? (double)h->handovers / (double)h->cases : NAN));
	json_object_set_new(o, "cases_without_handover", json_integer(h->cases_without_handover));
	json_object_set_new(o, "cases_finished_by_picker",
			    json_integer(h->cases_finished_by_picker));
	json_object_set_new(o, "pingpong_cases", json_integer(h->pingpong_cases));
	json_object_set_new(o, "pingpong", json_integer(h->pingpong));
	json_object_set_new(o, "returns", json_integer(h->returns));
	json_object_set_new(o, "signoff_roundtrips", json_integer(h->signoff_roundtrips));
	{
		json_t *dup = json_object(), *sp = json_array();
		json_object_set_new(dup, "within_sources", json_integer(h->duplicates_within));
		json_object_set_new(dup, "across_sources", json_integer(h->duplicates_across));
		json_object_set_new(o, "duplicate_events", dup);
		for (size_t i = 0; i < h->nmerged_spellings; i++) {
			json_array_append_new(sp, json_string(h->merged_spellings[i]));
		}
		json_object_set_new(o, "merged_spellings", sp);
	}
	json_object_set_new(o, "max_handovers", json_integer(h->max_handovers));
	json_object_set_new(o, "cases_over_max", json_integer(h->cases_over_max));
	json_object_set_new(o, "idle_days", json_real(h->idle_days));
	json_object_set_new(o, "idle_cases", json_integer(h->idle_cases));
	json_object_set_new(thr, "median", maat_json_real(h->throughput_median));
	json_object_set_new(thr, "p90", maat_json_real(h->throughput_p90));
	json_object_set_new(thr, "max", maat_json_real(h->throughput_max));
	json_object_set_new(o, "throughput_days", thr);
	json_object_set_new(esc, "up", json_integer(h->up));
	json_object_set_new(esc, "down", json_integer(h->down));
	json_object_set_new(esc, "sideways", json_integer(h->sideways));
	json_object_set_new(esc, "unknown", json_integer(h->unknown));
	json_object_set_new(esc, "same_person", json_integer(h->same_person));
	json_object_set_new(o, "escalations", esc);
	json_object_set_new(o, "org_chart", json_boolean(h->have_org));
	{
		json_t *snaps = json_array(), *join = json_object(), *amb = json_array();
		for (size_t i = 0; i < h->norg_snapshots; i++) {
			json_array_append_new(snaps, json_string(h->org_snapshots[i]));
		}
		json_object_set_new(o, "org_snapshots", snaps);
		json_object_set_new(join, "resources", json_integer(h->resources_used));
		json_object_set_new(join, "matched", json_integer(h->resources_matched));
		for (size_t i = 0; i < h->nambiguous_resources; i++) {
			json_array_append_new(amb, json_string(h->ambiguous_resources[i]));
		}
		json_object_set_new(join, "ambiguous", amb);
		json_object_set_new(o, "org_join", join);
	}
	json_object_set_new(so, "approval_pattern", json_string(h->approval_pattern));
	json_object_set_new(so, "signoffs", json_integer(h->signoffs));
	json_object_set_new(so, "cases", json_integer(h->signoff_cases));
	json_object_set_new(so, "cases_over_chain", json_integer(h->signoff_cases_over_chain));
	json_object_set_new(so, "cases_under_chain", json_integer(h->signoff_cases_under_chain));
	json_object_set_new(so, "cases_compared", json_integer(h->signoff_cases_compared));
	json_object_set_new(so, "cases_no_type", json_integer(h->signoff_cases_no_type));
	json_object_set_new(so, "cases_no_holder", json_integer(h->signoff_cases_no_holder));
	json_object_set_new(so, "cases_owner_unknown",
			    json_integer(h->signoff_cases_owner_unknown));
	json_object_set_new(so, "approvers_in_line", json_integer(h->signoff_approvers_in_line));
	json_object_set_new(so, "approvers_outside_line",
			    json_integer(h->signoff_approvers_outside_line));
	json_object_set_new(so, "approvers_not_in_chart",
			    json_integer(h->signoff_approvers_unknown));
	json_object_set_new(o, "signoffs", so);
	t = maat_handovers_activity_table(h);
	json_object_set_new(o, "activities", maat_table_to_json(t));
	maat_table_free(t);
	t = maat_handovers_unit_table(h);
	json_object_set_new(o, "units", maat_table_to_json(t));
	maat_table_free(t);
	/* last, so that the streaming writer can append it */
	if (with_pairs) {
		for (size_t i = 0; i < h->npairs; i++) {
			json_t *p = json_object();
			json_object_set_new(p, "from", json_string(h->pairs[i].from));
			json_object_set_new(p, "to", json_string(h->pairs[i].to));
			json_object_set_new(p, "count", json_integer(h->pairs[i].count));
			json_object_set_new(p, "cases", json_integer(h->pairs[i].cases));
			json_object_set_new(p, "relative", maat_json_real(h->pairs[i].relative));
			json_object_set_new(p, "direction", json_string(h->pairs[i].direction));
			json_array_append_new(pairs, p);
		}
		json_object_set_new(o, "pairs", pairs);
	} else {
		json_decref(pairs);
	}
	return o;
}

json_t *
maat_handovers_json(const maat_handovers *h)
{
	return build_json(h, true);
}

/* The text of one JSON value as maat_json_print() writes it; takes v; caller frees. */
static char *
json_text(json_t *v)
{
	char *out = v != NULL ? json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(12)) : NULL;
	json_decref(v);
	return out != NULL ? out : maat_xstrdup("null");
}

/* A JSON string literal of s; returns a new string, caller frees. */
static char *
json_quote(const char *s)
{
	return json_text(json_string(s));
}

/* The decimal text of v at the end of buf (32 bytes); returns where it starts in buf. */
static const char *
int_text(char *buf, int64_t v)
{
	char *s = buf + 31;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	*s = '\0';
	do {
		*--s = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0) {
		*--s = '-';
	}
	return s;
}

/* Output gathered in a buffer and written in large pieces: an fputs() per piece took the
 * stream's lock and scanned the string again, and that was most of the writing (ten pieces
 * for each of hundreds of thousands of pairs). */
struct wbuf {
	FILE *out;
	size_t n;
	char b[64 * 1024];
};

static void
wput(struct wbuf *w, const char *s, size_t n)
{
	if (w->n + n > sizeof(w->b)) {
		fwrite(w->b, 1, w->n, w->out);
		w->n = 0;
		if (n > sizeof(w->b)) {
			fwrite(s, 1, n, w->out);
			return;
		}
	}
	memcpy(w->b + w->n, s, n);
	w->n += n;
}

#define WPUT_LIT(w, lit) wput((w), (lit), sizeof(lit) - 1)

int
maat_handovers_json_write(const maat_handovers *h, FILE *out)
{
	json_t *o = build_json(h, false);
	char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
	char **quoted = maat_xcalloc(h->nresources + 1, sizeof(*quoted));
	size_t *qlen = maat_xcalloc(h->nresources + 1, sizeof(*qlen));
	struct wbuf *w = maat_xmalloc(sizeof(*w));
	char *end, *rel = NULL, num[32];
	const char *d;
	size_t rlen = 0;
	double rel_of = 0;

	json_decref(o);
	w->out = out;
	w->n = 0;
	if (text == NULL || (end = strrchr(text, '\n')) == NULL) {
		free(text);
		free(quoted);
		free(qlen);
		free(w);
		return -1;
	}
	/* the object without its closing "\n}", then the pairs as maat_json_print() lays them out
	 */
	wput(w, text, (size_t)(end - text));
	WPUT_LIT(w, ",\n  \"pairs\": [");
	for (size_t i = 0; i < h->npairs; i++) {
		const maat_handover_pair *p = &h->pairs[i];
		if (quoted[p->from_id] == NULL) {
			quoted[p->from_id] = json_quote(p->from);
			qlen[p->from_id] = strlen(quoted[p->from_id]);
		}
		if (quoted[p->to_id] == NULL) {
			quoted[p->to_id] = json_quote(p->to);
			qlen[p->to_id] = strlen(quoted[p->to_id]);
		}
		/* the relative value follows from the count, and the pairs come by count: one
		 * formatting per distinct value */
		if (rel == NULL || memcmp(&rel_of, &p->relative, sizeof(rel_of)) != 0) {
			free(rel);
			rel = json_text(maat_json_real(p->relative));
			rlen = strlen(rel);
			rel_of = p->relative;
		}
		if (i > 0) {
			WPUT_LIT(w, ",");
		}
		WPUT_LIT(w, "\n    {\n      \"from\": ");
		wput(w, quoted[p->from_id], qlen[p->from_id]);
		WPUT_LIT(w, ",\n      \"to\": ");
		wput(w, quoted[p->to_id], qlen[p->to_id]);
		WPUT_LIT(w, ",\n      \"count\": ");
		d = int_text(num, p->count);
		wput(w, d, (size_t)(num + 31 - d));
		WPUT_LIT(w, ",\n      \"cases\": ");
		d = int_text(num, p->cases);
		wput(w, d, (size_t)(num + 31 - d));
		WPUT_LIT(w, ",\n      \"relative\": ");
		wput(w, rel, rlen);
		WPUT_LIT(w, ",\n      \"direction\": \"");
		wput(w, p->direction, strlen(p->direction));
		WPUT_LIT(w, "\"\n    }");
	}
	free(rel);
	if (h->npairs > 0) {
		WPUT_LIT(w, "\n  ]\n}\n");
	} else {
		WPUT_LIT(w, "]\n}\n");
	}
	fwrite(w->b, 1, w->n, out);
	for (size_t i = 0; i < h->nresources; i++) {
		free(quoted[i]);
	}
	free(quoted);
	free(qlen);
	free(w);
	free(text);
	return ferror(out) ? -1 : 0;
}
