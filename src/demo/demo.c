/* demo.c -- a believable demo organisation, the same for the same seed. */
#include "demo/demo.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "auth/auth.h"
#include "comp/comp_store.h"
#include "core/text.h"
#include "forecast/forecast_store.h"
#include "growth/growth.h"
#include "people/people.h"
#include "pipeline/pipeline.h"
#include "quotas/quotas.h"
#include "recognition/recognition.h"
#include "territory/territory_product.h"
#include "surveys/surveys.h"
#include "store/store.h"

static const char *const first_names[] = {
    "Ana",   "Ben",   "Chloe",  "Diego",   "Elif",  "Farah",  "Gabriel", "Hana",  "Ivan",
    "Jade",  "Kofi",  "Lena",   "Mateo",   "Nora",  "Omar",   "Priya",   "Quinn", "Rosa",
    "Samir", "Tara",  "Umar",   "Vera",    "Wei",   "Ximena", "Yusuf",   "Zoe",   "Amara",
    "Bruno", "Carla", "Dmitri", "Emma",    "Felix", "Grace",  "Hugo",    "Ines",  "Jonas",
    "Keiko", "Liam",  "Maya",   "Nikolai", "Olga",  "Pablo",  "Rania",   "Sven",  "Theo",
};
static const char *const last_names[] = {
    "Almeida",  "Brennan", "Castillo", "Dubois",    "Eriksen", "Fischer",  "Garcia", "Haddad",
    "Ito",      "Jensen",  "Kowalski", "Lindqvist", "Moreau",  "Nakamura", "Okafor", "Petrov",
    "Quintero", "Rossi",   "Schmidt",  "Tanaka",    "Ueda",    "Varga",    "Walsh",  "Xu",
    "Yilmaz",   "Zimmer",  "Abebe",    "Banerjee",  "Costa",   "Delgado",  "Evans",  "Fontaine",
};
static const char *const regions[] = {"West", "East", "Central", "North", "South", "Enterprise"};

