#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <sys/mman.h>

#include <openssl/evp.h>

#include "maatlat/i18n.h"
#include "maatlat/util.h"

static void
oom(void)
{
	/* tmux's approach: allocation failure is not recoverable, so there are no untested
	 * OOM branches anywhere else. */
	fputs("maatlat: out of memory\n", stderr);
	abort();
}

void *
maat_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == NULL) {
		oom();
	}
	return p;
}

void *
maat_xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (p == NULL) {
		oom();
	}
	return p;
}

void *
maat_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL) {
		oom();
	}
	return q;
}

void *
maat_xreallocarray(void *p, size_t nmemb, size_t size)
{
	if (size != 0 && nmemb > SIZE_MAX / size) {
		oom();
	}
	return maat_xrealloc(p, nmemb * size);
}

void *
maat_xalloc_huge(size_t count, size_t size)
{
	const size_t huge = (size_t)2 << 20;
	void *p = NULL;
	size_t bytes;
	if (size != 0 && count > SIZE_MAX / size) {
		oom();
	}
	bytes = count * size;
	if (bytes < huge || posix_memalign(&p, huge, bytes) != 0) {
		return maat_xreallocarray(NULL, count, size);
	}
#ifdef MADV_HUGEPAGE
	(void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

char *
maat_xstrdup(const char *s)
{
	return s == NULL ? NULL : maat_xstrndup(s, strlen(s));
}

char *
maat_xstrndup(const char *s, size_t n)
{
	char *p = maat_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
maat_xasprintf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *p;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		oom();
	}
	p = maat_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

static void
buf_reserve(maat_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 64;
		while (cap < need) {
			cap *= 2;
		}
		b->data = maat_xrealloc(b->data, cap);
		b->cap = cap;
	}
}

void
maat_buf_append(maat_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

size_t
maat_buf_push_str(maat_buf *b, const char *s)
{
	size_t off = b->len;
	if (s == NULL) {
		return MAAT_BUF_NONE;
	}
	maat_buf_append(b, s, strlen(s) + 1);
	return off;
}

void
maat_buf_printf(maat_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		return;
	}
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
maat_buf_reset(maat_buf *b)
{
	b->len = 0;
	if (b->data != NULL) {
		b->data[0] = '\0';
	}
}

void
maat_buf_fini(maat_buf *b)
{
	if (b == NULL) {
		return;
	}
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

bool
maat_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + n;

	while (p < end) {
		unsigned c = *p;
		size_t len;
		unsigned cp;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			len = 2;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			len = 3;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			len = 4;
			cp = c & 0x07;
		} else {
			return false;
		}
		if ((size_t)(end - p) < len) {
			return false;
		}
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80) {
				return false;
			}
			cp = (cp << 6) | (p[i] & 0x3F);
		}
		if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
		    (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
		    (cp >= 0xD800 && cp <= 0xDFFF)) {
			return false;
		}
		p += len;
	}
	return true;
}

static void
to_hex(const unsigned char *h, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[2 * n] = '\0';
}

/* SHA-256 is OpenSSL's libcrypto, not libsodium's: libsodium's is portable C (170 MB/s on the
 * bench machine), libcrypto's uses the CPU's SHA extensions or AVX2 (1.1 GB/s). Hashing every
 * byte of an input was 19% of the calendar import's reading thread and 9% of its CPU time
 * (bench/README.md). The algorithm is fetched once: an implicit fetch per hash costs a lookup
 * in libcrypto's provider tables, and an import hashes thousands of files. */
struct maat_sha256 {
	EVP_MD_CTX *ctx;
};

static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA2-256", NULL);
}

static const EVP_MD *
sha256_alg(void)
{
	pthread_once(&sha256_once, sha256_fetch);
	if (sha256_md == NULL) {
		/* only when libcrypto cannot allocate or its default provider is missing */
		fputs("maatlat: libcrypto has no SHA-256\n", stderr);
		abort();
	}
	return sha256_md;
}

