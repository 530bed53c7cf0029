/* The org chart as the analyses see it: the latest (or a given) snapshot, anomalies resolved
 * by the rules of METRICS.md §1, layers computed (iteratively: no recursion over the tree). */
#ifndef MAAT_ORG_H
#define MAAT_ORG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "maatlat/db.h"
#include "maatlat/err.h"

/* employment of a node */
enum maat_employment { MAAT_EMP_UNKNOWN = -1, MAAT_EMP_INTERNAL = 0, MAAT_EMP_EXTERNAL = 1 };

typedef struct maat_org_node {
	/* The fields every pass over a million nodes reads come first (one cache line), the
	 * text for reports after them; no padding holes (112 bytes). */
	/* the id as stored (trimmed) */
	char *id;
	/* the manager id as stored (NULL for a top post); kept for orphans and reports */
	char *manager_id;
	/* index of the manager in maat_org.nodes, or -1 for a root, an orphan or a self-loop */
	ssize_t parent;
	/* FTE (summed for job shares; an aggregate row's FTE) */
	double fte;
	/* of fte: the FTE of rows that state their employment, and of rows that say external (a
	 * job share of an internal and an external row splits its FTE by row) */
	double fte_stated;
	double fte_external;
	/* 1 for roots and orphans; 0 for members of a cycle (no layer) */
	int32_t layer;
	/* enum maat_employment (of the first row that states it) */
	int employment;
	/* MAAT_ORG_F_* flags: root, self-loop, orphan, in a cycle, below a cycle */
	unsigned flags;
	/* an aggregate row (UK organogram junior staff): a node, not a person */
	bool aggregate;
	/* optional text fields; NULL when absent */
	char *name;
	char *title;
	char *unit;
	char *email;
	char *grade;
	/* role: "management", "policy", "execution", "support" or NULL */
	char *role;
	/* where the node's (first winning) row came from */
	int64_t source_id;
	int64_t line;
} maat_org_node;

/* maat_org_node.flags */
enum maat_org_flags {
	/* a root: top marker as manager, or a self-loop */
	MAAT_ORG_F_ROOT = 1 << 0,
	/* the manager is the node itself (also MAAT_ORG_F_ROOT) */
	MAAT_ORG_F_SELF_LOOP = 1 << 1,
	/* the manager id is unknown: placed at layer 1, not a root */
	MAAT_ORG_F_ORPHAN = 1 << 2,
	/* a member of a manager cycle: no layer */
	MAAT_ORG_F_CYCLE = 1 << 3,
	/* reports (indirectly) into a cycle: no layer either */
	MAAT_ORG_F_BELOW_CYCLE = 1 << 4,
};

/* Kinds of anomaly (METRICS.md §1); every one is listed, none is fatal. */
enum maat_org_anomaly_kind {
	MAAT_ORG_A_SELF_LOOP,
	MAAT_ORG_A_ORPHAN,
	MAAT_ORG_A_JOB_SHARE,
	MAAT_ORG_A_CONFLICT,
	MAAT_ORG_A_CYCLE,
	MAAT_ORG_A_BELOW_CYCLE,
	MAAT_ORG_A_LEADING_ZEROS,
};

/* One anomaly, with the row it rests on. */
typedef struct maat_org_anomaly {
	/* enum maat_org_anomaly_kind */
	int kind;
	/* the id(s) concerned: "150", a cycle as "A > B > C", spellings as "042 / 42"; owned */
	char *ids;
	/* a readable detail (English, untranslated keywords filled in by the reports); owned */
	char *detail;
	/* the row: source and line (0 when not tied to one row) */
	int64_t source_id;
	int64_t line;
} maat_org_anomaly;

