// What the API needs from the ACD when a person changes an agent's presence (ready, break,
// wrap-up, offline): the HTTP thread never touches the routing engine; it hands the change to
// whoever owns it (the ACD service on the control thread) and waits for the durable answer.
#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"
#include "store/agent_records.h"

namespace sy::api {

class AgentPresencePort {
 public:
  virtual ~AgentPresencePort() = default;
  // Applies the change to routing, then records it (agent row + history) durably. Blocks the
  // calling (HTTP) thread until then. Errors: not_found "agent_not_found"; unavailable
  // "acd_unavailable" when the ACD does not answer in time.
  virtual Status change_state(std::int64_t agent_id, store::AgentPresence state,
                              const std::string& reason, const std::string& source) = 0;
};

}  // namespace sy::api
