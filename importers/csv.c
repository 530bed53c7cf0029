/* The CSV reader: bytes -> (iconv) -> UTF-8 checks and physical lines -> libcsv -> records.
 *
 * libcsv does the quoting state machine (the project prefers a well-kept library for CSV).
 * Around it this file adds what libcsv does not know: separator sniffing, the BOM, encodings,
 * UTF-8 and NUL checks, physical line numbers, and limits that keep memory bounded.
 *
 * Throughput (bench/bench_csv.sh: 1M rows case_id,activity,timestamp,resource, 55 MB, 2-core
 * EPYC, minimum of 3 interleaved runs): about 280 MB/s (0.20 s), 13x `wc -l` (0.016 s) and 15x
 * `cat >/dev/null` (0.014 s), peak RSS 1.7 MB; with --encoding windows-1252 about 150 MB/s.
 * perf puts 58% of the time in libcsv's csv_parse(). At 10M rows that is about 2 s, against
 * 9.3 s for sqlite3's .import of the same file (PERFORMANCE.md): reading the CSV is not the
 * bottleneck of an import, so libcsv stays.
 *
 * Input is read in 64 KiB chunks and cut at physical line ends (LF, CRLF, lone CR); each
 * piece goes to csv_parse() on its own so that the reader knows on which physical line a record
 * starts, and on which line a quoted field opened. At most one record completes per piece (a
 * record ends only at a line end), so no queue is needed: maat_csv_next() returns as soon as
 * libcsv reports the end of a row. Memory stays bounded: one chunk, one record (limited to
 * 100,000 fields, 1 MiB per field and 64 MiB in total) and libcsv's field buffer. */
#include <errno.h>
#include <iconv.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>

#include "maatlat/csv.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"

enum {
	/* bytes read per fread() */
	CHUNK = 64 * 1024,
	/* the longest field accepted */
	FIELD_MAX = 1024 * 1024,
	/* the most fields accepted in one record */
	FIELDS_MAX = 100000,
	/* the most bytes accepted in one record (all fields) */
	RECORD_MAX = 64 * 1024 * 1024,
};

/* libcsv's parser states (libcsv.c, unchanged since 3.0; struct csv_parser exposes pstate) */
enum {
	PS_ROW_NOT_BEGUN = 0,
	PS_FIELD_BEGUN = 2,
	PS_FIELD_MIGHT_HAVE_ENDED = 3,
};

/* The read-ahead (maat_csv_opts.read_ahead): records copied into slots of up to SLOT_RECS
 * records or SLOT_BYTES of fields, NSLOT slots between the parsing thread and the caller. */
enum { SLOT_RECS = 1024, SLOT_BYTES = 1024 * 1024, NSLOT = 3 };

struct ra_rec {
	int64_t line;
	size_t nfields;
	/* where its offsets start in the slot's offs, its fields in the slot's data, and their
	 * length (offsets are relative to its first field) */
	size_t off_at, data_at, data_len;
};

struct ra_slot {
	struct ra_rec rec[SLOT_RECS];
	size_t nrec;
	maat_buf data;
	size_t *offs;
	size_t noffs, offs_cap;
	/* the reader's result after the last record: 0 = more follows in the next slot, else
	 * the end (rc 0) or a failure (rc < 0, err) */
	bool last;
	int rc;
	maat_err err;
};

struct read_ahead {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t filled, freed;
	struct ra_slot slot[NSLOT];
	int wr, rd, nfilled;
	bool stop;
	/* the caller's position: the slot being read (-1 none) and the next record in it */
	int cur;
	size_t next;
};

/* what a libcsv callback found wrong (callbacks cannot return errors) */
enum cb_error {
	CB_OK = 0,
	CB_FIELD_TOO_LONG,
	CB_TOO_MANY_FIELDS,
	CB_RECORD_TOO_LONG,
};