maat_sha256 *
maat_sha256_new(void)
{
	maat_sha256 *h = maat_xcalloc(1, sizeof(*h));
	if ((h->ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex2(h->ctx, sha256_alg(), NULL) != 1) {
		oom();
	}
	return h;
}

void
maat_sha256_update(maat_sha256 *h, const void *data, size_t n)
{
	/* fails only on a context that was never initialised */
	if (n > 0 && EVP_DigestUpdate(h->ctx, data, n) != 1) {
		abort();
	}
}

void
maat_sha256_final_hex(maat_sha256 *h, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32 ||
	    EVP_DigestInit_ex2(h->ctx, sha256_alg(), NULL) != 1) {
		abort();
	}
	to_hex(md, 32, out);
}

void
maat_sha256_free(maat_sha256 *h)
{
	if (h != NULL) {
		EVP_MD_CTX_free(h->ctx);
		free(h);
	}
}

void
maat_sha256_hex(const void *data, size_t n, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	/* one call, no context to allocate (outlook_csv hashes a key per row) */
	if (EVP_Digest(data, n, md, &len, sha256_alg(), NULL) != 1 || len != 32) {
		abort();
	}
	to_hex(md, 32, out);
}

int
maat_sha256_file(const char *path, char out[65], maat_err *err)
{
	maat_sha256 *h = NULL;
	unsigned char *buf = NULL;
	FILE *f = NULL;
	size_t n;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		rc = maat_err_set(err, errno == ENOENT ? MAAT_E_NOINPUT : MAAT_E_IO, "%s: %s", path,
				  strerror(errno));
		goto out;
	}
	buf = maat_xmalloc(1 << 16);
	h = maat_sha256_new();
	while ((n = fread(buf, 1, 1 << 16, f)) > 0) {
		maat_sha256_update(h, buf, n);
	}
	if (ferror(f)) {
		rc = maat_err_set(err, MAAT_E_IO, _("%s: read error"), path);
		goto out;
	}
	maat_sha256_final_hex(h, out);
	rc = 0;
out:
	maat_sha256_free(h);
	free(buf);
	if (f != NULL) {
		fclose(f);
	}
	return rc;
}

int
maat_strcasecmp0(const char *a, const char *b)
{
	if (a == NULL || b == NULL) {
		return a == b ? 0 : (a == NULL ? -1 : 1);
	}
	for (;; a++, b++) {
		int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
		if (ca != cb || ca == 0) {
			return ca - cb;
		}
	}
}

char *
maat_trim(char *s)
{
	size_t n = strlen(s);
	size_t i = 0;
	while (n > 0 && isspace((unsigned char)s[n - 1])) {
		s[--n] = '\0';
	}
	while (isspace((unsigned char)s[i])) {
		i++;
	}
	if (i > 0) {
		memmove(s, s + i, n - i + 1);
	}
	return s;
}

bool
maat_looks_like_json(FILE *f)
{
	unsigned char buf[64];
	size_t n = fread(buf, 1, sizeof(buf), f), i = 0;
	rewind(f);
	if (n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF) {
		i = 3;
	}
	while (i < n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n')) {
		i++;
	}
	return i < n && (buf[i] == '{' || buf[i] == '[');
}

char *
maat_casefold(const char *s)
{
	size_t n = strlen(s);
	unsigned char *out = (unsigned char *)maat_xstrdup(s);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = out[i];
		if (c >= 'A' && c <= 'Z') {
			out[i] = (unsigned char)(c + 32);
		} else if (c == 0xC3 && i + 1 < n && out[i + 1] >= 0x80 && out[i + 1] <= 0x9E &&
			   out[i + 1] != 0x97) {
			/* U+00C0-U+00DE (but U+00D7, the multiplication sign): Latin-1 capitals */
			out[i + 1] = (unsigned char)(out[i + 1] + 0x20);
			i++;
		}
	}
	return (char *)out;
}

int
maat_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t all, old;
	int rc;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(t, NULL, fn, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
