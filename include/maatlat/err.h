/* maatlat error objects: a code and a message, filled by the failing function. */
#ifndef MAAT_ERR_H
#define MAAT_ERR_H

/* Error codes; the values are the <sysexits.h> exit statuses, so main() maps them 1:1. */
enum maat_errcode {
	MAAT_OK = 0,
	/* generic failure (exit 1) */
	MAAT_E_FAIL = 1,
	/* the command line is wrong (EX_USAGE) */
	MAAT_E_USAGE = 64,
	/* the input data is malformed (EX_DATAERR) */
	MAAT_E_DATA = 65,
	/* an input file is missing or unreadable (EX_NOINPUT) */
	MAAT_E_NOINPUT = 66,
	/* a bug or an unexpected library failure (EX_SOFTWARE) */
	MAAT_E_INTERNAL = 70,
	/* an output file cannot be created (EX_CANTCREAT) */
	MAAT_E_CANTCREAT = 73,
	/* a read or write failed (EX_IOERR) */
	MAAT_E_IO = 74,
};

typedef struct maat_err {
	/* enum maat_errcode; 0 while nothing failed */
	int code;
	/* the message, without the "maatlat: " prefix, already translated */
	char msg[512];
} maat_err;

/* Sets code and message (printf-style) when e is non-NULL; returns -code. */
int maat_err_set(maat_err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to the message already in e (for adding a file name); returns -e->code. */
int maat_err_prefix(maat_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears e to "no error". NULL-safe. */
void maat_err_clear(maat_err *e);

#endif
