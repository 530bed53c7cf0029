#!/bin/sh
# Databases as sources (issue 15): import cases/org from a real PostgreSQL server that this test
# starts itself (tests/cli/pg_server.sh: initdb + pg_ctl in a temporary folder, a Unix socket
# only, as nobody when run as root), and from another SQLite file. The figures must equal those
# of the CSV of the same rows; the password never reaches the store or the output.
. "$TAP_LIB"
. "$MAAT_SRCDIR/tests/cli/pg_server.sh"

EX="$MAAT_SRCDIR/examples"
trap 'pg_stop; rm -rf "$T"' EXIT
if ! pg_start 2>pg.err; then
	# tools/install-deps installs postgresql, so CI never gets here
	echo "1..0 # SKIP no PostgreSQL server: $(cat pg.err)"
	exit 0
fi
PGURI="postgresql://maat:s3cr3t-pw@/maat?host=$PG_SOCK"

# The demo's permit cases and org chart, loaded into PostgreSQL with psql's \copy.
pg_sql "CREATE TABLE zaken (case_id text, activity text, ts timestamptz, resource text, zaaktype text)"
pg_sql "\\copy zaken FROM '$EX/cases.csv' WITH (FORMAT csv, HEADER true)"
# the org chart's columns as its header names them (fte numeric, the rest text)
orgcols=$(head -1 "$EX/org.csv" | tr -d '\r' | awk -F, '{for (i = 1; i <= NF; i++) printf "%s%s %s", (i > 1 ? ", " : ""), $i, ($i == "fte" ? "numeric" : "text")}')
pg_sql "CREATE TABLE medewerkers ($orgcols)"
pg_sql "\\copy medewerkers FROM '$EX/org.csv' WITH (FORMAT csv, HEADER true)"

# --- cases: the same figures as the CSV ------------------------------------------------------
run --db csv.db import cases "$EX/cases.csv"
expect_status 0 "import the demo's cases from CSV"
run --db csv.db handovers --json
cp "$T/.out" want.json
# Columns renamed in the query, as a user maps a database's own names onto maatlat's.
Q="SELECT case_id AS zaaknummer, activity AS activiteit, ts AS tijdstip, resource AS medewerker, zaaktype FROM zaken"
run --db pg.db import cases "$PGURI" --query "$Q"
expect_status 0 "import cases from PostgreSQL with --query"
run --db pg.db handovers --json
if cmp -s want.json "$T/.out"; then ok "PostgreSQL cases give the same handovers --json as the CSV"
else not_ok "PostgreSQL cases give the same handovers --json as the CSV" "$(diff want.json "$T/.out" | head -20)"; fi

run --db pg.db sources
expect_out_has "postgresql://$PG_SOCK/maat" "sources names host and database"
if grep -qa -e s3cr3t -e 'maat:' pg.db pg.db-wal 2>/dev/null; then not_ok "the password and user name are not in the store"
else ok "the password and user name are not in the store"; fi
if grep -q s3cr3t "$T/.out" "$T/.err"; then not_ok "nor in the output"; else ok "nor in the output"; fi
run --db pg.db sources --json
QSHA=$(printf '%s' "$Q" | sha256sum | cut -c1-64)
expect_out_has "query_sha256=$QSHA" "sources records the query's sha256, not the query"

# --- org -------------------------------------------------------------------------------------
run --db csv.db import org "$EX/org.csv"
run --db csv.db layers --json
cp "$T/.out" want_org.json
run --db pg.db import org "$PGURI" --query "SELECT * FROM medewerkers ORDER BY id::int"
expect_status 0 "import org from PostgreSQL"
run --db pg.db layers --json
if cmp -s want_org.json "$T/.out"; then ok "PostgreSQL org chart gives the same layers --json as the CSV"
else not_ok "PostgreSQL org chart gives the same layers --json as the CSV" "$(diff want_org.json "$T/.out" | head -20)"; fi

# --- sqlite: ---------------------------------------------------------------------------------
sqlite3 other.db ".import --csv $EX/cases.csv zaken"
run --db sq.db import cases "sqlite:other.db" --query "SELECT * FROM zaken"
expect_status 0 "import cases from another SQLite file"
run --db sq.db handovers --json
if cmp -s want.json "$T/.out"; then ok "sqlite: cases give the same handovers --json as the CSV"
else not_ok "sqlite: cases give the same handovers --json as the CSV" "$(diff want.json "$T/.out" | head -20)"; fi
run --db sq.db import cases "sqlite:other.db" --query "DELETE FROM zaken"
expect_status 64 "a query that writes is refused (64)"

# --- failures: clear message, documented exit, store unchanged --------------------------------
sha_before=$(sqlite3 pg.db .dump | sha256sum | cut -c1-64)
run --db pg.db import cases "$PGURI" --query "SELECT * FROM no_such_table"
expect_status 65 "a failing query is bad input (65)"
expect_err_has "no_such_table" "the server's reason is shown"
run --db pg.db import cases "postgresql://maat:s3cr3t-pw@/maat?host=$PG_DIR/nowhere" --query "SELECT 1"
expect_status 66 "an unreachable server is input missing (66)"
if grep -q s3cr3t "$T/.err"; then not_ok "the password is not in the error"; else ok "the password is not in the error"; fi
run --db pg.db import cases "$PGURI"
expect_status 64 "a database without --query is a usage error (64)"
run --db pg.db import cases "$PGURI" --query "SELECT case_id AS zaaknummer, activity AS activiteit, 'no time' AS tijdstip FROM zaken"
expect_status 65 "a row the importer refuses fails the import (65)"
expect_err_has ":2:" "with the row's line (row 1 = line 2, after the header)"
expect_eq "$(sqlite3 pg.db .dump | sha256sum | cut -c1-64)" "$sha_before" "failed imports left the store unchanged"

done_testing
