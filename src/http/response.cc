// Response builders and the one place that maps errors to HTTP statuses.
#include "http/response.h"

#include <array>
#include <fstream>
#include <sstream>

namespace sy::http {

int status_for(const Error& e) {
  // Protocol-level codes that no ErrorKind describes keep their own status.
  if (e.code == "method_not_allowed") return 405;
  if (e.code == "request_timeout") return 408;
  if (e.code == "unsupported_media_type") return 415;
  if (e.code == "request_header_fields_too_large") return 431;
  if (e.code == "upgrade_required") return 426;
  switch (e.kind) {
    case ErrorKind::kInvalidInput:
      return 400;
    case ErrorKind::kUnauthenticated:
      return 401;
    case ErrorKind::kForbidden:
      return 403;
    case ErrorKind::kNotFound:
      return 404;
    case ErrorKind::kConflict:
      return 409;
    case ErrorKind::kTooLarge:
      return 413;
    case ErrorKind::kRateLimited:
      return 429;
    case ErrorKind::kUnavailable:
      return 503;
    case ErrorKind::kInternal:
      return 500;
  }
  return 500;
}

nlohmann::json error_body(const Error& e) {
  nlohmann::json inner = {{"code", e.code.empty() ? "internal_error" : e.code},
                          {"message", e.message}};
  if (!e.field.empty()) inner["field"] = e.field;
  return {{"error", std::move(inner)}};
}

Response Response::json(int status, const nlohmann::json& body) {
  Response r;
  r.status = status;
  r.content_type = "application/json; charset=utf-8";
  r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::error(const Error& e) {
  Response r = json(status_for(e), error_body(e));
  if (r.status == 429 || r.status == 503) {
    r.headers.add("Retry-After", std::to_string(kRetryAfterSeconds));
  }
  return r;
}

Response Response::error(ErrorKind kind, std::string code, std::string message, std::string field) {
  return error(make_error(kind, std::move(code), std::move(message), std::move(field)));
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  return r;
}

Response Response::accept_websocket(std::shared_ptr<WebSocketEndpoint> endpoint) {
  Response r;
  r.status = 101;
  r.websocket = std::move(endpoint);
  return r;
}

Response Response::file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return error(ErrorKind::kNotFound, "not_found", "file not found");
  std::ostringstream data;
  data << in.rdbuf();
  Response r = text(200, std::move(data).str(), std::string(content_type_for_path(path)));
  r.accept_ranges = true;
  return r;
}

std::string_view content_type_for_path(std::string_view path) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 24> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".ttf", "font/ttf"},
      {".wav", "audio/wav"},
      {".mp3", "audio/mpeg"},
      {".pdf", "application/pdf"},
      {".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {".csv", "text/csv; charset=utf-8"},
      {".wasm", "application/wasm"},
  }};
  std::size_t slash = path.rfind('/');
  std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string ext(path.substr(dot));
  for (char& c : ext) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  for (const auto& [e, type] : kTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

}  // namespace sy::http
