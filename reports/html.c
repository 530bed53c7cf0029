/* The HTML report (`maatlat report --html FILE`, also written by `maatlat demo`): one
 * self-contained page for people who will not open a workbook. Findings first, per reader (a
 * director, a works council, a policy maker), each a whole sentence with its figure and cap or
 * target, followed by its evidence folded in <details>; then the charts, the org chart and the
 * handover graph, the settings, the sources with their checksums and the definitions.
 *
 * Self-contained: inline CSS and SVG, no script, no font, no image, no link to anything
 * outside the file; a Content-Security-Policy of default-src 'none' makes the browser refuse
 * any request the page might still try. Accessible: headings in order (h1, h2, h3), tables
 * with <caption> and <th scope>, every SVG with role="img", <title> and <desc>, the status of
 * a finding said in words as well as colour, colours with at least 4.5:1 contrast. Prints on
 * A4 (@page, no details folded away on paper, sections start on a new page).
 *
 * Charts: a small SVG writer of our own (bars and columns with axes, axis labels, a value on
 * every bar and an optional cap line). No C library for SVG charts is packaged in Debian, the
 * JavaScript ones would break "readable without JavaScript", and Graphviz, which draws the org
 * chart and the handover graph, has no bar charts. The unit-by-week meeting grid is an HTML
 * table with coloured cells (the numbers stay in the cells, for screen readers and for print).
 * The data come from the same maat_workbook the xlsx report is built from (maat_report_fill),
 * and the sentences from maat_summary_findings, so the page, the workbook and the commands
 * show the same figures. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "maatlat/html.h"
#include "maatlat/i18n.h"
#include "maatlat/summary.h"
#include "maatlat/table.h"
#include "maatlat/util.h"
#include "maatlat/workbook.h"

/* Rows of a table shown as evidence; the workbook has them all. */
#define EVIDENCE_ROWS 25

/* Colours (contrast against white >= 4.5:1 for text and bars). */
#define C_BAR "#1f5f99"
#define C_OVER "#b3261e"
#define C_OK "#1e6b3a"
#define C_TEXT "#1a1a1a"
#define C_GRID "#d0d0d0"

