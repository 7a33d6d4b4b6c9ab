/* growth_demo.c -- believable growth history for the demo organisation, the same for a seed.
 *
 * Each person has a true competence and confidence per skill that move over
 * the quarters (mostly up). A self rating reports their confidence and a
 * competence between what they can and what they believe; a manager rating
 * reports the competence the manager sees. So a confident new seller shows a
 * positive gap and a skilled but unsure one a negative gap, as in life.
 */
#include "growth/growth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "store/store.h"

#define DEMO_ROUNDS 4
#define DEMO_MAX_SKILLS 32

static const char SQL_PEOPLE[] =
    "SELECT p.id, COALESCE(p.manager_id, 0), p.start_date, p.status,"
    " (SELECT COUNT(*) FROM people c WHERE c.manager_id = p.id) FROM people p ORDER BY p.id";
static const char SQL_SKILLS[] = "SELECT id, role, name FROM skills WHERE archived = 0"
                                 " ORDER BY role, position, id";
static const char SQL_RATING[] =
    "INSERT INTO skill_ratings (person_id, skill_id, rater_id, source, competence, confidence,"
    " rated_on, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
static const char SQL_GOAL[] =
    "INSERT INTO development_goals (person_id, skill_id, title, target_date, status, progress,"
    " created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    " RETURNING id";
static const char SQL_CHECKIN[] =
    "INSERT INTO goal_checkins (goal_id, author_id, progress, note, created_on, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6)";

static const char *const manager_comments[] = {
    "Clear progress since last quarter.",
    "Saw this on the last two deal reviews: keep going.",
    "Ride-along showed real improvement here.",
    "Still the area I'd focus on next.",
    "Stronger than you give yourself credit for.",
    "Let's practise this together before the next big call.",
};
static const char *const checkin_notes[] = {
    "Booked time with my manager to practise.",
    "Tried it on two calls this week; one went well.",
    "Read the playbook section and shadowed a senior AE.",
    "Slow fortnight, end of quarter got in the way.",
    "Got good feedback from the customer on this.",
    "Ran the exercise with the team on Friday.",
};

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

