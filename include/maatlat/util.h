/* Small helpers shared by every module: allocation that never returns NULL, strings, hashing. */
#ifndef MAAT_UTIL_H
#define MAAT_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "maatlat/err.h"

/* malloc/calloc/realloc/strdup that print "maatlat: out of memory" and abort on failure. */
void *maat_xmalloc(size_t n);
void *maat_xcalloc(size_t nmemb, size_t size);
void *maat_xrealloc(void *p, size_t n);
/* reallocarray: aborts on overflow or failure. */
void *maat_xreallocarray(void *p, size_t nmemb, size_t size);
/* An uninitialised array of count * size bytes, on huge pages where the kernel gives them on
 * request (madvise) once it is at least 2 MB: per-node arrays of a million-node org chart
 * otherwise cost thousands of page faults and TLB misses. Aborts on overflow or OOM; free
 * with free(). */
void *maat_xalloc_huge(size_t count, size_t size);
/* Returns a new copy of s (NULL stays NULL); caller frees. */
char *maat_xstrdup(const char *s);
/* Returns a new copy of the first n bytes of s, NUL-terminated; caller frees. */
char *maat_xstrndup(const char *s, size_t n);
/* Returns a new printf-formatted string; caller frees. */
char *maat_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* pthread_create() with every signal blocked in the new thread, so that signals (Ctrl-C,
 * which removes an output's .tmp) stay with the caller's. Returns 0 or pthread's error. */
int maat_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

/* A growable byte buffer. Zero-initialise, then append; buf is always NUL-terminated once used. */
typedef struct maat_buf {
	/* the bytes; owned */
	char *data;
	/* bytes in use, excluding the terminating NUL */
	size_t len;
	/* bytes allocated */
	size_t cap;
} maat_buf;

/* Appends n bytes of s. */
void maat_buf_append(maat_buf *b, const char *s, size_t n);
/* Appends s with its NUL (so the buffer holds strings back to back) and returns the offset of
 * the copy; NULL appends nothing and returns MAAT_BUF_NONE. */
#define MAAT_BUF_NONE SIZE_MAX
size_t maat_buf_push_str(maat_buf *b, const char *s);
/* Appends a printf-formatted string. */
void maat_buf_printf(maat_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Empties the buffer, keeping its storage. */
void maat_buf_reset(maat_buf *b);
/* Frees the storage; the buffer is zeroed and can be reused. NULL-safe. */
void maat_buf_fini(maat_buf *b);

/* True when the n bytes at s are valid UTF-8 (no overlongs, no surrogates). */
bool maat_utf8_valid(const char *s, size_t n);

/* True when the first non-blank byte of f (after a UTF-8 BOM) is '{' or '[': JSON, not CSV or
 * iCalendar. Reads at most 64 bytes and rewinds f. */
bool maat_looks_like_json(FILE *f);

/* An incremental SHA-256: the hash of every input's bytes (sources.sha256, CLI.md). */
typedef struct maat_sha256 maat_sha256;

/* A new hash of no bytes yet. Never NULL (out of memory ends the process). */
maat_sha256 *maat_sha256_new(void);

/* Adds n bytes to the hash. */
void maat_sha256_update(maat_sha256 *h, const void *data, size_t n);

/* The hex digest of the bytes added, into out[65]; h is then empty again. */
void maat_sha256_final_hex(maat_sha256 *h, char out[65]);

/* NULL-safe. */
void maat_sha256_free(maat_sha256 *h);

/* Hex SHA-256 of the whole file at path, into out[65]. Fails with MAAT_E_NOINPUT or
 * MAAT_E_IO. */
int maat_sha256_file(const char *path, char out[65], maat_err *err);

/* Hex SHA-256 of n bytes, into out[65]. */
void maat_sha256_hex(const void *data, size_t n, char out[65]);

/* Case-insensitive ASCII comparison; NULL sorts first. */
int maat_strcasecmp0(const char *a, const char *b);

/* The form in which names are compared case-insensitively (case-log resources, METRICS.md §3):
 * ASCII and Latin-1 capitals (U+00C0-U+00DE) lower-cased. Returns a new string; caller frees. */
char *maat_casefold(const char *s);

/* Trims ASCII white space at both ends, in place; returns s. */
char *maat_trim(char *s);

#endif
