// The work-order deadline sweep: the engine's deadline check on every order due for one, with
// its audit rows (warn, escalate) and SMS to the assignee, in one unit of work.
#include <chrono>
#include <cstdio>

#include "store/sql_support.h"
#include "store/work_order_rows.h"

namespace sy::store {
namespace {

// "11月23日 14:30" in the centre's local time.
std::string local_time_text(TimePoint t, int utc_offset_minutes) {
  auto local = std::chrono::floor<std::chrono::minutes>(t) + std::chrono::minutes(utc_offset_minutes);
  auto day = std::chrono::floor<std::chrono::days>(local);
  std::chrono::year_month_day ymd{day};
  std::chrono::hh_mm_ss hms{local - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%u月%u日 %02d:%02d", static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<int>(hms.hours().count()),
                static_cast<int>(hms.minutes().count()));
  return buf;
}

Result<std::string> region_name(Connection& conn, const std::string& code) {
  Value p[] = {Value{code}};
  auto row = conn.query_one("SELECT name FROM regions WHERE code = $1", p);
  if (!row.ok()) return row.error();
  return *row ? (*row)->text(0) : code;
}

}  // namespace

using work_order_rows::append_transition;
using work_order_rows::decode;
using work_order_rows::kColumns;
using work_order_rows::kFrom;
using work_order_rows::queue_sms;
using work_order_rows::save_progress;

Result<std::vector<DeadlineNotice>> WorkOrderRepository::check_deadlines(TimePoint now, int limit) {
  std::vector<DeadlineNotice> out;
  Status st = db_.write([&](Connection& conn) -> Status {
    out.clear();
    static const std::string kSql = std::string("SELECT ") + kColumns + kFrom +
                                    " WHERE w.next_check_at IS NOT NULL AND w.next_check_at <= $1"
                                    " ORDER BY w.next_check_at LIMIT $2";
    Value p[] = {sql::ms(now), Value{std::int64_t{limit}}};
    auto rows = conn.query(kSql, p);
    if (!rows.ok()) return rows.error();
    const bool sms = sms_.load();
    int utc_offset = 8 * 60;
    if (sms && !rows->empty()) {
      auto cal = WorkOrderTypeRepository::load_calendar(conn);
      if (!cal.ok()) return cal.error();
      utc_offset = cal->utc_offset_minutes();
    }
    for (const Row& row : *rows) {
      WorkOrder o = decode(row);
      workflow::DeadlineCheck check = workflow::check_deadlines(o.progress, now);
      SY_TRY(save_progress(conn, o.id, check.progress, o.assignee_user_id, now));
      for (const auto& e : check.events) {
        if (e.kind != workflow::DeadlineEventKind::kWarning) continue;
        std::string note = std::string(e.overall ? "overall" : "step") + " deadline " +
                           format_rfc3339(e.due_at) + " is 80 % gone";
        SY_TRY(append_transition(conn, o.id, now, std::nullopt, o.progress.state,
                                 o.progress.state, "warn", note));
      }
      if (check.escalated) {
        SY_TRY(append_transition(conn, o.id, now, std::nullopt, o.progress.state,
                                 check.progress.state, "escalate",
                                 "deadline missed; raised to " +
                                     check.progress.responsible_region));
      }
      if (check.events.empty()) continue;
      if (sms && o.assignee_user_id) {
        auto type = WorkOrderTypeRepository::load(conn, o.type_code, /*enabled_only=*/false);
        if (!type.ok()) return type.error();
        std::string type_name = *type ? (*type)->name : o.type_code;
        if (check.escalated) {
          auto level = region_name(conn, check.progress.responsible_region);
          if (!level.ok()) return level.error();
          SY_TRY(queue_sms(conn, *o.assignee_user_id, "work_order.overdue", o, type_name, *level,
                           now));
        } else {
          TimePoint due = check.events.front().due_at;
          SY_TRY(queue_sms(conn, *o.assignee_user_id, "work_order.warning", o, type_name,
                           local_time_text(due, utc_offset), now));
        }
      }
      WorkOrder after = o;
      after.progress = check.progress;
      after.next_check_at = check.next_check_at;
      after.updated_at = now;
      out.push_back(DeadlineNotice{o.id, o.number, check.events, check.escalated,
                                   check.progress.responsible_region, o.assignee_user_id,
                                   std::move(after)});
    }
    return ok_status();
  });
  if (!st.ok()) return st.error();
  return out;
}

}  // namespace sy::store
