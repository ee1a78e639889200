// Durable writes per second through the group-commit writer: many threads each waiting for
// their own acknowledged (committed, synchronous=FULL) insert, as work-order creation will.
// Target: >= 5,000 acknowledged creates/s on SQLite. Runs on a fresh SQLite file under
// $TMPDIR (or SY_BENCH_DIR); also on PostgreSQL when SY_BENCH_PG_URL is set. BulkInsertCustomers
// measures the BulkLoader (demo data) with single-row inserts into the indexed customers table.
//   build/bench/bench_writes --benchmark_min_time=3
#include <benchmark/benchmark.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>

#include "store/db.h"

namespace {

using sy::Status;
using sy::store::Connection;
using sy::store::Database;
using sy::store::Value;

// prefix + number (spelled out because g++ 12 -O3 warns falsely on "literal" + std::string).
std::string cat(std::string prefix, std::int64_t n) {
  prefix += std::to_string(n);
  return prefix;
}

struct Target {
  std::string name;
  std::string url;  // empty for a fresh SQLite file
};

std::unique_ptr<Database> g_db;
std::string g_dir;

// Roughly a work order's size: a JSON detail of ~300 bytes.
const std::string kDetail =
    R"({"kind":"repair","priority":"urgent","address":"福建省福州市鼓楼区五四路 88 号 3 单元 502",)"
    R"("summary":"客户来电反映家中停电，邻居也停电，疑似线路故障，请尽快派单抢修","phone":"13800001234"})";

void open_target(const Target& target, benchmark::State& state) {
  std::string url = target.url;
  if (url.empty()) {
    const char* base = std::getenv("SY_BENCH_DIR");
    std::filesystem::path dir = base ? base : std::filesystem::temp_directory_path();
    g_dir = (dir / cat("sy-bench-writes-", ::getpid())).string();
    std::filesystem::remove_all(g_dir);
    url = "sqlite:" + g_dir + "/bench.db";
  }
  sy::store::DatabaseOptions options;
  options.synchronous_full = true;  // durable at commit
  auto db = Database::open(url, options);
  if (!db) {
    state.SkipWithError(db.error().message.c_str());
    return;
  }
  auto migrated = (*db)->migrate();
  if (!migrated) {
    state.SkipWithError(migrated.error().message.c_str());
    return;
  }
  g_db = std::move(*db);
}

void close_target() {
  g_db.reset();
  if (!g_dir.empty()) std::filesystem::remove_all(g_dir);
  g_dir.clear();
}

Status insert_one(Connection& c, std::int64_t n) {
  const Value p[] = {Value{n}, Value{std::string("work_order.create")}, Value{kDetail}};
  auto done = c.exec("INSERT INTO audit_log (at, action, detail) VALUES ($1, $2, $3)", p);
  if (!done) return done.error();
  return sy::ok_status();
}

void report_groups(benchmark::State& state, const Database::CommitStats& before) {
  auto after = g_db->commit_stats();
  double commits = static_cast<double>(after.commits - before.commits);
  double writes = static_cast<double>(after.writes - before.writes);
  state.counters["writes_per_commit"] = commits > 0 ? writes / commits : 0;
  state.counters["commit_ms"] = commits > 0 ? 1000 * (after.sum_s - before.sum_s) / commits : 0;
}

// Every thread creates rows one at a time and waits for each to be durable.
void BM_AcknowledgedWrites(benchmark::State& state, const Target& target) {
  static Database::CommitStats before;
  if (state.thread_index() == 0) {
    open_target(target, state);
    if (g_db) before = g_db->commit_stats();
  }
  std::int64_t n = 0;
  for (auto _ : state) {
    if (!g_db) break;
    Status s = g_db->write([&n](Connection& c) { return insert_one(c, ++n); });
    if (!s) state.SkipWithError(s.error().message.c_str());
  }
  state.SetItemsProcessed(state.iterations());
  if (state.thread_index() == 0 && g_db) {
    report_groups(state, before);
    close_target();
  }
}

// One thread keeps `depth` writes in flight with submit(), as an event loop would.
void BM_PipelinedSubmits(benchmark::State& state, const Target& target) {
  open_target(target, state);
  if (!g_db) return;
  auto before = g_db->commit_stats();
  const int depth = static_cast<int>(state.range(0));
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  std::atomic<int> failed{0};
  std::int64_t n = 0;
  for (auto _ : state) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < depth; });
      ++in_flight;
    }
    std::int64_t id = ++n;
    g_db->submit([id](Connection& c) { return insert_one(c, id); },
                 [&](Status s) {
                   if (!s) failed++;
                   std::lock_guard lock(mu);
                   --in_flight;
                   cv.notify_one();
                 });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  if (failed > 0) state.SkipWithError("some writes failed");
  state.SetItemsProcessed(state.iterations());
  report_groups(state, before);
  close_target();
}

