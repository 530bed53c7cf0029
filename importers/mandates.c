/* Mandates files: decision_type,holder with holder layer:N, title:TEXT or id:ID. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "maatlat/csv.h"
#include "maatlat/i18n.h"
#include "maatlat/org.h"
#include "maatlat/org_import.h"
#include "maatlat/signoff.h"
#include "maatlat/util.h"

static const char *const type_aliases[] = {
    "decision_type", "decision type", "decision",      "besluit",
    "besluittype",   "type besluit",  "soort besluit", NULL};
static const char *const holder_aliases[] = {"holder",  "mandate holder", "mandaathouder",
					     "mandaat", "gemandateerde",  NULL};

static char *
field_copy(const maat_csv *c, ssize_t col)
{
	if (col < 0 || (size_t)col >= maat_csv_nfields(c)) {
		return maat_xstrdup("");
	}
	return maat_trim(
	    maat_xstrndup(maat_csv_field(c, (size_t)col), maat_csv_field_len(c, (size_t)col)));
}

static const char *
kind_name(int kind)
{
	return kind == MAAT_HOLDER_LAYER ? "layer" : kind == MAAT_HOLDER_TITLE ? "title" : "id";
}

/* A holder rule that matches nobody in the latest org chart is warned now (METRICS.md §1): its
 * figures will be null. Nothing to check before an org chart is imported. */
static int
check_holders(maat_import *imp, const maat_mandate *ms, const int64_t *lines, size_t n,
	      maat_err *err)
{
	maat_org *org = NULL;
	maat_signoff *s;
	int rc = maat_org_load(imp->db, NULL, &org, err);
	if (rc != 0) {
		return rc < 0 ? rc : 0;
	}
	s = maat_signoff_compute(org, ms, n, NULL, MAAT_SIGNOFF_CAP_DEFAULT);
	for (size_t k = 0; k < n && rc == 0; k++) {
		const maat_signoff_type *f = maat_signoff_type_get(s, k);
		if (f != NULL && !f->holder_found) {
			rc = maat_db_log(
			    imp->db, imp->source_id, lines[k], "warning", err,
			    _("decision type '%s': the holder rule %s matches nobody "
			      "in the org chart of %s: its sign-off figures will be null"),
			    f->decision_type, f->holder, org->as_of);
		}
	}
	maat_signoff_free(s);
	maat_org_free(org);
	return rc;
}

int
maat_mandates_import_stream(maat_import *imp, FILE *f, maat_err *err)
{
	maat_csv_opts copts = {.path = imp->path};
	maat_csv *c = NULL;
	ssize_t ct, ch;
	sqlite3_stmt *ins, *dup;
	maat_mandate *ms = NULL;
	int64_t *lines = NULL;
	size_t nms = 0;
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
	ct = maat_csv_column(c, type_aliases);
	ch = maat_csv_column(c, holder_aliases);
	if (ct < 0 || ch < 0) {
		rc = maat_err_set(err, MAAT_E_DATA,
				  _("%s:%lld: not a mandates file: expected a header "
				    "'decision_type,holder' (or besluit,mandaathouder)"),
				  imp->path, (long long)maat_csv_line(c));
		goto out;
	}
	ins = maat_db_stmt(imp->db,
			   "INSERT INTO org_mandates(source_id, line, decision_type, holder_kind,"
			   " holder) VALUES (?1, ?2, ?3, ?4, ?5)",
			   err);
	dup = maat_db_stmt(
	    imp->db, "SELECT line FROM org_mandates WHERE source_id = ?1 AND decision_type = ?2",
	    err);
	if (ins == NULL || dup == NULL) {
		rc = -MAAT_E_INTERNAL;
		goto out;
	}
	while ((rc = maat_csv_next(c, err)) > 0) {
		int64_t line = maat_csv_line(c);
		char *type = field_copy(c, ct), *holder = field_copy(c, ch);
		maat_mandate m = {0};
		imp->rows_read++;
		if (*type == '\0') {
			rc = maat_err_set(err, MAAT_E_DATA, _("%s:%lld: no decision type"),
					  imp->path, (long long)line);
		} else if (maat_mandate_parse_holder(holder, &m) < 0) {
			rc = maat_err_set(err, MAAT_E_DATA,
					  _("%s:%lld: holder '%.60s' is not layer:N (N >= 1), "
					    "title:TEXT or id:ID"),
					  imp->path, (long long)line, holder);
		} else {
			sqlite3_bind_int64(dup, 1, imp->source_id);
			sqlite3_bind_text(dup, 2, type, -1, SQLITE_STATIC);
			if (sqlite3_step(dup) == SQLITE_ROW) {
				rc = maat_err_set(err, MAAT_E_DATA,
						  _("%s:%lld: decision type '%.60s' was given "
						    "before, on line %lld"),
						  imp->path, (long long)line, type,
						  (long long)sqlite3_column_int64(dup, 0));
			}
			sqlite3_reset(dup);
			sqlite3_clear_bindings(dup);
		}
		if (rc <= 0) {
			free(type);
			free(holder);
			free(m.value);
			goto out;
		}
		{
			char *value = m.kind == MAAT_HOLDER_LAYER ? maat_xasprintf("%d", m.layer)
								  : maat_xstrdup(m.value);
			sqlite3_bind_int64(ins, 1, imp->source_id);
			sqlite3_bind_int64(ins, 2, line);
			sqlite3_bind_text(ins, 3, type, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 4, kind_name(m.kind), -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 5, value, -1, SQLITE_STATIC);
			rc = sqlite3_step(ins) == SQLITE_DONE
				 ? 1
				 : maat_db_fail(imp->db, err, _("storing a mandate"));
			sqlite3_reset(ins);
			sqlite3_clear_bindings(ins);
			free(value);
		}
		free(holder);
		if (rc < 0) {
			free(type);
			free(m.value);
			goto out;
		}
		ms = maat_xreallocarray(ms, nms + 1, sizeof(*ms));
		lines = maat_xreallocarray(lines, nms + 1, sizeof(*lines));
		m.decision_type = type;
		ms[nms] = m;
		lines[nms++] = line;
	}
	if (rc == 0 && nms > 0) {
		rc = check_holders(imp, ms, lines, nms, err);
	}
	if (rc == 0 && imp->rows_read == 0) {
		rc = maat_err_set(err, MAAT_E_DATA, _("%s: a mandates header but no rows"),
				  imp->path);
	}
out:
	maat_mandates_free(ms, nms);
	free(lines);
	maat_csv_free(c);
	return rc;
}

static int
mandates_callback(maat_import *imp, FILE *f, void *ctx, maat_err *err)
{
	return maat_mandates_import_stream(imp, f, err);
}

int
maat_mandates_import_file(maat_db *db, const char *path, unsigned flags, int64_t *source_id,
			  maat_err *err)
{
	return maat_db_import_file(db, "mandates", path, "", flags, mandates_callback, NULL,
				   source_id, err);
}
