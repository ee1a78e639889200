// Report summaries (migration 0006): the fold that turns new call records, agent state changes
// and work-order audit rows into 15-minute and day sums, and the reads the report endpoints make
// of those sums. The fold is incremental: each source has a durable watermark (calls by end
// time, with the ids folded within a grace window kept so a late commit is folded once; audit
// and state-history rows by id), advanced in the same transaction as the sums it produced, so a
// restart neither loses nor repeats a row. All SQL about reports lives here.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/region_scope.h"

namespace sy::store {

// Figures of calls; seconds are sums so averages divide exactly.
struct CallSums {
  std::int64_t offered = 0, ivr_contained = 0, queued = 0, answered = 0, abandoned = 0,
               short_abandoned = 0, answered_in_sl = 0, wait_answer_s = 0, wait_abandon_s = 0,
               talk_s = 0, hold_s = 0, transfers = 0, callbacks = 0;
  void add(const CallSums& o);
  bool operator==(const CallSums&) const = default;
};

// Agent time in state (seconds).
struct AgentTimeSums {
  std::int64_t ready_s = 0, reserved_s = 0, on_call_s = 0, wrap_up_s = 0, break_s = 0;
  void add(const AgentTimeSums& o);
  bool operator==(const AgentTimeSums&) const = default;
};

struct WorkOrderSums {
  std::int64_t created = 0, closed = 0, closed_on_time = 0, closed_overdue = 0, escalated = 0,
               handling_s = 0, visits_satisfied = 0, visits_unsatisfied = 0,
               visits_unreachable = 0;
  void add(const WorkOrderSums& o);
  bool operator==(const WorkOrderSums&) const = default;
};

// A call shorter than this in queue that hung up is a short abandon, counted apart.
constexpr int kShortAbandonS = 5;
// Service-level threshold for calls whose queue has none on record.
constexpr int kDefaultServiceLevelS = 20;

enum class ReportGrain { k15Min, kDay };
// What a summary row is keyed by besides nothing: the bucket (15 min or day start, UTC ms), the
// queue name, the agent id (as text), the region code, the work-order type, or the state an
// audit row led to (work-order states only).
enum class ReportKey { kBucket, kQueue, kAgent, kRegion, kType, kState, kNode };

struct SummaryQuery {
  TimePoint from;  // inclusive; aligned to the grain by the caller
  TimePoint to;    // exclusive
  ReportGrain grain = ReportGrain::kDay;
  ReportKey key = ReportKey::kBucket;
  // Regions: rows whose region code lies in this subtree. Unrestricted also includes calls of
  // unknown region ('').
  RegionScope region;
};

template <class Sums>
struct SummaryRow {
  std::int64_t bucket = 0;  // for ReportKey::kBucket
  std::string key;          // for the other keys
  Sums sums;
};

struct IvrNodeCount {
  std::string node;
  std::int64_t visits = 0;
  std::int64_t exits = 0;
};

struct QualityAverage {
  std::int64_t scored = 0;
  double average_percent = 0;  // mean of score / max_score, in percent
};

struct ReportLabels {
  std::map<std::string, std::string> queues;   // name → display name
  std::map<std::string, std::string> agents;   // id → "display name (username)"
  std::map<std::string, std::string> regions;  // code → name
  std::map<std::string, std::string> types;    // work-order type code → name
};

struct FoldCounts {
  std::int64_t calls = 0;
  std::int64_t agent_states = 0;
  std::int64_t work_order_rows = 0;
};

// Which bucket instants the fold uses: 15-minute buckets are UTC-aligned; day buckets start at
// local midnight of a zone `utc_offset_minutes` east of UTC (China: +480, no daylight saving).
std::int64_t bucket_15m(std::int64_t ms);
// The offset of the centre's zone: Chinese zones +480, UTC, Etc/GMT±N, "+hh:mm", else the offset
// in force now from the system tz database (core/time_zone.h); nullopt for unknown zones. One
// offset serves the centre's days (China has had no daylight saving time since 1991).
std::optional<int> fixed_zone_offset_minutes(const std::string& zone);
std::int64_t local_day_start(std::int64_t ms, int utc_offset_minutes);

// How a return visit ended, from the audit row that left the return_visit state: reopen =
// unsatisfied; close = satisfied, or unreachable when the note says so ("unreachable" or
// 无法联系 / 联系不上).
enum class VisitOutcome { kSatisfied, kUnsatisfied, kUnreachable };
VisitOutcome visit_outcome(const std::string& action, const std::string& note);

class ReportRepository {
 public:
  explicit ReportRepository(Database& db, int utc_offset_minutes = 480)
      : db_(db), utc_offset_minutes_(utc_offset_minutes) {}

  int utc_offset_minutes() const { return utc_offset_minutes_; }
  // Day rows already folded keep the offset they were folded with; set it before the first fold.
  void set_utc_offset_minutes(int minutes) { utc_offset_minutes_ = minutes; }

  // Folds everything new since the watermarks (in batches, each one durable write with its
  // watermark advance). Safe to call from several threads: the writer serialises the batches.
  Result<FoldCounts> fold();

  Result<std::vector<SummaryRow<CallSums>>> call_sums(const SummaryQuery& q);
  // Region is ignored (agents are not bound to one region); key kBucket or kAgent.
  Result<std::vector<SummaryRow<AgentTimeSums>>> agent_time_sums(const SummaryQuery& q);
  // key kBucket, kRegion or kType.
  Result<std::vector<SummaryRow<WorkOrderSums>>> work_order_sums(const SummaryQuery& q);
  // Transitions into each state (day grain), as key → count.
  Result<std::map<std::string, std::int64_t>> work_order_states(const SummaryQuery& q);
  // Node visits over the range (day grain), most visited first.
  Result<std::vector<IvrNodeCount>> ivr_nodes(const SummaryQuery& q);
  // Quality scores per agent id scored in [from, to), when the quality-score table exists
  // (nullopt when it does not).
  std::optional<std::map<std::int64_t, QualityAverage>> quality_by_agent(TimePoint from,
                                                                         TimePoint to);
  Result<ReportLabels> labels();

 private:
  // Day rows folded before the roll-up rows existed get theirs once (recorded as a watermark).
  Status ensure_day_rollups();

  Database& db_;
  int utc_offset_minutes_;
  std::atomic<bool> rollups_ready_{false};
};

}  // namespace sy::store
