// The Prometheus registry: values, label escaping, histogram buckets and the text format a
// Prometheus server scrapes.
#include "metrics/registry.h"

#include <gtest/gtest.h>

#include <thread>

namespace sy::metrics {
namespace {

bool contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(Registry, CountersAndGaugesWithLabels) {
  Registry r;
  auto& calls = r.counter("sy_calls_total", "Calls offered", {"queue"});
  calls.with({"repair"}).inc();
  calls.with({"repair"}).inc(2);
  calls.with({"billing"}).inc();
  calls.with({"billing"}).inc(-5);  // counters never go down
  auto& waiting = r.gauge("sy_queue_waiting", "Callers waiting", {"queue"});
  waiting.with({"repair"}).set(7);
  waiting.with({"repair"}).dec();
  std::string text = r.expose();
  EXPECT_TRUE(
      contains(text, "# HELP sy_calls_total Calls offered\n# TYPE sy_calls_total counter\n"));
  EXPECT_TRUE(contains(text, "sy_calls_total{queue=\"repair\"} 3\n"));
  EXPECT_TRUE(contains(text, "sy_calls_total{queue=\"billing\"} 1\n"));
  EXPECT_TRUE(contains(text, "# TYPE sy_queue_waiting gauge\n"));
  EXPECT_TRUE(contains(text, "sy_queue_waiting{queue=\"repair\"} 6\n"));
}

TEST(Registry, LabelValuesAreEscaped) {
  Registry r;
  r.counter("sy_x_total", "x", {"path"}).with({"a\"b\\c\nd"}).inc();
  EXPECT_TRUE(contains(r.expose(), "sy_x_total{path=\"a\\\"b\\\\c\\nd\"} 1\n"));
}

TEST(Registry, HistogramBucketsAreCumulativeWithSumAndCount) {
  Registry r;
  auto& h = r.histogram("sy_db_commit_seconds", "Commit latency", {}, {0.001, 0.01, 0.1});
  h.with(LabelValues{}).observe(0.0005);
  h.with(LabelValues{}).observe(0.001);  // "le" is inclusive
  h.with(LabelValues{}).observe(0.05);
  h.with(LabelValues{}).observe(3);
  std::string text = r.expose();
  EXPECT_TRUE(contains(text, "# TYPE sy_db_commit_seconds histogram\n"));
  EXPECT_TRUE(contains(text, "sy_db_commit_seconds_bucket{le=\"0.001\"} 2\n"));
  EXPECT_TRUE(contains(text, "sy_db_commit_seconds_bucket{le=\"0.01\"} 2\n"));
  EXPECT_TRUE(contains(text, "sy_db_commit_seconds_bucket{le=\"0.1\"} 3\n"));
  EXPECT_TRUE(contains(text, "sy_db_commit_seconds_bucket{le=\"+Inf\"} 4\n"));
  EXPECT_TRUE(contains(text, "sy_db_commit_seconds_sum 3.0515\n"));
  EXPECT_TRUE(contains(text, "sy_db_commit_seconds_count 4\n"));
}

TEST(Registry, CallbackGaugesAndCollectorsAreReadAtScrapeTime) {
  Registry r;
  int depth = 1;
  r.callback_gauge("sy_control_loop_queue", "Events waiting", [&] { return depth; });
  r.add_collector([](std::string& out) {
    out += "# HELP sy_custom Custom\n# TYPE sy_custom gauge\nsy_custom 5\n";
  });
  depth = 4;
  std::string text = r.expose();
  EXPECT_TRUE(contains(text, "sy_control_loop_queue 4\n"));
  EXPECT_TRUE(contains(text, "sy_custom 5\n"));
}

TEST(Registry, SameNameReturnsTheSameFamily) {
  Registry r;
  auto& a = r.counter("sy_a_total", "a", {"k"});
  auto& b = r.counter("sy_a_total", "a", {"k"});
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(&a.with({"v"}), &b.with({"v"}));
}

TEST(Registry, ConcurrentRecordingLosesNothing) {
  Registry r;
  auto& c = r.counter("sy_hits_total", "hits", {"t"});
  auto& h = r.histogram("sy_lat_seconds", "lat", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        c.with({"x"}).inc();
        h.with({"x"}).observe(0.002);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.with({"x"}).value(), 40000);
  EXPECT_EQ(h.with({"x"}).count(), 40000u);
}

TEST(Registry, EveryLineIsWellFormed) {
  Registry r;
  r.counter("sy_a_total", "multi\nline help", {"k"}).with({"v"}).inc(0.5);
  r.histogram("sy_h_seconds", "h", {"route", "method"}).with({"/x/{id}", "GET"}).observe(0.2);
  std::string text = r.expose();
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    ASSERT_NE(end, std::string::npos) << "the text must end with a newline";
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) continue;
    ASSERT_EQ(line.rfind("sy_", 0), 0u) << line;
    std::size_t space = line.rfind(' ');
    ASSERT_NE(space, std::string::npos) << line;
    std::string value = line.substr(space + 1);
    EXPECT_NO_THROW((void)std::stod(value)) << line;
  }
  EXPECT_TRUE(contains(text, "# HELP sy_a_total multi\\nline help\n"));
  EXPECT_TRUE(contains(text, "sy_a_total{k=\"v\"} 0.5\n"));
}

}  // namespace
}  // namespace sy::metrics
