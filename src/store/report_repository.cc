#include "store/report_repository.h"

#include "core/time_zone.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <tuple>

#include "store/sql_support.h"

namespace sy::store {
namespace {

constexpr std::int64_t k15MinMs = 15 * 60 * 1000;
constexpr std::int64_t kDayMs = 24 * 3600 * 1000;
// Calls that ended this long before the watermark are still looked at (a write acknowledged
// after a later one committed first); their ids are kept in report_folded_calls meanwhile.
constexpr std::int64_t kCallGraceMs = 30 * 60 * 1000;
constexpr int kBatch = 2000;
// Roll-up keys of report_calls_day (see fold_calls_batch).
constexpr std::int64_t kAllAgents = -1;
const std::string kAll = "*";
// Which rows of report_calls_day a query reads: the detail rows, or one of the roll-ups.
const char* const kDetailRows = "agent_id >= 0 AND queue_name <> '*'";
const char* const kAllAgentsRows = "agent_id = -1";
const char* const kPerAgentRows = "agent_id >= 0 AND queue_name = '*' AND region_code = '*'";

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Result<std::int64_t> watermark(Connection& conn, const char* name, bool by_id) {
  Value p[] = {Value{std::string(name)}};
  auto row = conn.query_one(
      by_id ? "SELECT last_id FROM report_watermarks WHERE name = $1"
            : "SELECT last_at FROM report_watermarks WHERE name = $1",
      p);
  if (!row.ok()) return row.error();
  return *row ? (*row)->i64(0) : std::int64_t{0};
}

Status set_watermark(Connection& conn, const char* name, std::int64_t last_id,
                     std::int64_t last_at) {
  Value p[] = {Value{std::string(name)}, Value{last_id}, Value{last_at}, Value{std::int64_t{std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count()}}};
  return conn.execute(
      "INSERT INTO report_watermarks (name, last_id, last_at, updated_at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (name) DO UPDATE SET last_id = excluded.last_id, last_at = excluded.last_at, "
      "updated_at = excluded.updated_at",
      p);
}

// ---- calls ----------------------------------------------------------------------------------

constexpr std::array<const char*, 13> kCallCols = {
    "offered",        "ivr_contained", "queued", "answered", "abandoned",
    "short_abandoned", "answered_in_sl", "wait_answer_s", "wait_abandon_s", "talk_s",
    "hold_s",          "transfers",      "callbacks"};

std::array<std::int64_t*, 13> fields(CallSums& s) {
  return {&s.offered,        &s.ivr_contained, &s.queued,        &s.answered, &s.abandoned,
          &s.short_abandoned, &s.answered_in_sl, &s.wait_answer_s, &s.wait_abandon_s, &s.talk_s,
          &s.hold_s,          &s.transfers,      &s.callbacks};
}

constexpr std::array<const char*, 5> kAgentCols = {"ready_s", "reserved_s", "on_call_s",
                                                   "wrap_up_s", "break_s"};
std::array<std::int64_t*, 5> fields(AgentTimeSums& s) {
  return {&s.ready_s, &s.reserved_s, &s.on_call_s, &s.wrap_up_s, &s.break_s};
}

constexpr std::array<const char*, 9> kOrderCols = {
    "created",    "closed",           "closed_on_time",     "closed_overdue",    "escalated",
    "handling_s", "visits_satisfied", "visits_unsatisfied", "visits_unreachable"};
std::array<std::int64_t*, 9> fields(WorkOrderSums& s) {
  return {&s.created,    &s.closed,           &s.closed_on_time,     &s.closed_overdue,
          &s.escalated,  &s.handling_s,       &s.visits_satisfied,   &s.visits_unsatisfied,
          &s.visits_unreachable};
}

template <class Sums>
void add_fields(Sums& into, const Sums& from) {
  Sums copy = from;
  auto a = fields(into);
  auto b = fields(copy);
  for (std::size_t i = 0; i < a.size(); ++i) *a[i] += *b[i];
}

// Upserts accumulated sums: INSERT ... ON CONFLICT (keys) DO UPDATE SET c = table.c + excluded.c.
template <class Key, class Sums, std::size_t N>
Status upsert(Connection& conn, const std::string& table, const std::vector<std::string>& key_cols,
              const std::array<const char*, N>& cols, const std::map<Key, Sums>& rows,
              auto&& key_values) {
  if (rows.empty()) return ok_status();
  std::string sql = "INSERT INTO " + table + " (";
  std::string values, update;
  int n = 0;
  for (const auto& k : key_cols) {
    sql += (n ? ", " : "") + k;
    values += (n ? ", $" : "$") + std::to_string(n + 1);
    ++n;
  }
  for (const char* c : cols) {
    sql += std::string(", ") + c;
    values += ", $" + std::to_string(++n);
    update += (update.empty() ? "" : ", ") + std::string(c) + " = " + table + "." + c +
              " + excluded." + c;
  }
  std::string conflict;
  for (const auto& k : key_cols) conflict += (conflict.empty() ? "" : ", ") + k;
  sql += ") VALUES (" + values + ") ON CONFLICT (" + conflict + ") DO UPDATE SET " + update;
  for (const auto& [key, sums] : rows) {
    std::vector<Value> p = key_values(key);
    Sums copy = sums;
    for (std::int64_t* f : fields(copy)) p.push_back(Value{*f});
    SY_TRY(conn.execute(sql, p));
  }
  return ok_status();
}

using CallKey = std::tuple<std::int64_t, std::string, std::int64_t, std::string>;

Result<std::int64_t> fold_calls_batch(Connection& conn, int offset_min, bool& more) {
  auto wm = watermark(conn, "calls", false);
  if (!wm.ok()) return wm.error();
  std::int64_t since = std::max<std::int64_t>(0, *wm - kCallGraceMs);
  Value p[] = {Value{since}, Value{std::int64_t{kBatch}}};
  auto rows = conn.query(
      "SELECT c.id, c.direction, c.started_at, c.answered_at, c.ended_at, "
      "COALESCE(c.end_reason, ''), c.ivr_path, COALESCE(c.queue_name, ''), c.wait_s, "
      "COALESCE(c.agent_id, 0), COALESCE(c.region_code, ''), c.routing_reason, "
      "COALESCE(q.service_level_s, 20) "
      "FROM calls c LEFT JOIN queues q ON q.name = c.queue_name "
      "WHERE c.ended_at IS NOT NULL AND c.ended_at >= $1 "
      "AND NOT EXISTS (SELECT 1 FROM report_folded_calls f WHERE f.call_id = c.id) "
      "ORDER BY c.ended_at, c.id LIMIT $2",
      p);
  if (!rows.ok()) return rows.error();
  more = static_cast<int>(rows->size()) == kBatch;
  if (rows->empty()) return std::int64_t{0};

  std::map<CallKey, CallSums> q15, qday;
  using NodeKey = std::tuple<std::int64_t, std::string, std::string>;
  std::map<NodeKey, std::pair<std::int64_t, std::int64_t>> nodes;
  std::int64_t newest = *wm;
  for (const Row& r : *rows) {
    std::string id = r.text(0);
    std::int64_t started = r.i64(2);
    std::int64_t ended = r.i64(4);
    newest = std::max(newest, ended);
    Value f[] = {Value{id}, Value{ended}};
    SY_TRY(conn.execute("INSERT INTO report_folded_calls (call_id, ended_at) VALUES ($1, $2)", f));
    if (r.text(1) != "inbound") continue;
    CallSums s;
    s.offered = 1;
    std::string queue = r.text(7);
    bool answered = !r.is_null(3);
    bool queued = !queue.empty() || answered;
    std::int64_t wait = r.is_null(8) ? 0 : r.i64(8);
    std::int64_t agent = r.i64(9);
    std::string region = r.text(10);
    std::string end_reason = r.text(5);
    std::string routing = r.text(11);
    if (!queued) s.ivr_contained = 1;
    if (queued) s.queued = 1;
    if (answered) {
      s.answered = 1;
      s.wait_answer_s = wait;
      if (wait <= r.i64(12)) s.answered_in_sl = 1;
      s.talk_s = std::max<std::int64_t>(0, (ended - r.i64(3)) / 1000);
    } else if (queued) {
      s.abandoned = 1;
      s.wait_abandon_s = wait;
      if (wait < kShortAbandonS) s.short_abandoned = 1;
    }
    if (end_reason == "transferred" || end_reason == "transfer") s.transfers = 1;
    if (end_reason.find("callback") != std::string::npos ||
        routing.find("callback") != std::string::npos)
      s.callbacks = 1;
    std::int64_t day = local_day_start(started, offset_min);
    q15[{bucket_15m(started), queue, agent, region}].add(s);
    qday[{day, queue, agent, region}].add(s);
    // Day roll-ups in the same table, so a year reads a few rows a day: every agent together
    // (agent_id -1) by queue and region, and each agent over all queues and regions ('*').
    qday[{day, queue, kAllAgents, region}].add(s);
    qday[{day, kAll, agent, kAll}].add(s);
    auto path = nlohmann::json::parse(r.text(6), nullptr, false);
    if (path.is_array()) {
      std::size_t i = 0;
      for (const auto& node : path) {
        ++i;
        if (!node.is_string()) continue;
        auto& c = nodes[{day, region, node.get<std::string>()}];
        ++c.first;
        if (i == path.size()) ++c.second;
      }
    }
  }
  auto call_key = [](const CallKey& k) {
    return std::vector<Value>{Value{std::get<0>(k)}, Value{std::get<1>(k)},
                              Value{std::get<2>(k)}, Value{std::get<3>(k)}};
  };
  SY_TRY(upsert(conn, "report_calls_15m", {"bucket_start", "queue_name", "agent_id", "region_code"},
                kCallCols, q15, call_key));
  SY_TRY(upsert(conn, "report_calls_day", {"day_start", "queue_name", "agent_id", "region_code"},
                kCallCols, qday, call_key));
  for (const auto& [k, c] : nodes) {
    Value n[] = {Value{std::get<0>(k)}, Value{std::get<1>(k)}, Value{std::get<2>(k)},
                 Value{c.first}, Value{c.second}};
    SY_TRY(conn.execute(
        "INSERT INTO report_ivr_nodes_day (day_start, region_code, node, visits, exits) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day_start, region_code, node) DO UPDATE SET "
        "visits = report_ivr_nodes_day.visits + excluded.visits, "
        "exits = report_ivr_nodes_day.exits + excluded.exits",
        n));
  }
  SY_TRY(set_watermark(conn, "calls", 0, newest));
  Value old[] = {Value{newest - kCallGraceMs}};
  SY_TRY(conn.execute("DELETE FROM report_folded_calls WHERE ended_at < $1", old));
  return static_cast<std::int64_t>(rows->size());
}

// ---- agent state history ----------------------------------------------------------------------

std::int64_t* state_field(AgentTimeSums& s, const std::string& state) {
  if (state == "ready") return &s.ready_s;
  if (state == "reserved") return &s.reserved_s;
  if (state == "on_call") return &s.on_call_s;
  if (state == "wrap_up") return &s.wrap_up_s;
  if (state == "break") return &s.break_s;
  return nullptr;  // offline: not counted
}

Result<std::int64_t> fold_agent_batch(Connection& conn, int offset_min, bool& more) {
  auto wm = watermark(conn, "agent_state_history", true);
  if (!wm.ok()) return wm.error();
  Value p[] = {Value{*wm}, Value{std::int64_t{kBatch}}};
  auto rows = conn.query(
      "SELECT h.id, h.agent_id, h.at, "
      "(SELECT p.state FROM agent_state_history p WHERE p.agent_id = h.agent_id AND p.id < h.id "
      "ORDER BY p.id DESC LIMIT 1), "
      "(SELECT p.at FROM agent_state_history p WHERE p.agent_id = h.agent_id AND p.id < h.id "
      "ORDER BY p.id DESC LIMIT 1) "
      "FROM agent_state_history h WHERE h.id > $1 ORDER BY h.id LIMIT $2",
      p);
  if (!rows.ok()) return rows.error();
  more = static_cast<int>(rows->size()) == kBatch;
  if (rows->empty()) return std::int64_t{0};
  using Key = std::pair<std::int64_t, std::int64_t>;
  std::map<Key, AgentTimeSums> a15, aday;
  std::int64_t last = *wm;
  for (const Row& r : *rows) {
    last = r.i64(0);
    if (r.is_null(3)) continue;  // the agent's first state: nothing ended
    std::string state = r.text(3);
    std::int64_t agent = r.i64(1);
    std::int64_t from = r.i64(4), to = r.i64(2);
    // The time spent in the previous state, split at 15-minute boundaries (days hold whole
    // 15-minute buckets whenever the zone's offset is a multiple of 15 minutes).
    for (std::int64_t t = from; t < to;) {
      std::int64_t b = bucket_15m(t);
      std::int64_t end = std::min(to, b + k15MinMs);
      AgentTimeSums s;
      std::int64_t* f = state_field(s, state);
      if (f == nullptr) break;
      // Whole seconds from the start of the state, so splitting never loses a second.
      *f = (end - from) / 1000 - (t - from) / 1000;
      a15[{b, agent}].add(s);
      aday[{local_day_start(t, offset_min), agent}].add(s);
      t = end;
    }
  }
  auto key = [](const Key& k) { return std::vector<Value>{Value{k.first}, Value{k.second}}; };
  SY_TRY(upsert(conn, "report_agent_15m", {"bucket_start", "agent_id"}, kAgentCols, a15, key));
  SY_TRY(upsert(conn, "report_agent_day", {"day_start", "agent_id"}, kAgentCols, aday, key));
  SY_TRY(set_watermark(conn, "agent_state_history", last, 0));
  return static_cast<std::int64_t>(rows->size());
}

// ---- work-order audit rows ---------------------------------------------------------------------

Result<std::int64_t> fold_orders_batch(Connection& conn, int offset_min, bool& more) {
  auto wm = watermark(conn, "work_order_transitions", true);
  if (!wm.ok()) return wm.error();
  Value p[] = {Value{*wm}, Value{std::int64_t{kBatch}}};
  auto rows = conn.query(
      "SELECT t.id, t.at, COALESCE(t.from_state, ''), t.to_state, t.action, t.note, "
      "w.type_code, w.region_code, w.created_at, w.due_at "
      "FROM work_order_transitions t JOIN work_orders w ON w.id = t.order_id "
      "WHERE t.id > $1 ORDER BY t.id LIMIT $2",
      p);
  if (!rows.ok()) return rows.error();
  more = static_cast<int>(rows->size()) == kBatch;
  if (rows->empty()) return std::int64_t{0};
  using Key = std::tuple<std::int64_t, std::string, std::string>;
  std::map<Key, WorkOrderSums> w15, wday;
  std::map<std::tuple<std::int64_t, std::string, std::string, std::string>, std::int64_t> states;
  std::int64_t last = *wm;
  for (const Row& r : *rows) {
    last = r.i64(0);
    std::int64_t at = r.i64(1);
    std::string from = r.text(2), to = r.text(3), action = r.text(4);
    WorkOrderSums s;
    if (action == "create") s.created = 1;
    if (action == "escalate") s.escalated = 1;
    if (action == "close" && to == "closed") {
      s.closed = 1;
      s.handling_s = std::max<std::int64_t>(0, (at - r.i64(8)) / 1000);
      if (r.is_null(9) || at <= r.i64(9))
        s.closed_on_time = 1;
      else
        s.closed_overdue = 1;
    }
    if (from == "return_visit" && (action == "close" || action == "reopen")) {
      switch (visit_outcome(action, r.text(5))) {
        case VisitOutcome::kSatisfied: s.visits_satisfied = 1; break;
        case VisitOutcome::kUnsatisfied: s.visits_unsatisfied = 1; break;
        case VisitOutcome::kUnreachable: s.visits_unreachable = 1; break;
      }
    }
    std::string type = r.text(6), region = r.text(7);
    std::int64_t day = local_day_start(at, offset_min);
    w15[{bucket_15m(at), type, region}].add(s);
    wday[{day, type, region}].add(s);
    if (action != "warn" && action != "urge") ++states[{day, type, region, to}];
  }
  auto key = [](const Key& k) {
    return std::vector<Value>{Value{std::get<0>(k)}, Value{std::get<1>(k)}, Value{std::get<2>(k)}};
  };
  SY_TRY(upsert(conn, "report_work_orders_15m", {"bucket_start", "type_code", "region_code"},
                kOrderCols, w15, key));
  SY_TRY(upsert(conn, "report_work_orders_day", {"day_start", "type_code", "region_code"},
                kOrderCols, wday, key));
  for (const auto& [k, n] : states) {
    Value v[] = {Value{std::get<0>(k)}, Value{std::get<1>(k)}, Value{std::get<2>(k)},
                 Value{std::get<3>(k)}, Value{n}};
    SY_TRY(conn.execute(
        "INSERT INTO report_wo_states_day (day_start, type_code, region_code, to_state, "
        "transitions) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (day_start, type_code, region_code, "
        "to_state) DO UPDATE SET transitions = report_wo_states_day.transitions + "
        "excluded.transitions",
        v));
  }
  SY_TRY(set_watermark(conn, "work_order_transitions", last, 0));
  return static_cast<std::int64_t>(rows->size());
}

// ---- reads ------------------------------------------------------------------------------------

struct Source {
  std::string table;
  std::string bucket_col;
};

Source call_source(ReportGrain g) {
  return g == ReportGrain::k15Min ? Source{"report_calls_15m", "bucket_start"}
                                  : Source{"report_calls_day", "day_start"};
}

// WHERE for a bucket range and a region subtree.
sql::Filter range_filter(const SummaryQuery& q, const std::string& bucket_col,
                         const char* region_col) {
  sql::Filter f;
  f.where(bucket_col + " >= " + f.param(sql::ms(q.from)));
  f.where(bucket_col + " < " + f.param(sql::ms(q.to)));
  if (region_col != nullptr && !q.region.unrestricted()) {
    f.where(std::string(region_col) + " >= " + f.param(Value{q.region.lo()}));
    f.where(std::string(region_col) + " < " + f.param(Value{q.region.hi()}));
  }
  return f;
}

std::string key_column(ReportKey k, const std::string& bucket_col) {
  switch (k) {
    case ReportKey::kBucket: return bucket_col;
    case ReportKey::kQueue: return "queue_name";
    case ReportKey::kAgent: return "agent_id";
    case ReportKey::kRegion: return "region_code";
    case ReportKey::kType: return "type_code";
    case ReportKey::kState: return "to_state";
    case ReportKey::kNode: return "node";
  }
  return bucket_col;
}

template <class Sums, std::size_t N>
Result<std::vector<SummaryRow<Sums>>> read_sums(Database& db, const SummaryQuery& q,
                                                const Source& src, const char* region_col,
                                                const std::array<const char*, N>& cols,
                                                const char* rows_where = nullptr) {
  std::string key = key_column(q.key, src.bucket_col);
  sql::Filter f = range_filter(q, src.bucket_col, region_col);
  if (rows_where != nullptr) f.where(rows_where);
  std::string select = "SELECT " + key;
  for (const char* c : cols) select += std::string(", SUM(") + c + ")";
  std::string sql = select + " FROM " + src.table + f.where_sql() + " GROUP BY " + key +
                    " ORDER BY " + key;
  return sql::read_result<std::vector<SummaryRow<Sums>>>(db, [&](Connection& conn)
                                                             -> Result<std::vector<SummaryRow<Sums>>> {
    auto rows = conn.query(sql, f.params());
    if (!rows.ok()) return rows.error();
    std::vector<SummaryRow<Sums>> out;
    out.reserve(rows->size());
    for (const Row& r : *rows) {
      SummaryRow<Sums> s;
      if (q.key == ReportKey::kBucket)
        s.bucket = r.i64(0);
      else
        s.key = q.key == ReportKey::kAgent ? std::to_string(r.i64(0)) : r.text(0);
      auto fs = fields(s.sums);
      for (std::size_t i = 0; i < fs.size(); ++i) *fs[i] = r.i64(i + 1);
      out.push_back(std::move(s));
    }
    return out;
  });
}

}  // namespace

void CallSums::add(const CallSums& o) { add_fields(*this, o); }
void AgentTimeSums::add(const AgentTimeSums& o) { add_fields(*this, o); }
void WorkOrderSums::add(const WorkOrderSums& o) { add_fields(*this, o); }

std::int64_t bucket_15m(std::int64_t ms) { return floor_div(ms, k15MinMs) * k15MinMs; }

std::optional<int> fixed_zone_offset_minutes(const std::string& zone) {
  static const char* const kChina[] = {"Asia/Shanghai", "Asia/Chongqing", "Asia/Harbin",
                                       "Asia/Hong_Kong", "Asia/Macau",     "Asia/Taipei", "PRC"};
  for (const char* z : kChina)
    if (zone == z) return 480;
  if (zone == "UTC" || zone == "Etc/UTC" || zone == "Etc/GMT") return 0;
  // Etc/GMT+5 is five hours behind UTC (POSIX sign), Etc/GMT-8 is China's offset.
  if (zone.rfind("Etc/GMT", 0) == 0 && zone.size() >= 9 && zone.size() <= 10 &&
      (zone[7] == '+' || zone[7] == '-')) {
    int h = 0;
    if (std::sscanf(zone.c_str() + 8, "%2d", &h) == 1 && h <= 14 &&
        std::to_string(h) == zone.substr(8))
      return (zone[7] == '+' ? -60 : 60) * h;
  }
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int h = 0, m = 0;
    if (std::sscanf(zone.c_str() + 1, "%2d:%2d", &h, &m) == 2 && h <= 14 && m < 60)
      return (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
  }
  // Any other zone: the offset in force now, from the system's tz database.
  return zone_offset_minutes(zone, std::chrono::time_point_cast<TimePoint::duration>(
                                       std::chrono::system_clock::now()));
}

std::int64_t local_day_start(std::int64_t ms, int utc_offset_minutes) {
  std::int64_t off = std::int64_t{utc_offset_minutes} * 60000;
  return floor_div(ms + off, kDayMs) * kDayMs - off;
}

VisitOutcome visit_outcome(const std::string& action, const std::string& note) {
  if (action == "reopen") return VisitOutcome::kUnsatisfied;
  if (note.find("unreachable") != std::string::npos || note.find("无法联系") != std::string::npos ||
      note.find("联系不上") != std::string::npos)
    return VisitOutcome::kUnreachable;
  return VisitOutcome::kSatisfied;
}

Status ReportRepository::ensure_day_rollups() {
  if (rollups_ready_) return ok_status();
  Status st = db_.write([](Connection& conn) -> Status {
    auto done = conn.query_one("SELECT 1 FROM report_watermarks WHERE name = 'calls_day_rollups'");
    if (!done.ok()) return done.error();
    if (*done) return ok_status();
    std::string cols, sums;
    for (const char* c : kCallCols) {
      cols += std::string(", ") + c;
      sums += std::string(", SUM(") + c + ")";
    }
    SY_TRY(conn.execute("INSERT INTO report_calls_day (day_start, queue_name, agent_id, region_code" +
                        cols + ") SELECT day_start, queue_name, -1, region_code" + sums +
                        " FROM report_calls_day WHERE " + kDetailRows +
                        " GROUP BY day_start, queue_name, region_code"));
    SY_TRY(conn.execute("INSERT INTO report_calls_day (day_start, queue_name, agent_id, region_code" +
                        cols + ") SELECT day_start, '*', agent_id, '*'" + sums +
                        " FROM report_calls_day WHERE " + kDetailRows +
                        " GROUP BY day_start, agent_id"));
    return set_watermark(conn, "calls_day_rollups", 1, 0);
  });
  if (st.ok()) rollups_ready_ = true;
  return st;
}

Result<FoldCounts> ReportRepository::fold() {
  SY_TRY(ensure_day_rollups());
  FoldCounts counts;
  int offset = utc_offset_minutes_;
  auto run = [&](auto batch, std::int64_t& counter) -> Status {
    for (int guard = 0; guard < 100000; ++guard) {
      bool more = false;
      std::int64_t n = 0;
      Status st = db_.write([&](Connection& conn) -> Status {
        more = false;
        auto done = batch(conn, offset, more);
        if (!done.ok()) return done.error();
        n = *done;
        return ok_status();
      });
      if (!st.ok()) return st;
      counter += n;
      if (!more) break;
    }
    return ok_status();
  };
  SY_TRY(run(fold_calls_batch, counts.calls));
  SY_TRY(run(fold_agent_batch, counts.agent_states));
  SY_TRY(run(fold_orders_batch, counts.work_order_rows));
  return counts;
}

Result<std::vector<SummaryRow<CallSums>>> ReportRepository::call_sums(const SummaryQuery& q) {
  if (q.grain == ReportGrain::k15Min)
    return read_sums<CallSums>(db_, q, call_source(q.grain), "region_code", kCallCols);
  const char* rows = q.key != ReportKey::kAgent ? kAllAgentsRows
                     : q.region.unrestricted()  ? kPerAgentRows
                                                : kDetailRows;
  return read_sums<CallSums>(db_, q, call_source(q.grain), "region_code", kCallCols, rows);
}

Result<std::vector<SummaryRow<AgentTimeSums>>> ReportRepository::agent_time_sums(
    const SummaryQuery& q) {
  Source src = q.grain == ReportGrain::k15Min ? Source{"report_agent_15m", "bucket_start"}
                                              : Source{"report_agent_day", "day_start"};
  SummaryQuery q2 = q;
  if (q2.key != ReportKey::kAgent) q2.key = ReportKey::kBucket;
  return read_sums<AgentTimeSums>(db_, q2, src, nullptr, kAgentCols);
}

Result<std::vector<SummaryRow<WorkOrderSums>>> ReportRepository::work_order_sums(
    const SummaryQuery& q) {
  Source src = q.grain == ReportGrain::k15Min ? Source{"report_work_orders_15m", "bucket_start"}
                                              : Source{"report_work_orders_day", "day_start"};
  return read_sums<WorkOrderSums>(db_, q, src, "region_code", kOrderCols);
}

Result<std::map<std::string, std::int64_t>> ReportRepository::work_order_states(
    const SummaryQuery& q) {
  sql::Filter f = range_filter(q, "day_start", "region_code");
  std::string sql = "SELECT to_state, SUM(transitions) FROM report_wo_states_day" + f.where_sql() +
                    " GROUP BY to_state";
  return sql::read_result<std::map<std::string, std::int64_t>>(
      db_, [&](Connection& conn) -> Result<std::map<std::string, std::int64_t>> {
        auto rows = conn.query(sql, f.params());
        if (!rows.ok()) return rows.error();
        std::map<std::string, std::int64_t> out;
        for (const Row& r : *rows) out[r.text(0)] = r.i64(1);
        return out;
      });
}

Result<std::vector<IvrNodeCount>> ReportRepository::ivr_nodes(const SummaryQuery& q) {
  sql::Filter f = range_filter(q, "day_start", "region_code");
  std::string sql = "SELECT node, SUM(visits), SUM(exits) FROM report_ivr_nodes_day" +
                    f.where_sql() + " GROUP BY node";
  return sql::read_result<std::vector<IvrNodeCount>>(
      db_, [&](Connection& conn) -> Result<std::vector<IvrNodeCount>> {
        auto rows = conn.query(sql, f.params());
        if (!rows.ok()) return rows.error();
        std::vector<IvrNodeCount> out;
        for (const Row& r : *rows) out.push_back({r.text(0), r.i64(1), r.i64(2)});
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
          return a.visits != b.visits ? a.visits > b.visits : a.node < b.node;
        });
        return out;
      });
}

