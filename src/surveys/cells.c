/* cells.c -- anonymity cells: see cells.h for the rules. */
#include "surveys/cells.h"

#include <stdlib.h>
#include <string.h>

#include "core/mem.h"

struct builder {
    const struct cell_person *people;
    int k;
    int32_t *cell_of;
    struct cell *cells;
    size_t ncells;
};

struct keyed {
    int64_t value;
    int32_t person;
};

static int by_value(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    if (x->value != y->value) return x->value < y->value ? -1 : 1;
    return x->person < y->person ? -1 : x->person > y->person;
}

static void make_cell(struct builder *b, const int32_t *members, size_t n, int32_t node,
                      const int64_t *tags)
{
    struct cell *c = &b->cells[b->ncells];
    c->node = node;
    memcpy(c->dims, tags, sizeof c->dims);
    c->size = n;
    for (size_t i = 0; i < n; i++)
        b->cell_of[members[i]] = (int32_t)b->ncells;
    b->ncells++;
}

/* Split `members` (at least k of them) on dimension `dim` and the ones after
 * it, so that every part keeps k people. */
static void refine(struct builder *b, int32_t *members, size_t n, int32_t node, int dim,
                   int64_t *tags)
{
    if (dim == CELL_DIMS) {
        make_cell(b, members, n, node, tags);
        return;
    }
    struct keyed *v = xcalloc(n, sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = (struct keyed){b->people[members[i]].dims[dim], members[i]};
    qsort(v, n, sizeof *v, by_value);

    /* Parts of k or more keep their value; the small ones go to `rest`. */
    int32_t *big = xcalloc(n, sizeof *big), *rest = xcalloc(n, sizeof *rest);
    size_t nbig = 0, nrest = 0, nparts = 0;
    size_t *part_start = xcalloc(n + 1, sizeof *part_start);
    int64_t *part_value = xcalloc(n, sizeof *part_value);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && v[j].value == v[i].value)
            j++;
        if (j - i >= (size_t)b->k) {
            part_start[nparts] = nbig;
            part_value[nparts++] = v[i].value;
            for (size_t m = i; m < j; m++)
                big[nbig++] = v[m].person;
        } else {
            for (size_t m = i; m < j; m++)
                rest[nrest++] = v[m].person;
        }
        i = j;
    }
    part_start[nparts] = nbig;

    int64_t saved = tags[dim];
    if (nparts == 0 || nrest >= (size_t)b->k) {
        /* The small parts together are a mixed cell of their own. */
        for (size_t p = 0; p < nparts; p++) {
            tags[dim] = part_value[p];
            refine(b, big + part_start[p], part_start[p + 1] - part_start[p], node, dim + 1, tags);
        }
        if (nrest) {
            tags[dim] = CELL_MIXED;
            refine(b, rest, nrest, node, dim + 1, tags);
        }
    } else {
        /* Too few left over: they join the smallest big part, which then
         * no longer says its value. */
        size_t smallest = 0;
        for (size_t p = 1; p < nparts; p++)
            if (part_start[p + 1] - part_start[p] < part_start[smallest + 1] - part_start[smallest])
                smallest = p;
        for (size_t p = 0; p < nparts; p++) {
            size_t len = part_start[p + 1] - part_start[p];
            if (p == smallest && nrest) {
                int32_t *merged = xcalloc(len + nrest, sizeof *merged);
                memcpy(merged, big + part_start[p], len * sizeof *merged);
                memcpy(merged + len, rest, nrest * sizeof *merged);
                tags[dim] = CELL_MIXED;
                refine(b, merged, len + nrest, node, dim + 1, tags);
                free(merged);
            } else {
                tags[dim] = part_value[p];
                refine(b, big + part_start[p], len, node, dim + 1, tags);
            }
        }
    }
    tags[dim] = saved;
    free(v);
    free(big);
    free(rest);
    free(part_start);
    free(part_value);
}

static void emit(struct builder *b, int32_t *members, size_t n, int32_t node)
{
    int64_t tags[CELL_DIMS];
    for (int d = 0; d < CELL_DIMS; d++)
        tags[d] = CELL_MIXED;
    refine(b, members, n, node, 0, tags);
}

void cells_build(const struct cell_person *people, size_t n, int min_group, int32_t *cell_of,
                 struct cell *cells, size_t *ncells)
{
    struct builder b = {people, min_group < 1 ? 1 : min_group, cell_of, cells, 0};
    *ncells = 0;
    if (n == 0) return;

