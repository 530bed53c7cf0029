#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/i18n.h"
#include "maatlat/terms.h"
#include "maatlat/trend.h"
#include "maatlat/util.h"
#include "maatlat/workbook.h"
#include "maatlat/xlsx.h"

/* Traffic light bands on value / limit (caps) or limit / value (targets). */
#define RATIO_RED 1.0
#define RATIO_YELLOW 0.9

struct sheet {
	/* the wanted name (translated); owned */
	char *name;
	/* the data; owned */
	maat_table *table;
};

struct chart {
	/* index into sheets */
	size_t sheet;
	enum maat_chart_kind kind;
	/* owned */
	char *title;
	size_t cat_col, val_col, val2_col;
};

struct headline {
	/* owned */
	char *figure;
	/* NaN when it cannot be computed */
	double value;
	/* MAAT_COL_INT, REAL or SHARE */
	maat_coltype type;
	enum maat_limit_kind kind;
	double limit;
};

struct pair {
	/* owned */
	char *name;
	char *value;
};

struct maat_workbook {
	struct sheet *sheets;
	size_t nsheets;
	struct chart *charts;
	size_t ncharts;
	struct headline *headlines;
	size_t nheadlines;
	struct pair *settings;
	size_t nsettings;
	/* owned strings */
	char **notes;
	size_t nnotes;
	/* findings: (audience heading, sentence), owned, in order */
	struct pair *findings;
	size_t nfindings;
	/* rows per sheet, the header included (0 = Excel's MAAT_XLSX_MAX_ROWS) */
	size_t sheet_rows;
};

/* Data rows one sheet of wb holds. */
static size_t
rows_per_sheet(const maat_workbook *wb)
{
	size_t n = wb->sheet_rows >= 2 && wb->sheet_rows <= MAAT_XLSX_MAX_ROWS ? wb->sheet_rows
									       : MAAT_XLSX_MAX_ROWS;
	return n - 1;
}

/* The sheets a table of nr rows takes (at least 1). */
static size_t
sheet_parts(const maat_workbook *wb, size_t nr)
{
	size_t per = rows_per_sheet(wb);
	return nr <= per ? 1 : (nr + per - 1) / per;
}

void
maat_workbook_set_sheet_rows(maat_workbook *wb, size_t rows)
{
	wb->sheet_rows = rows;
}

maat_workbook *
maat_workbook_new(void)
{
	return maat_xcalloc(1, sizeof(maat_workbook));
}

void
maat_workbook_free(maat_workbook *wb)
{
	if (wb == NULL) {
		return;
	}
	for (size_t i = 0; i < wb->nsheets; i++) {
		free(wb->sheets[i].name);
		maat_table_free(wb->sheets[i].table);
	}
	for (size_t i = 0; i < wb->ncharts; i++) {
		free(wb->charts[i].title);
	}
	for (size_t i = 0; i < wb->nheadlines; i++) {
		free(wb->headlines[i].figure);
	}
	for (size_t i = 0; i < wb->nsettings; i++) {
		free(wb->settings[i].name);
		free(wb->settings[i].value);
	}
	for (size_t i = 0; i < wb->nnotes; i++) {
		free(wb->notes[i]);
	}
	for (size_t i = 0; i < wb->nfindings; i++) {
		free(wb->findings[i].name);
		free(wb->findings[i].value);
	}
	free(wb->findings);
	free(wb->sheets);
	free(wb->charts);
	free(wb->headlines);
	free(wb->settings);
	free(wb->notes);
	free(wb);
}

size_t
maat_workbook_add_sheet(maat_workbook *wb, const char *name, maat_table *t)
{
	wb->sheets = maat_xreallocarray(wb->sheets, wb->nsheets + 1, sizeof(*wb->sheets));
	wb->sheets[wb->nsheets] = (struct sheet){maat_xstrdup(name), t};
	return wb->nsheets++;
}

void
maat_workbook_add_chart(maat_workbook *wb, size_t sheet, enum maat_chart_kind kind,
			const char *title, size_t cat_col, size_t val_col, size_t val2_col)
{
	wb->charts = maat_xreallocarray(wb->charts, wb->ncharts + 1, sizeof(*wb->charts));
	wb->charts[wb->ncharts++] =
	    (struct chart){sheet, kind, maat_xstrdup(title), cat_col, val_col, val2_col};
}

void
maat_workbook_add_headline(maat_workbook *wb, const char *figure, double value, maat_coltype type,
			   enum maat_limit_kind kind, double limit)
{
	wb->headlines =
	    maat_xreallocarray(wb->headlines, wb->nheadlines + 1, sizeof(*wb->headlines));
	wb->headlines[wb->nheadlines++] =
	    (struct headline){maat_xstrdup(figure), value, type, kind, limit};
}

void
maat_workbook_add_setting(maat_workbook *wb, const char *name, const char *value)
{
	wb->settings = maat_xreallocarray(wb->settings, wb->nsettings + 1, sizeof(*wb->settings));
	wb->settings[wb->nsettings++] = (struct pair){maat_xstrdup(name), maat_xstrdup(value)};
}

void
maat_workbook_add_note(maat_workbook *wb, const char *note)
{
	wb->notes = maat_xreallocarray(wb->notes, wb->nnotes + 1, sizeof(*wb->notes));
	wb->notes[wb->nnotes++] = maat_xstrdup(note);
}

void
maat_workbook_add_finding(maat_workbook *wb, const char *audience, const char *text)
{
	wb->findings = maat_xreallocarray(wb->findings, wb->nfindings + 1, sizeof(*wb->findings));
	wb->findings[wb->nfindings++] = (struct pair){maat_xstrdup(audience), maat_xstrdup(text)};
}

size_t
maat_workbook_nsettings(const maat_workbook *wb)
{
	return wb->nsettings;
}

const char *
maat_workbook_setting(const maat_workbook *wb, size_t i, const char **value)
{
	if (i >= wb->nsettings) {
		return NULL;
	}
	*value = wb->settings[i].value;
	return wb->settings[i].name;
}

size_t
maat_workbook_nsheets(const maat_workbook *wb)
{
	return wb->nsheets;
}

const maat_table *
maat_workbook_sheet_table(const maat_workbook *wb, size_t sheet)
{
	return sheet < wb->nsheets ? wb->sheets[sheet].table : NULL;
}

const char *
maat_workbook_sheet_name(const maat_workbook *wb, size_t sheet)
{
	return sheet < wb->nsheets ? wb->sheets[sheet].name : NULL;
}

static lxw_format *
value_format(maat_xlsx *x, maat_coltype type)
{
	switch (type) {
	case MAAT_COL_SHARE:
		return maat_xlsx_format(x, MAAT_XLSX_FMT_SHARE1);
	case MAAT_COL_REAL:
		return maat_xlsx_format(x, MAAT_XLSX_FMT_REAL1);
	default:
		return maat_xlsx_format(x, MAAT_XLSX_FMT_INT);
	}
}

/* The ratio the light is set by: value / cap, or target / value (1 or more: over or short). */
static double
headline_ratio(const struct headline *h)
{
	if (h->kind == MAAT_LIMIT_CAP) {
		return h->limit > 0 ? h->value / h->limit : h->value > 0 ? 2.0 : 0.0;
	}
	return h->value > 0 ? h->limit / h->value : 2.0;
}

/* A headline number as people read it (a share as a percentage). */
static const char *
headline_num(char *buf, size_t size, double v, maat_coltype type)
{
	char n[48];
	if (type == MAAT_COL_SHARE) {
		snprintf(buf, size, "%s%%", maat_i18n_real(n, sizeof(n), 100.0 * v, 1));
		return buf;
	}
	return maat_i18n_real(buf, size, v, type == MAAT_COL_REAL ? 1 : 0);
}

/* The "against the limit" column in words: "7.7 >= 3: ok", "14.4% > 0.0%: over the cap". */
static char *
against_words(const struct headline *h, bool over)
{
	char v[64], l[64];
	headline_num(v, sizeof(v), h->value, h->type);
	if (h->type == MAAT_COL_REAL && h->limit == floor(h->limit) && fabs(h->limit) < 1e9) {
		/* a whole target (a minimum span of 3) reads as written */
		headline_num(l, sizeof(l), h->limit, MAAT_COL_INT);
	} else {
		headline_num(l, sizeof(l), h->limit, h->type);
	}
	if (h->kind == MAAT_LIMIT_CAP) {
		return over ? maat_xasprintf(_("%s > %s: over the cap"), v, l)
			    : maat_xasprintf(_("%s \xE2\x89\xA4 %s: ok"), v, l);
	}
	return over ? maat_xasprintf(_("%s < %s: short of the target"), v, l)
		    : maat_xasprintf(_("%s \xE2\x89\xA5 %s: ok"), v, l);
}

