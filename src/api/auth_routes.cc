// Sign-in, sign-out, who am I, and changing one's own password.
#include <spdlog/spdlog.h>

#include "api/routes.h"
#include "api/session.h"
#include "auth/lockout.h"
#include "auth/secrets.h"
#include "events/hub.h"

namespace sy::api {
namespace {

std::string session_cookie(const std::string& token, std::chrono::seconds max_age) {
  return std::string(kSessionCookie) + "=" + token +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age.count());
}

// Verifying against a throw-away hash when the user does not exist keeps the answer time the
// same, so response times do not tell which usernames exist.
const std::string& dummy_hash() {
  static const std::string h = [] {
    auto r = auth::hash_password(auth::random_password());
    return r ? *r : std::string();
  }();
  return h;
}

http::Response invalid_credentials() {
  return http::Response::error(ErrorKind::kUnauthenticated, "invalid_credentials",
                               "wrong username or password");
}

http::Response locked(const TimePoint& until) {
  return http::Response::error(ErrorKind::kRateLimited, "account_locked",
                               "too many failed sign-ins; try again after " + format_rfc3339(until));
}

http::Response login(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  std::string username = r.required_string("username", 1, 64);
  std::string password = r.required_string("password", 1, 128);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());

  auto user = ctx.repos.users.get_by_username(username);
  if (!user) {
    if (user.error().kind != ErrorKind::kNotFound) return http::Response::error(user.error());
    (void)auth::verify_password(dummy_hash(), password);
    return invalid_credentials();
  }
  TimePoint now = ctx.clock.now();
  auth::LoginCounters counters{user->failed_logins, user->locked_until};
  if (auth::is_locked(counters, now)) return locked(*user->locked_until);
  if (!auth::verify_password(user->password_hash, password)) {
    auto after = ctx.repos.users.record_login_failure(user->id, ctx.options.lockout);
    if (!after) return http::Response::error(after.error());
    if (auth::is_locked(*after, now)) {
      spdlog::warn("user {} locked after {} failed sign-ins", username,
                   ctx.options.lockout.max_failures);
      audit(ctx, req, "auth.lockout", "user:" + std::to_string(user->id),
            {{"remote", req.remote_address}});
      return locked(*after->locked_until);
    }
    return invalid_credentials();
  }
  if (user->disabled)
    return http::Response::error(ErrorKind::kForbidden, "account_disabled",
                                 "this account has been disabled; ask an administrator");
  if (user->failed_logins > 0 || user->locked_until) {
    if (Status st = ctx.repos.users.record_login_success(user->id); !st)
      return http::Response::error(st.error());
  }
  std::string token = auth::random_token();
  store::Session session;
  session.token_hash = auth::sha256_hex(token);
  session.user_id = user->id;
  session.csrf_token = auth::random_token();
  session.created_at = now;
  session.expires_at = now + ctx.options.session_ttl;
  if (Status st = ctx.repos.sessions.create(session); !st) return http::Response::error(st.error());
  return http::Response::json(200, {{"user", to_json(*user)},
                                    {"csrf_token", session.csrf_token},
                                    {"expires_at", format_rfc3339(session.expires_at)}})
      .with_header("Set-Cookie", session_cookie(token, ctx.options.session_ttl))
      .with_header("Cache-Control", "no-store");
}

