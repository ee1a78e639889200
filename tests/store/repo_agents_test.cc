// Skills, queues and agents: what the admin screens and the ACD at start rely on.
#include <future>

#include "store/repo_test_support.h"

namespace sy::store::testing {
namespace {

class AgentRepoTest : public RepoTest {
 protected:
  std::int64_t add_user(const std::string& username, std::optional<std::string> region = {}) {
    NewUser u;
    u.username = username;
    u.display_name = username + " 名";
    u.role = auth::Role::kAgent;
    u.region_code = std::move(region);
    u.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
    auto created = repos_->users.create(u);
    EXPECT_TRUE(created.ok()) << created.error().code;
    return created.ok() ? created->id : 0;
  }
  void add_skills() {
    for (const char* name : {"general", "repair", "minnan"}) {
      NewSkill s;
      s.name = name;
      s.kind = std::string(name) == "minnan" ? "language" : "business";
      auto created = repos_->skills.create(s);
      ASSERT_TRUE(created.ok()) << created.error().code;
    }
  }
};

TEST_P(AgentRepoTest, SkillsHaveUniqueNamesAndCannotBeDroppedWhileAQueueNeedsThem) {
  add_skills();
  NewSkill dup;
  dup.name = "repair";
  SY_EXPECT_CODE(repos_->skills.create(dup), "skill_exists");
  dup.name = "Bad Name";
  SY_EXPECT_CODE(repos_->skills.create(dup), "invalid_skill_name");
  auto page = repos_->skills.list("", {1, 10});
  SY_ASSERT_OK(page);
  ASSERT_EQ(page->total, 3);
  EXPECT_EQ(page->items[0].name, "general");

  NewQueue q;
  q.name = "repair";
  q.display_name = "故障报修";
  q.skills = {{"repair", 3}};
  q.rules_json = R"({"max_wait_s": 120, "max_wait_action": "callback"})";
  auto queue = repos_->queues.create(q);
  SY_ASSERT_OK(queue);
  EXPECT_EQ(queue->skills, (std::vector<NamedLevel>{{"repair", 3}}));
  auto repair = repos_->skills.get_by_name("repair");
  SY_ASSERT_OK(repair);
  SY_EXPECT_CODE(repos_->skills.remove(repair->id), "skill_in_use");

  q.name = "other";
  q.skills = {{"nosuch", 1}};
  SY_EXPECT_CODE(repos_->queues.create(q), "skill_not_found");
  q.skills = {};
  q.strategy = "random";
  SY_EXPECT_CODE(repos_->queues.create(q), "invalid_strategy");
  q.strategy = "best_skill";
  q.rules_json = "[1]";
  SY_EXPECT_CODE(repos_->queues.create(q), "invalid_rules");

  QueueUpdate u;
  u.skills = std::vector<NamedLevel>{{"general", 1}};
  u.service_level_s = 30;
  auto updated = repos_->queues.update(queue->id, u);
  SY_ASSERT_OK(updated);
  EXPECT_EQ(updated->service_level_s, 30);
  SY_ASSERT_OK(repos_->skills.remove(repair->id));
  SY_EXPECT_CODE(repos_->skills.get(repair->id), "skill_not_found");
}

TEST_P(AgentRepoTest, AgentCarriesPhoneSkillsAndSetsTheUserExtension) {
  seed_regions();
  add_skills();
  std::int64_t user = add_user("zhang.san", "350102");
  NewAgent a;
  a.user_id = user;
  a.extension = "8001";
  a.sip_ha1 = "0123456789abcdef0123456789abcdef";
  a.sip_realm = "switchyard.local";
  a.skills = {{"repair", 5}, {"general", 3}};
  a.languages = {"zh", "nan"};
  a.regions = {"350102"};
  a.groups = {"fuzhou-day"};
  auto agent = repos_->agents.create(a);
  SY_ASSERT_OK(agent);
  EXPECT_EQ(agent->username, "zhang.san");
  EXPECT_EQ(agent->skills, (std::vector<NamedLevel>{{"general", 3}, {"repair", 5}}));
  EXPECT_EQ(agent->languages, (std::vector<std::string>{"zh", "nan"}));
  EXPECT_EQ(agent->state, AgentPresence::kOffline);
  EXPECT_EQ(repos_->users.get(user)->extension, "8001");

  auto by_ext = repos_->agents.get_by_extension("8001");
  SY_ASSERT_OK(by_ext);
  EXPECT_EQ(by_ext->sip_ha1, a.sip_ha1);
  SY_EXPECT_CODE(repos_->agents.create(a), "agent_exists");
  std::int64_t other = add_user("li.si", "350203");
  a.user_id = other;
  SY_EXPECT_CODE(repos_->agents.create(a), "extension_taken");
  a.extension = "80x";
  SY_EXPECT_CODE(repos_->agents.create(a), "invalid_extension");
  a.extension = "8002";
  a.skills = {{"nosuch", 3}};
  SY_EXPECT_CODE(repos_->agents.create(a), "skill_not_found");
  a.skills = {{"repair", 11}};
  SY_EXPECT_CODE(repos_->agents.create(a), "invalid_level");
  a.skills = {{"minnan", 8}};
  SY_ASSERT_OK(repos_->agents.create(a));

  AgentFilter in_fuzhou;
  in_fuzhou.scope = "350100";
  auto page = repos_->agents.list(in_fuzhou, {1, 50});
  SY_ASSERT_OK(page);
  ASSERT_EQ(page->total, 1);
  EXPECT_EQ(page->items[0].extension, "8001");
  AgentFilter speaks;
  speaks.skill = "minnan";
  EXPECT_EQ(repos_->agents.list(speaks, {1, 50})->items.at(0).username, "li.si");

  AgentUpdate u;
  u.skills = std::vector<NamedLevel>{{"general", 9}};
  u.extension = "8101";
  auto updated = repos_->agents.update(agent->id, u);
  SY_ASSERT_OK(updated);
  EXPECT_EQ(updated->skills, (std::vector<NamedLevel>{{"general", 9}}));
  EXPECT_EQ(repos_->users.get(user)->extension, "8101");
  auto all = repos_->agents.all_enabled();
  SY_ASSERT_OK(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].skills, (std::vector<NamedLevel>{{"general", 9}}));

