// Region scoping: which region codes a user bound to a region may see, as pure functions on the
// hierarchical codes (350000 province, 350100 city, 350102 county, 350102-01 service area), and
// as a half-open range [lo, hi) so SQL can filter with the region_code index instead of LIKE.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sy::store {

// The prefix every code in the region's subtree starts with:
// 350000 → "35", 350100 → "3501", 350102 → "350102", "350102-01" → "350102-01".
std::string scope_prefix(std::string_view region_code);

// True when `code` lies in the subtree of `user_region`; an empty user_region sees everything.
bool in_scope(std::string_view code, std::string_view user_region);

// The codes from `region_code` up to the province, nearest first:
// "350102-01" → {"350102-01", "350102", "350100", "350000"}. Derived from the code alone.
std::vector<std::string> ancestor_codes(std::string_view region_code);

// A subtree as a range of codes: code >= lo AND code < hi. Unrestricted when built from "".
class RegionScope {
 public:
  RegionScope() = default;  // unrestricted
  explicit RegionScope(std::string_view user_region);
  static RegionScope all() { return RegionScope(); }

  bool unrestricted() const { return prefix_.empty(); }
  bool contains(std::string_view code) const;
  const std::string& prefix() const { return prefix_; }
  const std::string& lo() const { return prefix_; }
  const std::string& hi() const { return hi_; }  // prefix with its last character incremented

 private:
  std::string prefix_;
  std::string hi_;
};

}  // namespace sy::store
