#!/bin/sh
# The bad input catalogue (issue 8): every file in tests/data/bad/MANIFEST.tsv, imported into a
# store that already holds a small org chart, must give its documented exit code and message,
# never crash, and leave the store exactly as it was when the import fails. Files that import
# with a logged skip must have stored the message that explains it.
. "$TAP_LIB"
B="$MAAT_TESTDATA/bad"

printf 'id,manager,name\nA1,,Anna\nA2,A1,Bram\n' >base.csv
run --db s.db import org --as-of 2020-01-31 base.csv
expect_status 0 "the baseline org chart imports"
dump() { sqlite3 s.db .dump | sha256sum; }
base=$(dump)
files=0

tab=$(printf '\t')
while IFS="$tab" read -r file kind code stderr_has stored_has; do
	case "$file" in '#'* | '') continue ;; esac
	files=$((files + 1))
	cp s.db work.db
	run --db work.db import "$kind" "$B/$file" </dev/null
	expect_status "$code" "$file: exit $code"
	if [ "$status" -ge 128 ] || grep -q "AddressSanitizer\|runtime error" "$T/.err"; then
		not_ok "$file: no crash or sanitizer report" "$(head -c 400 "$T/.err")"
	fi
	[ "$stderr_has" = "-" ] || expect_err_has "$stderr_has" "$file: stderr says '$stderr_has'"
	if [ "$code" -ne 0 ]; then
		expect_eq "$(sqlite3 work.db .dump | sha256sum)" "$base" "$file: the store is unchanged"
	elif [ "$stored_has" != "-" ]; then
		got=$(sqlite3 work.db "SELECT count(*) FROM source_messages WHERE instr(message, '$(printf '%s' "$stored_has" | sed "s/'/''/g")') > 0")
		if [ "$got" -gt 0 ]; then ok "$file: the store explains it ('$stored_has')"; else not_ok "$file: the store explains it ('$stored_has')" "$(sqlite3 work.db 'SELECT message FROM source_messages' | head -5)"; fi
	fi
	rm -f work.db work.db-wal work.db-shm
done <"$B/MANIFEST.tsv"
expect_eq "$([ "$files" -ge 40 ] && echo yes)" "yes" "the catalogue holds at least 40 files ($files)"

# made here rather than committed: a 100 MB line (one field far over the 1 MiB field limit)
{
	printf 'id,manager,name\n1,,'
	head -c 100000000 /dev/zero | tr '\0' 'x'
	printf '\n'
} >longline.csv
cp s.db work.db
run --db work.db import org longline.csv
expect_status 65 "a 100 MB line: exit 65"
expect_err_has "longline.csv:2:" "a 100 MB line: the message names file and line"
expect_eq "$(sqlite3 work.db .dump | sha256sum)" "$base" "a 100 MB line: the store is unchanged"
rm -f longline.csv

done_testing
