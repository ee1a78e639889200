// The real server over real sockets: routing, error shapes, limits, timeouts, keep-alive,
// malformed requests, health, metrics, connection cap and graceful stop.
#include <atomic>
#include <stdexcept>
#include <thread>

#include "server_fixture.h"

namespace sy::http::testing {
namespace {

class ApiServerTest : public ServerTest {
 protected:
  void add_routes(Router& r) override {
    r.get("/api/v1/customers/{id}", [](Request& req) {
      return Response::json(200, {{"id", req.param("id")},
                                  {"phone", req.query_param("phone").value_or("")},
                                  {"session", req.cookie("sy_session").value_or("")}});
    });
    RouteDoc create_doc;
    create_doc.request_body = {{"type", "object"}};
    r.post(
        "/api/v1/customers",
        [](Request& req) {
          auto body = parse_json_body(req);
          if (!body.ok()) return Response::error(body.error());
          JsonObjectReader in(*body);
          std::string name = in.required_string("name", 1, 32);
          auto vip = in.optional_int("vip_level", 0, 3);
          if (Status st = in.finish(); !st.ok()) return Response::error(st.error());
          return Response::json(201, {{"name", name}, {"vip_level", vip.value_or(0)}})
              .with_header("Set-Cookie", "a=1")
              .with_header("Set-Cookie", "b=2");
        },
        create_doc);
    r.get("/api/v1/boom", [](Request&) -> Response { throw std::logic_error("hidden detail"); });
  }
};

TEST_F(ApiServerTest, RoutesWithPathQueryAndCookies) {
  auto c = client();
  auto r = c->request("GET", "/api/v1/customers/42?phone=138%200000", "",
                      {"Cookie: sy_session=s3cret; other=1"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json()["id"], "42");
  EXPECT_EQ(r->json()["phone"], "138 0000");
  EXPECT_EQ(r->json()["session"], "s3cret");
  EXPECT_EQ(r->header("content-type"), "application/json; charset=utf-8");
  EXPECT_EQ(r->header("x-content-type-options"), "nosniff");
  EXPECT_EQ(r->header("x-frame-options"), "DENY");
  EXPECT_FALSE(r->header("x-request-id").empty());
}

TEST_F(ApiServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto c = client();
  for (int i = 0; i < 5; ++i) {
    auto r = c->request("GET", "/api/v1/customers/" + std::to_string(i));
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->json()["id"], std::to_string(i));
  }
  // Two pipelined requests in one write are both answered, in order.
  ASSERT_TRUE(
      c->send_raw("GET /api/v1/customers/a HTTP/1.1\r\nHost: x\r\n\r\n"
                  "GET /api/v1/customers/b HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto a = c->read_reply();
  auto b = c->read_reply();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->json()["id"], "a");
  EXPECT_EQ(b->json()["id"], "b");
}

TEST_F(ApiServerTest, UnknownRouteAndWrongMethodUseTheErrorShape) {
  auto missing = get("/api/v1/nothing-here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->error_code(), "route_not_found");
  auto wrong = client()->request("DELETE", "/api/v1/customers");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->error_code(), "method_not_allowed");
  EXPECT_EQ(wrong->header("allow"), "POST");
}

TEST_F(ApiServerTest, HeadAnswersLikeGetWithoutABody) {
  auto c = client();
  auto r = c->request("HEAD", "/api/v1/customers/7");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_GT(std::stoi(r->header("content-length")), 0);
  EXPECT_TRUE(r->body.empty());
  auto next = c->request("GET", "/api/v1/customers/8");  // the connection is still in sync
  ASSERT_TRUE(next);
  EXPECT_EQ(next->json()["id"], "8");
}

TEST_F(ApiServerTest, JsonBodyErrorsArePrecise) {
  auto c = client();
  const std::string ct = "Content-Type: application/json";
  auto created = c->request("POST", "/api/v1/customers", R"({"name":"张三","vip_level":2})", {ct});
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201);
  auto bad_json = c->request("POST", "/api/v1/customers", "{\"name\": }", {ct});
  EXPECT_EQ(bad_json->status, 400);
  EXPECT_EQ(bad_json->error_code(), "invalid_json");
  EXPECT_NE(bad_json->json()["error"]["message"].get<std::string>().find("line 1, column 10"),
            std::string::npos)
      << bad_json->body;
  auto missing = c->request("POST", "/api/v1/customers", R"({"vip_level":1})", {ct});
  EXPECT_EQ(missing->error_code(), "missing_field");
  EXPECT_EQ(missing->json()["error"]["field"], "name");
  auto wrong_type = c->request("POST", "/api/v1/customers", R"({"name":5})", {ct});
  EXPECT_EQ(wrong_type->error_code(), "invalid_type");
  auto unknown = c->request("POST", "/api/v1/customers", R"({"name":"a","nickname":"b"})", {ct});
  EXPECT_EQ(unknown->error_code(), "unknown_field");
  EXPECT_EQ(unknown->json()["error"]["field"], "nickname");
  auto range = c->request("POST", "/api/v1/customers", R"({"name":"a","vip_level":9})", {ct});
  EXPECT_EQ(range->error_code(), "invalid_value");
  auto media =
      c->request("POST", "/api/v1/customers", R"({"name":"a"})", {"Content-Type: text/plain"});
  EXPECT_EQ(media->status, 415);
  EXPECT_EQ(media->error_code(), "unsupported_media_type");
}

TEST_F(ApiServerTest, SeveralSetCookieHeadersAreKept) {
  auto r = client()->request("POST", "/api/v1/customers", R"({"name":"a"})",
                             {"Content-Type: application/json"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->set_cookies, (std::vector<std::string>{"a=1", "b=2"}));
}

TEST_F(ApiServerTest, TooLargeBodyIs413AndTheServerKeepsServing) {
  auto c = client();
  std::string big(64 * 1024, 'x');
  auto r = c->request("POST", "/api/v1/customers", big, {"Content-Type: application/json"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->error_code(), "payload_too_large");
  EXPECT_TRUE(c->closed_by_peer());
  // Chunked bodies are limited too.
  auto chunked = client();
  ASSERT_TRUE(chunked->send_raw(
      "POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n2000\r\n" +
      std::string(0x2000, 'y') + "\r\n0\r\n\r\n"));
  auto cr = chunked->read_reply();
  ASSERT_TRUE(cr);
  EXPECT_EQ(cr->status, 413);
  auto after = get("/api/v1/customers/1");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 200);
}

TEST_F(ApiServerTest, ExpectContinueGetsTheBody) {
  auto c = client();
  std::string body = R"({"name":"continue"})";
  ASSERT_TRUE(
      c->send_raw("POST /api/v1/customers HTTP/1.1\r\nHost: x\r\n"
                  "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                  "Content-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n"));
  auto interim = c->read_reply(/*head=*/true);
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c->send_raw(body));
  auto r = c->read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 201);
}

TEST_F(ApiServerTest, SlowHeaderGets408AndIsClosed) {
  auto c = client();
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(c->send_raw("GET /api/v1/customers/1 HTTP/1.1\r\nHost: x\r\nX-Slow: "));
  auto r = c->read_reply(false, std::chrono::seconds(4));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_EQ(r->error_code(), "request_timeout");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_TRUE(c->closed_by_peer());
  EXPECT_EQ(get("/api/v1/customers/2")->status, 200);
}

TEST_F(ApiServerTest, SlowBodyGets408) {
  auto c = client();
  ASSERT_TRUE(
      c->send_raw("POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Content-Length: 100\r\n\r\n{\"name\""));
  auto r = c->read_reply(false, std::chrono::seconds(4));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
}

TEST_F(ApiServerTest, IdleKeepAliveConnectionIsClosedQuietly) {
  auto c = client();
  ASSERT_TRUE(c->request("GET", "/api/v1/customers/1"));
  EXPECT_TRUE(c->closed_by_peer(std::chrono::seconds(4)));
}

TEST_F(ApiServerTest, MalformedRequestsGet400AndTheServerKeepsServing) {
  for (std::string bad :
       {"GARBAGE\r\n\r\n", "GET /x HTTP/1.1 extra\r\n\r\n",
        "GET /api/v1/customers/1 HTTP/1.1\r\nBad Header\r\n\r\n", "G\x01T / HTTP/1.1\r\n\r\n"}) {
    auto c = client();
    ASSERT_TRUE(c->send_raw(bad));
    auto r = c->read_reply();
    ASSERT_TRUE(r) << bad;
    EXPECT_EQ(r->status, 400) << bad;
    EXPECT_EQ(r->error_code(), "bad_request") << bad;
    EXPECT_TRUE(c->closed_by_peer());
  }
  auto bad_escape = get("/api/v1/customers/%zz");
  ASSERT_TRUE(bad_escape);
  EXPECT_EQ(bad_escape->status, 400);
  EXPECT_EQ(get("/api/v1/customers/1")->status, 200);
}

TEST_F(ApiServerTest, ThrowingHandlerGives500AndNoDetails) {
  auto r = get("/api/v1/boom");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->error_code(), "internal_error");
  EXPECT_EQ(r->body.find("hidden"), std::string::npos);
}

TEST_F(ApiServerTest, ClientRequestIdIsEchoedWhenSafe) {
  auto r = client()->request("GET", "/api/v1/customers/1", "", {"X-Request-Id: abc-123"});
  EXPECT_EQ(r->header("x-request-id"), "abc-123");
  auto unsafe = client()->request("GET", "/api/v1/customers/1", "", {"X-Request-Id: <script>"});
  EXPECT_NE(unsafe->header("x-request-id"), "<script>");
}

TEST_F(ApiServerTest, MetricsCountRequestsPerRoute) {
  ASSERT_EQ(get("/api/v1/customers/1")->status, 200);
  ASSERT_EQ(get("/api/v1/customers/2")->status, 200);
  ASSERT_EQ(get("/api/v1/nope")->status, 404);
  auto m = get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(m->body.find("# TYPE sy_http_requests_total counter"), std::string::npos);
  EXPECT_NE(m->body.find(R"(sy_http_requests_total{route="/api/v1/customers/{id}",)"
                         R"(method="GET",status="200"} 2)"),
            std::string::npos)
      << m->body;
  EXPECT_NE(m->body.find(R"(sy_http_request_duration_seconds_count{)"
                         R"(route="/api/v1/customers/{id}",method="GET"} 2)"),
            std::string::npos);
  EXPECT_NE(m->body.find(R"(route="unmatched",method="GET",status="404"})"), std::string::npos);
}

TEST_F(ApiServerTest, HealthzIsOkWithoutACheck) {
  auto r = get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->json(), nlohmann::json({{"status", "ok"}}));
}

class FailingHealthTest : public ServerTest {
 protected:
  void configure(ServerOptions& o) override {
    o.healthz = [] {
      return Status(make_error(ErrorKind::kInternal, "database_unavailable", "db down"));
    };
  }
};

TEST_F(FailingHealthTest, HealthzIs503WithTheErrorShape) {
  auto r = get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->error_code(), "database_unavailable");
  EXPECT_EQ(r->header("retry-after"), "1");
}