static int clamp(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

struct demo_person {
    int64_t id, manager_id, start_days;
    int reports, left;
};

struct demo_skill {
    int64_t id;
    char name[SKILL_NAME_MAX + 1];
};

struct framework {
    struct demo_skill v[DEMO_MAX_SKILLS];
    int n;
};

struct gdemo {
    struct store *db;
    uint64_t rng;
    int64_t as_of;
    int stalled_made;
    struct err *e;
};

/* Epoch seconds of a time during the working day `days`. */
static int64_t day_time(struct gdemo *d, int64_t days)
{
    return days * 86400 + 8 * 3600 + pick(&d->rng, 9 * 3600);
}

static int load_people(struct gdemo *d, struct demo_person **out, size_t *n)
{
    struct store_rows *r;
    int rc = store_query(d->db, SQL_PEOPLE, NO_PARAMS, &r, d->e);
    if (rc < 0) return rc;
    struct demo_person *v = NULL;
    size_t len = 0, cap = 0;
    while ((rc = store_next(r, d->e)) > 0) {
        if (len == cap) {
            cap = cap ? 2 * cap : 64;
            v = xrealloc(v, cap * sizeof *v);
        }
        struct demo_person *p = &v[len++];
        p->id = store_int(r, 0);
        p->manager_id = store_int(r, 1);
        const char *start = store_text(r, 2);
        p->start_days = start && date_check(start, "start_date", NULL) == 0 ? date_to_days(start)
                                                                            : d->as_of - 365;
        p->left = !strcmp(store_text(r, 3) ? store_text(r, 3) : "", "left");
        p->reports = store_int(r, 4) > 0;
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

static int load_skills(struct gdemo *d, struct framework *seller, struct framework *manager)
{
    struct store_rows *r;
    int rc = store_query(d->db, SQL_SKILLS, NO_PARAMS, &r, d->e);
    if (rc < 0) return rc;
    seller->n = manager->n = 0;
    while ((rc = store_next(r, d->e)) > 0) {
        struct framework *f = !strcmp(store_text(r, 1), "manager") ? manager : seller;
        if (f->n == DEMO_MAX_SKILLS) continue;
        f->v[f->n].id = store_int(r, 0);
        snprintf(f->v[f->n].name, sizeof f->v[f->n].name, "%s", store_text(r, 2));
        f->n++;
    }
    store_rows_free(r);
    return rc;
}

static int add_rating(struct gdemo *d, int64_t person, int64_t skill, int64_t rater,
                      const char *source, int competence, int confidence, int64_t day,
                      const char *comment)
{
    char date[11];
    date_from_days(day, date);
    return store_run(d->db, SQL_RATING,
                     PARAMS(SV_INT(person), SV_INT(skill), SV_INT(rater), SV_TEXT(source),
                            SV_INT(clamp(competence, 1, 5)), SV_INT(clamp(confidence, 1, 5)),
                            SV_TEXT(date), SV_TEXT(comment), SV_INT(day_time(d, day))),
                     NULL, d->e);
}

/* Quarterly ratings of one person; leaves the true competence per skill in comp[]. */
static int rate_person(struct gdemo *d, const struct demo_person *p, const struct framework *fw,
                       int comp[DEMO_MAX_SKILLS])
{
    int conf[DEMO_MAX_SKILLS];
    int64_t tenure = d->as_of - p->start_days;
    int kind = pick(&d->rng, 100), base_comp, base_conf;
    if (!p->reports && tenure < 240 && kind < 45) {
        base_comp = 1; /* new and sure of themself: confidence ahead of skill */
        base_conf = 4;
    } else if (kind < 15 || (kind < 30 && tenure > 900)) {
        base_comp = 4; /* skilled but unsure */
        base_conf = 2;
    } else {
        base_comp = tenure > 700 ? 3 : 2;
        base_conf = base_comp;
    }
    for (int s = 0; s < fw->n; s++) {
        comp[s] = clamp(base_comp + pick(&d->rng, 3) - 1, 1, 5);
        conf[s] = clamp(base_conf + pick(&d->rng, 3) - 1, 1, 5);
    }
    /* 270, 180 and 90 days ago, then a recent round */
    const int64_t offsets[DEMO_ROUNDS] = {270, 180, 90, 3 + pick(&d->rng, 20)};
    for (int round = 0; round < DEMO_ROUNDS; round++) {
        int64_t day = d->as_of - offsets[round] + (round < DEMO_ROUNDS - 1 ? pick(&d->rng, 7) : 0);
        if (day < p->start_days + 14) continue; /* not here yet, or just started */
        for (int s = 0; s < fw->n; s++) {
            int rc, self_comp = (comp[s] + conf[s] + 1) / 2;
            if ((rc = add_rating(d, p->id, fw->v[s].id, p->id, "self", self_comp, conf[s], day,
                                 "")) < 0)
                return rc;
            if (p->manager_id) {
                const char *comment =
                    pick(&d->rng, 100) < 20
                        ? manager_comments[pick(
                              &d->rng, (int)(sizeof manager_comments / sizeof *manager_comments))]
                        : "";
                int seen_conf = clamp(conf[s] - pick(&d->rng, 2), 1, 5);
                if ((rc = add_rating(d, p->id, fw->v[s].id, p->manager_id, "manager", comp[s],
                                     seen_conf, day + pick(&d->rng, 4), comment)) < 0)
                    return rc;
            }
            /* a quarter of practice: skill mostly grows, belief follows it */
            if (pick(&d->rng, 100) < 45) comp[s] = clamp(comp[s] + 1, 1, 5);
            if (conf[s] < comp[s] && pick(&d->rng, 100) < 40) conf[s]++;
            if (conf[s] > comp[s] + 1 && pick(&d->rng, 100) < 20) conf[s]--;
            if (conf[s] == comp[s] && pick(&d->rng, 100) < 30) conf[s] = clamp(conf[s] + 1, 1, 5);
        }
    }
    return 0;
}

/* A development goal on skill s with check-ins every two to four weeks. */
static int add_goal(struct gdemo *d, const struct demo_person *p, const struct demo_skill *skill,
                    int64_t created_day)
{
    static const char *const shapes[] = {
        "Get stronger at %s",
        "Make %s a habit this quarter",
        "Practise %s with a mentor",
        "Lead a team session on %s",
    };
    char title[GOAL_TITLE_MAX + 1], target[11], date[11];
    snprintf(title, sizeof title, shapes[pick(&d->rng, 4)], skill->name);
    date_from_days(created_day + 90 + pick(&d->rng, 60), target);
    int64_t age = d->as_of - created_day;
    int fate = pick(&d->rng, 100);
    const char *status = "open";
    int64_t last_day = d->as_of - pick(&d->rng, 10); /* check-ins up to about now */
    int final_progress = 40 + pick(&d->rng, 50);
    if (age >= 75 && (!d->stalled_made || fate < 12)) {
        d->stalled_made = 1; /* stalled: nothing for 45 days or more */
        last_day = d->as_of - 45 - pick(&d->rng, 30);
        final_progress = 10 + pick(&d->rng, 30);
    } else if (age >= 100 && fate < 40) {
        status = "done";
        last_day = created_day + 60 + pick(&d->rng, age - 60 < 60 ? (int)(age - 60) : 60);
        final_progress = 100;
    }
    int64_t author_goal = p->manager_id && pick(&d->rng, 2) ? p->manager_id : p->id;
    int64_t created_at = day_time(d, created_day);
    int64_t goal_id;
    int rc = store_int_query(d->db, SQL_GOAL,
                             PARAMS(SV_INT(p->id), SV_INT(skill->id), SV_TEXT(title),
                                    SV_TEXT(target), SV_TEXT(status), SV_INT(0),
                                    SV_INT(author_goal), SV_INT(created_at), SV_INT(created_at)),
                             &goal_id, d->e);
    if (rc < 0) return rc;
    /* the check-in days first, then progress spread over them */
    int64_t days[32];
    int n = 0;
    for (int64_t day = created_day + 14 + pick(&d->rng, 7); day <= last_day && n < 32;
         day += 14 + pick(&d->rng, 15))
        days[n++] = day;
    if (n && !strcmp(status, "done")) days[n - 1] = last_day;
    int progress = 0, updated_progress = 0;
    int64_t updated_at = created_at;
    for (int i = 0; i < n; i++) {
        progress = i == n - 1
                       ? clamp(final_progress, progress, 100)
                       : clamp(final_progress * (i + 1) / n + pick(&d->rng, 7) - 3, progress, 100);
        int64_t author = p->manager_id && pick(&d->rng, 100) < 30 ? p->manager_id : p->id;
        const char *note =
            checkin_notes[pick(&d->rng, (int)(sizeof checkin_notes / sizeof *checkin_notes))];
        date_from_days(days[i], date);
        updated_at = day_time(d, days[i]);
        if ((rc = store_run(d->db, SQL_CHECKIN,
                            PARAMS(SV_INT(goal_id), SV_INT(author), SV_INT(progress), SV_TEXT(note),
                                   SV_TEXT(date), SV_INT(updated_at)),
                            NULL, d->e)) < 0)
            return rc;
        updated_progress = progress;
    }
    static const char SQL_GOAL_STATE[] =
        "UPDATE development_goals SET progress = $2, updated_at = $3 WHERE id = $1";
    return store_run(d->db, SQL_GOAL_STATE,
                     PARAMS(SV_INT(goal_id), SV_INT(updated_progress), SV_INT(updated_at)), NULL,
                     d->e);
}

int growth_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e)
{
    struct gdemo d = {db, seed ^ 0x67726f777468ULL /* "growth" */, as_of_days, 0, e};
    struct framework seller, manager;
    struct demo_person *people = NULL;
    size_t n = 0;
    int rc = load_skills(&d, &seller, &manager);
    if (rc == 0) rc = load_people(&d, &people, &n);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const struct demo_person *p = &people[i];
        const struct framework *fw = p->reports ? &manager : &seller;
        if (p->left || !fw->n || pick(&d.rng, 100) < 8) continue; /* most people, not all */
        int comp[DEMO_MAX_SKILLS];
        if ((rc = rate_person(&d, p, fw, comp)) < 0) break;
        /* goals on the weakest skills, newest hires' goals start later */
        int ngoals = 1 + (pick(&d.rng, 100) < 45);
        int used = -1;
        for (int g = 0; g < ngoals && rc == 0; g++) {
            int weakest = -1;
            for (int s = 0; s < fw->n; s++)
                if (s != used && (weakest < 0 || comp[s] < comp[weakest] ||
                                  (comp[s] == comp[weakest] && pick(&d.rng, 3) == 0)))
                    weakest = s;
            if (weakest < 0) break;
            used = weakest;
            int64_t earliest = p->start_days + 21;
            int64_t created = d.as_of - 30 - pick(&d.rng, 210);
            if (created < earliest) created = earliest;
            if (created > d.as_of - 14) continue;
            rc = add_goal(&d, p, &fw->v[weakest], created);
        }
    }
    free(people);
    return rc;
}
