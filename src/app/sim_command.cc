// `switchyard sim --scenario FILE [--json] [--seed S] [--lang zh|en]`: plans a centre before it is
// staffed by simulating it over the real routing engine (design §4).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "app/commands.h"
#include "sim/report_format.h"
#include "sim/simulator.h"

namespace sy::app {

namespace {

constexpr const char* kUsage =
    "usage: switchyard sim --scenario FILE [--json] [--seed S] [--lang zh|en]\n"
    "  --scenario FILE  scenario YAML (queues, agents, traffic; see config/sim/)\n"
    "  --json           print one JSON object instead of the table\n"
    "  --seed S         override the scenario's seed\n"
    "  --lang zh|en     table headers (default zh)\n";

// Draws a progress bar on stderr once a run has taken more than a second, at most 10 times a
// second, and only when stderr is a terminal.
class ProgressBar {
 public:
  ProgressBar() : start_(std::chrono::steady_clock::now()), tty_(isatty(2) != 0) {}
  ~ProgressBar() {
    if (drawn_) std::fprintf(stderr, "\r%60s\r", "");
  }
  void update(double fraction) {
    if (!tty_) return;
    auto now = std::chrono::steady_clock::now();
    if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100))
      return;
    last_ = now;
    drawn_ = true;
    int filled = static_cast<int>(fraction * 40);
    std::string bar(static_cast<std::size_t>(filled), '#');
    bar.resize(40, '.');
    std::fprintf(stderr, "\rsim [%s] %3d%%", bar.c_str(), static_cast<int>(fraction * 100));
    std::fflush(stderr);
  }

 private:
  std::chrono::steady_clock::time_point start_, last_;
  bool tty_;
  bool drawn_ = false;
};

}  // namespace

int sim_command(const std::vector<std::string>& args) {
  std::string scenario_path;
  bool json = false;
  std::optional<std::uint64_t> seed;
  sim::Lang lang = sim::Lang::kZh;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--scenario") {
      const std::string* v = value();
      if (!v) break;
      scenario_path = *v;
    } else if (a == "--seed") {
      const std::string* v = value();
      char* end = nullptr;
      if (!v || v->empty() || (seed = std::strtoull(v->c_str(), &end, 10), *end != '\0')) {
        std::fprintf(stderr, "switchyard sim: --seed needs a whole number\n");
        return 2;
      }
    } else if (a == "--lang") {
      const std::string* v = value();
      if (!v || (*v != "zh" && *v != "en")) {
        std::fprintf(stderr, "switchyard sim: --lang is zh or en\n");
        return 2;
      }
      lang = *v == "en" ? sim::Lang::kEn : sim::Lang::kZh;
    } else if (a == "--config" || a == "--data" || a == "--db") {
      value();  // accepted by every command; the simulator needs none of them
    } else {
      std::fprintf(stderr, "switchyard sim: unknown option '%s'\n%s", a.c_str(), kUsage);
      return 2;
    }
  }
  if (scenario_path.empty()) {
    std::fprintf(stderr, "switchyard sim: --scenario FILE is required\n%s", kUsage);
    return 2;
  }
  auto scenario = sim::load_scenario(scenario_path);
  if (!scenario) {
    std::fprintf(stderr, "switchyard sim: %s\n", scenario.error().message.c_str());
    return 1;
  }
  sim::RunOptions options;
  options.seed = seed;
  ProgressBar bar;
  options.progress = [&bar](double f) { bar.update(f); };
  auto report = sim::run(*scenario, options);
  if (!report) {
    std::fprintf(stderr, "switchyard sim: %s\n", report.error().message.c_str());
    return 1;
  }
  std::string out = json ? sim::to_json(*report) : sim::to_table(*report, lang);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return 0;
}

}  // namespace sy::app
