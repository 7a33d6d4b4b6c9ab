/* comp_plan_fuzz.c -- fuzz target for the plan parser, and the engine on what it accepts.
 *
 * Any input must either be refused with EINVAL/ETOOBIG and a message that
 * starts "plan: ", or give a plan whose tiers are contiguous from 0 with no
 * negative rate and no share over 100%. An accepted plan is then run on a
 * small fixed team (a manager and two sellers, splits, an overlay, a
 * roll-up, cancellations inside and outside any window) for its first two
 * years: the run must succeed or fail with a message, and when it succeeds
 * every person's payouts must add up to their lines, exactly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "comp/comp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "comp_plan_fuzz: %s\n", what);
    abort();
}

static void check_plan(const struct comp_plan *p)
{
    check(p->ncomponents >= 1 && p->ncomponents <= COMP_MAX_COMPONENTS, "component count");
    check(p->payout_period <= p->quota_period, "payout period longer than quota period");
    for (size_t k = 0; k < p->ncomponents; k++) {
        const struct comp_component *c = &p->components[k];
        for (int r = 0; r < COMP_NROLES; r++)
            check(c->credit_bp[r] >= 0 && c->credit_bp[r] <= COMP_BP, "share over 100%");
        if (c->kind != COMP_COMMISSION) continue;
        check(c->ntiers >= 1 && c->tiers[0].from_bp == 0, "tiers start at 0");
        for (size_t t = 0; t < c->ntiers; t++) {
            check(c->tiers[t].rate_ppm >= 0, "negative rate");
            if (t + 1 < c->ntiers)
                check(c->tiers[t].to_bp == c->tiers[t + 1].from_bp, "gap");
            else
                check(c->tiers[t].to_bp == -1, "last tier closed");
        }
    }
}

static void run_engine(const struct comp_plan *p)
{
    static const struct comp_person people[] = {{"mgr", -1}, {"ana", 0}, {"ben", 0}};
    int32_t m0 = comp_month_of_day(p->effective_from);
    struct comp_quota quotas[3 * 8];
    size_t nq = 0;
    for (uint32_t person = 0; person < 3; person++)
        for (int32_t m = m0; m < m0 + 24 && nq < 24; m += (int32_t)p->quota_period)
            quotas[nq++] = (struct comp_quota){person, "bookings", m, 1000000 + person, 0};
    int32_t d0 = p->effective_from;
    static const struct comp_tags an = {"bookings", "Analytics", "new"},
                                  none = {"bookings", NULL, NULL},
                                  core = {"bookings", "Core", "renewal"},
                                  fresh = {"bookings", NULL, "new"}, other = {"other", NULL, NULL};
    struct comp_credit c[] = {
        /* id, deal, tags (NULL: bookings), amount, deal amount, person,
         * date, cancelled, source, line, split, role */
        {"1", "A", &an, 600000, 1000000, 1, d0 + 3, COMP_NO_DATE, -1, 2, 6000, COMP_ROLE_DIRECT},
        {"2", "A", &an, 400000, 1000000, 2, d0 + 3, d0 + 40, -1, 3, 4000, COMP_ROLE_DIRECT},
        {"3", "A", &none, 500000, 1000000, 0, d0 + 3, COMP_NO_DATE, -1, 4, 5000, COMP_ROLE_OVERLAY},
        {"4", "B", &core, 1500001, 1500001, 1, d0 + 50, d0 + 400, -1, 5, 10000, COMP_ROLE_DIRECT},
        {"5", "C", &fresh, 777777, 777777, 2, d0 + 95, COMP_NO_DATE, -1, 6, 10000,
         COMP_ROLE_DIRECT},
        {"6", "D", &other, 3000000, 3000000, 1, d0 + 95, d0 + 96, -1, 7, 10000, COMP_ROLE_DIRECT},
        {"1", "A", &an, 600000, 1000000, 0, d0 + 3, COMP_NO_DATE, 0, 0, 6000, COMP_ROLE_ROLLUP},
        {"7", "E", NULL, 0, 0, 2, d0 + 300, d0 + 310, -1, 8, 10000, COMP_ROLE_DIRECT},
    };
    struct comp_input in = {p, people, 3, c, sizeof c / sizeof *c, quotas, nq, m0 + 23};
    struct comp_result r;
    struct err e = {0};
    int rc = comp_run(&in, &r, &e);
    if (rc) {
        check(e.msg[0] != 0, "engine failure without a message");
        return;
    }
    for (uint32_t person = 0; person < 3; person++) {
        int64_t lines = 0, paid = 0;
        for (size_t i = 0; i < r.nlines; i++)
            if (r.lines[i].person == person) lines += r.lines[i].amount;
        for (size_t i = 0; i < r.npayouts; i++)
            if (r.payouts[i].person == person) paid += r.payouts[i].payout;
        check(lines == paid, "payouts do not add up to their lines");
    }
    for (size_t i = 0; i < r.nlines; i++)
        if (r.lines[i].ref >= 0) check((size_t)r.lines[i].ref < i, "a line links forward");
    comp_result_release(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct comp_plan *p = NULL;
    struct err e = {0};
    int rc = comp_plan_parse((const char *)data, size, &p, &e);
    if (rc) {
        check(rc == REINS_EINVAL || rc == REINS_ETOOBIG, "unexpected error code");
        check(p == NULL, "plan left set on failure");
        check(!strncmp(e.msg, "plan: ", 6), "message does not start with 'plan: '");
        return 0;
    }
    check_plan(p);
    run_engine(p);
    comp_plan_free(p);
    return 0;
}
