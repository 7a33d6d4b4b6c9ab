/* fixtures.h -- the people, teams and principals unit tests build on.
 *
 * Each helper fails the running test (fail_msg) instead of returning an
 * error: a fixture that cannot be made is a broken test, not a result.
 */
#ifndef REINS_TESTS_FIXTURES_H
#define REINS_TESTS_FIXTURES_H

#include <stdint.h>

#include "auth/principal.h"

struct store;

/* Create a person. `manager` and `team` 0 for none; `start_date` NULL for
 * 2024-01-15; `status` NULL for active. Returns the id. */
int64_t fixture_person(struct store *db, const char *name, const char *email, int64_t manager,
                       int64_t team, const char *start_date, const char *status);
/* Create a team; returns its id. */
int64_t fixture_team(struct store *db, const char *name);
/* A principal with this role and person (user id 1), as a login would give. */
struct principal fixture_principal(enum role role, int64_t person_id);
/* The integer a query without parameters answers (a count). */
int64_t fixture_count(struct store *db, const char *sql);

#endif
