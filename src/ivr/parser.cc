// The flow parser's top level: document shape, calendars, time zone, node table, references
// and reachability. yaml-cpp throws on malformed YAML; those exceptions stop here.
#include "ivr/parser.h"

#include <chrono>
#include <deque>
#include <fstream>
#include <sstream>

#include "ivr/parse_internal.h"

namespace sy::ivr {
namespace {

using detail::Reader;

// g++ 12 ships no tz database in <chrono>, so zones are a table of fixed offsets; China has
// had no daylight saving time since 1991, so +08:00 is exact for the centres we serve.
std::optional<int> zone_offset_min(const std::string& zone) {
  static const std::pair<const char*, int> kZones[] = {
      {"Asia/Shanghai", 480}, {"Asia/Chongqing", 480},
      {"Asia/Harbin", 480},   {"Asia/Hong_Kong", 480},
      {"Asia/Macau", 480},    {"Asia/Taipei", 480},
      {"PRC", 480},           {"UTC", 0},
      {"Etc/UTC", 0}};
  for (const auto& [name, offset] : kZones)
    if (zone == name) return offset;
  if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int h = 0, m = 0;
    if (std::sscanf(zone.c_str() + 1, "%2d:%2d", &h, &m) == 2 && h <= 14 && m < 60)
      return (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
  }
  return std::nullopt;
}

void read_calendar(Reader& r, const YAML::Node& list, const std::string& w, std::set<Date>& out) {
  if (!list.IsSequence()) {
    r.error(list.Mark(), w + " must be a list of dates (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)");
    return;
  }
  for (const auto& item : list) {
    if (!item.IsScalar()) {
      r.error(item.Mark(), w + ": each entry must be a date");
      continue;
    }
    auto dots = item.Scalar().find("..");
    if (dots == std::string::npos) {
      if (auto d = r.date(item, w)) out.insert(*d);
      continue;
    }
    std::size_t before = r.diagnostics.size();
    auto from = r.date(YAML::Node(item.Scalar().substr(0, dots)), w);
    auto to = r.date(YAML::Node(item.Scalar().substr(dots + 2)), w);
    if (!from || !to) {  // the halves are detached nodes: point at the list item instead
      for (std::size_t i = before; i < r.diagnostics.size(); ++i) {
        r.diagnostics[i].line = detail::line_of(item.Mark());
        r.diagnostics[i].column = detail::column_of(item.Mark());
      }
      continue;
    }
    using namespace std::chrono;
    auto a = sys_days{year{from->year} / from->month / from->day};
    auto b = sys_days{year{to->year} / to->month / to->day};
    if (b < a || b - a > days{366}) {
      r.error(item.Mark(), w + ": bad date range '" + item.Scalar() + "'");
      continue;
    }
    for (auto d = a; d <= b; d += days{1}) {
      year_month_day ymd{d};
      out.insert({static_cast<int>(ymd.year()), static_cast<int>(unsigned(ymd.month())),
                  static_cast<int>(unsigned(ymd.day()))});
    }
  }
}

void read_header(Reader& r, const YAML::Node& root, Flow& flow) {
  if (auto id = Reader::get(root, "id"); !id.IsDefined())
    r.error(root.Mark(), "missing 'id' (the flow's name)");
  else if (r.is_identifier(id, "id"))
    flow.id = id.Scalar();
  if (auto entry = Reader::get(root, "entry"); !entry.IsDefined())
    r.error(root.Mark(), "missing 'entry' (the first node)");
  else
    flow.entry = r.node_ref(entry, "entry");
  if (auto tz = Reader::get(root, "time_zone"); tz.IsDefined()) {
    if (auto name = r.text(tz, "time_zone")) {
      auto offset = zone_offset_min(*name);
      if (!offset)
        r.error(tz.Mark(), "unknown time_zone '" + *name + "' (Asia/Shanghai, UTC or +hh:mm)");
      flow.time_zone = *name;
      flow.utc_offset_min = offset.value_or(480);
    }
  }
  if (auto cals = Reader::get(root, "calendars"); cals.IsDefined()) {
    if (!cals.IsMap()) r.error(cals.Mark(), "calendars must be a map of name -> list of dates");
    for (auto it = cals.begin(); cals.IsMap() && it != cals.end(); ++it) {
      if (!r.is_identifier(it->first, "calendar name")) continue;
      read_calendar(r, it->second, "calendar '" + it->first.Scalar() + "'",
                    flow.calendars[it->first.Scalar()]);
    }
  }
}

// agent_return: the nodes an agent may send a caller back to, with the desktop's labels.
void read_agent_return(Reader& r, const YAML::Node& root, Flow& flow) {
  YAML::Node list = Reader::get(root, "agent_return");
  if (!list.IsDefined()) return;
  if (!list.IsSequence()) {
    r.error(list.Mark(), "agent_return must be a list of {node, label, label_en}");
    return;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string w = "agent_return[" + std::to_string(i) + "]";
    if (!r.check_map(item, {"node", "label", "label_en"}, w)) continue;
    ReturnPoint p;
    p.line = detail::line_of(item.Mark());
    if (auto n = r.need(item, "node", w); n.IsDefined()) p.node = r.node_ref(n, w + ".node");
    if (auto l = r.need(item, "label", w); l.IsDefined())
      p.label = r.nonempty_text(l, w + ".label").value_or("");
    if (auto l = Reader::get(item, "label_en"); l.IsDefined())
      p.label_en = r.nonempty_text(l, w + ".label_en").value_or("");
    if (p.label_en.empty()) p.label_en = p.label;
    if (p.node.empty()) continue;
    if (flow.return_point(p.node)) {
      r.error(item.Mark(), w + ": node '" + p.node + "' is listed twice");
      continue;
    }
    flow.agent_return.push_back(std::move(p));
  }
}

void read_nodes(Reader& r, const YAML::Node& root, Flow& flow, std::set<std::string>& declared) {
  YAML::Node nodes = Reader::get(root, "nodes");
  if (!nodes.IsDefined()) {
    r.error(root.Mark(), "missing 'nodes'");
    return;
  }
  if (!nodes.IsMap() || nodes.size() == 0) {
    r.error(nodes.Mark(), "'nodes' must be a non-empty map of node id -> node");
    return;
  }
  for (auto it = nodes.begin(); it != nodes.end(); ++it) {
    if (!r.is_identifier(it->first, "node id")) continue;
    const std::string& id = it->first.Scalar();
    if (!declared.insert(id).second) {
      r.error(it->first.Mark(), "duplicate node id '" + id + "'");
      continue;
    }
    auto body = detail::parse_node_body(r, id, it->second);
    if (!body) continue;
    Node node{id, detail::line_of(it->first.Mark()), detail::column_of(it->first.Mark()),
              std::move(*body)};
    flow.nodes.emplace(id, std::move(node));
    flow.node_order.push_back(id);
  }
}

int mark_reachable(Reader& r, const Flow& flow) {
  std::set<std::string> seen;
  std::deque<std::string> todo;
  if (flow.find(flow.entry)) todo.push_back(flow.entry);
  for (const auto& p : flow.agent_return) todo.push_back(p.node);  // entered by an agent
  while (!todo.empty()) {
    std::string id = todo.front();
    todo.pop_front();
    const Node* n = flow.find(id);
    if (!n || !seen.insert(id).second) continue;
    for (auto& s : successors(n->body)) todo.push_back(s);
  }
  for (const auto& id : flow.node_order) {
    if (seen.count(id)) continue;
    const Node& n = flow.nodes.at(id);
    r.diagnostics.push_back({Diagnostic::Severity::kWarning, n.line, n.column,
                             "node '" + id + "' is unreachable from entry '" + flow.entry + "'" +
                                 (flow.agent_return.empty() ? "" : " and from agent_return")});
  }
  return static_cast<int>(seen.size());
}

ParseOutcome parse_document(const YAML::Node& root) {
  ParseOutcome out;
  Reader r;
  Flow flow;
  r.flow = &flow;
  if (root.IsNull() || !root.IsDefined()) {
    r.error(YAML::Mark(), "empty flow file (expected id, entry and nodes)");
  } else if (r.check_map(root, {"id", "entry", "time_zone", "calendars", "agent_return", "nodes"},
                         "flow")) {
    std::set<std::string> declared;
    read_header(r, root, flow);
    read_nodes(r, root, flow, declared);
    read_agent_return(r, root, flow);
    for (const auto& ref : r.refs)
      if (!declared.count(ref.target))
        r.error(ref.mark, ref.what + " refers to node '" + ref.target + "', which does not exist");
    if (!r.has_errors()) out.reachable_nodes = mark_reachable(r, flow);
  }
  for (auto& d : r.diagnostics)
    if (d.line == 0 && d.severity == Diagnostic::Severity::kError) d.line = 1, d.column = 1;
  out.diagnostics = std::move(r.diagnostics);
  if (out.error_count() == 0) out.flow = std::move(flow);
  return out;
}

ParseOutcome single_error(int line, int column, std::string message) {
  ParseOutcome out;
  out.diagnostics.push_back({Diagnostic::Severity::kError, line, column, std::move(message)});
  return out;
}

}  // namespace

int ParseOutcome::error_count() const {
  int n = 0;
  for (const auto& d : diagnostics) n += d.severity == Diagnostic::Severity::kError;
  return n;
}

int ParseOutcome::warning_count() const {
  return static_cast<int>(diagnostics.size()) - error_count();
}

ParseOutcome parse_flow(const std::string& text) {
  if (text.size() > kMaxFlowBytes)
    return single_error(1, 1,
                        "flow file is larger than " + std::to_string(kMaxFlowBytes) + " bytes");
  try {
    return parse_document(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    return single_error(detail::line_of(e.mark), detail::column_of(e.mark),
                        "malformed YAML: " + e.msg);
  } catch (const std::exception& e) {
    return single_error(1, 1, std::string("malformed YAML: ") + e.what());
  }
}

ParseOutcome parse_flow_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return single_error(0, 0, "cannot read file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_flow(text.str());
}

std::string format_diagnostic(const std::string& file, const Diagnostic& d) {
  std::ostringstream out;
  out << file;
  if (d.line > 0) out << ':' << d.line << ':' << d.column;
  out << (d.severity == Diagnostic::Severity::kError ? ": error: " : ": warning: ") << d.message;
  return out.str();
}

}  // namespace sy::ivr
