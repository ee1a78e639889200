// Historical reports: GET /api/v1/reports/{name} over the summary tables the server folds from
// call records, agent states and work-order audit rows (store/report_repository). Periods are
// in the centre's time zone; regions roll up county → city → province by their codes; a
// region-bound user sees only their subtree. format=csv|xlsx|pdf exports the same table.
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>

#include "api/report_table.h"
#include "api/routes.h"
#include "api/session.h"

namespace sy::api {
namespace {

using auth::Permission;
using store::AgentTimeSums;
using store::CallSums;
using store::ReportGrain;
using store::ReportKey;
using store::WorkOrderSums;

constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
constexpr std::int64_t k15Ms = 15LL * 60 * 1000;
constexpr std::int64_t kMax15MinRangeMs = 93 * kDayMs;
constexpr std::int64_t kMaxRangeMs = 20 * 366 * kDayMs;

enum class Group { k15Min, kHour, kDay, kMonth, kYear, kQueue, kAgent, kRegion, kType };

struct GroupName {
  Group group;
  const char* name;
  const char* zh;
  const char* en;
};
constexpr GroupName kGroups[] = {
    {Group::k15Min, "15min", "按15分钟", "by 15 minutes"}, {Group::kHour, "hour", "按小时", "by hour"},
    {Group::kDay, "day", "按日", "by day"},               {Group::kMonth, "month", "按月", "by month"},
    {Group::kYear, "year", "按年", "by year"},            {Group::kQueue, "queue", "按队列", "by queue"},
    {Group::kAgent, "agent", "按坐席", "by agent"},       {Group::kRegion, "region", "按地区", "by region"},
    {Group::kType, "type", "按工单类型", "by order type"},
};

bool is_time(Group g) { return g <= Group::kYear; }

enum class Kind { kServiceLevel, kAgentPerformance, kIvr, kWorkOrders, kReturnVisits };
struct ReportSpec {
  Kind kind;
  const char* name;
  const char* zh;
  const char* en;
  Group default_group;
  std::vector<Group> extra_groups;  // besides the time groups
};
const ReportSpec kReports[] = {
    {Kind::kServiceLevel, "service-level", "服务水平报表", "Service level", Group::kHour,
     {Group::kQueue, Group::kAgent, Group::kRegion}},
    {Kind::kAgentPerformance, "agent-performance", "坐席绩效报表", "Agent performance",
     Group::kAgent, {Group::kAgent}},
    {Kind::kIvr, "ivr", "IVR自助服务报表", "IVR self-service", Group::kDay, {Group::kRegion}},
    {Kind::kWorkOrders, "work-orders", "工单统计报表", "Work orders", Group::kType,
     {Group::kType, Group::kRegion}},
    {Kind::kReturnVisits, "return-visits", "回访满意度报表", "Return-visit satisfaction",
     Group::kType, {Group::kType, Group::kRegion}},
};

struct Params {
  const ReportSpec* spec = nullptr;
  Group group = Group::kDay;
  TimePoint from, to;
  ReportGrain grain = ReportGrain::kDay;
  std::string region;  // the region asked for (or the user's); "" = the whole centre
  store::RegionScope scope;
  bool en = false;
  std::string format = "json";
  int offset_min = 480;
};

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

struct Civil {
  int y;
  unsigned m, d;
  int hh, mm;
};
Civil civil(std::int64_t ms, int offset_min) {
  std::int64_t local = ms + std::int64_t{offset_min} * 60000;
  std::int64_t days = floor_div(local, kDayMs);
  std::int64_t rem = local - days * kDayMs;
  std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{days}}};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day()), static_cast<int>(rem / 3600000),
          static_cast<int>((rem / 60000) % 60)};
}

std::string period_label(std::int64_t ms, int offset_min, Group g) {
  Civil c = civil(ms, offset_min);
  char buf[40];
  switch (g) {
    case Group::k15Min:
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d", c.y, c.m, c.d, c.hh, c.mm);
      break;
    case Group::kHour:
      std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:00", c.y, c.m, c.d, c.hh);
      break;
    case Group::kMonth: std::snprintf(buf, sizeof buf, "%04d-%02u", c.y, c.m); break;
    case Group::kYear: std::snprintf(buf, sizeof buf, "%04d", c.y); break;
    default: std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", c.y, c.m, c.d); break;
  }
  return buf;
}

