/* Handovers of work in case logs (METRICS.md §3): successions and handovers between resources,
 * ping-pong, returns, idle dossiers, throughput, escalations against the org chart and the
 * sign-offs a decision collects. Computed in one pass over the store's events, which are kept
 * in (case, time, file order) order, so memory grows with cases and resources, not events. */
#ifndef MAAT_HANDOVERS_H
#define MAAT_HANDOVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/org.h"
#include "maatlat/table.h"

/* The default approval pattern (POSIX extended, matched case-insensitively on activities):
 * the words of METRICS.md §3, at the start of a word. */
#define MAAT_APPROVAL_PATTERN_DEFAULT                                                              \
	"(^|[^[:alnum:]])(paraaf|paraf|akkoord|goedkeur|fiat|approv|sign[- ]?off|onderteken)"

/* Settings; every one is printed in the report header. */
typedef struct maat_handovers_opts {
	/* a case is over the cap with more handovers than this (default 2) */
	int max_handovers;
	/* a case is idle with a gap between consecutive events over this many days (default 14) */
	double idle_days;
	/* sign-off activities; NULL = MAAT_APPROVAL_PATTERN_DEFAULT, "" = none */
	const char *approval_pattern;
	/* keep one maat_handover_case per case (for the per-case table); costs memory per case */
	bool keep_cases;
	/* the org snapshot to join (the latest on or before this yyyy-mm-dd); NULL = each event
	 * joins the snapshot in force on its date */
	const char *as_of;
	/* with keep_cases: keep only this many, the cases with most handovers (ties: the first in
	 * store order), so memory stays flat; 0 = all */
	size_t top_cases;
} maat_handovers_opts;

/* Fills o with the defaults of METRICS.md §3. */
void maat_handovers_opts_init(maat_handovers_opts *o);

/* A pair of resources with the successions between them (self-successions included). */
typedef struct maat_handover_pair {
	/* resource names; borrowed from maat_handovers.resources */
	const char *from;
	const char *to;
	/* their indices in maat_handovers.resources (uint32_t: a pair costs 56 bytes, not 64, and
	 * there can be millions) */
	uint32_t from_id, to_id;
	/* successions from -> to summed over cases (PM4Py's handover-of-work value) */
	int64_t count;
	/* cases in which from -> to occurs at least once (bupaR "absolute-case") */
	int64_t cases;
	/* PM4Py's relative value: count / sum over cases of (events - 1); NaN without such */
	double relative;
	/* "up", "down", "sideways", "unknown", "same" (two spellings of one person in the org
	 * chart, e.g. id and e-mail) or "self" for a self-succession; "mixed" when the snapshots
	 * in force at its handovers disagree; static */
	const char *direction;
} maat_handover_pair;

/* The figures of one case. */
typedef struct maat_handover_case {
	/* the case's position in store order (0-based) */
	int64_t seq;
	/* the case id as imported; owned */
	char *case_key;
	/* the case type or NULL; owned */
	char *case_type;
	/* events, and those without a resource */
	int64_t events;
	int64_t events_without_resource;
	/* owner segments - 1 (0 when the case names no resource) */
	int64_t handovers;
	/* positions j with work-segment owner w_j == w_(j+2) (sign-off-only segments removed) */
	int64_t pingpong;
	/* work segments whose owner had an earlier work segment */
	int64_t returns;
	/* sign-off round trips: a sign-off-only segment between two segments of one owner */
	int64_t roundtrips;
	/* the case names a resource, and the first owner is the last owner */
	bool has_owner;
	bool finished_by_picker;
	/* last - first timestamp, and the largest gap between consecutive events, in days */
	double throughput_days;
	double longest_idle_days;
	/* handovers > max_handovers; longest gap > idle_days */
	bool over_max;
	bool idle;
	/* events matching the approval pattern, and distinct resources among them */
	int64_t signoffs;
	int64_t approvers;
	/* the approvers' layers in the org chart, in order of first sign-off ("3,2,?"); NULL
	 * without an org chart or without approvers; owned */
	char *approver_layers;
	/* the formal chain of the first owner (METRICS.md §1) to the holder of the mandate whose
	 * decision type is the case type; -1 when unknown (no type or mandate, no holder on the
	 * path, owner not in the chart) */
	int32_t formal_chain;
} maat_handover_case;

/* A breakdown row: per activity or per unit. */
typedef struct maat_handover_group {
	/* the activity or unit; owned */
	char *name;
	/* events (per unit: events by the unit's resources) */
	int64_t events;
	/* per activity: events without a resource */
	int64_t events_without_resource;
	/* per activity: handovers into an event of this activity; per unit: handovers received
	 * from another resource */
	int64_t handovers_in;
	/* per unit: handovers passed on by the unit's resources; within: both ends in the unit
	 * (never for "(unknown)") */
	int64_t handovers_out;
	int64_t handovers_within;
	/* per unit: escalations of handovers passed on */
	int64_t up, down, sideways, unknown, same_person;
	/* per activity: the activity matches the approval pattern (then signoffs = events) */
	bool is_signoff;
	int64_t signoffs;
} maat_handover_group;

