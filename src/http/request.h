// What a handler sees of an HTTP request: method, decoded path and query, headers
// (case-insensitive), cookies, body, the route's path parameters, the remote address, a request
// id, and a slot (`auth`) the API layer's middleware fills with the signed-in user.
#pragma once

#include <any>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sy::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view method_name(Method m);  // "GET", "HEAD", ...; "OTHER" for kOther
Method parse_method(std::string_view name);

// ASCII case-insensitive equality, for header names.
bool iequals(std::string_view a, std::string_view b);

// An ordered multi-map of header fields with case-insensitive names (Set-Cookie may repeat).
class Headers {
 public:
  using Field = std::pair<std::string, std::string>;

  void add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  // Replaces every field of this name with one field.
  void set(std::string_view name, std::string value);
  void remove(std::string_view name);
  // The first value of this name.
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }

  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }
  std::size_t size() const { return fields_.size(); }
  void reserve(std::size_t n) { fields_.reserve(n); }

 private:
  std::vector<Field> fields_;
};

// Decoded query parameters in order ("+" is a space, %XX decoded); a name may repeat.
class QueryParams {
 public:
  void add(std::string name, std::string value) {
    items_.emplace_back(std::move(name), std::move(value));
  }
  std::optional<std::string> get(std::string_view name) const;  // the first value
  std::vector<std::string> get_all(std::string_view name) const;
  bool has(std::string_view name) const;
  const std::vector<std::pair<std::string, std::string>>& items() const { return items_; }

 private:
  std::vector<std::pair<std::string, std::string>> items_;
};

struct Request {
  Method method = Method::kGet;
  std::string method_text;  // as sent, e.g. "PROPFIND" for kOther
  std::string path;         // percent-decoded, without the query, e.g. "/api/v1/customers/42"
  std::string target;       // raw request target as sent, e.g. "/api/v1/x?a=%20b"
  QueryParams query;
  Headers headers;
  std::vector<std::pair<std::string, std::string>> cookies;  // from the Cookie header(s)
  std::string body;
  // From the matched route pattern: "/api/v1/customers/{id}" gives {"id", "42"}.
  std::vector<std::pair<std::string, std::string>> path_params;
  std::string route;           // the matched pattern ("" before routing / for static files)
  std::string remote_address;  // "127.0.0.1"
  std::string request_id;      // also sent back as X-Request-Id
  bool keep_alive = true;
  bool websocket_upgrade = false;  // a valid WebSocket upgrade request (RFC 6455 §4.2.1)

  // Filled by middleware (e.g. the signed-in user); read with auth_as<T>().
  std::any auth;
  template <class T>
  const T* auth_as() const {
    return std::any_cast<T>(&auth);
  }

  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::optional<std::string> cookie(std::string_view name) const;
  // A path parameter of the matched route; "" when the route has none of this name.
  std::string_view param(std::string_view name) const;
  std::optional<std::string> query_param(std::string_view name) const { return query.get(name); }
};

// Decodes %XX (and "+" as space when `plus_is_space`); nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view in, bool plus_is_space);
// Fills path, query and target from a raw request target; false when it is malformed.
bool parse_target(std::string_view target, Request& req);
// Parses "a=1; b=2" into cookies (appending).
void parse_cookie_header(std::string_view value,
                         std::vector<std::pair<std::string, std::string>>& out);

}  // namespace sy::http
