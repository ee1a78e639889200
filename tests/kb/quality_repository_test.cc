// Agent quality scoring in the store, on SQLite and PostgreSQL: a supervisor's form, a score of
// an answered call with its weighted total, the rows reports read, and what is refused.
#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

class QualityRepoTest : public RepoTest {
 protected:
  std::int64_t add_user(const std::string& username, auth::Role role) {
    NewUser u;
    u.username = username;
    u.role = role;
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    auto user = repos_->users.create(u);
    EXPECT_TRUE(user.ok());
    return user.ok() ? user->id : 0;
  }
  std::int64_t add_agent(const std::string& username, const std::string& extension) {
    NewAgent a;
    a.user_id = add_user(username, auth::Role::kAgent);
    a.extension = extension;
    auto agent = repos_->agents.create(a);
    EXPECT_TRUE(agent.ok());
    return agent.ok() ? agent->id : 0;
  }
  // A call answered by `agent` (or nobody).
  void add_call(const std::string& id, std::optional<std::int64_t> agent) {
    NewCall call{id, "inbound", "13800000001", "95598", std::nullopt, "350102-01", clock_.now()};
    ASSERT_TRUE(repos_->calls.create(call).ok());
    if (agent) {
      CallAnswered answered{clock_.now() + std::chrono::seconds(20), *agent, "general", 12, "", {}};
      ASSERT_TRUE(repos_->calls.update_on_answer(id, answered).ok());
    }
  }
  NewQualityForm standard_form() {
    NewQualityForm f;
    f.name = "热线服务质检表";
    f.items = {{"问候语规范", "使用标准开场白", 10, 1},
               {"业务准确", "答复与知识库一致", 20, 2},
               {"服务态度", "", 10, 1},
               {"结束语", "", 5, 1}};
    return f;
  }
};

TEST_P(QualityRepoTest, SupervisorScoresAnAnsweredCallWithAWeightedTotal) {
  seed_regions();
  std::int64_t agent = add_agent("agent1", "8001");
  std::int64_t supervisor = add_user("sup1", auth::Role::kSupervisor);
  add_call("c-1", agent);
  NewQualityForm nf = standard_form();
  nf.created_by = supervisor;
  auto form = repos_->quality.create_form(nf);
  SY_ASSERT_OK(form);
  ASSERT_EQ(form->items.size(), 4u);
  EXPECT_EQ(form->items[1].name, "业务准确");
  EXPECT_EQ(form->max_total(), 10 + 40 + 10 + 5);

  NewQualityScore s;
  s.call_id = "c-1";
  s.form_id = form->id;
  s.points = {{form->items[0].id, 8}, {form->items[1].id, 15}, {form->items[2].id, 10},
              {form->items[3].id, 5}};
  s.comment = "业务解释清楚，开场白语速偏快";
  s.scored_by = supervisor;
  clock_.advance(std::chrono::hours(1));
  auto score = repos_->quality.score_call(s);
  SY_ASSERT_OK(score);
  EXPECT_EQ(score->agent_id, agent);
  EXPECT_EQ(score->total, 8 + 30 + 10 + 5);
  EXPECT_EQ(score->max_total, 65);
  EXPECT_EQ(score->form_name, "热线服务质检表");
  ASSERT_EQ(score->items.size(), 4u);
  EXPECT_EQ(score->items[1].points, 15);
  EXPECT_EQ(score->items[1].weight, 2);
  EXPECT_EQ(score->comment, "业务解释清楚，开场白语速偏快");
  EXPECT_EQ(score->scored_by, supervisor);

  // Editing the form later does not change the score already given.
  QualityFormUpdate u;
  u.items = std::vector<NewQualityFormItem>{{"问候语规范", "", 5, 1}};
  SY_ASSERT_OK(repos_->quality.update_form(form->id, u));
  auto again = repos_->quality.get_score(score->id);
  SY_ASSERT_OK(again);
  EXPECT_EQ(again->max_total, 65);
  EXPECT_EQ(again->items.size(), 4u);

  // Listed by agent and time; what the agent-performance report reads.
  QualityScoreFilter by_agent;
  by_agent.agent_id = agent;
  by_agent.from = clock_.now() - std::chrono::minutes(5);
  auto listed = repos_->quality.scores(by_agent, {1, 10});
  SY_ASSERT_OK(listed);
  ASSERT_EQ(listed->total, 1);
  EXPECT_EQ(listed->items[0].call_id, "c-1");
  by_agent.from = clock_.now() + std::chrono::minutes(5);
  EXPECT_EQ(repos_->quality.scores(by_agent, {1, 10})->total, 0);
  auto rows = db_->read([&](Connection& conn) -> Status {
    auto r = conn.query("SELECT agent_id, call_id, total, max_total, scored_at FROM "
                        "quality_agent_scores");
    if (!r) return r.error();
    EXPECT_EQ(r->size(), 1u);
    if (r->size() == 1) {
      EXPECT_EQ((*r)[0].i64(0), agent);
      EXPECT_EQ((*r)[0].text(1), "c-1");
      EXPECT_EQ((*r)[0].i64(2), 53);
      EXPECT_EQ((*r)[0].i64(3), 65);
      EXPECT_EQ((*r)[0].i64(4), to_unix_ms(clock_.now()));
    }
    return ok_status();
  });
  SY_ASSERT_OK(rows);
  // A form calls were scored with stays; it can be retired instead.
  SY_EXPECT_CODE(repos_->quality.remove_form(form->id), "quality_form_in_use");
}

