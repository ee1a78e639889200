// Each queue strategy picks the agent a supervisor would expect, and contacts are served by
// priority, then arrival. Time is a manual clock.
#include "helpers.h"

namespace sy::routing::testing {
namespace {

EngineConfig one_queue(Strategy strategy) {
  EngineConfig cfg;
  cfg.skills = {"general"};
  cfg.queues = {queue("general", strategy, {{0, 1}})};
  return cfg;
}

TEST(Strategy, LongestIdleGivesTheCallToWhoWaitedLongest) {
  Centre c(one_queue(Strategy::kLongestIdle));
  AgentId a = c.agent("a", {{0, 5}}), b = c.agent("b", {{0, 5}}), d = c.agent("d", {{0, 5}});
  c.ready(b);
  c.advance(1);
  c.ready(a);
  c.advance(1);
  c.ready(d);
  c.tick();
  c.arrive(0);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, b);
  EXPECT_NE(c.engine->explain(offers[0].reason).find("longest_idle"), std::string::npos);
}

TEST(Strategy, LeastOccupiedPrefersTheAgentWithLessBusyTimeToday) {
  Centre c(one_queue(Strategy::kLeastOccupied));
  AgentId busy = c.agent("busy", {{0, 5}}), fresh = c.agent("fresh", {{0, 5}});
  c.ready(busy);
  c.tick();
  ContactId first = c.arrive(0);
  ASSERT_EQ(c.tick_accept().size(), 1u);
  c.advance(600);
  ASSERT_TRUE(c.engine->on_contact_end(first, c.now()).ok());  // busy: 10 min on the phone
  c.tick();
  c.advance(5);
  c.ready(fresh);  // idle for less time, but has handled nothing today
  c.tick();
  c.arrive(0);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, fresh);
}

TEST(Strategy, BestSkillPicksTheHighestLevel) {
  Centre c(one_queue(Strategy::kBestSkill));
  AgentId low = c.agent("low", {{0, 3}}), high = c.agent("high", {{0, 8}}),
          mid = c.agent("mid", {{0, 5}});
  for (AgentId a : {low, high, mid}) c.ready(a);
  c.tick();
  c.arrive(0);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, high);
}

TEST(Strategy, RoundRobinGoesAroundTheCircle) {
  Centre c(one_queue(Strategy::kRoundRobin));
  std::vector<AgentId> agents;
  for (int i = 0; i < 3; ++i) agents.push_back(c.agent("r" + std::to_string(i), {{0, 5}}));
  for (AgentId a : agents) c.ready(a);
  c.tick();
  std::vector<AgentId> got;
  for (int i = 0; i < 6; ++i) {
    c.advance(1);
    ContactId id = c.arrive(0);
    auto offers = c.tick_accept();
    ASSERT_EQ(offers.size(), 1u);
    got.push_back(offers[0].agent);
    c.advance(1);
    ASSERT_TRUE(c.engine->on_contact_end(id, c.now()).ok());
    c.tick();
  }
  EXPECT_EQ(got, (std::vector<AgentId>{0, 1, 2, 0, 1, 2}));
}

TEST(Strategy, PreferredAgentWaitsForTheLastAgentThenFallsBack) {
  EngineConfig cfg = one_queue(Strategy::kPreferredAgent);
  cfg.queues[0].preferred_timeout_s = 30;
  Centre c(cfg);
  AgentId last = c.agent("last", {{0, 5}}), other = c.agent("other", {{0, 5}});
  c.ready(last);
  c.ready(other);
  c.tick();
  ContactId busy_call = c.arrive(0);
  c.tick_accept();  // one of them is now busy; make sure it is `last`
  ASSERT_EQ(c.engine->agent_state(last), AgentState::kOnCall) << "longest idle fallback";

  ContactSpec spec;
  spec.queue = 0;
  spec.preferred_agent = last;
  ContactId mine = c.arrive(spec);
  EXPECT_TRUE(c.tick().empty()) << "waits for its last agent although `other` is free";
  c.advance(10);
  ASSERT_TRUE(c.engine->on_contact_end(busy_call, c.now()).ok());
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].contact, mine);
  EXPECT_EQ(offers[0].agent, last);
  EXPECT_NE(c.last_reason(mine).find("preferred"), std::string::npos);

  // Second time the last agent stays busy: after the time-out the contact goes to `other`.
  ASSERT_TRUE(c.engine->on_offer_accepted(mine, c.now()).ok());
  ContactId again = c.arrive(spec);
  c.advance(29);
  EXPECT_TRUE(c.tick().empty());
  c.advance(2);
  offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].contact, again);
  EXPECT_EQ(offers[0].agent, other);
  EXPECT_NE(c.all_reasons(again).find("preferred agent not free within 30 s"), std::string::npos);
}

