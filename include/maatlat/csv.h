/* The one CSV reader of the project (org charts, case logs, Outlook calendars, mandates).
 * Streams records from a FILE *, never holding the file: separator sniffed (, ; tab), UTF-8 BOM
 * stripped, CRLF, quoted fields with embedded newlines and doubled quotes; invalid UTF-8 is
 * refused with its line number unless an encoding is given (converted with iconv). */
#ifndef MAAT_CSV_H
#define MAAT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "maatlat/err.h"

typedef struct maat_csv maat_csv;

typedef struct maat_csv_opts {
	/* the field separator; 0 = sniff it from the first line (',' ';' or tab) */
	char sep;
	/* the input encoding for iconv ("windows-1252", "latin1"); NULL or "utf-8" = UTF-8 */
	const char *encoding;
	/* the file name used in messages ("FILE:LINE: ..."); borrowed for the reader's life */
	const char *path;
	/* parse ahead on a thread of its own from the second maat_csv_next() on (the header is
	 * read on the caller's): for importers whose own work per record is as large as the
	 * parsing. f is then read by that thread until maat_csv_free(), which must come before
	 * anything else uses f. */
	bool read_ahead;
} maat_csv_opts;

/* Starts reading f (borrowed; the caller closes it after maat_csv_free). opts may be NULL.
 * Returns a new reader, or NULL with err set (MAAT_E_DATA for an empty or unreadable file). */
maat_csv *maat_csv_open(FILE *f, const maat_csv_opts *opts, maat_err *err);

/* Reads the next record. Returns 1 when a record is ready, 0 at the end of the input, negative
 * with err set ("FILE:LINE: ...", MAAT_E_DATA) on malformed input: an unterminated quote,
 * invalid UTF-8, a NUL byte, a field over 1 MiB. Blank lines are skipped. */
int maat_csv_next(maat_csv *r, maat_err *err);

/* Fields of the current record. Borrowed; valid until the next maat_csv_next(). */
size_t maat_csv_nfields(const maat_csv *r);
const char *maat_csv_field(const maat_csv *r, size_t i);
size_t maat_csv_field_len(const maat_csv *r, size_t i);

/* The physical line on which the current record starts (1-based). */
int64_t maat_csv_line(const maat_csv *r);

/* The separator in use (sniffed or given). */
char maat_csv_separator(const maat_csv *r);

/* Frees the reader. NULL-safe. */
void maat_csv_free(maat_csv *r);

/* Index of the first field of the current record (normally the header) that matches one of the
 * NULL-terminated aliases: case-insensitive, surrounding white space and quotes ignored.
 * -1 when none matches. */
ssize_t maat_csv_column(const maat_csv *r, const char *const aliases[]);

/* Parses a decimal number as Dutch and English spreadsheets write it: "1.5", "1,5", " 2 ".
 * A lone comma is a decimal comma; "1.234,5" and "1,234.5" are read with thousands separators.
 * False when s is empty or not a number. */
bool maat_csv_parse_number(const char *s, double *out);

#endif
