#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/ics.h"
#include "maatlat/zone.h"

static const char *const help =
    N_("Reads iCalendar (.ics) and Outlook CSV calendar exports. Recurring meetings are expanded\n"
       "inside the window: --from and --to are dates in the zone of --tz, both inclusive. Without\n"
       "--to, open series stop at the end of the last full ISO week before the export time (the\n"
       "newest DTSTAMP in the file; the import time for Outlook CSV and files without DTSTAMP):\n"
       "later weeks are planned, not held. Without --from, at most 2 years before that. Each\n"
       "series expands at most --instance-limit instances (default 100000); hitting a bound is\n"
       "logged (see `maatlat sources`). The same meeting in several mailboxes' exports counts\n"
       "once: per series and instance the highest SEQUENCE, then the newest DTSTAMP wins, in any\n"
       "import order.\n"
       "\n"
       "  --owner EMAIL        the calendar's owner, for events without attendees\n"
       "                       (default: an e-mail in X-WR-CALNAME)\n"
       "  --from DATE          first day of the window (yyyy-mm-dd)\n"
       "  --to DATE            last day of the window (inclusive)\n"
       "  --tz ZONE            the organisation's zone, for floating times, unknown zones and\n"
       "                       Outlook CSV (default Europe/Amsterdam)\n"
       "  --instance-limit N   instances per series at most (default 100000)\n"
       "  --date-order ORDER   Outlook CSV dates: dmy, mdy or ymd (default: detected per file;\n"
       "                       a day above 12 decides, AM/PM points to mdy, Dutch headers to\n"
       "                       dmy; an ambiguous file is refused)\n"
       "  --encoding ENC       the file's encoding (e.g. windows-1252; default UTF-8)\n"
       "  --min-group N        titles of meetings with fewer attending participants are not\n"
       "                       stored (default 5: titles of bilaterals name people)\n"
       "  --replace            replace an earlier import of the same file\n"
       "  --pseudonymise       store participants as keyed hashes (key from --key-file\n"
       "                       FILE or $MAATLAT_KEY, never stored; use the same key as\n"
       "                       for the org chart so FTE and units still apply); names and\n"
       "                       e-mails inside titles and the file name are pseudonymised too\n");

/* The source the import just recorded (maat_cal_import_file does not hand it back). */
static int64_t
last_source(maat_db *db)
{
	sqlite3_stmt *st = maat_db_stmt(db, "SELECT max(id) FROM sources", NULL);
	int64_t id = 0;
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
	}
	if (st != NULL) {
		sqlite3_reset(st);
	}
	return id;
}

int
cmd_import_calendar(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"owner", required_argument, NULL, 'o'},
	    {"from", required_argument, NULL, 'f'},
	    {"to", required_argument, NULL, 't'},
	    {"tz", required_argument, NULL, 'z'},
	    {"instance-limit", required_argument, NULL, 'l'},
	    {"date-order", required_argument, NULL, 'd'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"min-group", required_argument, NULL, 'g'},
	    {"replace", no_argument, NULL, 'r'},
	    {"pseudonymise", no_argument, NULL, 'P'},
	    {"pseudonymize", no_argument, NULL, 'P'},
	    {"key-file", required_argument, NULL, 'K'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_cal_opts o = {0};
	const char *from = NULL, *to = NULL, *key_file = NULL;
	bool want_pseudo = false;
	maat_pseudo *pseudo = NULL;
	maat_err err = {0};
	maat_db *db = NULL;
	maat_cal_prefetch *pf = NULL;
	int status = 0, c, limit;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.owner = optarg;
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
		case 'l':
			if (!cli_parse_int(cli, "import", "--instance-limit", optarg, &limit)) {
				return MAAT_E_USAGE;
			}
			o.instance_limit = limit;
			break;
		case 'g':
			if (!cli_parse_int(cli, "import", "--min-group", optarg, &o.min_group)) {
				return MAAT_E_USAGE;
			}
			if (o.min_group < 1) {
				return cli_usage_error(cli, "import", "%s",
						       _("--min-group must be at least 1"));
			}
			break;
		case 'r':
			o.replace = true;
			break;
		case 'd':
			if (strcmp(optarg, "dmy") == 0) {
				o.date_order = MAAT_DATE_DMY;
			} else if (strcmp(optarg, "mdy") == 0) {
				o.date_order = MAAT_DATE_MDY;
			} else if (strcmp(optarg, "ymd") == 0) {
				o.date_order = MAAT_DATE_YMD;
			} else {
				return cli_usage_error(cli, "import",
						       _("--date-order: dmy, mdy or ymd, not '%s'"),
						       optarg);
			}
			break;
		case 'e':
			o.encoding = optarg;
			break;
		case 'P':
			want_pseudo = true;
			break;
		case 'K':
			key_file = optarg;
			want_pseudo = true;
			break;
		case 'h':
			return cli_help("import", _(help));
		default:
			return cli_usage_error(cli, "import", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cli, "import", _("import calendar: no file given"));
	}
	if (o.tz != NULL && !maat_zone_valid(o.tz)) {
		return cli_usage_error(cli, "import", _("--tz: unknown time zone '%s'"), o.tz);
	}
	if (from != NULL) {
		if (maat_zone_date_to_utc(from, o.tz, 0, &o.from, &err) < 0) {
			return cli_usage_error(cli, "import", "--from: %s", err.msg);
		}
		o.has_from = true;
	}
	if (to != NULL) {
		if (maat_zone_date_to_utc(to, o.tz, 1, &o.to, &err) < 0) {
			return cli_usage_error(cli, "import", "--to: %s", err.msg);
		}
		o.has_to = true;
	}
	if (o.has_from && o.has_to && o.to <= o.from) {
		return cli_usage_error(cli, "import", _("--to is before --from"));
	}
	if ((pseudo = cli_pseudo_open(cli, want_pseudo, key_file, &status)) == NULL && status) {
		return status;
	}
	o.pseudo = pseudo;
	if ((db = cli_open_db(cli, MAAT_DB_CREATE, &status)) == NULL) {
		maat_pseudo_free(pseudo);
		return status;
	}
	/* the same meetings in every attendee's export: look them up and expand them once */
	o.cache = maat_cal_cache_new();
	/* the next exports are read on a second thread while one is stored */
	if ((pf = maat_cal_prefetch_new(db, argv + optind, argc - optind, &o, &err)) == NULL) {
		status = cli_fail(cli, &err);
	}
	for (int i = optind; pf != NULL && i < argc; i++) {
		int rc;
		maat_err_clear(&err);
		rc = maat_cal_import_next(pf, &err);
		if (rc < 0) {
			/* the reading thread stops before anything is said */
			maat_cal_prefetch_free(pf);
			pf = NULL;
			status = cli_fail(cli, &err);
			cli_import_stopped(cli, argv + optind, argc - optind, i - optind);
			break;
		}
		if (rc == 1) {
			cli_warn(cli, "%s", err.msg);
		} else {
			int64_t id = last_source(db);
			const char *label = cli_input_label(cli, argv[i]);
			cli_print_source_summary(cli, db, id, label, _("events"));
			cli_import_replaced(cli, db, argv[i]);
			cli_print_source_messages(cli, db, id, label, "sources");
		}
	}
	maat_cal_prefetch_free(pf);
	maat_cal_cache_free(o.cache);
	maat_pseudo_free(pseudo);
	maat_db_close(db);
	maat_zone_cleanup();
	return status;
}
