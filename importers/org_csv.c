/* Org charts into the store: the generic HR CSV (Dutch and English column names), the UK
 * organogram senior and junior files, and id,parentId exports. One streaming pass over the
 * file; the anomalies are found with the org model (analyzer/org.c) over the snapshot the
 * file joins, and logged. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "maatlat/csv.h"
#include "maatlat/dbsource.h"
#include "maatlat/i18n.h"
#include "maatlat/org.h"
#include "maatlat/org_import.h"
#include "maatlat/pseudonym.h"
#include "maatlat/util.h"

/* The fields of a row; the order of maat_org_fields. */
enum field {
	F_ID,
	F_MANAGER,
	F_NAME,
	F_TITLE,
	F_UNIT,
	F_FTE,
	F_GRADE,
	F_EMAIL,
	F_EMPLOYMENT,
	F_ROLE,
	F_LEVEL,
	F_DATE,
	NFIELDS
};

const char *const maat_org_fields[] = {"id",    "manager", "name",  "title",      "unit",
				       "fte",   "grade",   "email", "employment", "role",
				       "level", "date",    NULL};

/* Column names per field, compared case-insensitively after trimming. */
static const char *const aliases[NFIELDS][14] = {
    [F_ID] = {"id", "employee id", "employee_id", "employeeid", "employee number",
	      "personeelsnummer", "personeelsnr", "medewerkernummer", "medewerker id", "post id",
	      "post unique reference", NULL},
    [F_MANAGER] = {"manager", "manager id", "manager_id", "managerid", "leidinggevende",
		   "leidinggevende id", "id leidinggevende", "parentid", "parent id", "parent_id",
		   "reports to", "reports_to", "reports to senior post", NULL},
    [F_NAME] = {"name", "naam", "full name", "volledige naam", "employee name", NULL},
    [F_TITLE] = {"title", "job title", "jobtitle", "job_title", "functie", "functienaam",
		 "functietitel", NULL},
    [F_UNIT] = {"unit", "afdeling", "team", "department", "organisatieonderdeel", "eenheid",
		"cluster", NULL},
    [F_FTE] = {"fte", "fte's", "formatie", "deeltijdfactor", NULL},
    [F_GRADE] = {"grade", "schaal", "salarisschaal", "grade (or equivalent)", NULL},
    [F_EMAIL] = {"email", "e-mail", "e-mailadres", "emailadres", "mail", "email address", NULL},
    [F_EMPLOYMENT] = {"employment", "dienstverband", "soort dienstverband", "contract",
		      "contractsoort", NULL},
    [F_ROLE] = {"role", "rol", NULL},
    [F_LEVEL] = {"level", "niveau", NULL},
    [F_DATE] = {"date", "as of", "as_of", "asof", "snapshot", "snapshot date", "reference date",
		"peildatum", "datum", "stand per", NULL},
};

bool
maat_org_field_known(const char *field)
{
	for (size_t i = 0; maat_org_fields[i] != NULL; i++) {
		if (strcasecmp(field, maat_org_fields[i]) == 0) {
			return true;
		}
	}
	return false;
}

/* The layout the header revealed. */
typedef enum layout { L_CSV, L_SENIOR, L_JUNIOR } layout;

typedef struct reader {
	/* column of each field, -1 when absent */
	ssize_t col[NFIELDS];
	layout kind;
	/* trimmed copies of the current row's fields */
	maat_buf val[NFIELDS];
	/* the builder for anomaly detection (ids and managers only) */
	maat_org_builder *model;
} reader;

/* Trimmed (white space and stray quotes) view of a field compared with a name. */
static bool
header_is(const char *s, size_t n, const char *name)
{
	while (n > 0 && (isspace((unsigned char)*s) || *s == '"')) {
		s++;
		n--;
	}
	while (n > 0 && (isspace((unsigned char)s[n - 1]) || s[n - 1] == '"')) {
		n--;
	}
	return strlen(name) == n && strncasecmp(s, name, n) == 0;
}

static ssize_t
find_column(const maat_csv *c, const char *name)
{
	for (size_t i = 0; i < maat_csv_nfields(c); i++) {
		if (header_is(maat_csv_field(c, i), maat_csv_field_len(c, i), name)) {
			return (ssize_t)i;
		}
	}
	return -1;
}

/* "a, b, c" of the header, shortened */
static void
header_list(const maat_csv *c, maat_buf *b)
{
	for (size_t i = 0; i < maat_csv_nfields(c) && b->len < 200; i++) {
		maat_buf_printf(b, "%s'%.40s'", i ? ", " : "", maat_csv_field(c, i));
	}
	if (maat_csv_nfields(c) == 0 || b->len == 0) {
		maat_buf_append(b, "", 0);
	} else if (b->len >= 200) {
		maat_buf_append(b, ", ...", 5);
	}
}

