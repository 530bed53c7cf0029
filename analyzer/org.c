/* The org model: rows -> nodes with parents, layers and anomalies (METRICS.md §1).
 * Everything here is iterative: a chain a million deep is walked with loops and arrays, never
 * with recursion. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/i18n.h"
#include "maatlat/org.h"
#include "maatlat/util.h"

#define NONE SIZE_MAX

/* builder-internal node flag: the id occurred on more than one row */
#define F_DUPLICATE (1u << 16)

/* ---- a string arena: the org's strings live in a few large blocks ---- */

struct arena_block {
	/* the next block (older); owned */
	struct arena_block *next;
	/* bytes used of data */
	size_t used;
	/* bytes available in data */
	size_t cap;
	char data[];
};

typedef struct arena {
	/* the newest block first */
	struct arena_block *head;
} arena;

static char *
arena_strdup(arena *a, const char *s)
{
	size_t n;
	char *p;

	if (s == NULL) {
		return NULL;
	}
	n = strlen(s) + 1;
	if (a->head == NULL || a->head->cap - a->head->used < n) {
		size_t cap = n > 65536 ? n : 256 * 1024;
		struct arena_block *b = maat_xmalloc(sizeof(*b) + cap);
		b->next = a->head;
		b->used = 0;
		b->cap = cap;
		a->head = b;
	}
	p = a->head->data + a->head->used;
	memcpy(p, s, n);
	a->head->used += n;
	return p;
}

static void
arena_fini(arena *a)
{
	struct arena_block *b = a->head;
	while (b != NULL) {
		struct arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
}

/* ---- hashing ---- */

/* murmur3's finaliser: FNV alone leaves the low bits of short numeric ids clustered */
static uint64_t
mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return mix(h);
}

static uint64_t
hash_str_ci(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)tolower((unsigned char)*s);
		h *= 1099511628211ULL;
	}
	return mix(h);
}

/* An open-addressing table of node indexes, keyed by a string the caller derives from a node. */
typedef struct ntable {
	/* slots, NONE when empty; a power of two */
	size_t *slot;
	size_t cap;
	size_t used;
} ntable;

static void
ntable_init(ntable *t, size_t expect)
{
	size_t cap = 1024;
	while (cap < expect * 2) {
		cap *= 2;
	}
	t->slot = maat_xreallocarray(NULL, cap, sizeof(size_t));
	memset(t->slot, 0xff, cap * sizeof(size_t));
	t->cap = cap;
	t->used = 0;
}

