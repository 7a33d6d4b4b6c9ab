/* comp_csv_fuzz.c -- fuzz target for the CSV readers of comp calc, and the engine after them.
 *
 * The input is people, quotas and credits files separated by form feeds
 * (\f); missing parts are empty. With a fixed plan that uses every kind of
 * credit (direct, overlay at 50%, roll-up), each reader must either accept
 * its file or fail with a message naming that file and a real line
 * ("credits.csv line 3: ..."). When all three are accepted, every deal's
 * direct credits add up to the deal, and the engine must succeed or fail
 * with a message; on success each person's payouts add up to their lines.
 * A credits file without quotes or CR is also read with every row's first field
 * quoted, which no plain row has: the reader that takes rows where they lie
 * and the one that reads parsed fields must give the same credits or error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comp/comp.h"
#include "comp/comp_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char PLAN[] =
    "{\"name\": \"fuzz\", \"effective_from\": \"2026-01-01\", \"clawback_days\": 60,"
    " \"cap\": {\"amount\": 5000000}, \"draw\": {\"type\": \"recoverable\", \"amount\": 1000},"
    " \"components\": ["
    "{\"id\": \"c\", \"type\": \"commission\", \"mode\": \"mixed\", \"credit\": {\"direct\": "
    "10000, \"overlay\": 5000, \"rollup\": 10000}, \"threshold\": {\"at_bp\": 1000, \"type\": "
    "\"hold\"}, \"cap_per_credit\": 100000, \"tiers\": [{\"from_bp\": 0, \"to_bp\": 5000, "
    "\"rate_ppm\": 50000}, {\"from_bp\": 5000, \"rate_ppm\": 100000, \"retroactive\": true}]},"
    "{\"id\": \"m\", \"type\": \"milestone\", \"milestones\": [{\"at_bp\": 10000, \"amount\": "
    "500}]},"
    "{\"id\": \"s\", \"type\": \"spif\", \"amount\": 777, \"filter\": {\"products\": [\"A\"]}}]}";

static void check(int ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "comp_csv_fuzz: %s\n", what);
    abort();
}

/* The message names `file`, and a line above 0 if it names one. */
static void check_message(const struct err *e, const char *file)
{
    check(!strncmp(e->msg, file, strlen(file)), "message does not name the file");
    const char *at = strstr(e->msg, ".csv line ");
    if (at) check(atol(at + 10) > 0, "message names line 0");
}

/* Every field of every credit, and the people in the order met. */
static void describe(const struct comp_data *d, struct sb *out)
{
    for (size_t i = 0; i < d->ncredits; i++) {
        const struct comp_credit *c = &d->credits[i];
        sb_addf(out, "%s|%s|%u|%d|%d|%lld|%lld|%d|%d|%s|%s|%s|%d|%u\n", c->id, c->deal, c->person,
                c->date, c->cancelled, (long long)c->amount, (long long)c->deal_amount,
                (int)c->split_bp, (int)c->role,
                c->tags && c->tags->measure ? c->tags->measure : "-",
                c->tags && c->tags->product ? c->tags->product : "-",
                c->tags && c->tags->deal_type ? c->tags->deal_type : "-", c->source, c->line);
    }
    for (size_t i = 0; i < d->npeople; i++)
        sb_addf(out, "person %s\n", d->people[i].id);
}

/* Read people, quotas and `credits` into a fresh d; the outcome (error or credits) in out. */
static int read_all(const struct comp_plan *plan, const char *const part[3], const size_t len[3],
                    const char *credits, size_t credits_len, struct sb *out)
{
    struct comp_data d;
    comp_data_init(&d);
    struct err e = {0};
    int rc = comp_read_people(&d, "people.csv", part[0], len[0], &e);
    if (!rc) rc = comp_read_quotas(&d, plan, "quotas.csv", part[1], len[1], &e);
    if (!rc) rc = comp_read_credits(&d, plan, "credits.csv", credits, credits_len, &e);
    if (rc)
        sb_addf(out, "error %d: %s\n", rc, e.msg);
    else
        describe(&d, out);
    comp_data_release(&d);
    return rc;
}

