#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "maatlat/graph.h"
#include "maatlat/html.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"
#include "maatlat/workbook.h"

struct report_args {
	const char *xlsx;
	const char *html;
	const char *graph;
	const char *handover_graph;
	const char *root;
	int min_group;
	int top;
	bool by_unit;
	bool by_resource;
	bool per_person;
};

/* The "<FILE>.tmp" being written (NULL when none), removed if SIGINT or SIGTERM comes first:
 * an interrupted report leaves neither a half file nor its temporary one. */
static const char *volatile writing_tmp;

static void
on_signal(int sig)
{
	const char *tmp = writing_tmp;
	if (tmp != NULL) {
		unlink(tmp);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* True when the file starts like a maatlat store (SQLite header with maatlat's id). */
static bool
is_store_file(const char *path)
{
	unsigned char h[72];
	FILE *f = fopen(path, "rb");
	size_t n = 0;
	if (f != NULL) {
		n = fread(h, 1, sizeof(h), f);
		fclose(f);
	}
	return n == sizeof(h) && memcmp(h, "SQLite format 3", 16) == 0 && h[68] == 'M' &&
	       h[69] == 'A' && h[70] == 'T' && h[71] == 'L';
}

/* path with its folder resolved (the file itself need not exist). A new string. */
static char *
resolved(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? maat_xstrdup(path) : maat_xstrdup(".");
	char *real, *out;
	if (slash != NULL) {
		dir[slash - path + (slash == path)] = '\0';
	}
	real = realpath(dir, NULL);
	out = real ? maat_xasprintf("%s/%s", real, slash ? slash + 1 : path) : maat_xstrdup(path);
	free(real);
	free(dir);
	return out;
}

static bool
same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	char *ra, *rb;
	bool same;
	if (stat(a, &sa) == 0 && stat(b, &sb) == 0) {
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
	}
	ra = resolved(a);
	rb = resolved(b);
	same = strcmp(ra, rb) == 0;
	free(ra);
	free(rb);
	return same;
}

/* An output path must not be the store (or its -wal, -shm, -journal) nor another store. */
static bool
output_allowed(const maat_cli *cli, const char *opt, const char *path)
{
	static const char *const sides[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof(sides) / sizeof(sides[0]); i++) {
		char *p = maat_xasprintf("%s%s", cli->db_path, sides[i]);
		bool same = same_file(path, p);
		free(p);
		if (same) {
			cli_usage_error(cli, "report",
					_("%s %s: that is the store itself (%s); choose another "
					  "output file"),
					opt, path, cli->db_path);
			return false;
		}
	}
	if (is_store_file(path)) {
		cli_usage_error(cli, "report",
				_("%s %s: that file is a maatlat store; it will not be overwritten "
				  "(choose another output file)"),
				opt, path);
		return false;
	}
	return true;
}

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

static int
write_xlsx(maat_cli *cli, maat_db *db, const struct report_args *a)
{
	maat_report_options o = {.min_group = a->min_group, .per_person = a->per_person};
	maat_workbook *wb = maat_workbook_new();
	maat_err err = {0};
	char *tmp = maat_xasprintf("%s.tmp", a->xlsx);
	int rc = maat_report_fill(db, &o, wb, &err);
	if (rc == 0) {
		writing_tmp = tmp;
		rc = maat_workbook_write(wb, a->xlsx, generated_at(), &err);
		writing_tmp = NULL;
	}
	free(tmp);
	maat_workbook_free(wb);
	if (rc < 0) {
		return cli_fail(cli, &err);
	}
	/* said unless -q (on stderr: stdout stays for data) */
	cli_warn(cli, _("wrote %s: the workbook (Summary, one sheet per table, Definitions)"),
		 a->xlsx);
	return 0;
}

static int
write_html(maat_cli *cli, maat_db *db, const struct report_args *a)
{
	maat_html_options o = {.min_group = a->min_group,
			       .graph = {.by_unit = a->by_unit,
					 .root = a->root,
					 .by_resource = a->by_resource,
					 .top = (size_t)a->top}};
	maat_err err = {0};
	if (maat_html_write(db, &o, a->html, generated_at(), &err) < 0) {
		return cli_fail(cli, &err);
	}
	cli_warn(cli, _("wrote %s: the report for people (findings, charts, org chart)"), a->html);
	return 0;
}

static int
write_graph(maat_cli *cli, maat_db *db, const struct report_args *a, bool org)
{
	maat_report_graph_options o = {.by_unit = a->by_unit,
				       .root = a->root,
				       .by_resource = a->by_resource,
				       .top = (size_t)a->top};
	maat_err err = {0};
	char *summary = NULL;
	char *tmp = maat_xasprintf("%s.tmp", org ? a->graph : a->handover_graph);
	int rc;
	writing_tmp = tmp;
	rc = org ? maat_report_org_graph(db, &o, a->graph, &summary, &err)
		 : maat_report_handover_graph(db, &o, a->handover_graph, &summary, &err);
	writing_tmp = NULL;
	free(tmp);
	if (rc < 0) {
		return cli_fail(cli, &err);
	}
	if (summary != NULL) {
		cli_warn(cli, _("wrote %s"), summary);
	}
	free(summary);
	return 0;
}

int
cmd_report(maat_cli *cli, int argc, char **argv)
{
	enum {
		OPT_XLSX = 256,
		OPT_HTML,
		OPT_GRAPH,
		OPT_HGRAPH,
		OPT_MIN_GROUP,
		OPT_BY_UNIT,
		OPT_ROOT,
		OPT_BY_RESOURCE,
		OPT_TOP,
		OPT_PER_PERSON
	};
	static const struct option opts[] = {
	    {"xlsx", required_argument, NULL, OPT_XLSX},
	    {"html", required_argument, NULL, OPT_HTML},
	    {"graph", required_argument, NULL, OPT_GRAPH},
	    {"handover-graph", required_argument, NULL, OPT_HGRAPH},
	    {"min-group", required_argument, NULL, OPT_MIN_GROUP},
	    {"by-unit", no_argument, NULL, OPT_BY_UNIT},
	    {"root", required_argument, NULL, OPT_ROOT},
	    {"by-resource", no_argument, NULL, OPT_BY_RESOURCE},
	    {"top", required_argument, NULL, OPT_TOP},
	    {"per-person", no_argument, NULL, OPT_PER_PERSON},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct report_args a = {.min_group = MAAT_REPORT_MIN_GROUP_DEFAULT,
				.top = MAAT_GRAPH_TOP_EDGES};
	maat_db *db = NULL;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_XLSX:
			a.xlsx = optarg;
			break;
		case OPT_HTML:
			a.html = optarg;
			break;
		case OPT_GRAPH:
			a.graph = optarg;
			break;
		case OPT_HGRAPH:
			a.handover_graph = optarg;
			break;
		case OPT_MIN_GROUP:
			if (!cli_parse_int(cli, "report", "--min-group", optarg, &a.min_group)) {
				return MAAT_E_USAGE;
			}
			if (a.min_group < 1) {
				return cli_usage_error(cli, "report", _("%s: must be at least 1"),
						       "--min-group");
			}
			break;
		case OPT_BY_UNIT:
			a.by_unit = true;
			break;
		case OPT_PER_PERSON:
			a.per_person = true;
			break;
		case OPT_ROOT:
			a.root = optarg;
			break;
		case OPT_BY_RESOURCE:
			a.by_resource = true;
			break;
		case OPT_TOP:
			if (!cli_parse_int(cli, "report", "--top", optarg, &a.top)) {
				return MAAT_E_USAGE;
			}
			if (a.top < 1) {
				return cli_usage_error(cli, "report", _("%s: must be at least 1"),
						       "--top");
			}
			break;
		case 'h':
			return cli_help(
			    "report",
			    _("Writes what has been imported for people who read it in Excel,\n"
			      "LibreOffice or as a picture.\n"
			      "  --xlsx FILE            the workbook: Summary with traffic "
			      "lights,\n"
			      "                         one sheet per table, charts, Sources, "
			      "Definitions\n"
			      "  --html FILE            one self-contained page: findings per "
			      "reader\n"
			      "                         with their evidence, charts, org chart, "
			      "handover\n"
			      "                         graph, settings, sources, definitions\n"
			      "  --graph FILE           the org chart (.svg .png .pdf .dot), "
			      "collapsed\n"
			      "                         to at most 1,500 boxes (\"+N people\")\n"
			      "  --by-unit              one cluster per unit in the org chart\n"
			      "  --root ID              only the subtree under ID\n"
			      "  --handover-graph FILE  units (or --by-resource: resources) linked "
			      "by\n"
			      "                         handovers; the --top N pairs (default 30)\n"
			      "  --min-group N          suppress groups of fewer than N people "
			      "(5)\n"
			      "  --per-person           a sheet of meeting hours per person and "
			      "week\n"
			      "                         (never for a unit under --min-group)\n"
			      "Files are written to FILE.tmp and renamed: a failed write, a full "
			      "disk,\n"
			      "Ctrl-C or SIGTERM leaves none. An output path that is the store "
			      "(or\n"
			      "another maatlat store) is refused (64).\n"
			      "Exit status 66 when nothing has been imported yet.\n"));
		default:
			return cli_usage_error(cli, "report", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "report", _("unexpected argument '%s'"), argv[optind]);
	}
	if (a.xlsx == NULL && a.html == NULL && a.graph == NULL && a.handover_graph == NULL) {
		return cli_usage_error(cli, "report", "%s",
				       _("nothing to write: give --xlsx, --html, --graph or "
					 "--handover-graph"));
	}
	if (a.graph != NULL && maat_graph_format(a.graph) == NULL) {
		return cli_usage_error(cli, "report",
				       _("%s: unknown graph format (use .svg, .png, .pdf or .dot)"),
				       a.graph);
	}
	if (a.handover_graph != NULL && maat_graph_format(a.handover_graph) == NULL) {
		return cli_usage_error(cli, "report",
				       _("%s: unknown graph format (use .svg, .png, .pdf or .dot)"),
				       a.handover_graph);
	}
	if ((a.xlsx != NULL && !output_allowed(cli, "--xlsx", a.xlsx)) ||
	    (a.graph != NULL && !output_allowed(cli, "--graph", a.graph)) ||
	    (a.handover_graph != NULL &&
	     !output_allowed(cli, "--handover-graph", a.handover_graph))) {
		return MAAT_E_USAGE;
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	/* a hang-up that nohup ignores stays ignored */
	if (signal(SIGHUP, SIG_IGN) != SIG_IGN) {
		signal(SIGHUP, on_signal);
	}
	{
		sqlite3_stmt *st = maat_db_stmt(db, "SELECT count(*) FROM sources", NULL);
		if (st != NULL && sqlite3_step(st) == SQLITE_ROW &&
		    sqlite3_column_int64(st, 0) == 0) {
			cli_error(cli, "%s",
				  _("nothing imported yet: run 'maatlat import org|calendar|cases "
				    "FILE' first"));
			status = MAAT_E_NOINPUT;
			goto out;
		}
	}
	if (a.xlsx != NULL && (status = write_xlsx(cli, db, &a)) != 0) {
		goto out;
	}
	if (a.html != NULL && (status = write_html(cli, db, &a)) != 0) {
		goto out;
	}
	if (a.graph != NULL && (status = write_graph(cli, db, &a, true)) != 0) {
		goto out;
	}
	if (a.handover_graph != NULL && (status = write_graph(cli, db, &a, false)) != 0) {
		goto out;
	}
out:
	maat_graph_shutdown();
	maat_db_close(db);
	return status;
}
