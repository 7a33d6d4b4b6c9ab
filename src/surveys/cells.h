/* cells.h -- the anonymity cells a survey's answers are filed under.
 *
 * A response is stored with one fact about who gave it: its cell. When a
 * survey opens, everyone invited is put in exactly one cell, and every cell
 * holds at least `min_group` invited people, so a stored response points at
 * no fewer people than that, even to someone holding the whole database.
 * Results are only ever cut along cells: a manager's tree, a team, a tenure
 * band or a role is the union of the cells tagged with it, so two groups
 * differ by whole cells, never by a lone person.
 *
 * Cells are made bottom-up along the reporting tree: the people under a
 * manager who are not yet in a cell form cells tagged with that manager when
 * there are at least min_group of them, otherwise they are passed up to the
 * next manager. A pool is then split by team, tenure band and role only
 * where every part keeps min_group people; the rest stays "mixed" on that
 * dimension. Fewer than min_group left at the top (a lone VP) join a cell
 * of the top person's tree, which then speaks only for the whole company.
 * Pure; no I/O.
 */
#ifndef REINS_SURVEYS_CELLS_H
#define REINS_SURVEYS_CELLS_H

#include <stddef.h>
#include <stdint.h>

/* Dimensions a cell may be tagged with; CELL_MIXED when it is not. */
#define CELL_MIXED (-1)
#define CELL_DIMS 3
enum cell_dim { CELL_TEAM = 0, CELL_BAND = 1, CELL_ROLE = 2 };

struct cell_person {
    int32_t manager; /* index of their manager in the array, or -1 */
    int64_t dims[CELL_DIMS]; /* team id (0 for none), tenure band, role */
};

struct cell {
    int32_t node;            /* the manager whose tree holds it, or -1: the whole company */
    int64_t dims[CELL_DIMS]; /* the value all members share, or CELL_MIXED */
    size_t size;             /* invited people in it */
};

/* Put each of the n people in a cell: cell_of[i] gets a cell number, cells
 * (of capacity n) the cells, *ncells their count. Every cell has at least
 * min_group people unless fewer than min_group are invited at all (then
 * there is one cell). The manager links must form a forest (no cycles);
 * a link out of range counts as none. */
void cells_build(const struct cell_person *people, size_t n, int min_group, int32_t *cell_of,
                 struct cell *cells, size_t *ncells);

#endif
