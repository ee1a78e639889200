// The knowledge base over HTTP: editors write and publish, agents search as they type and see
// only published articles in force; highlights, filters and bad input.
#include <gtest/gtest.h>

#include "api_harness.h"

namespace sy::test {
namespace {

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    }
  }
  return out;
}

class KbApi : public ::testing::Test {
 protected:
  void SetUp() override {
    s.add_regions();
    editor = s.signed_in(auth::Role::kSupervisor);
    agent = s.signed_in(auth::Role::kAgent);
    auto cat = editor.post("/api/v1/kb/categories", {{"name", "电价电费"}});
    ASSERT_EQ(cat.status, 201) << cat.body;
    tariffs = cat.json()["id"];
    auto sub = editor.post("/api/v1/kb/categories", {{"name", "居民电价"}, {"parent_id", tariffs}});
    ASSERT_EQ(sub.status, 201) << sub.body;
    residential = sub.json()["id"];
  }
  std::int64_t add(nlohmann::json body) {
    auto r = editor.post("/api/v1/kb/articles", body);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? r.json()["id"].get<std::int64_t>() : 0;
  }
  nlohmann::json search(Client& c, const std::string& q, const std::string& extra = "") {
    auto r = c.get("/api/v1/kb/articles?q=" + url_encode(q) + extra);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  ApiServer s;
  Client editor{0}, agent{0};
  std::int64_t tariffs = 0, residential = 0;
};

TEST_F(KbApi, AgentFindsPublishedArticleWithHighlights) {
  std::int64_t id = add({{"title", "居民阶梯电价标准"},
                         {"body", "<p>第一档：每月230千瓦时及以内，<img src=\"/kb/img/tier.png\">电价0.4983元/千瓦时。</p>"},
                         {"body_format", "html"},
                         {"category_id", residential},
                         {"tags", {"阶梯电价", "电价"}},
                         {"state", "published"}});
  add({{"title", "阶梯电价调整（草稿）"}, {"body", "阶梯电价"}, {"category_id", residential}});
  auto j = search(agent, "阶梯电价");
  ASSERT_EQ(j["items"].size(), 1u) << j.dump();
  auto hit = j["items"][0];
  EXPECT_EQ(hit["id"], id);
  EXPECT_EQ(hit["title_html"], "居民<mark>阶梯电价</mark>标准");
  EXPECT_NE(hit["snippet"].get<std::string>().find("<mark>电价</mark>0.4983"), std::string::npos)
      << hit["snippet"];
  EXPECT_EQ(hit["category"]["name"], "居民电价");
  EXPECT_GT(hit["score"].get<double>(), 0);
  EXPECT_EQ(j["match"], "all");
  // The editor sees the draft too.
  EXPECT_EQ(search(editor, "阶梯电价")["total"], 2);
  EXPECT_EQ(search(editor, "阶梯电价", "&state=draft")["total"], 1);
  // The agent may not ask for drafts.
  auto r = agent.get("/api/v1/kb/articles?state=draft");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.error_code(), "forbidden");
}

TEST_F(KbApi, SearchAsYouType) {
  std::int64_t fee = add({{"title", "电费缴纳渠道"},
                          {"body", "可通过网上国网APP、支付宝、微信、银行代扣或营业厅缴纳电费。"},
                          {"category_id", tariffs},
                          {"state", "published"}});
  // 交 → 交电 → 交电费: one character searches titles, then words anywhere.
  EXPECT_EQ(search(agent, "电")["items"][0]["id"], fee);
  EXPECT_EQ(search(agent, "交电费")["items"][0]["id"], fee);
  EXPECT_EQ(search(agent, "网上国网app")["items"][0]["id"], fee);
  EXPECT_EQ(search(agent, "燃气")["total"], 0);
}

