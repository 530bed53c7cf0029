/* gen_cases: a deterministic case-log generator (seeded; the same options give the same bytes).
 * Writes a CSV event log (case_id,activity,timestamp,resource[,zaaktype]), optionally the same
 * log as XES, and a matching org chart CSV in the generic format
 * id,manager,name,title,unit,fte,email,employment,role.
 *
 *   gen_cases [--cases N] [--events E] [--resources R] [--units U] [--seed S]
 *             [--handover-rate P] [--pingpong-rate Q] [--escalation-rate X]
 *             [--start YYYY-MM-DD] [--days D] [--case-type] --csv FILE [--xes FILE]
 *             [--org FILE]
 *
 * Cases: E events on average (uniform in [E/2, 3E/2], at least 1), starting uniformly over D
 * days (default 182: half a year) from --start (default 2025-01-01). A case is picked up by a
 * random caseworker; after each event the work passes on with probability P (default 0.5);
 * a handover goes back to the previous owner with probability Q (default 0.15: ping-pong), up
 * to the owner's manager with probability X (default 0.1), else to a colleague of the same unit
 * (4 in 5) or anyone (1 in 5). Gaps
 * between events are mostly hours, one in 20 is 1-30 days (idle dossiers). Sign-off
 * activities ("Paraaf teamleider", "Akkoord afdelingshoofd") are done by managers.
 *
 * With --org-in FILE the people come from an existing org chart instead (the bundled example
 * municipality): cases are picked up by its staff without reports (of the first unit of
 * --org-unit "A|B|..." only, when given), written by their ids; a handover goes back (ping-pong),
 * up to the owner's manager (escalation), to a colleague with the same manager or, for a manager,
 * to one of the own staff (4 in 5), else to any of the staff of the listed units (advice); "Paraaf
 * teamleider" is done by the owner's manager and "Akkoord afdelingshoofd" by the owner's ancestor
 * at layer 2. --case-types "a|b|c" replaces the four case types (picked uniformly). --org cannot be
 * combined with --org-in. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/timestamp.h"
#include "maatlat/util.h"
#include "org_in.h"

static uint64_t rng_state;

/* splitmix64: small, fast and the same on every platform */
static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static double
unit_rand(void)
{
	return (double)(rnd() >> 11) / 9007199254740992.0;
}

static uint64_t
below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static const char *const work_acts[] = {"Registreren aanvraag", "Beoordelen volledigheid",
					"Inhoudelijke toets",   "Advies vragen",
					"Aanvullende gegevens", "Concept besluit"};
static const char *const case_types[] = {"omgevingsvergunning", "evenementenvergunning",
					 "bijzondere bijstand", "bezwaar"};

struct person {
	/* index of the manager, -1 for the director */
	int64_t manager;
	/* unit number; -1 for the director */
	int64_t unit;
};

/* --org-in: the chart, its staff without reports (of --org-unit) and a scratch list */
static org_in_person *chart;
static size_t nchart;
static int64_t *staff, nstaff, *scratch, npick;

/* The position of unit in the "A|B|C" list (0 = the first), -1 when not listed. */
static int
unit_listed(const char *list, const char *unit)
{
	size_t n = strlen(unit);
	int pos = 0;
	for (const char *p = list;; pos++) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		if (len == n && strncmp(p, unit, n) == 0) {
			return pos;
		}
		if (bar == NULL) {
			return -1;
		}
		p = bar + 1;
	}
}

/* the manager of x in the chart (x itself for a top post) */
static int64_t
org_manager(int64_t x)
{
	return chart[x].parent >= 0 ? (int64_t)chart[x].parent : x;
}

/* the ancestor of x at layer 2 (the afdelingshoofd), else its manager */
static int64_t
org_head(int64_t x)
{
	int64_t cur = x;
	while (chart[cur].parent >= 0 && chart[cur].layer > 2) {
		cur = chart[cur].parent;
	}
	return chart[cur].layer == 2 ? cur : org_manager(x);
}

/* a colleague with the same manager, or one of x's own staff; x itself when there is none */
static int64_t
org_colleague(int64_t x)
{
	int64_t n = 0;
	for (int64_t i = 0; i < nstaff; i++) {
		int64_t c = staff[i];
		if (c != x &&
		    (chart[c].parent == chart[x].parent || chart[c].parent == (ssize_t)x)) {
			scratch[n++] = c;
		}
	}
	return n > 0 ? scratch[below((uint64_t)n)] : x;
}

