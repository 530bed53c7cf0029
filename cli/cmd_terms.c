#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/terms.h"

/* Evidence rows shown on the terminal; --json and the workbook give all of them. */
#define SHOW_ROWS 20

int
cmd_terms(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"case-type", required_argument, NULL, 'c'},
	    {"warn-days", required_argument, NULL, 'w'},
	    {"tz", required_argument, NULL, 'z'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_terms_opts o;
	maat_terms *t = NULL;
	maat_err err = {0};
	maat_db *db = NULL;
	bool json = false;
	int status = 0, c;

	maat_terms_opts_init(&o);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.case_type_attr = optarg;
			break;
		case 'w':
			if (!cli_parse_double(cli, "terms", "--warn-days", optarg, &o.warn_days)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'z':
			o.tz = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(
			    "terms",
			    _("Measures every case of the imported case logs against its decision\n"
			      "term (METRICS.md section 5): the terms of `maatlat import terms`, "
			      "or\n"
			      "the Awb's 8 weeks (56 calendar days) from the first to the last "
			      "event.\n"
			      "Lead time = end - start - suspended time, in calendar or working "
			      "days\n"
			      "(weekends and holidays skipped). Per case type, unit of the first\n"
			      "owner (with an org chart: the snapshot in force at the start) and\n"
			      "month of start: cases, median and p90 lead time, share over the "
			      "term,\n"
			      "mean days over; open cases over or near the term; the cases over "
			      "it.\n\n"
			      "  --case-type ATTR   the case attribute the case logs were "
			      "imported\n"
			      "                     with (import cases --case-type; default "
			      "zaaktype\n"
			      "                     or case:type); another one is refused with "
			      "the\n"
			      "                     command that re-imports\n"
			      "  --warn-days D      list open cases within D days of the term "
			      "(default 7)\n"
			      "  --tz ZONE          days, weekends and months in this zone\n"
			      "                     (default Europe/Amsterdam)\n"
			      "  --json             one JSON object on stdout\n"));
		default:
			return cli_usage_error(cli, "terms", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "terms", _("unexpected argument '%s'"), argv[optind]);
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	if (maat_terms_compute(db, &o, &t, &err) < 0) {
		status = cli_fail(cli, &err);
		goto out;
	}
	if (json) {
		json_t *j = maat_terms_json(t);
		if (maat_json_print(j, stdout) < 0) {
			status = MAAT_E_IO;
		}
		json_decref(j);
		goto out;
	}
	if (t->cases == 0) {
		printf("%s\n", _("No case log imported yet (maatlat import cases FILE)."));
		goto out;
	}
	if (cli_print_table(maat_terms_summary_table(t)) < 0 ||
	    cli_print_table(maat_terms_type_table(t)) < 0 ||
	    cli_print_table(maat_terms_unit_table(t)) < 0 ||
	    cli_print_table(maat_terms_month_table(t)) < 0 ||
	    cli_print_table(maat_terms_case_table(t, SHOW_ROWS)) < 0) {
		status = MAAT_E_IO;
		goto out;
	}
	if ((size_t)(t->over_term + t->open_over_term + t->open_near_term) > SHOW_ROWS) {
		printf(_("Cases over the term: the first %d shown (most days over first); --json "
			 "or the workbook give all.\n"),
		       SHOW_ROWS);
	}
	if (!t->have_terms) {
		printf("%s\n", _("No terms file imported: every case has the Awb's reasonable "
				 "term of 8 weeks (maatlat import terms FILE)."));
	}
out:
	maat_terms_free(t);
	maat_db_close(db);
	return status;
}
