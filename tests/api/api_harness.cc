#include "api_harness.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <random>

#include "auth/secrets.h"

namespace sy::test {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = boost::asio::ip::tcp;

nlohmann::json HttpResult::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  return j;
}

std::string HttpResult::header(const std::string& name) const {
  for (const auto& [k, v] : headers)
    if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
  return "";
}

std::string HttpResult::error_code() const {
  auto j = json();
  if (j.is_object() && j.contains("error") && j["error"].contains("code"))
    return j["error"]["code"].get<std::string>();
  return "";
}

HttpResult Client::request(const std::string& method, const std::string& target,
                           const std::string& body, const std::string& content_type,
                           bool send_csrf) {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
  bhttp::request<bhttp::string_body> req;
  req.method_string(method);
  req.target(target);
  req.version(11);
  req.set(bhttp::field::host, "127.0.0.1");
  if (!cookie.empty()) req.set(bhttp::field::cookie, cookie);
  if (send_csrf && !csrf_token.empty()) req.set("X-CSRF-Token", csrf_token);
  if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
    req.set(bhttp::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
  }
  bhttp::write(socket, req);
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 << 20);
  if (method == "HEAD") parser.skip(true);
  bhttp::read(socket, buffer, parser);
  auto& res = parser.get();
  HttpResult out;
  out.status = static_cast<int>(res.result_int());
  out.body = res.body();
  for (const auto& f : res) out.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  beast::error_code ec;
  socket.shutdown(tcp::socket::shutdown_both, ec);
  return out;
}

HttpResult Client::login(const std::string& username, const std::string& password) {
  cookie.clear();
  csrf_token.clear();
  auto r = post("/api/v1/auth/login", {{"username", username}, {"password", password}});
  if (r.status == 200) {
    std::string set_cookie = r.header("Set-Cookie");
    cookie = set_cookie.substr(0, set_cookie.find(';'));
    csrf_token = r.json()["csrf_token"].get<std::string>();
  }
  return r;
}

ApiServer::ApiServer() : ApiServer(std::string()) {}

ApiServer::ApiServer(const std::string& db_url, std::size_t max_attachment_bytes) {
  std::random_device rd;
  dir = std::filesystem::temp_directory_path() /
        ("sy-api-test-" + std::to_string(getpid()) + "-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  auto opened = store::Database::open(db_url.empty() ? "sqlite:" + (dir / "test.db").string()
                                                     : db_url);
  if (!opened) throw std::runtime_error(opened.error().message);
  db = std::move(*opened);
  auto migrated = db->migrate();
  if (!migrated) throw std::runtime_error(migrated.error().message);
  api::ApiOptions options;
  options.centre_name = "测试中心";
  options.attachments_dir = (dir / "attachments").string();
  options.max_attachment_bytes = max_attachment_bytes;
  ctx = std::make_unique<api::Context>(*db, clock, options);
  api::register_api(router, *ctx);
  http::ServerOptions so;
  so.port = 0;
  so.threads = 2;
  so.max_body_bytes = 64 * 1024;
  so.web_root = (dir / "no-web-root").string();
  server_ = std::make_unique<http::Server>(so, router, registry);
  if (Status st = server_->start(); !st) throw std::runtime_error(st.error().message);
}

ApiServer::~ApiServer() {
  server_->stop();
  server_.reset();
  ctx.reset();
  db.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

std::int64_t ApiServer::add_user(const std::string& username, auth::Role role,
                                 std::optional<std::string> region, const std::string& password) {
  store::NewUser u;
  u.username = username;
  u.role = role;
  u.region_code = std::move(region);
  auto hash = auth::hash_password(password);
  if (!hash) throw std::runtime_error(hash.error().message);
  u.password_hash = *hash;
  auto created = ctx->repos.users.create(u);
  if (!created) throw std::runtime_error(created.error().message);
  return created->id;
}

Client ApiServer::signed_in(auth::Role role, std::optional<std::string> region) {
  std::string name = std::string(auth::to_string(role)) + std::to_string(++users_);
  add_user(name, role, region);
  Client c = client();
  auto r = c.login(name, "correct-horse-battery");
  if (r.status != 200) throw std::runtime_error("login failed: " + r.body);
  return c;
}

void ApiServer::add_regions() {
  auto add = [&](const char* code, const char* parent, const char* name, store::RegionLevel level) {
    store::Region r;
    r.code = code;
    if (parent) r.parent_code = parent;
    r.name = name;
    r.level = level;
    auto created = ctx->repos.regions.create(r);
    if (!created) throw std::runtime_error(created.error().message);
  };
  add("350000", nullptr, "福建省", store::RegionLevel::kProvince);
  add("350100", "350000", "福州市", store::RegionLevel::kCity);
  add("350102", "350100", "鼓楼区", store::RegionLevel::kCounty);
  add("350102-01", "350102", "东街供电所", store::RegionLevel::kArea);
  add("350200", "350000", "厦门市", store::RegionLevel::kCity);
  add("350203", "350200", "思明区", store::RegionLevel::kCounty);
  add("350203-01", "350203", "中华供电所", store::RegionLevel::kArea);
}

}  // namespace sy::test
