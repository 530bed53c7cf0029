/* Decision terms (termijnbewaking, METRICS.md §5): a terms file per case type, the lead time
 * of every case (the clock stops while a case is suspended; working days skip weekends and
 * holidays), the share of cases over their term, open cases nearing it, per case type, unit of
 * the first owner and month of start. */
#ifndef MAAT_TERMS_H
#define MAAT_TERMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/table.h"
#include "maatlat/zone.h"

/* The Awb's reasonable term (art. 4:13): 8 weeks, for every case without a terms row. */
#define MAAT_TERMS_DEFAULT_DAYS 56
/* Open cases within this many days of their term are listed (`--warn-days`). */
#define MAAT_TERMS_WARN_DAYS_DEFAULT 7
/* The case attributes read as the case type by default (import cases). */
#define MAAT_TERMS_CASE_TYPE_ATTRS "zaaktype, case:type"

/* Settings of the analysis; every one is printed with the report. */
typedef struct maat_terms_opts {
	/* the case attribute the case type was read from at import (NULL = the defaults); the
	 * analysis checks that the case logs were imported with it */
	const char *case_type_attr;
	/* open cases within this many days of their term are listed */
	double warn_days;
	/* the zone in which days, weekends and months are counted (NULL = Europe/Amsterdam) */
	const char *tz;
	/* keep every case in maat_terms.case_rows (else only those over or near the term) */
	bool keep_all_cases;
} maat_terms_opts;

/* Fills o with the defaults. */
void maat_terms_opts_init(maat_terms_opts *o);

/* One case, measured against its term. */
typedef struct maat_term_case {
	/* the case id and type (NULL: no type); owned */
	char *case_key;
	char *case_type;
	/* the unit of the first owner ("(unknown)" without one); owned */
	char *unit;
	/* the month of start, "yyyy-mm" in the zone of the analysis */
	char month[8];
	/* where the clock starts and stops (ms since the epoch; for an open case, the end of
	 * the log) */
	int64_t start_ms, end_ms;
	/* the term and its kind ("calendar" or "working"; static) */
	double term_days;
	const char *day_kind;
	/* end - start - suspended, and the suspended time, in the term's days */
	double lead_days, suspended_days;
	/* lead > term; lead - term (0 when not over) */
	bool over;
	double days_over;
	/* an end pattern and no matching event: still running at the end of the log */
	bool open;
	/* open, not over, and within warn_days of the term */
	bool near;
	/* the start pattern matched no event (the clock started at the first event) */
	bool no_start;
} maat_term_case;

/* Figures of one group of cases (a case type, a unit or a month). */
typedef struct maat_terms_group {
	/* the case type, unit or month; owned */
	char *name;
	/* case type groups: the term and its kind (static); else 0 and NULL */
	double term_days;
	const char *day_kind;
	/* all cases, closed and open ones */
	int64_t cases, closed, open;
	/* closed cases over the term, and open cases already over it */
	int64_t over_term, open_over_term;
	/* over_term / closed (NaN without closed cases) */
	double share_over_term;
	/* over the closed cases: median and p90 lead time (linear), mean days over of the
	 * over-term cases (NaN when none) */
	double median_days, p90_days, mean_days_over;
} maat_terms_group;

/* Everything `maatlat terms` reports. */
typedef struct maat_terms {
	/* the settings: the term without a terms row, warn days, the zone, the case attribute */
	double default_term_days;
	double warn_days;
	char *tz;
	char *case_type_attr;
	/* a terms file was imported (else every case has the default term); its path, owned */
	bool have_terms;
	char *terms_source;
	/* holidays known */
	size_t holidays;
	/* an org chart gave the units */
	bool have_org;
	/* the end of the log: the newest event (ms; 0 without events) */
	int64_t log_end_ms;
	/* totals, as in maat_terms_group */
	int64_t cases, closed, open, over_term, open_over_term, open_near_term, no_start;
	double share_over_term;
	/* lead time over the closed cases: median, p90 (linear), max; mean days over */
	double lead_median, lead_p90, lead_max, mean_days_over;
	/* per case type (by name; "(none)" for cases without a type), per unit, per month */
	maat_terms_group *types, *units, *months;
	size_t ntypes, nunits, nmonths;
	/* cases in store order: every case with keep_all_cases, else those over the term or
	 * near it */
	maat_term_case *case_rows;
	size_t ncase_rows;
} maat_terms;

/* Computes every figure from the store (the case logs, the latest terms import and its
 * holidays, the org snapshot in force at each case's start). o may be NULL (defaults).
 * Returns 0 and *out (caller frees with maat_terms_free), or negative with err set
 * (MAAT_E_USAGE for an unknown zone or a case attribute the logs were not imported with). */
int maat_terms_compute(maat_db *db, const maat_terms_opts *o, maat_terms **out, maat_err *err);

/* NULL-safe. */
void maat_terms_free(maat_terms *t);

/* The time between two instants (ms) in days: calendar days (86,400 s each), or working days
 * (the part of [a, b) that falls on days that are neither Saturday, Sunday nor one of the
 * sorted holidays (days since 1970-01-01), each local day of tz counting 1 however long it is).
 * 0 when b <= a. tz: a zone of maat_zone_builtin(). */
double maat_terms_days_between(int64_t a_ms, int64_t b_ms, bool working, icaltimezone *tz,
			       const int64_t *holidays, size_t nholidays);

/* Tables for people (text, xlsx); each returns a new table, caller frees. */
/* Totals and settings as rows of (figure, value). */
maat_table *maat_terms_summary_table(const maat_terms *t);
/* Per case type (with its term), per unit, per month of start. */
maat_table *maat_terms_type_table(const maat_terms *t);
maat_table *maat_terms_unit_table(const maat_terms *t);
maat_table *maat_terms_month_table(const maat_terms *t);
/* The evidence: cases over the term (closed and open) and open cases near it, most days over
 * first; at most limit rows (0 = all). */
maat_table *maat_terms_case_table(const maat_terms *t, size_t limit);

/* The JSON object of CLI.md (`terms --json`) plus by_unit, by_month and open_near_term. Caller
 * decrefs. */
json_t *maat_terms_json(const maat_terms *t);

#endif
