/* An import's input, read once and hashed as it is read (internal to store/). */
#ifndef MAAT_INPUT_H
#define MAAT_INPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "maatlat/err.h"

typedef struct maat_input maat_input;

/* What a device or socket may give at most, unless $MAATLAT_MAX_STREAM_BYTES says otherwise:
 * 16 GiB, far above any real export, reached by /dev/zero in seconds. */
#define MAAT_INPUT_STREAM_BOUND_DEFAULT (16ULL << 30)

/* The bound on devices and sockets: $MAATLAT_MAX_STREAM_BYTES, else the default. */
uint64_t maat_input_stream_bound(void);

/* Opens path ("-" = standard input) for one reading pass; name is used in messages. A folder
 * is MAAT_E_NOINPUT ("is a folder"); a missing or unreadable file MAAT_E_NOINPUT. Returns a
 * new input (maat_input_close()), or NULL with err set. */
maat_input *maat_input_open(const char *path, const char *name, maat_err *err);

/* The same over a stream that is not a file (a database query's rows as CSV, see
 * importers/dbsource.c): src is read with fread, never bounded, and stays the caller's. */
maat_input *maat_input_from_stream(FILE *src, const char *name, maat_err *err);

/* The stream for the importer: sequential, rewindable within its first 64 KiB. Borrowed;
 * valid until maat_input_close(). */
FILE *maat_input_stream(maat_input *in);

/* The error the input itself hit (a read error, the device bound), or NULL. Borrowed. When an
 * importer fails after this is set, this is the message to show. */
const maat_err *maat_input_error(const maat_input *in);

/* Reads what the importer left unread and writes the sha256 of every byte read, in hex.
 * Returns 0, or negative with err set (a read error, the device bound). */
int maat_input_finish(maat_input *in, char sha[65], maat_err *err);

/* Closes the stream (and the file, not standard input). NULL-safe. */
void maat_input_close(maat_input *in);

#endif
