/* fixtures.c -- the people, teams and principals unit tests build on. */
#include "fixtures.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "people/people.h"
#include "store/store.h"

int64_t fixture_person(struct store *db, const char *name, const char *email, int64_t manager,
                       int64_t team, const char *start_date, const char *status)
{
    struct person_fields f = {0};
    f.name = name;
    f.email = email;
    f.start_date = start_date ? start_date : "2024-01-15";
    f.status = status;
    f.has_manager = manager != 0;
    f.manager_id = manager;
    f.has_team = team != 0;
    f.team_id = team;
    struct err e = {0};
    int64_t id = 0;
    if (people_create(db, &f, &id, &e) < 0) fail_msg("create %s: %s", email, e.msg);
    return id;
}

int64_t fixture_team(struct store *db, const char *name)
{
    struct err e = {0};
    int64_t id = 0;
    if (teams_create(db, name, &id, &e) < 0) fail_msg("team %s: %s", name, e.msg);
    return id;
}

struct principal fixture_principal(enum role role, int64_t person_id)
{
    struct principal p;
    memset(&p, 0, sizeof p);
    p.user_id = 1;
    p.role = role;
    p.person_id = person_id;
    return p;
}

int64_t fixture_count(struct store *db, const char *sql)
{
    struct err e = {0};
    int64_t n = -1;
    if (store_int_query(db, sql, NO_PARAMS, &n, &e) < 0) fail_msg("%s: %s", sql, e.msg);
    return n;
}
