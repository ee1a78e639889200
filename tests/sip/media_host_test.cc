// The media host over real UDP on 127.0.0.1: the caller hears a queued prompt as PCMU RTP, the
// IVR learns when it has been heard, barge-in stops it, and RFC 4733 digits from the caller come
// out as digit events.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <iostream>
#include <mutex>
#include <thread>
#include <utility>

#include "media/rtp.h"
#include "media/rtp_socket.h"
#include "media/rtp_stream.h"
#include "media/tones.h"
#include "sip/media_host.h"

namespace sy::sip {
namespace {

using namespace std::chrono_literals;

class RecordingEvents final : public MediaEvents {
 public:
  void on_digit(CallId, char digit) override {
    std::lock_guard lock(mu_);
    digits_ += digit;
    cv_.notify_all();
  }
  void on_playback_finished(CallId, std::uint64_t sequence) override {
    std::lock_guard lock(mu_);
    finished_.push_back(sequence);
    cv_.notify_all();
  }
  bool wait_digits(const std::string& want) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return digits_ == want; });
  }
  std::string take_digits() {
    std::lock_guard lock(mu_);
    return std::exchange(digits_, {});
  }
  bool wait_finished(std::uint64_t sequence) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, 3s, [&] {
      return std::find(finished_.begin(), finished_.end(), sequence) != finished_.end();
    });
  }
  std::vector<std::uint64_t> finished() {
    std::lock_guard lock(mu_);
    return finished_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string digits_;
  std::vector<std::uint64_t> finished_;
};

class MediaHostTest : public ::testing::Test {
 protected:
  void SetUp() override {
    host_.start();
    auto caller = media::RtpSocket::open("127.0.0.1", {46000, 46999});
    ASSERT_TRUE(caller) << caller.error().message;
    caller_ = std::move(*caller);
    NegotiatedAudio audio;
    audio.remote_ip = "127.0.0.1";
    audio.remote_port = caller_->rtp_port();
    audio.audio_payload_type = 0;
    audio.telephone_event_payload_type = 101;
    auto port = host_.open(1, audio);
    ASSERT_TRUE(port) << port.error().message;
    ASSERT_TRUE(caller_->set_remote({"127.0.0.1", *port}));
  }
  void TearDown() override { host_.stop(); }

  // Packets received by the caller within `ms`: (all PCMU packets, those carrying sound).
  std::pair<int, int> listen(int ms) {
    int packets = 0, loud = 0;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    uint8_t buf[2048];
    while (std::chrono::steady_clock::now() < end) {
      if (!caller_->wait_readable(20)) continue;
      auto got = caller_->receive_rtp(buf);
      if (!got || !*got) continue;
      auto rtp = media::parse_rtp(std::span<const uint8_t>(buf, (*got)->size));
      if (!rtp || rtp->header.payload_type != 0) continue;
      ++packets;
      for (uint8_t b : rtp->payload)
        if (b != 0xff && b != 0x7f) {
          ++loud;
          break;
        }
    }
    return {packets, loud};
  }

  // A phone without telephone-events: its keys are only tones in its audio.
  struct InbandPhone {
    std::unique_ptr<media::RtpStream> stream;
    std::unique_ptr<media::InbandDtmfGenerator> tones;
  };
  static InbandPhone inband_phone(uint32_t ssrc) {
    media::RtpStreamConfig config;
    config.telephone_event_payload_type = -1;
    config.ssrc = ssrc;
    auto stream = media::RtpStream::create(config);
    auto tones = media::InbandDtmfGenerator::create();
    EXPECT_TRUE(stream);
    EXPECT_TRUE(tones);
    if (!stream || !tones) return {};
    (*tones)->set_timing(kToneMs, kToneMs);
    return {std::move(*stream), std::move(*tones)};
  }