/* splitmix64: small, fast, and the same sequence everywhere for a seed. */
static uint64_t next_random(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int pick(uint64_t *rng, int n)
{
    return (int)(next_random(rng) % (uint64_t)n);
}

static const char SQL_COUNT[] = "SELECT COUNT(*) FROM people";
static const char SQL_INSERT[] =
    "INSERT INTO people (name, email, title, manager_id, team_id, start_date, status, created_at,"
    " updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0) RETURNING id";
static const char SQL_EMAIL_TAKEN[] = "SELECT COUNT(*) FROM people WHERE email = $1";

struct demo {
    struct store *db;
    uint64_t rng;
    int64_t as_of_days;
    const char *hash;
    struct err *e;
};

/* Insert one person with a login; their email goes to email_out. */
static int add_person(struct demo *d, const char *title, int64_t manager_id, int64_t team_id,
                      int tenure_days, const char *status, enum role role, int64_t *id_out,
                      char email_out[128])
{
    const char *first = first_names[pick(&d->rng, (int)(sizeof first_names / sizeof *first_names))];
    const char *last = last_names[pick(&d->rng, (int)(sizeof last_names / sizeof *last_names))];
    char name[128], email[128], start[11];
    snprintf(name, sizeof name, "%s %s", first, last);
    int64_t taken = 1;
    for (int n = 1; taken; n++) {
        if (n == 1)
            snprintf(email, sizeof email, "%s.%s@demo.example", first, last);
        else
            snprintf(email, sizeof email, "%s.%s%d@demo.example", first, last, n);
        for (char *p = email; *p; p++)
            *p = (char)tolower((unsigned char)*p);
        int rc = store_int_query(d->db, SQL_EMAIL_TAKEN, PARAMS(SV_TEXT(email)), &taken, d->e);
        if (rc < 0) return rc;
    }
    date_from_days(d->as_of_days - tenure_days, start);
    int rc =
        store_int_query(d->db, SQL_INSERT,
                        PARAMS(SV_TEXT(name), SV_TEXT(email), SV_TEXT(title), SV_ID(manager_id),
                               SV_ID(team_id), SV_TEXT(start), SV_TEXT(status)),
                        id_out, d->e);
    if (rc < 0) return rc;
    snprintf(email_out, 128, "%s", email);
    return user_add_hashed(d->db, email, d->hash, role, *id_out, NULL, d->e);
}

/* One-on-ones: every manager with each direct report, about six months of
 * them, with agendas, notes and action items; two reports have gone quiet
 * (overdue) and every series has its next meeting prepared. */
static const char *const agenda_texts[] = {
    "How are you feeling about the quarter?",
    "Deals that need a second pair of eyes",
    "What got in your way this week?",
    "Feedback on the discovery call recording",
    "Career: what do you want to learn next?",
    "Territory questions",
    "Time off plans",
    "Forecast: what changed since last week",
    "A win worth sharing with the team",
    "Onboarding: what is still unclear?",
};
static const char *const note_texts[] = {
    "Walked through the two late-stage deals; agreed on next steps with the champion.",
    "Energy is good. Wants more practice on negotiation: will shadow a senior AE.",
    "Talked about workload and the new territory split. Revisit in two weeks.",
    "Reviewed the call recording together; strong discovery, rushed the close.",
    "Celebrated the signed renewal. Discussed what made it work.",
};
static const char *const action_texts[] = {
    "Send the mutual action plan to the buyer",   "Book a shadow session on negotiation",
    "Update close dates in the pipeline",         "Share the renewal story at the team meeting",
    "Draft the account plan for the top account", "Read the pricing playbook",
};
#define NTEXTS(a) ((int)(sizeof a / sizeof *a))

static const char SQL_DEMO_PAIRS[] =
    "SELECT p.manager_id, p.id FROM people p WHERE p.manager_id IS NOT NULL"
    " AND p.status <> 'left' ORDER BY p.manager_id, p.id";
static const char SQL_DEMO_SERIES[] =
    "INSERT INTO oneonone_series (manager_id, report_id, cadence, first_date, start_time,"
    " duration_minutes, created_at) VALUES ($1, $2, $3, $4, $5, 30, $6) RETURNING id";
static const char SQL_DEMO_MEETING[] =
    "INSERT INTO oneonone_meetings (series_id, date, status, held_at, shared_notes, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char SQL_DEMO_AGENDA[] =
    "INSERT INTO oneonone_agenda_items (meeting_id, author_id, text, covered, created_at)"
    " VALUES ($1, $2, $3, $4, $5)";
static const char SQL_DEMO_PRIVATE[] =
    "INSERT INTO oneonone_private_notes (meeting_id, author_id, text, updated_at)"
    " VALUES ($1, $2, $3, $4)";
static const char SQL_DEMO_ACTION[] =
    "INSERT INTO action_items (series_id, meeting_id, owner_id, text, due_date, done_at,"
    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";

static int demo_meeting(struct demo *d, int64_t series, int64_t manager, int64_t report,
                        int64_t day, int held)
{
    char date[11], due[11];
    date_from_days(day, date);
    int64_t at = day * 86400 + 10 * 3600, meeting = 0;
    const char *notes = held ? note_texts[pick(&d->rng, NTEXTS(note_texts))] : "";
    int rc =
        store_int_query(d->db, SQL_DEMO_MEETING,
                        PARAMS(SV_INT(series), SV_TEXT(date), SV_TEXT(held ? "held" : "planned"),
                               held ? SV_INT(at) : SV_NULL, SV_TEXT(notes), SV_INT(at - 86400)),
                        &meeting, d->e);
    for (int i = 0, n = 1 + pick(&d->rng, 3); rc >= 0 && i < n; i++)
        rc = store_run(d->db, SQL_DEMO_AGENDA,
                       PARAMS(SV_INT(meeting), SV_INT(i % 2 ? manager : report),
                              SV_TEXT(agenda_texts[pick(&d->rng, NTEXTS(agenda_texts))]),
                              SV_INT(held), SV_INT(at - 86400)),
                       NULL, d->e);
    if (rc >= 0 && held && pick(&d->rng, 3) == 0)
        rc = store_run(d->db, SQL_DEMO_PRIVATE,
                       PARAMS(SV_INT(meeting), SV_INT(manager),
                              SV_TEXT("Seems stretched; ask about workload before pushing the "
                                      "forecast."),
                              SV_INT(at)),
                       NULL, d->e);
    if (rc >= 0 && held && pick(&d->rng, 2) == 0) {
        date_from_days(day + 7 + pick(&d->rng, 14), due);
        /* older actions are mostly done; recent ones still open */
        int done = day < d->as_of_days - 21 && pick(&d->rng, 10) != 0;
        rc = store_run(d->db, SQL_DEMO_ACTION,
                       PARAMS(SV_INT(series), SV_INT(meeting),
                              SV_INT(pick(&d->rng, 3) ? report : manager),
                              SV_TEXT(action_texts[pick(&d->rng, NTEXTS(action_texts))]),
                              SV_TEXT(due), done ? SV_INT(at + 5 * 86400) : SV_NULL, SV_INT(at)),
                       NULL, d->e);
    }
    return rc < 0 ? rc : 0;
}

static int demo_oneonones(struct demo *d)
{
    struct store_rows *r;
    int64_t pairs[256][2];
    int npairs = 0, rc = store_query(d->db, SQL_DEMO_PAIRS, NO_PARAMS, &r, d->e);
    while (rc >= 0 && (rc = store_next(r, d->e)) > 0 && npairs < 256) {
        pairs[npairs][0] = store_int(r, 0);
        pairs[npairs][1] = store_int(r, 1);
        npairs++;
    }
    if (rc >= 0) store_rows_free(r);
    for (int i = 0; rc >= 0 && i < npairs; i++) {
        int weekly = pick(&d->rng, 3) != 0;
        int step = weekly ? 7 : 14;
        int64_t first = d->as_of_days - 180 + pick(&d->rng, step), series = 0;
        char first_date[11];
        date_from_days(first, first_date);
        rc = store_int_query(d->db, SQL_DEMO_SERIES,
                             PARAMS(SV_INT(pairs[i][0]), SV_INT(pairs[i][1]),
                                    SV_TEXT(weekly ? "weekly" : "biweekly"), SV_TEXT(first_date),
                                    SV_TEXT(pick(&d->rng, 2) ? "09:30" : "14:00"),
                                    SV_INT(first * 86400)),
                             &series, d->e);
        /* every seventh pair has gone quiet for six weeks: overdue */
        int64_t quiet_from = i % 7 == 3 ? d->as_of_days - 42 : d->as_of_days;
        int64_t day = first;
        for (; rc >= 0 && day < d->as_of_days; day += step)
            if (day < quiet_from && pick(&d->rng, 8) != 0) /* a few were skipped */
                rc = demo_meeting(d, series, pairs[i][0], pairs[i][1], day, 1);
        if (rc >= 0) rc = demo_meeting(d, series, pairs[i][0], pairs[i][1], day, 0);
    }
    return rc < 0 ? rc : 0;
}

int demo_fill(struct store *db, uint64_t seed, const char *as_of, const char *password_hash,
              struct demo_summary *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    int rc = date_check(as_of, "as-of", e);
    if (rc < 0) return rc;
    struct demo d = {db, seed, date_to_days(as_of), password_hash, e};
    if ((rc = store_begin(db, e)) < 0) return rc;
    int64_t count = 0;
    if ((rc = store_int_query(db, SQL_COUNT, NO_PARAMS, &count, e)) < 0) goto fail;
    if (count) {
        rc = err_set(e, REINS_ECONFLICT,
                     "the database has people already; the demo fills an empty one");
        goto fail;
    }
    int64_t vp, team, mgr, id;
    char email[128];
    if ((rc = add_person(&d, "VP of Sales", 0, 0, 2200 + pick(&d.rng, 900), "active", ROLE_MANAGER,
                         &vp, out->vp_email)) < 0)
        goto fail;
    int nmanagers = 4 + pick(&d.rng, 3);
    int nsellers = 30 + pick(&d.rng, 31);
    for (int m = 0; m < nmanagers; m++) {
        if ((rc = teams_ensure(db, regions[m], &team, e)) < 0) goto fail;
        /* One manager is new to the role: leaders are hired too. */
        int tenure = m == nmanagers - 1 ? 60 + pick(&d.rng, 60) : 700 + pick(&d.rng, 1800);
        if ((rc = add_person(&d, "Sales Manager", vp, team, tenure, "active", ROLE_MANAGER, &mgr,
                             m == 0 ? out->manager_email : email)) < 0)
            goto fail;
        out->managers++;
        /* Sellers spread over the teams, the first teams take the remainder. */
        int in_team = nsellers / nmanagers + (m < nsellers % nmanagers);
        for (int s = 0; s < in_team; s++) {
            int r = pick(&d.rng, 100), tenure_s;
            const char *title, *status = "active";
            if (r < 18) {
                tenure_s = pick(&d.rng, 120); /* hired in the last four months: ramping */
                title = "Account Executive";
                out->ramping++;
            } else if (r < 40) {
                tenure_s = 120 + pick(&d.rng, 250);
                title = "Sales Development Representative";
            } else if (r < 80) {
                tenure_s = 365 + pick(&d.rng, 1100);
                title = "Account Executive";
            } else {
                tenure_s = 1200 + pick(&d.rng, 2000);
                title = "Senior Account Executive";
            }
            if (r >= 18 && pick(&d.rng, 100) < 5) status = "leaving";
            if ((rc = add_person(&d, title, mgr, team, tenure_s, status, ROLE_SELLER, &id,
                                 out->sellers == 0 ? out->seller_email : email)) < 0)
                goto fail;
            out->sellers++;
        }
    }
    snprintf(out->admin_email, sizeof out->admin_email, "admin@demo.example");
    if ((rc = user_add_hashed(db, out->admin_email, password_hash, ROLE_ADMIN, 0, NULL, e)) < 0)
        goto fail;
    if ((rc = demo_oneonones(&d)) < 0) goto fail;
    if ((rc = recognition_demo_fill(db, seed, d.as_of_days, e)) < 0) goto fail;
    if ((rc = growth_demo_fill(db, seed, d.as_of_days, e)) < 0) goto fail;
    if ((rc = surveys_demo_fill(db, seed, d.as_of_days, e)) < 0) goto fail;
    if ((rc = pipeline_demo_fill(db, seed, d.as_of_days, e)) < 0) goto fail;
    if ((rc = quotas_demo_fill(db, seed, d.as_of_days, e)) < 0) goto fail;
    if ((rc = fc_demo_fill(db, seed, d.as_of_days, e)) < 0) goto fail;
    if ((rc = territory_demo_fill(db, d.as_of_days * 86400, e)) < 0) goto fail;
    if ((rc = comp_demo_fill(db, d.as_of_days, e)) < 0) goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}