/* The credits file as read with and without its plain rows. */
static void check_plain_as_parsed(const struct comp_plan *plan, const char *const part[3],
                                  const size_t len[3])
{
    const char *c = part[2], *end = c + len[2];
    /* quoting a field changes what a quote or a CR in it says (CR is a fault only outside
     * quotes): such files are left out */
    if (memchr(c, '"', len[2]) || memchr(c, '\r', len[2])) return;
    struct sb quoted = SB_INIT;
    for (const char *p = c, *nl; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        const char *comma = memchr(p, ',', (size_t)(nl - p));
        if (p > c && comma) { /* not the header, nor a line of one field (or none) */
            sb_adds(&quoted, "\""); /* the field's bytes as they are, NUL bytes too */
            sb_add(&quoted, p, (size_t)(comma - p));
            sb_adds(&quoted, "\"");
            sb_add(&quoted, comma, (size_t)(nl - comma));
        } else {
            sb_add(&quoted, p, (size_t)(nl - p));
        }
        if (nl < end) sb_adds(&quoted, "\n");
    }
    struct sb a = SB_INIT, b = SB_INIT;
    read_all(plan, part, len, c, len[2], &a);
    read_all(plan, part, len, quoted.buf ? quoted.buf : "", quoted.len, &b);
    check(a.len == b.len && (a.len == 0 || !memcmp(a.buf, b.buf, a.len)),
          "plain rows read otherwise than parsed ones");
    sb_release(&a);
    sb_release(&b);
    sb_release(&quoted);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *part[3] = {"", "", ""};
    size_t len[3] = {0, 0, 0};
    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < 3 && p <= end; i++) {
        const char *ff = memchr(p, '\f', (size_t)(end - p));
        part[i] = p;
        len[i] = ff ? (size_t)(ff - p) : (size_t)(end - p);
        if (!ff) break;
        p = ff + 1;
    }
    struct comp_plan *plan;
    struct err e = {0};
    check(comp_plan_parse(PLAN, sizeof PLAN - 1, &plan, &e) == 0, "the fixed plan is refused");
    check_plain_as_parsed(plan, part, len);
    struct comp_data d;
    comp_data_init(&d);
    int rc = comp_read_people(&d, "people.csv", part[0], len[0], &e);
    if (rc) check_message(&e, "people.csv");
    if (!rc && (rc = comp_read_quotas(&d, plan, "quotas.csv", part[1], len[1], &e)))
        check_message(&e, "quotas.csv");
    if (!rc && (rc = comp_read_credits(&d, plan, "credits.csv", part[2], len[2], &e)))
        check_message(&e, "credits.csv");
    if (!rc) {
        /* direct credits add up to their deal */
        for (size_t i = 0; i < d.ncredits; i++) {
            if (d.credits[i].role != COMP_ROLE_DIRECT) continue;
            int64_t sum = 0;
            for (size_t j = 0; j < d.ncredits; j++)
                if (d.credits[j].role == COMP_ROLE_DIRECT && d.credits[j].deal == d.credits[i].deal)
                    sum += d.credits[j].amount;
            check(sum == d.credits[i].deal_amount, "direct credits do not add up to the deal");
        }
        struct comp_input in = comp_data_input(&d, plan, 2026 * 12 + 11);
        struct comp_result r;
        if (comp_run(&in, &r, &e) == 0) {
            for (uint32_t person = 0; person < d.npeople; person++) {
                int64_t lines = 0, paid = 0;
                for (size_t i = 0; i < r.nlines; i++)
                    if (r.lines[i].person == person) lines += r.lines[i].amount;
                for (size_t i = 0; i < r.npayouts; i++)
                    if (r.payouts[i].person == person) paid += r.payouts[i].payout;
                check(lines == paid, "payouts do not add up to their lines");
            }
            comp_result_release(&r);
        } else {
            check(e.msg[0] != 0, "engine failure without a message");
        }
    }
    comp_data_release(&d);
    comp_plan_free(plan);
    return 0;
}
