/* Retention (METRICS.md §4): `prune --before DATE` drops what is older than a retention period. */
#ifndef MAAT_PRUNE_H
#define MAAT_PRUNE_H

#include <stdint.h>

#include "maatlat/db.h"
#include "maatlat/err.h"

/* What a prune removed. */
typedef struct maat_prune_counts {
	/* case events before the cutoff, and the cases left with no event */
	int64_t case_events;
	int64_t cases;
	/* meeting instances starting before the cutoff */
	int64_t meeting_instances;
	/* org-chart files of snapshots superseded before the date (their as_of is before that of
	 * the snapshot in force on the date), and their rows */
	int64_t org_sources;
	int64_t org_rows;
} maat_prune_counts;

/* Removes every case event with a time before cutoff (unix seconds UTC), every meeting instance
 * starting before it, and every org snapshot superseded before date ("yyyy-mm-dd": a snapshot
 * whose as_of is before the latest as_of on or before date; the snapshot in force on date and
 * undated ones stay); then whatever only they used (cases without events, names, participant
 * lists, series). Records the prune as a source of kind "prune" (path "prune --before DATE",
 * the counts in its options) and a message on each source that lost rows, so `sources` shows
 * it. One transaction; then the store is vacuumed and its WAL truncated. counts (optional)
 * receives what was removed. Returns 0 or negative with err set. */
int maat_prune(maat_db *db, const char *date, int64_t cutoff, maat_prune_counts *counts,
	       maat_err *err);

#endif
