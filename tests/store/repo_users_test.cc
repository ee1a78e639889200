// Users and sessions: what the sign-in and admin screens rely on.
#include "auth/lockout.h"
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

class UserRepoTest : public RepoTest {
 protected:
  User add_user(const std::string& username, auth::Role role,
                std::optional<std::string> region = std::nullopt,
                std::optional<std::string> extension = std::nullopt) {
    NewUser u;
    u.username = username;
    u.display_name = username + " name";
    u.role = role;
    u.region_code = std::move(region);
    u.extension = std::move(extension);
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    auto created = repos_->users.create(u);
    EXPECT_TRUE(created.ok()) << created.error().code;
    return created.ok() ? *created : User{};
  }
};

TEST_P(UserRepoTest, CreateGetAndFindByUsername) {
  seed_regions();
  User u = add_user("lin.wei", auth::Role::kAgent, "350100", "8001");
  EXPECT_GT(u.id, 0);
  EXPECT_EQ(u.region_code, "350100");
  EXPECT_EQ(u.extension, "8001");
  EXPECT_EQ(u.created_at, clock_.now());

  auto by_id = repos_->users.get(u.id);
  SY_ASSERT_OK(by_id);
  EXPECT_EQ(by_id->username, "lin.wei");
  EXPECT_EQ(by_id->role, auth::Role::kAgent);
  auto by_name = repos_->users.get_by_username("lin.wei");
  SY_ASSERT_OK(by_name);
  EXPECT_EQ(by_name->id, u.id);

  SY_EXPECT_CODE(repos_->users.get(u.id + 100), "user_not_found");
  SY_EXPECT_CODE(repos_->users.get_by_username("nobody"), "user_not_found");
}

TEST_P(UserRepoTest, ConstraintErrorsHaveCodes) {
  seed_regions();
  add_user("chen", auth::Role::kAgent, std::nullopt, "8001");
  NewUser u;
  u.username = "chen";
  u.password_hash = "h";
  SY_EXPECT_CODE(repos_->users.create(u), "username_taken");
  u.username = "chen2";
  u.extension = "8001";
  SY_EXPECT_CODE(repos_->users.create(u), "extension_taken");
  u.extension.reset();
  u.region_code = "999999";
  SY_EXPECT_CODE(repos_->users.create(u), "region_not_found");
  u.region_code.reset();
  u.username = "bad name!";
  SY_EXPECT_CODE(repos_->users.create(u), "invalid_username");
  u.username = "ok";
  u.password_hash = "";
  SY_EXPECT_CODE(repos_->users.create(u), "invalid_password_hash");
}

TEST_P(UserRepoTest, UpdateChangesFieldsAndNewPasswordClearsLockout) {
  seed_regions();
  User u = add_user("wang", auth::Role::kAgent, "350100", "8002");
  auth::LockoutPolicy policy;
  for (int i = 0; i < 5; ++i) SY_ASSERT_OK(repos_->users.record_login_failure(u.id, policy));
  ASSERT_TRUE(repos_->users.get(u.id)->locked_until.has_value());

  clock_.advance(std::chrono::minutes(1));
  UserUpdate upd;
  upd.display_name = "王芳";
  upd.role = auth::Role::kSupervisor;
  upd.region_code = std::optional<std::string>();  // clear: whole province
  upd.extension = std::optional<std::string>("8003");
  upd.password_hash = "$argon2id$new";
  auto updated = repos_->users.update(u.id, upd);
  SY_ASSERT_OK(updated);
  EXPECT_EQ(updated->display_name, "王芳");
  EXPECT_EQ(updated->role, auth::Role::kSupervisor);
  EXPECT_FALSE(updated->region_code.has_value());
  EXPECT_EQ(updated->extension, "8003");
  EXPECT_EQ(updated->password_hash, "$argon2id$new");
  EXPECT_EQ(updated->failed_logins, 0);
  EXPECT_FALSE(updated->locked_until.has_value());
  EXPECT_EQ(updated->updated_at, clock_.now());

  User other = add_user("zhao", auth::Role::kAgent, std::nullopt, "8004");
  UserUpdate clash;
  clash.extension = std::optional<std::string>("8003");
  SY_EXPECT_CODE(repos_->users.update(other.id, clash), "extension_taken");
  SY_EXPECT_CODE(repos_->users.update(9999, upd), "user_not_found");
}

TEST_P(UserRepoTest, FiveFailuresLockForFifteenMinutesAndSuccessClears) {
  User u = add_user("li", auth::Role::kAgent);
  auth::LockoutPolicy policy;
  for (int i = 1; i <= 4; ++i) {
    auto c = repos_->users.record_login_failure(u.id, policy);
    SY_ASSERT_OK(c);
    EXPECT_EQ(c->failed_logins, i);
    EXPECT_FALSE(auth::is_locked(*c, clock_.now()));
  }
  auto locked = repos_->users.record_login_failure(u.id, policy);
  SY_ASSERT_OK(locked);
  EXPECT_TRUE(auth::is_locked(*locked, clock_.now()));
  auto stored = repos_->users.get(u.id);
  EXPECT_EQ(stored->locked_until, from_unix_ms(to_unix_ms(clock_.now() + policy.lock_for)));

  clock_.advance(std::chrono::minutes(16));
  EXPECT_FALSE(auth::is_locked({stored->failed_logins, stored->locked_until}, clock_.now()));
  SY_ASSERT_OK(repos_->users.record_login_failure(u.id, policy));
  SY_ASSERT_OK(repos_->users.record_login_success(u.id));
  stored = repos_->users.get(u.id);
  EXPECT_EQ(stored->failed_logins, 0);
  EXPECT_FALSE(stored->locked_until.has_value());
  SY_EXPECT_CODE(repos_->users.record_login_success(u.id + 1), "user_not_found");
}

