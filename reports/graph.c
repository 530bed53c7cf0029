#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gvc.h>
#include <types.h>

#include "maatlat/graph.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"

/* Characters of one field on a box; longer text is cut with an ellipsis. */
#define FIELD_MAX 40
/* Boxes of the legend, taken from the budget. */
#define LEGEND_BOXES 4

/* Fill colours: the same presets the workbook uses for red and yellow. */
#define COLOR_ONE "#FFC7CE"
#define COLOR_THIN "#FFEB9C"
#define COLOR_MORE "#EEEEEE"
#define COLOR_PINGPONG "#C00000"

/* Graphviz keeps its messages here instead of printing them (library code never prints). */
static char gv_message[512];
static GVC_t *gvc;

static int
keep_message(char *msg)
{
	size_t used = strlen(gv_message);
	if (used + 1 < sizeof(gv_message)) {
		snprintf(gv_message + used, sizeof(gv_message) - used, "%s", msg);
	}
	return 0;
}

/* Appends field to b as one label line: valid UTF-8, cut to FIELD_MAX characters, backslashes
 * doubled so that Graphviz's escapes (\N, \G, \n, ...) in user text stay literal. */
static void
append_field(maat_buf *b, const char *field)
{
	const unsigned char *p = (const unsigned char *)field;
	size_t chars = 0;
	if (b->len > 0) {
		maat_buf_append(b, "\\n", 2);
	}
	while (*p != '\0') {
		size_t len = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : 4;
		if (chars == FIELD_MAX) {
			maat_buf_append(b, "\xE2\x80\xA6", 3);
			return;
		}
		if (!maat_utf8_valid((const char *)p, strnlen((const char *)p, len)) ||
		    strnlen((const char *)p, len) < len) {
			/* an invalid byte: skipped */
			p++;
			continue;
		}
		if (*p == '\\') {
			maat_buf_append(b, "\\\\", 2);
		} else if (*p < 0x20) {
			maat_buf_append(b, " ", 1);
		} else {
			maat_buf_append(b, (const char *)p, len);
		}
		p += len;
		chars++;
	}
}

static void
set(void *obj, const char *name, const char *value)
{
	agset(obj, (char *)name, (char *)value);
}

/* Declares the attributes the graphs use, with their defaults (agwrite lists them once). */
static Agraph_t *
new_graph(const char *name, bool directed_tree)
{
	Agraph_t *g = agopen((char *)name, Agdirected, NULL);
	agattr(g, AGRAPH, "label", "");
	agattr(g, AGRAPH, "labelloc", "t");
	agattr(g, AGRAPH, "fontname", "Helvetica");
	agattr(g, AGRAPH, "rankdir", directed_tree ? "TB" : "LR");
	agattr(g, AGRAPH, "nodesep", "0.15");
	agattr(g, AGRAPH, "ranksep", directed_tree ? "0.4" : "0.8");
	agattr(g, AGRAPH, "style", "");
	agattr(g, AGRAPH, "color", "");
	agattr(g, AGNODE, "shape", "box");
	agattr(g, AGNODE, "style", "rounded,filled");
	agattr(g, AGNODE, "fillcolor", "white");
	agattr(g, AGNODE, "fontname", "Helvetica");
	agattr(g, AGNODE, "fontsize", "10");
	agattr(g, AGNODE, "label", "\\N");
	agattr(g, AGNODE, "peripheries", "1");
	agattr(g, AGEDGE, "color", "gray40");
	agattr(g, AGEDGE, "arrowhead", directed_tree ? "none" : "normal");
	agattr(g, AGEDGE, "penwidth", "1");
	agattr(g, AGEDGE, "label", "");
	agattr(g, AGEDGE, "fontname", "Helvetica");
	agattr(g, AGEDGE, "fontsize", "9");
	agattr(g, AGEDGE, "fontcolor", "black");
	return g;
}

static void
format_span(char *out, size_t size, double span)
{
	if (span == floor(span) && span < 1e9) {
		snprintf(out, size, _("span %.0f"), span);
	} else {
		snprintf(out, size, _("span %.1f"), span);
	}
}

/* The staff folded into a box: kids[from..to) of nodes, those with fold set. */
typedef struct folded {
	const size_t *kids;
	size_t from, to;
	const bool *fold;
	size_t count;
	double fte;
} folded;

