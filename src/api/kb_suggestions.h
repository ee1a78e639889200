// Knowledge-base suggestions from a call's IVR path: each IVR node (or "queue:NAME" for the
// queue the call waited in) maps to searches whose best articles the agent's KB panel shows
// before the agent types anything. The default suits config/flows/hotline-95598.yaml; the
// centre can replace it (kb.suggestions in the configuration file).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace sy::api {

// Key: an IVR node id or "queue:NAME"; value: search queries, most useful first.
using KbSuggestionRules = std::map<std::string, std::vector<std::string>>;

// Rules for the 95598 hotline flow: the bill/arrears branch suggests bills, payment channels,
// arrears and reconnection; outage and repair branches suggest outage and repair articles.
KbSuggestionRules default_kb_suggestion_rules();

// "node=query|query; node=query" (the configuration file's form). invalid_input
// "invalid_kb_suggestions" naming the bad entry.
Result<KbSuggestionRules> parse_kb_suggestion_rules(std::string_view text);

}  // namespace sy::api
