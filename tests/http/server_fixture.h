// Starts a real sy::http::Server on 127.0.0.1:0 with short limits for the tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "http/json_input.h"
#include "http/server.h"
#include "test_client.h"

namespace sy::http::testing {

class ServerTest : public ::testing::Test {
 protected:
  // Override to change options before the server starts.
  virtual void configure(ServerOptions& o) { (void)o; }
  virtual void add_routes(Router& r) { (void)r; }

  void SetUp() override {
    ServerOptions o;
    o.port = 0;
    o.threads = 2;
    o.max_body_bytes = 4096;
    o.header_timeout = std::chrono::milliseconds(1000);
    o.request_timeout = std::chrono::milliseconds(2000);
    o.web_root = "/nonexistent/sy-web-root";
    o.stop_grace = std::chrono::milliseconds(1000);
    configure(o);
    add_routes(router_);
    server_ = std::make_unique<Server>(o, router_, registry_);
    Status st = server_->start();
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  void TearDown() override {
    if (server_) server_->stop();
  }

  std::unique_ptr<TestClient> client() { return std::make_unique<TestClient>(server_->port()); }
  std::optional<Reply> get(const std::string& target) { return client()->request("GET", target); }

  Router router_;
  metrics::Registry registry_;
  std::unique_ptr<Server> server_;
};

}  // namespace sy::http::testing
