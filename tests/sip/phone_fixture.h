// Shared by the SIP tests with real phones (bridge_test.cc, remote_answer_test.cc): the
// application's part reduced to a Centre, and a fixture running the SIP adapter and the media
// host on 127.0.0.1 with SIPp phones and callers.
#pragma once

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "sip/media_host.h"
#include "sip/registrar.h"
#include "sip/sip_adapter.h"
#include "sip_test_support.h"

namespace sy::sip::testing {

using namespace std::chrono_literals;

// The application's part, reduced: answer every trunk call into the media host, connect
// answered agent legs, close media when a leg ends.
class Centre final : public CallHandler, public MediaEvents {
 public:
  SipAdapter* sip = nullptr;
  MediaHost* media = nullptr;

  void on_incoming_call(const IncomingCall& call) override {
    auto port = media->open(call.id, call.audio);
    if (!port) {
      sip->reject(call.id, 503);
      return;
    }
    sip->answer(call.id, LocalMedia{"127.0.0.1", *port, 0, 0});
    note([&] { inbound_.push_back(call.id); });
  }
  void on_call_established(CallId id) override {
    note([&] { established_.insert(id); });
  }
  void on_media_changed(CallId id, const NegotiatedAudio& audio) override {
    media->update(id, audio);
  }
  void on_call_ended(CallId id, CallEndReason reason) override {
    media->close(id);
    note([&] { ended_[id] = reason; });
  }
  void on_outbound_ringing(CallId id) override {
    note([&] { ringing_.insert(id); });
  }
  void on_outbound_answered(CallId id, const NegotiatedAudio& audio) override {
    Status st = media->connect(id, audio);
    note([&] { answered_[id] = st.ok() ? audio.audio_payload_type : -1; });
  }
  void on_outbound_failed(CallId id, int status) override {
    media->close(id);
    note([&] { failed_[id] = status; });
  }
  void on_digit(CallId, char) override {}
  void on_playback_finished(CallId, std::uint64_t) override {}
  void on_recording_finished(CallId id, const Result<media::RecordingMetadata>& r) override {
    note([&] { recordings_.emplace(id, r); });
  }

  template <class Pred>
  bool wait(Pred pred, std::chrono::milliseconds limit = 30s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(); });
  }
  // Unlocked state for wait() predicates; read after a successful wait.
  std::vector<CallId> inbound_;
  std::set<CallId> established_, ringing_;
  std::map<CallId, int> answered_, failed_;
  std::map<CallId, CallEndReason> ended_;
  std::map<CallId, Result<media::RecordingMetadata>> recordings_;

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

// A small centre on 127.0.0.1: the SIP adapter (phones 1001..1003 with password pw-EXT), the
// media host and SIPp phones and callers. Tests adjust the adapter's options in configure().
class PhoneFixture : public ::testing::Test {
 protected:
  virtual void configure(SipOptions&) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("sy-phones-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    media_.start();
    SipOptions options;
    options.host = "127.0.0.1";
    options.port = testing::free_sip_port();
    ASSERT_NE(options.port, 0);
    port_ = options.port;
    configure(options);
    Registrar registrar;
    registrar.credentials = [](const std::string& ext) -> std::optional<PhoneCredential> {
      if (ext != "1001" && ext != "1002" && ext != "1003") return std::nullopt;
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
    std::filesystem::remove_all(dir_);
  }

  // Starts SIPp as the phone of `ext` running `scenario`, and registers it (over `transport`);
  // `ring_ms`: the scenario's default pause (-d), when it has one.
  std::future<int> start_phone(const std::string& ext, const std::string& scenario,
                               const std::string& transport = "u1", int ring_ms = 0) {
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

  // Dials the agent phone and waits for its answer.
  CallId dial(const std::string& ext, bool expect_answer = true) {
    CallId id = place(ext);
    if (expect_answer) {
      EXPECT_TRUE(centre_.wait([&] { return centre_.answered_.count(id) > 0; }));
    }
    return id;
  }
  // Dials the agent phone and waits until it rings.
  CallId ring(const std::string& ext) {
    CallId id = place(ext);
    EXPECT_TRUE(centre_.wait([&] { return centre_.ringing_.count(id) > 0; }));
    return id;
  }
  // Dials the agent phone (our media port reserved for its answer).
  CallId place(const std::string& ext) {
    CallId id = sip_->new_call_id();
    auto port = media_.reserve(id);
    EXPECT_TRUE(port) << port.error().message;
    OutboundCall call;
    call.id = id;
    call.extension = ext;
    call.caller_number = "13800000000";
    call.caller_display = "95598 来电";
    call.local = LocalMedia{"127.0.0.1", *port, 0, 0};
    call.headers = {{"X-Call-Id", "c-" + std::to_string(id)}};
    EXPECT_EQ(sip_->dial(call), id);
    return id;
  }

  LegCounters counters(CallId id) { return media_.leg_counters(id).value_or(LegCounters{}); }
  // Waits (in real time: this is live RTP) until `pred(counters)` holds.
  bool until(CallId id, std::function<bool(const LegCounters&)> pred,
             std::chrono::seconds limit = 30s) {
    auto end = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < end) {
      if (pred(counters(id))) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
  // How much `field` of the leg grows over `ms` of live media.
  uint64_t growth(CallId id, uint64_t LegCounters::*field, int ms) {
    uint64_t before = counters(id).*field;
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return counters(id).*field - before;
  }

  std::filesystem::path dir_;
  Centre centre_;
  MediaHost media_{"127.0.0.1", {43000, 43999}, centre_};
  std::unique_ptr<SipAdapter> sip_;
  uint16_t port_ = 0;
  std::future<int> caller_;
};

}  // namespace sy::sip::testing