class ConnectionCapTest : public ServerTest {
 protected:
  void configure(ServerOptions& o) override { o.max_connections = 2; }
};

TEST_F(ConnectionCapTest, PastTheCapNewConnectionsGet503) {
  auto a = client();
  auto b = client();
  ASSERT_TRUE(a->request("GET", "/healthz"));
  ASSERT_TRUE(b->request("GET", "/healthz"));
  auto c = client();
  auto r = c->read_reply();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->header("retry-after"), "1");
  EXPECT_EQ(r->error_code(), "service_unavailable");
  a.reset();  // a slot frees up
  std::optional<Reply> ok;
  for (int i = 0; i < 50 && !(ok && ok->status == 200); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // close is seen asynchronously
    ok = client()->request("GET", "/healthz");
  }
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

class SlowHandlerTest : public ServerTest {
 protected:
  void add_routes(Router& r) override {
    r.get("/api/v1/slow", [this](Request&) {
      entered_ = true;
      while (!release_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return Response::json(200, {{"done", true}});
    });
  }
  std::atomic<bool> entered_{false};
  std::atomic<bool> release_{false};
};

TEST_F(SlowHandlerTest, StopFinishesRequestsInProgressAndClosesIdleOnes) {
  auto idle = client();
  ASSERT_TRUE(idle->request("GET", "/healthz"));
  auto busy = client();
  ASSERT_TRUE(busy->send_raw("GET /api/v1/slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  while (!entered_) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::thread stopper([this] { server_->stop(); });
  EXPECT_TRUE(idle->closed_by_peer(std::chrono::seconds(2)));
  release_ = true;
  auto r = busy->read_reply();
  stopper.join();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_THROW(TestClient(server_->port()).request("GET", "/healthz").value(), std::exception);
}

}  // namespace
}  // namespace sy::http::testing

namespace sy::http::testing {
namespace {

class LimitsTest : public ServerTest {
 protected:
  void configure(ServerOptions& o) override { o.max_header_bytes = 1024; }
  void add_routes(Router& r) override {
    r.get("/api/v1/x", [](Request&) { return Response::json(200, {{"ok", true}}); });
  }
};

TEST_F(LimitsTest, OversizedHeaderIs431) {
  auto c = client();
  auto r = c->request("GET", "/api/v1/x", "", {"X-Big: " + std::string(4000, 'a')});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_EQ(r->error_code(), "request_header_fields_too_large");
  EXPECT_EQ(get("/api/v1/x")->status, 200);
}

TEST_F(LimitsTest, Http10KeepsAliveOnlyWhenAsked) {
  auto c = client();
  ASSERT_TRUE(c->send_raw("GET /api/v1/x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto first = c->read_reply();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->header("connection"), "keep-alive");
  ASSERT_TRUE(c->send_raw("GET /api/v1/x HTTP/1.0\r\n\r\n"));
  auto second = c->read_reply();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->header("connection"), "close");
  EXPECT_TRUE(c->closed_by_peer());
}

TEST_F(LimitsTest, ClientConnectionCloseIsHonoured) {
  auto c = client();
  auto r = c->request("GET", "/api/v1/x", "", {"Connection: close"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c->closed_by_peer());
}

}  // namespace
}  // namespace sy::http::testing

namespace sy::http::testing {
namespace {

// A route with its own, larger body limit (file uploads) next to routes with the server's.
class RouteBodyLimitTest : public ServerTest {
 protected:
  void add_routes(Router& r) override {
    RouteDoc upload;
    upload.max_body_bytes = 64 * 1024;
    r.post("/api/v1/files/{id}",
           [](Request& req) {
             return Response::json(201, {{"bytes", req.body.size()}, {"id", req.param("id")}});
           },
           upload);
    r.post("/api/v1/notes", [](Request& req) {
      return Response::json(201, {{"bytes", req.body.size()}});
    });
  }
};

TEST_F(RouteBodyLimitTest, UploadRouteTakesBodiesPastTheServerLimitOthersDoNot) {
  std::string file(40 * 1024, 'f');
  auto up = client()->request("POST", "/api/v1/files/7", file,
                              {"Content-Type: application/octet-stream"});
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 201);
  EXPECT_EQ(up->json()["bytes"], 40 * 1024);