static Agnode_t *
person_box(Agraph_t *g, Agraph_t *cluster, size_t i, const maat_tree_node *node,
	   const maat_tree_node *nodes, const folded *staff)
{
	char name[32], span[64];
	maat_buf label = {0};
	Agnode_t *v;

	snprintf(name, sizeof(name), "n%zu", i);
	v = agnode(g, name, 1);
	if (cluster != NULL) {
		agsubnode(cluster, v, 1);
	}
	append_field(&label, node->label != NULL && *node->label ? node->label : "?");
	if (node->title != NULL && *node->title) {
		append_field(&label, node->title);
	}
	/* inside a unit's cluster the cluster's label names the unit */
	if (cluster == NULL && node->unit != NULL && *node->unit) {
		append_field(&label, node->unit);
	}
	if (node->span > 0) {
		format_span(span, sizeof(span), node->span);
		append_field(&label, span);
	}
	if (staff != NULL && staff->count > 0 && staff->count <= MAAT_GRAPH_FOLD_LIST) {
		for (size_t k = staff->from; k < staff->to; k++) {
			const maat_tree_node *c = &nodes[staff->kids[k]];
			if (staff->fold[staff->kids[k]]) {
				char *line = maat_xasprintf(
				    "\xC2\xB7 %s", c->label != NULL && *c->label ? c->label : "?");
				append_field(&label, line);
				free(line);
			}
		}
	} else if (staff != NULL && staff->count > 0) {
		char fte[32], *line;
		maat_i18n_real(fte, sizeof(fte), staff->fte, 1);
		line = maat_xasprintf(P_("+%zu staff, %s FTE", "+%zu staff, %s FTE", staff->count),
				      staff->count, fte);
		append_field(&label, line);
		free(line);
	}
	set(v, "label", label.data);
	maat_buf_fini(&label);
	if (node->flags & MAAT_TREE_MANAGER_OF_ONE) {
		set(v, "fillcolor", COLOR_ONE);
	} else if (node->flags & MAAT_TREE_THIN) {
		set(v, "fillcolor", COLOR_THIN);
	}
	if (node->flags & MAAT_TREE_AGGREGATE) {
		set(v, "style", "rounded,filled,dashed");
	}
	if (node->flags & MAAT_TREE_PASS_THROUGH) {
		set(v, "peripheries", "2");
	}
	return v;
}

static Agnode_t *
more_box(Agraph_t *g, const char *name, size_t count)
{
	Agnode_t *v = agnode(g, (char *)name, 1);
	char *label = maat_xasprintf(_("+%zu people"), count);
	set(v, "label", label);
	set(v, "fillcolor", COLOR_MORE);
	set(v, "style", "filled,dashed");
	free(label);
	return v;
}

static void
legend(Agraph_t *g, int min_span)
{
	Agraph_t *sub = agsubg(g, "cluster_legend", 1);
	char *thin = maat_xasprintf(_("thin manager (span < %d)"), min_span);
	Agnode_t *v;
	set(sub, "label", _("Legend"));
	set(sub, "style", "dashed");
	set(sub, "color", "gray60");
	v = agnode(sub, "legend_one", 1);
	set(v, "label", _("manager of one"));
	set(v, "fillcolor", COLOR_ONE);
	v = agnode(sub, "legend_thin", 1);
	set(v, "label", thin);
	set(v, "fillcolor", COLOR_THIN);
	v = agnode(sub, "legend_pass", 1);
	set(v, "label", _("pass-through manager"));
	set(v, "fillcolor", COLOR_ONE);
	set(v, "peripheries", "2");
	v = agnode(sub, "legend_more", 1);
	set(v, "label", _("+N people: collapsed"));
	set(v, "fillcolor", COLOR_MORE);
	set(v, "style", "filled,dashed");
	free(thin);
}

/* The cluster for unit, created on first use; clusters are few (one per unit shown). */
static Agraph_t *
unit_cluster(Agraph_t *g, const char *unit, const char ***units, size_t *nunits)
{
	char name[32];
	size_t k;
	Agraph_t *sub;
	maat_buf label = {0};
	if (unit == NULL || *unit == '\0') {
		return NULL;
	}
	for (k = 0; k < *nunits; k++) {
		if (strcmp((*units)[k], unit) == 0) {
			break;
		}
	}
	snprintf(name, sizeof(name), "cluster_u%zu", k);
	if (k < *nunits) {
		return agsubg(g, name, 0);
	}
	*units = maat_xreallocarray(*units, *nunits + 1, sizeof(**units));
	(*units)[(*nunits)++] = unit;
	sub = agsubg(g, name, 1);
	append_field(&label, unit);
	set(sub, "label", label.data);
	set(sub, "style", "rounded");
	set(sub, "color", "gray60");
	maat_buf_fini(&label);
	return sub;
}

