// Answering a ringing agent phone from the network (SipAdapter::remote_answer), end to end over
// 127.0.0.1 with SIPp phones: our INVITE rings the phone, a NOTIFY with Event: talk goes into the
// early dialog, and a phone that supports it replies 200 and answers, so the caller (SIPp
// speaking G.711) is bridged and both hear each other. A phone that refuses the NOTIFY (489) or
// does not reply in time keeps ringing until the agent picks up the handset.
#include <gtest/gtest.h>

#include <condition_variable>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "sip/media_host.h"
#include "sip/registrar.h"
#include "sip/sip_adapter.h"
#include "sip_test_support.h"

namespace sy::sip {
namespace {

using namespace std::chrono_literals;
using testing::run_sipp;
using testing::run_sipp_phone;

// The page's desk phone scenario lives with the page tests; these tests drive it too.
const std::string kTalkPhone = "../../web/scenarios/agent_phone_talk.xml";

// The application's part, reduced: answer trunk calls into the media host, connect answered
// agent legs, release media when a leg ends.
class Centre final : public CallHandler, public MediaEvents {
 public:
  SipAdapter* sip = nullptr;
  MediaHost* media = nullptr;

  void on_incoming_call(const IncomingCall& call) override {
    auto port = media->open(call.id, call.audio);
    if (!port) return sip->reject(call.id, 503);
    sip->answer(call.id, LocalMedia{"127.0.0.1", *port, 0, 0});
    note([&] { inbound_.push_back(call.id); });
  }
  void on_call_established(CallId id) override {
    note([&] { established_.insert(id); });
  }
  void on_media_changed(CallId id, const NegotiatedAudio& audio) override {
    media->update(id, audio);
  }
  void on_call_ended(CallId id, CallEndReason) override {
    media->close(id);
    note([&] { ended_.insert(id); });
  }
  void on_outbound_ringing(CallId id) override {
    note([&] { ringing_.insert(id); });
  }
  void on_outbound_answered(CallId id, const NegotiatedAudio& audio) override {
    Status st = media->connect(id, audio);
    note([&] { answered_[id] = st.ok(); });
  }
  void on_outbound_failed(CallId id, int status) override {
    media->close(id);
    note([&] { failed_[id] = status; });
  }
  void on_digit(CallId, char) override {}
  void on_playback_finished(CallId, std::uint64_t) override {}
  void on_recording_finished(CallId, const Result<media::RecordingMetadata>&) override {}

  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(); });
  }
  bool answered(CallId id) {
    std::lock_guard lock(mu_);
    return answered_.count(id) > 0;
  }
  // Unlocked state for wait() predicates; read after a successful wait.
  std::vector<CallId> inbound_;
  std::set<CallId> established_, ringing_, ended_;
  std::map<CallId, bool> answered_;
  std::map<CallId, int> failed_;

 private:
  template <class F>
  void note(F f) {
    std::lock_guard lock(mu_);
    f();
    cv_.notify_all();
  }
  std::mutex mu_;
  std::condition_variable cv_;
};

// What remote_answer() reported, and when.
struct TalkReply {
  bool accepted = false;
  int status = 0;
  std::chrono::steady_clock::duration after{};
};

class RemoteAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    media_.start();
    SipOptions options;
    options.host = "127.0.0.1";
    options.port = testing::free_sip_port();
    ASSERT_NE(options.port, 0);
    options.remote_answer_timeout_ms = 1000;
    options.registration_check_ms = 100;
    port_ = options.port;
    Registrar registrar;
    registrar.credentials = [](const std::string& ext) -> std::optional<PhoneCredential> {
      return PhoneCredential{md5_hex(ext + ":switchyard:pw-" + ext), "switchyard"};
    };
    auto a = SipAdapter::start(options, centre_, registrar);
    ASSERT_TRUE(a) << a.error().message;
    sip_ = std::move(*a);
    centre_.sip = sip_.get();
    centre_.media = &media_;
  }
  void TearDown() override {
    if (sip_) sip_->stop();
    media_.stop();
  }

  // SIPp as the phone of `ext` running `scenario` (rings, then `ring_ms` of pause where the
  // scenario has one), registered over `transport`.
  std::future<int> start_phone(const std::string& ext, const std::string& scenario,
                               int ring_ms = 0, const std::string& transport = "u1") {
    uint16_t sip_port = testing::free_sip_port();
    uint16_t media_port = testing::free_media_port();
    std::string keys = " -key ext " + ext + " -t " + transport;
    std::string extra = "-mp " + std::to_string(media_port) + keys;
    if (ring_ms) extra += " -d " + std::to_string(ring_ms);
    auto phone = std::async(std::launch::async,
                            [=] { return run_sipp_phone(sip_port, scenario, extra); });
    std::this_thread::sleep_for(100ms);  // SIPp binds its port (a process start, not a timer)
    EXPECT_EQ(run_sipp(port_, "register.xml",
                       "-au " + ext + " -ap pw-" + ext + " -key expires 300 -key contact_port " +
                           std::to_string(sip_port) + keys),
              0);
    return phone;
  }

  // A caller from the trunk, answered by the centre; returns its leg id.
  CallId start_caller() {
    uint16_t media_port = testing::free_media_port();
    caller_ = std::async(std::launch::async, [=, this] {
      return run_sipp(port_, "call_pcap.xml", "-mp " + std::to_string(media_port));
    });
    EXPECT_TRUE(centre_.wait([&] { return !centre_.established_.empty(); }));
    return centre_.inbound_.empty() ? 0 : centre_.inbound_[0];
  }

  // Dials the agent phone and (unless told not to) waits until it rings.
  CallId ring(const std::string& ext, bool wait_for_ringing = true) {
    CallId id = sip_->new_call_id();
    auto port = media_.reserve(id);
    EXPECT_TRUE(port) << port.error().message;
    OutboundCall call;
    call.id = id;
    call.extension = ext;
    call.caller_number = "13800000000";
    call.local = LocalMedia{"127.0.0.1", *port, 0, 0};
    EXPECT_EQ(sip_->dial(call), id);
    if (wait_for_ringing) {
      EXPECT_TRUE(centre_.wait([&] { return centre_.ringing_.count(id) > 0; }));
    }
    return id;
  }

  // remote_answer() and its outcome (the callback runs on the SIP thread).
  TalkReply remote_answer(CallId leg) {
    auto reply = std::make_shared<std::promise<TalkReply>>();
    auto future = reply->get_future();
    auto asked = std::chrono::steady_clock::now();
    sip_->remote_answer(leg, [reply, asked](bool accepted, int status) {
      reply->set_value(TalkReply{accepted, status, std::chrono::steady_clock::now() - asked});
    });
    EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
    return future.get();
  }

  LegCounters counters(CallId id) { return media_.leg_counters(id).value_or(LegCounters{}); }
  // Waits (in real time: this is live RTP) until both people hear each other.
  bool conversation(CallId caller, CallId agent) {
    auto end = std::chrono::steady_clock::now() + 8s;
    auto both = [](const LegCounters& c) { return c.loud_frames_in >= 25 && c.loud_frames_out >= 25; };
    while (std::chrono::steady_clock::now() < end) {
      if (both(counters(caller)) && both(counters(agent))) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }

  void hang_up(CallId caller, CallId agent, std::future<int>& phone) {
    sip_->hangup(agent);
    sip_->hangup(caller);
    EXPECT_EQ(phone.get(), 0);  // the phone went through its scenario and took the BYE
    EXPECT_EQ(caller_.get(), 0);
    EXPECT_TRUE(centre_.wait([&] { return centre_.ended_.size() == 2; }));
  }

  Centre centre_;
  MediaHost media_{"127.0.0.1", {44000, 44999}, centre_};
  std::unique_ptr<SipAdapter> sip_;
  uint16_t port_ = 0;
  std::future<int> caller_;
};

