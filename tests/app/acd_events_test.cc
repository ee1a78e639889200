// The ACD on the live event stream, as desktops receive it: the real ACD service on a real
// database, the real event hub with subscriptions for an agent, another agent and a supervisor,
// a manual clock, and a control "thread" that runs queued jobs when the test says so.
#include "app/acd_events.h"

#include <gtest/gtest.h>

#include <deque>
#include <future>
#include <map>

#include "core/clock.h"
#include "events/hub.h"
#include "events/presence.h"
#include "store/report_repository.h"

namespace sy::app {
namespace {

using nlohmann::json;

class AcdEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Database::open("sqlite::memory:");
    ASSERT_TRUE(opened.ok());
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->migrate().ok());
    repos_ = std::make_unique<store::Repositories>(*db_, clock_);
    store::NewSkill skill;
    skill.name = "general";
    ASSERT_TRUE(repos_->skills.create(skill).ok());
    store::NewQueue general;
    general.name = "general";
    general.skills = {{"general", 1}};
    general.service_level_s = 20;
    ASSERT_TRUE(repos_->queues.create(general).ok());
    a1_ = add_agent("lin", "8001", &u1_);
    a2_ = add_agent("chen", "8002", &u2_);

    hub_ = std::make_unique<events::EventHub>(clock_);
    acd_ = std::make_unique<AcdService>(
        *repos_, clock_, [this](std::function<void()> fn) { jobs_.push_back(std::move(fn)); },
        AcdOptions{});
    ASSERT_TRUE(acd_->load().ok());
    bridge_ = std::make_unique<AcdEvents>(*hub_, *repos_, clock_);
    ASSERT_TRUE(bridge_->load_queues().ok());
    acd_->set_observer(bridge_.get());
    bridge_->set_acd(acd_.get());

    lin_ = subscribe(events::interest_for(u1_, auth::Role::kAgent, ""));
    chen_ = subscribe(events::interest_for(u2_, auth::Role::kAgent, ""));
    boss_ = subscribe(events::interest_for(99, auth::Role::kSupervisor, ""));
  }

  std::int64_t add_agent(const std::string& name, const std::string& ext, std::int64_t* user_id) {
    store::NewUser u;
    u.username = name;
    u.password_hash = "$argon2id$x";
    auto user = repos_->users.create(u);
    EXPECT_TRUE(user.ok());
    *user_id = user->id;
    store::NewAgent a;
    a.user_id = user->id;
    a.extension = ext;
    a.skills = {{"general", 5}};
    auto agent = repos_->agents.create(a);
    EXPECT_TRUE(agent.ok());
    return agent->id;
  }
  std::shared_ptr<events::Subscription> subscribe(events::Interest interest) {
    events::EventHub::SubscribeRequest r;
    r.interest = std::move(interest);
    r.session_key = std::to_string(r.interest.user_id);
    r.wake = [] {};
    auto s = hub_->subscribe(std::move(r));
    drain(*s);  // hello
    return s;
  }
  // The events of one type the subscriber received and the test has not looked at yet.
  std::vector<json> received(events::Subscription& s, const std::string& type) {
    bridge_->flush();
    std::vector<json>& box = inbox_[&s];
    for (auto& m : drain(s)) box.push_back(std::move(m));
    std::vector<json> out;
    std::vector<json> rest;
    for (auto& m : box) (m["type"] == type ? out : rest).push_back(m["type"] == type ? m["data"] : m);
    box = std::move(rest);
    return out;
  }
  static std::vector<json> drain(events::Subscription& s) {
    std::vector<json> out;
    while (auto m = s.pop()) {
      if (!m->text) break;
      out.push_back(json::parse(*m->text));
    }
    return out;
  }
  void run_jobs() {
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
    }
  }
  void set_state(std::int64_t agent, store::AgentPresence s) {
    std::promise<Status> done;
    acd_->set_state(agent, s, "", "agent", [&](Status st) { done.set_value(st); });
    ASSERT_TRUE(done.get_future().get().ok());
    run_jobs();
  }
  QueuedCall call(const std::string& id) {
    QueuedCall c;
    c.call_id = id;
    c.queue = "general";
    c.caller_number = "13905918888";
    c.customer_id = 42;
    c.region = "350102";
    c.ivr_path = {"welcome", "outage", "menu", "agent"};
    c.digits = {{"menu", "0"}};
    c.attached = {{"pin_verified", "yes"}};
    return c;
  }
  json stats_of(events::Subscription& s, const std::string& queue) {
    json last;
    for (const auto& d : received(s, "queue.stats"))
      if (d["name"] == queue) last = d;
    return last;
  }

  ManualClock clock_{from_unix_ms(1'795'000'000'000)};  // 2026-11-18 16:26 in Beijing
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::Repositories> repos_;
  std::deque<std::function<void()>> jobs_;
  std::unique_ptr<events::EventHub> hub_;
  std::unique_ptr<AcdService> acd_;
  std::unique_ptr<AcdEvents> bridge_;
  std::shared_ptr<events::Subscription> lin_, chen_, boss_;
  std::int64_t a1_ = 0, a2_ = 0, u1_ = 0, u2_ = 0;
  std::map<events::Subscription*, std::vector<json>> inbox_;
};