std::optional<std::map<std::int64_t, QualityAverage>> ReportRepository::quality_by_agent(
    TimePoint from, TimePoint to) {
  std::map<std::int64_t, QualityAverage> out;
  bool have = false;
  Status st = db_.read([&](Connection& conn) -> Status {
    Value p[] = {sql::ms(from), sql::ms(to)};
    auto rows = conn.query(
        "SELECT agent_id, COUNT(*), "
        "AVG(CASE WHEN max_total > 0 THEN 100.0 * total / max_total ELSE 0 END) "
        "FROM quality_agent_scores WHERE scored_at >= $1 AND scored_at < $2 GROUP BY agent_id",
        p);
    if (!rows.ok()) return rows.error();
    have = true;
    for (const Row& r : *rows) out[r.i64(0)] = QualityAverage{r.i64(1), r.f64(2)};
    return ok_status();
  });
  if (!st.ok() || !have) return std::nullopt;
  return out;
}

Result<ReportLabels> ReportRepository::labels() {
  return sql::read_result<ReportLabels>(db_, [&](Connection& conn) -> Result<ReportLabels> {
    ReportLabels out;
    auto q = conn.query("SELECT name, display_name FROM queues");
    if (!q.ok()) return q.error();
    for (const Row& r : *q) out.queues[r.text(0)] = r.text(1).empty() ? r.text(0) : r.text(1);
    auto a = conn.query(
        "SELECT a.id, u.username, u.display_name FROM agents a JOIN users u ON u.id = a.user_id");
    if (!a.ok()) return a.error();
    for (const Row& r : *a) {
      std::string name = r.text(2).empty() ? r.text(1) : r.text(2) + " (" + r.text(1) + ")";
      out.agents[std::to_string(r.i64(0))] = name;
    }
    auto g = conn.query("SELECT code, name FROM regions");
    if (!g.ok()) return g.error();
    for (const Row& r : *g) out.regions[r.text(0)] = r.text(1);
    auto t = conn.query("SELECT code, name FROM work_order_types");
    if (!t.ok()) return t.error();
    for (const Row& r : *t) out.types[r.text(0)] = r.text(1);
    return out;
  });
}

}  // namespace sy::store