/* Counts of the anomalies and roots, filled when the org is built. */
typedef struct maat_org_counts {
	/* rows with an empty or top-marker manager, plus self-loops */
	size_t roots;
	/* rows whose manager id is unknown */
	size_t orphans;
	/* rows that report to themselves */
	size_t self_loops;
	/* manager cycles (sets of nodes) */
	size_t cycles;
	/* nodes in cycles, and nodes reporting into a cycle (no layer) */
	size_t cycle_nodes;
	size_t below_cycle;
	/* ids that occur on more than one row (job shares and conflicts) */
	size_t duplicate_ids;
	/* extra rows merged as job shares (same id, same manager) */
	size_t job_shares;
	/* rows that lost a conflict (same id, other manager) and were dropped */
	size_t conflicts;
	/* groups of all-digit ids that differ only in leading zeros */
	size_t leading_zero_ids;
	/* rows read into the model (before merging duplicates) */
	size_t rows;
} maat_org_counts;

typedef struct maat_org {
	/* the nodes, in import order; nodes[i].parent indexes this array */
	maat_org_node *nodes;
	/* number of nodes */
	size_t n;
	/* the snapshot date loaded (yyyy-mm-dd) or "" when the import gave none; owned */
	char *as_of;
	/* opaque lookup state (hash of id, e-mail and name); owned */
	void *index;
	/* the anomalies, in the order found; owned */
	maat_org_anomaly *anomalies;
	size_t nanomalies;
	/* counts of roots and anomalies */
	maat_org_counts counts;
	/* the nodes that have a layer, parents before children (breadth first, by layer) */
	size_t *order;
	size_t norder;
	/* children of node i: child[child_off[i] .. child_off[i + 1]) (n + 1 offsets) */
	size_t *child_off;
	size_t *child;
} maat_org;

/* One input row for maat_org_builder_add(). All strings are borrowed (copied by the builder). */
typedef struct maat_org_row {
	/* trimmed id; rows with an empty id are ignored */
	const char *id;
	/* trimmed manager id; NULL, "", "XX", "0" or "-1" = a top post */
	const char *manager;
	/* optional text; NULL when absent */
	const char *name;
	const char *title;
	const char *unit;
	const char *email;
	const char *grade;
	const char *role;
	/* FTE (1.0 for a person when the file gives none) */
	double fte;
	/* enum maat_employment */
	int employment;
	/* an aggregate row */
	bool aggregate;
	/* where it came from */
	int64_t source_id;
	int64_t line;
} maat_org_row;

/* Builds an org from rows, applying the rules of METRICS.md §1 (job shares, conflicts,
 * self-loops, orphans, cycles, leading zeros). Rows are taken in the order given. */
typedef struct maat_org_builder maat_org_builder;

/* Returns a new builder; free it with maat_org_builder_finish() or maat_org_builder_free(). */
maat_org_builder *maat_org_builder_new(void);
/* Makes room for rows rows (an estimate; more still fit). */
void maat_org_builder_reserve(maat_org_builder *b, size_t rows);
/* Adds one row (copies its strings). */
void maat_org_builder_add(maat_org_builder *b, const maat_org_row *row);
/* Resolves parents, layers and anomalies; frees the builder and returns the org (never NULL;
 * caller frees with maat_org_free). as_of is copied (NULL = ""). */
maat_org *maat_org_builder_finish(maat_org_builder *b, const char *as_of);
/* Frees a builder that was not finished. NULL-safe. */
void maat_org_builder_free(maat_org_builder *b);

/* True when a manager id marks a top post: NULL, empty, "XX"/"xx", "-1" or an all-zero id ("0",
 * "00000000") after trim. */
bool maat_org_is_top_marker(const char *manager);

/* The canonical form of an all-digit id (leading zeros removed, "000" -> "0") as a new string
 * (caller frees), or NULL when id is not all digits or already canonical. */
char *maat_org_normalise_id(const char *id);

/* The snapshot maat_org_load(db, as_of) would use: the latest as_of <= the given date (NULL =
 * the latest of all). Returns 0 and *out (new string, caller frees; "" for an undated
 * snapshot), 1 when none matches, negative with err set. */
int maat_org_snapshot(maat_db *db, const char *as_of, char **out, maat_err *err);

