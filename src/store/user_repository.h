// Users: accounts of the people who sign in (agents, supervisors, admins…), with their role,
// region binding, extension and sign-in lockout counters. All SQL about users lives here.
#pragma once

#include <cstdint>
#include <string>

#include "auth/lockout.h"
#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

class UserRepository {
 public:
  UserRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Errors: invalid_input "invalid_username" (1..64 chars of [A-Za-z0-9._-]),
  // "invalid_password_hash" (empty); conflict "username_taken", "extension_taken";
  // not_found "region_not_found".
  Result<User> create(const NewUser& user);

  // not_found "user_not_found".
  Result<User> get(std::int64_t id);
  Result<User> get_by_username(const std::string& username);

  // Ordered by username.
  Result<PageResult<User>> list(const UserFilter& filter, const PageRequest& page);

  // Same errors as create, plus user_not_found. A new password_hash resets the lockout.
  Result<User> update(std::int64_t id, const UserUpdate& update);

  // Counts a failed sign-in with the pure lockout rules (auth/lockout.h) in one write, so two
  // concurrent failures both count. Returns the counters after it.
  Result<auth::LoginCounters> record_login_failure(std::int64_t id,
                                                   const auth::LockoutPolicy& policy);
  // Clears the counters after a successful sign-in.
  Status record_login_success(std::int64_t id);

  // Admins that can still sign in (not disabled), so the last one cannot be demoted/disabled.
  Result<std::int64_t> count_admins();

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
