// The SIP adapter against SIPp as the caller: edge answers (OPTIONS, 403, 488, 503), calls
// handed to the core, CANCEL, BYE, hold. The core here is a recording handler.
#include <gtest/gtest.h>

#include <future>

#include "sip/sip_adapter.h"
#include "sip_test_support.h"

namespace sy::sip {
namespace {

using testing::RecordingHandler;
using testing::run_sipp;

class AdapterTest : public ::testing::Test {
 protected:
  void start(SipOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = testing::free_sip_port();
    ASSERT_NE(options.port, 0);
    port_ = options.port;
    auto a = SipAdapter::start(options, handler_);
    ASSERT_TRUE(a) << a.error().message;
    adapter_ = std::move(*a);
    handler_.adapter = adapter_.get();
  }
  void TearDown() override {
    if (adapter_) adapter_->stop();
  }
  RecordingHandler handler_;
  std::unique_ptr<SipAdapter> adapter_;
  uint16_t port_ = 0;
};

TEST_F(AdapterTest, OptionsIsAnswered200OverUdpAndTcp) {
  start();
  EXPECT_EQ(run_sipp(port_, "options.xml"), 0);
  EXPECT_EQ(run_sipp(port_, "options.xml", "-t t1"), 0);
  EXPECT_TRUE(handler_.incoming().empty());
}

TEST_F(AdapterTest, TrunkCallReachesTheCoreAndTheCallersByeEndsIt) {
  start();
  EXPECT_EQ(run_sipp(port_, "call_bye.xml", "-d 300"), 0);
  ASSERT_TRUE(handler_.wait([](auto& h) { return h.ended_count() == 1; }));
  auto in = handler_.incoming();
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].called, "95598");
  EXPECT_EQ(in[0].caller, "13800000000");
  EXPECT_EQ(in[0].source_ip, "127.0.0.1");
  EXPECT_EQ(in[0].audio.audio_payload_type, 0);
  EXPECT_EQ(in[0].audio.telephone_event_payload_type, 101);
  EXPECT_EQ(handler_.established(), 1);
  EXPECT_EQ(handler_.ended()[0].second, CallEndReason::kRemoteHangup);
  EXPECT_EQ(adapter_->counters().live_calls, 0);
}

TEST_F(AdapterTest, CallOverTcpWorksToo) {
  start();
  EXPECT_EQ(run_sipp(port_, "call_bye.xml", "-d 200 -t t1"), 0);
  ASSERT_TRUE(handler_.wait([](auto& h) { return h.ended_count() == 1; }));
  EXPECT_EQ(handler_.ended()[0].second, CallEndReason::kRemoteHangup);
}

TEST_F(AdapterTest, UntrustedSourceGets403AndNeverReachesTheCore) {
  SipOptions options;
  options.trusted_sources = {"127.0.0.2"};
  start(options);
  EXPECT_EQ(run_sipp(port_, "reject_403.xml"), 0);
  EXPECT_TRUE(handler_.incoming().empty());
  EXPECT_EQ(adapter_->counters().rejected_untrusted, 1u);
}

TEST_F(AdapterTest, UnknownServiceNumberIsRejectedByTheCore) {
  start();
  EXPECT_EQ(run_sipp(port_, "reject_404.xml", "-s 12345"), 0);
  ASSERT_TRUE(handler_.wait([](auto& h) { return h.ended_count() == 1; }));
  EXPECT_EQ(handler_.ended()[0].second, CallEndReason::kLocalHangup);
}

TEST_F(AdapterTest, CancelBeforeAnswerEndsTheCallAsCancelled) {
  start();
  handler_.auto_answer = false;
  EXPECT_EQ(run_sipp(port_, "cancel.xml"), 0);
  ASSERT_TRUE(handler_.wait([](auto& h) { return h.ended_count() == 1; }));
  EXPECT_EQ(handler_.ended()[0].second, CallEndReason::kCancelled);
  EXPECT_EQ(handler_.established(), 0);
}

TEST_F(AdapterTest, PastMaxCallsNewInvitesGet503AndTheLiveCallIsUntouched) {
  SipOptions options;
  options.max_calls = 1;
  start(options);
  auto live = std::async(std::launch::async, [&] { return run_sipp(port_, "call_bye.xml", "-d 2500"); });
  ASSERT_TRUE(handler_.wait([](auto& h) { return h.established_count() == 1; }));
  EXPECT_EQ(run_sipp(port_, "overload_503.xml"), 0);
  EXPECT_EQ(live.get(), 0);  // its BYE was answered 200: the call lived on
  EXPECT_EQ(adapter_->counters().rejected_overload, 1u);
  ASSERT_TRUE(handler_.wait([](auto& h) { return h.ended_count() == 1; }));
  EXPECT_EQ(handler_.ended()[0].second, CallEndReason::kRemoteHangup);
}

TEST_F(AdapterTest, MalformedSdpGets488WhileAnotherCallContinues) {
  start();
  auto live = std::async(std::launch::async, [&] { return run_sipp(port_, "call_bye.xml", "-d 2000"); });
  ASSERT_TRUE(handler_.wait([](auto& h) { return h.established_count() == 1; }));
  EXPECT_EQ(run_sipp(port_, "bad_sdp_488.xml"), 0);
  EXPECT_EQ(live.get(), 0);
  EXPECT_EQ(handler_.incoming().size(), 1u);
  EXPECT_EQ(adapter_->counters().rejected_sdp, 1u);
}

TEST_F(AdapterTest, HoldByReInviteIsAnsweredRecvonlyAndReported) {
  start();
  EXPECT_EQ(run_sipp(port_, "hold.xml"), 0);
  ASSERT_TRUE(handler_.wait([](auto& h) { return h.change_count() == 1; }));
  auto changes = handler_.changes();
  EXPECT_TRUE(changes[0].on_hold());
  EXPECT_EQ(changes[0].answered, MediaDirection::kRecvOnly);
}

}  // namespace
}  // namespace sy::sip
