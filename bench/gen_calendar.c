/* Deterministic calendar generator: one .ics export per person, as a mailbox export would give
 * (every meeting appears in each participant's file). Teams of 8 with a weekly team meeting
 * (a moved instance every 10th week, an EXDATE every 13th, a decliner), a biweekly 30-minute
 * bilateral with the team lead, a monthly 90-minute all-hands of ten teams (large meetings),
 * and ad-hoc meetings of 2-4 people at random hours (double bookings), --adhoc per person
 * per week.
 *
 * The default density (--adhoc 0.33) matches the reference workload of PERFORMANCE.md: 2,000
 * people x 52 weeks give about 72 MB of .ics (--adhoc 2 gave 312 MB, the first version).
 *
 * With --org-in FILE --unit NAME it builds the calendars of one department around a real org
 * chart instead (the bundled example municipality): the people of the unit, the top and the
 * top's direct reports (the management team), each with their e-mail from the chart. Every
 * manager has a weekly team meeting with the direct reports (the top: a two-hour
 * "Directieoverleg"; one member declines the series, one week is a holiday EXDATE) and a
 * biweekly 30-minute bilateral with each; the unit meets every four weeks; three steering
 * groups of two hours (the unit head, managers from other units, policy staff) each have a
 * weekly core team; ad-hoc meetings of 2-4 people land at random hours (double bookings, a
 * decline one time in ten), two per manager and one per other person per week.
 *
 * usage: gen_calendar [--people N] [--weeks M] [--seed S] [--start YYYY-MM-DD (a Monday)]
 *                     [--adhoc RATE] [--emails FILE (one address per line)] [--domain D]
 *                     --out DIR
 *        gen_calendar --org-in FILE --unit NAME [--weeks M] [--seed S] [--start DATE] --out DIR */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "maatlat/util.h"
#include "org_in.h"

#define TEAM 8

typedef struct ev {
	/* the text of the VEVENT(s), without participants' files in mind */
	char *text;
	/* participants (person indexes) */
	int *who;
	int nwho;
} ev;

static uint64_t rng;
/* DTSTAMP of every event: the export, Monday 12:00 UTC after the last generated week (so the
 * default window of METRICS.md §2 holds every generated week) */
static char dtstamp[32];

