/* The xlsx workbook `maatlat report --xlsx` writes: a Summary of headline figures against their
 * targets and caps (traffic lights), one sheet per maat_table the pipelines produce, charts over
 * those sheets, the sources and the definitions. Built in two steps so that the row counts are
 * known before the file is opened (constant_memory is a workbook-wide choice). */
#ifndef MAAT_WORKBOOK_H
#define MAAT_WORKBOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/table.h"

/* Default for --min-group: no aggregate over fewer people is shown (METRICS.md §4). */
#define MAAT_REPORT_MIN_GROUP_DEFAULT 5

typedef struct maat_workbook maat_workbook;

/* How a headline figure is judged. */
enum maat_limit_kind {
	/* shown without a traffic light */
	MAAT_LIMIT_NONE,
	/* the value should stay at or below the limit (a cap): value / limit */
	MAAT_LIMIT_CAP,
	/* the value should reach at least the limit (a target): limit / value */
	MAAT_LIMIT_TARGET,
};

/* Chart types. */
enum maat_chart_kind {
	/* vertical bars */
	MAAT_CHART_COLUMN,
	/* horizontal bars, first category on top (the layer pyramid) */
	MAAT_CHART_BAR,
	/* lines (weekly hours against the cap) */
	MAAT_CHART_LINE,
};

/* A chart's second series is absent. */
#define MAAT_CHART_NO_SERIES ((size_t)-1)

/* Returns a new, empty workbook description. Caller frees. */
maat_workbook *maat_workbook_new(void);
/* NULL-safe. */
void maat_workbook_free(maat_workbook *wb);

/* Adds a sheet named name (made valid by maat_xlsx_sheet_name) showing t; takes ownership of
 * t. Sheets appear after Summary in the order added. Returns the sheet's index. */
size_t maat_workbook_add_sheet(maat_workbook *wb, const char *name, maat_table *t);

/* Adds a chart beside sheet's table: categories from column cat_col, one series from val_col
 * and optionally a second from val2_col (MAAT_CHART_NO_SERIES for none), named by their
 * headers. title is copied. */
void maat_workbook_add_chart(maat_workbook *wb, size_t sheet, enum maat_chart_kind kind,
			     const char *title, size_t cat_col, size_t val_col, size_t val2_col);

/* Adds a headline figure to Summary: its value (NaN = cannot be computed: no light), typed as
 * a table column (MAAT_COL_INT, REAL, SHARE), and its target or cap. Strings are copied. The
 * "against the limit" column says it in words ("7.7 >= 3: ok") and carries the light: red over
 * the cap or short of the target, yellow within 10% of it (ratio 0.9 to 1), else green. */
void maat_workbook_add_headline(maat_workbook *wb, const char *figure, double value,
				maat_coltype type, enum maat_limit_kind kind, double limit);

/* Adds a setting (name, value) to Summary's settings block. Strings are copied. */
void maat_workbook_add_setting(maat_workbook *wb, const char *name, const char *value);

/* Adds a finding (a whole sentence, maat_summary_findings) under its audience's heading on
 * Summary. Strings are copied. */
void maat_workbook_add_finding(maat_workbook *wb, const char *audience, const char *text);

/* Adds a note to Summary (e.g. which data was not imported). Copied. */
void maat_workbook_add_note(maat_workbook *wb, const char *note);

/* The settings added: their number, and setting i's name (its value into *value). Borrowed. */
size_t maat_workbook_nsettings(const maat_workbook *wb);
const char *maat_workbook_setting(const maat_workbook *wb, size_t i, const char **value);

/* The number of sheets added (Summary not counted) and one sheet's table. Borrowed. */
size_t maat_workbook_nsheets(const maat_workbook *wb);
const maat_table *maat_workbook_sheet_table(const maat_workbook *wb, size_t sheet);
const char *maat_workbook_sheet_name(const maat_workbook *wb, size_t sheet);

/* Rows per sheet, the header included (default and upper bound: Excel's 1,048,576). A table
 * with more data rows than a sheet holds continues on sheets named "Name (2)", "Name (3)", ...,
 * each with the header, and the Summary's list of sheets says so. Lowered by tests. */
void maat_workbook_set_sheet_rows(maat_workbook *wb, size_t rows);

/* Writes the workbook to path atomically (see maat_xlsx_close); generated is the time shown
 * on Summary (unix seconds UTC). Returns 0 or negative with err set (MAAT_E_CANTCREAT,
 * MAAT_E_IO); nothing is left at path on failure. */
int maat_workbook_write(const maat_workbook *wb, const char *path, int64_t generated,
			maat_err *err);

