// Waiting-time rules, region caps, wait estimates, ring-no-answer and reservation time-outs,
// each driven by advancing a manual clock.
#include "helpers.h"

namespace sy::routing::testing {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Rules, SkillLevelsRelaxAfterTheConfiguredWait) {
  EngineConfig cfg;
  cfg.skills = {"repair"};
  cfg.queues = {queue("repair", Strategy::kLongestIdle, {{0, 8}})};
  cfg.queues[0].rules.relax_after_s = 30;
  cfg.queues[0].rules.relax_to_level = 3;
  Centre c(cfg);
  AgentId junior = c.agent("junior", {{0, 4}});
  c.ready(junior);
  ContactId id = c.arrive(0);
  EXPECT_TRUE(c.tick().empty());
  c.advance(29.9);
  EXPECT_TRUE(c.tick().empty());
  c.advance(0.2);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, junior);
  EXPECT_TRUE(has(c.all_reasons(id), "relax skill levels after 30 s")) << c.all_reasons(id);
}

TEST(Rules, BackupGroupsJoinAfterTheConfiguredWait) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  cfg.queues[0].groups = {"fuzhou"};
  cfg.queues[0].rules.backup_after_s = 20;
  cfg.queues[0].rules.backup_groups = {"xiamen"};
  Centre c(cfg);
  AgentId backup = c.agent("xm", {{0, 5}}, {"xiamen"});
  c.ready(backup);
  ContactId id = c.arrive(0);
  EXPECT_TRUE(c.tick().empty());
  c.advance(20);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, backup);
  EXPECT_TRUE(has(c.last_reason(id), "add backup groups after 20 s")) << c.all_reasons(id);
}

TEST(Rules, OverflowToAnotherQueueAfterTheConfiguredWait) {
  EngineConfig cfg;
  cfg.skills = {"repair", "billing"};
  cfg.queues = {queue("repair", Strategy::kLongestIdle, {{0, 1}}),
                queue("billing", Strategy::kLongestIdle, {{1, 1}})};
  cfg.queues[0].rules.overflow_after_s = 60;
  cfg.queues[0].rules.overflow_queue = "billing";
  Centre c(cfg);
  AgentId biller = c.agent("b1", {{1, 5}});
  c.ready(biller);
  ContactId id = c.arrive(0);
  c.advance(59);
  EXPECT_TRUE(c.tick().empty());
  c.advance(1);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, biller);
  EXPECT_TRUE(has(c.engine->explain(offers[0].reason), "overflow after 60 s to queue billing"))
      << c.all_reasons(id);
  EXPECT_TRUE(has(c.all_reasons(id), "overflow after 60 s to queue billing"));
}

TEST(Rules, OverflowToAnotherCentreHandsTheContactOver) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  cfg.queues[0].rules.overflow_after_s = 90;
  cfg.queues[0].rules.overflow_centre = "xiamen";
  Centre c(cfg);
  ContactSpec spec;
  spec.external_id = 4242;
  ContactId id = c.arrive(spec);
  c.advance(90);
  c.tick();
  auto notices = c.engine->take_notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, Notice::Kind::kOverflowCentre);
  EXPECT_EQ(notices[0].centre, "xiamen");
  EXPECT_EQ(notices[0].external_id, 4242u);
  EXPECT_FALSE(c.engine->contact_exists(id));
  EXPECT_EQ(c.engine->waiting_count(), 0u);
}

TEST(Rules, MaxWaitOffersCallbackAndKeepsThePlace) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  cfg.queues[0].rules.max_wait_s = 120;
  cfg.queues[0].rules.max_wait_action = MaxWaitAction::kCallback;
  Centre c(cfg);
  AgentId a = c.agent("a", {{0, 5}});
  ContactId first = c.arrive(0);
  c.advance(10);
  ContactId second = c.arrive(0);
  c.advance(110);
  c.tick();
  auto notices = c.engine->take_notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, Notice::Kind::kCallbackOffered);
  EXPECT_EQ(notices[0].contact, first);
  ASSERT_TRUE(c.engine->on_callback_accepted(first, c.now()).ok());
  EXPECT_EQ(c.engine->estimate_wait(first, c.now())->position, 1) << "virtual hold keeps place";
  c.ready(a);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].contact, first);
  EXPECT_TRUE(c.engine->contact_waiting(second));
}

TEST(Rules, MaxWaitCanSendToVoicemail) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  cfg.queues[0].rules.max_wait_s = 300;
  cfg.queues[0].rules.max_wait_action = MaxWaitAction::kVoicemail;
  Centre c(cfg);
  ContactId id = c.arrive(0);
  c.advance(300);
  c.tick();
  auto notices = c.engine->take_notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, Notice::Kind::kVoicemail);
  EXPECT_FALSE(c.engine->contact_exists(id));
}

