// The flow parser's value readers: scalars, prompts, digit keys, times and dates, each
// reporting a positioned diagnostic instead of throwing.
#include <charconv>
#include <chrono>

#include "ivr/parse_internal.h"
#include "ivr/template.h"

namespace sy::ivr::detail {
namespace {

// Quotes short printable scalars; binary junk or long text is only named, never echoed.
std::string describe_scalar(const std::string& s) {
  if (s.size() > 40) return "a long text";
  for (unsigned char c : s)
    if (c < 0x20 || c >= 0x7f) return "text with non-ASCII or control bytes";
  return "'" + s + "'";
}

std::string type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return describe_scalar(node.Scalar());
    default:
      return "nothing";
  }
}

std::optional<int> parse_int(const std::string& s) {
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// "HH:MM" -> minutes since midnight ("24:00" allowed as the end of the day).
std::optional<int> parse_clock(const std::string& s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  auto h = parse_int(s.substr(0, 2));
  auto m = parse_int(s.substr(3, 2));
  if (!h || !m || *h < 0 || *m < 0 || *m > 59 || *h > 24 || (*h == 24 && *m != 0))
    return std::nullopt;
  return *h * 60 + *m;
}

}  // namespace

void Reader::error(const YAML::Mark& mark, std::string message) {
  diagnostics.push_back(
      {Diagnostic::Severity::kError, line_of(mark), column_of(mark), std::move(message)});
}

void Reader::warning(const YAML::Mark& mark, std::string message) {
  diagnostics.push_back(
      {Diagnostic::Severity::kWarning, line_of(mark), column_of(mark), std::move(message)});
}

bool Reader::has_errors() const {
  for (const auto& d : diagnostics)
    if (d.severity == Diagnostic::Severity::kError) return true;
  return false;
}

bool Reader::check_map(const YAML::Node& node, std::initializer_list<const char*> allowed,
                       const std::string& what) {
  if (!node.IsMap()) {
    error(node.Mark(), what + " must be a map, got " + type_name(node));
    return false;
  }
  std::vector<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      error(it->first.Mark(), what + ": keys must be plain names");
      continue;
    }
    const std::string& key = it->first.Scalar();
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    std::string list;
    for (const char* a : allowed) list += std::string(list.empty() ? "" : ", ") + a;
    if (!known)
      error(it->first.Mark(), "unknown key '" + key + "' in " + what + " (expected: " + list + ")");
    for (const auto& s : seen)
      if (s == key) error(it->first.Mark(), "duplicate key '" + key + "' in " + what);
    seen.push_back(key);
  }
  return true;
}

YAML::Node Reader::get(const YAML::Node& map, const char* key) {
  for (auto it = map.begin(); it != map.end(); ++it)
    if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
  return YAML::Node(YAML::NodeType::Undefined);
}

YAML::Node Reader::need(const YAML::Node& map, const char* key, const std::string& what) {
  YAML::Node v = get(map, key);
  if (!v.IsDefined()) error(map.Mark(), what + ": missing '" + key + "'");
  return v;
}

std::optional<std::string> Reader::text(const YAML::Node& node, const std::string& what) {
  if (!node.IsScalar()) {
    error(node.Mark(), what + " must be text, got " + type_name(node));
    return std::nullopt;
  }
  return node.Scalar();
}

