// Routes requests to handlers by method and path pattern ("/api/v1/customers/{id}"), runs the
// middleware chain first, and keeps each route's OpenAPI documentation next to it so that
// openapi.json describes exactly the routes that exist.
//
// Literal segments win over parameters: "/customers/lookup" beats "/customers/{id}".
// A path that matches no pattern gives 404 route_not_found; a path that matches with another
// method gives 405 method_not_allowed with an Allow header. GET routes also answer HEAD.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace sy::http {

// One OpenAPI parameter. Path parameters of the pattern are documented automatically (as
// strings) unless listed here.
struct ParamDoc {
  std::string name;
  std::string in = "query";  // "query", "path", "header"
  std::string description;
  bool required = false;
  nlohmann::json schema = {{"type", "string"}};
};

struct ResponseDoc {
  int status = 200;
  std::string description;
  nlohmann::json schema;  // JSON schema of the body; null for none
};

struct RouteDoc {
  std::string summary;
  std::string description;
  std::string tag;           // groups operations, e.g. "customers"
  std::string operation_id;  // derived from method + pattern when empty
  std::vector<ParamDoc> parameters;
  // JSON schema of the request body; when not null the route takes a JSON body (documented as
  // application/json, and parse_json_body checks the content type).
  nlohmann::json request_body;
  std::vector<ResponseDoc> responses;  // error responses are added to the document generically
  std::string permission;              // e.g. "customers.read"; "" when none is needed
  bool auth_required = true;           // false for login, healthz, metrics, openapi.json
  bool csrf_exempt = false;            // true for login (no session yet)
  // This route's own request-body limit (e.g. file uploads); 0: the server's max_body_bytes.
  // A larger body gets 413 payload_too_large naming this limit.
  std::size_t max_body_bytes = 0;
};

using Handler = std::function<Response(Request&)>;
// Runs before the handler in the order added; returning a Response stops the chain and that
// response is sent (e.g. 401 for a missing session). It may fill req.auth.
using Middleware = std::function<std::optional<Response>(Request&, const RouteDoc&)>;

struct Route {
  Method method;
  std::string pattern;
  Handler handler;
  RouteDoc doc;
  std::vector<std::string> segments;  // pattern split on '/'; "{name}" marks a parameter
  std::size_t index = 0;              // position in routes(), stable
};

class Router {
 public:
  // Adds a route. Patterns are absolute ("/api/v1/x/{id}"); a duplicate method+pattern replaces
  // the earlier route. Routes must all be added before the server starts.
  void add(Method method, std::string pattern, Handler handler, RouteDoc doc = {});
  void get(std::string pattern, Handler h, RouteDoc doc = {}) {
    add(Method::kGet, std::move(pattern), std::move(h), std::move(doc));
  }
  void post(std::string pattern, Handler h, RouteDoc doc = {}) {
    add(Method::kPost, std::move(pattern), std::move(h), std::move(doc));
  }
  void put(std::string pattern, Handler h, RouteDoc doc = {}) {
    add(Method::kPut, std::move(pattern), std::move(h), std::move(doc));
  }
  void patch(std::string pattern, Handler h, RouteDoc doc = {}) {
    add(Method::kPatch, std::move(pattern), std::move(h), std::move(doc));
  }
  void del(std::string pattern, Handler h, RouteDoc doc = {}) {
    add(Method::kDelete, std::move(pattern), std::move(h), std::move(doc));
  }
  void use(Middleware m) { middleware_.push_back(std::move(m)); }

  struct Match {
    const Route* route = nullptr;  // null: no route for this method (see allowed)
    std::vector<std::pair<std::string, std::string>> params;
    std::vector<Method> allowed;  // methods the path accepts, when route is null
  };
  // Finds the route for a method and decoded path (HEAD falls back to GET).
  Match match(Method method, std::string_view path) const;

  // Routes the request (fills req.path_params and req.route), runs middleware and the handler.
  // A handler that throws gives 500 internal_error (logged with the request id, never sent).
  // 404 route_not_found / 405 method_not_allowed when nothing matches.
  Response dispatch(Request& req) const;
  // As dispatch, for an already found route.
  Response run(const Route& route, Request& req) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<Middleware> middleware_;
};

// "GET, HEAD, POST" for an Allow header.
std::string allow_header(const std::vector<Method>& methods);

}  // namespace sy::http
