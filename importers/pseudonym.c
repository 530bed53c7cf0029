#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/util.h"

/* 80 bits: a collision among a million staff has odds of about 1 in 2.4 * 10^12. */
#define PSEUDO_HEX 20

/* Longest run of words tried as a name inside free text ("Jan van der Berg" is four). */
#define NAME_MAX_WORDS 4

struct maat_pseudo {
	/* the HMAC key, derived from the user's key with SHA-256 so any length works */
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
	/* the org charts' names and e-mails (lower-cased, sorted), loaded by the first
	 * maat_pseudo_text(); owned */
	char **names;
	size_t nnames;
	bool names_loaded;
};

maat_pseudo *
maat_pseudo_new(const char *key_file, maat_err *err)
{
	maat_pseudo *p = NULL;
	maat_buf raw = {0};

	if (key_file != NULL) {
		FILE *f = fopen(key_file, "rb");
		char chunk[512];
		size_t n;
		if (f == NULL) {
			maat_err_set(err, MAAT_E_NOINPUT, "%s: %s", key_file, strerror(errno));
			goto out;
		}
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0 && raw.len < 65536) {
			maat_buf_append(&raw, chunk, n);
		}
		fclose(f);
		sodium_memzero(chunk, sizeof(chunk));
	} else {
		const char *env = getenv("MAATLAT_KEY");
		if (env != NULL) {
			maat_buf_append(&raw, env, strlen(env));
		}
	}
	while (raw.len > 0 && (raw.data[raw.len - 1] == '\n' || raw.data[raw.len - 1] == '\r')) {
		raw.len--;
	}
	if (raw.len < 16) {
		maat_err_set(err, MAAT_E_USAGE,
			     _("--pseudonymise needs a key of at least 16 bytes in --key-file or "
			       "$MAATLAT_KEY"));
		goto out;
	}
	p = maat_xcalloc(1, sizeof(*p));
	crypto_hash_sha256(p->key, (const unsigned char *)raw.data, raw.len);
out:
	if (raw.data != NULL) {
		sodium_memzero(raw.data, raw.cap);
	}
	maat_buf_fini(&raw);
	return p;
}

void
maat_pseudo_free(maat_pseudo *p)
{
	if (p != NULL) {
		for (size_t i = 0; i < p->nnames; i++) {
			free(p->names[i]);
		}
		free(p->names);
		sodium_memzero(p, sizeof(*p));
		free(p);
	}
}

char *
maat_pseudo_apply(const maat_pseudo *p, const char *value)
{
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	char hex[2 * sizeof(mac) + 1];
	char *norm, *out;
	size_t n;

	if (value == NULL || *value == '\0') {
		return maat_xstrdup(value);
	}
	norm = maat_trim(maat_xstrdup(value));
	if (strncasecmp(norm, "mailto:", 7) == 0) {
		memmove(norm, norm + 7, strlen(norm + 7) + 1);
	}
	n = strlen(norm);
	for (size_t i = 0; i < n; i++) {
		norm[i] = (char)tolower((unsigned char)norm[i]);
	}
	crypto_auth_hmacsha256(mac, (const unsigned char *)norm, n, p->key);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	out = maat_xasprintf("p%.*s", PSEUDO_HEX, hex);
	sodium_memzero(norm, n);
	free(norm);
	return out;
}

char *
maat_pseudo_source_name(const maat_pseudo *p, const char *path)
{
	static const char *const exts[] = {".ics", ".csv", ".xes", ".xes.gz", ".gz", ".txt"};
	const char *ext = "";
	size_t n = strlen(path);
	char *ps, *out;
	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);
		if (n > e && strcasecmp(path + n - e, exts[i]) == 0) {
			ext = exts[i];
			break;
		}
	}
	ps = maat_pseudo_apply(p, path);
	out = maat_xasprintf("%s%s", ps, ext);
	free(ps);
	return out;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
lower_dup(const char *s, size_t n)
{
	char *d = maat_xstrndup(s, n);
	for (size_t i = 0; d[i]; i++) {
		d[i] = (char)tolower((unsigned char)d[i]);
	}
	return d;
}

