/* auth.c -- passwords, sessions, API tokens, login throttling and users. */
#include "auth/auth.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/text.h"
#include "store/store.h"

/* Argon2id at interactive limits takes ~64 MB and ~100 ms: a login burst
 * must not run more of them at once than there are cores. */
static sem_t hash_slots;
static int hash_slots_ready;

int auth_init(struct err *e)
{
    if (sodium_init() < 0) return err_set(e, REINS_EINTERNAL, "libsodium failed to initialise");
    if (!hash_slots_ready) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        if (cores < 1) cores = 1;
        if (cores > 8) cores = 8;
        sem_init(&hash_slots, 0, (unsigned)cores);
        hash_slots_ready = 1;
    }
    return 0;
}

int password_check_policy(const char *password, struct err *e)
{
    size_t n = password ? strlen(password) : 0;
    if (n < PASSWORD_MIN_LEN)
        return err_field(e, REINS_EINVAL, "password",
                         "field password: must have at least %d characters", PASSWORD_MIN_LEN);
    if (n > PASSWORD_MAX_LEN)
        return err_field(e, REINS_EINVAL, "password",
                         "field password: must have at most %d characters", PASSWORD_MAX_LEN);
    return 0;
}

int password_hash(const char *password, char out[crypto_pwhash_STRBYTES], struct err *e)
{
    int rc = password_check_policy(password, e);
    if (rc < 0) return rc;
    sem_wait(&hash_slots);
    rc = crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                           crypto_pwhash_MEMLIMIT_INTERACTIVE);
    sem_post(&hash_slots);
    if (rc != 0) return err_set(e, REINS_EINTERNAL, "password hashing failed (out of memory?)");
    return 0;
}

int password_verify(const char *hash, const char *password)
{
    size_t n = strlen(password);
    if (n > PASSWORD_MAX_LEN) return 0;
    sem_wait(&hash_slots);
    int ok = crypto_pwhash_str_verify(hash, password, n) == 0;
    sem_post(&hash_slots);
    return ok;
}