TEST(Ordering, HigherPriorityFirstThenArrival) {
  Centre c(one_queue(Strategy::kLongestIdle));
  AgentId a = c.agent("a", {{0, 5}});
  ContactId early = c.arrive(0, 1);
  c.advance(1);
  ContactId later = c.arrive(0, 1);
  c.advance(1);
  ContactId urgent = c.arrive(0, 5);
  c.tick();
  EXPECT_EQ(c.engine->estimate_wait(urgent, c.now())->position, 1);
  EXPECT_EQ(c.engine->estimate_wait(early, c.now())->position, 2);
  EXPECT_EQ(c.engine->estimate_wait(later, c.now())->position, 3);
  std::vector<ContactId> order;
  c.ready(a);
  for (int i = 0; i < 3; ++i) {
    auto offers = c.tick_accept();
    ASSERT_EQ(offers.size(), 1u);
    order.push_back(offers[0].contact);
    ASSERT_TRUE(c.engine->on_contact_end(offers[0].contact, c.now()).ok());
  }
  EXPECT_EQ(order, (std::vector<ContactId>{urgent, early, later}));
}

TEST(Ordering, VipRepeatAndVulnerableBoostsAreAppliedAndExplained) {
  EngineConfig cfg = one_queue(Strategy::kLongestIdle);
  cfg.vip_boost = 3;
  cfg.repeat_boost = 2;
  cfg.vulnerable_boost = 4;
  Centre c(cfg);
  ContactSpec plain;
  plain.queue = 0;
  plain.customer_id = 77;
  plain.open_matter = true;
  ContactId first = c.arrive(plain);
  EXPECT_EQ(c.engine->contact_priority(first), 0);
  c.advance(3600);  // an hour later, same customer, matter still open: a repeat caller
  ContactId repeat = c.arrive(plain);
  EXPECT_EQ(c.engine->contact_priority(repeat), 2);
  EXPECT_NE(c.all_reasons(repeat).find("repeat caller: priority +2"), std::string::npos);
  c.advance(8 * 86400);  // more than a week later: not a repeat any more
  EXPECT_EQ(c.engine->contact_priority(c.arrive(plain)), 0);

  ContactSpec frail;
  frail.queue = 0;
  frail.vulnerable = true;
  frail.vip = true;
  ContactId v = c.arrive(frail);
  EXPECT_EQ(c.engine->contact_priority(v), 7);
  EXPECT_NE(c.all_reasons(v).find("vulnerable customer"), std::string::npos);
}

TEST(Determinism, SameEventsGiveSameOffers) {
  auto run = [] {
    Centre c(one_queue(Strategy::kLongestIdle));
    std::vector<AgentId> agents;
    for (int i = 0; i < 5; ++i) agents.push_back(c.agent("a" + std::to_string(i), {{0, 5}}));
    std::vector<std::pair<ContactId, AgentId>> log;
    for (int i = 0; i < 50; ++i) {
      if (i % 7 == 0) c.ready(agents[i % 5]);
      c.arrive(0, i % 3);
      c.advance(0.5);
      for (const auto& o : c.tick_accept()) log.emplace_back(o.contact, o.agent);
    }
    return log;
  };
  EXPECT_EQ(run(), run());
}

TEST(Capacity, ChatAgentTakesUpToItsCapacityAndNoVoiceMeanwhile) {
  EngineConfig cfg;
  cfg.skills = {"web"};
  cfg.queues = {queue("chat", Strategy::kLongestIdle, {{0, 1}}),
                queue("voice", Strategy::kLongestIdle, {{0, 1}})};
  Centre c(cfg);
  AgentSpec spec;
  spec.name = "multi";
  spec.skills = {{0, 5}};
  spec.capacity = {1, 3, 0, 0, 0, 0};
  AgentId a = *c.engine->add_agent(spec);
  c.ready(a);
  ContactSpec chat;
  chat.queue = 0;
  chat.channel = Channel::kChat;
  for (int i = 0; i < 4; ++i) c.arrive(chat);
  EXPECT_EQ(c.tick_accept().size(), 3u);
  EXPECT_EQ(c.engine->agent_load(a, Channel::kChat), 3);
  EXPECT_EQ(c.engine->waiting_count(0), 1u);
  c.arrive(1);  // voice waits while the agent chats
  EXPECT_TRUE(c.tick().empty());
  EXPECT_EQ(c.engine->check_invariants(), "");
}

TEST(Matching, AgentsWithManySkillsAreMatchedOnAnyOfThem) {
  EngineConfig cfg;
  for (int i = 0; i < 12; ++i) cfg.skills.push_back(std::string(1, 's').append(std::to_string(i)));
  cfg.queues = {queue("rare", Strategy::kLongestIdle, {{11, 3}})};
  Centre c(cfg);
  std::vector<SkillLevel> all;
  for (SkillId i = 0; i < 12; ++i) all.push_back({i, 4});
  AgentId expert = c.agent("expert", all);
  c.ready(expert);
  c.arrive(0);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, expert);
}

TEST(Matching, LanguageAndSkillLevelAreRequired) {
  EngineConfig cfg = one_queue(Strategy::kLongestIdle);
  Centre c(cfg);
  AgentId mandarin = c.agent("m", {{0, 9}}, {}, {"zh"});
  AgentId minnan = c.agent("n", {{0, 4}}, {}, {"zh", "nan"});
  c.ready(mandarin);
  c.ready(minnan);
  c.tick();
  ContactSpec spec;
  spec.queue = 0;
  spec.language = "nan";
  spec.skills = {{0, 3}};
  c.arrive(spec);
  auto offers = c.tick();
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].agent, minnan);
  spec.skills = {{0, 6}};  // needs level 6 in 闽南语: nobody
  c.arrive(spec);
  EXPECT_TRUE(c.tick().empty());
}

}  // namespace
}  // namespace sy::routing::testing
