// What the API needs from the ACD for hot-desking: which extension it rings for each agent now
// (their own, or the seat phone they picked), which seats are held and which extensions have a
// registered phone. The ACD keeps this in memory on the control thread; the HTTP thread asks
// through this port and waits for the answer.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "core/result.h"
#include "store/agent_records.h"

namespace sy::api {

struct SeatSnapshot {
  std::map<std::string, std::int64_t> held;    // seat extension → agent id sitting there
  std::map<std::int64_t, std::string> picked;  // agent id → seat extension (own: absent)
  std::set<std::string> registered;            // extensions with a registered phone now
};

class SeatPort {
 public:
  virtual ~SeatPort() = default;
  virtual Result<SeatSnapshot> seat_snapshot() = 0;
  // From now on the ACD rings `extension` for the agent: a seat's extension, or the agent's own
  // (back to their own phone). Errors: conflict "seat_taken" (another agent sits there),
  // "agent_busy" (a call is ringing or in progress), "phone_not_registered" (ready, and the
  // ACD requires a registered phone); unavailable "acd_unavailable".
  virtual Status pick_extension(const store::Agent& agent, const std::string& extension) = 0;
  // The agent goes back to their own extension (signed out, offline, desktop gone).
  virtual Status release_seat(std::int64_t agent_id) = 0;
};

}  // namespace sy::api
