#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/ics.h"
#include "maatlat/json.h"
#include "maatlat/meetings.h"
#include "maatlat/org.h"
#include "maatlat/util.h"
#include "maatlat/summary.h"
#include "maatlat/table.h"
#include "maatlat/zone.h"

static const char *const help =
    N_("Meeting hours per person and ISO week (union of the meetings a person attends; booked =\n"
       "plain sum) against the cap (cap x FTE). A meeting is not cancelled, not transparent, not\n"
       "all-day, longer than 0 and at most --max-meeting-hours, with at least --min-participants\n"
       "attending participants. The same meeting in several exports counts once (per series\n"
       "and instance the highest SEQUENCE, then the newest DTSTAMP wins). With an org\n"
       "chart imported (the latest snapshot), participants are matched to it by e-mail or name:\n"
       "their FTE scales the cap and their unit groups the figures.\n"
       "\n"
       "  --cap HOURS                cap per full-time week (default 12)\n"
       "  --from DATE --to DATE      window, inclusive dates in the zone of --tz (default:\n"
       "                             from the Monday of the first meeting's week to the end\n"
       "                             of the last full ISO week before the newest export, at\n"
       "                             most 2 years; later weeks only with an explicit --to)\n"
       "  --tz ZONE                  zone of the ISO weeks (default Europe/Amsterdam)\n"
       "  --min-participants N       default 2 (1 counts solo appointments)\n"
       "  --max-meeting-hours H      default 8; 0 = no limit\n"
       "  --exclude-tentative        TENTATIVE does not count as attending\n"
       "  --exclude-no-reply         NEEDS-ACTION does not count as attending\n"
       "  --min-group N              units with fewer people are not shown (default 5)\n"
       "  --per-person               rows per person and week too (never for a unit\n"
       "                             under --min-group); without it, figures per unit only\n"
       "  --top N                    recurring series listed (default 20)\n"
       "  --as-of DATE               the org chart snapshot on or before DATE for every week\n"
       "                             (default: each week the snapshot in force on its Monday)\n"
       "  --json                     one JSON object on stdout\n");

static void
utc_text(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(out, n, "%Y-%m-%d %H:%M", &tm);
}

/* The window and where it came from (METRICS.md §2). */
static void
print_window(const maat_meetings_summary *s)
{
	char when[32];
	if (s->to <= s->from) {
		printf("%s", _("Window: empty"));
	} else {
		printf(_("Window: %s .. %s"), s->from_date, s->to_date);
	}
	switch (s->window_origin) {
	case MAAT_WINDOW_EXPLICIT:
		printf(" %s\n", _("(--from/--to)"));
		break;
	case MAAT_WINDOW_EXPORT:
		/* no file name: exports are often named after their owner */
		utc_text(s->exported, when, sizeof(when));
		printf(s->exported_by_dtstamp
			   ? _(" (default: from the first meeting's week to the last full week "
			       "before the export, %s UTC, the newest DTSTAMP)\n")
			   : _(" (default: from the first meeting's week to the last full week "
			       "before the import at %s UTC; the calendars have no DTSTAMP)\n"),
		       when);
		break;
	default:
		printf(" %s\n", _("(default: the span of the data)"));
		break;
	}
	if (s->window_capped) {
		printf("%s\n", _("The window is cut to 2 years; --from and --to choose another."));
	}
	if (s->window_origin != MAAT_WINDOW_EXPLICIT) {
		printf("%s\n",
		       _("Weeks after the export are planned, not held: only an explicit --to "
			 "analyses them."));
	}
}

