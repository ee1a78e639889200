// Per-queue wallboard figures (see queue_stats.h).
#include "app/queue_stats.h"

#include <algorithm>

namespace sy::app {
namespace {

constexpr auto kRecentWindow = std::chrono::minutes(15);
constexpr std::int64_t kMsPerDay = 24LL * 3600 * 1000;

std::optional<double> level(int in_target, int offered) {
  if (offered == 0) return std::nullopt;
  return static_cast<double>(in_target) / offered;
}

}  // namespace

QueueStats::PerQueue& QueueStats::queue(const std::string& name) { return queues_[name]; }

void QueueStats::add_queue(const std::string& name, int service_level_s) {
  queue(name).target_s = service_level_s > 0 ? service_level_s : 20;
  changed_ = true;
}

void QueueStats::roll_day(TimePoint now) {
  std::int64_t local_ms = to_unix_ms(now) + std::int64_t{utc_offset_minutes_} * 60'000;
  std::int64_t day = local_ms >= 0 ? local_ms / kMsPerDay : (local_ms - kMsPerDay + 1) / kMsPerDay;
  if (day == day_) return;
  if (day_ >= 0) {
    for (auto& [name, q] : queues_) q.answered = q.abandoned = q.in_target = 0;
    changed_ = true;
  }
  day_ = day;
}

void QueueStats::queued(const std::string& call_id, const std::string& name, TimePoint at) {
  roll_day(at);
  queue(name);
  // Re-queued after a ring time-out: the caller keeps waiting since the first arrival.
  waiting_.try_emplace(call_id, Waiting{name, at});
  changed_ = true;
}

void QueueStats::outcome(const std::string& call_id, TimePoint at, bool answered) {
  auto it = waiting_.find(call_id);
  if (it == waiting_.end()) return;
  roll_day(at);
  PerQueue& q = queue(it->second.queue);
  bool in_target = answered && at - it->second.since <= std::chrono::seconds(q.target_s);
  (answered ? q.answered : q.abandoned) += 1;
  if (in_target) ++q.in_target;
  q.recent.push_back({at, answered, in_target});
  waiting_.erase(it);
  changed_ = true;
}

void QueueStats::answered(const std::string& call_id, TimePoint at) { outcome(call_id, at, true); }
void QueueStats::abandoned(const std::string& call_id, TimePoint at) {
  outcome(call_id, at, false);
}

void QueueStats::left(const std::string& call_id) {
  if (waiting_.erase(call_id)) changed_ = true;
}

std::vector<QueueFigures> QueueStats::figures(TimePoint now) {
  roll_day(now);
  std::vector<QueueFigures> out;
  out.reserve(queues_.size());
  for (auto& [name, q] : queues_) {
    while (!q.recent.empty() && now - q.recent.front().at > kRecentWindow) q.recent.pop_front();
    QueueFigures f;
    f.queue = name;
    f.answered_today = q.answered;
    f.abandoned_today = q.abandoned;
    f.answered_in_target_today = q.in_target;
    f.service_level_target_s = q.target_s;
    f.service_level_today = level(q.in_target, q.answered + q.abandoned);
    int recent_in_target = static_cast<int>(
        std::count_if(q.recent.begin(), q.recent.end(), [](const Outcome& o) { return o.in_target; }));
    f.service_level_15m = level(recent_in_target, static_cast<int>(q.recent.size()));
    out.push_back(std::move(f));
  }
  for (const auto& [call, w] : waiting_) {
    auto it = std::find_if(out.begin(), out.end(), [&](const QueueFigures& f) { return f.queue == w.queue; });
    if (it == out.end()) continue;
    ++it->waiting;
    it->longest_wait_s = std::max(it->longest_wait_s,
                                  std::chrono::duration<double>(now - w.since).count());
  }
  changed_ = false;
  return out;
}

}  // namespace sy::app