static bool
is_top(const maat_tree_node *nodes, size_t n, size_t i)
{
	return nodes[i].parent < 0 || (size_t)nodes[i].parent >= n || (size_t)nodes[i].parent == i;
}

Agraph_t *
maat_graph_org(const maat_tree_node *nodes, size_t n, const maat_org_graph_options *opt,
	       maat_org_graph_stats *stats, maat_err *err)
{
	maat_org_graph_options o = opt ? *opt : (maat_org_graph_options){0};
	maat_org_graph_stats st = {0};
	size_t budget, *first = NULL, *kids = NULL, *order = NULL, *size = NULL, head = 0, tail = 0;
	size_t *count = NULL, *internal = NULL, cum = 0;
	int *depth = NULL, maxdepth = 0, shown = 0, bmax = 0;
	bool *fold = NULL;
	size_t *nfold = NULL, *boxkids = NULL;
	double *fold_fte = NULL;
	Agnode_t **boxes = NULL;
	const char **units = NULL;
	size_t nunits = 0;
	Agraph_t *g = NULL;

	if (o.has_root && o.root >= n) {
		maat_err_set(err, MAAT_E_USAGE, "%s", _("the root is not in the org chart"));
		return NULL;
	}
	budget = o.max_boxes ? o.max_boxes : MAAT_GRAPH_MAX_BOXES;
	budget = budget > LEGEND_BOXES + 2 ? budget - LEGEND_BOXES : 2;
	if (o.min_span <= 0) {
		o.min_span = 3;
	}
	/* children as one array (counting sort by parent), in input order */
	first = maat_xcalloc(n + 1, sizeof(*first));
	kids = maat_xcalloc(n ? n : 1, sizeof(*kids));
	for (size_t i = 0; i < n; i++) {
		if (!is_top(nodes, n, i)) {
			first[nodes[i].parent + 1]++;
		}
	}
	for (size_t i = 0; i < n; i++) {
		first[i + 1] += first[i];
	}
	{
		size_t *fill = maat_xcalloc(n ? n : 1, sizeof(*fill));
		for (size_t i = 0; i < n; i++) {
			if (!is_top(nodes, n, i)) {
				size_t p = (size_t)nodes[i].parent;
				kids[first[p] + fill[p]++] = i;
			}
		}
		free(fill);
	}
	/* breadth first from the tops: depth and an order parents-before-children */
	order = maat_xcalloc(n ? n : 1, sizeof(*order));
	depth = maat_xcalloc(n ? n : 1, sizeof(*depth));
	if (o.has_root) {
		order[tail++] = o.root;
		depth[o.root] = 1;
	} else {
		for (size_t i = 0; i < n; i++) {
			if (is_top(nodes, n, i)) {
				order[tail++] = i;
				depth[i] = 1;
			}
		}
	}
	while (head < tail) {
		size_t v = order[head++];
		if (depth[v] > maxdepth) {
			maxdepth = depth[v];
		}
		for (size_t k = first[v]; k < first[v + 1]; k++) {
			size_t c = kids[k];
			/* in a tree each node is reached once; the check guards against a caller's
			 * root inside a cycle */
			if (depth[c] == 0) {
				depth[c] = depth[v] + 1;
				order[tail++] = c;
			}
		}
	}
	if (!o.has_root) {
		st.unplaced = n - tail;
	}
	st.depth = maxdepth;
	/* individual contributors (no reports, under a manager) fold into their manager's box */
	fold = maat_xcalloc(n ? n : 1, sizeof(*fold));
	nfold = maat_xcalloc(n ? n : 1, sizeof(*nfold));
	boxkids = maat_xcalloc(n ? n : 1, sizeof(*boxkids));
	fold_fte = maat_xcalloc(n ? n : 1, sizeof(*fold_fte));
	for (size_t k = 0; k < tail; k++) {
		size_t v = order[k];
		if (first[v + 1] == first[v] && !is_top(nodes, n, v) &&
		    !(o.has_root && v == o.root)) {
			size_t p = (size_t)nodes[v].parent;
			fold[v] = true;
			nfold[p]++;
			fold_fte[p] += nodes[v].fte > 0 ? nodes[v].fte : 0;
		} else {
			bmax = depth[v] > bmax ? depth[v] : bmax;
			if (!is_top(nodes, n, v) && !(o.has_root && v == o.root)) {
				boxkids[nodes[v].parent]++;
			}
		}
	}
	/* subtree sizes, children before parents */
	size = maat_xcalloc(n ? n : 1, sizeof(*size));
	for (size_t k = tail; k-- > 0;) {
		size_t v = order[k];
		size[v] += 1;
		if (!is_top(nodes, n, v) && !(o.has_root && v == o.root)) {
			size[nodes[v].parent] += size[v];
		}
	}
	count = maat_xcalloc((size_t)maxdepth + 2, sizeof(*count));
	internal = maat_xcalloc((size_t)maxdepth + 2, sizeof(*internal));
	for (size_t k = 0; k < tail; k++) {
		size_t v = order[k];
		if (!fold[v]) {
			count[depth[v]]++;
			internal[depth[v]] += boxkids[v] > 0;
		}
	}
	/* the deepest layer that fits, with one "+N" box per subtree cut off below it */
	for (int d = 1; d <= bmax; d++) {
		cum += count[d];
		if (cum + (d < bmax ? internal[d] : 0) > budget) {
			break;
		}
		shown = d;
	}
	st.depth_shown = shown;

	g = new_graph("org", true);
	boxes = maat_xcalloc(n ? n : 1, sizeof(*boxes));
	if (shown > 0) {
		for (size_t k = 0; k < tail && depth[order[k]] <= shown; k++) {
			size_t v = order[k];
			Agraph_t *cl;
			folded staff = {kids, first[v], first[v + 1], fold, nfold[v], fold_fte[v]};
			if (fold[v]) {
				continue;
			}
			cl = o.by_unit ? unit_cluster(g, nodes[v].unit, &units, &nunits) : NULL;
			boxes[v] = person_box(g, cl, v, &nodes[v], nodes, &staff);
			st.boxes++;
			st.folded += nfold[v];
			if (!is_top(nodes, n, v) && !(o.has_root && v == o.root) &&
			    boxes[nodes[v].parent] != NULL) {
				agedge(g, boxes[nodes[v].parent], boxes[v], NULL, 1);
			}
			if (depth[v] == shown && shown < bmax && boxkids[v] > 0) {
				char name[32];
				size_t below = size[v] - 1 - nfold[v];
				snprintf(name, sizeof(name), "more%zu", v);
				agedge(g, boxes[v], more_box(g, name, below), NULL, 1);
				st.collapsed_boxes++;
				st.collapsed_nodes += below;
			}
		}
	} else {
		/* even the tops do not fit: draw as many whole-collapsed tops as fit and one boxes
		 * for the rest */
		size_t k = 0, rest = 0;
		for (; k < tail && depth[order[k]] == 1; k++) {
			size_t v = order[k];
			size_t need = 1 + (size[v] > 1);
			if (st.boxes + st.collapsed_boxes + need + 1 > budget) {
				break;
			}
			boxes[v] = person_box(g, NULL, v, &nodes[v], nodes, NULL);
			st.boxes++;
			if (size[v] > 1) {
				char name[32];
				snprintf(name, sizeof(name), "more%zu", v);
				agedge(g, boxes[v], more_box(g, name, size[v] - 1), NULL, 1);
				st.collapsed_boxes++;
				st.collapsed_nodes += size[v] - 1;
			}
		}
		for (; k < tail && depth[order[k]] == 1; k++) {
			rest += size[order[k]];
		}
		if (rest > 0) {
			more_box(g, "more_tops", rest);
			st.collapsed_boxes++;
			st.collapsed_nodes += rest;
		}
	}
	legend(g, o.min_span);
	if (stats != NULL) {
		*stats = st;
	}
	free(units);
	free(boxes);
	free(fold);
	free(nfold);
	free(boxkids);
	free(fold_fte);
	free(count);
	free(internal);
	free(size);
	free(depth);
	free(order);
	free(kids);
	free(first);
	return g;
}