static int
print_tables(const maat_meetings *m, const maat_meetings_opts *o)
{
	maat_table *(*const fns[])(const maat_meetings *) = {
	    maat_meetings_summary_table, maat_meetings_person_weeks_table,
	    maat_meetings_persons_table, maat_meetings_units_table,
	    maat_meetings_series_table,
	};
	const maat_meetings_summary *s = maat_meetings_get_summary(m);
	int rc = 0;

	print_window(s);
	printf(_("Settings: cap %.4g h per full-time week, zone %s, at least %d participants, "),
	       o->cap_hours, o->tz ? o->tz : "Europe/Amsterdam", o->min_participants);
	if (o->max_meeting_hours > 0) {
		printf(_("at most %.4g h per meeting"), o->max_meeting_hours);
	} else {
		printf("%s", _("no length limit"));
	}
	printf(_("%s%s, units of at least %d people\n"),
	       o->exclude_tentative ? _(", tentative excluded") : "",
	       o->exclude_no_reply ? _(", no reply excluded") : "", o->min_group);
	if (o->people == NULL) {
		printf("%s\n\n", _("No org chart imported: every FTE 1.0, units unknown."));
	} else {
		if (o->snapshot != NULL && *o->snapshot) {
			printf(_("FTE and units from the org chart snapshot %s: "), o->snapshot);
		} else {
			printf("%s", _("FTE and units from the org chart: "));
		}
		printf(_("%zu of %zu participants found in it.\n"), s->keys_matched, s->keys);
		if (o->nsnaps > 1) {
			printf("%s",
			       _("Each week meets the org chart snapshot in force on its Monday; "
				 "--as-of pins one.\n"));
		}
		putchar('\n');
	}
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]) && rc == 0; i++) {
		maat_table *t = fns[i](m);
		if (maat_table_nrows(t) > 0) {
			rc = maat_table_print(t, stdout);
			putchar('\n');
		}
		maat_table_free(t);
	}
	if (s->superseded > 0) {
		printf(dngettext("maatlat",
				 "%zu copy of a meeting replaced by a newer version from another "
				 "export (SEQUENCE, DTSTAMP).\n",
				 "%zu copies of meetings replaced by a newer version from another "
				 "export (SEQUENCE, DTSTAMP).\n",
				 (unsigned long)s->superseded),
		       s->superseded);
	}
	if (s->units_suppressed > 0) {
		printf(_("%zu units with fewer than %d people not shown.\n"), s->units_suppressed,
		       o->min_group);
	}
	if (!o->per_person) {
		printf("%s\n", _("Figures per unit only; --per-person adds rows per person (never "
				 "for a unit under --min-group)."));
	}
	return rc;
}

