/* Reads a CSV file through maat_csv and prints records, seconds, MB/s and peak RSS.
 * usage: bench_csv FILE [ENCODING] */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "maatlat/csv.h"

static double
now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	maat_csv_opts opts = {0};
	maat_err err = {0};
	struct stat sb;
	struct rusage ru;
	FILE *f;
	maat_csv *r;
	long long records = 0, fields = 0, bytes = 0;
	double t0, secs;
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_csv FILE [ENCODING]\n");
		return 64;
	}
	opts.path = argv[1];
	opts.encoding = argc > 2 ? argv[2] : NULL;
	if ((f = fopen(argv[1], "rb")) == NULL || fstat(fileno(f), &sb) != 0) {
		perror(argv[1]);
		return 66;
	}
	t0 = now();
	if ((r = maat_csv_open(f, &opts, &err)) == NULL) {
		fprintf(stderr, "bench_csv: %s\n", err.msg);
		return 65;
	}
	while ((rc = maat_csv_next(r, &err)) > 0) {
		size_t n = maat_csv_nfields(r);
		records++;
		fields += (long long)n;
		for (size_t i = 0; i < n; i++) {
			bytes += (long long)maat_csv_field_len(r, i);
		}
	}
	secs = now() - t0;
	maat_csv_free(r);
	fclose(f);
	if (rc < 0) {
		fprintf(stderr, "bench_csv: %s\n", err.msg);
		return 65;
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("records %lld fields %lld field_bytes %lld seconds %.3f MB/s %.1f peak_rss_kb %ld\n",
	       records, fields, bytes, secs, (double)sb.st_size / 1e6 / secs, ru.ru_maxrss);
	return 0;
}
