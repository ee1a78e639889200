// Knowledge base on both databases: Chinese search finds words inside running text, ranks
// titles first, highlights, and filters by state, validity, category subtree and region.
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

using std::chrono::hours;

class KbRepoTest : public RepoTest {
 protected:
  void SetUp() override {
    RepoTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    seed_regions();
    tariffs_ = category("电价电费");
    residential_ = category("居民电价", tariffs_);
    business_ = category("业务办理");
  }
  std::int64_t category(const std::string& name, std::optional<std::int64_t> parent = {}) {
    auto c = repos_->kb.create_category({parent, name, 0});
    EXPECT_TRUE(c.ok()) << c.error().code;
    return c.ok() ? c->id : 0;
  }
  KbArticle add(const std::string& title, const std::string& body, std::int64_t cat,
                KbState state = KbState::kPublished, std::optional<std::string> region = {},
                std::vector<std::string> tags = {}) {
    NewKbArticle a;
    a.title = title;
    a.body = body;
    a.category_id = cat;
    a.state = state;
    a.region_code = std::move(region);
    a.tags = std::move(tags);
    auto created = repos_->kb.create(a);
    EXPECT_TRUE(created.ok()) << created.error().code << " " << created.error().message;
    return created.ok() ? *created : KbArticle{};
  }
  std::vector<std::int64_t> ids(const std::string& q, KbFilter f = {}) {
    f.query = q;
    auto r = repos_->kb.search(f, {1, 20});
    EXPECT_TRUE(r.ok()) << r.error().code << " " << r.error().message;
    std::vector<std::int64_t> out;
    if (r.ok())
      for (const auto& h : r->items) out.push_back(h.article.id);
    return out;
  }
  std::int64_t tariffs_ = 0, residential_ = 0, business_ = 0;
};

TEST_P(KbRepoTest, FindsChineseWordsInsideText) {
  auto tier = add("居民阶梯电价标准", "<p>第一档每月用电量230千瓦时及以内，电价0.4983元。</p>",
                  residential_);
  auto transfer = add("过户办理须知", "办理过户需提供房产证明、新户主身份证原件。", business_);
  auto arrears = add("欠费停电与复电", "客户结清欠费后，供电公司在24小时内恢复供电。", business_);
  EXPECT_EQ(ids("阶梯电价"), std::vector<std::int64_t>{tier.id});
  EXPECT_EQ(ids("电价"), std::vector<std::int64_t>{tier.id});
  EXPECT_EQ(ids("过户需要什么材料"), std::vector<std::int64_t>{transfer.id});  // "any" fallback
  EXPECT_EQ(ids("复电"), std::vector<std::int64_t>{arrears.id});
  EXPECT_EQ(ids("户主身份证"), std::vector<std::int64_t>{transfer.id});
  EXPECT_TRUE(ids("燃气").empty());
  EXPECT_TRUE(ids("价电").empty());  // not a bigram of any text
}

TEST_P(KbRepoTest, TitleMatchesRankFirstAndAreHighlighted) {
  auto in_body = add("用电常见问题", "夏季空调用电多时，可以了解一下峰谷电价政策。峰谷电价适合夜间用电多的家庭。",
                     residential_);
  auto in_title = add("峰谷电价", "执行分时电价的居民客户，按时段计费。", residential_);
  KbFilter f;
  f.query = "峰谷电价";
  auto r = repos_->kb.search(f, {1, 10});
  SY_ASSERT_OK(r);
  ASSERT_EQ(r->items.size(), 2u);
  EXPECT_EQ(r->match, "all");
  EXPECT_EQ(r->items[0].article.id, in_title.id);
  EXPECT_EQ(r->items[1].article.id, in_body.id);
  EXPECT_GT(r->items[0].score, r->items[1].score);
  EXPECT_EQ(r->items[0].title_html, "<mark>峰谷电价</mark>");
  EXPECT_NE(r->items[1].snippet.find("<mark>峰谷电价</mark>"), std::string::npos)
      << r->items[1].snippet;
  EXPECT_EQ(r->total, 2);
}

TEST_P(KbRepoTest, OneCharacterSearchesTitlesAndTags) {
  auto a = add("电费缴纳渠道", "可通过支付宝、微信缴费。", business_);
  auto b = add("业扩报装", "新装用电须携带身份证。", business_, KbState::kPublished, {},
               {"装表"});
  EXPECT_EQ(ids("费"), std::vector<std::int64_t>{a.id});
  EXPECT_EQ(ids("表"), std::vector<std::int64_t>{b.id});  // from the tag
  EXPECT_TRUE(ids("携").empty());                         // body text is not searched by one character
}

