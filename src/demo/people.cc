// Tables of surnames, given-name characters, roads and company words; all draws through Rng.
#include "demo/people.h"

#include <array>
#include <cstdio>

namespace sy::demo {
namespace {

// Fujian's common surnames with rough frequency per mille (陈 and 林 lead far more than in the
// north).
struct Weighted {
  const char* text;
  std::uint32_t weight;
};
constexpr Weighted kSurnames[] = {
    {"陈", 110}, {"林", 90}, {"黄", 60}, {"张", 45}, {"吴", 40}, {"李", 40}, {"王", 35},
    {"郑", 35},  {"刘", 30}, {"杨", 22}, {"许", 20}, {"蔡", 20}, {"洪", 17}, {"郭", 17},
    {"曾", 16},  {"庄", 14}, {"苏", 14}, {"周", 13}, {"叶", 13}, {"游", 10}, {"江", 10},
    {"谢", 12},  {"何", 10}, {"徐", 10}, {"朱", 9},  {"邱", 10}, {"方", 9},  {"翁", 8},
    {"卢", 8},   {"余", 8},  {"罗", 8},  {"高", 8},  {"潘", 7},  {"赖", 8},  {"连", 6},
    {"傅", 6},   {"杜", 5},  {"魏", 6},  {"詹", 6},  {"柯", 6},  {"颜", 6},  {"施", 6},
    {"钟", 6},   {"丁", 5},  {"范", 4},  {"官", 3},  {"肖", 5},  {"彭", 5},  {"欧阳", 2},
    {"上官", 1}, {"薛", 4},  {"董", 4},  {"廖", 6},  {"沈", 4},  {"姚", 4},  {"孙", 4},
};
constexpr const char* kMaleChars[] = {
    "伟", "强", "军", "勇", "杰", "涛", "斌", "超", "明", "华", "建", "国", "志", "文", "俊",
    "辉", "鹏", "宇", "浩", "凯", "晨", "阳", "磊", "峰", "海", "荣", "福", "德", "永", "金",
    "龙", "清", "水", "木", "泉", "榕", "闽", "锦", "振", "东", "兴", "平", "新", "家", "天"};
constexpr const char* kFemaleChars[] = {
    "芳", "娜", "敏", "静", "丽", "艳", "婷", "雪", "燕", "玲", "萍", "红", "霞", "琴", "慧",
    "颖", "欣", "怡", "佳", "梅", "兰", "秀", "珠", "凤", "月", "晶", "洁", "倩", "莉", "蓉",
    "淑", "惠", "美", "玉", "宁", "茹", "婉", "璐", "琳", "思", "雅", "晓", "春", "碧", "素"};
constexpr const char* kRoads[] = {
    "人民路", "中山路", "解放路", "建设路", "和平路",   "新华路", "胜利路", "滨江路", "府前路",
    "学府路", "东大路", "西环路", "南环路", "北环路",   "长安路", "振兴路", "文化路", "公园路",
    "湖滨路", "华林路", "五一路", "八一路", "江滨大道", "工业路", "光明街", "朝阳路", "育才路"};
constexpr const char* kEstateWords[] = {
    "阳光", "锦绣", "翠湖", "碧水", "滨海", "龙腾", "福星", "华府", "世纪", "东方", "幸福",
    "海韵", "紫荆", "丽景", "瑞景", "御景", "香榭", "金山", "榕城", "鹭岛", "凤凰", "怡园"};
constexpr const char* kEstateKinds[] = {"花园", "小区", "苑", "新村", "家园", "公寓", "嘉园"};
constexpr const char* kVillageWords[] = {"下坪", "上洋", "溪口", "后洋", "东坑", "岭头", "大埔",
                                         "新厝", "前坂", "石门", "塘边", "洋中", "坑里", "桥头"};
constexpr const char* kBrandWords[] = {"鑫隆",   "恒泰", "华盛", "永兴", "宏达", "金源", "顺发",
                                       "新世纪", "海峡", "闽福", "嘉禾", "瑞丰", "盛达", "德润",
                                       "万通",   "联创", "安泰", "协和", "天成", "正大"};
constexpr const char* kTrades[] = {"食品", "纺织", "鞋业", "茶业",     "电子", "机械", "建材",
                                   "物流", "贸易", "石材", "陶瓷",     "服装", "水产", "包装",
                                   "印务", "家具", "餐饮", "酒店管理", "塑胶", "五金"};
// Mobile prefixes in real use (China Mobile, Unicom, Telecom), weighted by how common they are.
constexpr const char* kMobilePrefixes[] = {
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "147", "150",
    "151", "152", "153", "155", "156", "157", "158", "159", "166", "173", "176", "177",
    "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "191",
    "198", "199", "135", "138", "139", "136", "158", "159", "188", "187", "150", "152"};

void append_digits(std::string& out, Rng& rng, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>('0' + rng.below(10)));
}

std::string given_name(Rng& rng, bool male) {
  std::string g;
  int len = rng.chance(250) ? 1 : 2;
  for (int i = 0; i < len; ++i) g += male ? rng.pick(kMaleChars) : rng.pick(kFemaleChars);
  return g;
}

}  // namespace