static void
ntable_fini(ntable *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* The builder's id table: a tag (the top bits of the hash) and the node index side by side,
 * so a probe costs one cache line; the string is compared only when the tags agree. */
typedef struct idslot {
	/* the low 32 bits of the hash: the home slot is tag & (cap - 1), so growing never
	 * re-reads a string */
	uint32_t tag;
	/* node index + 1; 0 = empty */
	uint32_t idx1;
} idslot;

typedef struct idtable {
	idslot *slot;
	size_t cap, used;
} idtable;

static void
idtable_init(idtable *t, size_t expect)
{
	size_t cap = 1024, bytes;
	while (cap < expect * 2) {
		cap *= 2;
	}
	bytes = cap * sizeof(idslot);
	/* one random probe per id: huge pages spare a TLB miss on most of them */
	t->slot = maat_xalloc_huge(cap, sizeof(idslot));
	memset(t->slot, 0, bytes);
	t->cap = cap;
	t->used = 0;
}

static void
idtable_fini(idtable *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

/* The slot of id (whose hash is tag): holding its node, or the empty slot where it goes (tag
 * set). */
static idslot *
id_slot_h(const maat_org_node *nodes, const idtable *t, const char *id, uint32_t tag)
{
	size_t m = t->cap - 1, h = tag & m;
	idslot *sl;
	for (;;) {
		sl = &t->slot[h];
		if (sl->idx1 == 0) {
			sl->tag = tag;
			return sl;
		}
		if (sl->tag == tag && strcmp(nodes[sl->idx1 - 1].id, id) == 0) {
			return sl;
		}
		h = (h + 1) & m;
	}
}

static idslot *
id_slot(const maat_org_node *nodes, const idtable *t, const char *id)
{
	return id_slot_h(nodes, t, id, (uint32_t)hash_str(id));
}

/* org->index points at this: the strings plus the lazily built lookup tables. */
typedef struct org_index {
	arena strings;
	/* built on the first maat_org_find() */
	bool built;
	ntable by_id, by_email, by_name;
} org_index;

/* ---- the builder ---- */

struct maat_org_builder {
	/* the strings of every node */
	arena strings;
	/* every row added so far (maat_org_builder_finish merges duplicates in place) */
	maat_org_node *nodes;
	size_t n, cap;
	/* the hash of each row's id (parallel to nodes) */
	uint32_t *hash;
	/* id -> node, built by the merge */
	idtable ids;
	/* anomalies so far */
	maat_org_anomaly *anom;
	size_t nanom, capanom;
	/* counts so far */
	maat_org_counts counts;
	/* some id or manager id starts with '0' and is longer than one character: only then
	 * can two spellings differ in leading zeros */
	bool zero_led;
};

static void
add_anomaly(maat_org_builder *b, int kind, char *ids, char *detail, int64_t source_id, int64_t line)
{
	maat_org_anomaly *a;
	if (b->nanom == b->capanom) {
		b->capanom = b->capanom ? b->capanom * 2 : 64;
		b->anom = maat_xreallocarray(b->anom, b->capanom, sizeof(*b->anom));
	}
	a = &b->anom[b->nanom++];
	a->kind = kind;
	a->ids = ids;
	a->detail = detail;
	a->source_id = source_id;
	a->line = line;
}

bool
maat_org_is_top_marker(const char *m)
{
	if (m == NULL) {
		return true;
	}
	while (isspace((unsigned char)*m)) {
		m++;
	}
	if (*m == '\0') {
		return true;
	}
	size_t n = strlen(m);
	while (n > 0 && isspace((unsigned char)m[n - 1])) {
		n--;
	}
	if ((n == 2 && (m[0] == 'X' || m[0] == 'x') && (m[1] == 'X' || m[1] == 'x')) ||
	    (n == 2 && m[0] == '-' && m[1] == '1')) {
		return true;
	}
	/* "0", "00000000": an all-zero id */
	for (size_t i = 0; i < n; i++) {
		if (m[i] != '0') {
			return false;
		}
	}
	return true;
}

static bool
all_digits(const char *s)
{
	if (*s == '\0') {
		return false;
	}
	for (; *s; s++) {
		if (*s < '0' || *s > '9') {
			return false;
		}
	}
	return true;
}

char *
maat_org_normalise_id(const char *id)
{
	const char *p = id;
	if (id == NULL || id[0] != '0' || id[1] == '\0' || !all_digits(id)) {
		return NULL;
	}
	while (p[0] == '0' && p[1] != '\0') {
		p++;
	}
	return maat_xstrdup(p);
}

maat_org_builder *
maat_org_builder_new(void)
{
	return maat_xcalloc(1, sizeof(maat_org_builder));
}

void
maat_org_builder_reserve(maat_org_builder *b, size_t rows)
{
	if (rows > b->cap) {
		b->cap = rows;
		b->nodes = b->nodes == NULL
			       ? maat_xalloc_huge(b->cap, sizeof(*b->nodes))
			       : maat_xreallocarray(b->nodes, b->cap, sizeof(*b->nodes));
		b->hash = maat_xreallocarray(b->hash, b->cap, sizeof(*b->hash));
	}
}

void
maat_org_builder_free(maat_org_builder *b)
{
	if (b == NULL) {
		return;
	}
	for (size_t i = 0; i < b->nanom; i++) {
		free(b->anom[i].ids);
		free(b->anom[i].detail);
	}
	free(b->anom);
	free(b->nodes);
	free(b->hash);
	idtable_fini(&b->ids);
	arena_fini(&b->strings);
	free(b);
}

static void
fill_node(maat_org_builder *b, maat_org_node *nd, const maat_org_row *r, const char *manager)
{
	nd->manager_id = arena_strdup(&b->strings, manager);
	nd->name = r->name && *r->name ? arena_strdup(&b->strings, r->name) : NULL;
	nd->title = r->title && *r->title ? arena_strdup(&b->strings, r->title) : NULL;
	nd->unit = r->unit && *r->unit ? arena_strdup(&b->strings, r->unit) : NULL;
	nd->email = r->email && *r->email ? arena_strdup(&b->strings, r->email) : NULL;
	nd->grade = r->grade && *r->grade ? arena_strdup(&b->strings, r->grade) : NULL;
	nd->role = r->role && *r->role ? arena_strdup(&b->strings, r->role) : NULL;
	nd->fte = r->fte;
	nd->employment = r->employment;
	nd->fte_stated = r->employment == MAAT_EMP_UNKNOWN ? 0 : r->fte;
	nd->fte_external = r->employment == MAAT_EMP_EXTERNAL ? r->fte : 0;
	nd->aggregate = r->aggregate;
	nd->source_id = r->source_id;
	nd->line = r->line;
}

/* A root row: a top marker as manager, or a self-loop. */
static bool
is_root_row(const char *id, const char *manager)
{
	return manager == NULL || strcmp(manager, id) == 0;
}

void
maat_org_builder_add(maat_org_builder *b, const maat_org_row *r)
{
	maat_org_node *nd;

	if (r->id == NULL || r->id[0] == '\0') {
		return;
	}
	if (b->n == b->cap) {
		maat_org_builder_reserve(b, b->cap ? b->cap * 2 : 1024);
	}
	if (b->n >= UINT32_MAX - 1) {
		/* more than 4 billion rows: beyond any org chart */
		abort();
	}
	b->counts.rows++;
	nd = &b->nodes[b->n];
	memset(nd, 0, sizeof(*nd));
	nd->id = arena_strdup(&b->strings, r->id);
	nd->parent = -1;
	fill_node(b, nd, r, maat_org_is_top_marker(r->manager) ? NULL : r->manager);
	b->hash[b->n++] = (uint32_t)hash_str(nd->id);
	if ((nd->id[0] == '0' && nd->id[1] != '\0') ||
	    (nd->manager_id != NULL && nd->manager_id[0] == '0' && nd->manager_id[1] != '\0')) {
		b->zero_led = true;
	}
}

/* Merges rows with the same id, in row order (METRICS.md §1): the same manager is a job share
 * (FTE summed), another manager a conflict (the first row wins unless a later root row comes).
 * Compacts b->nodes in place and fills the id table. The table's slots are fetched a few rows
 * ahead: with a million ids nearly every probe is a cache miss otherwise. */
static void
merge_rows(maat_org_builder *b)
{
	enum { AHEAD = 12 };
	size_t k = 0, n = b->n, m;

	idtable_init(&b->ids, n);
	m = b->ids.cap - 1;
	for (size_t i = 0; i < n; i++) {
		maat_org_node row;
		maat_org_node *nd;
		idslot *slot;
		if (i + AHEAD < n) {
			__builtin_prefetch(&b->ids.slot[b->hash[i + AHEAD] & m], 1);
		}
		slot = id_slot_h(b->nodes, &b->ids, b->nodes[i].id, b->hash[i]);
		if (slot->idx1 == 0) {
			/* a new id: the row stays (a node is large; copy it only when it moves) */
			if (k != i) {
				b->nodes[k] = b->nodes[i];
			}
			slot->idx1 = (uint32_t)++k;
			b->ids.used++;
			continue;
		}
		row = b->nodes[i];
		nd = &b->nodes[slot->idx1 - 1];
		if (!(nd->flags & F_DUPLICATE)) {
			nd->flags |= F_DUPLICATE;
			b->counts.duplicate_ids++;
		}
		if ((nd->manager_id == NULL && row.manager_id == NULL) ||
		    (nd->manager_id != NULL && row.manager_id != NULL &&
		     strcmp(nd->manager_id, row.manager_id) == 0)) {
			/* a job share: one node, FTE summed */
			nd->fte += row.fte;
			nd->fte_stated += row.fte_stated;
			nd->fte_external += row.fte_external;
			if (nd->employment == MAAT_EMP_UNKNOWN) {
				nd->employment = row.employment;
			}
			b->counts.job_shares++;
			add_anomaly(
			    b, MAAT_ORG_A_JOB_SHARE, maat_xstrdup(row.id),
			    maat_xasprintf(_("same id and manager as line %lld; FTE summed to %g"),
					   (long long)nd->line, nd->fte),
			    row.source_id, row.line);
			continue;
		}
		b->counts.conflicts++;
		if (!is_root_row(nd->id, nd->manager_id) && is_root_row(row.id, row.manager_id)) {
			/* a top post is never lost: the root row replaces the earlier row */
			unsigned flags = nd->flags;
			add_anomaly(b, MAAT_ORG_A_CONFLICT, maat_xstrdup(row.id),
				    maat_xasprintf(
					_("manager '%s' (line %lld) dropped: the top post "
					  "on line %lld wins"),
					nd->manager_id, (long long)nd->line, (long long)row.line),
				    nd->source_id, nd->line);
			*nd = row;
			nd->flags = flags;
			continue;
		}
		add_anomaly(b, MAAT_ORG_A_CONFLICT, maat_xstrdup(row.id),
			    maat_xasprintf(
				_("manager '%s' dropped: line %lld with manager '%s' came first"),
				row.manager_id ? row.manager_id : "", (long long)nd->line,
				nd->manager_id ? nd->manager_id : ""),
			    row.source_id, row.line);
	}
	b->n = k;
}

/* Groups of all-digit ids (node ids and manager references) that differ only in leading zeros.
 * Only spellings with a leading zero can collide, so those are gathered first (usually none). */
static void
find_leading_zeros(maat_org_builder *b)
{
	typedef struct {
		/* canonical form (owned) and the first spelling seen (borrowed) */
		char *canon;
		const char *spelling;
		/* reported already */
		bool reported;
	} zentry;
	zentry *z = NULL;
	size_t nz = 0, capz = 0, cap = 0;
	size_t *slot = NULL;

	if (!b->zero_led) {
		/* no spelling with a leading zero: nothing to find (and no pass over the nodes) */
		return;
	}
	for (size_t i = 0; i < b->n; i++) {
		for (int k = 0; k < 2; k++) {
			const char *s = k == 0 ? b->nodes[i].id : b->nodes[i].manager_id;
			char *canon = s ? maat_org_normalise_id(s) : NULL;
			if (canon == NULL) {
				continue;
			}
			if (nz == capz) {
				capz = capz ? capz * 2 : 16;
				z = maat_xreallocarray(z, capz, sizeof(*z));
			}
			z[nz].canon = canon;
			z[nz].spelling = s;
			z[nz].reported = false;
			nz++;
		}
	}
	if (nz == 0) {
		return;
	}
	cap = 64;
	while (cap < nz * 2) {
		cap *= 2;
	}
	slot = maat_xreallocarray(NULL, cap, sizeof(size_t));
	memset(slot, 0xff, cap * sizeof(size_t));
	/* keep one entry per canonical form (the first spelling) */
	for (size_t i = 0; i < nz; i++) {
		size_t h = hash_str(z[i].canon) & (cap - 1);
		while (slot[h] != NONE && strcmp(z[slot[h]].canon, z[i].canon) != 0) {
			h = (h + 1) & (cap - 1);
		}
		if (slot[h] == NONE) {
			slot[h] = i;
		}
	}
	/* every all-digit spelling whose canonical form is in the table and differs from the
	 * first spelling makes the group an anomaly (reported once, at its first clash) */
	for (size_t i = 0; i < b->n; i++) {
		for (int k = 0; k < 2; k++) {
			const char *s = k == 0 ? b->nodes[i].id : b->nodes[i].manager_id;
			const char *c;
			size_t h;
			zentry *e;
			if (s == NULL || !all_digits(s)) {
				continue;
			}
			c = s;
			while (c[0] == '0' && c[1] != '\0') {
				c++;
			}
			h = hash_str(c) & (cap - 1);
			while (slot[h] != NONE && strcmp(z[slot[h]].canon, c) != 0) {
				h = (h + 1) & (cap - 1);
			}
			if (slot[h] == NONE) {
				continue;
			}
			e = &z[slot[h]];
			if (e->reported || strcmp(e->spelling, s) == 0) {
				continue;
			}
			e->reported = true;
			b->counts.leading_zero_ids++;
			add_anomaly(b, MAAT_ORG_A_LEADING_ZEROS,
				    maat_xasprintf("%s / %s", e->spelling, s),
				    maat_xasprintf(_("ids '%s' and '%s' differ only in leading "
						     "zeros (not joined; use --normalise-ids)"),
						   e->spelling, s),
				    b->nodes[i].source_id, b->nodes[i].line);
		}
	}
	for (size_t i = 0; i < nz; i++) {
		free(z[i].canon);
	}
	free(z);
	free(slot);
}

/* Marks cycles among the nodes BFS did not reach: every such node has a parent, so following
 * parents ends in a cycle. state: 0 unseen, 1 on the current path, 2 done. */
static void
find_cycles(maat_org_builder *b, maat_org *org, unsigned char *state)
{
	size_t *path = NULL, npath = 0, cappath = 0;
	maat_buf ids = {0};

	for (size_t i = 0; i < org->n; i++) {
		size_t cur = i;
		if (org->nodes[i].layer != 0 || state[i] != 0) {
			continue;
		}
		npath = 0;
		while (state[cur] == 0) {
			if (npath == cappath) {
				cappath = cappath ? cappath * 2 : 64;
				path = maat_xreallocarray(path, cappath, sizeof(size_t));
			}
			path[npath++] = cur;
			state[cur] = 1;
			cur = (size_t)org->nodes[cur].parent;
		}
		if (state[cur] == 1) {
			/* a new cycle: the path from cur onwards */
			size_t start = 0, len, first;
			while (path[start] != cur) {
				start++;
			}
			len = npath - start;
			maat_buf_reset(&ids);
			/* list the cycle from its first node in import order */
			first = start;
			for (size_t k = start; k < npath; k++) {
				if (path[k] < path[first]) {
					first = k;
				}
			}
			for (size_t k = 0; k < len; k++) {
				size_t idx = path[start + (first - start + k) % len];
				org->nodes[idx].flags |= MAAT_ORG_F_CYCLE;
				maat_buf_printf(&ids, "%s%s", k ? " > " : "", org->nodes[idx].id);
			}
			b->counts.cycles++;
			b->counts.cycle_nodes += len;
			add_anomaly(b, MAAT_ORG_A_CYCLE, maat_xstrdup(ids.data),
				    maat_xasprintf(_("cycle of %zu: these rows report to each "
						     "other in a circle and get no layer"),
						   len),
				    org->nodes[path[first]].source_id,
				    org->nodes[path[first]].line);
		}
		for (size_t k = 0; k < npath; k++) {
			state[path[k]] = 2;
		}
	}
	for (size_t i = 0; i < org->n; i++) {
		maat_org_node *nd = &org->nodes[i];
		if (nd->layer == 0 && !(nd->flags & MAAT_ORG_F_CYCLE)) {
			nd->flags |= MAAT_ORG_F_BELOW_CYCLE;
			b->counts.below_cycle++;
			add_anomaly(b, MAAT_ORG_A_BELOW_CYCLE, maat_xstrdup(nd->id),
				    maat_xasprintf(_("reports into a cycle (via '%s'): no layer"),
						   nd->manager_id),
				    nd->source_id, nd->line);
		}
	}
	maat_buf_fini(&ids);
	free(path);
}

maat_org *
maat_org_builder_finish(maat_org_builder *b, const char *as_of)
{
	maat_org *org = maat_xcalloc(1, sizeof(*org));
	org_index *ix = maat_xcalloc(1, sizeof(*ix));
	unsigned char *state = NULL;
	size_t head = 0;

	merge_rows(b);
	find_leading_zeros(b);
	org->nodes = b->nodes;
	org->n = b->n;
	b->nodes = NULL;

	/* parents, and the number of children of each (child_off[p + 1]); exports list a
	 * manager's reports together, so the previous row's answer is tried first */
	org->child_off = maat_xalloc_huge(org->n + 1, sizeof(size_t));
	memset(org->child_off, 0, (org->n + 1) * sizeof(size_t));
	/* the parents again, compact: the pass that fills child[] need not read the nodes */
	ssize_t *par = maat_xalloc_huge(org->n ? org->n : 1, sizeof(ssize_t));
	const char *prev_mgr = NULL;
	size_t prev_k = NONE;
	for (size_t i = 0; i < org->n; i++) {
		maat_org_node *nd = &org->nodes[i];
		if (i + 12 < org->n && org->nodes[i + 12].manager_id != NULL) {
			uint32_t tag = (uint32_t)hash_str(org->nodes[i + 12].manager_id);
			__builtin_prefetch(&b->ids.slot[tag & (b->ids.cap - 1)]);
		}
		nd->flags &= ~F_DUPLICATE;
		nd->layer = 0;
		nd->parent = -1;
		if (nd->manager_id == NULL) {
			nd->flags |= MAAT_ORG_F_ROOT;
			b->counts.roots++;
		} else if (strcmp(nd->manager_id, nd->id) == 0) {
			nd->flags |= MAAT_ORG_F_ROOT | MAAT_ORG_F_SELF_LOOP;
			b->counts.roots++;
			b->counts.self_loops++;
			add_anomaly(b, MAAT_ORG_A_SELF_LOOP, maat_xstrdup(nd->id),
				    maat_xstrdup(_("reports to itself: counted as a root")),
				    nd->source_id, nd->line);
		} else {
			size_t k;
			if (prev_mgr != NULL && strcmp(prev_mgr, nd->manager_id) == 0) {
				k = prev_k;
			} else {
				idslot *sl = id_slot(org->nodes, &b->ids, nd->manager_id);
				k = sl->idx1 == 0 ? NONE : sl->idx1 - 1;
				prev_mgr = nd->manager_id;
				prev_k = k;
			}
			if (k == NONE) {
				nd->flags |= MAAT_ORG_F_ORPHAN;
				b->counts.orphans++;
				add_anomaly(b, MAAT_ORG_A_ORPHAN, maat_xstrdup(nd->id),
					    maat_xasprintf(_("manager '%s' is not in the chart: "
							     "placed at layer 1"),
							   nd->manager_id),
					    nd->source_id, nd->line);
			} else {
				nd->parent = (ssize_t)k;
				org->child_off[k + 1]++;
			}
		}
		par[i] = nd->parent;
	}
	idtable_fini(&b->ids);

	/* children, as offsets into one array; in the same pass every node without a parent
	 * starts the breadth-first walk at layer 1 */
	org->child = maat_xalloc_huge(org->n ? org->n : 1, sizeof(size_t));
	org->order = maat_xalloc_huge(org->n ? org->n : 1, sizeof(size_t));
	org->norder = 0;
	for (size_t i = 0; i < org->n; i++) {
		org->child_off[i + 1] += org->child_off[i];
	}
	{
		size_t *fill = maat_xalloc_huge(org->n ? org->n : 1, sizeof(size_t));
		memcpy(fill, org->child_off, org->n * sizeof(size_t));
		for (size_t i = 0; i < org->n; i++) {
			ssize_t p = par[i];
			if (p >= 0) {
				org->child[fill[p]++] = i;
			} else {
				org->nodes[i].layer = 1;
				org->order[org->norder++] = i;
			}
		}
		free(fill);
		free(par);
	}

	/* layers, breadth first from every node at layer 1 */
	for (head = 0; head < org->norder; head++) {
		size_t p = org->order[head];
		for (size_t k = org->child_off[p]; k < org->child_off[p + 1]; k++) {
			size_t c = org->child[k];
			org->nodes[c].layer = org->nodes[p].layer + 1;
			org->order[org->norder++] = c;
		}
	}
	if (org->norder < org->n) {
		state = maat_xcalloc(org->n, 1);
		find_cycles(b, org, state);
		free(state);
	}

	org->as_of = maat_xstrdup(as_of ? as_of : "");
	org->anomalies = b->anom;
	org->nanomalies = b->nanom;
	org->counts = b->counts;
	b->anom = NULL;
	b->nanom = 0;
	/* the strings move to the org (freed by maat_org_free with the lookup tables) */
	ix->strings = b->strings;
	b->strings.head = NULL;
	org->index = ix;
	maat_org_builder_free(b);
	return org;
}

/* ---- lookups ---- */

static const char *
key_of(const maat_org_node *nd, int which)
{
	return which == 0 ? nd->id : which == 1 ? nd->email : nd->name;
}

static void
build_index(const maat_org *org, org_index *ix)
{
	ntable *tabs[3] = {&ix->by_id, &ix->by_email, &ix->by_name};
	for (int w = 0; w < 3; w++) {
		ntable *t = tabs[w];
		ntable_init(t, org->n);
		for (size_t i = 0; i < org->n; i++) {
			const char *k = key_of(&org->nodes[i], w);
			size_t m = t->cap - 1, h;
			if (k == NULL || *k == '\0') {
				continue;
			}
			h = hash_str_ci(k) & m;
			while (t->slot[h] != NONE &&
			       maat_strcasecmp0(key_of(&org->nodes[t->slot[h]], w), k) != 0) {
				h = (h + 1) & m;
			}
			if (t->slot[h] == NONE) {
				t->slot[h] = i;
			}
		}
	}
	ix->built = true;
}

ssize_t
maat_org_find(const maat_org *org, const char *key)
{
	org_index *ix;
	ntable *tabs[3];
	char *k;
	ssize_t found = -1;

	if (org == NULL || key == NULL || org->index == NULL) {
		return -1;
	}
	ix = org->index;
	if (!ix->built) {
		build_index(org, ix);
	}
	tabs[0] = &ix->by_id;
	tabs[1] = &ix->by_email;
	tabs[2] = &ix->by_name;
	k = maat_trim(maat_xstrdup(key));
	if (*k == '\0') {
		free(k);
		return -1;
	}
	for (int w = 0; w < 3 && found < 0; w++) {
		ntable *t = tabs[w];
		if (w == 1) {
			/* "0042" for a post stored as "42" (--normalise-ids) */
			char *canon = maat_org_normalise_id(k);
			if (canon != NULL) {
				size_t m = t->cap - 1, h;
				ntable *ti = tabs[0];
				m = ti->cap - 1;
				h = hash_str_ci(canon) & m;
				while (ti->slot[h] != NONE) {
					if (strcmp(org->nodes[ti->slot[h]].id, canon) == 0) {
						found = (ssize_t)ti->slot[h];
						break;
					}
					h = (h + 1) & m;
				}
				free(canon);
				if (found >= 0) {
					break;
				}
			}
		}
		size_t m = t->cap - 1, h = hash_str_ci(k) & m;
		while (t->slot[h] != NONE) {
			if (maat_strcasecmp0(key_of(&org->nodes[t->slot[h]], w), k) == 0) {
				found = (ssize_t)t->slot[h];
				break;
			}
			h = (h + 1) & m;
		}
	}
	free(k);
	return found;
}

bool
maat_org_is_ancestor(const maat_org *org, size_t anc, size_t node)
{
	ssize_t cur;
	size_t steps = 0;

	if (org == NULL || anc >= org->n || node >= org->n || anc == node) {
		return false;
	}
	cur = org->nodes[node].parent;
	/* bounded by the number of nodes, so a cycle cannot loop forever */
	while (cur >= 0 && steps++ < org->n) {
		if ((size_t)cur == anc) {
			return true;
		}
		if (org->nodes[anc].layer > 0 && org->nodes[cur].layer > 0 &&
		    org->nodes[cur].layer <= org->nodes[anc].layer) {
			return false;
		}
		cur = org->nodes[cur].parent;
	}
	return false;
}

void
maat_org_free(maat_org *org)
{
	if (org == NULL) {
		return;
	}
	if (org->index != NULL) {
		org_index *ix = org->index;
		arena_fini(&ix->strings);
		if (ix->built) {
			ntable_fini(&ix->by_id);
			ntable_fini(&ix->by_email);
			ntable_fini(&ix->by_name);
		}
		free(ix);
	}
	for (size_t i = 0; i < org->nanomalies; i++) {
		free(org->anomalies[i].ids);
		free(org->anomalies[i].detail);
	}
	free(org->anomalies);
	free(org->nodes);
	free(org->order);
	free(org->child_off);
	free(org->child);
	free(org->as_of);
	free(org);
}

/* Untranslated (they are JSON values too); marked so the catalogue has them for display. */
const char *
maat_org_anomaly_name(int kind)
{
	switch (kind) {
	case MAAT_ORG_A_SELF_LOOP:
		return N_("self-loop");
	case MAAT_ORG_A_ORPHAN:
		return N_("orphan");
	case MAAT_ORG_A_JOB_SHARE:
		return N_("job share");
	case MAAT_ORG_A_CONFLICT:
		return N_("conflict");
	case MAAT_ORG_A_CYCLE:
		return N_("cycle");
	case MAAT_ORG_A_BELOW_CYCLE:
		return N_("below a cycle");
	case MAAT_ORG_A_LEADING_ZEROS:
		return N_("leading zeros");
	default:
		return "?";
	}
}

/* ---- loading from the store ---- */

int
maat_org_snapshot(maat_db *db, const char *as_of, char **out, maat_err *err)
{
	sqlite3_stmt *st;
	int rc;

	*out = NULL;
	if (as_of == NULL) {
		st = maat_db_stmt(db, "SELECT max(as_of) FROM org_imports", err);
	} else {
		st = maat_db_stmt(db, "SELECT max(as_of) FROM org_imports WHERE as_of <= ?1", err);
	}
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	if (as_of != NULL) {
		sqlite3_bind_text(st, 1, as_of, -1, SQLITE_STATIC);
	}
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		return maat_db_fail(db, err, _("looking up org snapshots"));
	}
	if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
		sqlite3_reset(st);
		return 1;
	}
	*out = maat_xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_reset(st);
	return 0;
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

/* The row ranges of a snapshot's sources, in import order: pairs (first, last) of rowids.
 * Returns a new array of 3 * n values (source, first, last); caller frees. */
static int
snapshot_sources(maat_db *db, const char *snap, int64_t **out, size_t *n, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(db,
					"SELECT source_id, first_row, last_row FROM org_imports"
					" WHERE as_of = ?1"
					/* the senior posts before the junior rows under them,
					 * whatever order the files came in */
					" ORDER BY format = 'organogram-junior', source_id",
					err);
	int64_t *v = NULL;
	size_t nv = 0;
	int rc;
	*out = NULL;
	*n = 0;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_text(st, 1, snap, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = maat_xreallocarray(v, 3 * (nv + 1), sizeof(*v));
		for (int k = 0; k < 3; k++) {
			v[3 * nv + (size_t)k] = sqlite3_column_int64(st, k);
		}
		nv++;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		free(v);
		return maat_db_fail(db, err, _("reading org snapshots"));
	}
	*out = v;
	*n = nv;
	return 0;
}

/* Adds the rows of one source, in file order (a rowid range: no index, no sort). Without text
 * only the columns the figures need are read: every column fetched costs about 5% of a load. */
static int
add_source_rows(maat_db *db, const int64_t *range, bool text, maat_org_builder *b, maat_err *err)
{
	/* fte, employment (-1 for NULL: MAAT_EMP_UNKNOWN) and aggregate come first, so both
	 * statements share the column numbers of the figures */
	sqlite3_stmt *st =
	    maat_db_stmt(db,
			 text ? "SELECT line, id, manager, fte, ifnull(employment, -1), aggregate,"
				" name, title, unit, email, grade, role FROM org_rows"
				" WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid"
			      : "SELECT line, id, manager, fte, ifnull(employment, -1), aggregate"
				" FROM org_rows WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid",
			 err);
	int rc;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, range[1]);
	sqlite3_bind_int64(st, 2, range[2]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		maat_org_row r = {
		    .source_id = range[0],
		    .line = sqlite3_column_int64(st, 0),
		    .id = col_text(st, 1),
		    .manager = col_text(st, 2),
		    .fte = sqlite3_column_double(st, 3),
		    .employment = sqlite3_column_int(st, 4),
		    .aggregate = sqlite3_column_int(st, 5) != 0,
		};
		if (text) {
			r.name = col_text(st, 6);
			r.title = col_text(st, 7);
			r.unit = col_text(st, 8);
			r.email = col_text(st, 9);
			r.grade = col_text(st, 10);
			r.role = col_text(st, 11);
		}
		maat_org_builder_add(b, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : maat_db_fail(db, err, _("reading the org chart"));
}

int
maat_org_load(maat_db *db, const char *as_of, maat_org **out, maat_err *err)
{
	return maat_org_load_flags(db, as_of, 0, out, err);
}

int
maat_org_load_flags(maat_db *db, const char *as_of, unsigned flags, maat_org **out, maat_err *err)
{
	char *snap = NULL;
	int rc;

	*out = NULL;
	if ((rc = maat_org_snapshot(db, as_of, &snap, err)) != 0) {
		return rc;
	}
	rc = maat_org_load_snapshot(db, snap, flags, out, err);
	free(snap);
	return rc;
}

int
maat_org_load_snapshot(maat_db *db, const char *snap, unsigned flags, maat_org **out, maat_err *err)
{
	maat_org_builder *b = NULL;
	int64_t *sources = NULL;
	size_t nsources = 0;
	int rc;

	*out = NULL;
	if (snap == NULL) {
		return 1;
	}
	if ((rc = snapshot_sources(db, snap, &sources, &nsources, err)) < 0) {
		return rc;
	}
	if (nsources == 0) {
		free(sources);
		return 1;
	}
	b = maat_org_builder_new();
	{
		/* the row counts of the sources size the tables once */
		sqlite3_stmt *st =
		    maat_db_stmt(db,
				 "SELECT sum(s.rows_read) FROM sources s JOIN org_imports i"
				 " ON i.source_id = s.id WHERE i.as_of = ?1",
				 NULL);
		if (st != NULL) {
			sqlite3_bind_text(st, 1, snap, -1, SQLITE_STATIC);
			if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0) {
				maat_org_builder_reserve(b, (size_t)sqlite3_column_int64(st, 0));
			}
			sqlite3_reset(st);
		}
	}
	for (size_t i = 0; i < nsources && rc == 0; i++) {
		rc =
		    add_source_rows(db, &sources[3 * i], !(flags & MAAT_ORG_LOAD_IDS_ONLY), b, err);
	}
	free(sources);
	if (rc < 0) {
		maat_org_builder_free(b);
		return rc;
	}
	*out = maat_org_builder_finish(b, snap);
	return 0;
}

/* ---- the list of snapshots ---- */

int
maat_org_snapshots_list(maat_db *db, maat_org_snapshots *out, maat_err *err)
{
	sqlite3_stmt *st =
	    maat_db_stmt(db, "SELECT DISTINCT as_of FROM org_imports ORDER BY as_of", err);
	int rc;

	out->dates = NULL;
	out->n = 0;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->dates = maat_xreallocarray(out->dates, out->n + 1, sizeof(char *));
		out->dates[out->n++] = maat_xstrdup((const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		maat_org_snapshots_fini(out);
		return maat_db_fail(db, err, _("looking up org snapshots"));
	}
	return 0;
}

void
maat_org_snapshots_fini(maat_org_snapshots *s)
{
	if (s == NULL) {
		return;
	}
	for (size_t i = 0; i < s->n; i++) {
		free(s->dates[i]);
	}
	free(s->dates);
	s->dates = NULL;
	s->n = 0;
}

/* the number of dates in s that are on or before date (the first 10 characters of it) */
static size_t
count_on_or_before(const maat_org_snapshots *s, const char *date)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strncmp(s->dates[mid], date, 10) <= 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return lo;
}

ssize_t
maat_org_snapshots_as_of(const maat_org_snapshots *s, const char *date)
{
	size_t k;
	if (s == NULL || s->n == 0) {
		return -1;
	}
	if (date == NULL) {
		return (ssize_t)s->n - 1;
	}
	k = count_on_or_before(s, date);
	return k == 0 ? -1 : (ssize_t)k - 1;
}

ssize_t
maat_org_snapshots_in_force(const maat_org_snapshots *s, const char *date)
{
	ssize_t k;
	if (s == NULL || s->n == 0) {
		return -1;
	}
	k = maat_org_snapshots_as_of(s, date);
	return k < 0 ? 0 : k;
}

int
maat_org_snapshot_in_force(maat_db *db, const char *date, char **out, maat_err *err)
{
	maat_org_snapshots s = {0};
	ssize_t k;
	int rc;

	*out = NULL;
	if ((rc = maat_org_snapshots_list(db, &s, err)) < 0) {
		return rc;
	}
	k = maat_org_snapshots_in_force(&s, date);
	if (k >= 0) {
		*out = maat_xstrdup(s.dates[k]);
	}
	maat_org_snapshots_fini(&s);
	return k >= 0 ? 0 : 1;
}
