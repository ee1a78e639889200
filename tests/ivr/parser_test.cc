// Flow parser: broken flows are refused with the line and column an editor would jump to.
#include "ivr/parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>

namespace sy::ivr {
namespace {

struct BrokenFlow {
  const char* name;
  std::string yaml;
  int line;
  const char* anchor;  // where on that line the error points; nullptr: column 1
  const char* message_part;
};

// The first error of each flow, where the author would look for it.
const BrokenFlow kBroken[] = {
    {"empty file", "", 1, nullptr, "empty flow file"},
    {"only a comment", "# nothing here\n", 1, nullptr, "empty flow file"},
    {"not a map", "- a\n- b\n", 1, nullptr, "flow must be a map"},
    {"malformed yaml", "id: x\nentry: [a\nnodes: {}\n", 3, R"(: {})", "malformed YAML"},
    {"tab indentation", "id: x\nnodes:\n\ta: 1\n", 3, R"(: 1)", "malformed YAML"},
    {"unknown top key", "id: x\nentry: a\nversion: 2\nnodes:\n  a: {hangup: done}\n", 3,
     R"(version)", "unknown key 'version' in flow"},
    {"missing entry", "id: x\nnodes:\n  a: {hangup: done}\n", 1, nullptr, "missing 'entry'"},
    {"missing nodes", "id: x\nentry: a\n", 1, nullptr, "missing 'nodes'"},
    {"entry dangling", "id: x\nentry: start\nnodes:\n  a: {hangup: done}\n", 2, R"(start)",
     "entry refers to node 'start', which does not exist"},
    {"next dangling", "id: x\nentry: a\nnodes:\n  a: {play: {tts: hi}, next: menu}\n", 4,
     R"(menu})", "node 'a'.next refers to node 'menu'"},
    {"unknown node kind", "id: x\nentry: a\nnodes:\n  a: {speak: hi, next: a}\n", 4, R"(speak)",
     "unknown node kind 'speak'"},
    {"two kinds", "id: x\nentry: a\nnodes:\n  a: {play: {tts: hi}, hangup: done, next: a}\n", 4,
     R"({play)", "more than one kind"},
    {"unknown node key", "id: x\nentry: a\nnodes:\n  a: {hangup: done, next: a}\n", 4, R"(next)",
     "unknown key 'next' in node 'a'"},
    {"return point dangling",
     "id: x\nentry: a\nagent_return:\n  - {node: a, label: 回到开始}\n"
     "  - {node: survey, label: 满意度调查}\nnodes:\n  a: {hangup: done}\n",
     5, R"(survey,)", "agent_return[1].node refers to node 'survey', which does not exist"},
    {"return point without label",
     "id: x\nentry: a\nagent_return:\n  - {node: a}\nnodes:\n  a: {hangup: done}\n", 4,
     R"({node)", "agent_return[0]: missing 'label'"},
    {"return point twice",
     "id: x\nentry: a\nagent_return:\n  - {node: a, label: A}\n  - {node: a, label: B}\n"
     "nodes:\n  a: {hangup: done}\n",
     5, R"({node)", "node 'a' is listed twice"},
    {"return points not a list",
     "id: x\nentry: a\nagent_return: nope\nnodes:\n  a: {hangup: done}\n", 3, R"(nope)",
     "agent_return must be a list"},
    {"duplicate node id", "id: x\nentry: a\nnodes:\n  a: {hangup: done}\n  a: {hangup: done}\n", 5,
     R"(a:)", "duplicate node id 'a'"},
    {"duplicate menu key",
     "id: x\nentry: m\nnodes:\n  m:\n    menu:\n      prompt: {tts: hi}\n      on_fail: m\n"
     "      options:\n        \"1\": m\n        1: m\n",
     10, R"(1: m)", "duplicate menu key '1'"},
    {"bad digit key",
     "id: x\nentry: m\nnodes:\n  m: {menu: {prompt: hi, on_fail: m, options: {\"12\": m}}}\n", 4,
     R"("12")", "bad DTMF key '12'"},
    {"min above max",
     "id: x\nentry: c\nnodes:\n  c:\n    collect: {prompt: hi, var: pin, min: 8, max: 6, "
     "on_fail: c}\n    next: c\n",
     5, R"(8, max)", "min (8) is greater than max (6)"},
    {"bad time range",
     "id: x\nentry: b\nnodes:\n  b:\n    branch:\n      - {time: \"08:00-24:30\", goto: b}\n"
     "    next: b\n",
     6, R"("08:00-24:30")", "bad time range '08:00-24:30'"},
    {"empty time range",
     "id: x\nentry: b\nnodes:\n  b:\n    branch:\n      - {time: \"08:00-08:00\", goto: b}\n"
     "    next: b\n",
     6, R"("08:00-08:00")", "empty time range"},
    {"unknown calendar",
     "id: x\nentry: b\nnodes:\n  b: {branch: [{holiday: cn, goto: b}], next: b}\n", 4, R"(cn,)",
     "no calendar named 'cn'"},
    {"bad calendar date",
     "id: x\nentry: a\ncalendars: {cn: [\"2026-02-30\"]}\nnodes:\n  a: {hangup: x}\n", 3,
     R"("2026-02-30")", "bad date '2026-02-30'"},
    {"wrong type for timeout",
     "id: x\nentry: m\nnodes:\n  m: {menu: {prompt: hi, timeout_s: soon, on_fail: m, options: "
     "{\"1\": m}}}\n",
     4, R"(soon)", "timeout_s must be an integer, got 'soon'"},
    {"wrong type for prompt", "id: x\nentry: a\nnodes:\n  a: {play: [[1, 2]], next: a}\n", 4,
     R"([1, 2])", "must be a map, got a list"},
    {"wrong type for nodes", "id: x\nentry: a\nnodes: [a, b]\n", 3, R"([a, b])",
     "'nodes' must be a non-empty map"},
    {"unknown lookup", "id: x\nentry: l\nnodes:\n  l: {lookup: weather, next: l}\n", 4,
     R"(weather)", "unknown lookup 'weather'"},
    {"unknown lookup result",
     "id: x\nentry: l\nnodes:\n  l: {lookup: vip, branches: {maybe: l}, next: l}\n", 4, R"(maybe)",
     "unknown result 'maybe'"},
    {"lookup result unhandled", "id: x\nentry: l\nnodes:\n  l: {lookup: vip, branches: {yes: l}}\n",
     4, R"({lookup)", "lookup result 'no' has no branch"},
    {"bad filter", "id: x\nentry: a\nnodes:\n  a: {play: {tts: \"{fen|euro}\"}, next: a}\n", 4,
     R"("{fen|euro}")", "unknown filter 'euro'"},
    {"bad regex",
     "id: x\nentry: c\nnodes:\n  c: {collect: {prompt: hi, var: v, pattern: \"([0-9\", on_fail: "
     "c}, "
     "next: c}\n",
     4, R"("([0-9")", "bad regular expression"},
    {"skill level out of range",
     "id: x\nentry: q\nnodes:\n  q: {queue: {name: general, skills: {general: 11}}}\n", 4, R"(11})",
     "must be between 1 and 10"},
    {"unknown time zone", "id: x\nentry: a\ntime_zone: Mars/Olympus\nnodes:\n  a: {hangup: x}\n", 3,
     R"(Mars)", "unknown time_zone"},
    {"var condition without op",
     "id: x\nentry: b\nnodes:\n  b: {branch: [{var: n, value: 3, goto: b}], next: b}\n", 4,
     R"({var)", "missing 'op'"},
};

int expected_column(const BrokenFlow& c) {
  if (!c.anchor) return 1;
  std::size_t start = 0;
  for (int l = 1; l < c.line; ++l) start = c.yaml.find('\n', start) + 1;
  std::string line = c.yaml.substr(start, c.yaml.find('\n', start) - start);
  auto at = line.find(c.anchor);
  EXPECT_NE(at, std::string::npos) << c.name << ": anchor not on line " << c.line;
  return static_cast<int>(at) + 1;
}

TEST(FlowParser, BrokenFlowsReportFirstErrorWithLineAndColumn) {
  for (const auto& c : kBroken) {
    ParseOutcome out = parse_flow(c.yaml);
    ASSERT_FALSE(out.ok()) << c.name;
    ASSERT_FALSE(out.diagnostics.empty()) << c.name;
    const Diagnostic& d = out.diagnostics.front();
    EXPECT_EQ(d.severity, Diagnostic::Severity::kError) << c.name;
    EXPECT_EQ(d.line, c.line) << c.name << ": " << d.message;
    EXPECT_EQ(d.column, expected_column(c)) << c.name << ": " << d.message;
    EXPECT_NE(d.message.find(c.message_part), std::string::npos)
        << c.name << ": got '" << d.message << "'";
  }
}

TEST(FlowParser, ReportsEveryErrorNotJustTheFirst) {
  ParseOutcome out = parse_flow(
      "id: x\nentry: a\nnodes:\n  a: {play: {tts: hi}, next: b, colour: red}\n"
      "  b: {menu: {prompt: hi, on_fail: zz, options: {\"1\": a, \"x\": a}}}\n");
  EXPECT_EQ(out.error_count(), 3);
  EXPECT_EQ(
      format_diagnostic("f.yaml", out.diagnostics[0]),
      "f.yaml:4:33: error: unknown key 'colour' in node 'a' (expected: play, next, barge_in)");
}

TEST(FlowParser, UnreachableNodesAreWarningsNotErrors) {
  ParseOutcome out =
      parse_flow("id: x\nentry: a\nnodes:\n  a: {hangup: done}\n  orphan: {hangup: done}\n");
  ASSERT_TRUE(out.ok());
  ASSERT_EQ(out.warning_count(), 1);
  EXPECT_EQ(format_diagnostic("f.yaml", out.diagnostics[0]),
            "f.yaml:5:3: warning: node 'orphan' is unreachable from entry 'a'");
  EXPECT_EQ(out.reachable_nodes, 1);
}

TEST(FlowParser, ReturnPointsKeepLabelsAndCountAsReachable) {
  ParseOutcome out = parse_flow(
      "id: x\nentry: a\nagent_return:\n"
      "  - {node: survey, label: 满意度调查, label_en: Satisfaction survey}\n"
      "  - {node: pin, label: 密码验证}\n"
      "nodes:\n  a: {hangup: done}\n  survey: {hangup: rated}\n  pin: {hangup: checked}\n");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.warning_count(), 0);  // only agents enter them, yet they are not unreachable
  EXPECT_EQ(out.reachable_nodes, 3);
  ASSERT_EQ(out.flow->agent_return.size(), 2u);
  EXPECT_EQ(out.flow->agent_return[0].node, "survey");
  EXPECT_EQ(out.flow->agent_return[0].label, "满意度调查");
  EXPECT_EQ(out.flow->agent_return[0].label_en, "Satisfaction survey");
  EXPECT_EQ(out.flow->agent_return[1].label_en, "密码验证");  // no English label: the Chinese one
  EXPECT_NE(out.flow->return_point("pin"), nullptr);
  EXPECT_EQ(out.flow->return_point("a"), nullptr);
}

TEST(FlowParser, GarbageBytesNeverCrash) {
  std::mt19937 rng(20261123);
  for (int round = 0; round < 300; ++round) {
    std::string bytes(static_cast<std::size_t>(rng() % 400), '\0');
    for (auto& b : bytes) b = static_cast<char>(rng() % 256);
    ParseOutcome out = parse_flow(bytes);
    EXPECT_FALSE(out.ok());
    EXPECT_GE(out.diagnostics.front().line, 1);
  }
  // Deep nesting and huge inputs are refused, not recursed into.
  EXPECT_FALSE(parse_flow(std::string(100000, '[')).ok());
  EXPECT_FALSE(parse_flow(std::string(kMaxFlowBytes + 1, ' ')).ok());
  EXPECT_FALSE(parse_flow("id: x\nentry: a\nnodes:\n  a: &x {play: *x, next: a}\n").ok());
}

TEST(FlowParser, MutatedShippedFlowNeverCrashes) {
  ParseOutcome good = parse_flow_file(SY_SOURCE_DIR "/config/flows/hotline-95598.yaml");
  ASSERT_TRUE(good.ok());
  std::ifstream in(SY_SOURCE_DIR "/config/flows/hotline-95598.yaml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::mt19937 rng(7);
  const char kJunk[] = "{}[]:,-\"'#&*!|> \n\t0a";
  for (int round = 0; round < 200; ++round) {
    std::string mutated = text;
    for (int i = 0; i < 3; ++i) mutated[rng() % mutated.size()] = kJunk[rng() % (sizeof kJunk - 1)];
    ParseOutcome out = parse_flow(mutated);  // any outcome but a crash is fine
    for (const auto& d : out.diagnostics) EXPECT_FALSE(d.message.empty());
  }
}

TEST(FlowParser, ShippedFlowParsesIntoTypedNodes) {
  ParseOutcome out = parse_flow_file(SY_SOURCE_DIR "/config/flows/hotline-95598.yaml");
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out.warning_count(), 0);
  const Flow& flow = *out.flow;
  EXPECT_EQ(flow.id, "hotline-95598");
  EXPECT_EQ(flow.utc_offset_min, 480);
  EXPECT_EQ(out.reachable_nodes, static_cast<int>(flow.nodes.size()));
  const auto& menu = std::get<MenuNode>(flow.nodes.at("menu").body);
  EXPECT_EQ(menu.options.at('1'), "bill_account");
  EXPECT_EQ(menu.options.at('0'), "agent");
  EXPECT_EQ(menu.input.attempts, 3);
  const auto& pin = std::get<CollectNode>(flow.nodes.at("bill_pin").body);
  EXPECT_TRUE(pin.masked);
  EXPECT_EQ(pin.min_digits, 6);
  EXPECT_TRUE(flow.calendars.at("cn_holidays").count(Date{2026, 10, 3}));
  EXPECT_EQ(flow.nodes.at("menu").line, 70);
}

TEST(FlowParser, MissingFileIsAnErrorValue) {
  ParseOutcome out = parse_flow_file("/nonexistent/flow.yaml");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.diagnostics.front().message, "cannot read file");
}

}  // namespace
}  // namespace sy::ivr
