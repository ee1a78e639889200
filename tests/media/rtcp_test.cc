// RTCP SR/RR round trips, malformed reports, and the receiver statistics behind a report block
// (loss across a sequence wrap, interarrival jitter).
#include "media/rtcp.h"

#include <gtest/gtest.h>

#include <random>

namespace sy::media {
namespace {

TEST(Rtcp, SenderReportRoundTrips) {
  RtcpReport r;
  r.ssrc = 0xAABBCCDD;
  r.sender = RtcpSenderInfo{0x0123456789ABCDEFull, 160000, 1000, 160000};
  r.block = RtcpReportBlock{0x11223344, 25, -3, 70000, 42, 0x45678901, 65536};
  const auto wire = build_rtcp_report(r);
  ASSERT_EQ(wire.size(), 52u);  // 28 + 24
  EXPECT_EQ(wire[1], kRtcpTypeSr);
  auto p = parse_rtcp_report(wire);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->ssrc, r.ssrc);
  ASSERT_TRUE(p->sender);
  EXPECT_EQ(p->sender->ntp_timestamp, r.sender->ntp_timestamp);
  EXPECT_EQ(p->sender->packet_count, 1000u);
  ASSERT_TRUE(p->block);
  EXPECT_EQ(p->block->fraction_lost, 25);
  EXPECT_EQ(p->block->cumulative_lost, -3);  // 24-bit sign survives
  EXPECT_EQ(p->block->highest_seq, 70000u);
  EXPECT_EQ(p->block->jitter, 42u);
  EXPECT_EQ(p->block->last_sr, 0x45678901u);
}

TEST(Rtcp, ReceiverReportInACompoundPacket) {
  RtcpReport r;
  r.ssrc = 7;
  r.block = RtcpReportBlock{9, 0, 12, 100, 3, 0, 0};
  auto wire = build_rtcp_report(r);
  EXPECT_EQ(wire[1], kRtcpTypeRr);
  // An SDES (PT 202) before the RR must be skipped.
  std::vector<uint8_t> compound = {0x81, 202, 0, 2, 0, 0, 0, 7, 0, 0, 0, 0};
  compound.insert(compound.end(), wire.begin(), wire.end());
  auto p = parse_rtcp_report(compound);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->sender);
  EXPECT_EQ(p->block->cumulative_lost, 12);
}

TEST(Rtcp, MalformedReportsAreRejected) {
  EXPECT_EQ(parse_rtcp_report(std::vector<uint8_t>{0x81, 200}).error().code, kRtcpMalformed);
  // Length says 7 words but only 2 follow.
  EXPECT_EQ(
      parse_rtcp_report(std::vector<uint8_t>{0x81, 201, 0, 7, 0, 0, 0, 1, 0, 0, 0, 0}).error().code,
      kRtcpMalformed);
  // RC=1 but the RR's length leaves no room for the block.
  EXPECT_EQ(parse_rtcp_report(std::vector<uint8_t>{0x81, 201, 0, 1, 0, 0, 0, 1}).error().code,
            kRtcpMalformed);
  EXPECT_EQ(parse_rtcp_report(std::vector<uint8_t>{0x80, 202, 0, 1, 0, 0, 0, 1}).error().code,
            kRtcpNoReport);
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::vector<uint8_t> buf(rng() % 80);
    for (auto& b : buf) b = static_cast<uint8_t>(rng());
    if (!buf.empty()) buf[0] = static_cast<uint8_t>(0x80 | (buf[0] & 0x1F));
    (void)parse_rtcp_report(buf);  // only must not crash
  }
}

TEST(Rtcp, ReceiverStatsCountLossAcrossWrap) {
  RtpReceiverStats stats;
  uint16_t seq = 65530;
  uint32_t ts = 0;
  for (int i = 0; i < 20; ++i, ++seq, ts += 160) {
    if (i == 5 || i == 6) continue;  // two lost, right at the wrap
    stats.on_packet(seq, ts, ts + 1000);
  }
  EXPECT_EQ(stats.packets_received(), 18u);
  EXPECT_EQ(stats.cumulative_lost(), 2);
  const auto block = stats.make_report_block(99);
  EXPECT_EQ(block.ssrc, 99u);
  EXPECT_EQ(block.cumulative_lost, 2);
  EXPECT_EQ(block.highest_seq, 65536u + 13);  // one cycle, seq 13
  EXPECT_EQ(block.fraction_lost, 2 * 256 / 20);
  EXPECT_EQ(block.jitter, 0u);  // constant transit
  // The next interval has no loss.
  stats.on_packet(seq, ts, ts + 1000);
  EXPECT_EQ(stats.make_report_block(99).fraction_lost, 0);
}

TEST(Rtcp, JitterGrowsWithUnevenArrival) {
  RtpReceiverStats stats;
  uint32_t ts = 0;
  for (int i = 0; i < 200; ++i, ts += 160) {
    const uint32_t arrival = ts + (i % 2 ? 80 : 0);  // alternate 0 / 10 ms late
    stats.on_packet(static_cast<uint16_t>(i), ts, arrival);
  }
  EXPECT_NEAR(static_cast<double>(stats.jitter()), 80.0, 8.0);  // converges to |D|
}

}  // namespace
}  // namespace sy::media
