// Static files through the real server: content types, caching headers, SPA fallback, the
// placeholder page, and path traversal attempts that must never leave the web root.
#include <filesystem>
#include <fstream>

#include "server_fixture.h"

namespace sy::http::testing {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

class StaticFilesTest : public ServerTest {
 protected:
  void configure(ServerOptions& o) override {
    dir_ = fs::temp_directory_path() /
           ("sy-static-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    write_file(dir_ / "secret.txt", "TOP-SECRET");
    write_file(dir_ / "dist" / "index.html", "<html>app shell</html>");
    write_file(dir_ / "dist" / "assets" / "app.1234.js", "console.log(1)");
    write_file(dir_ / "dist" / "logo.svg", "<svg/>");
    fs::create_symlink(dir_ / "secret.txt", dir_ / "dist" / "link.txt");
    o.web_root = (dir_ / "dist").string();
  }
  void add_routes(Router& r) override {
    r.get("/api/v1/ping", [](Request&) { return Response::json(200, {{"pong", true}}); });
  }
  void TearDown() override {
    ServerTest::TearDown();
    fs::remove_all(dir_);
  }
  fs::path dir_;
};

TEST_F(StaticFilesTest, RootServesIndexWithSecurityHeaders) {
  auto r = get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<html>app shell</html>");
  EXPECT_EQ(r->header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(r->header("content-security-policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(r->header("x-frame-options"), "DENY");
  EXPECT_EQ(r->header("cache-control"), "no-cache");
}

TEST_F(StaticFilesTest, AssetsHaveTypesAndLongCaching) {
  auto js = get("/assets/app.1234.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(get("/logo.svg")->header("content-type"), "image/svg+xml");
}

TEST_F(StaticFilesTest, EtagRevalidationGives304) {
  auto first = get("/assets/app.1234.js");
  ASSERT_TRUE(first);
  std::string etag = first->header("etag");
  ASSERT_FALSE(etag.empty());
  EXPECT_FALSE(first->header("last-modified").empty());
  auto again = client()->request("GET", "/assets/app.1234.js", "", {"If-None-Match: " + etag});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
}

TEST_F(StaticFilesTest, UnknownPageRoutesFallBackToTheApp) {
  auto r = get("/agent/desktop?tab=1");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "<html>app shell</html>");
  auto asset = get("/assets/missing.js");
  EXPECT_EQ(asset->status, 404);
  EXPECT_EQ(asset->error_code(), "not_found");
}

TEST_F(StaticFilesTest, ApiPathsNeverFallBackToTheApp) {
  auto r = get("/api/v1/unknown");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(r->error_code(), "route_not_found");
  EXPECT_EQ(get("/api/v1/ping")->status, 200);
}

TEST_F(StaticFilesTest, TraversalAttemptsNeverLeaveTheRoot) {
  for (std::string target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/assets/../../secret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt", "/link.txt", "/./secret.txt"}) {
    auto r = get(target);
    ASSERT_TRUE(r) << target;
    EXPECT_GE(r->status, 400) << target;
    EXPECT_EQ(r->body.find("TOP-SECRET"), std::string::npos) << target;
  }
  // An absolute path after the root's slash is looked up inside the root, not outside.
  auto absolute = get("/" + (dir_ / "secret.txt").string());
  EXPECT_EQ(absolute->status, 404);
  EXPECT_EQ(absolute->body.find("TOP-SECRET"), std::string::npos);
  auto passwd = get("//etc/passwd");  // no such page in the app: the app shell answers
  EXPECT_EQ(passwd->body, "<html>app shell</html>");
}

TEST_F(StaticFilesTest, HeadOnAFileHasNoBody) {
  auto r = client()->request("HEAD", "/assets/app.1234.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-length"), "14");
  EXPECT_TRUE(r->body.empty());
}

class PlaceholderTest : public ServerTest {};

TEST_F(PlaceholderTest, WithoutAWebRootAPlaceholderPageIsServed) {
  auto r = get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("Switchyard 坐席工作台即将上线"), std::string::npos);
  EXPECT_NE(r->body.find("/api/v1/openapi.json"), std::string::npos);
  EXPECT_EQ(get("/supervisor/wallboard")->status, 200);
  EXPECT_EQ(get("/favicon.ico")->status, 404);
}

}  // namespace
}  // namespace sy::http::testing