static int
map_header(reader *rd, const maat_csv *c, const maat_org_import_opts *o, const char *path,
	   maat_err *err)
{
	bool senior = find_column(c, "Post Unique Reference") >= 0 &&
		      find_column(c, "Reports to Senior Post") >= 0;
	bool junior = find_column(c, "Reporting Senior Post") >= 0 &&
		      find_column(c, "Number of Posts in FTE") >= 0;
	int64_t line = maat_csv_line(c);

	for (int f = 0; f < NFIELDS; f++) {
		rd->col[f] = -1;
	}
	if (o->format == MAAT_ORG_FORMAT_ORGANOGRAM && !senior && !junior) {
		return maat_err_set(err, MAAT_E_DATA,
				    _("%s:%lld: not a UK organogram: no 'Post Unique Reference' "
				      "and 'Reports to Senior Post' (senior) nor 'Reporting Senior "
				      "Post' and 'Number of Posts in FTE' (junior) columns"),
				    path, (long long)line);
	}
	if (o->format != MAAT_ORG_FORMAT_CSV && senior) {
		rd->kind = L_SENIOR;
		rd->col[F_ID] = find_column(c, "Post Unique Reference");
		rd->col[F_MANAGER] = find_column(c, "Reports to Senior Post");
		rd->col[F_NAME] = find_column(c, "Name");
		rd->col[F_TITLE] = find_column(c, "Job Title");
		rd->col[F_UNIT] = find_column(c, "Unit");
		rd->col[F_FTE] = find_column(c, "FTE");
		rd->col[F_GRADE] = find_column(c, "Grade (or equivalent)");
		/* the contact e-mail is a shared mailbox, not a person's: not stored */
	} else if (o->format != MAAT_ORG_FORMAT_CSV && junior) {
		rd->kind = L_JUNIOR;
		rd->col[F_MANAGER] = find_column(c, "Reporting Senior Post");
		rd->col[F_FTE] = find_column(c, "Number of Posts in FTE");
		rd->col[F_TITLE] = find_column(c, "Generic Job Title");
		rd->col[F_UNIT] = find_column(c, "Unit");
		rd->col[F_GRADE] = find_column(c, "Grade");
	} else {
		rd->kind = L_CSV;
		for (size_t i = 0; i < maat_csv_nfields(c); i++) {
			const char *s = maat_csv_field(c, i);
			size_t n = maat_csv_field_len(c, i);
			for (int f = 0; f < NFIELDS; f++) {
				if (rd->col[f] >= 0) {
					continue;
				}
				for (size_t a = 0; aliases[f][a] != NULL; a++) {
					if (header_is(s, n, aliases[f][a])) {
						rd->col[f] = (ssize_t)i;
						break;
					}
				}
			}
		}
	}
	for (size_t m = 0; m < o->nmap; m++) {
		const char *eq = strrchr(o->map[m], '=');
		char *column;
		ssize_t ci;
		int f;
		if (eq == NULL || eq == o->map[m]) {
			return maat_err_set(err, MAAT_E_USAGE, _("--map %s: expected COLUMN=FIELD"),
					    o->map[m]);
		}
		column = maat_xstrndup(o->map[m], (size_t)(eq - o->map[m]));
		ci = find_column(c, maat_trim(column));
		for (f = 0; f < NFIELDS; f++) {
			if (strcasecmp(eq + 1, maat_org_fields[f]) == 0) {
				break;
			}
		}
		if (f == NFIELDS) {
			free(column);
			return maat_err_set(err, MAAT_E_USAGE, _("--map %s: unknown field '%s'"),
					    o->map[m], eq + 1);
		}
		if (ci < 0) {
			maat_err_set(err, MAAT_E_DATA,
				     _("%s:%lld: --map: no column '%s' in the header"), path,
				     (long long)line, column);
			free(column);
			return -MAAT_E_DATA;
		}
		free(column);
		rd->col[f] = ci;
	}
	if ((rd->kind != L_JUNIOR && rd->col[F_ID] < 0) || rd->col[F_MANAGER] < 0) {
		maat_buf found = {0};
		header_list(c, &found);
		maat_err_set(err, MAAT_E_DATA,
			     _("%s:%lld: not an org chart: no %s column (columns found: %s; "
			       "expected id: id, employee id, personeelsnummer; manager: manager, "
			       "manager id, leidinggevende, parentId; or a UK organogram); name "
			       "yours with --map COLUMN=id --map COLUMN=manager"),
			     path, (long long)line,
			     rd->col[F_ID] < 0 && rd->kind != L_JUNIOR
				 ? (rd->col[F_MANAGER] < 0 ? _("id and no manager") : _("id"))
				 : _("manager"),
			     found.data ? found.data : "");
		maat_buf_fini(&found);
		return -MAAT_E_DATA;
	}
	return 0;
}

/* The Unicode spaces exports leave around ids (UTF-8): no-break space, the U+2000 series,
 * narrow no-break, ideographic space, zero-width space and a stray BOM. */
static const char *const uspaces[] = {"\xc2\xa0",     "\xe1\x9a\x80", "\xe2\x80\x80",
				      "\xe2\x80\x81", "\xe2\x80\x82", "\xe2\x80\x83",
				      "\xe2\x80\x84", "\xe2\x80\x85", "\xe2\x80\x86",
				      "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
				      "\xe2\x80\x8a", "\xe2\x80\x8b", "\xe2\x80\xa8",
				      "\xe2\x80\xa9", "\xe2\x80\xaf", "\xe2\x81\x9f",
				      "\xe3\x80\x80", "\xef\xbb\xbf", NULL};

/* the length of the (ASCII or Unicode) space at the start of the n bytes at s, or 0 */
static size_t
space_at(const char *s, size_t n)
{
	if (isspace((unsigned char)*s)) {
		return 1;
	}
	if ((unsigned char)*s < 0xc2) {
		return 0; /* ASCII or a continuation byte: the common case, no table scan */
	}
	for (size_t i = 0; uspaces[i] != NULL; i++) {
		size_t k = strlen(uspaces[i]);
		if (n >= k && memcmp(s, uspaces[i], k) == 0) {
			return k;
		}
	}
	return 0;
}

/* the length of the space that ends the n bytes at s, or 0 */
static size_t
space_before(const char *s, size_t n)
{
	if (isspace((unsigned char)s[n - 1])) {
		return 1;
	}
	if ((unsigned char)s[n - 1] < 0x80) {
		return 0; /* ends in ASCII */
	}
	for (size_t i = 0; uspaces[i] != NULL; i++) {
		size_t k = strlen(uspaces[i]);
		if (n >= k && memcmp(s + n - k, uspaces[i], k) == 0) {
			return k;
		}
	}
	return 0;
}

/* true when the fields of the current record from `from` on are all empty */
static bool
extra_empty(const maat_csv *c, size_t from)
{
	for (size_t i = from; i < maat_csv_nfields(c); i++) {
		const char *f = maat_csv_field(c, i);
		size_t n = maat_csv_field_len(c, i);
		for (size_t k = 0; k < n; k++) {
			if (!isspace((unsigned char)f[k])) {
				return false;
			}
		}
	}
	return true;
}

/* Copies field f of the current record, trimmed of every space, into rd->val[f]; "" when
 * absent. */
static const char *
get(reader *rd, const maat_csv *c, int f)
{
	maat_buf *b = &rd->val[f];
	const char *s;
	size_t n;
	maat_buf_reset(b);
	maat_buf_append(b, "", 0);
	if (rd->col[f] < 0 || (size_t)rd->col[f] >= maat_csv_nfields(c)) {
		return b->data;
	}
	s = maat_csv_field(c, (size_t)rd->col[f]);
	n = maat_csv_field_len(c, (size_t)rd->col[f]);
	for (size_t k; n > 0 && (k = space_at(s, n)) > 0;) {
		s += k;
		n -= k;
	}
	for (size_t k; n > 0 && (k = space_before(s, n)) > 0;) {
		n -= k;
	}
	maat_buf_append(b, s, n);
	return b->data;
}

/* needle is lower-case ASCII */
static bool
contains_ci(const char *hay, const char *needle)
{
	char low[64];
	size_t n = 0;
	for (; hay[n] && n < sizeof(low) - 1; n++) {
		low[n] = (char)tolower((unsigned char)hay[n]);
	}
	low[n] = '\0';
	return strstr(low, needle) != NULL;
}

/* The employment mapping of METRICS.md §1: the whole value, case-insensitive; anything else
 * (and an empty cell) is unknown. */
static int
employment_of(const char *s)
{
	static const char *const internal[] = {"vast",      "tijdelijk", "in dienst",  "intern",
					       "ambtenaar", "permanent", "fixed-term", "temporary",
					       "employee",  NULL};
	static const char *const external[] = {
	    "inhuur",    "extern",     "externe",     "zzp",          "zzp'er",
	    "freelance", "interim",    "detachering", "gedetacheerd", "uitzendkracht",
	    "payroll",   "contractor", "consultant",  "agency",       NULL};
	for (size_t i = 0; internal[i] != NULL; i++) {
		if (strcasecmp(s, internal[i]) == 0) {
			return MAAT_EMP_INTERNAL;
		}
	}
	for (size_t i = 0; external[i] != NULL; i++) {
		if (strcasecmp(s, external[i]) == 0) {
			return MAAT_EMP_EXTERNAL;
		}
	}
	return MAAT_EMP_UNKNOWN;
}