/* A setting's value as a number when it is one (so it can be used in a formula), else text. */
static void
write_setting_value(maat_xlsx *x, lxw_worksheet *ws, lxw_row_t r, const char *s)
{
	char *end = NULL;
	double v = s != NULL && *s ? strtod(s, &end) : 0;
	if (s != NULL && *s && end != NULL && *end == '\0' && isfinite(v)) {
		worksheet_write_number(ws, r, 1, v, NULL);
	} else {
		maat_xlsx_write_text(ws, r, 1, s, NULL);
	}
	(void)x;
}

static int
write_summary(maat_xlsx *x, const maat_workbook *wb, int64_t generated, maat_err *err)
{
	lxw_worksheet *ws = maat_xlsx_add_sheet(x, _("Summary"), NULL, err);
	lxw_format *bold = NULL, *wrap = NULL;
	lxw_row_t r = 0;
	const char *audience = NULL;

	if (ws == NULL) {
		return -1;
	}
	bold = maat_xlsx_format(x, MAAT_XLSX_FMT_BOLD);
	wrap = maat_xlsx_format(x, MAAT_XLSX_FMT_WRAP);
	worksheet_set_column(ws, 0, 0, 52, NULL);
	worksheet_set_column(ws, 1, 3, 16, NULL);
	worksheet_set_column(ws, 4, 4, 30, NULL);
	maat_xlsx_write_text(ws, r++, 0, _("maatlat report"),
			     maat_xlsx_format(x, MAAT_XLSX_FMT_TITLE));
	maat_xlsx_write_text(ws, r, 0, _("Generated (UTC)"), NULL);
	worksheet_write_unixtime(ws, r++, 1, generated,
				 maat_xlsx_format(x, MAAT_XLSX_FMT_DATETIME));
	r++;
	if (wb->nheadlines > 0) {
		lxw_format *num = maat_xlsx_format(x, MAAT_XLSX_FMT_HEAD_NUM);
		lxw_format *head = maat_xlsx_format(x, MAAT_XLSX_FMT_HEAD_TEXT);
		maat_xlsx_write_text(ws, r, 0, _("Figure"), head);
		maat_xlsx_write_text(ws, r, 1, _("Value"), num);
		maat_xlsx_write_text(ws, r, 2, _("Target or cap"), num);
		maat_xlsx_write_text(ws, r, 3, _("Rule"), head);
		maat_xlsx_write_text(ws, r, 4, _("Against the limit"), head);
		r++;
	}
	for (size_t i = 0; i < wb->nheadlines; i++, r++) {
		const struct headline *h = &wb->headlines[i];
		lxw_format *vf = value_format(x, h->type), *light;
		double ratio;
		char *words;
		maat_xlsx_write_text(ws, r, 0, h->figure, NULL);
		if (isfinite(h->value)) {
			worksheet_write_number(ws, r, 1, h->value, vf);
		}
		if (h->kind == MAAT_LIMIT_NONE) {
			continue;
		}
		worksheet_write_number(ws, r, 2, h->limit, vf);
		maat_xlsx_write_text(
		    ws, r, 3, h->kind == MAAT_LIMIT_CAP ? _("at most") : _("at least"), NULL);
		if (!isfinite(h->value)) {
			continue;
		}
		/* the light: red over the cap or short of the target, yellow within 10% of it */
		ratio = headline_ratio(h);
		light = maat_xlsx_format(
		    x, ratio > RATIO_RED || (h->kind == MAAT_LIMIT_CAP && h->value > h->limit)
			   ? MAAT_XLSX_FMT_RED
		       : ratio >= RATIO_YELLOW ? MAAT_XLSX_FMT_YELLOW
					       : MAAT_XLSX_FMT_GREEN);
		words = against_words(h, ratio > RATIO_RED ||
					     (h->kind == MAAT_LIMIT_CAP && h->value > h->limit));
		maat_xlsx_write_text(ws, r, 4, words, light);
		free(words);
	}
	if (wb->nheadlines > 0) {
		maat_xlsx_write_text(
		    ws, r++, 0,
		    _("Colours: green = within the cap or target; yellow = within a tenth "
		      "of it; red = over the cap or short of the target; no colour = a "
		      "fact without a cap or target."),
		    NULL);
		r++;
	}
	if (wb->nfindings > 0) {
		maat_xlsx_write_text(ws, r++, 0, _("Findings"),
				     maat_xlsx_format(x, MAAT_XLSX_FMT_TITLE));
		for (size_t i = 0; i < wb->nfindings; i++) {
			if (audience == NULL || strcmp(audience, wb->findings[i].name) != 0) {
				audience = wb->findings[i].name;
				maat_xlsx_write_text(ws, r++, 0, audience, bold);
			}
			worksheet_merge_range(ws, r, 0, r, 4, "", wrap);
			maat_xlsx_write_text(ws, r, 0, wb->findings[i].value, wrap);
			worksheet_set_row(ws, r, 30, NULL);
			r++;
		}
		r++;
	}
	if (wb->nsettings > 0) {
		maat_xlsx_write_text(ws, r++, 0, _("Settings"), bold);
		for (size_t i = 0; i < wb->nsettings; i++, r++) {
			maat_xlsx_write_text(ws, r, 0, wb->settings[i].name, NULL);
			write_setting_value(x, ws, r, wb->settings[i].value);
		}
		r++;
	}
	if (wb->nnotes > 0) {
		maat_xlsx_write_text(ws, r++, 0, _("Notes"), bold);
		for (size_t i = 0; i < wb->nnotes; i++, r++) {
			maat_xlsx_write_text(ws, r, 0, wb->notes[i], NULL);
		}
		r++;
	}
	maat_xlsx_write_text(ws, r++, 0, _("Sheets"), bold);
	for (size_t i = 0; i < wb->nsheets; i++, r++) {
		const char *title = maat_table_title(wb->sheets[i].table);
		size_t nr = maat_table_nrows(wb->sheets[i].table), parts = sheet_parts(wb, nr);
		maat_xlsx_write_text(ws, r, 0, wb->sheets[i].name, NULL);
		maat_xlsx_write_text(ws, r, 1, title, NULL);
		if (parts > 1) {
			char *more = maat_xasprintf(
			    dngettext(
				"maatlat",
				"%zu rows: more than a sheet holds, continued on %zu more sheet",
				"%zu rows: more than a sheet holds, continued on %zu more sheets",
				parts - 1),
			    nr, parts - 1);
			maat_xlsx_write_text(ws, r, 2, more, NULL);
			free(more);
		}
	}
	return 0;
}

static int
write_chart(maat_xlsx *x, const maat_workbook *wb, lxw_worksheet *ws, const char *sheet,
	    const maat_table *t, const struct chart *c)
{
	static const uint8_t types[] = {LXW_CHART_COLUMN, LXW_CHART_BAR, LXW_CHART_LINE};
	size_t nr = maat_table_nrows(t), nc = maat_table_ncols(t);
	lxw_row_t last;
	lxw_chart *chart;
	lxw_chart_series *s;
	lxw_chart_options opt = {0};

	if (nr == 0 || c->cat_col >= nc || c->val_col >= nc) {
		return 0;
	}
	/* the first sheet's rows only, when the table goes on */
	last = (lxw_row_t)(nr < rows_per_sheet(wb) ? nr : rows_per_sheet(wb));
	chart = workbook_add_chart(maat_xlsx_workbook(x), types[c->kind]);
	s = chart_add_series(chart, NULL, NULL);
	chart_series_set_categories(s, sheet, 1, (lxw_col_t)c->cat_col, last,
				    (lxw_col_t)c->cat_col);
	chart_series_set_values(s, sheet, 1, (lxw_col_t)c->val_col, last, (lxw_col_t)c->val_col);
	chart_series_set_name_range(s, sheet, 0, (lxw_col_t)c->val_col);
	if (c->val2_col < nc) {
		s = chart_add_series(chart, NULL, NULL);
		chart_series_set_categories(s, sheet, 1, (lxw_col_t)c->cat_col, last,
					    (lxw_col_t)c->cat_col);
		chart_series_set_values(s, sheet, 1, (lxw_col_t)c->val2_col, last,
					(lxw_col_t)c->val2_col);
		chart_series_set_name_range(s, sheet, 0, (lxw_col_t)c->val2_col);
	} else {
		chart_legend_set_position(chart, LXW_CHART_LEGEND_NONE);
	}
	if (c->title != NULL) {
		chart_title_set_name(chart, c->title);
	}
	/* each axis name is set once: libxlsxwriter 1.1.4 leaks a name set twice */
	if (c->kind == MAAT_CHART_BAR) {
		/* bar charts swap the axes; layer 1 on top */
		chart_axis_set_reverse(chart->y_axis);
		chart_axis_set_name(chart->y_axis, maat_table_col_header(t, c->cat_col));
		chart_axis_set_name(chart->x_axis, maat_table_col_header(t, c->val_col));
	} else {
		chart_axis_set_name(chart->x_axis, maat_table_col_header(t, c->cat_col));
		chart_axis_set_name(chart->y_axis, c->val2_col < nc
						       ? _("hours")
						       : maat_table_col_header(t, c->val_col));
	}
	opt.x_scale = 1.5;
	opt.y_scale = 1.5;
	return worksheet_insert_chart_opt(ws, 1, (lxw_col_t)(nc + 1), chart, &opt) == LXW_NO_ERROR
		   ? 0
		   : -1;
}

