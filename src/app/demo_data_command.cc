// switchyard demo-data: builds the demo province (Fujian, two centres) into the configured
// database, with a progress bar on stderr and the demo IVR PINs printed at the end.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "app/commands.h"
#include "config/config.h"
#include "core/clock.h"
#include "demo/loader.h"
#include "demo/progress.h"

namespace sy::app {
namespace {

constexpr const char* kUsage =
    "usage: switchyard demo-data [--customers N] [--seed S] [--force]\n"
    "                            [--config F] [--data DIR] [--db URL]\n"
    "  --customers N  customers to create (default 100000)\n"
    "  --seed S       the same seed always builds the same province (default 1)\n"
    "  --force        wipe existing customers, accounts, bills, payments, outages, contacts, work\n"
    "                 orders and the knowledge base\n";

struct DemoArgs {
  std::int64_t customers = 100000;
  std::uint64_t seed = 1;
  bool force = false;
  bool help = false;
};

bool parse_number(const std::string& text, std::uint64_t* out) {
  if (text.empty() || text.size() > 19) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

// Returns an error message, or "" when the arguments are good.
std::string parse_args(const std::vector<std::string>& rest, DemoArgs* out) {
  for (std::size_t i = 0; i < rest.size(); ++i) {
    std::string arg = rest[i];
    std::string value;
    bool has_value = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    if (arg == "--force" && !has_value) {
      out->force = true;
    } else if (arg == "--help" || arg == "-h") {
      out->help = true;
    } else if (arg == "--customers" || arg == "--seed") {
      if (!has_value) {
        if (i + 1 >= rest.size()) return arg + " needs a value";
        value = rest[++i];
      }
      std::uint64_t v = 0;
      if (!parse_number(value, &v))
        return arg + " must be a non-negative integer, got '" + value + "'";
      if (arg == "--seed") {
        out->seed = v;
      } else {
        if (v > 100000000) return "--customers must be at most 100000000";
        out->customers = static_cast<std::int64_t>(v);
      }
    } else {
      return "unknown option '" + rest[i] + "'";
    }
  }
  return "";
}

// SQLite creates the file but not its folder.
void ensure_sqlite_folder(const std::string& url) {
  if (url.rfind("sqlite:", 0) != 0 || url == "sqlite::memory:") return;
  std::filesystem::path parent = std::filesystem::path(url.substr(7)).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
}

void print_summary(const demo::LoadCounts& c, double seconds) {
  std::printf(
      "Demo data loaded in %s: %s regions, %s customers (%s phones), %s accounts, %s bills, "
      "%s payments, %s outages, %s contacts, %s work orders, %s knowledge-base articles\n",
      demo::format_duration(seconds).c_str(), demo::group_thousands(c.regions).c_str(),
      demo::group_thousands(c.customers).c_str(), demo::group_thousands(c.phones).c_str(),
      demo::group_thousands(c.accounts).c_str(), demo::group_thousands(c.bills).c_str(),
      demo::group_thousands(c.payments).c_str(), demo::group_thousands(c.outages).c_str(),
      demo::group_thousands(c.contacts).c_str(), demo::group_thousands(c.work_orders).c_str(),
      demo::group_thousands(c.kb_articles).c_str());
}

void print_pins(const std::vector<demo::DemoPin>& pins) {
  if (pins.empty()) return;
  std::printf("\nDemo IVR PINs (the other accounts have no PIN set):\n");
  std::size_t shown = std::min<std::size_t>(pins.size(), 5);
  for (std::size_t i = 0; i < shown; ++i)
    std::printf("  account %s  PIN %s  (%s)\n", pins[i].account_no.c_str(), pins[i].pin.c_str(),
                pins[i].customer_name.c_str());
  if (pins.size() > shown)
    std::printf("  … and %zu more (every 100,000th account) with a PIN\n", pins.size() - shown);
}

void print_floor(const demo::FloorResult& f) {
  std::printf(
      "\nDemo agents agent%s … agent%s (extensions %s … %s) and supervisors %s, %s:\n"
      "  sign-in password %s   phone (SIP) password %s\n"
      "  (%d skills, %d queues, %d agents, %d supervisors created now)\n",
      f.first_extension.c_str(), f.last_extension.c_str(), f.first_extension.c_str(),
      f.last_extension.c_str(), f.supervisor_usernames.at(0).c_str(),
      f.supervisor_usernames.at(1).c_str(), f.password.c_str(), f.sip_password.c_str(), f.skills,
      f.queues, f.agents, f.supervisors);
  if (!f.first_seat.empty())
    std::printf(
        "Demo seat phones %s … %s in region %s (3楼A区1号 …): desk phones register there with the\n"
        "  agents' phone password above; an agent picks the seat on the desktop (分机/Extension)\n",
        f.first_seat.c_str(), f.last_seat.c_str(), f.seat_region.c_str());
}

}  // namespace

int demo_data_command(const std::vector<std::string>& args) {
  std::vector<std::string> rest;
  auto config = config::load(args, config::environment(), &rest);
  if (!config) {
    std::fprintf(stderr, "switchyard demo-data: %s\n", config.error().message.c_str());
    return 2;
  }
  DemoArgs demo_args;
  if (std::string err = parse_args(rest, &demo_args); !err.empty()) {
    std::fprintf(stderr, "switchyard demo-data: %s\n%s", err.c_str(), kUsage);
    return 2;
  }
  if (demo_args.help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  ensure_sqlite_folder(config->db_url);

  demo::LoadOptions options;
  options.db_url = config->db_url;
  options.force = demo_args.force;
  options.demo.customers = demo_args.customers;
  options.demo.seed = demo_args.seed;
  options.demo.now_ms = to_unix_ms(SystemClock::instance().now());
  options.sip_realm = config->sip.domain;
  auto start = std::chrono::steady_clock::now();
  auto last_print = start;
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  // On a terminal the bar redraws in place twice a second; in a log, one line every 10 s.
  bool tty = ::isatty(2) != 0;
  auto interval = tty ? std::chrono::milliseconds(500) : std::chrono::milliseconds(10000);
  options.progress = [&](std::int64_t done, std::int64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_print < interval) return;
    last_print = now;
    std::fprintf(stderr, tty ? "\r%s " : "%s\n",
                 demo::format_progress(done, total, elapsed(), "customers").c_str());
    std::fflush(stderr);
  };
  options.step = [&](const std::string& step) {
    std::fprintf(stderr, "%s%s…\n", tty ? "\n" : "", step.c_str());
  };
  std::fprintf(stderr, "Building the demo province (seed %llu) into %s\n",
               static_cast<unsigned long long>(demo_args.seed), config->db_url.c_str());
  auto result = demo::load_demo(options);
  if (!result) {
    std::fprintf(stderr, "switchyard demo-data: %s\n", result.error().message.c_str());
    return 1;
  }
  print_summary(result->counts, elapsed());
  print_pins(result->pins);
  print_floor(result->floor);
  return 0;
}

}  // namespace sy::app