TEST_P(KbRepoTest, FiltersStateValidityCategoryAndRegion) {
  TimePoint now = clock_.now();
  auto draft = add("阶梯电价调整草稿", "阶梯电价", residential_, KbState::kDraft);
  auto city = add("福州阶梯电价", "阶梯电价", residential_, KbState::kPublished, "350100");
  auto xiamen = add("厦门阶梯电价", "阶梯电价", residential_, KbState::kPublished, "350200");
  auto province = add("全省阶梯电价", "阶梯电价", tariffs_);
  auto old = add("旧阶梯电价", "阶梯电价", residential_);
  KbArticleUpdate u;
  u.valid_to = std::optional<TimePoint>(now - hours(1));
  SY_ASSERT_OK(repos_->kb.update(old.id, u));

  KbFilter published;
  published.state = KbState::kPublished;
  auto in = [](std::vector<std::int64_t> v, std::int64_t id) {
    return std::find(v.begin(), v.end(), id) != v.end();
  };
  auto all_pub = ids("阶梯电价", published);
  EXPECT_FALSE(in(all_pub, draft.id));
  EXPECT_TRUE(in(all_pub, old.id));
  KbFilter valid = published;
  valid.valid_at = now;
  EXPECT_FALSE(in(ids("阶梯电价", valid), old.id));
  EXPECT_EQ(ids("阶梯电价", valid).size(), 3u);

  KbFilter county = valid;
  county.region_code = "350102-01";  // a service area in 福州's 鼓楼区
  auto gulou = ids("阶梯电价", county);
  EXPECT_TRUE(in(gulou, city.id));
  EXPECT_TRUE(in(gulou, province.id));
  EXPECT_FALSE(in(gulou, xiamen.id));

  KbFilter sub = valid;
  sub.category_id = tariffs_;  // includes 居民电价 below it
  EXPECT_EQ(ids("阶梯电价", sub).size(), 3u);
  sub.category_id = residential_;
  EXPECT_EQ(ids("阶梯电价", sub).size(), 2u);
  sub.category_id = 99999;
  SY_EXPECT_CODE(repos_->kb.search(sub, {1, 10}), "kb_category_not_found");
}

TEST_P(KbRepoTest, EditsReindexAndDeletesUnindex) {
  auto a = add("充电桩报装", "个人充电桩报装需提供车位产权证明。", business_);
  KbArticleUpdate u;
  u.body = "光伏并网申请需提供屋顶产权证明。";
  u.title = "光伏并网";
  SY_ASSERT_OK(repos_->kb.update(a.id, u));
  EXPECT_TRUE(ids("充电桩").empty());
  EXPECT_EQ(ids("光伏"), std::vector<std::int64_t>{a.id});
  SY_ASSERT_OK(repos_->kb.remove(a.id));
  EXPECT_TRUE(ids("光伏").empty());
  SY_EXPECT_CODE(repos_->kb.get(a.id), "kb_article_not_found");
  SY_EXPECT_CODE(repos_->kb.remove(a.id), "kb_article_not_found");
}

TEST_P(KbRepoTest, ReviewStates) {
  auto a = add("计划停电通知规定", "计划停电应提前7天公告。", business_, KbState::kDraft);
  EXPECT_FALSE(a.published_at);
  KbArticleUpdate pub;
  pub.state = KbState::kPublished;
  auto p = repos_->kb.update(a.id, pub);
  SY_ASSERT_OK(p);
  EXPECT_EQ(p->state, KbState::kPublished);
  EXPECT_EQ(p->published_at, clock_.now());
  KbArticleUpdate arch;
  arch.state = KbState::kArchived;
  SY_ASSERT_OK(repos_->kb.update(a.id, arch));
  SY_EXPECT_CODE(repos_->kb.update(a.id, pub), "invalid_transition");
}

TEST_P(KbRepoTest, BadInputWritesNothing) {
  NewKbArticle a;
  a.title = "  ";
  a.category_id = business_;
  SY_EXPECT_CODE(repos_->kb.create(a), "invalid_title");
  a.title = "标题";
  a.category_id = 12345;
  SY_EXPECT_CODE(repos_->kb.create(a), "kb_category_not_found");
  a.category_id = business_;
  a.region_code = "359999";
  SY_EXPECT_CODE(repos_->kb.create(a), "region_not_found");
  a.region_code.reset();
  a.tags = {"a,b"};
  SY_EXPECT_CODE(repos_->kb.create(a), "invalid_tags");
  a.tags = {};
  a.valid_from = clock_.now();
  a.valid_to = clock_.now();
  SY_EXPECT_CODE(repos_->kb.create(a), "invalid_time_range");
  a.valid_to.reset();
  a.body_format = "pdf";
  SY_EXPECT_CODE(repos_->kb.create(a), "invalid_body_format");
  auto listed = repos_->kb.search({}, {1, 10});
  SY_ASSERT_OK(listed);
  EXPECT_EQ(listed->total, 0);
}

TEST_P(KbRepoTest, Categories) {
  SY_EXPECT_CODE(repos_->kb.create_category({std::nullopt, "业务办理", 0}), "kb_category_exists");
  SY_EXPECT_CODE(repos_->kb.create_category({777, "x", 0}), "kb_category_not_found");
  SY_EXPECT_CODE(repos_->kb.create_category({std::nullopt, "", 0}), "invalid_name");
  auto all = repos_->kb.categories();
  SY_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 3u);
  // Parents before children.
  EXPECT_EQ((*all)[0].name, "业务办理");
  EXPECT_EQ((*all)[1].name, "电价电费");
  EXPECT_EQ((*all)[2].name, "居民电价");
  SY_EXPECT_CODE(repos_->kb.remove_category(tariffs_), "kb_category_not_empty");
  SY_ASSERT_OK(repos_->kb.remove_category(residential_));
}

TEST_P(KbRepoTest, QueryOfPunctuationFindsNothing) {
  add("电费缴纳", "电费", business_);
  KbFilter f;
  f.query = "？？";
  auto r = repos_->kb.search(f, {1, 10});
  SY_ASSERT_OK(r);
  EXPECT_EQ(r->match, "none");
  EXPECT_TRUE(r->items.empty());
}

SY_STORE_TEST_BOTH_BACKENDS(KbRepoTest);

}  // namespace
}  // namespace sy::store::testing
