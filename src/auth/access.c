/* access.c -- visibility follows the reporting tree. */
#include "auth/principal.h"

#include <string.h>

#include "store/store.h"

/* Walk up from `person` through their managers; UNION (not UNION ALL) makes
 * the walk end even if bad data ever held a cycle. */
static const char SQL_CHAIN_CONTAINS[] =
    "WITH RECURSIVE up(id, manager_id) AS ("
    " SELECT id, manager_id FROM people WHERE id = $1"
    " UNION SELECT p.id, p.manager_id FROM people p JOIN up ON p.id = up.manager_id)"
    " SELECT COUNT(*) FROM up WHERE id = $2";

const char *role_name(enum role r)
{
    switch (r) {
    case ROLE_ADMIN:
        return "admin";
    case ROLE_MANAGER:
        return "manager";
    case ROLE_SELLER:
        return "seller";
    default:
        return "none";
    }
}

enum role role_parse(const char *s)
{
    if (!s) return ROLE_NONE;
    if (!strcmp(s, "admin")) return ROLE_ADMIN;
    if (!strcmp(s, "manager")) return ROLE_MANAGER;
    if (!strcmp(s, "seller")) return ROLE_SELLER;
    return ROLE_NONE;
}

int access_is_at_or_above(struct store *db, int64_t ancestor, int64_t person, struct err *e)
{
    int64_t n = 0;
    int rc =
        store_int_query(db, SQL_CHAIN_CONTAINS, PARAMS(SV_INT(person), SV_INT(ancestor)), &n, e);
    if (rc < 0) return rc;
    return n > 0;
}

int access_can_see_person(struct store *db, const struct principal *who, int64_t person_id,
                          struct err *e)
{
    if (who->role == ROLE_ADMIN) return 1;
    if (!who->person_id) return 0;
    if (who->person_id == person_id) return 1;
    if (who->role != ROLE_MANAGER) return 0;
    return access_is_at_or_above(db, who->person_id, person_id, e);
}
