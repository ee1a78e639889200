// Private: the outage query the outage repository and the screen pop share. Not for use
// outside src/store.
#pragma once

#include <string>
#include <vector>

#include "core/clock.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store::outage_sql {

// Scheduled or active outages not ended at `now` naming `region_code` or an ancestor, with
// their areas, soonest start first. Index-driven: outage_areas primary key, then outages by id.
Result<std::vector<Outage>> current_for_region(Connection& conn, const std::string& region_code,
                                               TimePoint now);

}  // namespace sy::store::outage_sql
