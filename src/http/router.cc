// Route matching (literal segments before parameters), middleware, and the handler call with
// its exceptions turned into 500 internal_error.
#include "http/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>

namespace sy::http {

namespace {

// "/a/b" -> {"a","b"}; "/" -> {""}; "/a/" -> {"a",""}.
template <class S>
std::vector<S> split_path(std::string_view path) {
  std::vector<S> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    std::size_t slash = path.find('/');
    out.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_param(const std::string& segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// Matches decoded segments against a route; fills params and the specificity (literal
// positions, earlier ones weigh more) on success.
bool match_route(const Route& r, const std::vector<std::string>& segs,
                 std::vector<std::pair<std::string, std::string>>* params,
                 std::vector<bool>* literal) {
  if (r.segments.size() != segs.size()) return false;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const std::string& p = r.segments[i];
    if (is_param(p)) {
      if (segs[i].empty()) return false;
    } else if (p != segs[i]) {
      return false;
    }
  }
  if (literal) {
    literal->clear();
    for (const auto& p : r.segments) literal->push_back(!is_param(p));
  }
  if (params) {
    params->clear();
    for (std::size_t i = 0; i < segs.size(); ++i) {
      const std::string& p = r.segments[i];
      if (is_param(p)) params->emplace_back(p.substr(1, p.size() - 2), segs[i]);
    }
  }
  return true;
}

std::string operation_error_message(std::string_view what) {
  return std::string("the server could not complete the request (") + std::string(what) + ")";
}

}  // namespace

void Router::add(Method method, std::string pattern, Handler handler, RouteDoc doc) {
  Route r;
  r.method = method;
  r.segments = split_path<std::string>(pattern);
  r.pattern = std::move(pattern);
  r.handler = std::move(handler);
  r.doc = std::move(doc);
  for (auto& existing : routes_) {
    if (existing.method == method && existing.pattern == r.pattern) {
      r.index = existing.index;
      existing = std::move(r);
      return;
    }
  }
  r.index = routes_.size();
  routes_.push_back(std::move(r));
}

Router::Match Router::match(Method method, std::string_view path) const {
  Match m;
  // Segments are decoded one by one so that an encoded "/" (%2F) stays inside a parameter.
  std::vector<std::string> segs;
  for (auto raw : split_path<std::string_view>(path)) {
    auto decoded = percent_decode(raw, false);
    segs.push_back(decoded ? std::move(*decoded) : std::string(raw));
  }
  std::vector<bool> best_literal, literal;
  const Route* head_fallback = nullptr;
  std::vector<bool> head_literal;
  for (const auto& r : routes_) {
    if (!match_route(r, segs, nullptr, &literal)) continue;
    if (std::find(m.allowed.begin(), m.allowed.end(), r.method) == m.allowed.end()) {
      m.allowed.push_back(r.method);
    }
    if (r.method == method) {
      if (!m.route || literal > best_literal) {
        m.route = &r;
        best_literal = literal;
      }
    } else if (method == Method::kHead && r.method == Method::kGet) {
      if (!head_fallback || literal > head_literal) {
        head_fallback = &r;
        head_literal = literal;
      }
    }
  }
  if (!m.route) m.route = head_fallback;
  if (m.route) {
    match_route(*m.route, segs, &m.params, nullptr);
  } else if (std::find(m.allowed.begin(), m.allowed.end(), Method::kGet) != m.allowed.end()) {
    m.allowed.push_back(Method::kHead);
  }
  return m;
}

Response Router::dispatch(Request& req) const {
  std::string_view raw_path =
      req.target.empty() ? std::string_view(req.path) : std::string_view(req.target);
  raw_path = raw_path.substr(0, raw_path.find('?'));
  Match m = match(req.method, raw_path);
  if (!m.route) {
    if (m.allowed.empty()) {
      return Response::error(ErrorKind::kNotFound, "route_not_found",
                             "no API route for " + req.path);
    }
    Response r =
        Response::error(ErrorKind::kInvalidInput, "method_not_allowed",
                        std::string(method_name(req.method)) + " is not allowed on " + req.path);
    r.headers.add("Allow", allow_header(m.allowed));
    return r;
  }
  req.path_params = std::move(m.params);
  return run(*m.route, req);
}

Response Router::run(const Route& route, Request& req) const {
  req.route = route.pattern;
  try {
    for (const auto& mw : middleware_) {
      if (auto stop = mw(req, route.doc)) return std::move(*stop);
    }
    return route.handler(req);
  } catch (const std::exception& e) {
    spdlog::error("http: {} {} (request {}) threw: {}", method_name(req.method), req.path,
                  req.request_id, e.what());
  } catch (...) {
    spdlog::error("http: {} {} (request {}) threw a non-standard exception",
                  method_name(req.method), req.path, req.request_id);
  }
  return Response::error(ErrorKind::kInternal, "internal_error",
                         operation_error_message("request id " + req.request_id));
}

std::string allow_header(const std::vector<Method>& methods) {
  static constexpr Method kOrder[] = {Method::kGet,    Method::kHead,  Method::kPost,
                                      Method::kPut,    Method::kPatch, Method::kDelete,
                                      Method::kOptions};
  std::string out;
  for (Method m : kOrder) {
    if (std::find(methods.begin(), methods.end(), m) == methods.end()) continue;
    if (!out.empty()) out += ", ";
    out += method_name(m);
  }
  return out;
}

}  // namespace sy::http
