/* One reading pass over an import's input: the bytes are hashed (sha256) as the importer reads
 * them, so a file that grows meanwhile, a FIFO or standard input is read exactly once and the
 * stored hash is the hash of what was parsed. fopencookie() gives importers the FILE * they
 * already take.
 *
 * A file, FIFO or standard input is read and hashed by a thread of its own, a few chunks ahead
 * of the importer: the hash (then libsodium's portable C) and the read calls were 11-13% of an
 * import's time on one core (bench/README.md), and the machines maatlat runs on have at least
 * two. The importer sees the same bytes in the same order; the hash is of every
 * byte read, as before. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "maatlat/i18n.h"
#include "maatlat/util.h"
#include "store/input.h"

/* Bytes kept from the start of the input, so importers may rewind after sniffing the format
 * (glibc fills its whole buffer, BUFSIZ, on the first read). */
#define HEAD_MAX (64 * 1024)

/* The read-ahead: NCHUNK buffers of CHUNK bytes between the reading thread and the importer. */
#define NCHUNK 4
#define CHUNK (256 * 1024)
/* regular files below this size are read in place, without the thread */
#define IN_PLACE_MAX (8 * 1024 * 1024)

struct chunk {
	char *buf;
	/* bytes in buf; 0 = the end of the input, negative = the reader failed (in->err) */
	ssize_t len;
};

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
	maat_sha256 *sha;
	/* the first bytes read, for rewinds */
	unsigned char *head;
	/* bytes in head */
	size_t headlen;
	/* the stream's logical position */
	uint64_t pos;
	/* bytes handed to the importer (or read past it by maat_input_finish) */
	uint64_t got;
	/* bytes read from fd or src and hashed (the reading thread's count) */
	uint64_t rgot;
	/* at most this many bytes may be read (0 = no bound) */
	uint64_t limit;
	/* the reader saw the end of the input */
	bool eof;
	/* the name used in messages */
	char *name;
	/* what went wrong below the importer (a read error, the bound), code 0 when nothing;
	 * written by the reading thread before it hands over its last chunk */
	maat_err err;
	/* the reading thread (fd inputs but small files; a stream given by the caller is read
	 * in place) */
	bool threaded, in_place;
	pthread_t thread;
	pthread_mutex_t mu;
	/* signalled when a chunk is filled / when one is free again */
	pthread_cond_t filled, freed;
	struct chunk ring[NCHUNK];
	/* the next chunk the reader fills, the next the importer takes, chunks filled */
	int wr, rd, nfilled;
	/* the reader has handed over its last chunk; the importer must stop it (close) */
	bool reader_done, stop;
	/* the chunk the importer is reading (index into ring, -1 = none) and its offset */
	int cur;
	size_t cur_off;
	/* the importer has taken the last chunk (eof or a failure): nothing more to take */
	bool drained;
	ssize_t drained_len;
	/* in->err as the importer may see it (copied when it takes a failed chunk) */
	maat_err seen_err;
};

/* read(2), which the reading thread may be cancelled in (close() before the end, with a
 * terminal or a FIFO that gives nothing more); nowhere else is it cancellable. */
static ssize_t
read_fd(int fd, void *buf, size_t n)
{
	int old;
	ssize_t r;
	pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, &old);
	do {
		r = read(fd, buf, n);
	} while (r < 0 && errno == EINTR);
	pthread_setcancelstate(old, NULL);
	return r;
}