/* A value the mapping did not know, with how often and where it came first (listed after the
 * import). */
typedef struct unknown_value {
	char *value;
	int64_t rows;
	int64_t first_line;
} unknown_value;

static void
note_unknown(unknown_value **v, size_t *n, const char *value, int64_t line)
{
	for (size_t i = 0; i < *n; i++) {
		if (strcasecmp((*v)[i].value, value) == 0) {
			(*v)[i].rows++;
			return;
		}
	}
	if (*n >= 100) {
		return; /* listed enough: the count of the rest is in the total */
	}
	*v = maat_xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].value = maat_xstrdup(value);
	(*v)[*n].rows = 1;
	(*v)[*n].first_line = line;
	(*n)++;
}

/* True when an id cell is a totals label of a spreadsheet ("Totaal", "Eindtotaal", "Total",
 * "Grand total", also followed by more text: "Totaal afdeling", "Total:"). */
static bool
is_totals_label(const char *s)
{
	static const char *const labels[] = {"eindtotaal", "grand total", "totaal", "total", NULL};
	for (size_t i = 0; labels[i] != NULL; i++) {
		size_t k = strlen(labels[i]);
		if (strncasecmp(s, labels[i], k) == 0 &&
		    (s[k] == '\0' || s[k] == ' ' || s[k] == ':' || s[k] == '(')) {
			return true;
		}
	}
	return false;
}

/* An FTE as HR exports write it: "0,8", "0.8", "1". A value with a thousands separator
 * ("1.000,5", "1,000.5") is no FTE: false with *grouped set. */
static bool
parse_fte(const char *s, double *out, bool *grouped)
{
	size_t seps = 0;
	*grouped = false;
	for (const char *p = s; *p; p++) {
		seps += *p == '.' || *p == ',';
	}
	if (seps > 1) {
		*grouped = true;
		return false;
	}
	return maat_csv_parse_number(s, out) && *out >= 0;
}

static const char *
role_of(const char *s)
{
	static const struct {
		const char *word, *role;
	} roles[] = {{"manag", "management"}, {"leiding", "management"}, {"polic", "policy"},
		     {"beleid", "policy"},    {"execut", "execution"},   {"uitvoer", "execution"},
		     {"support", "support"},  {"ondersteun", "support"}};
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (*s && contains_ci(s, roles[i].word)) {
			return roles[i].role;
		}
	}
	return NULL;
}

/* ---- the snapshot date ---- */

static bool
valid_ymd(int y, int m, int d)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > days[m - 1]) {
		return false;
	}
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

static int
last_day(int y, int m)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 29 : days[m - 1];
}

/* "yyyy-mm-dd" of a valid date into out[11] */
static void
fmt_date(int y, int m, int d, char out[11])
{
	char buf[48];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
	memcpy(out, buf, 10);
	out[10] = '\0';
}

/* n digits at s as a number, or -1 */
static int
digits(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* A snapshot date as HR exports write it, into out (yyyy-mm-dd): "2026-01-31" (a time after it
 * is ignored), "31-01-2026", "31/01/2026", "31.01.2026" (day first: the Dutch and British
 * order), "2026/01/31", and a month alone ("Mar-15", "mrt 2015", "March 2015": the last day of
 * that month, as the IfG organograms date theirs). False when s is none of these. */
static bool
parse_snapshot_date(const char *s, char out[11])
{
	static const char *const months[12][3] = {
	    {"jan", "januari", "january"}, {"feb", "februari", "february"},
	    {"mar", "mrt", "maart"},       {"apr", "april", NULL},
	    {"may", "mei", NULL},          {"jun", "juni", "june"},
	    {"jul", "juli", "july"},       {"aug", "augustus", "august"},
	    {"sep", "sept", "september"},  {"oct", "okt", "oktober"},
	    {"nov", "november", NULL},     {"dec", "december", NULL}};
	size_t n = strlen(s);
	int y = -1, m = -1, d = -1;

	if (n >= 10 && digits(s, 4) >= 0 && (s[4] == '-' || s[4] == '/') && s[7] == s[4] &&
	    (n == 10 || s[10] == 'T' || s[10] == ' ')) {
		y = digits(s, 4);
		m = digits(s + 5, 2);
		d = digits(s + 8, 2);
	} else if (n == 10 && (s[2] == '-' || s[2] == '/' || s[2] == '.') && s[5] == s[2]) {
		d = digits(s, 2);
		m = digits(s + 3, 2);
		y = digits(s + 6, 4);
	} else {
		/* a month name, a separator, a year of 2 or 4 digits */
		char word[16];
		size_t k = 0;
		const char *p = s;
		while (*p && isalpha((unsigned char)*p) && k < sizeof(word) - 1) {
			word[k++] = (char)tolower((unsigned char)*p++);
		}
		word[k] = '\0';
		if (k == 0 || (*p != '-' && *p != ' ' && *p != '/')) {
			return false;
		}
		p++;
		for (int i = 0; i < 12 && m < 0; i++) {
			for (int j = 0; j < 3; j++) {
				if (months[i][j] != NULL && strcmp(word, months[i][j]) == 0) {
					m = i + 1;
					break;
				}
			}
		}
		if (m < 0) {
			return false;
		}
		if (strlen(p) == 2 && digits(p, 2) >= 0) {
			y = 2000 + digits(p, 2);
		} else if (strlen(p) == 4) {
			y = digits(p, 4);
		}
		if (y < 0) {
			return false;
		}
		d = last_day(y, m);
	}
	if (!valid_ymd(y, m, d)) {
		return false;
	}
	fmt_date(y, m, d, out);
	return true;
}

/* The local date of the import (sources.imported_at), for a file with no other date. */
static void
import_date(maat_import *imp, char out[11])
{
	sqlite3_stmt *st =
	    maat_db_stmt(imp->db, "SELECT imported_at FROM sources WHERE id = ?1", NULL);
	time_t t = time(NULL);
	struct tm tm;
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, imp->source_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			t = (time_t)sqlite3_column_int64(st, 0);
		}
		sqlite3_reset(st);
	}
	if (localtime_r(&t, &tm) == NULL) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = 70;
		tm.tm_mday = 1;
	}
	fmt_date(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
}

static const char *const format_names[] = {"csv", "organogram-senior", "organogram-junior"};

/* True when a file of layout `mine` joins an import of format `theirs` in one snapshot: only
 * a UK organogram's senior and junior files make one chart together. */
