/* maatlat demo: the bundled example municipality imported into a fresh store, every report
 * written, and the first figures for a director, a works council and a policy maker. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "config.h"
#include "maatlat/graph.h"
#include "maatlat/html.h"
#include "maatlat/i18n.h"
#include "maatlat/ics.h"
#include "maatlat/org.h"
#include "maatlat/org_import.h"
#include "maatlat/summary.h"
#include "maatlat/terms.h"
#include "maatlat/terms_import.h"
#include "maatlat/trend.h"
#include "maatlat/util.h"
#include "maatlat/zone.h"
#include "maatlat/workbook.h"
#ifdef MAAT_HAVE_HANDOVERS
#include "maatlat/cases.h"
#endif

#define DEMO_OUT_DEFAULT "maatlat-demo"
/* the dates of the two org snapshots (examples/generate.sh) */
#define DEMO_BEFORE "2024-01-01"
#define DEMO_NOW "2025-01-01"

static const char *const help =
    N_("Imports the bundled example municipality (Gemeente Voorbeeld: two org snapshots,\n"
       "mandates, eight weeks of calendars of one policy department, six months of permit\n"
       "cases and their decision terms) into a fresh store DIR/maatlat.db, writes\n"
       "DIR/report.html, DIR/report.xlsx, DIR/org.svg and DIR/handovers.svg, and prints what\n"
       "a director, a works council and a policy maker would look at first.\n"
       "\n"
       "  --out DIR   where to write (default maatlat-demo); an old demo in DIR is replaced,\n"
       "              a store the demo did not write is not (exit 73)\n"
       "\n"
       "The demo is built in a temporary folder inside DIR and moved in when whole, so a\n"
       "failed or interrupted demo leaves the previous one as it was. --db is refused:\n"
       "the demo's store is always DIR/maatlat.db.\n"
       "\n"
       "The examples are found in $MAATLAT_EXAMPLES, else in the source tree, else where\n"
       "maatlat is installed.\n");

/* The time shown as "generated": $SOURCE_DATE_EPOCH when set (reproducible files), else now. */
static int64_t
generated_at(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end = NULL;
	long long v;
	if (s != NULL && *s != '\0') {
		v = strtoll(s, &end, 10);
		if (*end == '\0' && v >= 0) {
			return v;
		}
	}
	return (int64_t)time(NULL);
}

static bool
is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The examples directory: $MAATLAT_EXAMPLES, the source tree's, the installed one. */
static const char *
examples_dir(void)
{
	const char *env = getenv("MAATLAT_EXAMPLES");
	if (env != NULL && *env != '\0') {
		return env;
	}
	if (is_dir(MAAT_EXAMPLES_DIR)) {
		return MAAT_EXAMPLES_DIR;
	}
	return MAAT_INSTALLED_EXAMPLES_DIR;
}

static int
select_ics(const struct dirent *d)
{
	size_t n = strlen(d->d_name);
	return d->d_name[0] != '.' && n > 4 && strcmp(d->d_name + n - 4, ".ics") == 0;
}

/* The files a demo writes into its folder; the store last, so a reader sees a whole demo. */
static const char *const demo_files[] = {"report.html", "report.xlsx", "org.svg", "handovers.svg",
					 "maatlat.db"};

/* True when path is a store the demo wrote (every source is one of the bundled examples) or
 * an empty file: only then may a demo replace it. */
static bool
is_demo_store(const char *path, const char *ex)
{
	sqlite3 *sq = NULL;
	sqlite3_stmt *st = NULL;
	struct stat sb;
	size_t exlen = strlen(ex);
	bool demo = false;
	int rc, n = 0;

	if (stat(path, &sb) != 0 || (S_ISREG(sb.st_mode) && sb.st_size == 0)) {
		return true;
	}
	if (!S_ISREG(sb.st_mode)) {
		return false;
	}
	/* read-write without CREATE: it writes nothing, and removes its -wal and -shm at close */
	if (sqlite3_open_v2(path, &sq, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(sq, "SELECT path FROM sources", -1, &st, NULL) != SQLITE_OK) {
		goto out;
	}
	demo = true;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);
		n++;
		if (p == NULL || !((strncmp(p, ex, exlen) == 0 && p[exlen] == '/') ||
				   strstr(p, "/examples/") != NULL)) {
			demo = false;
		}
	}
	demo = demo && rc == SQLITE_DONE && n > 0;
