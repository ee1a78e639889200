#include "api/session.h"

#include <sodium.h>

#include "auth/roles.h"
#include "auth/secrets.h"

namespace sy::api {
namespace {

bool is_safe_method(http::Method m) {
  return m == http::Method::kGet || m == http::Method::kHead || m == http::Method::kOptions;
}

bool tokens_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace

http::Middleware session_middleware(Context& ctx) {
  return [&ctx](http::Request& req, const http::RouteDoc& doc) -> std::optional<http::Response> {
    if (!doc.auth_required) return std::nullopt;
    auto token = req.cookie(kSessionCookie);
    if (!token || token->empty())
      return http::Response::error(ErrorKind::kUnauthenticated, "not_signed_in",
                                   "sign in first (POST /api/v1/auth/login)");
    auto found = ctx.repos.sessions.find_active(auth::sha256_hex(*token), ctx.clock.now());
    if (!found) {
      if (found.error().kind == ErrorKind::kUnauthenticated)
        return http::Response::error(ErrorKind::kUnauthenticated, "session_expired",
                                     "the session has ended; sign in again");
      return http::Response::error(found.error());
    }
    if (!is_safe_method(req.method) && !doc.csrf_exempt) {
      auto sent = req.header(kCsrfHeader);
      if (!sent || !tokens_equal(*sent, found->session.csrf_token))
        return http::Response::error(ErrorKind::kForbidden, "csrf_token_invalid",
                                     "missing or wrong X-CSRF-Token header");
    }
    if (!doc.permission.empty()) {
      auto permission = auth::parse_permission(doc.permission);
      if (!permission || !auth::allows(found->user.role, *permission))
        return http::Response::error(
            ErrorKind::kForbidden, "forbidden",
            "the role '" + std::string(auth::to_string(found->user.role)) + "' may not do this (" +
                doc.permission + ")");
    }
    req.auth = SignedIn{std::move(found->user), std::move(found->session.token_hash),
                        std::move(found->session.csrf_token)};
    return std::nullopt;
  };
}

const SignedIn& signed_in(const http::Request& req) {
  const SignedIn* s = req.auth_as<SignedIn>();
  if (!s) throw std::logic_error("signed_in() on a route without a session");
  return *s;
}

store::RegionScope scope_of(const http::Request& req) {
  const SignedIn& s = signed_in(req);
  return s.user.region_code ? store::RegionScope(*s.user.region_code) : store::RegionScope::all();
}

bool sees_everything(const http::Request& req) { return !signed_in(req).user.region_code; }

}  // namespace sy::api
