// Group commit: drains the write queue in groups, one transaction per group, one savepoint per
// unit; answers callers after COMMIT.
#include "store/writer.h"

#include <algorithm>
#include <chrono>
#include <future>

namespace sy::store {
namespace {

Status call_unit(const WriteFn& fn, Connection& conn) {
  try {
    return fn(conn);
  } catch (const std::exception& e) {
    return make_error(ErrorKind::kInternal, "write_failed", e.what());
  } catch (...) {
    return make_error(ErrorKind::kInternal, "write_failed", "unknown exception in a write");
  }
}

void answer(const std::function<void(Status)>& done, Status status) {
  if (!done) return;
  try {
    done(std::move(status));
  } catch (...) {
    // A callback must not take the writer thread down with it.
  }
}

Error closed_error() {
  return make_error(ErrorKind::kUnavailable, "database_closed", "the database is closed");
}

}  // namespace

GroupCommitWriter::GroupCommitWriter(std::unique_ptr<Connection> conn, int max_group)
    : conn_(std::move(conn)), max_group_(static_cast<std::size_t>(std::max(1, max_group))) {
  stats_.bucket_bounds_s = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                            0.1,    0.25,  0.5,    1.0,   2.5,  5.0};
  stats_.bucket_counts.assign(stats_.bucket_bounds_s.size(), 0);
  thread_ = std::thread([this] { loop(); });
}

GroupCommitWriter::~GroupCommitWriter() { stop(); }

void GroupCommitWriter::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable() && !on_writer_thread()) thread_.join();
}

void GroupCommitWriter::submit(WriteFn fn, std::function<void(Status)> done) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      queue_.push_back(Item{std::move(fn), std::move(done), false});
      cv_.notify_one();
      return;
    }
  }
  answer(done, closed_error());
}

Status GroupCommitWriter::write(WriteFn fn) {
  if (on_writer_thread()) {
    return make_error(ErrorKind::kInternal, "nested_write",
                      "write() called from inside a write would wait for itself");
  }
  std::promise<Status> promise;
  auto future = promise.get_future();
  submit(std::move(fn), [&promise](Status s) { promise.set_value(std::move(s)); });
  return future.get();
}

Status GroupCommitWriter::run_exclusive(const std::function<Status(Connection&)>& fn) {
  if (on_writer_thread()) {
    return make_error(ErrorKind::kInternal, "nested_write", "exclusive run from the writer");
  }
  std::promise<Status> promise;
  auto future = promise.get_future();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return closed_error();
    queue_.push_back(Item{fn, [&promise](Status s) { promise.set_value(std::move(s)); }, true});
  }
  cv_.notify_one();
  return future.get();
}

void GroupCommitWriter::loop() {
  std::vector<Item> group;
  while (true) {
    group.clear();
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has been answered
      if (queue_.front().exclusive) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      } else {
        while (!queue_.empty() && !queue_.front().exclusive && group.size() < max_group_) {
          group.push_back(std::move(queue_.front()));
          queue_.pop_front();
        }
      }
    }
    if (group.front().exclusive) {
      answer(group.front().done, call_unit(group.front().fn, *conn_));
    } else {
      run_group(group);
    }
  }
}

Status GroupCommitWriter::control(const char* sql) {
  // Through exec(), not exec_script(): SQLite keeps these statements prepared.
  return conn_->execute(sql);
}

Status GroupCommitWriter::control2(const char* first, const char* second) {
  if (conn_->dialect() == Dialect::kPostgres) {
    return conn_->exec_script(std::string(first) + "; " + second);
  }
  SY_TRY(control(first));
  return control(second);
}

// The units of a group share one savepoint: after a unit succeeds it is released and set anew
// (one round trip); after a unit fails the transaction goes back to it, and it stays for the
// next unit.
bool GroupCommitWriter::run_unit(Item& item, Status& result, bool last) {
  result = call_unit(item.fn, *conn_);
  if (result.ok()) {
    // On PostgreSQL a unit that swallowed a failed statement leaves the transaction aborted;
    // RELEASE then fails and the unit is rolled back like any failed one.
    Status moved =
        last ? control("RELEASE sy_unit") : control2("RELEASE sy_unit", "SAVEPOINT sy_unit");
    if (moved) return true;
    result = moved;
  }
  return control("ROLLBACK TO sy_unit").ok();
}

Status GroupCommitWriter::begin_group(bool savepoint) {
  const char* begin = conn_->dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN";
  auto start = [&] { return savepoint ? control2(begin, "SAVEPOINT sy_unit") : control(begin); };
  Status begun = start();
  // A PostgreSQL connection the server dropped while idle fails once, then reconnects.
  if (!begun && begun.error().kind == ErrorKind::kUnavailable) begun = start();
  if (!begun) (void)control("ROLLBACK");  // in case BEGIN half-happened
  return begun;
}

void GroupCommitWriter::run_group(std::vector<Item>& group) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<Status> results(group.size());
  const bool single = group.size() == 1;
  Status begun = begin_group(!single);
  if (!begun) {
    for (Item& item : group) answer(item.done, begun);
    return;
  }
  bool usable = true;
  for (std::size_t i = 0; i < group.size(); ++i) {
    if (!usable) {
      results[i] = make_error(ErrorKind::kUnavailable, "database_unavailable",
                              "write not attempted: the group transaction failed");
    } else if (single) {
      // Alone in its group the transaction is the unit: no savepoint round trips needed.
      results[i] = call_unit(group[i].fn, *conn_);
      usable = results[i].ok();
    } else {
      usable = run_unit(group[i], results[i], i + 1 == group.size());
    }
  }
  Status committed = usable ? control("COMMIT")
                            : Status(make_error(ErrorKind::kUnavailable, "database_unavailable",
                                                "the group transaction failed"));
  std::size_t ok_count = 0;
  if (!committed) {
    (void)control("ROLLBACK");
    for (Status& r : results) {
      if (r.ok()) r = committed;
    }
  } else {
    ok_count = static_cast<std::size_t>(
        std::count_if(results.begin(), results.end(), [](const Status& s) { return s.ok(); }));
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    record_commit(took.count(), ok_count);
  }
  for (std::size_t i = 0; i < group.size(); ++i) answer(group[i].done, std::move(results[i]));
}

void GroupCommitWriter::record_commit(double seconds, std::size_t writes) {
  std::lock_guard lock(stats_mu_);
  stats_.commits += 1;
  stats_.writes += writes;
  stats_.sum_s += seconds;
  for (std::size_t i = 0; i < stats_.bucket_bounds_s.size(); ++i) {
    if (seconds <= stats_.bucket_bounds_s[i]) stats_.bucket_counts[i] += 1;
  }
}

Database::CommitStats GroupCommitWriter::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

}  // namespace sy::store
