/* auth_api.c -- /api/v1/session, /me, /users and /tokens. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "auth/auth.h"
#include "core/text.h"
#include "people/people.h"
#include "store/store.h"

static const char SQL_USERS[] =
    "SELECT id, email, role, COALESCE(person_id, 0), disabled FROM users ORDER BY email";
static const char SQL_USER_GET[] =
    "SELECT id, email, role, COALESCE(person_id, 0), disabled FROM users WHERE id = $1";
static const char SQL_USER_SET_ROLE[] = "UPDATE users SET role = $2 WHERE id = $1";
static const char SQL_USER_SET_DISABLED[] = "UPDATE users SET disabled = $2 WHERE id = $1";
static const char SQL_ACTIVE_ADMINS[] =
    "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0";
static const char SQL_USER_END_SESSIONS[] = "DELETE FROM sessions WHERE user_id = $1";
static const char SQL_TOKENS[] =
    "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens"
    " WHERE (CAST($1 AS BIGINT) = 0 OR user_id = $1) ORDER BY id";
static const char SQL_TOKEN_OWNER[] = "SELECT user_id FROM api_tokens WHERE id = $1";
static const char SQL_TOKEN_REVOKE[] =
    "UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL";

static json_t *user_json(int64_t id, const char *email, const char *role, int64_t person_id,
                         int disabled)
{
    json_t *u = json_pack("{s:I, s:s, s:s, s:b}", "id", (json_int_t)id, "email", email, "role",
                          role, "disabled", disabled);
    json_object_set_new(u, "person_id",
                        person_id ? json_integer((json_int_t)person_id) : json_null());
    return u;
}

static json_t *principal_json(const struct principal *who)
{
    return user_json(who->user_id, who->email, role_name(who->role), who->person_id, 0);
}

static json_t *me_json(struct api_call *call, const struct principal *who);

static const char *session_cookie(struct api_call *call, const char *value, int max_age)
{
    return arena_printf(call->req->arena,
                        "reins_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", value,
                        max_age, call->api->cfg.cookie_secure ? "; Secure" : "");
}

static void login(struct api_call *call)
{
    static const char *const allowed[] = {"email", "password", NULL};
    json_t *body;
    const char *email = NULL, *password = NULL;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    if (json_check_fields(body, allowed, &call->err) < 0 ||
        json_get_string(body, "email", &email, &call->err) < 0 ||
        json_get_string(body, "password", &password, &call->err) < 0) {
        json_decref(body);
        return api_fail(call);
    }
    if (!email || !password) {
        json_decref(body);
        err_set(&call->err, REINS_EINVAL, "email and password are required");
        return api_fail(call);
    }
    char cookie[64];
    int retry_after = 0;
    struct principal who;
    int rc = auth_login(call->db, email, password, call->req->client_ip, &who, cookie, &retry_after,
                        &call->err);
    json_decref(body);
    if (rc == REINS_ERATE)
        http_add_header(call->res, "Retry-After",
                        arena_printf(call->req->arena, "%d", retry_after));
    if (rc < 0) return api_fail(call);
    call->req->log_user = arena_printf(call->req->arena, "%lld", (long long)who.user_id);
    http_add_header(call->res, "Set-Cookie", session_cookie(call, cookie, SESSION_MAX_SECONDS));
    reply_json(call->req, call->res, 200, me_json(call, &who));
}

static void logout(struct api_call *call)
{
    const char *cookie = http_cookie(call->req, "reins_session");
    if (session_end(call->db, cookie, &call->err) < 0) return api_fail(call);
    http_add_header(call->res, "Set-Cookie", session_cookie(call, "", 0));
    reply_json(call->req, call->res, 204, NULL);
}

/* Who `who` is: the user, their person, and their manager's name and title
 * (everyone knows who they report to, even where they may not read that
 * person's page). */
static json_t *me_json(struct api_call *call, const struct principal *who)
{
    json_t *out = json_pack("{s:o}", "user", principal_json(who));
    struct person p, m;
    struct err ignored;
    int have =
        who->person_id && people_get(call->db, who->person_id, call->req->arena, &p, &ignored) == 0;
    json_object_set_new(out, "person", have ? person_to_json(&p) : json_null());
    if (have && p.manager_id &&
        people_get(call->db, p.manager_id, call->req->arena, &m, &ignored) == 0)
        json_object_set_new(out, "manager",
                            json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)m.id, "name",
                                      m.name, "title", m.title ? m.title : "", "email", m.email));
    else
        json_object_set_new(out, "manager", json_null());
    if (!who->via_token) json_object_set_new(out, "csrf_token", json_string(who->csrf_token));
    return out;
}

