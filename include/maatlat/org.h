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
	/* the id as stored (trimmed) */
	char *id;
	/* index of the manager in maat_org.nodes, or -1 for a root, an orphan or a self-loop */
	ssize_t parent;
	/* 1 for roots and orphans; 0 for members of a cycle (no layer) */
	int32_t layer;
	/* optional text fields; NULL when absent */
	char *name;
	char *title;
	char *unit;
	char *email;
	char *grade;
	/* role: "management", "policy", "execution", "support" or NULL */
	char *role;
	/* FTE (summed for job shares; an aggregate row's FTE) */
	double fte;
	/* enum maat_employment */
	int employment;
	/* an aggregate row (UK organogram junior staff): a node, not a person */
	bool aggregate;
} maat_org_node;

typedef struct maat_org {
	/* the nodes, in import order; nodes[i].parent indexes this array */
	maat_org_node *nodes;
	/* number of nodes */
	size_t n;
	/* the snapshot date loaded (yyyy-mm-dd) or "" when the import gave none; owned */
	char *as_of;
	/* opaque lookup state (hash of id, e-mail and name); owned */
	void *index;
} maat_org;

/* Loads the org chart of snapshot as_of (NULL = the latest). Returns 0 and *out (caller frees
 * with maat_org_free), 1 when no org chart was imported (*out = NULL), negative with err set. */
int maat_org_load(maat_db *db, const char *as_of, maat_org **out, maat_err *err);

/* NULL-safe. */
void maat_org_free(maat_org *org);

/* The node whose id, e-mail or name equals key (case-insensitive, trimmed), or -1. */
ssize_t maat_org_find(const maat_org *org, const char *key);

/* True when anc is a strict ancestor of node (walks parents; bounded by the depth). */
bool maat_org_is_ancestor(const maat_org *org, size_t anc, size_t node);

#endif
