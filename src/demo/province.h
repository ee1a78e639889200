// The demo province's geography, modelled on Fujian (福建省, 350000): its 9 cities with their real
// counties and codes, two centres (福州 and 厦门), and service areas (grids) per county.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "demo/random.h"

namespace sy::demo {

struct RegionRow {
  std::string code;
  std::string parent_code;  // "" for the province
  std::string name;
  std::string level;       // province | city | county | area
  std::string area_class;  // urban | rural | remote
  std::string centre;      // fuzhou | xiamen ("" for the province)
};

// What the generator needs to know about a service area to place a customer in it.
struct AreaInfo {
  std::string code;             // 350102-01
  std::string name;             // 东街供电所
  std::string area_class;       // urban | rural | remote
  std::string county_code;      // 350102
  std::string county_name;      // 鼓楼区
  std::string city_name;        // 福州市
  std::string area_phone_code;  // 0591
  int landline_digits = 8;      // digits after the area code
  bool minnan = false;          // 闽南语 is common here (Xiamen, Quanzhou, Zhangzhou)
  bool coastal = false;         // typhoons reach it
  std::uint32_t weight = 1;     // share of customers (population, arbitrary unit)
};

class Province {
 public:
  Province();
  const std::vector<RegionRow>& regions() const { return regions_; }
  const std::vector<AreaInfo>& areas() const { return areas_; }
  // An area drawn with population weights.
  const AreaInfo& pick_area(Rng& rng) const;
  // Areas of one county (by county code prefix), for outages.
  std::vector<const AreaInfo*> areas_of_county(const std::string& county_code) const;

 private:
  std::vector<RegionRow> regions_;
  std::vector<AreaInfo> areas_;
  std::vector<std::uint64_t> cumulative_;  // running weight sums for pick_area
};

}  // namespace sy::demo
