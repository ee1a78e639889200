// Shared set-up for the repository tests: a migrated scratch database (SQLite always,
// PostgreSQL when SY_TEST_PG_URL is set), a manual clock, every repository, and a small region
// tree of two cities so scoping can be checked.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/clock.h"
#include "store/db_test_support.h"
#include "store/repositories.h"

namespace sy::store::testing {

// Fails the test with the error's code and message when `r` is not ok.
#define SY_ASSERT_OK(r) ASSERT_TRUE((r).ok()) << (r).error().code << ": " << (r).error().message
#define SY_EXPECT_CODE(r, c)                                   \
  do {                                                         \
    auto&& sy_r_ = (r);                                        \
    ASSERT_FALSE(sy_r_.ok());                                  \
    EXPECT_EQ(sy_r_.error().code, c) << sy_r_.error().message; \
  } while (0)

class RepoTest : public StoreTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // 350000 福建省 → 350100 福州市 → 350102 鼓楼区 → 350102-01, 350102-02;
  //                  350200 厦门市 → 350203 思明区 → 350203-01.
  void seed_regions();
  // A customer in `region` with one phone and one account (no PIN, so no hashing cost).
  CustomerFile make_customer(const std::string& name, const std::string& region,
                             const std::string& phone, const std::string& account_no,
                             std::int64_t arrears_fen = 0);

  ManualClock clock_{from_unix_ms(1'795'000'000'000)};  // 2026-11-18
  std::unique_ptr<Database> db_;
  std::unique_ptr<Repositories> repos_;
};

}  // namespace sy::store::testing
