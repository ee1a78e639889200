// WebSocket routes: a GET route whose handler answers Response::accept_websocket(endpoint) has
// its connection upgraded in place (same socket, same worker thread) once the route's
// middleware (sign-in, permission) has passed, so a WebSocket is authenticated exactly like a
// REST call. The endpoint is the application side of one connection: the server pulls the
// messages to send from it, so any queueing and its bound are the application's, and a writer
// that cannot keep up is visible to it. Ping/pong keep-alive and size limits are the server's.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace sy::http {

// Wakes the connection's writer; callable from any thread, harmless once the connection closed.
class WebSocketWaker {
 public:
  virtual ~WebSocketWaker() = default;
  virtual void wake() = 0;
  // The application has given up on this connection and next() now returns the close: a
  // message being written gets a short grace (a second) to finish so that the close frame can
  // still go out; a peer that stopped reading is cut off after it.
  virtual void abandon() = 0;
};

// A text message to send, or (text null) a close with a code and reason (≤ 123 bytes).
struct WebSocketOutgoing {
  std::shared_ptr<const std::string> text;
  std::uint16_t close_code = 1000;
  std::string close_reason;
};

// The application side of one WebSocket. Every call comes from the connection's thread.
class WebSocketEndpoint {
 public:
  virtual ~WebSocketEndpoint() = default;
  // The handshake is done; call waker->wake() whenever next() has something new.
  virtual void on_open(std::shared_ptr<WebSocketWaker> waker) = 0;
  // The next message to send (the server asks again after each write and after each wake);
  // nullopt when there is nothing to send now.
  virtual std::optional<WebSocketOutgoing> next() = 0;
  // A text message from the client.
  virtual void on_text(std::string_view text) = 0;
  // The connection is gone (closed by either side, timed out, or the server stopping). Called
  // exactly once when on_open was called; nothing is asked of the endpoint afterwards.
  virtual void on_closed() = 0;
};

// For a WebSocket route's handler: nullopt when `req` is a WebSocket upgrade from an allowed
// origin; otherwise the error to answer: 426 upgrade_required (a plain HTTP request) or 403
// origin_not_allowed (a browser page of another origin: Origin must name the Host).
std::optional<Response> check_websocket_request(const Request& req);

// True when the Origin header (if any) names the same host and port as the Host header.
bool same_origin(const Request& req);

}  // namespace sy::http