TEST_F(AcdEventsTest, EveryPresenceChangeReachesTheAgentAndTheSupervisor) {
  set_state(a1_, store::AgentPresence::kReady);
  auto mine = received(*lin_, "agent.state");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["state"], "ready");
  EXPECT_EQ(mine[0]["user_id"], u1_);
  EXPECT_EQ(mine[0]["source"], "agent");
  EXPECT_EQ(received(*boss_, "agent.state").size(), 1u);
  EXPECT_TRUE(received(*chen_, "agent.state").empty());  // not chen's business

  // The ACD's own change: the phone's registration went away.
  acd_->agent_unreachable("8001");
  mine = received(*lin_, "agent.state");
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["state"], "break");
  EXPECT_EQ(mine[0]["reason"], "phone_unreachable");
  EXPECT_EQ(mine[0]["source"], "system");
}

TEST_F(AcdEventsTest, TheOfferCarriesTheScreenPopAndTheCallIsFollowedToItsEnd) {
  set_state(a1_, store::AgentPresence::kReady);
  received(*lin_, "agent.state");
  ASSERT_TRUE(acd_->enqueue(call("c-1")).ok());
  run_jobs();

  auto offered = received(*lin_, "call.offered");
  ASSERT_EQ(offered.size(), 1u);
  EXPECT_EQ(offered[0]["call_id"], "c-1");
  EXPECT_EQ(offered[0]["caller"], "13905918888");
  EXPECT_EQ(offered[0]["customer_id"], 42);
  EXPECT_EQ(offered[0]["ivr_path"], json({"welcome", "outage", "menu", "agent"}));
  EXPECT_EQ(offered[0]["digits"][0]["digits"], "0");
  EXPECT_EQ(offered[0]["attached"]["pin_verified"], "yes");  // e.g. after the agent's PIN check
  EXPECT_EQ(offered[0]["extension"], "8001");
  EXPECT_TRUE(received(*chen_, "call.offered").empty());
  EXPECT_EQ(received(*boss_, "call.offered").size(), 1u);  // the queue's supervisor sees it

  clock_.advance(std::chrono::seconds(4));
  ASSERT_TRUE(acd_->accept("c-1").ok());
  auto answered = received(*lin_, "call.answered");
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(answered[0]["agent_id"], a1_);
  auto states = received(*lin_, "agent.state");
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back()["state"], "on_call");

  ASSERT_TRUE(acd_->end("c-1").ok());
  auto ended = received(*lin_, "call.ended");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0]["how"], "ended");
}

// After-call work (acd.wrap_up_s): the agent's desktop is told wrap_up, why, and when it ends,
// then ready once it has run out.
TEST_F(AcdEventsTest, AfterCallWorkSaysWhenItEnds) {
  AcdOptions options;
  options.wrap_up = std::chrono::seconds(15);
  run_jobs();  // nothing of the first service left on the control "thread"
  acd_ = std::make_unique<AcdService>(
      *repos_, clock_, [this](std::function<void()> fn) { jobs_.push_back(std::move(fn)); },
      options);
  ASSERT_TRUE(acd_->load().ok());
  acd_->set_observer(bridge_.get());
  bridge_->set_acd(acd_.get());
  set_state(a1_, store::AgentPresence::kReady);
  ASSERT_TRUE(acd_->enqueue(call("c-9")).ok());
  run_jobs();
  ASSERT_TRUE(acd_->accept("c-9").ok());
  received(*lin_, "agent.state");
  ASSERT_TRUE(acd_->end("c-9").ok());
  run_jobs();
  auto states = received(*lin_, "agent.state");
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back()["state"], "wrap_up");
  EXPECT_EQ(states.back()["reason"], "after_call_work");
  EXPECT_EQ(states.back()["until"], format_rfc3339(clock_.now() + std::chrono::seconds(15)));
  EXPECT_FALSE(received(*boss_, "agent.state").empty());  // the supervisor sees it too

  clock_.advance(std::chrono::seconds(15));
  acd_->tick();
  run_jobs();
  states = received(*lin_, "agent.state");
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back()["state"], "ready");
  EXPECT_FALSE(states.back().contains("until"));
}

