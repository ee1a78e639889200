// UTC offsets of named time zones from the system's tz database (/usr/share/zoneinfo, TZif
// files as written by zic), for the places where the centre's day starts: g++ 12's library has
// no std::chrono tz database. The offset is the one in force at a given instant, so zones with
// daylight saving time get the offset of that season.
#pragma once

#include <optional>
#include <string>

#include "core/clock.h"

namespace sy {

// Minutes east of UTC in force in `zone` (e.g. "Asia/Kolkata" → 330) at `at`; nullopt when the
// zone is unknown or its file unreadable. `zoneinfo_dir` is for tests.
std::optional<int> zone_offset_minutes(const std::string& zone, TimePoint at,
                                       const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

}  // namespace sy
