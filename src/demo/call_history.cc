#include "demo/call_history.h"

#include <algorithm>
#include <future>
#include <memory>
#include <random>

#include "store/agent_repository.h"
#include "store/call_repository.h"
#include "store/queue_repository.h"
#include "store/report_repository.h"

namespace sy::demo {
namespace {

using std::chrono::milliseconds;

// Calls per hour of a local day (a utility hotline: a morning peak and an evening one).
constexpr int kHourWeight[24] = {1, 1, 1, 1, 1, 2, 3, 6, 10, 12, 11, 9,
                                 7, 8, 9, 9, 8, 8, 9, 10, 8, 5, 3, 2};

}  // namespace

Result<CallHistoryResult> load_call_history(store::Database& db, TimePoint now,
                                            const std::vector<RegionRow>& regions,
                                            std::uint64_t seed, int days, int calls_per_day) {
  CallHistoryResult out;
  store::CallRepository calls(db);
  std::string prefix = "demo-" + std::to_string(seed) + "-";
  if (calls.get(prefix + "0").ok()) return out;  // already loaded
  store::AgentRepository agents_repo(db, SystemClock::instance());
  auto agents = agents_repo.all_enabled();
  if (!agents) return agents.error();
  store::QueueRepository queues_repo(db, SystemClock::instance());
  auto queues = queues_repo.all();
  if (!queues) return queues.error();
  std::vector<std::string> areas;
  for (const auto& r : regions)
    if (r.level == "county") areas.push_back(r.code);
  if (agents->empty() || queues->empty() || areas.empty()) return out;

  std::mt19937_64 rng(seed * 7919 + 17);
  auto pick = [&rng](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  static const std::vector<std::vector<std::string>> kPaths = {
      {"welcome", "outage", "menu", "bill_login", "bill"},
      {"welcome", "outage", "outage_notice"},
      {"welcome", "outage", "menu", "repair"},
      {"welcome", "outage", "menu", "agent"},
      {"welcome", "outage", "menu", "progress"},
  };
  int total_weight = 0;
  for (int w : kHourWeight) total_weight += w;
  std::int64_t now_ms = to_unix_ms(now);
  std::int64_t first_day = store::local_day_start(now_ms, 480) - std::int64_t{days - 1} * 86400000;

  // Every write is queued; the last one's completion means all before it are durable.
  auto failed = std::make_shared<std::optional<Error>>();
  auto note = [failed](Status st) {
    if (!st.ok() && !*failed) *failed = st.error();
  };
  std::int64_t n = 0;
  for (int d = 0; d < days; ++d) {
    std::int64_t day = first_day + std::int64_t{d} * 86400000;
    for (int h = 0; h < 24; ++h) {
      int count = calls_per_day * kHourWeight[h] / total_weight;
      for (int i = 0; i < count; ++i) {
        std::int64_t start = day + h * 3600000LL + static_cast<std::int64_t>(rng() % 3600000);
        if (start > now_ms - 3600000) continue;
        store::NewCall c;
        c.id = prefix + std::to_string(n++);
        c.from_number = "13" + std::to_string(800000000 + rng() % 199999999);
        c.to_number = "95598";
        c.region_code = areas[pick(areas.size())];
        c.started_at = from_unix_ms(start);
        calls.create(c, note);
        const auto& path = kPaths[pick(kPaths.size())];
        store::CallFinished f;
        f.ivr_path = path;
        std::int64_t ivr_ms = 8000 + static_cast<std::int64_t>(rng() % 50000);
        bool self_service = path.back() != "agent" && path.back() != "repair" && rng() % 3 != 0;
        std::int64_t end = start + ivr_ms;
        if (self_service) {
          f.end_reason = "caller_hangup";
        } else {
          const auto& queue = (*queues)[pick(queues->size())];
          // Busier hours wait longer.
          int wait = static_cast<int>(rng() % (5 + kHourWeight[h] * 5));
          bool abandon = rng() % 100 < static_cast<unsigned>(4 + kHourWeight[h]);
          if (abandon) {
            end += wait * 1000LL;
            f.end_reason = "abandoned";
            f.queue = queue.name;
            f.wait_s = wait;
          } else {
            const auto& agent = (*agents)[pick(agents->size())];
            std::int64_t answered = start + ivr_ms + wait * 1000LL;
            store::CallAnswered a{from_unix_ms(answered), agent.id, queue.name, wait,
                                  "longest_idle", std::nullopt};
            calls.update_on_answer(c.id, a, note);
            end = answered + (40 + static_cast<std::int64_t>(rng() % 420)) * 1000;
            f.end_reason = rng() % 30 == 0 ? "transferred" : "agent_hangup";
          }
        }
        f.ended_at = from_unix_ms(end);
        calls.finish(c.id, f, note);
        ++out.calls;
      }
    }
  }
  // Agent states: each agent works a shift a day (ready / on call / wrap-up / break).
  for (const auto& agent : *agents) {
    for (int d = 0; d < days; ++d) {
      std::int64_t t = first_day + std::int64_t{d} * 86400000 + (8 + pick(3)) * 3600000LL;
      std::int64_t shift_end = t + 8 * 3600000LL;
      while (t < shift_end && t < now_ms - 3600000) {
        static const store::AgentPresence kCycle[] = {
            store::AgentPresence::kReady, store::AgentPresence::kOnCall,
            store::AgentPresence::kWrapUp, store::AgentPresence::kReady,
            store::AgentPresence::kOnCall, store::AgentPresence::kWrapUp,
            store::AgentPresence::kBreak};
        store::AgentStateChange ch;
        ch.agent_id = agent.id;
        ch.state = kCycle[pick(std::size(kCycle))];
        ch.source = "agent";
        ch.at = from_unix_ms(t);
        agents_repo.submit_state(ch, note);
        ++out.state_changes;
        t += (30 + static_cast<std::int64_t>(rng() % 600)) * 1000;
      }
      store::AgentStateChange off;
      off.agent_id = agent.id;
      off.state = store::AgentPresence::kOffline;
      off.at = from_unix_ms(std::min(t, now_ms - 3600000));
      agents_repo.submit_state(off, note);
      ++out.state_changes;
    }
  }
  std::promise<void> drained;
  db.submit([](store::Connection&) { return ok_status(); },
            [&drained](Status) { drained.set_value(); });
  drained.get_future().wait();
  if (*failed) return **failed;
  store::ReportRepository reports(db);
  auto folded = reports.fold();
  if (!folded) return folded.error();
  return out;
}

}  // namespace sy::demo
