// Lockout after repeated failed sign-ins: pure rules over the stored counters and the time.
#pragma once

#include <optional>

#include "core/clock.h"

namespace sy::auth {

struct LockoutPolicy {
  int max_failures = 5;
  Duration lock_for = std::chrono::minutes(15);
};

struct LoginCounters {
  int failed_logins = 0;
  std::optional<TimePoint> locked_until;
};

inline bool is_locked(const LoginCounters& c, TimePoint now) {
  return c.locked_until && now < *c.locked_until;
}

// After a wrong password: count it; the failure that reaches the limit locks the account and
// starts a fresh count for when the lock ends.
inline LoginCounters after_failure(LoginCounters c, const LockoutPolicy& policy, TimePoint now) {
  if (c.locked_until && now >= *c.locked_until) c = {};
  if (++c.failed_logins >= policy.max_failures) {
    c.failed_logins = 0;
    c.locked_until = now + policy.lock_for;
  }
  return c;
}

inline LoginCounters after_success() { return {}; }

}  // namespace sy::auth
