/* The case log as one log over every imported case source (METRICS.md §3), shared by the
 * analyses that read case_events (internal to analyzer/). */
#ifndef MAAT_CASELOG_H
#define MAAT_CASELOG_H

#include <stdbool.h>
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

/* The scan of every stored case event in (case, time, source, file order) order, for the
 * analyses (handovers, terms). SQLite stepping the rows is most of an analysis' time, so the
 * rows are read on a thread of their own and handed over in batches to the caller's thread,
 * which analyses them meanwhile. */
#define MAAT_CASELOG_BATCH 4096

/* One stored event: its case, its instant (unix ms) and its case_names ids (0: none). */
typedef struct maat_caselog_row {
	int64_t case_no, t;
	int64_t aid, rid, lid;
	/* the source id */
	int64_t src;
} maat_caselog_row;

/* The case row of the first event of a case (only when the scan reads cases). */
typedef struct maat_caselog_case {
	int64_t case_no;
	/* the case key and type as offsets into the batch's text (SIZE_MAX: NULL) */
	size_t key, type;
	/* the cases table holds the case; when false, key and type are SIZE_MAX */
	bool found;
} maat_caselog_case;

/* A batch of rows in order. When the scan reads cases, each row that starts a case (its case
 * differs from the row before it, across batches) has a case record, in the same order. */
typedef struct maat_caselog_batch {
	maat_caselog_row rows[MAAT_CASELOG_BATCH];
	size_t n;
	maat_caselog_case cases[MAAT_CASELOG_BATCH];
	size_t ncases;
	/* the case keys and types, NUL-terminated */
	char *text;
	size_t used, cap;
} maat_caselog_batch;

/* Receives one batch, borrowed until it returns; returns 0, or negative (err set) to stop. */
typedef int (*maat_caselog_batch_fn)(void *ctx, const maat_caselog_batch *b, maat_err *err);

/* Reads every case event of the store and hands the rows to fn in batches, in order; with
 * cases, each case's key and type (the first in name order of those its sources give) come
 * along. fn runs on the calling thread while another thread steps the store's statements, so
 * fn must not touch db: the connection is the caller's again when this returns. Returns 0, fn's
 * failure, or -MAAT_E_* with err set (a store error, or events out of order). */
int maat_caselog_scan(maat_db *db, bool with_cases, maat_caselog_batch_fn fn, void *ctx,
		      maat_err *err);

/* The text at off in b (NULL for SIZE_MAX); borrowed like b. */
const char *maat_caselog_text(const maat_caselog_batch *b, size_t off);

#endif
