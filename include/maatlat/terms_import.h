/* Terms files into the store (METRICS.md §5, CLI.md "Terms file"): per case type the term,
 * calendar or working days and the activity patterns of its clock, and the holidays that
 * working days skip. The analysis is maatlat/terms.h. */
#ifndef MAAT_TERMS_IMPORT_H
#define MAAT_TERMS_IMPORT_H

#include <stdint.h>
#include <stdio.h>

#include "maatlat/db.h"
#include "maatlat/err.h"

/* How a terms file is read. Zero-initialised = defaults. */
typedef struct maat_terms_import_opts {
	/* a holidays file (one yyyy-mm-dd per line) stored with the terms; NULL = none */
	const char *holidays;
	/* the CSV encoding for iconv (NULL = UTF-8) */
	const char *encoding;
} maat_terms_import_opts;

/* Imports a terms file (CSV: case_type, term_days, day_kind, start, end, suspend, resume; see
 * CLI.md) and the optional holidays file in one transaction. term_days takes whole days, or
 * weeks written "8w", "8 weeks" or "8 weken". Patterns are POSIX extended regular
 * expressions, matched case-insensitively anywhere in the activity. Returns 0, 1 when the same
 * file was imported before (skipped, err holds the note), negative with err "FILE:LINE: ..."
 * (MAAT_E_DATA; MAAT_E_NOINPUT for a missing file). *source_id (optional) gets the source. */
int maat_terms_import_file(maat_db *db, const char *path, const maat_terms_import_opts *o,
			   unsigned flags, int64_t *source_id, maat_err *err);

/* The same for an open stream inside an import (imp from maat_db_import_file's callback, or a
 * test's own source row): reads f as a terms file, then o->holidays when given. Returns 0 or
 * negative with err "PATH:LINE: ..." (MAAT_E_DATA). */
int maat_terms_import_stream(maat_import *imp, FILE *f, const maat_terms_import_opts *o,
			     maat_err *err);

#endif
