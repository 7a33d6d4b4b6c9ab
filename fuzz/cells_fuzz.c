/* cells_fuzz.c -- cells_build puts everyone in one cell of at least min_group
 * people, whatever the reporting lines (cycles and dangling links included).
 *
 * Input: byte 0 sets min_group (3..10); then 4 bytes per person: manager
 * (index, 255 for none), team, tenure band, role. Checks: every person is in
 * a cell; cell sizes add up; every cell holds min_group (when that many
 * people exist); tagged dimensions are shared by all members; a cell tagged
 * with manager M holds only people with M above them. */
#include <stdint.h>
#include <stdlib.h>

#include "surveys/cells.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PEOPLE 200

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int k = 3 + data[0] % 8;
    size_t n = (size - 1) / 4;
    if (n > MAX_PEOPLE) n = MAX_PEOPLE;
    struct cell_person p[MAX_PEOPLE] = {{0}};
    for (size_t i = 0; i < n; i++) {
        const uint8_t *b = data + 1 + 4 * i;
        p[i].manager = b[0] == 255 ? -1 : (int32_t)b[0];
        p[i].dims[CELL_TEAM] = b[1] % 4;
        p[i].dims[CELL_BAND] = b[2] % 4;
        p[i].dims[CELL_ROLE] = 1 + b[3] % 2;
    }
    int32_t cell_of[MAX_PEOPLE];
    struct cell cells[MAX_PEOPLE];
    size_t ncells = 0;
    cells_build(p, n, k, cell_of, cells, &ncells);
    if (n == 0) return ncells == 0 ? 0 : (abort(), 0);
    size_t sizes[MAX_PEOPLE] = {0}, total = 0;
    for (size_t i = 0; i < n; i++) {
        if (cell_of[i] < 0 || (size_t)cell_of[i] >= ncells) abort();
        sizes[cell_of[i]]++;
        const struct cell *c = &cells[cell_of[i]];
        for (int d = 0; d < CELL_DIMS; d++)
            if (c->dims[d] != CELL_MIXED && c->dims[d] != p[i].dims[d]) abort();
        if (c->node >= 0) {
            /* The tagged manager must be above i (walk at most n steps: cycles end it). */
            int32_t m = p[i].manager;
            size_t steps = 0;
            while (m >= 0 && (size_t)m < n && m != c->node && steps++ < n)
                m = p[m].manager;
            if (m != c->node) abort();
        }
    }
    for (size_t c = 0; c < ncells; c++) {
        if (sizes[c] != cells[c].size) abort();
        if (n >= (size_t)k && sizes[c] < (size_t)k) abort();
        total += sizes[c];
    }
    if (total != n) abort();
    return 0;
}
