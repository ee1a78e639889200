// Queues as IVR flows name them, with the routing strategy, service-level target, default skill
// requirement and waiting-time rules the ACD loads. All SQL about queues lives here.
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "core/result.h"
#include "store/agent_records.h"
#include "store/db.h"

namespace sy::store {

class QueueRepository {
 public:
  QueueRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Errors: invalid_input "invalid_queue_name" ([a-z0-9_]{1,32}), "invalid_strategy",
  // "invalid_service_level" (1..3600 s), "invalid_level" (skills 1..10), "invalid_rules" (not a
  // JSON object); not_found "skill_not_found" (field skills.NAME); conflict "queue_exists".
  Result<Queue> create(const NewQueue& queue);
  // not_found "queue_not_found".
  Result<Queue> get(std::int64_t id);
  Result<Queue> get_by_name(const std::string& name);
  Result<PageResult<Queue>> list(const std::string& q, const PageRequest& page);
  Result<std::vector<Queue>> all();  // ordered by name
  Result<Queue> update(std::int64_t id, const QueueUpdate& update);
  Status remove(std::int64_t id);

 private:
  Database& db_;
  const Clock& clock_;
};

// The routing strategies a queue may name (routing::Strategy spelled as text).
bool valid_strategy(std::string_view name);

}  // namespace sy::store
