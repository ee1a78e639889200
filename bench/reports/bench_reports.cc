// A year of call records for a province is bulk-loaded into a scratch SQLite database (or the
// PostgreSQL of SY_BENCH_PG_URL), folded into the report summaries by the same fold the server
// runs, and then the year reports a manager asks for are timed: by month and by city over the
// province, and by agent. Prints the fold's throughput and each report's median and worst time.
//
//   build/bench/bench_reports [--days 365] [--calls-per-day 2000] [--runs 5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/report_repository.h"

using namespace sy;
using namespace sy::store;
using Steady = std::chrono::steady_clock;

namespace {

double ms_since(Steady::time_point t0) {
  return std::chrono::duration<double, std::milli>(Steady::now() - t0).count();
}

void die(const std::string& what, const Error& e) {
  std::fprintf(stderr, "bench_reports: %s: %s\n", what.c_str(), e.message.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  int days = 365, per_day = 2000, runs = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--days")) days = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--calls-per-day")) per_day = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--runs")) runs = std::atoi(argv[i + 1]);
  }
  days = std::clamp(days, 1, 3660);
  per_day = std::clamp(per_day, 1, 20000);
  runs = std::clamp(runs, 1, 50);
  const char* pg = std::getenv("SY_BENCH_PG_URL");
  std::string dir = (std::filesystem::temp_directory_path() / "sy-bench-reports").string();
  std::filesystem::remove_all(dir);
  std::string url = pg ? pg : "sqlite:" + dir + "/bench.db";
  {
    auto db = Database::open(url);
    if (!db) die("open", db.error());
    if (auto m = (*db)->migrate(); !m) die("migrate", m.error());
  }
  // 2 cities × 10 counties; 60 agents; 6 queues.
  std::vector<std::string> counties;
  for (int c = 1; c <= 2; ++c)
    for (int k = 1; k <= 10; ++k) {
      char code[8];
      std::snprintf(code, sizeof code, "350%d%02d", c, k);
      counties.push_back(code);
    }
  const char* queues[] = {"general", "repair", "billing", "business", "complaint", "minnan"};
  const int kAgents = 60;
  std::int64_t day0 = local_day_start(1'767'225'600'000, 480);  // 2026-01-01 local
  auto t0 = Steady::now();
  {
    auto bulk = BulkLoader::open(url);
    if (!bulk) die("bulk loader", bulk.error());
    auto& b = **bulk;
    if (auto s = b.prepare("user", "INSERT INTO users (id, username, role, password_hash, created_at, "
                                   "updated_at) VALUES ($1, $2, 'agent', 'x', 0, 0)");
        !s)
      die("prepare", s.error());
    if (auto s = b.prepare("agent", "INSERT INTO agents (id, user_id, extension, state_since, "
                                    "created_at, updated_at) VALUES ($1, $1, $2, 0, 0, 0)");
        !s)
      die("prepare", s.error());
    if (auto s = b.prepare(
            "call",
            "INSERT INTO calls (id, from_number, to_number, region_code, started_at, answered_at, "
            "ended_at, end_reason, ivr_path, queue_name, wait_s, agent_id) VALUES ($1, '13800000000', "
            "'95598', $2, $3, $4, $5, $6, $7, $8, $9, $10)");
        !s)
      die("prepare", s.error());
    for (int a = 1; a <= kAgents; ++a) {
      Value u[] = {Value{std::int64_t{a}}, Value{std::string("bench").append(std::to_string(a))}};
      if (auto s = b.insert("user", u); !s) die("user", s.error());
      Value g[] = {Value{std::int64_t{a}}, Value{std::to_string(8000 + a)}};
      if (auto s = b.insert("agent", g); !s) die("agent", s.error());
    }
    std::mt19937_64 rng(42);
    std::int64_t n = 0;
    for (int d = 0; d < days; ++d) {
      for (int i = 0; i < per_day; ++i) {
        std::int64_t start = day0 + d * 86'400'000LL + static_cast<std::int64_t>(rng() % 86'400'000);
        int kind = static_cast<int>(rng() % 100);
        int wait = static_cast<int>(rng() % 90);
        std::int64_t ivr = 10'000 + static_cast<std::int64_t>(rng() % 40'000);
        Value answered, queue, wait_v, agent;
        std::int64_t end = start + ivr;
        std::string path = "[\"welcome\",\"menu\",\"bill\"]";
        if (kind >= 30) {
          queue = Value{std::string(queues[rng() % 6])};
          wait_v = Value{std::int64_t{wait}};
          path = "[\"welcome\",\"menu\",\"agent\"]";
          if (kind >= 40) {
            std::int64_t at = start + ivr + wait * 1000;
            answered = Value{at};
            agent = Value{std::int64_t{1 + static_cast<std::int64_t>(rng() % kAgents)}};
            end = at + 30'000 + static_cast<std::int64_t>(rng() % 500'000);
          } else {
            end += wait * 1000;
          }
        }
        Value row[] = {Value{std::string("b").append(std::to_string(n++))},
                       Value{counties[rng() % counties.size()]},
                       Value{start},
                       answered,
                       Value{end},
                       Value{std::string(kind >= 40 ? "agent_hangup" : "caller_hangup")},
                       Value{path},
                       queue,
                       wait_v,
                       agent};
        if (auto s = b.insert("call", row); !s) die("call", s.error());
      }
      if (d % 30 == 29)
        if (auto s = b.checkpoint(); !s) die("checkpoint", s.error());
    }
    if (auto s = b.finish(); !s) die("finish", s.error());
  }
  std::int64_t total = std::int64_t{days} * per_day;
  std::printf("loaded %lld calls over %d days in %.1f s (%s)\n", static_cast<long long>(total),
              days, ms_since(t0) / 1000, pg ? "postgresql" : "sqlite");

  auto db = Database::open(url);
  if (!db) die("open", db.error());
  ReportRepository reports(**db);
  t0 = Steady::now();
  auto folded = reports.fold();
  if (!folded) die("fold", folded.error());
  double fold_ms = ms_since(t0);
  std::printf("fold: %lld calls in %.1f s = %.0f calls/s\n",
              static_cast<long long>(folded->calls), fold_ms / 1000,
              static_cast<double>(folded->calls) / (fold_ms / 1000));

  struct Case {
    const char* name;
    ReportKey key;
    std::string region;
  };
  const Case cases[] = {
      {"year over the province, by day (months/years roll up from these)", ReportKey::kBucket,
       "350000"},
      {"year over the province, by region (cities)", ReportKey::kRegion, "350000"},
      {"year over a city, by region (counties)", ReportKey::kRegion, "350100"},
      {"year, by agent", ReportKey::kAgent, ""},
  };
  for (const auto& c : cases) {
    std::vector<double> times;
    std::int64_t offered = 0;
    for (int r = 0; r < runs; ++r) {
      SummaryQuery q;
      q.from = from_unix_ms(day0);
      q.to = from_unix_ms(day0 + days * 86'400'000LL);
      q.grain = ReportGrain::kDay;
      q.key = c.key;
      q.region = RegionScope(c.region);
      auto t = Steady::now();
      auto rows = reports.call_sums(q);
      if (!rows) die("report", rows.error());
      // A fold at report time, as the endpoint does (nothing new here).
      if (auto f = reports.fold(); !f) die("fold", f.error());
      times.push_back(ms_since(t));
      offered = 0;
      for (const auto& row : *rows) offered += row.sums.offered;
    }
    std::sort(times.begin(), times.end());
    std::printf("%-66s median %7.1f ms  worst %7.1f ms  (offered %lld)\n", c.name,
                times[times.size() / 2], times.back(), static_cast<long long>(offered));
  }
  if (!pg) std::filesystem::remove_all(dir);
  return 0;
}