// "2026-11-18" as the instant of local midnight.
std::optional<std::int64_t> parse_local_date(const std::string& s, int offset_min) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' ||
      std::sscanf(s.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  std::int64_t days = std::chrono::sys_days{ymd}.time_since_epoch().count();
  return days * kDayMs - std::int64_t{offset_min} * 60000;
}

// A date (local; `to` includes its day) or an RFC 3339 instant.
Result<std::optional<std::int64_t>> bound(const http::Request& req, const char* name,
                                          int offset_min, bool is_to) {
  auto text = req.query_param(name);
  if (!text) return std::optional<std::int64_t>{};
  if (auto day = parse_local_date(*text, offset_min))
    return std::optional<std::int64_t>{*day + (is_to ? kDayMs : 0)};
  TimePoint t;
  if (parse_rfc3339(*text, &t)) return std::optional<std::int64_t>{to_unix_ms(t)};
  return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                    std::string("'") + name + "' must be a date (2026-11-18) or an RFC 3339 time",
                    name);
}

std::int64_t day_floor(std::int64_t ms, int off) { return store::local_day_start(ms, off); }
std::int64_t day_ceil(std::int64_t ms, int off) {
  std::int64_t f = day_floor(ms, off);
  return f == ms ? f : f + kDayMs;
}

Result<Params> read_params(Context& ctx, const http::Request& req) {
  SY_TRY(only_known_params(req, {"from", "to", "group_by", "region", "format", "lang"}));
  Params p;
  p.offset_min = ctx.repos.reports.utc_offset_minutes();
  std::string name(req.param("name"));
  for (const auto& r : kReports)
    if (name == r.name) p.spec = &r;
  if (!p.spec)
    return make_error(ErrorKind::kNotFound, "report_not_found",
                      "no report '" + name +
                          "' (service-level, agent-performance, ivr, work-orders, return-visits)");
  p.group = p.spec->default_group;
  if (auto g = req.query_param("group_by")) {
    bool known = false;
    for (const auto& gn : kGroups) {
      if (*g != gn.name) continue;
      bool allowed = is_time(gn.group);
      for (Group e : p.spec->extra_groups) allowed = allowed || e == gn.group;
      if (!allowed)
        return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                          "the " + name + " report cannot be grouped by " + *g, "group_by");
      p.group = gn.group;
      known = true;
    }
    if (!known)
      return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                        "'group_by' must be 15min, hour, day, month, year, queue, agent, region "
                        "or type",
                        "group_by");
  }
  if (auto f = req.query_param("format")) {
    if (*f != "json" && *f != "csv" && *f != "xlsx" && *f != "pdf")
      return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                        "'format' must be json, csv, xlsx or pdf", "format");
    p.format = *f;
  }
  if (auto l = req.query_param("lang")) {
    if (*l != "zh-CN" && *l != "en-US")
      return make_error(ErrorKind::kInvalidInput, "invalid_parameter",
                        "'lang' must be zh-CN or en-US", "lang");
    p.en = *l == "en-US";
  }
  auto from = bound(req, "from", p.offset_min, false);
  if (!from) return from.error();
  auto to = bound(req, "to", p.offset_min, true);
  if (!to) return to.error();
  std::int64_t today = day_floor(to_unix_ms(ctx.clock.now()), p.offset_min);
  std::int64_t f = from->value_or(today);
  std::int64_t t = to->value_or(std::max(f, today) + kDayMs);
  if (t <= f)
    return make_error(ErrorKind::kInvalidInput, "invalid_range", "'to' must come after 'from'",
                      "to");
  if (t - f > kMaxRangeMs)
    return make_error(ErrorKind::kInvalidInput, "range_too_long",
                      "a report covers at most 20 years", "to");
  bool fine = p.group == Group::k15Min || p.group == Group::kHour;
  bool coarse = p.group == Group::kDay || p.group == Group::kMonth || p.group == Group::kYear;
  bool aligned = day_floor(f, p.offset_min) == f && day_floor(t, p.offset_min) == t;
  p.grain = fine || (!coarse && !aligned) ? ReportGrain::k15Min : ReportGrain::kDay;
  if (p.grain == ReportGrain::k15Min) {
    f = floor_div(f, k15Ms) * k15Ms;
    t = floor_div(t + k15Ms - 1, k15Ms) * k15Ms;
    if (t - f > kMax15MinRangeMs)
      return make_error(ErrorKind::kInvalidInput, "range_too_long",
                        "15-minute and hourly reports (and ranges not on whole days) cover at "
                        "most 93 days; group by day, month or year for longer ranges",
                        "to");
  } else {
    f = day_floor(f, p.offset_min);
    t = day_ceil(t, p.offset_min);
  }
  p.from = from_unix_ms(f);
  p.to = from_unix_ms(t);

  store::RegionScope user_scope = scope_of(req);
  if (auto region = req.query_param("region"); region && !region->empty()) {
    if (!user_scope.contains(*region))
      return make_error(ErrorKind::kForbidden, "region_out_of_scope",
                        "that region is outside yours", "region");
    p.region = *region;
  } else {
    p.region = signed_in(req).user.region_code.value_or("");
  }
  p.scope = store::RegionScope(p.region);
  return p;
}

