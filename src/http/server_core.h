// Private to src/http: the state the server's connections share (options, router, static
// files, metrics) and the per-thread worker that owns a set of connections.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"
#include "http/websocket.h"
#include "metrics/registry.h"

namespace sy::http::internal {

class Connection;
class WebSocketSession;

struct ServerCore {
  ServerCore(ServerOptions opts, Router& r, metrics::Registry& reg);

  // Routes a parsed request: API routes, then static files for other GET/HEAD paths.
  Response handle(Request& req) const;
  std::string next_request_id();

  ServerOptions options;
  Router& router;
  StaticFiles statics;
  metrics::CounterFamily& requests_total;
  metrics::HistogramFamily& request_duration;
  std::shared_ptr<std::atomic<long>> open_connections = std::make_shared<std::atomic<long>>(0);
  std::atomic<bool> stopping{false};
  std::atomic<std::uint64_t> request_counter{0};
  std::string request_id_prefix;
  // The largest body any route accepts (options.max_body_bytes or a route's own limit); set by
  // Server::start() once the routes are known.
  std::size_t largest_body_bytes = 0;
  bool routes_have_body_limits = false;  // some route has its own max_body_bytes
};

// One thread with its own io_context; its connections are touched only from that thread.
struct Worker {
  explicit Worker(ServerCore& c) : core(c) {}

  // Records a finished request; the metric children are cached per thread so the hot path
  // takes no lock.
  void record(const Request& req, int status, std::chrono::steady_clock::duration elapsed);

  ServerCore& core;
  std::unordered_set<Connection*> connections;
  std::unordered_set<WebSocketSession*> websockets;
  std::unordered_map<std::string, metrics::Histogram*> histogram_cache;
  std::unordered_map<std::string, metrics::Counter*> counter_cache;
  boost::asio::io_context ioc{1};
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guard;
  std::thread thread;
};

// Takes over an accepted socket (on the worker's thread).
void start_connection(Worker& worker, boost::asio::ip::tcp::socket socket);
// Closes connections waiting for a request; the busy ones close after their response.
void close_idle_connections(Worker& worker);
// Takes over a connection whose request was answered with Response::accept_websocket: does the
// handshake and serves the endpoint (on the worker's thread).
void start_websocket(Worker& worker, boost::asio::ip::tcp::socket socket,
                     boost::beast::http::request<boost::beast::http::string_body> request,
                     std::shared_ptr<WebSocketEndpoint> endpoint);
// Closes every WebSocket (1001 going away), for a graceful stop.
void close_websockets(Worker& worker);
// Answers 503 with Retry-After and closes (past max_connections).
void reject_connection(boost::asio::ip::tcp::socket socket);

}  // namespace sy::http::internal