struct maat_csv {
	/* the input; borrowed */
	FILE *f;
	/* the name used in messages; borrowed */
	const char *path;
	/* the field separator in use */
	char sep;
	/* libcsv's state machine */
	struct csv_parser p;
	/* true when the input is converted with iconv */
	bool conv;
	/* the converter (valid when conv) */
	iconv_t cd;
	/* the encoding name as given, for messages; owned */
	char *encoding;
	/* raw bytes as read; with conv, the unconverted tail of the last read stays at the front */
	unsigned char raw[CHUNK];
	/* bytes of raw still to convert (conv only) */
	size_t raw_len;
	/* converted UTF-8 bytes (conv only); owned */
	unsigned char *out;
	/* size of out */
	size_t out_cap;
	/* the UTF-8 bytes being parsed: raw or out */
	const unsigned char *buf;
	/* bytes in buf */
	size_t len;
	/* bytes of buf already parsed */
	size_t pos;
	/* true once the input is exhausted */
	bool eof;
	/* true once csv_fini() ran */
	bool done;
	/* iconv met a byte that is not valid in the encoding, just after the converted bytes */
	bool conv_bad;
	/* the last piece ended in CR at the end of buf: a LF at the start of the next belongs to it
	 */
	bool pending_cr;
	/* the next byte begins a physical line */
	bool at_line_start;
	/* the physical line of the next byte (1-based) */
	int64_t line;
	/* the line on which the record being built starts */
	int64_t rec_line;
	/* the line on which the quoted field now open started */
	int64_t quote_line;
	/* UTF-8 check carried over pieces: continuation bytes still needed */
	unsigned u8need;
	/* the range allowed for the next continuation byte (excludes overlongs and surrogates) */
	unsigned char u8lo, u8hi;
	/* the fields of the record, each NUL-terminated, back to back */
	maat_buf data;
	/* offset of each field in data */
	size_t *off;
	/* number of fields */
	size_t nfields;
	/* entries allocated in off */
	size_t off_cap;
	/* libcsv reported the end of a row */
	bool ready;
	/* a problem found in a callback */
	enum cb_error cb_err;
	/* the record read by maat_csv_open() waits for the first maat_csv_next() */
	bool first_pending;
	/* the line on which the current record starts */
	int64_t cur_line;
	/* once an error happened, every later call repeats it */
	maat_err fail;
	/* the current record as the accessors see it: r->data/off, or a read-ahead slot's */
	const char *v_data;
	const size_t *v_off;
	size_t v_n, v_len;
	int64_t v_line;
	/* parse ahead on a thread (maat_csv_opts.read_ahead); ra once it runs */
	bool want_ahead;
	struct read_ahead *ra;
};

static void *
xrealloc_cb(void *p, size_t n)
{
	return maat_xrealloc(p, n);
}

static void
on_field(void *s, size_t n, void *ctx)
{
	maat_csv *r = ctx;

	if (r->cb_err != CB_OK) {
		return;
	}
	if (n > FIELD_MAX) {
		r->cb_err = CB_FIELD_TOO_LONG;
		return;
	}
	if (r->nfields >= FIELDS_MAX) {
		r->cb_err = CB_TOO_MANY_FIELDS;
		return;
	}
	if (r->data.len + n + 1 > RECORD_MAX) {
		r->cb_err = CB_RECORD_TOO_LONG;
		return;
	}
	if (r->nfields == r->off_cap) {
		r->off_cap = r->off_cap ? r->off_cap * 2 : 16;
		r->off = maat_xreallocarray(r->off, r->off_cap, sizeof(*r->off));
	}
	r->off[r->nfields++] = r->data.len;
	/* one copy of the field and its NUL (two maat_buf_append calls cost 10% of the time) */
	if (r->data.len + n + 2 > r->data.cap) {
		size_t cap = r->data.cap ? r->data.cap : 256;
		while (r->data.len + n + 2 > cap) {
			cap *= 2;
		}
		r->data.data = maat_xrealloc(r->data.data, cap);
		r->data.cap = cap;
	}
	if (n > 0) {
		memcpy(r->data.data + r->data.len, s, n);
	}
	r->data.data[r->data.len + n] = '\0';
	r->data.len += n + 1;
	r->data.data[r->data.len] = '\0';
}

static void
on_row(int c, void *ctx)
{
	maat_csv *r = ctx;
	r->ready = true;
}

static void
record_reset(maat_csv *r)
{
	maat_buf_reset(&r->data);
	r->nfields = 0;
	r->ready = false;
}

static bool
in_quoted_field(const maat_csv *r)
{
	return r->p.quoted &&
	       (r->p.pstate == PS_FIELD_BEGUN || r->p.pstate == PS_FIELD_MIGHT_HAVE_ENDED);
}

/* Records an error and makes it sticky; returns -code. */
static int
fail(maat_csv *r, maat_err *err, int code, int64_t line, const char *what)
{
	if (line > 0) {
		maat_err_set(&r->fail, code, "%s:%lld: %s", r->path, (long long)line, what);
	} else {
		maat_err_set(&r->fail, code, "%s: %s", r->path, what);
	}
	if (err != NULL) {
		*err = r->fail;
	}
	return -code;
}

