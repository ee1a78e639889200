// A queue's waiting-time rules as JSON (the "rules" object of /api/v1/queues) and as the routing
// engine takes them. One codec, used by the API to check input and by the ACD to load queues.
//
// {"relax_after_s": 60, "relax_to_level": 1, "backup_after_s": 90, "backup_groups": ["xiamen"],
//  "overflow_after_s": 120, "overflow_queue": "general", "overflow_centre": "",
//  "max_wait_s": 180, "max_wait_action": "callback" | "voicemail" | "none"}
#pragma once

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "routing/types.h"

namespace sy::api {

// invalid_input "invalid_rules" naming the field (rules.NAME) for unknown keys, wrong types or
// values out of range.
Result<routing::QueueRules> parse_queue_rules(const nlohmann::json& rules);
nlohmann::json queue_rules_to_json(const routing::QueueRules& rules);

}  // namespace sy::api
