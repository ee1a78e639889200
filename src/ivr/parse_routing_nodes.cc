// The flow parser for nodes that decide where the call goes or how it ends: branch, queue,
// transfer, callback_request, voicemail, survey, hangup.
#include <algorithm>

#include "ivr/parse_internal.h"

namespace sy::ivr::detail {
namespace {

std::optional<std::array<bool, 7>> read_weekdays(Reader& r, const YAML::Node& n,
                                                 const std::string& what) {
  static const char* const kNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
  if (!n.IsSequence() || n.size() == 0) {
    r.error(n.Mark(), what + " must be a non-empty list such as [mon, tue, wed, thu, fri]");
    return std::nullopt;
  }
  std::array<bool, 7> days{};
  for (const auto& d : n) {
    auto name = r.text(d, what);
    if (!name) return std::nullopt;
    auto it = std::find_if(std::begin(kNames), std::end(kNames),
                           [&](const char* k) { return *name == k; });
    if (it == std::end(kNames)) {
      r.error(d.Mark(), what + ": unknown weekday '" + *name + "' (mon..sun)");
      return std::nullopt;
    }
    days[it - std::begin(kNames)] = true;
  }
  return days;
}

std::optional<CompareOp> read_op(Reader& r, const YAML::Node& n, const std::string& what) {
  static const std::pair<const char*, CompareOp> kOps[] = {
      {"==", CompareOp::kEq}, {"!=", CompareOp::kNe}, {"<", CompareOp::kLt},
      {"<=", CompareOp::kLe}, {">", CompareOp::kGt},  {">=", CompareOp::kGe}};
  auto s = r.text(n, what);
  if (!s) return std::nullopt;
  for (const auto& [name, op] : kOps)
    if (*s == name) return op;
  r.error(n.Mark(), what + ": unknown comparison '" + *s + "' (==, !=, <, <=, >, >=)");
  return std::nullopt;
}

void read_case(Reader& r, const YAML::Node& c, const std::string& w, BranchNode& out) {
  if (!r.check_map(c, {"time", "weekdays", "holiday", "caller", "var", "op", "value", "goto"}, w))
    return;
  BranchCase bc;
  bool any = false;
  if (auto n = Reader::get(c, "time"); n.IsDefined())
    bc.time_minutes = r.time_range(n, w + ".time"), any = true;
  if (auto n = Reader::get(c, "weekdays"); n.IsDefined())
    bc.weekdays = read_weekdays(r, n, w + ".weekdays"), any = true;
  if (auto n = Reader::get(c, "holiday"); n.IsDefined()) {
    any = true;
    if (auto name = r.nonempty_text(n, w + ".holiday")) {
      bc.holiday_calendar = *name;
      if (!r.flow->calendars.count(*name))
        r.error(n.Mark(), w + ".holiday: no calendar named '" + *name + "' under 'calendars'");
    }
  }
  if (auto n = Reader::get(c, "caller"); n.IsDefined()) {
    any = true;
    if (auto s = r.nonempty_text(n, w + ".caller")) {
      try {
        bc.caller = std::regex(*s, std::regex::ECMAScript);
        bc.caller_text = *s;
      } catch (const std::regex_error&) {
        r.error(n.Mark(), w + ".caller: bad regular expression '" + *s + "'");
      }
    }
  }
  if (auto n = Reader::get(c, "var"); n.IsDefined()) {
    any = true;
    VarCondition vc;
    if (r.is_identifier(n, w + ".var")) vc.var = n.Scalar();
    if (auto op = r.need(c, "op", w); op.IsDefined())
      vc.op = read_op(r, op, w + ".op").value_or(vc.op);
    if (auto v = r.need(c, "value", w); v.IsDefined())
      vc.value = r.text(v, w + ".value").value_or("");
    bc.vars.push_back(vc);
  } else if (Reader::get(c, "op").IsDefined() || Reader::get(c, "value").IsDefined()) {
    r.error(c.Mark(), w + ": 'op' and 'value' need a 'var'");
  }
  if (!any)
    r.error(c.Mark(), w + ": a case needs a condition (time, weekdays, holiday, caller, var)");
  bc.target = r.node_ref(r.need(c, "goto", w), w + ".goto");
  out.cases.push_back(std::move(bc));
}

std::optional<NodeBody> read_survey(Reader& r, const YAML::Node& node, const std::string& what) {
  SurveyNode n;
  YAML::Node m = Reader::get(node, "survey");
  const std::string w = what + ".survey";
  if (!r.check_map(m, {"name", "questions", "timeout_s", "retries"}, w)) return std::nullopt;
  if (auto nm = r.need(m, "name", w); nm.IsDefined() && r.is_identifier(nm, w + ".name"))
    n.name = nm.Scalar();
  if (auto t = Reader::get(m, "timeout_s"); t.IsDefined())
    n.input.timeout_s = r.integer(t, w + ".timeout_s", 1, 120).value_or(5);
  if (auto t = Reader::get(m, "retries"); t.IsDefined())
    n.input.attempts = 1 + r.integer(t, w + ".retries", 0, 9).value_or(2);
  YAML::Node qs = r.need(m, "questions", w);
  if (qs.IsDefined() && (!qs.IsSequence() || qs.size() == 0))
    r.error(qs.Mark(), w + ".questions must be a non-empty list");
  for (std::size_t i = 0; qs.IsSequence() && i < qs.size(); ++i) {
    const std::string qw = w + ".questions[" + std::to_string(i) + "]";
    YAML::Node q = qs[i];
    if (!r.check_map(q, {"id", "prompt", "answers"}, qw)) continue;
    SurveyQuestion sq;
    if (auto id = r.need(q, "id", qw); id.IsDefined() && r.is_identifier(id, qw + ".id"))
      sq.id = id.Scalar();
    if (auto p = r.need(q, "prompt", qw); p.IsDefined())
      sq.prompt = r.prompt(p, qw + ".prompt").value_or(Prompt{});
    YAML::Node a = r.need(q, "answers", qw);
    if (a.IsSequence()) {
      for (const auto& k : a)
        if (auto key = r.digit_key(k, qw + ".answers")) sq.answers.insert(*key);
    } else if (a.IsScalar() && a.Scalar().size() == 3 && a.Scalar()[1] == '-' &&
               a.Scalar()[0] >= '0' && a.Scalar()[0] < a.Scalar()[2] && a.Scalar()[2] <= '9') {
      for (char k = a.Scalar()[0]; k <= a.Scalar()[2]; ++k) sq.answers.insert(k);
    } else if (a.IsDefined()) {
      r.error(a.Mark(), qw + ".answers must be a digit range like \"1-5\" or a list of keys");
    }
    n.questions.push_back(std::move(sq));
  }
  if (auto nx = Reader::get(node, "next"); nx.IsDefined()) n.next = r.node_ref(nx, what + ".next");
  return n;
}

std::optional<NodeBody> read_hangup(Reader& r, const YAML::Node& node, const std::string& what) {
  HangupNode n;
  YAML::Node m = Reader::get(node, "hangup");
  const std::string w = what + ".hangup";
  if (m.IsNull()) return n;
  if (m.IsScalar()) {
    if (r.is_identifier(m, w)) n.reason = m.Scalar();
    return n;
  }
  if (!r.check_map(m, {"reason", "prompt"}, w)) return std::nullopt;
  if (auto x = Reader::get(m, "reason"); x.IsDefined() && r.is_identifier(x, w + ".reason"))
    n.reason = x.Scalar();
  if (auto p = Reader::get(m, "prompt"); p.IsDefined())
    n.prompt = r.prompt(p, w + ".prompt").value_or(Prompt{});
  return n;
}

}  // namespace

std::optional<NodeBody> read_branch(Reader& r, const YAML::Node& node, const std::string& what) {
  BranchNode n;
  YAML::Node cases = Reader::get(node, "branch");
  if (!cases.IsSequence() || cases.size() == 0) {
    r.error(cases.Mark(), what + ".branch must be a non-empty list of cases");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < cases.size(); ++i)
    read_case(r, cases[i], what + ".branch[" + std::to_string(i) + "]", n);
  n.next = r.node_ref(r.need(node, "next", what), what + ".next");
  return n;
}

std::optional<NodeBody> read_queue(Reader& r, const YAML::Node& node, const std::string& what) {
  QueueNode n;
  YAML::Node m = Reader::get(node, "queue");
  const std::string w = what + ".queue";
  if (!r.check_map(m, {"name", "skills", "priority", "vip_boost", "attach"}, w))
    return std::nullopt;
  if (auto nm = r.need(m, "name", w); nm.IsDefined() && r.is_identifier(nm, w + ".name"))
    n.spec.name = nm.Scalar();
  if (auto s = Reader::get(m, "skills"); s.IsDefined()) {
    if (!s.IsMap()) r.error(s.Mark(), w + ".skills must be a map of skill -> level (1-10)");
    for (auto it = s.begin(); s.IsMap() && it != s.end(); ++it) {
      if (!r.is_identifier(it->first, w + ".skills key")) continue;
      if (auto lvl = r.integer(it->second, w + ".skills." + it->first.Scalar(), 1, 10))
        n.spec.skills[it->first.Scalar()] = *lvl;
    }
  }
  if (auto p = Reader::get(m, "priority"); p.IsDefined())
    n.spec.priority = r.integer(p, w + ".priority", 0, 9).value_or(0);
  if (auto p = Reader::get(m, "vip_boost"); p.IsDefined())
    n.spec.vip_boost = r.integer(p, w + ".vip_boost", 0, 9).value_or(0);
  if (auto a = Reader::get(m, "attach"); a.IsDefined()) {
    if (!a.IsSequence()) r.error(a.Mark(), w + ".attach must be a list of variable names");
    for (std::size_t i = 0; a.IsSequence() && i < a.size(); ++i)
      if (r.is_identifier(a[i], w + ".attach")) n.spec.attach.push_back(a[i].Scalar());
  }
  if (auto b = Reader::get(node, "branches"); b.IsDefined())
    n.branches = read_branches(r, b, queue_outcome_keys(), what + ".branches");
  return n;
}

std::optional<NodeBody> read_endings(Reader& r, const std::string& kind, const YAML::Node& node,
                                     const std::string& what) {
  YAML::Node m = Reader::get(node, kind.c_str());
  const std::string w = what + "." + kind;
  auto next = [&]() -> std::string {
    auto nx = Reader::get(node, "next");
    return nx.IsDefined() ? r.node_ref(nx, what + ".next") : std::string();
  };
  if (kind == "transfer") {
    auto t = r.template_text(m, w);
    if (t && t->empty()) r.error(m.Mark(), w + " must name a number");
    return TransferNode{t.value_or("")};
  }
  if (kind == "callback_request") {
    CallbackRequestNode n{"{caller}", next()};
    if (m.IsNull()) return n;
    if (!r.check_map(m, {"number"}, w)) return std::nullopt;
    if (auto x = Reader::get(m, "number"); x.IsDefined())
      n.number = r.template_text(x, w + ".number").value_or(n.number);
    return n;
  }
  if (kind == "voicemail") {
    VoicemailNode n;
    n.next = next();
    if (m.IsNull()) return n;
    if (!r.check_map(m, {"prompt", "mailbox", "max_s"}, w)) return std::nullopt;
    if (auto p = Reader::get(m, "prompt"); p.IsDefined())
      n.prompt = r.prompt(p, w + ".prompt").value_or(Prompt{});
    if (auto x = Reader::get(m, "mailbox"); x.IsDefined() && r.is_identifier(x, w + ".mailbox"))
      n.mailbox = x.Scalar();
    if (auto x = Reader::get(m, "max_s"); x.IsDefined())
      n.max_s = r.integer(x, w + ".max_s", 5, 600).value_or(120);
    return n;
  }
  if (kind == "survey") return read_survey(r, node, what);
  return read_hangup(r, node, what);
}

}  // namespace sy::ivr::detail
