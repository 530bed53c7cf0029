/* Graphs: exact agwrite() DOT text for small org charts and handover networks, the collapse
 * rule on generated 20k-node trees (checked against depths computed here independently), and
 * rendering through "<file>.tmp". */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maatlat/graph.h"
#include "maatlat/util.h"

static char tmpdir[64];

static int
setup(void **state)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/maat-graph-XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char *cmd = maat_xasprintf("rm -rf '%s'", tmpdir);
	int rc = system(cmd);
	free(cmd);
	maat_graph_shutdown();
	return rc == 0 ? 0 : -1;
}

/* The attribute defaults every graph declares (graph-level lines differ per graph). */
#define NODE_EDGE_DEFAULTS(arrow)                                                                  \
	"\tnode [fillcolor=white,\n"                                                               \
	"\t\tfontname=Helvetica,\n"                                                                \
	"\t\tfontsize=10,\n"                                                                       \
	"\t\tlabel=\"\\N\",\n"                                                                     \
	"\t\tperipheries=1,\n"                                                                     \
	"\t\tshape=box,\n"                                                                         \
	"\t\tstyle=\"rounded,filled\"\n"                                                           \
	"\t];\n"                                                                                   \
	"\tedge [arrowhead=" arrow ",\n"                                                           \
	"\t\tcolor=gray40,\n"                                                                      \
	"\t\tfontcolor=black,\n"                                                                   \
	"\t\tfontname=Helvetica,\n"                                                                \
	"\t\tfontsize=9,\n"                                                                        \
	"\t\tpenwidth=1\n"                                                                         \
	"\t];\n"

#define LEGEND                                                                                     \
	"\tsubgraph cluster_legend {\n"                                                            \
	"\t\tgraph [color=gray60,\n"                                                               \
	"\t\t\tlabel=Legend,\n"                                                                    \
	"\t\t\tstyle=dashed\n"                                                                     \
	"\t\t];\n"                                                                                 \
	"\t\tlegend_one\t[fillcolor=\"#FFC7CE\",\n"                                                \
	"\t\t\tlabel=\"manager of one\"];\n"                                                       \
	"\t\tlegend_thin\t[fillcolor=\"#FFEB9C\",\n"                                               \
	"\t\t\tlabel=\"thin manager (span < 3)\"];\n"                                              \
	"\t\tlegend_pass\t[fillcolor=\"#FFC7CE\",\n"                                               \
	"\t\t\tlabel=\"pass-through manager\",\n"                                                  \
	"\t\t\tperipheries=2];\n"                                                                  \
	"\t\tlegend_more\t[fillcolor=\"#EEEEEE\",\n"                                               \
	"\t\t\tlabel=\"+N people: collapsed\",\n"                                                  \
	"\t\t\tstyle=\"filled,dashed\"];\n"                                                        \
	"\t}\n"

/* Anna (top, 2 reports) -> Bob (manager of one) -> Dirk; Anna -> "C\N" (a backslash that
 * Graphviz would expand to the node name unless doubled). */
static const maat_tree_node small_org[] = {
    {-1, "Anna", "Director", "Board", 2, 0, 1},
    {0, "Bob", "Head", "IT", 1, MAAT_TREE_MANAGER_OF_ONE | MAAT_TREE_THIN, 1},
    {0, "C\\N", NULL, "HR", 0, 0, 1},
    {1, "Dirk", NULL, NULL, 0, 0, 1},
};

static void
test_graph_org_small_dot(void **state)
{
	static const char expect[] = "digraph org {\n"
				     "\tgraph [fontname=Helvetica,\n"
				     "\t\tlabelloc=t,\n"
				     "\t\tnodesep=0.15,\n"
				     "\t\trankdir=TB,\n"
				     "\t\tranksep=0.4\n"
				     "\t];\n" NODE_EDGE_DEFAULTS("none") LEGEND
	    /* C\N and Dirk have no reports: listed in their manager's box, no box of their own */
	    "\tn0\t[label=\"Anna\\nDirector\\nBoard\\nspan 2\\n\xC2\xB7 C\\\\N\"];\n"
	    "\tn1\t[fillcolor=\"#FFC7CE\",\n"
	    "\t\tlabel=\"Bob\\nHead\\nIT\\nspan 1\\n\xC2\xB7 Dirk\"];\n"
	    "\tn0 -> n1;\n"
	    "}\n";
	maat_err err = {0};
	maat_org_graph_stats st;
	Agraph_t *g = maat_graph_org(small_org, 4, NULL, &st, &err);
	char *dot;
	assert_non_null(g);
	dot = maat_graph_dot(g);
	assert_string_equal(dot, expect);
	/* 2 boxes (Anna, Bob) with 2 staff folded in (C\N, Dirk); 3 layers in the tree, the
	 * 2 layers of boxes shown, nothing collapsed */
	assert_int_equal(st.boxes, 2);
	assert_int_equal(st.folded, 2);
	assert_int_equal(st.collapsed_boxes, 0);
	assert_int_equal(st.depth, 3);
	assert_int_equal(st.depth_shown, 2);
	free(dot);
	maat_graph_free(g);
}

