// Consultation, transfer after it, three-way conference and cancelling, on real calls: the
// server's telephony parts (InboundCalls, the ACD, MediaHost, SipAdapter, CallControlService
// as the desktop's API calls it) over 127.0.0.1, with SIPp as the caller (speaking SIPp's
// G.711 recording) and as the agents' registered phones (answering and speaking the same).
// What each party hears is read from the media legs' loud-frame counters; muting one party
// shows whose voice a leg carries.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <thread>

#include "app/acd_service.h"
#include "app/call_control_service.h"
#include "app/call_record_writer.h"
#include "app/control_loop.h"
#include "app/flow_registry.h"
#include "app/inbound_calls.h"
#include "sip/media_host.h"
#include "sip/registrar.h"
#include "sip/sip_adapter.h"
#include "sip_test_support.h"

namespace sy::app {
namespace {

using namespace std::chrono_literals;
using sip::LegCounters;
using sip::testing::run_sipp;
using sip::testing::run_sipp_phone;

// The ACD's news as the desktop would get it (call.offered, call.updated).
class RecordingObserver final : public AcdObserver {
 public:
  void agent_changed(const AcdAgentChange&) override {}
  void call_queued(const QueuedCall&, TimePoint) override {}
  void call_offered(const AcdOffer& offer) override {
    std::lock_guard lock(mu_);
    offered_.push_back(offer);
  }
  void offer_withdrawn(const std::string&, std::int64_t, TimePoint) override {}
  void call_answered(const std::string&, std::int64_t, TimePoint) override {}
  void call_left(const std::string&, AcdCallEnd, TimePoint) override {}
  void call_updated(const AcdCallUpdate& update) override {
    std::lock_guard lock(mu_);
    updates_.push_back(update);
  }
  std::vector<AcdOffer> offered() {
    std::lock_guard lock(mu_);
    return offered_;
  }
  std::vector<AcdCallUpdate> updates() {
    std::lock_guard lock(mu_);
    return updates_;
  }

 private:
  std::mutex mu_;
  std::vector<AcdOffer> offered_;
  std::vector<AcdCallUpdate> updates_;
};

// Our media legs to phones are numbered from here, in the order they are dialled.
constexpr sip::CallId kFirstPhoneLeg = sip::CallId{1} << 62;

class ConsultCallTest : public ::testing::Test {
 protected:
  // MediaHost reports to InboundCalls, created after it: forwarded through this.
  struct Forward final : sip::MediaEvents {
    ConsultCallTest* test;
    explicit Forward(ConsultCallTest* t) : test(t) {}
    void on_digit(sip::CallId id, char d) override { test->calls_->on_digit(id, d); }
    void on_playback_finished(sip::CallId id, std::uint64_t seq) override {
      test->calls_->on_playback_finished(id, seq);
    }
    void on_recording_finished(sip::CallId id, const Result<media::RecordingMetadata>& r) override {
      test->calls_->on_recording_finished(id, r);
    }
  };

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sy-consult-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    auto opened = store::Database::open("sqlite:" + (dir_ / "db.sqlite").string());
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    db_ = std::move(*opened);
    ASSERT_TRUE(db_->migrate().ok());
    repos_ = std::make_unique<store::Repositories>(*db_, SystemClock::instance());
    store::NewSkill skill;
    skill.name = "general";
    ASSERT_TRUE(repos_->skills.create(skill).ok());
    store::NewQueue queue;
    queue.name = "general";
    queue.skills = {{"general", 1}};
    ASSERT_TRUE(repos_->queues.create(queue).ok());
    store::NewQueue empty;
    empty.name = "billing";
    empty.skills = {{"general", 9}};  // nobody is skilled enough: never a free agent
    ASSERT_TRUE(repos_->queues.create(empty).ok());
    agent_a_ = add_agent("lin", "8001");
    agent_b_ = add_agent("chen", "8002");
    agent_c_ = add_agent("wang", "8003");  // never registers a phone

