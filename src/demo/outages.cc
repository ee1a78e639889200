// The demo province's outages, relative to `now`: planned maintenance over the coming two weeks,
// faults being repaired right now (one of them a typhoon across coastal areas), and a few
// restored in the last days.
#include <algorithm>

#include "demo/generator.h"

namespace sy::demo {
namespace {

constexpr std::int64_t kMinuteMs = 60000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kLocalOffsetMs = 8 * kHourMs;

constexpr const char* kPlannedReasons[] = {"线路检修", "设备改造", "配合市政施工", "变压器增容"};
constexpr const char* kFaultReasons[] = {"故障抢修", "故障抢修", "外力破坏"};

std::string area_word(const AreaInfo& a) {
  return a.name.substr(0, a.name.size() - std::string("供电所").size());
}

// 1..max consecutive areas of the county around `first`.
std::vector<const AreaInfo*> neighbourhood(const Province& p, Rng& rng, const AreaInfo& first,
                                           int max) {
  auto all = p.areas_of_county(first.county_code);
  auto it = std::find(all.begin(), all.end(), &first);
  std::size_t start = static_cast<std::size_t>(it - all.begin());
  std::size_t n =
      std::min<std::size_t>(static_cast<std::size_t>(rng.range(1, max)), all.size() - start);
  return {all.begin() + static_cast<std::ptrdiff_t>(start),
          all.begin() + static_cast<std::ptrdiff_t>(start + n)};
}

OutageRow describe(std::string kind, std::string reason,
                   const std::vector<const AreaInfo*>& areas) {
  OutageRow o;
  o.kind = std::move(kind);
  o.reason = std::move(reason);
  std::string names;
  for (const auto* a : areas) {
    if (!names.empty()) names += "、";
    names += area_word(*a);
    o.area_codes.push_back(a->code);
  }
  o.description = "因10kV" + area_word(*areas.front()) + "线" + o.reason + "，" +
                  areas.front()->city_name + areas.front()->county_name + names + "部分区域停电";
  return o;
}

}  // namespace

std::vector<OutageRow> Generator::outages() const {
  Rng rng(derive_seed(options_.seed, 2));
  std::vector<OutageRow> out;
  std::int64_t now = options_.now_ms;
  // Local midnight of today, so planned work starts at a plausible local hour.
  std::int64_t today = (now + kLocalOffsetMs) / kDayMs * kDayMs - kLocalOffsetMs;
  for (int i = 0; i < 36; ++i) {
    const AreaInfo& first = province_.pick_area(rng);
    OutageRow o =
        describe("planned", rng.pick(kPlannedReasons), neighbourhood(province_, rng, first, 3));
    o.starts_at = today + rng.range(1, 14) * kDayMs + (rng.chance(500) ? 8 : 7) * kHourMs +
                  (rng.chance(500) ? 30 * kMinuteMs : 0);
    o.ends_at = o.starts_at + rng.range(4, 10) * kHourMs;
    o.status = "scheduled";
    out.push_back(std::move(o));
  }
  for (int i = 0; i < 6; ++i) {
    OutageRow o = describe("unplanned", rng.pick(kFaultReasons),
                           neighbourhood(province_, rng, province_.pick_area(rng), 1));
    o.starts_at = now - rng.range(20, 240) * kMinuteMs;
    o.ends_at = now + rng.range(30, 300) * kMinuteMs;  // estimated restoration
    o.status = "active";
    out.push_back(std::move(o));
  }
  // A typhoon across the outskirts of two coastal counties, restoration expected by tomorrow.
  std::vector<const AreaInfo*> coastal;
  std::string counties;
  int n_counties = 0;
  for (int tries = 0; tries < 100 && n_counties < 2; ++tries) {
    const AreaInfo& pick = province_.pick_area(rng);
    if (!pick.coastal || counties.find(pick.county_name) != std::string::npos) continue;
    std::vector<const AreaInfo*> outskirts;
    for (const AreaInfo* a : province_.areas_of_county(pick.county_code))
      if (a->area_class != "urban") outskirts.push_back(a);
    if (outskirts.empty()) continue;
    counties += (n_counties++ ? "、" : "") + pick.city_name + pick.county_name;
    outskirts.resize(std::min<std::size_t>(outskirts.size(), 3));
    coastal.insert(coastal.end(), outskirts.begin(), outskirts.end());
  }
  if (!coastal.empty()) {
    OutageRow o = describe("unplanned", "台风", coastal);
    o.description = "受台风影响，" + counties + "多条10kV线路跳闸，部分区域停电，正在抢修";
    o.starts_at = now - rng.range(3, 8) * kHourMs;
    o.ends_at = now + rng.range(6, 18) * kHourMs;
    o.status = "active";
    out.push_back(std::move(o));
  }
  for (int i = 0; i < 5; ++i) {
    OutageRow o = describe("unplanned", rng.pick(kFaultReasons),
                           neighbourhood(province_, rng, province_.pick_area(rng), 2));
    o.starts_at = now - rng.range(2, 5) * kDayMs - rng.range(0, 600) * kMinuteMs;
    o.ends_at = o.starts_at + rng.range(60, 240) * kMinuteMs;
    o.restored_at = *o.ends_at - rng.range(0, 30) * kMinuteMs;
    o.status = "restored";
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace sy::demo