out:
	sqlite3_finalize(st);
	sqlite3_close_v2(sq);
	return demo;
}

/* Removes what a failed demo left in its temporary folder, and the folder. */
static void
remove_tmp_dir(const char *tmp)
{
	static const char *const sides[] = {"", "-wal", "-shm", "-journal", ".tmp"};
	for (size_t i = 0; i < sizeof(demo_files) / sizeof(demo_files[0]); i++) {
		for (size_t k = 0; k < sizeof(sides) / sizeof(sides[0]); k++) {
			char *p = maat_xasprintf("%s/%s%s", tmp, demo_files[i], sides[k]);
			unlink(p);
			free(p);
		}
	}
	rmdir(tmp);
}

/* Moves the finished demo from tmp into dir, file by file (rename: each one is whole, old or
 * new); the old store's -wal and -shm go first, they belong to the old store. */
static bool
move_into(const char *tmp, const char *dir, maat_err *err)
{
	for (size_t i = 0; i < sizeof(demo_files) / sizeof(demo_files[0]); i++) {
		char *from = maat_xasprintf("%s/%s", tmp, demo_files[i]);
		char *to = maat_xasprintf("%s/%s", dir, demo_files[i]);
		bool ok = true;
		if (strcmp(demo_files[i], "maatlat.db") == 0) {
			char *wal = maat_xasprintf("%s-wal", to),
			     *shm = maat_xasprintf("%s-shm", to);
			unlink(wal);
			unlink(shm);
			free(wal);
			free(shm);
		}
		if (access(from, F_OK) == 0 && rename(from, to) != 0) {
			maat_err_set(err, MAAT_E_CANTCREAT, _("cannot create %s: %s"), to,
				     strerror(errno));
			ok = false;
		}
		free(from);
		free(to);
		if (!ok) {
			return false;
		}
	}
	return true;
}

/* Creates dir (and checks it is a writable directory); false with err set (73) when not. */
static bool
make_out_dir(const char *dir, maat_err *err)
{
	char *probe;
	int fd;

	if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
		maat_err_set(err, MAAT_E_CANTCREAT, _("%s: cannot create the output directory: %s"),
			     dir, strerror(errno));
		return false;
	}
	if (!is_dir(dir)) {
		maat_err_set(err, MAAT_E_CANTCREAT, _("%s: exists and is not a directory"), dir);
		return false;
	}
	/* a probe file: access() says yes to root on read-only file systems and in /sys */
	probe = maat_xasprintf("%s/.maatlat-demo-probe", dir);
	if ((fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) {
		maat_err_set(err, MAAT_E_CANTCREAT,
			     _("%s: cannot write into the output directory: %s"), dir,
			     strerror(errno));
		free(probe);
		return false;
	}
	close(fd);
	unlink(probe);
	free(probe);
	return true;
}