static int
cmp_edge(const void *a, const void *b)
{
	const maat_graph_edge *x = *(const maat_graph_edge *const *)a;
	const maat_graph_edge *y = *(const maat_graph_edge *const *)b;
	int c;
	if (x->count != y->count) {
		return x->count > y->count ? -1 : 1;
	}
	if ((c = strcmp(x->from, y->from)) != 0) {
		return c;
	}
	return strcmp(x->to, y->to);
}

static Agnode_t *
resource_node(Agraph_t *g, const char *name, const char ***names, size_t *nnames)
{
	char id[32];
	size_t k;
	maat_buf label = {0};
	Agnode_t *v;
	for (k = 0; k < *nnames; k++) {
		if (strcmp((*names)[k], name) == 0) {
			break;
		}
	}
	snprintf(id, sizeof(id), "r%zu", k);
	if (k < *nnames) {
		return agnode(g, id, 0);
	}
	*names = maat_xreallocarray(*names, *nnames + 1, sizeof(**names));
	(*names)[(*nnames)++] = name;
	v = agnode(g, id, 1);
	append_field(&label, *name ? name : "?");
	set(v, "label", label.data);
	maat_buf_fini(&label);
	return v;
}

Agraph_t *
maat_graph_handovers(const maat_graph_edge *edges, size_t n, size_t top, size_t *shown,
		     maat_err *err)
{
	const maat_graph_edge **sorted = maat_xcalloc(n ? n : 1, sizeof(*sorted));
	const char **names = NULL;
	size_t m = 0, nnames = 0, drawn = 0;
	int64_t maxcount = 1;
	bool any_pingpong = false;
	Agraph_t *g;

	(void)err;
	for (size_t i = 0; i < n; i++) {
		if (edges[i].from != NULL && edges[i].to != NULL &&
		    strcmp(edges[i].from, edges[i].to) != 0 && edges[i].count > 0) {
			sorted[m++] = &edges[i];
		}
	}
	qsort(sorted, m, sizeof(*sorted), cmp_edge);
	if (top == 0) {
		top = MAAT_GRAPH_TOP_EDGES;
	}
	if (m > 0) {
		maxcount = sorted[0]->count;
	}
	g = new_graph("handovers", false);
	for (size_t i = 0; i < m && drawn < top; i++, drawn++) {
		const maat_graph_edge *e = sorted[i];
		Agnode_t *a = resource_node(g, e->from, &names, &nnames);
		Agnode_t *b = resource_node(g, e->to, &names, &nnames);
		Agedge_t *ed = agedge(g, a, b, NULL, 1);
		char text[32];
		snprintf(text, sizeof(text), "%lld", (long long)e->count);
		set(ed, "label", text);
		snprintf(text, sizeof(text), "%.1f",
			 1.0 + 5.0 * (double)e->count / (double)maxcount);
		set(ed, "penwidth", text);
		if (e->pingpong > 0) {
			set(ed, "color", COLOR_PINGPONG);
			set(ed, "fontcolor", COLOR_PINGPONG);
			any_pingpong = true;
		}
	}
	{
		char *label;
		if (any_pingpong) {
			label = maat_xasprintf(_("Handovers: the %zu largest of %zu pairs; red = "
						 "handed over in both directions"),
					       drawn, m);
		} else {
			label =
			    maat_xasprintf(_("Handovers: the %zu largest of %zu pairs"), drawn, m);
		}
		set(g, "label", label);
		free(label);
	}
	if (shown != NULL) {
		*shown = drawn;
	}
	free(names);
	free(sorted);
	return g;
}