static void
test_graph_org_subtree_and_units(void **state)
{
	maat_org_graph_options o = {.has_root = true, .root = 1, .by_unit = true};
	maat_err err = {0};
	maat_org_graph_stats st;
	Agraph_t *g = maat_graph_org(small_org, 4, &o, &st, &err);
	char *dot;
	assert_non_null(g);
	dot = maat_graph_dot(g);
	/* Bob's subtree: Bob's box in a cluster for IT, Dirk (no reports) listed inside it */
	assert_int_equal(st.boxes, 1);
	assert_int_equal(st.folded, 1);
	assert_int_equal(st.depth, 2);
	assert_non_null(strstr(dot, "subgraph cluster_u0 {"));
	assert_non_null(strstr(dot, "label=IT"));
	assert_non_null(strstr(dot, "\xC2\xB7 Dirk"));
	assert_null(strstr(dot, "n3"));
	assert_null(strstr(dot, "n0"));
	assert_null(strstr(dot, "n2"));
	free(dot);
	maat_graph_free(g);
	/* a root out of range is a usage error */
	o.root = 4;
	assert_null(maat_graph_org(small_org, 4, &o, NULL, &err));
	assert_int_equal(err.code, 64);
}

static void
test_graph_org_cycle_unplaced(void **state)
{
	/* 0 is the top; 1 -> 2 -> 1 is a cycle with no way up; 3 reports to 2 */
	static const maat_tree_node nodes[] = {
	    {-1, "Top", NULL, NULL, 0, 0, 1}, {2, "X", NULL, NULL, 1, 0, 1},
	    {1, "Y", NULL, NULL, 2, 0, 1},    {2, "Z", NULL, NULL, 0, 0, 1},
	    {4, "Self", NULL, NULL, 0, 0, 1},
	};
	maat_err err = {0};
	maat_org_graph_stats st;
	Agraph_t *g = maat_graph_org(nodes, 5, NULL, &st, &err);
	/* Top and Self (its own manager: a top post) drawn; X, Y, Z have no path to a top */
	assert_int_equal(st.boxes, 2);
	assert_int_equal(st.unplaced, 3);
	maat_graph_free(g);
}

/* A branching-7 tree of 6 layers: 1 + 7 + 49 + 343 + 2401 + 16807 = 19,608 nodes. */
static maat_tree_node *
seven_tree(size_t *n)
{
	size_t total = 1 + 7 + 49 + 343 + 2401 + 16807;
	maat_tree_node *nodes = maat_xcalloc(total, sizeof(*nodes));
	for (size_t i = 0; i < total; i++) {
		nodes[i].parent = i == 0 ? -1 : (ssize_t)((i - 1) / 7);
		nodes[i].label = "P";
	}
	*n = total;
	return nodes;
}

/* Sums N over the "+N people" labels in the DOT text. */
static size_t
sum_collapsed(const char *dot, size_t *boxes)
{
	size_t sum = 0;
	*boxes = 0;
	for (const char *p = dot; (p = strstr(p, "label=\"+")) != NULL; p++) {
		unsigned long v;
		if (sscanf(p, "label=\"+%lu people\"", &v) == 1) {
			sum += v;
			(*boxes)++;
		}
	}
	return sum;
}

static void
test_graph_org_collapse_regular(void **state)
{
	size_t n, labelled;
	maat_tree_node *nodes = seven_tree(&n);
	maat_err err = {0};
	maat_org_graph_stats st;
	Agraph_t *g = maat_graph_org(nodes, n, NULL, &st, &err);
	char *dot = maat_graph_dot(g);
	/* The 16,807 layer-6 nodes have no reports: they fold into their layer-5 managers, so
	 * 2,801 nodes need a box. Budget 1500 - 4 legend boxes = 1496. Layers 1-4 hold 1 + 7 +
	 * 49 + 343 = 400 boxes, plus one "+N" box for each of the 343 layer-4 nodes = 743 <=
	 * 1496; layer 5 would need 2801 boxes alone. Each layer-4 subtree has 7 + 49 = 56 people
	 * below its top, none folded into a drawn box. */
	assert_int_equal(st.depth, 6);
	assert_int_equal(st.depth_shown, 4);
	assert_int_equal(st.boxes, 400);
	assert_int_equal(st.collapsed_boxes, 343);
	assert_int_equal(st.collapsed_nodes, 343 * 56);
	assert_int_equal(st.folded, 0);
	assert_int_equal(st.boxes + st.collapsed_nodes, n);
	assert_int_equal((size_t)agnnodes(g), 400 + 343 + 4);
	assert_int_equal(sum_collapsed(dot, &labelled), 343 * 56);
	assert_int_equal(labelled, 343);
	assert_non_null(strstr(dot, "label=\"+56 people\""));
	free(dot);
	maat_graph_free(g);
	free(nodes);
}

