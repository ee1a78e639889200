// Fujian's real cities and counties (codes as of the 2021 adjustments; 金门县 is left out because
// the mainland grid does not serve it). Weights are rough populations in units of 10,000.
#include "demo/province.h"

#include <algorithm>
#include <cstdio>

namespace sy::demo {
namespace {

// D: urban district; M: district with rural outskirts; C: county or county-level city (rural,
// its seat urban); R: mountain county (seat urban, the rest rural or remote).
struct CountySpec {
  const char* code;
  const char* name;
  char kind;
  std::uint32_t weight;
};

struct CitySpec {
  const char* code;
  const char* name;
  const char* centre;
  const char* phone_code;
  int landline_digits;
  bool minnan;
  bool coastal;
  std::vector<CountySpec> counties;
};

const std::vector<CitySpec>& cities() {
  static const std::vector<CitySpec> kCities = {
      {"350100",
       "福州市",
       "fuzhou",
       "0591",
       8,
       false,
       true,
       {{"350102", "鼓楼区", 'D', 69},
        {"350103", "台江区", 'D', 45},
        {"350104", "仓山区", 'D', 80},
        {"350105", "马尾区", 'D', 23},
        {"350111", "晋安区", 'D', 90},
        {"350112", "长乐区", 'M', 75},
        {"350121", "闽侯县", 'C', 85},
        {"350122", "连江县", 'C', 62},
        {"350123", "罗源县", 'C', 27},
        {"350124", "闽清县", 'C', 24},
        {"350125", "永泰县", 'R', 26},
        {"350128", "平潭县", 'C', 36},
        {"350181", "福清市", 'C', 135}}},
      {"350200",
       "厦门市",
       "xiamen",
       "0592",
       7,
       true,
       true,
       {{"350203", "思明区", 'D', 105},
        {"350205", "海沧区", 'D', 58},
        {"350206", "湖里区", 'D', 104},
        {"350211", "集美区", 'D', 103},
        {"350212", "同安区", 'M', 86},
        {"350213", "翔安区", 'M', 60}}},
      {"350300",
       "莆田市",
       "fuzhou",
       "0594",
       7,
       false,
       true,
       {{"350302", "城厢区", 'D', 50},
        {"350303", "涵江区", 'M', 47},
        {"350304", "荔城区", 'D', 55},
        {"350305", "秀屿区", 'M', 58},
        {"350322", "仙游县", 'C', 80}}},
      {"350400",
       "三明市",
       "fuzhou",
       "0598",
       7,
       false,
       false,
       {{"350404", "三元区", 'D', 37},
        {"350405", "沙县区", 'M', 23},
        {"350421", "明溪县", 'R', 10},
        {"350423", "清流县", 'R', 13},
        {"350424", "宁化县", 'R', 27},
        {"350425", "大田县", 'R', 31},
        {"350426", "尤溪县", 'R', 35},
        {"350428", "将乐县", 'R', 15},
        {"350429", "泰宁县", 'R', 11},
        {"350430", "建宁县", 'R', 12},
        {"350481", "永安市", 'C', 35}}},
      {"350500",
       "泉州市",
       "xiamen",
       "0595",
       8,
       true,
       true,
       {{"350502", "鲤城区", 'D', 40},
        {"350503", "丰泽区", 'D', 60},
        {"350504", "洛江区", 'M', 22},
        {"350505", "泉港区", 'M', 40},
        {"350521", "惠安县", 'C', 90},
        {"350524", "安溪县", 'R', 100},
        {"350525", "永春县", 'C', 45},
        {"350526", "德化县", 'R', 28},
        {"350581", "石狮市", 'C', 68},
        {"350582", "晋江市", 'C', 206},
        {"350583", "南安市", 'C', 150}}},
      {"350600",
       "漳州市",
       "xiamen",
       "0596",
       7,
       true,
       true,
       {{"350602", "芗城区", 'D', 60},
        {"350603", "龙文区", 'D', 30},
        {"350604", "龙海区", 'M', 90},
        {"350605", "长泰区", 'M', 22},
        {"350622", "云霄县", 'C', 40},
        {"350623", "漳浦县", 'C', 80},
        {"350624", "诏安县", 'C', 55},
        {"350626", "东山县", 'C', 21},
        {"350627", "南靖县", 'C', 32},
        {"350628", "平和县", 'R', 50},
        {"350629", "华安县", 'R', 13}}},
      {"350700",
       "南平市",
       "fuzhou",
       "0599",
       7,
       false,
       false,
       {{"350702", "延平区", 'D', 43},
        {"350703", "建阳区", 'M', 30},
        {"350721", "顺昌县", 'R', 18},
        {"350722", "浦城县", 'R', 30},
        {"350723", "光泽县", 'R', 13},
        {"350724", "松溪县", 'R', 12},
        {"350725", "政和县", 'R', 17},
        {"350781", "邵武市", 'C', 27},
        {"350782", "武夷山市", 'C', 24},
        {"350783", "建瓯市", 'C', 45}}},
      {"350800",
       "龙岩市",
       "xiamen",
       "0597",
       7,
       false,
       false,
       {{"350802", "新罗区", 'D', 85},
        {"350803", "永定区", 'M', 38},
        {"350821", "长汀县", 'R', 40},
        {"350823", "上杭县", 'C', 37},
        {"350824", "武平县", 'R', 28},
        {"350825", "连城县", 'R', 25},
        {"350881", "漳平市", 'C', 24}}},
      {"350900",
       "宁德市",
       "fuzhou",
       "0593",
       7,
       false,
       true,
       {{"350902", "蕉城区", 'D', 48},
        {"350921", "霞浦县", 'C', 47},
        {"350922", "古田县", 'R', 33},
        {"350923", "屏南县", 'R', 15},
        {"350924", "寿宁县", 'R', 18},
        {"350925", "周宁县", 'R', 11},
        {"350926", "柘荣县", 'R', 9},
        {"350981", "福安市", 'C', 60},
        {"350982", "福鼎市", 'C', 58}}},
  };
  return kCities;
}

// Real sub-district names for the busiest central districts; other counties use generic ones.
std::vector<const char*> area_names(const std::string& county_code, char kind) {
  if (county_code == "350102") return {"东街", "南街", "温泉", "鼓东", "鼓西", "华大"};
  if (county_code == "350103") return {"上海", "苍霞", "瀛洲", "鳌峰", "宁化", "茶亭"};
  if (county_code == "350203") return {"中华", "鹭江", "开元", "厦港", "莲前", "嘉莲"};
  if (county_code == "350206") return {"湖里", "殿前", "禾山", "江头", "金山", "金尚"};
  if (kind == 'D' || kind == 'M') return {"城东", "城西", "城南", "城北", "城中", "新城"};
  return {"城关", "城郊", "东部", "西部", "南部", "北部"};
}

const char* area_class_for(char kind, std::size_t index) {
  switch (kind) {
    case 'D':
      return "urban";
    case 'M':
      return index < 2 ? "urban" : "rural";
    case 'C':
      return index == 0 ? "urban" : "rural";
    default:  // 'R'
      return index == 0 ? "urban" : (index % 2 ? "rural" : "remote");
  }
}

}  // namespace

Province::Province() {
  regions_.push_back({"350000", "", "福建省", "province", "urban", ""});
  for (const auto& city : cities()) {
    regions_.push_back({city.code, "350000", city.name, "city", "urban", city.centre});
    for (const auto& county : city.counties) {
      const char* county_class = county.kind == 'D' ? "urban" : "rural";
      regions_.push_back(
          {county.code, city.code, county.name, "county", county_class, city.centre});
      std::vector<const char*> names = area_names(county.code, county.kind);
      // Bigger counties get more service areas: 3..6.
      std::size_t n_areas = std::clamp<std::size_t>(county.weight / 20 + 3, 3, names.size());
      // The seat (first area) holds 1.5x the people of each other area; the county's weight is
      // split so that a county with more areas does not get more customers.
      std::uint64_t units = 3 + 2 * (n_areas - 1);
      for (std::size_t i = 0; i < n_areas; ++i) {
        char code[32];
        std::snprintf(code, sizeof code, "%s-%02zu", county.code, i + 1);
        AreaInfo a;
        a.code = code;
        a.name = std::string(names[i]) + "供电所";
        a.area_class = area_class_for(county.kind, i);
        a.county_code = county.code;
        a.county_name = county.name;
        a.city_name = city.name;
        a.area_phone_code = city.phone_code;
        a.landline_digits = city.landline_digits;
        a.minnan = city.minnan;
        a.coastal = city.coastal;
        a.weight = static_cast<std::uint32_t>(county.weight * 1000 * (i == 0 ? 3 : 2) / units);
        regions_.push_back({a.code, county.code, a.name, "area", a.area_class, city.centre});
        areas_.push_back(std::move(a));
      }
    }
  }
  std::uint64_t total = 0;
  for (const auto& a : areas_) {
    total += a.weight;
    cumulative_.push_back(total);
  }
}

const AreaInfo& Province::pick_area(Rng& rng) const {
  std::uint64_t x = rng.below(cumulative_.back());
  auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), x);
  return areas_[static_cast<std::size_t>(it - cumulative_.begin())];
}

std::vector<const AreaInfo*> Province::areas_of_county(const std::string& county_code) const {
  std::vector<const AreaInfo*> out;
  for (const auto& a : areas_)
    if (a.county_code == county_code) out.push_back(&a);
  return out;
}

}  // namespace sy::demo