    /* Managers in range and not cyclic are trusted (see cells.h); a manager
     * that cannot be reached from a root is treated as none. */
    int32_t *parent = xcalloc(n, sizeof *parent);
    for (size_t i = 0; i < n; i++) {
        int32_t m = people[i].manager;
        parent[i] = (m >= 0 && (size_t)m < n && (size_t)m != i) ? m : -1;
    }
    /* Children lists, then a breadth-first order from the roots. */
    int32_t *first_child = xmalloc(n * sizeof *first_child);
    int32_t *next_sibling = xmalloc(n * sizeof *next_sibling);
    for (size_t i = 0; i < n; i++)
        first_child[i] = next_sibling[i] = -1;
    for (size_t i = n; i-- > 0;)
        if (parent[i] >= 0) {
            next_sibling[i] = first_child[parent[i]];
            first_child[parent[i]] = (int32_t)i;
        }
    int32_t *order = xmalloc(n * sizeof *order);
    size_t head = 0, tail = 0;
    for (size_t i = 0; i < n; i++)
        if (parent[i] < 0) order[tail++] = (int32_t)i;
    while (head < tail) {
        int32_t v = order[head++];
        for (int32_t c = first_child[v]; c >= 0; c = next_sibling[c])
            order[tail++] = c;
    }
    /* People on a cycle were never reached: they join the company pool. */
    unsigned char *seen = xcalloc(n, 1);
    for (size_t i = 0; i < tail; i++)
        seen[order[i]] = 1;
    for (size_t i = 0; i < n; i++)
        if (!seen[i]) {
            parent[i] = -1;
            first_child[i] = -1;
            order[tail++] = (int32_t)i;
        }

    /* Each person's pool: the people below them not yet in a cell, as a
     * linked list (pool_head/pool_next), with its length. */
    int32_t *pool_head = xmalloc((n + 1) * sizeof *pool_head);
    int32_t *pool_tail = xmalloc((n + 1) * sizeof *pool_tail);
    size_t *pool_len = xcalloc(n + 1, sizeof *pool_len);
    int32_t *pool_next = xmalloc(n * sizeof *pool_next);
    for (size_t i = 0; i <= n; i++)
        pool_head[i] = pool_tail[i] = -1;
    int32_t *members = xmalloc(n * sizeof *members);
    const size_t company = n;

    for (size_t o = tail; o-- > 0;) {
        int32_t v = order[o];
        if (pool_len[v] >= (size_t)b.k) {
            size_t len = 0;
            for (int32_t p = pool_head[v]; p >= 0; p = pool_next[p])
                members[len++] = p;
            emit(&b, members, len, v);
            pool_head[v] = pool_tail[v] = -1;
            pool_len[v] = 0;
        }
        /* v and what is left of their pool go up to their manager. */
        pool_next[v] = pool_head[v];
        pool_head[v] = v;
        if (pool_tail[v] < 0) pool_tail[v] = v;
        pool_len[v]++;
        size_t up = parent[v] >= 0 ? (size_t)parent[v] : company;
        if (pool_len[up] == 0) {
            pool_head[up] = pool_head[v];
        } else {
            pool_next[pool_tail[up]] = pool_head[v];
        }
        pool_tail[up] = pool_tail[v];
        pool_len[up] += pool_len[v];
    }

    size_t len = 0;
    for (int32_t p = pool_head[company]; p >= 0; p = pool_next[p])
        members[len++] = p;
    if (len >= (size_t)b.k) {
        emit(&b, members, len, -1);
    } else if (b.ncells == 0) {
        /* Fewer than min_group invited at all: one cell, never shown. */
        int64_t tags[CELL_DIMS] = {CELL_MIXED, CELL_MIXED, CELL_MIXED};
        make_cell(&b, members, len, -1, tags);
    } else if (len) {
        /* Too few at the top for a cell: they join the smallest cell, which
         * then speaks only for the whole company. */
        /* Prefer a cell at the top (tagged with someone without a manager):
         * only that person's tree loses it, and they see the company anyway. */
        size_t smallest = b.ncells;
        for (int top_only = 1; top_only >= 0 && smallest == b.ncells; top_only--)
            for (size_t c = 0; c < b.ncells; c++) {
                int top = cells[c].node < 0 || parent[cells[c].node] < 0;
                if ((top || !top_only) &&
                    (smallest == b.ncells || cells[c].size < cells[smallest].size))
                    smallest = c;
            }
        struct cell *c = &cells[smallest];
        for (size_t i = 0; i < len; i++) {
            for (int d = 0; d < CELL_DIMS; d++)
                if (c->dims[d] != people[members[i]].dims[d]) c->dims[d] = CELL_MIXED;
            cell_of[members[i]] = (int32_t)smallest;
        }
        c->node = -1;
        c->size += len;
    }
    *ncells = b.ncells;
    free(parent);
    free(first_child);
    free(next_sibling);
    free(order);
    free(seen);
    free(pool_head);
    free(pool_tail);
    free(pool_len);
    free(pool_next);
    free(members);
}