static bool
joins(layout mine, const char *theirs)
{
	return (mine == L_SENIOR && strcmp(theirs, "organogram-junior") == 0) ||
	       (mine == L_JUNIOR && strcmp(theirs, "organogram-senior") == 0);
}

/* Files already holding the snapshot date as_of that this file does not join: refused, or
 * with --replace removed (their rows go with them: ON DELETE CASCADE). */
static int
check_snapshot(maat_import *imp, layout kind, const char *as_of, const char *date_from,
	       bool replace, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(imp->db,
					"SELECT s.id, s.path, i.format FROM org_imports i"
					" JOIN sources s ON s.id = i.source_id"
					" WHERE i.as_of = ?1 AND i.source_id <> ?2 ORDER BY s.id",
					err);
	sqlite3_stmt *del;
	int64_t *drop = NULL;
	char **paths = NULL;
	size_t ndrop = 0;
	int rc, out = 0;

	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_text(st, 1, as_of, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, imp->source_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (joins(kind, (const char *)sqlite3_column_text(st, 2))) {
			continue;
		}
		drop = maat_xreallocarray(drop, ndrop + 1, sizeof(*drop));
		paths = maat_xreallocarray(paths, ndrop + 1, sizeof(*paths));
		drop[ndrop] = sqlite3_column_int64(st, 0);
		paths[ndrop++] = maat_xstrdup((const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		out = maat_db_fail(imp->db, err, _("looking up org snapshots"));
		goto done;
	}
	if (ndrop > 0 && !replace) {
		out = maat_err_set(
		    err, MAAT_E_DATA,
		    _("%s: the store already holds an org chart of %s (from %s); this file, "
		      "dated %s by %s, would be a second, unrelated chart of that date. Give "
		      "its own date with --as-of DATE, or --replace to replace the chart of %s"),
		    imp->path, as_of, paths[0], as_of, date_from, as_of);
		goto done;
	}
	del = ndrop ? maat_db_stmt(imp->db, "DELETE FROM sources WHERE id = ?1", err) : NULL;
	for (size_t k = 0; k < ndrop; k++) {
		if (del == NULL) {
			out = -MAAT_E_INTERNAL;
			goto done;
		}
		sqlite3_bind_int64(del, 1, drop[k]);
		rc = sqlite3_step(del);
		sqlite3_reset(del);
		if (rc != SQLITE_DONE) {
			out = maat_db_fail(imp->db, err, _("replacing an earlier import"));
			goto done;
		}
		if ((out = maat_db_log(imp->db, imp->source_id, 0, "warning", err,
				       _("replaces %s, the org chart of %s (--replace)"), paths[k],
				       as_of)) < 0) {
			goto done;
		}
	}
done:
	for (size_t k = 0; k < ndrop; k++) {
		free(paths[k]);
	}
	free(paths);
	free(drop);
	return out;
}

/* A text column of a bulk row: NULL when absent or empty. */
static void
bulk_opt(maat_db_bulk *b, int col, const char *s)
{
	maat_db_bulk_text(b, col, s != NULL && *s ? s : NULL);
}

/* Adds the rows of the other files of the same snapshot to the model, so a junior file finds
 * its senior posts. */
static int
add_snapshot_rows(maat_import *imp, reader *rd, const char *as_of, size_t *added, maat_err *err)
{
	sqlite3_stmt *src = maat_db_stmt(imp->db,
					 "SELECT source_id, first_row, last_row FROM org_imports"
					 " WHERE as_of = ?1 AND source_id <> ?2 ORDER BY source_id",
					 err);
	sqlite3_stmt *st = maat_db_stmt(imp->db,
					"SELECT line, id, manager, fte, aggregate FROM org_rows"
					" WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid",
					err);
	int64_t *ids = NULL;
	size_t n = 0;
	int rc;
	if (src == NULL || st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_text(src, 1, as_of ? as_of : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(src, 2, imp->source_id);
	while ((rc = sqlite3_step(src)) == SQLITE_ROW) {
		ids = maat_xreallocarray(ids, 3 * (n + 1), sizeof(*ids));
		for (int k = 0; k < 3; k++) {
			ids[3 * n + (size_t)k] = sqlite3_column_int64(src, k);
		}
		n++;
	}
	sqlite3_reset(src);
	for (size_t k = 0; k < n && rc == SQLITE_DONE; k++) {
		sqlite3_bind_int64(st, 1, ids[3 * k + 1]);
		sqlite3_bind_int64(st, 2, ids[3 * k + 2]);
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			maat_org_row r = {
			    .source_id = ids[3 * k],
			    .line = sqlite3_column_int64(st, 0),
			    .id = (const char *)sqlite3_column_text(st, 1),
			    .manager = (const char *)sqlite3_column_text(st, 2),
			    .fte = sqlite3_column_double(st, 3),
			    .aggregate = sqlite3_column_int(st, 4) != 0,
			    .employment = MAAT_EMP_UNKNOWN,
			};
			maat_org_builder_add(rd->model, &r);
			(*added)++;
		}
		sqlite3_reset(st);
	}
	free(ids);
	return rc == SQLITE_DONE ? 0 : maat_db_fail(imp->db, err, _("reading the snapshot"));
}

/* ---- managers given as e-mail or name (METRICS.md §1) ---- */

typedef struct mrow {
	int64_t rowid, line;
	/* copies: id, manager (NULL for a top post), e-mail, name (NULL when absent) */
	char *id, *manager, *email, *name;
} mrow;

/* sort keys: 0 id, 1 e-mail, 2 name (case-insensitive) */
static const mrow *sort_rows;
static int sort_key;

static const char *
key_of_row(const mrow *r, int key)
{
	return key == 0 ? r->id : key == 1 ? r->email : r->name;
}

static int
cmp_idx(const void *a, const void *b)
{
	const char *x = key_of_row(&sort_rows[*(const size_t *)a], sort_key);
	const char *y = key_of_row(&sort_rows[*(const size_t *)b], sort_key);
	return sort_key == 0 ? strcmp(x, y) : strcasecmp(x, y);
}

/* The rows whose key equals v: [*lo, *hi) of the sorted index idx (n entries). */
static void
find_range(const mrow *rows, const size_t *idx, size_t n, int key, const char *v, size_t *lo,
	   size_t *hi)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		const char *x = key_of_row(&rows[idx[mid]], key);
		if ((key == 0 ? strcmp(x, v) : strcasecmp(x, v)) < 0) {
			a = mid + 1;
		} else {
			b = mid;
		}
	}
	*lo = a;
	while (a < n) {
		const char *x = key_of_row(&rows[idx[a]], key);
		if ((key == 0 ? strcmp(x, v) : strcasecmp(x, v)) != 0) {
			break;
		}
		a++;
	}
	*hi = a;
}

/* The index over rows with key k set (sorted); *n receives its length; caller frees. */
static size_t *
sorted_index(const mrow *rows, size_t nrows, int key, size_t *n)
{
	size_t *idx = maat_xreallocarray(NULL, nrows ? nrows : 1, sizeof(size_t));
	*n = 0;
	for (size_t i = 0; i < nrows; i++) {
		const char *k = key_of_row(&rows[i], key);
		if (k != NULL && *k) {
			idx[(*n)++] = i;
		}
	}
	sort_rows = rows;
	sort_key = key;
	qsort(idx, *n, sizeof(size_t), cmp_idx);
	return idx;
}

/* How many distinct ids the rows [lo, hi) of idx have, and the first one. */
static size_t
distinct_ids(const mrow *rows, const size_t *idx, size_t lo, size_t hi, const char **first)
{
	size_t d = 0;
	*first = NULL;
	for (size_t k = lo; k < hi; k++) {
		bool seen = false;
		for (size_t j = lo; j < k && !seen; j++) {
			seen = strcmp(rows[idx[j]].id, rows[idx[k]].id) == 0;
		}
		if (!seen) {
			if (d++ == 0) {
				*first = rows[idx[k]].id;
			}
		}
	}
	return d;
}

/* When the manager column names managers by e-mail or name (--manager-by, or found: most
 * managers match no id but the e-mail or name column), rewrites the managers of rows
 * [first, last] to ids. Unique matches only; a name shared by several people refuses the
 * file with their ids. *changed is set when a manager was rewritten. */
static int
resolve_managers(maat_import *imp, int mode, int64_t first, int64_t last, bool *changed,
		 maat_err *err)
{
	sqlite3_stmt *st;
	mrow *rows = NULL;
	size_t nrows = 0, nid = 0, nem = 0, nnm = 0, *by_id = NULL, *by_em = NULL, *by_nm = NULL;
	size_t managers = 0, id_hits = 0, em_hits = 0, nm_hits = 0, resolved = 0;
	int key = -1, rc = 0;

	*changed = false;
	if (mode == MAAT_MANAGER_BY_ID || last < first) {
		return 0;
	}
	st = maat_db_stmt(imp->db,
			  "SELECT rowid, line, id, manager, email, name FROM org_rows"
			  " WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid",
			  err);
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		mrow *r;
		rows = maat_xreallocarray(rows, nrows + 1, sizeof(*rows));
		r = &rows[nrows++];
		r->rowid = sqlite3_column_int64(st, 0);
		r->line = sqlite3_column_int64(st, 1);
		r->id = maat_xstrdup((const char *)sqlite3_column_text(st, 2));
		r->manager = maat_xstrdup((const char *)sqlite3_column_text(st, 3));
		r->email = maat_xstrdup((const char *)sqlite3_column_text(st, 4));
		r->name = maat_xstrdup((const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		rc = maat_db_fail(imp->db, err, _("reading the org rows"));
		goto out;
	}
	rc = 0;
	by_id = sorted_index(rows, nrows, 0, &nid);
	by_em = sorted_index(rows, nrows, 1, &nem);
	by_nm = sorted_index(rows, nrows, 2, &nnm);
	for (size_t i = 0; i < nrows; i++) {
		size_t lo, hi;
		if (rows[i].manager == NULL) {
			continue;
		}
		managers++;
		find_range(rows, by_id, nid, 0, rows[i].manager, &lo, &hi);
		id_hits += hi > lo;
		find_range(rows, by_em, nem, 1, rows[i].manager, &lo, &hi);
		em_hits += hi > lo;
		find_range(rows, by_nm, nnm, 2, rows[i].manager, &lo, &hi);
		nm_hits += hi > lo;
	}
	if (mode == MAAT_MANAGER_BY_EMAIL) {
		key = 1;
	} else if (mode == MAAT_MANAGER_BY_NAME) {
		key = 2;
	} else if (managers > 0 && id_hits * 2 < managers) {
		/* most managers are no id: the column that explains more than half of them */
		if (em_hits >= nm_hits && em_hits * 2 > managers) {
			key = 1;
		} else if (nm_hits * 2 > managers) {
			key = 2;
		}
	}
	if (key < 0) {
		goto out;
	}
	st = maat_db_stmt(imp->db, "UPDATE org_rows SET manager = ?2 WHERE rowid = ?1", err);
	if (st == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	for (size_t i = 0; i < nrows && rc == 0; i++) {
		size_t lo, hi, d;
		const char *to;
		if (rows[i].manager == NULL) {
			continue;
		}
		if (mode == MAAT_MANAGER_BY_AUTO) {
			/* a value that is an id stays one */
			find_range(rows, by_id, nid, 0, rows[i].manager, &lo, &hi);
			if (hi > lo) {
				continue;
			}
		}
		if (key == 1) {
			find_range(rows, by_em, nem, 1, rows[i].manager, &lo, &hi);
		} else {
			find_range(rows, by_nm, nnm, 2, rows[i].manager, &lo, &hi);
		}
		d = distinct_ids(rows, key == 1 ? by_em : by_nm, lo, hi, &to);
		if (d > 1) {
			maat_buf ids = {0};
			const size_t *ix = key == 1 ? by_em : by_nm;
			for (size_t k = lo; k < hi && ids.len < 200; k++) {
				maat_buf_printf(&ids, "%s%s (line %lld)", k > lo ? ", " : "",
						rows[ix[k]].id, (long long)rows[ix[k]].line);
			}
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s:%lld: manager '%.60s' matches %zu people: %s; give "
					    "manager ids (or unique e-mail addresses with "
					    "--manager-by email)"),
					  imp->path, (long long)rows[i].line, rows[i].manager, d,
					  ids.data);
			maat_buf_fini(&ids);
			break;
		}
		if (d == 0) {
			continue; /* an orphan, reported as one */
		}
		sqlite3_bind_int64(st, 1, rows[i].rowid);
		sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			rc = maat_db_fail(imp->db, err, _("storing an org row"));
		}
		sqlite3_reset(st);
		resolved++;
	}
	if (rc == 0 && resolved > 0) {
		*changed = true;
		rc = maat_db_log(
		    imp->db, imp->source_id, 0, "warning", err,
		    key == 1 ? _("the manager column holds e-mail addresses: %lld of %lld managers "
				 "found by e-mail (%s)")
			     : _("the manager column holds names: %lld of %lld managers found by "
				 "name (%s)"),
		    (long long)resolved, (long long)managers,
		    mode == MAAT_MANAGER_BY_AUTO ? _("found automatically; --manager-by id keeps "
						     "them as ids")
						 : _("--manager-by"));
	}
out:
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].id);
		free(rows[i].manager);
		free(rows[i].email);
		free(rows[i].name);
	}
	free(rows);
	free(by_id);
	free(by_em);
	free(by_nm);
	return rc;
}

