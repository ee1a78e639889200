// The wallboard's alarm thresholds per queue (table queue_thresholds): above `waiting` callers
// waiting, a caller waiting longer than `longest_wait_s`, or a service level today under
// `service_level_pct` turns the queue's tile red on every wallboard.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"

namespace sy::store {

struct QueueThresholds {
  std::int64_t queue_id = 0;
  int waiting = 10;
  int longest_wait_s = 60;
  int service_level_pct = 80;
  bool stored = false;  // false: the defaults (nobody set them yet)
  std::optional<std::int64_t> updated_by;
  std::optional<TimePoint> updated_at;
};

class QueueThresholdRepository {
 public:
  QueueThresholdRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // The queue's thresholds, the defaults when none were set. not_found "queue_not_found".
  Result<QueueThresholds> get(std::int64_t queue_id);
  // Every queue's stored thresholds (queues without a row are left out).
  Result<std::vector<QueueThresholds>> all();
  // Sets them. Errors: invalid_input "invalid_threshold" (field waiting 0..1000,
  // longest_wait_s 0..3600, service_level_pct 0..100); not_found "queue_not_found".
  Result<QueueThresholds> put(const QueueThresholds& t, std::optional<std::int64_t> by);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
