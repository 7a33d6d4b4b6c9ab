/* migrations.c -- the schema, one numbered step at a time.
 *
 * Never edit a migration that has shipped: add a new one. The text is
 * written once for both databases; "{{ID}}" becomes each one's
 * auto-numbered primary key. Money columns are BIGINT minor units,
 * timestamps BIGINT seconds since the epoch (UTC), dates TEXT YYYY-MM-DD.
 */
#include "store/migrations.h"

const struct migration migrations[] = {
    {1, "people, teams, users, sessions, API tokens",
     "CREATE TABLE teams (\n"
     "  id {{ID}},\n"
     "  name TEXT NOT NULL UNIQUE,\n"
     "  created_at BIGINT NOT NULL\n"
     ");\n"
     "CREATE TABLE people (\n"
     "  id {{ID}},\n"
     "  name TEXT NOT NULL,\n"
     "  email TEXT NOT NULL UNIQUE,\n"
     "  title TEXT NOT NULL DEFAULT '',\n"
     "  manager_id BIGINT REFERENCES people(id),\n"
     "  team_id BIGINT REFERENCES teams(id),\n"
     "  start_date TEXT NOT NULL,\n"
     "  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'leaving', 'left')),\n"
     "  created_at BIGINT NOT NULL,\n"
     "  updated_at BIGINT NOT NULL,\n"
     "  CHECK (manager_id IS NULL OR manager_id <> id)\n"
     ");\n"
     "CREATE INDEX people_manager ON people(manager_id);\n"
     "CREATE INDEX people_team ON people(team_id);\n"
     "CREATE TABLE users (\n"
     "  id {{ID}},\n"
     "  email TEXT NOT NULL UNIQUE,\n"
     "  password_hash TEXT NOT NULL,\n"
     "  role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'seller')),\n"
     "  person_id BIGINT UNIQUE REFERENCES people(id),\n"
     "  disabled INTEGER NOT NULL DEFAULT 0,\n"
     "  created_at BIGINT NOT NULL,\n"
     "  CHECK (role = 'admin' OR person_id IS NOT NULL)\n"
     ");\n"
     "CREATE TABLE sessions (\n"
     "  id_hash TEXT PRIMARY KEY,\n"
     "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
     "  csrf_token TEXT NOT NULL,\n"
     "  created_at BIGINT NOT NULL,\n"
     "  last_seen_at BIGINT NOT NULL,\n"
     "  expires_at BIGINT NOT NULL\n"
     ");\n"
     "CREATE INDEX sessions_user ON sessions(user_id);\n"
     "CREATE TABLE api_tokens (\n"
     "  id {{ID}},\n"
     "  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,\n"
     "  name TEXT NOT NULL,\n"
     "  token_hash TEXT NOT NULL UNIQUE,\n"
     "  prefix TEXT NOT NULL,\n"
     "  created_at BIGINT NOT NULL,\n"
     "  last_used_at BIGINT,\n"
     "  revoked_at BIGINT\n"
     ");\n"
     "CREATE INDEX api_tokens_user ON api_tokens(user_id);\n"
     "CREATE TABLE login_attempts (\n"
     "  id {{ID}},\n"
     "  email TEXT NOT NULL,\n"
     "  ip TEXT NOT NULL,\n"
     "  at BIGINT NOT NULL\n"
     ");\n"
     "CREATE INDEX login_attempts_email ON login_attempts(email, at);\n"
     "CREATE INDEX login_attempts_ip ON login_attempts(ip, at);\n"},
};

const int migrations_count = (int)(sizeof migrations / sizeof migrations[0]);