// The region one level below `parent` on the way to `code` ("" parent: the province).
std::string child_region(const std::string& code, const std::string& parent) {
  if (code.empty()) return code;
  auto up = store::ancestor_codes(code);  // nearest first
  if (parent.empty()) return up.back();
  for (std::size_t i = 0; i < up.size(); ++i)
    if (up[i] == parent) return i == 0 ? code : up[i - 1];
  return code;
}

std::optional<double> ratio(std::int64_t num, std::int64_t den, double scale = 1) {
  if (den <= 0) return std::nullopt;
  return scale * static_cast<double>(num) / static_cast<double>(den);
}

struct Sums {
  CallSums calls;
  AgentTimeSums time;
  bool has_time = false;
  WorkOrderSums orders;
  std::optional<store::QualityAverage> quality;
};

struct Col {
  const char* key;
  const char* zh;
  const char* en;
  const char* unit;
  std::function<std::optional<double>(const Sums&)> value;
};

std::optional<double> n(std::int64_t v) { return static_cast<double>(v); }

std::vector<Col> columns(Kind k) {
  switch (k) {
    case Kind::kServiceLevel:
      return {
          {"offered", "呼入量", "Offered", "count", [](const Sums& s) { return n(s.calls.offered); }},
          {"ivr_contained", "IVR自助完成", "IVR contained", "count",
           [](const Sums& s) { return n(s.calls.ivr_contained); }},
          {"queued", "转人工", "Queued", "count", [](const Sums& s) { return n(s.calls.queued); }},
          {"answered", "接通量", "Answered", "count",
           [](const Sums& s) { return n(s.calls.answered); }},
          {"abandoned", "放弃量", "Abandoned", "count",
           [](const Sums& s) { return n(s.calls.abandoned); }},
          {"short_abandoned", "短时放弃(<5秒)", "Short abandons (<5 s)", "count",
           [](const Sums& s) { return n(s.calls.short_abandoned); }},
          {"answer_rate", "接通率%", "Answer rate %", "percent",
           [](const Sums& s) { return ratio(s.calls.answered, s.calls.queued, 100); }},
          {"service_level", "服务水平%", "Service level %", "percent",
           [](const Sums& s) {
             return ratio(s.calls.answered_in_sl, s.calls.queued - s.calls.short_abandoned, 100);
           }},
          {"asa_s", "平均应答(秒)", "ASA (s)", "seconds",
           [](const Sums& s) { return ratio(s.calls.wait_answer_s, s.calls.answered); }},
          {"avg_talk_s", "平均通话(秒)", "Avg talk (s)", "seconds",
           [](const Sums& s) { return ratio(s.calls.talk_s + s.calls.hold_s, s.calls.answered); }},
          {"transfers", "转接", "Transfers", "count",
           [](const Sums& s) { return n(s.calls.transfers); }},
          {"callbacks", "回呼", "Callbacks", "count",
           [](const Sums& s) { return n(s.calls.callbacks); }},
      };
    case Kind::kAgentPerformance:
      return {
          {"answered", "接通量", "Answered", "count",
           [](const Sums& s) { return n(s.calls.answered); }},
          {"talk_h", "通话时长(小时)", "Talk (h)", "hours",
           [](const Sums& s) { return ratio(s.calls.talk_s, 3600); }},
          {"aht_s", "平均处理时长(秒)", "AHT (s)", "seconds",
           [](const Sums& s) {
             return ratio(s.calls.talk_s + s.calls.hold_s + s.time.wrap_up_s, s.calls.answered);
           }},
          {"acw_s", "平均话后处理(秒)", "Avg ACW (s)", "seconds",
           [](const Sums& s) -> std::optional<double> {
             if (!s.has_time) return std::nullopt;
             return ratio(s.time.wrap_up_s, s.calls.answered);
           }},
          {"occupancy", "占用率%", "Occupancy %", "percent",
           [](const Sums& s) -> std::optional<double> {
             if (!s.has_time) return std::nullopt;
             const auto& t = s.time;
             return ratio(t.on_call_s + t.wrap_up_s,
                          t.ready_s + t.reserved_s + t.on_call_s + t.wrap_up_s, 100);
           }},
          {"ready_h", "就绪时长(小时)", "Ready (h)", "hours",
           [](const Sums& s) -> std::optional<double> {
             if (!s.has_time) return std::nullopt;
             return ratio(s.time.ready_s, 3600);
           }},
          {"break_h", "小休时长(小时)", "Break (h)", "hours",
           [](const Sums& s) -> std::optional<double> {
             if (!s.has_time) return std::nullopt;
             return ratio(s.time.break_s, 3600);
           }},
          {"transfers", "转接", "Transfers", "count",
           [](const Sums& s) { return n(s.calls.transfers); }},
          {"quality_avg", "质检平均分%", "Quality avg %", "percent",
           [](const Sums& s) -> std::optional<double> {
             if (!s.quality || s.quality->scored == 0) return std::nullopt;
             return s.quality->average_percent;
           }},
          {"quality_scored", "质检数", "Calls scored", "count",
           [](const Sums& s) -> std::optional<double> {
             if (!s.quality) return std::nullopt;
             return n(s.quality->scored);
           }},
      };
    case Kind::kIvr:
      return {
          {"offered", "呼入量", "Offered", "count", [](const Sums& s) { return n(s.calls.offered); }},
          {"ivr_contained", "IVR自助完成", "IVR contained", "count",
           [](const Sums& s) { return n(s.calls.ivr_contained); }},
          {"containment", "自助完成率%", "Containment %", "percent",
           [](const Sums& s) { return ratio(s.calls.ivr_contained, s.calls.offered, 100); }},
          {"queued", "转人工", "To an agent queue", "count",
           [](const Sums& s) { return n(s.calls.queued); }},
          {"callbacks", "回呼", "Callbacks", "count",
           [](const Sums& s) { return n(s.calls.callbacks); }},
      };
    case Kind::kWorkOrders:
      return {
          {"created", "新建", "Created", "count", [](const Sums& s) { return n(s.orders.created); }},
          {"closed", "办结", "Closed", "count", [](const Sums& s) { return n(s.orders.closed); }},
          {"closed_on_time", "按时办结", "Closed on time", "count",
           [](const Sums& s) { return n(s.orders.closed_on_time); }},
          {"closed_overdue", "超期办结", "Closed overdue", "count",
           [](const Sums& s) { return n(s.orders.closed_overdue); }},
          {"on_time_rate", "按时办结率%", "On-time rate %", "percent",
           [](const Sums& s) { return ratio(s.orders.closed_on_time, s.orders.closed, 100); }},
          {"escalated", "超时升级", "Escalated", "count",
           [](const Sums& s) { return n(s.orders.escalated); }},
          {"avg_handling_h", "平均处理时长(小时)", "Avg handling (h)", "hours",
           [](const Sums& s) { return ratio(s.orders.handling_s, s.orders.closed * 3600); }},
      };
    case Kind::kReturnVisits:
      return {
          {"visits", "回访数", "Visits", "count",
           [](const Sums& s) {
             return n(s.orders.visits_satisfied + s.orders.visits_unsatisfied +
                      s.orders.visits_unreachable);
           }},
          {"satisfied", "满意", "Satisfied", "count",
           [](const Sums& s) { return n(s.orders.visits_satisfied); }},
          {"unsatisfied", "不满意", "Unsatisfied", "count",
           [](const Sums& s) { return n(s.orders.visits_unsatisfied); }},
          {"unreachable", "无法联系", "Unreachable", "count",
           [](const Sums& s) { return n(s.orders.visits_unreachable); }},
          {"satisfaction", "满意率%", "Satisfaction %", "percent",
           [](const Sums& s) {
             return ratio(s.orders.visits_satisfied,
                          s.orders.visits_satisfied + s.orders.visits_unsatisfied, 100);
           }},
      };
  }
  return {};
}