// A consultation as the desktops see it: call.updated reaches the call's agent, the consulted
// agent and the queue's supervisor with the state and the target.
TEST_F(AcdEventsTest, ACallUpdateReachesTheAgentTheConsultedAgentAndTheSupervisor) {
  set_state(a1_, store::AgentPresence::kReady);
  set_state(a2_, store::AgentPresence::kReady);  // the observer knows both agents' users
  AcdCallUpdate u;
  u.call_id = "c-9";
  u.agent_id = a1_;
  u.consult_agent_id = a2_;
  u.state = "consulting";
  u.consult_target = "8002";
  u.consult_answered = true;
  u.queue = "general";
  u.region = "350102";
  acd_->call_updated(u);
  for (auto* who : {lin_.get(), chen_.get(), boss_.get()}) {
    auto updates = received(*who, "call.updated");
    ASSERT_EQ(updates.size(), 1u);
    EXPECT_EQ(updates[0]["call_id"], "c-9");
    EXPECT_EQ(updates[0]["agent_id"], a1_);
    EXPECT_EQ(updates[0]["state"], "consulting");
    EXPECT_EQ(updates[0]["consult_target"], "8002");
    EXPECT_EQ(updates[0]["consult_answered"], true);
    EXPECT_EQ(updates[0]["muted"], false);
  }
  u.state = "held";
  u.consult_agent_id = 0;
  u.consult_target = "";
  u.consult_answered = false;
  acd_->call_updated(u);
  EXPECT_EQ(received(*lin_, "call.updated").size(), 1u);
  EXPECT_TRUE(received(*chen_, "call.updated").empty());  // no longer chen's business
}

// A consultation rings another agent's phone: only that agent's desktop rings, with what an
// offer carries (caller, customer, IVR path and digits), kind consult and who consults.
TEST_F(AcdEventsTest, AConsultationRingsTheConsultedAgentsDesktopWithTheCallersFile) {
  set_state(a1_, store::AgentPresence::kReady);
  ASSERT_TRUE(acd_->enqueue(call("c-5")).ok());
  run_jobs();
  ASSERT_TRUE(acd_->accept("c-5").ok());
  set_state(a2_, store::AgentPresence::kReady);
  received(*lin_, "call.offered");
  received(*boss_, "call.offered");
  received(*chen_, "call.offered");
  AcdConsultOffer offer;
  offer.call_id = "c-5";
  offer.agent_id = a2_;
  offer.extension = "8002";
  offer.from_agent_id = a1_;
  offer.from_extension = "8001";
  acd_->consult_offered(offer);
  auto rings = received(*chen_, "call.offered");
  ASSERT_EQ(rings.size(), 1u);
  EXPECT_EQ(rings[0]["kind"], "consult");
  EXPECT_EQ(rings[0]["call_id"], "c-5");
  EXPECT_EQ(rings[0]["agent_id"], a2_);
  EXPECT_EQ(rings[0]["consult_from"]["extension"], "8001");
  EXPECT_EQ(rings[0]["consult_from"]["agent_id"], a1_);
  EXPECT_EQ(rings[0]["caller"], call("c-5").caller_number);
  EXPECT_EQ(rings[0]["customer_id"], 42);
  EXPECT_EQ(rings[0]["ivr_path"], json({"welcome", "outage", "menu", "agent"}));
  EXPECT_EQ(rings[0]["digits"][0]["digits"], "0");
  EXPECT_TRUE(received(*lin_, "call.offered").empty());
  EXPECT_TRUE(received(*boss_, "call.offered").empty());
}

TEST_F(AcdEventsTest, WithoutTheCallersNumberTheOfferReadsItFromTheCallRecord) {
  store::NewCall record;
  record.id = "c-2";
  record.from_number = "05918765432";
  record.to_number = "95598";
  record.started_at = clock_.now();
  ASSERT_TRUE(repos_->calls.create(record).ok());
  set_state(a1_, store::AgentPresence::kReady);
  QueuedCall c = call("c-2");
  c.caller_number.clear();
  ASSERT_TRUE(acd_->enqueue(c).ok());
  run_jobs();
  auto offered = received(*lin_, "call.offered");
  ASSERT_EQ(offered.size(), 1u);
  EXPECT_EQ(offered[0]["caller"], "05918765432");
  EXPECT_EQ(offered[0]["from"], "05918765432");
}

