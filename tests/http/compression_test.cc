// Compression, byte ranges and caching through the real server: gzip is negotiated from
// Accept-Encoding (q-values honoured) and inflates back to the exact uncompressed body, small
// and already-compressed bodies go as they are, Range requests get the stored bytes with a
// correct Content-Range, static files revalidate with ETag and carry the cache headers the
// hashed-asset scheme needs.
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "http/encoding.h"
#include "server_fixture.h"

namespace sy::http::testing {
namespace {

namespace fs = std::filesystem;

void write_file(const fs::path& p, const std::string& content) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << content;
}

// Inflates a gzip member with zlib; fails the test when it is not valid gzip.
std::string gunzip(const std::string& gz) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  zs.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;
  }
  EXPECT_EQ(rc, Z_STREAM_END) << "not a complete gzip stream";
  inflateEnd(&zs);
  return out;
}

// A script of a realistic shape: repetitive enough to compress, several KiB.
std::string big_script() {
  std::string s;
  for (int i = 0; i < 400; ++i) {
    s += "export function handler" + std::to_string(i) + "(e){return e.target.value+" +
         std::to_string(i * 7) + "}\n";
  }
  return s;
}

nlohmann::json big_json() {
  nlohmann::json items = nlohmann::json::array();
  for (int i = 0; i < 200; ++i) {
    items.push_back({{"id", i}, {"name", "客户 " + std::to_string(i)}, {"city", "厦门市"},
                     {"arrears_fen", i * 1234}});
  }
  return {{"items", items}, {"total", 200}};
}

std::string wav_bytes() {
  std::string audio = std::string("RIFF\x24\0\0\0WAVEfmt ", 16);
  for (int i = 0; i < 4000; ++i) audio += static_cast<char>(i % 251);
  return audio;
}

class CompressionTest : public ServerTest {
 protected:
  void configure(ServerOptions& o) override {
    dir_ = fs::temp_directory_path() /
           ("sy-gzip-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    script_ = big_script();
    write_file(dir_ / "dist" / "index.html", "<html>app shell</html>");
    write_file(dir_ / "dist" / "assets" / "index-3f2a9c.js", script_);
    write_file(dir_ / "dist" / "assets" / "tiny-1a2b.js", "console.log(1)");
    write_file(dir_ / "dist" / "assets" / "logo-9f9f.png", std::string(4096, '\x89'));
    write_file(dir_ / "recording.wav", wav_bytes());
    o.web_root = (dir_ / "dist").string();
  }
  void add_routes(Router& r) override {
    r.get("/api/v1/customers", [](Request&) { return Response::json(200, big_json()); });
    r.get("/api/v1/ping", [](Request&) { return Response::json(200, {{"pong", true}}); });
    r.get("/api/v1/export.csv", [](Request&) {
      std::string csv = "id,name\n";
      for (int i = 0; i < 300; ++i) csv += std::to_string(i) + ",客户" + std::to_string(i) + "\n";
      return Response::text(200, csv, "text/csv; charset=utf-8")
          .with_header("Content-Disposition", "attachment; filename=\"x.csv\"");
    });
    r.get("/api/v1/export.xlsx", [](Request&) {
      return Response::text(200, std::string(8192, 'x'),
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    });
    std::string wav = (dir_ / "recording.wav").string();
    r.get("/api/v1/recordings/r1/audio", [wav](Request&) {
      Response res = Response::file(wav);
      res.content_type = "audio/wav";
      return res;
    });
  }
  void TearDown() override {
    ServerTest::TearDown();
    fs::remove_all(dir_);
  }

  std::optional<Reply> fetch(const std::string& target, std::vector<std::string> headers,
                             const std::string& method = "GET") {
    return client()->request(method, target, "", std::move(headers));
  }

  fs::path dir_;
  std::string script_;
};

TEST(AcceptEncoding, QValuesAreHonoured) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("gzip, deflate, br"));
  EXPECT_TRUE(accepts_gzip("br;q=1.0, GZIP;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip("deflate, *;q=0.1"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000, deflate"));
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("*, gzip;q=0"));  // named gzip wins over the wildcard
  EXPECT_FALSE(accepts_gzip("gzip;q=bogus"));
  EXPECT_TRUE(accepts_gzip("gzip;q=0.001"));
}

