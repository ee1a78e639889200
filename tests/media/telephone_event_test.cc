// RFC 4733: payload codec, one digit per key press despite redundancy, retransmits and
// reordering, and a sender whose packets a receiver turns back into the digit.
#include "media/telephone_event.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace sy::media {
namespace {

TEST(TelephoneEvent, PayloadRoundTrips) {
  const TelephoneEvent e{11, true, 10, 1600};
  const auto wire = build_telephone_event(e);
  ASSERT_EQ(wire.size(), 4u);
  EXPECT_EQ(wire[0], 11);
  EXPECT_EQ(wire[1], 0x8A);  // E bit + volume 10
  auto p = parse_telephone_event(wire);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->event, 11);
  EXPECT_TRUE(p->end);
  EXPECT_EQ(p->volume, 10);
  EXPECT_EQ(p->duration, 1600);
  EXPECT_EQ(parse_telephone_event(std::vector<uint8_t>{1, 2, 3}).error().code,
            kTelephoneEventTooShort);
  // The reserved bit is ignored rather than taken as volume.
  EXPECT_EQ(parse_telephone_event(std::vector<uint8_t>{5, 0x4A, 0, 160})->volume, 10);
}

TEST(TelephoneEvent, DigitMapping) {
  const std::string all = "0123456789*#ABCD";
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(dtmf_char_to_event(all[i]), static_cast<uint8_t>(i));
    EXPECT_EQ(dtmf_event_to_char(static_cast<uint8_t>(i)), all[i]);
  }
  EXPECT_EQ(dtmf_char_to_event('a'), 12);
  EXPECT_FALSE(dtmf_char_to_event('x'));
  EXPECT_FALSE(dtmf_event_to_char(16));  // flash is not a digit
}

TEST(TelephoneEvent, SenderProducesUpdatesThenThreeEnds) {
  auto packets = make_dtmf_packets('5', 8000);
  ASSERT_TRUE(packets.ok());
  ASSERT_EQ(packets->size(), 4u + 3u);  // 160..640 then 3 x end at 800
  EXPECT_TRUE((*packets)[0].marker);
  EXPECT_EQ((*packets)[0].event.duration, 160);
  for (size_t i = 1; i < packets->size(); ++i) EXPECT_FALSE((*packets)[i].marker);
  for (size_t i = 4; i < 7; ++i) {
    EXPECT_TRUE((*packets)[i].event.end);
    EXPECT_EQ((*packets)[i].event.duration, 800);
  }
  for (const auto& p : *packets) {
    EXPECT_EQ(p.timestamp, 8000u);
    EXPECT_EQ(p.event.event, 5);
  }
  EXPECT_FALSE(make_dtmf_packets('z', 0).ok());
}

std::string receive_all(DtmfReceiver& rx, const std::vector<TelephoneEventPacket>& packets) {
  std::string digits;
  for (const auto& p : packets) {
    if (auto d = rx.on_payload(p.timestamp, build_telephone_event(p.event))) {
      digits.push_back(d->digit);
    }
  }
  return digits;
}

TEST(DtmfReceiver, OnePressIsOneDigitDespiteRedundantEnds) {
  DtmfReceiver rx;
  auto packets = *make_dtmf_packets('7', 1000);
  EXPECT_EQ(receive_all(rx, packets), "7");
  EXPECT_EQ(receive_all(rx, packets), "");  // a retransmit of the whole press
}

TEST(DtmfReceiver, SameDigitTwiceIsTwoPresses) {
  DtmfReceiver rx;
  auto first = *make_dtmf_packets('1', 1000);
  auto second = *make_dtmf_packets('1', 3000);
  EXPECT_EQ(receive_all(rx, first) + receive_all(rx, second), "11");
}

TEST(DtmfReceiver, ReorderedAndDuplicatedStreamStillGivesEachDigitOnce) {
  const std::string pressed = "95598#*0";
  std::vector<TelephoneEventPacket> stream;
  uint32_t ts = 5000;
  for (char c : pressed) {
    auto packets = *make_dtmf_packets(c, ts);
    stream.insert(stream.end(), packets.begin(), packets.end());
    stream.push_back(packets.back());  // a network duplicate
    ts += 1600;                        // 200 ms apart
  }
  // Local reordering: shuffle within windows of 4 packets (keeps the presses in order).
  std::mt19937 rng(99);
  for (size_t i = 0; i + 4 <= stream.size(); i += 4) {
    std::shuffle(stream.begin() + static_cast<std::ptrdiff_t>(i),
                 stream.begin() + static_cast<std::ptrdiff_t>(i + 4), rng);
  }
  DtmfReceiver rx;
  std::string got = receive_all(rx, stream);
  EXPECT_EQ(got.size(), pressed.size());
  std::string sorted_got = got, sorted_pressed = pressed;
  std::sort(sorted_got.begin(), sorted_got.end());
  std::sort(sorted_pressed.begin(), sorted_pressed.end());
  EXPECT_EQ(sorted_got, sorted_pressed);
}

TEST(DtmfReceiver, EndPacketsAloneStillReportTheDigit) {
  // Start packets lost: the first packet seen is an end packet.
  DtmfReceiver rx;
  auto packets = *make_dtmf_packets('#', 123);
  std::vector<TelephoneEventPacket> ends(packets.end() - 3, packets.end());
  EXPECT_EQ(receive_all(rx, ends), "#");
}

TEST(DtmfReceiver, NonDigitEventsAndGarbageAreIgnored) {
  DtmfReceiver rx;
  EXPECT_FALSE(rx.on_packet(10, TelephoneEvent{16, false, 10, 160}));  // flash
  EXPECT_FALSE(rx.on_payload(20, std::vector<uint8_t>{1}));
}

}  // namespace
}  // namespace sy::media

namespace sy::media {
namespace {

TEST(DtmfReceiver, KeyHeldPastTheDurationFieldIsStillOnePress) {
  DtmfReceiver rx;
  // Segment 1 fills the 16-bit duration without an end bit; segment 2 starts right after it.
  EXPECT_TRUE(rx.on_packet(1000, TelephoneEvent{3, false, 10, 160}));
  EXPECT_FALSE(rx.on_packet(1000, TelephoneEvent{3, false, 10, 0xFFFF}));
  EXPECT_FALSE(rx.on_packet(1000 + 0xFFFF, TelephoneEvent{3, false, 10, 160}));
  EXPECT_FALSE(rx.on_packet(1000 + 0xFFFF, TelephoneEvent{3, true, 10, 8000}));
  // A fresh press of the same key afterwards counts.
  EXPECT_TRUE(rx.on_packet(1000 + 0xFFFF + 16000, TelephoneEvent{3, false, 10, 160}));
}

}  // namespace
}  // namespace sy::media
