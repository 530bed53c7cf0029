/* Terms files (METRICS.md §5, CLI.md): per case type the term, calendar or working days, and
 * the activity patterns of its clock; and the holidays working days skip. */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/csv.h"
#include "maatlat/i18n.h"
#include "maatlat/terms_import.h"
#include "maatlat/timestamp.h"
#include "maatlat/util.h"

enum { F_TYPE, F_TERM, F_KIND, F_START, F_END, F_SUSPEND, F_RESUME, F_N };

static const char *const aliases[F_N][8] = {
    [F_TYPE] = {"case_type", "case type", "casetype", "zaaktype", "case:type", "type", NULL},
    [F_TERM] = {"term_days", "term", "termijn", "termijn_dagen", "term days", "days", NULL},
    [F_KIND] = {"day_kind", "day kind", "dagsoort", "soort dagen", "kind", NULL},
    [F_START] = {"start", "begin", "start_pattern", NULL},
    [F_END] = {"end", "einde", "eind", "end_pattern", NULL},
    [F_SUSPEND] = {"suspend", "opschorten", "opschorting", "suspend_pattern", NULL},
    [F_RESUME] = {"resume", "hervatten", "hervatting", "resume_pattern", NULL},
};

struct ctx {
	const maat_terms_import_opts *o;
};

static char *
field_copy(const maat_csv *c, ssize_t col)
{
	if (col < 0 || (size_t)col >= maat_csv_nfields(c)) {
		return maat_xstrdup("");
	}
	return maat_trim(
	    maat_xstrndup(maat_csv_field(c, (size_t)col), maat_csv_field_len(c, (size_t)col)));
}

/* "56", "8w", "8 weeks", "8 weken", "10 dagen": whole days, 1 to 3650. -1 when not a term. */
static int
parse_term(const char *s)
{
	char *end = NULL;
	long v;
	int mul = 1;
	if (!isdigit((unsigned char)*s)) {
		return -1;
	}
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0) {
		return -1;
	}
	while (*end == ' ') {
		end++;
	}
	if (*end != '\0') {
		static const char *const weeks[] = {"w", "wk", "week", "weeks", "weken", NULL};
		static const char *const days[] = {"d", "day", "days", "dag", "dagen", NULL};
		mul = 0;
		for (size_t i = 0; weeks[i] != NULL; i++) {
			mul = maat_strcasecmp0(end, weeks[i]) == 0 ? 7 : mul;
		}
		for (size_t i = 0; days[i] != NULL; i++) {
			mul = maat_strcasecmp0(end, days[i]) == 0 ? 1 : mul;
		}
		if (mul == 0) {
			return -1;
		}
	}
	if (v < 1 || v > 3650 || v * mul > 3650) {
		return -1;
	}
	return (int)(v * mul);
}

/* "calendar" or "working" for a day kind as written, NULL when unknown; "" = calendar. */
static const char *
parse_kind(const char *s)
{
	static const char *const cal[] = {
	    "", "calendar", "calendar days", "kalender", "kalenderdagen", "cal", NULL};
	static const char *const work[] = {"working", "working days", "work",          "werkdagen",
					   "werkdag", "business",     "business days", NULL};
	for (size_t i = 0; cal[i] != NULL; i++) {
		if (maat_strcasecmp0(s, cal[i]) == 0) {
			return "calendar";
		}
	}
	for (size_t i = 0; work[i] != NULL; i++) {
		if (maat_strcasecmp0(s, work[i]) == 0) {
			return "working";
		}
	}
	return NULL;
}

/* Checks that a pattern compiles; 0 or negative with err "PATH:LINE: ...". */
static int
check_pattern(const char *path, int64_t line, const char *what, const char *p, maat_err *err)
{
	regex_t re;
	char buf[128];
	int rc;
	if (*p == '\0') {
		return 0;
	}
	if ((rc = regcomp(&re, p, REG_EXTENDED | REG_ICASE | REG_NOSUB)) != 0) {
		regerror(rc, &re, buf, sizeof(buf));
		regfree(&re);
		return maat_err_set(err, MAAT_E_DATA, _("%s:%lld: %s pattern '%.60s': %s"), path,
				    (long long)line, what, p, buf);
	}
	regfree(&re);
	return 0;
}

