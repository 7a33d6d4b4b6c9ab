/* territory_product.h -- territory scenarios on the database: build the engine's input from
 * accounts, run it, store the result, compare, apply.
 *
 * A scenario names which accounts (a filter on segment, industry and the owner's team, or only
 * the accounts its sellers own now, and for
 * a manager's scenario only accounts owned in their tree), the sellers who get a territory (one
 * each, in the order given), the measures balanced (account count, potential, open pipeline
 * amount), a tolerance, a limit on accounts that change owner and/or a penalty per move, named
 * accounts locked to a seller, and homes. Running it (territory_scenario_create):
 *   - accounts without coordinates are left out and listed (to_owner NULL in the result);
 *   - a seller's home is given (coordinates, or an account's location), or else the centroid
 *     of their current accounts among the chosen ones (or of all the chosen accounts when they
 *     own none); distances are great-circle kilometres from the home (the engine's home_dist),
 *     so territories form around where sellers work;
 *   - a locked account goes to its seller whatever the balance (the engine's lock);
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
 * their reporting tree (themself included); a seller none (they see their accounts). A manager
 * plans for their tree only (sellers at or below them, accounts owned there) and applies a
 * scenario only when every account in it is owned in their tree.
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

#define TSC_MAX_LOCKS 10000
#define TSC_MAX_MOVE_PENALTY_KM 100000

enum { TSC_ACCOUNTS = 1, TSC_POTENTIAL = 2, TSC_PIPELINE = 4 };

enum tsc_home_kind {
    TSC_HOME_CENTROID, /* the centroid of the seller's current accounts (the default) */
    TSC_HOME_GIVEN,    /* latitude, longitude given */
    TSC_HOME_ACCOUNT   /* an account's location (an office, a seller's base) */
};

/* A seller's home, when not the centroid. */
struct tsc_home {
    int64_t person_id; /* one of the sellers */
    enum tsc_home_kind kind;
    double lat, lon;    /* TSC_HOME_GIVEN: degrees, -90..90 and -180..180 */
    int64_t account_id; /* TSC_HOME_ACCOUNT: an account with coordinates */
};

/* An account that must go to (or stay with) a seller. */
struct tsc_lock {
    int64_t account_id, person_id;
};

struct tsc_params {
    const char *name;
    const char *segment, *industry; /* "" or NULL: any */
    int64_t team_id;                /* accounts whose owner is in this team; 0: any */
    int owners_only;                /* 1: only accounts the sellers own now */
    int measures;                   /* TSC_ACCOUNTS | TSC_POTENTIAL | TSC_PIPELINE, not 0 */
    int64_t tolerance_bp;           /* 0..10000: 500 is +-5% */
    long max_moves;                 /* < 0: any */
    long move_penalty_km;           /* 0..TSC_MAX_MOVE_PENALTY_KM: added per account that moves */
    const int64_t *sellers;         /* person ids, distinct, 1..TSC_MAX_SELLERS */
    size_t nsellers;
    const struct tsc_home *homes; /* homes of some sellers (others: the centroid) */
    size_t nhomes;
    const struct tsc_lock *locks; /* locked accounts, each among the chosen and located ones */
    size_t nlocks;
    int64_t scope_person_id; /* a manager planning for their tree: sellers at or below them,
                                accounts owned there; 0: no limit (admins) */
    double time_limit;       /* seconds; <= 0: 2 */
    long max_iter;           /* search steps; <= 0: until the time limit or a stall */
};

/* The engine's input built from the database. Arrays live in the arena. */
struct tsc_inputs {
    size_t n, k, m;                /* located accounts, sellers, measures */
    int64_t *account_id;           /* n */
    int64_t *owner_id;             /* n: current owner, 0 for none */
    int64_t *potential;            /* n */
    int64_t *pipeline;             /* n: open opportunities' amounts */
    double *lon, *lat;             /* n degrees */
    double *measure;               /* n * m */
    double *tol;                   /* m */
    int32_t *current;              /* n: index of the owner among the sellers, or -1 */
    int32_t *lock;                 /* n: the seller index an account is locked to, or -1 */
    double *home_lon, *home_lat;   /* k */
    enum tsc_home_kind *home_kind; /* k */
    int64_t *home_account;         /* k: the account of a TSC_HOME_ACCOUNT home, else 0 */
    double *home_dist;             /* k * n kilometres */
    size_t nleft;                  /* accounts left out: no coordinates */
    int64_t *left_id, *left_owner, *left_potential, *left_pipeline; /* nleft */
};

