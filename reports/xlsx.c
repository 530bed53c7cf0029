#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maatlat/i18n.h"
#include "maatlat/util.h"
#include "maatlat/xlsx.h"

/* Column widths are measured on at most this many rows: enough to see the data's shape, cheap
 * on a million rows. */
#define WIDTH_SAMPLE_ROWS 10000
#define WIDTH_MIN 6.0
#define WIDTH_MAX 60.0
#define MAX_URL_BYTES 2079

struct maat_xlsx {
	/* the file the user asked for */
	char *path;
	/* "<path>.tmp", written by libxlsxwriter and renamed over path */
	char *tmp;
	/* path's directory (constant_memory's tmpdir) */
	char *dir;
	/* the workbook; NULL once closed */
	lxw_workbook *wb;
	/* shared formats, indexed by enum maat_xlsx_fmt */
	lxw_format *fmt[MAAT_XLSX_NFMT];
	/* constant_memory mode: rows in order, no tables */
	bool constant_memory;
	/* the sheet names so far (owned), for maat_xlsx_sheet_name() */
	char **names;
	size_t nnames;
};

/* Decodes one UTF-8 sequence at s (n bytes left): the code point in *cp and its length, or 0
 * for an invalid sequence (overlong, surrogate, beyond U+10FFFF, truncated). */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len;

	if (n == 0) {
		return 0;
	}
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if ((s[0] & 0xE0) == 0xC0) {
		c = s[0] & 0x1F;
		len = 2;
	} else if ((s[0] & 0xF0) == 0xE0) {
		c = s[0] & 0x0F;
		len = 3;
	} else if ((s[0] & 0xF8) == 0xF0) {
		c = s[0] & 0x07;
		len = 4;
	} else {
		return 0;
	}
	if (len > n) {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80) {
			return 0;
		}
		c = (c << 6) | (s[i] & 0x3F);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
		return 0;
	}
	*cp = c;
	return len;
}

static void
utf8_put(maat_buf *b, uint32_t c)
{
	char u[4];
	size_t n;
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	maat_buf_append(b, u, n);
}

/* Characters as people (and the column width) count them. */
static size_t
utf8_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		n += (*p & 0xC0) != 0x80;
	}
	return n;
}

/* Simple case folding for the scripts Dutch and European names use: enough to see that
 * "Één" and "één" name the same sheet, as Excel does. */
static uint32_t
fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z') {
		return c + 32;
	}
	if (c >= 0xC0 && c <= 0xDE && c != 0xD7) {
		return c + 32;
	}
	if (c >= 0x100 && c <= 0x17F) {
		/* pairs are upper-even from U+0100 to U+0137 and U+014A to U+0177, upper-odd
		 * from U+0139 to U+0148 and U+0179 to U+017E */
		if ((c <= 0x137 || (c >= 0x14A && c <= 0x177)) && c != 0x130 && c % 2 == 0) {
			return c + 1;
		}
		if (((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) && c % 2 == 1) {
			return c + 1;
		}
		if (c == 0x178) {
			return 0xFF;
		}
		return c;
	}
	if (c >= 0x391 && c <= 0x3AB && c != 0x3A2) {
		return c + 32;
	}
	if (c >= 0x410 && c <= 0x42F) {
		return c + 32;
	}
	if (c >= 0x400 && c <= 0x40F) {
		return c + 80;
	}
	return c;
}

static bool
same_name(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	const unsigned char *p = (const unsigned char *)a, *q = (const unsigned char *)b;
	while (na > 0 && nb > 0) {
		uint32_t ca = 0, cb = 0;
		size_t la = utf8_next(p, na, &ca), lb = utf8_next(q, nb, &cb);
		if (la == 0 || lb == 0) {
			return false;
		}
		if (fold(ca) != fold(cb)) {
			return false;
		}
		p += la;
		na -= la;
		q += lb;
		nb -= lb;
	}
	return na == 0 && nb == 0;
}

static bool
name_taken(const char *name, const char *const *taken, size_t ntaken)
{
	if (same_name(name, "History")) {
		return true;
	}
	for (size_t i = 0; i < ntaken; i++) {
		if (taken[i] != NULL && same_name(name, taken[i])) {
			return true;
		}
	}
	return false;
}

