/* disclosure.h -- which survey results may be shown, so no one's answers can
 * be read or worked out.
 *
 * Pulse results are shown per group of respondents (a team, a manager's
 * tree, the whole company, a filter such as a tenure band). Two rules decide
 * what is withheld:
 *   1. a group with fewer than `min_group` respondents is withheld;
 *   2. no differencing: for any two groups shown together, the respondents
 *      in one and not the other number 0 or at least `min_group`, both ways;
 *      otherwise subtracting one result from the other would reveal those
 *      few people (a team of 7 beside its sub-team of 5 reveals 2).
 * Groups are considered in the order given (the most important first: the
 * viewer's own team before its sub-teams); a group is shown when it keeps
 * both rules with every group shown before it. Pure; no I/O.
 */
#ifndef REINS_SURVEYS_DISCLOSURE_H
#define REINS_SURVEYS_DISCLOSURE_H

#include <stddef.h>
#include <stdint.h>

/* The smallest group size an admin may set, and the default. */
#define DISCLOSURE_MIN_GROUP_FLOOR 3
#define DISCLOSURE_MIN_GROUP_DEFAULT 5

/* A group of respondents: `members` are respondent numbers, sorted
 * ascending, without repeats (any numbering shared by all groups). */
struct disclosure_group {
    const uint32_t *members;
    size_t n;
};

/* Decide for each group whether it may be shown: shown[i] = 1 or 0.
 * `min_group` below DISCLOSURE_MIN_GROUP_FLOOR is raised to it. Groups
 * whose members are not sorted and distinct are withheld. O(k^2 * n) for k
 * groups of up to n members. */
void disclosure_decide(const struct disclosure_group *groups, size_t ngroups, int min_group,
                       unsigned char *shown);

/* |a \ b| for two sorted, distinct member lists. */
size_t disclosure_difference(const struct disclosure_group *a, const struct disclosure_group *b);

#endif
