// The ACD service as the telephony side and the agent desktop drive it: a real SQLite database,
// the real routing engine, a manual clock, and a control "thread" that runs queued jobs when
// the test says so. No sleeps.
#include "app/acd_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <future>

#include "app/control_loop.h"

namespace sy::app {
namespace {

class RecordingSink final : public OfferSink {
 public:
  void offer(const AcdOffer& o) override { offers.push_back(o); }
  void notice(const AcdNotice& n) override { notices.push_back(n); }
  std::vector<AcdOffer> offers;
  std::vector<AcdNotice> notices;
};

class AcdServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Database::open("sqlite::memory:");
    ASSERT_TRUE(opened.ok());
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->migrate().ok());
    repos_ = std::make_unique<store::Repositories>(*db_, clock_);
    for (const char* s : {"general", "repair", "minnan"}) {
      store::NewSkill skill;
      skill.name = s;
      ASSERT_TRUE(repos_->skills.create(skill).ok());
    }
    store::NewQueue general;
    general.name = "general";
    general.skills = {{"general", 1}};
    ASSERT_TRUE(repos_->queues.create(general).ok());
    store::NewQueue repair;
    repair.name = "repair";
    repair.skills = {{"repair", 3}};
    repair.rules_json = R"({"max_wait_s": 300, "max_wait_action": "callback"})";
    ASSERT_TRUE(repos_->queues.create(repair).ok());
    a1_ = add_agent("lin", "8001", {{"general", 5}, {"repair", 5}});
    a2_ = add_agent("chen", "8002", {{"general", 5}, {"repair", 4}});
  }

  std::int64_t add_agent(const std::string& name, const std::string& ext,
                         std::vector<store::NamedLevel> skills) {
    store::NewUser u;
    u.username = name;
    u.password_hash = "$argon2id$x";
    auto user = repos_->users.create(u);
    EXPECT_TRUE(user.ok());
    store::NewAgent a;
    a.user_id = user->id;
    a.extension = ext;
    a.skills = std::move(skills);
    auto agent = repos_->agents.create(a);
    EXPECT_TRUE(agent.ok());
    return agent->id;
  }

  std::unique_ptr<AcdService> make(AcdOptions options = {}) {
    auto acd = std::make_unique<AcdService>(
        *repos_, clock_, [this](std::function<void()> fn) { jobs_.push_back(std::move(fn)); },
        options);
    Status st = acd->load();
    EXPECT_TRUE(st.ok()) << st.error().message;
    acd->set_offer_sink(&sink_);
    return acd;
  }
  void run_jobs() {
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
    }
  }
  // A presence change as the control thread makes it; waits until it is durable.
  Status set_state(AcdService& acd, std::int64_t agent, store::AgentPresence s,
                   const std::string& reason = "") {
    std::promise<Status> done;
    acd.set_state(agent, s, reason, "agent", [&](Status st) { done.set_value(st); });
    Status st = done.get_future().get();
    run_jobs();
    return st;
  }
  // Writes are FIFO: once a no-op write is durable, every earlier one is too.
  void flush_writes() { ASSERT_TRUE(db_->write([](store::Connection&) { return ok_status(); }).ok()); }
  store::Agent stored(std::int64_t id) { return *repos_->agents.get(id); }
  QueuedCall call(const std::string& id, const std::string& queue = "general") {
    QueuedCall c;
    c.call_id = id;
    c.queue = queue;
    return c;
  }

  ManualClock clock_{from_unix_ms(1'795'000'000'000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::Repositories> repos_;
  std::deque<std::function<void()>> jobs_;
  RecordingSink sink_;
  std::int64_t a1_ = 0, a2_ = 0;
};

TEST_F(AcdServiceTest, AReadyAgentsPhoneIsOfferedTheQueuedCall) {
  auto acd = make();
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kReady).ok());
  EXPECT_EQ(stored(a1_).state, store::AgentPresence::kReady);

  auto queued = acd->enqueue(call("c-1", "repair"));
  ASSERT_TRUE(queued.ok()) << queued.error().message;
  EXPECT_EQ(queued->position, 0);  // an agent was free: no waiting, nothing to announce
  EXPECT_TRUE(sink_.offers.empty());  // offers go out on the control thread's next turn
  run_jobs();
  ASSERT_EQ(sink_.offers.size(), 1u);
  EXPECT_EQ(sink_.offers[0].call_id, "c-1");
  EXPECT_EQ(sink_.offers[0].extension, "8001");
  EXPECT_EQ(sink_.offers[0].agent_id, a1_);
  EXPECT_EQ(sink_.offers[0].queue, "repair");
  EXPECT_EQ(sink_.offers[0].deadline, clock_.now() + std::chrono::seconds(20));
  EXPECT_NE(acd->routing_reason("c-1").find("lin"), std::string::npos) << acd->routing_reason("c-1");
  ASSERT_TRUE(acd->accept("c-1").ok());
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kOnCall);
  clock_.advance(std::chrono::minutes(3));
  ASSERT_TRUE(acd->end("c-1").ok());
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kReady);
  EXPECT_EQ(acd->accept("c-1").error().code, "call_not_queued");
}

