// Schema migrations: the numbered src/store/migrations/NNNN_name.sql files, embedded into the
// binary at build time, applied in order on SQLite and PostgreSQL alike and recorded in
// schema_migrations. Private to the store; callers use Database::migrate().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/db.h"

namespace sy::store {

struct EmbeddedMigration {
  const char* file_name;  // e.g. "0001_init.sql"
  const char* sql;
};

// Every migration file, sorted by name (generated source).
const std::vector<EmbeddedMigration>& embedded_migrations();

struct Migration {
  int version = 0;   // NNNN
  std::string name;  // file name
  std::string sql;
};

// The embedded migrations parsed and checked (numbered, no duplicates), in version order.
Result<std::vector<Migration>> known_migrations();

// The migration text for a dialect: ID_PK becomes the dialect's 64-bit auto-increment key, and
// only the lines for this dialect of "-- @sqlite" / "-- @postgres" … "-- @end" blocks are kept.
std::string translate_migration(std::string_view sql, Dialect dialect);

// Applies what is missing on `conn`, each migration in its own transaction; returns how many
// were applied. Safe against another process migrating the same database at the same time.
Result<int> apply_migrations(Connection& conn);

// Highest applied version (0 when none, or no schema_migrations table yet).
Result<int> applied_schema_version(Connection& conn);

}  // namespace sy::store
