/* Trends and role mix (METRICS.md §6): the org figures per snapshot, the case figures per month
 * of case start, the meeting figures per month, each with the change since the previous period;
 * FTE shares per role per unit and layer, and the "never cut on public service" flag. */
#ifndef MAAT_TREND_H
#define MAAT_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/table.h"

/* The role mix shows no shares of a unit or layer with fewer people (METRICS.md §4). */
#define MAAT_TREND_MIN_GROUP 5

/* Roles, in the order of every role array. */
enum {
	MAAT_ROLE_MANAGEMENT,
	MAAT_ROLE_POLICY,
	MAAT_ROLE_EXECUTION,
	MAAT_ROLE_SUPPORT,
	MAAT_ROLE_UNKNOWN,
	MAAT_ROLE_N
};

/* The role names ("management", ..., "unknown"); static. */
extern const char *const maat_role_names[MAAT_ROLE_N];

/* One org snapshot. Reals are NaN when they cannot be computed. */
typedef struct maat_trend_snapshot {
	/* yyyy-mm-dd ("" undated); owned */
	char *as_of;
	size_t people;
	/* FTE of every node (persons and aggregate rows) */
	double fte;
	int layers;
	size_t managers;
	double manager_share, span_mean;
	size_t thin_managers;
	double external_share;
	/* FTE per role (MAAT_ROLE_*) */
	double role_fte[MAAT_ROLE_N];
	/* execution FTE fell since the previous snapshot while management or policy FTE grew */
	bool flagged;
	/* with flagged: the units behind it ("A, B"), owned; else NULL */
	char *flag_units;
} maat_trend_snapshot;

/* A row behind a flag: a person whose execution FTE fell or whose management or policy FTE
 * grew between two snapshots. */
typedef struct maat_trend_flag_row {
	/* the snapshot flagged; id, name, unit (of the later row, else the earlier); owned */
	char *as_of;
	char *id;
	char *name;
	char *unit;
	/* roles ("" when absent in that snapshot; static) and FTE before and after */
	const char *role_before, *role_after;
	double fte_before, fte_after;
	/* the row in its file (of the later snapshot when there, else the earlier); path owned */
	char *source;
	int64_t line;
} maat_trend_flag_row;

/* FTE shares per role in one unit or layer of one snapshot. */
typedef struct maat_trend_mix {
	/* snapshot, "unit" or "layer" (static), the unit or layer number; owned */
	char *as_of;
	const char *by;
	char *group;
	/* persons and FTE; share of FTE per role; external FTE share (NaN without employment) */
	size_t people;
	double fte;
	double share[MAAT_ROLE_N];
	double external_share;
} maat_trend_mix;

/* A month of case starts. */
typedef struct maat_trend_case_month {
	char month[8];
	int64_t cases;
	double handovers_per_case, pingpong_share, throughput_median_days, share_over_term;
} maat_trend_case_month;

/* A month of meetings (a week belongs to the month of its Thursday). */
typedef struct maat_trend_meeting_month {
	char month[8];
	int64_t person_weeks;
	double share_over_cap, hours_mean;
} maat_trend_meeting_month;

typedef struct maat_trend {
	maat_trend_snapshot *snapshots;
	size_t nsnapshots;
	maat_trend_flag_row *flag_rows;
	size_t nflag_rows;
	maat_trend_mix *mix;
	size_t nmix;
	maat_trend_case_month *case_months;
	size_t ncase_months;
	maat_trend_meeting_month *meeting_months;
	size_t nmeeting_months;
} maat_trend;

/* Computes the trends from the store (every org snapshot, the case logs with their terms, the
 * calendars with the default meeting settings). Returns 0 and *out (caller frees with
 * maat_trend_free), or negative with err set. */
int maat_trend_compute(maat_db *db, maat_trend **out, maat_err *err);

/* NULL-safe. */
void maat_trend_free(maat_trend *t);

/* Tables (new; caller frees): per snapshot with the change since the previous one; the rows
 * behind the flags; the role mix per unit and layer (groups under min_group people keep only
 * their count, METRICS.md §4; 0 = show all); per month of case start; per month of meetings. */
maat_table *maat_trend_snapshot_table(const maat_trend *t);
maat_table *maat_trend_flag_table(const maat_trend *t);
maat_table *maat_trend_mix_table(const maat_trend *t, int min_group);
maat_table *maat_trend_case_month_table(const maat_trend *t);
maat_table *maat_trend_meeting_month_table(const maat_trend *t);

/* The JSON object of CLI.md (`trend --json`), each row with a "change" object (null for the
 * first), plus flag_rows and role_mix (groups under MAAT_TREND_MIN_GROUP people without
 * shares). Caller decrefs. */
json_t *maat_trend_json(const maat_trend *t);

#endif
