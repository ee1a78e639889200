// RtpStream, the per-leg engine, wired back to back (and once over real UDP sockets): audio
// arrives intact after the playout delay, digits sent as RFC 4733 arrive once each, in-band
// digits are found when no telephone-events are used, and RTCP reports carry the loss.
#include "media/rtp_stream.h"

#include <gtest/gtest.h>

#include <cmath>

#include "media/rtp.h"
#include "media/rtp_socket.h"

namespace sy::media {
namespace {

using std::chrono::milliseconds;

RtpStreamConfig config(uint32_t ssrc, bool pcma = false) {
  RtpStreamConfig c;
  c.ssrc = ssrc;
  c.initial_sequence = static_cast<uint16_t>(65530 + ssrc);  // wraps during the test
  c.initial_timestamp = 0xFFFFF000u;
  if (pcma) {
    c.law = G711Law::kALaw;
    c.audio_payload_type = kPayloadTypePcma;
  }
  return c;
}

Frame tone_frame(int index) {
  Frame f;
  for (size_t i = 0; i < f.size(); ++i) {
    const double t = (index * kFrameSamples + i) / 8000.0;
    f[i] = static_cast<int16_t>(6000 * std::sin(2 * M_PI * 300 * t));
  }
  return f;
}

// Many phones (and SIPp's shipped recordings) send 30 ms packets: the receiver still plays a
// continuous 20 ms frame stream, every sample in order, none concealed.
TEST(RtpStream, ThirtyMillisecondPacketsPlayAsContinuousTwentyMillisecondFrames) {
  auto b = RtpStream::create(config(2));
  ASSERT_TRUE(b.ok());
  ManualClock clock;
  uint16_t seq = 65000;
  uint32_t ts = 0xFFFFFF00u;  // the timestamp wraps during the test
  std::vector<int16_t> sent;
  int audio = 0, concealed = 0, sample_index = 0;
  std::vector<int16_t> heard;
  for (int ms = 0; ms < 1800; ms += 10, clock.advance(milliseconds(10))) {
    if (ms % 30 == 0) {
      std::vector<int16_t> pcm(240);
      for (auto& v : pcm) {
        v = static_cast<int16_t>(6000 * std::sin(2 * M_PI * 300 * sample_index++ / 8000.0));
      }
      std::vector<uint8_t> payload(240);
      g711_encode(G711Law::kMuLaw, pcm, payload);
      RtpHeader h;
      h.payload_type = 0;
      h.sequence = seq++;
      h.timestamp = ts;
      h.ssrc = 77;
      ts += 240;
      ASSERT_EQ((*b)->on_datagram(build_rtp(h, payload), clock.now()).kind, ReceivedKind::kAudio);
      sent.insert(sent.end(), pcm.begin(), pcm.end());
    }
    if (ms % 20 == 0) {
      auto out = (*b)->next_frame(clock.now());
      if (out.kind == FrameKind::kAudio) {
        ++audio;
        heard.insert(heard.end(), out.samples.begin(), out.samples.end());
      }
      concealed += out.kind == FrameKind::kConcealed;
    }
  }
  EXPECT_EQ(concealed, 0);
  EXPECT_GE(audio, 85);  // 90 ticks less the playout delay
  ASSERT_LE(heard.size(), sent.size());
  for (size_t i = 0; i < heard.size(); ++i) ASSERT_NEAR(heard[i], sent[i], 200) << "sample " << i;
}

TEST(RtpStream, AudioCrossesBackToBackWithinG711Error) {
  for (bool pcma : {false, true}) {
    auto a = RtpStream::create(config(1, pcma));
    auto b = RtpStream::create(config(2, pcma));
    ASSERT_TRUE(a.ok() && b.ok());
    ManualClock clock;
    int played = 0;
    for (int i = 0; i < 60; ++i, clock.advance(milliseconds(20))) {
      const auto wire = (*a)->next_packet(tone_frame(i));
      EXPECT_EQ((*b)->on_datagram(wire, clock.now()).kind, ReceivedKind::kAudio);
      const auto out = (*b)->next_frame(clock.now());
      if (out.kind != FrameKind::kAudio) continue;
      const Frame expect = tone_frame(played++);  // frames come out in order after the delay
      for (size_t k = 0; k < out.samples.size(); ++k) {
        ASSERT_NEAR(out.samples[k], expect[k], 200) << "frame " << played << " sample " << k;
      }
    }
    EXPECT_EQ(played, 57);  // 60 ms playout delay = 3 frames
    EXPECT_EQ((*b)->remote_ssrc(), 1u);
    EXPECT_EQ((*b)->receive_stats().cumulative_lost(), 0);
  }
}

TEST(RtpStream, DigitsSentAsTelephoneEventsArriveOnceEach) {
  auto a = RtpStream::create(config(1));
  auto b = RtpStream::create(config(2));
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->send_digits("95598#").ok());
  EXPECT_EQ((*a)->send_digits("9x").error().code, "dtmf_bad_digit");
  ManualClock clock;
  std::string got;
  int event_packets = 0, concealed = 0;
  uint16_t prev_seq = 0;
  for (int i = 0; i < 100; ++i, clock.advance(milliseconds(20))) {
    const auto wire = (*a)->next_packet(tone_frame(i));
    auto parsed = parse_rtp(wire);
    ASSERT_TRUE(parsed.ok());
    if (i > 0) {
      EXPECT_EQ(seq_delta(prev_seq, parsed->header.sequence), 1);  // contiguous
    }
    prev_seq = parsed->header.sequence;
    const auto r = (*b)->on_datagram(wire, clock.now());
    event_packets += r.kind == ReceivedKind::kTelephoneEvent;
    // While a digit replaces audio the listener hears silence, not a fading repeat.
    concealed += (*b)->next_frame(clock.now()).kind == FrameKind::kConcealed;
    got += (*b)->take_digits();
  }
  EXPECT_EQ(got, "95598#");
  EXPECT_EQ(event_packets, 6 * 7);  // 4 updates + 3 end packets per digit
  EXPECT_EQ(concealed, 0);
  EXPECT_FALSE((*a)->sending_dtmf());
}

TEST(RtpStream, NoTelephoneEventNegotiatedMeansNoRfc4733) {
  RtpStreamConfig c = config(1);
  c.telephone_event_payload_type = -1;
  auto a = RtpStream::create(c);
  EXPECT_EQ((*a)->send_digits("1").error().code, "dtmf_not_negotiated");
}

TEST(RtpStream, InbandDigitsAreDetectedFromTheAudio) {
  auto a = RtpStream::create(config(1));
  auto b = RtpStream::create(config(2));
  auto tx = InbandDtmfGenerator::create();
  ASSERT_TRUE(a.ok() && b.ok() && tx.ok());
  ASSERT_TRUE((*tx)->queue("0*7").ok());
  ManualClock clock;
  std::string got;
  for (int i = 0; i < 40; ++i, clock.advance(milliseconds(20))) {
    Frame f{};
    (*tx)->generate(f);
    (void)(*b)->on_datagram((*a)->next_packet(f), clock.now());
    (void)(*b)->next_frame(clock.now());
    got += (*b)->take_digits();
  }
  EXPECT_EQ(got, "0*7");
}

TEST(RtpStream, RtcpReportsCarryLossAndSenderCounts) {
  auto a = RtpStream::create(config(1));
  auto b = RtpStream::create(config(2));
  ASSERT_TRUE(a.ok() && b.ok());
  ManualClock clock(TimePoint{std::chrono::seconds(1700000000)});
  for (int i = 0; i < 50; ++i, clock.advance(milliseconds(20))) {
    const auto wire = (*a)->next_packet(tone_frame(i));
    if (i % 10 == 3) continue;  // the network loses 5 of 50
    (void)(*b)->on_datagram(wire, clock.now());
  }
  (*b)->on_rtcp((*a)->make_rtcp_report(clock.now()), clock.now());  // SR from a
  clock.advance(milliseconds(500));
  const auto rr = (*b)->make_rtcp_report(clock.now());
  (*a)->on_rtcp(rr, clock.now());
  const auto report = (*a)->last_remote_report();
  ASSERT_TRUE(report && report->block);
  EXPECT_EQ(report->ssrc, 2u);
  EXPECT_EQ(report->block->ssrc, 1u);
  EXPECT_EQ(report->block->cumulative_lost, 5);
  EXPECT_EQ(report->block->fraction_lost, 5 * 256 / 50);
  EXPECT_NE(report->block->last_sr, 0u);
  EXPECT_EQ(report->block->delay_since_sr, 65536u / 2);  // 0.5 s in 1/65536 s
  EXPECT_EQ((*a)->send_counters().packets, 50u);
}

TEST(RtpStream, MalformedAndForeignPacketsAreCountedNotPlayed) {
  auto b = RtpStream::create(config(2));
  ManualClock clock;
  EXPECT_EQ((*b)->on_datagram(std::vector<uint8_t>{1, 2, 3}, clock.now()).kind,
            ReceivedKind::kMalformed);
  RtpHeader cn;
  cn.payload_type = 13;  // comfort noise: not negotiated here
  EXPECT_EQ((*b)->on_datagram(build_rtp(cn, std::vector<uint8_t>{40}), clock.now()).kind,
            ReceivedKind::kIgnored);
  EXPECT_FALSE((*b)->remote_ssrc());
}

// The whole receive path over UDP: endpoint A's stream sends 50 frames and a digit to B.
TEST(RtpStream, OverUdpSockets) {
  auto sa = RtpSocket::open("127.0.0.1", {42000, 42999});
  auto sb = RtpSocket::open("127.0.0.1", {42000, 42999});
  ASSERT_TRUE(sa.ok() && sb.ok());
  ASSERT_TRUE((*sa)->set_remote({"127.0.0.1", (*sb)->rtp_port()}).ok());
  auto a = RtpStream::create(config(1));
  auto b = RtpStream::create(config(2));
  ASSERT_TRUE((*a)->send_digits("5").ok());
  ManualClock clock;
  std::vector<uint8_t> buf(1500);
  int audio = 0;
  for (int i = 0; i < 57; ++i, clock.advance(milliseconds(20))) {
    ASSERT_TRUE((*sa)->send_rtp((*a)->next_packet(tone_frame(i))).ok());
    ASSERT_TRUE((*sb)->wait_readable(2000));
    auto got = (*sb)->receive_rtp(buf);
    ASSERT_TRUE(got.ok() && got->has_value());
    const auto kind =
        (*b)->on_datagram(std::span<const uint8_t>(buf.data(), (*got)->size), clock.now()).kind;
    audio += kind == ReceivedKind::kAudio;
  }
  EXPECT_EQ(audio, 50);
  EXPECT_EQ((*b)->take_digits(), "5");
}

}  // namespace
}  // namespace sy::media
