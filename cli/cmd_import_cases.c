#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/cases.h"
#include "maatlat/dbsource.h"
#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/timestamp.h"
#include "maatlat/util.h"

int
cmd_import_cases(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"format", required_argument, NULL, 'f'},
	    {"query", required_argument, NULL, 'Q'},
	    {"case", required_argument, NULL, 'c'},
	    {"activity", required_argument, NULL, 'a'},
	    {"time", required_argument, NULL, 't'},
	    {"resource", required_argument, NULL, 'r'},
	    {"lifecycle", required_argument, NULL, 'l'},
	    {"role", required_argument, NULL, 'o'},
	    {"group", required_argument, NULL, 'g'},
	    {"case-type", required_argument, NULL, 'y'},
	    {"tz", required_argument, NULL, 'z'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"replace", no_argument, NULL, 'R'},
	    {"pseudonymise", no_argument, NULL, 'P'},
	    {"pseudonymize", no_argument, NULL, 'P'},
	    {"key-file", required_argument, NULL, 'K'},
	    {"max-inflate-ratio", required_argument, NULL, 'I'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_cases_counts counts = {0};
	maat_cases_opts o = {.counts = &counts};
	const char *tzname = "Europe/Amsterdam";
	unsigned flags = 0;
	const char *key_file = NULL, *query = NULL;
	bool want_pseudo = false;
	maat_pseudo *pseudo = NULL;
	maat_err err = {0};
	maat_db *db = NULL;
	maat_buf options = {0};
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "auto") != 0 && strcmp(optarg, "csv") != 0 &&
			    strcmp(optarg, "xes") != 0 && strcmp(optarg, "zgw") != 0) {
				return cli_usage_error(
				    cli, "import",
				    _("--format: use auto, csv, xes or zgw, not '%s'"), optarg);
			}
			o.format = optarg;
			break;
		case 'Q':
			query = optarg;
			break;
		case 'c':
			o.case_col = optarg;
			break;
		case 'a':
			o.activity_col = optarg;
			break;
		case 't':
			o.time_col = optarg;
			break;
		case 'r':
			o.resource_col = optarg;
			break;
		case 'l':
			o.lifecycle_col = optarg;
			break;
		case 'o':
			o.role_col = optarg;
			break;
		case 'g':
			o.group_col = optarg;
			break;
		case 'y':
			o.case_type_col = optarg;
			break;
		case 'z':
			tzname = optarg;
			break;
		case 'e':
			o.encoding = optarg;
			break;
		case 'R':
			flags |= MAAT_IMPORT_REPLACE;
			break;
		case 'I':
			if (!cli_parse_double(cli, "import", "--max-inflate-ratio", optarg,
					      &o.max_inflate_ratio)) {
				return MAAT_E_USAGE;
			}
			/* 0 on the command line: no bound */
			o.max_inflate_ratio = o.max_inflate_ratio == 0 ? -1 : o.max_inflate_ratio;
			break;
		case 'P':
			want_pseudo = true;
			break;
		case 'K':
			key_file = optarg;
			want_pseudo = true;
			break;
		case 'h':
			return cli_help(
			    "import",
			    _("maatlat import cases FILE... [--format auto|csv|xes|zgw] [--case "
			      "COL]\n"
			      "  [--activity COL] [--time COL] [--resource COL] [--lifecycle COL]\n"
			      "  [--role COL] [--group COL] [--case-type COL] [--tz ZONE]\n"
			      "  [--encoding ENC] [--replace] [--pseudonymise [--key-file "
			      "FILE]]\n"
			      "  [--max-inflate-ratio N]\n\n"
			      "Reads case logs: CSV (columns by name; defaults case:concept:name,\n"
			      "concept:name, time:timestamp, org:resource, lifecycle:transition,\n"
			      "org:role, org:group, zaaktype, and Dutch names such as zaaknummer,\n"
			      "activiteit, tijdstip, medewerker, behandelaar) or XES (.xes, "
			      ".xes.gz;\n"
			      "the options name attribute keys). Times without an offset are read\n"
			      "in --tz (default Europe/Amsterdam) and stored as UTC. Only case id\n"
			      "and type, activity, time, resource, lifecycle, role and group are\n"
			      "kept; nothing about the citizen. --pseudonymise stores resources "
			      "as\n"
			      "keyed hashes (key from --key-file or $MAATLAT_KEY, never "
			      "stored).\n"
			      "All case logs form one log: a case id is one case across files, "
			      "and an\n"
			      "event another file already holds counts once (the import says how\n"
			      "many); --replace of one file keeps what another file also holds.\n"
			      "A .gz that inflates more than N times its size (default 250; 0 = "
			      "no\n"
			      "bound) is refused as a compression bomb.\n"));
		default:
			return cli_usage_error(cli, "import", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cli, "import", "%s", _("import cases: which file(s)?"));
	}
	for (int i = optind; i < argc; i++) {
		if (maat_dbsource_is_uri(argv[i]) && query == NULL) {
			return cli_usage_error(cli, "import", "%s",
					       _("a database source needs --query 'SELECT ...'"));
		}
	}
	if ((o.tz = maat_tz_new(tzname, &err)) == NULL) {
		return cli_usage_error(cli, "import", "--tz: %s", err.msg);
	}
	/* the settings that shaped the rows, recorded with the source */
	maat_buf_printf(&options, "format=%s tz=%s", o.format ? o.format : "auto", tzname);
	if (o.encoding) {
		maat_buf_printf(&options, " encoding=%s", o.encoding);
	}
	{
		const char *names[] = {"case",      "activity", "time",  "resource",
				       "lifecycle", "role",     "group", "case-type"};
		const char *vals[] = {o.case_col,     o.activity_col,  o.time_col,
				      o.resource_col, o.lifecycle_col, o.role_col,
				      o.group_col,    o.case_type_col};
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (vals[i] != NULL) {
				maat_buf_printf(&options, " %s=%s", names[i], vals[i]);
			}
		}
	}
	if ((pseudo = cli_pseudo_open(cli, want_pseudo, key_file, &status)) == NULL && status) {
		goto out;
	}
	o.pseudo = pseudo;
	if (pseudo != NULL) {
		maat_buf_printf(&options, " pseudonymised");
	}
	if ((db = cli_open_db(cli, MAAT_DB_CREATE, &status)) == NULL) {
		goto out;
	}
	/* a case import only adds rows (maat_db_fk_pause); --replace deletes. The pause ends
	 * with the connection. */
	if (!(flags & MAAT_IMPORT_REPLACE) && maat_db_fk_pause(db, &err) < 0) {
		status = cli_fail(cli, &err);
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		/* under --pseudonymise the file name is not stored (it may name a person) */
		char *stored = pseudo != NULL && !maat_dbsource_is_uri(argv[i])
				   ? maat_pseudo_source_name(pseudo, argv[i])
				   : NULL;
		int rc = maat_dbsource_is_uri(argv[i])
			     ? maat_dbsource_import(db, "cases", argv[i], query, options.data,
						    flags, maat_cases_import, &o, NULL, &err)
			     : maat_db_import_file_as(db, "cases", argv[i], stored, options.data,
						      flags, maat_cases_import, &o, NULL, &err);
		free(stored);
		if (rc < 0) {
			status = cli_fail(cli, &err);
			cli_import_stopped(cli, argv + optind, argc - optind, i - optind);
			goto out;
		}
		if (rc == 1) {
			cli_warn(cli, "%s", err.msg);
			continue;
		}
		{
			/* a database is shown without user name or password */
			char *shown = maat_dbsource_is_uri(argv[i])
					  ? maat_dbsource_redact(argv[i])
					  : maat_xstrdup(cli_input_label(cli, argv[i]));
			printf(_("%s: %lld cases, %lld events (%lld without a resource)\n"), shown,
			       (long long)counts.cases, (long long)counts.events,
			       (long long)counts.without_resource);
			if (counts.known > 0) {
				printf(_("%s: %lld of these events were already known from other "
					 "case logs; they count once\n"),
				       shown, (long long)counts.known);
			}
			free(shown);
		}
		cli_import_replaced(cli, db, argv[i]);
	}
out:
	maat_pseudo_free(pseudo);
	maat_buf_fini(&options);
	maat_tz_free((maat_tz *)o.tz);
	maat_db_close(db);
	return status;
}
