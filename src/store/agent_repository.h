// Agents: the users who take contacts, with their phone (extension and SIP digest HA1, never the
// clear password), skills with levels, languages, regions served, groups, chat capacity, and the
// presence state with its history. All SQL about agents lives here.
#pragma once

#include <cstdint>
#include <functional>

#include "core/clock.h"
#include "core/result.h"
#include "store/agent_records.h"
#include "store/db.h"

namespace sy::store {

class AgentRepository {
 public:
  AgentRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Also sets the user's extension. Errors: not_found "user_not_found", "skill_not_found"
  // (field skills.NAME); invalid_input "invalid_extension" (2..16 digits), "invalid_level"
  // (1..10), "invalid_capacity" (0..20); conflict "agent_exists" (the user is one already),
  // "extension_taken".
  Result<Agent> create(const NewAgent& agent);
  // not_found "agent_not_found".
  Result<Agent> get(std::int64_t id);
  Result<Agent> get_by_user(std::int64_t user_id);
  Result<Agent> get_by_extension(const std::string& extension);
  // Ordered by extension.
  Result<PageResult<Agent>> list(const AgentFilter& filter, const PageRequest& page);
  // Every agent whose user is not disabled, ordered by id (for the ACD at start).
  Result<std::vector<Agent>> all_enabled();
  Result<Agent> update(std::int64_t id, const AgentUpdate& update);
  // Removes the agent (and its history); the user stays, without extension.
  Status remove(std::int64_t id);

  // Records a presence change (the agent's current state and a history row) through the
  // writer without waiting; `done` runs on the writer thread once it is durable (or failed:
  // not_found "agent_not_found").
  void submit_state(const AgentStateChange& change, std::function<void(Status)> done);
  // The same, waiting until durable.
  Status record_state(const AgentStateChange& change);
  // Newest first.
  Result<PageResult<AgentStateChange>> state_history(std::int64_t agent_id, const PageRequest& page);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
