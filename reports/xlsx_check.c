/* A written workbook read back: libxlsxwriter 1.1.4 does not check its writes into the
 * temporary sheet files, so a full disk can give a zip whose sheets are cut short yet "close"
 * without an error. Each XML member is inflated and must end with its root element's closing
 * tag. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "maatlat/i18n.h"
#include "maatlat/util.h"
#include "maatlat/xlsx.h"

static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* The root element's name from the first bytes of a document ("" when none is seen). */
static void
root_name(const unsigned char *head, size_t n, char *out, size_t cap)
{
	size_t i = 0, k = 0;
	out[0] = '\0';
	while (i + 1 < n) {
		if (head[i] == '<' && head[i + 1] != '?' && head[i + 1] != '!') {
			i++;
			while (i < n && k + 1 < cap && head[i] != ' ' && head[i] != '>' &&
			       head[i] != '/' && head[i] != '\r' && head[i] != '\n') {
				out[k++] = (char)head[i++];
			}
			out[k] = '\0';
			return;
		}
		i++;
	}
}

/* Inflates one member (method 8, or stored) and checks that it ends with </root>. */
static bool
member_whole(FILE *f, long data, uint32_t csize, uint32_t usize, int method)
{
	unsigned char in[16384], out[16384], head[512], tail[256];
	size_t nhead = 0, ntail = 0;
	uint64_t total = 0;
	uint32_t left = csize;
	z_stream z = {0};
	bool ok = false;
	char root[128], want[140];
	int zrc = Z_OK;

	if (fseek(f, data, SEEK_SET) != 0) {
		return false;
	}
	if (method == 8 && inflateInit2(&z, -MAX_WBITS) != Z_OK) {
		return false;
	}
	while (left > 0 && zrc != Z_STREAM_END) {
		size_t n = fread(in, 1, left < sizeof(in) ? left : sizeof(in), f);
		if (n == 0) {
			goto out;
		}
		left -= (uint32_t)n;
		z.next_in = in;
		z.avail_in = (uInt)n;
		do {
			size_t got;
			if (method == 8) {
				z.next_out = out;
				z.avail_out = sizeof(out);
				zrc = inflate(&z, Z_NO_FLUSH);
				if (zrc != Z_OK && zrc != Z_STREAM_END && zrc != Z_BUF_ERROR) {
					goto out;
				}
				got = sizeof(out) - z.avail_out;
			} else {
				memcpy(out, in, n);
				got = n;
				z.avail_in = 0;
			}
			total += got;
			for (size_t i = 0; i < got && nhead < sizeof(head); i++) {
				head[nhead++] = out[i];
			}
			if (got >= sizeof(tail)) {
				memcpy(tail, out + got - sizeof(tail), sizeof(tail));
				ntail = sizeof(tail);
			} else if (got > 0) {
				size_t keep =
				    ntail + got > sizeof(tail) ? sizeof(tail) - got : ntail;
				memmove(tail, tail + ntail - keep, keep);
				memcpy(tail + keep, out, got);
				ntail = keep + got;
			}
			if (method == 8 && zrc == Z_BUF_ERROR) {
				break;
			}
		} while (method == 8 && z.avail_in > 0 && zrc != Z_STREAM_END);
	}
	if (total != usize) {
		goto out;
	}
	while (ntail > 0 &&
	       (tail[ntail - 1] == '\n' || tail[ntail - 1] == '\r' || tail[ntail - 1] == ' ')) {
		ntail--;
	}
	root_name(head, nhead, root, sizeof(root));
	if (root[0] == '\0') {
		ok = true;
		goto out;
	}
	snprintf(want, sizeof(want), "</%s>", root);
	ok = (ntail >= strlen(want) &&
	      memcmp(tail + ntail - strlen(want), want, strlen(want)) == 0) ||
	     (ntail >= 2 && tail[ntail - 2] == '/' && tail[ntail - 1] == '>' && total < 4096);
out:
	if (method == 8) {
		inflateEnd(&z);
	}
	return ok;
}

int
maat_xlsx_check_file(const char *path, const char *name, maat_err *err)
{
	unsigned char buf[65557], *eocd = NULL, cd[46];
	char member[256] = "";
	FILE *f = fopen(path, "rb");
	long size, start;
	size_t n;
	uint32_t cdoff;
	uint16_t count;
	int rc = 0;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 22) {
		rc = maat_err_set(err, MAAT_E_IO, _("writing %s: the workbook came out empty"),
				  name);
		goto out;
	}
	start = size > (long)sizeof(buf) ? size - (long)sizeof(buf) : 0;
	if (fseek(f, start, SEEK_SET) != 0 || (n = fread(buf, 1, sizeof(buf), f)) < 22) {
		goto bad;
	}
	for (size_t i = n - 22 + 1; i-- > 0;) {
		if (le32(buf + i) == 0x06054b50) {
			eocd = buf + i;
			break;
		}
	}
	if (eocd == NULL) {
		goto bad;
	}
	count = le16(eocd + 10);
	cdoff = le32(eocd + 16);
	for (uint16_t e = 0; e < count; e++) {
		unsigned char lh[30];
		uint16_t nlen, xlen, clen;
		long next;
		if (fseek(f, (long)cdoff, SEEK_SET) != 0 ||
		    fread(cd, 1, sizeof(cd), f) != sizeof(cd) || le32(cd) != 0x02014b50) {
			goto bad;
		}
		nlen = le16(cd + 28);
		xlen = le16(cd + 30);
		clen = le16(cd + 32);
		n = nlen < sizeof(member) - 1 ? nlen : sizeof(member) - 1;
		if (fread(member, 1, n, f) != n) {
			goto bad;
		}
		member[n] = '\0';
		next = (long)cdoff + 46 + nlen + xlen + clen;
		cdoff = (uint32_t)next;
		if (n < 4 || (strcmp(member + n - 4, ".xml") != 0 &&
			      (n < 5 || strcmp(member + n - 5, ".rels") != 0))) {
			continue;
		}
		if (fseek(f, (long)le32(cd + 42), SEEK_SET) != 0 || fread(lh, 1, 30, f) != 30 ||
		    le32(lh) != 0x04034b50) {
			goto bad;
		}
		if (!member_whole(f, (long)le32(cd + 42) + 30 + le16(lh + 26) + le16(lh + 28),
				  le32(cd + 20), le32(cd + 24), le16(cd + 10))) {
			goto bad;
		}
	}
	goto out;
bad:
	rc = maat_err_set(err, MAAT_E_IO,
			  _("writing %s: the workbook came out incomplete (%s is cut short): the "
			    "disk is full, or the file too large for it; nothing was written"),
			  name, member[0] ? member : "the zip directory");
out:
	if (f != NULL) {
		fclose(f);
	}
	return rc;
}