const char* state_zh(const std::string& s) {
  static const std::map<std::string, const char*> k = {
      {"new", "新建"},          {"dispatched", "已派单"}, {"accepted", "已接单"},
      {"in_progress", "处理中"}, {"resolved", "已处理"},  {"return_visit", "回访中"},
      {"closed", "已办结"},     {"returned", "已退单"},   {"reopened", "重新处理"},
      {"escalated", "已升级"},  {"merged", "已合并"}};
  auto it = k.find(s);
  return it == k.end() ? s.c_str() : it->second;
}

ReportKey key_of(Group g) {
  switch (g) {
    case Group::kQueue: return ReportKey::kQueue;
    case Group::kAgent: return ReportKey::kAgent;
    case Group::kRegion: return ReportKey::kRegion;
    case Group::kType: return ReportKey::kType;
    default: return ReportKey::kBucket;
  }
}

Result<ReportTable> build(Context& ctx, const Params& p) {
  store::SummaryQuery q;
  q.from = p.from;
  q.to = p.to;
  q.grain = p.grain;
  q.key = key_of(p.group);
  q.region = p.scope;
  auto labels = ctx.repos.reports.labels();
  if (!labels) return labels.error();

  std::map<std::string, Sums> groups;
  auto group_of = [&](const auto& row) -> std::string {
    if (q.key == ReportKey::kBucket) return period_label(row.bucket, p.offset_min, p.group);
    if (q.key == ReportKey::kRegion) return child_region(row.key, p.region);
    return row.key;
  };
  Kind kind = p.spec->kind;
  bool calls = kind == Kind::kServiceLevel || kind == Kind::kAgentPerformance || kind == Kind::kIvr;
  Sums total;
  if (calls) {
    auto rows = ctx.repos.reports.call_sums(q);
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      if (kind == Kind::kAgentPerformance && q.key == ReportKey::kAgent && r.key == "0") continue;
      groups[group_of(r)].calls.add(r.sums);
      total.calls.add(r.sums);
    }
  } else {
    auto rows = ctx.repos.reports.work_order_sums(q);
    if (!rows) return rows.error();
    for (const auto& r : *rows) {
      groups[group_of(r)].orders.add(r.sums);
      total.orders.add(r.sums);
    }
  }
  if (kind == Kind::kAgentPerformance) {
    auto rows = ctx.repos.reports.agent_time_sums(q);
    if (!rows) return rows.error();
    total.has_time = true;
    for (const auto& r : *rows) {
      Sums& s = groups[group_of(r)];
      s.time.add(r.sums);
      s.has_time = true;
      total.time.add(r.sums);
    }
    if (auto quality = ctx.repos.reports.quality_by_agent(p.from, p.to)) {
      store::QualityAverage all;
      double weighted = 0;
      for (const auto& [agent, avg] : *quality) {
        all.scored += avg.scored;
        weighted += avg.average_percent * static_cast<double>(avg.scored);
        if (q.key == ReportKey::kAgent) groups[std::to_string(agent)].quality = avg;
      }
      if (all.scored > 0) all.average_percent = weighted / static_cast<double>(all.scored);
      total.quality = all;
      if (q.key == ReportKey::kAgent)
        for (auto& [key, s] : groups)
          if (!s.quality) s.quality = store::QualityAverage{};
    }
  }

  ReportTable t;
  t.name = p.spec->name;
  t.title = p.en ? p.spec->en : p.spec->zh;
  const char* group_title = "";
  for (const auto& g : kGroups)
    if (g.group == p.group) group_title = p.en ? g.en : g.zh;
  std::string region_name =
      p.region.empty() ? (p.en ? "all regions" : "全部地区")
                       : (labels->regions.count(p.region) ? labels->regions.at(p.region) : p.region);
  std::int64_t last = to_unix_ms(p.to) - 1;
  char tz[16];
  std::snprintf(tz, sizeof tz, "UTC%+03d:%02d", p.offset_min / 60, std::abs(p.offset_min % 60));
  t.subtitle = period_label(to_unix_ms(p.from), p.offset_min, Group::k15Min) + " – " +
               period_label(last + 1, p.offset_min, Group::k15Min) + " (" + tz + ") · " +
               region_name + " · " + group_title;
  std::string first_title;
  switch (p.group) {
    case Group::kQueue: first_title = p.en ? "Queue" : "队列"; break;
    case Group::kAgent: first_title = p.en ? "Agent" : "坐席"; break;
    case Group::kRegion: first_title = p.en ? "Region" : "地区"; break;
    case Group::kType: first_title = p.en ? "Order type" : "工单类型"; break;
    default: first_title = p.en ? "Period" : "时段"; break;
  }
  t.columns.push_back({"group", first_title, ""});
  auto cols = columns(kind);
  for (const auto& c : cols) t.columns.push_back({c.key, p.en ? c.en : c.zh, c.unit});
  auto values = [&cols](const Sums& s) {
    std::vector<std::optional<double>> v;
    for (const auto& c : cols) v.push_back(c.value(s));
    return v;
  };
  for (const auto& [key, s] : groups) {
    ReportRow row;
    row.key = key;
    row.values = values(s);
    switch (p.group) {
      case Group::kQueue:
        row.label = key.empty() ? (p.en ? "(no queue)" : "(未转人工)")
                                : (labels->queues.count(key) ? labels->queues.at(key) : key);
        break;
      case Group::kAgent:
        row.label = key == "0" ? (p.en ? "(no agent)" : "(无坐席)")
                               : (labels->agents.count(key) ? labels->agents.at(key) : "#" + key);
        break;
      case Group::kRegion:
        row.label = key.empty() ? (p.en ? "(unknown region)" : "(未知地区)")
                                : (labels->regions.count(key) ? labels->regions.at(key) : key);
        // Provinces, cities and counties have regions below them; service areas do not.
        row.drill = !key.empty() && key.find('-') == std::string::npos && key != p.region;
        break;
      case Group::kType:
        row.label = labels->types.count(key) ? labels->types.at(key) : key;
        break;
      default: row.label = key; break;
    }
    t.rows.push_back(std::move(row));
  }
  t.totals.key = "total";
  t.totals.label = p.en ? "Total" : "合计";
  t.totals.values = values(total);

  if (kind == Kind::kIvr) {
    store::SummaryQuery nq = q;
    nq.from = from_unix_ms(day_floor(to_unix_ms(p.from), p.offset_min));
    nq.to = from_unix_ms(day_ceil(to_unix_ms(p.to), p.offset_min));
    auto nodes = ctx.repos.reports.ivr_nodes(nq);
    if (!nodes) return nodes.error();
    t.extra_title = p.en ? "IVR nodes (whole days)" : "IVR节点访问（按整日统计）";
    t.extra_header = p.en ? std::vector<std::string>{"Node", "Visits", "Calls ending here"}
                          : std::vector<std::string>{"节点", "访问次数", "在此结束"};
    for (const auto& nd : *nodes)
      t.extra_rows.push_back({nd.node, std::to_string(nd.visits), std::to_string(nd.exits)});
  }
  if (kind == Kind::kWorkOrders) {
    store::SummaryQuery sq = q;
    sq.from = from_unix_ms(day_floor(to_unix_ms(p.from), p.offset_min));
    sq.to = from_unix_ms(day_ceil(to_unix_ms(p.to), p.offset_min));
    auto states = ctx.repos.reports.work_order_states(sq);
    if (!states) return states.error();
    t.extra_title = p.en ? "State transitions (whole days)" : "状态流转（按整日统计）";
    t.extra_header = p.en ? std::vector<std::string>{"State", "Transitions"}
                          : std::vector<std::string>{"状态", "流转次数"};
    for (const auto& [state, count] : *states)
      t.extra_rows.push_back({p.en ? state : state_zh(state), std::to_string(count)});
  }
  return t;
}

