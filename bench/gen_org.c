/* A deterministic org-chart generator: the same --seed and --size always give the same file.
 * Writes the generic CSV of `maatlat import org` (id, manager, name, title, unit, fte, grade,
 * employment, optionally email), managers before their reports. Spans are 1-15 (about one
 * manager in ten is thin: span 1 or 2), units follow the layer-2 departments, about 8% of the
 * staff is hired in ("inhuur"). With --sep ';' it writes decimal commas like Dutch Excel.
 *
 * usage: gen_org [--size N] [--seed S] [--sep ,|;|tab] [--units N] [--email] [--out FILE] */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* xorshift64*: small, fast, the same everywhere */
static uint64_t state = 88172645463325252ULL;

static uint64_t
next(void)
{
	state ^= state >> 12;
	state ^= state << 25;
	state ^= state >> 27;
	return state * 2685821657736338717ULL;
}

/* uniform in [0, n) */
static uint32_t
below(uint32_t n)
{
	return (uint32_t)((next() >> 32) % n);
}

static const char *const first[] = {"Anna", "Bram", "Cor",  "Daan",  "Eva",   "Fien", "Gert",
				    "Hans", "Iris", "Joke", "Kees",  "Lotte", "Mark", "Nina",
				    "Otto", "Pien", "Rik",  "Sanne", "Tom",   "Vera"};
static const char *const last[] = {"de Vries", "Jansen",   "Bakker", "Visser",   "Smit",
				   "Meijer",   "de Boer",  "Mulder", "Bos",      "Vos",
				   "Peters",   "Hendriks", "Dekker", "Dijkstra", "Kok"};
static const char *const staff_titles[] = {"Medewerker", "Beleidsmedewerker", "Adviseur",
					   "Specialist", "Consulent",         "Projectleider"};

static int
usage(void)
{
	fprintf(stderr, "usage: gen_org [--size N] [--seed S] [--sep ,|;|tab] [--units N] "
			"[--email] [--out FILE]\n");
	return 64;
}

static long
parse_long(const char *s, long lo, long hi)
{
	char *end = NULL;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		return -1;
	}
	return v;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"size", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'},
	    {"sep", required_argument, NULL, 'S'},
	    {"units", required_argument, NULL, 'u'},
	    {"email", no_argument, NULL, 'e'},
	    {"out", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	long size = 1000, seed = 1, units = 20;
	char sep = ',';
	int email = 0, c;
	const char *out = NULL;
	uint32_t *manager, *layer, *unit, *queue, *span;
	size_t qhead = 0, qlen = 0, n = 1;
	FILE *f = stdout;
	static char buf[1 << 20];

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			if ((size = parse_long(optarg, 1, 100000000L)) < 0) {
				return usage();
			}
			break;
		case 's':
			if ((seed = parse_long(optarg, 0, 2147483647L)) < 0) {
				return usage();
			}
			break;
		case 'S':
			if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\t") == 0) {
				sep = '\t';
			} else if (strcmp(optarg, ",") == 0 || strcmp(optarg, ";") == 0) {
				sep = optarg[0];
			} else {
				return usage();
			}
			break;
		case 'u':
			if ((units = parse_long(optarg, 1, 1000000L)) < 0) {
				return usage();
			}
			break;
		case 'e':
			email = 1;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return usage();
		}
	}
	state ^= (uint64_t)seed * 0x9E3779B97F4A7C15ULL;
	for (int i = 0; i < 8; i++) {
		next();
	}
	manager = calloc((size_t)size + 1, sizeof(uint32_t));
	layer = calloc((size_t)size + 1, sizeof(uint32_t));
	unit = calloc((size_t)size + 1, sizeof(uint32_t));
	span = calloc((size_t)size + 1, sizeof(uint32_t));
	queue = calloc((size_t)size + 1, sizeof(uint32_t));
	if (!manager || !layer || !unit || !span || !queue) {
		fprintf(stderr, "gen_org: out of memory\n");
		return 1;
	}
	/* person 1 is the top; a queue of managers hands out reports breadth first */
	layer[1] = 1;
	queue[qlen++] = 1;
	while (n < (size_t)size) {
		uint32_t m, s, last_child = 0;
		if (qhead == qlen) {
			/* nobody left to lead: the last person becomes a manager */
			queue[qlen++] = (uint32_t)n;
		}
		m = queue[qhead++];
		/* thin (span 1-2) one time in ten, else 3-15; the top layers are broad */
		s = below(10) == 0 ? 1 + below(2) : 3 + below(13);
		if (layer[m] <= 2 && s < 4) {
			s = 4 + below(6);
		}
		for (uint32_t k = 0; k < s && n < (size_t)size; k++) {
			uint32_t p = (uint32_t)++n;
			manager[p] = m;
			layer[p] = layer[m] + 1;
			unit[p] = layer[p] == 2 ? (uint32_t)((p - 2) % (size_t)units) + 1 : unit[m];
			span[m]++;
			last_child = p;
			/* about one in five becomes a manager in turn (all of layer 2) */
			if (layer[p] == 2 || below(5) == 0) {
				queue[qlen++] = p;
			}
		}
		(void)last_child;
	}
	if (out != NULL && (f = fopen(out, "w")) == NULL) {
		perror(out);
		return 73;
	}
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	fprintf(f, "id%cmanager%cname%ctitle%cunit%cfte%cgrade%cemployment%s\n", sep, sep, sep, sep,
		sep, sep, sep,
		email ? (sep == ','   ? ",email"
			 : sep == ';' ? ";email"
				      : "\temail")
		      : "");
	for (size_t p = 1; p <= n; p++) {
		const char *fn = first[below(sizeof(first) / sizeof(first[0]))];
		const char *ln = last[below(sizeof(last) / sizeof(last[0]))];
		uint32_t r = below(100);
		const char *fte = r < 70   ? "1"
				  : r < 85 ? (sep == ';' ? "0,8" : "0.8")
					   : (sep == ';' ? "0,5" : "0.5");
		int external = span[p] == 0 && below(100) < 8;
		char title[48], unitname[32];
		if (p == 1) {
			snprintf(title, sizeof(title), "Gemeentesecretaris");
			snprintf(unitname, sizeof(unitname), "Directie");
		} else {
			snprintf(title, sizeof(title), "%s",
				 span[p] == 0    ? staff_titles[below(6)]
				 : layer[p] == 2 ? "Afdelingshoofd"
						 : "Teamleider");
			snprintf(unitname, sizeof(unitname), "Afdeling %u", unit[p]);
		}
		if (manager[p] == 0) {
			fprintf(f, "%zu%c%c", p, sep, sep);
		} else {
			fprintf(f, "%zu%c%u%c", p, sep, manager[p], sep);
		}
		fprintf(f, "%s %s%c%s%c%s%c%s%c%u%c%s", fn, ln, sep, title, sep, unitname, sep, fte,
			sep, span[p] ? 11 + (layer[p] <= 2) * 3 : 6 + below(5), sep,
			external ? "inhuur" : "vast");
		if (email) {
			fprintf(f, "%c%c.%zu@gemeente.example", sep, fn[0] | 0x20, p);
		}
		fputc('\n', f);
	}
	if (fflush(f) != 0 || (out != NULL && fclose(f) != 0)) {
		perror(out ? out : "stdout");
		return 74;
	}
	free(manager);
	free(layer);
	free(unit);
	free(span);
	free(queue);
	return 0;
}
