// Loading the demo province through the real store: counts in the database match what was
// generated, a second load is refused, --force reloads, and the indexes are back afterwards.
// Runs on SQLite always and on PostgreSQL when SY_TEST_PG_URL is set.
#include "demo/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/db.h"

namespace sy::demo {
namespace {

constexpr std::int64_t kNow = 1795428000000;

std::int64_t count(store::Database& db, const std::string& sql) {
  std::int64_t n = -1;
  auto s = db.read([&](store::Connection& conn) -> Status {
    auto row = conn.query_one(sql);
    if (!row) return row.error();
    n = (*row)->i64(0);
    return ok_status();
  });
  EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
  return n;
}

LoadOptions small_load(const std::string& url) {
  LoadOptions o;
  o.db_url = url;
  o.demo.customers = 1500;
  o.demo.seed = 42;
  o.demo.now_ms = kNow;
  o.demo.pin_first = 2;
  o.demo.pin_every = 0;
  return o;
}

void expect_counts_match(const std::string& url, const LoadCounts& c) {
  auto db = store::Database::open(url);
  ASSERT_TRUE(db.ok()) << db.error().message;
  store::Database& d = **db;
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM regions"), c.regions);
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM customers"), c.customers);
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM customer_phones"), c.phones);
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM accounts"), c.accounts);
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM bills"), c.bills);
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM payments"), c.payments);
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM outages"), c.outages);
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM contacts"), c.contacts);
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM accounts WHERE pin_hash <> ''"), 2);
  // Every customer sits in a service area; arrears equal the overdue bills in the database too.
  EXPECT_EQ(count(d,
                  "SELECT COUNT(*) FROM customers c JOIN regions r ON r.code = c.region_code "
                  "WHERE r.level = 'area'"),
            c.customers);
  EXPECT_EQ(count(d, "SELECT COALESCE(SUM(arrears_fen), 0) FROM accounts"),
            count(d,
                  "SELECT COALESCE(SUM(amount_fen - paid_fen), 0) FROM bills WHERE due_date < "
                  "'2026-11-23'"));
  EXPECT_GT(count(d, "SELECT COUNT(*) FROM outage_areas"), c.outages);
}

void load_twice_then_force(const std::string& url) {
  auto first = load_demo(small_load(url));
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->counts.customers, 1500);
  EXPECT_GT(first->counts.bills, 1500 * 5);
  ASSERT_EQ(first->pins.size(), 2u);
  expect_counts_match(url, first->counts);

  auto again = load_demo(small_load(url));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, "demo_data_exists");
  EXPECT_NE(again.error().message.find("--force"), std::string::npos);

  LoadOptions forced = small_load(url);
  forced.force = true;
  forced.demo.customers = 700;
  std::int64_t last_progress = 0;
  forced.progress = [&](std::int64_t done, std::int64_t total) {
    EXPECT_EQ(total, 700);
    last_progress = done;
  };
  auto reloaded = load_demo(forced);
  ASSERT_TRUE(reloaded.ok()) << reloaded.error().message;
  EXPECT_EQ(last_progress, 700);
  expect_counts_match(url, reloaded->counts);
}

class TempDir {
 public:
  TempDir() {
    path_ = std::filesystem::temp_directory_path() /
            ("sy-demo-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

TEST(DemoLoader, SqliteLoadMatchesGeneratedCounts) {
  TempDir dir;
  load_twice_then_force("sqlite:" + dir.file("demo.db"));
}

TEST(DemoLoader, IndexesAndForeignKeysHoldAfterTheLoad) {
  TempDir dir;
  std::string url = "sqlite:" + dir.file("demo.db");
  auto loaded = load_demo(small_load(url));
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  auto db = store::Database::open(url);
  ASSERT_TRUE(db.ok());
  // The loader skips SQLite's per-row foreign key checks; every reference must still hold.
  auto fk = (*db)->read([](store::Connection& conn) -> Status {
    auto rows = conn.query("PRAGMA foreign_key_check");
    if (!rows) return rows.error();
    EXPECT_TRUE(rows->empty()) << rows->size() << " rows break a foreign key";
    return ok_status();
  });
  EXPECT_TRUE(fk.ok());
  for (const auto& [name, sql] : bulk_secondary_indexes()) {
    EXPECT_EQ(count(**db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = '" +
                              name + "'"),
              1)
        << name;
  }
}

TEST(DemoLoader, DroppedIndexesAreTheMigrationsOwn) {
  std::ifstream in(std::string(SY_SOURCE_DIR) + "/src/store/migrations/0001_init.sql");
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& [name, sql] : bulk_secondary_indexes())
    EXPECT_NE(text.str().find(sql), std::string::npos) << sql;
}

TEST(DemoLoader, PostgresLoadMatchesGeneratedCounts) {
  const char* url = std::getenv("SY_TEST_PG_URL");
  if (!url) GTEST_SKIP() << "SY_TEST_PG_URL not set";
  load_twice_then_force(url);
}

}  // namespace
}  // namespace sy::demo