TEST_F(RemoteAnswerTest, PhoneAcceptingTalkAnswersAndTheCallerIsBridgedBothWays) {
  auto phone = start_phone("1001", kTalkPhone);
  CallId caller = start_caller();
  CallId agent = ring("1001");
  std::this_thread::sleep_for(300ms);  // it rings and waits to be told
  EXPECT_FALSE(centre_.answered(agent));

  TalkReply reply = remote_answer(agent);
  EXPECT_TRUE(reply.accepted);
  EXPECT_EQ(reply.status, 200);
  ASSERT_TRUE(centre_.wait([&] { return centre_.answered_.count(agent) > 0; }));
  EXPECT_TRUE(centre_.answered_[agent]);
  ASSERT_TRUE(media_.bridge(caller, agent));
  EXPECT_TRUE(conversation(caller, agent))
      << "caller in " << counters(caller).loud_frames_in << " out "
      << counters(caller).loud_frames_out << ", agent in " << counters(agent).loud_frames_in
      << " out " << counters(agent).loud_frames_out;

  // Asking again once the phone answered: nothing to do, nothing sent.
  EXPECT_TRUE(remote_answer(agent).accepted);
  hang_up(caller, agent, phone);
}

TEST_F(RemoteAnswerTest, AskedBeforeThePhoneRingsTheNotifyFollowsItsRinging) {
  auto phone = start_phone("1001", kTalkPhone);
  CallId agent = ring("1001", /*wait_for_ringing=*/false);  // the agent clicks at once
  TalkReply reply = remote_answer(agent);
  EXPECT_TRUE(reply.accepted);
  EXPECT_EQ(reply.status, 200);
  ASSERT_TRUE(centre_.wait([&] { return centre_.answered_.count(agent) > 0; }));
  sip_->hangup(agent);
  EXPECT_EQ(phone.get(), 0);
}

TEST_F(RemoteAnswerTest, PhoneRefusingTalkKeepsRingingUntilTheAgentPicksUp) {
  auto phone = start_phone("1001", "agent_talk_refused.xml", 1500);
  CallId caller = start_caller();
  CallId agent = ring("1001");

  TalkReply reply = remote_answer(agent);
  EXPECT_FALSE(reply.accepted);
  EXPECT_EQ(reply.status, 489);
  EXPECT_LT(reply.after, 1s);  // the phone said so: no waiting for the time-out
  EXPECT_FALSE(centre_.answered(agent));
  EXPECT_EQ(centre_.failed_.count(agent), 0u);  // still ringing

  // The agent picks up the handset: the same call is answered and bridged.
  ASSERT_TRUE(centre_.wait([&] { return centre_.answered_.count(agent) > 0; }));
  ASSERT_TRUE(media_.bridge(caller, agent));
  EXPECT_TRUE(conversation(caller, agent));
  hang_up(caller, agent, phone);
}

TEST_F(RemoteAnswerTest, PhoneNotReplyingToTalkTimesOutAndKeepsRinging) {
  // Over TCP the unanswered NOTIFY is not retransmitted; the phone picks up after 2.5 s.
  auto phone = start_phone("1001", "agent_talk_silent.xml", 2500, "t1");
  CallId caller = start_caller();
  CallId agent = ring("1001");

  TalkReply reply = remote_answer(agent);
  EXPECT_FALSE(reply.accepted);
  EXPECT_EQ(reply.status, 408);
  EXPECT_GE(reply.after, 900ms);  // remote_answer_timeout_ms = 1000, checked every 100 ms
  EXPECT_LT(reply.after, 2s);
  EXPECT_FALSE(centre_.answered(agent));

  ASSERT_TRUE(centre_.wait([&] { return centre_.answered_.count(agent) > 0; }));
  ASSERT_TRUE(media_.bridge(caller, agent));
  EXPECT_TRUE(conversation(caller, agent));
  hang_up(caller, agent, phone);
}

TEST_F(RemoteAnswerTest, UnknownLegCannotBeAnswered) {
  TalkReply reply = remote_answer(sip_->new_call_id());
  EXPECT_FALSE(reply.accepted);
  EXPECT_EQ(reply.status, 481);
}

}  // namespace
}  // namespace sy::sip