/* Appends the code points of src to b while they fit in max UTF-16 units. */
static void
append_cut(maat_buf *b, const char *src, size_t max)
{
	const unsigned char *p = (const unsigned char *)src;
	size_t n = strlen(src), units = 0;
	while (n > 0) {
		uint32_t c;
		size_t l = utf8_next(p, n, &c);
		size_t u = c >= 0x10000 ? 2 : 1;
		if (l == 0 || units + u > max) {
			break;
		}
		maat_buf_append(b, (const char *)p, l);
		units += u;
		p += l;
		n -= l;
	}
}

/* Strips spaces and apostrophes at both ends, in place. */
static void
trim_quotes(maat_buf *b)
{
	size_t start = 0, end = b->len;
	while (start < end && (b->data[start] == ' ' || b->data[start] == '\'')) {
		start++;
	}
	while (end > start && (b->data[end - 1] == ' ' || b->data[end - 1] == '\'')) {
		end--;
	}
	memmove(b->data, b->data + start, end - start);
	b->len = end - start;
	b->data[b->len] = '\0';
}

char *
maat_xlsx_sheet_name(const char *want, const char *const *taken, size_t ntaken)
{
	maat_buf clean = {0}, cut = {0}, out = {0};
	const unsigned char *p = (const unsigned char *)(want ? want : "");
	size_t n = strlen((const char *)p);
	char *result;

	maat_buf_append(&clean, "", 0);
	while (n > 0) {
		uint32_t c;
		size_t l = utf8_next(p, n, &c);
		if (l == 0) {
			/* an invalid byte: dropped */
			p++;
			n--;
			continue;
		}
		if (c < 0x20 || c == 0x7F || (c < 0x80 && strchr("[]:*?/\\", (int)c) != NULL)) {
			maat_buf_append(&clean, "_", 1);
		} else {
			maat_buf_append(&clean, (const char *)p, l);
		}
		p += l;
		n -= l;
	}
	trim_quotes(&clean);
	maat_buf_append(&cut, "", 0);
	append_cut(&cut, clean.data, MAAT_XLSX_SHEET_NAME_MAX);
	/* cutting can expose an apostrophe or a space at the end */
	trim_quotes(&cut);
	if (cut.len == 0) {
		maat_buf_reset(&cut);
		append_cut(&cut, _("Sheet"), MAAT_XLSX_SHEET_NAME_MAX);
	}
	maat_buf_append(&out, cut.data, cut.len);
	for (unsigned k = 2; name_taken(out.data, taken, ntaken); k++) {
		char suffix[24];
		int slen = snprintf(suffix, sizeof(suffix), " (%u)", k);
		maat_buf_reset(&out);
		maat_buf_append(&out, "", 0);
		append_cut(&out, cut.data, MAAT_XLSX_SHEET_NAME_MAX - (size_t)slen);
		trim_quotes(&out);
		maat_buf_append(&out, suffix, (size_t)slen);
	}
	result = maat_xstrdup(out.data);
	maat_buf_fini(&clean);
	maat_buf_fini(&cut);
	maat_buf_fini(&out);
	return result;
}

bool
maat_xlsx_is_safe_url(const char *s)
{
	size_t n;
	if (s == NULL) {
		return false;
	}
	n = strlen(s);
	if (n > MAX_URL_BYTES) {
		return false;
	}
	if (strncasecmp(s, "https://", 8) == 0) {
		if (n == 8) {
			return false;
		}
	} else if (strncasecmp(s, "http://", 7) == 0) {
		if (n == 7) {
			return false;
		}
	} else if (strncasecmp(s, "mailto:", 7) == 0) {
		if (n == 7) {
			return false;
		}
	} else {
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p <= 0x20 || *p == 0x7F) {
			return false;
		}
	}
	return maat_utf8_valid(s, n);
}

/* Returns a new copy of s made safe for a cell (invalid UTF-8 bytes become U+FFFD, cut to
 * Excel's cell limit), or NULL when s is fine as it is. */