TEST_F(AcdServiceTest, RingNoAnswerSetsTheAgentNotReadyAndTheCallKeepsItsPlace) {
  AcdOptions options;
  options.ring_timeout = std::chrono::seconds(15);
  auto acd = make(options);
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kReady).ok());
  ASSERT_TRUE(acd->enqueue(call("first")).ok());
  run_jobs();
  ASSERT_EQ(sink_.offers.size(), 1u);
  clock_.advance(std::chrono::seconds(1));
  auto second = acd->enqueue(call("second"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->position, 1);  // "first" is ringing, not waiting

  clock_.advance(std::chrono::seconds(15));
  acd->tick();
  ASSERT_EQ(sink_.notices.size(), 1u);
  EXPECT_EQ(sink_.notices[0].kind, AcdNotice::Kind::kOfferWithdrawn);
  EXPECT_EQ(sink_.notices[0].call_id, "first");
  EXPECT_EQ(sink_.notices[0].extension, "8001");
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kBreak);
  flush_writes();
  EXPECT_EQ(stored(a1_).state, store::AgentPresence::kBreak);
  EXPECT_EQ(stored(a1_).state_reason, "no_answer");
  auto history = repos_->agents.state_history(a1_, {1, 10});
  ASSERT_EQ(history->items.at(0).source, "system");

  // Back at its old place: ahead of the call that came later.
  EXPECT_EQ(acd->wait_estimate("first")->position, 1);
  EXPECT_EQ(acd->wait_estimate("second")->position, 2);
  ASSERT_TRUE(set_state(*acd, a2_, store::AgentPresence::kReady).ok());
  ASSERT_EQ(sink_.offers.size(), 2u);
  EXPECT_EQ(sink_.offers[1].call_id, "first");
  EXPECT_EQ(sink_.offers[1].extension, "8002");
}

TEST_F(AcdServiceTest, ThePhoneReportingNoAnswerDoesTheSame) {
  auto acd = make();
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kReady).ok());
  ASSERT_TRUE(set_state(*acd, a2_, store::AgentPresence::kReady).ok());
  ASSERT_TRUE(acd->enqueue(call("c-9")).ok());
  run_jobs();
  ASSERT_EQ(sink_.offers.size(), 1u);
  std::int64_t first_agent = sink_.offers[0].agent_id;
  ASSERT_TRUE(acd->ring_no_answer("c-9").ok());
  run_jobs();
  ASSERT_EQ(sink_.offers.size(), 2u);
  EXPECT_NE(sink_.offers[1].agent_id, first_agent);
  flush_writes();
  EXPECT_EQ(stored(first_agent).state, store::AgentPresence::kBreak);
}

TEST_F(AcdServiceTest, AnUnreachablePhoneTakesTheAgentOffAtOnce) {
  AcdOptions options;
  options.require_registered_phone = true;
  auto acd = make(options);
  Status refused = set_state(*acd, a1_, store::AgentPresence::kReady);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, "phone_not_registered");
  acd->agent_reachable("8001");
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kReady).ok());

  acd->agent_unreachable("8001");  // registration expired
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kBreak);
  flush_writes();
  EXPECT_EQ(stored(a1_).state, store::AgentPresence::kBreak);
  EXPECT_EQ(stored(a1_).state_reason, "phone_unreachable");
  ASSERT_TRUE(acd->enqueue(call("c-2")).ok());
  run_jobs();
  EXPECT_TRUE(sink_.offers.empty());
}

