// Signing in and out: the session cookie, CSRF, lockout after 5 failures for 15 minutes.
#include <gtest/gtest.h>

#include "api_harness.h"

namespace sy::test {
namespace {

TEST(AuthApi, LoginSetsHttpOnlyStrictCookieAndReturnsCsrfToken) {
  ApiServer s;
  s.add_user("zhang.wei", auth::Role::kAgent, std::nullopt, "secret-pass-1");
  Client c = s.client();
  auto r = c.login("zhang.wei", "secret-pass-1");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string cookie = r.header("Set-Cookie");
  EXPECT_NE(cookie.find("sy_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  auto body = r.json();
  EXPECT_EQ(body["user"]["username"], "zhang.wei");
  EXPECT_EQ(body["user"]["role"], "agent");
  EXPECT_FALSE(body["user"].contains("password_hash"));
  EXPECT_FALSE(body["csrf_token"].get<std::string>().empty());

  auto me = c.get("/api/v1/auth/me");
  ASSERT_EQ(me.status, 200);
  EXPECT_EQ(me.json()["user"]["username"], "zhang.wei");
  EXPECT_EQ(me.json()["csrf_token"], body["csrf_token"]);
}

TEST(AuthApi, WrongPasswordAndUnknownUserLookTheSame) {
  ApiServer s;
  s.add_user("li.na", auth::Role::kAgent, std::nullopt, "secret-pass-1");
  Client c = s.client();
  auto wrong = c.login("li.na", "nope-nope-nope");
  auto unknown = c.login("nobody", "nope-nope-nope");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.error_code(), "invalid_credentials");
  EXPECT_EQ(unknown.error_code(), "invalid_credentials");
  EXPECT_EQ(wrong.json()["error"]["message"], unknown.json()["error"]["message"]);
}

TEST(AuthApi, FiveFailuresLockTheAccountForFifteenMinutes) {
  ApiServer s;
  s.add_user("wang.fang", auth::Role::kAgent, std::nullopt, "secret-pass-1");
  Client c = s.client();
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c.login("wang.fang", "wrong-password").status, 401);
  auto fifth = c.login("wang.fang", "wrong-password");
  EXPECT_EQ(fifth.status, 429);
  EXPECT_EQ(fifth.error_code(), "account_locked");
  // Even the right password is refused while locked.
  auto locked = c.login("wang.fang", "secret-pass-1");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.error_code(), "account_locked");
  s.clock.advance(std::chrono::minutes(14));
  EXPECT_EQ(c.login("wang.fang", "secret-pass-1").status, 429);
  s.clock.advance(std::chrono::minutes(1) + std::chrono::seconds(1));
  EXPECT_EQ(c.login("wang.fang", "secret-pass-1").status, 200);
  // A success clears the count: four more failures do not lock.
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c.login("wang.fang", "wrong-password").status, 401);
  EXPECT_EQ(c.login("wang.fang", "secret-pass-1").status, 200);
}

TEST(AuthApi, LogoutEndsTheSession) {
  ApiServer s;
  Client c = s.signed_in(auth::Role::kAgent);
  ASSERT_EQ(c.get("/api/v1/auth/me").status, 200);
  EXPECT_EQ(c.post("/api/v1/auth/logout", nlohmann::json::object()).status, 204);
  auto after = c.get("/api/v1/auth/me");
  EXPECT_EQ(after.status, 401);
  EXPECT_EQ(after.error_code(), "session_expired");
}

TEST(AuthApi, SessionsExpire) {
  ApiServer s;
  Client c = s.signed_in(auth::Role::kAgent);
  s.clock.advance(std::chrono::hours(12) + std::chrono::seconds(1));
  EXPECT_EQ(c.get("/api/v1/auth/me").status, 401);
}

TEST(AuthApi, StateChangesNeedTheCsrfToken) {
  ApiServer s;
  Client c = s.signed_in(auth::Role::kAgent);
  auto r = c.request("POST", "/api/v1/auth/logout", "{}", "application/json", /*send_csrf=*/false);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "csrf_token_invalid");
  c.csrf_token = "forged";
  EXPECT_EQ(c.post("/api/v1/auth/logout", nlohmann::json::object()).error_code(),
            "csrf_token_invalid");
}

TEST(AuthApi, DisabledUserCannotSignInAndLosesSessions) {
  ApiServer s;
  Client admin = s.signed_in(auth::Role::kAdmin);
  std::int64_t id = s.add_user("zhao.lei", auth::Role::kAgent, std::nullopt, "secret-pass-1");
  Client agent = s.client();
  ASSERT_EQ(agent.login("zhao.lei", "secret-pass-1").status, 200);
  ASSERT_EQ(admin.patch("/api/v1/users/" + std::to_string(id), {{"disabled", true}}).status, 200);
  EXPECT_EQ(agent.get("/api/v1/auth/me").status, 401);
  auto again = s.client().login("zhao.lei", "secret-pass-1");
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(again.error_code(), "account_disabled");
}

TEST(AuthApi, ChangingOwnPasswordKeepsThisSessionEndsOthers) {
  ApiServer s;
  s.add_user("chen.jing", auth::Role::kAgent, std::nullopt, "old-password-1");
  Client a = s.client(), b = s.client();
  ASSERT_EQ(a.login("chen.jing", "old-password-1").status, 200);
  ASSERT_EQ(b.login("chen.jing", "old-password-1").status, 200);
  auto wrong = a.post("/api/v1/auth/password",
                      {{"current_password", "bad"}, {"new_password", "new-password-2"}});
  EXPECT_EQ(wrong.status, 403);
  auto r = a.post("/api/v1/auth/password",
                  {{"current_password", "old-password-1"}, {"new_password", "new-password-2"}});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(a.get("/api/v1/auth/me").status, 200);
  EXPECT_EQ(b.get("/api/v1/auth/me").status, 401);
  EXPECT_EQ(s.client().login("chen.jing", "new-password-2").status, 200);
  EXPECT_EQ(s.client().login("chen.jing", "old-password-1").status, 401);
}

}  // namespace
}  // namespace sy::test
