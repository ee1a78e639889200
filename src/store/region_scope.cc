// Region scoping on hierarchical codes: 6-digit administrative codes (province ..0000, city ..00,
// county) and service areas "<county>-NN" below a county.
#include "store/region_scope.h"

namespace sy::store {
namespace {

bool is_admin_code(std::string_view code) {
  if (code.size() != 6) return false;
  for (char c : code) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

std::string scope_prefix(std::string_view region_code) {
  if (!is_admin_code(region_code)) return std::string(region_code);
  if (region_code.ends_with("0000")) return std::string(region_code.substr(0, 2));
  if (region_code.ends_with("00")) return std::string(region_code.substr(0, 4));
  return std::string(region_code);
}

bool in_scope(std::string_view code, std::string_view user_region) {
  if (user_region.empty()) return true;
  return code.starts_with(scope_prefix(user_region));
}

std::vector<std::string> ancestor_codes(std::string_view region_code) {
  std::vector<std::string> out;
  if (region_code.empty()) return out;
  out.emplace_back(region_code);
  std::string code(region_code);
  if (auto dash = code.find('-'); dash != std::string::npos) {
    code = code.substr(0, dash);  // service area → its county
    if (!is_admin_code(code)) return out;
    out.push_back(code);
  }
  if (!is_admin_code(code)) return out;
  if (!code.ends_with("00")) {
    code = code.substr(0, 4) + "00";  // county → city
    out.push_back(code);
  }
  if (!code.ends_with("0000")) out.push_back(code.substr(0, 2) + "0000");  // city → province
  return out;
}

RegionScope::RegionScope(std::string_view user_region) : prefix_(scope_prefix(user_region)) {
  if (!prefix_.empty()) {
    hi_ = prefix_;
    hi_.back() = static_cast<char>(hi_.back() + 1);
  }
}

bool RegionScope::contains(std::string_view code) const { return code.starts_with(prefix_); }

}  // namespace sy::store
