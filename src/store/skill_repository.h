// Skills (business skills like repair or billing, and languages like minnan) that agents hold
// and queues require. All SQL about skills lives here.
#pragma once

#include <cstdint>

#include "core/clock.h"
#include "core/result.h"
#include "store/agent_records.h"
#include "store/db.h"

namespace sy::store {

class SkillRepository {
 public:
  SkillRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Errors: invalid_input "invalid_skill_name" ([a-z0-9_]{1,32}), "invalid_skill_kind"
  // (business | language); conflict "skill_exists".
  Result<Skill> create(const NewSkill& skill);
  // not_found "skill_not_found".
  Result<Skill> get(std::int64_t id);
  Result<Skill> get_by_name(const std::string& name);
  // Ordered by name; `q` is a substring of name or display name.
  Result<PageResult<Skill>> list(const std::string& q, const PageRequest& page);
  // Every skill, ordered by name (for the ACD at start).
  Result<std::vector<Skill>> all();
  Result<Skill> update(std::int64_t id, const SkillUpdate& update);
  // conflict "skill_in_use" while a queue requires it; agents holding it lose it.
  Status remove(std::int64_t id);

 private:
  Database& db_;
  const Clock& clock_;
};

// [a-z0-9_]{1,32}: names of skills and queues, as flows and configuration spell them.
bool valid_routing_name(std::string_view name);

}  // namespace sy::store