/* Imports every example file into db; *ncal receives the calendars imported. */
static int
import_examples(maat_cli *cli, maat_db *db, const char *ex, int *ncal, maat_err *err)
{
	maat_org_import_opts oo = {0};
	maat_cal_opts co = {0};
	struct dirent **list = NULL;
	char *path = NULL, *caldir = NULL;
	int n = 0, rc;

	/* two snapshots: a year before the delayering, and the chart now */
	path = maat_xasprintf("%s/org-2024.csv", ex);
	oo.as_of = DEMO_BEFORE;
	cli_info(cli, _("importing %s"), path);
	if ((rc = maat_org_import_file(db, path, &oo, 0, NULL, err)) < 0) {
		goto out;
	}
	free(path);
	path = maat_xasprintf("%s/org.csv", ex);
	oo.as_of = DEMO_NOW;
	cli_info(cli, _("importing %s"), path);
	if ((rc = maat_org_import_file(db, path, &oo, 0, NULL, err)) < 0) {
		goto out;
	}
	free(path);
	path = maat_xasprintf("%s/mandates.csv", ex);
	cli_info(cli, _("importing %s"), path);
	if ((rc = maat_mandates_import_file(db, path, 0, NULL, err)) < 0) {
		goto out;
	}
	caldir = maat_xasprintf("%s/calendars", ex);
	if ((n = scandir(caldir, &list, select_ics, alphasort)) < 0) {
		rc = maat_err_set(err, MAAT_E_NOINPUT,
				  _("%s: cannot read the example calendars: %s"), caldir,
				  strerror(errno));
		n = 0;
		goto out;
	}
	cli_info(cli, _("importing %d calendars from %s"), n, caldir);
	for (int i = 0; i < n; i++) {
		free(path);
		path = maat_xasprintf("%s/%s", caldir, list[i]->d_name);
		if ((rc = maat_cal_import_file(db, path, &co, err)) < 0) {
			goto out;
		}
	}
	*ncal = n;
#ifdef MAAT_HAVE_HANDOVERS
	{
		maat_cases_opts ko = {0};
		free(path);
		path = maat_xasprintf("%s/cases.csv", ex);
		ko.path = path;
		cli_info(cli, _("importing %s"), path);
		if ((rc = maat_db_import_file(db, "cases", path, "format=auto tz=UTC", 0,
					      maat_cases_import, &ko, NULL, err)) < 0) {
			goto out;
		}
	}
#endif
	{
		char *holidays = maat_xasprintf("%s/holidays.txt", ex);
		maat_terms_import_opts to = {.holidays = holidays};
		free(path);
		path = maat_xasprintf("%s/terms.csv", ex);
		cli_info(cli, _("importing %s"), path);
		rc = maat_terms_import_file(db, path, &to, 0, NULL, err);
		free(holidays);
		if (rc < 0) {
			goto out;
		}
	}
	rc = 0;
out:
	for (int i = 0; i < n; i++) {
		free(list[i]);
	}
	free(list);
	free(caldir);
	free(path);
	return rc;
}

/* One line each for decision terms and the trend (METRICS.md §5 and §6), with the command that
 * digs deeper. */
static int
print_terms_trend(maat_db *db, const char *prog, const char *dbpath, maat_err *err)
{
	char n1[32], n2[32], n3[32];
	maat_terms *t = NULL;
	maat_trend *tr = NULL;
	maat_buf w = {0};
	int rc;
	bool plain = *dbpath != '\0';

	/* the store as a shell word, as the summary writes it */
	for (const char *p = dbpath; *p && plain; p++) {
		plain =
		    strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/+-",
			   *p) != NULL;
	}
	if (plain) {
		maat_buf_printf(&w, "%s", dbpath);
	} else {
		maat_buf_append(&w, "'", 1);
		for (const char *p = dbpath; *p; p++) {
			maat_buf_append(&w, *p == '\'' ? "'\\''" : p, *p == '\'' ? 4 : 1);
		}
		maat_buf_append(&w, "'", 1);
	}
	if ((rc = maat_terms_compute(db, NULL, &t, err)) < 0 ||
	    (rc = maat_trend_compute(db, &tr, err)) < 0) {
		goto out;
	}
	if (t->cases > 0) {
		printf(_("Decision terms: %lld of %lld closed cases (%s%%) over their term, median "
			 "lead time %s days, p90 %s; %lld open cases over it\n"),
		       (long long)t->over_term, (long long)t->closed,
		       maat_i18n_real(n1, sizeof(n1), 100.0 * t->share_over_term, 1),
		       maat_i18n_real(n2, sizeof(n2), t->lead_median, 1),
		       maat_i18n_real(n3, sizeof(n3), t->lead_p90, 1),
		       (long long)t->open_over_term);
		printf(_("  Dig deeper: %s --db %s terms\n\n"), prog, w.data);
	}
	if (tr->nsnapshots > 1) {
		const maat_trend_snapshot *a = &tr->snapshots[tr->nsnapshots - 2],
					  *b = &tr->snapshots[tr->nsnapshots - 1];
		printf(_("Trend %s -> %s: layers %d -> %d, managers %zu -> %zu, hired-in FTE "
			 "%s%% -> %s%%; %s\n"),
		       a->as_of, b->as_of, a->layers, b->layers, a->managers, b->managers,
		       maat_i18n_real(n1, sizeof(n1), 100.0 * a->external_share, 1),
		       maat_i18n_real(n2, sizeof(n2), 100.0 * b->external_share, 1),
		       b->flagged ? _("flagged: execution FTE fell while management or policy FTE "
				      "grew")
				  : _("not flagged"));
		printf(_("  Dig deeper: %s --db %s trend\n\n"), prog, w.data);
	}