const char *
maat_graph_format(const char *file)
{
	static const char *const exts[][2] = {
	    {".svg", "svg"}, {".png", "png"}, {".pdf", "pdf"}, {".dot", "dot"}, {".gv", "dot"}};
	const char *dot = file ? strrchr(file, '.') : NULL;
	if (dot == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		if (strcasecmp(dot, exts[i][0]) == 0) {
			return exts[i][1];
		}
	}
	return NULL;
}

char *
maat_graph_dot(Agraph_t *g)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (f == NULL) {
		return NULL;
	}
	agwrite(g, f);
	fclose(f);
	return text;
}

/* Cairo cannot draw bitmaps wider or taller than 32,767 pixels; Graphviz then scales down and
 * prints a warning itself. Lower the resolution instead, and lay out again. */
static int
fit_bitmap(Agraph_t *g)
{
	const double max_px = 30000, dpi = 96;
	boxf bb = GD_bb(g);
	double longest = fmax(bb.UR.x - bb.LL.x, bb.UR.y - bb.LL.y) * dpi / 72.0;
	char value[32];
	if (longest <= max_px) {
		return 0;
	}
	snprintf(value, sizeof(value), "%.2f",
		 fmax(1.0, floor(dpi * max_px / longest * 100) / 100));
	gvFreeLayout(gvc, g);
	agsafeset(g, "dpi", value, "");
	return gvLayout(gvc, g, "dot");
}