int
cmd_meetings(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"cap", required_argument, NULL, 'c'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"tz", required_argument, NULL, 'z'},
	    {"min-participants", required_argument, NULL, 'p'},
	    {"max-meeting-hours", required_argument, NULL, 'm'},
	    {"exclude-tentative", no_argument, NULL, 'T'},
	    {"exclude-no-reply", no_argument, NULL, 'N'},
	    {"min-group", required_argument, NULL, 'g'},
	    {"top", required_argument, NULL, 'n'},
	    {"as-of", required_argument, NULL, 'a'},
	    {"per-person", no_argument, NULL, 'P'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_meetings_opts o;
	const char *from = NULL, *to = NULL;
	maat_meetings *m = NULL;
	maat_meetings_joins *joins = NULL;
	const char *as_of = NULL;
	maat_err err = {0};
	maat_db *db = NULL;
	bool json = false;
	int status = 0, c;

	maat_meetings_opts_init(&o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (!cli_parse_double(cli, "meetings", "--cap", optarg, &o.cap_hours)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'f':
			from = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'z':
			o.tz = optarg;
			break;
		case 'p':
			if (!cli_parse_int(cli, "meetings", "--min-participants", optarg,
					   &o.min_participants)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'm':
			if (!cli_parse_double(cli, "meetings", "--max-meeting-hours", optarg,
					      &o.max_meeting_hours)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'T':
			o.exclude_tentative = true;
			break;
		case 'N':
			o.exclude_no_reply = true;
			break;
		case 'g':
			if (!cli_parse_int(cli, "meetings", "--min-group", optarg, &o.min_group)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'n':
			if (!cli_parse_int(cli, "meetings", "--top", optarg, &o.top_series)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'P':
			o.per_person = true;
			break;
		case 'j':
			json = true;
			break;
		case 'a':
			as_of = optarg;
			break;
		case 'h':
			return cli_help("meetings", _(help));
		default:
			return cli_usage_error(cli, "meetings", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "meetings", _("unexpected argument '%s'"),
				       argv[optind]);
	}
	if (o.tz != NULL && !maat_zone_valid(o.tz)) {
		return cli_usage_error(cli, "meetings", _("--tz: unknown time zone '%s'"), o.tz);
	}
	if ((from == NULL) != (to == NULL)) {
		return cli_usage_error(cli, "meetings", _("--from and --to go together"));
	}
	if (from != NULL) {
		if (maat_zone_date_to_utc(from, o.tz, 0, &o.from, &err) < 0) {
			return cli_usage_error(cli, "meetings", "--from: %s", err.msg);
		}
		if (maat_zone_date_to_utc(to, o.tz, 1, &o.to, &err) < 0) {
			return cli_usage_error(cli, "meetings", "--to: %s", err.msg);
		}
		if (o.to <= o.from) {
			return cli_usage_error(cli, "meetings", _("--to is before --from"));
		}
		o.has_window = true;
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	/* FTE (cap x FTE) and unit of each participant: each week from the org chart snapshot in
	 * force on its Monday (--as-of: one snapshot for all); every row a person, matched by
	 * e-mail, id or name; a key several people share joins nobody */
	{
		int r = maat_meetings_joins_load(db, as_of, &joins, &err);
		if (r < 0) {
			status = cli_fail(cli, &err);
			goto out;
		}
		if (r == 2) {
			status = cli_usage_error(
			    cli, "meetings", _("--as-of: no org chart snapshot on or before %s"),
			    as_of);
			goto out;
		}
		if (r == 1 && as_of != NULL) {
			status = cli_usage_error(cli, "meetings", "%s",
						 _("--as-of: no org chart imported"));
			goto out;
		}
		maat_meetings_joins_apply(joins, &o);
	}
	if ((m = maat_meetings_compute(db, &o, &err)) == NULL) {
		status = cli_fail(cli, &err);
		goto out;
	}
	{
		const maat_meetings_summary *s = maat_meetings_get_summary(m);
		if (s->joined && s->keys > 0 && s->keys_matched * 2 < s->keys) {
			cli_warn(
			    cli,
			    _("only %zu of %zu participants found in the org chart: FTE and units "
			      "are missing for the others. Likely causes: pseudonymised on one "
			      "side "
			      "only (use the same --pseudonymise key for both), another id scheme "
			      "(names in one, e-mails in the other), or the chart of another "
			      "organisation or date"),
			    s->keys_matched, s->keys);
		}
		if (s->keys_ambiguous > 0) {
			cli_warn(cli,
				 _("%zu participant names are shared by several people in the org "
				   "chart and join nobody (unknown FTE and unit): %s"),
				 s->keys_ambiguous, s->ambiguous_keys);
		}
		if (s->fte_zero > 0) {
			cli_warn(
			    cli,
			    _("%zu people have FTE 0 in the org chart: their cap is 0, so every "
			      "meeting hour is over it"),
			    s->fte_zero);
		}
		if (s->short_expansions > 0) {
			char a[32] = "-", b[32] = "-";
			if (s->short_from != INT64_MIN) {
				utc_text(s->short_from, a, sizeof(a));
			}
			if (s->short_to != INT64_MAX) {
				utc_text(s->short_to, b, sizeof(b));
			}
			if (s->short_expansions == 1) {
				cli_warn(
				    cli,
				    _("the window reaches beyond the window %s was expanded in "
				      "at import (%s .. %s UTC): recurring meetings outside it "
				      "are missing; import it again with --from/--to"),
				    s->short_path, a, b);
			} else {
				cli_warn(cli,
					 _("the window reaches beyond the window %s and %zu other "
					   "calendars were expanded in at import (%s .. %s UTC for "
					   "the first): recurring meetings outside it are missing; "
					   "import them again with --from/--to"),
					 s->short_path, s->short_expansions - 1, a, b);
			}
		}
	}
	if (json) {
		/* streamed: a weekly meeting of 20,000 people over a year is a million rows */
		if (maat_meetings_json_write(m, stdout) < 0) {
			status = MAAT_E_IO;
		}
	} else if (maat_meetings_get_summary(m)->person_weeks == 0) {
		print_window(maat_meetings_get_summary(m));
		printf("%s\n", _("No meetings in the window."));
	} else if (print_tables(m, &o) < 0) {
		status = MAAT_E_IO;
	}
out:
	maat_meetings_free(m);
	maat_meetings_joins_free(joins);
	maat_db_close(db);
	maat_zone_cleanup();
	return status;
}
