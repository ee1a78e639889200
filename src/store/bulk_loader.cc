// Bulk loading: statements prepared once and reused for every row, commits only at checkpoints.
#include "store/bulk_loader.h"

#include <string>
#include <unordered_map>

namespace sy::store {
namespace {

class BulkLoaderImpl final : public BulkLoader {
 public:
  explicit BulkLoaderImpl(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}
  ~BulkLoaderImpl() override {
    if (!conn_) return;
    // Not finished: what was not checkpointed is dropped.
    (void)conn_->execute("ROLLBACK");
    (void)restore_journal();
  }

  Status begin() {
    SY_TRY(conn_->execute("BEGIN"));
    in_transaction_ = true;
    return ok_status();
  }

  Status prepare(const std::string& name, std::string_view sql) override {
    if (!conn_) return closed();
    statements_[name] = std::string(sql);
    return ok_status();
  }

  Status insert(const std::string& name, std::span<const Value> params) override {
    if (!conn_) return closed();
    auto it = statements_.find(name);
    if (it == statements_.end()) {
      return make_error(ErrorKind::kInternal, "unknown_statement",
                        "bulk statement '" + name + "' was not prepared");
    }
    auto done = conn_->exec(it->second, params);
    if (!done) return done.error();
    return ok_status();
  }

  Status checkpoint() override {
    if (!conn_) return closed();
    if (in_transaction_) {
      SY_TRY(conn_->execute("COMMIT"));
      in_transaction_ = false;
    }
    return begin();
  }

  Status finish() override {
    if (!conn_) return closed();
    if (in_transaction_) {
      SY_TRY(conn_->execute("COMMIT"));
      in_transaction_ = false;
    }
    Status restored = restore_journal();
    conn_.reset();
    return restored;
  }

  Connection& connection() override { return *conn_; }

 private:
  static Error closed() {
    return make_error(ErrorKind::kInternal, "bulk_loader_closed", "the bulk loader is finished");
  }

  // SQLite: back to WAL and normal locking so the server can open the file as usual.
  Status restore_journal() {
    if (conn_->dialect() != Dialect::kSqlite) return ok_status();
    return conn_->exec_script("PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL");
  }

  std::unique_ptr<Connection> conn_;
  std::unordered_map<std::string, std::string> statements_;
  bool in_transaction_ = false;
};

}  // namespace

Result<std::unique_ptr<BulkLoader>> start_bulk_loader(std::unique_ptr<Connection> conn) {
  auto loader = std::make_unique<BulkLoaderImpl>(std::move(conn));
  SY_TRY(loader->begin());
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

}  // namespace sy::store
