// Answering a ringing agent phone from the network (SipAdapter::remote_answer), end to end over
// 127.0.0.1 with SIPp phones: our INVITE rings the phone, a NOTIFY with Event: talk goes into the
// early dialog, and a phone that supports it replies 200 and answers, so the caller (SIPp
// speaking G.711) is bridged and both hear each other. A phone that refuses the NOTIFY (489) or
// does not reply in time keeps ringing until the agent picks up the handset; giving up on the
// call meanwhile cancels it at once.
#include <gtest/gtest.h>

#include <future>
#include <memory>

#include "phone_fixture.h"

namespace sy::sip {
namespace {

using namespace std::chrono_literals;

// The page's desk phone scenario lives with the page tests; these tests drive it too.
const std::string kTalkPhone = "../../web/scenarios/agent_phone_talk.xml";

// What remote_answer() reported, and when.
struct TalkReply {
  bool accepted = false;
  int status = 0;
  std::chrono::steady_clock::duration after{};
};

class RemoteAnswerTest : public testing::PhoneFixture {
 protected:
  void configure(SipOptions& options) override {
    options.remote_answer_timeout_ms = 1000;
    options.registration_check_ms = 100;
  }

  // Asks for the remote answer; the outcome arrives on the SIP thread.
  std::future<TalkReply> ask(CallId leg) {
    auto reply = std::make_shared<std::promise<TalkReply>>();
    auto asked = std::chrono::steady_clock::now();
    sip_->remote_answer(leg, [reply, asked](bool accepted, int status) {
      reply->set_value(TalkReply{accepted, status, std::chrono::steady_clock::now() - asked});
    });
    return reply->get_future();
  }
  // remote_answer() and its outcome.
  TalkReply remote_answer(CallId leg) {
    auto future = ask(leg);
    EXPECT_EQ(future.wait_for(5s), std::future_status::ready);
    return future.get();
  }

  bool answered(CallId id) {
    return centre_.wait([&] { return centre_.answered_.count(id) > 0; }, 0ms);
  }
  // Waits (in real time: this is live RTP) until both people hear each other.
  bool conversation(CallId caller, CallId agent) {
    auto both = [](const LegCounters& c) {
      return c.loud_frames_in >= 25 && c.loud_frames_out >= 25;
    };
    return until(caller, both, 8s) && until(agent, both, 8s);
  }

  void hang_up(CallId caller, CallId agent, std::future<int>& phone) {
    sip_->hangup(agent);
    sip_->hangup(caller);
    EXPECT_EQ(phone.get(), 0);  // the phone went through its scenario and took the BYE
    EXPECT_EQ(caller_.get(), 0);
    EXPECT_TRUE(centre_.wait([&] { return centre_.ended_.size() == 2; }));
  }
};

TEST_F(RemoteAnswerTest, PhoneAcceptingTalkAnswersAndTheCallerIsBridgedBothWays) {
  auto phone = start_phone("1001", kTalkPhone);
  CallId caller = start_caller();
  CallId agent = ring("1001");
  std::this_thread::sleep_for(300ms);  // it rings and waits to be told
  EXPECT_FALSE(answered(agent));

  TalkReply reply = remote_answer(agent);
  EXPECT_TRUE(reply.accepted);
  EXPECT_EQ(reply.status, 200);
  ASSERT_TRUE(centre_.wait([&] { return centre_.answered_.count(agent) > 0; }));
  EXPECT_EQ(centre_.answered_[agent], 8);  // connected, PCMA
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
  CallId agent = place("1001");  // the agent clicks at once
  TalkReply reply = remote_answer(agent);
  EXPECT_TRUE(reply.accepted);
  EXPECT_EQ(reply.status, 200);
  ASSERT_TRUE(centre_.wait([&] { return centre_.answered_.count(agent) > 0; }));
  sip_->hangup(agent);
  EXPECT_EQ(phone.get(), 0);
}

TEST_F(RemoteAnswerTest, PhoneRefusingTalkKeepsRingingUntilTheAgentPicksUp) {
  auto phone = start_phone("1001", "agent_talk_refused.xml", "u1", 1500);
  CallId caller = start_caller();
  CallId agent = ring("1001");

  TalkReply reply = remote_answer(agent);
  EXPECT_FALSE(reply.accepted);
  EXPECT_EQ(reply.status, 489);
  EXPECT_LT(reply.after, 1s);  // the phone said so: no waiting for the time-out
  EXPECT_FALSE(answered(agent));
  EXPECT_FALSE(centre_.wait([&] { return centre_.failed_.count(agent) > 0; }, 0ms));  // ringing

  // The agent picks up the handset: the same call is answered and bridged.
  ASSERT_TRUE(centre_.wait([&] { return centre_.answered_.count(agent) > 0; }));
  ASSERT_TRUE(media_.bridge(caller, agent));
  EXPECT_TRUE(conversation(caller, agent));
  hang_up(caller, agent, phone);
}

TEST_F(RemoteAnswerTest, PhoneNotReplyingToTalkInTimeKeepsRinging) {
  // The phone replies (489) only after 2.5 s, then picks up; its late reply changes nothing.
  auto phone = start_phone("1001", "agent_talk_late.xml", "t1", 2500);
  CallId caller = start_caller();
  CallId agent = ring("1001");

  TalkReply reply = remote_answer(agent);
  EXPECT_FALSE(reply.accepted);
  EXPECT_EQ(reply.status, 408);
  EXPECT_GE(reply.after, 900ms);  // remote_answer_timeout_ms = 1000, checked every 100 ms
  EXPECT_LT(reply.after, 2s);
  EXPECT_FALSE(answered(agent));

  ASSERT_TRUE(centre_.wait([&] { return centre_.answered_.count(agent) > 0; }));
  ASSERT_TRUE(media_.bridge(caller, agent));
  EXPECT_TRUE(conversation(caller, agent));
  hang_up(caller, agent, phone);
}

TEST_F(RemoteAnswerTest, GivingUpWhileThePhoneIsAskedCancelsAtOnce) {
  // The phone takes the NOTIFY without replying; the agent refuses the call meanwhile.
  auto phone = start_phone("1001", "agent_talk_cancel.xml", "t1");
  CallId agent = ring("1001");
  auto future = ask(agent);
  std::this_thread::sleep_for(200ms);  // the NOTIFY is out, unanswered
  sip_->hangup(agent);                 // CANCEL: not held behind the NOTIFY
  ASSERT_EQ(future.wait_for(5s), std::future_status::ready);
  TalkReply r = future.get();
  EXPECT_FALSE(r.accepted);
  EXPECT_EQ(r.status, 481);   // the leg ended
  EXPECT_LT(r.after, 900ms);  // before the 1 s time-out
  ASSERT_TRUE(centre_.wait([&] { return centre_.failed_.count(agent) > 0; }));
  EXPECT_EQ(centre_.failed_[agent], 487);
  EXPECT_EQ(phone.get(), 0);  // it saw the NOTIFY, then the CANCEL
}

TEST_F(RemoteAnswerTest, UnknownLegCannotBeAnswered) {
  TalkReply reply = remote_answer(sip_->new_call_id());
  EXPECT_FALSE(reply.accepted);
  EXPECT_EQ(reply.status, 481);
}

}  // namespace
}  // namespace sy::sip
