#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/org_common.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/layers.h"
#include "maatlat/util.h"

bool
cli_valid_date(const char *s)
{
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-') {
		return false;
	}
	for (int i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) {
			return false;
		}
	}
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > days[m - 1]) {
		return false;
	}
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

static void
fig_line(const char *label, double v, int decimals)
{
	/* pad by characters, not bytes: "leidinggevenden van één" has two 2-byte letters */
	int chars = 0, pad;
	for (const char *p = label; *p; p++) {
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	}
	pad = chars < 34 ? 34 - chars : 0;
	if (isnan(v)) {
		printf("  %s%*s %s\n", label, pad, "", "-");
	} else {
		char num[64];
		printf("  %s%*s %s\n", label, pad, "",
		       maat_i18n_real(num, sizeof(num), v, decimals));
	}
}

static int
print_people(const maat_org *org, const maat_org_snapshots *snaps, const maat_layers *l)
{
	const maat_layers_figures *f = maat_layers_figures_get(l);
	int rc = 0;

	printf(_("Org chart as of %s; min span %d (thin manager: span < %d)\n"),
	       *org->as_of ? org->as_of : _("(undated)"), f->min_span, f->min_span);
	cli_org_print_snapshot(snaps, org->as_of);
	fputc('\n', stdout);
	fig_line(_("people"), (double)f->people, 0);
	if (f->aggregate_rows) {
		fig_line(_("aggregate rows"), (double)f->aggregate_rows, 0);
		fig_line(_("aggregate FTE"), f->aggregate_fte, 2);
	}
	fig_line(_("roots"), (double)f->roots, 0);
	fig_line(_("layers"), f->layers, 0);
	fig_line(_("managers"), (double)f->managers, 0);
	fig_line(_("span mean"), f->span_mean, 2);
	fig_line(_("span median"), f->span_median, 2);
	fig_line(_("span max"), f->span_max, 2);
	fig_line(_("managers of one"), (double)f->managers_span_1, 0);
	fig_line(_("thin managers"), (double)f->thin_managers, 0);
	fig_line(_("pass-through managers"), (double)f->pass_through_managers, 0);
	fig_line(_("staff per manager"), f->staff_per_manager, 2);
	fig_line(_("manager share (%)"), f->manager_share * 100, 1);
	fig_line(_("external share of FTE (%)"), f->external_share * 100, 1);
	if (f->employment_unknown > 0) {
		fig_line(_("employment unknown (people)"), (double)f->employment_unknown, 0);
	}
	fig_line(_("orphans"), (double)f->orphans, 0);
	fig_line(_("self-loops"), (double)f->self_loops, 0);
	fig_line(_("cycles"), (double)f->cycles, 0);
	fig_line(_("duplicate ids"), (double)f->duplicate_ids, 0);
	fig_line(_("conflicts"), (double)f->conflicts, 0);
	fig_line(_("ids differing in leading zeros"), (double)f->leading_zero_ids, 0);
	fputc('\n', stdout);
	rc |= cli_print_table(maat_layers_pyramid_table(l));
	rc |= cli_print_table(maat_layers_span_bands_table(l));
	rc |= cli_print_table(maat_layers_managers_table(l));
	rc |= cli_print_table(maat_layers_delayering_table(l));
	rc |= cli_print_table(maat_layers_removed_table(l));
	rc |= cli_print_table(maat_org_anomalies_table(org));
	return rc;
}

int
cmd_layers(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"min-span", required_argument, NULL, 'm'},
	    {"as-of", required_argument, NULL, 'a'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int min_span = MAAT_LAYERS_MIN_SPAN_DEFAULT;
	const char *as_of = NULL;
	bool json = false;
	maat_org_snapshots snaps = {0};
	maat_org *org = NULL;
	maat_layers *l = NULL;
	maat_db *db = NULL;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			if (!cli_parse_int(cli, "layers", "--min-span", optarg, &min_span)) {
				return MAAT_E_USAGE;
			}
			break;
		case 'a':
			if (!cli_valid_date(optarg)) {
				return cli_usage_error(cli, "layers",
						       _("--as-of: not a date (yyyy-mm-dd): '%s'"),
						       optarg);
			}
			as_of = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(
			    "layers",
			    _("Layers between the front line and the top, spans of control, thin\n"
			      "managers (span < --min-span, default 3), managers of one, "
			      "pass-through\n"
			      "managers, and a delayering simulation that removes every non-root\n"
			      "manager with a span below the minimum and moves their reports to "
			      "the\n"
			      "nearest remaining ancestor. --as-of DATE uses the latest snapshot "
			      "on\n"
			      "or before DATE (default: the latest).\n"));
		default:
			return cli_usage_error(cli, "layers", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "layers", _("unexpected argument '%s'"), argv[optind]);
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	if ((status = cli_org_load(cli, db, as_of, json ? MAAT_ORG_LOAD_IDS_ONLY : 0, &org,
				   &snaps)) != 0) {
		goto out;
	}
	l = maat_layers_compute(org, min_span);
	if (json) {
		json_t *o = maat_layers_json(l);
		cli_org_json_snapshots(o, &snaps, org->as_of);
		if (maat_json_print(o, stdout) < 0) {
			status = MAAT_E_IO;
		}
		json_decref(o);
	} else if (print_people(org, &snaps, l) != 0) {
		status = MAAT_E_IO;
	}
	if (fflush(stdout) != 0) {
		status = MAAT_E_IO;
	}
out:
	maat_layers_free(l);
	maat_org_free(org);
	maat_org_snapshots_fini(&snaps);
	maat_db_close(db);
	return status;
}
