// JSON and table renderings of a simulation Report.
#include "sim/report_format.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

namespace sy::sim {

namespace {

nlohmann::json kpi_json(const Kpi& k) {
  return nlohmann::json{{"offered", k.offered},
                        {"answered", k.answered},
                        {"abandoned", k.abandoned},
                        {"left", k.left},
                        {"service_level", k.service_level},
                        {"p_wait", k.p_wait},
                        {"mean_wait_s", k.mean_wait_s},
                        {"asa_s", k.asa_s},
                        {"abandon_rate", k.abandon_rate},
                        {"occupancy", k.occupancy}};
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string pct(double v) { return fmt("%.1f%%", 100 * v); }

std::string pad(const std::string& s, int width, bool left) {
  int w = display_width(s);
  std::string fill(static_cast<std::size_t>(std::max(0, width - w)), ' ');
  return left ? s + fill : fill + s;
}

struct Table {
  std::vector<std::vector<std::string>> rows;
  std::string render() const {
    std::vector<int> widths;
    for (const auto& r : rows)
      for (std::size_t i = 0; i < r.size(); ++i) {
        if (widths.size() <= i) widths.push_back(0);
        widths[i] = std::max(widths[i], display_width(r[i]));
      }
    std::ostringstream o;
    for (const auto& r : rows) {
      for (std::size_t i = 0; i < r.size(); ++i)
        o << (i ? "  " : "") << pad(r[i], widths[i], i == 0);
      o << "\n";
    }
    return o.str();
  }
};

std::vector<std::string> kpi_row(const std::string& name, const Kpi& k) {
  return {name,
          std::to_string(k.offered),
          std::to_string(k.answered),
          std::to_string(k.abandoned),
          pct(k.service_level),
          pct(k.p_wait),
          fmt("%.1f", k.mean_wait_s),
          fmt("%.1f", k.asa_s),
          pct(k.abandon_rate),
          pct(k.occupancy)};
}

std::string clock_text(double s) {
  char buf[16];
  auto m = static_cast<long>(s / 60);
  std::snprintf(buf, sizeof buf, "%02ld:%02ld", (m / 60) % 100, m % 60);
  return buf;
}

}  // namespace

int display_width(const std::string& text) {
  int w = 0;
  for (std::size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = c;
    int len = 1;
    if (c >= 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else if (c >= 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xC0) {
      len = 2;
      cp = c & 0x1F;
    }
    for (int k = 1; k < len && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    w += (cp >= 0x1100 &&
          (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFE30 && cp <= 0xFE4F) ||
           (cp >= 0xFF00 && cp <= 0xFF60) || (cp >= 0xFFE0 && cp <= 0xFFE6)))
             ? 2
             : 1;
    i += static_cast<std::size_t>(len);
  }
  return w;
}

std::string to_json(const Report& r) {
  nlohmann::json j = kpi_json(r.total);
  nlohmann::json queues = nlohmann::json::object();
  for (const auto& [name, k] : r.queues) queues[name] = kpi_json(k);
  j["queues"] = queues;
  if (!r.intervals.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& i : r.intervals) {
      nlohmann::json x = kpi_json(i.kpi);
      x["start_s"] = i.start_s;
      x["agents"] = i.agents;
      list.push_back(x);
    }
    j["intervals"] = list;
  }
  j["seed"] = r.seed;
  j["simulated_s"] = r.simulated_s;
  return j.dump(2) + "\n";
}

std::string to_table(const Report& r, Lang lang) {
  bool zh = lang == Lang::kZh;
  Table t;
  t.rows.push_back(
      zh ? std::vector<std::string>{"队列", "呼入量", "接通量", "放弃量", "服务水平", "排队率",
                                    "平均等待(秒)", "平均应答(秒)", "放弃率", "坐席占用率"}
         : std::vector<std::string>{"queue", "offered", "answered", "abandoned", "service_level",
                                    "p_wait", "mean_wait_s", "asa_s", "abandon_rate", "occupancy"});
  for (const auto& [name, k] : r.queues) t.rows.push_back(kpi_row(name, k));
  if (r.queues.size() > 1) t.rows.push_back(kpi_row(zh ? "合计" : "total", r.total));
  std::ostringstream o;
  o << t.render();
  if (!r.intervals.empty()) {
    Table iv;
    iv.rows.push_back(zh ? std::vector<std::string>{"时段", "排班坐席", "呼入量", "接通量",
                                                    "放弃量", "服务水平", "排队率", "平均等待(秒)",
                                                    "平均应答(秒)", "放弃率", "坐席占用率"}
                         : std::vector<std::string>{"interval", "agents", "offered", "answered",
                                                    "abandoned", "service_level", "p_wait",
                                                    "mean_wait_s", "asa_s", "abandon_rate",
                                                    "occupancy"});
    for (const auto& i : r.intervals) {
      auto row = kpi_row(clock_text(i.start_s), i.kpi);
      row.insert(row.begin() + 1, std::to_string(i.agents));
      iv.rows.push_back(row);
    }
    o << "\n" << iv.render();
  }
  o << "\n"
    << (zh ? "统计预热期之后到达的联系，全部跟踪至结束；随机种子 "
           : "contacts arriving after "
             "warm-up, each followed "
             "to its end; seed ")
    << r.seed << "\n";
  return o.str();
}

}  // namespace sy::sim
