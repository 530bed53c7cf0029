/* Layers, spans of control, thin managers and the delayering simulation (METRICS.md §1), computed
 * from a loaded maat_org; the tables here are what `maatlat layers` prints and what the xlsx
 * workbook renders. */
#ifndef MAAT_LAYERS_H
#define MAAT_LAYERS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "maatlat/org.h"
#include "maatlat/table.h"

/* The default minimum span: a manager with fewer direct reports is "thin". */
#define MAAT_LAYERS_MIN_SPAN_DEFAULT 3

/* The headline figures. Reals are NAN when they cannot be computed (no managers, no people,
 * no row with employment data); JSON writes them as null. */
typedef struct maat_layers_figures {
	/* person nodes (not aggregate rows), after merging job shares */
	size_t people;
	/* aggregate rows (UK junior files) and their FTE */
	size_t aggregate_rows;
	double aggregate_fte;
	/* roots (top markers and self-loops) */
	size_t roots;
	/* the largest layer of any node (aggregate rows included); 0 when nothing has a layer */
	int layers;
	/* nodes per layer: layer_histogram[l] for l = 1..layers (index 0 unused); owned */
	size_t *layer_histogram;
	/* nodes with span > 0 */
	size_t managers;
	/* mean, median and largest span over managers */
	double span_mean, span_median, span_max;
	/* managers with span exactly 1 */
	size_t managers_span_1;
	/* managers with span < min_span */
	size_t thin_managers;
	/* the setting used */
	int min_span;
	/* managers of one whose one report is a manager */
	size_t pass_through_managers;
	/* (people - managers) / managers; managers / people; external FTE / FTE of stated
	 * employment (unknown left out, METRICS.md §1; NAN when no row states it) */
	double staff_per_manager, manager_share, external_share;
	/* people whose employment is unknown while other rows state theirs (left out of the
	 * external share; 0 when no row states employment) */
	size_t employment_unknown;
	/* anomaly counts (maat_org_counts) */
	size_t orphans, self_loops, cycles, duplicate_ids, conflicts, job_shares;
	size_t leading_zero_ids;
	/* nodes without a layer (in or below a cycle) */
	size_t nodes_without_layer;
	/* the delayering simulation with min span = min_span */
	struct {
		int min_span;
		/* managers removed (non-root, with a layer, span < min_span) */
		size_t removed_managers;
		int layers_after;
		size_t managers_after;
		double span_mean_after;
		/* mean of layer - 1 over all nodes that have a layer */
		double distance_mean_before, distance_mean_after;
	} delayering;
} maat_layers_figures;

/* The computed analysis; borrows the org, which must outlive it. */
typedef struct maat_layers maat_layers;

/* Computes every figure for min_span (>= 0). Returns a new object (never NULL); caller frees. */
maat_layers *maat_layers_compute(const maat_org *org, int min_span);
/* NULL-safe. */
void maat_layers_free(maat_layers *l);

/* The figures. Borrowed; valid until maat_layers_free. */
const maat_layers_figures *maat_layers_figures_get(const maat_layers *l);
/* The span of node i (direct person reports + FTE of direct aggregate rows). */
double maat_layers_span(const maat_layers *l, size_t i);
/* True when node i is a pass-through manager: a manager of one whose one report is a manager. */
bool maat_layers_pass_through(const maat_layers *l, size_t i);
/* True when node i is removed by the delayering simulation. */
bool maat_layers_removed(const maat_layers *l, size_t i);
/* The layer of node i after delayering (0 = no layer). */
int maat_layers_layer_after(const maat_layers *l, size_t i);

/* The JSON object of `maatlat layers --json` (keys of CLI.md, in that order, plus as_of,
 * job_shares, leading_zero_ids, nodes_without_layer, delayering.removed (ids) and anomalies).
 * New reference; caller decrefs. */
json_t *maat_layers_json(const maat_layers *l);

/* Tables; each returns a new table, caller frees with maat_table_free. */
/* Headline figures as rows (figure, value). */
maat_table *maat_layers_summary_table(const maat_layers *l);
/* Every node: id, name, title, unit, layer, manager, span, fte, flags. */
maat_table *maat_layers_people_table(const maat_layers *l);
/* Managers that are thin, of one or pass-through: id, name, title, unit, layer, span, ... */
maat_table *maat_layers_managers_table(const maat_layers *l);
/* The layer pyramid: layer, nodes, people, managers, aggregate FTE. */
maat_table *maat_layers_pyramid_table(const maat_layers *l);
/* Managers per span band (1, 2, 3-5, 6-9, 10-15, 16+; a fractional span counts in the band of
 * its ceiling). */
maat_table *maat_layers_span_bands_table(const maat_layers *l);
/* Delayering before/after: figure, before, after. */
maat_table *maat_layers_delayering_table(const maat_layers *l);
/* The manager roles delayering removes: id, name, title, unit, layer, span, reports move to. */
maat_table *maat_layers_removed_table(const maat_layers *l);
/* The anomalies of an org: kind, ids, detail, source, line. */
maat_table *maat_org_anomalies_table(const maat_org *org);

#endif
