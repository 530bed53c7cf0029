/* The self-contained HTML report (reports/html.c): findings per reader with their evidence,
 * charts, the org chart and the handover graph, settings, sources and definitions. */
#ifndef MAAT_HTML_H
#define MAAT_HTML_H

#include <stdint.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/workbook.h"

/* Settings of the page. Zero-initialise, then set what differs. */
typedef struct maat_html_options {
	/* groups of fewer people are not shown; 0 = MAAT_REPORT_MIN_GROUP_DEFAULT */
	int min_group;
	/* how the org chart and the handover graph are drawn */
	maat_report_graph_options graph;
} maat_html_options;

/* Writes the report of whatever the store holds to path (through "<path>.tmp" and rename();
 * nothing is left at path on failure); generated is the time shown (unix seconds UTC).
 * Returns 0, or negative with err set: MAAT_E_NOINPUT when nothing was imported,
 * MAAT_E_CANTCREAT, MAAT_E_IO, or what the analyses return. */
int maat_html_write(maat_db *db, const maat_html_options *o, const char *path, int64_t generated,
		    maat_err *err);

#endif