/* Makes the next bytes available in buf. Returns 1, 0 at the end of the input, or negative. */
static int
fill(maat_csv *r, maat_err *err)
{
	size_t n;

	if (!r->conv) {
		n = fread(r->raw, 1, CHUNK, r->f);
		if (n == 0) {
			if (ferror(r->f)) {
				char msg[256];
				snprintf(msg, sizeof(msg), _("read error: %s"), strerror(errno));
				return fail(r, err, MAAT_E_IO, 0, msg);
			}
			return 0;
		}
		r->buf = r->raw;
		r->len = n;
		r->pos = 0;
		return 1;
	}
	for (;;) {
		char *in = (char *)r->raw, *outp = (char *)r->out;
		size_t inleft, outleft = r->out_cap, produced;
		char msg[256];

		if (r->conv_bad) {
			snprintf(msg, sizeof(msg), _("a byte that is not valid %s"), r->encoding);
			return fail(r, err, MAAT_E_DATA, r->line, msg);
		}
		n = fread(r->raw + r->raw_len, 1, CHUNK - r->raw_len, r->f);
		if (n == 0 && ferror(r->f)) {
			snprintf(msg, sizeof(msg), _("read error: %s"), strerror(errno));
			return fail(r, err, MAAT_E_IO, 0, msg);
		}
		inleft = r->raw_len + n;
		if (inleft == 0) {
			/* the end: stateful encodings may still emit a shift sequence */
			if (iconv(r->cd, NULL, NULL, &outp, &outleft) == (size_t)-1) {
				outleft = r->out_cap;
			}
		} else if (iconv(r->cd, &in, &inleft, &outp, &outleft) == (size_t)-1 &&
			   errno == EILSEQ) {
			r->conv_bad = true;
			inleft = 0;
		}
		/* EINVAL (a character cut by the chunk) and E2BIG keep the rest for later */
		memmove(r->raw, in, inleft);
		r->raw_len = inleft;
		produced = r->out_cap - outleft;
		if (produced == 0) {
			if (r->conv_bad) {
				continue;
			}
			if (n > 0) {
				continue;
			}
			if (r->raw_len > 0) {
				snprintf(msg, sizeof(msg),
					 _("the file ends inside a character (not valid %s)"),
					 r->encoding);
				return fail(r, err, MAAT_E_DATA, r->line, msg);
			}
			return 0;
		}
		r->buf = r->out;
		r->len = produced;
		r->pos = 0;
		return 1;
	}
}

/* The message for bytes that are not UTF-8: binary data (control bytes that no text encoding
 * uses, within the first 4 KiB of the buffer) is not worth an --encoding hint. */
static const char *
utf8_message(const maat_csv *r)
{
	size_t n = r->len < 4096 ? r->len : 4096;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = r->buf[i];
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') {
			return _("binary data, not CSV text");
		}
	}
	return _("not valid UTF-8 (for a file saved by Excel, use --encoding windows-1252)");
}

/* Scans buf from pos for the end of the physical line: sets *end past the line end (or to
 * len), *eol when a line end was found. Checks NUL bytes and UTF-8 on the way. */
static int
scan(maat_csv *r, size_t *end, bool *eol, maat_err *err)
{
	const unsigned char *b = r->buf;
	size_t i = r->pos, n = r->len;
	unsigned need = r->u8need;
	unsigned char lo = r->u8lo, hi = r->u8hi;

	*eol = false;
	while (i < n) {
		unsigned char c;
		if (need > 0) {
			c = b[i];
			if (c < lo || c > hi) {
				return fail(r, err, MAAT_E_DATA, r->line, utf8_message(r));
			}
			lo = 0x80;
			hi = 0xBF;
			need--;
			i++;
			continue;
		}
		/* eight bytes at a time while all are printable ASCII (0x0E..0x7F) */
		while (i + 8 <= n) {
			uint64_t w;
			const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
			memcpy(&w, b + i, 8);
			if (((w | ((w - ones * 0x0E) & ~w)) & highs) != 0) {
				break;
			}
			i += 8;
		}
		if (i >= n) {
			break;
		}
		c = b[i];
		if (c < 0x80) {
			if (c == '\n') {
				*end = i + 1;
				*eol = true;
				goto out;
			}
			if (c == '\r') {
				if (i + 1 < n) {
					*end = b[i + 1] == '\n' ? i + 2 : i + 1;
				} else {
					*end = i + 1;
					r->pending_cr = true;
				}
				*eol = true;
				goto out;
			}
			if (c == '\0') {
				return fail(r, err, MAAT_E_DATA, r->line,
					    _("a NUL byte: this is a binary file, not CSV text"));
			}
			i++;
			continue;
		}
		lo = 0x80;
		hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
		} else if (c == 0xE0) {
			need = 2;
			lo = 0xA0;
		} else if (c == 0xED) {
			need = 2;
			hi = 0x9F;
		} else if (c >= 0xE1 && c <= 0xEF) {
			need = 2;
		} else if (c == 0xF0) {
			need = 3;
			lo = 0x90;
		} else if (c >= 0xF1 && c <= 0xF3) {
			need = 3;
		} else if (c == 0xF4) {
			need = 3;
			hi = 0x8F;
		} else {
			return fail(r, err, MAAT_E_DATA, r->line, utf8_message(r));
		}
		i++;
	}
	*end = n;
