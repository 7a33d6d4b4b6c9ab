/* auth.h -- passwords, sessions, API tokens, login throttling and users.
 *
 * Secrets never rest in the database: passwords are Argon2id hashes
 * (libsodium), session ids and API tokens are stored as BLAKE2b hashes. Every
 * lookup of a secret goes by its hash.
 */
#ifndef REINS_AUTH_AUTH_H
#define REINS_AUTH_AUTH_H

#include <stdint.h>
#include <sodium.h>

#include "auth/principal.h"
#include "core/err.h"

struct store;

#define PASSWORD_MIN_LEN 8
#define PASSWORD_MAX_LEN 256
#define SESSION_IDLE_SECONDS (12 * 3600)
#define SESSION_MAX_SECONDS (7 * 24 * 3600)
#define LOGIN_WINDOW_SECONDS (15 * 60)
#define LOGIN_MAX_FAILS_PER_EMAIL 5
#define LOGIN_MAX_FAILS_PER_IP 30

/* Call once at start-up (initialises libsodium and the hashing limit). */
int auth_init(struct err *e);

/* Hash a password with Argon2id at libsodium's interactive limits. At most
 * as many hashes run at once as there are cores: each takes ~64 MB.
 * Refuses passwords shorter than PASSWORD_MIN_LEN or longer than the max. */
int password_hash(const char *password, char out[crypto_pwhash_STRBYTES], struct err *e);
/* 1 when `password` matches `hash`, 0 when not. */
int password_verify(const char *hash, const char *password);
/* Check a new password against the policy without hashing it. */
int password_check_policy(const char *password, struct err *e);

/* Log in: check throttling, the user and the password; on success create a
 * session and fill `who`, `cookie_out` (the secret for the cookie) and
 * who->csrf_token. Wrong email and wrong password fail alike with
 * REINS_EAUTH; too many failures with REINS_ERATE (*retry_after in seconds). */
int auth_login(struct store *db, const char *email, const char *password, const char *ip,
               struct principal *who, char cookie_out[64], int *retry_after, struct err *e);
/* The principal of a session cookie; REINS_EAUTH when unknown or expired. */
int session_lookup(struct store *db, const char *cookie, struct principal *who, struct err *e);
/* End a session (unknown cookies are fine). */
int session_end(struct store *db, const char *cookie, struct err *e);

/* The first TOKEN_PREFIX_LEN characters of a secret are kept to tell tokens apart. */
#define TOKEN_PREFIX_LEN 10
/* Create an API token for `user_id`; `secret_out` gets "rns_..." (shown once). */
int token_create(struct store *db, int64_t user_id, const char *name, int64_t *id_out,
                 char secret_out[64], struct err *e);
/* The principal of a bearer token; REINS_EAUTH when unknown or revoked. */
int token_lookup(struct store *db, const char *secret, struct principal *who, struct err *e);

/* Users. `person_id` 0 means none (allowed for admins only). */
int user_add(struct store *db, const char *email, const char *password, enum role role,
             int64_t person_id, int64_t *id_out, struct err *e);
/* Set a new password and end the user's sessions. */
int user_set_password(struct store *db, int64_t user_id, const char *password, struct err *e);
/* Like user_add, but with a hash made beforehand (the demo shares one). */
int user_add_hashed(struct store *db, const char *email, const char *hash, enum role role,
                    int64_t person_id, int64_t *id_out, struct err *e);
/* The id of the user with this email (case-insensitive), REINS_ENOTFOUND if none. */
int user_find(struct store *db, const char *email, int64_t *id_out, struct err *e);

#endif