TEST_F(AcdServiceTest, QueuedCallersHearTheirPositionAndEstimatedWait) {
  auto acd = make();
  for (int i = 0; i < 3; ++i) {
    auto r = acd->enqueue(call("w-" + std::to_string(i)));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->position, i + 1);
    clock_.advance(std::chrono::seconds(1));
  }
  auto third = acd->wait_estimate("w-2");
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(third->position, 3);
  EXPECT_GT(third->estimated_wait_s, 0);
  ASSERT_TRUE(acd->abandon("w-0").ok());
  EXPECT_EQ(acd->wait_estimate("w-2")->position, 2);
  EXPECT_EQ(acd->enqueue(call("x", "nosuch")).error().code, "queue_not_found");
  EXPECT_EQ(acd->enqueue(call("w-1")).error().code, "call_queued");
}

TEST_F(AcdServiceTest, LongWaitOffersACallbackThatKeepsThePlace) {
  auto acd = make();
  ASSERT_TRUE(acd->enqueue(call("r-1", "repair")).ok());
  run_jobs();
  clock_.advance(std::chrono::seconds(301));
  acd->tick();
  ASSERT_EQ(sink_.notices.size(), 1u);
  EXPECT_EQ(sink_.notices[0].kind, AcdNotice::Kind::kCallbackOffered);
  ASSERT_TRUE(acd->callback_accepted("r-1").ok());
  EXPECT_EQ(acd->wait_estimate("r-1")->position, 1);
}

TEST_F(AcdServiceTest, StatesLeftByAnEarlierRunAreResetAndApiChangesGoThroughTheLoop) {
  ASSERT_TRUE(repos_->agents
                  .record_state({0, a1_, store::AgentPresence::kReady, "", "agent", clock_.now()})
                  .ok());
  ControlLoop loop;
  AcdService acd(*repos_, clock_, [&loop](std::function<void()> fn) { loop.post(std::move(fn)); },
                 {});
  ASSERT_TRUE(acd.load().ok());
  EXPECT_EQ(stored(a1_).state, store::AgentPresence::kOffline);
  EXPECT_EQ(stored(a1_).state_reason, "server_restart");
  loop.start();
  // An agent created after the start joins on their first state change.
  std::int64_t late = add_agent("late", "8009", {{"general", 2}});
  ASSERT_TRUE(acd.change_state(late, store::AgentPresence::kBreak, "lunch", "agent").ok());
  EXPECT_EQ(stored(late).state, store::AgentPresence::kBreak);  // durable when answered
  EXPECT_EQ(stored(late).state_reason, "lunch");
  EXPECT_EQ(acd.change_state(9999, store::AgentPresence::kReady, "", "agent").error().code,
            "agent_not_found");
  loop.stop();
}

// ---- after-call work (acd.wrap_up_s) ----------------------------------------------------

class AcdWrapUpTest : public AcdServiceTest {
 protected:
  // lin takes call c-1 and hangs up after two minutes; chen stays offline.
  std::unique_ptr<AcdService> after_call(int wrap_up_s) {
    AcdOptions options;
    options.wrap_up = std::chrono::seconds(wrap_up_s);
    auto acd = make(options);
    EXPECT_TRUE(set_state(*acd, a1_, store::AgentPresence::kReady).ok());
    EXPECT_TRUE(acd->enqueue(call("c-1")).ok());
    run_jobs();
    EXPECT_EQ(sink_.offers.size(), 1u);
    EXPECT_TRUE(acd->accept("c-1").ok());
    clock_.advance(std::chrono::minutes(2));
    EXPECT_TRUE(acd->end("c-1").ok());
    run_jobs();
    return acd;
  }
  // The next caller waits in the queue.
  void next_caller(AcdService& acd) {
    ASSERT_TRUE(acd.enqueue(call("c-2")).ok());
    run_jobs();
  }
  std::size_t offers_for(const std::string& call_id) const {
    return static_cast<std::size_t>(std::count_if(sink_.offers.begin(), sink_.offers.end(),
                                                  [&](const AcdOffer& o) { return o.call_id == call_id; }));
  }
};