TEST_P(UserRepoTest, ListPagesFiltersAndScopes) {
  seed_regions();
  add_user("admin", auth::Role::kAdmin);
  for (int i = 0; i < 5; ++i) add_user("fz" + std::to_string(i), auth::Role::kAgent, "350102-01");
  for (int i = 0; i < 3; ++i) add_user("xm" + std::to_string(i), auth::Role::kAgent, "350200");
  add_user("fzsup", auth::Role::kSupervisor, "350100");

  auto all = repos_->users.list({}, {1, 4});
  SY_ASSERT_OK(all);
  EXPECT_EQ(all->total, 10);
  ASSERT_EQ(all->items.size(), 4u);
  EXPECT_EQ(all->items[0].username, "admin");  // ordered by username
  auto last = repos_->users.list({}, {3, 4});
  EXPECT_EQ(last->items.size(), 2u);

  UserFilter fuzhou;
  fuzhou.scope = "350100";
  auto fz = repos_->users.list(fuzhou, {1, 50});
  EXPECT_EQ(fz->total, 6);
  for (const User& u : fz->items) EXPECT_TRUE(u.region_code->starts_with("3501"));

  UserFilter agents;
  agents.role = auth::Role::kAgent;
  agents.q = "XM";
  EXPECT_EQ(repos_->users.list(agents, {1, 50})->total, 3);

  SY_EXPECT_CODE(repos_->users.list({}, {0, 10}), "invalid_page");
  SY_EXPECT_CODE(repos_->users.list({}, {1, 201}), "invalid_page_size");
}

TEST_P(UserRepoTest, CountAdminsIgnoresDisabled) {
  User a = add_user("root", auth::Role::kAdmin);
  add_user("root2", auth::Role::kAdmin);
  add_user("agent", auth::Role::kAgent);
  EXPECT_EQ(*repos_->users.count_admins(), 2);
  UserUpdate off;
  off.disabled = true;
  SY_ASSERT_OK(repos_->users.update(a.id, off));
  EXPECT_EQ(*repos_->users.count_admins(), 1);
}

TEST_P(UserRepoTest, SessionsFoundWithUserUntilExpiryOrLogout) {
  User u = add_user("zhang", auth::Role::kAgent);
  Session s{"hash-1", u.id, "csrf-1", clock_.now(), clock_.now() + std::chrono::hours(8)};
  SY_ASSERT_OK(repos_->sessions.create(s));
  auto found = repos_->sessions.find_active("hash-1", clock_.now());
  SY_ASSERT_OK(found);
  EXPECT_EQ(found->session.csrf_token, "csrf-1");
  EXPECT_EQ(found->user.username, "zhang");
  SY_EXPECT_CODE(repos_->sessions.find_active("hash-1", clock_.now() + std::chrono::hours(9)),
                 "session_not_found");
  SY_EXPECT_CODE(repos_->sessions.find_active("other", clock_.now()), "session_not_found");

  SY_ASSERT_OK(repos_->sessions.remove("hash-1"));
  SY_EXPECT_CODE(repos_->sessions.find_active("hash-1", clock_.now()), "session_not_found");

  Session bad{"hash-x", u.id + 50, "c", clock_.now(), clock_.now()};
  SY_EXPECT_CODE(repos_->sessions.create(bad), "user_not_found");
}

TEST_P(UserRepoTest, SessionsRemovedForUserPurgedWhenExpiredAndHiddenWhenDisabled) {
  User u = add_user("zhou", auth::Role::kAgent);
  User v = add_user("sun", auth::Role::kAgent);
  TimePoint now = clock_.now();
  SY_ASSERT_OK(repos_->sessions.create({"a", u.id, "c", now, now + std::chrono::hours(1)}));
  SY_ASSERT_OK(repos_->sessions.create({"b", u.id, "c", now, now + std::chrono::hours(1)}));
  SY_ASSERT_OK(repos_->sessions.create({"c", v.id, "c", now, now + std::chrono::minutes(1)}));
  SY_ASSERT_OK(repos_->sessions.create({"d", v.id, "c", now, now + std::chrono::hours(2)}));
  EXPECT_EQ(*repos_->sessions.remove_all_for_user(u.id), 2);
  EXPECT_EQ(*repos_->sessions.purge_expired(now + std::chrono::minutes(5)), 1);
  SY_ASSERT_OK(repos_->sessions.find_active("d", now));
  UserUpdate off;
  off.disabled = true;
  SY_ASSERT_OK(repos_->users.update(v.id, off));
  SY_EXPECT_CODE(repos_->sessions.find_active("d", now), "session_not_found");
}

SY_STORE_TEST_BOTH_BACKENDS(UserRepoTest);

}  // namespace
}  // namespace sy::store::testing