int
maat_workbook_write(const maat_workbook *wb, const char *path, int64_t generated, maat_err *err)
{
	size_t max_rows = 0;
	const char **final = maat_xcalloc(wb->nsheets ? wb->nsheets : 1, sizeof(*final));
	maat_xlsx *x;
	int rc = -1;

	for (size_t i = 0; i < wb->nsheets; i++) {
		size_t n = maat_table_nrows(wb->sheets[i].table);
		max_rows = n > max_rows ? n : max_rows;
	}
	if (max_rows > rows_per_sheet(wb)) {
		/* a part of a long table still decides constant_memory */
		max_rows =
		    max_rows > MAAT_XLSX_TABLE_MAX_ROWS ? max_rows : MAAT_XLSX_TABLE_MAX_ROWS + 1;
	}
	if ((x = maat_xlsx_new(path, max_rows, err)) == NULL) {
		free(final);
		return err != NULL ? -err->code : -MAAT_E_CANTCREAT;
	}
	if (write_summary(x, wb, generated, err) < 0) {
		goto fail;
	}
	for (size_t i = 0; i < wb->nsheets; i++) {
		const maat_table *t = wb->sheets[i].table;
		size_t per = rows_per_sheet(wb), parts = sheet_parts(wb, maat_table_nrows(t));
		lxw_worksheet *ws = maat_xlsx_add_sheet(x, wb->sheets[i].name, &final[i], err);
		if (ws == NULL || maat_xlsx_write_table_part(x, ws, t, 0, per, err) < 0) {
			goto fail;
		}
		for (size_t c = 0; c < wb->ncharts; c++) {
			if (wb->charts[c].sheet == i &&
			    write_chart(x, wb, ws, final[i], wb->sheets[i].table, &wb->charts[c]) <
				0) {
				maat_err_set(err, MAAT_E_INTERNAL, _("cannot add a chart to '%s'"),
					     final[i]);
				goto fail;
			}
		}
		/* a table longer than a sheet goes on in "Name (2)", "Name (3)", ... (the name
		 * taken makes maat_xlsx_sheet_name number the next) */
		for (size_t k = 1; k < parts; k++) {
			lxw_worksheet *more = maat_xlsx_add_sheet(x, final[i], NULL, err);
			if (more == NULL ||
			    maat_xlsx_write_table_part(x, more, t, k * per, per, err) < 0) {
				goto fail;
			}
		}
	}
	free(final);
	return maat_xlsx_close(x, err);
fail:
	free(final);
	maat_xlsx_discard(x);
	return err != NULL && err->code != 0 ? -err->code : rc;
}

