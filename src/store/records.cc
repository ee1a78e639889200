// Pure rules on the records: enum names, paging checks, phone normalisation, ID masking.
#include "store/records.h"

#include <array>
#include <cctype>

namespace sy::store {
namespace {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

constexpr std::array kRegionLevels = {
    EnumName<RegionLevel>{RegionLevel::kProvince, "province"},
    EnumName<RegionLevel>{RegionLevel::kCity, "city"},
    EnumName<RegionLevel>{RegionLevel::kCounty, "county"},
    EnumName<RegionLevel>{RegionLevel::kArea, "area"},
};
constexpr std::array kOutageKinds = {
    EnumName<OutageKind>{OutageKind::kPlanned, "planned"},
    EnumName<OutageKind>{OutageKind::kUnplanned, "unplanned"},
};
constexpr std::array kOutageStatuses = {
    EnumName<OutageStatus>{OutageStatus::kScheduled, "scheduled"},
    EnumName<OutageStatus>{OutageStatus::kActive, "active"},
    EnumName<OutageStatus>{OutageStatus::kRestored, "restored"},
    EnumName<OutageStatus>{OutageStatus::kCancelled, "cancelled"},
};

template <class E, std::size_t N>
std::string_view name_of(const std::array<EnumName<E>, N>& table, E value) {
  for (const auto& e : table) {
    if (e.value == value) return e.name;
  }
  return "";
}

template <class E, std::size_t N>
std::optional<E> parse_of(const std::array<EnumName<E>, N>& table, std::string_view text) {
  for (const auto& e : table) {
    if (e.name == text) return e.value;
  }
  return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

static_assert(kMaxPageSize == 200, "keep the invalid_page_size message in step");

Status check_page(const PageRequest& page) {
  if (page.page < 1) {
    return make_error(ErrorKind::kInvalidInput, "invalid_page", "page must be 1 or more", "page");
  }
  if (page.page_size < 1 || page.page_size > kMaxPageSize) {
    return make_error(ErrorKind::kInvalidInput, "invalid_page_size",
                      "page_size must be between 1 and 200", "page_size");
  }
  return ok_status();
}

std::string_view to_string(RegionLevel level) { return name_of(kRegionLevels, level); }
std::optional<RegionLevel> parse_region_level(std::string_view text) {
  return parse_of(kRegionLevels, text);
}
std::string_view to_string(OutageKind kind) { return name_of(kOutageKinds, kind); }
std::string_view to_string(OutageStatus status) { return name_of(kOutageStatuses, status); }
std::optional<OutageKind> parse_outage_kind(std::string_view text) {
  return parse_of(kOutageKinds, text);
}
std::optional<OutageStatus> parse_outage_status(std::string_view text) {
  return parse_of(kOutageStatuses, text);
}

bool outage_transition_allowed(OutageStatus from, OutageStatus to) {
  if (from == to) return true;
  switch (from) {
    case OutageStatus::kScheduled:
      return to == OutageStatus::kActive || to == OutageStatus::kCancelled;
    case OutageStatus::kActive:
      return to == OutageStatus::kRestored || to == OutageStatus::kCancelled;
    case OutageStatus::kRestored:
    case OutageStatus::kCancelled:
      return false;
  }
  return false;
}

Result<std::string> normalize_phone(std::string_view input) {
  std::string s;
  s.reserve(input.size());
  for (char c : input) {
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t') continue;
    s.push_back(c);
  }
  // Prefixes are cut by taking the rest as a view; the result is built fresh (in-place
  // insert/replace trips a false -Wrestrict in g++ 12 at -O3).
  std::string_view rest = s;
  std::string lead;
  bool international = false;
  if (rest.starts_with("+86")) {
    rest.remove_prefix(3);
    international = true;
  } else if (rest.starts_with("0086")) {
    rest.remove_prefix(4);
    international = true;
  } else if (rest.starts_with("+")) {
    rest.remove_prefix(1);
    lead = "00";  // another country: keep it dialable from China
  } else if (rest.size() == 13 && rest.starts_with("861")) {
    rest.remove_prefix(2);  // 86 before an 11-digit mobile number
  }
  // A landline written internationally drops its trunk 0 ("+86 591 ..."): put it back so the
  // same line is stored and found as one string.
  if (international && !rest.empty() && rest[0] != '1' && rest[0] != '0') lead = "0";
  std::string out = lead;
  out.append(rest);
  s = std::move(out);
  bool digits = !s.empty();
  for (char c : s) digits = digits && is_digit(c);
  if (!digits || s.size() < 3 || s.size() > 20) {
    return make_error(ErrorKind::kInvalidInput, "invalid_phone",
                      "phone number must be 3 to 20 digits (spaces, dashes, +86 allowed)", "phone");
  }
  return s;
}

std::string mask_id_number(std::string_view id_number) {
  if (id_number.size() <= 7) return std::string(id_number.size(), '*');
  std::string out(id_number.substr(0, 3));
  out.append(id_number.size() - 7, '*');
  out.append(id_number.substr(id_number.size() - 4));
  return out;
}

}  // namespace sy::store
