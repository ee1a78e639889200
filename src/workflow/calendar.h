// The centre's business calendar: which local days are working days (weekdays, minus public
// holidays, plus the weekend make-up days China moves work to), and deadlines computed in it.
// Repair deadlines run around the clock (minutes/hours); office work counts working days.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace sy::workflow {

enum class DeadlineUnit {
  kMinutes,      // around the clock (24 h service: repair)
  kHours,        // around the clock
  kDays,         // calendar days
  kWorkingDays,  // the same local time N working days later
};

std::string_view to_string(DeadlineUnit u);
std::optional<DeadlineUnit> parse_deadline_unit(std::string_view text);

struct DeadlineSpec {
  std::int64_t amount = 0;  // > 0
  DeadlineUnit unit = DeadlineUnit::kHours;
  bool operator==(const DeadlineSpec&) const = default;
};

class BusinessCalendar {
 public:
  // China Standard Time (UTC+8, no daylight saving) with Saturday and Sunday off.
  BusinessCalendar() = default;
  explicit BusinessCalendar(int utc_offset_minutes) : utc_offset_minutes_(utc_offset_minutes) {}

  // Dates "YYYY-MM-DD"; invalid_input "invalid_date" naming the text.
  Status add_holiday(std::string_view date);
  Status add_make_up_workday(std::string_view date);  // a weekend day that is worked (调休)

  bool is_working_day(std::chrono::sys_days local_date) const;
  // The local calendar date of an instant.
  std::chrono::sys_days local_date(TimePoint t) const;

  // When a deadline of `spec` that starts at `start` falls due. For working days: counted from
  // the start's local day; an order raised on a non-working day starts counting at the
  // beginning of the next working day, so "1 working day" then ends as that day ends.
  TimePoint deadline(TimePoint start, const DeadlineSpec& spec) const;

  int utc_offset_minutes() const { return utc_offset_minutes_; }
  std::vector<std::string> holidays() const;
  std::vector<std::string> make_up_workdays() const;

 private:
  std::chrono::sys_days next_working_day(std::chrono::sys_days after) const;

  int utc_offset_minutes_ = 8 * 60;
  std::set<std::chrono::sys_days> holidays_;
  std::set<std::chrono::sys_days> make_up_workdays_;
};

// "YYYY-MM-DD" → a date; nullopt when malformed or not a real date.
std::optional<std::chrono::sys_days> parse_date(std::string_view text);
std::string format_date(std::chrono::sys_days d);

}  // namespace sy::workflow
