/* Meeting hours per person and ISO week against the meeting cap (METRICS.md §2), computed from
 * the instances the calendar importer stored. Each human table comes as a maat_table, so the
 * text output and the xlsx workbook show the same figures. */
#ifndef MAAT_MEETINGS_H
#define MAAT_MEETINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/table.h"

/* Participants with 9 or more attendees make a "large" meeting; over 1 hour is "long". */
#define MAAT_MEETINGS_LARGE 9
#define MAAT_MEETINGS_LONG_SECS 3600

/* Who a participant key is: fills the canonical person (e-mail or id; NULL = the key
 * itself), FTE and unit (NULL = unknown). Returns true when the key is known (org chart). */
typedef bool (*maat_meetings_person_fn)(void *ctx, const char *key, const char **person,
					double *fte, const char **unit);

/* The people of one org-chart snapshot as the meeting joins see them (issue 18): every row is a
 * person, job sharers too (one post id, each sharer with their own name, e-mail and FTE). A
 * participant key is matched on e-mail, then id, then name (case-insensitive, trimmed); a key
 * that several people share (two "Bert Mid"s, a job-share post id) joins nobody: it stays
 * unknown and is listed. */
typedef struct maat_meetings_people maat_meetings_people;

/* Loads the rows of snapshot (a date as maat_org_snapshot() gives it; "" = undated). Returns 0
 * and *out (free with maat_meetings_people_free), 1 when no org chart was imported (*out = NULL),
 * negative with err set. */
int maat_meetings_people_load(maat_db *db, const char *snapshot, maat_meetings_people **out,
			      maat_err *err);

/* NULL-safe. */
void maat_meetings_people_free(maat_meetings_people *p);

/* Everything the meeting joins need from the org chart, loaded once: without as_of, every
 * snapshot (each week meets the one in force on its Monday), the latest naming people; with
 * as_of, the snapshot on or before it for every week. */
typedef struct maat_meetings_joins maat_meetings_joins;

/* Returns 0 and *out (free with maat_meetings_joins_free), 1 when no org chart was imported,
 * 2 when as_of is before every snapshot (*out = NULL in both), negative with err set. */
int maat_meetings_joins_load(maat_db *db, const char *as_of, maat_meetings_joins **out,
			     maat_err *err);

/* NULL-safe. */
void maat_meetings_joins_free(maat_meetings_joins *j);

struct maat_meetings_opts;

/* Points o's people, snapshot and per-week snapshots at j (which must outlive o's use).
 * NULL-safe (then nothing changes). */
void maat_meetings_joins_apply(const maat_meetings_joins *j, struct maat_meetings_opts *o);

typedef struct maat_meetings_opts {
	/* cap per full-time week in hours (default 12) */
	double cap_hours;
	/* the window [from, to) in unix seconds UTC; has_window false = the span of the data */
	bool has_window;
	int64_t from;
	int64_t to;
	/* the organisation's IANA zone for ISO weeks (NULL = Europe/Amsterdam) */
	const char *tz;
	/* a meeting needs at least this many attending participants (default 2) */
	int min_participants;
	/* longer instances are not meetings (default 8); 0 = no limit */
	double max_meeting_hours;
	/* TENTATIVE / NEEDS-ACTION do not attend */
	bool exclude_tentative;
	bool exclude_no_reply;
	/* units with fewer people are suppressed (default 5) */
	int min_group;
	/* rows per person (person-weeks, persons, JSON rows) are given only when set, and never
	 * for a unit under min_group (METRICS.md §4); the figures are the same either way */
	bool per_person;
	/* rows in the series table (default 20) */
	int top_series;
	/* org chart lookup; NULL = every person FTE 1.0, unit unknown */
	maat_meetings_person_fn person;
	void *person_ctx;
	/* the people directory (wins over person when set); borrowed */
	const maat_meetings_people *people;
	/* the snapshot date the joins used (shown in output); borrowed, may be NULL */
	const char *snapshot;
	/* every snapshot (dates oldest first, and their directories): each person-week takes
	 * FTE and unit from the one in force on its Monday (the latest on or before it, else the
	 * earliest); nsnaps 0 = people for every week. Borrowed. */
	const char *const *snap_dates;
	const maat_meetings_people *const *snap_people;
	size_t nsnaps;
} maat_meetings_opts;

/* Fills o with the defaults of METRICS.md §2. */
void maat_meetings_opts_init(maat_meetings_opts *o);

typedef struct maat_meetings maat_meetings;

/* Computes every figure. Returns a new result (free with maat_meetings_free) or NULL with err
 * set (MAAT_E_USAGE for an unknown zone). */
