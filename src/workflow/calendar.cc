#include "workflow/calendar.h"

#include <cstdio>

namespace sy::workflow {

using std::chrono::sys_days;

std::string_view to_string(DeadlineUnit u) {
  switch (u) {
    case DeadlineUnit::kMinutes: return "minutes";
    case DeadlineUnit::kHours: return "hours";
    case DeadlineUnit::kDays: return "days";
    case DeadlineUnit::kWorkingDays: return "working_days";
  }
  return "hours";
}

std::optional<DeadlineUnit> parse_deadline_unit(std::string_view text) {
  for (DeadlineUnit u : {DeadlineUnit::kMinutes, DeadlineUnit::kHours, DeadlineUnit::kDays,
                         DeadlineUnit::kWorkingDays})
    if (to_string(u) == text) return u;
  return std::nullopt;
}

std::optional<sys_days> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  auto num = [&](std::size_t from, std::size_t len) {
    int v = 0;
    for (std::size_t i = from; i < from + len; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  std::chrono::year_month_day ymd{std::chrono::year{num(0, 4)},
                                  std::chrono::month{static_cast<unsigned>(num(5, 2))},
                                  std::chrono::day{static_cast<unsigned>(num(8, 2))}};
  if (!ymd.ok()) return std::nullopt;
  return sys_days{ymd};
}

std::string format_date(sys_days d) {
  std::chrono::year_month_day ymd{d};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Status BusinessCalendar::add_holiday(std::string_view date) {
  auto d = parse_date(date);
  if (!d)
    return make_error(ErrorKind::kInvalidInput, "invalid_date",
                      std::string("'").append(date).append("' is not a date YYYY-MM-DD"));
  holidays_.insert(*d);
  return ok_status();
}

Status BusinessCalendar::add_make_up_workday(std::string_view date) {
  auto d = parse_date(date);
  if (!d)
    return make_error(ErrorKind::kInvalidInput, "invalid_date",
                      std::string("'").append(date).append("' is not a date YYYY-MM-DD"));
  make_up_workdays_.insert(*d);
  return ok_status();
}

bool BusinessCalendar::is_working_day(sys_days d) const {
  if (make_up_workdays_.count(d)) return true;
  if (holidays_.count(d)) return false;
  std::chrono::weekday wd{d};
  return wd != std::chrono::Saturday && wd != std::chrono::Sunday;
}

sys_days BusinessCalendar::local_date(TimePoint t) const {
  auto local = t + std::chrono::minutes(utc_offset_minutes_);
  return std::chrono::floor<std::chrono::days>(local);
}

sys_days BusinessCalendar::next_working_day(sys_days after) const {
  sys_days d = after + std::chrono::days(1);
  // A holiday season is at most a few weeks; a year without a working day is a broken calendar.
  for (int i = 0; i < 366 && !is_working_day(d); ++i) d += std::chrono::days(1);
  return d;
}

TimePoint BusinessCalendar::deadline(TimePoint start, const DeadlineSpec& spec) const {
  switch (spec.unit) {
    case DeadlineUnit::kMinutes: return start + std::chrono::minutes(spec.amount);
    case DeadlineUnit::kHours: return start + std::chrono::hours(spec.amount);
    case DeadlineUnit::kDays: return start + std::chrono::days(spec.amount);
    case DeadlineUnit::kWorkingDays: break;
  }
  const auto offset = std::chrono::minutes(utc_offset_minutes_);
  TimePoint local = start + offset;
  sys_days day = std::chrono::floor<std::chrono::days>(local);
  Duration time_of_day = local - TimePoint(day);
  if (!is_working_day(day)) {
    // Raised on a day off: counting starts when the next working day begins.
    day = next_working_day(day) - std::chrono::days(1);
    time_of_day = std::chrono::hours(24);
  }
  for (std::int64_t i = 0; i < spec.amount; ++i) day = next_working_day(day);
  return TimePoint(day) + time_of_day - offset;
}

std::vector<std::string> BusinessCalendar::holidays() const {
  std::vector<std::string> out;
  for (sys_days d : holidays_) out.push_back(format_date(d));
  return out;
}

std::vector<std::string> BusinessCalendar::make_up_workdays() const {
  std::vector<std::string> out;
  for (sys_days d : make_up_workdays_) out.push_back(format_date(d));
  return out;
}

}  // namespace sy::workflow
