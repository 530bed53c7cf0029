#include <stdlib.h>
#include <string.h>

#include "maatlat/cases.h"
#include "maatlat/csv.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"

/* The fields of a case log and their default column names (matched case-insensitively). */
enum field { F_CASE, F_ACTIVITY, F_TIME, F_RESOURCE, F_LIFECYCLE, F_ROLE, F_GROUP, F_TYPE, F_N };

static const char *const alias_case[] = {
    "case:concept:name", "case id", "case_id", "caseid", "case",
    "zaaknummer",        "zaak",    "zaak_id", "zaakid", NULL};
static const char *const alias_activity[] = {"concept:name", "activity", "activiteit",
					     "stap",         "taak",     NULL};
static const char *const alias_time[] = {"time:timestamp", "timestamp", "tijdstip", "time",
					 "datum",          "datumtijd", NULL};
static const char *const alias_resource[] = {
    "org:resource", "resource", "medewerker", "behandelaar", "user", "gebruiker", NULL};
static const char *const alias_lifecycle[] = {"lifecycle:transition", "lifecycle", NULL};
static const char *const alias_role[] = {"org:role", "role", "rol", NULL};
static const char *const alias_group[] = {"org:group", "group", "groep", "afdeling", "team", NULL};
static const char *const alias_type[] = {"zaaktype", "case:type",     "case type",
					 "casetype", "case:zaaktype", NULL};

static const char *const *const aliases[F_N] = {
    alias_case,      alias_activity, alias_time,  alias_resource,
    alias_lifecycle, alias_role,     alias_group, alias_type,
};

static const char *const field_names[F_N] = {"case",      "activity", "time",  "resource",
					     "lifecycle", "role",     "group", "case type"};

static const char *
opt_col(const maat_cases_opts *o, int f)
{
	if (o == NULL) {
		return NULL;
	}
	switch (f) {
	case F_CASE:
		return o->case_col;
	case F_ACTIVITY:
		return o->activity_col;
	case F_TIME:
		return o->time_col;
	case F_RESOURCE:
		return o->resource_col;
	case F_LIFECYCLE:
		return o->lifecycle_col;
	case F_ROLE:
		return o->role_col;
	case F_GROUP:
		return o->group_col;
	default:
		return o->case_type_col;
	}
}

/* Copies field i of the current record, trimmed; "" when the record is short. */
static char *
field(const maat_csv *r, ssize_t i, maat_buf *b)
{
	maat_buf_reset(b);
	maat_buf_append(b, "", 0);
	if (i >= 0 && (size_t)i < maat_csv_nfields(r)) {
		maat_buf_append(b, maat_csv_field(r, (size_t)i), maat_csv_field_len(r, (size_t)i));
	}
	return maat_trim(b->data);
}

int64_t
maat_cases_csv_read(FILE *f, const maat_cases_opts *o, maat_case_event_fn fn, void *ctx,
		    maat_err *err)
{
	const char *path = o != NULL && o->path != NULL ? o->path : "-";
	maat_csv_opts copts = {.encoding = o ? o->encoding : NULL, .path = path};
	maat_buf buf[F_N] = {{0}};
	ssize_t col[F_N];
	maat_csv *r = NULL;
	int64_t events = 0, rc;

	if ((r = maat_csv_open(f, &copts, err)) == NULL) {
		return err != NULL && err->code ? -err->code : -MAAT_E_DATA;
	}
	if ((rc = maat_csv_next(r, err)) <= 0) {
		if (rc == 0) {
			rc = maat_err_set(err, MAAT_E_DATA, _("%s: empty file"), path);
		}
		goto out;
	}
	for (int i = 0; i < F_N; i++) {
		const char *given = opt_col(o, i);
		const char *one[2] = {given, NULL};
		col[i] = maat_csv_column(r, given != NULL ? one : aliases[i]);
		if (col[i] < 0 && (given != NULL || i <= F_TIME)) {
			/* every name looked for, the Dutch ones too, so a user sees why theirs
			 * was not taken */
			maat_buf names = {0};
			for (size_t k = 0; given == NULL && aliases[i][k] != NULL; k++) {
				maat_buf_printf(&names, "%s'%s'", k ? ", " : "", aliases[i][k]);
			}
			if (given != NULL) {
				maat_buf_printf(&names, "'%s'", given);
			}
			rc =
			    maat_err_set(err, MAAT_E_DATA,
					 _("%s:%lld: no %s column (looked for %s); name yours with "
					   "--%s COLUMN"),
					 path, (long long)maat_csv_line(r), field_names[i],
					 names.data, i == F_TYPE ? "case-type" : field_names[i]);
			maat_buf_fini(&names);
			goto out;
		}
	}
	while ((rc = maat_csv_next(r, err)) > 0) {
		maat_case_event ev = {.line = maat_csv_line(r)};
		maat_err terr = {0};
		char *v[F_N];
		for (int i = 0; i < F_N; i++) {
			v[i] = field(r, col[i], &buf[i]);
		}
		if (*v[F_CASE] == '\0') {
			rc = maat_err_set(err, MAAT_E_DATA, _("%s:%lld: empty case id"), path,
					  (long long)ev.line);
			goto out;
		}
		if (*v[F_ACTIVITY] == '\0') {
			rc = maat_err_set(err, MAAT_E_DATA, _("%s:%lld: empty activity"), path,
					  (long long)ev.line);
			goto out;
		}
		if (maat_ts_parse(v[F_TIME], o ? o->tz : NULL, &ev.ts, &ev.ms, &terr) < 0) {
			rc = maat_err_set(err, MAAT_E_DATA, "%s:%lld: %s", path, (long long)ev.line,
					  terr.msg);
			goto out;
		}
		ev.case_id = v[F_CASE];
		ev.activity = v[F_ACTIVITY];
		ev.resource = v[F_RESOURCE];
		ev.lifecycle = v[F_LIFECYCLE];
		ev.role = v[F_ROLE];
		ev.group = v[F_GROUP];
		ev.case_type = v[F_TYPE];
		if (fn != NULL && (rc = fn(&ev, ctx, err)) < 0) {
			goto out;
		}
		events++;
	}
	if (rc == 0) {
		rc = events;
	}
out:
	for (int i = 0; i < F_N; i++) {
		maat_buf_fini(&buf[i]);
	}
	maat_csv_free(r);
	return rc;
}
