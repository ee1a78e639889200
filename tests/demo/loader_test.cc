// Loading the demo province through the real store: counts in the database match what was
// generated, a second load is refused, --force reloads, and the indexes are back afterwards.
// Runs on SQLite always and on PostgreSQL when SY_TEST_PG_URL is set.
#include "demo/loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "store/db.h"
#include "store/db_test_support.h"

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
  EXPECT_EQ(count(d, "SELECT COUNT(*) FROM work_orders"), c.work_orders);
  EXPECT_GT(c.work_orders, 0);
  EXPECT_GE(count(d, "SELECT COUNT(*) FROM work_order_transitions"), c.work_orders);
  EXPECT_GT(count(d, "SELECT COUNT(DISTINCT state) FROM work_orders"), 3);
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
  {
    // Ids were given explicitly; the next customer created the ordinary way follows them.
    auto db = store::Database::open(url);
    ASSERT_TRUE(db.ok());
    std::int64_t id = 0;
    auto s = (*db)->write([&](store::Connection& conn) -> Status {
      auto r = conn.insert_returning_id(
          "INSERT INTO customers (customer_no, name, region_code, created_at, updated_at) VALUES "
          "('X-1', '测试', '350102-01', 0, 0) RETURNING id");
      if (!r) return r.error();
      id = *r;
      return ok_status();
    });
    ASSERT_TRUE(s.ok()) << s.error().message;
    EXPECT_EQ(id, first->counts.customers + 1);
  }

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

using store::testing::Backend;
using store::testing::ScratchDatabase;

TEST(DemoLoader, SqliteLoadMatchesGeneratedCounts) {
  ScratchDatabase scratch(Backend::kSqlite);
  ASSERT_TRUE(scratch.available()) << scratch.unavailable_reason();
  load_twice_then_force(scratch.url());
}

TEST(DemoLoader, PostgresLoadMatchesGeneratedCounts) {
  if (store::testing::test_pg_url().empty()) GTEST_SKIP() << "SY_TEST_PG_URL not set";
  ScratchDatabase scratch(Backend::kPostgres);
  ASSERT_TRUE(scratch.available()) << scratch.unavailable_reason();
  load_twice_then_force(scratch.url());
}

TEST(DemoLoader, IndexesAndForeignKeysHoldAfterTheLoad) {
  ScratchDatabase scratch(Backend::kSqlite);
  ASSERT_TRUE(scratch.available()) << scratch.unavailable_reason();
  std::string url = scratch.url();
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

}  // namespace
}  // namespace sy::demo