nlohmann::json to_json(const ReportTable& t, const Params& p) {
  auto row_json = [&t](const ReportRow& r) {
    nlohmann::json values = nlohmann::json::object();
    for (std::size_t i = 0; i < r.values.size(); ++i) {
      const auto& v = r.values[i];
      values[t.columns[i + 1].key] =
          v ? nlohmann::json(std::round(*v * 1000) / 1000) : nlohmann::json(nullptr);
    }
    return nlohmann::json{{"key", r.key}, {"label", r.label}, {"drill", r.drill},
                          {"values", std::move(values)}};
  };
  nlohmann::json cols = nlohmann::json::array();
  for (const auto& c : t.columns) cols.push_back({{"key", c.key}, {"title", c.title}, {"unit", c.unit}});
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& r : t.rows) rows.push_back(row_json(r));
  const char* group = "";
  for (const auto& g : kGroups)
    if (g.group == p.group) group = g.name;
  nlohmann::json out = {{"report", t.name},
                        {"title", t.title},
                        {"subtitle", t.subtitle},
                        {"from", format_rfc3339(p.from)},
                        {"to", format_rfc3339(p.to)},
                        {"group_by", group},
                        {"region", p.region},
                        {"utc_offset_minutes", p.offset_min},
                        {"columns", std::move(cols)},
                        {"rows", std::move(rows)},
                        {"totals", row_json(t.totals)}};
  if (!t.extra_title.empty())
    out["extra"] = {{"title", t.extra_title}, {"header", t.extra_header}, {"rows", t.extra_rows}};
  return out;
}