/* A failed write, in words: a full disk (or a file-size limit) says so. */
static int
write_failed(maat_err *err, const char *file)
{
	int e = errno;
	if (e == ENOSPC || e == EFBIG || e == EDQUOT) {
		return maat_err_set(
		    err, MAAT_E_IO,
		    _("writing %s: the disk is full (or the file too large for it): "
		      "%s; nothing was written"),
		    file, strerror(e));
	}
	return maat_err_set(err, MAAT_E_IO, _("writing %s: %s"), file, strerror(e));
}

int
maat_graph_render(Agraph_t *g, const char *file, maat_err *err)
{
	const char *fmt = maat_graph_format(file);
	char *tmp = NULL;
	FILE *f = NULL;
	int rc = -1;
	agusererrf old;

	if (fmt == NULL) {
		return maat_err_set(err, MAAT_E_USAGE,
				    _("%s: unknown graph format (use .svg, .png, .pdf or .dot)"),
				    file ? file : "");
	}
	tmp = maat_xasprintf("%s.tmp", file);
	if ((f = fopen(tmp, "wb")) == NULL) {
		rc = maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), file,
				  strerror(errno));
		goto out;
	}
	gv_message[0] = '\0';
	old = agseterrf(keep_message);
	if (strcmp(fmt, "dot") == 0) {
		if (agwrite(g, f) == EOF) {
			rc = write_failed(err, file);
		} else {
			rc = 0;
		}
	} else {
		if (gvc == NULL) {
			gvc = gvContext();
		}
		int laid = gvLayout(gvc, g, "dot");
		if (laid == 0 && strcmp(fmt, "png") == 0) {
			laid = fit_bitmap(g);
		}
		if (laid != 0) {
			rc = maat_err_set(err, MAAT_E_INTERNAL, _("laying out the graph: %s"),
					  gv_message);
		} else {
			/* Rendered into memory and written here: Graphviz's own writer
			 * calls exit(1) without a word when a write fails (a full disk). */
			char *data = NULL;
			unsigned int len = 0;
			if (gvRenderData(gvc, g, fmt, &data, &len) != 0) {
				rc = maat_err_set(err, MAAT_E_INTERNAL, _("drawing %s: %s"), file,
						  gv_message);
			} else if (len > 0 && fwrite(data, 1, len, f) != len) {
				rc = write_failed(err, file);
			} else {
				rc = 0;
			}
			gvFreeRenderData(data);
			gvFreeLayout(gvc, g);
		}
	}
	agseterrf(old);
	if (rc == 0 && (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0)) {
		rc = write_failed(err, file);
	}
	if (fclose(f) != 0 && rc == 0) {
		rc = write_failed(err, file);
	}
	if (rc == 0 && rename(tmp, file) != 0) {
		rc = maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), file,
				  strerror(errno));
	}
	if (rc != 0) {
		unlink(tmp);
	}
out:
	free(tmp);
	return rc;
}

int
maat_graph_svg(Agraph_t *g, char **svg, maat_err *err)
{
	char *data = NULL;
	size_t len = 0;
	agusererrf old;
	int rc = 0;

	*svg = NULL;
	if (gvc == NULL) {
		gvc = gvContext();
	}
	gv_message[0] = '\0';
	old = agseterrf(keep_message);
	if (gvLayout(gvc, g, "dot") != 0) {
		rc = maat_err_set(err, MAAT_E_INTERNAL, _("laying out the graph: %s"), gv_message);
	} else {
		unsigned int n = 0;
		if (gvRenderData(gvc, g, "svg", &data, &n) != 0 || data == NULL) {
			rc = maat_err_set(err, MAAT_E_INTERNAL, _("drawing %s: %s"), "SVG",
					  gv_message);
		} else {
			len = n;
			*svg = maat_xmalloc(len + 1);
			memcpy(*svg, data, len);
			(*svg)[len] = '\0';
		}
		gvFreeRenderData(data);
		gvFreeLayout(gvc, g);
	}
	agseterrf(old);
	return rc;
}

void
maat_graph_free(Agraph_t *g)
{
	if (g != NULL) {
		agclose(g);
	}
}

void
maat_graph_shutdown(void)
{
	if (gvc != NULL) {
		gvFreeContext(gvc);
		gvc = NULL;
	}
}
