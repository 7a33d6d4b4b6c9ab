/* pipeline.h -- accounts, opportunities, their full history, and CRM import and export.
 *
 * An opportunity belongs to an owner (a person), sits in one stage of one
 * pipeline, and carries an amount in minor units of its currency, a close
 * date, a probability in basis points and a forecast category. Each stage
 * has a default probability and category; moving a deal to a stage takes
 * them, except that a probability set by hand (probability_manual) stays.
 * A won or lost stage sets the status.
 *
 * History is an event log (table opportunity_history): every change of the
 * tracked fields (owner, pipeline, stage, amount, currency, close date,
 * probability, forecast category, status) appends one row naming the fields
 * that changed, when, from which source, and the whole tracked state after
 * the change. The pipeline as of a date is each deal's last row before the
 * end of that day; a slip is a row whose close date is later than the row
 * before it. reins knows a deal's history from the moment it first saw it
 * (an import records the state it found, not the CRM's past).
 *
 * Who sees what: an admin every deal, a manager the deals owned by anyone
 * in their reporting tree (themself included), a seller their own.
 *
 * Rules are in pipeline.c (no I/O), storage in pipeline_store.c, the CRM
 * import and CSV export in pipeline_csv.c, the routes in pipeline_api.c and
 * the demo history in pipeline_demo.c.
 */
#ifndef REINS_PIPELINE_PIPELINE_H
#define REINS_PIPELINE_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/principal.h"
#include "core/err.h"
#include "core/mem.h"

struct store;
struct import_result;

#define OPP_NAME_MAX 255
#define OPP_REASON_MAX 1000
#define ACCOUNT_NAME_MAX 255
#define PROBABILITY_BP_MAX 10000
#define OPP_LIST_LIMIT_MAX 5000

/* ---- rules (pipeline.c, pure) -------------------------------------------------------------- */

/* Whether `s` is one of pipeline, best_case, commit, closed, omitted. */
int forecast_category_valid(const char *s);
/* Three upper-case ASCII letters (ISO 4217 shape); `field` names it in the error. */
int currency_check(const char *s, const char *field, struct err *e);
/* Parse a decimal amount ("1234", "1,234.5", "1234.56", optionally after a
 * currency symbol or code and spaces) into minor units with two decimals.
 * Negative amounts, more than two decimals and overflow are REINS_EINVAL. */
int amount_parse(const char *s, int64_t *minor);
/* Parse a CRM date: YYYY-MM-DD, optionally followed by a time ("2026-03-01
 * 10:00", "2026-03-01T10:00:00Z"), or M/D/YYYY as US exports write it.
 * Writes YYYY-MM-DD into out[11]; REINS_EINVAL otherwise. */
int crm_date_parse(const char *s, char out[11]);
/* A percentage ("40", "40%", "40.5") into basis points 0..10000. */
int percent_parse(const char *s, int64_t *bp);

struct pipeline_stage {
    int64_t id, pipeline_id;
    const char *pipeline_name, *name;
    int64_t position, probability_bp;
    const char *forecast_category;
    int is_won, is_lost;
};

/* The tracked state of an opportunity: what the history records. */
struct opp_state {
    int64_t owner_id, pipeline_id, stage_id;
    int64_t amount_minor;
    char currency[4];
    char close_date[11];
    int64_t probability_bp;
    char forecast_category[16];
    char status[8]; /* open, won, lost */
};

/* Move `s` to `stage`: its pipeline, its category, its status (won/lost/open)
 * and, unless `probability_manual`, its default probability. */
void opp_state_enter_stage(struct opp_state *s, const struct pipeline_stage *stage,
                           int probability_manual);
/* The comma-separated names of the fields that differ between `a` and `b`
 * ("stage,amount") into out (at least 128 bytes); "" when equal. */
void opp_state_changes(const struct opp_state *a, const struct opp_state *b, char out[128]);

/* ---- storage (pipeline_store.c) ------------------------------------------------------------ */

/* Every stage of every pipeline that is not archived, by pipeline then
 * position. Strings live in `arena`. */
int pipeline_stages_list(struct store *db, struct arena *arena, struct pipeline_stage **out,
                         size_t *n, struct err *e);
/* One stage; REINS_ENOTFOUND when unknown. */
int pipeline_stage_get(struct store *db, int64_t id, struct arena *arena,
                       struct pipeline_stage *out, struct err *e);

/* Configuring pipelines. A stage's outcome (open, won, lost) is fixed when it
 * is made; its default probability and category may change later, and apply
 * to deals as they next enter the stage (deals already in it keep theirs). */
#define STAGE_NAME_MAX 100
enum stage_outcome { STAGE_OPEN = 0, STAGE_WON, STAGE_LOST };
struct pipeline_stage_fields {
    const char *name;              /* NULL: unchanged */
    const char *forecast_category; /* NULL: unchanged */
    int has_probability, has_position;
    int64_t probability_bp, position;
    enum stage_outcome outcome;
};
/* A new pipeline with its stages in order: at least one open, one won and one
 * lost; a won stage is 10000 bp and closed, a lost one 0 bp and omitted.
 * Errors name the field ("stages[2].probability_bp"); all or nothing. */
