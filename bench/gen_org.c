/* A deterministic org-chart generator: the same --seed and --size always give the same file.
 * Writes the generic CSV of `maatlat import org` (id, manager, name, title, unit, fte, grade,
 * employment, optionally email), managers before their reports. Spans are 1-15 (about one
 * manager in ten is thin: span 1 or 2), units follow the layer-2 departments, about 8% of the
 * staff is hired in ("inhuur"). With --sep ';' it writes decimal commas like Dutch Excel.
 *
 * Shaping options (for the bundled example municipality; without them the output is as it
 * always was): --unit-names "A|B:N|..." names the units, gives the top one afdelingshoofd per
 * unit, grows each unit on its own to N people (the head included; units without :N share the
 * rest of --size; all sized = --size ignored) and calls managers below layer 3 "Coördinator";
 * --max-layers N stops anyone at layer N from leading; --pass-through K gives the first layer-3
 * manager a chain of K managers of one (each one's one report a manager again: pass-through
 * managers); --domain D sets the e-mail domain. --roles adds a last column role: management
 * for managers, policy for the staff of --policy-units "A|B", support for the staff of
 * --support-units "C|D", execution for the other staff (no random draws: every other column
 * stays as it was).
 *
 * usage: gen_org [--size N] [--seed S] [--sep ,|;|tab] [--units N] [--email] [--out FILE]
 *                [--unit-names LIST] [--max-layers N] [--pass-through K] [--domain D]
 *                [--roles [--policy-units LIST] [--support-units LIST]] */
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

/* True when name is one of the "A|B|C" list. */
static int
in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; *p;) {
		const char *e = strchr(p, '|');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && strncmp(p, name, n) == 0) {
			return 1;
		}
		p += len + (e != NULL);
	}
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: gen_org [--size N] [--seed S] [--sep ,|;|tab] [--units N] "
			"[--email] [--out FILE]\n"
			"               [--unit-names LIST] [--max-layers N] [--pass-through K] "
			"[--domain D]\n"
			"               [--roles [--policy-units LIST] [--support-units LIST]]\n");
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

static uint32_t *manager, *layer, *unit, *span, *forced;
static long units = 20, max_layers = 0, pass_through = 0;
static size_t nunit_names;

/* Hands out reports breadth first from the managers in queue until person *n reaches limit;
 * when the queue runs dry, the last person after lo (above --max-layers) leads next. */