TEST_F(AcdEventsTest, NoAnswerTakesTheOfferBackAndSaysWhy) {
  set_state(a1_, store::AgentPresence::kReady);
  ASSERT_TRUE(acd_->enqueue(call("c-3")).ok());
  run_jobs();
  received(*lin_, "agent.state");
  ASSERT_TRUE(acd_->ring_no_answer("c-3").ok());
  run_jobs();
  EXPECT_EQ(received(*lin_, "call.offer_withdrawn").size(), 1u);
  auto states = received(*lin_, "agent.state");
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back()["state"], "break");
  EXPECT_EQ(states.back()["reason"], "no_answer");
}

TEST_F(AcdEventsTest, QueueFiguresFollowTheCallers) {
  bridge_->tick();
  json s = stats_of(*boss_, "general");
  ASSERT_FALSE(s.is_null());
  EXPECT_EQ(s["waiting"], 0);
  EXPECT_TRUE(s["service_level_today"].is_null());  // nothing to measure yet, nothing invented

  ASSERT_TRUE(acd_->enqueue(call("c-4")).ok());  // nobody ready: the caller waits
  run_jobs();
  clock_.advance(std::chrono::seconds(30));
  bridge_->tick();
  s = stats_of(*boss_, "general");
  EXPECT_EQ(s["waiting"], 1);
  EXPECT_NEAR(s["longest_wait_s"].get<double>(), 30.0, 0.01);
  EXPECT_TRUE(stats_of(*lin_, "general").is_null());  // agents do not get the wallboard

  set_state(a1_, store::AgentPresence::kReady);  // offered now, answered after 30 s: late
  ASSERT_TRUE(acd_->accept("c-4").ok());
  ASSERT_TRUE(acd_->end("c-4").ok());
  ASSERT_TRUE(acd_->enqueue(call("c-5")).ok());  // waits, then hangs up
  run_jobs();
  ASSERT_TRUE(acd_->abandon("c-5").ok());
  clock_.advance(std::chrono::seconds(1));
  bridge_->tick();
  s = stats_of(*boss_, "general");
  EXPECT_EQ(s["waiting"], 0);
  EXPECT_EQ(s["answered_today"], 1);
  EXPECT_EQ(s["abandoned_today"], 1);
  EXPECT_DOUBLE_EQ(s["service_level_today"].get<double>(), 0.0);

  // A quick answer lifts the level; 15 minutes later only the new day's calls count there.
  set_state(a1_, store::AgentPresence::kReady);
  ASSERT_TRUE(acd_->enqueue(call("c-6")).ok());
  run_jobs();
  clock_.advance(std::chrono::seconds(5));
  ASSERT_TRUE(acd_->accept("c-6").ok());
  clock_.advance(std::chrono::seconds(1));
  bridge_->tick();
  s = stats_of(*boss_, "general");
  EXPECT_NEAR(s["service_level_today"].get<double>(), 1.0 / 3, 1e-9);
  clock_.advance(std::chrono::minutes(16));
  bridge_->tick();
  s = stats_of(*boss_, "general");
  EXPECT_TRUE(s["service_level_15m"].is_null());
  EXPECT_NEAR(s["service_level_today"].get<double>(), 1.0 / 3, 1e-9);
}

TEST_F(AcdEventsTest, AnAgentWhoseDesktopIsGoneIsSetNotReady) {
  set_state(a1_, store::AgentPresence::kReady);
  set_state(a2_, store::AgentPresence::kReady);
  events::PresenceTracker tracker(std::chrono::seconds(30));
  tracker.on_connections(u1_, 1, clock_.now());
  tracker.on_connections(u2_, 1, clock_.now());
  tracker.on_connections(u1_, 0, clock_.now());  // lin's browser closed
  clock_.advance(std::chrono::seconds(20));
  tracker.tick(clock_.now(), *bridge_);
  EXPECT_EQ(acd_->agent_state(a1_), routing::AgentState::kReady);  // still within grace
  clock_.advance(std::chrono::seconds(11));
  tracker.tick(clock_.now(), *bridge_);
  run_jobs();
  EXPECT_EQ(acd_->agent_state(a1_), routing::AgentState::kBreak);
  EXPECT_EQ(acd_->agent_state(a2_), routing::AgentState::kReady);
  auto states = received(*lin_, "agent.state");
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back()["reason"], "desktop_gone");
  EXPECT_EQ(states.back()["source"], "system");
  // And durably so, in the agent's history.
  ASSERT_TRUE(db_->write([](store::Connection&) { return ok_status(); }).ok());
  auto stored = repos_->agents.get(a1_);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state, store::AgentPresence::kBreak);
  EXPECT_EQ(stored->state_reason, "desktop_gone");
}

