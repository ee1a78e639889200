// The OpenAPI document lists exactly the registered routes, with parameters, bodies,
// security and the error schema; it is served at /api/v1/openapi.json.
#include "http/openapi.h"

#include "server_fixture.h"

namespace sy::http::testing {
namespace {

class OpenApiTest : public ServerTest {
 protected:
  void add_routes(Router& r) override {
    RouteDoc lookup;
    lookup.summary = "Screen pop";
    lookup.tag = "customers";
    lookup.permission = "customers.read";
    lookup.parameters = {{"phone", "query", "caller number", false}};
    r.get(
        "/api/v1/customers/lookup", [](Request&) { return Response::no_content(); }, lookup);
    RouteDoc login;
    login.auth_required = false;
    login.csrf_exempt = true;
    login.request_body = {{"type", "object"}, {"required", {"username", "password"}}};
    r.post(
        "/api/v1/auth/login", [](Request&) { return Response::no_content(); }, login);
    r.del("/api/v1/users/{id}", [](Request&) { return Response::no_content(); });
    add_openapi_route(r, {"Switchyard API", "1.2.3", "test"});
  }
};

TEST_F(OpenApiTest, DescribesEveryRegisteredRoute) {
  auto r = get("/api/v1/openapi.json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200);
  auto doc = r->json();
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  std::set<std::string> paths;
  for (const auto& [path, ops] : doc["paths"].items()) paths.insert(path);
  EXPECT_EQ(paths, (std::set<std::string>{"/api/v1/customers/lookup", "/api/v1/auth/login",
                                          "/api/v1/users/{id}", "/api/v1/openapi.json", "/healthz",
                                          "/metrics"}));
  auto lookup = doc["paths"]["/api/v1/customers/lookup"]["get"];
  EXPECT_EQ(lookup["summary"], "Screen pop");
  EXPECT_EQ(lookup["tags"][0], "customers");
  EXPECT_EQ(lookup["x-permission"], "customers.read");
  EXPECT_EQ(lookup["parameters"][0]["name"], "phone");
  EXPECT_FALSE(lookup["security"].empty());
  auto login = doc["paths"]["/api/v1/auth/login"]["post"];
  EXPECT_TRUE(login["security"].empty());
  EXPECT_EQ(login["requestBody"]["content"]["application/json"]["schema"]["required"][0],
            "username");
  auto del = doc["paths"]["/api/v1/users/{id}"]["delete"];
  EXPECT_EQ(del["parameters"][0]["name"], "id");
  EXPECT_EQ(del["parameters"][0]["in"], "path");
  EXPECT_TRUE(del["x-csrf-required"].get<bool>());
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
  std::set<std::string> ids;
  for (const auto& [path, ops] : doc["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      EXPECT_TRUE(ids.insert(op["operationId"].get<std::string>()).second) << path;
    }
  }
}

}  // namespace
}  // namespace sy::http::testing