TEST(Rules, EstimatedWaitGrowsWithPosition) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  cfg.queues[0].expected_handle_s = 200;
  Centre c(cfg);
  for (int i = 0; i < 2; ++i) {
    AgentId a = c.agent("a" + std::to_string(i), {{0, 5}});
    ASSERT_TRUE(c.engine->on_agent_state(a, AgentState::kWrapUp, c.now()).ok());
  }
  std::vector<ContactId> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(c.arrive(0));
  c.tick();
  auto e1 = c.engine->estimate_wait(ids[0], c.now());
  auto e4 = c.engine->estimate_wait(ids[3], c.now());
  ASSERT_TRUE(e1.ok() && e4.ok());
  EXPECT_EQ(e4->position, 4);
  EXPECT_DOUBLE_EQ(e1->estimated_wait_s, 100);  // 1 × 200 s / 2 agents
  EXPECT_DOUBLE_EQ(e4->estimated_wait_s, 400);
}

TEST(Rules, RegionCapRejectsTheNextCallerFromThatRegion) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  cfg.region_caps = {{"350100", 2}};
  Centre c(cfg);
  ContactSpec spec;
  spec.region = "350100";
  ContactId one = c.arrive(spec);
  c.arrive(spec);
  auto third = c.engine->on_arrival(spec, c.now());
  ASSERT_TRUE(third.ok());
  EXPECT_TRUE(third->region_capped);
  EXPECT_EQ(third->contact, kNoContact);
  EXPECT_TRUE(has(c.engine->explain(third->reason), "cap of 2"));
  spec.region = "350200";
  EXPECT_NE(c.arrive(spec), kNoContact) << "other regions are not capped";
  ASSERT_TRUE(c.engine->on_abandon(one, c.now()).ok());
  spec.region = "350100";
  EXPECT_NE(c.arrive(spec), kNoContact) << "a line came free";
}

TEST(Offers, RingNoAnswerParksTheAgentAndRequeuesAtTheOldPlace) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  Centre c(cfg);
  AgentId sleepy = c.agent("sleepy", {{0, 5}});
  c.ready(sleepy);
  c.tick();
  ContactId first = c.arrive(0);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  c.advance(5);
  ContactId second = c.arrive(0);
  c.advance(10);
  ASSERT_TRUE(c.engine->on_ring_no_answer(first, c.now()).ok());
  EXPECT_EQ(c.engine->agent_state(sleepy), AgentState::kBreak);
  EXPECT_EQ(c.engine->agent_break_reason(sleepy), "no_answer");
  EXPECT_EQ(c.engine->estimate_wait(first, c.now())->position, 1);
  EXPECT_EQ(c.engine->estimate_wait(second, c.now())->position, 2);
  AgentId awake = c.agent("awake", {{0, 5}});
  c.ready(awake);
  offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].contact, first);
  EXPECT_EQ(offers[0].agent, awake);
  EXPECT_TRUE(has(c.all_reasons(first), "ring no answer"));
}

TEST(Offers, UnansweredReservationIsReleasedAfterItsTimeOut) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  cfg.reservation_timeout = std::chrono::seconds(15);
  Centre c(cfg);
  AgentId a = c.agent("a", {{0, 5}});
  c.ready(a);
  ContactId id = c.arrive(0);
  ASSERT_EQ(c.tick().size(), 1u);
  EXPECT_EQ(c.engine->agent_state(a), AgentState::kReserved);
  c.advance(14);
  c.tick();
  EXPECT_EQ(c.engine->agent_state(a), AgentState::kReserved);
  c.advance(1);
  c.tick();
  EXPECT_EQ(c.engine->agent_state(a), AgentState::kBreak) << "no stuck agents";
  EXPECT_TRUE(c.engine->contact_waiting(id));
  auto notices = c.engine->take_notices();
  ASSERT_EQ(notices.size(), 1u);
  EXPECT_EQ(notices[0].kind, Notice::Kind::kReservationTimeout);
  EXPECT_EQ(c.engine->check_invariants(), "");
}

TEST(Offers, AbandonWhileRingingFreesTheAgent) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  Centre c(cfg);
  AgentId a = c.agent("a", {{0, 5}});
  c.ready(a);
  ContactId id = c.arrive(0);
  ASSERT_EQ(c.tick().size(), 1u);
  ASSERT_TRUE(c.engine->on_abandon(id, c.now()).ok());
  c.tick();
  EXPECT_EQ(c.engine->agent_state(a), AgentState::kReady);
  EXPECT_FALSE(c.engine->on_offer_accepted(id, c.now()).ok()) << "stale id is rejected";
  EXPECT_EQ(c.engine->check_invariants(), "");
}

TEST(Config, BadNamesAreRejectedWithTheField) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", Strategy::kLongestIdle, {{0, 1}})};
  cfg.queues[0].rules.overflow_queue = "nowhere";
  auto e = Engine::create(cfg);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().code, "bad_overflow_queue");
  EXPECT_EQ(e.error().field, "queues.general.overflow_queue");
}

}  // namespace
}  // namespace sy::routing::testing
