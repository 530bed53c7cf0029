/* TEMPORARY stand-in for the org engineer's analyzer/org.c (branch org): no org chart is ever
 * loaded, so every handover direction is "unknown". Replaced by main's file at the merge. */
#include <stdlib.h>
#include <string.h>

#include "maatlat/org.h"
#include "maatlat/util.h"

int
maat_org_load(maat_db *db, const char *as_of, maat_org **out, maat_err *err)
{
	*out = NULL;
	return 1;
}

void
maat_org_free(maat_org *org)
{
	if (org == NULL) {
		return;
	}
	for (size_t i = 0; i < org->n; i++) {
		free(org->nodes[i].id);
		free(org->nodes[i].name);
		free(org->nodes[i].title);
		free(org->nodes[i].unit);
		free(org->nodes[i].email);
		free(org->nodes[i].grade);
		free(org->nodes[i].role);
	}
	free(org->nodes);
	free(org->as_of);
	free(org);
}

ssize_t
maat_org_find(const maat_org *org, const char *key)
{
	for (size_t i = 0; i < org->n; i++) {
		const maat_org_node *n = &org->nodes[i];
		if (maat_strcasecmp0(n->id, key) == 0 ||
		    (n->email && maat_strcasecmp0(n->email, key) == 0) ||
		    (n->name && maat_strcasecmp0(n->name, key) == 0)) {
			return (ssize_t)i;
		}
	}
	return -1;
}

bool
maat_org_is_ancestor(const maat_org *org, size_t anc, size_t node)
{
	ssize_t p = org->nodes[node].parent;
	for (size_t steps = 0; p >= 0 && steps < org->n; steps++) {
		if ((size_t)p == anc) {
			return true;
		}
		p = org->nodes[p].parent;
	}
	return false;
}
