#!/bin/sh
# The store seen from the command line: foreign files are refused and left untouched.
. "$TAP_LIB"

printf 'these are my notes\nnot a database\n' >notes.txt
before=$(sha256sum notes.txt)
run --db notes.txt sources
expect_status 65 "a plain text file as store: bad data (65)"
expect_err_has "maatlat: notes.txt: not a maatlat store" "the message says it is not a store"
expect_eq "$(sha256sum notes.txt)" "$before" "the text file is unchanged"
expect_eq "$(ls)" "notes.txt" "no journal or WAL file was left beside it"

run --db missing.db sources
expect_status 66 "a missing store for a read-only command: input missing (66)"
expect_err_has "missing.db" "the path is named"
if [ -e missing.db ]; then not_ok "reading does not create a store"; else ok "reading does not create a store"; fi

# another program's SQLite database
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
before=$(sha256sum other.db)
run --db other.db sources
expect_status 65 "another program's database is refused"
expect_err_has "another program" "the message says whose it is not"
expect_eq "$(sha256sum other.db)" "$before" "that database is unchanged"

# a store written by a newer maatlat: maatlat's application id, a schema version from the future
sqlite3 newer.db "PRAGMA application_id=$((0x4D41544C)); PRAGMA user_version=999; CREATE TABLE future(x);"
before=$(sha256sum newer.db)
run --db newer.db sources
expect_status 65 "a store from a newer maatlat is refused"
expect_err_has "newer maatlat" "the message says to upgrade"
expect_eq "$(sha256sum newer.db)" "$before" "that store is unchanged"

run --db :memory: sources
expect_status 0 "sources on an in-memory store works"
expect_out_has "Nothing imported yet." "and says nothing was imported"

done_testing
