// Regions: the province → city → county → service-area tree that scopes users, customers,
// outages and (later) work-order dispatch.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/db.h"
#include "store/records.h"

namespace sy::store {

class RegionRepository {
 public:
  explicit RegionRepository(Database& db) : db_(db) {}

  // Every region, ordered by code (parents before children).
  Result<std::vector<Region>> list_all();
  // Direct children of `parent_code`; "" lists the roots. Ordered by code.
  Result<std::vector<Region>> list_children(const std::string& parent_code);
  // The region and everything below it, ordered by code. not_found "region_not_found".
  Result<std::vector<Region>> list_subtree(const std::string& code);

  // not_found "region_not_found".
  Result<Region> get(const std::string& code);

  // Errors: invalid_input "invalid_region_code" (1..32 chars of [0-9A-Za-z-]),
  // "invalid_area_class" (urban|rural|remote), "invalid_name" (empty);
  // not_found "parent_not_found"; conflict "region_code_taken".
  Result<Region> create(const Region& region);

  // Errors: region_not_found, invalid_area_class, invalid_name.
  Result<Region> update(const std::string& code, const RegionUpdate& update);

  // Errors: region_not_found; conflict "region_in_use" when child regions, customers, accounts,
  // users or outages still reference it.
  Status remove(const std::string& code);

 private:
  Database& db_;
};

}  // namespace sy::store
