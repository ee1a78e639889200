// The demo knowledge base (see kb_articles.h). The hand-written articles are parsed from a small
// text format: "## 父类/子类" sets the category, "# 标题 | 标签,标签" starts an article, the lines
// after it are its Markdown body.
#include "demo/kb_articles.h"

#include <iterator>
#include <map>
#include <sstream>

#include "store/kb_repository.h"

namespace sy::demo {
namespace {

const char* const kArticlesText =
#include "demo/kb_articles.txt.inc"
    ;

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) {
    std::size_t a = part.find_first_not_of(' ');
    std::size_t b = part.find_last_not_of(' ');
    if (a != std::string::npos) out.push_back(part.substr(a, b - a + 1));
  }
  return out;
}

std::vector<KbDemoArticle> written_articles() {
  std::vector<KbDemoArticle> out;
  std::vector<std::string> category;
  std::istringstream in(kArticlesText);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) {
      category = split(line.substr(3), '/');
    } else if (line.rfind("# ", 0) == 0) {
      KbDemoArticle a;
      a.category_path = category;
      std::string head = line.substr(2);
      std::size_t bar = head.find('|');
      a.title = split(head.substr(0, bar), '|').front();
      if (bar != std::string::npos) a.tags = split(head.substr(bar + 1), ',');
      out.push_back(std::move(a));
    } else if (!out.empty() && !line.empty()) {
      if (!out.back().body.empty()) out.back().body += "\n";
      out.back().body += line;
    }
  }
  return out;
}

// A stable small number from a region code, so addresses and hours vary but never change.
unsigned code_hash(const std::string& code) {
  unsigned h = 2166136261u;
  for (char c : code) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

const char* const kRoads[] = {"人民路", "建设路", "解放路", "中山路", "新华路", "胜利路",
                              "和平路", "东大路", "府前路", "滨江路", "八一路", "工业路"};

KbDemoArticle service_point(const RegionRow& county, const RegionRow& city) {
  unsigned h = code_hash(county.code);
  KbDemoArticle a;
  a.category_path = {"营业网点"};
  a.title = county.name + "供电营业厅地址和营业时间";
  a.tags = {"营业厅", county.name, "营业时间"};
  a.region_code = county.code;
  std::string road = kRoads[h % std::size(kRoads)];
  std::string number = std::to_string(10 + h % 290);
  bool weekend = (h >> 8) % 2 == 0;
  a.body = county.name + "供电营业厅位于" + city.name + county.name + road + number +
           "号，营业时间：周一至周五8:30-12:00、14:30-17:30" +
           (weekend ? "，周六、周日上午9:00-12:00照常营业" : "，周六上午9:00-12:00营业") +
           "，法定节假日另行公告。\n可办理：电费缴纳、新装增容、过户更名、峰谷电价变更、发票打印、"
           "电能表校验申请等业务。营业厅设有自助缴费终端，24小时可用。\n" + county.name +
           "辖区故障报修请拨打95598，抢修人员" +
           (county.area_class == "urban" ? "城区45分钟内到达现场。"
                                          : "城区45分钟、农村90分钟、边远地区120分钟内到达现场。");
  return a;
}

KbDemoArticle city_repair(const RegionRow& city) {
  KbDemoArticle a;
  a.category_path = {"故障报修", "抢修服务"};
  a.title = city.name + "供电抢修服务";
  a.tags = {"抢修", city.name, "故障报修"};
  a.region_code = city.code;
  a.body = city.name + "供电公司实行7×24小时抢修值班，客户拨打95598或在网上国网App报修后，"
           "工单直接派发至属地抢修班组。\n到达现场时限：市区45分钟，县城及农村90分钟，"
           "边远山区120分钟。大面积停电时，" + city.name +
           "供电公司通过网上国网App和短信发布停电范围及预计恢复时间。";
  return a;
}

KbDemoArticle city_outage_notice(const RegionRow& city) {
  KbDemoArticle a;
  a.category_path = {"故障报修", "停电信息"};
  a.title = city.name + "计划停电公告发布渠道";
  a.tags = {"计划停电", city.name, "停电公告"};
  a.region_code = city.code;
  a.body = city.name + "辖区计划检修停电提前7天通过网上国网App、国网福建电力公众号、"
           "短信和小区公告栏发布，临时检修停电提前24小时通知。客户可在App"
           "\"停电公告\"中按街道查询" + city.name + "未来7天的计划停电。";
  return a;
}

}  // namespace

std::vector<KbDemoArticle> kb_demo_articles(const Province& province) {
  std::vector<KbDemoArticle> out = written_articles();
  const auto& regions = province.regions();
  for (const auto& city : regions) {
    if (city.level != "city") continue;
    out.push_back(city_repair(city));
    out.push_back(city_outage_notice(city));
    for (const auto& county : regions)
      if (county.level == "county" && county.parent_code == city.code)
        out.push_back(service_point(county, city));
  }
  return out;
}

Result<std::int64_t> load_kb_demo(store::Connection& conn, const Province& province,
                                  TimePoint now, bool wipe) {
  if (wipe) {
    for (const char* table : {"kb_search", "kb_articles", "kb_categories"})
      SY_TRY(conn.exec(std::string("DELETE FROM ") + table));
  } else {
    auto existing = conn.query_one("SELECT id FROM kb_categories LIMIT 1");
    if (!existing) return existing.error();
    if (*existing) return std::int64_t{0};
  }
  std::map<std::string, std::int64_t> category_ids;  // "父类/子类" → id
  std::int64_t count = 0;
  for (const auto& a : kb_demo_articles(province)) {
    std::optional<std::int64_t> parent;
    std::string path;
    for (std::size_t i = 0; i < a.category_path.size(); ++i) {
      path += (i ? "/" : "") + a.category_path[i];
      auto found = category_ids.find(path);
      if (found == category_ids.end()) {
        store::NewKbCategory c{parent, a.category_path[i], static_cast<int>(category_ids.size())};
        auto id = store::kb_sql::insert_category(conn, c, now);
        if (!id) return id.error();
        found = category_ids.emplace(path, *id).first;
      }
      parent = found->second;
    }
    store::NewKbArticle n;
    n.title = a.title;
    n.body = a.body;
    n.category_id = *parent;
    n.tags = a.tags;
    n.region_code = a.region_code;
    n.state = store::KbState::kPublished;
    auto id = store::kb_sql::insert_article(conn, n, now);
    if (!id) return id.error();
    ++count;
  }
  return count;
}

}  // namespace sy::demo
