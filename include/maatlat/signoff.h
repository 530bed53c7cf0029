/* Formal sign-off chains (METRICS.md §1): how many managers initial a decision taken by a person
 * before the mandate holder signs it, per decision type and unit. */
#ifndef MAAT_SIGNOFF_H
#define MAAT_SIGNOFF_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/org.h"
#include "maatlat/table.h"

/* The default cap: people who collect more initials than this are reported. */
#define MAAT_SIGNOFF_CAP_DEFAULT 3

/* The decision type used when no mandates file was imported: the holder is the root. */
#define MAAT_SIGNOFF_TOP "(top)"

/* How a mandate names its holder. */
enum maat_holder_kind { MAAT_HOLDER_LAYER, MAAT_HOLDER_TITLE, MAAT_HOLDER_ID };

/* One mandate: decisions of this type are signed by the first ancestor matching the holder. */
typedef struct maat_mandate {
	/* the decision type (e.g. "subsidie"); owned */
	char *decision_type;
	/* enum maat_holder_kind */
	int kind;
	/* the title or id (kind TITLE or ID); owned; NULL for LAYER */
	char *value;
	/* the layer (kind LAYER) */
	int layer;
} maat_mandate;

/* Parses a holder "layer:N" (N >= 1), "title:TEXT" or "id:ID" (prefix case-insensitive, text
 * trimmed, non-empty) into m->kind, m->value, m->layer. Returns 0, or -1 when s is none of these.
 */
int maat_mandate_parse_holder(const char *s, maat_mandate *m);

/* Frees the strings of n mandates and the array. NULL-safe. */
void maat_mandates_free(maat_mandate *m, size_t n);

/* Loads the mandates of the store: one per decision type, the latest import of a type winning,
 * in order of first appearance. Returns 0 with *out (caller frees with maat_mandates_free) and
 * *n (0 when none), negative with err set. */
int maat_mandates_load(maat_db *db, maat_mandate **out, size_t *n, maat_err *err);

/* The figures of one decision type (METRICS.md §1). */
typedef struct maat_signoff_type {
	/* borrowed from the mandates (or MAAT_SIGNOFF_TOP) */
	const char *decision_type;
	/* the holder as written ("layer:2", "title:Directeur", "id:17", "root"); owned */
	char *holder;
	/* people (person nodes with a layer), those with no holder on their path included */
	size_t people;
	/* initials (parafen): the managers strictly between a person and the holder,
	 * max(chain - 1, 0); the headline figure. Mean over people with a holder (NAN when
	 * none has one), max (-1 when none has one) */
	double initials_mean;
	int initials_max;
	/* the chain including the signing holder: layer(p) - layer(holder); mean NAN and max -1
	 * when no one has a holder */
	double chain_mean;
	int chain_max;
	/* people whose initials exceed the cap */
	size_t over_cap;
	/* people with no holder on their path (above the holder's layer, or the rule matches
	 * nobody): left out of the means */
	size_t no_holder;
	/* false when the rule matches no node of the chart (its figures are then null) */
	bool holder_found;
} maat_signoff_type;

/* The computed analysis; borrows the org (it must outlive it). */
typedef struct maat_signoff maat_signoff;

/* Computes chains for every mandate (or, with nm == 0, one type MAAT_SIGNOFF_TOP whose holder
 * is the root); only = one decision type or NULL for all (an unknown type gives no types).
 * The holder of p is the first node matching the rule walking up from p itself: layer:N -> the
 * ancestor at layer N (p itself at layer N; nobody for p above layer N); title:TEXT -> title
 * equal, case-insensitive; id:ID -> that node. chain(p) = layer(p) - layer(holder), initials =
 * max(chain - 1, 0); people without a holder count as no_holder and stay out of the means.
 * Nodes without a layer (cycles) are left out (maat_signoff_left_out). Returns a new object;
 * caller frees. */
maat_signoff *maat_signoff_compute(const maat_org *org, const maat_mandate *m, size_t nm,
				   const char *only, int cap);
/* NULL-safe. */
void maat_signoff_free(maat_signoff *s);

/* The per-type figures. Borrowed. */
size_t maat_signoff_ntypes(const maat_signoff *s);
const maat_signoff_type *maat_signoff_type_get(const maat_signoff *s, size_t i);
/* The chain to the top (layer - 1) over all people: mean (NAN without people) and max. */
double maat_signoff_top_mean(const maat_signoff *s);
int maat_signoff_top_max(const maat_signoff *s);
/* The cap used. */
int maat_signoff_cap(const maat_signoff *s);
/* People left out because they sit in or below a manager cycle (no layer). */
size_t maat_signoff_left_out(const maat_signoff *s);

/* The JSON object of `maatlat signoff --json`: decision_types (decision_type, people,
 * initials_mean, initials_max, chain_mean, chain_max, no_holder; plus holder, holder_found,
 * over_cap), chain_to_top_mean, chain_to_top_max, plus cap, left_out_cycles, units
 * (unit, decision_type, people, initials_mean, initials_max, chain_mean, chain_max, no_holder,
 * over_cap) and people_over_cap (id, unit, decision_type, initials, chain, holder). Caller
 * decrefs. */
json_t *maat_signoff_json(const maat_signoff *s);

/* Tables; new, caller frees. */
/* Per decision type: decision type, holder, people, initials mean and max, chain (incl. the
 * holder) mean and max, over cap, no holder. */
maat_table *maat_signoff_types_table(const maat_signoff *s);
/* Per unit and decision type: unit, decision type, people, initials mean and max, chain mean
 * and max, no holder, over cap. */
maat_table *maat_signoff_units_table(const maat_signoff *s);
/* People whose initials exceed the cap: id, name, title, unit, layer, decision type, initials,
 * chain incl. the holder, holder. */
maat_table *maat_signoff_over_cap_table(const maat_signoff *s);

#endif