  SY_ASSERT_OK(repos_->agents.remove(agent->id));
  EXPECT_FALSE(repos_->users.get(user)->extension.has_value());
  SY_EXPECT_CODE(repos_->agents.get(agent->id), "agent_not_found");
}

TEST_P(AgentRepoTest, StateChangesKeepAHistory) {
  std::int64_t user = add_user("wang.wu");
  NewAgent a;
  a.user_id = user;
  a.extension = "8003";
  auto agent = repos_->agents.create(a);
  SY_ASSERT_OK(agent);
  TimePoint t0 = clock_.now();
  SY_ASSERT_OK(repos_->agents.record_state({0, agent->id, AgentPresence::kReady, "", "agent", t0}));
  std::promise<Status> done;
  repos_->agents.submit_state(
      {0, agent->id, AgentPresence::kBreak, "no_answer", "system", t0 + std::chrono::seconds(30)},
      [&](Status st) { done.set_value(st); });
  SY_ASSERT_OK(done.get_future().get());
  auto now = repos_->agents.get(agent->id);
  SY_ASSERT_OK(now);
  EXPECT_EQ(now->state, AgentPresence::kBreak);
  EXPECT_EQ(now->state_reason, "no_answer");
  EXPECT_EQ(now->state_since, t0 + std::chrono::seconds(30));
  auto history = repos_->agents.state_history(agent->id, {1, 10});
  SY_ASSERT_OK(history);
  ASSERT_EQ(history->total, 2);
  EXPECT_EQ(history->items[0].state, AgentPresence::kBreak);
  EXPECT_EQ(history->items[0].source, "system");
  EXPECT_EQ(history->items[1].state, AgentPresence::kReady);
  SY_EXPECT_CODE(repos_->agents.record_state({0, agent->id + 99, AgentPresence::kReady, "", "agent", t0}),
                 "agent_not_found");
}

SY_STORE_TEST_BOTH_BACKENDS(AgentRepoTest);

}  // namespace
}  // namespace sy::store::testing
