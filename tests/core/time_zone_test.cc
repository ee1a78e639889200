#include "core/time_zone.h"

#include <gtest/gtest.h>

namespace sy {
namespace {

TEST(TimeZone, OffsetsComeFromTheSystemTzDatabase) {
  TimePoint winter = from_unix_ms(1795336200000);  // 2026-11-22T08:30Z
  TimePoint summer = from_unix_ms(1784709000000);  // 2026-07-22T08:30Z
  EXPECT_EQ(zone_offset_minutes("Asia/Shanghai", winter), 480);
  EXPECT_EQ(zone_offset_minutes("Asia/Kolkata", winter), 330);
  EXPECT_EQ(zone_offset_minutes("Asia/Kathmandu", winter), 345);
  EXPECT_EQ(zone_offset_minutes("UTC", winter), 0);
  EXPECT_EQ(zone_offset_minutes("Etc/GMT+5", winter), -300);
  // Daylight saving time: the offset of the season.
  EXPECT_EQ(zone_offset_minutes("Europe/Berlin", winter), 60);
  EXPECT_EQ(zone_offset_minutes("Europe/Berlin", summer), 120);
  // China kept summer time in 1986-1991 and not since.
  EXPECT_EQ(zone_offset_minutes("Asia/Shanghai", summer), 480);
}

TEST(TimeZone, UnknownOrUnsafeNamesHaveNoOffset) {
  TimePoint t = from_unix_ms(1795336200000);
  EXPECT_FALSE(zone_offset_minutes("Mars/Olympus_Mons", t));
  EXPECT_FALSE(zone_offset_minutes("../../etc/passwd", t));
  EXPECT_FALSE(zone_offset_minutes("/etc/passwd", t));
  EXPECT_FALSE(zone_offset_minutes("", t));
  EXPECT_FALSE(zone_offset_minutes("Asia/Shanghai", t, "/nonexistent"));
}

}  // namespace
}  // namespace sy
