#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/zone.h"
#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/table.h"
#include "maatlat/util.h"

/* Sorted by name: cli_find_command() relies on it (bsearch). */
const struct maat_command maat_commands[] = {
    {"demo", cmd_demo, N_("[--out DIR]"),
     N_("import the bundled example organisation and write every report")},
    {"forget", cmd_forget, N_("[--pseudonymise [--key-file FILE]] ID"),
     N_("erase one person from the store")},
    {"handovers", cmd_handovers,
     N_("[--max-handovers N] [--idle-days D] [--approval-pattern REGEX] [--json]"),
     N_("handovers, ping-pong, escalations and idle dossiers in case logs")},
    {"import", cmd_import, N_("org|mandates|calendar|cases|terms FILE... [OPTIONS]"),
     N_("read org charts, mandates, calendars, case logs or terms into the store")},
    {"layers", cmd_layers, N_("[--min-span N] [--as-of DATE] [--json]"),
     N_("management layers, spans of control and a delayering simulation")},
    {"meetings", cmd_meetings,
     N_("[--cap HOURS] [--from DATE --to DATE] [--tz ZONE] [--min-participants N] "
	"[--max-meeting-hours H] [--exclude-tentative] [--exclude-no-reply] [--min-group N] "
	"[--top N] [--per-person] [--as-of DATE] [--json]"),
     N_("meeting hours per unit (per person with --per-person) against the meeting cap")},
    {"person", cmd_person, N_("[--json] [--limit N] [--pseudonymise [--key-file FILE]] ID"),
     N_("everything stored about one person")},
    {"prune", cmd_prune, N_("--before DATE [--tz ZONE]"),
     N_("remove case events, meeting instances and org snapshots older than DATE")},
    {"report", cmd_report,
     N_("[--xlsx FILE] [--html FILE] [--graph FILE] [--handover-graph FILE] [--min-group N] "
	"[--by-unit] [--root ID] [--by-resource] [--top N] [--per-person]"),
     N_("write the HTML report, the xlsx workbook and the org and handover graphs")},
    {"signoff", cmd_signoff,
     N_("[--decision TYPE] [--cap N] [--as-of DATE] [--min-group N] [--json]"),
     N_("formal sign-off chains: managers who initial a decision")},
    {"sources", cmd_sources, N_("[--json] [--messages [SOURCE]] [--remove SOURCE]"),
     N_("what was imported: file, sha256, rows read and rejected, when")},
    {"terms", cmd_terms, N_("[--case-type ATTR] [--warn-days D] [--tz ZONE] [--json]"),
     N_("decision terms per case type: lead times, share over the term, open cases")},
    {"trend", cmd_trend, N_("[--json]"),
     N_("trends per org snapshot and month, role mix and the public-service flag")},
};
const size_t maat_ncommands = sizeof(maat_commands) / sizeof(maat_commands[0]);

static int
cmp_command(const void *key, const void *elem)
{
	return strcmp(key, ((const struct maat_command *)elem)->name);
}

const struct maat_command *
cli_find_command(const char *name)
{
	return bsearch(name, maat_commands, maat_ncommands, sizeof(maat_commands[0]), cmp_command);
}

