// PostgreSQL connections through libpqxx: same interface as SQLite, prepared statements cached
// per connection, pqxx exceptions turned into store errors at this boundary. A connection that
// broke reconnects on its next use. Private to the store.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "store/db.h"

namespace sy::store {

// The URL with any password removed (user:secret@ -> user@, password=... dropped).
std::string redact_postgres_url(const std::string& url);

class PostgresConnection final : public Connection {
 public:
  // Connects at once; kUnavailable "database_unavailable" naming the redacted URL on failure.
  static Result<std::unique_ptr<PostgresConnection>> open(const std::string& url);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  Dialect dialect() const override { return Dialect::kPostgres; }
  Result<std::vector<Row>> query(std::string_view sql, std::span<const Value> params = {}) override;
  Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params = {}) override;
  Status exec_script(std::string_view sql) override;

 private:
  explicit PostgresConnection(std::string url);
  Status connect();
  template <class Fn>
  auto guarded(std::string_view sql, Fn&& fn) -> decltype(fn());
  // Runs `sql` (prepared and cached when it has parameters); fills rows when asked.
  Result<std::int64_t> run(std::string_view sql, std::span<const Value> params,
                           std::vector<Row>* rows);
  Result<std::int64_t> run_guarded(std::string_view sql, std::span<const Value> params,
                                   std::vector<Row>* rows);

  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::string url_;
  std::string display_;
  struct Handle;  // the pqxx connection, kept out of this header
  std::unique_ptr<Handle> conn_;
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> prepared_;
  std::uint64_t next_statement_ = 0;
  // A statement failed inside the current transaction: PostgreSQL ignores everything until
  // ROLLBACK (TO), and would answer COMMIT with a silent rollback; we make that an error.
  bool aborted_ = false;
};

}  // namespace sy::store
