// The Database both dialects share: a pool of read connections and the group-commit writer over
// one writer connection. Dialect differences live in the connections. Private to the store.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/writer.h"

namespace sy::store {

class PooledDatabase final : public Database {
 public:
  struct Parts {
    Dialect dialect = Dialect::kSqlite;
    std::string display_url;
    std::unique_ptr<Connection> writer;
    std::vector<std::unique_ptr<Connection>> readers;  // opened up front (at least one)
    // Opens one more read connection; the pool grows on demand up to options.read_connections.
    std::function<Result<std::unique_ptr<Connection>>()> open_reader;
    DatabaseOptions options;
    std::function<void()> on_close;  // e.g. removes a throw-away database file
  };
  explicit PooledDatabase(Parts parts);
  ~PooledDatabase() override;  // drains the writer queue, then closes every connection

  Dialect dialect() const override { return dialect_; }
  std::string display_url() const override { return display_url_; }
  Result<int> migrate() override;
  Result<int> schema_version() override;
  Status read(const std::function<Status(Connection&)>& fn) override;
  void submit(WriteFn fn, std::function<void(Status)> done) override;
  Status write(WriteFn fn) override;
  Status ping() override;
  CommitStats commit_stats() const override { return writer_->stats(); }

 private:
  Result<std::unique_ptr<Connection>> borrow();
  void give_back(std::unique_ptr<Connection> conn);

  Dialect dialect_;
  std::string display_url_;
  std::function<void()> on_close_;
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::function<Result<std::unique_ptr<Connection>>()> open_reader_;
  int readers_open_ = 0;  // idle or borrowed
  int max_readers_ = 1;
  std::unique_ptr<GroupCommitWriter> writer_;
};

}  // namespace sy::store