    std::ofstream(dir_ / "flow.yaml") << "id: consult-test\n"
                                         "entry: q\n"
                                         "nodes:\n"
                                         "  q:\n"
                                         "    queue: {name: general}\n"
                                         "    branches: {closed: out}\n"
                                         "  out: {hangup: {reason: closed}}\n";
    auto flows = FlowRegistry::load({{"95598", (dir_ / "flow.yaml").string()}});
    ASSERT_TRUE(flows) << flows.error().message;
    flows_ = std::move(*flows);
    loop_.start();
    acd_ = std::make_unique<AcdService>(
        *repos_, SystemClock::instance(),
        [this](std::function<void()> fn) { loop_.post(std::move(fn)); }, AcdOptions{});
    ASSERT_TRUE(acd_->load().ok());
    acd_->set_observer(&observer_);
    records_ = std::make_unique<CallRecordWriter>(*repos_);
    InboundOptions options;
    options.tts_dir = (dir_ / "tts").string();
    options.acd = acd_.get();
    options.recordings_dir = (dir_ / "recordings").string();
    calls_ = std::make_unique<InboundCalls>(loop_, *flows_, media_, *repos_, *records_, options);
    media_.start();
    sip::SipOptions sip_options;
    sip_options.host = "127.0.0.1";
    sip_options.port = sip::testing::free_sip_port();
    ASSERT_NE(sip_options.port, 0);
    port_ = sip_options.port;
    sip::Registrar registrar;
    registrar.events = calls_.get();
    registrar.credentials = [](const std::string& ext) -> std::optional<sip::PhoneCredential> {
      return sip::PhoneCredential{sip::md5_hex(ext + ":switchyard:pw-" + ext), "switchyard"};
    };
    auto adapter = sip::SipAdapter::start(sip_options, *calls_, registrar);
    ASSERT_TRUE(adapter) << adapter.error().message;
    sip_ = std::move(*adapter);
    calls_->attach(sip_.get());
    calls_->start_timers();
    loop_.post([this] { acd_->set_offer_sink(calls_.get()); });
    control_ = std::make_unique<CallControlService>(loop_, *calls_);
  }

