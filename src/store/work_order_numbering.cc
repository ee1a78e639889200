// Work-order numbers: GD, the local day (YYYYMMDD) and a six-digit sequence of the day, kept in
// memory and read back from the database at a new day or when another process took a number.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "store/sql_support.h"
#include "store/work_order_rows.h"

namespace sy::store {
namespace work_order_rows {

std::string number_day(const workflow::BusinessCalendar& cal, TimePoint now) {
  std::string day = workflow::format_date(cal.local_date(now));
  day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
  return day;
}

}  // namespace work_order_rows

Result<std::string> WorkOrderRepository::next_number(Connection& conn, const std::string& day,
                                                     bool reload) {
  std::lock_guard lock(numbers_mu_);
  if (reload || numbers_day_ != day) {
    // The highest number of the day written so far (and the counter older versions and the
    // demo loader keep).
    std::string low = "GD" + day + "000000";
    std::string high = "GD" + day + "999999";
    Value p[] = {Value{low}, Value{high}, Value{day}};
    auto row = conn.query_one(
        "SELECT (SELECT MAX(number) FROM work_orders WHERE number >= $1 AND number <= $2), "
        "(SELECT last_seq FROM work_order_counters WHERE day = $3)",
        p);
    if (!row.ok()) return row.error();
    std::int64_t last = 0;
    if (auto top = (*row)->opt_text(0); top && top->size() == low.size())
      last = std::strtoll(top->c_str() + 10, nullptr, 10);
    if (auto counter = (*row)->opt_i64(1)) last = std::max(last, *counter);
    numbers_day_ = day;
    numbers_last_ = last;
  }
  char seq[24];
  std::snprintf(seq, sizeof seq, "%06lld", static_cast<long long>(++numbers_last_));
  std::string number("GD");
  number += day;
  number += seq;
  return number;
}

}  // namespace sy::store
