// The database behind the repositories: SQLite (WAL, embedded, default) or PostgreSQL 15
// (libpqxx), chosen by URL. Readers use a pool of connections and never wait for the writer;
// all writes go through one writer thread that commits queued writes together (group commit)
// and answers each caller only once its write is durable.
//
// SQL is written once for both dialects with $1..$n placeholders; the SQLite connection
// rewrites them. Only repositories (src/store) write SQL. Portable SQL: CAST(x AS T), not x::T
// (SQLite has no ::); flags as 0/1; RETURNING works on both; LIKE is case-insensitive for ASCII
// on SQLite but case-sensitive on PostgreSQL.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.h"

namespace sy::store {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a column value.
using Value = std::variant<std::monostate, std::int64_t, double, std::string>;

inline Value null_value() { return Value{}; }
inline Value text_or_null(const std::optional<std::string>& s) { return s ? Value{*s} : Value{}; }
inline Value int_or_null(const std::optional<std::int64_t>& v) { return v ? Value{*v} : Value{}; }

// One result row; columns by index in SELECT order. Accessors convert where it is lossless
// (PostgreSQL returns text that is parsed to the asked type).
class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  std::size_t size() const { return cols_.size(); }
  bool is_null(std::size_t i) const;
  std::int64_t i64(std::size_t i) const;  // 0 for NULL
  double f64(std::size_t i) const;
  std::string text(std::size_t i) const;  // "" for NULL
  std::optional<std::int64_t> opt_i64(std::size_t i) const;
  std::optional<std::string> opt_text(std::size_t i) const;
  const Value& value(std::size_t i) const { return cols_.at(i); }

 private:
  std::vector<Value> cols_;
};

// One connection. Not thread-safe: used by one thread at a time.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement and returns its rows (empty for statements that return none).
  // Errors: kConflict "unique_violation" / "foreign_key_violation" for constraint failures
  // (message names the constraint), kUnavailable "database_unavailable", kInternal otherwise.
  // Also: kUnavailable "database_busy" (locked / serialization failure: retry later), kInternal
  // "not_null_violation" / "check_violation" / "database_error" (bad SQL, wrong parameter count).
  virtual Result<std::vector<Row>> query(std::string_view sql,
                                         std::span<const Value> params = {}) = 0;
  // Runs one statement; returns the number of rows changed.
  virtual Result<std::int64_t> exec(std::string_view sql, std::span<const Value> params = {}) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual Status exec_script(std::string_view sql) = 0;

  // Convenience: the first row, or nullopt when there is none.
  Result<std::optional<Row>> query_one(std::string_view sql, std::span<const Value> params = {});
  // INSERT ... RETURNING id (both dialects support RETURNING) and return the id.
  Result<std::int64_t> insert_returning_id(std::string_view sql,
                                           std::span<const Value> params = {});
  // Runs one statement for its effect only (BEGIN, COMMIT, SAVEPOINT, DDL): exec() as a Status.
  Status execute(std::string_view sql, std::span<const Value> params = {});
};

// A unit of work run inside the writer's transaction. Returning an error rolls back this unit
// only (it runs inside a savepoint), not the others committed in the same group. It runs on the
// writer thread: it must not call write() (that fails with kInternal "nested_write"), and it
// should not block on anything slow, since every other write waits behind it. A thrown
// exception becomes kInternal "write_failed". Dialects differ when a unit ignores a failed
// statement: SQLite undoes just that statement; PostgreSQL undoes the whole unit and its caller
// gets an error (kInternal "transaction_aborted" when it was alone in its group).
using WriteFn = std::function<Status(Connection&)>;

struct DatabaseOptions {
  int read_connections = 4;      // pool size for readers
  int max_group = 512;           // most writes in one group commit
  bool synchronous_full = true;  // SQLite: synchronous=FULL (durable at commit) vs NORMAL
};

class Database {
 public:
  virtual ~Database() = default;

  // "sqlite:PATH" (or a bare path ending in .db), "sqlite::memory:" for tests, or
  // "postgresql://user:pass@host:port/dbname". Fails with kUnavailable "database_unavailable"
  // naming the URL (without password) when it cannot connect or the file is not a database.
  // The directory of a SQLite file is created when missing. "sqlite::memory:" is a private
  // throw-away database file (under /dev/shm) removed when the Database is destroyed, so it
  // behaves exactly like a file database (WAL, pool, writer). Unknown schemes: kInvalidInput
  // "invalid_database_url". Never throws.
  static Result<std::unique_ptr<Database>> open(const std::string& url,
                                                const DatabaseOptions& options = {});

  virtual Dialect dialect() const = 0;
  // URL with any password removed, for logs and messages.
  virtual std::string display_url() const = 0;

  // Applies every migration not yet applied, in order, each in its own transaction, recording
  // it in schema_migrations. Returns the number applied. A database migrated by a newer binary
  // fails with kUnavailable "schema_too_new".
  virtual Result<int> migrate() = 0;
  // Current schema version (0 for an empty database).
  virtual Result<int> schema_version() = 0;

  // Runs fn on a read connection from the pool. Blocks only the calling thread. fn sees one
  // consistent snapshot (it runs inside a read-only transaction); it must not call read() again
  // (with the pool exhausted that would wait forever). Writes through a read connection fail.
  virtual Status read(const std::function<Status(Connection&)>& fn) = 0;

  // Queues a write; `done` is called on the writer thread once the group holding it has
  // committed (Status ok) or once this unit failed (its error). Never blocks. Keep `done` short
  // (post the result elsewhere): the next group waits for it. After the Database started
  // closing, `done` gets kUnavailable "database_closed" at once.
  virtual void submit(WriteFn fn, std::function<void(Status)> done) = 0;
  // Queues a write and waits until it is durable.
  virtual Status write(WriteFn fn) = 0;

  // Checks that a read connection answers (for /healthz).
  virtual Status ping() = 0;

  // Group-commit figures for /metrics: commits done, writes committed, and a histogram of
  // commit latency in seconds (cumulative bucket counts for the given upper bounds).
  struct CommitStats {
    std::uint64_t commits = 0;
    std::uint64_t writes = 0;
    std::vector<double> bucket_bounds_s;
    std::vector<std::uint64_t> bucket_counts;  // cumulative, same size as bounds
    double sum_s = 0;
  };
  virtual CommitStats commit_stats() const = 0;
};

// Bulk loading for demo data and imports: one connection outside the writer, one long
// transaction, prepared statements reused. Only for offline commands (not while serving).
// SQLite: exclusive lock, rollback journal in memory, no fsync, 2 GB page cache; a crash
// mid-load leaves a database to load again. PostgreSQL: synchronous_commit off; a failed insert
// aborts the transaction (everything since the last checkpoint is lost; run
// connection().exec_script("ROLLBACK; BEGIN") to go on). Destroying it without finish() rolls
// back what was not checkpointed.
class BulkLoader {
 public:
  virtual ~BulkLoader() = default;
  static Result<std::unique_ptr<BulkLoader>> open(const std::string& url);
  // Prepares `sql` (with $1..$n) under `name` once; then add rows with insert(name, params).
  virtual Status prepare(const std::string& name, std::string_view sql) = 0;
  virtual Status insert(const std::string& name, std::span<const Value> params) = 0;
  // Commits what was inserted so far and starts a new transaction.
  virtual Status checkpoint() = 0;
  virtual Status finish() = 0;  // commit and close
  virtual Connection& connection() = 0;
};

}  // namespace sy::store