TEST_F(KbApi, AgentSeesOnlyArticlesInForce) {
  std::int64_t expired = add({{"title", "旧峰谷电价"},
                              {"body", "峰谷电价旧规定"},
                              {"category_id", tariffs},
                              {"valid_to", "2026-01-01T00:00:00Z"},
                              {"state", "published"}});
  std::int64_t draft = add({{"title", "峰谷电价草稿"}, {"category_id", tariffs}});
  EXPECT_EQ(search(agent, "峰谷电价")["total"], 0);
  EXPECT_EQ(agent.get("/api/v1/kb/articles/" + std::to_string(expired)).status, 404);
  EXPECT_EQ(agent.get("/api/v1/kb/articles/" + std::to_string(draft)).status, 404);
  EXPECT_EQ(editor.get("/api/v1/kb/articles/" + std::to_string(draft)).status, 200);
  // Publishing makes it visible.
  auto pub = editor.patch("/api/v1/kb/articles/" + std::to_string(draft), {{"state", "published"}});
  ASSERT_EQ(pub.status, 200) << pub.body;
  EXPECT_EQ(pub.json()["state"], "published");
  EXPECT_EQ(search(agent, "峰谷电价")["items"][0]["id"], draft);
  auto archived = editor.patch("/api/v1/kb/articles/" + std::to_string(draft), {{"state", "archived"}});
  ASSERT_EQ(archived.status, 200);
  auto back = editor.patch("/api/v1/kb/articles/" + std::to_string(draft), {{"state", "published"}});
  EXPECT_EQ(back.status, 409);
  EXPECT_EQ(back.error_code(), "invalid_transition");
}

TEST_F(KbApi, RegionAndCategoryFilters) {
  std::int64_t fuzhou = add({{"title", "福州营业厅地址"}, {"body", "营业厅"}, {"category_id", residential},
                             {"region_code", "350100"}, {"state", "published"}});
  std::int64_t xiamen = add({{"title", "厦门营业厅地址"}, {"body", "营业厅"}, {"category_id", tariffs},
                             {"region_code", "350200"}, {"state", "published"}});
  auto in_gulou = search(agent, "营业厅", "&region=350102");
  ASSERT_EQ(in_gulou["items"].size(), 1u);
  EXPECT_EQ(in_gulou["items"][0]["id"], fuzhou);
  auto in_tariffs = search(agent, "营业厅", "&category=" + std::to_string(tariffs));
  EXPECT_EQ(in_tariffs["total"], 2);
  auto in_res = search(agent, "营业厅", "&category=" + std::to_string(residential));
  EXPECT_EQ(in_res["total"], 1);
  (void)xiamen;
}

TEST_F(KbApi, BadInput) {
  auto r = agent.get("/api/v1/kb/articles?category=abc");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.json()["error"]["field"], "category");
  r = agent.get("/api/v1/kb/articles?category=999");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "kb_category_not_found");
  r = agent.get("/api/v1/kb/articles?colour=red");
  EXPECT_EQ(r.error_code(), "unknown_parameter");
  r = agent.get("/api/v1/kb/articles?page_size=0");
  EXPECT_EQ(r.error_code(), "invalid_page_size");
  r = agent.get("/api/v1/kb/articles?q=" + std::string(300, 'a'));
  EXPECT_EQ(r.status, 400);
  r = editor.post("/api/v1/kb/articles", {{"title", "x"}});
  EXPECT_EQ(r.error_code(), "missing_field");
  EXPECT_EQ(r.json()["error"]["field"], "category_id");
  r = editor.post("/api/v1/kb/articles", {{"title", "x"}, {"category_id", tariffs}, {"state", "gone"}});
  EXPECT_EQ(r.error_code(), "invalid_value");
  r = editor.post("/api/v1/kb/articles", {{"title", "x"}, {"category_id", 4242}});
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.error_code(), "kb_category_not_found");
  r = editor.post("/api/v1/kb/articles",
                  {{"title", "x"}, {"category_id", tariffs}, {"valid_from", "yesterday"}});
  EXPECT_EQ(r.json()["error"]["field"], "valid_from");
  r = editor.post("/api/v1/kb/articles", {{"title", "x"}, {"category_id", tariffs}, {"region_code", "999"}});
  EXPECT_EQ(r.error_code(), "region_not_found");
  r = agent.post("/api/v1/kb/articles", {{"title", "x"}, {"category_id", tariffs}});
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(editor.get("/api/v1/kb/articles").json()["total"], 0);  // nothing half-written
  r = editor.del("/api/v1/kb/categories/" + std::to_string(tariffs));
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.error_code(), "kb_category_not_empty");
  EXPECT_EQ(editor.get("/api/v1/kb/articles/77").error_code(), "kb_article_not_found");
}

}  // namespace
}  // namespace sy::test
