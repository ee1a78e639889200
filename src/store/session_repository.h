// Sign-in sessions: the hashed cookie token, its CSRF token and expiry, looked up together with
// the user in one query on every authenticated request.
#pragma once

#include <cstdint>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

class SessionRepository {
 public:
  explicit SessionRepository(Database& db) : db_(db) {}

  // not_found "user_not_found" when user_id does not exist.
  Status create(const Session& session);

  // The session and its user when the token hash exists and has not expired at `now`;
  // unauthenticated "session_not_found" otherwise (also for a disabled user).
  Result<SessionWithUser> find_active(const std::string& token_hash, TimePoint now);

  // Logout; removing an unknown token is not an error.
  Status remove(const std::string& token_hash);
  // After disabling a user or changing their password. Returns how many were removed.
  Result<std::int64_t> remove_all_for_user(std::int64_t user_id);
  // Removes sessions that expired before `now`. Returns how many were removed.
  Result<std::int64_t> purge_expired(TimePoint now);

 private:
  Database& db_;
};

}  // namespace sy::store