static ssize_t
raw_read(maat_input *in, char *buf, size_t n)
{
	ssize_t r;

	if (in->err.code != 0) {
		errno = EIO;
		return -1;
	}
	if (in->limit > 0 && in->rgot >= in->limit) {
		/* one byte more than the bound tells a long input from one of exactly that size */
		char c;
		r = read_fd(in->fd, &c, 1);
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
	if (in->limit > 0 && n > in->limit - in->rgot) {
		n = (size_t)(in->limit - in->rgot);
	}
	if (in->src != NULL) {
		r = (ssize_t)fread(buf, 1, n, in->src);
		if (r == 0 && ferror(in->src)) {
			r = -1;
		}
	} else {
		r = read_fd(in->fd, buf, n);
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
	maat_sha256_update(in->sha, buf, (size_t)r);
	in->rgot += (uint64_t)r;
	return r;
}

/* The reading thread: fills free chunks until the end, a failure or close(). */
static void *
reader(void *arg)
{
	maat_input *in = arg;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	for (;;) {
		struct chunk *c;
		ssize_t r;
		pthread_mutex_lock(&in->mu);
		while (in->nfilled == NCHUNK && !in->stop) {
			pthread_cond_wait(&in->freed, &in->mu);
		}
		if (in->stop) {
			pthread_mutex_unlock(&in->mu);
			return NULL;
		}
		c = &in->ring[in->wr];
		pthread_mutex_unlock(&in->mu);
		r = raw_read(in, c->buf, CHUNK);
		pthread_mutex_lock(&in->mu);
		c->len = r;
		in->wr = (in->wr + 1) % NCHUNK;
		in->nfilled++;
		if (r <= 0) {
			in->reader_done = true;
		}
		pthread_cond_signal(&in->filled);
		pthread_mutex_unlock(&in->mu);
		if (r <= 0) {
			return NULL;
		}
	}
}

/* Up to n bytes of the input in its order, from the reading thread's chunks (or, without
 * one, straight from raw_read). 0 at the end, -1 with errno on a failure. */
static ssize_t
next_bytes(maat_input *in, char *buf, size_t n)
{
	struct chunk *c;
	size_t k;

	if (!in->threaded) {
		return raw_read(in, buf, n);
	}
	if (in->drained) {
		if (in->drained_len < 0) {
			errno = EIO;
		}
		return in->drained_len;
	}
	if (in->cur < 0) {
		pthread_mutex_lock(&in->mu);
		while (in->nfilled == 0) {
			pthread_cond_wait(&in->filled, &in->mu);
		}
		in->cur = in->rd;
		in->cur_off = 0;
		c = &in->ring[in->cur];
		if (c->len <= 0) {
			/* the reader's last word: its error (if any) is complete now */
			in->drained = true;
			in->drained_len = c->len;
			if (c->len < 0) {
				in->seen_err = in->err;
			}
			pthread_mutex_unlock(&in->mu);
			if (c->len < 0) {
				errno = EIO;
			}
			return c->len;
		}
		pthread_mutex_unlock(&in->mu);
	}
	c = &in->ring[in->cur];
	k = (size_t)c->len - in->cur_off;
	if (k > n) {
		k = n;
	}
	memcpy(buf, c->buf + in->cur_off, k);
	in->cur_off += k;
	if (in->cur_off == (size_t)c->len) {
		pthread_mutex_lock(&in->mu);
		in->rd = (in->rd + 1) % NCHUNK;
		in->nfilled--;
		in->cur = -1;
		pthread_cond_signal(&in->freed);
		pthread_mutex_unlock(&in->mu);
	}
	return (ssize_t)k;
}

/* next_bytes, keeping the first HEAD_MAX bytes for rewinds. */
static ssize_t
deliver(maat_input *in, char *buf, size_t n)
{
	ssize_t r = next_bytes(in, buf, n);
	if (r > 0) {
		if (in->got < HEAD_MAX) {
			size_t k =
			    (size_t)r < HEAD_MAX - in->got ? (size_t)r : HEAD_MAX - (size_t)in->got;
			memcpy(in->head + in->got, buf, k);
			in->headlen += k;
		}
		in->got += (uint64_t)r;
	}
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
	if ((r = deliver(in, buf, n)) > 0) {
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
	in->cur = -1;
	in->sha = maat_sha256_new();
	if ((in->f = fopencookie(in, "rb", io)) == NULL) {
		return maat_err_set(err, MAAT_E_INTERNAL, "%s: %s", in->name, strerror(errno));
	}
	if (in->src == NULL && !in->in_place) {
		int rc;
		for (int i = 0; i < NCHUNK; i++) {
			in->ring[i].buf = maat_xmalloc(CHUNK);
		}
		pthread_mutex_init(&in->mu, NULL);
		pthread_cond_init(&in->filled, NULL);
		pthread_cond_init(&in->freed, NULL);
		rc = maat_thread_start(&in->thread, reader, in);
		if (rc != 0) {
			pthread_cond_destroy(&in->freed);
			pthread_cond_destroy(&in->filled);
			pthread_mutex_destroy(&in->mu);
			/* no thread: read in place, as for a stream */
			return 0;
		}
		in->threaded = true;
	}
	return 0;
}

/* Stops and joins the reading thread (at the end, or early when the import failed). */
static void
stop_reader(maat_input *in)
{
	if (!in->threaded) {
		return;
	}
	pthread_mutex_lock(&in->mu);
	in->stop = true;
	pthread_cond_signal(&in->freed);
	if (!in->reader_done) {
		/* it may wait in read() for bytes that never come */
		pthread_cancel(in->thread);
	}
	pthread_mutex_unlock(&in->mu);
	pthread_join(in->thread, NULL);
	pthread_cond_destroy(&in->freed);
	pthread_cond_destroy(&in->filled);
	pthread_mutex_destroy(&in->mu);
	in->threaded = false;
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
	/* a small file is hashed in a moment: a thread for it costs more than it saves (2,000
	 * calendar exports of 37 KB each took 2 s longer with one) */
	if (S_ISREG(sb.st_mode) && sb.st_size < IN_PLACE_MAX) {
		in->in_place = true;
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
	if (in->threaded || in->drained) {
		/* only what the importer has been handed (the reader may still be running) */
		return in->seen_err.code != 0 ? &in->seen_err : NULL;
	}
	return in->err.code != 0 ? &in->err : NULL;
}

int
maat_input_finish(maat_input *in, char sha[65], maat_err *err)
{
	char buf[1 << 14];

	/* bytes after what the importer needed (trailing data) belong to the file's hash */
	for (;;) {
		ssize_t r = next_bytes(in, buf, sizeof(buf));
		if (r <= 0) {
			break;
		}
	}
	/* the reader has handed over its last chunk: it ends by itself */
	stop_reader(in);
	if (in->err.code != 0) {
		return maat_err_set(err, in->err.code, "%s", in->err.msg);
	}
	maat_sha256_final_hex(in->sha, sha);
	return 0;
}

void
maat_input_close(maat_input *in)
{
	if (in == NULL) {
		return;
	}
	stop_reader(in);
	if (in->f != NULL) {
		fclose(in->f);
	}
	for (int i = 0; i < NCHUNK; i++) {
		free(in->ring[i].buf);
	}
	if (in->own_fd && in->fd >= 0) {
		close(in->fd);
	}
	maat_sha256_free(in->sha);
	free(in->head);
	free(in->name);
	free(in);
}