static uint64_t
next_rand(void)
{
	/* splitmix64: deterministic for a seed on every platform */
	uint64_t z = (rng += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static int
pick(int n)
{
	return (int)(next_rand() % (uint64_t)n);
}

static ev *evs;
static size_t nev, capev;

static ev *
new_ev(void)
{
	if (nev == capev) {
		capev = capev ? capev * 2 : 1024;
		evs = maat_xreallocarray(evs, capev, sizeof(*evs));
	}
	memset(&evs[nev], 0, sizeof(evs[nev]));
	return &evs[nev++];
}

/* civil date + days -> y, m, d */
static void
add_days(int y, int m, int d, int add, int *oy, int *om, int *od)
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	d += add;
	for (;;) {
		int md = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
		if (d <= md) {
			break;
		}
		d -= md;
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	*oy = y;
	*om = m;
	*od = d;
}

static void
attendees(maat_buf *b, char **email, const int *who, int n, int decliner)
{
	maat_buf_printf(b, "ORGANIZER;CN=%s:mailto:%s\r\n", email[who[0]], email[who[0]]);
	for (int i = 0; i < n; i++) {
		maat_buf_printf(b, "ATTENDEE;PARTSTAT=%s;CN=%s:mailto:%s\r\n",
				who[i] == decliner ? "DECLINED" : "ACCEPTED", email[who[i]],
				email[who[i]]);
	}
}

/* --org-in: one VEVENT (a series when rrule is not NULL) of the people who[0..n) (org indexes;
 * who[0] organises), starting day days after the start date at hh:mm for minutes. */
static ev *
org_event(const org_in_person *p, const char *uid, const char *summary, int y0, int m0, int d0,
	  int day, int hh, int mm, int minutes, const char *rrule, const char *exdate,
	  const int *who, int n, int decliner)
{
	maat_buf b = {0};
	int y, m, d;
	ev *e = new_ev();
	add_days(y0, m0, d0, day, &y, &m, &d);
	maat_buf_printf(&b,
			"BEGIN:VEVENT\r\nUID:%s@voorbeeld\r\nDTSTAMP:%s\r\n"
			"SUMMARY:%s\r\nDTSTART;TZID=Europe/Amsterdam:%04d%02d%02dT%02d%02d00\r\n"
			"DURATION:PT%dM\r\n",
			uid, dtstamp, summary, y, m, d, hh, mm, minutes);
	if (rrule != NULL) {
		maat_buf_printf(&b, "RRULE:%s\r\n", rrule);
	}
	if (exdate != NULL) {
		maat_buf_printf(&b, "EXDATE;TZID=Europe/Amsterdam:%sT%02d%02d00\r\n", exdate, hh,
				mm);
	}
	maat_buf_printf(&b, "ORGANIZER;CN=\"%s\":mailto:%s\r\n", p[who[0]].name, p[who[0]].email);
	for (int i = 0; i < n; i++) {
		maat_buf_printf(&b, "ATTENDEE;PARTSTAT=%s:mailto:%s\r\n",
				who[i] == decliner ? "DECLINED" : "ACCEPTED", p[who[i]].email);
	}
	maat_buf_printf(&b, "END:VEVENT\r\n");
	e->text = b.data;
	e->who = maat_xcalloc((size_t)n, sizeof(int));
	memcpy(e->who, who, (size_t)n * sizeof(int));
	e->nwho = n;
	return e;
}

/* Picks k distinct members of pool[0..n) not in who[0..have) into who[have..); returns the new
 * count (fewer when the pool runs out). */
static int
pick_distinct(int *who, int have, int k, const int *pool, int n)
{
	for (int tries = 0; k > 0 && tries < 50 * (k + 1); tries++) {
		int c = pool[pick(n)], dup = 0;
		for (int j = 0; j < have; j++) {
			dup |= who[j] == c;
		}
		if (!dup) {
			who[have++] = c;
			k--;
		}
	}
	return have;
}

static int
gen_from_org(const char *org_in, const char *unit, int weeks, int y0, int m0, int d0,
	     const char *out)
{
	static const char *const groups[] = {"Omgevingsvisie", "Woningbouwversnelling",
					     "Energietransitie"};
	org_in_person *p = NULL;
	size_t np = 0;
	int *sel, nsel = 0, *pos, head = -1, *pool, npool, *mgrs, nmgr = 0, *staff, nstaff = 0;
	int *heads, nheads = 0, top = -1, rc;
	char uid[96], summary[160], rrule[64], exdate[16];

	if ((rc = org_in_read(org_in, &p, &np)) != 0) {
		return rc;
	}
	sel = maat_xcalloc(np + 1, sizeof(int));
	pos = maat_xcalloc(np + 1, sizeof(int));
	pool = maat_xcalloc(np + 1, sizeof(int));
	mgrs = maat_xcalloc(np + 1, sizeof(int));
	staff = maat_xcalloc(np + 1, sizeof(int));
	heads = maat_xcalloc(np + 1, sizeof(int));
	/* the unit, the top and the top's direct reports, in file order */
	for (size_t i = 0; i < np; i++) {
		bool in_unit = strcmp(p[i].unit, unit) == 0;
		bool mt = p[i].layer == 1 || p[i].layer == 2;
		pos[i] = -1;
		if ((in_unit || mt) && p[i].email[0] != '\0') {
			pos[i] = nsel;
			sel[nsel++] = (int)i;
			if (p[i].layer == 1 && top < 0) {
				top = (int)i;
			}
			if (p[i].layer == 2) {
				heads[nheads++] = (int)i;
			}
			if (in_unit && p[i].layer == 2) {
				head = (int)i;
			}
		}
	}
	if (head < 0 || top < 0) {
		fprintf(stderr, "gen_calendar: %s: no unit '%s' headed at layer 2 under a top\n",
			org_in, unit);
		return 65;
	}
	for (int k = 0; k < nsel; k++) {
		int i = sel[k];
		if (strcmp(p[i].unit, unit) == 0 && i != head) {
			if (p[i].nreports > 0) {
				mgrs[nmgr++] = i;
			} else {
				staff[nstaff++] = i;
			}
		}
	}
	if (nstaff < 4) {
		fprintf(stderr, "gen_calendar: unit '%s' has too few staff\n", unit);
		return 65;
	}
	/* every manager's team meeting and bilaterals */
	for (int k = 0; k < nsel; k++) {
		int m = sel[k], n = 1, wd = pick(5), hour = 9 + pick(7), *who;
		int ex_y, ex_m, ex_d;
		who = maat_xcalloc((size_t)nsel + 1, sizeof(int));
		who[0] = m;
		for (int j = 0; j < nsel; j++) {
			if (p[sel[j]].parent == m) {
				who[n++] = sel[j];
			}
		}
		if (n == 1) {
			free(who);
			continue;
		}
		add_days(y0, m0, d0, 7 * (weeks > 5 ? 5 : weeks - 1) + wd, &ex_y, &ex_m, &ex_d);
		snprintf(exdate, sizeof(exdate), "%04d%02d%02d", ex_y, ex_m, ex_d);
		snprintf(uid, sizeof(uid), "team-%s", p[m].id);
		snprintf(rrule, sizeof(rrule), "FREQ=WEEKLY;COUNT=%d", weeks);
		if (m == top) {
			snprintf(summary, sizeof(summary), "Directieoverleg");
		} else {
			snprintf(summary, sizeof(summary), "Teamoverleg %s", p[m].name);
		}
		org_event(p, uid, summary, y0, m0, d0, wd, hour, 0, m == top ? 120 : 60, rrule,
			  n > 3 ? exdate : NULL, who, n, pick(2) ? who[1 + pick(n - 1)] : -1);
		for (int j = 1; j < n; j++) {
			int pair[2] = {m, who[j]};
			snprintf(uid, sizeof(uid), "bila-%s-%s", p[m].id, p[who[j]].id);
			snprintf(summary, sizeof(summary), "Bilateraal %s / %s", p[m].name,
				 p[who[j]].name);
			snprintf(rrule, sizeof(rrule), "FREQ=WEEKLY;INTERVAL=2;COUNT=%d",
				 (weeks + 1) / 2);
			org_event(p, uid, summary, y0, m0, d0, pick(10), 8 + pick(9), 30 * pick(2),
				  30, rrule, NULL, pair, 2, -1);
		}
		free(who);
	}
	/* the unit every four weeks */
	npool = 0;
	pool[npool++] = head;
	for (int j = 0; j < nmgr; j++) {
		pool[npool++] = mgrs[j];
	}
	for (int j = 0; j < nstaff; j++) {
		pool[npool++] = staff[j];
	}
	snprintf(uid, sizeof(uid), "afdeling-%s", p[head].id);
	snprintf(summary, sizeof(summary), "Afdelingsoverleg %s", unit);
	snprintf(rrule, sizeof(rrule), "FREQ=WEEKLY;INTERVAL=4;COUNT=%d", (weeks + 3) / 4);
	org_event(p, uid, summary, y0, m0, d0, 3, 14, 0, 90, rrule, NULL, pool, npool,
		  pool[1 + pick(npool - 1)]);
	/* steering groups and their core teams */
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
		int who[16], n = 0, core[8], nc = 0;
		who[n++] = head;
		if (g == 0) {
			who[n++] = top;
		}
		n = pick_distinct(who, n, 2, heads, nheads);
		if (nmgr > 0) {
			n = pick_distinct(who, n, 1, mgrs, nmgr);
		}
		n = pick_distinct(who, n, 2, staff, nstaff);
		snprintf(uid, sizeof(uid), "stuurgroep-%zu", g + 1);
		snprintf(summary, sizeof(summary), "Stuurgroep %s", groups[g]);
		snprintf(rrule, sizeof(rrule), "FREQ=WEEKLY;INTERVAL=%d;COUNT=%d", g == 0 ? 2 : 1,
			 g == 0 ? (weeks + 1) / 2 : weeks);
		org_event(p, uid, summary, y0, m0, d0, pick(5), 9 + pick(6), 0, 120, rrule, NULL,
			  who, n, g == 2 ? who[1] : -1);
		/* the core team: the unit's manager and staff of the steering group, two more */
		for (int j = 1; j < n; j++) {
			if (strcmp(p[who[j]].unit, unit) == 0) {
				core[nc++] = who[j];
			}
		}
		nc = pick_distinct(core, nc, 2, staff, nstaff);
		snprintf(uid, sizeof(uid), "kernteam-%zu", g + 1);
		snprintf(summary, sizeof(summary), "Kernteam %s", groups[g]);
		snprintf(rrule, sizeof(rrule), "FREQ=WEEKLY;COUNT=%d", weeks);
		org_event(p, uid, summary, y0, m0, d0, pick(5), 9 + pick(7), 30 * pick(2), 90,
			  rrule, NULL, core, nc, -1);
	}
	/* ad-hoc meetings: two per manager, one per other person and week */
	for (int w = 0; w < weeks; w++) {
		for (int k = 0; k < nsel; k++) {
			int i = sel[k], count = p[i].nreports > 0 ? 2 : 1;
			for (int c = 0; c < count; c++) {
				int who[4], n = 1, want = 2 + pick(3);
				/* mostly the own team: same manager, own reports or own manager */
				npool = 0;
				for (int j = 0; j < nsel; j++) {
					int q = sel[j];
					if (q != i && (p[q].parent == p[i].parent ||
						       p[q].parent == i || q == p[i].parent)) {
						pool[npool++] = q;
					}
				}
				who[0] = i;
				while (n < want) {
					int before = n;
					if (npool > 0 && pick(4) != 0) {
						n = pick_distinct(who, n, 1, pool, npool);
					} else {
						n = pick_distinct(who, n, 1, sel, nsel);
					}
					if (n == before) {
						break;
					}
				}
				snprintf(uid, sizeof(uid), "overleg-%d-%s-%d", w + 1, p[i].id, c);
				org_event(p, uid, "Overleg", y0, m0, d0, 7 * w + pick(5),
					  8 + pick(9), 30 * pick(2), 30 * (1 + pick(3)), NULL, NULL,
					  who, n, n > 2 && pick(10) == 0 ? who[n - 1] : -1);
			}
		}
	}
	/* one export per person */
	for (int k = 0; k < nsel; k++) {
		int i = sel[k];
		char *path = maat_xasprintf("%s/%s.ics", out, p[i].email);
		FILE *f = fopen(path, "wb");
		if (f == NULL) {
			perror(path);
			return 73;
		}
		fprintf(f,
			"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//maatlat//gen_calendar//EN\r\n"
			"X-WR-CALNAME:%s\r\nX-WR-TIMEZONE:Europe/Amsterdam\r\n",
			p[i].email);
		for (size_t e = 0; e < nev; e++) {
			for (int j = 0; j < evs[e].nwho; j++) {
				if (evs[e].who[j] == i) {
					fputs(evs[e].text, f);
					break;
				}
			}
		}
		fputs("END:VCALENDAR\r\n", f);
		if (fclose(f) != 0) {
			perror(path);
			return 74;
		}
		free(path);
	}
	for (size_t e = 0; e < nev; e++) {
		free(evs[e].text);
		free(evs[e].who);
	}
	free(evs);
	free(sel);
	free(pos);
	free(pool);
	free(mgrs);
	free(staff);
	free(heads);
	org_in_free(p, np);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"people", required_argument, NULL, 'p'},
	    {"weeks", required_argument, NULL, 'w'},
	    {"seed", required_argument, NULL, 's'},
	    {"start", required_argument, NULL, 'S'},
	    {"emails", required_argument, NULL, 'e'},
	    {"domain", required_argument, NULL, 'd'},
	    {"out", required_argument, NULL, 'o'},
	    {"org-in", required_argument, NULL, 'O'},
	    {"unit", required_argument, NULL, 'u'},
	    {"adhoc", required_argument, NULL, 'a'},
	    {NULL, 0, NULL, 0},
	};
	int people = 2000, weeks = 52, y0 = 2025, m0 = 1, d0 = 6, c;
	double adhoc = 0.33;
	const char *out = NULL, *emails = NULL, *domain = "example.org", *org_in = NULL,
		   *unit = NULL;
	char **email;
	size_t **mine, *nmine, *capmine;
	maat_buf b = {0};

	rng = 42;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			people = atoi(optarg);
			break;
		case 'w':
			weeks = atoi(optarg);
			break;
		case 's':
			rng = strtoull(optarg, NULL, 10);
			break;
		case 'S':
			if (sscanf(optarg, "%d-%d-%d", &y0, &m0, &d0) != 3) {
				fprintf(stderr, "gen_calendar: --start yyyy-mm-dd\n");
				return 64;
			}
			break;
		case 'e':
			emails = optarg;
			break;
		case 'd':
			domain = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'a':
			adhoc = atof(optarg);
			break;
		case 'O':
			org_in = optarg;
			break;
		case 'u':
			unit = optarg;
			break;
		default:
			fprintf(stderr,
				"usage: gen_calendar [--people N] [--weeks M] [--seed S] "
				"[--start DATE] [--adhoc RATE] [--emails FILE] [--domain D] "
				"--out DIR\n"
				"       gen_calendar --org-in FILE --unit NAME [--weeks M] "
				"[--seed S] [--start DATE] --out DIR\n");
			return 64;
		}
	}
	if (out == NULL || weeks < 1 || weeks > 520 || !(adhoc >= 0 && adhoc <= 50)) {
		fprintf(stderr, "gen_calendar: --out DIR is required; weeks 1..520; adhoc 0..50\n");
		return 64;
	}
	{
		int ey, em, ed;
		add_days(y0, m0, d0, 7 * weeks, &ey, &em, &ed);
		snprintf(dtstamp, sizeof(dtstamp), "%04d%02d%02dT120000Z", ey % 10000, em % 100,
			 ed % 100);
	}
	if (org_in != NULL || unit != NULL) {
		if (org_in == NULL || unit == NULL) {
			fprintf(stderr,
				"gen_calendar: --org-in FILE and --unit NAME go together\n");
			return 64;
		}
		if (mkdir(out, 0777) != 0 && errno != EEXIST) {
			perror(out);
			return 73;
		}
		return gen_from_org(org_in, unit, weeks, y0, m0, d0, out);
	}
	if (emails != NULL) {
		FILE *f = fopen(emails, "r");
		char line[512];
		int n = 0;
		if (f == NULL) {
			perror(emails);
			return 66;
		}
		email = NULL;
		while (fgets(line, sizeof(line), f) != NULL) {
			maat_trim(line);
			if (*line == '\0') {
				continue;
			}
			email = maat_xreallocarray(email, (size_t)n + 1, sizeof(*email));
			email[n++] = maat_xstrdup(line);
		}
		fclose(f);
		people = n;
	} else {
		email = maat_xcalloc((size_t)people, sizeof(*email));
		for (int i = 0; i < people; i++) {
			email[i] = maat_xasprintf("p%05d@%s", i, domain);
		}
	}
	if (people < 2) {
		fprintf(stderr, "gen_calendar: at least 2 people\n");
		return 64;
	}
	if (mkdir(out, 0777) != 0 && errno != EEXIST) {
		perror(out);
		return 73;
	}
	/* team weekly series and biweekly bilaterals */
	for (int t = 0; t * TEAM < people; t++) {
		int n = people - t * TEAM < TEAM ? people - t * TEAM : TEAM;
		int who[TEAM], wd = pick(5), hour = 8 + pick(8), y, m, d;
		ev *e = new_ev();
		for (int i = 0; i < n; i++) {
			who[i] = t * TEAM + i;
		}
		add_days(y0, m0, d0, wd, &y, &m, &d);
		maat_buf_reset(&b);
		maat_buf_printf(&b,
				"BEGIN:VEVENT\r\nUID:team-%d@gen\r\nDTSTAMP:%s\r\n"
				"SUMMARY:Team %d "
				"weekly\r\nDTSTART;TZID=Europe/Amsterdam:%04d%02d%02dT%02d0000\r\n"
				"DTEND;TZID=Europe/Amsterdam:%04d%02d%02dT%02d0000\r\n"
				"RRULE:FREQ=WEEKLY;COUNT=%d\r\n",
				t, dtstamp, t, y, m, d, hour, y, m, d, hour + 1, weeks);
		for (int w = 12; w < weeks; w += 13) {
			int ey, em, ed;
			add_days(y, m, d, 7 * w, &ey, &em, &ed);
			maat_buf_printf(&b,
					"EXDATE;TZID=Europe/Amsterdam:%04d%02d%02dT%02d0000\r\n",
					ey, em, ed, hour);
		}
		attendees(&b, email, who, n, n > 2 ? who[1 + pick(n - 1)] : -1);
		maat_buf_printf(&b, "END:VEVENT\r\n");
		/* the moved instances: an hour later, 90 minutes */
		for (int w = 9; w < weeks; w += 10) {
			int my, mm, md;
			add_days(y, m, d, 7 * w, &my, &mm, &md);
			maat_buf_printf(&b,
					"BEGIN:VEVENT\r\nUID:team-%d@gen\r\nDTSTAMP:%s\r\n"
					"SEQUENCE:1\r\nRECURRENCE-ID;TZID=Europe/Amsterdam:"
					"%04d%02d%02dT%02d0000\r\n"
					"DTSTART;TZID=Europe/Amsterdam:%04d%02d%02dT%02d0000\r\n"
					"DTEND;TZID=Europe/Amsterdam:%04d%02d%02dT%02d3000\r\n",
					t, dtstamp, my, mm, md, hour, my, mm, md, hour + 1, my, mm,
					md, hour + 2);
			attendees(&b, email, who, n, -1);
			maat_buf_printf(&b, "END:VEVENT\r\n");
		}
		e->text = maat_xstrdup(b.data);
		e->who = maat_xcalloc((size_t)n, sizeof(int));
		memcpy(e->who, who, (size_t)n * sizeof(int));
		e->nwho = n;
		for (int i = 1; i < n; i++) {
			int pair[2] = {who[0], who[i]};
			int bwd = pick(5), bh = 8 + pick(9);
			ev *p = new_ev();
			add_days(y0, m0, d0, bwd, &y, &m, &d);
			maat_buf_reset(&b);
			maat_buf_printf(
			    &b,
			    "BEGIN:VEVENT\r\nUID:bila-%d-%d@gen\r\nDTSTAMP:%s\r\n"
			    "SUMMARY:Bilateral\r\nDTSTART;TZID=Europe/"
			    "Amsterdam:%04d%02d%02dT%02d3000\r\n"
			    "DURATION:PT30M\r\nRRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=%d\r\n",
			    t, i, dtstamp, y, m, d, bh, (weeks + 1) / 2);
			attendees(&b, email, pair, 2, -1);
			maat_buf_printf(&b, "END:VEVENT\r\n");
			p->text = maat_xstrdup(b.data);
			p->who = maat_xcalloc(2, sizeof(int));
			memcpy(p->who, pair, sizeof(pair));
			p->nwho = 2;
		}
	}
	/* monthly all-hands of ten teams */
	for (int g = 0; g * TEAM * 10 < people; g++) {
		int lo = g * TEAM * 10, n = people - lo < TEAM * 10 ? people - lo : TEAM * 10;
		int y, m, d;
		ev *e = new_ev();
		add_days(y0, m0, d0, 3, &y, &m, &d);
		maat_buf_reset(&b);
		maat_buf_printf(
		    &b,
		    "BEGIN:VEVENT\r\nUID:allhands-%d@gen\r\nDTSTAMP:%s\r\n"
		    "SUMMARY:All hands\r\nDTSTART;TZID=Europe/Amsterdam:%04d%02d%02dT150000\r\n"
		    "DTEND;TZID=Europe/Amsterdam:%04d%02d%02dT163000\r\n"
		    "RRULE:FREQ=WEEKLY;INTERVAL=4;COUNT=%d\r\n",
		    g, dtstamp, y, m, d, y, m, d, (weeks + 3) / 4);
		e->who = maat_xcalloc((size_t)n, sizeof(int));
		for (int i = 0; i < n; i++) {
			e->who[i] = lo + i;
		}
		e->nwho = n;
		attendees(&b, email, e->who, n, lo + pick(n));
		maat_buf_printf(&b, "END:VEVENT\r\n");
		e->text = maat_xstrdup(b.data);
	}
	/* ad-hoc meetings: --adhoc per person per week (the integer part always, the fraction as
	 * a chance), 2-4 people, 30-90 minutes */
	for (int w = 0; w < weeks; w++) {
		for (int p = 0; p < people; p++) {
			int count = (int)adhoc;
			if ((double)(next_rand() >> 11) * 0x1.0p-53 < adhoc - (double)count) {
				count++;
			}
			for (int k = 0; k < count; k++) {
				int n = 2 + pick(3), who[4], y, m, d, h = 8 + pick(9),
				    mi = pick(2) * 30;
				int len = 30 * (1 + pick(3));
				ev *e = new_ev();
				who[0] = p;
				for (int i = 1; i < n; i++) {
					/* mostly the own team, sometimes anyone */
					who[i] =
					    pick(4) ? (p / TEAM) * TEAM + pick(TEAM) : pick(people);
					if (who[i] >= people) {
						who[i] = pick(people);
					}
					for (int j = 0; j < i; j++) {
						if (who[j] == who[i]) {
							who[i] = (who[i] + 1) % people;
							j = -1;
						}
					}
				}
				add_days(y0, m0, d0, 7 * w + pick(5), &y, &m, &d);
				maat_buf_reset(&b);
				maat_buf_printf(&b,
						"BEGIN:VEVENT\r\nUID:adhoc-%d-%d-%d@gen\r\nDTSTAMP:"
						"20250101T000000Z\r\n"
						"SUMMARY:Overleg\r\nDTSTART;TZID=Europe/"
						"Amsterdam:%04d%02d%02dT%02d%02d00\r\n"
						"DURATION:PT%dM\r\n",
						w, p, k, y, m, d, h, mi, len);
				attendees(&b, email, who, n, pick(10) == 0 ? who[n - 1] : -1);
				maat_buf_printf(&b, "END:VEVENT\r\n");
				e->text = maat_xstrdup(b.data);
				e->who = maat_xcalloc((size_t)n, sizeof(int));
				memcpy(e->who, who, (size_t)n * sizeof(int));
				e->nwho = n;
			}
		}
	}
	/* one export per person */
	mine = maat_xcalloc((size_t)people, sizeof(*mine));
	nmine = maat_xcalloc((size_t)people, sizeof(*nmine));
	capmine = maat_xcalloc((size_t)people, sizeof(*capmine));
	for (size_t i = 0; i < nev; i++) {
		for (int k = 0; k < evs[i].nwho; k++) {
			int p = evs[i].who[k];
			if (nmine[p] == capmine[p]) {
				capmine[p] = capmine[p] ? capmine[p] * 2 : 64;
				mine[p] = maat_xreallocarray(mine[p], capmine[p], sizeof(size_t));
			}
			mine[p][nmine[p]++] = i;
		}
	}
	for (int p = 0; p < people; p++) {
		char *path = maat_xasprintf("%s/%s.ics", out, email[p]);
		FILE *f = fopen(path, "wb");
		if (f == NULL) {
			perror(path);
			return 73;
		}
		fprintf(f,
			"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//maatlat//gen_calendar//EN\r\n"
			"X-WR-CALNAME:%s\r\nX-WR-TIMEZONE:Europe/Amsterdam\r\n",
			email[p]);
		for (size_t i = 0; i < nmine[p]; i++) {
			fputs(evs[mine[p][i]].text, f);
		}
		fputs("END:VCALENDAR\r\n", f);
		if (fclose(f) != 0) {
			perror(path);
			return 74;
		}
		free(path);
		free(mine[p]);
	}
	for (size_t i = 0; i < nev; i++) {
		free(evs[i].text);
		free(evs[i].who);
	}
	for (int p = 0; p < people; p++) {
		free(email[p]);
	}
	free(evs);
	free(email);
	free(mine);
	free(nmine);
	free(capmine);
	maat_buf_fini(&b);
	return 0;
}