/* Check `p` and build the input: REINS_EINVAL naming the field for bad parameters (an unknown
 * seller, no measure, a tolerance out of range; `locks` for an unknown account, one not among
 * the chosen located accounts or locked to someone who is not a seller; `homes` for a person
 * who is not a seller, coordinates out of range, an unknown or unlocated account), or when no
 * chosen account has coordinates. */
int tsc_build_inputs(struct store *db, const struct tsc_params *p, struct arena *arena,
                     struct tsc_inputs *out, struct err *e);

/* Build, solve and store a draft scenario made by `user_id` (0 for none). */
int territory_scenario_create(struct store *db, const struct tsc_params *p, int64_t user_id,
                              int64_t now, int64_t *id_out, struct err *e);

/* The parameters scenario `id` was run with (to run it again), strings and arrays in the
 * arena; p->time_limit and p->max_iter are left 0. REINS_ENOTFOUND when unknown. */
int territory_scenario_params(struct store *db, int64_t id, struct arena *arena,
                              struct tsc_params *p, struct err *e);

/* Whether `who` may see scenario `id`: 1, 0 or < 0 (REINS_ENOTFOUND when unknown). */
int territory_scenario_visible(struct store *db, const struct principal *who, int64_t id,
                               struct err *e);

/* Whether `who` may apply scenario `id`: an admin, or a manager who sees it and above the
 * current owner of every account in it. 1, 0 or < 0 (REINS_ENOTFOUND when unknown). */
int territory_scenario_may_apply(struct store *db, const struct principal *who, int64_t id,
                                 struct err *e);

/* The scenario as JSON: parameters, sellers with per-territory balance (accounts, potential,
 * pipeline, distance, gained, lost, pipeline gained and lost, home), totals, and with
 * `accounts` every account's row (with coordinates, for the map) and the locks. No
 * visibility check. */
int territory_scenario_json(struct store *db, int64_t id, int accounts, json_t **out,
                            struct err *e);

/* The ids of the scenarios `who` may see, newest first, into *ids (arena). */
int territory_scenario_list(struct store *db, const struct principal *who, struct arena *arena,
                            int64_t **ids, size_t *n, struct err *e);

/* Apply draft scenario `id` by `user_id`, all or nothing (see above). *changed gets the number
 * of accounts that changed owner (may be NULL). */
int territory_scenario_apply(struct store *db, int64_t id, int64_t user_id, int64_t now,
                             int64_t *changed, struct err *e);

/* Who gained and who lost in the latest applied realignment that moved an account to or from
 * someone at or below `root` (the root included): {"scenario": {"id","name","applied_at"} or
 * null, "people": [{"person_id","name","gained","lost","pipeline_gained_minor",
 * "pipeline_lost_minor"}] (most changed first)}. Pipeline is the open pipeline of the accounts
 * when the scenario ran. No visibility check. */
int territory_changes_json(struct store *db, int64_t root, json_t **out, struct err *e);

/* The accounts of the latest applied realignment that changed `person`'s: {"scenario": {...}
 * or null, "gained": [{"account_id","name","pipeline_minor","other"}], "lost": [...]} where
 * other is the name of the previous or the new owner ("" for none). No visibility check. */
int territory_my_changes_json(struct store *db, int64_t person, json_t **out, struct err *e);

/* The accounts `who` may put in a scenario (an admin every account, a manager those owned in
 * their tree): {"accounts": [{"id","name","segment","industry","owner_id","located"}],
 * "segments": [...], "industries": [...]}, by name. */
int territory_accounts_json(struct store *db, const struct principal *who, json_t **out,
                            struct err *e);

/* One draft scenario over the demo's sellers (every seller with accounts, balanced on
 * potential and account count). Writes in the caller's transaction. */
int territory_demo_fill(struct store *db, int64_t now, struct err *e);

#endif