TEST_P(QualityRepoTest, BadScoresAreRefusedAndNothingIsWritten) {
  seed_regions();
  std::int64_t agent = add_agent("agent1", "8001");
  add_call("c-1", agent);
  add_call("c-abandoned", std::nullopt);
  auto form = repos_->quality.create_form(standard_form());
  SY_ASSERT_OK(form);
  auto all_points = [&](int first) {
    return std::vector<ItemPoints>{{form->items[0].id, first}, {form->items[1].id, 10},
                                   {form->items[2].id, 5}, {form->items[3].id, 5}};
  };
  NewQualityScore s;
  s.call_id = "c-1";
  s.form_id = form->id;
  s.points = all_points(11);  // over the item's 10
  SY_EXPECT_CODE(repos_->quality.score_call(s), "invalid_points");
  s.points = all_points(5);
  s.points.pop_back();  // 结束语 missing
  SY_EXPECT_CODE(repos_->quality.score_call(s), "invalid_points");
  s.points = all_points(5);
  s.points.push_back({999999, 1});
  SY_EXPECT_CODE(repos_->quality.score_call(s), "invalid_points");
  s.points = all_points(5);
  s.call_id = "no-such-call";
  SY_EXPECT_CODE(repos_->quality.score_call(s), "call_not_found");
  s.call_id = "c-abandoned";
  SY_EXPECT_CODE(repos_->quality.score_call(s), "call_without_agent");
  s.call_id = "c-1";
  s.form_id = form->id + 100;
  SY_EXPECT_CODE(repos_->quality.score_call(s), "quality_form_not_found");
  EXPECT_EQ(repos_->quality.scores({}, {1, 10})->total, 0);

  QualityFormUpdate retire;
  retire.active = false;
  SY_ASSERT_OK(repos_->quality.update_form(form->id, retire));
  s.form_id = form->id;
  SY_EXPECT_CODE(repos_->quality.score_call(s), "quality_form_inactive");
  EXPECT_EQ(repos_->quality.forms(true)->size(), 0u);
  EXPECT_EQ(repos_->quality.forms(false)->size(), 1u);

  NewQualityForm dup = standard_form();
  SY_EXPECT_CODE(repos_->quality.create_form(dup), "quality_form_exists");
  dup.name = "空表";
  dup.items.clear();
  SY_EXPECT_CODE(repos_->quality.create_form(dup), "invalid_items");
  dup.items = {{"问候语规范", "", 0, 1}};
  SY_EXPECT_CODE(repos_->quality.create_form(dup), "invalid_items");
  SY_ASSERT_OK(repos_->quality.remove_form(form->id));  // never used: it may go
  SY_EXPECT_CODE(repos_->quality.get_form(form->id), "quality_form_not_found");
}

SY_STORE_TEST_BOTH_BACKENDS(QualityRepoTest);

}  // namespace
}  // namespace sy::store::testing