/* The names and e-mails of every org row (plain or pseudonymised), once per handle. A store
 * without org rows (or an error reading it) gives an empty list: e-mails are still found. */
static void
load_names(maat_pseudo *p, maat_db *db)
{
	sqlite3_stmt *st = NULL;
	p->names_loaded = true;
	if (db == NULL ||
	    sqlite3_prepare_v2(maat_db_sqlite(db),
			       "SELECT name FROM org_rows WHERE name IS NOT NULL AND name <> '' "
			       "UNION SELECT email FROM org_rows WHERE email IS NOT NULL AND "
			       "email <> ''",
			       -1, &st, NULL) != SQLITE_OK) {
		sqlite3_finalize(st);
		return;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		p->names = maat_xreallocarray(p->names, p->nnames + 1, sizeof(*p->names));
		p->names[p->nnames++] = lower_dup(v, strlen(v));
	}
	sqlite3_finalize(st);
	if (p->nnames > 1) {
		qsort(p->names, p->nnames, sizeof(*p->names), cmp_str);
	}
}

static bool
known(const maat_pseudo *p, const char *lowered)
{
	return p->nnames > 0 &&
	       bsearch(&lowered, p->names, p->nnames, sizeof(*p->names), cmp_str) != NULL;
}

/* Word characters: anything but white space and the punctuation that separates names in
 * titles ("Bilateraal Kees Vos / Iris Bakker", "Overleg (Jan, Piet)"). */
static bool
is_sep(unsigned char c)
{
	return isspace(c) || strchr("/,;:()[]{}|+&\"\'<>", c) != NULL;
}

char *
maat_pseudo_text(const maat_pseudo *cp, maat_db *db, const char *text)
{
	/* the handle was allocated by maat_pseudo_new (not const): the name list is a cache */
	maat_pseudo *p = (maat_pseudo *)cp;
	size_t starts[64], ends[64], nw = 0, n, i = 0;
	maat_buf b = {0};
	const char *s = text;

	if (text == NULL) {
		return NULL;
	}
	if (!p->names_loaded) {
		load_names(p, db);
	}
	n = strlen(s);
	/* the words of the text, as [start, end) byte ranges (titles longer than 64 words keep
	 * the rest as one word) */
	while (i < n) {
		while (i < n && is_sep((unsigned char)s[i])) {
			i++;
		}
		if (i >= n) {
			break;
		}
		starts[nw] = i;
		while (i < n && (nw == 63 || !is_sep((unsigned char)s[i]))) {
			i++;
		}
		ends[nw++] = i;
	}
	i = 0;
	for (size_t w = 0; w < nw;) {
		size_t hit = 0;
		maat_buf_append(&b, s + i, starts[w] - i);
		if (memchr(s + starts[w], '@', ends[w] - starts[w]) != NULL) {
			hit = 1;
		}
		for (size_t k = NAME_MAX_WORDS; hit == 0 && k >= 1; k--) {
			char *run, *ps;
			bool found;
			if (w + k > nw) {
				continue;
			}
			run = lower_dup(s + starts[w], ends[w + k - 1] - starts[w]);
			found = known(p, run);
			if (!found) {
				ps = maat_pseudo_apply(p, run);
				found = known(p, ps);
				free(ps);
			}
			free(run);
			if (found) {
				hit = k;
			}
		}
		if (hit > 0) {
			char *run = maat_xstrndup(s + starts[w], ends[w + hit - 1] - starts[w]);
			char *ps = maat_pseudo_apply(p, run);
			maat_buf_append(&b, ps, strlen(ps));
			free(ps);
			sodium_memzero(run, strlen(run));
			free(run);
			i = ends[w + hit - 1];
			w += hit;
		} else {
			maat_buf_append(&b, s + starts[w], ends[w] - starts[w]);
			i = ends[w];
			w++;
		}
	}
	maat_buf_append(&b, s + i, n - i);
	if (b.data == NULL) {
		return maat_xstrdup("");
	}
	return b.data;
}
