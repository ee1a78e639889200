// Knowledge-base search latency through KbRepository::search (match, filters, ranking, snippets
// and highlights, page of 10, as an agent's search-as-you-type request asks) on a database of N
// articles (target p99 <= 20 ms at 100,000). Reports p50/p99/max per query kind as counters.
//
//   build/bench/bench_kb_search                                SQLite, 100,000 articles
//   SY_BENCH_KB_ARTICLES=20000 build/bench/bench_kb_search     another size
//   SY_BENCH_DB_URL=postgresql://… build/bench/bench_kb_search  PostgreSQL (loaded when empty)
//
// The SQLite database is $TMPDIR/sy-bench-kb-<N>.db, built the first time and kept. Articles
// are the demo knowledge base repeated with variations: each copy gets a city in its title,
// a region (a third province-wide, the rest a city or a county) and a sentence from another
// article, so common words are common and rare words rare, as in a real knowledge base.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.h"
#include "demo/kb_articles.h"
#include "store/db.h"
#include "store/kb_repository.h"
#include "store/region_repository.h"

namespace {

using sy::store::Database;

std::unique_ptr<Database> g_db;
sy::TimePoint g_now;

// Short queries as agents type them: one character, two-character words, phrases.
const std::vector<std::string> kPrefixQueries = {"电", "费", "表", "停", "光", "过"};
const std::vector<std::string> kWordQueries = {
    "阶梯电价", "过户需要什么材料", "电表走得快", "交电费", "停电了多久来电", "峰谷电价",
    "欠费停电", "复电", "支付宝交电费", "银行代扣", "新装", "增容", "减容", "暂停用电", "销户",
    "光伏并网", "充电桩报装", "抢修到达时间", "家里没电了", "跳闸", "电压低", "电线掉了",
    "计划停电通知", "电表校验", "违约金", "电费发票", "开场白", "投诉", "两部制", "临时用电",
    "缴费没到账", "鼓楼区营业厅", "阶梯", "过户", "电费", "停电", "电价", "营业厅"};

std::int64_t env_int(const char* name, std::int64_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::atoll(v) : fallback;
}

std::string first_sentence(const std::string& body) {
  std::size_t end = body.find("。");
  return end == std::string::npos ? body.substr(0, std::min<std::size_t>(body.size(), 90))
                                  : body.substr(0, end + 3);
}

// Regions, then `n` articles.
bool load(std::int64_t n) {
  sy::demo::Province province;
  sy::store::RegionRepository regions(*g_db);
  std::vector<const sy::demo::RegionRow*> cities, counties;
  for (const auto& r : province.regions()) {
    sy::store::Region region{r.code,
                  r.parent_code.empty() ? std::optional<std::string>()
                                        : std::optional<std::string>(r.parent_code),
                  r.name, *sy::store::parse_region_level(r.level), r.area_class, r.centre};
    if (auto c = regions.create(region); !c.ok()) {
      std::fprintf(stderr, "region: %s\n", c.error().message.c_str());
      return false;
    }
    if (r.level == "city") cities.push_back(&r);
    if (r.level == "county") counties.push_back(&r);
  }
  // Through the writer, 5,000 articles per transaction.
  auto t0 = std::chrono::steady_clock::now();
  std::int64_t first = 0;
  std::vector<std::int64_t> cats;
  auto base = sy::demo::kb_demo_articles(province);
  std::int64_t m = static_cast<std::int64_t>(base.size());
  auto st = g_db->write([&](sy::store::Connection& conn) -> sy::Status {
    auto kb = sy::demo::load_kb_demo(conn, province, g_now, false);
    if (!kb.ok()) return kb.error();
    first = *kb;
    auto rows = conn.query("SELECT id FROM kb_categories ORDER BY id");
    if (!rows.ok()) return rows.error();
    for (const auto& r : *rows) cats.push_back(r.i64(0));
    return sy::ok_status();
  });
  if (!st.ok() || cats.empty()) {
    std::fprintf(stderr, "demo kb: %s\n", st.ok() ? "no categories" : st.error().message.c_str());
    return false;
  }
  for (std::int64_t from = first; from < n; from += 5000) {
    st = g_db->write([&](sy::store::Connection& conn) -> sy::Status {
      for (std::int64_t i = from; i < std::min(n, from + 5000); ++i) {
        const auto& a = base[static_cast<std::size_t>(i % m)];
        const auto& other = base[static_cast<std::size_t>((i * 7 + 3) % m)];
        const auto* city = cities[static_cast<std::size_t>(i / m) % cities.size()];
        sy::store::NewKbArticle art;
        art.title = a.title + "（" + city->name + "第" + std::to_string(i / m) + "版）";
        art.body = a.body + "\n" + first_sentence(other.body);
        art.tags = a.tags;
        art.category_id = cats[static_cast<std::size_t>(i) % cats.size()];
        if (i % 3 == 1) art.region_code = city->code;
        if (i % 3 == 2)
          art.region_code = counties[static_cast<std::size_t>(i) % counties.size()]->code;
        art.state = i % 10 == 0 ? sy::store::KbState::kDraft : sy::store::KbState::kPublished;
        auto id = sy::store::kb_sql::insert_article(conn, art, g_now);
        if (!id.ok()) return id.error();
      }
      return sy::ok_status();
    });
    if (!st.ok()) {
      std::fprintf(stderr, "articles: %s\n", st.error().message.c_str());
      return false;
    }
    if (from % 20000 == 0) std::fprintf(stderr, "  %lld articles\n", static_cast<long long>(from));
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "loaded %lld articles in %.1f s\n", static_cast<long long>(n), s);
  return true;
}

double quantile(std::vector<double>& v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

void run(benchmark::State& state, const std::vector<std::string>& queries, bool with_region) {
  sy::store::KbRepository repo(*g_db, sy::SystemClock::instance());
  std::vector<double> us;
  std::size_t i = 0;
  std::int64_t hits = 0;
  for (auto _ : state) {
    sy::store::KbFilter f;
    f.query = queries[i++ % queries.size()];
    f.state = sy::store::KbState::kPublished;
    f.valid_at = g_now;
    if (with_region) f.region_code = "350102";
    auto t0 = std::chrono::steady_clock::now();
    auto r = repo.search(f, {1, 10});
    auto t1 = std::chrono::steady_clock::now();
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    hits += static_cast<std::int64_t>(r->items.size());
    benchmark::DoNotOptimize(r);
    us.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
  }
  if (us.empty()) return;
  state.counters["hits_per_query"] = static_cast<double>(hits) / static_cast<double>(us.size());
  state.counters["p50_ms"] = quantile(us, 0.50) / 1000;
  state.counters["p99_ms"] = quantile(us, 0.99) / 1000;
  state.counters["max_ms"] = us.back() / 1000;
}

void BM_SearchWords(benchmark::State& state) { run(state, kWordQueries, false); }
void BM_SearchWordsInCounty(benchmark::State& state) { run(state, kWordQueries, true); }
void BM_SearchOneCharacter(benchmark::State& state) { run(state, kPrefixQueries, false); }

// Every query several times over, bounded in time.
BENCHMARK(BM_SearchWords)->Iterations(380)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchWordsInCounty)->Iterations(380)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SearchOneCharacter)->Iterations(120)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  g_now = sy::from_unix_ms(sy::to_unix_ms(sy::SystemClock::instance().now()));
  std::int64_t n = env_int("SY_BENCH_KB_ARTICLES", 100'000);
  std::string url;
  bool fresh = false;
  if (const char* u = std::getenv("SY_BENCH_DB_URL"); u && *u) {
    url = u;
  } else {
    auto path = std::filesystem::temp_directory_path() /
                ("sy-bench-kb-" + std::to_string(n) + ".db");
    fresh = !std::filesystem::exists(path);
    url = "sqlite:" + path.string();
  }
  auto db = Database::open(url);
  if (!db.ok() || !(*db)->migrate().ok()) {
    std::fprintf(stderr, "cannot open %s\n", url.c_str());
    return 1;
  }
  g_db = std::move(*db);
  auto total = [] {
    sy::store::KbRepository repo(*g_db, sy::SystemClock::instance());
    auto listed = repo.search({}, {1, 1});
    return listed.ok() ? listed->total : -1;
  };
  if (total() < 0) return 1;
  if (total() == 0 || fresh) {
    std::fprintf(stderr, "loading %lld articles into %s (once)...\n", static_cast<long long>(n),
                 g_db->display_url().c_str());
    if (!load(n)) return 1;
  }
  std::fprintf(stderr, "%lld articles in %s\n", static_cast<long long>(total()),
               g_db->display_url().c_str());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  g_db.reset();
  return 0;
}