/* A random secret as unpadded base64url. */
static void random_secret(char *out, size_t outlen, size_t nbytes)
{
    unsigned char buf[48];
    randombytes_buf(buf, nbytes);
    sodium_bin2base64(out, outlen, buf, nbytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

/* What the database keeps of a secret: BLAKE2b-256 in hex. */
static void secret_hash(const char *secret, char hex[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), NULL, 0);
    sodium_bin2hex(hex, 65, h, sizeof h);
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void make_dummy_hash(void)
{
    char pw[33];
    random_secret(pw, sizeof pw, 24);
    if (crypto_pwhash_str(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = '\0'; /* verify then fails at once: only timing is lost */
}

static const char SQL_FAILS_BY_EMAIL[] =
    "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE email = $1 AND at > $2";
static const char SQL_FAILS_BY_IP[] =
    "SELECT COUNT(*), MIN(at) FROM login_attempts WHERE ip = $1 AND at > $2";
static const char SQL_RECORD_ATTEMPT[] =
    "INSERT INTO login_attempts (email, ip, at) VALUES ($1, $2, $3) RETURNING id";
static const char SQL_DROP_ATTEMPT[] = "DELETE FROM login_attempts WHERE id = $1";
static const char SQL_FORGET_FAILS[] = "DELETE FROM login_attempts WHERE email = $1 OR at < $2";
static const char SQL_USER_BY_EMAIL[] = "SELECT id, password_hash, role, COALESCE(person_id, 0), "
                                        "disabled, email FROM users WHERE email = $1";
static const char SQL_SESSION_INSERT[] =
    "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at)"
    " VALUES ($1, $2, $3, $4, $4, $5)";
static const char SQL_SESSION_GET[] =
    "SELECT s.user_id, s.csrf_token, s.last_seen_at, s.expires_at, u.email, u.role,"
    " COALESCE(u.person_id, 0), u.disabled"
    " FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1";
static const char SQL_SESSION_TOUCH[] = "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1";
static const char SQL_SESSION_DELETE[] = "DELETE FROM sessions WHERE id_hash = $1";
static const char SQL_SESSIONS_EXPIRE[] =
    "DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2";
static const char SQL_TOKEN_INSERT[] =
    "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char SQL_TOKEN_GET[] =
    "SELECT t.id, t.user_id, u.email, u.role, COALESCE(u.person_id, 0), u.disabled,"
    " COALESCE(t.last_used_at, 0)"
    " FROM api_tokens t JOIN users u ON u.id = t.user_id"
    " WHERE t.token_hash = $1 AND t.revoked_at IS NULL";
static const char SQL_TOKEN_TOUCH[] = "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1";
static const char SQL_USER_INSERT[] =
    "INSERT INTO users (email, password_hash, role, person_id, created_at)"
    " VALUES ($1, $2, $3, $4, $5) RETURNING id";
static const char SQL_PERSON_EXISTS[] = "SELECT COUNT(*) FROM people WHERE id = $1";
static const char SQL_USER_SET_PASSWORD[] = "UPDATE users SET password_hash = $2 WHERE id = $1";
static const char SQL_USER_END_SESSIONS[] = "DELETE FROM sessions WHERE user_id = $1";
static const char SQL_USER_FIND[] = "SELECT id FROM users WHERE email = $1";

static int throttled(struct store *db, const char *sql, const char *key, int max, time_t now,
                     int *retry_after, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, PARAMS(SV_TEXT(key), SV_INT(now - LOGIN_WINDOW_SECONDS)), &r, e);
    if (rc < 0) return rc;
    int limited = 0;
    if ((rc = store_next(r, e)) > 0 && store_int(r, 0) > max) {
        limited = 1;
        int64_t wait = store_int(r, 1) + LOGIN_WINDOW_SECONDS - now;
        *retry_after = wait > 1 ? (int)wait : 1;
    }
    store_rows_free(r);
    return rc < 0 ? rc : limited;
}

static void fill_principal(struct principal *who, int64_t user_id, const char *email,
                           const char *role, int64_t person_id)
{
    memset(who, 0, sizeof *who);
    who->user_id = user_id;
    who->person_id = person_id;
    who->role = role_parse(role);
    snprintf(who->email, sizeof who->email, "%s", email ? email : "");
}

static int session_create(struct store *db, struct principal *who, char cookie_out[64],
                          struct err *e)
{
    char hash[65];
    time_t now = time(NULL);
    random_secret(cookie_out, 64, 32);
    random_secret(who->csrf_token, sizeof who->csrf_token, 24);
    secret_hash(cookie_out, hash);
    /* Expired sessions go when new ones come: no cron needed. */
    int rc = store_run(db, SQL_SESSIONS_EXPIRE,
                       PARAMS(SV_INT(now), SV_INT(now - SESSION_IDLE_SECONDS)), NULL, e);
    if (rc < 0) return rc;
    return store_run(db, SQL_SESSION_INSERT,
                     PARAMS(SV_TEXT(hash), SV_INT(who->user_id), SV_TEXT(who->csrf_token),
                            SV_INT(now), SV_INT(now + SESSION_MAX_SECONDS)),
                     NULL, e);
}

int auth_login(struct store *db, const char *email_in, const char *password, const char *ip,
               struct principal *who, char cookie_out[64], int *retry_after, struct err *e)
{
    static const char bad[] = "wrong email or password";
    char email[EMAIL_MAX + 1];
    time_t now = time(NULL);
    *retry_after = 0;
    if (email_normalize(email, email_in, "email", NULL) < 0)
        snprintf(email, sizeof email, "%.*s", EMAIL_MAX, email_in ? email_in : "");
    /* Record the attempt before counting: concurrent attempts each count
     * all those before them, so no burst gets more than the limit through.
     * An attempt refused here does not count (it is dropped again). */
    int64_t attempt = 0;
    int rc = store_int_query(db, SQL_RECORD_ATTEMPT,
                             PARAMS(SV_TEXT(email), SV_TEXT(ip), SV_INT(now)), &attempt, e);
    if (rc < 0) return rc;
    rc = throttled(db, SQL_FAILS_BY_EMAIL, email, LOGIN_MAX_FAILS_PER_EMAIL, now, retry_after, e);
    if (rc == 0)
        rc = throttled(db, SQL_FAILS_BY_IP, ip, LOGIN_MAX_FAILS_PER_IP, now, retry_after, e);
    if (rc < 0) return rc;
    if (rc > 0) {
        if ((rc = store_run(db, SQL_DROP_ATTEMPT, PARAMS(SV_INT(attempt)), NULL, e)) < 0) return rc;
        return err_set(e, REINS_ERATE, "too many failed logins; try again in %d seconds",
                       *retry_after);
    }

    struct store_rows *r;
    if ((rc = store_query(db, SQL_USER_BY_EMAIL, PARAMS(SV_TEXT(email)), &r, e)) < 0) return rc;
    rc = store_next(r, e);
    int ok = 0;
    if (rc > 0) {
        ok = password_verify(store_text(r, 1), password) && !store_int(r, 4);
        if (ok)
            fill_principal(who, store_int(r, 0), store_text(r, 5), store_text(r, 2),
                           store_int(r, 3));
    } else if (rc == 0) {
        /* Spend the same time on an unknown email, so timing does not tell. */
        pthread_once(&dummy_once, make_dummy_hash);
        password_verify(dummy_hash, password);
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!ok) return err_set(e, REINS_EAUTH, "%s", bad); /* the attempt stays recorded */
    rc = store_run(db, SQL_FORGET_FAILS, PARAMS(SV_TEXT(email), SV_INT(now - LOGIN_WINDOW_SECONDS)),
                   NULL, e);
    if (rc < 0) return rc;
    return session_create(db, who, cookie_out, e);
}

int session_lookup(struct store *db, const char *cookie, struct principal *who, struct err *e)
{
    static const char gone[] = "your session has expired or ended; log in again";
    if (!cookie || strlen(cookie) > 128) return err_set(e, REINS_EAUTH, "%s", gone);
    char hash[65];
    secret_hash(cookie, hash);
    time_t now = time(NULL);
    struct store_rows *r;
    int rc = store_query(db, SQL_SESSION_GET, PARAMS(SV_TEXT(hash)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    int valid = 0;
    int64_t last_seen = 0;
    if (rc > 0) {
        last_seen = store_int(r, 2);
        valid = now < store_int(r, 3) && now - last_seen < SESSION_IDLE_SECONDS && !store_int(r, 7);
        if (valid) {
            fill_principal(who, store_int(r, 0), store_text(r, 4), store_text(r, 5),
                           store_int(r, 6));
            snprintf(who->csrf_token, sizeof who->csrf_token, "%s", store_text(r, 1));
        }
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!valid) return err_set(e, REINS_EAUTH, "%s", gone);
    /* Record activity at most once a minute: reads should not all write. */
    if (now - last_seen >= 60)
        return store_run(db, SQL_SESSION_TOUCH, PARAMS(SV_TEXT(hash), SV_INT(now)), NULL, e);
    return 0;
}

int session_end(struct store *db, const char *cookie, struct err *e)
{
    if (!cookie) return 0;
    char hash[65];
    secret_hash(cookie, hash);
    return store_run(db, SQL_SESSION_DELETE, PARAMS(SV_TEXT(hash)), NULL, e);
}

int token_create(struct store *db, int64_t user_id, const char *name, int64_t *id_out,
                 char secret_out[64], struct err *e)
{
    int rc = text_check(name, 100, "name", e);
    if (rc < 0) return rc;
    char body[48], hash[65], prefix[16];
    random_secret(body, sizeof body, 30);
    snprintf(secret_out, 64, "rns_%s", body);
    snprintf(prefix, sizeof prefix, "%.*s", TOKEN_PREFIX_LEN, secret_out);
    secret_hash(secret_out, hash);
    return store_int_query(
        db, SQL_TOKEN_INSERT,
        PARAMS(SV_INT(user_id), SV_TEXT(name), SV_TEXT(hash), SV_TEXT(prefix), SV_INT(time(NULL))),
        id_out, e);
}

int token_lookup(struct store *db, const char *secret, struct principal *who, struct err *e)
{
    static const char bad[] = "unknown or revoked API token";
    if (!secret || strncmp(secret, "rns_", 4) || strlen(secret) > 100)
        return err_set(e, REINS_EAUTH, "%s", bad);
    char hash[65];
    secret_hash(secret, hash);
    struct store_rows *r;
    int rc = store_query(db, SQL_TOKEN_GET, PARAMS(SV_TEXT(hash)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    int valid = rc > 0 && !store_int(r, 5);
    int64_t token_id = 0, last_used = 0;
    if (valid) {
        token_id = store_int(r, 0);
        last_used = store_int(r, 6);
        fill_principal(who, store_int(r, 1), store_text(r, 2), store_text(r, 3), store_int(r, 4));
        who->via_token = 1;
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!valid) return err_set(e, REINS_EAUTH, "%s", bad);
    time_t now = time(NULL);
    if (now - last_used >= 60)
        return store_run(db, SQL_TOKEN_TOUCH, PARAMS(SV_INT(token_id), SV_INT(now)), NULL, e);
    return 0;
}

int user_add_hashed(struct store *db, const char *email_in, const char *hash, enum role role,
                    int64_t person_id, int64_t *id_out, struct err *e)
{
    char email[EMAIL_MAX + 1];
    int rc = email_normalize(email, email_in, "email", e);
    if (rc < 0) return rc;
    if (role == ROLE_NONE)
        return err_field(e, REINS_EINVAL, "role", "field role: must be admin, manager or seller");
    if (role != ROLE_ADMIN && person_id <= 0)
        return err_field(e, REINS_EINVAL, "person_id",
                         "field person_id: a %s must be linked to a person", role_name(role));
    if (person_id > 0) {
        int64_t n = 0;
        if ((rc = store_int_query(db, SQL_PERSON_EXISTS, PARAMS(SV_INT(person_id)), &n, e)) < 0)
            return rc;
        if (!n)
            return err_field(e, REINS_EINVAL, "person_id",
                             "field person_id: no person with id %lld", (long long)person_id);
    }
    int64_t id = 0;
    rc = store_int_query(db, SQL_USER_INSERT,
                         PARAMS(SV_TEXT(email), SV_TEXT(hash), SV_TEXT(role_name(role)),
                                SV_ID(person_id), SV_INT(time(NULL))),
                         &id, e);
    if (rc == REINS_ECONFLICT)
        return err_field(e, REINS_ECONFLICT, "email",
                         "a user with email %s already exists, or that person already has a login",
                         email);
    if (rc < 0) return rc;
    if (id_out) *id_out = id;
    return 0;
}

int user_add(struct store *db, const char *email, const char *password, enum role role,
             int64_t person_id, int64_t *id_out, struct err *e)
{
    char hash[crypto_pwhash_STRBYTES];
    int rc = password_hash(password, hash, e);
    if (rc < 0) return rc;
    return user_add_hashed(db, email, hash, role, person_id, id_out, e);
}

int user_set_password(struct store *db, int64_t user_id, const char *password, struct err *e)
{
    char hash[crypto_pwhash_STRBYTES];
    int rc = password_hash(password, hash, e);
    if (rc < 0) return rc;
    int64_t changed = 0;
    rc = store_run(db, SQL_USER_SET_PASSWORD, PARAMS(SV_INT(user_id), SV_TEXT(hash)), &changed, e);
    if (rc < 0) return rc;
    if (!changed) return err_set(e, REINS_ENOTFOUND, "no user with id %lld", (long long)user_id);
    return store_run(db, SQL_USER_END_SESSIONS, PARAMS(SV_INT(user_id)), NULL, e);
}

int user_find(struct store *db, const char *email_in, int64_t *id_out, struct err *e)
{
    char email[EMAIL_MAX + 1];
    int rc = email_normalize(email, email_in, "email", e);
    if (rc < 0) return rc;
    rc = store_int_query(db, SQL_USER_FIND, PARAMS(SV_TEXT(email)), id_out, e);
    if (rc == REINS_ENOTFOUND) return err_set(e, rc, "no user with email %s", email);
    return rc;
}
