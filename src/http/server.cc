// The server: binds, accepts (spreading connections over the worker threads), serves
// /healthz and /metrics, records per-route metrics, and stops gracefully.
#include "http/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <random>
#include <thread>

#include "http/server_core.h"

namespace sy::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace internal {

ServerCore::ServerCore(ServerOptions opts, Router& r, metrics::Registry& reg)
    : options(std::move(opts)),
      router(r),
      statics(options.web_root),
      requests_total(reg.counter("sy_http_requests_total", "HTTP requests by route and status",
                                 {"route", "method", "status"})),
      request_duration(
          reg.histogram("sy_http_request_duration_seconds",
                        "Time from the end of the request header to the response being ready",
                        {"route", "method"})) {
  std::random_device rd;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%06x", rd() & 0xffffffu);
  request_id_prefix = buf;
}

std::string ServerCore::next_request_id() {
  std::uint64_t n = request_counter.fetch_add(1, std::memory_order_relaxed) + 1;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s-%llx", request_id_prefix.c_str(),
                static_cast<unsigned long long>(n));
  return buf;
}

Response ServerCore::handle(Request& req) const {
  const std::string& p = req.path;
  bool api = p == "/api" || p.rfind("/api/", 0) == 0;
  bool page_method = req.method == Method::kGet || req.method == Method::kHead;
  if (api || !page_method) return router.dispatch(req);
  std::string_view raw = req.target;
  Router::Match m = router.match(req.method, raw.substr(0, raw.find('?')));
  if (!m.route) return statics.serve(req);
  req.path_params = std::move(m.params);
  return router.run(*m.route, req);
}

void Worker::record(const Request& req, int status, std::chrono::steady_clock::duration elapsed) {
  // Unrouted requests share one label value so that scanners cannot blow up the cardinality.
  std::string_view route = req.route;
  if (route.empty()) route = status == 404 || status >= 400 ? "unmatched" : "static";
  std::string_view method = method_name(req.method);
  std::string key;
  key.reserve(route.size() + 12);
  key.append(route).append(1, ' ').append(method);
  auto h = histogram_cache.find(key);
  if (h == histogram_cache.end()) {
    h = histogram_cache.emplace(key, &core.request_duration.with({route, method})).first;
  }
  h->second->observe(std::chrono::duration<double>(elapsed).count());
  std::string status_text = std::to_string(status);
  key.append(1, ' ').append(status_text);
  auto c = counter_cache.find(key);
  if (c == counter_cache.end()) {
    c = counter_cache.emplace(key, &core.requests_total.with({route, method, status_text})).first;
  }
  c->second->inc();
}

}  // namespace internal

struct Server::Impl {
  Impl(ServerOptions options, Router& router, metrics::Registry& registry)
      : core(std::move(options), router, registry),
        acceptor(acceptor_ioc),
        accept_backoff(acceptor_ioc) {}

  void accept_next();

  internal::ServerCore core;
  std::vector<std::unique_ptr<internal::Worker>> workers;
  asio::io_context acceptor_ioc{1};
  tcp::acceptor acceptor;
  asio::steady_timer accept_backoff;
  std::thread acceptor_thread;
  std::size_t next_worker = 0;
  std::uint16_t port = 0;
  bool running = false;
};

namespace {

void add_system_routes(Router& router, metrics::Registry& registry,
                       std::function<Status()> healthz) {
  RouteDoc health_doc;
  health_doc.summary = "Liveness and readiness: database and control loop answer";
  health_doc.tag = "meta";
  health_doc.auth_required = false;
  health_doc.responses = {{200, "ready", {{"type", "object"}}},
                          {503, "not ready (error shape)", nlohmann::json()}};
  router.get(
      "/healthz",
      [healthz = std::move(healthz)](Request&) {
        if (healthz) {
          Status st = healthz();
          if (!st.ok()) {
            Error e = st.error();
            e.kind = ErrorKind::kUnavailable;
            if (e.code.empty()) e.code = "unavailable";
            return Response::error(e);
          }
        }
        return Response::json(200, {{"status", "ok"}});
      },
      std::move(health_doc));
  RouteDoc metrics_doc;
  metrics_doc.summary = "Prometheus metrics (text exposition format)";
  metrics_doc.tag = "meta";
  metrics_doc.auth_required = false;
  metrics_doc.responses = {{200, "Prometheus text format 0.0.4", nlohmann::json()}};
  router.get(
      "/metrics",
      [&registry](Request&) {
        return Response::text(200, registry.expose(), std::string(metrics::Registry::kContentType));
      },
      std::move(metrics_doc));
}

}  // namespace

