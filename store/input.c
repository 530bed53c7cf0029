/* One reading pass over an import's input: the bytes are hashed (sha256) as the importer reads
 * them, so a file that grows meanwhile, a FIFO or standard input is read exactly once and the
 * stored hash is the hash of what was parsed. fopencookie() gives importers the FILE * they
 * already take. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <sodium.h>

#include "maatlat/i18n.h"
#include "maatlat/util.h"
#include "store/input.h"

/* Bytes kept from the start of the input, so importers may rewind after sniffing the format
 * (glibc fills its whole buffer, BUFSIZ, on the first read). */
#define HEAD_MAX (64 * 1024)

struct maat_input {
	/* the descriptor read from; stdin's is not closed */
	int fd;
	/* or the stream read from (maat_input_from_stream; the caller's, not closed) */
	FILE *src;
	/* fd belongs to us */
	bool own_fd;
	/* the stream handed to the importer */
	FILE *f;
	/* the hash of every byte read from fd so far */
	crypto_hash_sha256_state sha;
	/* the first bytes read, for rewinds */
	unsigned char *head;
	/* bytes in head */
	size_t headlen;
	/* the stream's logical position */
	uint64_t pos;
	/* bytes read from fd (and hashed) */
	uint64_t got;
	/* at most this many bytes may be read (0 = no bound) */
	uint64_t limit;
	/* the reader saw the end of the input */
	bool eof;
	/* the name used in messages */
	char *name;
	/* what went wrong below the importer (a read error, the bound), code 0 when nothing */
	maat_err err;
};

static ssize_t
raw_read(maat_input *in, char *buf, size_t n)
{
	ssize_t r;

	if (in->err.code != 0) {
		errno = EIO;
		return -1;
	}
	if (in->limit > 0 && in->got >= in->limit) {
		/* one byte more than the bound tells a long input from one of exactly that size */
		char c;
		do {
			r = read(in->fd, &c, 1);
		} while (r < 0 && errno == EINTR);
		if (r == 0) {
			in->eof = true;
			return 0;
		}
		maat_err_set(&in->err, MAAT_E_DATA,
			     _("%s: not a file but a device or stream that gives more than %llu "
			       "bytes; stopped reading (MAATLAT_MAX_STREAM_BYTES sets the bound)"),
			     in->name, (unsigned long long)in->limit);
		errno = EFBIG;
		return -1;
	}
	if (in->limit > 0 && n > in->limit - in->got) {
		n = (size_t)(in->limit - in->got);
	}
	if (in->src != NULL) {
		r = (ssize_t)fread(buf, 1, n, in->src);
		if (r == 0 && ferror(in->src)) {
			r = -1;
		}
	} else {
		do {
			r = read(in->fd, buf, n);
		} while (r < 0 && errno == EINTR);
	}
	if (r < 0) {
		maat_err_set(&in->err, MAAT_E_IO, _("%s: read error: %s"), in->name,
			     strerror(errno));
		return -1;
	}
	if (r == 0) {
		in->eof = true;
		return 0;
	}
	crypto_hash_sha256_update(&in->sha, (const unsigned char *)buf, (unsigned long long)r);
	if (in->got < HEAD_MAX) {
		size_t k = (size_t)r < HEAD_MAX - in->got ? (size_t)r : HEAD_MAX - (size_t)in->got;
		memcpy(in->head + in->got, buf, k);
		in->headlen += k;
	}
	in->got += (uint64_t)r;
	return r;
}

static ssize_t
cookie_read(void *c, char *buf, size_t n)
{
	maat_input *in = c;
	ssize_t r;

	if (in->pos < in->got) {
		/* after a rewind: replay the kept head (seek allows it only inside head) */
		size_t k = (size_t)(in->got - in->pos);
		if (k > n) {
			k = n;
		}
		memcpy(buf, in->head + in->pos, k);
		in->pos += k;
		return (ssize_t)k;
	}
	if ((r = raw_read(in, buf, n)) > 0) {
		in->pos += (uint64_t)r;
	}
	return r;
}

static int
cookie_seek(void *c, off64_t *off, int whence)
{
	maat_input *in = c;
	int64_t target;

	if (whence == SEEK_SET) {
		target = *off;
	} else if (whence == SEEK_CUR) {
		target = (int64_t)in->pos + *off;
	} else {
		errno = ESPIPE;
		return -1;
	}
	/* forward only to what was read; back only into the kept head */
	if (target < 0 || (uint64_t)target > in->got ||
	    ((uint64_t)target < in->got && in->got > in->headlen)) {
		errno = ESPIPE;
		return -1;
	}
	in->pos = (uint64_t)target;
	*off = target;
	return 0;
}

