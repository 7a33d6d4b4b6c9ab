/* principal.h -- who is asking: the user behind a request, and what they may see. */
#ifndef REINS_AUTH_PRINCIPAL_H
#define REINS_AUTH_PRINCIPAL_H

#include <stdint.h>

#include "core/err.h"

struct store;

enum role { ROLE_NONE = 0, ROLE_SELLER, ROLE_MANAGER, ROLE_ADMIN };

struct principal {
    int64_t user_id;   /* 0 when nobody is logged in */
    int64_t person_id; /* 0 for an admin without a person */
    enum role role;
    char email[256];
    int via_token;       /* authenticated by an API token, not a cookie */
    char csrf_token[64]; /* of the cookie session; "" for tokens */
};

/* "admin", "manager", "seller"; role_parse returns ROLE_NONE for anything else. */
const char *role_name(enum role r);
enum role role_parse(const char *s);

/* Whether `who` may see the person `person_id`: an admin sees everyone, a
 * manager themself and their whole subtree, a seller only themself.
 * Returns 1 (yes), 0 (no) or a negative error. */
int access_can_see_person(struct store *db, const struct principal *who, int64_t person_id,
                          struct err *e);

/* Whether `ancestor` is `person` or above them in the reporting lines.
 * Returns 1, 0 or a negative error. */
int access_is_at_or_above(struct store *db, int64_t ancestor, int64_t person, struct err *e);

#endif