TEST_F(AcdWrapUpTest, AfterTheCallTheAgentIsInWrapUpAndThenReadyAndOffered) {
  auto acd = after_call(15);
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kWrapUp);
  next_caller(*acd);
  EXPECT_EQ(offers_for("c-2"), 0u);  // not offered while writing the wrap-up
  clock_.advance(std::chrono::seconds(14));
  acd->tick();
  run_jobs();
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kWrapUp);
  EXPECT_EQ(offers_for("c-2"), 0u);
  clock_.advance(std::chrono::seconds(1));
  acd->tick();
  run_jobs();
  ASSERT_EQ(offers_for("c-2"), 1u);
  EXPECT_EQ(sink_.offers.back().agent_id, a1_);
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kReserved);
  flush_writes();
  // History, newest first: ready (system, when the work ran out), wrap_up (after_call_work).
  auto history = repos_->agents.state_history(a1_, {1, 10});
  ASSERT_TRUE(history.ok());
  ASSERT_GE(history->items.size(), 3u);
  EXPECT_EQ(history->items.at(0).state, store::AgentPresence::kReady);
  EXPECT_EQ(history->items.at(0).source, "system");
  EXPECT_EQ(history->items.at(1).state, store::AgentPresence::kWrapUp);
  EXPECT_EQ(history->items.at(1).reason, "after_call_work");
  EXPECT_EQ(history->items.at(1).source, "system");
}

TEST_F(AcdWrapUpTest, ReadyPressedDuringWrapUpEndsItAtOnce) {
  auto acd = after_call(60);
  next_caller(*acd);
  EXPECT_EQ(offers_for("c-2"), 0u);
  clock_.advance(std::chrono::seconds(5));
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kReady).ok());
  ASSERT_EQ(offers_for("c-2"), 1u);
  EXPECT_EQ(sink_.offers.back().agent_id, a1_);
}

TEST_F(AcdWrapUpTest, BreakChosenDuringWrapUpStaysBreak) {
  auto acd = after_call(15);
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kBreak, "lunch").ok());
  next_caller(*acd);
  clock_.advance(std::chrono::seconds(60));
  acd->tick();
  run_jobs();
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kBreak);
  EXPECT_EQ(offers_for("c-2"), 0u);
  flush_writes();
  EXPECT_EQ(stored(a1_).state, store::AgentPresence::kBreak);
}

TEST_F(AcdWrapUpTest, WrapUpChosenByHandStaysUntilReady) {
  auto acd = after_call(15);
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kWrapUp).ok());
  next_caller(*acd);
  clock_.advance(std::chrono::minutes(10));
  acd->tick();
  run_jobs();
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kWrapUp);
  EXPECT_EQ(offers_for("c-2"), 0u);
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kReady).ok());
  EXPECT_EQ(offers_for("c-2"), 1u);
}

TEST_F(AcdWrapUpTest, ZeroMeansReadyRightAfterTheCall) {
  auto acd = after_call(0);
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kReady);
  next_caller(*acd);
  ASSERT_EQ(offers_for("c-2"), 1u);
  EXPECT_EQ(sink_.offers.back().agent_id, a1_);
}

TEST_F(AcdWrapUpTest, AnAgentWhoTookOverATransferredCallGetsAfterCallWorkToo) {
  AcdOptions options;
  options.wrap_up = std::chrono::seconds(15);
  auto acd = make(options);
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kOnCall).ok());  // marked busy
  acd->conversation_over(a1_);
  run_jobs();
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kWrapUp);
  clock_.advance(std::chrono::seconds(15));
  acd->tick();
  run_jobs();
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kReady);

  auto plain = make();  // wrap_up 0: ready at once, as before
  ASSERT_TRUE(set_state(*plain, a2_, store::AgentPresence::kOnCall).ok());
  plain->conversation_over(a2_);
  run_jobs();
  flush_writes();
  EXPECT_EQ(plain->agent_state(a2_), routing::AgentState::kReady);
}

TEST_F(AcdWrapUpTest, AnAgentSetNotReadyByRingNoAnswerIsNotTouched) {
  AcdOptions options;
  options.wrap_up = std::chrono::seconds(15);
  auto acd = make(options);
  ASSERT_TRUE(set_state(*acd, a1_, store::AgentPresence::kReady).ok());
  ASSERT_TRUE(acd->enqueue(call("c-1")).ok());
  run_jobs();
  ASSERT_TRUE(acd->ring_no_answer("c-1").ok());
  run_jobs();
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kBreak);
  clock_.advance(std::chrono::minutes(1));
  acd->tick();
  run_jobs();
  EXPECT_EQ(acd->agent_state(a1_), routing::AgentState::kBreak);
}

}  // namespace
}  // namespace sy::app