static int
cookie_close(void *c)
{
	(void)c;
	return 0;
}

uint64_t
maat_input_stream_bound(void)
{
	const char *s = getenv("MAATLAT_MAX_STREAM_BYTES");
	char *end = NULL;
	unsigned long long v;
	if (s != NULL && *s != '\0') {
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno == 0 && *end == '\0' && v > 0) {
			return v;
		}
	}
	return MAAT_INPUT_STREAM_BOUND_DEFAULT;
}

/* The hash, the kept head and the importer's stream of a new input. */
static int
start(maat_input *in, maat_err *err)
{
	static const cookie_io_functions_t io = {
	    .read = cookie_read, .write = NULL, .seek = cookie_seek, .close = cookie_close};
	in->head = maat_xmalloc(HEAD_MAX);
	crypto_hash_sha256_init(&in->sha);
	if ((in->f = fopencookie(in, "rb", io)) == NULL) {
		return maat_err_set(err, MAAT_E_INTERNAL, "%s: %s", in->name, strerror(errno));
	}
	return 0;
}

maat_input *
maat_input_open(const char *path, const char *name, maat_err *err)
{
	maat_input *in = maat_xcalloc(1, sizeof(*in));
	struct stat sb;

	in->fd = -1;
	in->name = maat_xstrdup(name);
	if (strcmp(path, "-") == 0) {
		in->fd = STDIN_FILENO;
	} else {
		/* a folder is refused before open(); a FIFO's open() waits for its writer, as
		 * it should: it is read once, so the data is not lost to a hashing pass */
		struct stat pb;
		if (stat(path, &pb) == 0 && S_ISDIR(pb.st_mode)) {
			maat_err_set(err, MAAT_E_NOINPUT,
				     _("%s: is a folder, not a file (name the files in it)"), name);
			goto fail;
		}
		do {
			in->fd = open(path, O_RDONLY | O_CLOEXEC);
		} while (in->fd < 0 && errno == EINTR);
		if (in->fd < 0) {
			maat_err_set(err,
				     errno == ENOENT || errno == ENOTDIR || errno == EACCES
					 ? MAAT_E_NOINPUT
					 : MAAT_E_IO,
				     "%s: %s", name, strerror(errno));
			goto fail;
		}
		in->own_fd = true;
	}
	if (fstat(in->fd, &sb) != 0) {
		maat_err_set(err, MAAT_E_IO, "%s: %s", name, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		maat_err_set(err, MAAT_E_NOINPUT,
			     _("%s: is a folder, not a file (name the files in it)"), name);
		goto fail;
	}
	/* a device (/dev/zero, /dev/urandom, a terminal) or a socket may never end: bound it.
	 * Pipes are how large logs are streamed in, so they are not bounded. */
	if (S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) || S_ISSOCK(sb.st_mode)) {
		in->limit = maat_input_stream_bound();
	}
	if (start(in, err) < 0) {
		goto fail;
	}
	return in;
fail:
	maat_input_close(in);
	return NULL;
}

maat_input *
maat_input_from_stream(FILE *src, const char *name, maat_err *err)
{
	maat_input *in = maat_xcalloc(1, sizeof(*in));
	in->fd = -1;
	in->src = src;
	in->name = maat_xstrdup(name);
	if (start(in, err) < 0) {
		maat_input_close(in);
		return NULL;
	}
	return in;
}

FILE *
maat_input_stream(maat_input *in)
{
	return in->f;
}

const maat_err *
maat_input_error(const maat_input *in)
{
	return in->err.code != 0 ? &in->err : NULL;
}

int
maat_input_finish(maat_input *in, char sha[65], maat_err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char h[crypto_hash_sha256_BYTES];
	char buf[1 << 14];

	/* bytes after what the importer needed (trailing data) belong to the file's hash */
	while (!in->eof && in->err.code == 0) {
		if (raw_read(in, buf, sizeof(buf)) < 0) {
			break;
		}
	}
	if (in->err.code != 0) {
		return maat_err_set(err, in->err.code, "%s", in->err.msg);
	}
	crypto_hash_sha256_final(&in->sha, h);
	for (size_t i = 0; i < sizeof(h); i++) {
		sha[2 * i] = hex[h[i] >> 4];
		sha[2 * i + 1] = hex[h[i] & 15];
	}
	sha[64] = '\0';
	return 0;
}

void
maat_input_close(maat_input *in)
{
	if (in == NULL) {
		return;
	}
	if (in->f != NULL) {
		fclose(in->f);
	}
	if (in->own_fd && in->fd >= 0) {
		close(in->fd);
	}
	free(in->head);
	free(in->name);
	free(in);
}
