/* comp_io.h -- the engine's CSV files: people, quotas and credits in, lines and payouts out.
 *
 * No file system here either: readers take a file's bytes and its name (for
 * messages), writers append to a growable string. Formats are documented in
 * docs/comp-plans.md. Errors name the file, the line and the field:
 * "credits.csv line 14: field split_bp: deal D-7's direct splits come to 12000 bp, over 100%".
 */
#ifndef REINS_COMP_COMP_IO_H
#define REINS_COMP_COMP_IO_H

#include "comp/comp.h"

struct comp_name_map; /* person ids to indexes */

/* Everything the readers made; one owner, freed by comp_data_release. */
struct comp_data {
    struct arena arena; /* the strings */
    struct comp_person *people;
    size_t npeople, cappeople;
    struct comp_credit *credits;
    size_t ncredits, capcredits;
    struct comp_quota *quotas;
    size_t nquotas, capquotas;
    int have_people_file; /* then every person must be in it */
    struct comp_name_map *names;
    struct comp_name_map *atoms; /* measures, products, deal types: stored once */
    struct comp_tags_set *tags;  /* each combination of them: stored once */
    char *strs;                  /* room left for credit ids and deal names, in the arena */
    size_t strs_left, strs_block;
    char *strs_faulted; /* the room's pages are mapped up to here */
    /* Credits files are read on every core in pieces, the smallest of about this many
     * bytes (0: the file's 128th, at least 4 MiB; SIZE_MAX: in one pass). */
    size_t piece_bytes;
    /* Pieces of a file (comp_read_credits_file) are read in blocks of this many bytes
     * (0: 1 MiB); a line longer than a block is read through the mapping. */
    size_t block_bytes;
    size_t pieces_taken;  /* the last credits file was read in this many pieces (0: one pass) */
    size_t ascending_ids; /* credits [0, this) have ids as comp_input.ids_ascending says */
};

void comp_data_init(struct comp_data *d);
void comp_data_release(struct comp_data *d);

/* Read people (columns person, manager; manager may be empty). Must come
 * before the other files when given. Refuses unknown managers and cycles. */
int comp_read_people(struct comp_data *d, const char *name, const char *csv, size_t len,
                     struct err *e);

/* Read quotas (person, period, amount, [measure]); the period's kind must be
 * the plan's quota_period. */
int comp_read_quotas(struct comp_data *d, const struct comp_plan *plan, const char *name,
                     const char *csv, size_t len, struct err *e);

/* Read credits (id, deal, person, date, amount, [split_bp, role, measure,
 * product, deal_type, cancelled_on]): checks that each deal's direct splits
 * come to exactly 100%, splits each person's share, and, when the plan counts
 * roll-up credit, credits every manager above a direct seller who has a
 * quota (which needs people, and quotas read first). A big file is read in
 * pieces on every core, with the results and errors of reading it in one pass. */
int comp_read_credits(struct comp_data *d, const struct comp_plan *plan, const char *name,
                      const char *csv, size_t len, struct err *e);
/* comp_read_credits of a file open as `fd` and mapped as csv[0, len): the pieces of a big
 * file are read with pread into small buffers that stay in cache, not through the mapping
 * (on a VM each mapped page costs microseconds the first time it is read; 672 MB took
 * 300 ms of CPU that way and 70 to 100 ms with pread). Same results and messages; a read
 * that fails or falls short goes on through the mapping. fd -1: comp_read_credits. */
int comp_read_credits_file(struct comp_data *d, const struct comp_plan *plan, const char *name,
                           const char *csv, size_t len, int fd, struct err *e);
/* Room for one more credit at the end of d->credits (grown as needed); the caller fills it. */
struct comp_credit *comp_credit_new(struct comp_data *d);
/* The tags of these strings, stored once in d (NULL or "" for no product or deal type;
 * NULL measure for "bookings"). Credits point to them. */
const struct comp_tags *comp_data_tags(struct comp_data *d, const char *measure,
                                       const char *product, const char *deal_type);

/* Credit the deals of d->credits[first..], rows as read (deal, person, date, deal_amount,
 * split_bp, role, cancelled; amount not yet set), shared by comp_read_credits and the
 * product (comp_store.c). Rows of a deal must agree on amount, date and cancellation; its
 * direct splits must come to exactly 10000 bp (refused at the row that goes over, or at the
 * deal's first row when short), each direct share is rounded down and the deal's last direct
 * row takes the remaining cents; overlay shares are rounded half to even. When the plan counts
 * roll-up credit, every manager above a direct seller (people[].manager) who has a quota in
 * d->quotas is credited the seller's direct credit. Errors read "NAME line L: field F: ...",
 * L being the row's `line`. On failure d->ncredits is back to `first`. */
int comp_credit_deals(struct comp_data *d, const struct comp_plan *plan, size_t first,
                      const char *name, struct err *e);

/* The engine's input over `d`. */
struct comp_input comp_data_input(const struct comp_data *d, const struct comp_plan *plan,
                                  int32_t last_month);

/* The header of the lines file, then one record per line. */
void comp_lines_csv_header(struct sb *out);
/* Line `l`, number `index` of the run (0-based), linked to `ref` (or NULL). */
void comp_line_csv(const struct comp_input *in, const struct comp_line *l, size_t index,
                   const struct comp_line *ref, struct sb *out);

/* What lines written one after another share (the engine makes them by person, then date):
 * dates, the period, the person's and the component's fields, the tier's range, the quota.
 * A writer of many lines keeps one, from COMP_CSV_MEMO_INIT, for lines of one input (plan,
 * people, credits) that does not change meanwhile; it belongs to that writer alone (not to
 * be shared between threads). Members are private. */
struct comp_csv_text {
    const char *s; /* the text n and quoted are of */
    size_t n;
    int quoted;
};
struct comp_csv_memo {
    int32_t day; /* date holds this day, once date[0] is set */
    char date[11];
    int32_t month; /* period holds this month's label, once period[0] is set */
    enum comp_period_kind period_kind;
    char period[9];
    size_t period_len;
    struct comp_csv_text person, component;
    const struct comp_component *tier_of; /* tier_text is tier `tier` of this, when not NULL */
    int tier;
    size_t tier_len;
    char tier_text[96]; /* "tier 2 (50% to 100% of quota)": under 80 bytes even for int64 bp */
    int64_t quota;      /* quota_text is this quota in money, once quota_len is set */
    size_t quota_len;
    char quota_text[32]; /* "-92,233,720,368,547,758.08" at most */
};
#define COMP_CSV_MEMO_INIT                                                                         \
    {                                                                                              \
        0                                                                                          \
    }
/* comp_line_csv, reusing what `memo` holds from the lines written before. */
void comp_line_csv_memo(const struct comp_input *in, const struct comp_line *l, size_t index,
                        const struct comp_line *ref, struct sb *out, struct comp_csv_memo *memo);
/* The header of the totals file, then one record per payout. */
void comp_payouts_csv_header(struct sb *out);
void comp_payout_csv(const struct comp_input *in, const struct comp_payout *p, struct sb *out);

#endif