TEST_F(AcdEventsTest, AnAgentWhoseDesktopIsGoneLeavesTheSeatPhoneTheyPicked) {
  // Lin sits at seat 8101 and is ready; Chen sits at 8102 on a break.
  ASSERT_TRUE(acd_->pick_seat(*repos_->agents.get(a1_), "8101").ok());
  ASSERT_TRUE(acd_->pick_seat(*repos_->agents.get(a2_), "8102").ok());
  set_state(a1_, store::AgentPresence::kReady);
  set_state(a2_, store::AgentPresence::kBreak);
  events::PresenceTracker tracker(std::chrono::seconds(30));
  tracker.on_connections(u1_, 1, clock_.now());
  tracker.on_connections(u2_, 1, clock_.now());
  tracker.on_connections(u1_, 0, clock_.now());
  tracker.on_connections(u2_, 0, clock_.now());
  clock_.advance(std::chrono::seconds(31));
  tracker.tick(clock_.now(), *bridge_);
  run_jobs();
  EXPECT_EQ(acd_->agent_state(a1_), routing::AgentState::kBreak);
  EXPECT_EQ(acd_->extension_of(a1_), "8001");
  EXPECT_EQ(acd_->extension_of(a2_), "8002");
  auto states = received(*lin_, "agent.state");
  ASSERT_FALSE(states.empty());
  EXPECT_EQ(states.back()["extension"], "8001");
}

TEST(QueueStats, TodayStartsAtTheCentresMidnight) {
  QueueStats stats(8 * 60);
  stats.add_queue("general", 20);
  // 2026-11-18 23:59:00 in Beijing = 15:59:00 UTC.
  TimePoint before = from_unix_ms(1'795'017'540'000);
  stats.queued("a", "general", before);
  stats.answered("a", before + std::chrono::seconds(10));
  EXPECT_EQ(stats.figures(before + std::chrono::seconds(30))[0].answered_today, 1);
  auto after = stats.figures(before + std::chrono::minutes(2));  // 00:01 the next day
  EXPECT_EQ(after[0].answered_today, 0);
  EXPECT_FALSE(after[0].service_level_today.has_value());
}

TEST(QueueStats, ACentreInAnotherZoneCountsFromItsOwnMidnight) {
  // A centre five hours behind UTC (centre.time_zone: Etc/GMT+5).
  auto offset = store::fixed_zone_offset_minutes("Etc/GMT+5");
  ASSERT_TRUE(offset.has_value());
  ASSERT_EQ(*offset, -5 * 60);
  QueueStats stats(*offset);
  stats.add_queue("general", 20);
  ManualClock clock(from_unix_ms(1'795'017'540'000));  // 2026-11-18 15:59 UTC = 10:59 local
  stats.queued("a", "general", clock.now());
  stats.answered("a", clock.now() + std::chrono::seconds(5));
  // Beijing's midnight (16:00 UTC) is not this centre's: the call still counts.
  clock.advance(std::chrono::minutes(2));
  EXPECT_EQ(stats.figures(clock.now())[0].answered_today, 1);
  // 23:58 local (04:58 UTC the next day): still today.
  clock.advance(std::chrono::hours(13) - std::chrono::minutes(3));
  stats.queued("b", "general", clock.now());
  stats.abandoned("b", clock.now() + std::chrono::seconds(30));
  auto late = stats.figures(clock.now() + std::chrono::seconds(40));
  EXPECT_EQ(late[0].answered_today, 1);
  EXPECT_EQ(late[0].abandoned_today, 1);
  // 00:01 local: a new day.
  clock.advance(std::chrono::minutes(3));
  auto next = stats.figures(clock.now());
  EXPECT_EQ(next[0].answered_today, 0);
  EXPECT_EQ(next[0].abandoned_today, 0);
  EXPECT_FALSE(next[0].service_level_today.has_value());
}

}  // namespace
}  // namespace sy::app