out:
	r->u8need = need;
	r->u8lo = lo;
	r->u8hi = hi;
	return 0;
}

static int
check_callback(maat_csv *r, maat_err *err)
{
	char msg[128];

	switch (r->cb_err) {
	case CB_OK:
		return 0;
	case CB_FIELD_TOO_LONG:
		return fail(r, err, MAAT_E_DATA, r->line, _("a field longer than 1 MiB"));
	case CB_TOO_MANY_FIELDS:
		snprintf(msg, sizeof(msg), _("more than %d fields in a record"), FIELDS_MAX);
		return fail(r, err, MAAT_E_DATA, r->line, msg);
	case CB_RECORD_TOO_LONG:
		return fail(r, err, MAAT_E_DATA, r->line, _("a record longer than 64 MiB"));
	}
	return 0;
}

/* Parses one piece: up to and including the next line end, or to the end of buf. Returns 1
 * when a record completed, 0 when not (yet), negative on error. */
static int
parse_piece(maat_csv *r, maat_err *err)
{
	size_t end = 0, fed;
	bool eol, q_before;
	size_t nf_before;
	int rc;

	if (r->pending_cr) {
		/* the LF of a CRLF cut by the chunk: libcsv ignores it between rows and keeps it
		 * inside a quoted field; either way it does not start a line */
		r->pending_cr = false;
		if (r->buf[r->pos] == '\n') {
			if (csv_parse(&r->p, r->buf + r->pos, 1, on_field, on_row, r) != 1) {
				return fail(r, err, MAAT_E_INTERNAL, r->line,
					    _("the CSV parser failed"));
			}
			r->pos++;
			return 0;
		}
	}
	if (r->at_line_start) {
		if (r->p.pstate == PS_ROW_NOT_BEGUN) {
			r->rec_line = r->line;
		}
		r->at_line_start = false;
	}
	if ((rc = scan(r, &end, &eol, err)) < 0) {
		return rc;
	}
	q_before = in_quoted_field(r);
	nf_before = r->nfields;
	fed = csv_parse(&r->p, r->buf + r->pos, end - r->pos, on_field, on_row, r);
	if (fed != end - r->pos) {
		return fail(r, err, MAAT_E_INTERNAL, r->line, _("the CSV parser failed"));
	}
	if ((rc = check_callback(r, err)) < 0) {
		return rc;
	}
	if (r->p.entry_pos > FIELD_MAX) {
		return fail(r, err, MAAT_E_DATA, r->line, _("a field longer than 1 MiB"));
	}
	if (in_quoted_field(r) && (!q_before || r->nfields != nf_before)) {
		r->quote_line = r->line;
	}
	r->pos = end;
	if (eol) {
		r->line++;
		r->at_line_start = true;
	}
	return r->ready ? 1 : 0;
}

/* The end of the input: checks what is still open and flushes the last record. */
static int
finish(maat_csv *r, maat_err *err)
{
	int rc;

	if (r->done) {
		return 0;
	}
	if (r->u8need > 0) {
		return fail(r, err, MAAT_E_DATA, r->line, utf8_message(r));
	}
	if (r->p.quoted && r->p.pstate == PS_FIELD_BEGUN) {
		return fail(r, err, MAAT_E_DATA, r->quote_line,
			    _("a quoted field that opens here is never closed"));
	}
	r->done = true;
	if (r->at_line_start && r->p.pstate == PS_ROW_NOT_BEGUN) {
		return 0;
	}
	csv_fini(&r->p, on_field, on_row, r);
	if ((rc = check_callback(r, err)) < 0) {
		return rc;
	}
	return r->ready ? 1 : 0;
}

