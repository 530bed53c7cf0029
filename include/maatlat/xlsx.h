/* xlsx output: renders maat_tables into worksheets (libxlsxwriter 1.1.4), names sheets so that
 * Excel accepts them, and writes the file atomically (<out>.tmp, then rename()). */
#ifndef MAAT_XLSX_H
#define MAAT_XLSX_H

#include <stdbool.h>
#include <stddef.h>

#include <xlsxwriter.h>

#include "maatlat/err.h"
#include "maatlat/table.h"

/* A sheet with more data rows than this is written without an Excel table (tables cannot be
 * written in constant_memory mode); the whole workbook then uses constant_memory. */
#define MAAT_XLSX_TABLE_MAX_ROWS 100000
/* Excel's limit on the characters in one cell; longer text is cut. */
#define MAAT_XLSX_MAX_CELL_CHARS 32767
/* Excel's rows per sheet, the header included. */
#define MAAT_XLSX_MAX_ROWS 1048576
/* Excel's limit on a sheet name, in UTF-16 code units. */
#define MAAT_XLSX_SHEET_NAME_MAX 31

typedef struct maat_xlsx maat_xlsx;

/* The cell formats every sheet shares (created once per workbook). */
enum maat_xlsx_fmt {
	/* bold text: headers */
	MAAT_XLSX_FMT_BOLD,
	/* a large bold title */
	MAAT_XLSX_FMT_TITLE,
	/* yyyy-mm-dd */
	MAAT_XLSX_FMT_DATE,
	/* yyyy-mm-dd hh:mm */
	MAAT_XLSX_FMT_DATETIME,
	/* 0 */
	MAAT_XLSX_FMT_INT,
	/* 0.0 (hours, means) */
	MAAT_XLSX_FMT_REAL1,
	/* 0.00 */
	MAAT_XLSX_FMT_REAL2,
	/* 0.0% (shares) */
	MAAT_XLSX_FMT_SHARE1,
	/* 0% */
	MAAT_XLSX_FMT_SHARE0,
	/* traffic lights: Excel's presets (light red fill 0xFFC7CE, dark red text 0x9C0006; yellow
	 * 0xFFEB9C / 0x9C5700; green 0xC6EFCE / 0x006100) */
	MAAT_XLSX_FMT_RED,
	MAAT_XLSX_FMT_YELLOW,
	MAAT_XLSX_FMT_GREEN,
	/* wrapped text, top-aligned (long definitions) */
	MAAT_XLSX_FMT_WRAP,
	/* table text: indented one step, so it never touches a right-aligned number */
	MAAT_XLSX_FMT_TEXT,
	/* table headers: bold and indented over text, bold and right-aligned over numbers */
	MAAT_XLSX_FMT_HEAD_TEXT,
	MAAT_XLSX_FMT_HEAD_NUM,
	MAAT_XLSX_NFMT
};

/* Returns a new sheet name derived from want that Excel accepts and that differs, without
 * regard to case, from the ntaken names in taken and from "History": characters []:*?/\ and
 * control characters become '_', invalid UTF-8 bytes are dropped, spaces and apostrophes are
 * trimmed at both ends, the result is cut to 31 UTF-16 code units (on a character boundary),
 * an empty name becomes "Sheet" (translated), and a clash gets " (2)", " (3)", ... (the base
 * cut to make room). Case folding covers ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic.
 * Caller frees. */
char *maat_xlsx_sheet_name(const char *want, const char *const *taken, size_t ntaken);

/* Starts a workbook that will become path. max_rows is the largest number of data rows any
 * sheet will get: above MAAT_XLSX_TABLE_MAX_ROWS the workbook is written in constant_memory mode
 * (temporary files in path's directory) and sheets get an autofilter instead of a table.
 * Checks first that path's directory is writable and "<path>.tmp" can be created (so that
 * libxlsxwriter has no reason to print): NULL with MAAT_E_CANTCREAT when not. */
maat_xlsx *maat_xlsx_new(const char *path, size_t max_rows, maat_err *err);

/* True when the workbook is written in constant_memory mode (rows must go in order). */
bool maat_xlsx_constant_memory(const maat_xlsx *x);

/* The underlying workbook (for charts and custom sheets). Borrowed. */
lxw_workbook *maat_xlsx_workbook(maat_xlsx *x);

/* One of the shared formats. Borrowed. */
lxw_format *maat_xlsx_format(maat_xlsx *x, enum maat_xlsx_fmt which);

/* Adds a worksheet named through maat_xlsx_sheet_name(want, names so far). *final (optional)
 * receives the name used (borrowed, valid until maat_xlsx_close()). NULL with err set when
 * libxlsxwriter refuses. */
lxw_worksheet *maat_xlsx_add_sheet(maat_xlsx *x, const char *want, const char **final,
				   maat_err *err);

/* Writes t into ws from row first_row: a bold header, the rows typed by column (numbers as
 * numbers, dates as Excel dates, booleans as booleans, text always as a string, only whole
 * http/https/mailto text cells as links), column widths from the content, frozen header, and
 * an Excel table (or, in constant_memory mode or above MAAT_XLSX_TABLE_MAX_ROWS rows, an
 * autofilter). Rows past Excel's limit are left out and a last row says how many.
 * Returns 0, or negative with err set. */
int maat_xlsx_write_table(maat_xlsx *x, lxw_worksheet *ws, lxw_row_t first_row, const maat_table *t,
			  maat_err *err);

/* Writes rows [from, from + count) of t into ws from its first row, as maat_xlsx_write_table
 * does (header, types, widths, table or autofilter): one part of a table too long for one sheet.
 * count is cut to the rows t has and to what a sheet holds (MAAT_XLSX_MAX_ROWS - 1). Returns 0,
 * or negative with err set. */
int maat_xlsx_write_table_part(maat_xlsx *x, lxw_worksheet *ws, const maat_table *t, size_t from,
			       size_t count, maat_err *err);

/* Writes user text s as a string cell (never a formula or a link), as valid UTF-8 cut to
 * MAAT_XLSX_MAX_CELL_CHARS. NULL writes nothing. Returns the libxlsxwriter error. */
lxw_error maat_xlsx_write_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
			       lxw_format *fmt);

/* True when s is one whole http://, https:// or mailto: URL (no white space, no control
 * characters, at most 2079 bytes): the only text written as a link. */
bool maat_xlsx_is_safe_url(const char *s);

/* Writes the file: workbook_close() into "<path>.tmp", then rename() over path. On failure
 * the temporary file is removed and nothing is left at path (an existing file there stays as
 * it was): MAAT_E_CANTCREAT when the file could not be created, MAAT_E_IO when writing failed.
 * Frees x in every case. NULL-safe (returns 0). */
int maat_xlsx_close(maat_xlsx *x, maat_err *err);

/* Reads the workbook at path back: every XML member of the zip must inflate to its recorded
 * size and end with its root element's closing tag (libxlsxwriter 1.1.4 leaves sheets cut
 * short, without an error, when its temporary files hit a full disk). 0, or MAAT_E_IO with
 * err naming name and the cut member. */
int maat_xlsx_check_file(const char *path, const char *name, maat_err *err);

/* Abandons the workbook: nothing is left at path. Frees x. NULL-safe. */
void maat_xlsx_discard(maat_xlsx *x);

#endif
