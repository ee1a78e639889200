// Sign-in sessions on requests: the middleware that turns the sy_session cookie into the
// signed-in user, checks the CSRF token on state-changing requests and the route's permission,
// and the helpers handlers use to read who is asking and which regions they may see.
#pragma once

#include <string>

#include "api/context.h"
#include "http/router.h"
#include "store/records.h"
#include "store/region_scope.h"

namespace sy::api {

inline constexpr const char* kSessionCookie = "sy_session";
inline constexpr const char* kCsrfHeader = "X-CSRF-Token";

struct SignedIn {
  store::User user;
  std::string token_hash;
  std::string csrf_token;
};

// 401 not_signed_in / session_expired without a valid session, 403 csrf_token_invalid for a
// POST/PUT/PATCH/DELETE without the session's token, 403 forbidden when the role lacks the
// route's permission.
http::Middleware session_middleware(Context& ctx);

// The signed-in user of a request that passed the middleware of an auth_required route.
const SignedIn& signed_in(const http::Request& req);
// The regions the user may see: their region's subtree, or everything when unbound.
store::RegionScope scope_of(const http::Request& req);
// True when the user is bound to no region (the province centre).
bool sees_everything(const http::Request& req);

}  // namespace sy::api
