# The arrows of the source tree point one way (issue 13 item 8):
#   importers -> store <- analyzer -> reports, with common/ shared by all.
# analyzer/ includes only store/ and common/ headers (and its own); reports/ never includes an
# importer's header, importers/ never a report's. A header belongs to the folder of its .c.
. "$TAP_LIB"
S=$MAAT_SRCDIR
common="err i18n json table util zone calendar"
store="db"
analyzer="org layers signoff meetings handovers person terms trend prune"
importers="ics csv cases timestamp org_import pseudonym terms_import"
reports="xlsx graph workbook summary html"

# includes DIR: the maatlat headers the C files of DIR include, one a line
includes() { grep -ho '#include "maatlat/[a-z_]*\.h"' "$S/$1"/*.c | sed 's/.*maatlat.//; s/\.h"//' | sort -u; }
# outside LIST...: the lines of stdin not in any LIST
outside() { allowed=" $* "; while read -r h; do case "$allowed" in *" $h "*) ;; *) echo "$h" ;; esac; done; }

bad=$(includes analyzer | outside $common $store $analyzer)
if [ -z "$bad" ]; then ok "analyzer/ includes only store/, common/ and its own headers"
else not_ok "analyzer/ includes only store/, common/ and its own headers" "also: $bad"; fi

bad=$(includes reports | outside $common $store $analyzer $reports)
if [ -z "$bad" ]; then ok "reports/ includes no importer header"
else not_ok "reports/ includes no importer header" "also: $bad"; fi

bad=$(includes store | outside $common $store)
if [ -z "$bad" ]; then ok "store/ includes only common/ and its own headers"
else not_ok "store/ includes only common/ and its own headers" "also: $bad"; fi

bad=$(includes common | outside $common)
if [ -z "$bad" ]; then ok "common/ includes only common/ headers"
else not_ok "common/ includes only common/ headers" "also: $bad"; fi

for h in table json zone; do
	if [ -f "$S/common/$h.c" ]; then ok "$h.c lives in common/"; else not_ok "$h.c lives in common/"; fi
done
done_testing
