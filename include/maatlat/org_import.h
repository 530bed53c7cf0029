/* Importers of org charts (generic HR CSV, UK organogram senior/junior files, id,parentId
 * exports) and mandates files into the store. */
#ifndef MAAT_ORG_IMPORT_H
#define MAAT_ORG_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "maatlat/db.h"
#include "maatlat/err.h"

/* --format of `import org` */
enum maat_org_format {
	/* decide from the header */
	MAAT_ORG_FORMAT_AUTO,
	/* generic CSV with id and manager columns (Dutch and English aliases) */
	MAAT_ORG_FORMAT_CSV,
	/* UK organogram senior or junior file */
	MAAT_ORG_FORMAT_ORGANOGRAM,
};

/* Options of one org import. */
typedef struct maat_org_import_opts {
	/* the snapshot date (yyyy-mm-dd); NULL = the file's date column, else the import date */
	const char *as_of;
	/* strip leading zeros from all-digit ids and manager ids */
	bool normalise_ids;
	/* enum maat_org_format */
	int format;
	/* input encoding for iconv (NULL = UTF-8) */
	const char *encoding;
	/* --map overrides, each "COLUMN=FIELD"; borrowed */
	const char *const *map;
	size_t nmap;
	/* --pseudonymise: ids, manager ids, names and e-mails are stored as keyed hashes;
	 * borrowed, NULL = store them as read */
	const struct maat_pseudo *pseudo;
	/* --query: the rows of a database source (maat_org_import_file's path is then a
	 * postgresql:// or sqlite: URI); NULL for files */
	const char *query;
	/* another file of the same snapshot date that this one does not join (anything but a UK
	 * senior + junior pair) is replaced instead of refused; maat_org_import_file() sets it
	 * from MAAT_IMPORT_REPLACE */
	bool replace;
	/* > 0: the FTE column holds hours a week; FTE = hours / fte_hours (--fte-hours H) */
	double fte_hours;
	/* how the manager column names managers (--manager-by) */
	int manager_by;
} maat_org_import_opts;

/* --manager-by of `import org` */
enum maat_manager_by {
	/* by id; when most managers match no id but the e-mail or name column, those (said) */
	MAAT_MANAGER_BY_AUTO,
	MAAT_MANAGER_BY_ID,
	MAAT_MANAGER_BY_EMAIL,
	MAAT_MANAGER_BY_NAME,
};

/* The fields a column can be mapped to (for --map); NULL-terminated, static. */
extern const char *const maat_org_fields[];

/* True when field is one of maat_org_fields. */
bool maat_org_field_known(const char *field);

/* Reads an org chart from f into the store under imp (the body of the import callback; the
 * fuzz target calls it directly). Anomalies are logged with maat_db_log, never fatal. A file
 * that is not an org chart, a malformed CSV or a bad FTE fails with MAAT_E_DATA and
 * "PATH:LINE: ...". */
int maat_org_import_stream(maat_import *imp, FILE *f, const maat_org_import_opts *o, maat_err *err);

/* Imports one file (or, for a postgresql:// or sqlite: path, the rows of o->query) as one
 * transaction (see maat_db_import_file: returns 0, 1 when the same file was imported before,
 * negative with err set). *nanomalies (optional) receives the number
 * of anomalies logged. */
int maat_org_import_file(maat_db *db, const char *path, const maat_org_import_opts *o,
			 unsigned flags, int64_t *source_id, maat_err *err);

/* Reads a mandates file (header decision_type,holder; holder layer:N, title:TEXT or id:ID;
 * Dutch aliases besluit/besluittype and mandaathouder/mandaat). Any bad row fails the file
 * with MAAT_E_DATA, as does a decision type given twice. */
int maat_mandates_import_stream(maat_import *imp, FILE *f, maat_err *err);

/* Imports one mandates file as one transaction (like maat_org_import_file). */
int maat_mandates_import_file(maat_db *db, const char *path, unsigned flags, int64_t *source_id,
			      maat_err *err);

#endif