out:
	maat_buf_fini(&w);
	maat_terms_free(t);
	maat_trend_free(tr);
	return rc;
}

/* Writes the workbook and the two graphs into dir. */
static int
write_reports(maat_cli *cli, maat_db *db, const char *dir, maat_err *err)
{
	maat_report_options ro = {.min_group = MAAT_REPORT_MIN_GROUP_DEFAULT};
	maat_report_graph_options go = {.by_unit = true};
	maat_workbook *wb = maat_workbook_new();
	char *path = maat_xasprintf("%s/report.xlsx", dir), *summary = NULL;
	int rc = maat_report_fill(db, &ro, wb, err);

	if (rc == 0) {
		rc = maat_workbook_write(wb, path, generated_at(), err);
	}
	maat_workbook_free(wb);
	if (rc < 0) {
		goto out;
	}
	free(path);
	path = maat_xasprintf("%s/org.svg", dir);
	/* the whole organisation, one cluster per unit: staff fold into their manager's box, so
	 * 400 people fit in a picture a few thousand pixels wide */
	if ((rc = maat_report_org_graph(db, &go, path, &summary, err)) < 0) {
		goto out;
	}
	go.by_unit = false;
	cli_info(cli, "%s", summary);
	free(summary);
	summary = NULL;
#ifdef MAAT_HAVE_HANDOVERS
	free(path);
	path = maat_xasprintf("%s/handovers.svg", dir);
	if ((rc = maat_report_handover_graph(db, &go, path, &summary, err)) < 0) {
		goto out;
	}
	cli_info(cli, "%s", summary);
#endif
	free(path);
	path = maat_xasprintf("%s/report.html", dir);
	{
		/* the whole organisation: individual contributors fold into their manager's box */
		maat_html_options ho = {.min_group = MAAT_REPORT_MIN_GROUP_DEFAULT};
		if ((rc = maat_html_write(db, &ho, path, generated_at(), err)) < 0) {
			goto out;
		}
	}
	rc = 0;
out:
	free(summary);
	free(path);
	return rc;
}