static void
vprint(const maat_cli *cli, const char *fmt, va_list ap)
{
	bool color = cli != NULL && cli->color;
	/* a calendar import reads the next file on a second thread, which points fd 2 at
	 * libical's capture file while it parses (importers/ics.c) */
	maat_stderr_lock();
	fputs(color ? "\033[1;31mmaatlat:\033[0m " : "maatlat: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	fflush(stderr);
	maat_stderr_unlock();
}

void
cli_error(const maat_cli *cli, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(cli, fmt, ap);
	va_end(ap);
}

void
cli_warn(const maat_cli *cli, const char *fmt, ...)
{
	va_list ap;
	if (cli != NULL && cli->verbosity < 0) {
		return;
	}
	va_start(ap, fmt);
	vprint(cli, fmt, ap);
	va_end(ap);
}

void
cli_info(const maat_cli *cli, const char *fmt, ...)
{
	va_list ap;
	if (cli == NULL || cli->verbosity < 1) {
		return;
	}
	va_start(ap, fmt);
	vprint(cli, fmt, ap);
	va_end(ap);
}

int
cli_fail(const maat_cli *cli, const maat_err *err)
{
	cli_error(cli, "%s", err->msg[0] ? err->msg : _("failed"));
	return err->code > 0 ? err->code : 1;
}

int
cli_usage_error(const maat_cli *cli, const char *cmd, const char *fmt, ...)
{
	const struct maat_command *c = cmd ? cli_find_command(cmd) : NULL;
	va_list ap;
	va_start(ap, fmt);
	vprint(cli, fmt, ap);
	va_end(ap);
	if (c != NULL) {
		fprintf(stderr, _("usage: maatlat %s %s\n"), c->name, _(c->usage));
	} else {
		fprintf(stderr, "%s",
			_("usage: maatlat [--db PATH] [-q|-v] COMMAND [OPTIONS] [ARGS]\n"));
	}
	return MAAT_E_USAGE;
}

int
cli_help(const char *cmd, const char *details)
{
	const struct maat_command *c = cli_find_command(cmd);
	if (c != NULL) {
		printf(_("usage: maatlat %s %s\n\n%s\n"), c->name, _(c->usage), _(c->summary));
	}
	if (details != NULL && *details) {
		printf("\n%s", details);
	}
	return 0;
}

static void
say_waiting(void *ctx, const char *msg, int wait_s)
{
	(void)wait_s;
	cli_warn(ctx, "%s", msg);
}

maat_db *
cli_open_db(const maat_cli *cli, unsigned flags, int *status)
{
	maat_db_open_opts o = {
	    .wait_ms = cli->wait_s * 1000, .waiting = say_waiting, .ctx = (void *)cli};
	maat_err err = {0};
	maat_db *db;

	if (cli->verbosity > 0) {
		flags |= MAAT_DB_VERBOSE;
	}
	db = maat_db_open_with(cli->db_path, flags, &o, &err);
	if (db == NULL) {
		*status = cli_fail(cli, &err);
		return NULL;
	}
	if (*maat_db_notes(db)) {
		cli_info(cli, "%s: %s", cli->db_path, maat_db_notes(db));
	}
	if (cli->input_name != NULL) {
		maat_db_set_stdin_name(db, cli->input_name);
	}
	*status = 0;
	return db;
}

const char *
cli_input_label(const maat_cli *cli, const char *path)
{
	if (strcmp(path, "-") != 0) {
		return path;
	}
	return cli->input_name != NULL ? cli->input_name : "stdin";
}

void
cli_import_replaced(const maat_cli *cli, maat_db *db, const char *path)
{
	if (*maat_db_replaced(db)) {
		cli_warn(cli, _("%s: replaced %s"), cli_input_label(cli, path),
			 maat_db_replaced(db));
	}
}

void
cli_import_stopped(const maat_cli *cli, char **files, int n, int failed)
{
	maat_buf b = {0};
	if (failed + 1 >= n && failed == 0) {
		return;
	}
	for (int i = failed + 1; i < n; i++) {
		maat_buf_printf(&b, "%s%s", b.len ? ", " : "", files[i]);
	}
	if (b.len > 0) {
		cli_error(cli, _("stopped at %s: not imported: %s"), files[failed], b.data);
	}
	if (failed > 0) {
		cli_error(cli,
			  dngettext("maatlat",
				    "the %d file before %s is imported (each file is imported "
				    "completely or not at all)",
				    "the %d files before %s are imported (each file is imported "
				    "completely or not at all)",
				    (unsigned long)failed),
			  failed, files[failed]);
	}
	maat_buf_fini(&b);
}

bool
cli_parse_double(const maat_cli *cli, const char *cmd, const char *opt, const char *s, double *out)
{
	char *end = NULL;
	double v;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v < 0) {
		cli_usage_error(cli, cmd, _("%s: not a non-negative number: '%s'"), opt, s);
		return false;
	}
	*out = v;
	return true;
}

