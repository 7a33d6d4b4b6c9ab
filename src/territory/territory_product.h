/* territory_product.h -- territory scenarios on the database: build the engine's input from
 * accounts, run it, store the result, compare, apply.
 *
 * A scenario names which accounts (a filter on segment, industry and the owner's team), the
 * sellers who get a territory (one each, in the order given), the measures balanced (account
 * count, potential, open pipeline amount), a tolerance and a limit on accounts that change
 * owner. Running it (territory_scenario_create):
 *   - accounts without coordinates are left out and listed (to_owner NULL in the result);
 *   - each seller's home is the centroid of their current accounts among the chosen ones (or
 *     of all the chosen accounts when they own none); distances are great-circle kilometres
 *     from the home (the engine's home_dist), so territories form around where sellers work;
 *   - the engine (territory.h) runs with a time limit and a fixed seed, with the current owner
 *     of each account as `current` for the disruption limit;
 *   - the result (account -> seller, its distance to the home) is stored with the scenario, as
 *     a draft.
 * Applying a draft (territory_scenario_apply) is one transaction: every account whose owner
 * changes gets the new owner and a row in account_owner_changes (the audit of who moved it,
 * when, by which scenario); the open opportunities of those accounts follow their account,
 * through opportunity_write_state, so the pipeline's history records the owner change. It is
 * refused (REINS_ECONFLICT, nothing written) when the scenario was applied already or when an
 * account's owner changed since the scenario ran.
 *
 * Who sees what: an admin every scenario; a manager the scenarios whose sellers are all in
 * their reporting tree (themself included); a seller none (they see their accounts).
 */
#ifndef REINS_TERRITORY_TERRITORY_PRODUCT_H
#define REINS_TERRITORY_TERRITORY_PRODUCT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/principal.h"
#include "core/err.h"
#include "core/mem.h"

struct store;

#define TSC_MAX_SELLERS 200
#define TSC_NAME_MAX 200

enum { TSC_ACCOUNTS = 1, TSC_POTENTIAL = 2, TSC_PIPELINE = 4 };

struct tsc_params {
    const char *name;
    const char *segment, *industry; /* "" or NULL: any */
    int64_t team_id;                /* accounts whose owner is in this team; 0: any */
    int measures;                   /* TSC_ACCOUNTS | TSC_POTENTIAL | TSC_PIPELINE, not 0 */
    int64_t tolerance_bp;           /* 0..10000: 500 is +-5% */
    long max_moves;                 /* < 0: any */
    const int64_t *sellers;         /* person ids, distinct, 1..TSC_MAX_SELLERS */
    size_t nsellers;
    double time_limit; /* seconds; <= 0: 2 */
    long max_iter;     /* search steps; <= 0: until the time limit or a stall */
};

/* The engine's input built from the database. Arrays live in the arena. */
struct tsc_inputs {
    size_t n, k, m;              /* located accounts, sellers, measures */
    int64_t *account_id;         /* n */
    int64_t *owner_id;           /* n: current owner, 0 for none */
    int64_t *potential;          /* n */
    int64_t *pipeline;           /* n: open opportunities' amounts */
    double *lon, *lat;           /* n degrees */
    double *measure;             /* n * m */
    double *tol;                 /* m */
    int32_t *current;            /* n: index of the owner among the sellers, or -1 */
    double *home_lon, *home_lat; /* k */
    double *home_dist;           /* k * n kilometres */
    size_t nleft;                /* accounts left out: no coordinates */
    int64_t *left_id, *left_owner, *left_potential, *left_pipeline; /* nleft */
};

/* Check `p` and build the input: REINS_EINVAL naming the field for bad parameters (an unknown
 * seller, no measure, a tolerance out of range), or when no chosen account has coordinates. */
int tsc_build_inputs(struct store *db, const struct tsc_params *p, struct arena *arena,
                     struct tsc_inputs *out, struct err *e);

/* Build, solve and store a draft scenario made by `user_id` (0 for none). */
int territory_scenario_create(struct store *db, const struct tsc_params *p, int64_t user_id,
                              int64_t now, int64_t *id_out, struct err *e);

/* Whether `who` may see scenario `id`: 1, 0 or < 0 (REINS_ENOTFOUND when unknown). */
int territory_scenario_visible(struct store *db, const struct principal *who, int64_t id,
                               struct err *e);

/* The scenario as JSON: parameters, sellers with per-territory balance (accounts, potential,
 * pipeline, distance, gained, lost, pipeline gained), totals, and with `accounts` every
 * account's row (with coordinates, for the map). No visibility check. */
int territory_scenario_json(struct store *db, int64_t id, int accounts, json_t **out,
                            struct err *e);

/* The ids of the scenarios `who` may see, newest first, into *ids (arena). */
int territory_scenario_list(struct store *db, const struct principal *who, struct arena *arena,
                            int64_t **ids, size_t *n, struct err *e);

/* Apply draft scenario `id` by `user_id`, all or nothing (see above). *changed gets the number
 * of accounts that changed owner (may be NULL). */
int territory_scenario_apply(struct store *db, int64_t id, int64_t user_id, int64_t now,
                             int64_t *changed, struct err *e);

/* One draft scenario over the demo's sellers (every seller with accounts, balanced on
 * potential and account count). Writes in the caller's transaction. */
int territory_demo_fill(struct store *db, int64_t now, struct err *e);

#endif