/* Adds the rows [first, last] of this import to a fresh model (after managers changed). */
static int
add_own_rows(maat_import *imp, reader *rd, int64_t first, int64_t last, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(imp->db,
					"SELECT line, id, manager, fte, aggregate FROM org_rows"
					" WHERE rowid BETWEEN ?1 AND ?2 ORDER BY rowid",
					err);
	int rc;
	if (st == NULL) {
		return -MAAT_E_INTERNAL;
	}
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		maat_org_row r = {
		    .source_id = imp->source_id,
		    .line = sqlite3_column_int64(st, 0),
		    .id = (const char *)sqlite3_column_text(st, 1),
		    .manager = (const char *)sqlite3_column_text(st, 2),
		    .fte = sqlite3_column_double(st, 3),
		    .aggregate = sqlite3_column_int(st, 4) != 0,
		    .employment = MAAT_EMP_UNKNOWN,
		};
		maat_org_builder_add(rd->model, &r);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : maat_db_fail(imp->db, err, _("reading the snapshot"));
}

/* alone: a junior file whose snapshot holds no senior file yet (its orphans are one message) */
static int
log_anomalies(maat_import *imp, const maat_org *org, bool alone, maat_err *err)
{
	if (alone) {
		int rc = maat_db_log(imp->db, imp->source_id, 0, "warning", err,
				     _("a UK organogram junior file without its senior file: its "
				       "rows report to senior posts that are not in the store yet; "
				       "import the senior file with the same --as-of (%s)"),
				     org->as_of);
		if (rc < 0) {
			return rc;
		}
	}
	for (size_t i = 0; i < org->nanomalies; i++) {
		const maat_org_anomaly *a = &org->anomalies[i];
		int rc;
		if (a->source_id != imp->source_id && a->kind != MAAT_ORG_A_CYCLE &&
		    a->kind != MAAT_ORG_A_LEADING_ZEROS) {
			continue;
		}
		if (alone && a->kind == MAAT_ORG_A_ORPHAN) {
			continue;
		}
		rc = maat_db_log(imp->db, imp->source_id,
				 a->source_id == imp->source_id ? a->line : 0, "warning", err,
				 "%s: %s: %s", maat_org_anomaly_name(a->kind), a->ids, a->detail);
		if (rc < 0) {
			return rc;
		}
	}
	return 0;
}