static int
read_record(maat_csv *r, maat_err *err)
{
	int rc;

	record_reset(r);
	for (;;) {
		if (r->pos >= r->len) {
			if (r->eof) {
				rc = finish(r, err);
			} else if ((rc = fill(r, err)) == 0) {
				r->eof = true;
				continue;
			} else if (rc > 0) {
				continue;
			}
		} else {
			rc = parse_piece(r, err);
		}
		if (rc < 0) {
			return rc;
		}
		if (rc == 0 && !r->done) {
			continue;
		}
		if (rc == 0) {
			return 0;
		}
		/* blank lines never get here (libcsv skips blanks and line ends between rows), but
		 * Excel writes the empty rows of a sheet as ";;;": a record of empty fields only is
		 * skipped as blank too */
		if (r->data.len == r->nfields) {
			record_reset(r);
			continue;
		}
		r->cur_line = r->rec_line;
		return 1;
	}
}

/* The separator of the first non-blank line: the most frequent of tab ; , outside quotes. Ties
 * go to tab, then ';' (Dutch Excel), then ','; a line with none of them reads as ','. */
static char
sniff(const unsigned char *b, size_t n)
{
	size_t i = 0, comma = 0, semi = 0, tab = 0;
	bool inq = false;

	while (i < n && (b[i] == '\r' || b[i] == '\n' || b[i] == ' ' || b[i] == '\t')) {
		i++;
	}
	/* a line of blanks before the header is skipped as a whole, tabs included */
	while (i > 0 && b[i - 1] != '\r' && b[i - 1] != '\n') {
		i--;
	}
	for (; i < n; i++) {
		unsigned char c = b[i];
		if (c == '"') {
			inq = !inq;
		} else if (inq) {
			continue;
		} else if (c == '\r' || c == '\n') {
			break;
		} else if (c == ',') {
			comma++;
		} else if (c == ';') {
			semi++;
		} else if (c == '\t') {
			tab++;
		}
	}
	if (tab > 0 && tab >= semi && tab >= comma) {
		return '\t';
	}
	if (semi > 0 && semi >= comma) {
		return ';';
	}
	return ',';
}

static bool
is_utf8_name(const char *e)
{
	return strcasecmp(e, "utf-8") == 0 || strcasecmp(e, "utf8") == 0;
}

/* True (with err set) when the bytes are the start of a spreadsheet workbook, the most common
 * wrong file to give a CSV importer. */
static bool
workbook(maat_csv *r, const unsigned char *b, size_t n, maat_err *err)
{
	if (n >= 4 && memcmp(b, "PK\x03\x04", 4) == 0) {
		fail(r, err, MAAT_E_DATA, 0,
		     _("an Excel workbook or other zip file, not CSV text: save the sheet as CSV"));
		return true;
	}
	if (n >= 4 && memcmp(b, "\xD0\xCF\x11\xE0", 4) == 0) {
		fail(r, err, MAAT_E_DATA, 0,
		     _("an old Excel workbook (.xls), not CSV text: save the sheet as CSV"));
		return true;
	}
	return false;
}

maat_csv *
maat_csv_open(FILE *f, const maat_csv_opts *opts, maat_err *err)
{
	maat_csv *r = maat_xcalloc(1, sizeof(*r));
	int rc;

	r->f = f;
	r->path = opts != NULL && opts->path != NULL ? opts->path : "(input)";
	r->line = 1;
	r->rec_line = 1;
	r->quote_line = 1;
	r->at_line_start = true;
	r->cd = (iconv_t)-1;
	csv_init(&r->p, 0);
	csv_set_realloc_func(&r->p, xrealloc_cb);
	csv_set_free_func(&r->p, free);
	csv_set_blk_size(&r->p, 4096);
	if (opts != NULL && opts->encoding != NULL && opts->encoding[0] != '\0' &&
	    !is_utf8_name(opts->encoding)) {
		r->cd = iconv_open("UTF-8", opts->encoding);
		if (r->cd == (iconv_t)-1) {
			maat_err_set(err, MAAT_E_USAGE,
				     _("unknown encoding '%s' (try windows-1252, latin1 or utf-8)"),
				     opts->encoding);
			goto fail;
		}
		r->conv = true;
		r->encoding = maat_xstrdup(opts->encoding);
		/* 4 bytes out per byte in covers every single-byte and UTF-16/32 source; more
		 * waits in raw (E2BIG) */
		r->out_cap = 4 * (size_t)CHUNK;
		r->out = maat_xmalloc(r->out_cap);
	}
	if (opts != NULL && opts->sep != 0) {
		if (opts->sep == '"' || opts->sep == '\r' || opts->sep == '\n') {
			maat_err_set(err, MAAT_E_USAGE, _("'%c' cannot be a field separator"),
				     opts->sep);
			goto fail;
		}
		r->sep = opts->sep;
	}
	if (r->conv) {
		/* a UTF-8 byte order mark says the file is not in the encoding given */
		r->raw_len = fread(r->raw, 1, 4, f);
		if (workbook(r, r->raw, r->raw_len, err)) {
			goto fail;
		}
		if (r->raw_len >= 3 && memcmp(r->raw, "\xEF\xBB\xBF", 3) == 0) {
			char msg[256];
			snprintf(msg, sizeof(msg),
				 _("the file starts with a UTF-8 byte order mark, so it is not %s: "
				   "leave out --encoding"),
				 r->encoding);
			fail(r, err, MAAT_E_DATA, 1, msg);
			goto fail;
		}
	}
	if ((rc = fill(r, err)) < 0) {
		goto fail;
	}
	if (rc == 0) {
		fail(r, err, MAAT_E_DATA, 0, _("empty file"));
		goto fail;
	}
	if (!r->conv && workbook(r, r->buf, r->len, err)) {
		goto fail;
	}
	if (!r->conv && r->len >= 2 &&
	    ((r->buf[0] == 0xFF && r->buf[1] == 0xFE) ||
	     (r->buf[0] == 0xFE && r->buf[1] == 0xFF))) {
		fail(r, err, MAAT_E_DATA, 1, _("UTF-16 text: use --encoding utf-16"));
		goto fail;
	}
	if (r->len >= 3 && r->buf[0] == 0xEF && r->buf[1] == 0xBB && r->buf[2] == 0xBF) {
		r->pos = 3;
	}
	if (r->sep == 0) {
		r->sep = sniff(r->buf + r->pos, r->len - r->pos);
	}
	csv_set_delim(&r->p, (unsigned char)r->sep);
	rc = read_record(r, err);
	if (rc < 0) {
		goto fail;
	}
	if (rc == 0) {
		fail(r, err, MAAT_E_DATA, 0, _("empty file"));
		goto fail;
	}
	r->first_pending = true;
	r->want_ahead = opts != NULL && opts->read_ahead;
	return r;
fail:
	maat_csv_free(r);
	return NULL;
}

