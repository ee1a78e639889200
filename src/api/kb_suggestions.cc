// Knowledge-base suggestion rules (see kb_suggestions.h).
#include "api/kb_suggestions.h"

namespace sy::api {
namespace {

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    std::size_t end = s.find(sep, pos);
    if (end == std::string_view::npos) end = s.size();
    out.push_back(trim(s.substr(pos, end - pos)));
    pos = end + 1;
  }
  return out;
}

}  // namespace

KbSuggestionRules default_kb_suggestion_rules() {
  const std::vector<std::string> bill = {"电费账单", "电费突然增多", "缴费渠道"};
  const std::vector<std::string> arrears = {"欠费停电", "欠费复电", "缴费渠道", "违约金"};
  const std::vector<std::string> outage = {"停电信息", "停电多久来电", "计划停电"};
  const std::vector<std::string> repair = {"故障报修", "抢修到达时限", "家里停电"};
  return {
      {"bill", bill},
      {"bill_account", bill},
      {"bill_pin", bill},
      {"bill_paid", {"电费账单", "缴费后未到账", "电费发票"}},
      {"no_bill", {"电费账单", "预存电费"}},
      {"arrears", arrears},
      {"bill_with_arrears", arrears},
      {"pin_locked", {"查询密码", "网上国网"}},
      {"account_unknown", {"户号查询", "网上国网"}},
      {"outage", outage},
      {"outage_notice", outage},
      {"outage_plans", {"计划停电", "停电信息"}},
      {"outage_plan_notice", {"计划停电", "停电信息"}},
      {"no_outage_plan", {"计划停电", "停电信息"}},
      {"repair", repair},
      {"repair_use_caller", repair},
      {"repair_number", repair},
      {"repair_record", repair},
      {"repair_notice", repair},
      {"repair_queue", repair},
      {"progress", {"办理进度", "投诉受理"}},
      {"progress_notice", {"办理进度"}},
      {"no_progress", {"办理进度"}},
      {"queue:repair", repair},
      {"queue:vip", {"坐席标准开场白", "投诉受理规范"}},
  };
}

Result<KbSuggestionRules> parse_kb_suggestion_rules(std::string_view text) {
  KbSuggestionRules out;
  for (const std::string& entry : split(text, ';')) {
    if (entry.empty()) continue;
    std::size_t eq = entry.find('=');
    std::string key = eq == std::string::npos ? std::string() : trim(entry.substr(0, eq));
    std::vector<std::string> queries;
    if (eq != std::string::npos)
      for (auto& q : split(std::string_view(entry).substr(eq + 1), '|'))
        if (!q.empty()) queries.push_back(std::move(q));
    if (key.empty() || queries.empty())
      return make_error(ErrorKind::kInvalidInput, "invalid_kb_suggestions",
                        "kb suggestions: '" + entry + "' is not node=query|query",
                        "kb.suggestions");
    out[key] = std::move(queries);
  }
  return out;
}

}  // namespace sy::api
