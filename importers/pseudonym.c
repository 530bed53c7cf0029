#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/util.h"

/* 80 bits: a collision among a million staff has odds of about 1 in 2.4 * 10^12. */
#define PSEUDO_HEX 20

struct maat_pseudo {
	/* the HMAC key, derived from the user's key with SHA-256 so any length works */
	unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
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
