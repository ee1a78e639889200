// Quality scoring and knowledge-base suggestions over HTTP: a supervisor builds a form and
// scores an answered call, bad scores are refused with the field named, agents cannot score;
// an agent whose caller went through the bill/arrears branch gets arrears and payment articles.
#include <gtest/gtest.h>

#include "api_harness.h"
#include "store/repositories.h"

namespace sy::test {
namespace {

class QualityApi : public ::testing::Test {
 protected:
  void SetUp() override {
    s.add_regions();
    supervisor = s.signed_in(auth::Role::kSupervisor);
    std::int64_t user = s.add_user("agent-q", auth::Role::kAgent);
    store::NewAgent a;
    a.user_id = user;
    a.extension = "8101";
    auto agent = s.ctx->repos.agents.create(a);
    ASSERT_TRUE(agent.ok());
    agent_id = agent->id;
    store::NewCall call{"call-q1", "inbound", "13800000001", "95598", std::nullopt, "350102",
                        s.clock.now()};
    ASSERT_TRUE(s.ctx->repos.calls.create(call).ok());
    store::CallAnswered answered{s.clock.now(), agent_id, "general", 8, "", {}};
    ASSERT_TRUE(s.ctx->repos.calls.update_on_answer("call-q1", answered).ok());
  }
  ApiServer s;
  Client supervisor{0};
  std::int64_t agent_id = 0;
};

TEST_F(QualityApi, SupervisorBuildsAFormAndScoresACall) {
  auto form = supervisor.post(
      "/api/v1/quality/forms",
      {{"name", "热线服务质检表"},
       {"items",
        {{{"name", "问候语规范"}, {"max_points", 10}},
         {{"name", "业务准确"}, {"max_points", 20}, {"weight", 2}},
         {{"name", "服务态度"}, {"max_points", 10}},
         {{"name", "结束语"}, {"max_points", 5}}}}});
  ASSERT_EQ(form.status, 201) << form.body;
  auto f = form.json();
  EXPECT_EQ(f["max_total"], 65);
  ASSERT_EQ(f["items"].size(), 4u);
  nlohmann::json points = nlohmann::json::array();
  int given[] = {9, 18, 10, 4};
  for (int i = 0; i < 4; ++i) points.push_back({{"item_id", f["items"][i]["id"]}, {"points", given[i]}});

  // Over an item's maximum: refused, the field named, nothing stored.
  nlohmann::json over = points;
  over[3]["points"] = 6;
  auto bad = supervisor.post("/api/v1/quality/scores",
                             {{"call_id", "call-q1"}, {"form_id", f["id"]}, {"points", over}});
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(bad.error_code(), "invalid_points");
  EXPECT_EQ(bad.json()["error"]["field"], "points");
  auto missing = supervisor.post("/api/v1/quality/scores",
                                 {{"call_id", "no-such-call"}, {"form_id", f["id"]}, {"points", points}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.error_code(), "call_not_found");

  auto scored = supervisor.post("/api/v1/quality/scores", {{"call_id", "call-q1"},
                                                           {"form_id", f["id"]},
                                                           {"points", points},
                                                           {"comment", "业务熟练，结束语不完整"}});
  ASSERT_EQ(scored.status, 201) << scored.body;
  EXPECT_EQ(scored.json()["total"], 9 + 36 + 10 + 4);
  EXPECT_EQ(scored.json()["max_total"], 65);
  EXPECT_EQ(scored.json()["agent_id"], agent_id);

  auto listed = supervisor.get("/api/v1/quality/scores?agent=" + std::to_string(agent_id));
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(listed.json()["items"].size(), 1u);
  EXPECT_EQ(listed.json()["items"][0]["comment"], "业务熟练，结束语不完整");
  EXPECT_EQ(listed.json()["items"][0]["items"][1]["points"], 18);

  // Agents neither score nor read scores; a manager reads them.
  Client agent = s.signed_in(auth::Role::kAgent);
  EXPECT_EQ(agent.post("/api/v1/quality/scores",
                       {{"call_id", "call-q1"}, {"form_id", f["id"]}, {"points", points}})
                .status,
            403);
  Client manager = s.signed_in(auth::Role::kManager);
  EXPECT_EQ(manager.get("/api/v1/quality/scores").json()["items"].size(), 1u);
  // The form is in use: it cannot be deleted, only retired.
  auto del = supervisor.del("/api/v1/quality/forms/" + std::to_string(f["id"].get<int>()));
  EXPECT_EQ(del.status, 409);
  EXPECT_EQ(del.error_code(), "quality_form_in_use");
  auto retired = supervisor.patch("/api/v1/quality/forms/" + std::to_string(f["id"].get<int>()),
                                  {{"active", false}});
  EXPECT_EQ(retired.status, 200) << retired.body;
  EXPECT_EQ(supervisor.get("/api/v1/quality/forms?active=true").json()["items"].size(), 0u);
}

TEST_F(QualityApi, BadFormsAreRefused) {
  auto none = supervisor.post("/api/v1/quality/forms", {{"name", "空表"}, {"items", nlohmann::json::array()}});
  EXPECT_EQ(none.status, 400);
  EXPECT_EQ(none.error_code(), "invalid_items");
  auto zero = supervisor.post("/api/v1/quality/forms",
                              {{"name", "零分"}, {"items", {{{"name", "问候语规范"}, {"max_points", 0}}}}});
  EXPECT_EQ(zero.status, 400);
  EXPECT_EQ(zero.json()["error"]["field"], "items[0].max_points");
}

TEST_F(QualityApi, SuggestionsFollowTheIvrPath) {
  auto cat = supervisor.post("/api/v1/kb/categories", {{"name", "缴费与欠费"}});
  ASSERT_EQ(cat.status, 201) << cat.body;
  auto add = [&](const char* title, const char* body, std::vector<std::string> tags) {
    auto r = supervisor.post("/api/v1/kb/articles", {{"title", title},
                                                     {"body", body},
                                                     {"category_id", cat.json()["id"]},
                                                     {"tags", tags},
                                                     {"state", "published"}});
    ASSERT_EQ(r.status, 201) << r.body;
  };
  add("欠费停电规定", "欠费超过规定期限的，供电企业可依法中止供电。", {"欠费停电", "催缴"});
  add("欠费复电时限", "交清欠费后24小时内恢复供电。", {"复电", "交清欠费"});
  add("电费缴纳渠道汇总", "网上国网、支付宝、微信、银行代扣和营业厅。", {"缴费渠道", "交电费"});
  add("故障抢修到达时限承诺", "城区45分钟、农村90分钟到达现场。", {"抢修", "故障报修"});

  Client agent = s.signed_in(auth::Role::kAgent);
  auto r = agent.get("/api/v1/kb/suggestions?ivr_path=welcome,menu,bill_account,bill_pin,"
                     "bill_with_arrears&queue=general");
  ASSERT_EQ(r.status, 200) << r.body;
  nlohmann::json found = r.json();
  std::vector<std::string> titles;
  for (const auto& h : found["items"]) titles.push_back(h["title"]);
  ASSERT_GE(titles.size(), 3u) << r.body;
  EXPECT_EQ(titles[0], "欠费停电规定");
  EXPECT_NE(std::find(titles.begin(), titles.end(), "欠费复电时限"), titles.end());
  EXPECT_NE(std::find(titles.begin(), titles.end(), "电费缴纳渠道汇总"), titles.end());
  EXPECT_EQ(std::find(titles.begin(), titles.end(), "故障抢修到达时限承诺"), titles.end());
  EXPECT_EQ(found["items"][0]["reason"]["node"], "bill_with_arrears");

  auto repair = agent.get("/api/v1/kb/suggestions?ivr_path=welcome,menu,repair&limit=1");
  ASSERT_EQ(repair.status, 200);
  ASSERT_EQ(repair.json()["items"].size(), 1u);
  EXPECT_EQ(repair.json()["items"][0]["title"], "故障抢修到达时限承诺");
  // No known node: nothing suggested; bad limits are refused.
  EXPECT_EQ(agent.get("/api/v1/kb/suggestions?ivr_path=welcome").json()["items"].size(), 0u);
  EXPECT_EQ(agent.get("/api/v1/kb/suggestions?limit=0").status, 400);
}

TEST(KbSuggestionRules, ConfiguredRulesAreParsedAndBadOnesNamed) {
  auto rules = api::parse_kb_suggestion_rules(
      "bill_with_arrears = 欠费停电 | 缴费渠道; queue:repair=故障报修;");
  ASSERT_TRUE(rules.ok()) << rules.error().message;
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ(rules->at("bill_with_arrears"), (std::vector<std::string>{"欠费停电", "缴费渠道"}));
  EXPECT_EQ(rules->at("queue:repair"), (std::vector<std::string>{"故障报修"}));
  auto bad = api::parse_kb_suggestion_rules("bill=电费; repair");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, "invalid_kb_suggestions");
  EXPECT_NE(bad.error().message.find("repair"), std::string::npos);
  // The built-in rules cover the 95598 flow's bill/arrears, outage and repair branches.
  auto defaults = api::default_kb_suggestion_rules();
  for (const char* node : {"bill", "arrears", "bill_with_arrears", "outage", "repair"})
    EXPECT_TRUE(defaults.count(node)) << node;
}

}  // namespace
}  // namespace sy::test
