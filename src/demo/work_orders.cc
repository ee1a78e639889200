// Demo work orders (see work_orders.h).
#include "demo/work_orders.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>

#include "workflow/engine.h"

namespace sy::demo {
namespace {

using store::Value;
using workflow::Action;
using workflow::OrderState;

struct TypeWeight {
  const char* code;
  int weight;
  const char* description;
};
constexpr TypeWeight kMix[] = {
    {"repair", 35, "家中突然停电，邻居家也没电"},
    {"complaint", 10, "抢修人员到达时间过长，要求给个说法"},
    {"inquiry", 20, "咨询峰谷分时电价的计费方式"},
    {"business_change", 8, "申请办理业务变更"},
    {"new_installation", 5, "新建住宅申请低压用电"},
    {"arrears", 8, "已缴清电费，询问何时复电"},
    {"report", 3, "举报有人私拉乱接电线"},
    {"suggestion", 5, "建议增加线上缴费渠道的提醒"},
    {"praise", 4, "表扬抢修班夜间冒雨抢修"},
    {"outage_notice", 2, "线路检修停电通知"},
};

const workflow::OrderType& shipped(const std::string& code) {
  for (const auto& t : workflow::shipped_order_types())
    if (t.code == code) return t;
  return workflow::shipped_order_types().front();
}

Value opt_ms(const std::optional<TimePoint>& t) {
  return t ? Value{to_unix_ms(*t)} : Value{};
}
Value flag(bool b) { return Value{std::int64_t{b ? 1 : 0}}; }
Value state_text(OrderState s) { return Value{std::string(workflow::to_string(s))}; }

Status install_types(store::Connection& conn, std::int64_t now_ms) {
  for (const auto& t : workflow::shipped_order_types()) {
    Value p[] = {Value{t.code}, Value{t.name}, Value{t.category},
                 Value{workflow::to_json(t).dump()}, Value{now_ms}};
    auto r = conn.exec(
        "INSERT INTO work_order_types (code, name, category, definition, enabled, shipped, "
        "updated_at) VALUES ($1, $2, $3, $4, 1, 1, $5) ON CONFLICT (code) DO NOTHING",
        p);
    if (!r) return r.error();
  }
  return ok_status();
}

// The actions that carry an order of `type` from new to closed, in order.
std::vector<Action> closed_loop(const workflow::OrderType& type) {
  std::vector<Action> out;
  if (type.resolve_on_call) {
    out = {Action::kResolve};
  } else {
    out.push_back(Action::kDispatch);
    for (std::size_t i = 0; i < type.steps.size(); ++i) {
      out.push_back(Action::kAccept);
      out.push_back(Action::kStart);
      out.push_back(Action::kResolve);
    }
  }
  if (type.return_visit) out.push_back(Action::kVisit);
  out.push_back(Action::kClose);
  return out;
}

struct Transition {
  TimePoint at;
  std::optional<OrderState> from;
  OrderState to;
  std::string action;
};

}  // namespace

Result<std::int64_t> load_work_orders(store::Connection& conn, const DemoOptions& demo) {
  SY_TRY(install_types(conn, demo.now_ms));
  const std::int64_t count = std::min<std::int64_t>(3000, demo.customers / 10);
  if (count <= 0) return std::int64_t{0};
  std::mt19937_64 rng(demo.seed * 7919 + 3);
  int total_weight = 0;
  for (const auto& m : kMix) total_weight += m.weight;
  const TimePoint now = from_unix_ms(demo.now_ms);
  workflow::BusinessCalendar cal;
  std::map<std::string, std::int64_t> seq_by_day;
  std::int64_t written = 0;
  for (std::int64_t i = 0; i < count; ++i) {
    std::int64_t customer_id = 1 + static_cast<std::int64_t>(rng() % demo.customers);
    Value cp[] = {Value{customer_id}};
    auto row = conn.query_one(
        "SELECT c.region_code, r.area_class, a.id, a.account_no, p.phone FROM customers c "
        "JOIN regions r ON r.code = c.region_code "
        "LEFT JOIN accounts a ON a.id = (SELECT MIN(id) FROM accounts WHERE customer_id = c.id) "
        "LEFT JOIN customer_phones p ON p.phone = (SELECT MIN(phone) FROM customer_phones "
        "WHERE customer_id = c.id) AND p.customer_id = c.id "
        "WHERE c.id = $1",
        cp);
    if (!row) return row.error();
    if (!*row) continue;
    int pick = static_cast<int>(rng() % static_cast<unsigned>(total_weight));
    const TypeWeight* mix = &kMix[0];
    for (const auto& m : kMix) {
      if (pick < m.weight) {
        mix = &m;
        break;
      }
      pick -= m.weight;
    }
    const workflow::OrderType& type = shipped(mix->code);
    TimePoint t = now - std::chrono::minutes(rng() % (30 * 24 * 60));
    workflow::NewOrderFacts facts;
    facts.has_customer = true;
    if (!type.subtypes.empty()) facts.subtype = type.subtypes[rng() % type.subtypes.size()].code;
    if (!(*row)->is_null(2)) facts.account_no = (*row)->text(3);
    facts.description = mix->description;
    facts.region_code = (*row)->text(0);
    facts.area_class = (*row)->text(1);
    auto plan = workflow::plan_new_order(type, facts, cal, t);
    if (!plan) continue;  // e.g. a business change without an account
    workflow::OrderProgress p = plan->progress;
    std::vector<Transition> trail = {{t, std::nullopt, p.state, "create"}};
    // Recent orders are mostly still open; older ones mostly closed.
    std::vector<Action> loop = closed_loop(type);
    std::size_t depth = rng() % (loop.size() + 1);
    if (now - t > std::chrono::hours(24 * 10) && rng() % 4 != 0) depth = loop.size();
    for (std::size_t k = 0; k < depth; ++k) {
      TimePoint next = t + std::chrono::minutes(10 + rng() % 240);
      if (next > now) break;
      auto step = workflow::apply_action(type, p, loop[k], facts.area_class, cal, next);
      if (!step) break;
      trail.push_back({next, p.state, step->progress.state, std::string(workflow::to_string(loop[k]))});
      p = step->progress;
      t = next;
    }
    std::string day = workflow::format_date(cal.local_date(p.created_at));
    day.erase(std::remove(day.begin(), day.end(), '-'), day.end());
    char number[32];
    std::snprintf(number, sizeof number, "GD%s%06lld", day.c_str(),
                  static_cast<long long>(++seq_by_day[day]));
    Value v[] = {Value{std::string(number)},
                 Value{type.code},
                 Value{facts.subtype},
                 Value{customer_id},
                 (*row)->is_null(2) ? Value{} : Value{(*row)->i64(2)},
                 Value{(*row)->text(4)},
                 Value{facts.region_code},
                 Value{facts.area_class},
                 Value{facts.description},
                 Value{std::string(i % 7 == 0 ? "web" : i % 11 == 0 ? "wechat" : "voice")},
                 state_text(p.state),
                 Value{std::int64_t{p.step}},
                 Value{p.department},
                 Value{p.responsible_region},
                 Value{std::int64_t{p.urge_count}},
                 opt_ms(p.step_started_at),
                 opt_ms(p.arrived_at),
                 opt_ms(p.step_window_start),
                 opt_ms(p.step_due_at),
                 flag(p.step_warned),
                 opt_ms(p.due_at),
                 flag(p.overdue),
                 opt_ms(workflow::next_check_at(p)),
                 Value{to_unix_ms(p.created_at)},
                 Value{to_unix_ms(t)},
                 opt_ms(p.resolved_at),
                 opt_ms(p.closed_at)};
    auto id = conn.insert_returning_id(
        "INSERT INTO work_orders (number, type_code, subtype, customer_id, account_id, phone, "
        "region_code, area_class, description, channel, state, step, department, "
        "responsible_region, urge_count, step_started_at, arrived_at, step_window_start, "
        "step_due_at, step_warned, due_at, overdue, next_check_at, created_at, updated_at, "
        "resolved_at, closed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
        "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27) RETURNING id",
        v);
    if (!id) return id.error();
    for (const Transition& tr : trail) {
      Value tv[] = {Value{*id}, Value{to_unix_ms(tr.at)},
                    tr.from ? state_text(*tr.from) : Value{}, state_text(tr.to),
                    Value{tr.action}};
      auto r = conn.exec(
          "INSERT INTO work_order_transitions (order_id, at, from_state, to_state, action) "
          "VALUES ($1, $2, $3, $4, $5)",
          tv);
      if (!r) return r.error();
    }
    ++written;
  }
  for (const auto& [day, seq] : seq_by_day) {
    Value p[] = {Value{day}, Value{seq}};
    auto r = conn.exec(
        "INSERT INTO work_order_counters (day, last_seq) VALUES ($1, $2) ON CONFLICT (day) "
        "DO UPDATE SET last_seq = excluded.last_seq",
        p);
    if (!r) return r.error();
  }
  return written;
}

}  // namespace sy::demo