TEST(ContentTypes, OnlyCompressibleTypesAreCompressed) {
  for (const char* t : {"text/html; charset=utf-8", "text/javascript; charset=utf-8", "text/css",
                        "text/csv; charset=utf-8", "application/json; charset=utf-8",
                        "application/javascript", "image/svg+xml", "application/xml",
                        "application/problem+json"}) {
    EXPECT_TRUE(is_compressible_type(t)) << t;
  }
  for (const char* t : {"image/png", "image/jpeg", "font/woff2", "audio/wav", "audio/mpeg",
                        "application/pdf", "application/octet-stream",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}) {
    EXPECT_FALSE(is_compressible_type(t)) << t;
  }
}

TEST(RangeHeader, ParsesSingleRanges) {
  ByteRange r;
  ASSERT_EQ(parse_range("bytes=0-9", 100, r), RangeResult::kSatisfiable);
  EXPECT_EQ(r.first, 0u);
  EXPECT_EQ(r.last, 9u);
  ASSERT_EQ(parse_range("bytes=90-", 100, r), RangeResult::kSatisfiable);
  EXPECT_EQ(r.last, 99u);
  ASSERT_EQ(parse_range("bytes=-10", 100, r), RangeResult::kSatisfiable);
  EXPECT_EQ(r.first, 90u);
  ASSERT_EQ(parse_range("bytes=50-500", 100, r), RangeResult::kSatisfiable);
  EXPECT_EQ(r.last, 99u);
  EXPECT_EQ(parse_range("bytes=100-", 100, r), RangeResult::kUnsatisfiable);
  EXPECT_EQ(parse_range("bytes=0-1,5-6", 100, r), RangeResult::kIgnore);
  EXPECT_EQ(parse_range("items=0-1", 100, r), RangeResult::kIgnore);
  EXPECT_EQ(parse_range("bytes=9-1", 100, r), RangeResult::kIgnore);
}

