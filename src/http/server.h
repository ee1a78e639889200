// The HTTP server: Boost.Beast over Asio with one io_context per worker thread (connections
// are spread round-robin; a connection stays on its thread, so no locks on the request path).
// Keep-alive, request size and time limits, a connection cap, graceful stop; /healthz,
// /metrics and static files (web root with SPA fallback, or a built-in placeholder page);
// per-route request counts and latency histograms. Handlers run on the worker threads: a
// handler may block briefly (a DB read), which delays only the connections of its thread;
// anything long or stateful is posted elsewhere (the control thread) and awaited briefly.
//
// WebSocket routes (http/websocket.h): a handler answering Response::accept_websocket has its
// connection moved into a beast::websocket::stream session on the same thread; WebSockets count
// as open connections and are closed (1001) by stop().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "http/router.h"
#include "metrics/registry.h"

namespace sy::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port; see Server::port()
  int threads = 2;
  std::size_t max_body_bytes = 1 << 20;     // larger bodies get 413 payload_too_large
  std::size_t max_header_bytes = 16 << 10;  // larger headers get 431
  // Time to receive a complete header, counted from when the connection starts waiting for a
  // request; it is also the idle keep-alive limit. A partial header past it gets 408
  // request_timeout; an idle connection is closed quietly.
  std::chrono::milliseconds header_timeout{10'000};
  // Time to receive a whole request (header and body).
  std::chrono::milliseconds request_timeout{30'000};
  int max_connections = 10000;        // past it: 503 service_unavailable with Retry-After, closed
  std::string web_root = "web/dist";  // static files; a placeholder page when it is missing
  // Serves GET /healthz: 200 {"status":"ok"} when it returns ok, 503 with the error otherwise.
  // Without it /healthz always answers ok.
  std::function<Status()> healthz;
  // WebSocket keep-alive: after half of this without hearing from the peer a ping goes out; a
  // peer silent for all of it is disconnected.
  std::chrono::milliseconds websocket_idle_timeout{30'000};
  // A WebSocket write (one message) that takes longer than this closes the connection.
  std::chrono::milliseconds websocket_write_timeout{10'000};
  std::size_t websocket_max_message_bytes = 64 << 10;  // from the client
  // How long stop() waits for requests in progress before closing their connections.
  std::chrono::milliseconds stop_grace{5'000};
};

class Server {
 public:
  // Adds GET /healthz and GET /metrics to `router` (auth_required = false) and the HTTP
  // metrics to `registry`. Both must outlive the server.
  Server(ServerOptions options, Router& router, metrics::Registry& registry);
  ~Server();  // stops if running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the worker threads (once per Server; add every route before this).
  // Error "listen_failed" naming host:port.
  Status start();
  // Stops accepting, finishes requests in progress (up to stop_grace), closes connections and
  // joins the threads. Idempotent.
  void stop();

  std::uint16_t port() const;  // the bound port (useful with port 0)
  const ServerOptions& options() const;
  std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sy::http
