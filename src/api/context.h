// What every API handler needs: the repositories, the clock and the sign-in rules. One instance
// lives as long as the HTTP server; handlers run on HTTP worker threads and share it.
#pragma once

#include <chrono>
#include <string>

#include "auth/lockout.h"
#include "core/clock.h"
#include "store/db.h"
#include "store/repositories.h"

namespace sy::api {

struct ApiOptions {
  std::chrono::seconds session_ttl{12 * 3600};
  auth::LockoutPolicy lockout;
  std::string centre_name;
  std::string time_zone = "Asia/Shanghai";
};

struct Context {
  Context(store::Database& database, const Clock& clk, ApiOptions opts)
      : db(database), clock(clk), options(std::move(opts)), repos(database, clk) {}

  store::Database& db;
  const Clock& clock;
  ApiOptions options;
  store::Repositories repos;
};

}  // namespace sy::api
