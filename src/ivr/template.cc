// Checking and rendering of "{var|filter}" prompt templates.
#include "ivr/template.h"

#include <charconv>
#include <cstdint>
#include <string_view>

#include "core/clock.h"
#include "ivr/speech.h"

namespace sy::ivr {
namespace {

constexpr std::string_view kFilters[] = {"money", "datetime", "date", "time", "digits", "number"};

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool known_filter(std::string_view f) {
  for (auto k : kFilters)
    if (k == f) return true;
  return false;
}

std::optional<std::int64_t> to_int(const std::string& s) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string apply_filter(std::string_view filter, const std::string& value, int offset_min) {
  if (filter.empty()) return value;
  if (filter == "digits") return digits_to_chinese(value);
  if (filter == "money" || filter == "number") {
    auto n = to_int(value);
    if (!n) return value;
    return filter == "money" ? money_to_chinese(*n) : number_to_chinese(*n);
  }
  TimePoint t;
  if (!parse_rfc3339(value, &t)) return value;
  if (filter == "date") return date_to_chinese(t, offset_min);
  if (filter == "time") return time_to_chinese(t, offset_min);
  return datetime_to_chinese(t, offset_min);
}

}  // namespace

std::optional<std::string> check_template(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '}') return "unmatched '}' at offset " + std::to_string(i);
    if (text[i] != '{') {
      ++i;
      continue;
    }
    auto close = text.find('}', i);
    if (close == std::string::npos) return "unclosed '{' at offset " + std::to_string(i);
    std::string_view inner(text.data() + i + 1, close - i - 1);
    auto bar = inner.find('|');
    std::string_view name = inner.substr(0, bar);
    if (!is_identifier(name))
      return "bad variable name '" + std::string(name) + "' in substitution";
    if (bar != std::string_view::npos && !known_filter(inner.substr(bar + 1)))
      return "unknown filter '" + std::string(inner.substr(bar + 1)) +
             "' (known: money, datetime, date, time, digits, number)";
    i = close + 1;
  }
  return std::nullopt;
}

std::string render_template(const std::string& text, const std::map<std::string, std::string>& vars,
                            int utc_offset_min) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    auto open = text.find('{', i);
    auto close = open == std::string::npos ? open : text.find('}', open);
    if (close == std::string::npos) {
      out.append(text, i, std::string::npos);
      break;
    }
    out.append(text, i, open - i);
    std::string inner = text.substr(open + 1, close - open - 1);
    auto bar = inner.find('|');
    std::string name = inner.substr(0, bar);
    std::string filter = bar == std::string::npos ? "" : inner.substr(bar + 1);
    auto it = vars.find(name);
    if (it != vars.end()) out += apply_filter(filter, it->second, utc_offset_min);
    i = close + 1;
  }
  return out;
}

}  // namespace sy::ivr