static char *
cell_text(const char *s)
{
	size_t n = strlen(s), units = 0;
	const unsigned char *p = (const unsigned char *)s;
	maat_buf b = {0};

	/* a valid string of at most the limit in bytes has at most that many UTF-16 units */
	if (n <= MAAT_XLSX_MAX_CELL_CHARS && maat_utf8_valid(s, n)) {
		return NULL;
	}
	maat_buf_append(&b, "", 0);
	while (n > 0) {
		uint32_t c;
		size_t l = utf8_next(p, n, &c);
		if (l == 0) {
			c = 0xFFFD;
			l = 1;
		}
		if (units + (c >= 0x10000 ? 2 : 1) > MAAT_XLSX_MAX_CELL_CHARS) {
			break;
		}
		units += c >= 0x10000 ? 2 : 1;
		utf8_put(&b, c);
		p += l;
		n -= l;
	}
	return b.data;
}

lxw_error
maat_xlsx_write_text(lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const char *s,
		     lxw_format *fmt)
{
	char *copy;
	lxw_error e;
	if (s == NULL) {
		return LXW_NO_ERROR;
	}
	copy = cell_text(s);
	e = worksheet_write_string(ws, row, col, copy ? copy : s, fmt);
	free(copy);
	return e;
}

static lxw_format *
num_format(lxw_workbook *wb, const char *spec, bool bold)
{
	lxw_format *f = workbook_add_format(wb);
	if (spec != NULL) {
		format_set_num_format(f, spec);
	}
	if (bold) {
		format_set_bold(f);
	}
	return f;
}

static lxw_format *
light(lxw_workbook *wb, lxw_color_t fill, lxw_color_t text)
{
	lxw_format *f = workbook_add_format(wb);
	format_set_bg_color(f, fill);
	format_set_font_color(f, text);
	return f;
}

maat_xlsx *
maat_xlsx_new(const char *path, size_t max_rows, maat_err *err)
{
	lxw_workbook_options opts = {0};
	maat_xlsx *x;
	struct stat st;
	char *dircopy;
	FILE *probe;

	if (path == NULL || *path == '\0') {
		maat_err_set(err, MAAT_E_CANTCREAT, "%s", _("no output file given"));
		return NULL;
	}
	x = maat_xcalloc(1, sizeof(*x));
	x->path = maat_xstrdup(path);
	x->tmp = maat_xasprintf("%s.tmp", path);
	dircopy = maat_xstrdup(path);
	x->dir = maat_xstrdup(dirname(dircopy));
	free(dircopy);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), path,
			     strerror(EISDIR));
		goto fail;
	}
	if (stat(x->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), path,
			     strerror(ENOENT));
		goto fail;
	}
	if (access(x->dir, W_OK | X_OK) != 0) {
		maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), path,
			     strerror(errno));
		goto fail;
	}
	if ((probe = fopen(x->tmp, "wb")) == NULL) {
		maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), x->tmp,
			     strerror(errno));
		goto fail;
	}
	fclose(probe);
	x->constant_memory = max_rows > MAAT_XLSX_TABLE_MAX_ROWS;
	opts.constant_memory = x->constant_memory;
	opts.tmpdir = x->dir;
	if ((x->wb = workbook_new_opt(x->tmp, &opts)) == NULL) {
		unlink(x->tmp);
		maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s"), path);
		goto fail;
	}
	x->fmt[MAAT_XLSX_FMT_BOLD] = num_format(x->wb, NULL, true);
	x->fmt[MAAT_XLSX_FMT_TITLE] = num_format(x->wb, NULL, true);
	format_set_font_size(x->fmt[MAAT_XLSX_FMT_TITLE], 14);
	x->fmt[MAAT_XLSX_FMT_DATE] = num_format(x->wb, "yyyy-mm-dd", false);
	x->fmt[MAAT_XLSX_FMT_DATETIME] = num_format(x->wb, "yyyy-mm-dd hh:mm", false);
	x->fmt[MAAT_XLSX_FMT_INT] = num_format(x->wb, "0", false);
	x->fmt[MAAT_XLSX_FMT_REAL1] = num_format(x->wb, "0.0", false);
	x->fmt[MAAT_XLSX_FMT_REAL2] = num_format(x->wb, "0.00", false);
	x->fmt[MAAT_XLSX_FMT_SHARE1] = num_format(x->wb, "0.0%", false);
	x->fmt[MAAT_XLSX_FMT_SHARE0] = num_format(x->wb, "0%", false);
	x->fmt[MAAT_XLSX_FMT_RED] = light(x->wb, 0xFFC7CE, 0x9C0006);
	x->fmt[MAAT_XLSX_FMT_YELLOW] = light(x->wb, 0xFFEB9C, 0x9C5700);
	x->fmt[MAAT_XLSX_FMT_GREEN] = light(x->wb, 0xC6EFCE, 0x006100);
	x->fmt[MAAT_XLSX_FMT_WRAP] = workbook_add_format(x->wb);
	format_set_text_wrap(x->fmt[MAAT_XLSX_FMT_WRAP]);
	format_set_align(x->fmt[MAAT_XLSX_FMT_WRAP], LXW_ALIGN_VERTICAL_TOP);
	x->fmt[MAAT_XLSX_FMT_TEXT] = workbook_add_format(x->wb);
	format_set_indent(x->fmt[MAAT_XLSX_FMT_TEXT], 1);
	x->fmt[MAAT_XLSX_FMT_HEAD_TEXT] = num_format(x->wb, NULL, true);
	format_set_indent(x->fmt[MAAT_XLSX_FMT_HEAD_TEXT], 1);
	x->fmt[MAAT_XLSX_FMT_HEAD_NUM] = num_format(x->wb, NULL, true);
	format_set_align(x->fmt[MAAT_XLSX_FMT_HEAD_NUM], LXW_ALIGN_RIGHT);
	return x;