int
cmd_demo(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *dir = DEMO_OUT_DEFAULT, *ex;
	/* the commands printed run as printed: the path the user typed (./build/maatlat), or
	 * "maatlat" when it was found on $PATH */
	const char *prog =
	    cli->prog != NULL && strchr(cli->prog, '/') != NULL ? cli->prog : "maatlat";
	char *dbpath = NULL, *tmpdir = NULL, *tmpdb = NULL, *text = NULL;
	maat_summary s = {0};
	maat_err err = {0};
	maat_db *db = NULL;
	int status = 0, c, ncal = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			dir = optarg;
			break;
		case 'h':
			return cli_help("demo", _(help));
		default:
			return cli_usage_error(cli, "demo", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "demo", _("unexpected argument '%s'"), argv[optind]);
	}
	if (*dir == '\0') {
		return cli_usage_error(cli, "demo", "%s", _("--out: an empty directory name"));
	}
	if (cli->db_given) {
		return cli_usage_error(
		    cli, "demo",
		    _("--db %s: demo writes its own store, DIR/maatlat.db; choose "
		      "DIR with --out (and leave --db for the other commands)"),
		    cli->db_path);
	}
	ex = examples_dir();
	if (!is_dir(ex)) {
		cli_error(cli,
			  _("%s: the bundled examples are not there (set MAATLAT_EXAMPLES to the "
			    "examples directory)"),
			  ex);
		return MAAT_E_NOINPUT;
	}
	if (!make_out_dir(dir, &err)) {
		return cli_fail(cli, &err);
	}
	dbpath = maat_xasprintf("%s/maatlat.db", dir);
	if (!is_demo_store(dbpath, ex)) {
		cli_error(cli,
			  _("%s: a store that the demo did not write; it will not be replaced "
			    "(choose another --out DIR)"),
			  dbpath);
		status = MAAT_E_CANTCREAT;
		goto out;
	}
	/* Built in a temporary folder beside the old demo and moved in when whole: a failed or
	 * killed demo leaves the previous one as it was. */
	tmpdir = maat_xasprintf("%s/.maatlat-demo-XXXXXX", dir);
	if (mkdtemp(tmpdir) == NULL) {
		maat_err_set(&err, MAAT_E_CANTCREAT, _("%s: cannot create a temporary folder: %s"),
			     dir, strerror(errno));
		free(tmpdir);
		tmpdir = NULL;
		status = cli_fail(cli, &err);
		goto out;
	}
	tmpdb = maat_xasprintf("%s/maatlat.db", tmpdir);
	if ((db = maat_db_open(tmpdb, MAAT_DB_CREATE, &err)) == NULL) {
		status = cli_fail(cli, &err);
		goto out;
	}
	if (import_examples(cli, db, ex, &ncal, &err) < 0 ||
	    write_reports(cli, db, tmpdir, &err) < 0 || maat_summary_compute(db, &s, &err) < 0) {
		status = cli_fail(cli, &err);
		goto out;
	}
	maat_db_close(db);
	db = NULL;
	if (!move_into(tmpdir, dir, &err) || (db = maat_db_open(dbpath, 0, &err)) == NULL) {
		status = cli_fail(cli, &err);
		goto out;
	}
	text = maat_summary_text(&s, prog, dbpath);
	printf(_("Gemeente Voorbeeld, an example municipality (generated data from %s)\n\n"), ex);
	printf(_("Written to %s/:\n"), dir);
	printf(_("  maatlat.db     the store: org chart, mandates, %d calendars%s\n"), ncal,
#ifdef MAAT_HAVE_HANDOVERS
	       _(", case log")
#else
	       ""
#endif
	);
	printf("%s\n", _("  report.html    the report to read first: findings per reader, "
			 "charts, org chart"));
	printf("%s\n",
	       _("  report.xlsx    the workbook: Summary with traffic lights, one sheet per "
		 "table"));
	printf("%s\n", _("  org.svg        the org chart: every manager, staff listed in their "
			 "box,\n                 thin and pass-through managers marked"));
#ifdef MAAT_HAVE_HANDOVERS
	printf("%s\n", _("  handovers.svg  which units pass cases to which (red: both ways)"));
#endif
	printf("\n%s", text);
	if (print_terms_trend(db, prog, dbpath, &err) < 0) {
		status = cli_fail(cli, &err);
		goto out;
	}
	printf(_("Read first: %s/report.html (any browser, no network needed).\n"), dir);
	if (fflush(stdout) != 0) {
		status = MAAT_E_IO;
	}
out:
	free(text);
	maat_summary_fini(&s);
	maat_db_close(db);
	if (tmpdir != NULL) {
		remove_tmp_dir(tmpdir);
	}
	free(tmpdir);
	free(tmpdb);
	maat_graph_shutdown();
	maat_zone_cleanup();
	free(dbpath);
	return status;
}
