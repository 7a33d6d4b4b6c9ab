/* disclosure.c -- thresholds and no differencing for survey results. */
#include "surveys/disclosure.h"

size_t disclosure_difference(const struct disclosure_group *a, const struct disclosure_group *b)
{
    size_t i = 0, j = 0, only_a = 0;
    while (i < a->n) {
        if (j == b->n || a->members[i] < b->members[j]) {
            only_a++;
            i++;
        } else if (a->members[i] == b->members[j]) {
            i++;
            j++;
        } else {
            j++;
        }
    }
    return only_a;
}

static int sorted_distinct(const struct disclosure_group *g)
{
    for (size_t i = 1; i < g->n; i++)
        if (g->members[i - 1] >= g->members[i]) return 0;
    return 1;
}

/* A difference of 0 hides no one; 1 to min_group - 1 people would be exposed. */
static int exposes(size_t difference, size_t min_group)
{
    return difference > 0 && difference < min_group;
}

void disclosure_decide(const struct disclosure_group *groups, size_t ngroups, int min_group,
                       unsigned char *shown)
{
    size_t floor =
        (size_t)(min_group < DISCLOSURE_MIN_GROUP_FLOOR ? DISCLOSURE_MIN_GROUP_FLOOR : min_group);
    for (size_t i = 0; i < ngroups; i++) {
        const struct disclosure_group *g = &groups[i];
        int ok = g->n >= floor && sorted_distinct(g);
        for (size_t j = 0; ok && j < i; j++) {
            if (!shown[j]) continue;
            ok = !exposes(disclosure_difference(g, &groups[j]), floor) &&
                 !exposes(disclosure_difference(&groups[j], g), floor);
        }
        shown[i] = (unsigned char)ok;
    }
}