static void
esc(FILE *f, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* A number for people (the language's decimal point). */
static const char *
num(char *buf, size_t size, double v, int decimals)
{
	return maat_i18n_real(buf, size, v, decimals);
}

static const maat_table *
sheet(const maat_workbook *wb, const char *name)
{
	for (size_t i = 0; i < maat_workbook_nsheets(wb); i++) {
		if (strcmp(maat_workbook_sheet_name(wb, i), name) == 0) {
			return maat_workbook_sheet_table(wb, i);
		}
	}
	return NULL;
}

/* A table with caption and headers; at most max_rows rows (0 = all), and a line saying how
 * many were left out. */
static void
write_table(FILE *f, const maat_table *t, const char *caption, size_t max_rows)
{
	size_t nr = maat_table_nrows(t), nc = maat_table_ncols(t);
	size_t shown = max_rows > 0 && max_rows < nr ? max_rows : nr;

	fputs("<div class=\"scroll\"><table>\n<caption>", f);
	esc(f, caption != NULL ? caption : maat_table_title(t));
	fputs("</caption>\n<thead><tr>", f);
	for (size_t c = 0; c < nc; c++) {
		maat_coltype ty = maat_table_col_type(t, c);
		fprintf(f, "<th scope=\"col\"%s>",
			ty == MAAT_COL_TEXT || ty == MAAT_COL_BOOL ? "" : " class=\"n\"");
		esc(f, maat_table_col_header(t, c));
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (size_t r = 0; r < shown; r++) {
		fputs("<tr>", f);
		for (size_t c = 0; c < nc; c++) {
			maat_coltype ty = maat_table_col_type(t, c);
			char *s = maat_table_format_cell(t, r, c);
			if (c == 0) {
				fputs("<th scope=\"row\">", f);
			} else {
				fputs(ty == MAAT_COL_TEXT || ty == MAAT_COL_BOOL
					  ? "<td>"
					  : "<td class=\"n\">",
				      f);
			}
			esc(f, s);
			fputs(c == 0 ? "</th>" : "</td>", f);
			free(s);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n", f);
	if (shown < nr) {
		fprintf(f, "<p class=\"note\">");
		fprintf(f,
			P_("The first %zu of %zu row; the workbook (report --xlsx) has them all.",
			   "The first %zu of %zu rows; the workbook (report --xlsx) has them all.",
			   nr),
			shown, nr);
		fputs("</p>\n", f);
	}
}

/* ---- the SVG chart writer ---- */

typedef struct chart {
	/* id prefix for title/desc */
	const char *id;
	const char *title;
	const char *desc;
	const char *x_label;
	const char *y_label;
	/* n bars */
	const char **labels;
	const double *values;
	size_t n;
	int decimals;
	/* horizontal bars, first on top */
	bool horizontal;
	/* a cap line (NaN = none) and its label */
	double cap;
	const char *cap_label;
} chart;

/* A round step giving about 5 ticks up to max. */
static double
nice_step(double max)
{
	double raw = max / 5, mag, f;
	if (!(raw > 0)) {
		return 1;
	}
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

static void
svg_open(FILE *f, const chart *c, double w, double h)
{
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
		"viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
		"aria-labelledby=\"%s-t %s-d\">\n<title id=\"%s-t\">",
		w, h, w, h, c->id, c->id, c->id);
	esc(f, c->title);
	fprintf(f, "</title>\n<desc id=\"%s-d\">", c->id);
	esc(f, c->desc);
	fputs("</desc>\n", f);
}

static void
write_chart(FILE *f, const chart *c)
{
	const double left = c->horizontal ? 150 : 64, right = 24, top = 16;
	const double bottom = c->horizontal ? 56 : 72, slot = c->horizontal ? 26 : 0;
	double w = 680, plot_w, plot_h, h, max = 0, step;
	char buf[64];

	for (size_t i = 0; i < c->n; i++) {
		max = fmax(max, isfinite(c->values[i]) ? c->values[i] : 0);
	}
	if (isfinite(c->cap)) {
		max = fmax(max, c->cap);
	}
	step = nice_step(max);
	max = step * ceil(max / step);
	if (max <= 0) {
		max = step;
	}
	h = c->horizontal ? top + slot * (double)c->n + bottom : 300;
	plot_w = w - left - right;
	plot_h = h - top - bottom;
	svg_open(f, c, w, h);
	fprintf(f, "<g font-size=\"12\" fill=\"%s\">\n", C_TEXT);
	/* grid and value axis */
	for (double v = 0; v <= max + step / 2; v += step) {
		double p = v / max;
		num(buf, sizeof(buf), v, step < 1 ? 1 : 0);
		if (c->horizontal) {
			double x = left + p * plot_w;
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"middle\">%s</text>\n",
				x, top, x, top + plot_h, C_GRID, x, top + plot_h + 16, buf);
		} else {
			double y = top + plot_h - p * plot_h;
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				"stroke=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
				"text-anchor=\"end\">%s</text>\n",
				left, y, left + plot_w, y, C_GRID, left - 6, y + 4, buf);
		}
	}
	/* bars */
	for (size_t i = 0; i < c->n; i++) {
		double v = isfinite(c->values[i]) ? c->values[i] : 0, p = v / max;
		bool over = isfinite(c->cap) && v > c->cap;
		num(buf, sizeof(buf), v, c->decimals);
		if (c->horizontal) {
			double y = top + slot * (double)i, bw = p * plot_w;
			fprintf(f,
				"<g><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\"/>",
				left, y + 4, bw, slot - 8, over ? C_OVER : C_BAR);
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">", left - 6,
				y + slot / 2 + 4);
			esc(f, c->labels[i]);
			fprintf(f, "</text><text x=\"%.1f\" y=\"%.1f\">%s</text></g>\n",
				left + bw + 4, y + slot / 2 + 4, buf);
		} else {
			double sw = plot_w / (double)(c->n ? c->n : 1);
			double bw = sw * 0.7, x = left + sw * (double)i + (sw - bw) / 2;
			double bh = p * plot_h, y = top + plot_h - bh;
			fprintf(f,
				"<g><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"%s\"/>",
				x, y, bw, bh, over ? C_OVER : C_BAR);
			if (c->n <= 16) {
				fprintf(
				    f,
				    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>",
				    x + bw / 2, y - 4, buf);
			}
			if (c->n > 8) {
				/* many categories: the labels turned */
				fprintf(f,
					"<text transform=\"translate(%.1f %.1f) rotate(-40)\" "
					"text-anchor=\"end\">",
					x + bw / 2 + 4, top + plot_h + 14);
			} else {
				fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
					x + bw / 2, top + plot_h + 16);
			}
			esc(f, c->labels[i]);
			fputs("</text></g>\n", f);
		}
	}
	/* the cap line */
	if (isfinite(c->cap) && !c->horizontal) {
		double y = top + plot_h - c->cap / max * plot_h;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
			"stroke-width=\"2\" stroke-dasharray=\"6 4\"/>\n<text x=\"%.1f\" "
			"y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">",
			left, y, left + plot_w, y, C_OVER, left + plot_w, y - 6, C_OVER);
		esc(f, c->cap_label);
		fputs("</text>\n", f);
	}
	/* axes and their labels */
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n"
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n",
		left, top, left, top + plot_h, C_TEXT, left, top + plot_h, left + plot_w,
		top + plot_h, C_TEXT);
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-weight=\"bold\">",
		left + plot_w / 2, h - 12);
	esc(f, c->horizontal ? c->y_label : c->x_label);
	fputs("</text>\n", f);
	fprintf(f,
		"<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"middle\" "
		"font-weight=\"bold\">",
		14.0, top + plot_h / 2);
	esc(f, c->horizontal ? c->x_label : c->y_label);
	fputs("</text>\n</g>\n</svg>\n", f);
}

