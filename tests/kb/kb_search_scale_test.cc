// Knowledge-base ranking when a common word matches more articles than are ranked, on SQLite
// and PostgreSQL: the article whose title carries the word still comes first even when it is
// the oldest, filters apply to the ranked set, and the count says it is a lower bound.
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

class KbSearchScaleTest : public RepoTest {
 protected:
  static std::string cat_title(int i) {
    std::string t = "用电咨询记录";
    t += std::to_string(i);
    return t;
  }
};

TEST_P(KbSearchScaleTest, TitleMatchOutranksThousandsOfNewerBodyMatches) {
  seed_regions();
  auto cat = repos_->kb.create_category({std::nullopt, "电价电费", 0});
  SY_ASSERT_OK(cat);
  Status st = db_->write([&](Connection& conn) -> Status {
    NewKbArticle title;
    title.title = "电费缴纳渠道汇总";
    title.body = "网上国网、支付宝、微信、银行代扣和营业厅均可缴纳。";
    title.tags = {"缴费渠道", "交电费"};
    title.category_id = cat->id;
    title.state = KbState::kPublished;
    SY_TRY(kb_sql::insert_article(conn, title, clock_.now()));
    for (int i = 0; i < 1200; ++i) {
      NewKbArticle a;
      a.title = cat_title(i);
      a.body = std::string("客户来电咨询用电事宜，坐席可提示电费相关的常见问题。第").append(std::to_string(i)).append("号。");
      a.category_id = cat->id;
      a.state = i % 4 == 0 ? KbState::kDraft : KbState::kPublished;
      if (i % 2 == 1) a.region_code = "350203";  // 思明区: not the 鼓楼区 agent's area
      SY_TRY(kb_sql::insert_article(conn, a, clock_.now()));
    }
    return ok_status();
  });
  SY_ASSERT_OK(st);
  if (backend() == Backend::kPostgres) {
    SY_ASSERT_OK(db_->write([](Connection& conn) { return conn.execute("ANALYZE kb_search"); }));
  }

  KbFilter f;
  f.query = "电费";
  f.state = KbState::kPublished;
  auto r = repos_->kb.search(f, {1, 5});
  SY_ASSERT_OK(r);
  ASSERT_EQ(r->items.size(), 5u);
  EXPECT_EQ(r->items[0].article.title, "电费缴纳渠道汇总");
  EXPECT_EQ(r->items[0].title_html, "<mark>电费</mark>缴纳渠道汇总");
  EXPECT_NE(r->items[1].snippet.find("<mark>电费</mark>"), std::string::npos);
  EXPECT_TRUE(r->total_capped);  // 901 match; fewer are ranked
  for (const auto& h : r->items) EXPECT_EQ(h.article.state, KbState::kPublished);

  f.region_code = "350102";
  auto local = repos_->kb.search(f, {2, 10});
  SY_ASSERT_OK(local);
  ASSERT_EQ(local->items.size(), 10u);
  for (const auto& h : local->items) EXPECT_NE(h.article.region_code, "350203");

  // Rare words are counted exactly.
  f.query = "银行代扣";
  auto rare = repos_->kb.search(f, {1, 5});
  SY_ASSERT_OK(rare);
  EXPECT_EQ(rare->total, 1);
  EXPECT_FALSE(rare->total_capped);
}

SY_STORE_TEST_BOTH_BACKENDS(KbSearchScaleTest);

}  // namespace
}  // namespace sy::store::testing
