#include "auth/lockout.h"

#include <gtest/gtest.h>

namespace sy::auth {
namespace {

using std::chrono::minutes;

TEST(Lockout, FifthFailureLocksForFifteenMinutes) {
  ManualClock clock(from_unix_ms(1'000'000));
  LockoutPolicy policy;
  LoginCounters c;
  for (int i = 0; i < 4; ++i) {
    c = after_failure(c, policy, clock.now());
    EXPECT_FALSE(is_locked(c, clock.now()));
  }
  c = after_failure(c, policy, clock.now());
  EXPECT_TRUE(is_locked(c, clock.now()));
  clock.advance(minutes(14));
  EXPECT_TRUE(is_locked(c, clock.now()));
  clock.advance(minutes(1));
  EXPECT_FALSE(is_locked(c, clock.now()));
}

TEST(Lockout, FailuresAfterTheLockEndsCountAfresh) {
  ManualClock clock(from_unix_ms(0));
  LockoutPolicy policy;
  LoginCounters c;
  for (int i = 0; i < 5; ++i) c = after_failure(c, policy, clock.now());
  clock.advance(minutes(16));
  c = after_failure(c, policy, clock.now());
  EXPECT_FALSE(is_locked(c, clock.now()));
  EXPECT_EQ(c.failed_logins, 1);
}

TEST(Lockout, SuccessClearsTheCount) {
  LoginCounters c = after_success();
  EXPECT_EQ(c.failed_logins, 0);
  EXPECT_FALSE(c.locked_until.has_value());
}

}  // namespace
}  // namespace sy::auth
