/* demo.h -- a believable demo organisation, the same for the same seed.
 *
 * A VP of sales, 4 to 6 managers each leading a regional team, 30 to 60
 * sellers with varied tenure (some hired in the last four months, ramping;
 * a few leaving), a login for every person and an admin. Later parts of the
 * product add their demo data here.
 */
#ifndef REINS_DEMO_DEMO_H
#define REINS_DEMO_DEMO_H

#include <stdint.h>

#include "core/err.h"

struct store;

struct demo_summary {
    int managers, sellers, ramping;
    char admin_email[64], vp_email[128], manager_email[128], seller_email[128];
};

/* Fill an empty database (refused with REINS_ECONFLICT when people exist),
 * in one transaction. Every login gets `password_hash` (an Argon2id string:
 * all demo logins share the one password). Start dates are relative to
 * `as_of` (YYYY-MM-DD), so the demo is the same for the same seed and date. */
int demo_fill(struct store *db, uint64_t seed, const char *as_of, const char *password_hash,
              struct demo_summary *out, struct err *e);

#endif
