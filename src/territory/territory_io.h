/* territory_io.h -- territory problems from files, and solutions back to files.
 *
 * The formats are documented in docs/territory.md. The engine (territory.h) knows nothing of
 * files; this module reads units (CSV or GraphML), territories, home distances and edge lists,
 * matches them by unit id and territory name, and fills a struct terr_problem whose arrays it
 * owns. Every error names the file, the line and the field.
 */
#ifndef REINS_TERRITORY_TERRITORY_IO_H
#define REINS_TERRITORY_TERRITORY_IO_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/mem.h"
#include "territory/territory.h"

struct terr_input {
    struct terr_problem p; /* points into the arrays below */
    size_t n, k, m;
    char **unit_id;      /* n */
    char **terr_name;    /* k */
    char **measure_name; /* m */
    double *measure, *x, *y, *home_dist, *tol;
    struct terr_edge *edges, *adj;
    size_t nedges, nadj;
    int32_t *home, *lock, *current;
    char **current_name, **lock_name; /* n, as read (NULL when empty), until resolved */
    size_t *unit_line;                /* n: line (or GraphML element line) each unit came from */
    struct arena arena;               /* every string above */
    /* private: unit id lookup (open addressing) */
    uint32_t *index;
    size_t index_cap;
};

/* Start empty. terr_input_release frees everything. */
void terr_input_init(struct terr_input *in);
void terr_input_release(struct terr_input *in);

/* Units from CSV: an `id` column (else the first column names the unit); coordinates as `x`,`y` or
 * `lon`,`lat` (or `lng`, `longitude`, `latitude`); optional `current` and `lock` (territory names);
 * the measures are the columns named in `measures` (comma-separated), or when NULL every other
 * column. Values must be numbers >= 0. `name` is used in messages. */
int terr_read_units_csv(struct terr_input *in, const char *name, const char *data, size_t len,
                        const char *measures, struct err *e);

/* Units and edges from GraphML (libxml2): node data `x`, `y` are coordinates, the other
 * numeric node data are measures (or those named in `measures`); edges become graph edges
 * with length from the edge data named `weight_key` (NULL: "distance"; 1 when absent). */
int terr_read_graphml(struct terr_input *in, const char *path, const char *data, size_t len,
                      const char *measures, const char *weight_key, struct err *e);

/* Territories: from CSV (a `territory` column, optional `home` unit id), or `k` named T1..Tk,
 * or the names in home_names (comma list of unit ids: territory i's home is the i-th unit).
 * Call after reading units. */
int terr_read_territories_csv(struct terr_input *in, const char *name, const char *data, size_t len,
                              struct err *e);
int terr_set_territories(struct terr_input *in, size_t k, struct err *e);
int terr_set_homes(struct terr_input *in, const char *home_ids, struct err *e);

/* Home-to-unit distances: CSV whose first column is the unit id and whose other columns are
 * named by territory. With no territories yet, the columns define them. */
int terr_read_home_distances_csv(struct terr_input *in, const char *name, const char *data,
                                 size_t len, struct err *e);

/* Edges from CSV: `from`, `to` (unit ids), and for distance edges `distance`. adjacency = 1
 * fills the contiguity graph instead of the distance graph. */
int terr_read_edges_csv(struct terr_input *in, const char *name, const char *data, size_t len,
                        int adjacency, struct err *e);

/* Turn current and lock names into territory numbers; set tolerances (one for all measures,
 * or a comma list with one per measure) and point in->p at everything. Call last. */
int terr_input_finish(struct terr_input *in, const char *tolerances, struct err *e);

/* The assignment as CSV: unit_id,territory,current,moved. */
void terr_write_assignment_csv(const struct terr_input *in, const struct terr_result *r,
                               struct sb *out);
/* A human-readable report: objective, balance per territory, and who moves. */
void terr_write_report(const struct terr_input *in, const struct terr_result *r, struct sb *out);

#endif