http::Response logout(Context& ctx, http::Request& req) {
  if (Status st = ctx.repos.sessions.remove(signed_in(req).token_hash); !st)
    return http::Response::error(st.error());
  ctx.events.close_session(signed_in(req).token_hash, events::kSignedOut);
  // An agent signing out leaves the seat phone they picked (hot-desking) for the next one.
  if (ctx.seats) {
    if (auto agent = ctx.repos.agents.get_by_user(signed_in(req).user.id))
      (void)ctx.seats->release_seat(agent->id);
  }
  return http::Response::no_content().with_header(
      "Set-Cookie", std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
}

http::Response me(Context& ctx, http::Request& req) {
  const SignedIn& s = signed_in(req);
  nlohmann::json permissions = nlohmann::json::array();
  for (auto p : {auth::Permission::kSettingsRead, auth::Permission::kCustomerRead,
                 auth::Permission::kCustomerWrite, auth::Permission::kContactWrite,
                 auth::Permission::kOutageRead, auth::Permission::kOutageWrite,
                 auth::Permission::kRegionRead, auth::Permission::kRegionWrite,
                 auth::Permission::kUserRead, auth::Permission::kUserWrite,
                 auth::Permission::kAuditRead, auth::Permission::kEventsRead,
                 auth::Permission::kKbRead, auth::Permission::kKbWrite})
    if (auth::allows(s.user.role, p)) permissions.push_back(auth::to_string(p));
  return http::Response::json(200, {{"user", to_json(s.user)},
                                    {"csrf_token", s.csrf_token},
                                    {"permissions", permissions},
                                    {"centre",
                                     {{"name", ctx.options.centre_name},
                                      {"time_zone", ctx.options.time_zone}}}});
}

http::Response change_password(Context& ctx, http::Request& req) {
  auto body = http::parse_json_body(req);
  if (!body) return http::Response::error(body.error());
  http::JsonObjectReader r(*body);
  std::string current = r.required_string("current_password", 1, 128);
  std::string next = r.required_string("new_password", 1, 128);
  if (Status st = r.finish(); !st) return http::Response::error(st.error());
  const SignedIn& s = signed_in(req);
  if (!auth::verify_password(s.user.password_hash, current))
    return http::Response::error(ErrorKind::kForbidden, "invalid_credentials",
                                 "the current password is wrong", "current_password");
  if (Status st = auth::check_password_policy(next); !st) {
    Error e = st.error();
    e.field = "new_password";
    return http::Response::error(e);
  }
  auto hash = auth::hash_password(next);
  if (!hash) return http::Response::error(hash.error());
  store::UserUpdate update;
  update.password_hash = *hash;
  auto updated = ctx.repos.users.update(s.user.id, update);
  if (!updated) return http::Response::error(updated.error());
  // Every other session of this user ends; this one stays.
  auto removed = ctx.repos.sessions.remove_all_for_user(s.user.id);
  if (!removed) return http::Response::error(removed.error());
  store::Session keep;
  keep.token_hash = s.token_hash;
  keep.user_id = s.user.id;
  keep.csrf_token = s.csrf_token;
  keep.created_at = ctx.clock.now();
  keep.expires_at = keep.created_at + ctx.options.session_ttl;
  if (Status st = ctx.repos.sessions.create(keep); !st) return http::Response::error(st.error());
  audit(ctx, req, "auth.password_change", "user:" + std::to_string(s.user.id), nlohmann::json::object());
  return http::Response::no_content();
}

}  // namespace

void add_auth_routes(http::Router& router, Context& ctx) {
  http::RouteDoc login_doc;
  login_doc.tag = "auth";
  login_doc.summary = "Sign in: sets the sy_session cookie and returns the CSRF token";
  login_doc.auth_required = false;
  login_doc.csrf_exempt = true;
  login_doc.request_body = object_schema({{"username", "string"}, {"password", "string"}},
                                         {"username", "password"});
  login_doc.responses = {{200, "signed in", nullptr}};
  router.post("/api/v1/auth/login", [&ctx](http::Request& req) { return login(ctx, req); },
              login_doc);

  http::RouteDoc logout_doc;
  logout_doc.tag = "auth";
  logout_doc.summary = "Sign out: ends the session";
  logout_doc.responses = {{204, "signed out", nullptr}};
  router.post("/api/v1/auth/logout", [&ctx](http::Request& req) { return logout(ctx, req); },
              logout_doc);

  http::RouteDoc me_doc;
  me_doc.tag = "auth";
  me_doc.summary = "The signed-in user, their permissions and the session's CSRF token";
  router.get("/api/v1/auth/me", [&ctx](http::Request& req) { return me(ctx, req); }, me_doc);

  http::RouteDoc pw_doc;
  pw_doc.tag = "auth";
  pw_doc.summary = "Change one's own password (ends the user's other sessions)";
  pw_doc.request_body = object_schema(
      {{"current_password", "string"}, {"new_password", "string"}}, {"current_password", "new_password"});
  pw_doc.responses = {{204, "changed", nullptr}};
  router.post("/api/v1/auth/password",
              [&ctx](http::Request& req) { return change_password(ctx, req); }, pw_doc);
}

}  // namespace sy::api