/* A chart from two columns of a table (categories, values). */
static void
table_chart(FILE *f, const maat_table *t, const char *id, const char *title, const char *desc,
	    const char *cat_key, const char *val_key, bool horizontal, double cap,
	    const char *cap_label)
{
	size_t cc, cv, n;
	const char **labels;
	double *values;
	chart c;

	if (t == NULL || (cc = maat_report_col(t, cat_key)) == (size_t)-1 ||
	    (cv = maat_report_col(t, val_key)) == (size_t)-1 || (n = maat_table_nrows(t)) == 0) {
		return;
	}
	labels = maat_xcalloc(n, sizeof(*labels));
	values = maat_xcalloc(n, sizeof(*values));
	for (size_t r = 0; r < n; r++) {
		const maat_cell *v = maat_table_cell(t, r, cv);
		labels[r] = maat_table_format_cell(t, r, cc);
		values[r] = v->null                                      ? NAN
			    : maat_table_col_type(t, cv) == MAAT_COL_INT ? (double)v->i
									 : v->d;
	}
	c = (chart){id,
		    title,
		    desc,
		    maat_table_col_header(t, cc),
		    maat_table_col_header(t, cv),
		    labels,
		    values,
		    n,
		    maat_table_col_type(t, cv) == MAAT_COL_INT ? 0 : 1,
		    horizontal,
		    cap,
		    cap_label};
	fputs("<figure>\n", f);
	write_chart(f, &c);
	fputs("<figcaption>", f);
	esc(f, desc);
	fputs("</figcaption>\n</figure>\n", f);
	for (size_t r = 0; r < n; r++) {
		free((char *)labels[r]);
	}
	free(labels);
	free(values);
}

/* Cases per band of days of a Cases column (throughput, longest idle gap). */
static void
days_chart(FILE *f, const maat_table *cases, const char *key, const char *id, const char *title,
	   const char *desc, const char *x_label)
{
	static const double edges[] = {7, 14, 30, 60, 90, 180};
	enum { NB = sizeof(edges) / sizeof(edges[0]) + 1 };
	char *labels[NB];
	double values[NB] = {0};
	size_t col;
	chart c;

	if (cases == NULL || (col = maat_report_col(cases, key)) == (size_t)-1) {
		return;
	}
	for (size_t r = 0; r < maat_table_nrows(cases); r++) {
		const maat_cell *v = maat_table_cell(cases, r, col);
		size_t b = 0;
		if (v->null || !isfinite(v->d)) {
			continue;
		}
		while (b < NB - 1 && v->d > edges[b]) {
			b++;
		}
		values[b]++;
	}
	for (size_t b = 0; b < NB; b++) {
		labels[b] = b == 0       ? maat_xasprintf("0-%g", edges[0])
			    : b < NB - 1 ? maat_xasprintf("%g-%g", edges[b - 1] + 1, edges[b])
					 : maat_xasprintf("> %g", edges[NB - 2]);
	}
	c = (chart){id,     title, desc, x_label, _("cases"), (const char **)labels,
		    values, NB,    0,    false,   NAN,        NULL};
	fputs("<figure>\n", f);
	write_chart(f, &c);
	fputs("<figcaption>", f);
	esc(f, desc);
	fputs("</figcaption>\n</figure>\n", f);
	for (size_t b = 0; b < NB; b++) {
		free(labels[b]);
	}
}

/* ---- the unit-by-week grid of meeting hours against the cap ---- */

/* Background and text colour of a cell by the share of its people over their cap. */
static void
heat(double share, const char **bg, const char **fg)
{
	*fg = C_TEXT;
	if (!isfinite(share)) {
		*bg = "#f2f2f2";
	} else if (share <= 0) {
		*bg = "#e3f1e6";
	} else if (share <= 0.1) {
		*bg = "#fff1c2";
	} else if (share <= 0.25) {
		*bg = "#ffd089";
	} else if (share <= 0.5) {
		*bg = "#f39a6b";
	} else {
		*bg = C_OVER;
		*fg = "#ffffff";
	}
}

static int
cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* distinct, sorted values of a text column (borrowed) */
static const char **
distinct(const maat_table *t, size_t col, size_t *n)
{
	size_t nr = maat_table_nrows(t), k = 0, m = 0;
	const char **v = maat_xcalloc(nr ? nr : 1, sizeof(*v));
	for (size_t r = 0; r < nr; r++) {
		const maat_cell *c = maat_table_cell(t, r, col);
		if (!c->null && c->s != NULL) {
			v[k++] = c->s;
		}
	}
	qsort(v, k, sizeof(*v), cmp_strp);
	for (size_t i = 0; i < k; i++) {
		if (m == 0 || strcmp(v[m - 1], v[i]) != 0) {
			v[m++] = v[i];
		}
	}
	*n = m;
	return v;
}