static void
grow(size_t *n, size_t limit, size_t lo, uint32_t *queue, size_t *qhead, size_t *qlen)
{
	while (*n < limit) {
		uint32_t m, s;
		if (*qhead == *qlen) {
			/* nobody left to lead: the last person (above --max-layers) becomes a
			 * manager */
			size_t p = *n;
			while (max_layers > 0 && p > lo && layer[p] >= (uint32_t)max_layers) {
				p--;
			}
			queue[(*qlen)++] = (uint32_t)(p > lo || lo == 1 ? p : queue[0]);
		}
		m = queue[(*qhead)++];
		/* thin (span 1-2) one time in ten, else 3-15; the top layers are broad */
		s = below(10) == 0 ? 1 + below(2) : 3 + below(13);
		if (layer[m] <= 2 && s < 4) {
			s = 4 + below(6);
		}
		if (pass_through > 0 && layer[m] == 3) {
			/* the first manager at layer 3 starts the pass-through chain */
			forced[m] = 1;
			pass_through = -pass_through;
		}
		if (forced[m] == 1) {
			s = 1;
		}
		for (uint32_t k = 0; k < s && *n < limit; k++) {
			uint32_t p = (uint32_t)++ * n;
			manager[p] = m;
			layer[p] = layer[m] + 1;
			unit[p] = layer[p] == 2 ? (uint32_t)((p - 2) % (size_t)units) + 1 : unit[m];
			span[m]++;
			if (forced[m] == 1) {
				/* the chain goes on for --pass-through managers of one, then one
				 * more manager with a team */
				forced[p] = ++pass_through < 0 ? 1 : 2;
			}
			/* about one in five becomes a manager in turn (all of layer 2) */
			if (forced[p] != 0 ||
			    ((layer[p] == 2 || below(5) == 0) &&
			     (max_layers == 0 || layer[p] < (uint32_t)max_layers))) {
				queue[(*qlen)++] = p;
			}
		}
	}
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
	    {"unit-names", required_argument, NULL, 'U'},
	    {"max-layers", required_argument, NULL, 'L'},
	    {"pass-through", required_argument, NULL, 'P'},
	    {"domain", required_argument, NULL, 'd'},
	    {"roles", no_argument, NULL, 'r'},
	    {"policy-units", required_argument, NULL, 'p'},
	    {"support-units", required_argument, NULL, 'q'},
	    {NULL, 0, NULL, 0},
	};
	long size = 1000, seed = 1;
	const char *domain = "gemeente.example";
	char *unit_names[64];
	long unit_size[64];
	char sep = ',';
	int email = 0, roles = 0, c;
	const char *out = NULL, *policy_units = "", *support_units = "";
	uint32_t *queue;
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
		case 'r':
			roles = 1;
			break;
		case 'p':
			policy_units = optarg;
			break;
		case 'q':
			support_units = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'U': {
			/* "A|B|C": the units, in order */
			char *list = strdup(optarg), *save = NULL;
			for (char *t = strtok_r(list, "|", &save); t != NULL;
			     t = strtok_r(NULL, "|", &save)) {
				if (nunit_names == sizeof(unit_names) / sizeof(unit_names[0])) {
					return usage();
				}
				/* "Name:N" asks for N people (the head included) */
				char *colon = strrchr(t, ':');
				unit_size[nunit_names] = 0;
				if (colon != NULL) {
					*colon = '\0';
					if ((unit_size[nunit_names] =
						 parse_long(colon + 1, 1, 100000000L)) < 0) {
						return usage();
					}
				}
				unit_names[nunit_names++] = t;
			}
			if (nunit_names == 0) {
				return usage();
			}
			units = (long)nunit_names;
			break;
		}
		case 'L':
			if ((max_layers = parse_long(optarg, 2, 1000)) < 0) {
				return usage();
			}
			break;
		case 'P':
			if ((pass_through = parse_long(optarg, 0, 100)) < 0) {
				return usage();
			}
			break;
		case 'd':
			domain = optarg;
			break;
		default:
			return usage();
		}
	}
	if (nunit_names > 0) {
		/* sized units: all sized gives the size; else the rest share what is left */
		long given = 0, open = 0;
		for (size_t u = 0; u < nunit_names; u++) {
			given += unit_size[u];
			open += unit_size[u] == 0;
		}
		if (open == 0) {
			size = 1 + given;
		} else if (size < 1 + given + open) {
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
	/* forced[p]: 1 = p leads exactly one person, who must lead in turn; 2 = p must lead */
	forced = calloc((size_t)size + 1, sizeof(uint32_t));
	if (!manager || !layer || !unit || !span || !queue || !forced) {
		fprintf(stderr, "gen_org: out of memory\n");
		return 1;
	}
	/* person 1 is the top; a queue of managers hands out reports breadth first */
	layer[1] = 1;
	if (nunit_names == 0) {
		queue[qlen++] = 1;
		grow(&n, (size_t)size, 1, queue, &qhead, &qlen);
	} else {
		/* named units: the top leads one afdelingshoofd per unit, then each unit grows
		 * breadth first to its own size, so units are as large as asked */
		size_t left = (size_t)size - 1 - nunit_names, given = 0, open = 0;
		for (size_t u = 0; u < nunit_names; u++) {
			if (unit_size[u] > 0) {
				given += (size_t)unit_size[u] - 1;
			} else {
				open++;
			}
		}
		left = left > given ? left - given : 0;
		for (size_t u = 0; u < nunit_names; u++) {
			size_t p = ++n;
			manager[p] = 1;
			layer[p] = 2;
			unit[p] = (uint32_t)u + 1;
			span[1]++;
		}
		for (size_t u = 0; u < nunit_names; u++) {
			size_t extra = unit_size[u] > 0 ? (size_t)unit_size[u] - 1 : left / open;
			if (unit_size[u] <= 0) {
				left -= left / open;
				open--;
			}
			qhead = qlen = 0;
			queue[qlen++] = (uint32_t)u + 2;
			grow(&n, n + extra, n, queue, &qhead, &qlen);
		}
	}
	if (out != NULL && (f = fopen(out, "w")) == NULL) {
		perror(out);
		return 73;
	}
	setvbuf(f, buf, _IOFBF, sizeof(buf));
	fprintf(f, "id%cmanager%cname%ctitle%cunit%cfte%cgrade%cemployment%s", sep, sep, sep, sep,
		sep, sep, sep,
		email ? (sep == ','   ? ",email"
			 : sep == ';' ? ";email"
				      : "\temail")
		      : "");
	if (roles) {
		fprintf(f, "%crole", sep);
	}
	fputc('\n', f);
	for (size_t p = 1; p <= n; p++) {
		const char *fn = first[below(sizeof(first) / sizeof(first[0]))];
		const char *ln = last[below(sizeof(last) / sizeof(last[0]))];
		uint32_t r = below(100);
		const char *fte = r < 70   ? "1"
				  : r < 85 ? (sep == ';' ? "0,8" : "0.8")
					   : (sep == ';' ? "0,5" : "0.5");
		int external = span[p] == 0 && below(100) < 8;
		char title[48], unitname[64];
		if (p == 1) {
			snprintf(title, sizeof(title), "Gemeentesecretaris");
			snprintf(unitname, sizeof(unitname), "Directie");
		} else {
			snprintf(title, sizeof(title), "%s",
				 span[p] == 0                      ? staff_titles[below(6)]
				 : layer[p] == 2                   ? "Afdelingshoofd"
				 : layer[p] > 3 && nunit_names > 0 ? "Co\xc3\xb6rdinator"
								   : "Teamleider");
			if (nunit_names > 0) {
				snprintf(unitname, sizeof(unitname), "%s", unit_names[unit[p] - 1]);
			} else {
				snprintf(unitname, sizeof(unitname), "Afdeling %u", unit[p]);
			}
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
			fprintf(f, "%c%c.%zu@%s", sep, fn[0] | 0x20, p, domain);
		}
		if (roles) {
			fprintf(f, "%c%s", sep,
				p == 1 || span[p] > 0              ? "management"
				: in_list(policy_units, unitname)  ? "policy"
				: in_list(support_units, unitname) ? "support"
								   : "execution");
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
	free(forced);
	return 0;
}