static int
import_holidays(maat_import *imp, const char *path, maat_err *err)
{
	FILE *f = fopen(path, "rb");
	char buf[512];
	int64_t line = 0, n = 0;
	sqlite3_stmt *ins;
	int rc = 0;

	if (f == NULL) {
		return maat_err_set(err, errno == ENOENT ? MAAT_E_NOINPUT : MAAT_E_IO, "%s: %s",
				    path, strerror(errno));
	}
	ins = maat_db_stmt(
	    imp->db, "INSERT OR IGNORE INTO term_holidays(source_id, day) VALUES (?1, ?2)", err);
	if (ins == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	while (fgets(buf, sizeof(buf), f) != NULL) {
		char *s = buf, *e;
		int y, m, d;
		maat_err derr = {0};
		line++;
		if (line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
		}
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			rc = maat_err_set(err, MAAT_E_DATA, _("%s:%lld: line too long"), path,
					  (long long)line);
			goto out;
		}
		while (isspace((unsigned char)*s)) {
			s++;
		}
		if (*s == '\0' || *s == '#') {
			continue;
		}
		/* the date is the first field; a name may follow */
		for (e = s; *e && *e != ',' && *e != ';' && *e != '\t' && *e != ' ' && *e != '\r' &&
			    *e != '\n';
		     e++) {
		}
		*e = '\0';
		if (maat_date_parse(s, &y, &m, &d, &derr) < 0) {
			/* a header ("date", "datum") on the first line */
			if (n == 0 && isalpha((unsigned char)*s)) {
				continue;
			}
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s:%lld: not a date (yyyy-mm-dd): '%.40s'"), path,
					  (long long)line, s);
			goto out;
		}
		{
			char day[16];
			snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
			sqlite3_bind_int64(ins, 1, imp->source_id);
			sqlite3_bind_text(ins, 2, day, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(ins) != SQLITE_DONE) {
				rc = maat_db_fail(imp->db, err, _("storing a holiday"));
				sqlite3_reset(ins);
				goto out;
			}
			sqlite3_reset(ins);
			sqlite3_clear_bindings(ins);
		}
		n++;
	}
	if (ferror(f)) {
		rc = maat_err_set(err, MAAT_E_IO, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = maat_db_log(imp->db, imp->source_id, 0, "info", err, _("%s: %lld holidays"), path,
			 (long long)n);
out:
	fclose(f);
	return rc;
}

static int
import_terms(maat_import *imp, FILE *f, void *vctx, maat_err *err)
{
	const struct ctx *x = vctx;
	maat_csv_opts copts = {.path = imp->path, .encoding = x->o ? x->o->encoding : NULL};
	maat_csv *c = NULL;
	ssize_t col[F_N];
	sqlite3_stmt *ins, *dup;
	char *v[F_N] = {0};
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
	for (int i = 0; i < F_N; i++) {
		col[i] = maat_csv_column(c, aliases[i]);
	}
	if (col[F_TYPE] < 0 || col[F_TERM] < 0) {
		rc = maat_err_set(
		    err, MAAT_E_DATA,
		    _("%s:%lld: not a terms file: expected a header with case_type and "
		      "term_days (and day_kind, start, end, suspend, resume)"),
		    imp->path, (long long)maat_csv_line(c));
		goto out;
	}
	ins = maat_db_stmt(imp->db,
			   "INSERT INTO case_terms(source_id, line, case_type, term_days, day_kind,"
			   " start_pattern, end_pattern, suspend_pattern, resume_pattern)"
			   " VALUES (?1, ?2, ?3, ?4, ?5, nullif(?6, ''), nullif(?7, ''),"
			   " nullif(?8, ''), nullif(?9, ''))",
			   err);
	dup = maat_db_stmt(imp->db,
			   "SELECT line FROM case_terms WHERE source_id = ?1 AND"
			   " lower(case_type) = lower(?2)",
			   err);
	if (ins == NULL || dup == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	while ((rc = maat_csv_next(c, err)) > 0) {
		int64_t line = maat_csv_line(c);
		const char *kind;
		int term;
		imp->rows_read++;
		for (int i = 0; i < F_N; i++) {
			free(v[i]);
			v[i] = field_copy(c, col[i]);
		}
		if (*v[F_TYPE] == '\0') {
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s:%lld: no case type (use * for every other type)"),
					  imp->path, (long long)line);
			goto out;
		}
		if ((term = parse_term(v[F_TERM])) < 0) {
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s:%lld: term '%.40s' is not a number of days (1 to "
					    "3650) or weeks ('8w')"),
					  imp->path, (long long)line, v[F_TERM]);
			goto out;
		}
		if ((kind = parse_kind(v[F_KIND])) == NULL) {
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s:%lld: day kind '%.40s' is not calendar or working"),
					  imp->path, (long long)line, v[F_KIND]);
			goto out;
		}
		if ((rc = check_pattern(imp->path, line, "start", v[F_START], err)) < 0 ||
		    (rc = check_pattern(imp->path, line, "end", v[F_END], err)) < 0 ||
		    (rc = check_pattern(imp->path, line, "suspend", v[F_SUSPEND], err)) < 0 ||
		    (rc = check_pattern(imp->path, line, "resume", v[F_RESUME], err)) < 0) {
			goto out;
		}
		if (*v[F_RESUME] != '\0' && *v[F_SUSPEND] == '\0') {
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s:%lld: a resume pattern without a suspend pattern"),
					  imp->path, (long long)line);
			goto out;
		}
		sqlite3_bind_int64(dup, 1, imp->source_id);
		sqlite3_bind_text(dup, 2, v[F_TYPE], -1, SQLITE_STATIC);
		if (sqlite3_step(dup) == SQLITE_ROW) {
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s:%lld: case type '%.60s' was given before, on line "
					    "%lld"),
					  imp->path, (long long)line, v[F_TYPE],
					  (long long)sqlite3_column_int64(dup, 0));
			sqlite3_reset(dup);
			goto out;
		}
		sqlite3_reset(dup);
		sqlite3_clear_bindings(dup);
		sqlite3_bind_int64(ins, 1, imp->source_id);
		sqlite3_bind_int64(ins, 2, line);
		sqlite3_bind_text(ins, 3, v[F_TYPE], -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 4, term);
		sqlite3_bind_text(ins, 5, kind, -1, SQLITE_STATIC);
		for (int i = F_START; i <= F_RESUME; i++) {
			sqlite3_bind_text(ins, 6 + i - F_START, v[i], -1, SQLITE_STATIC);
		}
		if (sqlite3_step(ins) != SQLITE_DONE) {
			rc = maat_db_fail(imp->db, err, _("storing a term"));
			sqlite3_reset(ins);
			goto out;
		}
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
	}
	if (rc < 0) {
		goto out;
	}
	if (imp->rows_read == 0) {
		rc = maat_err_set(err, MAAT_E_DATA, _("%s: a terms header but no rows"), imp->path);
		goto out;
	}
	rc = x->o != NULL && x->o->holidays != NULL ? import_holidays(imp, x->o->holidays, err) : 0;
out:
	for (int i = 0; i < F_N; i++) {
		free(v[i]);
	}
	maat_csv_free(c);
	return rc;
}

int
maat_terms_import_stream(maat_import *imp, FILE *f, const maat_terms_import_opts *o, maat_err *err)
{
	struct ctx x = {.o = o};
	return import_terms(imp, f, &x, err);
}

int
maat_terms_import_file(maat_db *db, const char *path, const maat_terms_import_opts *o,
		       unsigned flags, int64_t *source_id, maat_err *err)
{
	struct ctx x = {.o = o};
	char *options = o != NULL && o->holidays != NULL
			    ? maat_xasprintf("holidays=%s", o->holidays)
			    : maat_xstrdup("");
	int rc = maat_db_import_file(db, "terms", path, options, flags, import_terms, &x, source_id,
				     err);
	free(options);
	return rc;
}