// BulkLoader throughput (demo data, imports): customer rows with their unique and secondary
// indexes, one prepared single-row insert reused, a checkpoint every 100,000 rows.
void BM_BulkInsertCustomers(benchmark::State& state) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / cat("sy-bench-bulk-", ::getpid());
  std::filesystem::remove_all(dir);
  const std::string url = "sqlite:" + (dir / "bulk.db").string();
  {
    auto db = Database::open(url);
    if (!db || !(*db)->migrate()) {
      state.SkipWithError("cannot prepare the database");
      return;
    }
    Status region = (*db)->write([](Connection& c) -> Status {
      auto done =
          c.exec("INSERT INTO regions (code, name, level) VALUES ('350102', '鼓楼区', 'county')");
      if (!done) return done.error();
      return sy::ok_status();
    });
    if (!region) state.SkipWithError(region.error().message.c_str());
  }
  auto loader = sy::store::BulkLoader::open(url);
  if (!loader) {
    state.SkipWithError(loader.error().message.c_str());
    return;
  }
  auto& bulk = **loader;
  (void)bulk.prepare("customer",
                     "INSERT INTO customers (customer_no, name, id_number, address, region_code, "
                     "created_at, updated_at) VALUES ($1, $2, $3, $4, '350102', $5, $5)");
  std::int64_t n = 0;
  for (auto _ : state) {
    ++n;
    const Value p[] = {
        Value{cat("C", 100000000 + n)}, Value{cat(n % 2 ? "陈志明" : "林秀英", n % 997)},
        Value{cat("350102", 19600101 + n % 400000) + "1234"},
        Value{cat("福建省福州市鼓楼区五四路", n % 500) + "号"}, Value{std::int64_t{1700000000000}}};
    Status s = bulk.insert("customer", p);
    if (!s) state.SkipWithError(s.error().message.c_str());
    if (n % 100000 == 0) (void)bulk.checkpoint();
  }
  (void)bulk.finish();
  state.SetItemsProcessed(state.iterations());
  loader->reset();
  std::filesystem::remove_all(dir);
}

void register_all() {
  benchmark::RegisterBenchmark("BulkInsertCustomers/sqlite", BM_BulkInsertCustomers)
      ->Iterations(1000000)
      ->UseRealTime();
  std::vector<Target> targets = {{"sqlite_full", ""}};
  if (const char* pg = std::getenv("SY_BENCH_PG_URL")) targets.push_back({"postgres", pg});
  for (const Target& t : targets) {
    benchmark::RegisterBenchmark(("AcknowledgedWrites/" + t.name).c_str(), BM_AcknowledgedWrites, t)
        ->ThreadRange(1, 256)
        ->UseRealTime()
        ->MeasureProcessCPUTime();
    benchmark::RegisterBenchmark(("PipelinedSubmits/" + t.name).c_str(), BM_PipelinedSubmits, t)
        ->Arg(64)
        ->Arg(1024)
        ->UseRealTime();
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
