// Hot-desking in the ACD: an agent who picked a seat phone is rung there, their own phone is not;
// the seat's registration decides whether they may go ready and its loss sets them not ready;
// nobody else may take the seat while they hold it; offline frees it. A real SQLite database,
// the real routing engine, a manual clock and a control "thread" run by the test.
#include <gtest/gtest.h>

#include <deque>
#include <future>

#include "app/acd_service.h"

namespace sy::app {
namespace {

class Sink final : public OfferSink {
 public:
  void offer(const AcdOffer& o) override { offers.push_back(o); }
  void notice(const AcdNotice& n) override { notices.push_back(n); }
  std::vector<AcdOffer> offers;
  std::vector<AcdNotice> notices;
};

class AcdSeatTest : public ::testing::Test {
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
    ASSERT_TRUE(repos_->queues.create(general).ok());
    lin_ = add_agent("lin", "8001");
    chen_ = add_agent("chen", "8002");
    AcdOptions options;
    options.require_registered_phone = true;
    acd_ = std::make_unique<AcdService>(
        *repos_, clock_, [this](std::function<void()> fn) { jobs_.push_back(std::move(fn)); },
        options);
    ASSERT_TRUE(acd_->load().ok());
    acd_->set_offer_sink(&sink_);
  }

  std::int64_t add_agent(const std::string& name, const std::string& ext) {
    store::NewUser u;
    u.username = name;
    u.password_hash = "$argon2id$x";
    auto user = repos_->users.create(u);
    EXPECT_TRUE(user.ok());
    store::NewAgent a;
    a.user_id = user->id;
    a.extension = ext;
    a.skills = {{"general", 5}};
    auto agent = repos_->agents.create(a);
    EXPECT_TRUE(agent.ok());
    return agent->id;
  }
  void run_jobs() {
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
    }
  }
  Status set_state(std::int64_t agent, store::AgentPresence s) {
    std::promise<Status> done;
    acd_->set_state(agent, s, "", "agent", [&](Status st) { done.set_value(st); });
    Status st = done.get_future().get();
    run_jobs();
    return st;
  }
  Status pick(std::int64_t agent, const std::string& ext) {
    return acd_->pick_seat(*repos_->agents.get(agent), ext);
  }
  QueuedCall call(const std::string& id) {
    QueuedCall c;
    c.call_id = id;
    c.queue = "general";
    return c;
  }

  ManualClock clock_{from_unix_ms(1'795'000'000'000)};
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::Repositories> repos_;
  std::deque<std::function<void()>> jobs_;
  Sink sink_;
  std::unique_ptr<AcdService> acd_;
  std::int64_t lin_ = 0, chen_ = 0;
};

TEST_F(AcdSeatTest, AQueuedCallRingsThePickedSeatNotTheAgentsOwnPhone) {
  acd_->agent_reachable("8001");  // lin's own phone is up too
  ASSERT_TRUE(pick(lin_, "8101").ok());
  EXPECT_EQ(acd_->extension_of(lin_), "8101");
  // The seat phone is not registered yet: lin may not go ready.
  EXPECT_EQ(set_state(lin_, store::AgentPresence::kReady).error().code, "phone_not_registered");
  acd_->agent_reachable("8101");
  ASSERT_TRUE(set_state(lin_, store::AgentPresence::kReady).ok());

  ASSERT_TRUE(acd_->enqueue(call("c-1")).ok());
  run_jobs();
  ASSERT_EQ(sink_.offers.size(), 1u);
  EXPECT_EQ(sink_.offers[0].extension, "8101");
  EXPECT_EQ(sink_.offers[0].agent_id, lin_);
  // While the call rings, lin cannot move, and nobody takes the seat.
  EXPECT_EQ(pick(lin_, "8001").error().code, "agent_busy");
  EXPECT_EQ(pick(chen_, "8101").error().code, "seat_taken");
  ASSERT_TRUE(acd_->accept("c-1").ok());
  ASSERT_TRUE(acd_->end("c-1").ok());

  // lin's own phone going away no longer matters; the seat phone going away does.
  acd_->agent_unreachable("8001");
  EXPECT_EQ(acd_->agent_state(lin_), routing::AgentState::kReady);
  acd_->agent_unreachable("8101");
  run_jobs();
  EXPECT_EQ(acd_->agent_state(lin_), routing::AgentState::kBreak);
}

TEST_F(AcdSeatTest, OfflineOrGoingBackFreesTheSeatForTheNextAgent) {
  ASSERT_TRUE(pick(lin_, "8101").ok());
  EXPECT_EQ(pick(chen_, "8101").error().code, "seat_taken");
  // Never another agent's own phone.
  EXPECT_EQ(pick(chen_, "8001").error().code, "seat_taken");
  ASSERT_TRUE(set_state(lin_, store::AgentPresence::kBreak).ok());
  EXPECT_EQ(acd_->extension_of(lin_), "8101");  // a break keeps the seat
  ASSERT_TRUE(set_state(lin_, store::AgentPresence::kOffline).ok());
  EXPECT_EQ(acd_->extension_of(lin_), "8001");
  ASSERT_TRUE(pick(chen_, "8101").ok());
  acd_->return_to_own_extension(chen_);
  EXPECT_EQ(acd_->extension_of(chen_), "8002");
  ASSERT_TRUE(pick(lin_, "8101").ok());

  // Back at their own phone, lin is rung there.
  ASSERT_TRUE(pick(lin_, "8001").ok());
  acd_->agent_reachable("8001");
  ASSERT_TRUE(set_state(lin_, store::AgentPresence::kReady).ok());
  ASSERT_TRUE(acd_->enqueue(call("c-2")).ok());
  run_jobs();
  ASSERT_EQ(sink_.offers.size(), 1u);
  EXPECT_EQ(sink_.offers[0].extension, "8001");
}

}  // namespace
}  // namespace sy::app
