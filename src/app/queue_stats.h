// Per-queue figures for the wallboard, from what the ACD does with calls: waiting now, longest
// wait, answered and abandoned today, and the service level (answered within the queue's
// target / answered + abandoned) today and over the last 15 minutes. Pure: every event comes
// with its time; "today" is the centre's local day (UTC offset given).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"

namespace sy::app {

struct QueueFigures {
  std::string queue;
  int waiting = 0;              // in the queue or ringing an agent
  double longest_wait_s = 0;    // of those waiting now
  int answered_today = 0;
  int abandoned_today = 0;
  int answered_in_target_today = 0;
  std::optional<double> service_level_today;  // 0..1; nullopt before the first outcome
  std::optional<double> service_level_15m;
  int service_level_target_s = 20;
};

class QueueStats {
 public:
  explicit QueueStats(int utc_offset_minutes = 8 * 60) : utc_offset_minutes_(utc_offset_minutes) {}

  // Queues known from the configuration (shown with zeros before their first call).
  void add_queue(const std::string& queue, int service_level_s);

  void queued(const std::string& call_id, const std::string& queue, TimePoint at);
  void answered(const std::string& call_id, TimePoint at);
  void abandoned(const std::string& call_id, TimePoint at);
  // Left the queue without an outcome that counts (voicemail, overflow to another centre).
  void left(const std::string& call_id);

  std::vector<QueueFigures> figures(TimePoint now);
  // True when an outcome or an arrival changed the figures since the last figures() call.
  bool changed() const { return changed_; }
  bool anyone_waiting() const { return !waiting_.empty(); }

 private:
  struct Waiting {
    std::string queue;
    TimePoint since;
  };
  struct Outcome {
    TimePoint at;
    bool answered;
    bool in_target;
  };
  struct PerQueue {
    int target_s = 20;
    int answered = 0;
    int abandoned = 0;
    int in_target = 0;
    std::deque<Outcome> recent;  // last 15 minutes
  };

  PerQueue& queue(const std::string& name);
  void roll_day(TimePoint now);
  void outcome(const std::string& call_id, TimePoint at, bool answered);

  int utc_offset_minutes_;
  std::int64_t day_ = -1;
  std::map<std::string, PerQueue> queues_;
  std::unordered_map<std::string, Waiting> waiting_;
  bool changed_ = true;
};

}  // namespace sy::app