Server::Server(ServerOptions options, Router& router, metrics::Registry& registry) {
  add_system_routes(router, registry, options.healthz);
  impl_ = std::make_unique<Impl>(std::move(options), router, registry);
  auto open = impl_->core.open_connections;
  registry.callback_gauge("sy_http_open_connections", "HTTP connections currently open",
                          [open] { return static_cast<double>(open->load()); });
}

Server::~Server() { stop(); }

void Server::Impl::accept_next() {
  internal::Worker& w = *workers[next_worker];
  next_worker = (next_worker + 1) % workers.size();
  acceptor.async_accept(w.ioc, [this, &w](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      if (core.open_connections->load() >= core.options.max_connections) {
        asio::post(w.ioc, [s = std::make_shared<tcp::socket>(std::move(socket))]() mutable {
          internal::reject_connection(std::move(*s));
        });
      } else {
        asio::post(w.ioc, [&w, s = std::make_shared<tcp::socket>(std::move(socket))]() mutable {
          internal::start_connection(w, std::move(*s));
        });
      }
    } else {
      // EMFILE and friends: keep serving, but pause so that a persistent error does not spin.
      spdlog::warn("http: accept failed: {}", ec.message());
      accept_backoff.expires_after(std::chrono::milliseconds(100));
      accept_backoff.async_wait([this](boost::system::error_code wec) {
        if (!wec && acceptor.is_open()) accept_next();
      });
      return;
    }
    accept_next();
  });
}

Status Server::start() {
  if (impl_->running) return ok_status();
  auto& im = *impl_;
  const auto& o = im.core.options;
  im.core.largest_body_bytes = o.max_body_bytes;
  for (const Route& r : im.core.router.routes()) {
    im.core.largest_body_bytes = std::max(im.core.largest_body_bytes, r.doc.max_body_bytes);
    im.core.routes_have_body_limits |= r.doc.max_body_bytes > 0;
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  std::string where = o.host + ":" + std::to_string(o.port);
  if (ec) {
    return make_error(ErrorKind::kInvalidInput, "listen_failed",
                      "cannot listen on " + where + ": not an IP address");
  }
  tcp::endpoint ep(address, o.port);
  im.acceptor.open(ep.protocol(), ec);
  if (!ec) im.acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) im.acceptor.bind(ep, ec);
  if (!ec) im.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    boost::system::error_code ignored;
    im.acceptor.close(ignored);
    return make_error(ErrorKind::kUnavailable, "listen_failed",
                      "cannot listen on " + where + ": " + ec.message());
  }
  im.port = im.acceptor.local_endpoint().port();
  int n = std::max(1, o.threads);
  for (int i = 0; i < n; ++i) {
    auto w = std::make_unique<internal::Worker>(im.core);
    w->guard.emplace(w->ioc.get_executor());
    im.workers.push_back(std::move(w));
  }
  for (auto& w : im.workers) {
    w->thread = std::thread([wp = w.get()] { wp->ioc.run(); });
  }
  im.accept_next();
  im.acceptor_thread = std::thread([&im] { im.acceptor_ioc.run(); });
  im.running = true;
  spdlog::info("http: listening on {}:{} with {} threads", o.host, im.port, n);
  return ok_status();
}

void Server::stop() {
  if (!impl_ || !impl_->running) return;
  auto& im = *impl_;
  im.running = false;
  im.core.stopping = true;
  asio::post(im.acceptor_ioc, [&im] {
    boost::system::error_code ec;
    im.acceptor.close(ec);
    im.accept_backoff.cancel();
  });
  im.acceptor_thread.join();
  for (auto& w : im.workers) {
    asio::post(w->ioc, [wp = w.get()] {
      internal::close_idle_connections(*wp);
      internal::close_websockets(*wp);
    });
  }
  auto deadline = std::chrono::steady_clock::now() + im.core.options.stop_grace;
  while (im.core.open_connections->load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& w : im.workers) {
    w->guard.reset();
    w->ioc.stop();
  }
  for (auto& w : im.workers) {
    if (w->thread.joinable()) w->thread.join();
  }
  // Connections still open past the grace period die with their io_context.
  im.workers.clear();
}

std::uint16_t Server::port() const { return impl_->port; }
const ServerOptions& Server::options() const { return impl_->core.options; }
std::size_t Server::open_connections() const {
  return static_cast<std::size_t>(impl_->core.open_connections->load());
}

}  // namespace sy::http