int pipeline_create(struct store *db, const char *name, const struct pipeline_stage_fields *stages,
                    size_t n, int64_t *id, struct err *e);
/* Add a stage to `pipeline` (at the end unless a position is given). */
int pipeline_stage_add(struct store *db, int64_t pipeline, const struct pipeline_stage_fields *f,
                       int64_t *id, struct err *e);
/* Rename, move, or change a stage's default probability or category. */
int pipeline_stage_update(struct store *db, int64_t id, const struct pipeline_stage_fields *f,
                          struct arena *arena, struct err *e);

struct account {
    int64_t id, owner_id; /* owner 0 for none */
    const char *name, *industry, *segment, *postcode, *country;
    int has_location;
    int64_t latitude_e6, longitude_e6; /* millionths of a degree */
    int64_t potential_minor;
    const char *currency, *source, *external_id; /* external_id NULL for none */
};

/* Insert an account (in the caller's transaction, if any); a taken
 * (source, external_id) is REINS_ECONFLICT. `id_out` may be NULL. */
int account_create(struct store *db, const struct account *a, int64_t now, int64_t *id_out,
                   struct err *e);

/* What one makes or reads an opportunity with. */
struct opportunity {
    int64_t id, account_id;                                             /* account 0 for none */
    const char *account_name, *owner_name, *pipeline_name, *stage_name; /* read only */
    const char *name;
    struct opp_state st;
    int probability_manual;
    char created_date[11];
    const char *closed_reason;
    const char *deal_type; /* the CRM's type ("new", "renewal", ...) as written; "" for none */
    const char *products;  /* product names separated by "; ", "" for none */
    const char *source, *external_id;
    int64_t created_at, updated_at;
};

/* Who made a change, for the history: "import:salesforce", "web", "demo"... */
struct change_source {
    const char *source;
    int64_t user_id; /* 0 for none */
    int64_t at;      /* seconds since the epoch */
};

/* Insert an opportunity and its first history row ("created"). The state
 * must be consistent (see opp_state_enter_stage); the owner must exist
 * (REINS_EINVAL naming owner_id otherwise). Opens no transaction. */
int opportunity_create(struct store *db, const struct opportunity *o,
                       const struct change_source *by, int64_t *id_out, struct err *e);
/* Insert `n` new opportunities like opportunity_create, many rows per statement (for imports:
 * one round trip per batch instead of several per deal). Every one must have a source and an
 * external id, distinct among them; their products must already be without blanks or repeats.
 * The new ids go to ids[0..n-1]. Opens no transaction. */
int opportunities_create_many(struct store *db, const struct opportunity *v, size_t n,
                              const struct change_source *by, int64_t *ids, struct err *e);
/* Write the new tracked state of opportunity `id` (whose state was `old`)
 * and, when anything tracked changed, one history row. Opens no transaction. */
int opportunity_write_state(struct store *db, int64_t id, const struct opp_state *old,
                            const struct opp_state *now_state, int probability_manual,
                            const struct change_source *by, struct err *e);
/* One opportunity, with no visibility check. REINS_ENOTFOUND when unknown. */
int opportunity_get(struct store *db, int64_t id, struct arena *arena, struct opportunity *out,
                    struct err *e);
/* Whether `who` may see opportunity `o` (its owner is visible to them). 1, 0 or < 0. */
int opportunity_visible(struct store *db, const struct principal *who, const struct opportunity *o,
                        struct err *e);
/* Move `id` to `stage_id` (a stage of its pipeline or another's): its
 * category, status and, unless set by hand, probability follow the stage.
 * In one transaction; REINS_EINVAL naming stage_id for an unknown stage. */
int opportunity_set_stage(struct store *db, int64_t id, int64_t stage_id,
                          const struct change_source *by, struct err *e);
/* Set the probability by hand (0..10000 bp, marked manual so later stage
 * changes keep it), or with `bp` < 0 clear the mark and take the stage's
 * default again. In one transaction. */
int opportunity_set_probability(struct store *db, int64_t id, int64_t bp,
                                const struct change_source *by, struct err *e);

/* List filters; zero / NULL members do not filter. */
struct opp_filter {
    int64_t owner_id, pipeline_id, stage_id, account_id;
    const char *status;                /* open, won, lost */
    const char *forecast_category;     /* one of the categories */
    const char *close_from, *close_to; /* inclusive YYYY-MM-DD */
    const char *q;                     /* name contains, case-insensitive */
    int limit; /* 1..OPP_LIST_LIMIT_MAX; 0 for OPP_LIST_LIMIT_MAX; < 0 for all (exports) */
};
/* The opportunities `who` may see that match `f`, by close date then id.
 * One query: the visibility filter runs in the database. */
int opportunity_list(struct store *db, const struct principal *who, const struct opp_filter *f,
                     struct arena *arena, struct opportunity **out, size_t *n, struct err *e);