  // Sends `digits` as tones in 20 ms PCMU packets on the RTP clock (after a late wake-up the
  // packets due meanwhile go at once, as a phone's would), then waits until leg `leg` has taken
  // in every packet and the host has played them out of the jitter buffer. Returns the digits
  // the host reported meanwhile.
  std::string speak(media::RtpSocket& from, InbandPhone& phone, CallId leg,
                    const std::string& digits) {
    EXPECT_TRUE(phone.stream && phone.tones && phone.tones->queue(digits));
    if (!phone.stream || !phone.tones) return {};
    const uint64_t before = host_.leg_counters(leg).value_or(LegCounters{}).packets_in;
    const int frames = static_cast<int>(digits.size()) * 2 * kToneMs / 20 + 10;  // + 0.2 s quiet
    std::vector<int16_t> frame(160, 0);
    auto next = std::chrono::steady_clock::now();
    for (int i = 0; i < frames; ++i) {
      std::fill(frame.begin(), frame.end(), int16_t{0});
      phone.tones->generate(frame);
      EXPECT_TRUE(from.send_rtp(phone.stream->next_packet(frame)));
      next += 20ms;
      std::this_thread::sleep_until(next);
    }
    // Received: every packet is in. Played out: 25 more host ticks (0.5 s, far past the 60 ms
    // playout delay), whatever the load did to the timing.
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    auto received = [&] {
      return host_.leg_counters(leg).value_or(LegCounters{}).packets_in >=
             before + static_cast<uint64_t>(frames);
    };
    while (!received() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);
    const uint64_t ticks = host_.counters().ticks;
    while (host_.counters().ticks < ticks + 25 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(10ms);
    return events_.take_digits();
  }
  // Whether the host detects `digits` spoken in-band on `leg`. Detection depends on packets
  // arriving in time for playout: a load spike on the machine that delays a packet past the
  // jitter buffer drops a piece of a tone, so a try that heard something else is repeated.
  bool detected(media::RtpSocket& from, InbandPhone& phone, CallId leg,
                const std::string& digits) {
    for (int attempt = 1; attempt <= 3; ++attempt) {
      std::string heard = speak(from, phone, leg, digits);
      if (heard == digits) return true;
      std::cout << "in-band try " << attempt << ": sent \"" << digits << "\", heard \"" << heard
                << "\" (host late ticks " << host_.counters().late_ticks << ")\n";
    }
    return false;
  }

  static constexpr int kToneMs = 200;  // tone and gap: a key pressed at an ordinary pace

  RecordingEvents events_;
  MediaHost host_{"127.0.0.1", {45000, 45999}, events_};
  std::unique_ptr<media::RtpSocket> caller_;
};

TEST_F(MediaHostTest, CallerHearsThePromptAndTheIvrLearnsItWasHeard) {
  auto tone = std::make_shared<std::vector<int16_t>>(4000, int16_t{8000});  // 0.5 s
  std::uint64_t seq = host_.play(1, {tone});
  auto [packets, loud] = listen(800);
  EXPECT_GE(packets, 30);  // 20 ms packets for 0.8 s, allowing for a slow start
  EXPECT_GE(loud, 20);     // 25 frames of prompt
  EXPECT_LE(loud, 27);
  EXPECT_TRUE(events_.wait_finished(seq));
}

TEST_F(MediaHostTest, BargeInStopsThePromptWithoutAFinishEvent) {
  auto prompt = std::make_shared<std::vector<int16_t>>(80000, int16_t{8000});  // 10 s
  std::uint64_t seq = host_.play(1, {prompt});
  listen(200);
  host_.stop_playback(1);
  listen(100);  // packets already on their way
  auto [packets, loud] = listen(400);
  EXPECT_GE(packets, 10);  // the line stays open
  EXPECT_EQ(loud, 0);      // but the prompt is gone
  auto finished = events_.finished();
  EXPECT_EQ(std::find(finished.begin(), finished.end(), seq), finished.end());
}

TEST_F(MediaHostTest, Rfc4733DigitsFromTheCallerBecomeDigitEvents) {
  media::RtpStreamConfig config;
  config.telephone_event_payload_type = 101;
  config.ssrc = 0x1234;
  auto phone = media::RtpStream::create(config);
  ASSERT_TRUE(phone);
  ASSERT_TRUE((*phone)->send_digits("29"));
  std::vector<int16_t> silence(160, 0);
  for (int i = 0; i < 60; ++i) {  // 1.2 s of packets at the real 20 ms pace
    auto packet = (*phone)->next_packet(silence);
    ASSERT_TRUE(caller_->send_rtp(packet));
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_TRUE(events_.wait_digits("29"));
}

TEST_F(MediaHostTest, InBandDigitsFromAPhoneWithoutTelephoneEventsAreDetected) {
  InbandPhone phone = inband_phone(0x4321);  // an old phone: DTMF only as audio
  EXPECT_TRUE(detected(*caller_, phone, 1, "47"));
}

// An agent's phone: in-band detection is off on its leg (bridged calls do not pay for it), so
// tones it sends are not digits; asked for, detection runs on it too.
TEST_F(MediaHostTest, InBandDetectionRunsOnAgentLegsOnlyWhenAsked) {
  EXPECT_TRUE(host_.leg_counters(1)->inband_dtmf);  // the caller leg
  auto agent = media::RtpSocket::open("127.0.0.1", {46000, 46999});
  ASSERT_TRUE(agent) << agent.error().message;
  auto port = host_.reserve(2);
  ASSERT_TRUE(port) << port.error().message;
  NegotiatedAudio audio;
  audio.remote_ip = "127.0.0.1";
  audio.remote_port = (*agent)->rtp_port();
  audio.audio_payload_type = 0;
  audio.telephone_event_payload_type = -1;
  ASSERT_TRUE(host_.connect(2, audio));
  ASSERT_TRUE((*agent)->set_remote({"127.0.0.1", *port}));
  EXPECT_FALSE(host_.leg_counters(2)->inband_dtmf);
  InbandPhone phone = inband_phone(0x5678);
  EXPECT_EQ(speak(**agent, phone, 2, "58"), "");  // heard as audio only
  EXPECT_GE(host_.leg_counters(2)->packets_in, 30u);
  ASSERT_TRUE(host_.set_inband_dtmf(2, true));
  EXPECT_TRUE(host_.leg_counters(2)->inband_dtmf);
  EXPECT_TRUE(detected(**agent, phone, 2, "36"));
  EXPECT_FALSE(host_.set_inband_dtmf(99, true));
}

}  // namespace
}  // namespace sy::sip