std::optional<std::string> Reader::nonempty_text(const YAML::Node& node, const std::string& what) {
  auto s = text(node, what);
  if (s && s->empty()) {
    error(node.Mark(), what + " must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<int> Reader::integer(const YAML::Node& node, const std::string& what, int min,
                                   int max) {
  if (!node.IsScalar()) {
    error(node.Mark(), what + " must be an integer, got " + type_name(node));
    return std::nullopt;
  }
  auto v = parse_int(node.Scalar());
  if (!v) {
    error(node.Mark(), what + " must be an integer, got " + describe_scalar(node.Scalar()));
  } else if (*v < min || *v > max) {
    error(node.Mark(), what + " must be between " + std::to_string(min) + " and " +
                           std::to_string(max) + ", got " + node.Scalar());
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Reader::boolean(const YAML::Node& node, const std::string& what) {
  if (node.IsScalar()) {
    const auto& s = node.Scalar();
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
  }
  error(node.Mark(), what + " must be true or false, got " + type_name(node));
  return std::nullopt;
}

bool Reader::is_identifier(const YAML::Node& node, const std::string& what) {
  auto s = nonempty_text(node, what);
  if (!s) return false;
  for (std::size_t i = 0; i < s->size(); ++i) {
    char c = (*s)[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && ((c >= '0' && c <= '9') || c == '-'));
    if (!ok) {
      error(node.Mark(),
            what + " " + describe_scalar(*s) + " must be a name (letters, digits, _ and -)");
      return false;
    }
  }
  return true;
}

std::string Reader::node_ref(const YAML::Node& node, const std::string& what) {
  if (!is_identifier(node, what)) return {};
  refs.push_back({node.Scalar(), node.Mark(), what});
  return node.Scalar();
}

std::optional<std::string> Reader::template_text(const YAML::Node& node, const std::string& what) {
  auto s = text(node, what);
  if (!s) return std::nullopt;
  if (auto problem = check_template(*s)) {
    error(node.Mark(), what + ": " + *problem);
    return std::nullopt;
  }
  return s;
}

std::optional<Prompt> Reader::prompt(const YAML::Node& node, const std::string& what) {
  Prompt out;
  auto piece = [&](const YAML::Node& p) {
    if (p.IsScalar()) {  // shorthand for {tts: "..."}
      if (auto t = template_text(p, what)) out.push_back({PromptPiece::Kind::kTts, *t});
      return;
    }
    if (!check_map(p, {"tts", "file"}, what)) return;
    if (p.size() != 1) {
      error(p.Mark(), what + ": each prompt piece needs exactly one of 'tts' or 'file'");
      return;
    }
    auto key = p.begin()->first.Scalar();
    if (key == "tts") {
      if (auto t = template_text(p.begin()->second, what + ".tts"))
        out.push_back({PromptPiece::Kind::kTts, *t});
    } else if (key == "file") {
      if (auto f = nonempty_text(p.begin()->second, what + ".file"))
        out.push_back({PromptPiece::Kind::kFile, *f});
    }
  };
  std::size_t errors_before = diagnostics.size();
  if (node.IsSequence()) {
    if (node.size() == 0) error(node.Mark(), what + " must not be an empty list");
    for (const auto& p : node) piece(p);
  } else if (node.IsMap() || node.IsScalar()) {
    piece(node);
  } else {
    error(node.Mark(), what + " must be {tts: ...}, {file: ...} or a list of them");
  }
  if (diagnostics.size() != errors_before) return std::nullopt;
  return out;
}

std::optional<char> Reader::digit_key(const YAML::Node& node, const std::string& what) {
  static const std::string kKeys = "0123456789*#ABCD";
  if (node.IsScalar() && node.Scalar().size() == 1 &&
      kKeys.find(node.Scalar()[0]) != std::string::npos)
    return node.Scalar()[0];
  error(node.Mark(), what + ": bad DTMF key " + type_name(node) + " (one of 0-9 * # A-D)");
  return std::nullopt;
}

std::optional<std::pair<int, int>> Reader::time_range(const YAML::Node& node,
                                                      const std::string& what) {
  auto s = text(node, what);
  if (!s) return std::nullopt;
  auto dash = s->find('-');
  auto from = dash == std::string::npos ? std::nullopt : parse_clock(s->substr(0, dash));
  auto to = dash == std::string::npos ? std::nullopt : parse_clock(s->substr(dash + 1));
  if (!from || !to || *from == 24 * 60) {
    error(node.Mark(),
          what + ": bad time range '" + *s + "' (expected HH:MM-HH:MM, e.g. 08:00-20:00)");
    return std::nullopt;
  }
  if (*from == *to) {
    error(node.Mark(), what + ": empty time range '" + *s + "'");
    return std::nullopt;
  }
  return std::make_pair(*from, *to);
}

std::optional<Date> Reader::date(const YAML::Node& node, const std::string& what) {
  auto s = text(node, what);
  if (!s) return std::nullopt;
  if (s->size() == 10 && (*s)[4] == '-' && (*s)[7] == '-') {
    auto y = parse_int(s->substr(0, 4));
    auto m = parse_int(s->substr(5, 2));
    auto d = parse_int(s->substr(8, 2));
    if (y && m && d) {
      std::chrono::year_month_day ymd{std::chrono::year{*y},
                                      std::chrono::month(static_cast<unsigned>(*m)),
                                      std::chrono::day(static_cast<unsigned>(*d))};
      if (ymd.ok()) return Date{*y, *m, *d};
    }
  }
  error(node.Mark(), what + ": bad date '" + *s + "' (expected YYYY-MM-DD)");
  return std::nullopt;
}

}  // namespace sy::ivr::detail