fail:
	free(x->path);
	free(x->tmp);
	free(x->dir);
	free(x);
	return NULL;
}

bool
maat_xlsx_constant_memory(const maat_xlsx *x)
{
	return x->constant_memory;
}

lxw_workbook *
maat_xlsx_workbook(maat_xlsx *x)
{
	return x->wb;
}

lxw_format *
maat_xlsx_format(maat_xlsx *x, enum maat_xlsx_fmt which)
{
	return which < MAAT_XLSX_NFMT ? x->fmt[which] : NULL;
}

lxw_worksheet *
maat_xlsx_add_sheet(maat_xlsx *x, const char *want, const char **final, maat_err *err)
{
	char *name = maat_xlsx_sheet_name(want, (const char *const *)x->names, x->nnames);
	lxw_worksheet *ws = workbook_add_worksheet(x->wb, name);
	if (ws == NULL) {
		maat_err_set(err, MAAT_E_INTERNAL, _("cannot add sheet '%s'"), name);
		free(name);
		return NULL;
	}
	/* printed or converted to PDF, a sheet is as wide as the page */
	worksheet_set_landscape(ws);
	worksheet_set_paper(ws, 9);
	worksheet_fit_to_pages(ws, 1, 0);
	x->names = maat_xreallocarray(x->names, x->nnames + 1, sizeof(*x->names));
	x->names[x->nnames++] = name;
	if (final != NULL) {
		*final = name;
	}
	return ws;
}

static lxw_format *
column_format(maat_xlsx *x, const maat_table *t, size_t c)
{
	int dec = maat_table_col_decimals(t, c);
	switch (maat_table_col_type(t, c)) {
	case MAAT_COL_INT:
		return x->fmt[MAAT_XLSX_FMT_INT];
	case MAAT_COL_REAL:
		return dec >= 2   ? x->fmt[MAAT_XLSX_FMT_REAL2]
		       : dec <= 0 ? x->fmt[MAAT_XLSX_FMT_INT]
				  : x->fmt[MAAT_XLSX_FMT_REAL1];
	case MAAT_COL_SHARE:
		return dec <= 0 ? x->fmt[MAAT_XLSX_FMT_SHARE0] : x->fmt[MAAT_XLSX_FMT_SHARE1];
	case MAAT_COL_DATE:
		return x->fmt[MAAT_XLSX_FMT_DATE];
	case MAAT_COL_DATETIME:
		return x->fmt[MAAT_XLSX_FMT_DATETIME];
	case MAAT_COL_TEXT:
		return x->fmt[MAAT_XLSX_FMT_TEXT];
	default:
		return NULL;
	}
}