static void
usage(void)
{
	fputs("usage: gen_cases [--cases N] [--events E] [--resources R] [--units U] [--seed S]\n"
	      "  [--handover-rate P] [--pingpong-rate Q] [--escalation-rate X]\n"
	      "  [--start YYYY-MM-DD] [--days D] [--case-type] --csv FILE [--xes FILE] [--org "
	      "FILE]\n"
	      "  [--org-in FILE [--org-unit NAME]] [--case-types \"A|B|...\"]\n",
	      stderr);
}

static void
iso(int64_t t, char *buf, size_t n)
{
	int y, m, d;
	int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
	int64_t s = t - days * 86400;
	maat_civil_from_days(days, &y, &m, &d);
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(s / 3600),
		 (int)(s / 60 % 60), (int)(s % 60));
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"cases", required_argument, NULL, 'c'},
	    {"events", required_argument, NULL, 'e'},
	    {"resources", required_argument, NULL, 'r'},
	    {"units", required_argument, NULL, 'u'},
	    {"seed", required_argument, NULL, 's'},
	    {"handover-rate", required_argument, NULL, 'p'},
	    {"pingpong-rate", required_argument, NULL, 'q'},
	    {"escalation-rate", required_argument, NULL, 'x'},
	    {"start", required_argument, NULL, 'S'},
	    {"days", required_argument, NULL, 'D'},
	    {"case-type", no_argument, NULL, 'T'},
	    {"csv", required_argument, NULL, 'C'},
	    {"xes", required_argument, NULL, 'X'},
	    {"org", required_argument, NULL, 'O'},
	    {"org-in", required_argument, NULL, 'I'},
	    {"org-unit", required_argument, NULL, 'U'},
	    {"case-types", required_argument, NULL, 'Y'},
	    {NULL, 0, NULL, 0},
	};
	int64_t ncases = 1000, nevents = 10, nres = 200, nunits = 10, days = 182;
	double p_hand = 0.5, p_pp = 0.15, p_up = 0.1;
	const char *csv_path = NULL, *xes_path = NULL, *org_path = NULL, *org_in = NULL,
		   *org_unit = NULL;
	const char *types[16];
	uint64_t ntypes = 4;
	char *types_buf = NULL;
	int sy = 2025, sm = 1, sd = 1, c;
	bool with_type = false;
	struct person *people;
	FILE *csv = NULL, *xes = NULL, *org = NULL;
	int64_t start;
	uint64_t seed = 1;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			ncases = strtoll(optarg, NULL, 10);
			break;
		case 'e':
			nevents = strtoll(optarg, NULL, 10);
			break;
		case 'r':
			nres = strtoll(optarg, NULL, 10);
			break;
		case 'u':
			nunits = strtoll(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'p':
			p_hand = strtod(optarg, NULL);
			break;
		case 'q':
			p_pp = strtod(optarg, NULL);
			break;
		case 'x':
			p_up = strtod(optarg, NULL);
			break;
		case 'S':
			if (sscanf(optarg, "%d-%d-%d", &sy, &sm, &sd) != 3) {
				usage();
				return 64;
			}
			break;
		case 'D':
			days = strtoll(optarg, NULL, 10);
			break;
		case 'T':
			with_type = true;
			break;
		case 'C':
			csv_path = optarg;
			break;
		case 'X':
			xes_path = optarg;
			break;
		case 'O':
			org_path = optarg;
			break;
		case 'I':
			org_in = optarg;
			break;
		case 'U':
			org_unit = optarg;
			break;
		case 'Y': {
			char *save = NULL;
			free(types_buf);
			types_buf = maat_xstrdup(optarg);
			ntypes = 0;
			for (char *t = strtok_r(types_buf, "|", &save); t != NULL;
			     t = strtok_r(NULL, "|", &save)) {
				if (ntypes == sizeof(types) / sizeof(types[0])) {
					usage();
					return 64;
				}
				types[ntypes++] = t;
			}
			if (ntypes == 0) {
				usage();
				return 64;
			}
			break;
		}
		default:
			usage();
			return 64;
		}
	}
	if (csv_path == NULL || ncases < 1 || nevents < 1 || nunits < 1 || nres < 2 * nunits + 1 ||
	    days < 1) {
		usage();
		return 64;
	}
	if (types_buf == NULL) {
		for (uint64_t i = 0; i < 4; i++) {
			types[i] = case_types[i];
		}
	}
	if (org_in != NULL) {
		int rc;
		if (org_path != NULL) {
			usage();
			return 64;
		}
		if ((rc = org_in_read(org_in, &chart, &nchart)) != 0) {
			return rc;
		}
		staff = maat_xcalloc(nchart + 1, sizeof(*staff));
		scratch = maat_xcalloc(nchart + 1, sizeof(*scratch));
		for (size_t i = 0; i < nchart; i++) {
			if (chart[i].nreports == 0 && chart[i].layer > 2 &&
			    (org_unit == NULL || unit_listed(org_unit, chart[i].unit) >= 0)) {
				staff[nstaff++] = (int64_t)i;
			}
		}
		/* the first unit's staff pick cases up: put them first */
		for (int64_t i = 0; i < nstaff; i++) {
			if (org_unit == NULL || unit_listed(org_unit, chart[staff[i]].unit) == 0) {
				int64_t x = staff[npick];
				staff[npick++] = staff[i];
				staff[i] = x;
			}
		}
		if (npick < 2) {
			fprintf(stderr, "gen_cases: %s: fewer than two staff without reports%s%s\n",
				org_in, org_unit ? " in " : "", org_unit ? org_unit : "");
			return 65;
		}
	}
	rng_state = seed;
	start = maat_days_from_civil(sy, sm, sd) * 86400;
	/* person 0 directs; 1..nunits head the units; the rest are spread over the units */
	people = maat_xcalloc((size_t)nres, sizeof(*people));
	people[0] = (struct person){-1, -1};
	for (int64_t i = 1; i < nres; i++) {
		int64_t u = i <= nunits ? i - 1 : (i - nunits - 1) % nunits;
		people[i] = (struct person){i <= nunits ? 0 : u + 1, u};
	}
	if ((csv = fopen(csv_path, "w")) == NULL || (xes_path && !(xes = fopen(xes_path, "w"))) ||
	    (org_path && !(org = fopen(org_path, "w")))) {
		perror("gen_cases");
		return 73;
	}
	if (org != NULL) {
		fputs("id,manager,name,title,unit,fte,email,employment,role\n", org);
		for (int64_t i = 0; i < nres; i++) {
			const char *title = i == 0        ? "directeur"
					    : i <= nunits ? "afdelingshoofd"
							  : "medewerker";
			char mgr[24] = "", unit[32] = "Directie";
			if (people[i].manager >= 0) {
				snprintf(mgr, sizeof(mgr), "e%05" PRId64, people[i].manager);
			}
			if (people[i].unit >= 0) {
				snprintf(unit, sizeof(unit), "Afdeling %" PRId64,
					 people[i].unit + 1);
			}
			fprintf(org,
				"e%05" PRId64 ",%s,Medewerker %" PRId64 ",%s,%s,%s,e%05" PRId64
				"@gemeente.example,%s,%s\n",
				i, mgr, i, title, unit, i % 7 == 0 ? "0.8" : "1.0", i,
				i % 11 == 0 ? "external" : "internal",
				i <= nunits ? "management" : "execution");
		}
	}
	fputs(with_type ? "case_id,activity,timestamp,resource,zaaktype\n"
			: "case_id,activity,timestamp,resource\n",
	      csv);
	if (xes != NULL) {
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		      "<log xes.version=\"1.0\" xmlns=\"http://www.xes-standard.org/\">\n"
		      "<extension name=\"Concept\" prefix=\"concept\" "
		      "uri=\"http://www.xes-standard.org/concept.xesext\"/>\n"
		      "<extension name=\"Time\" prefix=\"time\" "
		      "uri=\"http://www.xes-standard.org/time.xesext\"/>\n"
		      "<extension name=\"Organizational\" prefix=\"org\" "
		      "uri=\"http://www.xes-standard.org/org.xesext\"/>\n",
		      xes);
	}
	for (int64_t k = 0; k < ncases; k++) {
		int64_t n = nevents / 2 + (int64_t)below((uint64_t)nevents + 1);
		int64_t t = start + (int64_t)below((uint64_t)days * 86400);
		int64_t owner = chart != NULL
				    ? staff[below((uint64_t)npick)]
				    : nunits + 1 + (int64_t)below((uint64_t)(nres - nunits - 1));
		int64_t prev = -1;
		const char *type = types[below(ntypes)];
		char ts[32], rid[128];
		if (n < 1) {
			n = 1;
		}
		t -= t % 60;
		if (xes != NULL) {
			fprintf(xes,
				"<trace><string key=\"concept:name\" value=\"Z%07" PRId64 "\"/>",
				k + 1);
			if (with_type) {
				fprintf(xes, "<string key=\"zaaktype\" value=\"%s\"/>", type);
			}
			fputc('\n', xes);
		}
		for (int64_t j = 0; j < n; j++) {
			const char *act;
			int64_t res = owner;
			if (j == 0) {
				act = work_acts[0];
			} else if (j == n - 1 && n > 2) {
				act = "Besluit verzenden";
			} else if (j == n - 2 && n > 3 && unit_rand() < 0.5) {
				/* a sign-off by the unit head */
				bool paraaf = unit_rand() < 0.7;
				act = paraaf ? "Paraaf teamleider" : "Akkoord afdelingshoofd";
				if (chart != NULL) {
					res = paraaf ? org_manager(owner) : org_head(owner);
				} else {
					res =
					    people[owner].manager >= 0 ? people[owner].manager : 0;
				}
			} else {
				act = work_acts[1 + below(5)];
			}
			if (j > 0 && res == owner && unit_rand() < p_hand) {
				double u = unit_rand();
				int64_t next;
				if (u < p_pp && prev >= 0 && prev != owner) {
					next = prev;
				} else if (chart != NULL) {
					if (u < p_pp + p_up && chart[owner].parent >= 0) {
						next = org_manager(owner);
					} else if (unit_rand() < 0.8) {
						next = org_colleague(owner);
					} else {
						next = staff[below((uint64_t)nstaff)];
					}
				} else if (u < p_pp + p_up && people[owner].manager >= 0) {
					next = people[owner].manager;
				} else if (unit_rand() < 0.8 && people[owner].unit >= 0) {
					/* a colleague in the same unit: staff of unit u are
					 * nunits + 1 + u + k * nunits */
					int64_t un = people[owner].unit;
					int64_t per =
					    (nres - nunits - 1 - un + nunits - 1) / nunits;
					next =
					    nunits + 1 + un +
					    (int64_t)below((uint64_t)(per > 0 ? per : 1)) * nunits;
				} else {
					next = 1 + (int64_t)below((uint64_t)(nres - 1));
				}
				if (next != owner) {
					prev = owner;
					owner = next;
				}
				res = owner;
			}
			iso(t, ts, sizeof(ts));
			if (chart != NULL) {
				snprintf(rid, sizeof(rid), "%s", chart[res].id);
			} else {
				snprintf(rid, sizeof(rid), "e%05" PRId64, res);
			}
			if (with_type) {
				fprintf(csv, "Z%07" PRId64 ",%s,%s,%s,%s\n", k + 1, act, ts, rid,
					type);
			} else {
				fprintf(csv, "Z%07" PRId64 ",%s,%s,%s\n", k + 1, act, ts, rid);
			}
			if (xes != NULL) {
				fprintf(xes,
					"<event><string key=\"concept:name\" value=\"%s\"/>"
					"<string key=\"org:resource\" value=\"%s\"/>"
					"<date key=\"time:timestamp\" value=\"%s\"/></event>\n",
					act, rid, ts);
			}
			t += below(20) == 0 ? 86400 * (1 + (int64_t)below(30))
					    : 60 * (5 + (int64_t)below(8 * 60));
		}
		if (xes != NULL) {
			fputs("</trace>\n", xes);
		}
	}
	if (xes != NULL) {
		fputs("</log>\n", xes);
	}
	free(people);
	free(types_buf);
	free(staff);
	free(scratch);
	org_in_free(chart, nchart);
	if ((csv && fclose(csv) != 0) || (xes && fclose(xes) != 0) || (org && fclose(org) != 0)) {
		perror("gen_cases");
		return 74;
	}
	return 0;
}
