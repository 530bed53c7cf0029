/* maat_table: typed columns and rows, built by report code and rendered as an aligned text
 * table (stdout), JSON (jansson) or an xlsx sheet (reports/xlsx.c). */
#ifndef MAAT_TABLE_H
#define MAAT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

typedef struct maat_table maat_table;

/* Column types: they decide alignment, JSON type and the xlsx number format. */
typedef enum maat_coltype {
	/* text, left-aligned; always written as a string (never a formula) */
	MAAT_COL_TEXT,
	/* a whole number */
	MAAT_COL_INT,
	/* a real number shown with the column's decimals */
	MAAT_COL_REAL,
	/* a fraction 0..1 shown as a percentage (xlsx "0.0%") */
	MAAT_COL_SHARE,
	/* unix seconds UTC, shown as yyyy-mm-dd */
	MAAT_COL_DATE,
	/* unix seconds UTC, shown as yyyy-mm-dd hh:mm */
	MAAT_COL_DATETIME,
	/* true/false; shown as yes/no (translated), JSON boolean */
	MAAT_COL_BOOL,
} maat_coltype;

/* One cell; which member is meaningful follows the column type. */
typedef struct maat_cell {
	/* no value: printed empty, JSON null, xlsx blank */
	bool null;
	/* MAAT_COL_INT, DATE, DATETIME, BOOL */
	int64_t i;
	/* MAAT_COL_REAL, SHARE */
	double d;
	/* MAAT_COL_TEXT; owned by the table */
	char *s;
	/* a count in a MAAT_COL_REAL column (a figure/before/after table): shown to people
	 * without decimals; JSON and xlsx values are the same either way */
	bool count;
} maat_cell;

/* Returns a new empty table; title is copied (may be NULL). Caller frees with maat_table_free. */
maat_table *maat_table_new(const char *title);
/* NULL-safe. */
void maat_table_free(maat_table *t);

/* Adds a column: key (JSON key, copied), header (for people, copied), type, decimals
 * (MAAT_COL_REAL and SHARE). Columns must all be added before the first row. Returns its index. */
size_t maat_table_add_column(maat_table *t, const char *key, const char *header, maat_coltype type,
			     int decimals);
/* Appends a row of null cells; the setters below fill the last row. */
void maat_table_add_row(maat_table *t);
void maat_table_set_text(maat_table *t, size_t col, const char *s);
void maat_table_set_int(maat_table *t, size_t col, int64_t v);
void maat_table_set_real(maat_table *t, size_t col, double v);
/* A whole number in a MAAT_COL_REAL column (see maat_cell.count). */
void maat_table_set_count(maat_table *t, size_t col, double v);
void maat_table_set_null(maat_table *t, size_t col);
/* Replaces the text of any cell (row < nrows); s is copied, NULL makes the cell null. */
void maat_table_set_text_at(maat_table *t, size_t row, size_t col, const char *s);

/* Accessors, for renderers. Borrowed. */
const char *maat_table_title(const maat_table *t);
size_t maat_table_ncols(const maat_table *t);
size_t maat_table_nrows(const maat_table *t);
const char *maat_table_col_key(const maat_table *t, size_t col);
const char *maat_table_col_header(const maat_table *t, size_t col);
maat_coltype maat_table_col_type(const maat_table *t, size_t col);
int maat_table_col_decimals(const maat_table *t, size_t col);
const maat_cell *maat_table_cell(const maat_table *t, size_t row, size_t col);

/* Formats one cell as people read it (numbers with the column's decimals and the language's
 * decimal point, maat_i18n_real; dates in UTC
 * yyyy-mm-dd, shares as "12.5%"); returns a new string, caller frees. */
char *maat_table_format_cell(const maat_table *t, size_t row, size_t col);

/* Writes the table as aligned columns (numbers right-aligned), with the title above when set.
 * Returns 0, or -1 when writing failed. */
int maat_table_print(const maat_table *t, FILE *out);

/* Returns a new JSON array with one object per row, keyed by column key. Caller decrefs. */
json_t *maat_table_to_json(const maat_table *t);

#endif
