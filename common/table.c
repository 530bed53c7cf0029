#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "maatlat/i18n.h"
#include "maatlat/table.h"
#include "maatlat/util.h"

struct column {
	/* JSON key */
	char *key;
	/* header shown to people */
	char *header;
	/* how the cells are typed */
	maat_coltype type;
	/* decimals for REAL and SHARE */
	int decimals;
};

struct maat_table {
	/* shown above the printed table; may be NULL */
	char *title;
	/* the columns, ncols of them */
	struct column *cols;
	size_t ncols;
	/* cells, row-major, nrows * ncols */
	maat_cell *cells;
	size_t nrows;
	/* rows allocated */
	size_t caprows;
};

maat_table *
maat_table_new(const char *title)
{
	maat_table *t = maat_xcalloc(1, sizeof(*t));
	t->title = maat_xstrdup(title);
	return t;
}

void
maat_table_free(maat_table *t)
{
	if (t == NULL) {
		return;
	}
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		free(t->cells[i].s);
	}
	for (size_t c = 0; c < t->ncols; c++) {
		free(t->cols[c].key);
		free(t->cols[c].header);
	}
	free(t->cells);
	free(t->cols);
	free(t->title);
	free(t);
}

size_t
maat_table_add_column(maat_table *t, const char *key, const char *header, maat_coltype type,
		      int decimals)
{
	t->cols = maat_xreallocarray(t->cols, t->ncols + 1, sizeof(*t->cols));
	t->cols[t->ncols] =
	    (struct column){maat_xstrdup(key), maat_xstrdup(header ? header : key), type, decimals};
	return t->ncols++;
}

void
maat_table_add_row(maat_table *t)
{
	if (t->nrows == t->caprows) {
		t->caprows = t->caprows ? t->caprows * 2 : 16;
		t->cells = maat_xreallocarray(t->cells, t->caprows * (t->ncols ? t->ncols : 1),
					      sizeof(*t->cells));
	}
	for (size_t c = 0; c < t->ncols; c++) {
		t->cells[t->nrows * t->ncols + c] = (maat_cell){.null = true};
	}
	t->nrows++;
}

static maat_cell *
last(maat_table *t, size_t col)
{
	maat_cell *cell = &t->cells[(t->nrows - 1) * t->ncols + col];
	free(cell->s);
	cell->s = NULL;
	cell->null = false;
	return cell;
}

void
maat_table_set_text(maat_table *t, size_t col, const char *s)
{
	if (s == NULL) {
		maat_table_set_null(t, col);
		return;
	}
	last(t, col)->s = maat_xstrdup(s);
}

void
maat_table_set_int(maat_table *t, size_t col, int64_t v)
{
	last(t, col)->i = v;
}

void
maat_table_set_real(maat_table *t, size_t col, double v)
{
	if (!isfinite(v)) {
		maat_table_set_null(t, col);
		return;
	}
	last(t, col)->d = v;
}

void
maat_table_set_count(maat_table *t, size_t col, double v)
{
	maat_table_set_real(t, col, v);
	if (isfinite(v)) {
		last(t, col)->count = true;
	}
}

void
maat_table_set_text_at(maat_table *t, size_t row, size_t col, const char *s)
{
	maat_cell *cell = &t->cells[row * t->ncols + col];
	free(cell->s);
	cell->s = maat_xstrdup(s);
	cell->null = s == NULL;
}

void
maat_table_set_null(maat_table *t, size_t col)
{
	last(t, col)->null = true;
}

const char *
maat_table_title(const maat_table *t)
{
	return t->title;
}

size_t
maat_table_ncols(const maat_table *t)
{
	return t->ncols;
}

size_t
maat_table_nrows(const maat_table *t)
{
	return t->nrows;
}

const char *
maat_table_col_key(const maat_table *t, size_t col)
{
	return t->cols[col].key;
}

const char *
maat_table_col_header(const maat_table *t, size_t col)
{
	return t->cols[col].header;
}

maat_coltype
maat_table_col_type(const maat_table *t, size_t col)
{
	return t->cols[col].type;
}

int
maat_table_col_decimals(const maat_table *t, size_t col)
{
	return t->cols[col].decimals;
}

const maat_cell *
maat_table_cell(const maat_table *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}