static void
write_heatmap(FILE *f, const maat_table *t, double cap_hours, int min_group)
{
	size_t cu = maat_report_col(t, "unit"), cw = maat_report_col(t, "week");
	size_t cp = maat_report_col(t, "people"), ch = maat_report_col(t, "mean_hours");
	size_t co = maat_report_col(t, "over_cap"), cs = maat_report_col(t, "over_cap_share");
	size_t nu, nw, hidden = 0;
	const char **units, **weeks;
	char buf[32], cap[32];

	if (cu == (size_t)-1 || cw == (size_t)-1 || maat_table_nrows(t) == 0) {
		return;
	}
	units = distinct(t, cu, &nu);
	weeks = distinct(t, cw, &nw);
	fputs("<div class=\"scroll\"><table class=\"heat\">\n<caption>", f);
	fprintf(f,
		_("Meeting hours per unit and week: mean hours per person (each person's cap is "
		  "%s hours per full-time week times their FTE); the colour is the share of the "
		  "unit's people over their own cap that week."),
		num(cap, sizeof(cap), cap_hours, 0));
	fputs("</caption>\n<thead><tr><th scope=\"col\">", f);
	esc(f, _("unit"));
	fputs("</th>", f);
	for (size_t w = 0; w < nw; w++) {
		fputs("<th scope=\"col\" class=\"n\">", f);
		esc(f, weeks[w]);
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	for (size_t u = 0; u < nu; u++) {
		bool any = false;
		for (size_t r = 0; r < maat_table_nrows(t) && !any; r++) {
			const maat_cell *a = maat_table_cell(t, r, cu);
			any = !a->null && strcmp(a->s, units[u]) == 0 &&
			      !maat_table_cell(t, r, ch)->null;
		}
		if (!any) {
			/* every week of the unit under the minimum group: one line below says so */
			hidden++;
			continue;
		}
		fputs("<tr><th scope=\"row\">", f);
		esc(f, units[u]);
		fputs("</th>", f);
		for (size_t w = 0; w < nw; w++) {
			size_t r;
			for (r = 0; r < maat_table_nrows(t); r++) {
				const maat_cell *a = maat_table_cell(t, r, cu);
				const maat_cell *b = maat_table_cell(t, r, cw);
				if (!a->null && !b->null && strcmp(a->s, units[u]) == 0 &&
				    strcmp(b->s, weeks[w]) == 0) {
					break;
				}
			}
			if (r == maat_table_nrows(t)) {
				fputs("<td class=\"n\"></td>", f);
				continue;
			}
			{
				const maat_cell *hours = maat_table_cell(t, r, ch);
				const maat_cell *share = maat_table_cell(t, r, cs);
				const maat_cell *over = maat_table_cell(t, r, co);
				const maat_cell *people = maat_table_cell(t, r, cp);
				const char *bg, *fg;
				heat(share->null ? NAN : share->d, &bg, &fg);
				fprintf(f, "<td class=\"n\" style=\"background:%s;color:%s\">", bg,
					fg);
				if (hours->null) {
					fprintf(f, "<span title=\"");
					fprintf(f, _("fewer than %d"), min_group);
					fputs("\">&#8211;</span>", f);
				} else {
					fputs(num(buf, sizeof(buf), hours->d, 1), f);
					if (!over->null && over->i > 0) {
						fprintf(f, " <small>(%lld/%lld)</small>",
							(long long)over->i, (long long)people->i);
					}
				}
				fputs("</td>", f);
			}
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table></div>\n<p class=\"key\">", f);
	if (hidden > 0) {
		fprintf(
		    f,
		    P_("%zu unit with fewer than %d people in the calendars in every week is not "
		       "shown.",
		       "%zu units with fewer than %d people in the calendars in every week are "
		       "not shown.",
		       hidden),
		    hidden, min_group);
		fputs("<br>", f);
	}
	{
		static const double shares[] = {NAN, 0, 0.1, 0.25, 0.5, 1};
		const char *names[] = {
		    _("fewer people than the minimum group: not shown (\xE2\x80\x93)"),
		    _("nobody over their cap"),
		    _("a tenth or less over their cap"),
		    _("up to a quarter"),
		    _("up to half"),
		    _("more than half over their cap")};
		for (size_t i = 0; i < sizeof(shares) / sizeof(shares[0]); i++) {
			const char *bg, *fg;
			heat(shares[i], &bg, &fg);
			fprintf(f, "<span class=\"swatch\" style=\"background:%s\"></span> ", bg);
			esc(f, names[i]);
			fputs(i + 1 < sizeof(shares) / sizeof(shares[0]) ? " &#183; " : "", f);
		}
	}
	fputs("<br>", f);
	esc(f, _("In brackets: people over their own cap / people of the unit that week."));
	fputs("</p>\n", f);
	free(units);
	free(weeks);
}

/* ---- Graphviz SVGs, inline ---- */

/* Writes svg (Graphviz's output) without its XML prolog, with role, <title> and <desc>. */
static void
inline_svg(FILE *f, const char *svg, const char *id, const char *title, const char *desc)
{
	const char *p = strstr(svg, "<svg"), *end;
	if (p == NULL || (end = strchr(p, '>')) == NULL) {
		return;
	}
	fputs("<div class=\"scroll graph\">\n", f);
	fwrite(p, 1, (size_t)(end - p), f);
	fprintf(f, " role=\"img\" aria-labelledby=\"%s-t %s-d\">\n<title id=\"%s-t\">", id, id, id);
	esc(f, title);
	fprintf(f, "</title>\n<desc id=\"%s-d\">", id);
	esc(f, desc);
	fputs("</desc>", f);
	/* the rest, without Graphviz's comments and the graph's own <title> (the id "G") */
	for (p = end + 1; *p;) {
		if (strncmp(p, "<!--", 4) == 0) {
			const char *q = strstr(p, "-->");
			p = q != NULL ? q + 3 : p + strlen(p);
			continue;
		}
		fputc(*p++, f);
	}
	fputs("</div>\n", f);
}

/* ---- the page ---- */

static const char css[] =
    "*{box-sizing:border-box}"
    "body{font-family:\"DejaVu Sans\",Verdana,sans-serif;color:" C_TEXT
    ";background:#fff;margin:0;line-height:1.45;font-size:15px}"
    "header,main{max-width:60rem;margin:0 auto;padding:0 1rem}"
    "header{border-bottom:3px solid " C_BAR ";padding-bottom:.5rem}"
    "h1{font-size:1.7rem;margin:1rem 0 .3rem}"
    "h2{font-size:1.35rem;margin:2rem 0 .6rem;border-bottom:1px solid " C_GRID "}"
    "h3{font-size:1.1rem;margin:1.4rem 0 .4rem}"
    "nav ul{list-style:none;padding:0;margin:.4rem 0;display:flex;flex-wrap:wrap;gap:.2rem "
    "1rem}"
    "a{color:" C_BAR "}"
    ".finding{border-left:6px solid #6b6b6b;padding:.3rem .8rem;margin:.7rem 0;"
    "background:#f7f7f7}"
    ".finding.over{border-color:" C_OVER "}"
    ".finding.ok{border-color:" C_OK "}"
    ".finding p{margin:.2rem 0}"
    ".status{font-weight:bold;font-size:.85rem;text-transform:uppercase;letter-spacing:.03em}"
    ".over .status{color:" C_OVER "}"
    ".ok .status{color:" C_OK "}"
    "details{margin:.3rem 0}"
    "summary{cursor:pointer;color:" C_BAR "}"
    ".scroll{overflow-x:auto;max-width:100%}"
    ".graph{border:1px solid " C_GRID ";max-height:60rem;overflow:auto}"
    "table{border-collapse:collapse;margin:.4rem 0;font-size:.85rem}"
    "caption{text-align:left;font-weight:bold;padding:.2rem 0}"
    "th,td{border:1px solid " C_GRID ";padding:.2rem .45rem;vertical-align:top}"
    "thead th{background:#e9eef4}"
    "tbody th{font-weight:normal;text-align:left}"
    ".n{text-align:right;font-variant-numeric:tabular-nums}"
    "table.heat td{min-width:3.2rem}"
    ".swatch{display:inline-block;width:1rem;height:1rem;border:1px solid #888;"
    "vertical-align:middle}"
    ".note,.key,figcaption{font-size:.85rem;color:#444}"
    "figure{margin:1rem 0}"
    "svg.chart{max-width:100%;height:auto}"
    "dl.settings{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}"
    "dl.settings dt{font-weight:bold}dl.settings dd{margin:0}"
    "code{font-size:.9em}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{font-size:10pt}header,main{max-width:none;padding:0}"
    "nav{display:none}.finding{break-inside:avoid}"
    "details>summary{list-style:none}details:not([open])>*:not(summary){display:block}"
    ".scroll,.graph{overflow:visible;max-height:none;border:0}"
    ".graph svg{max-width:100%;height:auto}"
    "section.part{break-before:page}figure{break-inside:avoid}"
    "table{font-size:8pt}a{color:inherit;text-decoration:none}}";

static const char *
audience_name(enum maat_audience a)
{
	switch (a) {
	case MAAT_AUDIENCE_DIRECTOR:
		return _("For the director");
	case MAAT_AUDIENCE_WORKS_COUNCIL:
		return _("For the works council");
	default:
		return _("For the policy maker");
	}
}

static const char *
audience_id(enum maat_audience a)
{
	static const char *const ids[] = {"director", "works-council", "policy-maker"};
	return ids[a];
}

static const char *
audience_intro(enum maat_audience a)
{
	switch (a) {
	case MAAT_AUDIENCE_DIRECTOR:
		return _("How the organisation is built: layers, spans of control, and how far a "
			 "decision travels to be signed.");
	case MAAT_AUDIENCE_WORKS_COUNCIL:
		return _("How many hours people spend in meetings, against the cap per full-time "
			 "week scaled by each person's FTE.");
	default:
		return _("How cases travel through the organisation: handovers, ping-pong, idle "
			 "time and escalations.");
	}
}

static void
write_findings(FILE *f, const maat_workbook *wb, const maat_finding *fs, size_t n)
{
	for (int a = MAAT_AUDIENCE_DIRECTOR; a <= MAAT_AUDIENCE_POLICY_MAKER; a++) {
		bool any = false;
		for (size_t i = 0; i < n && !any; i++) {
			any = (int)fs[i].audience == a;
		}
		if (!any) {
			continue;
		}
		fprintf(f, "<section id=\"%s\" class=\"audience\">\n<h2>", audience_id(a));
		esc(f, audience_name(a));
		fputs("</h2>\n<p>", f);
		esc(f, audience_intro(a));
		fputs("</p>\n", f);
		for (size_t i = 0; i < n; i++) {
			const maat_finding *x = &fs[i];
			const maat_table *ev = x->evidence ? sheet(wb, x->evidence) : NULL;
			char value[64];
			if ((int)x->audience != a) {
				continue;
			}
			fprintf(f, "<div class=\"finding%s\"",
				x->status == MAAT_FINDING_OVER ? " over"
				: x->status == MAAT_FINDING_OK ? " ok"
							       : "");
			if (x->key != NULL) {
				snprintf(value, sizeof(value), "%.12g", x->value);
				fprintf(f, " data-key=\"%s\" data-value=\"%s\"", x->key, value);
			}
			fputs(">\n<p>", f);
			if (x->status != MAAT_FINDING_FACT) {
				fputs("<span class=\"status\">", f);
				esc(f, x->status == MAAT_FINDING_OVER
					   ? _("Needs attention:")
					   : _("Within the cap or target:"));
				fputs("</span> ", f);
			}
			esc(f, x->text);
			fputs("</p>\n", f);
			if (ev != NULL) {
				fputs("<details><summary>", f);
				esc(f, _("Evidence:"));
				fputc(' ', f);
				esc(f, maat_table_title(ev) ? maat_table_title(ev) : x->evidence);
				fputs("</summary>\n", f);
				write_table(f, ev, NULL, EVIDENCE_ROWS);
				fputs("</details>\n", f);
			}
			fputs("</div>\n", f);
		}
		fputs("</section>\n", f);
	}
}

/* Decision terms and the trends (METRICS.md §5 and §6), from the workbook's sheets: the share
 * over the term per month, the terms per case type, the cases over the term; the figures per
 * snapshot, month of case start and month of meetings; the rows behind the public-service
 * flag. */
static void
write_terms_trend(FILE *f, const maat_workbook *wb)
{
	const maat_table *t;
	if ((t = sheet(wb, _("Terms per month"))) != NULL) {
		fputs("<h3 id=\"terms\">", f);
		esc(f, _("Decision terms"));
		fputs("</h3>\n", f);
		table_chart(f, t, "terms-month", _("Share of cases over the term"),
			    _("Closed cases over their decision term, by month of start."), "month",
			    "share_over_term", false, NAN, NULL);
	}
	if ((t = sheet(wb, _("Terms per case type"))) != NULL) {
		write_table(f, t, NULL, 0);
	}
	if ((t = sheet(wb, _("Cases over term"))) != NULL) {
		write_table(f, t, NULL, 20);
	}
	if ((t = sheet(wb, _("Trend snapshots"))) != NULL) {
		fputs("<h3 id=\"trend\">", f);
		esc(f, _("Trends"));
		fputs("</h3>\n", f);
		table_chart(f, t, "trend-managers", _("Managers per snapshot"),
			    _("Managers in each org snapshot."), "as_of", "managers", false, NAN,
			    NULL);
		write_table(f, t, NULL, 0);
	}
	if ((t = sheet(wb, _("Public-service flag"))) != NULL && maat_table_nrows(t) > 0) {
		write_table(f, t, NULL, 30);
	}
	if ((t = sheet(wb, _("Trend cases"))) != NULL) {
		table_chart(f, t, "trend-cases", _("Handovers per case"),
			    _("Mean handovers per case, by month of case start."), "month",
			    "handovers_per_case", false, NAN, NULL);
	}
	if ((t = sheet(wb, _("Trend meetings"))) != NULL) {
		table_chart(f, t, "trend-meetings", _("Meeting hours per person-week"),
			    _("Mean meeting hours per person-week, by month (a week counts in the "
			      "month of its Thursday)."),
			    "month", "hours_mean", false, NAN, NULL);
	}
}

static void
write_charts(FILE *f, const maat_workbook *wb, const maat_summary *s, int min_group)
{
	const maat_table *t;
	char cap[32];
	char *caplabel;

	fputs("<section id=\"charts\" class=\"part\">\n<h2>", f);
	esc(f, _("Charts"));
	fputs("</h2>\n", f);
	if ((t = sheet(wb, _("Layer pyramid"))) != NULL) {
		fputs("<h3>", f);
		esc(f, _("Layer pyramid"));
		fputs("</h3>\n", f);
		table_chart(f, t, "pyramid", _("Layer pyramid"),
			    _("People per layer, layer 1 (the top) first."), "layer", "people",
			    true, NAN, NULL);
	}
	if ((t = sheet(wb, _("Span distribution"))) != NULL) {
		fputs("<h3>", f);
		esc(f, _("Span distribution"));
		fputs("</h3>\n", f);
		table_chart(f, t, "spans", _("Span distribution"),
			    _("Managers by their number of direct reports (span of control)."),
			    "band", "managers", false, NAN, NULL);
	}
	if ((t = sheet(wb, _("Weekly meeting hours"))) != NULL) {
		fputs("<h3>", f);
		esc(f, _("Meeting hours per week"));
		fputs("</h3>\n", f);
		caplabel = maat_xasprintf(_("cap for a full-time week: %s hours"),
					  num(cap, sizeof(cap), s->cap_hours, 0));
		table_chart(f, t, "weekly", _("Meeting hours per week"),
			    _("Mean meeting hours per person per week; the dashed line is the cap "
			      "for a full-time week (part-timers have a lower cap)."),
			    "week", "mean_hours", false, s->cap_hours, caplabel);
		free(caplabel);
	}
	if ((t = sheet(wb, _("Unit weeks"))) != NULL) {
		fputs("<div id=\"unit-weeks\">\n<h3>", f);
		esc(f, _("Meeting hours per unit and week against the cap"));
		fputs("</h3>\n", f);
		write_heatmap(f, t, s->cap_hours, min_group);
		fputs("</div>\n", f);
	}
	if ((t = sheet(wb, _("Handovers per case"))) != NULL) {
		fputs("<h3>", f);
		esc(f, _("Handovers per case"));
		fputs("</h3>\n", f);
		table_chart(f, t, "handovers", _("Handovers per case"),
			    _("Cases by the number of times they were handed over to someone "
			      "else."),
			    "handovers", "cases", false, NAN, NULL);
	}
	if ((t = sheet(wb, _("Cases"))) != NULL) {
		fputs("<h3>", f);
		esc(f, _("Throughput and idle time"));
		fputs("</h3>\n", f);
		days_chart(f, t, "throughput_days", "throughput", _("Throughput"),
			   _("Cases by the days from their first to their last step."), _("days"));
		days_chart(f, t, "longest_idle_days", "idle", _("Longest idle time"),
			   _("Cases by their longest wait between two steps, in days."), _("days"));
	}
	write_terms_trend(f, wb);
	fputs("</section>\n", f);
}

static void
write_graphs(FILE *f, const char *org_svg, const char *org_summary, const char *ho_svg,
	     const char *ho_summary)
{
	if (org_svg != NULL) {
		fputs("<section id=\"org-chart\" class=\"part\">\n<h2>", f);
		esc(f, _("Org chart"));
		fputs("</h2>\n<p>", f);
		esc(f,
		    _("Every manager has a box, which lists the staff who report to them "
		      "directly and manage no one (or their number and FTE when many). Yellow: "
		      "thin managers (fewer direct reports than the minimum span); pink: "
		      "managers of one; a double border: pass-through managers (a manager of one "
		      "whose one report manages too)."));
		fputs("</p>\n", f);
		inline_svg(f, org_svg, "orgsvg", _("Org chart"), org_summary ? org_summary : "");
		fputs("</section>\n", f);
	}
	if (ho_svg != NULL) {
		fputs("<section id=\"handover-graph\" class=\"part\">\n<h2>", f);
		esc(f, _("Handover graph"));
		fputs("</h2>\n<p>", f);
		esc(f, _("Who passes cases to whom. The number on an arrow is the number of "
			 "handovers from one to the other over all cases; the thicker the arrow, "
			 "the more. Red arrows: cases go both ways between the two (ping-pong "
			 "candidates). Handovers to oneself are not drawn."));
		fputs("</p>\n", f);
		inline_svg(f, ho_svg, "hosvg", _("Handover graph"), ho_summary ? ho_summary : "");
		fputs("</section>\n", f);
	}
}

static void
write_reference(FILE *f, const maat_workbook *wb)
{
	const maat_table *t;
	fputs("<section id=\"settings\" class=\"part\">\n<h2>", f);
	esc(f, _("Settings"));
	fputs("</h2>\n<dl class=\"settings\">\n", f);
	for (size_t i = 0; i < maat_workbook_nsettings(wb); i++) {
		const char *value = NULL, *name = maat_workbook_setting(wb, i, &value);
		fputs("<dt>", f);
		esc(f, name);
		fputs("</dt><dd>", f);
		esc(f, value);
		fputs("</dd>\n", f);
	}
	fputs("</dl>\n</section>\n", f);
	if ((t = sheet(wb, _("Sources"))) != NULL) {
		fputs("<section id=\"sources\">\n<h2>", f);
		esc(f, _("Sources"));
		fputs("</h2>\n", f);
		write_table(f, t, _("Every imported file with its SHA-256 checksum"), 0);
		fputs("</section>\n", f);
	}
	if ((t = sheet(wb, _("Definitions"))) != NULL) {
		fputs("<section id=\"definitions\">\n<h2>", f);
		esc(f, _("Definitions"));
		fputs("</h2>\n", f);
		write_table(f, t, _("What each figure means"), 0);
		fputs("</section>\n", f);
	}
}

static void
write_page(FILE *f, const maat_workbook *wb, const maat_summary *s, const maat_finding *fs,
	   size_t n, const char *org_svg, const char *org_summary, const char *ho_svg,
	   const char *ho_summary, int64_t generated, int min_group)
{
	char when[32];
	time_t tt = (time_t)generated;
	struct tm tm;

	if (gmtime_r(&tt, &tm) != NULL) {
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	} else {
		snprintf(when, sizeof(when), "?");
	}
	/* TRANSLATORS: the language code of the HTML report (<html lang>) */
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n",
		_("en"));
	fputs("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"maatlat\">\n<title>",
	      f);
	esc(f, _("maatlat report"));
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", css);
	esc(f, _("maatlat report"));
	fputs("</h1>\n<p>", f);
	fprintf(f,
		_("Generated %s. Findings first, each with its evidence one click away; then "
		  "the charts, the org chart, the handover graph, the settings, the sources and "
		  "the definitions."),
		when);
	fputs("</p>\n<nav aria-label=\"", f);
	esc(f, _("Contents"));
	fputs("\"><ul>\n", f);
	for (int a = MAAT_AUDIENCE_DIRECTOR; a <= MAAT_AUDIENCE_POLICY_MAKER; a++) {
		bool any = false;
		for (size_t i = 0; i < n && !any; i++) {
			any = (int)fs[i].audience == a;
		}
		if (any) {
			fprintf(f, "<li><a href=\"#%s\">", audience_id(a));
			esc(f, audience_name(a));
			fputs("</a></li>\n", f);
		}
	}
	{
		const char *const parts[][2] = {{"charts", _("Charts")},
						{"org-chart", _("Org chart")},
						{"handover-graph", _("Handover graph")},
						{"settings", _("Settings")},
						{"sources", _("Sources")},
						{"definitions", _("Definitions")}};
		for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
			if ((i == 1 && org_svg == NULL) || (i == 2 && ho_svg == NULL)) {
				continue;
			}
			fprintf(f, "<li><a href=\"#%s\">", parts[i][0]);
			esc(f, parts[i][1]);
			fputs("</a></li>\n", f);
		}
	}
	fputs("</ul></nav>\n</header>\n<main>\n", f);
	if (n == 0) {
		fputs("<p>", f);
		esc(f, _("Nothing imported."));
		fputs("</p>\n", f);
	}
	write_findings(f, wb, fs, n);
	write_charts(f, wb, s, min_group);
	write_graphs(f, org_svg, org_summary, ho_svg, ho_summary);
	write_reference(f, wb);
	fputs("</main>\n</body>\n</html>\n", f);
}

