// Which events one desktop connection receives: its user's own events, the events of the
// queues and regions its user supervises, and events addressed to its role or to everyone.
// A pure rule, decided once per subscriber per event.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/roles.h"
#include "events/event.h"

namespace sy::events {

struct Interest {
  std::int64_t user_id = 0;
  auth::Role role = auth::Role::kAgent;
  // Queues whose events this user supervises: nullopt for every queue, empty for none.
  std::optional<std::vector<std::string>> queues = std::vector<std::string>{};
  // Regions whose events this user supervises, as the prefix every code in the subtree starts
  // with (store::scope_prefix): "" for the whole province, nullopt for none.
  std::optional<std::string> region_prefix;
};

// The interest of a signed-in user by role: supervisors, managers and admins supervise every
// queue and their region's subtree (`region_prefix`: the prefix of the region they are bound
// to, "" when unbound); agents, back-office and field users receive only their own events.
Interest interest_for(std::int64_t user_id, auth::Role role, std::string region_prefix);

// True when `event` is for this subscriber (any of its audiences matches).
bool wants(const Interest& who, const Event& event);
bool matches(const Interest& who, const Audience& to);

}  // namespace sy::events
