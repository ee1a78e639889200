// SQLite connections: WAL, foreign keys on, a busy timeout, $n placeholders rewritten to ?n, and
// a cache of prepared statements per connection. Private to the store.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/db.h"

namespace sy::store {

// Rewrites PostgreSQL-style $1..$n placeholders to SQLite's ?1..?n, leaving '$' inside string
// literals, quoted identifiers and comments alone.
std::string rewrite_placeholders(std::string_view sql);

struct SqliteOptions {
  enum class Role { kWriter, kReader, kBulk };
  Role role = Role::kWriter;
  bool synchronous_full = true;  // writer: FULL (durable at commit) or NORMAL
  int busy_timeout_ms = 10000;
};

class SqliteConnection final : public Connection {
 public:
  // Opens (creating the file for the writer and bulk roles) and configures a connection.
  // `display` names the database in error messages.
  static Result<std::unique_ptr<SqliteConnection>> open(const std::string& path,
                                                        const std::string& display,
                                                        const SqliteOptions& options);
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Dialect dialect() const override { return Dialect::kSqlite; }
  Result<std::vector<Row>> query(std::string_view sql, std::span<const Value> params = {}) override;
  Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params = {}) override;
  Status exec_script(std::string_view sql) override;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  SqliteConnection(sqlite3* db, std::string display) : db_(db), display_(std::move(display)) {}
  Status configure(const SqliteOptions& options);
  Result<std::string> pragma_text(const std::string& sql);
  // The cached prepared statement for `sql`, bound to `params` and ready to step.
  Result<sqlite3_stmt*> prepare_bound(std::string_view sql, std::span<const Value> params);
  Error error_from(int rc, std::string_view sql) const;

  sqlite3* db_;
  std::string display_;
  std::unordered_map<std::string, sqlite3_stmt*, StringHash, std::equal_to<>> cache_;
};

}  // namespace sy::store
