/* The case log as one log over every imported case source (METRICS.md §3), shared by the
 * analyses that read case_events (internal to analyzer/). */
#ifndef MAAT_CASELOG_H
#define MAAT_CASELOG_H

#include <stddef.h>
#include <stdint.h>

#include "maatlat/db.h"
#include "maatlat/err.h"

/* One stored event of the (case, instant) being gathered. */
typedef struct maat_caselog_ev {
	/* canonical activity, resource (-1 none), lifecycle (-1 none): equal names are one */
	int64_t act, res, lc;
	/* the case_names ids of the activity and the resource (0 none) as stored */
	int64_t aid, rid;
	/* the source's rank (maat_caselog_source_ranks) */
	uint32_t src;
	/* scratch of maat_caselog_merge */
	uint32_t key;
} maat_caselog_ev;

/* Receives one event of the merged log. */
typedef void (*maat_caselog_emit_fn)(void *ctx, int64_t t, const maat_caselog_ev *e);

/* Merges the n events of one case at one instant t, in (source, file order) order, into one
 * log and hands each kept event to emit, in order: copies repeated inside one source all count,
 * an event held by several sources counts as often as the source holding most copies of it.
 * within/across (may be NULL) grow by the copies kept inside a source and dropped across
 * sources. Cannot fail; g's key fields are overwritten. */
void maat_caselog_merge(maat_caselog_ev *g, size_t n, int64_t t, maat_caselog_emit_fn emit,
			void *ctx, int64_t *within, int64_t *across);

/* The key under which a case_names row of kind `kind` is compared: a resource is one person
 * however the files case the name (casefolded), other kinds compare exactly. Caller frees. */
char *maat_caselog_name_key(const char *kind, const char *name);

/* Ranks the case sources by sha256 (then id): *rank (caller frees, maxsrc + 1 entries, 0 for
 * sources that hold no cases) so that no import order decides a tie. -MAAT_E_* on failure. */
int maat_caselog_source_ranks(maat_db *db, uint32_t **rank, int64_t *maxsrc, maat_err *err);

#endif