char *
maat_table_format_cell(const maat_table *t, size_t row, size_t col)
{
	const maat_cell *c = maat_table_cell(t, row, col);
	const struct column *k = &t->cols[col];
	char buf[64];
	struct tm tm;
	time_t tt;

	if (c->null) {
		return maat_xstrdup("");
	}
	switch (k->type) {
	case MAAT_COL_TEXT:
		return maat_xstrdup(c->s);
	case MAAT_COL_INT:
		return maat_xasprintf("%lld", (long long)c->i);
	case MAAT_COL_REAL:
		return maat_xstrdup(
		    maat_i18n_real(buf, sizeof(buf), c->d, c->count ? 0 : k->decimals));
	case MAAT_COL_SHARE:
		return maat_xasprintf("%s%%",
				      maat_i18n_real(buf, sizeof(buf), c->d * 100.0, k->decimals));
	case MAAT_COL_BOOL:
		return maat_xstrdup(c->i ? _("yes") : _("no"));
	case MAAT_COL_DATE:
	case MAAT_COL_DATETIME:
		tt = (time_t)c->i;
		if (gmtime_r(&tt, &tm) == NULL) {
			return maat_xstrdup("?");
		}
		strftime(buf, sizeof(buf), k->type == MAAT_COL_DATE ? "%Y-%m-%d" : "%Y-%m-%d %H:%M",
			 &tm);
		return maat_xstrdup(buf);
	}
	return maat_xstrdup("");
}

/* Display width in terminal columns: counts UTF-8 code points, not bytes. */
static size_t
width(const char *s)
{
	size_t w = 0;
	for (; *s; s++) {
		if (((unsigned char)*s & 0xC0) != 0x80) {
			w++;
		}
	}
	return w;
}

int
maat_table_print(const maat_table *t, FILE *out)
{
	size_t *w = maat_xcalloc(t->ncols ? t->ncols : 1, sizeof(*w));
	char **text = maat_xcalloc(t->nrows * t->ncols + 1, sizeof(*text));

	for (size_t c = 0; c < t->ncols; c++) {
		w[c] = width(t->cols[c].header);
	}
	for (size_t r = 0; r < t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			char *s = maat_table_format_cell(t, r, c);
			size_t n = width(s);
			text[r * t->ncols + c] = s;
			if (n > w[c]) {
				w[c] = n;
			}
		}
	}
	if (t->title != NULL) {
		fprintf(out, "%s\n", t->title);
	}
	for (size_t r = 0; r <= t->nrows; r++) {
		for (size_t c = 0; c < t->ncols; c++) {
			const char *s = r == 0 ? t->cols[c].header : text[(r - 1) * t->ncols + c];
			size_t pad = w[c] - width(s);
			bool right =
			    t->cols[c].type != MAAT_COL_TEXT && t->cols[c].type != MAAT_COL_BOOL;
			if (c > 0) {
				fputs("  ", out);
			}
			if (right) {
				fprintf(out, "%*s%s", (int)pad, "", s);
			} else if (c + 1 < t->ncols) {
				fprintf(out, "%s%*s", s, (int)pad, "");
			} else {
				fputs(s, out);
			}
		}
		fputc('\n', out);
	}
	for (size_t i = 0; i < t->nrows * t->ncols; i++) {
		free(text[i]);
	}
	free(text);
	free(w);
	return ferror(out) ? -1 : 0;
}

json_t *
maat_table_to_json(const maat_table *t)
{
	json_t *arr = json_array();
	for (size_t r = 0; r < t->nrows; r++) {
		json_t *obj = json_object();
		for (size_t c = 0; c < t->ncols; c++) {
			const maat_cell *cell = maat_table_cell(t, r, c);
			json_t *v;
			if (cell->null) {
				v = json_null();
			} else {
				switch (t->cols[c].type) {
				case MAAT_COL_TEXT:
					v = json_string(cell->s);
					break;
				case MAAT_COL_REAL:
				case MAAT_COL_SHARE:
					v = json_real(cell->d);
					break;
				case MAAT_COL_BOOL:
					v = json_boolean(cell->i);
					break;
				default:
					v = json_integer(cell->i);
					break;
				}
			}
			json_object_set_new(obj, t->cols[c].key, v);
		}
		json_array_append_new(arr, obj);
	}
	return arr;
}
