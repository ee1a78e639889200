// Reads on pooled connections inside a read-only snapshot; writes through the writer thread.
#include "store/pooled_database.h"

#include <algorithm>

#include "store/migrations.h"

namespace sy::store {

PooledDatabase::PooledDatabase(Parts parts)
    : dialect_(parts.dialect),
      display_url_(std::move(parts.display_url)),
      on_close_(std::move(parts.on_close)),
      idle_(std::move(parts.readers)),
      open_reader_(std::move(parts.open_reader)),
      readers_open_(static_cast<int>(idle_.size())),
      max_readers_(std::max(readers_open_, parts.options.read_connections)),
      writer_(
          std::make_unique<GroupCommitWriter>(std::move(parts.writer), parts.options.max_group)) {}

PooledDatabase::~PooledDatabase() {
  writer_.reset();  // answers every queued write first
  {
    std::lock_guard lock(pool_mu_);
    idle_.clear();
  }
  if (on_close_) on_close_();
}

Result<std::unique_ptr<Connection>> PooledDatabase::borrow() {
  {
    std::unique_lock lock(pool_mu_);
    const bool can_grow = open_reader_ != nullptr;
    pool_cv_.wait(lock,
                  [&] { return !idle_.empty() || (can_grow && readers_open_ < max_readers_); });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++readers_open_;  // reserve the slot, then connect without holding the lock
  }
  auto opened = open_reader_();
  if (!opened) {
    {
      std::lock_guard lock(pool_mu_);
      --readers_open_;
    }
    pool_cv_.notify_one();
    return opened.error();
  }
  return std::move(*opened);
}

void PooledDatabase::give_back(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(pool_mu_);
    idle_.push_back(std::move(conn));
  }
  pool_cv_.notify_one();
}

Status PooledDatabase::read(const std::function<Status(Connection&)>& fn) {
  auto borrowed = borrow();
  if (!borrowed) return borrowed.error();
  std::unique_ptr<Connection> conn = std::move(*borrowed);
  struct Return {
    PooledDatabase* db;
    std::unique_ptr<Connection>& conn;
    ~Return() { db->give_back(std::move(conn)); }
  } give_back_on_exit{this, conn};

  // One snapshot for the whole function, so a screen pop sees customer, accounts and bills
  // as of one moment. SQLite's deferred BEGIN takes no lock; WAL readers never wait.
  const char* begin =
      dialect_ == Dialect::kSqlite ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
  Status begun = conn->execute(begin);
  // A PostgreSQL connection the server dropped while idle fails once, then reconnects.
  if (!begun && begun.error().kind == ErrorKind::kUnavailable) begun = conn->execute(begin);
  if (!begun) return begun;
  Status status;
  try {
    status = fn(*conn);
  } catch (const std::exception& e) {
    status = make_error(ErrorKind::kInternal, "read_failed", e.what());
  }
  Status ended = conn->execute(status.ok() ? "COMMIT" : "ROLLBACK");
  if (status.ok() && !ended) return ended;
  return status;
}

Result<int> PooledDatabase::migrate() {
  int applied = 0;
  Status status = writer_->run_exclusive([&applied](Connection& conn) -> Status {
    auto result = apply_migrations(conn);
    if (!result) return result.error();
    applied = *result;
    return ok_status();
  });
  if (!status) return status.error();
  return applied;
}

Result<int> PooledDatabase::schema_version() {
  int version = 0;
  Status status = read([&version](Connection& conn) -> Status {
    auto result = applied_schema_version(conn);
    if (!result) return result.error();
    version = *result;
    return ok_status();
  });
  if (!status) return status.error();
  return version;
}

void PooledDatabase::submit(WriteFn fn, std::function<void(Status)> done) {
  writer_->submit(std::move(fn), std::move(done));
}

Status PooledDatabase::write(WriteFn fn) { return writer_->write(std::move(fn)); }

Status PooledDatabase::ping() {
  return read([](Connection& conn) -> Status {
    auto rows = conn.query("SELECT 1");
    if (!rows) return rows.error();
    return ok_status();
  });
}

}  // namespace sy::store