static void me(struct api_call *call)
{
    reply_json(call->req, call->res, 200, me_json(call, &call->who));
}

static int user_to_json(struct store *db, int64_t id, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_USER_GET, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(r, e)) > 0)
        *out = user_json(store_int(r, 0), store_text(r, 1), store_text(r, 2), store_int(r, 3),
                         (int)store_int(r, 4));
    else if (rc == 0)
        rc = err_set(e, REINS_ENOTFOUND, "no user with id %lld", (long long)id);
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

static void list_users(struct api_call *call)
{
    struct store_rows *r;
    if (store_query(call->db, SQL_USERS, NO_PARAMS, &r, &call->err) < 0) return api_fail(call);
    json_t *users = json_array();
    int rc;
    while ((rc = store_next(r, &call->err)) > 0)
        json_array_append_new(users, user_json(store_int(r, 0), store_text(r, 1), store_text(r, 2),
                                               store_int(r, 3), (int)store_int(r, 4)));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(users);
        return api_fail(call);
    }
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "users", users));
}

static void create_user(struct api_call *call)
{
    static const char *const allowed[] = {"email", "password", "role", "person_id", NULL};
    json_t *body;
    const char *email = NULL, *password = NULL, *role = NULL;
    int64_t person_id = 0, id = 0;
    int is_null;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc == 0) rc = json_get_string(body, "email", &email, &call->err);
    if (rc >= 0) rc = json_get_string(body, "password", &password, &call->err);
    if (rc >= 0) rc = json_get_string(body, "role", &role, &call->err);
    if (rc >= 0) rc = json_get_id(body, "person_id", &person_id, &is_null, &call->err);
    if (rc >= 0 && !role_parse(role))
        rc = err_field(&call->err, REINS_EINVAL, "role",
                       "field role: must be admin, manager or seller");
    if (rc >= 0)
        rc = user_add(call->db, email, password, role_parse(role), person_id, &id, &call->err);
    json_decref(body);
    json_t *out = NULL;
    if (rc < 0 || user_to_json(call->db, id, &out, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, out);
}

static void patch_user(struct api_call *call)
{
    static const char *const allowed[] = {"role", "disabled", "password", NULL};
    int64_t id = call->ids[0];
    json_t *body, *out = NULL;
    const char *role = NULL, *password = NULL;
    int disabled = -1;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc == 0) rc = json_get_string(body, "role", &role, &call->err);
    if (rc >= 0) rc = json_get_bool(body, "disabled", &disabled, &call->err);
    if (rc >= 0) rc = json_get_string(body, "password", &password, &call->err);
    if (rc >= 0) rc = user_to_json(call->db, id, &out, &call->err);
    json_decref(out);
    if (rc >= 0 && json_object_get(body, "role") && !role_parse(role))
        rc = err_field(&call->err, REINS_EINVAL, "role",
                       "field role: must be admin, manager or seller");
    if (rc >= 0 && json_object_get(body, "password") && !password)
        rc = err_field(&call->err, REINS_EINVAL, "password", "field password: must not be null");
    if (rc >= 0 && password) rc = password_check_policy(password, &call->err);
    if (rc >= 0) rc = store_begin(call->db, &call->err);
    if (rc >= 0) {
        if (rc >= 0 && role)
            rc = store_run(call->db, SQL_USER_SET_ROLE, PARAMS(SV_INT(id), SV_TEXT(role)), NULL,
                           &call->err);
        if (rc >= 0 && disabled >= 0)
            rc = store_run(call->db, SQL_USER_SET_DISABLED, PARAMS(SV_INT(id), SV_INT(disabled)),
                           NULL, &call->err);
        /* Disabling ends their sessions now, not at the next expiry. */
        if (rc >= 0 && disabled == 1)
            rc = store_run(call->db, SQL_USER_END_SESSIONS, PARAMS(SV_INT(id)), NULL, &call->err);
        if (rc == REINS_EINVAL && role)
            rc = err_field(&call->err, REINS_EINVAL, "role",
                           "field role: a %s must be linked to a person; this user is not", role);
        if (rc >= 0 && password) rc = user_set_password(call->db, id, password, &call->err);
        /* Checked after the change, inside the transaction: no way around it. */
        int64_t admins = 1;
        if (rc >= 0 && (role || disabled == 1))
            rc = store_int_query(call->db, SQL_ACTIVE_ADMINS, NO_PARAMS, &admins, &call->err);
        if (rc >= 0 && admins == 0)
            rc = err_set(&call->err, REINS_ECONFLICT,
                         "this would leave no active admin; make someone else admin first");
        if (rc >= 0)
            rc = store_commit(call->db, &call->err);
        else
            store_rollback(call->db);
    }
    json_decref(body);
    if (rc < 0 || user_to_json(call->db, id, &out, &call->err) < 0) return api_fail(call);
    reply_json(call->req, call->res, 200, out);
}

