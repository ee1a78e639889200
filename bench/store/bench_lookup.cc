// Screen-pop latency: lookup_by_phone and lookup_by_account on a SQLite database of N demo
// customers (target p99 <= 2 ms at 10,000,000). Reports p50/p99/p99.9 per lookup as counters.
//
//   SY_BENCH_CUSTOMERS=1000000 build/bench/bench_lookup          builds the DB once, then reuses it
//   SY_BENCH_DB=/path/switchyard.db build/bench/bench_lookup     uses a DB from `switchyard
//   demo-data`
//
// Without SY_BENCH_DB the database is $TMPDIR/sy-bench-lookup-<N>.db, built with the demo
// generator (seed 1) the first time and kept for later runs. Lookups go to customers picked
// uniformly at random (SY_BENCH_SAMPLES, default 20,000), in shuffled order, single-threaded on
// one read connection at a time, as one HTTP worker would issue them. SY_BENCH_WARM=1 reads the
// database file once first, so the figures are for a server whose database sits in the page
// cache (otherwise they include whatever disk reads the cache state causes).
#include <benchmark/benchmark.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "demo/loader.h"
#include "store/customer_repository.h"
#include "store/db.h"
#include "store/screen_pop_repository.h"

namespace {

using sy::store::Database;

struct Sample {
  std::string phone;
  std::string account_no;
};

std::unique_ptr<Database> g_db;
std::vector<Sample> g_samples;
sy::TimePoint g_now;

std::int64_t env_int(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoll(v) : fallback;
}

// Builds the demo database at `path` unless it already holds customers.
bool ensure_database(const std::string& path, std::int64_t customers) {
  if (std::filesystem::exists(path)) return true;
  std::fprintf(stderr, "building %s with %lld demo customers (once)...\n", path.c_str(),
               static_cast<long long>(customers));
  auto t0 = std::chrono::steady_clock::now();
  sy::demo::LoadOptions options;
  options.db_url = "sqlite:" + path;
  options.demo.customers = customers;
  options.demo.seed = 1;
  options.demo.now_ms = sy::to_unix_ms(g_now);
  auto loaded = sy::demo::load_demo(options);
  if (!loaded.ok()) {
    std::fprintf(stderr, "demo load failed: %s\n", loaded.error().message.c_str());
    std::filesystem::remove(path);
    return false;
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "built in %.1f s\n", s);
  return true;
}

// Reads the whole file once so the OS page cache holds it.
void warm_page_cache(const std::string& path) {
  auto t0 = std::chrono::steady_clock::now();
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buf(1 << 20);
  std::uint64_t bytes = 0;
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    bytes += static_cast<std::uint64_t>(in.gcount());
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "warmed %.1f GB of page cache in %.1f s\n", static_cast<double>(bytes) / 1e9,
               s);
}

// Picks random customers through the repository and keeps a phone and an account of each.
bool pick_samples(std::int64_t count) {
  sy::store::CustomerRepository customers(*g_db, sy::SystemClock::instance());
  auto total = customers.search({}, {1, 1});
  if (!total.ok() || total->total == 0) return false;
  std::int64_t max_id = total->total;
  std::fprintf(stderr, "database holds %lld customers\n", static_cast<long long>(max_id));
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> pick(1, max_id);
  for (std::int64_t tries = 0; std::ssize(g_samples) < count && tries < count * 4; ++tries) {
    auto file = customers.get(pick(rng));
    if (!file.ok() || file->phones.empty() || file->accounts.empty()) continue;
    g_samples.push_back({file->phones.front().phone, file->accounts.front().account_no});
  }
  std::shuffle(g_samples.begin(), g_samples.end(), rng);
  return !g_samples.empty();
}

// CPU time of this thread: on a shared machine the wall-clock tail is mostly time spent waiting
// for a core, so both are reported.
double thread_cpu_us() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e6 + static_cast<double>(ts.tv_nsec) / 1e3;
}

double quantile(std::vector<double>& v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

void report(benchmark::State& state, std::vector<double>& wall_us, std::vector<double>& cpu_us,
            std::int64_t pops) {
  if (wall_us.empty()) return;
  state.counters["p50_us"] = quantile(wall_us, 0.50);
  state.counters["p99_us"] = quantile(wall_us, 0.99);
  state.counters["p999_us"] = quantile(wall_us, 0.999);
  state.counters["max_us"] = wall_us.back();
  state.counters["cpu_p50_us"] = quantile(cpu_us, 0.50);
  state.counters["cpu_p99_us"] = quantile(cpu_us, 0.99);
  state.counters["customers_per_pop"] =
      static_cast<double>(pops) / static_cast<double>(wall_us.size());
}

template <bool kByPhone>
void BM_Lookup(benchmark::State& state) {
  sy::store::ScreenPopRepository repo(*g_db);
  std::vector<double> us;
  std::vector<double> cpu;
  us.reserve(1 << 20);
  cpu.reserve(1 << 20);
  std::int64_t pops = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    const Sample& s = g_samples[i++ % g_samples.size()];
    double c0 = thread_cpu_us();
    auto t0 = std::chrono::steady_clock::now();
    auto r = kByPhone ? repo.lookup_by_phone(s.phone, {}, g_now)
                      : repo.lookup_by_account(s.account_no, {}, g_now);
    auto t1 = std::chrono::steady_clock::now();
    double c1 = thread_cpu_us();
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    pops += static_cast<std::int64_t>(r->size());
    benchmark::DoNotOptimize(r);
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    cpu.push_back(c1 - c0);
  }
  report(state, us, cpu, pops);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  g_now = sy::from_unix_ms(sy::to_unix_ms(sy::SystemClock::instance().now()));
  std::int64_t customers = env_int("SY_BENCH_CUSTOMERS", 1'000'000);
  std::string path;
  if (const char* p = std::getenv("SY_BENCH_DB"); p && *p) {
    path = p;
  } else {
    path = (std::filesystem::temp_directory_path() /
            ("sy-bench-lookup-" + std::to_string(customers) + ".db"))
               .string();
    if (!ensure_database(path, customers)) return 1;
  }
  auto db = Database::open(path.find(':') == std::string::npos ? "sqlite:" + path : path);
  if (!db.ok()) {
    std::fprintf(stderr, "%s\n", db.error().message.c_str());
    return 1;
  }
  g_db = std::move(*db);
  bool warm = env_int("SY_BENCH_WARM", 0) != 0;
  if (warm)
    warm_page_cache(path.substr(path.find(':') == std::string::npos ? 0 : path.find(':') + 1));
  if (!pick_samples(env_int("SY_BENCH_SAMPLES", 20'000))) {
    std::fprintf(stderr, "no customers to look up in %s\n", path.c_str());
    return 1;
  }
  benchmark::AddCustomContext("db", path);
  benchmark::AddCustomContext("samples", std::to_string(g_samples.size()));
  benchmark::AddCustomContext("page_cache", warm ? "warmed" : "as found");
  benchmark::RegisterBenchmark("BM_LookupByPhone", BM_Lookup<true>)->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_LookupByAccount", BM_Lookup<false>)
      ->Unit(benchmark::kMicrosecond);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_db.reset();
  return 0;
}