/* One column of the board: a stage with its open deals' count and totals. */
/* Sums are kept per currency: amounts in different currencies never add. */
#define BOARD_CURRENCIES_MAX 16
struct board_sum {
    char currency[4];
    int64_t count;
    int64_t amount_minor;   /* sum of amounts */
    int64_t weighted_minor; /* sum of amount * probability, rounded down per deal */
};
struct board_column {
    struct pipeline_stage stage;
    int64_t count;
    struct board_sum sums[BOARD_CURRENCIES_MAX]; /* by currency code */
    size_t nsums;
};
/* The board of pipeline `pipeline_id` for `who`: every stage in order with
 * the count and totals of the visible deals in it matching `f` (whose
 * pipeline is ignored), summed per currency, ordered by code; more than
 * BOARD_CURRENCIES_MAX currencies in one stage is REINS_EINVAL. */
int pipeline_board(struct store *db, const struct principal *who, int64_t pipeline_id,
                   const struct opp_filter *f, struct arena *arena, struct board_column **out,
                   size_t *n, struct err *e);

/* One row of the history: the state after a change, and what changed. */
struct opp_history_row {
    int64_t id, opportunity_id, changed_at, user_id;
    const char *source, *changes, *stage_name, *owner_name;
    struct opp_state st;
};
/* The history of opportunity `id`, oldest first. */
int opportunity_history(struct store *db, int64_t id, struct arena *arena,
                        struct opp_history_row **out, size_t *n, struct err *e);
/* How many times the close date of opportunity `id` moved later, and by how
 * many days in all. */
int opportunity_slips(struct store *db, int64_t id, int64_t *slips, int64_t *days_slipped,
                      struct err *e);
/* The pipeline as it was at the end of `date` (YYYY-MM-DD, UTC), for `who`:
 * every visible deal's last history row written before the next day, with
 * its status then, by close date. Rows' stage_name and owner_name are set. */
int pipeline_as_of(struct store *db, const struct principal *who, const char *date,
                   struct arena *arena, struct opp_history_row **out, size_t *n, struct err *e);

/* ---- CRM import and CSV export (pipeline_csv.c) -------------------------------------------- */

enum crm_source { CRM_SALESFORCE, CRM_HUBSPOT };
enum crm_object { CRM_OPPORTUNITIES, CRM_ACCOUNTS };
/* "salesforce" / "hubspot", "opportunities" / "accounts"; -1 for anything else. */
int crm_source_parse(const char *s);
int crm_object_parse(const char *s);
const char *crm_source_name(enum crm_source s);
const char *crm_object_name(enum crm_object o);

/* The fields an import knows for an object, NULL-terminated, and the
 * column header each takes by default for a source. */
const char *const *crm_fields(enum crm_object o);
const char *crm_default_column(enum crm_source s, enum crm_object o, const char *field);

/* The column mapping in force: the saved column for each field, else the
 * default. `columns` gets one header per crm_fields() entry, strings in arena. */
int crm_mapping_get(struct store *db, enum crm_source s, enum crm_object o, struct arena *arena,
                    const char ***columns, struct err *e);
/* Save the column of `field` (an empty `column` returns it to the default).
 * REINS_EINVAL naming the field when it is not one of crm_fields(). */
int crm_mapping_set(struct store *db, enum crm_source s, enum crm_object o, const char *field,
                    const char *column, int64_t now, struct err *e);

/* Import a CRM export, all or nothing. Rows are matched to what an earlier
 * import of the same source made by external id: new ones are created, known
 * ones updated in place with their changes recorded as history. Owners are
 * people matched by email. When any row is bad, nothing is written, every
 * bad row is listed in out->problems (line and field, up to 1000) and
 * REINS_EINVAL is returned. `filename` names the input in messages. On
 * success out->created / out->updated count rows, *unchanged the rest. */
int crm_import_csv(struct store *db, enum crm_source s, enum crm_object o, const char *data,
                   size_t len, const char *filename, const struct change_source *by,
                   struct import_result *out, int *unchanged, struct err *e);

/* The opportunities `who` may see, as CSV (docs/api.md lists the columns). */
int opportunities_export_csv(struct store *db, const struct principal *who, struct sb *out,
                             struct err *e);

/* ---- JSON ---------------------------------------------------------------------------------- */

json_t *opportunity_to_json(const struct opportunity *o);
json_t *stage_to_json(const struct pipeline_stage *s);
json_t *history_row_to_json(const struct opp_history_row *h);

/* ---- demo (pipeline_demo.c) ---------------------------------------------------------------- */

/* Give every seller in `db` two years of believable pipeline history before
 * `as_of_days` (days since 1970-01-01): accounts, deals created through the
 * year with a Q4 peak, stage moves, wins and losses, close dates that slip
 * (some sellers forecast well, others slip most deals). The same for the same
 * seed and data. Writes in the caller's transaction. */
int pipeline_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e);

#endif
