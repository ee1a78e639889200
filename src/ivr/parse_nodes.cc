// The flow parser, node by node: one reader per node kind, each checking its own keys.
#include <algorithm>

#include "ivr/parse_internal.h"

namespace sy::ivr::detail {
namespace {

constexpr const char* kKinds[] = {"play",   "menu",  "collect",  "lookup",           "set",
                                  "branch", "queue", "transfer", "callback_request", "voicemail",
                                  "survey", "hangup"};
constexpr const char* kNodeLevelKeys[] = {"next", "branches", "args", "barge_in"};

bool is_kind(const std::string& key) {
  return std::any_of(std::begin(kKinds), std::end(kKinds), [&](const char* k) { return key == k; });
}
bool is_node_level(const std::string& key) {
  return std::any_of(std::begin(kNodeLevelKeys), std::end(kNodeLevelKeys),
                     [&](const char* k) { return key == k; });
}

std::optional<std::regex> compile(Reader& r, const YAML::Node& node, const std::string& what) {
  auto s = r.nonempty_text(node, what);
  if (!s) return std::nullopt;
  try {
    return std::regex(*s, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    r.error(node.Mark(), what + ": bad regular expression '" + *s + "'");
    return std::nullopt;
  }
}

void read_digit_input(Reader& r, const YAML::Node& m, const std::string& what, DigitInput& in,
                      bool prompt_required) {
  auto prompt = prompt_required ? r.need(m, "prompt", what) : Reader::get(m, "prompt");
  if (prompt.IsDefined())
    if (auto p = r.prompt(prompt, what + ".prompt")) in.prompt = *p;
  if (auto n = Reader::get(m, "invalid"); n.IsDefined())
    if (auto p = r.prompt(n, what + ".invalid")) in.invalid_prompt = *p;
  if (auto n = Reader::get(m, "no_input"); n.IsDefined())
    if (auto p = r.prompt(n, what + ".no_input")) in.no_input_prompt = *p;
  if (auto n = Reader::get(m, "timeout_s"); n.IsDefined())
    in.timeout_s = r.integer(n, what + ".timeout_s", 1, 120).value_or(in.timeout_s);
  if (auto n = Reader::get(m, "inter_digit_timeout_s"); n.IsDefined())
    in.inter_digit_timeout_s =
        r.integer(n, what + ".inter_digit_timeout_s", 1, 60).value_or(in.inter_digit_timeout_s);
  if (auto n = Reader::get(m, "retries"); n.IsDefined())
    in.attempts = 1 + r.integer(n, what + ".retries", 0, 9).value_or(in.attempts - 1);
  if (auto n = Reader::get(m, "barge_in"); n.IsDefined())
    in.barge_in = r.boolean(n, what + ".barge_in").value_or(true);
}

std::optional<NodeBody> read_play(Reader& r, const YAML::Node& node, const std::string& what) {
  PlayNode n;
  if (auto p = r.prompt(Reader::get(node, "play"), what + ".play")) n.prompt = *p;
  if (auto b = Reader::get(node, "barge_in"); b.IsDefined())
    n.barge_in = r.boolean(b, what + ".barge_in").value_or(true);
  n.next = r.node_ref(r.need(node, "next", what), what + ".next");
  return n;
}

std::optional<NodeBody> read_menu(Reader& r, const YAML::Node& node, const std::string& what) {
  MenuNode n;
  YAML::Node m = Reader::get(node, "menu");
  const std::string w = what + ".menu";
  if (!r.check_map(m,
                   {"prompt", "options", "on_fail", "timeout_s", "retries", "invalid", "no_input",
                    "barge_in"},
                   w))
    return std::nullopt;
  read_digit_input(r, m, w, n.input, true);
  YAML::Node options = r.need(m, "options", w);
  if (options.IsMap()) {
    if (options.size() == 0) r.error(options.Mark(), w + ".options must not be empty");
    for (auto it = options.begin(); it != options.end(); ++it) {
      auto key = r.digit_key(it->first, w + ".options");
      if (!key) continue;
      if (n.options.count(*key))
        r.error(it->first.Mark(),
                w + ".options: duplicate menu key '" + std::string(1, *key) + "'");
      n.options[*key] = r.node_ref(it->second, w + ".options." + std::string(1, *key));
    }
  } else if (options.IsDefined()) {
    r.error(options.Mark(), w + ".options must be a map of key -> node");
  }
  n.on_fail = r.node_ref(r.need(m, "on_fail", w), w + ".on_fail");
  return n;
}

std::optional<NodeBody> read_collect(Reader& r, const YAML::Node& node, const std::string& what) {
  CollectNode n;
  YAML::Node m = Reader::get(node, "collect");
  const std::string w = what + ".collect";
  if (!r.check_map(
          m,
          {"prompt", "var", "min", "max", "terminator", "timeout_s", "inter_digit_timeout_s",
           "retries", "pattern", "masked", "invalid", "no_input", "on_fail", "barge_in"},
          w))
    return std::nullopt;
  read_digit_input(r, m, w, n.input, true);
  if (auto v = r.need(m, "var", w); v.IsDefined() && r.is_identifier(v, w + ".var"))
    n.var = v.Scalar();
  YAML::Node min = Reader::get(m, "min"), max = Reader::get(m, "max");
  if (min.IsDefined()) n.min_digits = r.integer(min, w + ".min", 0, 64).value_or(n.min_digits);
  if (max.IsDefined()) n.max_digits = r.integer(max, w + ".max", 1, 64).value_or(n.max_digits);
  if (n.min_digits > n.max_digits)
    r.error((min.IsDefined() ? min : m).Mark(), w + ": min (" + std::to_string(n.min_digits) +
                                                    ") is greater than max (" +
                                                    std::to_string(n.max_digits) + ")");
  if (auto t = Reader::get(m, "terminator"); t.IsDefined()) {
    if (t.IsScalar() && (t.Scalar() == "none" || t.Scalar().empty()))
      n.terminator = 0;
    else
      n.terminator = r.digit_key(t, w + ".terminator").value_or('#');
  }
  if (auto p = Reader::get(m, "pattern"); p.IsDefined()) {
    n.pattern = compile(r, p, w + ".pattern");
    if (n.pattern) n.pattern_text = p.Scalar();
  }
  if (auto b = Reader::get(m, "masked"); b.IsDefined())
    n.masked = r.boolean(b, w + ".masked").value_or(false);
  n.on_fail = r.node_ref(r.need(m, "on_fail", w), w + ".on_fail");
  n.next = r.node_ref(r.need(node, "next", what), what + ".next");
  return n;
}

}  // namespace

std::map<std::string, std::string> read_branches(Reader& r, const YAML::Node& b,
                                                 const std::vector<std::string>& keys,
                                                 const std::string& what) {
  std::map<std::string, std::string> out;
  if (!b.IsMap()) {
    r.error(b.Mark(), what + " must be a map of result -> node");
    return out;
  }
  std::string list;
  for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
  for (auto it = b.begin(); it != b.end(); ++it) {
    auto key = r.text(it->first, what + " key");
    if (!key) continue;
    if (std::find(keys.begin(), keys.end(), *key) == keys.end()) {
      r.error(it->first.Mark(), what + ": unknown result '" + *key + "' (expected: " + list + ")");
      continue;
    }
    if (out.count(*key)) r.error(it->first.Mark(), what + ": duplicate result '" + *key + "'");
    out[*key] = r.node_ref(it->second, what + "." + *key);
  }
  return out;
}

namespace {

std::optional<NodeBody> read_lookup(Reader& r, const YAML::Node& node, const std::string& what) {
  LookupNode n;
  YAML::Node k = Reader::get(node, "lookup");
  auto name = r.text(k, what + ".lookup");
  if (!name) return std::nullopt;
  auto kind = lookup_kind_from_name(*name);
  if (!kind) {
    r.error(k.Mark(), what + ": unknown lookup '" + *name +
                          "' (expected: bill, arrears, outage_for_caller, outage_plans, "
                          "order_progress, vip, customer_by_caller, account_pin_check)");
    return std::nullopt;
  }
  n.kind = *kind;
  if (auto args = Reader::get(node, "args"); args.IsDefined()) {
    if (!args.IsMap()) r.error(args.Mark(), what + ".args must be a map of name -> template");
    for (auto it = args.begin(); args.IsMap() && it != args.end(); ++it) {
      if (!r.is_identifier(it->first, what + ".args key")) continue;
      if (auto t = r.template_text(it->second, what + ".args." + it->first.Scalar()))
        n.args[it->first.Scalar()] = *t;
    }
  }
  if (auto b = Reader::get(node, "branches"); b.IsDefined())
    n.branches = read_branches(r, b, lookup_result_keys(n.kind), what + ".branches");
  if (auto nx = Reader::get(node, "next"); nx.IsDefined()) n.next = r.node_ref(nx, what + ".next");
  if (n.next.empty()) {
    for (const auto& key : lookup_result_keys(n.kind))
      if (!n.branches.count(key))
        r.error(node.Mark(),
                what + ": lookup result '" + key + "' has no branch and the node has no 'next'");
  }
  return n;
}

std::optional<NodeBody> read_set(Reader& r, const YAML::Node& node, const std::string& what) {
  SetNode n;
  YAML::Node m = Reader::get(node, "set");
  if (!m.IsMap() || m.size() == 0) {
    r.error(m.Mark(), what + ".set must be a non-empty map of variable -> value");
    return std::nullopt;
  }
  for (auto it = m.begin(); it != m.end(); ++it) {
    if (!r.is_identifier(it->first, what + ".set key")) continue;
    Assignment a{it->first.Scalar(), {}, {}};
    const std::string w = what + ".set." + a.var;
    if (it->second.IsMap()) {
      if (!r.check_map(it->second, {"add"}, w)) continue;
      a.add = r.integer(r.need(it->second, "add", w), w + ".add", -1000000, 1000000);
      if (!a.add) continue;
    } else if (auto t = r.template_text(it->second, w)) {
      a.value_template = *t;
    }
    n.assignments.push_back(std::move(a));
  }
  n.next = r.node_ref(r.need(node, "next", what), what + ".next");
  return n;
}

}  // namespace

std::optional<NodeBody> read_branch(Reader& r, const YAML::Node& node, const std::string& what);
std::optional<NodeBody> read_queue(Reader& r, const YAML::Node& node, const std::string& what);
std::optional<NodeBody> read_endings(Reader& r, const std::string& kind, const YAML::Node& node,
                                     const std::string& what);

std::optional<NodeBody> parse_node_body(Reader& r, const std::string& id, const YAML::Node& node) {
  const std::string what = "node '" + id + "'";
  if (!node.IsMap()) {
    r.error(node.Mark(), what + " must be a map with one kind key (play, menu, collect, ...)");
    return std::nullopt;
  }
  std::vector<std::string> kinds;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const auto& key = it->first.Scalar();
    if (is_kind(key)) kinds.push_back(key);
  }
  if (kinds.size() != 1) {
    bool reported = false;
    for (auto it = node.begin(); kinds.empty() && it != node.end(); ++it)
      if (it->first.IsScalar() && !is_node_level(it->first.Scalar())) {
        r.error(it->first.Mark(), what + ": unknown node kind '" + it->first.Scalar() + "'");
        reported = true;
      }
    if (!reported)
      r.error(node.Mark(), what + (kinds.empty() ? " has no kind key (play, menu, collect, lookup, "
                                                   "set, branch, queue, transfer, ...)"
                                                 : " has more than one kind key"));
    return std::nullopt;
  }
  const std::string kind = kinds[0];
  std::initializer_list<const char*> allowed = {kind.c_str()};
  bool keys_ok = true;
  if (kind == "play")
    keys_ok = r.check_map(node, {"play", "next", "barge_in"}, what);
  else if (kind == "lookup")
    keys_ok = r.check_map(node, {"lookup", "args", "branches", "next"}, what);
  else if (kind == "queue")
    keys_ok = r.check_map(node, {"queue", "branches"}, what);
  else if (kind == "menu" || kind == "transfer" || kind == "hangup")
    keys_ok = r.check_map(node, allowed, what);
  else
    keys_ok = r.check_map(node, {kind.c_str(), "next"}, what);
  if (!keys_ok) return std::nullopt;
  if (kind == "play") return read_play(r, node, what);
  if (kind == "menu") return read_menu(r, node, what);
  if (kind == "collect") return read_collect(r, node, what);
  if (kind == "lookup") return read_lookup(r, node, what);
  if (kind == "set") return read_set(r, node, what);
  if (kind == "branch") return read_branch(r, node, what);
  if (kind == "queue") return read_queue(r, node, what);
  return read_endings(r, kind, node, what);
}

}  // namespace sy::ivr::detail
