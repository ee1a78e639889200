#include "core/clock.h"

#include <gtest/gtest.h>

namespace sy {
namespace {

TEST(Rfc3339, FormatsUtcWithMilliseconds) {
  TimePoint t = from_unix_ms(1795336200123);  // 2026-11-22T08:30:00.123Z
  EXPECT_EQ(format_rfc3339(t), "2026-11-22T08:30:00.123Z");
}

TEST(Rfc3339, ParsesOffsetsToUtc) {
  TimePoint t;
  ASSERT_TRUE(parse_rfc3339("2026-11-22T16:30:00+08:00", &t));
  EXPECT_EQ(format_rfc3339(t), "2026-11-22T08:30:00.000Z");
  ASSERT_TRUE(parse_rfc3339("2026-11-22T08:30:00.5Z", &t));
  EXPECT_EQ(format_rfc3339(t), "2026-11-22T08:30:00.500Z");
}

TEST(Rfc3339, RejectsMalformed) {
  TimePoint t;
  EXPECT_FALSE(parse_rfc3339("", &t));
  EXPECT_FALSE(parse_rfc3339("2026-13-01T00:00:00Z", &t));
  EXPECT_FALSE(parse_rfc3339("2026-02-30T00:00:00Z", &t));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T08:30:00", &t));
  EXPECT_FALSE(parse_rfc3339("2026-11-22T08:30:00Zjunk", &t));
}

TEST(ManualClock, AdvancesOnlyWhenTold) {
  ManualClock clock(from_unix_ms(1000));
  EXPECT_EQ(to_unix_ms(clock.now()), 1000);
  clock.advance(std::chrono::seconds(5));
  EXPECT_EQ(to_unix_ms(clock.now()), 6000);
}

}  // namespace
}  // namespace sy