static lxw_format *
header_format(maat_xlsx *x, const maat_table *t, size_t c)
{
	maat_coltype type = maat_table_col_type(t, c);
	return type == MAAT_COL_TEXT || type == MAAT_COL_BOOL ? x->fmt[MAAT_XLSX_FMT_HEAD_TEXT]
							      : x->fmt[MAAT_XLSX_FMT_HEAD_NUM];
}

static double
column_width(const maat_table *t, size_t c, size_t nrows)
{
	/* the header gets room for the autofilter button */
	double w = (double)utf8_chars(maat_table_col_header(t, c)) + 4;
	if (maat_table_col_type(t, c) != MAAT_COL_TEXT && w < 9) {
		/* numbers get room to breathe from their neighbours */
		w = 9;
	}
	switch (maat_table_col_type(t, c)) {
	case MAAT_COL_DATE:
		w = w > 12 ? w : 12;
		break;
	case MAAT_COL_DATETIME:
		w = w > 17 ? w : 17;
		break;
	default:
		for (size_t r = 0; r < nrows && r < WIDTH_SAMPLE_ROWS; r++) {
			char *s = maat_table_format_cell(t, r, c);
			double cw = (double)utf8_chars(s) + 2;
			free(s);
			if (cw > w) {
				w = cw;
			}
			if (w >= WIDTH_MAX) {
				break;
			}
		}
	}
	return w < WIDTH_MIN ? WIDTH_MIN : w > WIDTH_MAX ? WIDTH_MAX : w;
}

/* Writes one cell by the column's type; *links counts the links written on this sheet. */
static lxw_error
write_cell(maat_xlsx *x, lxw_worksheet *ws, lxw_row_t row, lxw_col_t col, const maat_table *t,
	   size_t r, lxw_format *fmt, size_t *links)
{
	const maat_cell *cell = maat_table_cell(t, r, col);
	if (cell->null) {
		return LXW_NO_ERROR;
	}
	switch (maat_table_col_type(t, col)) {
	case MAAT_COL_TEXT:
		if (cell->s == NULL) {
			return LXW_NO_ERROR;
		}
		if (*links < LXW_MAX_NUMBER_URLS && maat_xlsx_is_safe_url(cell->s)) {
			(*links)++;
			return worksheet_write_url_opt(ws, row, col, cell->s, NULL, cell->s, NULL);
		}
		return maat_xlsx_write_text(ws, row, col, cell->s, fmt);
	case MAAT_COL_INT:
		return worksheet_write_number(ws, row, col, (double)cell->i, fmt);
	case MAAT_COL_REAL:
	case MAAT_COL_SHARE:
		if (!isfinite(cell->d)) {
			return LXW_NO_ERROR;
		}
		return worksheet_write_number(ws, row, col, cell->d, fmt);
	case MAAT_COL_DATE:
	case MAAT_COL_DATETIME:
		return worksheet_write_unixtime(ws, row, col, cell->i, fmt);
	case MAAT_COL_BOOL:
		return worksheet_write_boolean(ws, row, col, cell->i != 0, NULL);
	}
	(void)x;
	return LXW_NO_ERROR;
}

/* Excel table headers must be non-empty and unique without regard to case. */
static char **
table_headers(const maat_table *t)
{
	size_t nc = maat_table_ncols(t);
	char **h = maat_xcalloc(nc, sizeof(*h));
	for (size_t c = 0; c < nc; c++) {
		const char *want = maat_table_col_header(t, c);
		char *clean = cell_text(want ? want : "");
		char *base = maat_xstrdup(clean ? clean : (want ? want : ""));
		free(clean);
		/* a header is one line */
		for (char *p = base; *p; p++) {
			if ((unsigned char)*p < 0x20) {
				*p = ' ';
			}
		}
		if (*base == '\0') {
			free(base);
			base = maat_xasprintf("%s %zu", _("Column"), c + 1);
		}
		h[c] = maat_xstrdup(base);
		for (unsigned k = 2;; k++) {
			bool clash = false;
			for (size_t j = 0; j < c && !clash; j++) {
				clash = same_name(h[j], h[c]);
			}
			if (!clash) {
				break;
			}
			free(h[c]);
			h[c] = maat_xasprintf("%s (%u)", base, k);
		}
		free(base);
	}
	return h;
}