char id_check_char(const std::string& first17) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

Person make_person(Rng& rng, const std::string& county_code) {
  static std::array<std::uint32_t, std::size(kSurnames)> weights = [] {
    std::array<std::uint32_t, std::size(kSurnames)> w{};
    for (std::size_t i = 0; i < w.size(); ++i) w[i] = kSurnames[i].weight;
    return w;
  }();
  Person p;
  p.male = rng.chance(500);
  p.name = kSurnames[rng.weighted(weights)].text;
  p.name += given_name(rng, p.male);
  // Adults skewed to middle age: the sum of two uniforms peaks around 1970-1975.
  p.birth_year = static_cast<int>(1936 + rng.below(36) + rng.below(36));
  int month = static_cast<int>(rng.range(1, 12));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int day = static_cast<int>(rng.range(1, kDays[month - 1]));
  int seq = static_cast<int>(rng.below(500)) * 2 + (p.male ? 1 : 0);
  char buf[24];
  std::snprintf(buf, sizeof buf, "%.6s%04d%02d%02d%03d", county_code.c_str(), p.birth_year, month,
                day, seq);
  p.id_number = buf;
  p.id_number.push_back(id_check_char(p.id_number));
  return p;
}

std::string make_mobile(Rng& rng) {
  std::string s = rng.pick(kMobilePrefixes);
  append_digits(s, rng, 8);
  return s;
}

std::string make_landline(Rng& rng, const AreaInfo& area) {
  std::string s = area.area_phone_code;
  s.push_back(static_cast<char>('2' + rng.below(7)));  // local numbers start 2..8
  append_digits(s, rng, area.landline_digits - 1);
  return s;
}

std::string make_address(Rng& rng, const AreaInfo& area) {
  std::string s = "福建省" + area.city_name + area.county_name;
  char buf[64];
  if (area.area_class == "urban") {
    s += rng.pick(kRoads);
    std::snprintf(buf, sizeof buf, "%d号", static_cast<int>(rng.range(1, 388)));
    s += buf;
    s += rng.pick(kEstateWords);
    s += rng.pick(kEstateKinds);
    std::snprintf(buf, sizeof buf, "%d栋%d%02d室", static_cast<int>(rng.range(1, 32)),
                  static_cast<int>(rng.range(1, 33)), static_cast<int>(rng.range(1, 6)));
    s += buf;
  } else {
    // Rural: the service area stands for the township; then village and house number.
    std::string area_word = area.name.substr(0, area.name.size() - std::string("供电所").size());
    s += area_word + "镇";
    s += rng.pick(kVillageWords);
    std::snprintf(buf, sizeof buf, "村%d号", static_cast<int>(rng.range(1, 260)));
    s += buf;
  }
  return s;
}

std::string make_business_address(Rng& rng, const AreaInfo& area) {
  std::string s = "福建省" + area.city_name + area.county_name + rng.pick(kRoads);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d号", static_cast<int>(rng.range(1, 388)));
  s += buf;
  if (area.area_class == "urban") {
    s += rng.pick(kBrandWords);
    std::snprintf(buf, sizeof buf, "大厦%d层", static_cast<int>(rng.range(1, 30)));
  } else {
    s += area.name.substr(0, area.name.size() - std::string("供电所").size());
    std::snprintf(buf, sizeof buf, "工业园区%d号厂房", static_cast<int>(rng.range(1, 60)));
  }
  s += buf;
  return s;
}

std::string make_company_name(Rng& rng, const AreaInfo& area) {
  // "福州市" -> "福州": companies are named after the city without 市.
  std::string city = area.city_name.substr(0, area.city_name.size() - std::string("市").size());
  std::string s = city + rng.pick(kBrandWords) + rng.pick(kTrades);
  s += rng.chance(150) ? "股份有限公司" : "有限公司";
  return s;
}

std::string make_credit_code(Rng& rng, const std::string& county_code) {
  static constexpr char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  std::string s = "91" + county_code.substr(0, 6);
  for (int i = 0; i < 9; ++i) s.push_back(kAlphabet[rng.below(i < 2 ? 31 : 10)]);
  int sum = 0;
  for (int i = 0; i < 17; ++i) {
    char c = s[static_cast<std::size_t>(i)];
    int v = 0;
    while (kAlphabet[v] != c) ++v;
    sum += v * kWeights[i];
  }
  s.push_back(kAlphabet[(31 - sum % 31) % 31]);
  return s;
}

}  // namespace sy::demo
