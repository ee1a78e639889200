// Routing without sockets: patterns, literal-over-parameter priority, 404/405, HEAD,
// middleware, and a throwing handler turned into the error shape.
#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sy::http {
namespace {

Request make(Method m, std::string target) {
  Request r;
  r.method = m;
  EXPECT_TRUE(parse_target(target, r));
  return r;
}

Response echo_route(Request& req) { return Response::json(200, {{"route", req.route}}); }

nlohmann::json body_of(const Response& r) { return nlohmann::json::parse(r.body); }

TEST(Router, MatchesPathParametersAndDecodesThem) {
  Router router;
  router.get("/api/v1/customers/{id}/bills/{bill}", [](Request& req) {
    return Response::json(200, {{"id", req.param("id")}, {"bill", req.param("bill")}});
  });
  Request req = make(Method::kGet, "/api/v1/customers/42/bills/a%2Fb%20c");
  Response res = router.dispatch(req);
  ASSERT_EQ(res.status, 200);
  EXPECT_EQ(body_of(res)["id"], "42");
  EXPECT_EQ(body_of(res)["bill"], "a/b c");  // an encoded slash stays inside the parameter
}

TEST(Router, LiteralSegmentWinsOverParameterWhateverTheOrder) {
  Router router;
  router.get("/api/v1/customers/{id}", echo_route);
  router.get("/api/v1/customers/lookup", echo_route);
  Request req = make(Method::kGet, "/api/v1/customers/lookup?phone=1");
  EXPECT_EQ(body_of(router.dispatch(req))["route"], "/api/v1/customers/lookup");
  Request other = make(Method::kGet, "/api/v1/customers/7");
  EXPECT_EQ(body_of(router.dispatch(other))["route"], "/api/v1/customers/{id}");
}

TEST(Router, UnknownPathIs404RouteNotFound) {
  Router router;
  router.get("/api/v1/customers", echo_route);
  Request req = make(Method::kGet, "/api/v1/customer");
  Response res = router.dispatch(req);
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(body_of(res)["error"]["code"], "route_not_found");
  Request trailing = make(Method::kGet, "/api/v1/customers/");
  EXPECT_EQ(router.dispatch(trailing).status, 404);
}

TEST(Router, WrongMethodIs405WithAllowHeader) {
  Router router;
  router.get("/api/v1/users/{id}", echo_route);
  router.del("/api/v1/users/{id}", echo_route);
  Request req = make(Method::kPost, "/api/v1/users/3");
  Response res = router.dispatch(req);
  EXPECT_EQ(res.status, 405);
  EXPECT_EQ(body_of(res)["error"]["code"], "method_not_allowed");
  EXPECT_EQ(res.headers.get("Allow").value_or(""), "GET, HEAD, DELETE");
}

TEST(Router, HeadUsesTheGetRoute) {
  Router router;
  router.get("/api/v1/x", echo_route);
  Request req = make(Method::kHead, "/api/v1/x");
  EXPECT_EQ(router.dispatch(req).status, 200);
}

TEST(Router, MiddlewareSeesTheRouteDocAndCanStopTheRequest) {
  Router router;
  RouteDoc open_doc;
  open_doc.auth_required = false;
  router.get("/api/v1/open", echo_route, open_doc);
  router.get("/api/v1/closed", [](Request& req) {
    return Response::json(200, {{"user", *req.auth_as<std::string>()}});
  });
  router.use([](Request& req, const RouteDoc& doc) -> std::optional<Response> {
    if (!doc.auth_required) return std::nullopt;
    auto token = req.header("X-Token");
    if (!token) {
      return Response::error(ErrorKind::kUnauthenticated, "not_signed_in", "sign in first");
    }
    req.auth = std::string(*token);
    return std::nullopt;
  });
  Request open = make(Method::kGet, "/api/v1/open");
  EXPECT_EQ(router.dispatch(open).status, 200);
  Request anonymous = make(Method::kGet, "/api/v1/closed");
  Response denied = router.dispatch(anonymous);
  EXPECT_EQ(denied.status, 401);
  EXPECT_EQ(body_of(denied)["error"]["code"], "not_signed_in");
  Request signed_in = make(Method::kGet, "/api/v1/closed");
  signed_in.headers.add("x-token", "alice");
  EXPECT_EQ(body_of(router.dispatch(signed_in))["user"], "alice");
}

TEST(Router, ThrowingHandlerGives500WithoutDetails) {
  Router router;
  router.get("/api/v1/boom",
             [](Request&) -> Response { throw std::runtime_error("secret stack detail"); });
  Request req = make(Method::kGet, "/api/v1/boom");
  req.request_id = "rid-1";
  Response res = router.dispatch(req);
  EXPECT_EQ(res.status, 500);
  EXPECT_EQ(body_of(res)["error"]["code"], "internal_error");
  EXPECT_EQ(res.body.find("secret"), std::string::npos);
}

TEST(ErrorShape, StatusComesFromTheKind) {
  EXPECT_EQ(status_for(make_error(ErrorKind::kInvalidInput, "x", "")), 400);
  EXPECT_EQ(status_for(make_error(ErrorKind::kUnauthenticated, "x", "")), 401);
  EXPECT_EQ(status_for(make_error(ErrorKind::kForbidden, "x", "")), 403);
  EXPECT_EQ(status_for(make_error(ErrorKind::kNotFound, "x", "")), 404);
  EXPECT_EQ(status_for(make_error(ErrorKind::kConflict, "x", "")), 409);
  EXPECT_EQ(status_for(make_error(ErrorKind::kTooLarge, "x", "")), 413);
  EXPECT_EQ(status_for(make_error(ErrorKind::kRateLimited, "x", "")), 429);
  EXPECT_EQ(status_for(make_error(ErrorKind::kUnavailable, "x", "")), 503);
  EXPECT_EQ(status_for(make_error(ErrorKind::kInternal, "x", "")), 500);
  Response busy = Response::error(ErrorKind::kUnavailable, "database_unavailable", "down");
  EXPECT_EQ(busy.headers.get("Retry-After").value_or(""), "1");
  Response bad = Response::error(ErrorKind::kInvalidInput, "invalid_value", "no", "phone");
  EXPECT_EQ(body_of(bad),
            nlohmann::json::parse(
                R"({"error":{"code":"invalid_value","message":"no","field":"phone"}})"));
}

TEST(RequestParsing, QueryCookiesAndHeadersAreDecoded) {
  Request req = make(Method::kGet, "/api/v1/c%C3%A9?name=%E5%BC%A0+%E4%B8%89&tag=a&tag=b&flag");
  EXPECT_EQ(req.path, "/api/v1/cé");
  EXPECT_EQ(req.query.get("name").value_or(""), "张 三");
  EXPECT_EQ(req.query.get_all("tag"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(req.query.has("flag"));
  EXPECT_FALSE(req.query.get("missing").has_value());
  parse_cookie_header("sy_session=abc; theme=\"dark\";  x=1", req.cookies);
  EXPECT_EQ(req.cookie("sy_session").value_or(""), "abc");
  EXPECT_EQ(req.cookie("theme").value_or(""), "dark");
  req.headers.add("Content-Type", "application/json");
  EXPECT_EQ(req.header("content-TYPE").value_or(""), "application/json");
  Request bad;
  EXPECT_FALSE(parse_target("/a%zz", bad));
  EXPECT_FALSE(parse_target("/a%00b", bad));
  EXPECT_FALSE(parse_target("no-slash", bad));
}

}  // namespace
}  // namespace sy::http