int
maat_html_write(maat_db *db, const maat_html_options *o, const char *path, int64_t generated,
		maat_err *err)
{
	maat_report_options ro = {.min_group = o->min_group};
	maat_workbook *wb = maat_workbook_new();
	maat_summary s = {0};
	maat_finding *fs = NULL;
	size_t n = 0;
	char *org_svg = NULL, *org_summary = NULL, *ho_svg = NULL, *ho_summary = NULL;
	char *tmp = maat_xasprintf("%s.tmp", path);
	FILE *f = NULL;
	int rc;

	if (ro.min_group <= 0) {
		ro.min_group = MAAT_REPORT_MIN_GROUP_DEFAULT;
	}
	if ((rc = maat_report_fill(db, &ro, wb, err)) != 0) {
		if (rc > 0) {
			rc = maat_err_set(err, MAAT_E_NOINPUT, "%s", _("nothing imported yet"));
		}
		goto out;
	}
	if ((rc = maat_summary_compute(db, &s, err)) < 0) {
		goto out;
	}
	maat_summary_findings(&s, &fs, &n);
	if (maat_db_has_kind(db, "org") &&
	    (rc = maat_report_org_graph_svg(db, &o->graph, &org_svg, &org_summary, err)) < 0) {
		goto out;
	}
	if (maat_db_has_kind(db, "cases") &&
	    (rc = maat_report_handover_graph_svg(db, &o->graph, &ho_svg, &ho_summary, err)) < 0) {
		goto out;
	}
	if ((f = fopen(tmp, "w")) == NULL) {
		rc = maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), path,
				  strerror(errno));
		goto out;
	}
	write_page(f, wb, &s, fs, n, org_svg, org_summary, ho_svg, ho_summary, generated,
		   ro.min_group);
	if (fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0) {
		rc = maat_err_set(err, MAAT_E_IO, _("writing %s: %s"), path, strerror(errno));
	}
	if (fclose(f) != 0 && rc == 0) {
		rc = maat_err_set(err, MAAT_E_IO, _("writing %s: %s"), path, strerror(errno));
	}
	f = NULL;
	if (rc == 0 && rename(tmp, path) != 0) {
		rc = maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), path,
				  strerror(errno));
	}
	if (rc != 0) {
		unlink(tmp);
	}
out:
	free(tmp);
	free(org_svg);
	free(org_summary);
	free(ho_svg);
	free(ho_summary);
	maat_summary_findings_free(fs, n);
	maat_summary_fini(&s);
	maat_workbook_free(wb);
	return rc;
}
