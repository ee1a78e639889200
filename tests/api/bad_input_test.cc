// Bad input gets the error shape with a precise code, and nothing is half-written.
#include <gtest/gtest.h>

#include "api_harness.h"

namespace sy::test {
namespace {

class BadInput : public ::testing::Test {
 protected:
  void SetUp() override {
    s.add_regions();
    admin = s.signed_in(auth::Role::kAdmin);
  }
  ApiServer s;
  Client admin{0};
};

void expect_error(const HttpResult& r, int status, const std::string& code,
                  const std::string& field = "") {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.error_code(), code) << r.body;
  auto j = r.json();
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_TRUE(j["error"]["message"].is_string());
  if (!field.empty()) {
    EXPECT_EQ(j["error"].value("field", ""), field) << r.body;
  }
}

TEST_F(BadInput, MalformedJson) {
  expect_error(admin.request("POST", "/api/v1/customers", "{\"name\": "), 400, "invalid_json");
  expect_error(admin.request("POST", "/api/v1/customers", ""), 400, "invalid_json");
  expect_error(admin.request("POST", "/api/v1/customers", "[1,2]"), 400, "invalid_type");
}

TEST_F(BadInput, WrongContentType) {
  expect_error(admin.request("POST", "/api/v1/customers", "name=x", "application/x-www-form-urlencoded"),
               415, "unsupported_media_type");
}

TEST_F(BadInput, MissingUnknownAndWrongTypedFields) {
  expect_error(admin.post("/api/v1/customers", {{"region_code", "350102-01"}}), 400,
               "missing_field", "name");
  expect_error(admin.post("/api/v1/customers",
                          {{"name", "x"}, {"region_code", "350102-01"}, {"colour", "red"}}),
               400, "unknown_field", "colour");
  expect_error(admin.post("/api/v1/customers", {{"name", 42}, {"region_code", "350102-01"}}), 400,
               "invalid_type", "name");
  expect_error(admin.post("/api/v1/customers",
                          {{"name", "x"}, {"region_code", "350102-01"}, {"vip_level", 9}}),
               400, "invalid_value", "vip_level");
  expect_error(admin.post("/api/v1/customers",
                          {{"name", "x"},
                           {"region_code", "350102-01"},
                           {"accounts", {{{"account_no", "3501000001"}, {"pin", "12"}}}}}),
               400, "invalid_value", "accounts[0].pin");
  expect_error(admin.post("/api/v1/customers", {{"name", "x"}, {"region_code", "999999"}}), 404,
               "region_not_found");
  EXPECT_EQ(admin.get("/api/v1/customers").json()["total"], 0);
}

TEST_F(BadInput, TooLargeBody) {
  std::string big = "{\"name\":\"" + std::string(100 * 1024, 'x') + "\"}";
  expect_error(admin.request("POST", "/api/v1/customers", big), 413, "payload_too_large");
  EXPECT_EQ(admin.get("/api/v1/auth/me").status, 200);  // still serving
}

TEST_F(BadInput, UnknownRouteAndWrongMethod) {
  expect_error(admin.get("/api/v1/no-such-thing"), 404, "route_not_found");
  auto r = admin.request("PUT", "/api/v1/customers", "{}");
  expect_error(r, 405, "method_not_allowed");
  EXPECT_NE(r.header("Allow").find("GET"), std::string::npos);
}

TEST_F(BadInput, BadIdsAreNotFound) {
  expect_error(admin.get("/api/v1/customers/abc"), 404, "customer_not_found");
  expect_error(admin.get("/api/v1/customers/99999"), 404, "customer_not_found");
  expect_error(admin.get("/api/v1/customers/-1"), 404, "customer_not_found");
  expect_error(admin.get("/api/v1/outages/1"), 404, "outage_not_found");
}

TEST_F(BadInput, BadOutages) {
  expect_error(admin.post("/api/v1/outages", {{"kind", "planned"},
                                              {"starts_at", "tomorrow"},
                                              {"region_codes", {"350102"}}}),
               400, "invalid_value", "starts_at");
  expect_error(admin.post("/api/v1/outages", {{"kind", "planned"},
                                              {"starts_at", "2026-11-20T01:00:00Z"},
                                              {"ends_at", "2026-11-19T01:00:00Z"},
                                              {"region_codes", {"350102"}}}),
               400, "invalid_time_range");
  expect_error(admin.post("/api/v1/outages", {{"kind", "meteor"},
                                              {"starts_at", "2026-11-20T01:00:00Z"},
                                              {"region_codes", {"350102"}}}),
               400, "invalid_value", "kind");
  EXPECT_EQ(admin.get("/api/v1/outages").json()["total"], 0);
}

TEST_F(BadInput, BadUsers) {
  expect_error(admin.post("/api/v1/users", {{"username", "a b"}, {"role", "agent"}, {"password", "long-enough-1"}}),
               400, "invalid_username");
  expect_error(admin.post("/api/v1/users", {{"username", "ab"}, {"role", "king"}, {"password", "long-enough-1"}}),
               400, "invalid_value", "role");
  expect_error(admin.post("/api/v1/users", {{"username", "ab"}, {"role", "agent"}, {"password", "short"}}),
               400, "password_too_short", "password");
}

}  // namespace
}  // namespace sy::test