/* Writes the header and rows [from, from + count) of t from first_row, then, when note is not
 * NULL, note as a bold last row. */
static int
write_rows(maat_xlsx *x, lxw_worksheet *ws, lxw_row_t first_row, const maat_table *t, size_t from,
	   size_t count, const char *note, maat_err *err)
{
	size_t nc = maat_table_ncols(t), links = 0;
	lxw_format **fmts = NULL;
	char **headers = NULL;
	lxw_error e = LXW_NO_ERROR;
	bool as_table;
	int rc = -1;

	if (nc == 0) {
		return 0;
	}
	as_table = !x->constant_memory && count > 0 && count <= MAAT_XLSX_TABLE_MAX_ROWS;
	headers = table_headers(t);
	fmts = maat_xcalloc(nc, sizeof(*fmts));
	for (size_t c = 0; c < nc; c++) {
		fmts[c] = column_format(x, t, c);
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
				     column_width(t, c, from + count), NULL);
		e = maat_xlsx_write_text(ws, first_row, (lxw_col_t)c, headers[c],
					 header_format(x, t, c));
		if (e != LXW_NO_ERROR) {
			goto out;
		}
	}
	worksheet_freeze_panes(ws, first_row + 1, 0);
	/* the autofilter before the rows: in constant_memory mode libxlsxwriter refuses a range
	 * that ends above a row already written (the note below the data) */
	if (!as_table && count > 0) {
		e = worksheet_autofilter(ws, first_row, 0, first_row + (lxw_row_t)count,
					 (lxw_col_t)(nc - 1));
		if (e != LXW_NO_ERROR) {
			goto out;
		}
	}
	for (size_t r = 0; r < count; r++) {
		for (size_t c = 0; c < nc; c++) {
			e = write_cell(x, ws, first_row + 1 + (lxw_row_t)r, (lxw_col_t)c, t,
				       from + r, fmts[c], &links);
			if (e != LXW_NO_ERROR) {
				goto out;
			}
		}
	}
	if (note != NULL) {
		e = maat_xlsx_write_text(ws, first_row + 1 + (lxw_row_t)count, 0, note,
					 x->fmt[MAAT_XLSX_FMT_BOLD]);
		if (e != LXW_NO_ERROR) {
			goto out;
		}
	}
	if (as_table) {
		lxw_table_column *cols = maat_xcalloc(nc, sizeof(*cols));
		lxw_table_column **colp = maat_xcalloc(nc + 1, sizeof(*colp));
		lxw_table_options opts = {0};
		for (size_t c = 0; c < nc; c++) {
			cols[c].header = headers[c];
			cols[c].header_format = header_format(x, t, c);
			colp[c] = &cols[c];
		}
		opts.columns = colp;
		opts.style_type = LXW_TABLE_STYLE_TYPE_LIGHT;
		opts.style_type_number = 9;
		e = worksheet_add_table(ws, first_row, 0, first_row + (lxw_row_t)count,
					(lxw_col_t)(nc - 1), &opts);
		free(colp);
		free(cols);
	}
out:
	if (e != LXW_NO_ERROR) {
		maat_err_set(err, MAAT_E_INTERNAL, _("writing sheet: %s"), lxw_strerror(e));
	} else {
		rc = 0;
	}
	for (size_t c = 0; headers != NULL && c < nc; c++) {
		free(headers[c]);
	}
	free(headers);
	free(fmts);
	return rc;
}