http::Response get_report(Context& ctx, http::Request& req) {
  auto p = read_params(ctx, req);
  if (!p) return http::Response::error(p.error());
  // Calls that just ended are in the report: fold what is new before reading.
  if (auto folded = ctx.repos.reports.fold(); !folded)
    spdlog::warn("folding report summaries: {}", folded.error().message);
  auto table = build(ctx, *p);
  if (!table) return http::Response::error(table.error());
  std::string file = table->name;
  if (p->format == "csv")
    return http::Response::text(200, report_csv(*table), "text/csv; charset=utf-8")
        .with_header("Content-Disposition", "attachment; filename=\"" + file + ".csv\"");
  if (p->format == "xlsx") {
    auto x = report_xlsx(*table);
    if (!x) return http::Response::error(x.error());
    return http::Response::text(
               200, std::move(*x),
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .with_header("Content-Disposition", "attachment; filename=\"" + file + ".xlsx\"");
  }
  if (p->format == "pdf") {
    auto pdf = report_pdf(*table);
    if (!pdf) return http::Response::error(pdf.error());
    return http::Response::text(200, std::move(*pdf), "application/pdf")
        .with_header("Content-Disposition", "attachment; filename=\"" + file + ".pdf\"");
  }
  return http::Response::json(200, to_json(*table, *p));
}

}  // namespace

void add_report_routes(http::Router& router, Context& ctx) {
  http::RouteDoc doc = route_doc(
      "reports",
      "A historical report: service-level, agent-performance, ivr, work-orders or return-visits. "
      "from / to: local dates (to included) or RFC 3339 times, default today; group_by: 15min, "
      "hour, day, month, year, queue, agent, region (one level below the region asked for) or "
      "type; region: a region code inside yours; format: json (default), csv, xlsx or pdf; "
      "lang: zh-CN (default) or en-US for titles. Periods are in the centre's time zone.",
      Permission::kReportRead);
  for (const char* name : {"from", "to", "group_by", "region", "format", "lang"}) {
    http::ParamDoc pd;
    pd.name = name;
    doc.parameters.push_back(pd);
  }
  doc.responses.push_back({200, "The report as JSON, or the exported file", nullptr});
  router.get("/api/v1/reports/{name}", [&ctx](http::Request& req) { return get_report(ctx, req); },
             doc);
}

}  // namespace sy::api
