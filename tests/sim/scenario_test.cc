// Scenario files and reports as a planner sees them: bad files point at the line, the JSON has
// the documented fields, the table reads in Chinese or English, day profiles report per hour, and
// skill-based routing with overflow beats separate pools at the same staff.
#include <nlohmann/json.hpp>

#include "sim/report_format.h"
#include "sim_helpers.h"

namespace sy::sim::testing {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Scenario, ErrorsNameTheFileLineAndKey) {
  auto bad = parse_scenario(
      "duration_s: 3600\n"
      "queues:\n"
      "  - {name: general}\n"
      "agents:\n"
      "  - {count: 5, skills: {general: 5}}\n"
      "traffic:\n"
      "  - queue: general\n"
      "    arrivals_per_hour: 100\n"
      "    handle_time: {dist: weibull, mean_s: 180}\n",
      "centre.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_TRUE(has(bad.error().message, "centre.yaml:9:")) << bad.error().message;
  EXPECT_TRUE(has(bad.error().message, "traffic[0].handle_time.dist")) << bad.error().message;

  auto typo = parse_scenario("duration_s: 3600\nwarmup: 100\n", "t.yaml");
  ASSERT_FALSE(typo.ok());
  EXPECT_TRUE(has(typo.error().message, "t.yaml:2: warmup: unknown key")) << typo.error().message;

  auto not_number = parse_scenario(
      "duration_s: 3600\nqueues:\n  - {name: q}\nagents:\n  - {count: many, skills: {a: 1}}\n",
      "n.yaml");
  ASSERT_FALSE(not_number.ok());
  EXPECT_TRUE(has(not_number.error().message, "n.yaml:5: agents[0].count: expected a number"))
      << not_number.error().message;

  auto unknown_queue = parse_scenario(
      "duration_s: 3600\nqueues:\n  - {name: q}\nagents:\n  - {count: 1, skills: {a: 1}}\n"
      "traffic:\n  - {queue: nope, arrivals_per_hour: 1, handle_time: {mean_s: 60}}\n",
      "u.yaml");
  ASSERT_FALSE(unknown_queue.ok());
  EXPECT_TRUE(has(unknown_queue.error().message, "u.yaml:7:")) << unknown_queue.error().message;

  auto syntax = parse_scenario("duration_s: [1, 2\n", "s.yaml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_TRUE(has(syntax.error().message, "s.yaml:")) << syntax.error().message;
}

TEST(Report, JsonHasTheDocumentedFieldsOverallAndPerQueue) {
  Report r = simulate(single_queue_yaml(Point{20, 18, 120}, 20'000, 3));
  auto j = nlohmann::json::parse(to_json(r));
  for (const char* key : {"offered", "answered", "abandoned", "service_level", "p_wait",
                          "mean_wait_s", "asa_s", "abandon_rate", "occupancy"}) {
    EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(j["queues"]["general"].contains(key)) << key;
  }
  EXPECT_EQ(j["offered"].get<long>(), j["answered"].get<long>() + j["abandoned"].get<long>());
  EXPECT_GT(j["offered"].get<long>(), 15'000);
  EXPECT_GT(j["occupancy"].get<double>(), 0.8);
  EXPECT_LT(j["occupancy"].get<double>(), 0.9);
}

TEST(Report, SameSeedSameReportAndSeedOverride) {
  std::string yaml = single_queue_yaml(Point{20, 18, 120}, 5'000, 3);
  EXPECT_EQ(to_json(simulate(yaml)), to_json(simulate(yaml)));
  auto scenario = parse_scenario(yaml, "x.yaml");
  RunOptions other;
  other.seed = 99;
  EXPECT_NE(to_json(*run(*scenario, other)), to_json(simulate(yaml)));
}

TEST(Report, TableReadsInChineseByDefaultAndInEnglish) {
  Report r = simulate(single_queue_yaml(Point{20, 16}, 2'000, 3));
  std::string zh = to_table(r, Lang::kZh);
  EXPECT_TRUE(has(zh, "服务水平")) << zh;
  EXPECT_TRUE(has(zh, "放弃率"));
  EXPECT_TRUE(has(zh, "general"));
  std::string en = to_table(r, Lang::kEn);
  EXPECT_TRUE(has(en, "service_level")) << en;
  EXPECT_EQ(display_width("服务水平"), 8);
  EXPECT_EQ(display_width("SL 80%"), 6);
}

TEST(DayProfile, HourlyRatesAndStaffingAreReportedPerHour) {
  // A quiet night hour with 2 agents, then a busy hour with 10: each hour stands on its own.
  auto scenario = parse_scenario(
      "duration_s: 7200\n"
      "queues:\n  - {name: general, service_level_s: 20}\n"
      "agents:\n  - {count: [2, 10], skills: {general: 5}}\n"
      "traffic:\n  - queue: general\n    arrivals_per_hour: [20, 150]\n"
      "    handle_time: {dist: lognormal, mean_s: 180, sd_s: 90}\n"
      "    patience: {dist: exponential, mean_s: 90}\n",
      "day.yaml");
  ASSERT_TRUE(scenario.ok()) << scenario.error().message;
  auto r = run(*scenario, {});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->intervals.size(), 2u);
  EXPECT_EQ(r->intervals[0].agents, 2);
  EXPECT_EQ(r->intervals[1].agents, 10);
  EXPECT_NEAR(r->intervals[0].kpi.offered, 20, 15);
  EXPECT_NEAR(r->intervals[1].kpi.offered, 150, 50);
  EXPECT_EQ(r->intervals[0].kpi.offered + r->intervals[1].kpi.offered, r->total.offered);
  auto j = nlohmann::json::parse(to_json(*r));
  EXPECT_EQ(j["intervals"].size(), 2u);
}

// Two queues, each with its own team of 10 at 80 % load. Separately they are two small pools;
// with overflow after 10 s to the other team's skill they behave closer to one pool of 20.
std::string two_teams(bool overflow) {
  std::string rules = overflow ? ", overflow_after_s: 10, overflow_to: " : "";
  return std::string("duration_s: 400000\nwarmup_s: 20000\nseed: 5\nqueues:\n") +
         "  - {name: repair, service_level_s: 20" + (overflow ? rules + "billing" : "") + "}\n" +
         "  - {name: billing, service_level_s: 20" + (overflow ? rules + "repair" : "") + "}\n" +
         "agents:\n"
         "  - {count: 10, skills: {repair: 5, billing: 2}}\n"
         "  - {count: 10, skills: {billing: 5, repair: 2}}\n"
         "traffic:\n"
         "  - {queue: repair, arrivals_per_hour: 160, skills: {repair: 4},\n"
         "     handle_time: {dist: exponential, mean_s: 180}}\n"
         "  - {queue: billing, arrivals_per_hour: 160, skills: {billing: 4},\n"
         "     handle_time: {dist: exponential, mean_s: 180}}\n";
}

TEST(MultiSkill, OverflowBeatsSeparatePoolsAtTheSameStaff) {
  Report separate = simulate(two_teams(false));
  Report pooled = simulate(two_teams(true));
  std::printf("separate SL %.3f wait %.1f s | overflow SL %.3f wait %.1f s\n",
              separate.total.service_level, separate.total.mean_wait_s, pooled.total.service_level,
              pooled.total.mean_wait_s);
  EXPECT_GT(pooled.total.service_level, separate.total.service_level + 0.05);
  EXPECT_LT(pooled.total.mean_wait_s, separate.total.mean_wait_s * 0.8);
  EXPECT_NEAR(pooled.total.occupancy, separate.total.occupancy, 0.02) << "same work, same staff";
}

}  // namespace
}  // namespace sy::sim::testing
