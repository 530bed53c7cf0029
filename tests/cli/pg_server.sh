# A private PostgreSQL server for the tests (source it): initdb and pg_ctl from Debian's
# postgresql package in a temporary folder, listening only on a Unix socket there (no TCP
# port, so nothing can clash with another server), started as an unprivileged user when the
# tests run as root (initdb refuses root), stopped by pg_stop. Sets PG_SOCK and PG_BIN.
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
PG_DIR=
PG_SOCK=
PG_AS=

# pg_start: returns non-zero (with a reason on stderr) when no server can be started
pg_start() {
	if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
		echo "no PostgreSQL server binaries (Debian package postgresql; tools/install-deps installs it)" >&2
		return 1
	fi
	PG_DIR=$(mktemp -d /tmp/maatlat-pg.XXXXXX)
	PG_SOCK="$PG_DIR/sock"
	mkdir -p "$PG_SOCK"
	if [ "$(id -u)" -eq 0 ]; then
		PG_AS=nobody
		chown -R nobody "$PG_DIR"
		chmod 755 "$PG_DIR"
	fi
	pg_run "$PG_BIN/initdb" -D "$PG_DIR/data" -U maat -A trust -E UTF8 --no-locale >"$PG_DIR/initdb.log" 2>&1 ||
		{ echo "initdb failed: $(tail -3 "$PG_DIR/initdb.log")" >&2; return 1; }
	pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
		-o "-c listen_addresses='' -c unix_socket_directories='$PG_SOCK' -c fsync=off" start >/dev/null 2>&1 ||
		{ echo "pg_ctl start failed: $(tail -3 "$PG_DIR/server.log")" >&2; return 1; }
	pg_run "$PG_BIN/createdb" -h "$PG_SOCK" -U maat maat || return 1
}

# pg_run CMD...: runs a server program as the server's user
pg_run() {
	if [ -n "$PG_AS" ]; then
		runuser -u "$PG_AS" -- "$@"
	else
		"$@"
	fi
}

# pg_sql SQL: runs SQL with psql on the test database
pg_sql() {
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -U maat -d maat -c "$1"
}

pg_stop() {
	[ -n "$PG_DIR" ] || return 0
	pg_run "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null 2>&1
	rm -rf "$PG_DIR"
	PG_DIR=
}
