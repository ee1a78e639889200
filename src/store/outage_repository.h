// Outages, planned and unplanned, with the regions they affect: what the IVR announces and the
// screen pop shows for a caller's area.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

class OutageRepository {
 public:
  OutageRepository(Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  // Errors: invalid_input "invalid_region_codes" (none given), "invalid_time_range"
  // (ends_at before starts_at), "invalid_status" (must start scheduled or active);
  // not_found "region_not_found" (field "region_codes[i]").
  Result<Outage> create(const NewOutage& outage);

  // not_found "outage_not_found".
  Result<Outage> get(std::int64_t id);

  // Newest start first. Errors: invalid_page / invalid_page_size.
  Result<PageResult<Outage>> list(const OutageFilter& filter, const PageRequest& page);

  // Errors: outage_not_found; conflict "invalid_transition" (outage_transition_allowed);
  // invalid_time_range; region_not_found.
  Result<Outage> update(std::int64_t id, const OutageUpdate& update);

  // Sets status cancelled (same rules as update). Errors: outage_not_found, invalid_transition.
  Result<Outage> cancel(std::int64_t id);

  // Deletes the outage and its areas. not_found "outage_not_found".
  Status remove(std::int64_t id);

  // Scheduled or active outages not yet ended at `now` that name `region_code` or one of its
  // ancestors, soonest start first. Used by the IVR "outage in my area" lookup.
  Result<std::vector<Outage>> active_or_planned_for_region(const std::string& region_code,
                                                           TimePoint now);

 private:
  Database& db_;
  const Clock& clock_;
};

}  // namespace sy::store
