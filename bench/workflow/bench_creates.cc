// Acknowledged work-order creates per second through WorkOrderRepository::create: each call
// runs the workflow rules, takes the day's next number, writes the order and its audit row in
// the group-commit writer (SQLite synchronous=FULL) and returns only once durable, then reads
// the order back, as POST /api/v1/work-orders does. Many threads create at once, as many HTTP
// workers would. Target: >= 5,000 creates/s on SQLite on the 2-core machine.
//   build/bench/bench_workflow                  (SQLite file under $TMPDIR or SY_BENCH_DIR)
//   SY_BENCH_PG_URL=postgresql://... build/bench/bench_workflow
//   SY_BENCH_THREADS=64 SY_BENCH_ORDERS=20000 (defaults; bounded in count)
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/repositories.h"

namespace {

using namespace sy;
using namespace sy::store;

long env_or(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : fallback;
}

int run(const std::string& url, const std::string& label) {
  DatabaseOptions options;
  options.synchronous_full = true;
  auto db = Database::open(url, options);
  if (!db) {
    std::fprintf(stderr, "%s: %s\n", label.c_str(), db.error().message.c_str());
    return 1;
  }
  if (auto m = (*db)->migrate(); !m) {
    std::fprintf(stderr, "%s: migrate: %s\n", label.c_str(), m.error().message.c_str());
    return 1;
  }
  const Clock& clock = SystemClock::instance();
  Repositories repos(**db, clock);
  for (auto [code, parent, level] :
       {std::tuple{"350000", "", RegionLevel::kProvince}, {"350100", "350000", RegionLevel::kCity},
        {"350102", "350100", RegionLevel::kCounty}, {"350102-01", "350102", RegionLevel::kArea}}) {
    Region r;
    r.code = code;
    if (*parent) r.parent_code = parent;
    r.name = code;
    r.level = level;
    (void)repos.regions.create(r);  // exists already on a reused PostgreSQL database
  }
  std::vector<std::int64_t> customers;
  for (int i = 0; i < 200; ++i) {
    NewCustomer c;
    c.name = "客户" + std::to_string(i);
    c.region_code = "350102-01";
    NewAccount a;
    a.account_no = std::to_string(9'000'000'000 + i + 1000 * getpid() % 1'000'000);
    c.accounts = {a};
    auto created = repos.customers.create(c);
    if (created) customers.push_back(created->customer.id);
  }
  if (customers.empty() || !repos.work_order_types.install_shipped()) {
    std::fprintf(stderr, "%s: set-up failed\n", label.c_str());
    return 1;
  }
  const long threads = env_or("SY_BENCH_THREADS", 64);
  const long orders = env_or("SY_BENCH_ORDERS", 20000);
  std::atomic<long> next{0}, failed{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (long t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (long i = next++; i < orders; i = next++) {
        NewWorkOrder o;
        o.type_code = i % 3 == 0 ? "complaint" : "repair";
        o.customer_id = customers[static_cast<std::size_t>(i) % customers.size()];
        o.description = "客户来电反映家中停电，邻居也停电，疑似线路故障，请尽快派单抢修";
        o.phone = "13800001234";
        o.call_id = "bench-" + std::to_string(i);
        if (!repos.work_orders.create(o)) ++failed;
      }
    });
  }
  for (auto& w : workers) w.join();
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  auto stats = (*db)->commit_stats();
  std::printf(
      "%s: %ld acknowledged work-order creates in %.2f s = %.0f creates/s (%ld failed); "
      "%ld threads, %llu group commits (%.1f writes/commit), %u hardware threads\n",
      label.c_str(), orders - failed.load(), seconds, (orders - failed.load()) / seconds,
      failed.load(), threads, static_cast<unsigned long long>(stats.commits),
      stats.commits ? static_cast<double>(stats.writes) / static_cast<double>(stats.commits) : 0.0,
      std::thread::hardware_concurrency());
  return failed.load() == 0 ? 0 : 1;
}

}  // namespace

int main() {
  const char* base = std::getenv("SY_BENCH_DIR");
  std::filesystem::path dir = std::filesystem::path(base ? base : std::filesystem::temp_directory_path()) /
                              ("sy-bench-workflow-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  int rc = run("sqlite:" + (dir / "bench.db").string(), "SQLite (synchronous=FULL)");
  std::filesystem::remove_all(dir);
  if (const char* pg = std::getenv("SY_BENCH_PG_URL")) rc |= run(pg, "PostgreSQL");
  return rc;
}