/* The record just read by read_record() is the current one. */
static void
view_own(maat_csv *r)
{
	r->v_data = r->data.data;
	r->v_off = r->off;
	r->v_n = r->nfields;
	r->v_len = r->data.len;
	r->v_line = r->cur_line;
}

/* The parsing thread: read_record() into slots until the end, a failure or maat_csv_free(). */
static void *
ahead(void *arg)
{
	maat_csv *r = arg;
	struct read_ahead *ra = r->ra;

	for (;;) {
		struct ra_slot *s;
		pthread_mutex_lock(&ra->mu);
		while (ra->nfilled == NSLOT && !ra->stop) {
			pthread_cond_wait(&ra->freed, &ra->mu);
		}
		if (ra->stop) {
			pthread_mutex_unlock(&ra->mu);
			return NULL;
		}
		s = &ra->slot[ra->wr];
		pthread_mutex_unlock(&ra->mu);
		s->nrec = 0;
		s->noffs = 0;
		maat_buf_reset(&s->data);
		s->last = false;
		s->rc = 0;
		while (s->nrec < SLOT_RECS && s->data.len < SLOT_BYTES) {
			struct ra_rec *rec;
			int rc = read_record(r, &s->err);
			if (rc <= 0) {
				s->last = true;
				s->rc = rc;
				break;
			}
			rec = &s->rec[s->nrec++];
			rec->line = r->cur_line;
			rec->nfields = r->nfields;
			rec->off_at = s->noffs;
			rec->data_at = s->data.len;
			rec->data_len = r->data.len;
			if (s->noffs + r->nfields > s->offs_cap) {
				while (s->noffs + r->nfields > s->offs_cap) {
					s->offs_cap = s->offs_cap ? s->offs_cap * 2 : 4096;
				}
				s->offs =
				    maat_xreallocarray(s->offs, s->offs_cap, sizeof(*s->offs));
			}
			memcpy(s->offs + s->noffs, r->off, r->nfields * sizeof(*r->off));
			s->noffs += r->nfields;
			maat_buf_append(&s->data, r->data.data, r->data.len);
		}
		pthread_mutex_lock(&ra->mu);
		ra->wr = (ra->wr + 1) % NSLOT;
		ra->nfilled++;
		pthread_cond_signal(&ra->filled);
		pthread_mutex_unlock(&ra->mu);
		if (s->last) {
			return NULL;
		}
	}
}