/* Settings for maat_report_fill(). */
typedef struct maat_report_options {
	/* groups (units) with fewer people are suppressed; default MAAT_REPORT_MIN_GROUP_DEFAULT */
	int min_group;
	/* a sheet of meeting hours per person and week (never for a unit under min_group);
	 * without it, meetings per unit only (METRICS.md §4) */
	bool per_person;
} maat_report_options;

/* Fills wb from whatever the store holds: the pipelines' sheets, charts and headlines, then
 * Sources, Anomalies and Definitions. Returns 0, 1 when nothing was imported (wb untouched),
 * or negative with err set. */
int maat_report_fill(maat_db *db, const maat_report_options *opt, maat_workbook *wb, maat_err *err);

/* Every imported file: id, kind, file, sha256, rows read, rejected, imported at, options,
 * messages. Returns a new table or NULL with err set. */
maat_table *maat_report_sources_table(maat_db *db, maat_err *err);

/* Every message logged against a source (the anomalies and skipped rows): file, line,
 * severity, message. Returns a new table or NULL with err set. */
maat_table *maat_report_anomalies_table(maat_db *db, maat_err *err);

/* Each figure maatlat reports, defined in one line as in METRICS.md. Returns a new table. */
maat_table *maat_report_definitions_table(void);

/* Privacy (METRICS.md §4): returns a new copy of t in which every row whose integer column
 * count_col is below min_group has all its numbers blanked (the count too) and "fewer than N"
 * in text column note_col (ignored when out of range); *suppressed (optional) receives the
 * number of such rows. Caller frees. */
maat_table *maat_report_suppress(const maat_table *t, size_t count_col, size_t note_col,
				 int min_group, size_t *suppressed);

/* The column whose JSON key is key, or (size_t)-1. */
size_t maat_report_col(const maat_table *t, const char *key);

/* Weekly meeting hours for the chart: from a person-weeks table (keys week, hours, cap) one row
 * per week in week order: week, people, mean hours, mean cap, person-weeks over the cap.
 * Returns a new table. */
maat_table *maat_report_weekly_table(const maat_table *person_weeks);

/* Meeting hours per unit and week against the cap: from a person-weeks table (keys unit, week,
 * hours, cap) one row per unit and week, sorted: unit, week, people, mean hours, mean cap,
 * people over their own (FTE-scaled) cap and their share. A unit-week of fewer than
 * min_group people has its numbers blanked (METRICS.md section 4). Returns a new table. */
maat_table *maat_report_unit_week_table(const maat_table *person_weeks, int min_group);

/* Handovers per case for the chart: from a per-case table (key handovers) the number of cases
 * with 0, 1, 2, ... handovers (a last row "N+" gathers everything from max_bins on). Returns a
 * new table. */
maat_table *maat_report_handover_histogram(const maat_table *cases, int max_bins);

/* Settings of the two graphs from the store. */
typedef struct maat_report_graph_options {
	/* the minimum span thin managers are coloured by (0 = 3) */
	int min_span;
	/* org chart: one cluster per unit */
	bool by_unit;
	/* org chart: only the subtree of this id, e-mail or name (NULL = all) */
	const char *root;
	/* handover graph: resources, not units, as nodes */
	bool by_resource;
	/* handover graph: edges shown (0 = MAAT_GRAPH_TOP_EDGES) */
	size_t top;
} maat_report_graph_options;

/* Draws the imported org chart into path (format from its extension). MAAT_E_NOINPUT when no
 * org chart was imported, MAAT_E_USAGE when root matches no one, MAAT_E_FAIL when this build
 * has no org analysis yet; else as maat_graph_render(). *summary (optional) receives a new
 * one-line description of what was drawn; caller frees. */
int maat_report_org_graph(maat_db *db, const maat_report_graph_options *o, const char *path,
			  char **summary, maat_err *err);

/* Draws the handover network of the imported case logs into path: units (resources matched in
 * the org chart; by resource with by_resource, without an org chart, or when the chart knows
 * none of the resources) linked by handovers, the top
 * edges; pairs handing over in both directions are drawn red (ping-pong candidates).
 * MAAT_E_NOINPUT when no case log was imported. *summary as above. */
int maat_report_handover_graph(maat_db *db, const maat_report_graph_options *o, const char *path,
			       char **summary, maat_err *err);

/* The same two pictures as SVG text in memory (for the HTML report): *svg receives a new
 * string (caller frees); *summary as above. Same errors. */
int maat_report_org_graph_svg(maat_db *db, const maat_report_graph_options *o, char **svg,
			      char **summary, maat_err *err);
int maat_report_handover_graph_svg(maat_db *db, const maat_report_graph_options *o, char **svg,
				   char **summary, maat_err *err);

#endif