  void TearDown() override {
    if (sip_) sip_->stop();
    media_.stop();
    if (calls_) calls_->stop();
    if (records_) records_->flush();
    loop_.stop();
    for (auto& phone : phones_)
      if (phone.valid()) phone.wait();
    if (caller_.valid()) caller_.wait();
    std::filesystem::remove_all(dir_);
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

  // SIPp as the phone of `ext` running `scenario`, registered; returns its future exit code
  // (0: it got exactly the calls the scenario expects, e.g. our BYE or CANCEL at the end).
  std::shared_future<int> phone(const std::string& ext, const std::string& scenario) {
    uint16_t sip_port = sip::testing::free_sip_port();
    uint16_t media_port = sip::testing::free_media_port();
    std::string keys = " -key ext " + ext + " -t u1";
    std::shared_future<int> done =
        std::async(std::launch::async, [=] {
          return run_sipp_phone(sip_port, scenario, "-mp " + std::to_string(media_port) + keys);
        }).share();
    std::this_thread::sleep_for(100ms);  // SIPp binds its port (a process start, not a timer)
    EXPECT_EQ(run_sipp(port_, "register.xml",
                       "-au " + ext + " -ap pw-" + ext + " -key expires 300 -key contact_port " +
                           std::to_string(sip_port) + keys),
              0);
    phones_.push_back(done);
    return done;
  }

  void ready(std::int64_t agent) {
    Status st = acd_->change_state(agent, store::AgentPresence::kReady, "", "agent");
    ASSERT_TRUE(st.ok()) << st.error().message;
  }
  std::optional<routing::AgentState> state_of(std::int64_t agent) {
    std::promise<std::optional<routing::AgentState>> p;
    loop_.post([&] { p.set_value(acd_->agent_state(agent)); });
    return p.get_future().get();
  }

  // A caller reaches the queue and agent A (8001) answers; returns the call id. The caller
  // speaks SIPp's recording and waits for our BYE, or (call_bye.xml, -d ms) hangs up.
  std::string connected_call(const std::string& scenario = "call_pcap.xml",
                             const std::string& extra = "") {
    phone("8001", "agent_answer.xml");
    ready(agent_a_);
    uint16_t media_port = sip::testing::free_media_port();
    caller_ = std::async(std::launch::async, [=, this] {
      return run_sipp(port_, scenario, "-mp " + std::to_string(media_port) + " " + extra);
    });
    EXPECT_TRUE(until([&] { return !observer_.offered().empty(); }));
    if (observer_.offered().empty()) return "";
    std::string id = observer_.offered()[0].call_id;
    EXPECT_TRUE(until([&] { return state(id) == "talking"; })) << state(id);
    caller_leg_ = std::strtoull(id.c_str() + id.rfind('-') + 1, nullptr, 10);
    return id;
  }

  api::CallActor actor(std::int64_t agent, const std::string& ext) {
    api::CallActor a;
    a.user_id = agent;
    a.agent_id = agent;
    a.extension = ext;
    return a;
  }
  api::CallActor agent_a() { return actor(agent_a_, "8001"); }
  api::CallActor agent_b() { return actor(agent_b_, "8002"); }
  static api::CallTarget extension(const std::string& ext) {
    return {api::CallTarget::Kind::kExtension, ext};
  }

  std::string state(const std::string& id) {
    auto live = control_->find(id);
    return live ? live->state : live.error().code;
  }
  bool until(std::function<bool()> pred, std::chrono::milliseconds limit = 8s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (pred()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return pred();
  }
  LegCounters counters(sip::CallId leg) { return media_.leg_counters(leg).value_or(LegCounters{}); }
  // Loud frames the leg was sent over `ms` of live media: what that party heard.
  std::uint64_t heard(sip::CallId leg, int ms = 400) {
    std::uint64_t before = counters(leg).loud_frames_out;
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return counters(leg).loud_frames_out - before;
  }
  void mute(const api::CallActor& who, const std::string& id, bool on) {
    Status st = on ? control_->mute(id, who) : control_->unmute(id, who);
    ASSERT_TRUE(st.ok()) << st.error().message;
    std::this_thread::sleep_for(80ms);  // frames already mixed
  }
  std::string error_code(const Status& st) { return st ? std::string("ok") : st.error().code; }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<store::Repositories> repos_;
  std::unique_ptr<FlowRegistry> flows_;
  ControlLoop loop_;
  std::unique_ptr<AcdService> acd_;
  RecordingObserver observer_;
  std::unique_ptr<CallRecordWriter> records_;
  std::unique_ptr<InboundCalls> calls_;
  Forward forward_{this};
  sip::MediaHost media_{"127.0.0.1", {44000, 44999}, forward_};
  std::unique_ptr<sip::SipAdapter> sip_;
  std::unique_ptr<CallControlService> control_;
  uint16_t port_ = 0;
  std::vector<std::shared_future<int>> phones_;
  std::future<int> caller_;
  sip::CallId caller_leg_ = 0;
  std::int64_t agent_a_ = 0, agent_b_ = 0, agent_c_ = 0;
};

// Consultation then transfer: the caller is held (hold tone) while agent A and extension 8002
// talk; after complete-transfer A's phone gets BYE and the ACD frees A; the caller talks with
// 8002, whose agent now owns the call (hold from their desktop works), is offered no queued
// call meanwhile and is free again when it ends.
TEST_F(ConsultCallTest, ConsultThenCompleteTransferLeavesTheCallerWithTheConsultedAgent) {
  std::string id = connected_call();
  ASSERT_FALSE(id.empty());
  const sip::CallId agent_leg = kFirstPhoneLeg, b_leg = kFirstPhoneLeg + 1;
  auto phone_b = phone("8002", "agent_answer.xml");
  ready(agent_b_);
  EXPECT_EQ(error_code(control_->complete_transfer(id, agent_a())), "invalid_call_state");

  ASSERT_EQ(error_code(control_->consult(id, agent_a(), extension("8002"))), "ok");
  EXPECT_EQ(state(id), "consulting");
  EXPECT_EQ(state_of(agent_b_), routing::AgentState::kOnCall);  // no ACD offers meanwhile
  ASSERT_TRUE(until([&] { return counters(b_leg).loud_frames_in > 10; }));
  EXPECT_GE(heard(agent_leg), 8u) << "the agent hears the consulted party";
  EXPECT_GE(heard(b_leg), 8u) << "the consulted party hears the agent";
  EXPECT_GE(heard(caller_leg_), 8u) << "the caller hears the hold tone";
  mute(agent_a(), id, true);  // now 8002 could only hear the caller: it must hear nothing
  EXPECT_EQ(heard(b_leg, 300), 0u);
  mute(agent_a(), id, false);
  auto updates = observer_.updates();
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.back().state, "consulting");
  EXPECT_EQ(updates.back().consult_target, "8002");
  EXPECT_TRUE(updates.back().consult_answered);
  EXPECT_EQ(updates.back().agent_id, agent_a_);

  ASSERT_EQ(error_code(control_->complete_transfer(id, agent_a())), "ok");
  EXPECT_EQ(phones_[0].get(), 0) << "agent A's phone got BYE";
  EXPECT_EQ(state(id), "talking");
  auto live = control_->find(id);
  ASSERT_TRUE(live);
  EXPECT_EQ(live->agent_id, agent_b_);
  EXPECT_EQ(state_of(agent_a_), routing::AgentState::kReady);  // the ACD's end of a call
  EXPECT_EQ(state_of(agent_b_), routing::AgentState::kOnCall);
  EXPECT_GE(heard(caller_leg_), 8u) << "the caller hears 8002";
  EXPECT_GE(heard(b_leg), 8u) << "8002 hears the caller";
  EXPECT_EQ(error_code(control_->hold(id, agent_a())), "not_your_call");
  ASSERT_EQ(error_code(control_->hold(id, agent_b())), "ok");
  EXPECT_EQ(observer_.updates().back().state, "held");
  EXPECT_EQ(observer_.updates().back().agent_id, agent_b_);
  ASSERT_EQ(error_code(control_->hangup(id, agent_b())), "ok");
  EXPECT_EQ(caller_.get(), 0);
  EXPECT_EQ(phone_b.get(), 0);
  EXPECT_TRUE(until([&] { return state_of(agent_b_) == routing::AgentState::kReady; }));
  EXPECT_EQ(observer_.updates().back().state, "ended");  // B's desktop learns the call ended
  EXPECT_EQ(observer_.updates().back().agent_id, agent_b_);
}

// A three-way conference: everyone hears everyone; when the agent hangs up, the caller and the
// consulted party stay together.
TEST_F(ConsultCallTest, ConferenceJoinsAllThreeAndSurvivesTheAgentLeaving) {
  std::string id = connected_call();
  ASSERT_FALSE(id.empty());
  const sip::CallId agent_leg = kFirstPhoneLeg, b_leg = kFirstPhoneLeg + 1;
  auto phone_b = phone("8002", "agent_answer.xml");
  EXPECT_EQ(error_code(control_->conference(id, agent_a())), "invalid_call_state");
  ASSERT_EQ(error_code(control_->consult(id, agent_a(), extension("8002"))), "ok");
  ASSERT_TRUE(until([&] { return counters(b_leg).loud_frames_in > 10; }));
  ASSERT_EQ(error_code(control_->conference(id, agent_a())), "ok");
  EXPECT_EQ(state(id), "conference");
  EXPECT_EQ(observer_.updates().back().state, "conference");
  EXPECT_GE(heard(agent_leg), 8u);
  mute(agent_a(), id, true);  // what the caller and 8002 hear now comes from each other
  EXPECT_GE(heard(caller_leg_), 8u) << "the caller hears 8002";
  EXPECT_GE(heard(b_leg), 8u) << "8002 hears the caller";
  mute(agent_a(), id, false);

  ASSERT_EQ(error_code(control_->hangup(id, agent_a())), "ok");
  EXPECT_EQ(phones_[0].get(), 0) << "agent A's phone got BYE";
  EXPECT_EQ(state(id), "talking");
  EXPECT_EQ(control_->find(id)->agent_id, agent_b_);
  EXPECT_GE(heard(caller_leg_), 8u);
  EXPECT_GE(heard(b_leg), 8u);
  ASSERT_EQ(error_code(control_->hangup(id, agent_b())), "ok");
  EXPECT_EQ(caller_.get(), 0);
  EXPECT_EQ(phone_b.get(), 0);
}

// Cancelling while the consulted phone rings sends it CANCEL; the caller and the agent talk
// again. A consulted party who hangs up by themselves ends the consultation the same way.
TEST_F(ConsultCallTest, CancelledOrHungUpConsultationReconnectsCallerAndAgent) {
  std::string id = connected_call();
  ASSERT_FALSE(id.empty());
  const sip::CallId agent_leg = kFirstPhoneLeg;
  auto ringing = phone("8002", "agent_ring.xml");
  ASSERT_EQ(error_code(control_->consult(id, agent_a(), extension("8002"))), "ok");
  EXPECT_EQ(state(id), "consulting");
  EXPECT_EQ(heard(agent_leg, 300), 0u) << "the caller is on hold: the agent hears nothing";
  ASSERT_EQ(error_code(control_->cancel_consult(id, agent_a())), "ok");
  EXPECT_EQ(ringing.get(), 0) << "8002 got CANCEL";
  EXPECT_EQ(state(id), "talking");
  EXPECT_EQ(state_of(agent_b_), routing::AgentState::kOffline);  // as before the consultation
  EXPECT_EQ(observer_.updates().back().state, "talking");
  EXPECT_EQ(observer_.updates().back().consult_target, "");
  EXPECT_GE(heard(agent_leg), 8u) << "the agent hears the caller again";
  mute(agent_a(), id, true);
  EXPECT_EQ(heard(caller_leg_, 300), 0u) << "no hold tone any more";
  mute(agent_a(), id, false);
  EXPECT_EQ(error_code(control_->cancel_consult(id, agent_a())), "invalid_call_state");

  // A phone that answers and hangs up on its own after a moment.
  auto hangs_up = phone("8002", "agent_hangup.xml");
  ASSERT_EQ(error_code(control_->consult(id, agent_a(), extension("8002"))), "ok");
  EXPECT_EQ(hangs_up.get(), 0);
  EXPECT_TRUE(until([&] { return state(id) == "talking"; })) << state(id);
  EXPECT_GE(heard(agent_leg), 8u);
  ASSERT_EQ(error_code(control_->hangup(id, agent_a())), "ok");
  EXPECT_EQ(caller_.get(), 0);
}

// Targets that cannot take a consultation, and a queue consultation that finds a free agent.
TEST_F(ConsultCallTest, UnavailableTargetsAreRefusedAndAQueueFindsAFreeAgent) {
  std::string id = connected_call();
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(error_code(control_->consult(id, agent_a(), extension("8003"))), "target_unavailable")
      << "an agent's extension without a registered phone";
  EXPECT_EQ(error_code(control_->consult(id, agent_a(), extension("8999"))), "target_not_found");
  EXPECT_EQ(error_code(control_->consult(id, agent_a(), extension("8001"))), "target_unavailable");
  EXPECT_EQ(
      error_code(control_->consult(id, agent_a(), {api::CallTarget::Kind::kQueue, "billing"})),
      "target_unavailable");
  EXPECT_EQ(error_code(control_->consult(id, agent_a(), {api::CallTarget::Kind::kQueue, "nope"})),
            "target_not_found");
  EXPECT_EQ(state(id), "talking");

  auto phone_b = phone("8002", "agent_answer.xml");
  ready(agent_b_);
  ASSERT_EQ(
      error_code(control_->consult(id, agent_a(), {api::CallTarget::Kind::kQueue, "general"})),
      "ok");
  EXPECT_EQ(observer_.updates().back().consult_target, "8002");
  EXPECT_EQ(state_of(agent_b_), routing::AgentState::kOnCall);
  ASSERT_TRUE(until([&] { return observer_.updates().back().consult_answered; }));
  ASSERT_EQ(error_code(control_->cancel_consult(id, agent_a())), "ok");
  EXPECT_EQ(phone_b.get(), 0) << "8002 got BYE";
  EXPECT_EQ(state_of(agent_b_), routing::AgentState::kReady);  // back to taking calls
  ASSERT_EQ(error_code(control_->hangup(id, agent_a())), "ok");
  EXPECT_EQ(caller_.get(), 0);
}

// The consulted party of a conference hangs up: the caller and the agent talk on.
TEST_F(ConsultCallTest, ConferenceGoesBackToTheAgentWhenTheThirdPartyLeaves) {
  std::string id = connected_call();
  ASSERT_FALSE(id.empty());
  const sip::CallId agent_leg = kFirstPhoneLeg;
  auto leaves = phone("8002", "agent_hangup.xml");  // answers, hangs up after 0.8 s
  ASSERT_EQ(error_code(control_->consult(id, agent_a(), extension("8002"))), "ok");
  ASSERT_TRUE(until([&] { return observer_.updates().back().consult_answered; }));
  ASSERT_EQ(error_code(control_->conference(id, agent_a())), "ok");
  EXPECT_EQ(leaves.get(), 0);
  EXPECT_TRUE(until([&] { return state(id) == "talking"; })) << state(id);
  EXPECT_EQ(observer_.updates().back().state, "talking");
  EXPECT_GE(heard(agent_leg), 8u) << "the agent hears the caller";
  mute(agent_a(), id, true);
  EXPECT_EQ(heard(caller_leg_, 300), 0u) << "neither hold tone nor anyone else";
  ASSERT_EQ(error_code(control_->hangup(id, agent_a())), "ok");
  EXPECT_EQ(caller_.get(), 0);
}

// A caller who hangs up during a conference ends it for everyone.
TEST_F(ConsultCallTest, TheCallerHangingUpEndsTheConferenceForEveryone) {
  std::string id = connected_call("call_bye.xml", "-d 2500");
  ASSERT_FALSE(id.empty());
  auto phone_b = phone("8002", "agent_answer.xml");
  ready(agent_b_);
  ASSERT_EQ(error_code(control_->consult(id, agent_a(), extension("8002"))), "ok");
  ASSERT_TRUE(until([&] { return observer_.updates().back().consult_answered; }));
  ASSERT_EQ(error_code(control_->conference(id, agent_a())), "ok");
  EXPECT_EQ(caller_.get(), 0);
  EXPECT_EQ(phones_[0].get(), 0) << "agent A's phone got BYE";
  EXPECT_EQ(phone_b.get(), 0) << "8002 got BYE";
  EXPECT_EQ(state(id), "call_not_found");
  EXPECT_TRUE(until([&] { return state_of(agent_b_) == routing::AgentState::kReady; }));
}

}  // namespace
}  // namespace sy::app
