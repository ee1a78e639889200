// What a handler returns: status, headers (Set-Cookie may repeat), body. Errors are turned
// into the design §5 shape {"error":{"code","message","field"?}} here, and the HTTP status of
// every sy::ErrorKind is chosen in one place: status_for().
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/request.h"

namespace sy::http {

class WebSocketEndpoint;

// The one mapping from an error to its HTTP status. By kind: kInvalidInput 400,
// kUnauthenticated 401, kForbidden 403, kNotFound 404, kConflict 409, kTooLarge 413,
// kRateLimited 429, kUnavailable 503, kInternal 500. A few protocol codes that have no kind of
// their own keep their HTTP status: method_not_allowed 405, request_timeout 408,
// unsupported_media_type 415, upgrade_required 426.
int status_for(const Error& e);

// Retry-After seconds sent with 429 and 503.
inline constexpr int kRetryAfterSeconds = 1;

struct Response {
  int status = 200;
  Headers headers;  // Content-Type is kept in content_type, not here
  std::string content_type;
  std::string body;
  // When set, the bytes sent instead of `body` (which stays empty): a cache's copy, shared
  // rather than copied per request (static files).
  std::shared_ptr<const std::string> shared_body;
  // The body may be sent in part: a GET with "Range: bytes=…" gets 206 (or 416), uncompressed,
  // and responses say "Accept-Ranges: bytes". Set by file() and for static files.
  bool accept_ranges = false;
  // Set by accept_websocket: the connection becomes this WebSocket (see http/websocket.h).
  std::shared_ptr<WebSocketEndpoint> websocket;

  // 2xx/4xx JSON body, "application/json; charset=utf-8". Invalid UTF-8 is replaced, never
  // thrown.
  static Response json(int status, const nlohmann::json& body);
  // The error shape, with status_for(e) (+ Retry-After for 429/503).
  static Response error(const Error& e);
  static Response error(ErrorKind kind, std::string code, std::string message,
                        std::string field = {});
  static Response text(int status, std::string body,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response no_content();  // 204
  // 101: upgrade this request's connection to a WebSocket served by `endpoint`.
  static Response accept_websocket(std::shared_ptr<WebSocketEndpoint> endpoint);
  // A file's contents with a content type from its extension, open to Range requests; 404
  // not_found if unreadable.
  // `path` is trusted (never built from request input; static pages go through the server).
  static Response file(const std::string& path);

  // The bytes to send: *shared_body when set, else body.
  const std::string& payload() const { return shared_body ? *shared_body : body; }

  // Appends a header (chainable): Response::json(200, j).with_header("Location", "/x").
  Response& with_header(std::string name, std::string value) {
    headers.add(std::move(name), std::move(value));
    return *this;
  }
};

// The error body alone, e.g. for a WebSocket close reason.
nlohmann::json error_body(const Error& e);

// "text/html; charset=utf-8" etc. for a file name by its extension;
// "application/octet-stream" when unknown.
std::string_view content_type_for_path(std::string_view path);

}  // namespace sy::http