/* Starts the parsing thread; false when it cannot (then records are read in place). */
static bool
start_ahead(maat_csv *r)
{
	struct read_ahead *ra = maat_xcalloc(1, sizeof(*ra));
	int rc;

	ra->cur = -1;
	pthread_mutex_init(&ra->mu, NULL);
	pthread_cond_init(&ra->filled, NULL);
	pthread_cond_init(&ra->freed, NULL);
	r->ra = ra;
	rc = maat_thread_start(&ra->thread, ahead, r);
	if (rc != 0) {
		pthread_cond_destroy(&ra->freed);
		pthread_cond_destroy(&ra->filled);
		pthread_mutex_destroy(&ra->mu);
		free(ra);
		r->ra = NULL;
		return false;
	}
	return true;
}

/* The next record from the parsing thread's slots. */
static int
next_ahead(maat_csv *r, maat_err *err)
{
	struct read_ahead *ra = r->ra;
	struct ra_slot *s;
	const struct ra_rec *rec;

	for (;;) {
		if (ra->cur < 0) {
			pthread_mutex_lock(&ra->mu);
			while (ra->nfilled == 0) {
				pthread_cond_wait(&ra->filled, &ra->mu);
			}
			ra->cur = ra->rd;
			ra->next = 0;
			pthread_mutex_unlock(&ra->mu);
		}
		s = &ra->slot[ra->cur];
		if (ra->next < s->nrec) {
			break;
		}
		if (s->last) {
			/* the end, or the failure after the records before it (every later call
			 * repeats it) */
			if (s->rc < 0) {
				if (err != NULL) {
					*err = s->err;
				}
			}
			return s->rc;
		}
		/* done with this slot: hand it back */
		pthread_mutex_lock(&ra->mu);
		ra->rd = (ra->rd + 1) % NSLOT;
		ra->nfilled--;
		ra->cur = -1;
		pthread_cond_signal(&ra->freed);
		pthread_mutex_unlock(&ra->mu);
	}
	rec = &s->rec[ra->next++];
	r->v_data = s->data.data + rec->data_at;
	r->v_off = s->offs + rec->off_at;
	r->v_n = rec->nfields;
	r->v_len = rec->data_len;
	r->v_line = rec->line;
	return 1;
}

int
maat_csv_next(maat_csv *r, maat_err *err)
{
	int rc;
	if (r->ra != NULL) {
		/* r->fail belongs to the parsing thread now; its failure comes in a slot */
		return next_ahead(r, err);
	}
	if (r->fail.code != 0) {
		if (err != NULL) {
			*err = r->fail;
		}
		return -r->fail.code;
	}
	if (r->first_pending) {
		r->first_pending = false;
		view_own(r);
		return 1;
	}
	if (r->want_ahead) {
		r->want_ahead = false;
		if (start_ahead(r)) {
			return next_ahead(r, err);
		}
	}
	rc = read_record(r, err);
	view_own(r);
	return rc;
}

size_t
maat_csv_nfields(const maat_csv *r)
{
	/* the record read ahead by maat_csv_open() is not current until maat_csv_next() */
	return r->first_pending ? 0 : r->v_n;
}

const char *
maat_csv_field(const maat_csv *r, size_t i)
{
	if (i >= maat_csv_nfields(r)) {
		return NULL;
	}
	return r->v_data + r->v_off[i];
}

size_t
maat_csv_field_len(const maat_csv *r, size_t i)
{
	if (i >= maat_csv_nfields(r)) {
		return 0;
	}
	return (i + 1 < r->v_n ? r->v_off[i + 1] : r->v_len) - r->v_off[i] - 1;
}

int64_t
maat_csv_line(const maat_csv *r)
{
	return r->first_pending ? 0 : r->v_line;
}

char
maat_csv_separator(const maat_csv *r)
{
	return r->sep;
}

void
maat_csv_free(maat_csv *r)
{
	if (r == NULL) {
		return;
	}
	if (r->ra != NULL) {
		struct read_ahead *ra = r->ra;
		pthread_mutex_lock(&ra->mu);
		ra->stop = true;
		pthread_cond_signal(&ra->freed);
		pthread_mutex_unlock(&ra->mu);
		pthread_join(ra->thread, NULL);
		pthread_cond_destroy(&ra->freed);
		pthread_cond_destroy(&ra->filled);
		pthread_mutex_destroy(&ra->mu);
		for (int i = 0; i < NSLOT; i++) {
			maat_buf_fini(&ra->slot[i].data);
			free(ra->slot[i].offs);
		}
		free(ra);
	}
	csv_free(&r->p);
	if (r->cd != (iconv_t)-1) {
		iconv_close(r->cd);
	}
	free(r->encoding);
	free(r->out);
	free(r->off);
	maat_buf_fini(&r->data);
	free(r);
}

static bool
is_blank_or_quote(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' ||
	       c == '"';
}

