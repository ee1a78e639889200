// Demo call history for the report pages: a week of inbound calls (IVR self-service, answered,
// abandoned) and the demo agents' state changes, written through the call and agent
// repositories (queued to the writer, so group commit keeps it quick), then folded into the
// report summaries. Deterministic for a seed; skipped when the history is already there.
#pragma once

#include <cstdint>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "demo/province.h"
#include "store/db.h"

namespace sy::demo {

struct CallHistoryResult {
  std::int64_t calls = 0;
  std::int64_t state_changes = 0;
};

// `days` days of calls ending before `now`, about `calls_per_day` a day.
Result<CallHistoryResult> load_call_history(store::Database& db, TimePoint now,
                                            const std::vector<RegionRow>& regions,
                                            std::uint64_t seed, int days = 7,
                                            int calls_per_day = 400);

}  // namespace sy::demo