/* ---- snapshots (METRICS.md §1): every org import has a date; files of one date form one chart.
 * The cases and calendar joins use these to meet each event or meeting week with the chart in
 * force on its date. Dates are "yyyy-mm-dd" strings, so they compare as text. ---- */

/* The snapshot dates held in the store, oldest first. Zero-initialise; fill with
 * maat_org_snapshots_list(); free with maat_org_snapshots_fini(). */
typedef struct maat_org_snapshots {
	/* the dates, oldest first, each "yyyy-mm-dd" ("" only for a store written before
	 * snapshots had dates and never migrated); owned */
	char **dates;
	/* number of dates (0 when no org chart was imported) */
	size_t n;
} maat_org_snapshots;

/* Lists the snapshot dates of the store into *out (any previous content is not freed).
 * Returns 0 (out->n may be 0), negative with err set. */
int maat_org_snapshots_list(maat_db *db, maat_org_snapshots *out, maat_err *err);

/* Frees the dates; the struct is zeroed and can be reused. NULL-safe. */
void maat_org_snapshots_fini(maat_org_snapshots *s);

/* The index in s of the snapshot in force on date: the latest one on or before it, the earliest
 * when none is before; -1 only when s holds no snapshot. date is "yyyy-mm-dd"; a longer ISO
 * text ("2026-01-31T10:00") is compared by its first 10 characters. No I/O: call it per event. */
ssize_t maat_org_snapshots_in_force(const maat_org_snapshots *s, const char *date);

/* The index of the latest snapshot on or before date (NULL = the latest of all), or -1 when
 * none is that old (or s is empty): what `--as-of DATE` of the org commands picks. */
ssize_t maat_org_snapshots_as_of(const maat_org_snapshots *s, const char *date);

/* maat_org_snapshots_in_force() against the store: 0 and *out (new string, caller frees), 1 when
 * no org chart was imported (*out = NULL), negative with err set. */
int maat_org_snapshot_in_force(maat_db *db, const char *date, char **out, maat_err *err);

/* Loads exactly the snapshot dated snapshot (a date from maat_org_snapshots_list) as the org
 * model, with the flags of maat_org_load_flags(). Returns 0 and *out (caller frees with
 * maat_org_free), 1 when the store holds no snapshot of that date (*out = NULL), negative with
 * err set. Load each snapshot once and keep it: a load reads every row of the chart. */
int maat_org_load_snapshot(maat_db *db, const char *snapshot, unsigned flags, maat_org **out,
			   maat_err *err);

/* A short English name of an anomaly kind ("self-loop", "orphan", ...); static. */
const char *maat_org_anomaly_name(int kind);

/* Loads the org chart of snapshot as_of (NULL = the latest; a date = the latest snapshot on or
 * before it, see maat_org_snapshot). Returns 0 and *out (caller frees with maat_org_free), 1 when
 * no org chart was imported or none is that old (*out = NULL), negative with err set. */
int maat_org_load(maat_db *db, const char *as_of, maat_org **out, maat_err *err);

/* Flags for maat_org_load_flags(). */
enum maat_org_load_flags {
	/* leave name, title, unit, e-mail, grade and role NULL (figures only: faster) */
	MAAT_ORG_LOAD_IDS_ONLY = 1 << 0,
};

/* maat_org_load with flags. */
int maat_org_load_flags(maat_db *db, const char *as_of, unsigned flags, maat_org **out,
			maat_err *err);

/* NULL-safe. */
void maat_org_free(maat_org *org);

/* The node whose id, e-mail or name equals key (case-insensitive, trimmed), or -1. Ids are
 * tried first (an all-digit key with leading zeros also as its canonical form, so "0042" finds
 * the post stored as "42" under --normalise-ids), then e-mail, then names. The lookup table is
 * built on the first call (so the first call on an org must not race with others). */
ssize_t maat_org_find(const maat_org *org, const char *key);

/* True when anc is a strict ancestor of node (walks parents; bounded by the depth). */
bool maat_org_is_ancestor(const maat_org *org, size_t anc, size_t node);

#endif
