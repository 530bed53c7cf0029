/* Graphviz pictures: the org chart (layer as rank, collapsed to what dot can draw) and the
 * handover network, built with cgraph from generic inputs (a parent-index tree, an edge list)
 * and rendered in-process with gvc (one GVC_t per process). */
#ifndef MAAT_GRAPH_H
#define MAAT_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <cgraph.h>

#include "maatlat/err.h"

/* Boxes dot is never handed more of: around 1,500 boxes it still lays out in about a second,
 * while 20,000 take a minute and a picture hundreds of metres wide. */
#define MAAT_GRAPH_MAX_BOXES 1500
/* Edges drawn in the handover graph unless --top says otherwise. */
#define MAAT_GRAPH_TOP_EDGES 30

/* What a box in the org chart is marked with. */
enum maat_tree_flags {
	/* a manager with exactly one report (METRICS.md §1) */
	MAAT_TREE_MANAGER_OF_ONE = 1 << 0,
	/* a manager with span < min_span */
	MAAT_TREE_THIN = 1 << 1,
	/* an aggregate row (junior staff), not a person */
	MAAT_TREE_AGGREGATE = 1 << 2,
	/* a manager of one whose one report is a manager too (METRICS.md §1) */
	MAAT_TREE_PASS_THROUGH = 1 << 3,
};

/* Staff folded into their manager's box are listed by name up to this many; beyond it the box
 * says "+N staff, F FTE". */
#define MAAT_GRAPH_FOLD_LIST 6

/* One node of the generic tree the org chart is drawn from. */
typedef struct maat_tree_node {
	/* index of the manager in the same array, or -1 for a top post; a node that is its own
	 * parent counts as a top post; nodes whose parents form a cycle are not drawn */
	ssize_t parent;
	/* first line of the box (the name, else the id); borrowed, may be NULL */
	const char *label;
	/* job title; borrowed, may be NULL */
	const char *title;
	/* organisational unit (also the cluster under by_unit); borrowed, may be NULL */
	const char *unit;
	/* span of control as METRICS.md §1 defines it; shown on managers (span > 0) */
	double span;
	/* enum maat_tree_flags */
	unsigned flags;
	/* FTE (0 = unknown); summed for the staff folded into a manager's box */
	double fte;
} maat_tree_node;

/* How the org chart is drawn. Zero-initialise, then set what differs. */
typedef struct maat_org_graph_options {
	/* most boxes handed to dot; 0 = MAAT_GRAPH_MAX_BOXES */
	size_t max_boxes;
	/* one cluster per unit */
	bool by_unit;
	/* draw only this node's subtree */
	bool has_root;
	/* the subtree's top, when has_root */
	size_t root;
	/* the min_span the THIN flags were set with (for the legend); 0 = 3 */
	int min_span;
} maat_org_graph_options;

/* What maat_graph_org() drew. */
typedef struct maat_org_graph_stats {
	/* nodes drawn as their own box */
	size_t boxes;
	/* individual contributors (no reports) listed in (folded into) a drawn manager's box;
	 * boxes + folded + collapsed_nodes = the nodes placed */
	size_t folded;
	/* "+N people" boxes standing for collapsed subtrees */
	size_t collapsed_boxes;
	/* nodes inside the collapsed subtrees (the sum of the N's) */
	size_t collapsed_nodes;
	/* the deepest layer drawn in full (relative to the top drawn: 1 = the top only) */
	int depth_shown;
	/* the deepest layer of the tree drawn */
	int depth;
	/* nodes in cycles (no path to a top post), not drawn */
	size_t unplaced;
} maat_org_graph_stats;

/* Builds the org chart of the n nodes: boxes top-down (rank = layer) with label, title, unit
 * and span; managers of one and thin managers coloured, pass-through managers with a double
 * border, with a legend. Individual contributors (nodes without reports under a manager) are
 * no boxes of their own: they fold into their manager's box, listed by name up to
 * MAAT_GRAPH_FOLD_LIST, else as "+N staff, F FTE"; so every manager keeps a box while the
 * picture stays a few thousand pixels wide. When the tree has more
 * boxes than opt->max_boxes it is cut at the deepest layer that fits, each node at that layer
 * with reports getting one "+N people" box for its whole subtree. Runs in O(n) before the
 * drawing, so a million nodes take well under a second. stats (optional) says what was drawn.
 * Returns a new graph (free with maat_graph_free()), or NULL with err set (MAAT_E_USAGE for a
 * root out of range). */
Agraph_t *maat_graph_org(const maat_tree_node *nodes, size_t n, const maat_org_graph_options *opt,
			 maat_org_graph_stats *stats, maat_err *err);

/* One weighted edge of the handover network. */
typedef struct maat_graph_edge {
	/* the unit or resource handing over; borrowed */
	const char *from;
	/* the unit or resource receiving; borrowed */
	const char *to;
	/* handovers from -> to */
	int64_t count;
	/* ping-pong occurrences (A -> B -> A) on this pair; > 0 highlights the edge */
	int64_t pingpong;
} maat_graph_edge;

/* Builds the handover network: the top edges (0 = MAAT_GRAPH_TOP_EDGES) by count (ties by from,
 * then to; self-successions skipped, they are no handovers), pen width by count, ping-pong
 * edges red. *shown (optional) receives the number of edges drawn. Returns a new graph, or
 * NULL with err set. */
Agraph_t *maat_graph_handovers(const maat_graph_edge *edges, size_t n, size_t top, size_t *shown,
			       maat_err *err);

/* The Graphviz output format for path's extension (.svg .png .pdf .dot, any case), or NULL. */
const char *maat_graph_format(const char *path);

/* Lays g out with dot and writes it to path in the format of its extension (.dot: the graph as
 * built, no layout), through "<path>.tmp" and rename(). Nothing is left at path on failure:
 * MAAT_E_USAGE for an unknown extension, MAAT_E_CANTCREAT, MAAT_E_IO, MAAT_E_INTERNAL when
 * Graphviz fails (its message kept, never printed). */
int maat_graph_render(Agraph_t *g, const char *path, maat_err *err);

/* Lays g out with dot and renders it as SVG into memory: *svg receives a new NUL-terminated
 * string (caller frees). Returns 0, or MAAT_E_INTERNAL with err set when Graphviz fails. */
int maat_graph_svg(Agraph_t *g, char **svg, maat_err *err);

/* The DOT text of g as agwrite() writes it. Caller frees. */
char *maat_graph_dot(Agraph_t *g);

/* NULL-safe. */
void maat_graph_free(Agraph_t *g);

/* Frees the process's Graphviz context (created by the first render). Call once at exit. */
void maat_graph_shutdown(void);

#endif
