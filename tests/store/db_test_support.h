// Scratch databases for store tests: a fresh SQLite file in its own temp dir, or (when
// SY_TEST_PG_URL is set) a fresh PostgreSQL database with a random name, dropped afterwards.
// Tests stay independent of each other and of parallel runs against the same server.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "store/db.h"

namespace sy::store::testing {

enum class Backend { kSqlite, kPostgres };

// "sqlite" / "postgres", for parameterised test names.
std::string backend_name(Backend backend);
std::string backend_param_name(const ::testing::TestParamInfo<Backend>& info);

// The URL of the PostgreSQL server for tests, or "" when none is configured.
std::string test_pg_url();

// prefix + number (spelled out because g++ 12 -O3 warns falsely on "literal" + std::string).
inline std::string cat(std::string prefix, std::int64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

class ScratchDatabase {
 public:
  explicit ScratchDatabase(Backend backend);
  ~ScratchDatabase();  // drops the PostgreSQL database / removes the temp dir
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  bool available() const { return error_.empty(); }
  const std::string& unavailable_reason() const { return error_; }
  const std::string& url() const { return url_; }
  const std::string& dir() const { return dir_; }  // a temp dir owned by this scratch database

 private:
  Backend backend_;
  std::string url_;
  std::string dir_;
  std::string pg_name_;
  std::string error_;
};

// Fixture for tests run once per backend: gives a scratch database, skipping PostgreSQL when
// SY_TEST_PG_URL is not set.
class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Opens the scratch database (and applies the migrations when `migrated`).
  std::unique_ptr<Database> open_db(bool migrated = true, const DatabaseOptions& options = {});
  const std::string& url() const { return scratch_->url(); }
  const std::string& dir() const { return scratch_->dir(); }
  Backend backend() const { return GetParam(); }

 private:
  std::unique_ptr<ScratchDatabase> scratch_;
};

// Crash harness: forks; the child runs `child(ack_fd)`, which writes each acknowledged id (an
// int64) to ack_fd and never returns (plain code only after fork: no gtest). Once `want` ids
// have arrived (or the child stops) the child is killed with SIGKILL. The caller then reopens
// the database and checks every acknowledged id is there.
struct KilledChild {
  std::set<std::int64_t> acked;
  int status = 0;  // from waitpid: WIFSIGNALED when the kill, not the child, ended it
};
KilledChild acked_until_killed(const std::function<void(int ack_fd)>& child, std::size_t want);

}  // namespace sy::store::testing

// Runs a StoreTest suite on both backends.
#define SY_STORE_TEST_BOTH_BACKENDS(suite)                                              \
  INSTANTIATE_TEST_SUITE_P(Backends, suite,                                             \
                           ::testing::Values(::sy::store::testing::Backend::kSqlite,    \
                                             ::sy::store::testing::Backend::kPostgres), \
                           ::sy::store::testing::backend_param_name)