maat_meetings *maat_meetings_compute(maat_db *db, const maat_meetings_opts *o, maat_err *err);

/* NULL-safe. */
void maat_meetings_free(maat_meetings *m);

/* Where the window came from. */
enum maat_window_origin {
	/* --from/--to */
	MAAT_WINDOW_EXPLICIT = 0,
	/* the first meeting's week to the last full week before the newest export */
	MAAT_WINDOW_EXPORT,
	/* the span of the data (a store without export times) */
	MAAT_WINDOW_DATA,
};

/* Key figures. */
typedef struct maat_meetings_summary {
	/* enum maat_window_origin; window_capped: cut to 2 years */
	int window_origin;
	bool window_capped;
	/* the newest export: its time (unix UTC), whether that is its newest DTSTAMP (else the
	 * import time), and its file */
	bool has_export;
	int64_t exported;
	bool exported_by_dtstamp;
	char export_path[256];
	/* exports whose series were expanded in a window the analysis reaches beyond: how many,
	 * the first one's file and its expansion window (INT64_MIN/MAX = not cut) */
	size_t short_expansions;
	char short_path[256];
	int64_t short_from, short_to;
	/* copies of an instance replaced by a newer version (SEQUENCE, DTSTAMP) of it */
	size_t superseded;
	/* the join with the org chart: distinct participant keys of counted meetings, how many
	 * matched a person, how many were ambiguous (shared by several people: joined nobody;
	 * the first few listed in ambiguous_keys, "; "-separated), people with FTE 0 (cap 0) */
	bool joined;
	size_t keys, keys_matched, keys_ambiguous;
	char ambiguous_keys[512];
	size_t fte_zero;
	/* the window actually used: [from, to) unix UTC, and as inclusive local dates */
	int64_t from;
	int64_t to;
	char from_date[16];
	char to_date[16];
	/* people with at least one meeting in the window */
	size_t persons;
	/* person-weeks with meetings, and those over the cap */
	size_t person_weeks;
	size_t over_cap_person_weeks;
	/* people with at least one week over the cap */
	size_t people_over_cap;
	/* meeting instances counted (after duplicates across exports are removed) */
	size_t meetings;
	/* copies dropped as duplicates (same UID and start) */
	size_t duplicates;
	/* person-hours in meetings (booked) */
	double person_hours;
	/* shares of meetings (and of person-hours) that are large / long; NaN when none */
	double large_share;
	double large_hours_share;
	double long_share;
	double long_hours_share;
	/* units suppressed for having fewer than min_group people */
	size_t units_suppressed;
} maat_meetings_summary;

/* The key figures. Borrowed; valid until maat_meetings_free. */
const maat_meetings_summary *maat_meetings_get_summary(const maat_meetings *m);

/* Tables (new; caller frees with maat_table_free); person-weeks and persons hold only the people
 * opts.per_person allows (none without it):
 * person-weeks: person, unit, week ("2026-W05"), hours, booked, double_booked, cap, over_cap;
 * persons: person, unit, fte, cap, weeks, weeks_over_cap, hours, mean_hours, max_hours,
 *   double_booked;
 * units (min_group applied): unit, persons, person_weeks, over_cap_person_weeks,
 *   over_cap_share, mean_hours;
 * series: uid, summary, instances, person_hours, mean_attendees (recurring: >= 2 instances);
 * summary: one row of key figures. */
maat_table *maat_meetings_person_weeks_table(const maat_meetings *m);
/* The person-weeks table of every person, whatever per_person and min_group say: for
 * aggregates computed from it (weekly means), never to be shown as it is. */
maat_table *maat_meetings_person_weeks_all_table(const maat_meetings *m);
maat_table *maat_meetings_persons_table(const maat_meetings *m);
maat_table *maat_meetings_units_table(const maat_meetings *m);
maat_table *maat_meetings_series_table(const maat_meetings *m);
maat_table *maat_meetings_summary_table(const maat_meetings *m);

/* The `meetings --json` object of CLI.md (cap_hours, timezone, from, to, persons, person_weeks,
 * over_cap_person_weeks, people_over_cap, rows[...]) plus units, series and shares.
 * New reference; caller decrefs. */
json_t *maat_meetings_json(const maat_meetings *m);

/* Writes the same object as maat_json_print(maat_meetings_json(m)) would, byte for byte, but
 * builds one row at a time: memory stays flat whatever the number of person-weeks. Returns 0,
 * or -1 when writing failed. */
int maat_meetings_json_write(const maat_meetings *m, FILE *out);

#endif