bool
cli_parse_int(const maat_cli *cli, const char *cmd, const char *opt, const char *s, int *out)
{
	char *end = NULL;
	long v;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 1000000000L) {
		cli_usage_error(cli, cmd, _("%s: not a non-negative whole number: '%s'"), opt, s);
		return false;
	}
	*out = (int)v;
	return true;
}

int
cli_not_yet(const maat_cli *cli, const char *what)
{
	cli_error(cli, _("%s: not available yet in this version"), what);
	return 1;
}

bool
cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			return false;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			return true;
		}
	}
	return false;
}

struct maat_pseudo *
cli_pseudo_open(const maat_cli *cli, bool want, const char *key_file, int *status)
{
	maat_err err = {0};
	maat_pseudo *p;
	*status = 0;
	if (!want && key_file == NULL) {
		return NULL;
	}
	if ((p = maat_pseudo_new(key_file, &err)) == NULL) {
		*status = cli_fail(cli, &err);
	}
	return p;
}

int
cli_print_table(maat_table *t)
{
	int rc = 0;
	if (maat_table_nrows(t) == 0) {
		printf("%s: %s\n\n", maat_table_title(t) ? maat_table_title(t) : "", _("none"));
	} else {
		rc = maat_table_print(t, stdout);
		fputc('\n', stdout);
	}
	maat_table_free(t);
	return rc;
}

void
cli_print_source_messages(const maat_cli *cli, maat_db *db, int64_t source_id, const char *path,
			  const char *command)
{
	sqlite3_stmt *st = maat_db_stmt(db,
					"SELECT line, message, severity FROM source_messages"
					" WHERE source_id = ?1 ORDER BY rowid",
					NULL);
	size_t plen = strlen(path);
	int shown = 0, total = 0;
	if (st == NULL || cli->verbosity < 0) {
		return;
	}
	sqlite3_bind_int64(st, 1, source_id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 1);
		bool info = strcmp((const char *)sqlite3_column_text(st, 2), "info") == 0;
		if (info && cli->verbosity < 1) {
			continue;
		}
		total++;
		if (shown >= 20 && cli->verbosity < 1) {
			continue;
		}
		shown++;
		if (strncmp(msg, path, plen) == 0) {
			cli_warn(cli, "%s", msg);
		} else if (sqlite3_column_type(st, 0) == SQLITE_NULL) {
			cli_warn(cli, _("%s: warning: %s"), path, msg);
		} else {
			cli_warn(cli, _("%s:%lld: warning: %s"), path,
				 (long long)sqlite3_column_int64(st, 0), msg);
		}
	}
	sqlite3_reset(st);
	if (total > shown) {
		cli_warn(
		    cli,
		    _("%s: ... and %d more (maatlat -v %s, or maatlat sources, lists them all)"),
		    path, total - shown, command);
	}
}

void
cli_print_source_summary(const maat_cli *cli, maat_db *db, int64_t source_id, const char *path,
			 const char *what)
{
	sqlite3_stmt *st =
	    maat_db_stmt(db, "SELECT rows_read, rows_rejected FROM sources WHERE id = ?1", NULL);
	if (st == NULL || cli->verbosity < 0) {
		return;
	}
	sqlite3_bind_int64(st, 1, source_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		/* TRANSLATORS: "FILE: 12 events read, 0 skipped" */
		printf(_("%s: %lld %s read, %lld skipped\n"), path,
		       (long long)sqlite3_column_int64(st, 0), what,
		       (long long)sqlite3_column_int64(st, 1));
	}
	sqlite3_reset(st);
}

char *
cli_person_key(const maat_cli *cli, bool want, const char *key_file, const char *id, int *status)
{
	maat_pseudo *pseudo = cli_pseudo_open(cli, want, key_file, status);
	char *key;
	if (pseudo == NULL && *status) {
		return NULL;
	}
	key = pseudo ? maat_pseudo_apply(pseudo, id) : maat_xstrdup(id);
	maat_pseudo_free(pseudo);
	return key;
}
