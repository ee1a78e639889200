// The business calendar: working days skip weekends and holidays, make-up days count, and
// deadlines in working days land where an agent would expect them.
#include <gtest/gtest.h>

#include "workflow/calendar.h"

namespace sy::workflow {
namespace {

TimePoint at(const char* rfc3339) {
  TimePoint t;
  EXPECT_TRUE(parse_rfc3339(rfc3339, &t)) << rfc3339;
  return t;
}

const DeadlineSpec kOneWorkingDay{1, DeadlineUnit::kWorkingDays};

TEST(Calendar, AroundTheClockUnitsIgnoreWeekends) {
  BusinessCalendar cal;
  TimePoint sat = at("2026-11-28T23:50:00+08:00");
  EXPECT_EQ(cal.deadline(sat, {45, DeadlineUnit::kMinutes}), at("2026-11-29T00:35:00+08:00"));
  EXPECT_EQ(cal.deadline(sat, {3, DeadlineUnit::kHours}), at("2026-11-29T02:50:00+08:00"));
  EXPECT_EQ(cal.deadline(sat, {7, DeadlineUnit::kDays}), at("2026-12-05T23:50:00+08:00"));
}

TEST(Calendar, WorkingDaysSkipTheWeekend) {
  BusinessCalendar cal;
  // Friday afternoon + 1 working day = Monday afternoon.
  EXPECT_EQ(cal.deadline(at("2026-11-27T15:00:00+08:00"), kOneWorkingDay),
            at("2026-11-30T15:00:00+08:00"));
  // Monday + 7 working days = Wednesday of the next week.
  EXPECT_EQ(cal.deadline(at("2026-11-23T10:00:00+08:00"), {7, DeadlineUnit::kWorkingDays}),
            at("2026-12-02T10:00:00+08:00"));
}

TEST(Calendar, LocalDayNotUtcDay) {
  BusinessCalendar cal;
  // 2026-11-27 23:30 in Fuzhou is still Friday although UTC says 15:30 the same day; and
  // Saturday 07:00 local (Friday 23:00 UTC) is a day off.
  EXPECT_TRUE(cal.is_working_day(cal.local_date(at("2026-11-27T23:30:00+08:00"))));
  EXPECT_FALSE(cal.is_working_day(cal.local_date(at("2026-11-28T07:00:00+08:00"))));
}

TEST(Calendar, HolidaysAndMakeUpDays) {
  BusinessCalendar cal;
  // National Day week 2026: 10-01..10-07 off, Saturday 10-10 worked.
  for (int d = 1; d <= 7; ++d) {
    ASSERT_TRUE(cal.add_holiday("2026-10-0" + std::to_string(d)).ok());
  }
  ASSERT_TRUE(cal.add_make_up_workday("2026-10-10").ok());
  // Wednesday 09-30 + 1 working day → Thursday 10-08.
  EXPECT_EQ(cal.deadline(at("2026-09-30T16:00:00+08:00"), kOneWorkingDay),
            at("2026-10-08T16:00:00+08:00"));
  // Friday 10-09 + 1 working day → the make-up Saturday 10-10.
  EXPECT_EQ(cal.deadline(at("2026-10-09T11:00:00+08:00"), kOneWorkingDay),
            at("2026-10-10T11:00:00+08:00"));
  // Raised during the holiday: counting starts on 10-08, so one working day ends as it ends.
  EXPECT_EQ(cal.deadline(at("2026-10-03T09:00:00+08:00"), kOneWorkingDay),
            at("2026-10-09T00:00:00+08:00"));
  EXPECT_EQ(cal.holidays().front(), "2026-10-01");
  EXPECT_EQ(cal.make_up_workdays(), std::vector<std::string>{"2026-10-10"});
}

TEST(Calendar, BadDatesAreRefused) {
  BusinessCalendar cal;
  auto st = cal.add_holiday("2026-02-30");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "invalid_date");
  EXPECT_NE(st.error().message.find("2026-02-30"), std::string::npos);
  EXPECT_FALSE(cal.add_make_up_workday("10/10/2026").ok());
  EXPECT_FALSE(parse_date("2026-1-01"));
  EXPECT_EQ(format_date(*parse_date("2026-01-05")), "2026-01-05");
}

}  // namespace
}  // namespace sy::workflow
