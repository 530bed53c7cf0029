/* The command line: global state and the helpers every cmd_<name>.c shares. */
#ifndef MAAT_CLI_H
#define MAAT_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "maatlat/db.h"
#include "maatlat/err.h"
#include "maatlat/table.h"

typedef struct maat_cli {
	/* the store path: --db, else $MAATLAT_DB, else ./maatlat.db */
	const char *db_path;
	/* the program as it was run (argv[0]), for commands printed for the user to run */
	const char *prog;
	/* -1 with -q, 0 normally, 1 or more with -v */
	int verbosity;
	/* colour on stderr diagnostics (tty, NO_COLOR, TERM, --color) */
	bool color;
	/* progress may be shown: stderr is a tty and not -q */
	bool progress;
	/* the store was named with --db (not the default or $MAATLAT_DB) */
	bool db_given;
	/* --wait: seconds to wait for another process's lock on the store; 0 = the default */
	int wait_s;
	/* --name of an import from standard input ("-"); NULL when not given */
	const char *input_name;
} maat_cli;

/* A command: returns the process exit status. argv[0] is the command name; getopt state is
 * reset before the call. */
typedef int (*maat_cmd_fn)(maat_cli *cli, int argc, char **argv);

struct maat_command {
	/* the word on the command line */
	const char *name;
	/* the implementation */
	maat_cmd_fn fn;
	/* the synopsis after "maatlat NAME", untranslated (N_) */
	const char *usage;
	/* one line for "maatlat --help", untranslated (N_) */
	const char *summary;
};

/* Prints "maatlat: <message>" to stderr (in colour when enabled). */
void cli_error(const maat_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "maatlat: <message>" to stderr unless -q. */
void cli_warn(const maat_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints "maatlat: <message>" to stderr with -v only. */
void cli_info(const maat_cli *cli, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints err's message and returns its exit status (1 when err has no code). */
int cli_fail(const maat_cli *cli, const maat_err *err);
/* Prints "maatlat: <message>" and the command's usage line to stderr; returns 64. */
int cli_usage_error(const maat_cli *cli, const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prints the command's help (usage and summary) to stdout; returns 0. */
int cli_help(const char *cmd, const char *details);
/* Opens the store for the command (MAAT_DB_CREATE for importers); prints the error and
 * returns NULL with *status set when it cannot. */
maat_db *cli_open_db(const maat_cli *cli, unsigned flags, int *status);
/* Parses a non-negative decimal number for option opt; false (and a usage message) if bad. */
bool cli_parse_double(const maat_cli *cli, const char *cmd, const char *opt, const char *s,
		      double *out);
bool cli_parse_int(const maat_cli *cli, const char *cmd, const char *opt, const char *s, int *out);

/* The command table, sorted by name. */
extern const struct maat_command maat_commands[];
extern const size_t maat_ncommands;
const struct maat_command *cli_find_command(const char *name);

/* Commands, one file each (cmd_<name>.c). */
int cmd_demo(maat_cli *cli, int argc, char **argv);
int cmd_forget(maat_cli *cli, int argc, char **argv);
int cmd_handovers(maat_cli *cli, int argc, char **argv);
int cmd_import(maat_cli *cli, int argc, char **argv);
int cmd_layers(maat_cli *cli, int argc, char **argv);
int cmd_meetings(maat_cli *cli, int argc, char **argv);
int cmd_person(maat_cli *cli, int argc, char **argv);
int cmd_prune(maat_cli *cli, int argc, char **argv);
int cmd_report(maat_cli *cli, int argc, char **argv);
int cmd_signoff(maat_cli *cli, int argc, char **argv);
int cmd_sources(maat_cli *cli, int argc, char **argv);
int cmd_terms(maat_cli *cli, int argc, char **argv);
int cmd_trend(maat_cli *cli, int argc, char **argv);

/* "import" subcommands, one file each (cmd_import_<kind>.c); argv[0] is the kind. */
int cmd_import_calendar(maat_cli *cli, int argc, char **argv);
int cmd_import_cases(maat_cli *cli, int argc, char **argv);
int cmd_import_mandates(maat_cli *cli, int argc, char **argv);
int cmd_import_org(maat_cli *cli, int argc, char **argv);
int cmd_import_terms(maat_cli *cli, int argc, char **argv);

/* Prints t on stdout followed by a blank line ("TITLE: none" when it has no rows), then frees
 * it. Returns 0, or -1 when writing failed. */
int cli_print_table(maat_table *t);

/* Prints what an import logged for source_id on stderr: warnings always (at most 20 unless
 * -v, then a count and the command that lists them all, `maatlat COMMAND`), info lines with
 * -v only. Messages that already start with the file name are printed as they are. */
void cli_print_source_messages(const maat_cli *cli, maat_db *db, int64_t source_id,
			       const char *path, const char *command);

/* Prints "FILE: N rows read, M rejected" for source_id on stdout (unless -q). */
void cli_print_source_summary(const maat_cli *cli, maat_db *db, int64_t source_id, const char *path,
			      const char *what);

/* True when argv[1..] holds --help or -h before any "--". */
bool cli_wants_help(int argc, char **argv);

/* For --pseudonymise [--key-file FILE] at import: NULL (and *status 0) when not wanted; the
 * key's handle when wanted; NULL with the error printed and *status set when the key is
 * missing or unreadable. Caller frees with maat_pseudo_free. */
struct maat_pseudo *cli_pseudo_open(const maat_cli *cli, bool want, const char *key_file,
				    int *status);

/* The key under which a person is stored: id itself, or its pseudonym when want (a
 * pseudonymised store holds the hash; the same key as at import). A new string, caller frees;
 * NULL with the error printed and *status set when the key cannot be had. */
char *cli_person_key(const maat_cli *cli, bool want, const char *key_file, const char *id,
		     int *status);

/* The name an import file is known by: path, or for "-" the --name (default "stdin"). */
const char *cli_input_label(const maat_cli *cli, const char *path);

/* After a file of an import: says which earlier sources --replace replaced (if any). */
void cli_import_replaced(const maat_cli *cli, maat_db *db, const char *path);

/* An import of files[0..n) stopped at files[failed]: says which files were imported and which
 * were not (each file is one transaction, so the earlier ones stay imported). */
void cli_import_stopped(const maat_cli *cli, char **files, int n, int failed);

/* For commands that later work fills in: says so and returns 1. */
int cli_not_yet(const maat_cli *cli, const char *what);

#endif
