// Durability: every write acknowledged to a caller survives the process being killed with
// SIGKILL right after (the acknowledgement comes only after COMMIT returned).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <thread>

#include "db_test_support.h"

namespace sy::store {
namespace {

using testing::cat;
using testing::StoreTest;
using testing::acked_until_killed;
using testing::KilledChild;

// The child: several threads write rows and report each acknowledged id on the pipe, until
// killed. Plain code only (no gtest) after fork.
[[noreturn]] void write_until_killed(const std::string& url, int ack_fd) {
  auto db = Database::open(url);
  if (!db) _exit(3);
  std::atomic<std::int64_t> next{1};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      while (true) {
        std::int64_t id = next++;
        Status s = (*db)->write([id](Connection& c) -> Status {
          const Value p[] = {Value{id}, Value{cat("durable.", id)}};
          auto done = c.exec("INSERT INTO audit_log (at, action) VALUES ($1, $2)", p);
          if (!done) return done.error();
          return ok_status();
        });
        if (!s) _exit(4);
        if (write(ack_fd, &id, sizeof id) != sizeof id) _exit(5);
      }
    });
  }
  for (auto& th : threads) th.join();
  _exit(0);
}

class DurabilityTest : public StoreTest {};

TEST_P(DurabilityTest, AcknowledgedWritesSurviveSigkill) {
  open_db();  // migrated, then closed before forking
  std::string db_url = url();
  KilledChild run = acked_until_killed([&](int ack_fd) { write_until_killed(db_url, ack_fd); }, 300);
  ASSERT_GE(run.acked.size(), 300u) << "the child stopped writing early (status " << run.status
                                    << ")";
  EXPECT_TRUE(WIFSIGNALED(run.status));
  const std::set<std::int64_t>& acked = run.acked;

  auto db = open_db(false);
  ASSERT_TRUE(db);
  std::set<std::int64_t> present;
  ASSERT_TRUE(db->read([&](Connection& c) -> Status {
                  auto rows = c.query("SELECT at FROM audit_log WHERE action LIKE 'durable.%'");
                  if (!rows) return rows.error();
                  for (const Row& r : *rows) present.insert(r.i64(0));
                  return ok_status();
                }).ok());
  std::size_t missing = 0;
  for (std::int64_t id : acked) missing += present.count(id) == 0;
  EXPECT_EQ(missing, 0u) << "acknowledged writes lost after SIGKILL";
  // And the database is usable after the crash.
  EXPECT_TRUE(db->write([](Connection& c) -> Status {
                  auto done = c.exec("INSERT INTO audit_log (at, action) VALUES (1, 'after')");
                  if (!done) return done.error();
                  return ok_status();
                }).ok());
}

SY_STORE_TEST_BOTH_BACKENDS(DurabilityTest);

}  // namespace
}  // namespace sy::store