TEST_F(CompressionTest, JsAssetIsGzippedAndInflatesToTheFile) {
  auto r = fetch("/assets/index-3f2a9c.js", {"Accept-Encoding: gzip, deflate, br"});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-encoding"), "gzip");
  EXPECT_EQ(r->header("vary"), "Accept-Encoding");
  EXPECT_EQ(r->header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r->header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_LT(r->body.size(), script_.size() / 4);
  EXPECT_EQ(std::stoul(r->header("content-length")), r->body.size());
  EXPECT_EQ(gunzip(r->body), script_);
  // The same bytes again (kept from the first request, not compressed anew).
  auto again = fetch("/assets/index-3f2a9c.js", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body, r->body);
}

TEST_F(CompressionTest, JsonApiResponseIsGzippedAndInflatesToTheSameJson) {
  auto plain = fetch("/api/v1/customers", {});
  auto gz = fetch("/api/v1/customers", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(plain && gz);
  EXPECT_EQ(plain->status, 200);
  EXPECT_FALSE(plain->has_header("content-encoding"));
  EXPECT_EQ(plain->header("vary"), "Accept-Encoding");
  EXPECT_EQ(gz->status, 200);
  EXPECT_EQ(gz->header("content-encoding"), "gzip");
  EXPECT_EQ(gz->header("vary"), "Accept-Encoding");
  EXPECT_EQ(gz->header("content-type"), "application/json; charset=utf-8");
  EXPECT_LT(gz->body.size(), plain->body.size() / 3);
  EXPECT_EQ(gunzip(gz->body), plain->body);
  EXPECT_EQ(nlohmann::json::parse(gunzip(gz->body)), big_json());
}

TEST_F(CompressionTest, RefusedOrAbsentGzipGivesIdentity) {
  for (std::vector<std::string> h :
       {std::vector<std::string>{}, {"Accept-Encoding: gzip;q=0"}, {"Accept-Encoding: identity"},
        {"Accept-Encoding: *;q=0"}, {"Accept-Encoding: br, gzip;q=0"}}) {
    std::string what = h.empty() ? "(no header)" : h[0];
    auto js = fetch("/assets/index-3f2a9c.js", h);
    ASSERT_TRUE(js) << what;
    EXPECT_FALSE(js->has_header("content-encoding")) << what;
    EXPECT_EQ(js->body, script_) << what;
    EXPECT_EQ(js->header("vary"), "Accept-Encoding") << what;
    auto api = fetch("/api/v1/customers", h);
    ASSERT_TRUE(api) << what;
    EXPECT_FALSE(api->has_header("content-encoding")) << what;
    EXPECT_EQ(api->json(), big_json()) << what;
  }
}

TEST_F(CompressionTest, SmallAndAlreadyCompressedBodiesGoAsTheyAre) {
  auto ping = fetch("/api/v1/ping", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(ping);
  EXPECT_FALSE(ping->has_header("content-encoding"));
  EXPECT_EQ(ping->json(), (nlohmann::json{{"pong", true}}));
  auto tiny = fetch("/assets/tiny-1a2b.js", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(tiny);
  EXPECT_FALSE(tiny->has_header("content-encoding"));
  EXPECT_EQ(tiny->body, "console.log(1)");
  auto png = fetch("/assets/logo-9f9f.png", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(png);
  EXPECT_FALSE(png->has_header("content-encoding"));
  EXPECT_EQ(png->body.size(), 4096u);
  auto xlsx = fetch("/api/v1/export.xlsx", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(xlsx);
  EXPECT_FALSE(xlsx->has_header("content-encoding"));
  EXPECT_EQ(xlsx->body, std::string(8192, 'x'));
  auto wav = fetch("/api/v1/recordings/r1/audio", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(wav);
  EXPECT_FALSE(wav->has_header("content-encoding"));
  EXPECT_EQ(wav->body, wav_bytes());
  EXPECT_EQ(wav->header("accept-ranges"), "bytes");
}

TEST_F(CompressionTest, CsvExportIsCompressedKeepingItsDisposition) {
  auto plain = fetch("/api/v1/export.csv", {});
  auto gz = fetch("/api/v1/export.csv", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(plain && gz);
  EXPECT_EQ(gz->header("content-encoding"), "gzip");
  EXPECT_EQ(gz->header("content-disposition"), "attachment; filename=\"x.csv\"");
  EXPECT_EQ(gunzip(gz->body), plain->body);
}

TEST_F(CompressionTest, RangeOnARecordingIsUncompressedWithContentRange) {
  std::string all = wav_bytes();
  auto part = fetch("/api/v1/recordings/r1/audio", {"Accept-Encoding: gzip", "Range: bytes=100-199"});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->header("content-range"), "bytes 100-199/" + std::to_string(all.size()));
  EXPECT_EQ(part->header("content-type"), "audio/wav");
  EXPECT_FALSE(part->has_header("content-encoding"));
  EXPECT_EQ(part->body, all.substr(100, 100));
  auto tail = fetch("/api/v1/recordings/r1/audio", {"Range: bytes=-16"});
  ASSERT_TRUE(tail);
  EXPECT_EQ(tail->status, 206);
  EXPECT_EQ(tail->body, all.substr(all.size() - 16));
  auto open_ended = fetch("/api/v1/recordings/r1/audio", {"Range: bytes=0-"});
  ASSERT_TRUE(open_ended);
  EXPECT_EQ(open_ended->status, 206);
  EXPECT_EQ(open_ended->body, all);
  auto past = fetch("/api/v1/recordings/r1/audio", {"Range: bytes=999999-"});
  ASSERT_TRUE(past);
  EXPECT_EQ(past->status, 416);
  EXPECT_EQ(past->header("content-range"), "bytes */" + std::to_string(all.size()));
  EXPECT_EQ(past->error_code(), "range_not_satisfiable");
}

TEST_F(CompressionTest, RangeOnAStaticFileIsUncompressedWithContentRange) {
  auto part = fetch("/assets/index-3f2a9c.js", {"Accept-Encoding: gzip", "Range: bytes=10-49"});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_FALSE(part->has_header("content-encoding"));
  EXPECT_EQ(part->header("content-range"),
            "bytes 10-49/" + std::to_string(script_.size()));
  EXPECT_EQ(part->body, script_.substr(10, 40));
  // If-Range with a stale validator: the whole file instead of a part of the wrong version.
  auto stale = fetch("/assets/index-3f2a9c.js", {"Range: bytes=10-49", "If-Range: \"old\""});
  ASSERT_TRUE(stale);
  EXPECT_EQ(stale->status, 200);
  EXPECT_EQ(stale->body, script_);
}

TEST_F(CompressionTest, HeadCarriesTheSameHeadersWithoutABody) {
  auto get = fetch("/assets/index-3f2a9c.js", {"Accept-Encoding: gzip"});
  auto c = client();
  auto head = c->request("HEAD", "/assets/index-3f2a9c.js", "", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(get && head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  for (const char* h : {"content-encoding", "content-length", "etag", "vary", "cache-control",
                        "content-type"}) {
    EXPECT_EQ(head->header(h), get->header(h)) << h;
  }
  // The connection is still in step: the next request gets its own answer.
  auto next = c->request("GET", "/api/v1/ping");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->json(), (nlohmann::json{{"pong", true}}));
  auto api_get = fetch("/api/v1/customers", {"Accept-Encoding: gzip"});
  auto api_head = fetch("/api/v1/customers", {"Accept-Encoding: gzip"}, "HEAD");
  ASSERT_TRUE(api_get && api_head);
  EXPECT_EQ(api_head->header("content-encoding"), "gzip");
  EXPECT_EQ(api_head->header("content-length"), api_get->header("content-length"));
  EXPECT_TRUE(api_head->body.empty());
}

TEST_F(CompressionTest, IfNoneMatchGives304ForEachRepresentation) {
  auto gz = fetch("/assets/index-3f2a9c.js", {"Accept-Encoding: gzip"});
  auto plain = fetch("/assets/index-3f2a9c.js", {});
  ASSERT_TRUE(gz && plain);
  std::string gz_tag = gz->header("etag");
  std::string plain_tag = plain->header("etag");
  ASSERT_FALSE(gz_tag.empty());
  EXPECT_NE(gz_tag, plain_tag);  // two representations, two entity tags
  auto again = fetch("/assets/index-3f2a9c.js", {"Accept-Encoding: gzip", "If-None-Match: " + gz_tag});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(again->header("etag"), gz_tag);
  EXPECT_EQ(again->header("cache-control"), "public, max-age=31536000, immutable");
  auto plain_again = fetch("/assets/index-3f2a9c.js", {"If-None-Match: " + plain_tag});
  ASSERT_TRUE(plain_again);
  EXPECT_EQ(plain_again->status, 304);
  auto index = fetch("/", {});
  ASSERT_TRUE(index);
  auto index_again = fetch("/", {"If-None-Match: " + index->header("etag")});
  ASSERT_TRUE(index_again);
  EXPECT_EQ(index_again->status, 304);
}

TEST_F(CompressionTest, HashedAssetsAreImmutableAndTheAppShellIsRevalidated) {
  EXPECT_EQ(fetch("/assets/index-3f2a9c.js", {})->header("cache-control"),
            "public, max-age=31536000, immutable");
  EXPECT_EQ(fetch("/assets/logo-9f9f.png", {})->header("cache-control"),
            "public, max-age=31536000, immutable");
  for (const char* page : {"/", "/index.html", "/agent", "/supervisor/wallboard"}) {
    auto r = fetch(page, {"Accept-Encoding: gzip"});
    ASSERT_TRUE(r) << page;
    EXPECT_EQ(r->status, 200) << page;
    EXPECT_EQ(r->header("cache-control"), "no-cache") << page;
    EXPECT_EQ(r->body, "<html>app shell</html>") << page;
  }
}

TEST_F(CompressionTest, ChangedFileIsServedAnewAndPrecompressedSiblingIsUsed) {
  auto first = fetch("/assets/index-3f2a9c.js", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(first);
  // A rebuild replaces the file (new size and mtime): the cache notices.
  std::string changed = script_ + "export const rebuilt = true\n";
  fs::path file = dir_ / "dist" / "assets" / "index-3f2a9c.js";
  write_file(file, changed);
  // A precompressed sibling, as a build step may write; made at level 1 so that its bytes
  // differ from the server's own level-9 output.
  write_file(fs::path(file.string() + ".gz"), gzip_compress(changed, 1));
  auto second = fetch("/assets/index-3f2a9c.js", {"Accept-Encoding: gzip"});
  ASSERT_TRUE(second);
  EXPECT_EQ(second->header("content-encoding"), "gzip");
  EXPECT_NE(second->header("etag"), first->header("etag"));
  EXPECT_EQ(gunzip(second->body), changed);
  EXPECT_EQ(second->body, gzip_compress(changed, 1));
  auto plain = fetch("/assets/index-3f2a9c.js", {});
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->body, changed);
}

}  // namespace
}  // namespace sy::http::testing