maat_table *
maat_report_sources_table(maat_db *db, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(
	    db,
	    "SELECT s.id, s.kind, s.path, s.sha256, s.rows_read, s.rows_rejected, s.imported_at,"
	    " s.options, (SELECT count(*) FROM source_messages m WHERE m.source_id = s.id),"
	    " (SELECT k.already_known FROM case_imports k WHERE k.source_id = s.id)"
	    " FROM sources s ORDER BY s.id",
	    err);
	maat_table *t;
	int rc;

	if (st == NULL) {
		return NULL;
	}
	t = maat_table_new(_("Imported files"));
	maat_table_add_column(t, "id", _("id"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "kind", _("kind"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "file", _("file"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "sha256", _("sha256"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "rows_read", _("rows read"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "rows_rejected", _("rejected"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "imported_at", _("imported (UTC)"), MAAT_COL_DATETIME, 0);
	maat_table_add_column(t, "options", _("options"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "messages", _("messages"), MAAT_COL_INT, 0);
	/* case logs: events an earlier imported case log already held (they count once) */
	maat_table_add_column(t, "already_known", _("events already known"), MAAT_COL_INT, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		maat_table_add_row(t);
		maat_table_set_int(t, 0, sqlite3_column_int64(st, 0));
		for (int c = 1; c <= 3; c++) {
			maat_table_set_text(t, (size_t)c, (const char *)sqlite3_column_text(st, c));
		}
		maat_table_set_int(t, 4, sqlite3_column_int64(st, 4));
		maat_table_set_int(t, 5, sqlite3_column_int64(st, 5));
		maat_table_set_int(t, 6, sqlite3_column_int64(st, 6));
		maat_table_set_text(t, 7, (const char *)sqlite3_column_text(st, 7));
		maat_table_set_int(t, 8, sqlite3_column_int64(st, 8));
		if (sqlite3_column_type(st, 9) != SQLITE_NULL) {
			maat_table_set_int(t, 9, sqlite3_column_int64(st, 9));
		}
	}
	if (rc != SQLITE_DONE) {
		maat_db_fail(db, err, _("reading sources"));
		maat_table_free(t);
		return NULL;
	}
	return t;
}

maat_table *
maat_report_anomalies_table(maat_db *db, maat_err *err)
{
	sqlite3_stmt *st =
	    maat_db_stmt(db,
			 "SELECT s.path, m.line, m.severity, m.message FROM source_messages m"
			 " JOIN sources s ON s.id = m.source_id ORDER BY s.id, m.line, m.rowid",
			 err);
	maat_table *t;
	int rc;

	if (st == NULL) {
		return NULL;
	}
	t = maat_table_new(_("Anomalies and skipped rows, per file and line"));
	maat_table_add_column(t, "file", _("file"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "line", _("line"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "severity", _("severity"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "message", _("message"), MAAT_COL_TEXT, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		maat_table_add_row(t);
		maat_table_set_text(t, 0, (const char *)sqlite3_column_text(st, 0));
		if (sqlite3_column_type(st, 1) != SQLITE_NULL && sqlite3_column_int64(st, 1) > 0) {
			maat_table_set_int(t, 1, sqlite3_column_int64(st, 1));
		}
		maat_table_set_text(t, 2, (const char *)sqlite3_column_text(st, 2));
		maat_table_set_text(t, 3, (const char *)sqlite3_column_text(st, 3));
	}
	if (rc != SQLITE_DONE) {
		maat_db_fail(db, err, _("reading source messages"));
		maat_table_free(t);
		return NULL;
	}
	return t;
}

maat_table *
maat_report_definitions_table(void)
{
	/* One line per figure, as METRICS.md defines it (section in the last column). */
	static const char *const defs[][3] = {
	    {N_("Layer"),
	     N_("The top post is layer 1; everyone else is one layer below their manager."), "§1"},
	    {N_("Layers"),
	     N_("The largest layer of any post in the organisation (aggregate rows included)."),
	     "§1"},
	    {N_("Distance to the top"),
	     N_("Layer minus 1: the managers between a post and the top."), "§1"},
	    {N_("Span of control"),
	     N_("Direct reports of a manager, plus the FTE of direct aggregate rows."), "§1"},
	    {N_("Manager"), N_("A post with a span above 0."), "§1"},
	    {N_("Manager of one"), N_("A manager with exactly one direct report."), "§1"},
	    {N_("Thin manager"), N_("A manager whose span is below the minimum span (default 3)."),
	     "§1"},
	    {N_("Pass-through manager"), N_("A manager of one whose one report is a manager too."),
	     "§1"},
	    {N_("Mean and median span"), N_("Over managers only."), "§1"},
	    {N_("Staff per manager"), N_("(People - managers) / managers."), "§1"},
	    {N_("Manager share"), N_("Managers / people."), "§1"},
	    {N_("External share"),
	     N_("FTE of hired-in staff / all FTE (blank when no row states it)."), "§1"},
	    {N_("Orphan"),
	     N_("A post whose manager id is unknown; placed at layer 1 and reported."), "§1"},
	    {N_("Delayering simulation"),
	     N_("Every non-top manager with a span below the minimum is removed; their reports "
		"move to the nearest remaining manager above."),
	     "§1"},
	    {N_("Sign-off chain"),
	     N_("The managers who must initial a decision: from the person up to the mandate "
		"holder (layer of person - layer of holder)."),
	     "§1"},
	    {N_("Meeting"),
	     N_("A calendar event that is not cancelled, not free time, not all-day, longer than 0 "
		"and at most the maximum length, with at least the minimum participants."),
	     "§2"},
	    {N_("Meeting hours"),
	     N_("Per person and ISO week: the length of the union of attended meetings (overlaps "
		"counted once)."),
	     "§2"},
	    {N_("Booked hours"),
	     N_("Per person and ISO week: the plain sum of attended meetings (overlaps counted "
		"twice)."),
	     "§2"},
	    {N_("Meeting cap"),
	     N_("Cap hours x FTE (default 12 hours per full-time week); a person-week is over the "
		"cap when hours exceed it."),
	     "§2"},
	    {N_("Succession"),
	     N_("Two consecutive events of a case with a resource: from the first resource to the "
		"second."),
	     "§3"},
	    {N_("Handover"),
	     N_("A succession between two different resources: owner segments - 1 per case."),
	     "§3"},
	    {N_("Ping-pong"), N_("A case goes from A to B and straight back to A."), "§3"},
	    {N_("Return"), N_("A case comes back to an owner who had it before."), "§3"},
	    {N_("Idle dossier"),
	     N_("A case with a gap between consecutive events of more than the idle days (default "
		"14)."),
	     "§3"},
	    {N_("Throughput"), N_("Last event minus first event of a case, in days."), "§3"},
	    {N_("Escalation"),
	     N_("A handover up (to an ancestor), down (to a descendant) or sideways in the org "
		"chart."),
	     "§3"},
	    {N_("Minimum group"),
	     N_("No figure about fewer people than the minimum group (default 5) is shown."), "§4"},
	};
	maat_table *t = maat_table_new(_("What each figure means (METRICS.md)"));
	maat_table_add_column(t, "figure", _("Figure"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "section", _("METRICS.md"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "definition", _("Definition"), MAAT_COL_TEXT, 0);
	for (size_t i = 0; i < sizeof(defs) / sizeof(defs[0]); i++) {
		maat_table_add_row(t);
		maat_table_set_text(t, 0, _(defs[i][0]));
		maat_table_set_text(t, 1, defs[i][2]);
		maat_table_set_text(t, 2, _(defs[i][1]));
	}
	return t;
}

maat_table *
maat_report_suppress(const maat_table *t, size_t count_col, size_t note_col, int min_group,
		     size_t *suppressed)
{
	size_t nc = maat_table_ncols(t), nr = maat_table_nrows(t), n = 0;
	maat_table *out = maat_table_new(maat_table_title(t));
	char *note = maat_xasprintf(_("fewer than %d"), min_group);

	for (size_t c = 0; c < nc; c++) {
		maat_table_add_column(out, maat_table_col_key(t, c), maat_table_col_header(t, c),
				      maat_table_col_type(t, c), maat_table_col_decimals(t, c));
	}
	for (size_t r = 0; r < nr; r++) {
		const maat_cell *count = count_col < nc ? maat_table_cell(t, r, count_col) : NULL;
		bool hide = count != NULL && !count->null && count->i < min_group;
		maat_table_add_row(out);
		n += hide;
		for (size_t c = 0; c < nc; c++) {
			const maat_cell *cell = maat_table_cell(t, r, c);
			maat_coltype type = maat_table_col_type(t, c);
			if (hide && c == note_col && type == MAAT_COL_TEXT) {
				maat_table_set_text(out, c, note);
			} else if (cell->null || (hide && type != MAAT_COL_TEXT)) {
				continue;
			} else if (type == MAAT_COL_TEXT) {
				maat_table_set_text(out, c, cell->s);
			} else if (type == MAAT_COL_REAL || type == MAAT_COL_SHARE) {
				maat_table_set_real(out, c, cell->d);
			} else {
				maat_table_set_int(out, c, cell->i);
			}
		}
	}
	free(note);
	if (suppressed != NULL) {
		*suppressed = n;
	}
	return out;
}

size_t
maat_report_col(const maat_table *t, const char *key)
{
	for (size_t c = 0; c < maat_table_ncols(t); c++) {
		if (strcmp(maat_table_col_key(t, c), key) == 0) {
			return c;
		}
	}
	return (size_t)-1;
}

struct week {
	/* borrowed from the person-weeks table */
	const char *week;
	size_t people, over;
	double hours, cap;
};

static int
cmp_week(const void *a, const void *b)
{
	return strcmp(((const struct week *)a)->week, ((const struct week *)b)->week);
}

maat_table *
maat_report_weekly_table(const maat_table *pw)
{
	size_t cw = maat_report_col(pw, "week"), ch = maat_report_col(pw, "hours");
	size_t cc = maat_report_col(pw, "cap"), nr = maat_table_nrows(pw), nw = 0;
	struct week *w = maat_xcalloc(nr ? nr : 1, sizeof(*w));
	maat_table *t = maat_table_new(_("Meeting hours per week against the cap"));

	maat_table_add_column(t, "week", _("week"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "people", _("people"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "mean_hours", _("mean hours"), MAAT_COL_REAL, 1);
	/* the mean of each person's own cap (cap x FTE): below the full-time cap when part-timers
	 * attend, so the chart's second line is named for what it is */
	maat_table_add_column(t, "cap", _("mean cap (cap x FTE)"), MAAT_COL_REAL, 1);
	maat_table_add_column(t, "over_cap", _("person-weeks over cap"), MAAT_COL_INT, 0);
	if (cw == (size_t)-1 || ch == (size_t)-1 || cc == (size_t)-1) {
		free(w);
		return t;
	}
	for (size_t r = 0; r < nr; r++) {
		const maat_cell *wk = maat_table_cell(pw, r, cw);
		if (!wk->null && wk->s != NULL) {
			w[nw++] = (struct week){wk->s, 0, 0, 0, 0};
		}
	}
	qsort(w, nw, sizeof(*w), cmp_week);
	/* the distinct weeks, in order: a week's many people are one entry, so that each row
	 * finds its week by one binary search (linear in the rows, whatever the people per week) */
	{
		size_t u = 0;
		for (size_t i = 0; i < nw; i++) {
			if (u == 0 || strcmp(w[u - 1].week, w[i].week) != 0) {
				w[u++] = w[i];
			}
		}
		nw = u;
	}
	for (size_t r = 0; r < nr; r++) {
		const maat_cell *wk = maat_table_cell(pw, r, cw);
		const maat_cell *h = maat_table_cell(pw, r, ch), *c = maat_table_cell(pw, r, cc);
		struct week key = {wk->s, 0, 0, 0, 0}, *hit;
		if (wk->null || wk->s == NULL) {
			continue;
		}
		hit = bsearch(&key, w, nw, sizeof(*w), cmp_week);
		hit->people++;
		hit->hours += h->null ? 0 : h->d;
		hit->cap += c->null ? 0 : c->d;
		hit->over += !h->null && !c->null && h->d > c->d;
	}
	for (size_t i = 0; i < nw; i++) {
		maat_table_add_row(t);
		maat_table_set_text(t, 0, w[i].week);
		maat_table_set_int(t, 1, (int64_t)w[i].people);
		maat_table_set_real(t, 2, w[i].hours / (double)w[i].people);
		maat_table_set_real(t, 3, w[i].cap / (double)w[i].people);
		maat_table_set_int(t, 4, (int64_t)w[i].over);
	}
	free(w);
	return t;
}

/* one person-week row, for sorting by unit and week */
struct uw_row {
	/* borrowed */
	const char *unit, *week;
	double hours, cap;
	bool over;
};

static int
cmp_uw(const void *a, const void *b)
{
	const struct uw_row *x = a, *y = b;
	int c = strcmp(x->unit, y->unit);
	return c != 0 ? c : strcmp(x->week, y->week);
}

maat_table *
maat_report_unit_week_table(const maat_table *pw, int min_group)
{
	size_t cu = maat_report_col(pw, "unit"), cw = maat_report_col(pw, "week");
	size_t ch = maat_report_col(pw, "hours"), cc = maat_report_col(pw, "cap");
	size_t nr = maat_table_nrows(pw), n = 0;
	struct uw_row *rows = maat_xcalloc(nr ? nr : 1, sizeof(*rows));
	maat_table *t = maat_table_new(_("Meeting hours per unit and week against the cap"));
	maat_table *out;

	maat_table_add_column(t, "unit", _("unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "week", _("week"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "people", _("people"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "mean_hours", _("mean hours"), MAAT_COL_REAL, 1);
	maat_table_add_column(t, "mean_cap", _("mean cap"), MAAT_COL_REAL, 1);
	maat_table_add_column(t, "over_cap", _("people over their cap"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "over_cap_share", _("share over their cap"), MAAT_COL_SHARE, 0);
	if (cu == (size_t)-1 || cw == (size_t)-1 || ch == (size_t)-1 || cc == (size_t)-1) {
		free(rows);
		return t;
	}
	for (size_t r = 0; r < nr; r++) {
		const maat_cell *u = maat_table_cell(pw, r, cu), *w = maat_table_cell(pw, r, cw);
		const maat_cell *h = maat_table_cell(pw, r, ch), *c = maat_table_cell(pw, r, cc);
		if (w->null || w->s == NULL) {
			continue;
		}
		rows[n++] = (struct uw_row){u->null || u->s == NULL ? _("(unknown)") : u->s, w->s,
					    h->null ? 0 : h->d, c->null ? 0 : c->d,
					    !h->null && !c->null && h->d > c->d};
	}
	qsort(rows, n, sizeof(*rows), cmp_uw);
	for (size_t i = 0; i < n;) {
		size_t j = i, over = 0;
		double hours = 0, cap = 0;
		while (j < n && cmp_uw(&rows[i], &rows[j]) == 0) {
			hours += rows[j].hours;
			cap += rows[j].cap;
			over += rows[j].over;
			j++;
		}
		maat_table_add_row(t);
		maat_table_set_text(t, 0, rows[i].unit);
		maat_table_set_text(t, 1, rows[i].week);
		maat_table_set_int(t, 2, (int64_t)(j - i));
		maat_table_set_real(t, 3, hours / (double)(j - i));
		maat_table_set_real(t, 4, cap / (double)(j - i));
		maat_table_set_int(t, 5, (int64_t)over);
		maat_table_set_real(t, 6, (double)over / (double)(j - i));
		i = j;
	}
	free(rows);
	/* privacy (METRICS.md section 4): a unit-week of fewer than min_group people is blanked */
	out = maat_report_suppress(t, 2, (size_t)-1, min_group, NULL);
	maat_table_free(t);
	return out;
}

maat_table *
maat_report_handover_histogram(const maat_table *cases, int max_bins)
{
	size_t col = maat_report_col(cases, "handovers");
	size_t *bins = maat_xcalloc((size_t)max_bins + 1, sizeof(*bins));
	maat_table *t = maat_table_new(_("Cases by number of handovers"));
	maat_table_add_column(t, "handovers", _("handovers"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "cases", _("cases"), MAAT_COL_INT, 0);
	for (size_t r = 0; col != (size_t)-1 && r < maat_table_nrows(cases); r++) {
		const maat_cell *c = maat_table_cell(cases, r, col);
		if (!c->null && c->i >= 0) {
			bins[c->i < max_bins ? c->i : max_bins]++;
		}
	}
	for (int b = 0; b <= max_bins; b++) {
		char label[32];
		snprintf(label, sizeof(label), b < max_bins ? "%d" : "%d+", b);
		maat_table_add_row(t);
		maat_table_set_text(t, 0, label);
		maat_table_set_int(t, 1, (int64_t)bins[b]);
	}
	free(bins);
	return t;
}

/* Adds t as a sheet with the people-count column suppressed below min_group (unused until
 * signoff.h is in the tree). */
static __attribute__((unused)) size_t
add_suppressed(maat_workbook *wb, const char *name, maat_table *t, const char *count_key,
	       int min_group)
{
	size_t col = maat_report_col(t, count_key), hidden = 0;
	if (col != (size_t)-1) {
		maat_table *s = maat_report_suppress(t, col, (size_t)-1, min_group, &hidden);
		maat_table_free(t);
		t = s;
	}
	if (hidden > 0) {
		/* the sheet says nothing itself; Summary says how many rows are blanked */
		char *note = maat_xasprintf(P_("%s: %zu row of fewer than %d people is blanked "
					       "(privacy).",
					       "%s: %zu rows of fewer than %d people are blanked "
					       "(privacy).",
					       hidden),
					    name, hidden, min_group);
		maat_workbook_add_note(wb, note);
		free(note);
	}
	return maat_workbook_add_sheet(wb, name, t);
}

/* PIPELINE WIRING. Each part compiles in once its module is in the tree: reports/meson.build
 * defines MAAT_HAVE_LAYERS, MAAT_HAVE_SIGNOFF, MAAT_HAVE_MEETINGS and MAAT_HAVE_HANDOVERS when
 * layers.h, signoff.h, meetings.h and handovers.h exist (a changed define makes ninja rebuild
 * this file after a merge). Without one, its sheets are a note on Summary. */
#include "maatlat/graph.h"
#include "maatlat/org.h"
#include "maatlat/summary.h"
#ifdef MAAT_HAVE_LAYERS
#define HAVE_LAYERS 1
#include "maatlat/layers.h"
#endif
#if defined(MAAT_HAVE_SIGNOFF) && defined(HAVE_LAYERS)
#define HAVE_SIGNOFF 1
#include "maatlat/signoff.h"
#endif
#ifdef MAAT_HAVE_MEETINGS
#define HAVE_MEETINGS 1
#include "maatlat/meetings.h"
#endif
#ifdef MAAT_HAVE_HANDOVERS
#define HAVE_HANDOVERS 1
#include "maatlat/handovers.h"
#endif

static int
add_org(maat_db *db, const maat_report_options *opt, maat_workbook *wb, maat_err *err)
{
#ifdef HAVE_LAYERS
	maat_org *org = NULL;
	maat_layers *l;
	const maat_layers_figures *f;
	char value[64];
	size_t s;
	int rc;
#endif
	if (!maat_db_has_kind(db, "org")) {
		maat_workbook_add_note(
		    wb, _("No org chart imported: no Layers, Managers, Delayering or Sign-off "
			  "chains sheets."));
		return 0;
	}
#ifdef HAVE_LAYERS
	if ((rc = maat_org_load(db, NULL, &org, err)) != 0) {
		return rc < 0 ? rc : 0;
	}
	l = maat_layers_compute(org, MAAT_LAYERS_MIN_SPAN_DEFAULT);
	f = maat_layers_figures_get(l);
	maat_workbook_add_headline(wb, _("People"), (double)f->people, MAAT_COL_INT,
				   MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Management layers"), f->layers, MAAT_COL_INT,
				   MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Managers"), (double)f->managers, MAAT_COL_INT,
				   MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Mean span of control"), f->span_mean, MAAT_COL_REAL,
				   MAAT_LIMIT_TARGET, f->min_span);
	maat_workbook_add_headline(wb, _("Managers of one"), (double)f->managers_span_1,
				   MAAT_COL_INT, MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Thin managers"), (double)f->thin_managers, MAAT_COL_INT,
				   MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Pass-through managers"), (double)f->pass_through_managers,
				   MAAT_COL_INT, MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Manager share"), f->manager_share, MAAT_COL_SHARE,
				   MAAT_LIMIT_NONE, 0);
	snprintf(value, sizeof(value), "%d", f->min_span);
	maat_workbook_add_setting(wb, _("Minimum span (thin managers, delayering)"), value);
	if (org->as_of != NULL && *org->as_of) {
		maat_workbook_add_setting(wb, _("Org chart as of"), org->as_of);
	}
	maat_workbook_add_sheet(wb, _("Layers"), maat_layers_people_table(l));
	maat_workbook_add_sheet(wb, _("Managers"), maat_layers_managers_table(l));
	s = maat_workbook_add_sheet(wb, _("Layer pyramid"), maat_layers_pyramid_table(l));
	maat_workbook_add_chart(wb, s, MAAT_CHART_BAR, _("Headcount per layer"), 0, 1,
				MAAT_CHART_NO_SERIES);
	s = maat_workbook_add_sheet(wb, _("Span distribution"), maat_layers_span_bands_table(l));
	maat_workbook_add_chart(wb, s, MAAT_CHART_COLUMN, _("Managers per span"), 0, 1,
				MAAT_CHART_NO_SERIES);
	maat_workbook_add_sheet(wb, _("Delayering"), maat_layers_delayering_table(l));
	maat_workbook_add_sheet(wb, _("Removed roles"), maat_layers_removed_table(l));
	maat_workbook_add_sheet(wb, _("Org anomalies"), maat_org_anomalies_table(org));
#ifdef HAVE_SIGNOFF
	{
		maat_mandate *m = NULL;
		size_t nm = 0;
		maat_signoff *so;
		if ((rc = maat_mandates_load(db, &m, &nm, err)) < 0) {
			maat_layers_free(l);
			maat_org_free(org);
			return rc;
		}
		so = maat_signoff_compute(org, m, nm, NULL, MAAT_SIGNOFF_CAP_DEFAULT);
		snprintf(value, sizeof(value), "%d", MAAT_SIGNOFF_CAP_DEFAULT);
		maat_workbook_add_setting(wb, _("Sign-off cap (managers in a chain)"), value);
		maat_workbook_add_sheet(wb, _("Sign-off chains"), maat_signoff_types_table(so));
		add_suppressed(wb, _("Sign-off per unit"), maat_signoff_units_table(so), "people",
			       opt->min_group);
		maat_signoff_free(so);
		maat_mandates_free(m, nm);
	}
#endif
	maat_layers_free(l);
	maat_org_free(org);
#else
	/* HOOK(org): layers.h not in this build */
	maat_workbook_add_note(wb, _("An org chart was imported, but this build does not "
				     "analyse it in the workbook yet."));
#endif
	return 0;
}

static int
add_calendar(maat_db *db, const maat_report_options *opt, maat_workbook *wb, maat_err *err)
{
#ifdef HAVE_MEETINGS
	maat_meetings_opts mo;
	maat_org *org = NULL;
	maat_meetings_joins *joins = NULL;
	maat_meetings *m;
	const maat_meetings_summary *ms;
	maat_table *pw, *weekly;
	char value[64];
	size_t s;
	double hours = 0;
#endif
	if (!maat_db_has_kind(db, "calendar")) {
		maat_workbook_add_note(
		    wb, _("No calendars imported: no Meetings or Meeting series sheets."));
		return 0;
	}
#ifdef HAVE_MEETINGS
	maat_meetings_opts_init(&mo);
	mo.min_group = opt->min_group;
	mo.per_person = opt->per_person;
	/* FTE (cap x FTE) and unit of each participant from the org chart, when there is one */
	if (maat_db_has_kind(db, "org") && maat_org_load(db, NULL, &org, err) < 0) {
		return -1;
	}
	/* the same joins as `meetings` (each week the snapshot in force; every org row a person;
	 * shared names join nobody) */
	if (org != NULL && maat_meetings_joins_load(db, NULL, &joins, err) < 0) {
		maat_org_free(org);
		return -1;
	}
	maat_meetings_joins_apply(joins, &mo);
	m = maat_meetings_compute(db, &mo, err);
	if (m == NULL) {
		maat_meetings_joins_free(joins);
		maat_org_free(org);
		return -1;
	}
	ms = maat_meetings_get_summary(m);
	/* every person's weeks for the aggregates; the sheet shows only what per_person allows */
	pw = maat_meetings_person_weeks_all_table(m);
	weekly = maat_report_weekly_table(pw);
	for (size_t r = 0; r < maat_table_nrows(pw); r++) {
		const maat_cell *h = maat_table_cell(pw, r, maat_report_col(pw, "hours"));
		hours += h->null ? 0 : h->d;
	}
	/* the light: the share of person-weeks over each person's own cap (cap x FTE); a cap is
	 * a cap, so any week over it is red (the mean hours alone would hide who is over) */
	maat_workbook_add_headline(
	    wb, _("Share of person-weeks over the FTE-scaled meeting cap"),
	    ms->person_weeks ? (double)ms->over_cap_person_weeks / (double)ms->person_weeks : NAN,
	    MAAT_COL_SHARE, MAAT_LIMIT_CAP, 0);
	maat_workbook_add_headline(wb, _("Person-weeks over the meeting cap"),
				   (double)ms->over_cap_person_weeks, MAAT_COL_INT, MAAT_LIMIT_NONE,
				   0);
	maat_workbook_add_headline(wb, _("Mean meeting hours per person-week"),
				   ms->person_weeks ? hours / (double)ms->person_weeks : NAN,
				   MAAT_COL_REAL, MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("People over the meeting cap at least once"),
				   (double)ms->people_over_cap, MAAT_COL_INT, MAAT_LIMIT_NONE, 0);
	snprintf(value, sizeof(value), "%g", mo.cap_hours);
	maat_workbook_add_setting(wb, _("Meeting cap (hours per full-time week)"), value);
	maat_workbook_add_setting(wb, _("Calendar window from"), ms->from_date);
	maat_workbook_add_setting(wb, _("Calendar window to"), ms->to_date);
	maat_workbook_add_setting(wb, _("Time zone of the ISO weeks"),
				  mo.tz != NULL ? mo.tz : "Europe/Amsterdam");
	snprintf(value, sizeof(value), "%d", mo.min_participants);
	maat_workbook_add_setting(wb, _("A meeting has at least this many participants"), value);
	snprintf(value, sizeof(value), "%g", mo.max_meeting_hours);
	maat_workbook_add_setting(wb, _("Longest meeting in hours (0 = no limit)"), value);
	maat_workbook_add_setting(wb, _("Tentative answers count as attending"),
				  mo.exclude_tentative ? _("no") : _("yes"));
	maat_workbook_add_setting(wb, _("Invitations without a reply count as attending"),
				  mo.exclude_no_reply ? _("no") : _("yes"));
	if (opt->per_person) {
		maat_workbook_add_sheet(wb, _("Meetings"), maat_meetings_person_weeks_table(m));
	} else {
		maat_workbook_add_note(wb,
				       _("Meetings per unit only (the Units sheet); report "
					 "--per-person adds meeting hours per person and week."));
	}
	s = maat_workbook_add_sheet(wb, _("Weekly meeting hours"), weekly);
	maat_workbook_add_chart(wb, s, MAAT_CHART_LINE, _("Mean meeting hours per week"), 0, 2, 3);
	maat_workbook_add_sheet(wb, _("Unit weeks"),
				maat_report_unit_week_table(pw, opt->min_group));
	maat_table_free(pw);
	maat_workbook_add_sheet(wb, _("Meeting series"), maat_meetings_series_table(m));
	maat_workbook_add_sheet(wb, _("Units"), maat_meetings_units_table(m));
	if (ms->units_suppressed > 0) {
		char *note = maat_xasprintf(
		    P_("Units: %zu unit with fewer than %d people is not shown (privacy).",
		       "Units: %zu units with fewer than %d people are not shown (privacy).",
		       ms->units_suppressed),
		    ms->units_suppressed, opt->min_group);
		maat_workbook_add_note(wb, note);
		free(note);
	}
	maat_meetings_free(m);
	maat_meetings_joins_free(joins);
	maat_org_free(org);
#else
	/* HOOK(cal): meetings.h not in this build */
	maat_workbook_add_note(wb, _("Calendars were imported, but this build does not analyse "
				     "them in the workbook yet."));
#endif
	return 0;
}

#ifdef HAVE_HANDOVERS
/* "Name, title" of a resource the org chart knows (by id, e-mail or name), else NULL. */
static char *
person_label(const maat_org *org, const char *key, const char **unit)
{
	ssize_t i = org != NULL ? maat_org_find(org, key) : -1;
	const maat_org_node *v;
	*unit = NULL;
	if (i < 0) {
		return NULL;
	}
	v = &org->nodes[i];
	*unit = v->unit;
	if (v->name != NULL && *v->name && v->title != NULL && *v->title) {
		return maat_xasprintf("%s, %s", v->name, v->title);
	}
	return maat_xstrdup(v->name != NULL && *v->name ? v->name : v->id);
}

static const char *
direction_words(const char *d)
{
	return strcmp(d, "up") == 0         ? _("up the line")
	       : strcmp(d, "down") == 0     ? _("down the line")
	       : strcmp(d, "sideways") == 0 ? _("sideways")
					    : _("not in the org chart");
}

/* Handovers between two different people, most first, with the names, titles and units the
 * org chart gives them (a policy maker reads "Jan Bos, Teamleider (Vergunningen)", not a
 * resource id); self-successions and two spellings of one person are left out (the Handover
 * pairs sheet has them). */
static maat_table *
handover_people_table(const maat_handovers *h, const maat_org *org)
{
	maat_table *t = maat_table_new(_("Handovers between different people, most first"));
	maat_table_add_column(t, "from", _("from"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "from_name", _("from: name, title"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "from_unit", _("from: unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "to", _("to"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "to_name", _("to: name, title"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "to_unit", _("to: unit"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "handovers", _("handovers"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "cases", _("cases"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "direction", _("direction"), MAAT_COL_TEXT, 0);
	for (size_t i = 0; i < h->npairs; i++) {
		const maat_handover_pair *p = &h->pairs[i];
		const char *fu, *tu;
		char *fl, *tl;
		if (strcmp(p->direction, "self") == 0 || strcmp(p->direction, "same") == 0 ||
		    strcmp(p->from, p->to) == 0) {
			continue;
		}
		fl = person_label(org, p->from, &fu);
		tl = person_label(org, p->to, &tu);
		maat_table_add_row(t);
		maat_table_set_text(t, 0, p->from);
		maat_table_set_text(t, 1, fl);
		maat_table_set_text(t, 2, fu);
		maat_table_set_text(t, 3, p->to);
		maat_table_set_text(t, 4, tl);
		maat_table_set_text(t, 5, tu);
		maat_table_set_int(t, 6, p->count);
		maat_table_set_int(t, 7, p->cases);
		maat_table_set_text(t, 8, direction_words(p->direction));
		free(fl);
		free(tl);
	}
	return t;
}
#endif

static int
add_cases(maat_db *db, const maat_report_options *opt, maat_workbook *wb, maat_err *err)
{
#ifdef HAVE_HANDOVERS
	maat_handovers_opts ho;
	maat_handovers *h = NULL;
	maat_table *cases;
	char value[64];
	size_t s;
	int rc;
#endif
	if (!maat_db_has_kind(db, "cases")) {
		maat_workbook_add_note(
		    wb, _("No case logs imported: no Cases or Handover pairs sheets."));
		return 0;
	}
#ifdef HAVE_HANDOVERS
	maat_handovers_opts_init(&ho);
	ho.keep_cases = true;
	if ((rc = maat_handovers_compute(db, &ho, &h, err)) < 0) {
		return rc;
	}
	maat_workbook_add_headline(wb, _("Cases"), (double)h->cases, MAAT_COL_INT, MAAT_LIMIT_NONE,
				   0);
	maat_workbook_add_headline(wb, _("Mean handovers per case"),
				   h->cases ? (double)h->handovers / (double)h->cases : NAN,
				   MAAT_COL_REAL, MAAT_LIMIT_CAP, h->max_handovers);
	maat_workbook_add_headline(wb, _("Cases over the handover cap"), (double)h->cases_over_max,
				   MAAT_COL_INT, MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Ping-pong cases"), (double)h->pingpong_cases,
				   MAAT_COL_INT, MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Idle dossiers"), (double)h->idle_cases, MAAT_COL_INT,
				   MAAT_LIMIT_NONE, 0);
	snprintf(value, sizeof(value), "%d", h->max_handovers);
	maat_workbook_add_setting(wb, _("Handover cap per case"), value);
	snprintf(value, sizeof(value), "%g", h->idle_days);
	maat_workbook_add_setting(wb, _("Idle days"), value);
	maat_workbook_add_setting(wb, _("Approval pattern"), h->approval_pattern);
	cases = maat_handovers_case_table(h, 0);
	s = maat_workbook_add_sheet(wb, _("Handovers per case"),
				    maat_report_handover_histogram(cases, 10));
	maat_workbook_add_chart(wb, s, MAAT_CHART_COLUMN, _("Cases by number of handovers"), 0, 1,
				MAAT_CHART_NO_SERIES);
	maat_workbook_add_sheet(wb, _("Cases"), cases);
	{
		maat_org *org = NULL;
		if (maat_db_has_kind(db, "org") && (rc = maat_org_load(db, NULL, &org, err)) < 0) {
			maat_handovers_free(h);
			return rc;
		}
		maat_workbook_add_sheet(wb, _("Handovers between people"),
					handover_people_table(h, org));
		maat_org_free(org);
	}
	maat_workbook_add_sheet(wb, _("Handover pairs"), maat_handovers_pair_table(h, 0));
	maat_handovers_free(h);
#else
	/* HOOK(cases): handovers.h not in this build */
	maat_workbook_add_note(wb, _("Case logs were imported, but this build does not analyse "
				     "them in the workbook yet."));
#endif
	return 0;
}

/* The org chart into path, or as SVG text into *svg when svg is non-NULL. */
static int
org_graph(maat_db *db, const maat_report_graph_options *o, const char *path, char **svg,
	  char **summary, maat_err *err)
{
#ifdef HAVE_LAYERS
	maat_org *org = NULL;
	maat_layers *l = NULL;
	maat_tree_node *nodes = NULL;
	maat_org_graph_options go = {0};
	maat_org_graph_stats st = {0};
	Agraph_t *g = NULL;
	int rc, min_span = o->min_span > 0 ? o->min_span : MAAT_LAYERS_MIN_SPAN_DEFAULT;
#endif
	if (!maat_db_has_kind(db, "org")) {
		return maat_err_set(
		    err, MAAT_E_NOINPUT, "%s",
		    _("no org chart imported: run 'maatlat import org FILE' first"));
	}
#ifdef HAVE_LAYERS
	if ((rc = maat_org_load(db, NULL, &org, err)) != 0) {
		return rc < 0 ? rc
			      : maat_err_set(err, MAAT_E_NOINPUT, "%s", _("no org chart imported"));
	}
	if (o->root != NULL) {
		ssize_t r = maat_org_find(org, o->root);
		if (r < 0) {
			rc = maat_err_set(err, MAAT_E_USAGE,
					  _("--root: no one with id, e-mail or "
					    "name '%s' in the org chart"),
					  o->root);
			goto out;
		}
		go.has_root = true;
		go.root = (size_t)r;
	}
	l = maat_layers_compute(org, min_span);
	nodes = maat_xcalloc(org->n ? org->n : 1, sizeof(*nodes));
	for (size_t i = 0; i < org->n; i++) {
		const maat_org_node *v = &org->nodes[i];
		double span = maat_layers_span(l, i);
		nodes[i].parent = v->parent;
		nodes[i].label = v->name != NULL && *v->name ? v->name : v->id;
		nodes[i].title = v->title;
		nodes[i].unit = v->unit;
		nodes[i].span = span;
		nodes[i].fte = v->fte;
		nodes[i].flags = (span == 1 ? MAAT_TREE_MANAGER_OF_ONE : 0) |
				 (span > 0 && span < min_span ? MAAT_TREE_THIN : 0) |
				 (v->aggregate ? MAAT_TREE_AGGREGATE : 0) |
				 (maat_layers_pass_through(l, i) ? MAAT_TREE_PASS_THROUGH : 0);
	}
	go.by_unit = o->by_unit;
	go.min_span = min_span;
	if ((g = maat_graph_org(nodes, org->n, &go, &st, err)) == NULL) {
		rc = -err->code;
		goto out;
	}
	rc = svg != NULL ? maat_graph_svg(g, svg, err) : maat_graph_render(g, path, err);
	if (rc == 0 && summary != NULL) {
		if (st.collapsed_boxes == 0) {
			*summary = maat_xasprintf(
			    _("%s: %zu boxes for the managers and the top, %zu staff listed in "
			      "their manager's box, %d layers"),
			    path != NULL ? path : "SVG", st.boxes, st.folded, st.depth);
		} else {
			*summary = maat_xasprintf(
			    _("%s: %zu boxes down to layer %d of %d, %zu staff listed in their "
			      "manager's box, %zu people below in %zu \"+N\" boxes"),
			    path != NULL ? path : "SVG", st.boxes, st.depth_shown, st.depth,
			    st.folded, st.collapsed_nodes, st.collapsed_boxes);
		}
	}
out:
	maat_graph_free(g);
	free(nodes);
	maat_layers_free(l);
	maat_org_free(org);
	return rc;
#else
	(void)o;
	(void)path;
	(void)svg;
	(void)summary;
	return maat_err_set(err, MAAT_E_FAIL, "%s",
			    _("report --graph: the org chart analysis is not in this build yet"));
#endif
}

#ifdef HAVE_HANDOVERS
struct uedge {
	/* borrowed names */
	const char *from, *to;
	int64_t count;
};

static int
cmp_uedge(const void *a, const void *b)
{
	const struct uedge *x = a, *y = b;
	int c = strcmp(x->from, y->from);
	return c != 0 ? c : strcmp(x->to, y->to);
}

static int
cmp_gedge(const void *a, const void *b)
{
	const maat_graph_edge *x = a, *y = b;
	int c = strcmp(x->from, y->from);
	return c != 0 ? c : strcmp(x->to, y->to);
}
#endif

/* The handover graph into path, or as SVG text into *svg when svg is non-NULL. */
static int
handover_graph(maat_db *db, const maat_report_graph_options *o, const char *path, char **svg,
	       char **summary, maat_err *err)
{
#ifdef HAVE_HANDOVERS
	maat_handovers *h = NULL;
	maat_handovers_opts ho;
	struct uedge *ue = NULL;
	maat_graph_edge *edges = NULL;
	size_t n = 0, m = 0, shown = 0;
	Agraph_t *g = NULL;
	bool by_unit = !o->by_resource;
	int rc;
#ifdef HAVE_LAYERS
	maat_org *org = NULL;
#endif
#endif
	if (!maat_db_has_kind(db, "cases")) {
		return maat_err_set(
		    err, MAAT_E_NOINPUT, "%s",
		    _("no case log imported: run 'maatlat import cases FILE' first"));
	}
#ifdef HAVE_HANDOVERS
	maat_handovers_opts_init(&ho);
	if ((rc = maat_handovers_compute(db, &ho, &h, err)) < 0) {
		return rc;
	}
#ifdef HAVE_LAYERS
	if (by_unit && (rc = maat_org_load(db, NULL, &org, err)) < 0) {
		goto out;
	}
	by_unit = by_unit && org != NULL;
#else
	by_unit = false;
#endif
	ue = maat_xcalloc(h->npairs ? h->npairs : 1, sizeof(*ue));
#ifdef HAVE_LAYERS
	if (by_unit) {
		/* units only when the org chart knows at least one resource; else by resource */
		bool known = false;
		for (size_t i = 0; i < h->npairs && !known; i++) {
			known = maat_org_find(org, h->pairs[i].from) >= 0 ||
				maat_org_find(org, h->pairs[i].to) >= 0;
		}
		by_unit = known;
	}
#endif
	for (size_t i = 0; i < h->npairs; i++) {
		const char *a = h->pairs[i].from, *b = h->pairs[i].to;
#ifdef HAVE_LAYERS
		if (by_unit) {
			ssize_t x = maat_org_find(org, a), y = maat_org_find(org, b);
			a = x >= 0 && org->nodes[x].unit != NULL ? org->nodes[x].unit
								 : _("(unknown)");
			b = y >= 0 && org->nodes[y].unit != NULL ? org->nodes[y].unit
								 : _("(unknown)");
		}
#endif
		ue[n++] = (struct uedge){a, b, h->pairs[i].count};
	}
	/* sum the pairs of the same two units */
	qsort(ue, n, sizeof(*ue), cmp_uedge);
	edges = maat_xcalloc(n ? n : 1, sizeof(*edges));
	for (size_t i = 0; i < n; i++) {
		if (m > 0 && strcmp(edges[m - 1].from, ue[i].from) == 0 &&
		    strcmp(edges[m - 1].to, ue[i].to) == 0) {
			edges[m - 1].count += ue[i].count;
		} else {
			edges[m++] = (maat_graph_edge){ue[i].from, ue[i].to, ue[i].count, 0};
		}
	}
	/* both directions present: a ping-pong candidate (the pairs carry no per-pair ping-pong
	 * count yet) */
	/* edges[] is sorted by (from, to) and distinct: one binary search per edge */
	for (size_t i = 0; i < m; i++) {
		maat_graph_edge key = {edges[i].to, edges[i].from, 0, 0};
		if (strcmp(key.from, key.to) != 0 &&
		    bsearch(&key, edges, m, sizeof(*edges), cmp_gedge) != NULL) {
			edges[i].pingpong = 1;
		}
	}
	if ((g = maat_graph_handovers(edges, m, o->top, &shown, err)) == NULL) {
		rc = -1;
		goto out;
	}
	rc = svg != NULL ? maat_graph_svg(g, svg, err) : maat_graph_render(g, path, err);
	if (rc == 0 && summary != NULL) {
		*summary = maat_xasprintf(_("%s: %zu handover edges between %s"),
					  path != NULL ? path : "SVG", shown,
					  by_unit ? _("units") : _("resources"));
	}
out:
	maat_graph_free(g);
	free(edges);
	free(ue);
#ifdef HAVE_LAYERS
	maat_org_free(org);
#endif
	maat_handovers_free(h);
	return rc;
#else
	(void)o;
	(void)path;
	(void)svg;
	(void)summary;
	return maat_err_set(
	    err, MAAT_E_FAIL, "%s",
	    _("report --handover-graph: the case analysis is not in this build yet"));
#endif
}

/* Decision terms (METRICS.md §5): a headline, per case type, unit and month (a line of the
 * share over the term), and the cases over it. */
static int
add_terms(maat_db *db, maat_workbook *wb, maat_err *err)
{
	maat_terms *t = NULL;
	size_t s;
	int rc;
	if (!maat_db_has_kind(db, "cases")) {
		return 0;
	}
	if ((rc = maat_terms_compute(db, NULL, &t, err)) < 0) {
		return rc;
	}
	maat_workbook_add_headline(wb, _("Cases over their decision term"), t->share_over_term,
				   MAAT_COL_SHARE, MAAT_LIMIT_NONE, 0);
	maat_workbook_add_headline(wb, _("Open cases over their decision term"),
				   (double)t->open_over_term, MAAT_COL_INT, MAAT_LIMIT_NONE, 0);
	maat_workbook_add_setting(wb, _("Decision terms"),
				  t->have_terms ? t->terms_source
						: _("none: the Awb's 8 weeks for every case"));
	maat_workbook_add_sheet(wb, _("Terms"), maat_terms_summary_table(t));
	maat_workbook_add_sheet(wb, _("Terms per case type"), maat_terms_type_table(t));
	maat_workbook_add_sheet(wb, _("Terms per unit"), maat_terms_unit_table(t));
	s = maat_workbook_add_sheet(wb, _("Terms per month"), maat_terms_month_table(t));
	maat_workbook_add_chart(
	    wb, s, MAAT_CHART_LINE, _("Share of cases over the term"), 0,
	    maat_report_col(maat_workbook_sheet_table(wb, s), "share_over_term"),
	    MAAT_CHART_NO_SERIES);
	maat_workbook_add_sheet(wb, _("Cases over term"), maat_terms_case_table(t, 0));
	maat_terms_free(t);
	return 0;
}

/* Trends and the role mix (METRICS.md §6), with line charts over the periods. */
static int
add_trend(maat_db *db, int min_group, maat_workbook *wb, maat_err *err)
{
	maat_trend *t = NULL;
	size_t s;
	int rc;
	if ((rc = maat_trend_compute(db, &t, err)) < 0) {
		return rc;
	}
	if (t->nsnapshots > 1) {
		s = maat_workbook_add_sheet(wb, _("Trend snapshots"), maat_trend_snapshot_table(t));
		maat_workbook_add_chart(
		    wb, s, MAAT_CHART_LINE, _("Managers and layers"), 0,
		    maat_report_col(maat_workbook_sheet_table(wb, s), "managers"),
		    maat_report_col(maat_workbook_sheet_table(wb, s), "layers"));
		maat_workbook_add_sheet(wb, _("Public-service flag"), maat_trend_flag_table(t));
	}
	if (t->nmix > 0) {
		maat_workbook_add_sheet(wb, _("Role mix"), maat_trend_mix_table(t, min_group));
	}
	if (t->ncase_months > 0) {
		s = maat_workbook_add_sheet(wb, _("Trend cases"), maat_trend_case_month_table(t));
		maat_workbook_add_chart(
		    wb, s, MAAT_CHART_LINE, _("Handovers per case and share over the term"), 0,
		    maat_report_col(maat_workbook_sheet_table(wb, s), "handovers_per_case"),
		    maat_report_col(maat_workbook_sheet_table(wb, s), "share_over_term"));
	}
	if (t->nmeeting_months > 0) {
		s = maat_workbook_add_sheet(wb, _("Trend meetings"),
					    maat_trend_meeting_month_table(t));
		maat_workbook_add_chart(
		    wb, s, MAAT_CHART_LINE, _("Meeting hours per person-week"), 0,
		    maat_report_col(maat_workbook_sheet_table(wb, s), "hours_mean"),
		    MAAT_CHART_NO_SERIES);
	}
	maat_trend_free(t);
	return 0;
}

int
maat_report_org_graph(maat_db *db, const maat_report_graph_options *o, const char *path,
		      char **summary, maat_err *err)
{
	return org_graph(db, o, path, NULL, summary, err);
}

int
maat_report_org_graph_svg(maat_db *db, const maat_report_graph_options *o, char **svg,
			  char **summary, maat_err *err)
{
	return org_graph(db, o, NULL, svg, summary, err);
}

int
maat_report_handover_graph(maat_db *db, const maat_report_graph_options *o, const char *path,
			   char **summary, maat_err *err)
{
	return handover_graph(db, o, path, NULL, summary, err);
}

int
maat_report_handover_graph_svg(maat_db *db, const maat_report_graph_options *o, char **svg,
			       char **summary, maat_err *err)
{
	return handover_graph(db, o, NULL, svg, summary, err);
}

int
maat_report_fill(maat_db *db, const maat_report_options *opt, maat_workbook *wb, maat_err *err)
{
	maat_report_options o = opt ? *opt : (maat_report_options){0};
	maat_table *sources = NULL, *anomalies = NULL;
	char value[32];
	int rc = -1;

	if (o.min_group <= 0) {
		o.min_group = MAAT_REPORT_MIN_GROUP_DEFAULT;
	}
	if ((sources = maat_report_sources_table(db, err)) == NULL) {
		return -1;
	}
	if (maat_table_nrows(sources) == 0) {
		maat_table_free(sources);
		return 1;
	}
	if ((anomalies = maat_report_anomalies_table(db, err)) == NULL) {
		goto out;
	}
	snprintf(value, sizeof(value), "%d", o.min_group);
	maat_workbook_add_setting(wb, _("Minimum group size"), value);
	if (add_org(db, &o, wb, err) < 0 || add_calendar(db, &o, wb, err) < 0 ||
	    add_cases(db, &o, wb, err) < 0 || add_terms(db, wb, err) < 0 ||
	    add_trend(db, o.min_group, wb, err) < 0) {
		goto out;
	}
	/* the same findings as the HTML report, as whole sentences */
	{
		static const char *const audiences[] = {N_("For the director"),
							N_("For the works council"),
							N_("For the policy maker")};
		maat_summary s;
		maat_finding *fs = NULL;
		size_t nf = 0;
		if (maat_summary_compute(db, &s, err) < 0) {
			goto out;
		}
		maat_summary_findings(&s, &fs, &nf);
		for (size_t i = 0; i < nf; i++) {
			maat_workbook_add_finding(wb, _(audiences[fs[i].audience]), fs[i].text);
		}
		maat_summary_findings_free(fs, nf);
		maat_summary_fini(&s);
	}
	maat_workbook_add_sheet(wb, _("Sources"), sources);
	sources = NULL;
	maat_workbook_add_sheet(wb, _("Anomalies"), anomalies);
	anomalies = NULL;
	maat_workbook_add_sheet(wb, _("Definitions"), maat_report_definitions_table());
	rc = 0;
out:
	maat_table_free(sources);
	maat_table_free(anomalies);
	return rc;
}