int
maat_org_import_stream(maat_import *imp, FILE *f, const maat_org_import_opts *o, maat_err *err)
{
	maat_csv_opts copts = {.encoding = o->encoding, .path = imp->path, .read_ahead = true};
	reader rd = {.kind = L_CSV};
	maat_csv *c = NULL;
	maat_org *org = NULL;
	sqlite3_stmt *ins;
	maat_db_bulk *bulk = NULL;
	char junior_id[64], file_date[11] = "", as_of[11];
	const char *date_from;
	int64_t date_line = 0, ragged = 0, ragged_line = 0, high_fte = 0, high_line = 0;
	char high_val[48] = "";
	size_t others = 0, header_n, nunknown = 0, njoined = 0;
	unknown_value *unknown = NULL, *joined = NULL;
	int64_t first_row = 0, last_row = -1;
	int rc;

	if ((c = maat_csv_open(f, &copts, err)) == NULL) {
		return -MAAT_E_DATA;
	}
	if ((rc = maat_csv_next(c, err)) <= 0) {
		if (rc == 0) {
			rc = maat_err_set(err, MAAT_E_DATA, _("%s: empty file: no header"),
					  imp->path);
		}
		goto out;
	}
	if ((rc = map_header(&rd, c, o, imp->path, err)) < 0) {
		goto out;
	}
	header_n = maat_csv_nfields(c);
	ins = maat_db_stmt(
	    imp->db, "INSERT INTO org_imports(source_id, as_of, format) VALUES (?1, ?2, ?3)", err);
	if (ins == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_int64(ins, 1, imp->source_id);
	sqlite3_bind_text(ins, 2, "", -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, format_names[rd.kind], -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		rc = maat_db_fail(imp->db, err, _("recording the import"));
		goto out;
	}
	/* the rows are written on a second thread while the next ones are read (store/bulk.c);
	 * every other use of the store in the loop syncs first (log_row) */
	bulk =
	    maat_db_bulk_new(imp->db,
			     "INSERT INTO org_rows(source_id, line, id, manager, name, title, unit,"
			     " email, grade, role, fte, employment, aggregate)",
			     13);
	rd.model = maat_org_builder_new();
	{
		/* about 40 bytes a row at the least: size the model's tables once */
		struct stat sb;
		if (fstat(fileno(f), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0) {
			maat_org_builder_reserve(rd.model, (size_t)sb.st_size / 40 + 16);
		}
	}
	while ((rc = maat_csv_next(c, err)) > 0) {
		int64_t line = maat_csv_line(c);
		const char *id, *manager, *fte_s, *level;
		char *id_norm = NULL, *mgr_norm = NULL;
		char *p_id = NULL, *p_mgr = NULL, *p_name = NULL, *p_email = NULL;
		double fte = 1.0;
		bool aggregate = rd.kind == L_JUNIOR;
		maat_org_row row = {0};

		imp->rows_read++;
		if (maat_csv_nfields(c) != header_n &&
		    !(maat_csv_nfields(c) > header_n && extra_empty(c, header_n))) {
			imp->rows_rejected++;
			if (ragged++ == 0) {
				ragged_line = line;
			}
			if ((rc = maat_db_bulk_sync(bulk, err)) < 0 ||
			    (rc = maat_db_log(
				 imp->db, imp->source_id, line, "warning", err,
				 _("the row has %lld fields, the header %lld: rejected (a "
				   "value with the separator in it, such as an unquoted "
				   "0,8?)"),
				 (long long)maat_csv_nfields(c), (long long)header_n)) < 0) {
				goto out;
			}
			continue;
		}
		if (rd.kind == L_JUNIOR) {
			snprintf(junior_id, sizeof(junior_id), "junior-%lld-%lld",
				 (long long)imp->source_id, (long long)line);
			id = junior_id;
		} else {
			id = get(&rd, c, F_ID);
		}
		manager = get(&rd, c, F_MANAGER);
		fte_s = get(&rd, c, F_FTE);
		level = get(&rd, c, F_LEVEL);
		if (rd.kind != L_JUNIOR &&
		    (is_totals_label(id) ||
		     (*id == '\0' && is_totals_label(get(&rd, c, F_NAME))))) {
			imp->rows_rejected++;
			if ((rc = maat_db_bulk_sync(bulk, err)) < 0 ||
			    (rc = maat_db_log(imp->db, imp->source_id, line, "warning", err,
					      _("a totals row ('%.40s'): skipped, not a person"),
					      *id ? id : rd.val[F_NAME].data)) < 0) {
				goto out;
			}
			continue;
		}
		if (*id == '\0') {
			imp->rows_rejected++;
			if ((rc = maat_db_bulk_sync(bulk, err)) < 0 ||
			    (rc = maat_db_log(imp->db, imp->source_id, line, "warning", err,
					      *manager == '\0'
						  ? _("a row without id and manager (a row of "
						      "sums?): skipped")
						  : _("row without an id: skipped"))) < 0) {
				goto out;
			}
			continue;
		}
		if (o->as_of == NULL && rd.col[F_DATE] >= 0 && *get(&rd, c, F_DATE) != '\0') {
			char d[11];
			if (!parse_snapshot_date(rd.val[F_DATE].data, d)) {
				rc = maat_err_set(
				    err, MAAT_E_DATA,
				    _("%s:%lld: date '%.40s' is not a date (yyyy-mm-dd, "
				      "dd-mm-yyyy or a month like Mar-15); give the "
				      "snapshot date with --as-of DATE"),
				    imp->path, (long long)line, rd.val[F_DATE].data);
				goto out;
			}
			if (file_date[0] == '\0') {
				memcpy(file_date, d, sizeof(file_date));
				date_line = line;
			} else if (strcmp(file_date, d) != 0) {
				rc = maat_err_set(
				    err, MAAT_E_DATA,
				    _("%s:%lld: date %s differs from %s on line %lld: one file is "
				      "one snapshot; split it, or give its date with --as-of DATE"),
				    imp->path, (long long)line, d, file_date, (long long)date_line);
				goto out;
			}
		}
		if (strcasecmp(level, "junior") == 0 || strcasecmp(level, "aggregate") == 0) {
			aggregate = true;
		}
		if (*fte_s != '\0') {
			bool grouped;
			if (!parse_fte(fte_s, &fte, &grouped)) {
				rc = maat_err_set(
				    err, MAAT_E_DATA,
				    grouped
					? _("%s:%lld: FTE '%.40s' has a thousands separator: "
					    "not an FTE (hours? give --fte-hours H)")
					: _("%s:%lld: FTE '%.40s' is not a non-negative number"),
				    imp->path, (long long)line, fte_s);
				goto out;
			}
			if (o->fte_hours > 0) {
				fte /= o->fte_hours;
			}
			if (fte > 1.5 && !aggregate && high_fte++ == 0) {
				high_line = line;
				snprintf(high_val, sizeof(high_val), "%s", fte_s);
			}
		}
		if (o->normalise_ids) {
			id_norm = maat_org_normalise_id(id);
			mgr_norm = maat_org_normalise_id(manager);
			if (id_norm != NULL) {
				note_unknown(&joined, &njoined, id, line);
			}
			if (mgr_norm != NULL) {
				note_unknown(&joined, &njoined, manager, line);
			}
		}
		row.id = id_norm ? id_norm : id;
		row.manager = maat_org_is_top_marker(manager) ? NULL
			      : mgr_norm                      ? mgr_norm
							      : manager;
		if (o->pseudo != NULL) {
			/* after top markers and leading zeros were read: the hash of "0012" and
			 * "12" would differ, and "XX" must stay a top marker */
			p_id = maat_pseudo_apply(o->pseudo, row.id);
			p_mgr = maat_pseudo_apply(o->pseudo, row.manager);
			row.id = p_id;
			row.manager = p_mgr;
		}
		row.fte = fte;
		row.aggregate = aggregate;
		row.source_id = imp->source_id;
		row.line = line;
		maat_db_bulk_int(bulk, 0, imp->source_id);
		maat_db_bulk_int(bulk, 1, line);
		maat_db_bulk_text(bulk, 2, row.id);
		bulk_opt(bulk, 3, row.manager);
		if (o->pseudo != NULL) {
			p_name = maat_pseudo_apply(o->pseudo, get(&rd, c, F_NAME));
			bulk_opt(bulk, 4, p_name);
		} else {
			bulk_opt(bulk, 4, get(&rd, c, F_NAME));
		}
		bulk_opt(bulk, 5, get(&rd, c, F_TITLE));
		bulk_opt(bulk, 6, get(&rd, c, F_UNIT));
		{
			maat_buf *e = &rd.val[F_EMAIL];
			get(&rd, c, F_EMAIL);
			for (size_t k = 0; k < e->len; k++) {
				e->data[k] = (char)tolower((unsigned char)e->data[k]);
			}
			if (o->pseudo != NULL) {
				p_email = maat_pseudo_apply(o->pseudo, e->data);
				bulk_opt(bulk, 7, p_email);
			} else {
				bulk_opt(bulk, 7, e->data);
			}
		}
		bulk_opt(bulk, 8, get(&rd, c, F_GRADE));
		bulk_opt(bulk, 9, role_of(get(&rd, c, F_ROLE)));
		maat_db_bulk_double(bulk, 10, fte);
		row.employment = employment_of(get(&rd, c, F_EMPLOYMENT));
		if (row.employment == MAAT_EMP_UNKNOWN && rd.val[F_EMPLOYMENT].data[0] != '\0') {
			note_unknown(&unknown, &nunknown, rd.val[F_EMPLOYMENT].data, line);
		}
		if (row.employment != MAAT_EMP_UNKNOWN) {
			maat_db_bulk_int(bulk, 11, row.employment);
		} else {
			maat_db_bulk_null(bulk, 11);
		}
		maat_db_bulk_int(bulk, 12, aggregate);
		rc = maat_db_bulk_next(bulk, err);
		if (rc == 0) {
			maat_org_builder_add(rd.model, &row);
		}
		free(id_norm);
		free(mgr_norm);
		free(p_id);
		free(p_mgr);
		free(p_name);
		free(p_email);
		p_id = p_mgr = p_name = p_email = NULL;
		if (rc < 0) {
			goto out;
		}
	}
	if (rc < 0) {
		goto out;
	}
	/* the store is this thread's again */
	if ((rc = maat_db_bulk_finish(bulk, &first_row, &last_row, err)) < 0) {
		goto out;
	}
	maat_db_bulk_free(bulk);
	bulk = NULL;
	if (imp->rows_read == 0) {
		rc = maat_err_set(err, MAAT_E_DATA, _("%s: an org chart header but no rows"),
				  imp->path);
		goto out;
	}
	if (ragged > 0 && ragged * 2 > imp->rows_read) {
		rc = maat_err_set(err, MAAT_E_DATA,
				  _("%s: %lld of %lld rows have another number of fields than the "
				    "header (%zu; the first on line %lld): the separator or the "
				    "quoting is off (an unquoted decimal comma such as 0,8 in a "
				    "comma-separated file?)"),
				  imp->path, (long long)ragged, (long long)imp->rows_read, header_n,
				  (long long)ragged_line);
		goto out;
	}
	if (ragged > 0 &&
	    (rc = maat_db_log(imp->db, imp->source_id, 0, "warning", err,
			      _("%lld rows with another number of fields than the header were "
				"rejected (the first on line %lld)"),
			      (long long)ragged, (long long)ragged_line)) < 0) {
		goto out;
	}
	for (size_t k = 0; k < nunknown && rc >= 0; k++) {
		rc = maat_db_log(
		    imp->db, imp->source_id, unknown[k].first_line, "warning", err,
		    _("employment '%.40s' (%lld rows) is neither internal nor external "
		      "(METRICS.md section 1): unknown, left out of the external share"),
		    unknown[k].value, (long long)unknown[k].rows);
	}
	for (size_t k = 0; k < njoined && rc >= 0; k++) {
		char *canon = maat_org_normalise_id(joined[k].value);
		rc = maat_db_log(imp->db, imp->source_id, joined[k].first_line, "warning", err,
				 _("--normalise-ids: id '%s' read as '%s' (%lld rows); '%s' still "
				   "finds it"),
				 joined[k].value, canon ? canon : joined[k].value,
				 (long long)joined[k].rows, joined[k].value);
		free(canon);
	}
	if (rc >= 0 && high_fte > 0) {
		rc = maat_db_log(imp->db, imp->source_id, high_line, "warning", err,
				 _("%lld rows have an FTE above 1.5 (the first '%s'): hours or "
				   "percentages in the FTE column? --fte-hours H reads hours"),
				 (long long)high_fte, high_val);
	}
	if (rc < 0) {
		goto out;
	}
	if (o->as_of != NULL) {
		snprintf(as_of, sizeof(as_of), "%s", o->as_of);
		date_from = _("--as-of");
	} else if (file_date[0] != '\0') {
		memcpy(as_of, file_date, sizeof(as_of));
		date_from = _("the date column");
	} else {
		import_date(imp, as_of);
		date_from = _("the import date");
	}
	if ((rc = check_snapshot(imp, rd.kind, as_of, date_from, o->replace, err)) < 0) {
		goto out;
	}
	if ((rc = maat_db_log(imp->db, imp->source_id, 0, "info", err, _("snapshot %s (from %s)"),
			      as_of, date_from)) < 0) {
		goto out;
	}
	ins = maat_db_stmt(imp->db,
			   "UPDATE org_imports SET first_row = ?2, last_row = ?3, as_of = ?4"
			   " WHERE source_id = ?1",
			   err);
	if (ins == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	sqlite3_bind_int64(ins, 1, imp->source_id);
	sqlite3_bind_int64(ins, 2, first_row);
	sqlite3_bind_int64(ins, 3, last_row);
	sqlite3_bind_text(ins, 4, as_of, -1, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		rc = maat_db_fail(imp->db, err, _("recording the import"));
		goto out;
	}
	/* the other files of the snapshot (a junior file's senior posts) for the anomalies; a
	 * plain CSV is the only file of its snapshot */
	if (rd.kind != L_CSV && (rc = add_snapshot_rows(imp, &rd, as_of, &others, err)) < 0) {
		goto out;
	}
	org = maat_org_builder_finish(rd.model, as_of);
	rd.model = NULL;
	if (rd.kind == L_CSV && o->pseudo == NULL && o->manager_by != MAAT_MANAGER_BY_ID &&
	    (o->manager_by != MAAT_MANAGER_BY_AUTO || org->counts.orphans * 2 > org->n)) {
		/* most rows are orphans: are managers given by e-mail or name? */
		bool changed = false;
		if ((rc = resolve_managers(imp, o->manager_by, first_row, last_row, &changed,
					   err)) < 0) {
			goto out;
		}
		if (changed) {
			maat_org_free(org);
			rd.model = maat_org_builder_new();
			if ((rc = add_own_rows(imp, &rd, first_row, last_row, err)) < 0) {
				org = NULL;
				goto out;
			}
			org = maat_org_builder_finish(rd.model, as_of);
			rd.model = NULL;
		}
	}
	rc = log_anomalies(imp, org, rd.kind == L_JUNIOR && others == 0, err);
out:
	/* before the caller rolls back: the writer must be done with the store */
	maat_db_bulk_free(bulk);
	for (size_t k = 0; k < nunknown; k++) {
		free(unknown[k].value);
	}
	for (size_t k = 0; k < njoined; k++) {
		free(joined[k].value);
	}
	free(unknown);
	free(joined);
	maat_org_free(org);
	maat_org_builder_free(rd.model);
	for (int k = 0; k < NFIELDS; k++) {
		maat_buf_fini(&rd.val[k]);
	}
	maat_csv_free(c);
	return rc;
}

static int
org_callback(maat_import *imp, FILE *f, void *ctx, maat_err *err)
{
	return maat_org_import_stream(imp, f, ctx, err);
}

int
maat_org_import_file(maat_db *db, const char *path, const maat_org_import_opts *o, unsigned flags,
		     int64_t *source_id, maat_err *err)
{
	maat_buf opts = {0};
	char *stored;
	int rc;
	maat_buf_printf(&opts, "as_of=%s", o->as_of ? o->as_of : "");
	if (o->pseudo != NULL) {
		maat_buf_printf(&opts, " pseudonymised");
	}
	if (o->normalise_ids) {
		maat_buf_printf(&opts, " normalise-ids");
	}
	if (o->format != MAAT_ORG_FORMAT_AUTO) {
		maat_buf_printf(&opts, " format=%s",
				o->format == MAAT_ORG_FORMAT_CSV ? "csv" : "organogram");
	}
	if (o->encoding != NULL) {
		maat_buf_printf(&opts, " encoding=%s", o->encoding);
	}
	if (o->fte_hours > 0) {
		maat_buf_printf(&opts, " fte-hours=%g", o->fte_hours);
	}
	if (o->manager_by != MAAT_MANAGER_BY_AUTO) {
		static const char *const by[] = {"auto", "id", "email", "name"};
		maat_buf_printf(&opts, " manager-by=%s", by[o->manager_by & 3]);
	}
	for (size_t i = 0; i < o->nmap; i++) {
		maat_buf_printf(&opts, " map=%s", o->map[i]);
	}
	/* under --pseudonymise the file name is not stored either (it may name a person) */
	stored = o->pseudo != NULL && !maat_dbsource_is_uri(path)
		     ? maat_pseudo_source_name(o->pseudo, path)
		     : NULL;
	{
		maat_org_import_opts mine = *o;
		mine.replace = (flags & MAAT_IMPORT_REPLACE) != 0;
		/* --replace replaces the chart of the same date (check_snapshot), not an import of
		 * the same path or content: HR sends "org.csv" every quarter, and one file may be
		 * the chart of two dates */
		flags &= ~(unsigned)MAAT_IMPORT_REPLACE;
		rc = maat_dbsource_is_uri(path)
			 ? maat_dbsource_import(db, "org", path, o->query, opts.data,
						flags | MAAT_IMPORT_SAME_OPTIONS, org_callback,
						&mine, source_id, err)
			 : maat_db_import_file_as(db, "org", path, stored, opts.data,
						  flags | MAAT_IMPORT_SAME_OPTIONS, org_callback,
						  &mine, source_id, err);
	}
	free(stored);
	maat_buf_fini(&opts);
	return rc;
}