static json_t *opt_time(struct store_rows *r, int col)
{
    return store_isnull(r, col) ? json_null() : json_integer((json_int_t)store_int(r, col));
}

static void list_tokens(struct api_call *call)
{
    int64_t only = call->who.role == ROLE_ADMIN ? 0 : call->who.user_id;
    struct store_rows *r;
    if (store_query(call->db, SQL_TOKENS, PARAMS(SV_INT(only)), &r, &call->err) < 0)
        return api_fail(call);
    json_t *tokens = json_array();
    int rc;
    while ((rc = store_next(r, &call->err)) > 0) {
        json_t *t =
            json_pack("{s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)store_int(r, 0), "user_id",
                      (json_int_t)store_int(r, 1), "name", store_text(r, 2), "prefix",
                      store_text(r, 3), "created_at", (json_int_t)store_int(r, 4));
        json_object_set_new(t, "last_used_at", opt_time(r, 5));
        json_object_set_new(t, "revoked_at", opt_time(r, 6));
        json_array_append_new(tokens, t);
    }
    store_rows_free(r);
    if (rc < 0) {
        json_decref(tokens);
        return api_fail(call);
    }
    reply_json(call->req, call->res, 200, json_pack("{s:o}", "tokens", tokens));
}

static void create_token(struct api_call *call)
{
    static const char *const allowed[] = {"name", "user_id", NULL};
    json_t *body;
    const char *name = NULL;
    int64_t user_id = call->who.user_id, id = 0;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc == 0) rc = json_get_string(body, "name", &name, &call->err);
    if (rc >= 0) rc = json_get_id(body, "user_id", &user_id, NULL, &call->err);
    if (rc > 0 && user_id != call->who.user_id && call->who.role != ROLE_ADMIN)
        rc = err_field(&call->err, REINS_EFORBIDDEN, "user_id",
                       "only an admin may make a token for someone else");
    json_t *owner = NULL;
    if (rc >= 0) rc = user_to_json(call->db, user_id, &owner, &call->err);
    json_decref(owner);
    char secret[64];
    if (rc >= 0) rc = token_create(call->db, user_id, name, &id, secret, &call->err);
    if (rc < 0) {
        json_decref(body);
        return api_fail(call);
    }
    /* The same fields as in the list. */
    json_t *token =
        json_pack("{s:I, s:I, s:s, s:s%, s:I, s:n, s:n}", "id", (json_int_t)id, "user_id",
                  (json_int_t)user_id, "name", name, "prefix", secret, (size_t)TOKEN_PREFIX_LEN,
                  "created_at", (json_int_t)time(NULL), "last_used_at", "revoked_at");
    json_decref(body);
    reply_json(call->req, call->res, 201,
               json_pack("{s:o, s:s}", "token", token, "secret", secret));
}

static void revoke_token(struct api_call *call)
{
    int64_t owner = 0;
    int rc = store_int_query(call->db, SQL_TOKEN_OWNER, PARAMS(SV_INT(call->ids[0])), &owner,
                             &call->err);
    /* Someone else's token answers like one that does not exist. */
    if (rc == 0 && owner != call->who.user_id && call->who.role != ROLE_ADMIN) rc = REINS_ENOTFOUND;
    if (rc == REINS_ENOTFOUND)
        rc = err_set(&call->err, REINS_ENOTFOUND, "no token with id %lld", (long long)call->ids[0]);
    if (rc == 0)
        rc = store_run(call->db, SQL_TOKEN_REVOKE, PARAMS(SV_INT(call->ids[0]), SV_INT(time(NULL))),
                       NULL, &call->err);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 204, NULL);
}

const struct route auth_routes[] = {
    {"POST", "/api/v1/session", login, ROUTE_PUBLIC},
    {"DELETE", "/api/v1/session", logout, 0},
    {"GET", "/api/v1/me", me, 0},
    {"GET", "/api/v1/users", list_users, ROUTE_ADMIN},
    {"POST", "/api/v1/users", create_user, ROUTE_ADMIN},
    {"PATCH", "/api/v1/users/{id}", patch_user, ROUTE_ADMIN},
    {"GET", "/api/v1/tokens", list_tokens, 0},
    {"POST", "/api/v1/tokens", create_token, 0},
    {"DELETE", "/api/v1/tokens/{id}", revoke_token, 0},
    {0},
};