  auto note = client();
  auto refused = note->request("POST", "/api/v1/notes", file,
                               {"Content-Type: application/octet-stream"});
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 413);
  EXPECT_EQ(refused->error_code(), "payload_too_large");
  EXPECT_NE(refused->json()["error"]["message"].get<std::string>().find("4096 bytes"),
            std::string::npos);
  EXPECT_TRUE(note->closed_by_peer());

  // A small body to the other route is still fine.
  auto small = client()->request("POST", "/api/v1/notes", "x",
                                 {"Content-Type: application/octet-stream"});
  ASSERT_TRUE(small);
  EXPECT_EQ(small->status, 201);
}

TEST_F(RouteBodyLimitTest, PastTheRouteLimitIs413NamingTheLimit) {
  auto c = client();
  auto r = c->request("POST", "/api/v1/files/7", std::string(65 * 1024, 'f'),
                      {"Content-Type: application/octet-stream"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(r->error_code(), "payload_too_large");
  EXPECT_NE(r->json()["error"]["message"].get<std::string>().find("65536 bytes"),
            std::string::npos);
  // Chunked: counted against the route's limit as the chunks arrive.
  auto ok = client();
  ASSERT_TRUE(ok->send_raw(
      "POST /api/v1/files/8 HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
      "Transfer-Encoding: chunked\r\n\r\n8000\r\n" +
      std::string(0x8000, 'y') + "\r\n0\r\n\r\n"));
  auto okr = ok->read_reply();
  ASSERT_TRUE(okr);
  EXPECT_EQ(okr->status, 201);
  auto big = client();
  ASSERT_TRUE(big->send_raw(
      "POST /api/v1/files/9 HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
      "Transfer-Encoding: chunked\r\n\r\n8000\r\n" +
      std::string(0x8000, 'y') + "\r\n8000\r\n" + std::string(0x8000, 'y') + "\r\n1\r\nz\r\n0\r\n\r\n"));
  auto bigr = big->read_reply();
  ASSERT_TRUE(bigr);
  EXPECT_EQ(bigr->status, 413);
  auto chunked_note = client();
  ASSERT_TRUE(chunked_note->send_raw(
      "POST /api/v1/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
      "Transfer-Encoding: chunked\r\n\r\n2000\r\n" +
      std::string(0x2000, 'y') + "\r\n0\r\n\r\n"));
  auto cn = chunked_note->read_reply();
  ASSERT_TRUE(cn);
  EXPECT_EQ(cn->status, 413);
}

}  // namespace
}  // namespace sy::http::testing