int
maat_xlsx_write_table(maat_xlsx *x, lxw_worksheet *ws, lxw_row_t first_row, const maat_table *t,
		      maat_err *err)
{
	size_t nr = maat_table_nrows(t), shown = nr;
	size_t room = MAAT_XLSX_MAX_ROWS - 1 - (size_t)first_row;
	char *msg = NULL;
	int rc;

	if (shown > room) {
		/* the last row that fits says what was left out */
		shown = room - 1;
		msg = maat_xasprintf(_("%zu more rows not shown: a sheet holds at most %d rows "
				       "(use --json for all)"),
				     nr - shown, MAAT_XLSX_MAX_ROWS);
	}
	rc = write_rows(x, ws, first_row, t, 0, shown, msg, err);
	free(msg);
	return rc;
}

int
maat_xlsx_write_table_part(maat_xlsx *x, lxw_worksheet *ws, const maat_table *t, size_t from,
			   size_t count, maat_err *err)
{
	size_t nr = maat_table_nrows(t);
	if (from > nr) {
		from = nr;
	}
	if (count > nr - from) {
		count = nr - from;
	}
	if (count > MAAT_XLSX_MAX_ROWS - 1) {
		count = MAAT_XLSX_MAX_ROWS - 1;
	}
	return write_rows(x, ws, 0, t, from, count, NULL, err);
}

static void
xlsx_free(maat_xlsx *x)
{
	for (size_t i = 0; i < x->nnames; i++) {
		free(x->names[i]);
	}
	free(x->names);
	free(x->path);
	free(x->tmp);
	free(x->dir);
	free(x);
}

/* Flushes the finished file to disk before it replaces the old one. */
static int
sync_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	int rc;
	if (fd < 0) {
		return -1;
	}
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* workbook_close() with libxlsxwriter's own "[ERROR]" lines kept off stderr (maatlat says
 * what went wrong in its words); *sys receives errno as the failure left it. */
static lxw_error
quiet_close(lxw_workbook *wb, int *sys)
{
	int null, saved = -1;
	lxw_error e;

	fflush(stderr);
	if ((null = open("/dev/null", O_WRONLY | O_CLOEXEC)) >= 0 &&
	    (saved = dup(STDERR_FILENO)) >= 0 && dup2(null, STDERR_FILENO) < 0) {
		close(saved);
		saved = -1;
	}
	errno = 0;
	e = workbook_close(wb);
	/* libxlsxwriter 1.1.4 does not check its writes into the temporary sheet files: a full
	 * disk there leaves errno set and a workbook with cut sheets that "closes" fine */
	*sys = errno;
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (null >= 0) {
		close(null);
	}
	return e;
}

int
maat_xlsx_close(maat_xlsx *x, maat_err *err)
{
	lxw_error e;
	int rc = 0, sys = 0;

	if (x == NULL) {
		return 0;
	}
	e = quiet_close(x->wb, &sys);
	x->wb = NULL;
	if (sys == ENOSPC || sys == EFBIG || sys == EDQUOT) {
		rc = maat_err_set(err, MAAT_E_IO,
				  _("writing %s: the disk is full (or the file too large for it): "
				    "%s; nothing was written"),
				  x->path, strerror(sys));
		unlink(x->tmp);
	} else if (e != LXW_NO_ERROR) {
		rc = maat_err_set(err,
				  e == LXW_ERROR_CREATING_XLSX_FILE ? MAAT_E_CANTCREAT : MAAT_E_IO,
				  _("writing %s: %s"), x->path, lxw_strerror(e));
		unlink(x->tmp);
	} else if (sync_file(x->tmp) != 0) {
		sys = errno;
		rc = maat_err_set(err, MAAT_E_IO,
				  sys == ENOSPC || sys == EDQUOT
				      ? _("writing %s: the disk is full: %s; nothing was written")
				      : _("writing %s: %s"),
				  x->path, strerror(sys));
		unlink(x->tmp);
	} else if (maat_xlsx_check_file(x->tmp, x->path, err) < 0) {
		rc = -err->code;
		unlink(x->tmp);
	} else if (rename(x->tmp, x->path) != 0) {
		rc = maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), x->path,
				  strerror(errno));
		unlink(x->tmp);
	}
	xlsx_free(x);
	return rc;
}

void
maat_xlsx_discard(maat_xlsx *x)
{
	if (x == NULL) {
		return;
	}
	workbook_close(x->wb);
	unlink(x->tmp);
	xlsx_free(x);
}
