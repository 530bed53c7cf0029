/* The case log as one log over every imported case source (METRICS.md §3): the merge of the
 * copies of an event that several sources hold, shared by handovers and terms so that both
 * count an event the same way. */
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
