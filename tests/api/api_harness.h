// A real server for API tests: a fresh SQLite database in a temp dir, the real HTTP server on
// 127.0.0.1:0 with every API route, a manual clock, and a small HTTP client that keeps the
// session cookie and CSRF token like a browser.
#pragma once

#include <atomic>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api.h"
#include "auth/roles.h"
#include "core/clock.h"
#include "http/server.h"
#include "metrics/registry.h"
#include "store/db.h"

namespace sy::test {

struct HttpResult {
  int status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  nlohmann::json json() const;
  std::string header(const std::string& name) const;  // first value, "" when absent
  std::string error_code() const;                     // error.code of the error shape
};

class Client {
 public:
  explicit Client(std::uint16_t port) : port_(port) {}
  HttpResult request(const std::string& method, const std::string& target,
                     const std::string& body = "", const std::string& content_type = "application/json",
                     bool send_csrf = true);
  HttpResult get(const std::string& target) { return request("GET", target); }
  HttpResult post(const std::string& target, const nlohmann::json& body) {
    return request("POST", target, body.dump());
  }
  HttpResult patch(const std::string& target, const nlohmann::json& body) {
    return request("PATCH", target, body.dump());
  }
  HttpResult del(const std::string& target) { return request("DELETE", target); }
  // Signs in; keeps the cookie and CSRF token for later requests. Returns the login response.
  HttpResult login(const std::string& username, const std::string& password);

  std::string cookie;      // "sy_session=…"
  std::string csrf_token;  // sent as X-CSRF-Token

 private:
  std::uint16_t port_;
};

// A manual clock the test thread advances while server threads read it.
class SharedManualClock final : public Clock {
 public:
  explicit SharedManualClock(TimePoint start) : us_(start.time_since_epoch().count()) {}
  TimePoint now() const override { return TimePoint{Duration{us_.load()}}; }
  void advance(Duration d) { us_ += d.count(); }

 private:
  std::atomic<std::int64_t> us_;
};

class ApiServer {
 public:
  ApiServer();
  // On the given database (e.g. a scratch PostgreSQL database) instead of a temp SQLite file.
  // max_attachment_bytes: the attachment route's own body limit (small by default for speed).
  explicit ApiServer(const std::string& db_url, std::size_t max_attachment_bytes = 32 * 1024);
  ~ApiServer();

  std::uint16_t port() const { return server_->port(); }
  Client client() const { return Client(port()); }
  // Creates a user straight in the store (fast hash cost is fine: tests only).
  std::int64_t add_user(const std::string& username, auth::Role role,
                        std::optional<std::string> region = std::nullopt,
                        const std::string& password = "correct-horse-battery");
  // A client signed in as a new user of that role (and region).
  Client signed_in(auth::Role role, std::optional<std::string> region = std::nullopt);
  // The demo-sized fixture: a province, two cities with a county and an area each.
  void add_regions();

  SharedManualClock clock{from_unix_ms(1'795'000'000'000)};  // 2026-11-18
  std::filesystem::path dir;
  std::unique_ptr<store::Database> db;
  std::unique_ptr<api::Context> ctx;
  http::Router router;
  metrics::Registry registry;
  std::unique_ptr<http::Server> server_;

 private:
  int users_ = 0;
};

}  // namespace sy::test
