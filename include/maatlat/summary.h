/* The short summary `maatlat demo` prints: for each reader (a director, a works council, a
 * policy maker) the few figures to look at first, gathered from the same analyses the other
 * commands run, and the command that digs deeper. Also the org-chart lookup that lets the
 * meeting analysis use each participant's FTE and unit. */
#ifndef MAAT_SUMMARY_H
#define MAAT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maatlat/db.h"
#include "maatlat/err.h"

/* One decision type of the mandates file. */
typedef struct maat_summary_type {
	/* the decision type and its holder as written ("title:Afdelingshoofd"); owned */
	char *decision_type;
	char *holder;
	/* mean and longest chain (NaN / 0 without people) */
	double chain_mean;
	int chain_max;
} maat_summary_type;

/* The figures the summary shows. Counts are 0 and reals NaN for data not imported. */
typedef struct maat_summary {
	/* an org chart was imported (and the analysis is in this build) */
	bool have_org;
	size_t people;
	size_t units;
	int layers;
	size_t managers;
	double span_mean;
	int min_span;
	size_t thin_managers;
	size_t managers_span_1;
	size_t pass_through_managers;
	double external_share;
	/* the delayering simulation at min_span */
	size_t removed_managers;
	int layers_after;
	double distance_mean_before;
	double distance_mean_after;
	/* the sign-off chain to the top (layer - 1): mean over people, max */
	double chain_to_top_mean;
	int chain_to_top_max;
	/* per decision type of the mandates (none without a mandates file); owned */
	maat_summary_type *types;
	size_t ntypes;

	/* calendars were imported */
	bool have_calendar;
	/* the cap per full-time week and the window (inclusive local dates) */
	double cap_hours;
	char from[16];
	char to[16];
	size_t persons;
	size_t person_weeks;
	size_t over_cap_person_weeks;
	size_t people_over_cap;
	/* the recurring series with the most person-hours among those with at least min_group
	 * attendees on average (privacy: smaller ones name people); summary owned, NULL when none
	 */
	char *series;
	double series_person_hours;
	int64_t series_instances;
	double series_mean_attendees;
	int min_group;

	/* case logs were imported (and the analysis is in this build) */
	bool have_cases;
	int64_t cases;
	int64_t handovers;
	int64_t cases_over_max;
	int max_handovers;
	int64_t pingpong_cases;
	/* sign-off round trips (A -> B for the paraaf -> A), reported apart from ping-pong */
	int64_t signoff_roundtrips;
	int64_t cases_finished_by_picker;
	int64_t cases_without_handover;
	double throughput_median;
	int64_t up, down, sideways, unknown;
	int64_t idle_cases;
	double idle_days;
	int64_t signoffs;
	int64_t signoff_cases;
} maat_summary;

/* Gathers the figures from the store with every setting at its default. Returns 0 (s filled;
 * free with maat_summary_fini), or negative with err set. */
int maat_summary_compute(maat_db *db, maat_summary *s, maat_err *err);

/* Frees what s owns; s is zeroed. NULL-safe. */
void maat_summary_fini(maat_summary *s);

/* The summary as text for people, translated, each part with the command to dig deeper
 * (`PROG --db DB ...`: prog as the user can type it, e.g. "./build/maatlat" or "maatlat"; db
 * quoted for the shell when needed). Returns a new string; caller frees. */
char *maat_summary_text(const maat_summary *s, const char *prog, const char *db);

/* A maat_meetings_person_fn over a loaded maat_org (ctx): the participant key is looked up by
 * id, e-mail or name; the person is the node's e-mail (else its id), with its FTE and unit.
 * False (FTE 1, unit unknown) when the org chart does not know the key. */
bool maat_summary_org_person(void *ctx, const char *key, const char **person, double *fte,
			     const char **unit);

/* Who a finding is written for. */
enum maat_audience {
	MAAT_AUDIENCE_DIRECTOR,
	MAAT_AUDIENCE_WORKS_COUNCIL,
	MAAT_AUDIENCE_POLICY_MAKER,
};

/* How a finding's figure stands against its cap or target. */
enum maat_finding_status {
	/* no cap or target: a fact */
	MAAT_FINDING_FACT,
	/* within the cap, or the target reached */
	MAAT_FINDING_OK,
	/* over the cap, or the target missed */
	MAAT_FINDING_OVER,
};

/* One finding: a whole sentence with its figure and, where there is one, its cap or target. */
typedef struct maat_finding {
	enum maat_audience audience;
	/* the sentence, translated, numbers as people of the language write them; owned */
	char *text;
	/* the figure's command and JSON key ("meetings.people_over_cap"), so a reader (and the
	 * browser test) can find it in `maatlat COMMAND --json`; static */
	const char *key;
	/* the figure as that JSON holds it */
	double value;
	enum maat_finding_status status;
	/* the workbook sheet holding its evidence (translated), NULL = none; static */
	const char *evidence;
} maat_finding;

/* The findings of s, in audience order: *out receives a new array of *n findings (free with
 * maat_summary_findings_free). */
void maat_summary_findings(const maat_summary *s, maat_finding **out, size_t *n);

/* NULL-safe. */
void maat_summary_findings_free(maat_finding *f, size_t n);

#endif
