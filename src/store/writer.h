// The writer thread: the only place that writes. Queued units are committed together in groups
// (one BEGIN..COMMIT per group, each unit inside its own SAVEPOINT) and every caller is answered
// only after its group's COMMIT returned, so an acknowledged write is durable. Private to the
// store; callers use Database::submit/write.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/db.h"

namespace sy::store {

class GroupCommitWriter {
 public:
  GroupCommitWriter(std::unique_ptr<Connection> conn, int max_group);
  ~GroupCommitWriter();  // drains the queue, then stops
  GroupCommitWriter(const GroupCommitWriter&) = delete;
  GroupCommitWriter& operator=(const GroupCommitWriter&) = delete;

  void submit(WriteFn fn, std::function<void(Status)> done);
  Status write(WriteFn fn);
  // Runs fn alone on the writer connection outside any group transaction (fn manages its own
  // transactions), after everything queued before it. Used for migrations.
  Status run_exclusive(const std::function<Status(Connection&)>& fn);
  // Commits what is queued, answers everyone, and stops the thread. Later writes fail with
  // kUnavailable "database_closed".
  void stop();

  Database::CommitStats stats() const;

 private:
  struct Item {
    WriteFn fn;
    std::function<void(Status)> done;
    bool exclusive = false;
  };
  void loop();
  void run_group(std::vector<Item>& group);
  // BEGIN (and the first savepoint when the group has several units), retried once.
  Status begin_group(bool savepoint);
  // Runs one unit inside the group's savepoint; false when the transaction can no longer be used.
  bool run_unit(Item& item, Status& result, bool last);
  Status control(const char* sql);
  // Two control statements, in one round trip on PostgreSQL.
  Status control2(const char* first, const char* second);
  void record_commit(double seconds, std::size_t writes);
  bool on_writer_thread() const { return std::this_thread::get_id() == thread_.get_id(); }

  std::unique_ptr<Connection> conn_;
  const std::size_t max_group_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  std::thread thread_;

  mutable std::mutex stats_mu_;
  Database::CommitStats stats_;
};

}  // namespace sy::store
