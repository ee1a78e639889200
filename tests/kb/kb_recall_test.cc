// Search quality on the demo knowledge base: fifty short queries the way agents type them, each
// with the article(s) that answer it. recall@5 (share of expected articles found in the first
// five hits, averaged over queries) must be at least 0.95 on both databases; the measured value
// and every miss are printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "core/clock.h"
#include "demo/kb_articles.h"
#include "store/db_test_support.h"
#include "store/repositories.h"

namespace sy::store::testing {
namespace {

struct Case {
  const char* query;
  std::vector<const char*> expected;  // titles
};

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      {"阶梯电价", {"居民阶梯电价标准"}},
      {"过户需要什么材料", {"过户需要什么材料", "过户办理须知"}},
      {"电表走得快", {"电表走得快怎么办"}},
      {"交电费", {"电费缴纳渠道汇总"}},
      {"停电了多久来电", {"停电多久来电"}},
      {"峰谷电价", {"居民峰谷分时电价"}},
      {"谷电几点开始", {"居民峰谷分时电价"}},
      {"欠费停电", {"欠费停电规定"}},
      {"交了电费还没来电", {"欠费复电时限"}},
      {"复电", {"欠费复电时限"}},
      {"支付宝交电费", {"支付宝缴纳电费"}},
      {"微信缴费", {"微信缴纳电费"}},
      {"银行代扣", {"银行代扣电费办理"}},
      {"网上国网", {"网上国网App缴费"}},
      {"新装", {"居民新装用电申请"}},
      {"报装需要什么资料", {"居民新装用电申请"}},
      {"增容", {"增容申请"}},
      {"减容", {"减容申请规定"}},
      {"暂停用电", {"暂停用电规定"}},
      {"销户", {"销户办理"}},
      {"更名", {"更名办理"}},
      {"光伏并网", {"分布式光伏并网申请"}},
      {"光伏电价", {"光伏上网电价与结算"}},
      {"充电桩报装", {"居民充电桩报装"}},
      {"充电桩电价", {"充电桩用电电价"}},
      {"抢修到达时间", {"故障抢修到达时限承诺"}},
      {"家里没电了", {"家里停电了怎么办"}},
      {"跳闸", {"频繁跳闸怎么办"}},
      {"电压低", {"电压低或电压不稳"}},
      {"电线掉了", {"电线掉落或有人触电"}},
      {"有人触电", {"电线掉落或有人触电"}},
      {"计划停电通知", {"计划停电通知规定"}},
      {"停电查询", {"如何查询停电信息"}},
      {"电表校验", {"电能表校验申请"}},
      {"违约金", {"电费违约金规定"}},
      {"滞纳金", {"电费违约金规定"}},
      {"电费发票", {"电费发票开具"}},
      {"开场白", {"坐席标准开场白"}},
      {"客户辱骂", {"恶意骚扰电话处理"}},
      {"投诉", {"投诉受理规范"}},
      {"两部制", {"大工业两部制电价"}},
      {"力调电费", {"功率因数调整电费"}},
      {"一户多人口", {"一户多人口阶梯基数增加"}},
      {"合表电价", {"合表居民用户电价"}},
      {"临时用电", {"临时用电申请"}},
      {"电费突然增多", {"电费突然增多怎么办"}},
      {"冒充电力诈骗", {"防范冒充供电人员诈骗"}},
      {"台风停电", {"台风暴雨期间停电"}},
      {"鼓楼区营业厅", {"鼓楼区供电营业厅地址和营业时间"}},
      {"缴费没到账", {"缴费后未到账怎么办"}},
  };
  return all;
}

class KbRecallTest : public StoreTest {};

TEST_P(KbRecallTest, RecallAtFiveOnDemoArticles) {
  ManualClock clock{from_unix_ms(1'795'000'000'000)};
  auto db = open_db();
  ASSERT_TRUE(db);
  Repositories repos(*db, clock);
  demo::Province province;
  for (const auto& r : province.regions()) {
    Region region{r.code,
                  r.parent_code.empty() ? std::optional<std::string>()
                                        : std::optional<std::string>(r.parent_code),
                  r.name, *parse_region_level(r.level), r.area_class, r.centre};
    auto created = repos.regions.create(region);
    ASSERT_TRUE(created.ok()) << created.error().message;
  }
  std::int64_t loaded = 0;
  Status st = db->write([&](Connection& conn) -> Status {
    auto n = demo::load_kb_demo(conn, province, clock.now(), false);
    if (!n) return n.error();
    loaded = *n;
    return ok_status();
  });
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_GE(loaded, 180);

  ASSERT_EQ(cases().size(), 50u);
  double recall_sum = 0;
  for (const Case& c : cases()) {
    KbFilter f;
    f.query = c.query;
    f.state = KbState::kPublished;
    f.valid_at = clock.now();
    auto r = repos.kb.search(f, {1, 5});
    ASSERT_TRUE(r.ok()) << c.query << ": " << r.error().message;
    std::vector<std::string> top;
    for (const auto& h : r->items) top.push_back(h.article.title);
    int found = 0;
    for (const char* want : c.expected)
      if (std::find(top.begin(), top.end(), want) != top.end()) ++found;
    double recall = static_cast<double>(found) / static_cast<double>(c.expected.size());
    recall_sum += recall;
    if (recall < 1) {
      std::string got;
      for (const auto& t : top) got += " [" + t + "]";
      std::printf("  miss: %s (match=%s) →%s\n", c.query, r->match.c_str(), got.c_str());
    }
  }
  double recall_at_5 = recall_sum / static_cast<double>(cases().size());
  std::printf("kb recall@5 on %s: %.3f over %zu queries, %lld articles\n",
              backend_name(GetParam()).c_str(), recall_at_5, cases().size(),
              static_cast<long long>(loaded));
  RecordProperty("recall_at_5", std::to_string(recall_at_5));
  EXPECT_GE(recall_at_5, 0.95);
}

SY_STORE_TEST_BOTH_BACKENDS(KbRecallTest);

}  // namespace
}  // namespace sy::store::testing