/* Everything `maatlat handovers` reports. */
typedef struct maat_handovers {
	/* the settings used; approval_pattern owned */
	int max_handovers;
	double idle_days;
	char *approval_pattern;
	/* an org chart was loaded (escalations and layers need it) */
	bool have_org;
	/* the org snapshots joined (as_of dates, "" when undated; owned), oldest first */
	char **org_snapshots;
	size_t norg_snapshots;
	/* resources the events use, those found in the org chart (in some snapshot), and those
	 * whose value matches several people (joins nobody; listed, owned) */
	int64_t resources_used;
	int64_t resources_matched;
	char **ambiguous_resources;
	size_t nambiguous_resources;
	/* totals */
	int64_t cases;
	int64_t events;
	int64_t events_without_resource;
	int64_t cases_without_resource;
	int64_t successions;
	int64_t self_successions;
	int64_t handovers;
	int64_t cases_without_handover;
	int64_t cases_finished_by_picker;
	int64_t pingpong_cases;
	int64_t pingpong;
	int64_t returns;
	int64_t signoff_roundtrips;
	/* events that repeat another event of the merged log (same case, activity, time,
	 * resource, lifecycle) within one source, and stored copies of an event that another
	 * source also holds (counted once) */
	int64_t duplicates_within;
	int64_t duplicates_across;
	/* resources written in more than one way (case, spaces): per merged resource the
	 * spellings the events use, as "Jan = jan" (owned) */
	char **merged_spellings;
	size_t nmerged_spellings;
	int64_t cases_over_max;
	int64_t idle_cases;
	/* throughput in days over all cases (numpy's default "linear" percentiles); NaN when there
	 * are no cases */
	double throughput_median, throughput_p90, throughput_max;
	/* handovers by direction against the org chart (all unknown without one); same_person:
	 * both resource names match one node (not a move on the line; not in the other four) */
	int64_t up, down, sideways, unknown, same_person;
	/* sign-offs: events, cases with one, cases whose distinct approvers exceed / fall short
	 * of the formal chain (only cases where the chain is known) */
	int64_t signoffs;
	int64_t signoff_cases;
	int64_t signoff_cases_over_chain;
	int64_t signoff_cases_under_chain;
	/* cases with sign-offs compared with the formal chain (type known, holder on the first
	 * owner's path), and those apart: no type (or no mandate for it), no holder on the path,
	 * first owner not in the chart */
	int64_t signoff_cases_compared;
	int64_t signoff_cases_no_type;
	int64_t signoff_cases_no_holder;
	int64_t signoff_cases_owner_unknown;
	/* distinct approvers per case (summed): in the first owner's line of managers (these are
	 * compared with the chain), outside it, not in the chart */
	int64_t signoff_approvers_in_line;
	int64_t signoff_approvers_outside_line;
	int64_t signoff_approvers_unknown;
	/* the resource names (owned), distinct over all sources */
	char **resources;
	size_t nresources;
	/* pairs sorted by count descending, then from, then to */
	maat_handover_pair *pairs;
	size_t npairs;
	/* per activity (by name) and per unit (by name; "(unknown)" for resources not in the
	 * chart) */
	maat_handover_group *activities;
	size_t nactivities;
	maat_handover_group *units;
	size_t nunits;
	/* per case in store order, when keep_cases (with top_cases: the kept ones, in no order);
	 * else NULL */
	maat_handover_case *case_rows;
	size_t ncase_rows;
} maat_handovers;

/* Computes every figure from the store (all imported case logs; the org chart and mandates
 * when imported). o may be NULL (defaults). Returns 0 and *out (caller frees with
 * maat_handovers_free), or negative with err set (MAAT_E_USAGE for a bad approval pattern). */
int maat_handovers_compute(maat_db *db, const maat_handovers_opts *o, maat_handovers **out,
			   maat_err *err);

/* The same against a given org chart (borrowed; NULL = none), e.g. one built in a test; the
 * mandates still come from the store. */
int maat_handovers_compute_with_org(maat_db *db, const maat_handovers_opts *o, const maat_org *org,
				    maat_handovers **out, maat_err *err);

/* NULL-safe. */
void maat_handovers_free(maat_handovers *h);

/* The p-quantile (0..1) of n sorted values by numpy's default method ("linear", R type 7):
 * h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). NaN when n = 0. */
double maat_percentile_linear(const double *sorted, size_t n, double p);

/* Tables for people (text, xlsx). Each returns a new table; caller frees. */
/* The totals and settings as rows of (figure, value). */
maat_table *maat_handovers_summary_table(const maat_handovers *h);
/* Per case (needs keep_cases): case id, case type, events, handovers, ping-pong, returns,
 * finished by picker, throughput days, longest idle days, over cap, sign-offs, approvers, their
 * layers, the formal chain. At most limit rows (0 = all),
 * the cases with most handovers first. */
maat_table *maat_handovers_case_table(const maat_handovers *h, size_t limit);
/* Handover pairs (from, to, count, cases, relative, direction), self-successions included; at
 * most limit rows (0 = all). The handover graph uses the same pairs. */
maat_table *maat_handovers_pair_table(const maat_handovers *h, size_t limit);
/* Per activity and per unit. */
maat_table *maat_handovers_activity_table(const maat_handovers *h);
maat_table *maat_handovers_unit_table(const maat_handovers *h);

/* The JSON object of CLI.md (`handovers --json`) plus the breakdowns, "pairs" last. Caller
 * decrefs. */
json_t *maat_handovers_json(const maat_handovers *h);

/* Writes the same JSON byte for byte as maat_json_print(maat_handovers_json(h)), but streams
 * the pairs instead of building a jansson object for each (a million pairs would take
 * gigabytes). Returns 0, or -1 when writing failed. */
int maat_handovers_json_write(const maat_handovers *h, FILE *out);

#endif
