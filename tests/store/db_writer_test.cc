// The writer thread on both dialects: group commit, a failing unit rolling back alone, durable
// answers, draining at shutdown, and readers that never wait for the writer.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "db_test_support.h"

namespace sy::store {
namespace {

using testing::cat;
using testing::StoreTest;

constexpr std::int64_t kNow = 1700000000000;

Status log_action(Connection& c, const std::string& action) {
  const Value p[] = {Value{kNow}, Value{action}};
  auto done = c.exec("INSERT INTO audit_log (at, action) VALUES ($1, $2)", p);
  if (!done) return done.error();
  return ok_status();
}

std::int64_t count_actions(Database& db, const std::string& like) {
  std::int64_t count = -1;
  Status read = db.read([&](Connection& c) -> Status {
    const Value p[] = {Value{like}};
    auto rows = c.query("SELECT COUNT(*) FROM audit_log WHERE action LIKE $1", p);
    if (!rows) return rows.error();
    count = rows->at(0).i64(0);
    return ok_status();
  });
  EXPECT_TRUE(read.ok()) << (read.ok() ? "" : read.error().message);
  return count;
}

// A unit that holds the writer (inside its transaction) until released.
struct Gate {
  std::promise<void> entered;
  std::promise<void> release;
  std::shared_future<void> released{release.get_future().share()};
  WriteFn unit(std::string action) {
    return [this, action](Connection& c) -> Status {
      SY_TRY(log_action(c, action));
      entered.set_value();
      released.wait();
      return ok_status();
    };
  }
};

class WriterTest : public StoreTest {};

TEST_P(WriterTest, ManyConcurrentWritersAllGetDurableAnswers) {
  auto db = open_db();
  ASSERT_TRUE(db);
  constexpr int kThreads = 16, kEach = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string action = cat("many.", t) + cat(".", i);
        Status s = db->write([&](Connection& c) { return log_action(c, action); });
        if (!s) failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(count_actions(*db, "many.%"), kThreads * kEach);
  auto stats = db->commit_stats();
  EXPECT_GE(stats.writes, static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_LE(stats.commits, stats.writes);
  ASSERT_FALSE(stats.bucket_counts.empty());
  EXPECT_EQ(stats.bucket_counts.size(), stats.bucket_bounds_s.size());
  EXPECT_GT(stats.sum_s, 0);
}

TEST_P(WriterTest, QueuedWritesCommitAsOneGroup) {
  auto db = open_db();
  ASSERT_TRUE(db);
  Gate gate;
  std::promise<Status> first_done;
  db->submit(gate.unit("group.first"), [&](Status s) { first_done.set_value(s); });
  gate.entered.get_future().wait();
  auto before = db->commit_stats();

  constexpr int kQueued = 200;
  std::atomic<int> answered{0}, ok{0};
  std::promise<void> all_answered;
  for (int i = 0; i < kQueued; ++i) {
    db->submit([i](Connection& c) { return log_action(c, cat("group.", i)); },
               [&](Status s) {
                 if (s) ok++;
                 if (++answered == kQueued) all_answered.set_value();
               });
  }
  gate.release.set_value();
  EXPECT_TRUE(first_done.get_future().get().ok());
  all_answered.get_future().wait();
  EXPECT_EQ(ok.load(), kQueued);
  auto after = db->commit_stats();
  // The held unit's own commit, then the 200 queued behind it together in one more.
  EXPECT_EQ(after.commits - before.commits, 2u);
  EXPECT_EQ(after.writes - before.writes, static_cast<std::uint64_t>(kQueued + 1));
  EXPECT_EQ(count_actions(*db, "group.%"), kQueued + 1);
}

TEST_P(WriterTest, AFailingUnitRollsBackAloneAndReportsItsOwnError) {
  auto db = open_db();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->write([](Connection& c) -> Status {
                  auto done = c.exec(
                      "INSERT INTO regions (code, name, level) "
                      "VALUES ('350100', '福州市', 'city')");
                  if (!done) return done.error();
                  return ok_status();
                }).ok());
  Gate gate;
  db->submit(gate.unit("unit.gate"), nullptr);
  gate.entered.get_future().wait();

  std::promise<Status> a, b, c, d;
  db->submit([](Connection& conn) { return log_action(conn, "unit.a"); },
             [&](Status s) { a.set_value(s); });
  db->submit(
      [](Connection& conn) -> Status {
        SY_TRY(log_action(conn, "unit.b"));  // written, then the unit gives up
        return make_error(ErrorKind::kConflict, "arrears_outstanding", "b gives up");
      },
      [&](Status s) { b.set_value(s); });
  db->submit(
      [](Connection& conn) -> Status {
        SY_TRY(log_action(conn, "unit.c"));
        auto dup = conn.exec(
            "INSERT INTO regions (code, name, level) "
            "VALUES ('350100', 'again', 'city')");
        if (!dup) return dup.error();
        return ok_status();
      },
      [&](Status s) { c.set_value(s); });
  db->submit([](Connection& conn) { return log_action(conn, "unit.d"); },
             [&](Status s) { d.set_value(s); });
  gate.release.set_value();

  EXPECT_TRUE(a.get_future().get().ok());
  Status sb = b.get_future().get();
  ASSERT_FALSE(sb.ok());
  EXPECT_EQ(sb.error().code, "arrears_outstanding");
  Status sc = c.get_future().get();
  ASSERT_FALSE(sc.ok());
  EXPECT_EQ(sc.error().code, "unique_violation");
  EXPECT_TRUE(d.get_future().get().ok());

  EXPECT_EQ(count_actions(*db, "unit.a"), 1);
  EXPECT_EQ(count_actions(*db, "unit.b"), 0);
  EXPECT_EQ(count_actions(*db, "unit.c"), 0);
  EXPECT_EQ(count_actions(*db, "unit.d"), 1);
}

TEST_P(WriterTest, AUnitThatIgnoresAFailedStatementIsNeverReportedDurableWrongly) {
  auto db = open_db();
  ASSERT_TRUE(db);
  auto swallowing = [](Connection& c) -> Status {
    SY_TRY(log_action(c, "swallow.kept"));
    (void)c.exec("INSERT INTO nowhere VALUES (1)");  // fails; the unit carries on regardless
    return ok_status();
  };
  // Alone in its group, and inside a group of several.
  Status alone = db->write(swallowing);
  Gate gate;
  db->submit(gate.unit("swallow.gate"), nullptr);
  gate.entered.get_future().wait();
  std::promise<Status> grouped, after;
  db->submit(swallowing, [&](Status s) { grouped.set_value(s); });
  db->submit([](Connection& c) { return log_action(c, "swallow.after"); },
             [&](Status s) { after.set_value(s); });
  gate.release.set_value();
  Status in_group = grouped.get_future().get();
  EXPECT_TRUE(after.get_future().get().ok());
  EXPECT_EQ(count_actions(*db, "swallow.after"), 1);
  if (backend() == testing::Backend::kPostgres) {
    // PostgreSQL aborted the transaction at the failed statement: nothing of the unit stays,
    // and the caller hears so instead of a false "durable".
    EXPECT_FALSE(alone.ok());
    EXPECT_FALSE(in_group.ok());
    EXPECT_EQ(count_actions(*db, "swallow.kept"), 0);
  } else {
    // SQLite undoes only the failed statement; the rest of the unit commits.
    EXPECT_TRUE(alone.ok());
    EXPECT_TRUE(in_group.ok());
    EXPECT_EQ(count_actions(*db, "swallow.kept"), 2);
  }
}

TEST_P(WriterTest, ReadersProceedWhileTheWriterHoldsATransaction) {
  auto db = open_db();
  ASSERT_TRUE(db->write([](Connection& c) { return log_action(c, "reader.committed"); }).ok());
  Gate gate;
  std::promise<Status> held_done;
  db->submit(gate.unit("reader.uncommitted"), [&](Status s) { held_done.set_value(s); });
  gate.entered.get_future().wait();

  // The writer is inside its transaction with an uncommitted row; readers neither wait for it
  // nor see the row. Several readers at once, from several threads.
  std::vector<std::future<std::pair<std::int64_t, std::int64_t>>> reads;
  for (int i = 0; i < 4; ++i) {
    reads.push_back(std::async(std::launch::async, [&db] {
      return std::make_pair(count_actions(*db, "reader.committed"),
                            count_actions(*db, "reader.uncommitted"));
    }));
  }
  for (auto& r : reads) {
    ASSERT_EQ(r.wait_for(std::chrono::seconds(20)), std::future_status::ready)
        << "a reader waited for the writer";
    auto [committed, uncommitted] = r.get();
    EXPECT_EQ(committed, 1);
    EXPECT_EQ(uncommitted, 0);
  }
  gate.release.set_value();
  EXPECT_TRUE(held_done.get_future().get().ok());
  EXPECT_EQ(count_actions(*db, "reader.uncommitted"), 1);
}

TEST_P(WriterTest, ReadersRunConcurrentlyUpToThePoolSize) {
  DatabaseOptions options;
  options.read_connections = 3;
  auto db = open_db(true, options);
  ASSERT_TRUE(db);
  // Three readers must be inside read() at the same time for any of them to finish.
  std::mutex mu;
  std::condition_variable cv;
  int inside = 0;
  auto reader = [&] {
    return db->read([&](Connection& c) -> Status {
      auto rows = c.query("SELECT COUNT(*) FROM regions");
      if (!rows) return rows.error();
      std::unique_lock lock(mu);
      ++inside;
      cv.notify_all();
      bool all = cv.wait_for(lock, std::chrono::seconds(20), [&] { return inside == 3; });
      if (!all) return make_error(ErrorKind::kInternal, "not_concurrent", "readers serialized");
      return ok_status();
    });
  };
  auto a = std::async(std::launch::async, reader);
  auto b = std::async(std::launch::async, reader);
  auto c = std::async(std::launch::async, reader);
  EXPECT_TRUE(a.get().ok());
  EXPECT_TRUE(b.get().ok());
  EXPECT_TRUE(c.get().ok());
}

TEST_P(WriterTest, ShutdownAnswersAndCommitsEverythingQueued) {
  constexpr int kQueued = 300;
  std::atomic<int> ok{0}, answered{0};
  {
    auto db = open_db();
    ASSERT_TRUE(db);
    for (int i = 0; i < kQueued; ++i) {
      db->submit([i](Connection& c) { return log_action(c, cat("drain.", i)); },
                 [&](Status s) {
                   answered++;
                   if (s) ok++;
                 });
    }
  }  // destroyed at once: the queue is drained before the writer stops
  EXPECT_EQ(answered.load(), kQueued);
  EXPECT_EQ(ok.load(), kQueued);
  auto db = open_db(false);
  ASSERT_TRUE(db);
  EXPECT_EQ(count_actions(*db, "drain.%"), kQueued);
}

TEST_P(WriterTest, WriteFromInsideAWriteIsRefusedNotADeadlock) {
  auto db = open_db();
  ASSERT_TRUE(db);
  Status inner = ok_status();
  Status outer = db->write([&](Connection& c) -> Status {
    inner = db->write([](Connection& c2) { return log_action(c2, "nested"); });
    return log_action(c, "outer");
  });
  EXPECT_TRUE(outer.ok());
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().code, "nested_write");
}

TEST_P(WriterTest, AThrowingUnitBecomesAnError) {
  auto db = open_db();
  ASSERT_TRUE(db);
  Status s = db->write([](Connection&) -> Status { throw std::runtime_error("boom"); });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "write_failed");
  EXPECT_TRUE(db->write([](Connection& c) { return log_action(c, "after.throw"); }).ok());
}

SY_STORE_TEST_BOTH_BACKENDS(WriterTest);

}  // namespace
}  // namespace sy::store