static void
test_graph_org_collapse_random(void **state)
{
	/* 20,000 nodes, each under a pseudo-random earlier node (a deterministic LCG), so the
	 * shape is irregular; depths and subtree sizes are recomputed here by a different method
	 * (parents come first, so one forward pass gives depths) */
	const size_t n = 20000, budget = MAAT_GRAPH_MAX_BOXES - 4;
	maat_tree_node *nodes = maat_xcalloc(n, sizeof(*nodes));
	int *depth = maat_xcalloc(n, sizeof(*depth));
	size_t *count = maat_xcalloc(n + 2, sizeof(*count));
	size_t *internal = maat_xcalloc(n + 2, sizeof(*internal));
	bool *has_kids = maat_xcalloc(n, sizeof(*has_kids));
	bool *box_kids = maat_xcalloc(n, sizeof(*box_kids));
	uint32_t seed = 12345;
	int maxdepth = 1, bmax = 1;
	size_t cum = 0, labelled;
	maat_err err = {0};
	maat_org_graph_stats st;
	Agraph_t *g;
	char *dot;

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		/* parents drawn from the most recent 3000 nodes make a deep, bushy tree */
		nodes[i].parent =
		    i == 0 ? -1 : (ssize_t)(i - 1 - (seed >> 8) % (i < 3000 ? i : 3000));
		nodes[i].label = "P";
		depth[i] = i == 0 ? 1 : depth[nodes[i].parent] + 1;
		if (i > 0) {
			has_kids[nodes[i].parent] = true;
		}
		maxdepth = depth[i] > maxdepth ? depth[i] : maxdepth;
	}
	/* a node without reports (but node 0, the top) folds into its manager's box: only the
	 * others need a box, and a box needs a "+N" box below the cut only for boxed reports */
	for (size_t i = 1; i < n; i++) {
		if (has_kids[i]) {
			box_kids[nodes[i].parent] = true;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !has_kids[i]) {
			continue;
		}
		count[depth[i]]++;
		internal[depth[i]] += box_kids[i];
		bmax = depth[i] > bmax ? depth[i] : bmax;
	}
	g = maat_graph_org(nodes, n, NULL, &st, &err);
	dot = maat_graph_dot(g);
	assert_int_equal(st.depth, maxdepth);
	assert_true(st.depth_shown >= 1 && st.depth_shown < bmax);
	/* the shown layer fits, the next one would not */
	for (int d = 1; d <= st.depth_shown; d++) {
		cum += count[d];
	}
	assert_true(cum + internal[st.depth_shown] <= budget);
	assert_true(cum + count[st.depth_shown + 1] + internal[st.depth_shown + 1] > budget);
	assert_int_equal(st.boxes, cum);
	assert_int_equal(st.collapsed_boxes, internal[st.depth_shown]);
	/* every node is drawn, listed in a drawn box or counted in exactly one "+N people" box */
	assert_int_equal(st.boxes + st.folded + st.collapsed_nodes, n);
	assert_int_equal(sum_collapsed(dot, &labelled), st.collapsed_nodes);
	assert_int_equal(labelled, st.collapsed_boxes);
	assert_true((size_t)agnnodes(g) <= MAAT_GRAPH_MAX_BOXES);
	free(dot);
	maat_graph_free(g);
	free(nodes);
	free(depth);
	free(count);
	free(internal);
	free(has_kids);
	free(box_kids);
}

static void
test_graph_org_too_many_tops(void **state)
{
	/* 30 tops, each with one report; a budget of 13 boxes leaves 10 after the legend:
	 * 4 tops with their "+1" box (8 boxes) and one box for the other 26 tops and their
	 * 26 reports (52 people): 4 + 4 + 52 = 60 nodes accounted for */
	maat_tree_node nodes[60];
	maat_org_graph_options o = {.max_boxes = 13};
	maat_org_graph_stats st;
	maat_err err = {0};
	Agraph_t *g;
	for (size_t i = 0; i < 60; i++) {
		nodes[i] =
		    (maat_tree_node){i < 30 ? -1 : (ssize_t)(i - 30), "P", NULL, NULL, 0, 0, 1};
	}
	g = maat_graph_org(nodes, 60, &o, &st, &err);
	assert_int_equal(st.depth_shown, 0);
	assert_int_equal(st.boxes, 4);
	assert_int_equal(st.collapsed_boxes, 5);
	assert_int_equal(st.collapsed_nodes, 4 + 52);
	assert_int_equal(st.boxes + st.collapsed_nodes, 60);
	assert_true((size_t)agnnodes(g) <= 13);
	maat_graph_free(g);
}