ssize_t
maat_csv_column(const maat_csv *r, const char *const aliases[])
{
	for (size_t i = 0; i < maat_csv_nfields(r); i++) {
		const char *s = maat_csv_field(r, i);
		size_t n = maat_csv_field_len(r, i);
		while (n > 0 && is_blank_or_quote(*s)) {
			s++;
			n--;
		}
		while (n > 0 && is_blank_or_quote(s[n - 1])) {
			n--;
		}
		for (size_t a = 0; aliases[a] != NULL; a++) {
			if (strlen(aliases[a]) == n && strncasecmp(s, aliases[a], n) == 0) {
				return (ssize_t)i;
			}
		}
	}
	return -1;
}

/* Reads digit groups split by one kind of separator: true when every group after the first has
 * exactly three digits and the first has one to three (thousands grouping). */
static bool
valid_grouping(const char *s, size_t n, char sep)
{
	size_t group = 0;
	bool first = true;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == sep) {
			if (group == 0 || group > 3 || (!first && group != 3)) {
				return false;
			}
			first = false;
			group = 0;
		} else {
			group++;
		}
	}
	return first || group == 3;
}

bool
maat_csv_parse_number(const char *s, double *out)
{
	/* the number rewritten for strtod: sign, digits, '.', exponent */
	char norm[128];
	size_t k = 0;
	const char *p = s, *intpart, *e;
	size_t nint, ndots = 0, ncommas = 0;
	const char *last_dot = NULL, *last_comma = NULL, *decimal = NULL;
	char thousands = 0;
	double v;
	char *endp;

	if (s == NULL) {
		return false;
	}
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (*p == '-' || *p == '+') {
		norm[k++] = *p++;
	}
	intpart = p;
	while ((*p >= '0' && *p <= '9') || *p == '.' || *p == ',') {
		if (*p == '.') {
			ndots++;
			last_dot = p;
		} else if (*p == ',') {
			ncommas++;
			last_comma = p;
		}
		p++;
	}
	nint = (size_t)(p - intpart);
	if (nint == 0 || nint + 40 > sizeof(norm)) {
		return false;
	}
	/* which separator is the decimal one: the later of the two when both appear, a single one
	 * alone; several of one kind alone are thousands separators ("1.234.567") */
	if (ndots > 0 && ncommas > 0) {
		decimal = last_dot > last_comma ? last_dot : last_comma;
		thousands = *decimal == '.' ? ',' : '.';
		if ((*decimal == '.' ? ndots : ncommas) != 1) {
			return false;
		}
	} else if (ndots == 1) {
		decimal = last_dot;
	} else if (ncommas == 1) {
		decimal = last_comma;
	} else if (ndots > 1) {
		thousands = '.';
	} else if (ncommas > 1) {
		thousands = ',';
	}
	e = decimal != NULL ? decimal : p;
	if (thousands != 0 && !valid_grouping(intpart, (size_t)(e - intpart), thousands)) {
		return false;
	}
	for (const char *q = intpart; q < e; q++) {
		if (*q != thousands) {
			norm[k++] = *q;
		}
	}
	if (decimal != NULL) {
		/* digits on at least one side of the decimal separator: ",5" yes, "5," and "," no
		 */
		if (decimal + 1 == p) {
			return false;
		}
		norm[k++] = '.';
		for (const char *q = decimal + 1; q < p; q++) {
			if (*q < '0' || *q > '9') {
				return false;
			}
			norm[k++] = *q;
		}
	}
	if (*p == 'e' || *p == 'E') {
		const char *x = p + 1;
		size_t nexp = 0;
		if (*x == '+' || *x == '-') {
			x++;
		}
		while (*x >= '0' && *x <= '9' && nexp < 6) {
			x++;
			nexp++;
		}
		if (nexp == 0 || (*x >= '0' && *x <= '9')) {
			return false;
		}
		norm[k++] = 'e';
		memcpy(norm + k, p + 1, (size_t)(x - p - 1));
		k += (size_t)(x - p - 1);
		p = x;
	}
	norm[k] = '\0';
	while (*p == ' ' || *p == '\t') {
		p++;
	}
	if (*p != '\0') {
		return false;
	}
	{
		/* strtod follows LC_NUMERIC; the normalised text is always in the C locale's form
		 */
		static locale_t c_locale = (locale_t)0;
		locale_t old;
		if (c_locale == (locale_t)0) {
			c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
		}
		old = c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;
		errno = 0;
		v = strtod(norm, &endp);
		if (old != (locale_t)0) {
			uselocale(old);
		}
	}
	if (*endp != '\0' || errno == ERANGE) {
		return false;
	}
	*out = v;
	return true;
}
