#include "demo/progress.h"

#include <algorithm>
#include <cstdio>

namespace sy::demo {

std::string group_thousands(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out(n < 0 ? 1 : 0, '-');
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string format_duration(double seconds) {
  auto s = static_cast<std::int64_t>(seconds + 0.5);
  char buf[32];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%lldm%02llds", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%llds", static_cast<long long>(s));
  return buf;
}

std::string format_progress(std::int64_t done, std::int64_t total, double elapsed_s,
                            const std::string& unit) {
  constexpr int kWidth = 20;
  double fraction =
      total > 0 ? std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0)
                : 1.0;
  int filled = static_cast<int>(fraction * kWidth);
  std::string bar(kWidth + 2, '.');
  bar.front() = '[';
  bar.back() = ']';
  for (int i = 0; i < filled; ++i) bar[static_cast<std::size_t>(i) + 1] = '#';
  double rate = elapsed_s > 0 ? static_cast<double>(done) / elapsed_s : 0;
  char pct[8];
  std::snprintf(pct, sizeof pct, "%3d%%", static_cast<int>(fraction * 100));
  std::string line = bar + " " + pct + "  " + group_thousands(done) + "/" + group_thousands(total) +
                     " " + unit + "  " + group_thousands(static_cast<std::int64_t>(rate)) + "/s";
  if (rate > 0 && done < total)
    line += "  ETA " + format_duration(static_cast<double>(total - done) / rate);
  return line;
}

}  // namespace sy::demo