static void
test_graph_handovers_dot(void **state)
{
	/* A->A (self-succession, not a handover) is skipped; the top 3 of the 4 other pairs by
	 * count, ties by from then to: A->B 5, B->A 3, B->C 3 (C->D 1 left out). Pen width
	 * 1 + 5 * count / 5: 6.0 and 4.0. A<->B carries ping-pong: red. */
	static const maat_graph_edge edges[] = {
	    {"A", "B", 5, 1}, {"B", "A", 3, 1}, {"A", "A", 9, 0},
	    {"B", "C", 3, 0}, {"C", "D", 1, 0},
	};
	static const char expect[] =
	    "digraph handovers {\n"
	    "\tgraph [fontname=Helvetica,\n"
	    "\t\tlabel=\"Handovers: the 3 largest of 4 pairs; red = handed over in both "
	    "directions\",\n"
	    "\t\tlabelloc=t,\n"
	    "\t\tnodesep=0.15,\n"
	    "\t\trankdir=LR,\n"
	    "\t\tranksep=0.8\n"
	    "\t];\n" NODE_EDGE_DEFAULTS("normal") "\tr0\t[label=A];\n"
						  "\tr1\t[label=B];\n"
						  "\tr0 -> r1\t[color=\"#C00000\",\n"
						  "\t\tfontcolor=\"#C00000\",\n"
						  "\t\tlabel=5,\n"
						  "\t\tpenwidth=6.0];\n"
						  "\tr1 -> r0\t[color=\"#C00000\",\n"
						  "\t\tfontcolor=\"#C00000\",\n"
						  "\t\tlabel=3,\n"
						  "\t\tpenwidth=4.0];\n"
						  "\tr2\t[label=C];\n"
						  "\tr1 -> r2\t[label=3,\n"
						  "\t\tpenwidth=4.0];\n"
						  "}\n";
	maat_err err = {0};
	size_t shown = 0;
	Agraph_t *g = maat_graph_handovers(edges, 5, 3, &shown, &err);
	char *dot = maat_graph_dot(g);
	assert_int_equal(shown, 3);
	assert_string_equal(dot, expect);
	free(dot);
	maat_graph_free(g);
}

static bool
exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

static void
test_graph_render_files(void **state)
{
	char *svg = maat_xasprintf("%s/org.svg", tmpdir),
	     *dotf = maat_xasprintf("%s/org.DOT", tmpdir);
	char *bad = maat_xasprintf("%s/org.jpg", tmpdir), *tmp = maat_xasprintf("%s.tmp", svg);
	char *missing = maat_xasprintf("%s/no/such/dir/org.svg", tmpdir);
	maat_err err = {0};
	Agraph_t *g = maat_graph_org(small_org, 4, NULL, NULL, &err);
	FILE *f;
	char head[256] = {0};

	assert_int_equal(maat_graph_format("a.SVG") != NULL, 1);
	assert_null(maat_graph_format("a.jpg"));
	assert_null(maat_graph_format("noext"));
	assert_int_equal(maat_graph_render(g, svg, &err), 0);
	assert_true(exists(svg));
	assert_false(exists(tmp));
	f = fopen(svg, "r");
	assert_non_null(f);
	assert_true(fread(head, 1, sizeof(head) - 1, f) > 0);
	fclose(f);
	assert_non_null(strstr(head, "<svg"));
	assert_int_equal(maat_graph_render(g, dotf, &err), 0);
	assert_true(exists(dotf));
	assert_int_equal(maat_graph_render(g, bad, &err), -64);
	assert_false(exists(bad));
	assert_int_equal(maat_graph_render(g, missing, &err), -73);
	maat_graph_free(g);
	free(svg);
	free(dotf);
	free(bad);
	free(tmp);
	free(missing);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_graph_org_small_dot),
	    cmocka_unit_test(test_graph_org_subtree_and_units),
	    cmocka_unit_test(test_graph_org_cycle_unplaced),
	    cmocka_unit_test(test_graph_org_collapse_regular),
	    cmocka_unit_test(test_graph_org_collapse_random),
	    cmocka_unit_test(test_graph_org_too_many_tops),
	    cmocka_unit_test(test_graph_handovers_dot),
	    cmocka_unit_test(test_graph_render_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
